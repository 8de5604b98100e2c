/*
 * Digest nonces (RFC 7616 §3.3, §5.4) that need no server state: each
 * carries the time it was made and an HMAC binding it to the client's
 * address, so any worker can check any nonce with the shared secret.
 * Pure but for the random salt; unit-tested.
 */

#ifndef SL_AUTH_NONCE_H
#define SL_AUTH_NONCE_H

#include <sl_config.h>
#include <sl_core.h>


/*
 * nonce = base64url(time || salt || HMAC-SHA256(secret, time || salt ||
 * address)): time the seconds of "now" as 8 bytes big-endian, salt 8
 * random bytes (two challenges in the same second differ, so that
 * nonce-count tracking never mixes two clients), address the client's
 * IP (an IPv4-mapped IPv6 address as IPv4; no port: a client may come
 * back on another connection).  48 bytes, 64 characters, no padding.
 */
#define SL_AUTH_NONCE_LEN   64

typedef enum {
    SL_AUTH_NONCE_OK = 0,
    SL_AUTH_NONCE_STALE,            /* authentic, but older than the
                                       timeout: answer stale=true */
    SL_AUTH_NONCE_INVALID           /* malformed, another secret's, another
                                       client's, tampered, or from the
                                       future */
} sl_auth_nonce_e;

/*
 * Writes a fresh nonce for the client at sa (SL_AUTH_NONCE_LEN bytes,
 * not terminated).  secret: the key all workers share (a non-empty
 * string of random bytes; 32 are enough).  SL_OK, or SL_ERROR when
 * OpenSSL gives no random bytes or no HMAC.
 */
sl_int_t sl_auth_nonce_make(const sl_str_t *secret,
    const struct sockaddr *sa, time_t now, u_char *nonce);

/*
 * Checks a nonce a client at sa sent back at time now.  The HMAC is
 * compared in constant time before anything else is judged, so that
 * STALE is only said of the server's own nonces; a nonce is STALE when
 * now - its time > timeout (seconds).  *made, when not NULL, receives
 * the time the nonce was made (on OK and STALE), for expiring what is
 * kept about it.
 */
sl_auth_nonce_e sl_auth_nonce_check(const sl_str_t *secret,
    const sl_str_t *nonce, const struct sockaddr *sa, time_t now,
    time_t timeout, time_t *made);

#endif /* SL_AUTH_NONCE_H */
