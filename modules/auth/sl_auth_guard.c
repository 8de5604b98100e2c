/* Lockout after repeated failures, and nonce-count replays, per worker set. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_auth_guard.h"


sl_conf_num_bounds_t  sl_auth_guard_sec_bounds = {
    sl_conf_check_num_bounds, 1, 86400
};


void
sl_auth_guard_create_conf(sl_auth_guard_conf_t *gc)
{
    gc->table = NULL;
    gc->size = SL_CONF_UNSET_SIZE;
    gc->max_failures = SL_CONF_UNSET;
    gc->window = SL_CONF_UNSET;
    gc->lockout = SL_CONF_UNSET;
}


sl_int_t
sl_auth_guard_init_conf(sl_conf_t *cf, sl_auth_guard_conf_t *gc)
{
    size_t  min;

    if (gc->size == SL_CONF_UNSET_SIZE) {
        gc->size = SL_AUTH_GUARD_ZONE_SIZE;
    }

    sl_conf_init_value(gc->max_failures, 5);
    sl_conf_init_value(gc->window, 60);
    sl_conf_init_value(gc->lockout, 300);

    /* room for one probe window, whatever the alignment of the zone */
    min = SL_AUTH_SHM_SIZE(SL_AUTH_SHM_PROBES) + _Alignof(sl_auth_shm_t);

    if (gc->size < min) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "\"auth_zone\" of %zu bytes is too small, it "
                          "must be at least %zu", gc->size, min);
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_auth_guard_init_zone(sl_auth_guard_conf_t *gc, sl_log_t *log,
    u_char *addr, size_t size, sl_uint_t taken_over)
{
    if (taken_over) {
        gc->table = (sl_auth_shm_t *) sl_align_ptr(addr,
                                                   _Alignof(sl_auth_shm_t));
        return SL_OK;
    }

    gc->table = sl_auth_shm_init(addr, size);

    if (gc->table == NULL) {
        sl_log_error(SL_LOG_EMERG, log, 0,
                     "auth_zone of %zu bytes is too small", size);
        return SL_ERROR;
    }

    return SL_OK;
}


sl_uint_t
sl_auth_guard_locked(sl_auth_guard_conf_t *gc, sl_log_t *log,
    const struct sockaddr *sa, time_t now)
{
    u_char                key[17];
    size_t                len;
    time_t                left;
    sl_auth_shm_entry_t  *e;

    if (gc->max_failures == 0 || gc->table == NULL) {
        return 0;
    }

    len = sl_auth_shm_addr_key(sa, key);
    left = 0;

    sl_auth_shm_lock(gc->table);

    e = sl_auth_shm_get(gc->table, SL_AUTH_SHM_ADDR, key, len, now, 0);
    if (e) {
        left = sl_auth_lockout_left(e, now);
    }

    sl_auth_shm_unlock(gc->table);

    if (left == 0) {
        return 0;
    }

    sl_log_error(SL_LOG_INFO, log, 0,
                 "authentication: client locked out, %lld s left",
                 (long long) left);

    return 1;
}


void
sl_auth_guard_fail(sl_auth_guard_conf_t *gc, sl_log_t *log,
    const struct sockaddr *sa, time_t now)
{
    u_char                key[17];
    size_t                len;
    sl_uint_t             locked;
    sl_auth_lockout_t     lc;
    sl_auth_shm_entry_t  *e;

    if (gc->max_failures == 0 || gc->table == NULL) {
        return;
    }

    lc.max_failures = (sl_uint_t) gc->max_failures;
    lc.window = gc->window;
    lc.lockout = gc->lockout;

    len = sl_auth_shm_addr_key(sa, key);
    locked = 0;

    sl_auth_shm_lock(gc->table);

    e = sl_auth_shm_get(gc->table, SL_AUTH_SHM_ADDR, key, len, now, 1);
    if (e) {
        locked = sl_auth_lockout_fail(e, &lc, now);
    }

    sl_auth_shm_unlock(gc->table);

    if (locked) {
        sl_log_error(SL_LOG_WARN, log, 0,
                     "client locked out for %lld s after %lld failures",
                     (long long) lc.lockout, (long long) gc->max_failures);
    }
}


sl_uint_t
sl_auth_guard_take_nc(sl_auth_guard_conf_t *gc, const sl_str_t *nonce,
    uint32_t nc, time_t now, time_t expire)
{
    sl_uint_t             ok;
    sl_auth_shm_entry_t  *e;

    if (gc->table == NULL) {
        return 1;
    }

    ok = 1;

    sl_auth_shm_lock(gc->table);

    e = sl_auth_shm_get(gc->table, SL_AUTH_SHM_NONCE, nonce->data,
                        nonce->len, now, 1);
    if (e) {
        ok = sl_auth_replay_take(e, nc, now, expire);
    }

    sl_auth_shm_unlock(gc->table);

    return ok;
}
