/*
 * Unit tests for modules/auth/sl_auth_shm.c: the shared table (insert,
 * find, expiry, replacement when the probe window is full, the lock
 * across processes) and the lockout and replay policies.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"

#if (SL_HAVE_AUTH_MODULE)

#include <sl_auth_shm.h>

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>


#define NOW  1764000000


static sl_auth_shm_t *
table_make(u_char *mem, size_t size)
{
    sl_auth_shm_t  *t;

    sl_memzero(mem, size);
    t = sl_auth_shm_init(mem, size);
    CU_ASSERT_FATAL(t != NULL);

    return t;
}


static sl_auth_shm_entry_t *
get(sl_auth_shm_t *t, const char *key, time_t now, sl_uint_t create)
{
    return sl_auth_shm_get(t, SL_AUTH_SHM_NONCE, (const u_char *) key,
                           strlen(key), now, create);
}


static void
test_init(void)
{
    u_char          mem[SL_AUTH_SHM_SIZE(100) + 16];
    sl_auth_shm_t  *t;

    t = table_make(mem + 1, SL_AUTH_SHM_SIZE(100));

    /* aligned, and one slot lost to the alignment */
    CU_ASSERT_EQUAL((uintptr_t) t % _Alignof(sl_auth_shm_t), 0);
    CU_ASSERT_EQUAL(t->nslots, 99);

    t = table_make(mem, SL_AUTH_SHM_SIZE(100));
    CU_ASSERT_EQUAL(t->nslots, 100);

    CU_ASSERT_PTR_NULL(sl_auth_shm_init(mem,
                                        SL_AUTH_SHM_SIZE(SL_AUTH_SHM_PROBES)
                                        - 1));
}


static void
test_insert_find(void)
{
    u_char                mem[SL_AUTH_SHM_SIZE(64)];
    u_char                k[SL_AUTH_SHM_KEY_LEN + 1];
    sl_auth_shm_t        *t;
    sl_auth_shm_entry_t  *a, *b;

    t = table_make(mem, sizeof(mem));

    CU_ASSERT_PTR_NULL(get(t, "alpha", NOW, 0));

    a = get(t, "alpha", NOW, 1);
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_EQUAL(a->kind, SL_AUTH_SHM_NONCE);
    CU_ASSERT_EQUAL(a->len, 5);
    CU_ASSERT_EQUAL(a->count, 0);
    a->count = 7;
    a->expire = NOW + 10;

    b = get(t, "beta", NOW, 1);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT_PTR_NOT_EQUAL(a, b);
    b->expire = NOW + 10;

    CU_ASSERT_PTR_EQUAL(get(t, "alpha", NOW + 5, 0), a);
    CU_ASSERT_EQUAL(get(t, "alpha", NOW + 5, 1)->count, 7);
    CU_ASSERT_PTR_EQUAL(get(t, "beta", NOW + 5, 0), b);

    /* the same bytes of the other kind are another key */
    CU_ASSERT_PTR_NULL(sl_auth_shm_get(t, SL_AUTH_SHM_ADDR,
                                       (const u_char *) "alpha", 5, NOW, 0));

    /* a prefix is another key */
    CU_ASSERT_PTR_NULL(get(t, "alph", NOW, 0));

    /* too long a key is refused */
    memset(k, 'k', sizeof(k));
    CU_ASSERT_PTR_NULL(sl_auth_shm_get(t, SL_AUTH_SHM_NONCE, k, sizeof(k),
                                       NOW, 1));
    CU_ASSERT_PTR_NOT_NULL(sl_auth_shm_get(t, SL_AUTH_SHM_NONCE, k,
                                           SL_AUTH_SHM_KEY_LEN, NOW, 1));
}


static void
test_expiry(void)
{
    u_char                mem[SL_AUTH_SHM_SIZE(64)];
    sl_auth_shm_t        *t;
    sl_auth_shm_entry_t  *a, *a2;

    t = table_make(mem, sizeof(mem));

    a = get(t, "alpha", NOW, 1);
    a->count = 3;
    a->expire = NOW + 10;

    CU_ASSERT_PTR_EQUAL(get(t, "alpha", NOW + 9, 0), a);

    /* at expire it is gone, and comes back zeroed in a slot */
    CU_ASSERT_PTR_NULL(get(t, "alpha", NOW + 10, 0));

    a2 = get(t, "alpha", NOW + 10, 1);
    CU_ASSERT_FATAL(a2 != NULL);
    CU_ASSERT_EQUAL(a2->count, 0);
    CU_ASSERT_EQUAL(a2->expire, 0);
}


/*
 * With nslots == SL_AUTH_SHM_PROBES every key probes every slot: the
 * table is one probe window, so it fills up and must replace.
 */
static void
test_replacement(void)
{
    char                  key[16];
    u_char                mem[SL_AUTH_SHM_SIZE(SL_AUTH_SHM_PROBES)];
    sl_uint_t             i;
    sl_auth_shm_t        *t;
    sl_auth_shm_entry_t  *e;

    t = table_make(mem, sizeof(mem));
    CU_ASSERT_EQUAL_FATAL(t->nslots, SL_AUTH_SHM_PROBES);

    for (i = 0; i < SL_AUTH_SHM_PROBES; i++) {
        snprintf(key, sizeof(key), "k%u", (unsigned) i);
        e = get(t, key, NOW, 1);
        CU_ASSERT_FATAL(e != NULL);
        CU_ASSERT_EQUAL(e->kind, SL_AUTH_SHM_NONCE);   /* was free */
        e->count = (uint32_t) i + 1;
        e->expire = NOW + 100 - (time_t) (i == 5) * 50;  /* k5 soonest */
    }

    for (i = 0; i < SL_AUTH_SHM_PROBES; i++) {
        snprintf(key, sizeof(key), "k%u", (unsigned) i);
        e = get(t, key, NOW, 0);
        CU_ASSERT_FATAL(e != NULL);
        CU_ASSERT_EQUAL(e->count, i + 1);
    }

    /* full, none expired: the one that expires soonest (k5) goes */
    e = get(t, "new", NOW, 1);
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT_EQUAL(e->count, 0);
    e->expire = NOW + 100;

    CU_ASSERT_PTR_NULL(get(t, "k5", NOW, 0));
    CU_ASSERT_PTR_NOT_NULL(get(t, "k4", NOW, 0));
    CU_ASSERT_PTR_NOT_NULL(get(t, "k6", NOW, 0));
    CU_ASSERT_PTR_NOT_NULL(get(t, "new", NOW, 0));

    /* an expired one goes before any live one that expires sooner */
    e = get(t, "k2", NOW, 0);
    e->expire = NOW + 1;
    e = get(t, "k3", NOW, 0);
    e->expire = NOW + 3;

    e = get(t, "later", NOW + 2, 1);
    CU_ASSERT_FATAL(e != NULL);
    e->expire = NOW + 100;

    CU_ASSERT_PTR_NULL(get(t, "k2", NOW + 2, 0));
    CU_ASSERT_PTR_NOT_NULL(get(t, "k3", NOW + 2, 0));
    CU_ASSERT_PTR_NOT_NULL(get(t, "later", NOW + 2, 0));
}


static void
test_addr_key(void)
{
    u_char               k4[17], k6[17];
    size_t               n4, n6;
    struct sockaddr_in   sin;
    struct sockaddr_in6  sin6;

    sl_memzero(&sin, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(554);
    CU_ASSERT_FATAL(inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr) == 1);

    sl_memzero(&sin6, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(40000);
    CU_ASSERT_FATAL(inet_pton(AF_INET6, "::ffff:192.0.2.7",
                              &sin6.sin6_addr) == 1);

    n4 = sl_auth_shm_addr_key((struct sockaddr *) &sin, k4);
    n6 = sl_auth_shm_addr_key((struct sockaddr *) &sin6, k6);

    /* the mapped address is the v4 one, whatever the port */
    CU_ASSERT_EQUAL(n4, 5);
    CU_ASSERT_EQUAL(n6, 5);
    CU_ASSERT_EQUAL(memcmp(k4, "\x04\xc0\x00\x02\x07", 5), 0);
    CU_ASSERT_EQUAL(memcmp(k4, k6, 5), 0);

    CU_ASSERT_FATAL(inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr)
                    == 1);
    n6 = sl_auth_shm_addr_key((struct sockaddr *) &sin6, k6);
    CU_ASSERT_EQUAL(n6, 17);
    CU_ASSERT_EQUAL(k6[0], 6);
    CU_ASSERT_EQUAL(k6[16], 1);
}


/* two processes add 1 under the lock, each many times: none is lost */
static void
test_lock(void)
{
    int                   status;
    pid_t                 pid;
    uint32_t              v;
    u_char               *mem;
    size_t                size;
    sl_uint_t             i, n;
    sl_auth_shm_t        *t;
    sl_auth_shm_entry_t  *e;
    atomic_uint          *ready;
    volatile uint32_t    *counter;

    size = SL_AUTH_SHM_SIZE(16) + sizeof(atomic_uint);
    n = 100000;

    mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(mem != MAP_FAILED);

    /* the start line both wait at, after the table */
    ready = (atomic_uint *) (mem + SL_AUTH_SHM_SIZE(16));

    t = sl_auth_shm_init(mem, SL_AUTH_SHM_SIZE(16));
    CU_ASSERT_FATAL(t != NULL);

    e = get(t, "counter", NOW, 1);
    e->expire = NOW + 100;
    counter = &e->count;

    pid = fork();
    CU_ASSERT_FATAL(pid != -1);

    /* both running before either counts, so that they do overlap */
    atomic_fetch_add(ready, 1);

    while (atomic_load(ready) < 2) {
        (void) sched_yield();
    }

    for (i = 0; i < n; i++) {
        sl_auth_shm_lock(t);

        /*
         * a read and a write apart, with the CPU given up between them
         * now and then so that the other process does run there even
         * on one CPU: without the lock, updates are lost
         */
        v = *counter;

        if (i % 64 == 0) {
            (void) sched_yield();
        }

        *counter = v + 1;

        sl_auth_shm_unlock(t);
    }

    if (pid == 0) {
        _exit(0);
    }

    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    CU_ASSERT_EQUAL(*counter, 2 * n);
    CU_ASSERT_EQUAL(atomic_load(&t->lock), 0);

    CU_ASSERT_EQUAL(munmap(mem, size), 0);
}


static void
test_lockout(void)
{
    sl_auth_lockout_t    lc = { 3, 60, 300 };
    sl_auth_shm_entry_t  e;

    sl_memzero(&e, sizeof(e));

    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW), 0);

    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW), 0);
    CU_ASSERT_EQUAL(e.start, NOW);
    CU_ASSERT_EQUAL(e.expire, NOW + 60);
    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW + 30), 0);
    CU_ASSERT_EQUAL(e.count, 2);

    /* the window (from the first failure) has passed: a new one */
    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW + 60), 0);
    CU_ASSERT_EQUAL(e.count, 1);
    CU_ASSERT_EQUAL(e.start, NOW + 60);
    CU_ASSERT_EQUAL(e.expire, NOW + 120);

    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW + 61), 0);
    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW + 61), 0);

    /* the third within the window locks, for lockout from now */
    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW + 62), 1);
    CU_ASSERT_EQUAL(e.until, NOW + 362);
    CU_ASSERT_EQUAL(e.expire, NOW + 362);
    CU_ASSERT_EQUAL(e.count, 0);
    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW + 62), 300);
    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW + 361), 1);
    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW + 362), 0);

    /* off */
    lc.max_failures = 0;
    sl_memzero(&e, sizeof(e));
    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW), 0);
    CU_ASSERT_EQUAL(e.count, 0);

    /* one failure is enough with auth_max_failures 1 */
    lc.max_failures = 1;
    CU_ASSERT_EQUAL(sl_auth_lockout_fail(&e, &lc, NOW), 1);
    CU_ASSERT_EQUAL(sl_auth_lockout_left(&e, NOW), 300);
}


static void
test_replay(void)
{
    sl_auth_shm_entry_t  e;

    sl_memzero(&e, sizeof(e));

    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 1, NOW, NOW + 300), 1);
    CU_ASSERT_EQUAL(e.count, 1);
    CU_ASSERT_EQUAL(e.expire, NOW + 300);

    /* the same nc again, or a lower one: replays */
    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 1, NOW + 1, NOW + 300), 0);
    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 0, NOW + 1, NOW + 300), 0);

    /* a higher one, skipping some (another connection took them) */
    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 5, NOW + 2, NOW + 300), 1);
    CU_ASSERT_EQUAL(e.count, 5);
    CU_ASSERT_EQUAL(e.start, NOW + 2);
    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 4, NOW + 3, NOW + 300), 0);
    CU_ASSERT_EQUAL(e.count, 5);
    CU_ASSERT_EQUAL(e.start, NOW + 2);
    CU_ASSERT_EQUAL(sl_auth_replay_take(&e, 6, NOW + 3, NOW + 300), 1);
}


SL_UNIT_SUITE(sl_auth_shm,
    { "init", test_init },
    { "insert and find", test_insert_find },
    { "expiry", test_expiry },
    { "replacement when full", test_replacement },
    { "address key", test_addr_key },
    { "lock across processes", test_lock },
    { "lockout policy", test_lockout },
    { "replay policy", test_replay })

#endif /* SL_HAVE_AUTH_MODULE */
