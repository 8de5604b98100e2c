/* Signed URLs: an HMAC over a path, an expiry time and maybe an address. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_token.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>


#define SL_AUTH_TOKEN_MAC           32          /* SHA-256 */
#define SL_AUTH_TOKEN_EXPIRES_MAX   19          /* digits of 2^63 - 1 */
#define SL_AUTH_TOKEN_MSG           8192        /* longer paths: no token */


static sl_int_t
sl_auth_token_expires_valid(const sl_str_t *expires)
{
    size_t  i;

    if (expires->len == 0 || expires->len > SL_AUTH_TOKEN_EXPIRES_MAX) {
        return 0;
    }

    for (i = 0; i < expires->len; i++) {
        if (expires->data[i] < '0' || expires->data[i] > '9') {
            return 0;
        }
    }

    return 1;
}


/* HMAC-SHA256(secret, path "\n" expires [ "\n" ip ]) */
static sl_int_t
sl_auth_token_mac(const sl_str_t *secret, const sl_str_t *path,
    const sl_str_t *expires, const sl_str_t *ip, u_char *mac)
{
    u_char        msg[SL_AUTH_TOKEN_MSG], *p;
    size_t        n;
    unsigned int  len;

    if (secret->len == 0 || secret->len > INT_MAX
        || !sl_auth_token_expires_valid(expires))
    {
        return SL_ERROR;
    }

    n = path->len + 1 + expires->len + (ip ? 1 + ip->len : 0);

    if (n > SL_AUTH_TOKEN_MSG) {
        return SL_ERROR;
    }

    /* path "\n" expires [ "\n" ip ]: expires has digits only, so no two
       paths and times give the same message */

    p = sl_cpymem(msg, path->data, path->len);
    *p++ = '\n';
    p = sl_cpymem(p, expires->data, expires->len);

    if (ip) {
        *p++ = '\n';
        p = sl_cpymem(p, ip->data, ip->len);
    }

    if (HMAC(EVP_sha256(), secret->data, (int) secret->len, msg, p - msg,
             mac, &len)
        == NULL || len != SL_AUTH_TOKEN_MAC)
    {
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_auth_token_make(const sl_str_t *secret, const sl_str_t *path,
    const sl_str_t *expires, const sl_str_t *ip, u_char *token)
{
    u_char    mac[SL_AUTH_TOKEN_MAC];
    sl_str_t  src, dst;

    if (sl_auth_token_mac(secret, path, expires, ip, mac) != SL_OK) {
        return SL_ERROR;
    }

    src.data = mac;
    src.len = SL_AUTH_TOKEN_MAC;
    dst.data = token;

    sl_encode_base64url(&dst, &src);

    return SL_OK;
}


sl_auth_token_e
sl_auth_token_check(const sl_str_t *secret, const sl_str_t *path,
    const sl_str_t *expires, const sl_str_t *ip, const sl_str_t *token,
    time_t now)
{
    u_char    expected[SL_AUTH_TOKEN_HEX_LEN], lower[SL_AUTH_TOKEN_HEX_LEN];
    u_char    mac[SL_AUTH_TOKEN_MAC];
    size_t    i;
    sl_int_t  t;

    static const u_char  hex[] = "0123456789abcdef";

    /* the text is compared, not the bytes: one spelling per form */

    if (token->len == SL_AUTH_TOKEN_LEN) {
        if (sl_auth_token_make(secret, path, expires, ip, expected) != SL_OK
            || CRYPTO_memcmp(expected, token->data, SL_AUTH_TOKEN_LEN) != 0)
        {
            return SL_AUTH_TOKEN_INVALID;
        }

    } else if (token->len == SL_AUTH_TOKEN_HEX_LEN) {
        if (sl_auth_token_mac(secret, path, expires, ip, mac) != SL_OK) {
            return SL_AUTH_TOKEN_INVALID;
        }

        for (i = 0; i < SL_AUTH_TOKEN_MAC; i++) {
            expected[2 * i] = hex[mac[i] >> 4];
            expected[2 * i + 1] = hex[mac[i] & 0x0f];
        }

        /* either case: the letters of hex digits only are folded */
        for (i = 0; i < SL_AUTH_TOKEN_HEX_LEN; i++) {
            lower[i] = (token->data[i] >= 'A' && token->data[i] <= 'F')
                       ? token->data[i] | 0x20 : token->data[i];
        }

        if (CRYPTO_memcmp(expected, lower, SL_AUTH_TOKEN_HEX_LEN) != 0) {
            return SL_AUTH_TOKEN_INVALID;
        }

    } else {
        return SL_AUTH_TOKEN_INVALID;
    }

    t = sl_atoi(expires->data, expires->len);

    if (t == SL_ERROR) {
        return SL_AUTH_TOKEN_INVALID;
    }

    return ((time_t) t < now) ? SL_AUTH_TOKEN_EXPIRED : SL_AUTH_TOKEN_OK;
}


sl_int_t
sl_auth_token_args(const sl_str_t *uri, sl_str_t *expires, sl_str_t *token)
{
    u_char    *p, *last, *name, *value;
    sl_uint_t  found;

    expires->len = 0;
    expires->data = NULL;
    token->len = 0;
    token->data = NULL;

    p = uri->data;
    last = uri->data + uri->len;

    while (p < last && *p != '?' && *p != '#') {
        p++;
    }

    if (p == last || *p != '?') {
        return SL_DECLINED;
    }

    p++;
    found = 0;

    while (p < last && *p != '#') {
        name = p;

        while (p < last && *p != '=' && *p != '&' && *p != '#'
               && *p != '/')
        {
            p++;
        }

        value = p;

        if (p < last && *p == '=') {
            value = ++p;

            while (p < last && *p != '&' && *p != '#' && *p != '/') {
                p++;
            }
        }

        if (value - name == sizeof("expires=") - 1
            && sl_strncmp(name, "expires=", 8) == 0)
        {
            expires->data = value;
            expires->len = p - value;

        } else if (value - name == sizeof("token=") - 1
                   && sl_strncmp(name, "token=", 6) == 0)
        {
            token->data = value;
            token->len = p - value;
            found = 1;
        }

        if (p < last && *p == '/') {
            /* a track control after the query ends it */
            break;
        }

        if (p < last && *p == '&') {
            p++;
        }
    }

    return found ? SL_OK : SL_DECLINED;
}


size_t
sl_auth_token_ip(const struct sockaddr *sa, u_char *text)
{
    const void                 *addr;
    const struct sockaddr_in6  *sin6;

    switch (sa->sa_family) {

    case AF_INET:
        addr = &((const struct sockaddr_in *) sa)->sin_addr;

        if (inet_ntop(AF_INET, addr, (char *) text, SL_AUTH_TOKEN_IP_LEN)
            == NULL)
        {
            return 0;
        }

        break;

    case AF_INET6:
        sin6 = (const struct sockaddr_in6 *) sa;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            addr = &sin6->sin6_addr.s6_addr[12];

            if (inet_ntop(AF_INET, addr, (char *) text, SL_AUTH_TOKEN_IP_LEN)
                == NULL)
            {
                return 0;
            }

            break;
        }

        if (inet_ntop(AF_INET6, &sin6->sin6_addr, (char *) text,
                      SL_AUTH_TOKEN_IP_LEN)
            == NULL)
        {
            return 0;
        }

        break;

    default:
        return 0;
    }

    return sl_strlen(text);
}
