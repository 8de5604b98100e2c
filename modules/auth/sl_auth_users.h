/*
 * The users file ("auth_users FILE;"): who may log in, with which
 * credentials, in which groups.  One user per line,
 *
 *     name:basic-hash:groups:realm:digest-ha1s
 *
 * as README "Users file" gives it.  The parser is pure but for
 * sl_auth_users_read(): no logging, an error comes back as
 * "reason in FILE:LINE" text for the caller to log.  The table is
 * read-only once parsed; a reload parses the file again into the new
 * cycle's pool.
 */

#ifndef SL_AUTH_USERS_H
#define SL_AUTH_USERS_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_AUTH_USERS_MAX_USERS     100000
#define SL_AUTH_USERS_MAX_LINE      1024             /* without CR LF */
#define SL_AUTH_USERS_MAX_SIZE      (16 * 1024 * 1024)  /* the file */
#define SL_AUTH_USERS_MAX_NAME      128     /* user, group and realm */
#define SL_AUTH_USERS_MAX_PASSWORD  511     /* longer ones never match */
#define SL_AUTH_USERS_ERROR_LEN     1024    /* enough for any error */

#define SL_AUTH_USERS_MD5_LEN       32      /* HA1 in hex digits */
#define SL_AUTH_USERS_SHA256_LEN    64


/* every sl_str_t here is NUL-terminated, "" when its len is 0 */
typedef struct {
    sl_str_t     name;        /* token characters (RFC 9110 tchar) */
    sl_str_t     basic;       /* crypt(3) "$y$..." or "$6$..."; len 0: no
                                 Basic for this user */
    sl_str_t    *groups;      /* in file order, no duplicates */
    sl_uint_t    ngroups;
    sl_str_t     realm;       /* the realm the HA1s were made for; len 0
                                 exactly when both HA1s are missing */
    sl_str_t     ha1_md5;     /* MD5(name:realm:password), lowercase
                                 hex; len 0: none */
    sl_str_t     ha1_sha256;  /* SHA-256(name:realm:password), the same */
    sl_uint_t    line;        /* where it is written, for run-time logs */
} sl_auth_user_t;

typedef struct {
    sl_str_t         name;       /* the file, a NUL-terminated copy */
    sl_auth_user_t  *users;      /* in file order */
    sl_uint_t        nusers;     /* 0 .. SL_AUTH_USERS_MAX_USERS */
    uint32_t        *hash;       /* open addressing on the name: index
                                    into users + 1, 0 for a free slot */
    sl_uint_t        hash_mask;  /* slots - 1, a power of two minus 1 */
} sl_auth_users_t;


/*
 * Parses a users file of len bytes; name is the file it came from, for
 * error messages.  Returns the table, everything in it allocated from
 * pool and text no longer referenced; or NULL with a NUL-terminated
 * "reason in FILE:LINE" (or "reason in FILE" for the whole file) in err,
 * of size bytes (SL_AUTH_USERS_ERROR_LEN is enough; longer ones are
 * cut).  A file without users is a table of none.  A failed parse may
 * leave allocations in pool: parse into a pool of its own where that
 * matters.  Errors never quote a password hash or an HA1.
 */
sl_auth_users_t *sl_auth_users_parse(sl_pool_t *pool, const sl_str_t *name,
    const u_char *text, size_t len, u_char *err, size_t size);

/*
 * Reads the regular file name (NUL-terminated; at most
 * SL_AUTH_USERS_MAX_SIZE bytes) and parses it as sl_auth_users_parse()
 * does.  open()/read() failures come back in err with errno's text.
 */
sl_auth_users_t *sl_auth_users_read(sl_pool_t *pool, const sl_str_t *name,
    u_char *err, size_t size);

/* the user of exactly that name (case-sensitive), or NULL */
const sl_auth_user_t *sl_auth_users_find(const sl_auth_users_t *users,
    const u_char *name, size_t len);

/* 1 when the user is in the group (case-sensitive), else 0 */
sl_uint_t sl_auth_user_in_group(const sl_auth_user_t *u, const u_char *group,
    size_t len);

/*
 * Checks a Basic password against the user's crypt(3) hash with
 * libxcrypt's crypt_rn(), comparing in constant time.  Returns SL_OK
 * when it matches; SL_DECLINED when it does not, when the user has no
 * Basic hash, or when the password is longer than
 * SL_AUTH_USERS_MAX_PASSWORD or holds a NUL byte; SL_ERROR when
 * crypt_rn() fails (errno says why, e.g. ENOMEM).  Not reentrant (one
 * static work area, wiped after use).  A yescrypt check takes some
 * 20 ms of CPU by design: a caller in the event loop pays that per try.
 */
sl_int_t sl_auth_users_check_password(const sl_auth_user_t *u,
    const u_char *password, size_t len);

#endif /* SL_AUTH_USERS_H */
