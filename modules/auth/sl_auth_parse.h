/*
 * HTTP/RTSP authentication headers (RFC 9110 §11, RFC 7617 Basic,
 * RFC 7616 Digest): Authorization values parsed into credentials, and
 * WWW-Authenticate challenges written.  Pure: no I/O, no logging, no
 * allocation; unit-tested and fuzzed.
 */

#ifndef SL_AUTH_PARSE_H
#define SL_AUTH_PARSE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_digest.h>


#define SL_AUTH_MAX_VALUE    4096   /* a whole Authorization value */
#define SL_AUTH_MAX_PARAM    256    /* username, realm, nonce, cnonce,
                                       opaque, once unquoted */

typedef enum {
    SL_AUTH_OTHER = 0,              /* a scheme this server takes none of */
    SL_AUTH_BASIC,
    SL_AUTH_DIGEST
} sl_auth_scheme_e;

/*
 * What an Authorization value says.  Every sl_str_t but scheme_name
 * points into the caller's buffer, unquoted and unescaped; an absent
 * parameter has len 0 and data NULL.
 */
typedef struct {
    sl_auth_scheme_e    scheme;
    sl_str_t            scheme_name;    /* as sent, into the value */

    sl_str_t            user;           /* Basic user-id, Digest username */
    sl_str_t            password;       /* Basic only */

    /* Digest only */
    sl_str_t            realm;
    sl_str_t            nonce;
    sl_str_t            uri;
    sl_str_t            response;       /* lowercased hex: 32 or 64 */
    sl_str_t            cnonce;
    sl_str_t            opaque;
    sl_str_t            qop;            /* "auth" as sent (any case); len 0
                                           in the RFC 2069 form, with no
                                           nc and no cnonce */
    sl_str_t            nc_text;        /* the 8 hex digits as sent: they
                                           go into the response */
    uint32_t            nc;
    sl_digest_alg_e     algorithm;      /* MD5 when not given */
    unsigned            userhash:1;     /* user is H(username:realm) */

    const char         *error;          /* why it was refused, for logs */
} sl_auth_credentials_t;

/*
 * Parses an Authorization (or Proxy-Authorization) field value: an
 * auth-scheme (case-insensitive), then a token68 or a list of
 * auth-params whose names are case-insensitive and whose values are a
 * token or a quoted-string (RFC 9110 §11.2, §11.4); blanks around the
 * value, around "=" and commas, and empty list elements are taken.
 * buf receives the unquoted values: at least value->len bytes.
 *   SL_OK        Basic: the token68 is base64 (RFC 7617 §2) of
 *                "user-id:password" without control characters, split
 *                at the first colon.  Digest (RFC 7616 §3.4): username,
 *                realm, nonce, uri and response present; algorithm MD5
 *                or SHA-256; response hex of that algorithm's length;
 *                with qop=auth a cnonce and nc (8 hex digits), without
 *                qop neither; userhash "true" or "false".  Unknown
 *                parameters are ignored;
 *   SL_DECLINED  well formed, but nothing this server can verify: another
 *                scheme (Bearer, Negotiate, ...), an algorithm other than
 *                MD5 and SHA-256 (the -sess variants, SHA-512-256, unknown
 *                names), qop=auth-int, or username* (RFC 8187); the
 *                caller answers with its challenges.  cr->error says which;
 *   SL_ERROR     malformed: a bad token, quoted-string or base64, a
 *                parameter twice (names compared without case), a value
 *                over its bound (SL_AUTH_MAX_PARAM, the whole value over
 *                SL_AUTH_MAX_VALUE), a required parameter missing or
 *                invalid (cr->error says which).
 */
sl_int_t sl_auth_parse(const sl_str_t *value, u_char *buf,
    sl_auth_credentials_t *cr);

/* what a Digest challenge offers */
typedef struct {
    sl_str_t            realm;
    sl_str_t            nonce;
    sl_str_t            opaque;         /* len 0: none */
    sl_digest_alg_e     algorithm;
    unsigned            stale:1;        /* the nonce expired, the
                                           credentials were right */
} sl_auth_challenge_t;

/* room a challenge of these lengths may take, at worst every byte escaped */
#define SL_AUTH_CHALLENGE_LEN(realm_len, nonce_len, opaque_len)              \
    (sizeof("Digest realm=\"\", nonce=\"\", stale=true, qop=\"auth\", "      \
            "algorithm=SHA-256, opaque=\"\"") - 1                            \
     + 2 * ((realm_len) + (nonce_len) + (opaque_len)))

/*
 * Writes a WWW-Authenticate value for Digest (RFC 7616 §3.3):
 *     Digest realm="r", nonce="n", stale=true, qop="auth",
 *         algorithm=SHA-256, opaque="o"
 * realm and nonce come first and stale right after them, in this order,
 * because live555 (VLC) reads them with a fixed pattern; stale and
 * opaque only when set.  Returns the end of the text (not terminated),
 * or NULL when it does not fit in [p, last) or a value holds a control
 * character, which no quoted-string can carry.
 */
u_char *sl_auth_digest_challenge(u_char *p, u_char *last,
    const sl_auth_challenge_t *ch);

/* Basic realm="r", charset="UTF-8" (RFC 7617 §2.1); as above */
u_char *sl_auth_basic_challenge(u_char *p, u_char *last,
    const sl_str_t *realm);

/*
 * Writes s as a quoted-string (RFC 9110 §5.6.4): in double quotes, with
 * '"' and '\' escaped.  NULL when it does not fit or s holds a control
 * character other than HTAB.
 */
u_char *sl_auth_quote(u_char *p, u_char *last, const sl_str_t *s);

#endif /* SL_AUTH_PARSE_H */
