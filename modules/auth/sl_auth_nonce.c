/* Stateless Digest nonces: a timestamp and an HMAC over it and the client. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_nonce.h>
#include <sl_auth_shm.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>


#define SL_AUTH_NONCE_TIME   8
#define SL_AUTH_NONCE_SALT   8
#define SL_AUTH_NONCE_MAC    32          /* SHA-256 */
#define SL_AUTH_NONCE_BYTES                                                  \
    (SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT + SL_AUTH_NONCE_MAC)

/* time, salt, a family byte and at most 16 address bytes */
#define SL_AUTH_NONCE_MSG                                                    \
    (SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT + 1 + 16)


/* HMAC-SHA256(secret, time || salt || address) into mac */
static sl_int_t
sl_auth_nonce_mac(const sl_str_t *secret, const u_char *head,
    const struct sockaddr *sa, u_char *mac)
{
    u_char        msg[SL_AUTH_NONCE_MSG];
    size_t        n;
    unsigned int  len;

    if (secret->len == 0 || secret->len > INT_MAX) {
        return SL_ERROR;
    }

    sl_memcpy(msg, head, SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT);
    n = SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT;
    /* the same bytes as the lockout table's key: an IPv4-mapped address
       as IPv4, so that a dual-stack listener and a v4 one agree */
    n += sl_auth_shm_addr_key(sa, msg + n);

    if (HMAC(EVP_sha256(), secret->data, (int) secret->len, msg, n, mac,
             &len)
        == NULL || len != SL_AUTH_NONCE_MAC)
    {
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_auth_nonce_make(const sl_str_t *secret, const struct sockaddr *sa,
    time_t now, u_char *nonce)
{
    u_char     raw[SL_AUTH_NONCE_BYTES];
    uint64_t   t;
    sl_str_t   src, dst;
    sl_uint_t  i;

    t = (uint64_t) now;

    for (i = 0; i < SL_AUTH_NONCE_TIME; i++) {
        raw[i] = (u_char) (t >> (8 * (SL_AUTH_NONCE_TIME - 1 - i)));
    }

    if (RAND_bytes(raw + SL_AUTH_NONCE_TIME, SL_AUTH_NONCE_SALT) != 1) {
        return SL_ERROR;
    }

    if (sl_auth_nonce_mac(secret, raw, sa,
                          raw + SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT)
        != SL_OK)
    {
        return SL_ERROR;
    }

    src.data = raw;
    src.len = sizeof(raw);
    dst.data = nonce;

    sl_encode_base64url(&dst, &src);

    return SL_OK;
}


sl_auth_nonce_e
sl_auth_nonce_check(const sl_str_t *secret, const sl_str_t *nonce,
    const struct sockaddr *sa, time_t now, time_t timeout, time_t *made)
{
    u_char     raw[SL_AUTH_NONCE_BYTES], mac[SL_AUTH_NONCE_MAC];
    uint64_t   t;
    sl_str_t   dst;
    sl_uint_t  i;

    /* 48 bytes are 64 characters exactly: one spelling per nonce */

    if (nonce->len != SL_AUTH_NONCE_LEN) {
        return SL_AUTH_NONCE_INVALID;
    }

    dst.data = raw;

    if (sl_decode_base64url(&dst, nonce) != SL_OK
        || dst.len != SL_AUTH_NONCE_BYTES)
    {
        return SL_AUTH_NONCE_INVALID;
    }

    if (sl_auth_nonce_mac(secret, raw, sa, mac) != SL_OK
        || CRYPTO_memcmp(mac, raw + SL_AUTH_NONCE_TIME + SL_AUTH_NONCE_SALT,
                         SL_AUTH_NONCE_MAC) != 0)
    {
        return SL_AUTH_NONCE_INVALID;
    }

    t = 0;

    for (i = 0; i < SL_AUTH_NONCE_TIME; i++) {
        t = (t << 8) | raw[i];
    }

    if (t > (uint64_t) SL_MAX_INT_T_VALUE || (time_t) t > now) {
        return SL_AUTH_NONCE_INVALID;
    }

    if (made) {
        *made = (time_t) t;
    }

    return (now - (time_t) t > timeout) ? SL_AUTH_NONCE_STALE
                                        : SL_AUTH_NONCE_OK;
}
