/* The users file: parser, lookup by name, Basic password check. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_users.h>

#include <crypt.h>
#include <openssl/crypto.h>


#define SL_AUTH_USERS_ECHO_LEN    64    /* bytes of a value in an error */
#define SL_AUTH_USERS_NFIELDS     5

#define SL_AUTH_SHA512_SALT_MAX   16
#define SL_AUTH_SHA512_HASH_LEN   86
#define SL_AUTH_SHA512_ROUNDS_MIN 1000
#define SL_AUTH_SHA512_ROUNDS_MAX 999999999
#define SL_AUTH_YESCRYPT_HASH_LEN 43


typedef struct {
    const sl_str_t       *name;
    sl_uint_t             line;
    u_char               *err;
    size_t                err_size;
    char                  echo[SL_AUTH_USERS_ECHO_LEN + sizeof("...")];
} sl_auth_users_parse_t;


static const u_char *sl_auth_users_next_line(const u_char *p,
    const u_char *end, const u_char **start, const u_char **last);
static sl_int_t sl_auth_users_line(sl_auth_users_parse_t *ps,
    sl_pool_t *pool, sl_auth_user_t *u, const u_char *p,
    const u_char *last);
static sl_int_t sl_auth_users_name(sl_auth_users_parse_t *ps,
    const sl_str_t *name, const char *what, const sl_str_t *user);
static sl_int_t sl_auth_users_basic(sl_auth_users_parse_t *ps,
    sl_auth_user_t *u);
static sl_int_t sl_auth_users_groups(sl_auth_users_parse_t *ps,
    sl_pool_t *pool, sl_auth_user_t *u, u_char *p, u_char *last);
static sl_int_t sl_auth_users_realm(sl_auth_users_parse_t *ps,
    sl_auth_user_t *u);
static sl_int_t sl_auth_users_digest(sl_auth_users_parse_t *ps,
    sl_auth_user_t *u, u_char *p, u_char *last);
static sl_int_t sl_auth_users_insert(sl_auth_users_parse_t *ps,
    sl_auth_users_t *users, sl_uint_t i);
static uint32_t sl_auth_users_hash(const u_char *p, size_t len);
static sl_uint_t sl_auth_users_crypt_span(const u_char *p, const u_char *last);
static const char *sl_auth_users_echo(sl_auth_users_parse_t *ps,
    const u_char *p, size_t len);
static sl_int_t sl_auth_users_error(sl_auth_users_parse_t *ps,
    sl_uint_t line, const char *fmt, ...) sl_printf_like(3, 4);


#define sl_auth_users_is_blank(c)  ((c) == ' ' || (c) == '\t')

/* digits and letters, and the rest of RFC 9110 §5.6.2 tchar */
#define sl_auth_users_is_tchar(c)                                            \
    (((c) >= '0' && (c) <= '9') || ((c) >= 'A' && (c) <= 'Z')                \
     || ((c) >= 'a' && (c) <= 'z')                                           \
     || ((c) != '\0' && strchr("!#$%&'*+-.^_`|~", (c)) != NULL))

/* crypt(3)'s base-64 alphabet: ./0-9A-Za-z */
#define sl_auth_users_is_crypt64(c)                                          \
    ((c) == '.' || (c) == '/' || ((c) >= '0' && (c) <= '9')                  \
     || ((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z'))

#define sl_auth_users_is_hex(c)                                              \
    (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'f')                \
     || ((c) >= 'A' && (c) <= 'F'))

static const char  sl_auth_users_bom[] = "\xef\xbb\xbf";
static const sl_str_t  sl_auth_users_empty = sl_string("");

/* crypt_rn()'s work area, wiped after each use; see the header */
static struct crypt_data  sl_auth_users_crypt;


/*
 * Two passes over the text: the first counts the user lines (neither
 * blank nor "#" comments) so that the users and the hash table are
 * allocated once at their size; the second parses them.  A duplicate
 * name is found when its line is parsed, so the first error in file
 * order is the one reported, whatever its kind.
 */
sl_auth_users_t *
sl_auth_users_parse(sl_pool_t *pool, const sl_str_t *name, const u_char *text,
    size_t len, u_char *err, size_t size)
{
    sl_uint_t               n, slots;
    const u_char           *p, *c, *end, *start, *last;
    sl_auth_users_t        *users;
    sl_auth_users_parse_t   ps;

    ps.name = name;
    ps.line = 0;
    ps.err = err;
    ps.err_size = size;

    if (size) {
        err[0] = '\0';
    }

    if (len > SL_AUTH_USERS_MAX_SIZE) {
        sl_auth_users_error(&ps, 0, "users file is too large (%zu bytes, "
                            "more than %d)", len, SL_AUTH_USERS_MAX_SIZE);
        return NULL;
    }

    end = text + len;

    if (len >= 3 && memcmp(text, sl_auth_users_bom, 3) == 0) {
        text += 3;
    }

    n = 0;

    for (p = text; p < end; /* void */) {
        p = sl_auth_users_next_line(p, end, &start, &last);

        if (start < last && *start != '#') {
            n++;
        }
    }

    n = sl_min(n, SL_AUTH_USERS_MAX_USERS);

    for (slots = 2; slots < 2 * n; slots *= 2) { /* void */ }

    users = sl_pcalloc(pool, sizeof(sl_auth_users_t));
    if (users == NULL) {
        goto nomem;
    }

    users->name.data = sl_pnalloc(pool, name->len + 1);
    if (users->name.data == NULL) {
        goto nomem;
    }

    sl_memcpy(users->name.data, name->data, name->len);
    users->name.data[name->len] = '\0';
    users->name.len = name->len;

    users->hash = sl_pcalloc(pool, slots * sizeof(uint32_t));
    if (users->hash == NULL) {
        goto nomem;
    }

    users->hash_mask = slots - 1;

    if (n) {
        users->users = sl_palloc(pool, n * sizeof(sl_auth_user_t));
        if (users->users == NULL) {
            goto nomem;
        }
    }

    for (p = text, ps.line = 1; p < end; ps.line++) {
        p = sl_auth_users_next_line(p, end, &start, &last);

        /* every line, comments too: 1 KB, no control byte but TAB */

        if (last - start > SL_AUTH_USERS_MAX_LINE) {
            sl_auth_users_error(&ps, ps.line, "line too long (more than %d "
                                "bytes)", SL_AUTH_USERS_MAX_LINE);
            return NULL;
        }

        for (c = start; c < last; c++) {
            if ((*c < 0x20 && *c != '\t') || *c == 0x7f) {
                sl_auth_users_error(&ps, ps.line, "unexpected control byte "
                                    "0x%02x", *c);
                return NULL;
            }
        }

        if (start == last || *start == '#') {
            continue;
        }

        if (users->nusers == SL_AUTH_USERS_MAX_USERS) {
            sl_auth_users_error(&ps, ps.line, "too many users (more than "
                                "%d)", SL_AUTH_USERS_MAX_USERS);
            return NULL;
        }

        if (sl_auth_users_line(&ps, pool, &users->users[users->nusers],
                               start, last)
            != SL_OK)
        {
            return NULL;
        }

        if (sl_auth_users_insert(&ps, users, users->nusers) != SL_OK) {
            return NULL;
        }

        users->nusers++;
    }

    return users;

nomem:

    sl_auth_users_error(&ps, 0, "out of memory");
    return NULL;
}


sl_auth_users_t *
sl_auth_users_read(sl_pool_t *pool, const sl_str_t *name, u_char *err,
    size_t size)
{
    u_char           *buf;
    size_t            len;
    sl_auth_users_t  *r;

    if (size) {
        err[0] = '\0';
    }

    if (sl_read_whole_file(name, SL_AUTH_USERS_MAX_SIZE, "users file", &buf,
                           &len, err, size)
        != SL_OK)
    {
        return NULL;
    }

    r = sl_auth_users_parse(pool, name, buf, len, err, size);

    /* the file holds hashes: leave none of it in freed memory */
    explicit_bzero(buf, len);

    sl_free(buf);

    return r;
}


const sl_auth_user_t *
sl_auth_users_find(const sl_auth_users_t *users, const u_char *name,
    size_t len)
{
    uint32_t               slot;
    sl_uint_t              i;
    const sl_auth_user_t  *u;

    if (users == NULL || users->nusers == 0) {
        return NULL;
    }

    i = sl_auth_users_hash(name, len) & users->hash_mask;

    for ( ;; ) {
        slot = users->hash[i];

        if (slot == 0) {
            return NULL;
        }

        u = &users->users[slot - 1];

        if (u->name.len == len && memcmp(u->name.data, name, len) == 0) {
            return u;
        }

        i = (i + 1) & users->hash_mask;
    }
}


sl_uint_t
sl_auth_user_in_group(const sl_auth_user_t *u, const u_char *group,
    size_t len)
{
    sl_uint_t  i;

    for (i = 0; i < u->ngroups; i++) {
        if (u->groups[i].len == len
            && memcmp(u->groups[i].data, group, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The stored hash is the setting: crypt_rn() reads the method, cost and
 * salt from it and returns the full hash, which must equal the stored
 * one.  Both have the same length when the password is right; the
 * lengths (public, as the hash's format) are compared first, the bytes
 * with CRYPTO_memcmp() so that the time does not say how many leading
 * bytes matched.
 */
sl_int_t
sl_auth_users_check_password(const sl_auth_user_t *u, const u_char *password,
    size_t len)
{
    char       phrase[SL_AUTH_USERS_MAX_PASSWORD + 1], *hash;
    sl_int_t   rc;
    sl_err_t   e;

    if (u->basic.len == 0
        || len > SL_AUTH_USERS_MAX_PASSWORD
        || memchr(password, '\0', len) != NULL)
    {
        return SL_DECLINED;
    }

    sl_memcpy(phrase, password, len);
    phrase[len] = '\0';

    hash = crypt_rn(phrase, (char *) u->basic.data, &sl_auth_users_crypt,
                    (int) sizeof(sl_auth_users_crypt));
    e = errno;

    explicit_bzero(phrase, sizeof(phrase));

    if (hash == NULL) {
        rc = SL_ERROR;

    } else if (strlen(hash) == u->basic.len
               && CRYPTO_memcmp(hash, u->basic.data, u->basic.len) == 0)
    {
        rc = SL_OK;

    } else {
        rc = SL_DECLINED;
    }

    explicit_bzero(&sl_auth_users_crypt, sizeof(sl_auth_users_crypt));

    errno = e;

    return rc;
}


/*
 * Cuts the next line out of [p, end): *start and *last bound it without
 * its LF, a CR before the LF and blanks (SP, TAB) at both ends.
 * Returns where the line after it starts.
 */
static const u_char *
sl_auth_users_next_line(const u_char *p, const u_char *end,
    const u_char **start, const u_char **last)
{
    const u_char  *eol, *next;

    eol = memchr(p, '\n', end - p);

    if (eol == NULL) {
        eol = end;
        next = end;

    } else {
        next = eol + 1;
    }

    if (eol > p && eol[-1] == '\r') {
        eol--;
    }

    while (p < eol && sl_auth_users_is_blank(*p)) {
        p++;
    }

    while (eol > p && sl_auth_users_is_blank(eol[-1])) {
        eol--;
    }

    *start = p;
    *last = eol;

    return next;
}


/*
 * One user line, blanks at both ends already cut, its length and bytes
 * checked: copied once into the pool, the copy cut at the ':' and ','
 * separators into NUL-terminated strings that the user's fields point
 * into.
 */
static sl_int_t
sl_auth_users_line(sl_auth_users_parse_t *ps, sl_pool_t *pool,
    sl_auth_user_t *u, const u_char *p, const u_char *last)
{
    u_char        *copy, *q, *f[SL_AUTH_USERS_NFIELDS + 1];
    size_t         len;
    sl_uint_t      n;
    const u_char  *c;

    len = last - p;
    n = 1;

    for (c = p; c < last; c++) {
        n += (*c == ':');
    }

    if (n != SL_AUTH_USERS_NFIELDS) {
        return sl_auth_users_error(ps, ps->line, "%lu field%s instead of %d "
                                   "(name:basic-hash:groups:realm:digest)",
                                   (unsigned long) n, n == 1 ? "" : "s",
                                   SL_AUTH_USERS_NFIELDS);
    }

    copy = sl_pnalloc(pool, len + 1);
    if (copy == NULL) {
        return sl_auth_users_error(ps, 0, "out of memory");
    }

    sl_memcpy(copy, p, len);
    copy[len] = '\0';

    /* f[i] is where field i starts, f[5] one past the end of the line */

    f[0] = copy;
    n = 1;

    for (q = copy; q < copy + len; q++) {
        if (*q == ':') {
            *q = '\0';
            f[n++] = q + 1;
        }
    }

    f[SL_AUTH_USERS_NFIELDS] = copy + len + 1;

    sl_memzero(u, sizeof(sl_auth_user_t));

    u->line = ps->line;

    u->name.data = f[0];
    u->name.len = f[1] - f[0] - 1;

    u->basic.data = f[1];
    u->basic.len = f[2] - f[1] - 1;

    u->realm.data = f[3];
    u->realm.len = f[4] - f[3] - 1;

    if (sl_auth_users_name(ps, &u->name, "user name", NULL) != SL_OK) {
        return SL_ERROR;
    }

    if (sl_auth_users_basic(ps, u) != SL_OK) {
        return SL_ERROR;
    }

    if (sl_auth_users_groups(ps, pool, u, f[2], f[3] - 1) != SL_OK) {
        return SL_ERROR;
    }

    if (sl_auth_users_realm(ps, u) != SL_OK) {
        return SL_ERROR;
    }

    return sl_auth_users_digest(ps, u, f[4], f[5] - 1);
}


/*
 * A user or group name: 1 .. SL_AUTH_USERS_MAX_NAME token characters,
 * so that it needs no quoting in an Authorization header, a log or an
 * "authorize ... @GROUP" directive.  user names the line's user in the
 * message for a group, NULL for the user name itself.
 */
static sl_int_t
sl_auth_users_name(sl_auth_users_parse_t *ps, const sl_str_t *name,
    const char *what, const sl_str_t *user)
{
    size_t       i;
    const char  *echo, *of, *q;

    /* " for user \"NAME\"" after a group's name, nothing after a user's */

    of = user ? " for user \"" : "";
    q = user ? "\"" : "";
    user = user ? user : &sl_auth_users_empty;

    if (name->len == 0) {
        return sl_auth_users_error(ps, ps->line, "empty %s%s%s%s", what, of,
                                   user->data, q);
    }

    echo = sl_auth_users_echo(ps, name->data, name->len);

    if (name->len > SL_AUTH_USERS_MAX_NAME) {
        return sl_auth_users_error(ps, ps->line, "%s \"%s\"%s%s%s is too "
                                   "long (more than %d bytes)", what, echo,
                                   of, user->data, q, SL_AUTH_USERS_MAX_NAME);
    }

    for (i = 0; i < name->len; i++) {
        if (!sl_auth_users_is_tchar(name->data[i])) {
            return sl_auth_users_error(ps, ps->line, "invalid %s \"%s\""
                                       "%s%s%s, it must be letters, digits "
                                       "and !#$%%&'*+-.^_`|~", what, echo,
                                       of, user->data, q);
        }
    }

    return SL_OK;
}


/*
 * The Basic hash, in crypt(3) form (the hash itself is never quoted in
 * a message):
 *     yescrypt  $y$PARAMS$SALT$HASH      HASH: 43 characters
 *     SHA-512   $6$[rounds=N$]SALT$HASH  SALT: 1..16, HASH: 86 characters
 * PARAMS, SALT and HASH in crypt's base-64 alphabet.  Only the shape is
 * checked here; whether crypt accepts the parameters shows at the first
 * try (hashing a dummy password per user at load time would cost some
 * 20 ms each).
 */
static sl_int_t
sl_auth_users_basic(sl_auth_users_parse_t *ps, sl_auth_user_t *u)
{
    u_char     *p, *last;
    sl_int_t    rounds;
    sl_uint_t   n;

    if (u->basic.len == 0) {
        return SL_OK;
    }

    p = u->basic.data;
    last = p + u->basic.len;

    if (u->basic.len > 3 && memcmp(p, "$y$", 3) == 0) {
        p += 3;

        n = sl_auth_users_crypt_span(p, last);      /* parameters */
        if (n == 0 || p + n == last || p[n] != '$') {
            goto bad_yescrypt;
        }

        p += n + 1;

        n = sl_auth_users_crypt_span(p, last);      /* salt */
        if (n == 0 || p + n == last || p[n] != '$') {
            goto bad_yescrypt;
        }

        p += n + 1;

        if (sl_auth_users_crypt_span(p, last) != SL_AUTH_YESCRYPT_HASH_LEN
            || p + SL_AUTH_YESCRYPT_HASH_LEN != last)
        {
            goto bad_yescrypt;
        }

        return SL_OK;
    }

    if (u->basic.len > 3 && memcmp(p, "$6$", 3) == 0) {
        p += 3;

        if (last - p > 7 && memcmp(p, "rounds=", 7) == 0) {
            p += 7;

            for (n = 0; p + n < last && p[n] >= '0' && p[n] <= '9'; n++) {
                /* void */
            }

            if (n == 0 || n > 9 || p[0] == '0' || p + n == last
                || p[n] != '$')
            {
                goto bad_sha512;
            }

            rounds = sl_atoi(p, n);

            if (rounds < SL_AUTH_SHA512_ROUNDS_MIN
                || rounds > SL_AUTH_SHA512_ROUNDS_MAX)
            {
                return sl_auth_users_error(ps, ps->line, "SHA-512 hash for "
                                           "user \"%s\" has rounds=%ld, it "
                                           "must be %d to %d",
                                           u->name.data, (long) rounds,
                                           SL_AUTH_SHA512_ROUNDS_MIN,
                                           SL_AUTH_SHA512_ROUNDS_MAX);
            }

            p += n + 1;
        }

        n = sl_auth_users_crypt_span(p, last);      /* salt */
        if (n == 0 || n > SL_AUTH_SHA512_SALT_MAX || p + n == last
            || p[n] != '$')
        {
            goto bad_sha512;
        }

        p += n + 1;

        if (sl_auth_users_crypt_span(p, last) != SL_AUTH_SHA512_HASH_LEN
            || p + SL_AUTH_SHA512_HASH_LEN != last)
        {
            goto bad_sha512;
        }

        return SL_OK;
    }

    return sl_auth_users_error(ps, ps->line, "unsupported Basic hash for "
                               "user \"%s\", it must be yescrypt (\"$y$...\")"
                               " or SHA-512 (\"$6$...\") in crypt(3) form",
                               u->name.data);

bad_yescrypt:

    return sl_auth_users_error(ps, ps->line, "malformed yescrypt hash for "
                               "user \"%s\"", u->name.data);

bad_sha512:

    return sl_auth_users_error(ps, ps->line, "malformed SHA-512 hash for "
                               "user \"%s\"", u->name.data);
}


/* "a,b,c" between p and last (NUL-terminated there); may be empty */
static sl_int_t
sl_auth_users_groups(sl_auth_users_parse_t *ps, sl_pool_t *pool,
    sl_auth_user_t *u, u_char *p, u_char *last)
{
    u_char     *q;
    sl_str_t   *g;
    sl_uint_t   n, i;

    if (p == last) {
        return SL_OK;
    }

    n = 1;

    for (q = p; q < last; q++) {
        n += (*q == ',');
    }

    u->groups = sl_palloc(pool, n * sizeof(sl_str_t));
    if (u->groups == NULL) {
        return sl_auth_users_error(ps, 0, "out of memory");
    }

    for (q = p; /* void */; q++) {

        if (q < last && *q != ',') {
            continue;
        }

        *q = '\0';

        g = &u->groups[u->ngroups];
        g->data = p;
        g->len = q - p;

        if (sl_auth_users_name(ps, g, "group name", &u->name) != SL_OK) {
            return SL_ERROR;
        }

        for (i = 0; i < u->ngroups; i++) {
            if (u->groups[i].len == g->len
                && memcmp(u->groups[i].data, g->data, g->len) == 0)
            {
                return sl_auth_users_error(ps, ps->line, "duplicate group "
                                           "\"%s\" for user \"%s\"",
                                           g->data, u->name.data);
            }
        }

        u->ngroups++;

        if (q == last) {
            return SL_OK;
        }

        p = q + 1;
    }
}


/*
 * The realm the HA1s were computed for, as the server will announce it
 * (realm="..."): 1 .. SL_AUTH_USERS_MAX_NAME printable ASCII characters
 * without ':' (the separator), '"' and '\' (no quoting needed in the
 * challenge), and no blank at either end.  Given exactly when there are
 * HA1s: that is checked with them.
 */
static sl_int_t
sl_auth_users_realm(sl_auth_users_parse_t *ps, sl_auth_user_t *u)
{
    size_t   i;
    u_char  *r;

    r = u->realm.data;

    if (u->realm.len == 0) {
        return SL_OK;
    }

    if (u->realm.len > SL_AUTH_USERS_MAX_NAME) {
        return sl_auth_users_error(ps, ps->line, "realm \"%s\" for user "
                                   "\"%s\" is too long (more than %d bytes)",
                                   sl_auth_users_echo(ps, r, u->realm.len),
                                   u->name.data, SL_AUTH_USERS_MAX_NAME);
    }

    for (i = 0; i < u->realm.len; i++) {
        if (r[i] < 0x20 || r[i] > 0x7e || r[i] == '"' || r[i] == '\\') {
            goto invalid;
        }
    }

    if (r[0] == ' ' || r[u->realm.len - 1] == ' ') {
        goto invalid;
    }

    return SL_OK;

invalid:

    return sl_auth_users_error(ps, ps->line, "invalid realm \"%s\" for user "
                               "\"%s\", it must be printable ASCII without "
                               "'\"' and '\\', and no space at either end",
                               sl_auth_users_echo(ps, r, u->realm.len),
                               u->name.data);
}


/*
 * "md5=HEX,sha256=HEX" between p and last (NUL-terminated there), each
 * algorithm at most once, in any order; may be empty (no Digest) only
 * together with the realm.  The hex digits are stored in lowercase,
 * as RFC 7616 §3.4.1 uses H(A1) in KD().
 */
static sl_int_t
sl_auth_users_digest(sl_auth_users_parse_t *ps, sl_auth_user_t *u, u_char *p,
    u_char *last)
{
    u_char     *q, *eq, *h;
    size_t      want;
    sl_str_t   *ha1;
    sl_uint_t   i;
    const char *alg;

    if (p == last) {
        if (u->realm.len) {
            return sl_auth_users_error(ps, ps->line, "realm without Digest "
                                       "HA1 values for user \"%s\"",
                                       u->name.data);
        }

        return SL_OK;
    }

    if (u->realm.len == 0) {
        return sl_auth_users_error(ps, ps->line, "Digest HA1 values without "
                                   "a realm for user \"%s\"", u->name.data);
    }

    for (q = p; /* void */; q++) {

        if (q < last && *q != ',') {
            continue;
        }

        *q = '\0';

        eq = memchr(p, '=', q - p);

        if (eq == NULL) {
            return sl_auth_users_error(ps, ps->line, "malformed Digest "
                                       "value \"%s\" for user \"%s\", it "
                                       "must be md5=HEX or sha256=HEX",
                                       sl_auth_users_echo(ps, p, q - p),
                                       u->name.data);
        }

        if (eq - p == 3 && memcmp(p, "md5", 3) == 0) {
            ha1 = &u->ha1_md5;
            want = SL_AUTH_USERS_MD5_LEN;
            alg = "md5";

        } else if (eq - p == 6 && memcmp(p, "sha256", 6) == 0) {
            ha1 = &u->ha1_sha256;
            want = SL_AUTH_USERS_SHA256_LEN;
            alg = "sha256";

        } else {
            return sl_auth_users_error(ps, ps->line, "unknown Digest "
                                       "algorithm \"%s\" for user \"%s\", "
                                       "it must be md5 or sha256",
                                       sl_auth_users_echo(ps, p, eq - p),
                                       u->name.data);
        }

        if (ha1->len) {
            return sl_auth_users_error(ps, ps->line, "duplicate Digest "
                                       "algorithm \"%s\" for user \"%s\"",
                                       alg, u->name.data);
        }

        h = eq + 1;

        if ((size_t) (q - h) != want) {
            goto invalid;
        }

        for (i = 0; i < want; i++) {
            if (!sl_auth_users_is_hex(h[i])) {
                goto invalid;
            }

            h[i] = sl_tolower(h[i]);
        }

        ha1->data = h;
        ha1->len = want;

        if (q == last) {
            return SL_OK;
        }

        p = q + 1;
    }

invalid:

    return sl_auth_users_error(ps, ps->line, "invalid %s HA1 for user "
                               "\"%s\", it must be %lu hex digits", alg,
                               u->name.data, (unsigned long) want);
}


/* adds users->users[i] to the hash table: SL_ERROR on a duplicate name */
static sl_int_t
sl_auth_users_insert(sl_auth_users_parse_t *ps, sl_auth_users_t *users,
    sl_uint_t i)
{
    uint32_t         slot;
    sl_uint_t        h;
    sl_auth_user_t  *u, *other;

    u = &users->users[i];

    h = sl_auth_users_hash(u->name.data, u->name.len) & users->hash_mask;

    for ( ;; ) {
        slot = users->hash[h];

        if (slot == 0) {
            users->hash[h] = (uint32_t) (i + 1);
            return SL_OK;
        }

        other = &users->users[slot - 1];

        if (other->name.len == u->name.len
            && memcmp(other->name.data, u->name.data, u->name.len) == 0)
        {
            return sl_auth_users_error(ps, ps->line, "duplicate user \"%s\", "
                                       "first at line %lu", u->name.data,
                                       (unsigned long) other->line);
        }

        h = (h + 1) & users->hash_mask;
    }
}


/* FNV-1a: the names come from the operator's file, not from clients */
static uint32_t
sl_auth_users_hash(const u_char *p, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }

    return h;
}


/* how many characters of crypt's base-64 alphabet start [p, last) */
static sl_uint_t
sl_auth_users_crypt_span(const u_char *p, const u_char *last)
{
    sl_uint_t  n;

    for (n = 0; p + n < last && sl_auth_users_is_crypt64(p[n]); n++) {
        /* void */
    }

    return n;
}


/*
 * A value for an error message, NUL-terminated in ps->echo: cut after
 * SL_AUTH_USERS_ECHO_LEN bytes with "...", so that a long value cannot
 * push "in FILE:LINE" out of the message.  Control bytes never get here
 * (the line is checked first).
 */
static const char *
sl_auth_users_echo(sl_auth_users_parse_t *ps, const u_char *p, size_t len)
{
    u_char  *q;
    size_t   n;

    n = sl_min(len, SL_AUTH_USERS_ECHO_LEN);

    q = sl_cpymem(ps->echo, p, n);

    if (n < len) {
        q = sl_cpymem(q, "...", 3);
    }

    *q = '\0';

    return ps->echo;
}


/* "reason in FILE:LINE" into ps->err, or "reason in FILE" for line 0 */
static sl_int_t
sl_auth_users_error(sl_auth_users_parse_t *ps, sl_uint_t line,
    const char *fmt, ...)
{
    u_char   *p, *last;
    va_list   args;

    if (ps->err_size == 0) {
        return SL_ERROR;
    }

    last = ps->err + ps->err_size;

    va_start(args, fmt);
    p = sl_vslprintf(ps->err, last, fmt, args);
    va_end(args);

    if (line) {
        (void) sl_slprintf(p, last, " in " SL_STR_FMT ":%lu",
                           SL_STR_ARG(ps->name), (unsigned long) line);

    } else {
        (void) sl_slprintf(p, last, " in " SL_STR_FMT, SL_STR_ARG(ps->name));
    }

    return SL_ERROR;
}
