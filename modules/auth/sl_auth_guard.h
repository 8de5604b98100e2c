/*
 * Brute-force lockout and Digest nonce-count replay detection for the
 * auth module, over the shared table of sl_auth_shm.h: directives and
 * the calls the authentication phase makes.
 */

#ifndef SL_AUTH_GUARD_H
#define SL_AUTH_GUARD_H

#include <sl_config.h>
#include <sl_core.h>
#include "sl_auth_shm.h"


typedef struct {
    sl_auth_shm_t       *table;         /* in the auth zone; NULL until
                                           the zone is mapped */
    size_t               size;          /* auth_zone, bytes */
    sl_int_t             max_failures;  /* auth_max_failures, 0: off */
    sl_int_t             window;        /* auth_failure_window, s */
    sl_int_t             lockout;       /* auth_lockout, s */
} sl_auth_guard_conf_t;


/* the directives, main level only; conf_off/field_off as in sl_command_t */
#define SL_AUTH_GUARD_COMMANDS(conf_off, field_off)                          \
    { sl_string("auth_zone"),                                                \
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,                                \
      sl_conf_set_size_slot, conf_off,                                       \
      (field_off) + offsetof(sl_auth_guard_conf_t, size), NULL, NULL },      \
    { sl_string("auth_max_failures"),                                        \
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,                                \
      sl_conf_set_num_slot, conf_off,                                        \
      (field_off) + offsetof(sl_auth_guard_conf_t, max_failures),            \
      NULL, NULL },                                                          \
    { sl_string("auth_failure_window"),                                      \
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,                                \
      sl_conf_set_sec_slot, conf_off,                                        \
      (field_off) + offsetof(sl_auth_guard_conf_t, window),                  \
      &sl_auth_guard_sec_bounds, NULL },                                     \
    { sl_string("auth_lockout"),                                             \
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,                                \
      sl_conf_set_sec_slot, conf_off,                                        \
      (field_off) + offsetof(sl_auth_guard_conf_t, lockout),                 \
      &sl_auth_guard_sec_bounds, NULL }

extern sl_conf_num_bounds_t  sl_auth_guard_sec_bounds;

#define SL_AUTH_GUARD_ZONE_SIZE   (1024 * 1024)


void sl_auth_guard_create_conf(sl_auth_guard_conf_t *gc);

/*
 * Defaults (auth_zone 1m, auth_max_failures 5, auth_failure_window 1m,
 * auth_lockout 5m) and checks; SL_ERROR (logged) for a zone too small.
 */
sl_int_t sl_auth_guard_init_conf(sl_conf_t *cf, sl_auth_guard_conf_t *gc);

/*
 * Sets gc->table to the table in size bytes at addr, laid out afresh
 * unless taken over from the previous cycle (the same bytes: the
 * counts and locks survive a reload).  SL_OK or SL_ERROR (logged).
 */
sl_int_t sl_auth_guard_init_zone(sl_auth_guard_conf_t *gc, sl_log_t *log,
    u_char *addr, size_t size, sl_uint_t taken_over);

/*
 * Whether the client at sa is locked out at now: then logged at info,
 * and the caller answers 403 without looking at credentials.
 */
sl_uint_t sl_auth_guard_locked(sl_auth_guard_conf_t *gc, sl_log_t *log,
    const struct sockaddr *sa, time_t now);

/*
 * Counts a denied authentication of the client at sa; the one that
 * reaches auth_max_failures locks it out, logged once at warn.
 */
void sl_auth_guard_fail(sl_auth_guard_conf_t *gc, sl_log_t *log,
    const struct sockaddr *sa, time_t now);

/*
 * Takes nonce-count nc of a right Digest response (with qop) on nonce
 * (checked authentic: at most SL_AUTH_SHM_KEY_LEN bytes), remembered
 * until expire.  1: first use of that count, 0: a replay.
 */
sl_uint_t sl_auth_guard_take_nc(sl_auth_guard_conf_t *gc,
    const sl_str_t *nonce, uint32_t nc, time_t now, time_t expire);

#endif /* SL_AUTH_GUARD_H */
