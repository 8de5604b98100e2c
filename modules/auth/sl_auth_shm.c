/* The auth module's shared table: lockout and nonce-count entries. */

#include <sl_config.h>
#include <sl_core.h>
#include <sched.h>
#include <sl_auth_shm.h>


#define SL_AUTH_SHM_SPINS   1024        /* spins between two sched_yield() */


sl_auth_shm_t *
sl_auth_shm_init(void *addr, size_t size)
{
    u_char         *p;
    size_t          n;
    sl_auth_shm_t  *t;

    p = sl_align_ptr(addr, _Alignof(sl_auth_shm_t));
    n = size - (size_t) (p - (u_char *) addr);

    if ((size_t) (p - (u_char *) addr) > size
        || n < SL_AUTH_SHM_SIZE(SL_AUTH_SHM_PROBES))
    {
        return NULL;
    }

    t = (sl_auth_shm_t *) p;

    atomic_init(&t->lock, 0);
    t->nslots = (uint32_t) ((n - sizeof(sl_auth_shm_t))
                            / sizeof(sl_auth_shm_entry_t));

    return t;
}


void
sl_auth_shm_lock(sl_auth_shm_t *t)
{
    unsigned   expected;
    sl_uint_t  n;

    for (n = 0; /* void */; n++) {
        expected = 0;

        if (atomic_load_explicit(&t->lock, memory_order_relaxed) == 0
            && atomic_compare_exchange_weak_explicit(&t->lock, &expected, 1,
                                                     memory_order_acquire,
                                                     memory_order_relaxed))
        {
            return;
        }

        if (n % SL_AUTH_SHM_SPINS == SL_AUTH_SHM_SPINS - 1) {
            (void) sched_yield();
        }
    }
}


void
sl_auth_shm_unlock(sl_auth_shm_t *t)
{
    atomic_store_explicit(&t->lock, 0, memory_order_release);
}


/* FNV-1a, with the kind in it: the key is not chosen by the server */
static uint32_t
sl_auth_shm_hash(sl_auth_shm_kind_e kind, const u_char *key, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u ^ (uint32_t) kind;

    for (i = 0; i < len; i++) {
        h ^= key[i];
        h *= 16777619u;
    }

    return h;
}


sl_auth_shm_entry_t *
sl_auth_shm_get(sl_auth_shm_t *t, sl_auth_shm_kind_e kind,
    const u_char *key, size_t len, time_t now, sl_uint_t create)
{
    uint32_t              h, i;
    sl_auth_shm_entry_t  *e, *victim;

    if (len > SL_AUTH_SHM_KEY_LEN || t->nslots == 0) {
        return NULL;
    }

    h = sl_auth_shm_hash(kind, key, len);
    victim = NULL;

    for (i = 0; i < SL_AUTH_SHM_PROBES; i++) {
        e = &t->slots[(h + i) % t->nslots];

        if (e->kind == SL_AUTH_SHM_FREE) {
            if (victim == NULL || victim->kind != SL_AUTH_SHM_FREE) {
                victim = e;                 /* the first free one */
            }

            continue;
        }

        if (now >= e->expire) {
            if (victim == NULL || now < victim->expire) {
                victim = e;                 /* else the first expired */
            }

            continue;
        }

        if (e->hash == h && e->kind == kind && e->len == len
            && memcmp(e->key, key, len) == 0)
        {
            return e;
        }

        /* else the live one that expires soonest */

        if (victim == NULL
            || (victim->kind != SL_AUTH_SHM_FREE && now < victim->expire
                && e->expire < victim->expire))
        {
            victim = e;
        }
    }

    if (!create) {
        return NULL;
    }

    sl_memzero(victim, sizeof(sl_auth_shm_entry_t));
    victim->hash = h;
    victim->kind = (uint8_t) kind;
    victim->len = (uint8_t) len;
    sl_memcpy(victim->key, key, len);

    return victim;
}


size_t
sl_auth_shm_addr_key(const struct sockaddr *sa, u_char *buf)
{
    const struct sockaddr_in   *sin;
    const struct sockaddr_in6  *sin6;

    switch (sa->sa_family) {

    case AF_INET:
        sin = (const struct sockaddr_in *) sa;
        buf[0] = 4;
        sl_memcpy(buf + 1, &sin->sin_addr, 4);
        return 5;

    case AF_INET6:
        sin6 = (const struct sockaddr_in6 *) sa;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            buf[0] = 4;
            sl_memcpy(buf + 1, &sin6->sin6_addr.s6_addr[12], 4);
            return 5;
        }

        buf[0] = 6;
        sl_memcpy(buf + 1, &sin6->sin6_addr, 16);
        return 17;

    default:
        buf[0] = 0;
        return 1;
    }
}


time_t
sl_auth_lockout_left(const sl_auth_shm_entry_t *e, time_t now)
{
    return (e->until > now) ? e->until - now : 0;
}


sl_uint_t
sl_auth_lockout_fail(sl_auth_shm_entry_t *e, const sl_auth_lockout_t *lc,
    time_t now)
{
    if (lc->max_failures == 0) {
        return 0;
    }

    if (e->count == 0 || now - e->start >= lc->window) {
        e->count = 0;
        e->start = now;
    }

    e->count++;
    e->expire = sl_max(e->expire, e->start + lc->window);

    if (e->count < lc->max_failures) {
        return 0;
    }

    e->count = 0;
    e->until = now + lc->lockout;
    e->expire = sl_max(e->expire, e->until);

    return 1;
}


sl_uint_t
sl_auth_replay_take(sl_auth_shm_entry_t *e, uint32_t nc, time_t now,
    time_t expire)
{
    if (e->start != 0 && nc <= e->count) {
        return 0;
    }

    e->count = nc;
    e->start = now;
    e->expire = expire;

    return 1;
}
