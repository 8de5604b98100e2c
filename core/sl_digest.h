/*
 * HTTP Digest computations (RFC 7616 §3.4.1-§3.4.3) with MD5 and
 * SHA-256: H, HA1, HA2 and the response, as lowercase hex.  Pure: no
 * state, no I/O, in core so that a client (a pull from a server that
 * asks for Digest) can use them as well as the server's authentication.
 */

#ifndef SL_DIGEST_H
#define SL_DIGEST_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_DIGEST_MAX_HEX   64          /* SHA-256 */

typedef enum {
    SL_DIGEST_MD5 = 0,
    SL_DIGEST_SHA256,
    SL_DIGEST_ALGS
} sl_digest_alg_e;

/* the names of "algorithm=": "MD5", "SHA-256" */
extern const sl_str_t  sl_digest_names[SL_DIGEST_ALGS];

/* what one request contributes to its response */
typedef struct {
    sl_digest_alg_e     alg;
    sl_str_t            ha1;        /* hex: sl_digest_ha1() or a users
                                       file */
    sl_str_t            method;
    sl_str_t            uri;        /* the "uri" parameter as sent */
    sl_str_t            nonce;
    sl_str_t            nc;         /* "00000001", as sent */
    sl_str_t            cnonce;
    sl_str_t            qop;        /* "auth"; len 0: the RFC 2069 form
                                       without nc and cnonce */
} sl_digest_request_t;

/* 32 (MD5) or 64 (SHA-256): the hex length of alg's hashes */
size_t sl_digest_hex_len(sl_digest_alg_e alg);

/*
 * H(parts[0] ":" parts[1] ":" ... parts[n - 1]) as lowercase hex into
 * hex (sl_digest_hex_len(alg) bytes, not terminated).  SL_OK, or
 * SL_ERROR when OpenSSL fails.
 */
sl_int_t sl_digest_hash(sl_digest_alg_e alg, const sl_str_t *parts,
    sl_uint_t n, u_char *hex);

/* HA1 = H(username ":" realm ":" password), §3.4.2 */
sl_int_t sl_digest_ha1(sl_digest_alg_e alg, const sl_str_t *user,
    const sl_str_t *realm, const sl_str_t *password, u_char *hex);

/* HA2 = H(method ":" uri), §3.4.3 with qop=auth or none */
sl_int_t sl_digest_ha2(sl_digest_alg_e alg, const sl_str_t *method,
    const sl_str_t *uri, u_char *hex);

/*
 * The expected response (§3.4.1): H(HA1 ":" nonce ":" nc ":" cnonce ":"
 * qop ":" HA2), or H(HA1 ":" nonce ":" HA2) without qop as live555 (VLC)
 * sends it (RFC 2069).  Into hex as sl_digest_hash() does.
 */
sl_int_t sl_digest_response(const sl_digest_request_t *dr, u_char *hex);

/*
 * 1 when a and b hold the same bytes, else 0; for equal lengths the time
 * taken does not depend on the bytes (CRYPTO_memcmp), so a response can
 * be checked without telling where it went wrong.
 */
int sl_digest_equal(const sl_str_t *a, const sl_str_t *b);

#endif /* SL_DIGEST_H */
