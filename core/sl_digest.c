/* HTTP Digest computations (RFC 7616) over OpenSSL's EVP digests. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_digest.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>


const sl_str_t  sl_digest_names[SL_DIGEST_ALGS] = {
    sl_string("MD5"),
    sl_string("SHA-256")
};


size_t
sl_digest_hex_len(sl_digest_alg_e alg)
{
    return alg == SL_DIGEST_SHA256 ? 64 : 32;
}


sl_int_t
sl_digest_hash(sl_digest_alg_e alg, const sl_str_t *parts, sl_uint_t n,
    u_char *hex)
{
    u_char         md[EVP_MAX_MD_SIZE];
    sl_int_t       rc;
    sl_uint_t      i;
    unsigned int   len;
    EVP_MD_CTX    *ctx;
    const EVP_MD  *type;

    static const u_char  digits[] = "0123456789abcdef";

    type = (alg == SL_DIGEST_SHA256) ? EVP_sha256() : EVP_md5();

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return SL_ERROR;
    }

    rc = SL_ERROR;

    if (EVP_DigestInit_ex(ctx, type, NULL) != 1) {
        goto done;
    }

    for (i = 0; i < n; i++) {
        if ((i && EVP_DigestUpdate(ctx, ":", 1) != 1)
            || EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
        {
            goto done;
        }
    }

    if (EVP_DigestFinal_ex(ctx, md, &len) != 1
        || len * 2 != sl_digest_hex_len(alg))
    {
        goto done;
    }

    for (i = 0; i < len; i++) {
        *hex++ = digits[md[i] >> 4];
        *hex++ = digits[md[i] & 0x0f];
    }

    rc = SL_OK;

done:

    EVP_MD_CTX_free(ctx);

    return rc;
}


sl_int_t
sl_digest_ha1(sl_digest_alg_e alg, const sl_str_t *user,
    const sl_str_t *realm, const sl_str_t *password, u_char *hex)
{
    sl_str_t  parts[3];

    parts[0] = *user;
    parts[1] = *realm;
    parts[2] = *password;

    return sl_digest_hash(alg, parts, 3, hex);
}


sl_int_t
sl_digest_ha2(sl_digest_alg_e alg, const sl_str_t *method,
    const sl_str_t *uri, u_char *hex)
{
    sl_str_t  parts[2];

    parts[0] = *method;
    parts[1] = *uri;

    return sl_digest_hash(alg, parts, 2, hex);
}


sl_int_t
sl_digest_response(const sl_digest_request_t *dr, u_char *hex)
{
    u_char     ha2[SL_DIGEST_MAX_HEX];
    sl_str_t   parts[6];
    sl_uint_t  n;

    if (sl_digest_ha2(dr->alg, &dr->method, &dr->uri, ha2) != SL_OK) {
        return SL_ERROR;
    }

    n = 0;
    parts[n++] = dr->ha1;
    parts[n++] = dr->nonce;

    if (dr->qop.len) {
        parts[n++] = dr->nc;
        parts[n++] = dr->cnonce;
        parts[n++] = dr->qop;
    }

    parts[n].data = ha2;
    parts[n++].len = sl_digest_hex_len(dr->alg);

    return sl_digest_hash(dr->alg, parts, n, hex);
}


int
sl_digest_equal(const sl_str_t *a, const sl_str_t *b)
{
    if (a->len != b->len) {
        return 0;
    }

    return a->len == 0 || CRYPTO_memcmp(a->data, b->data, a->len) == 0;
}
