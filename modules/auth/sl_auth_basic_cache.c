/* Basic passwords that passed crypt(3), remembered for a while. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_basic_cache.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>


#define SL_AUTH_BASIC_CACHE_MAC  32          /* SHA-256 */

typedef struct {
    u_char      mac[SL_AUTH_BASIC_CACHE_MAC];
    sl_msec_t   until;                       /* 0: free (0 <= now) */
} sl_auth_basic_cache_entry_t;


static sl_auth_basic_cache_entry_t
                 sl_auth_basic_cache[SL_AUTH_BASIC_CACHE_SLOTS];
static u_char    sl_auth_basic_cache_key[32];
static pid_t     sl_auth_basic_cache_pid;    /* whose key it is; 0: none */


/*
 * HMAC-SHA256(key, stored-hash NUL password) into mac; the key is made
 * in each process at its first use, a forked child making its own (and
 * forgetting the parent's entries).  SL_OK or SL_ERROR.
 */
static sl_int_t
sl_auth_basic_cache_mac(const sl_auth_user_t *u, const u_char *password,
    size_t len, u_char *mac)
{
    u_char        msg[SL_AUTH_USERS_MAX_LINE + 1 + SL_AUTH_USERS_MAX_PASSWORD];
    u_char       *p;
    pid_t         pid;
    unsigned int  n;

    if (u->basic.len > SL_AUTH_USERS_MAX_LINE
        || len > SL_AUTH_USERS_MAX_PASSWORD)
    {
        return SL_ERROR;
    }

    pid = getpid();

    if (sl_auth_basic_cache_pid != pid) {
        if (RAND_bytes(sl_auth_basic_cache_key,
                       sizeof(sl_auth_basic_cache_key))
            != 1)
        {
            return SL_ERROR;
        }

        sl_memzero(sl_auth_basic_cache, sizeof(sl_auth_basic_cache));
        sl_auth_basic_cache_pid = pid;
    }

    p = sl_cpymem(msg, u->basic.data, u->basic.len);
    *p++ = '\0';
    p = sl_cpymem(p, password, len);

    mac = HMAC(EVP_sha256(), sl_auth_basic_cache_key,
               (int) sizeof(sl_auth_basic_cache_key), msg, (size_t) (p - msg),
               mac, &n);

    explicit_bzero(msg, (size_t) (p - msg));

    return (mac != NULL && n == SL_AUTH_BASIC_CACHE_MAC) ? SL_OK : SL_ERROR;
}


static sl_auth_basic_cache_entry_t *
sl_auth_basic_cache_slot(const u_char *mac)
{
    uint32_t  h;

    h = (uint32_t) mac[0] << 24 | (uint32_t) mac[1] << 16
        | (uint32_t) mac[2] << 8 | mac[3];

    return &sl_auth_basic_cache[h % SL_AUTH_BASIC_CACHE_SLOTS];
}


sl_uint_t
sl_auth_basic_cache_find(const sl_auth_user_t *u, const u_char *password,
    size_t len, sl_msec_t now)
{
    u_char                        mac[SL_AUTH_BASIC_CACHE_MAC];
    sl_auth_basic_cache_entry_t  *e;

    if (sl_auth_basic_cache_mac(u, password, len, mac) != SL_OK) {
        return 0;
    }

    e = sl_auth_basic_cache_slot(mac);

    return e->until > now
           && CRYPTO_memcmp(e->mac, mac, sizeof(mac)) == 0;
}


void
sl_auth_basic_cache_add(const sl_auth_user_t *u, const u_char *password,
    size_t len, sl_msec_t now, sl_msec_t valid)
{
    u_char                        mac[SL_AUTH_BASIC_CACHE_MAC];
    sl_auth_basic_cache_entry_t  *e;

    if (valid == 0 || sl_auth_basic_cache_mac(u, password, len, mac) != SL_OK)
    {
        return;
    }

    e = sl_auth_basic_cache_slot(mac);

    sl_memcpy(e->mac, mac, sizeof(mac));
    e->until = now + valid;
}
