/*
 * Unit tests for modules/auth/sl_auth_basic_cache.c: a password that
 * passed holds until its time is up, for that stored hash only; a forked
 * process starts with an empty table of its own.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_basic_cache.h>
#include <sys/wait.h>
#include "../../sl_unit.h"


static void
t_user(sl_auth_user_t *u, const char *name, const char *hash)
{
    sl_memzero(u, sizeof(sl_auth_user_t));
    u->name.data = (u_char *) name;
    u->name.len = strlen(name);
    u->basic.data = (u_char *) hash;
    u->basic.len = strlen(hash);
}


static sl_uint_t
t_find(const sl_auth_user_t *u, const char *password, sl_msec_t now)
{
    return sl_auth_basic_cache_find(u, (u_char *) password, strlen(password),
                                    now);
}


static void
t_add(const sl_auth_user_t *u, const char *password, sl_msec_t now,
    sl_msec_t valid)
{
    sl_auth_basic_cache_add(u, (u_char *) password, strlen(password), now,
                            valid);
}


static void
test_lifetime(void)
{
    sl_auth_user_t  alice, renewed, bob;

    t_user(&alice, "alice", "$y$j9T$aaaa$hash-one");
    t_user(&renewed, "alice", "$y$j9T$bbbb$hash-two");
    t_user(&bob, "bob", "$y$j9T$cccc$hash-three");

    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 1000), 0);

    t_add(&alice, "correct horse", 1000, 60000);

    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 1000), 1);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 60999), 1);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 61000), 0);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 500000), 0);

    /* another password, a prefix, a longer one, the empty one */
    CU_ASSERT_EQUAL(t_find(&alice, "correct horsf", 2000), 0);
    CU_ASSERT_EQUAL(t_find(&alice, "correct hors", 2000), 0);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse ", 2000), 0);
    CU_ASSERT_EQUAL(t_find(&alice, "", 2000), 0);

    /* a new hash (the password changed, the file reloaded), another user */
    CU_ASSERT_EQUAL(t_find(&renewed, "correct horse", 2000), 0);
    CU_ASSERT_EQUAL(t_find(&bob, "correct horse", 2000), 0);

    /* added again, it holds from then */
    t_add(&alice, "correct horse", 100000, 5000);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 104999), 1);
    CU_ASSERT_EQUAL(t_find(&alice, "correct horse", 105000), 0);

    /* no lifetime: not remembered */
    t_add(&bob, "battery staple", 1000, 0);
    CU_ASSERT_EQUAL(t_find(&bob, "battery staple", 1000), 0);
}


static void
test_limits(void)
{
    char            password[SL_AUTH_USERS_MAX_PASSWORD + 2];
    sl_auth_user_t  u;

    t_user(&u, "carol", "$6$salt$hash");

    /* the longest password that can pass is remembered; a longer one
       never passes, nor matches */
    memset(password, 'p', SL_AUTH_USERS_MAX_PASSWORD);
    password[SL_AUTH_USERS_MAX_PASSWORD] = '\0';
    t_add(&u, password, 0, 1000);
    CU_ASSERT_EQUAL(t_find(&u, password, 10), 1);

    password[SL_AUTH_USERS_MAX_PASSWORD] = 'p';
    password[SL_AUTH_USERS_MAX_PASSWORD + 1] = '\0';
    t_add(&u, password, 0, 1000);
    CU_ASSERT_EQUAL(t_find(&u, password, 10), 0);
}


/* a full table: every entry can be pushed out, the newest always holds */
static void
test_many(void)
{
    char            password[32];
    sl_uint_t       i, held;
    sl_auth_user_t  u;

    t_user(&u, "dave", "$y$j9T$dddd$hash-four");

    held = 0;

    for (i = 0; i < 4 * SL_AUTH_BASIC_CACHE_SLOTS; i++) {
        snprintf(password, sizeof(password), "password %lu",
                 (unsigned long) i);
        t_add(&u, password, 0, 1000);

        if (t_find(&u, password, 1) != 1) {
            break;
        }
    }

    CU_ASSERT_EQUAL(i, 4 * SL_AUTH_BASIC_CACHE_SLOTS);

    /* some of the older ones were pushed out, none of the misses lies */
    for (i = 0; i < 4 * SL_AUTH_BASIC_CACHE_SLOTS; i++) {
        snprintf(password, sizeof(password), "password %lu",
                 (unsigned long) i);
        held += t_find(&u, password, 1);
    }

    CU_ASSERT(held >= SL_AUTH_BASIC_CACHE_SLOTS / 2);
    CU_ASSERT(held <= SL_AUTH_BASIC_CACHE_SLOTS);
    CU_ASSERT_EQUAL(t_find(&u, "password never added", 1), 0);
}


/* a worker forked from a process that used the table starts afresh */
static void
test_fork(void)
{
    int             status;
    pid_t           pid;
    sl_auth_user_t  u;

    t_user(&u, "erin", "$y$j9T$eeee$hash-five");
    t_add(&u, "secret", 0, 60000);
    CU_ASSERT_EQUAL_FATAL(t_find(&u, "secret", 1), 1);

    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);

    if (pid == 0) {
        if (t_find(&u, "secret", 1) != 0) {
            _exit(1);
        }

        t_add(&u, "secret", 0, 60000);
        _exit(t_find(&u, "secret", 1) == 1 ? 0 : 2);
    }

    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* the parent's entry is untouched */
    CU_ASSERT_EQUAL(t_find(&u, "secret", 1), 1);
}


SL_UNIT_SUITE(sl_auth_basic_cache,
    { "lifetime, password, hash, user", test_lifetime },
    { "password lengths", test_limits },
    { "a full table", test_many },
    { "a forked process", test_fork })
