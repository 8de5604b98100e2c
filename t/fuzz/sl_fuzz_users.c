/*
 * libFuzzer target for the users file parser (modules/auth/
 * sl_auth_users.c): the input is the file.  A file that parses must hold
 * only what the format allows, find every user by its name and no other,
 * and read back the same when written out again.  Passwords are never
 * checked here: yescrypt costs some 20 ms a try.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_users.h>


#define SL_FUZZ_NAME  "/etc/sluice/fuzz.users"


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_users: %s\n", what);
    abort();
}


static int
sl_fuzz_str_eq(const sl_str_t *a, const sl_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}


/* a NUL-terminated string of 0 .. max bytes from set (NULL: printable) */
static void
sl_fuzz_check_str(const sl_str_t *s, size_t min, size_t max,
    const char *set, const char *what)
{
    size_t  i;

    sl_fuzz_check(s->len >= min && s->len <= max, what);
    sl_fuzz_check(s->data != NULL && s->data[s->len] == '\0', what);

    for (i = 0; i < s->len; i++) {
        if (set == NULL) {
            sl_fuzz_check(s->data[i] >= 0x20 && s->data[i] < 0x7f
                          && s->data[i] != ':', what);
            continue;
        }

        sl_fuzz_check(isalnum(s->data[i])
                      || strchr(set, s->data[i]) != NULL, what);
    }
}


static void
sl_fuzz_check_ha1(const sl_str_t *ha1, size_t len, const char *what)
{
    size_t  i;

    if (ha1->len == 0) {
        return;
    }

    sl_fuzz_check(ha1->len == len && ha1->data[len] == '\0', what);

    for (i = 0; i < len; i++) {
        sl_fuzz_check((ha1->data[i] >= '0' && ha1->data[i] <= '9')
                      || (ha1->data[i] >= 'a' && ha1->data[i] <= 'f'), what);
    }
}


static void
sl_fuzz_check_user(const sl_auth_users_t *users, const sl_auth_user_t *u)
{
    u_char     name[SL_AUTH_USERS_MAX_NAME + 1];
    sl_uint_t  i;

    sl_fuzz_check_str(&u->name, 1, SL_AUTH_USERS_MAX_NAME,
                      "!#$%&'*+-.^_`|~", "user name");
    sl_fuzz_check(u->name.data[0] != '#', "user name starts a comment");

    sl_fuzz_check_str(&u->basic, 0, SL_AUTH_USERS_MAX_LINE, "./$=",
                      "Basic hash");
    sl_fuzz_check(u->basic.len == 0
                  || memcmp(u->basic.data, "$y$", 3) == 0
                  || memcmp(u->basic.data, "$6$", 3) == 0, "Basic method");

    for (i = 0; i < u->ngroups; i++) {
        sl_fuzz_check_str(&u->groups[i], 1, SL_AUTH_USERS_MAX_NAME,
                          "!#$%&'*+-.^_`|~", "group name");
        sl_fuzz_check(sl_auth_user_in_group(u, u->groups[i].data,
                                            u->groups[i].len),
                      "group not found");
    }

    sl_fuzz_check_str(&u->realm, 0, SL_AUTH_USERS_MAX_NAME, NULL, "realm");
    sl_fuzz_check(u->realm.len == 0
                  || (u->realm.data[0] != ' '
                      && u->realm.data[u->realm.len - 1] != ' '
                      && memchr(u->realm.data, '"', u->realm.len) == NULL
                      && memchr(u->realm.data, '\\', u->realm.len) == NULL),
                  "realm characters");

    sl_fuzz_check_ha1(&u->ha1_md5, SL_AUTH_USERS_MD5_LEN, "md5 HA1");
    sl_fuzz_check_ha1(&u->ha1_sha256, SL_AUTH_USERS_SHA256_LEN, "sha256 HA1");
    sl_fuzz_check((u->realm.len == 0)
                  == (u->ha1_md5.len == 0 && u->ha1_sha256.len == 0),
                  "realm without HA1s or HA1s without realm");

    sl_fuzz_check(sl_auth_users_find(users, u->name.data, u->name.len) == u,
                  "user not found by name");

    /* one byte more is another name: never this user */

    sl_memcpy(name, u->name.data, u->name.len);
    name[u->name.len] = 'x';

    sl_fuzz_check(sl_auth_users_find(users, name, u->name.len + 1) != u,
                  "user found by a longer name");
    sl_fuzz_check(sl_auth_users_find(users, name, u->name.len - 1) != u,
                  "user found by a shorter name");
}


static u_char *
sl_fuzz_write_user(u_char *p, const sl_auth_user_t *u)
{
    sl_uint_t  i;

    p = sl_cpymem(p, u->name.data, u->name.len);
    *p++ = ':';
    p = sl_cpymem(p, u->basic.data, u->basic.len);
    *p++ = ':';

    for (i = 0; i < u->ngroups; i++) {
        if (i) {
            *p++ = ',';
        }

        p = sl_cpymem(p, u->groups[i].data, u->groups[i].len);
    }

    *p++ = ':';
    p = sl_cpymem(p, u->realm.data, u->realm.len);
    *p++ = ':';

    if (u->ha1_sha256.len) {
        p = sl_cpymem(p, "sha256=", 7);
        p = sl_cpymem(p, u->ha1_sha256.data, u->ha1_sha256.len);
    }

    if (u->ha1_md5.len) {
        if (u->ha1_sha256.len) {
            *p++ = ',';
        }

        p = sl_cpymem(p, "md5=", 4);
        p = sl_cpymem(p, u->ha1_md5.data, u->ha1_md5.len);
    }

    return sl_cpymem(p, "\n", 1);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                 err[SL_AUTH_USERS_ERROR_LEN], *text, *p;
    size_t                 len;
    sl_str_t               name = sl_string(SL_FUZZ_NAME);
    sl_uint_t              i, g;
    sl_pool_t             *pool;
    sl_auth_users_t       *users, *again;
    const sl_auth_user_t  *a, *b;

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    if (pool == NULL) {
        return 0;
    }

    users = sl_auth_users_parse(pool, &name, data, size, err, sizeof(err));

    if (users == NULL) {
        sl_fuzz_check(strstr((char *) err, " in " SL_FUZZ_NAME) != NULL,
                      "error without the file name");
        goto done;
    }

    sl_fuzz_check(users->nusers <= SL_AUTH_USERS_MAX_USERS, "nusers");
    sl_fuzz_check(sl_str_eq(&users->name, SL_FUZZ_NAME), "file name");

    len = 0;

    for (i = 0; i < users->nusers; i++) {
        sl_fuzz_check_user(users, &users->users[i]);
        sl_fuzz_check(i == 0
                      || users->users[i].line > users->users[i - 1].line,
                      "lines go back");

        /* the line as written out is never longer than the one read */
        len += SL_AUTH_USERS_MAX_LINE + 1;
    }

    sl_fuzz_check(sl_auth_users_find(users, (u_char *) "", 0) == NULL,
                  "empty name found");

    /* written out: the same users, with the HA1s in the other order */

    text = sl_pnalloc(pool, len + 1);
    if (text == NULL) {
        goto done;
    }

    p = text;

    for (i = 0; i < users->nusers; i++) {
        p = sl_fuzz_write_user(p, &users->users[i]);
    }

    sl_fuzz_check((size_t) (p - text) <= len, "write overflow");

    again = sl_auth_users_parse(pool, &name, text, p - text, err,
                                sizeof(err));

    if (again == NULL) {
        fprintf(stderr, "written out, does not parse: %s\n%.*s\n", err,
                (int) (p - text), text);
        abort();
    }

    sl_fuzz_check(again->nusers == users->nusers, "nusers differs");

    for (i = 0; i < users->nusers; i++) {
        a = &users->users[i];
        b = &again->users[i];

        sl_fuzz_check(sl_fuzz_str_eq(&a->name, &b->name)
                      && sl_fuzz_str_eq(&a->basic, &b->basic)
                      && sl_fuzz_str_eq(&a->realm, &b->realm)
                      && sl_fuzz_str_eq(&a->ha1_md5, &b->ha1_md5)
                      && sl_fuzz_str_eq(&a->ha1_sha256, &b->ha1_sha256)
                      && a->ngroups == b->ngroups
                      && b->line == i + 1,
                      "user differs after writing it out");

        for (g = 0; g < a->ngroups; g++) {
            sl_fuzz_check(sl_fuzz_str_eq(&a->groups[g], &b->groups[g]),
                          "group differs after writing it out");
        }
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
