/*
 * Unit tests for modules/auth/sl_auth_nonce.c: layout, expiry, another
 * client, another secret, tampering.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_nonce.h>
#include "../../sl_unit.h"

#include <sys/un.h>


#define NOW      1764000000         /* 2025-11-24 */
#define TIMEOUT  300


static sl_str_t  secret = sl_string("0123456789abcdef0123456789abcdef");


static struct sockaddr_in
sin4(const char *addr, in_port_t port)
{
    struct sockaddr_in  sin;

    sl_memzero(&sin, sizeof(struct sockaddr_in));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    CU_ASSERT_FATAL(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);

    return sin;
}


static struct sockaddr_in6
sin6(const char *addr, in_port_t port)
{
    struct sockaddr_in6  sin6;

    sl_memzero(&sin6, sizeof(struct sockaddr_in6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    CU_ASSERT_FATAL(inet_pton(AF_INET6, addr, &sin6.sin6_addr) == 1);

    return sin6;
}


static sl_auth_nonce_e
check(const u_char *nonce, size_t len, const struct sockaddr *sa,
    time_t now, time_t *made)
{
    sl_str_t  n;

    n.data = (u_char *) nonce;
    n.len = len;

    return sl_auth_nonce_check(&secret, &n, sa, now, TIMEOUT, made);
}


static void
test_layout(void)
{
    u_char              a[SL_AUTH_NONCE_LEN + 1], b[SL_AUTH_NONCE_LEN + 1];
    u_char              raw[64];
    size_t              i;
    sl_str_t            text, dec;
    struct sockaddr_in  sa;

    sa = sin4("192.0.2.10", 40000);

    a[SL_AUTH_NONCE_LEN] = 'X';
    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &sa, NOW,
                                             a), SL_OK);
    CU_ASSERT_EQUAL(a[SL_AUTH_NONCE_LEN], 'X');

    /* base64url only: it goes into a quoted-string and a URL unescaped */

    for (i = 0; i < SL_AUTH_NONCE_LEN; i++) {
        if (!isalnum(a[i]) && a[i] != '-' && a[i] != '_') {
            CU_FAIL("a nonce character outside base64url");
        }
    }

    /* 8 bytes of time, big-endian, first */

    text.data = a;
    text.len = SL_AUTH_NONCE_LEN;
    dec.data = raw;
    CU_ASSERT_EQUAL_FATAL(sl_decode_base64url(&dec, &text), SL_OK);
    CU_ASSERT_EQUAL(dec.len, 48);
    CU_ASSERT_TRUE(raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == 0);
    CU_ASSERT_EQUAL(((uint32_t) raw[4] << 24 | raw[5] << 16 | raw[6] << 8
                     | raw[7]), NOW);

    /* two nonces of the same second for the same client differ */

    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &sa, NOW,
                                             b), SL_OK);
    CU_ASSERT_FALSE(memcmp(a, b, SL_AUTH_NONCE_LEN) == 0);
    CU_ASSERT_TRUE(memcmp(a, b, 10) == 0);
}


static void
test_expiry(void)
{
    u_char              n[SL_AUTH_NONCE_LEN];
    time_t              made;
    struct sockaddr_in  sa;

    sa = sin4("192.0.2.10", 40000);

    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &sa, NOW,
                                             n), SL_OK);

    made = 0;
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa, NOW, &made),
                    SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(made, NOW);

    made = 0;
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa,
                          NOW + TIMEOUT, &made), SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(made, NOW);

    made = 0;
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa,
                          NOW + TIMEOUT + 1, &made), SL_AUTH_NONCE_STALE);
    CU_ASSERT_EQUAL(made, NOW);

    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa,
                          NOW + 86400 * 365, NULL), SL_AUTH_NONCE_STALE);

    /* a nonce from the future: the clock went back */
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa, NOW - 1,
                          NULL), SL_AUTH_NONCE_INVALID);

    /* a timeout of 0: valid within its own second only */
    CU_ASSERT_EQUAL(sl_auth_nonce_check(&secret,
                                        &(sl_str_t) { sizeof(n), n },
                                        (struct sockaddr *) &sa, NOW, 0,
                                        NULL), SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(sl_auth_nonce_check(&secret,
                                        &(sl_str_t) { sizeof(n), n },
                                        (struct sockaddr *) &sa, NOW + 1, 0,
                                        NULL), SL_AUTH_NONCE_STALE);
}


/* the address, not the port, and v4-mapped v6 as v4 */
static void
test_clients(void)
{
    u_char               n[SL_AUTH_NONCE_LEN], n6[SL_AUTH_NONCE_LEN];
    struct sockaddr_in   a, a_port, b;
    struct sockaddr_in6  mapped, v6, v6b;
    struct sockaddr_un   un;

    a = sin4("192.0.2.10", 40000);
    a_port = sin4("192.0.2.10", 40001);
    b = sin4("192.0.2.11", 40000);
    mapped = sin6("::ffff:192.0.2.10", 50000);
    v6 = sin6("2001:db8::10", 40000);
    v6b = sin6("2001:db8::11", 40000);

    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret, (struct sockaddr *) &a,
                                             NOW, n), SL_OK);

    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &a_port, NOW,
                          NULL), SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &mapped, NOW,
                          NULL), SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &b, NOW, NULL),
                    SL_AUTH_NONCE_INVALID);
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &v6, NOW, NULL),
                    SL_AUTH_NONCE_INVALID);

    /* another client's nonce is never "stale", even when old */
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &b,
                          NOW + TIMEOUT + 1, NULL), SL_AUTH_NONCE_INVALID);

    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &v6, NOW,
                                             n6), SL_OK);
    CU_ASSERT_EQUAL(check(n6, sizeof(n6), (struct sockaddr *) &v6, NOW,
                          NULL), SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(check(n6, sizeof(n6), (struct sockaddr *) &v6b, NOW,
                          NULL), SL_AUTH_NONCE_INVALID);
    CU_ASSERT_EQUAL(check(n6, sizeof(n6), (struct sockaddr *) &a, NOW,
                          NULL), SL_AUTH_NONCE_INVALID);

    /* a family without an address still binds to its family */
    sl_memzero(&un, sizeof(struct sockaddr_un));
    un.sun_family = AF_UNIX;
    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &un, NOW,
                                             n), SL_OK);
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &un, NOW, NULL),
                    SL_AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &a, NOW, NULL),
                    SL_AUTH_NONCE_INVALID);
}


static void
test_tampered(void)
{
    u_char              n[SL_AUTH_NONCE_LEN], t[SL_AUTH_NONCE_LEN + 4];
    size_t              i, bad;
    sl_str_t            other, empty;
    struct sockaddr_in  sa;

    static const u_char  alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    sa = sin4("192.0.2.10", 40000);

    CU_ASSERT_EQUAL_FATAL(sl_auth_nonce_make(&secret,
                                             (struct sockaddr *) &sa, NOW,
                                             n), SL_OK);

    /* every character changed to every other one: time, salt and MAC */

    bad = 0;

    for (i = 0; i < SL_AUTH_NONCE_LEN; i++) {
        const u_char  *c;

        for (c = alphabet; *c; c++) {
            if (*c == n[i]) {
                continue;
            }

            sl_memcpy(t, n, sizeof(n));
            t[i] = *c;

            if (check(t, sizeof(n), (struct sockaddr *) &sa, NOW, NULL)
                != SL_AUTH_NONCE_INVALID)
            {
                bad++;
            }
        }
    }

    CU_ASSERT_EQUAL(bad, 0);

    /* shorter, longer, padded, another alphabet, empty */

    CU_ASSERT_EQUAL(check(n, sizeof(n) - 1, (struct sockaddr *) &sa, NOW,
                          NULL), SL_AUTH_NONCE_INVALID);
    sl_memcpy(t, n, sizeof(n));
    sl_memcpy(t + sizeof(n), "AAAA", 4);
    CU_ASSERT_EQUAL(check(t, sizeof(n) + 4, (struct sockaddr *) &sa, NOW,
                          NULL), SL_AUTH_NONCE_INVALID);
    t[sizeof(n)] = '=';
    CU_ASSERT_EQUAL(check(t, sizeof(n) + 1, (struct sockaddr *) &sa, NOW,
                          NULL), SL_AUTH_NONCE_INVALID);
    sl_memcpy(t, n, sizeof(n));
    t[5] = '+';
    CU_ASSERT_EQUAL(check(t, sizeof(n), (struct sockaddr *) &sa, NOW, NULL),
                    SL_AUTH_NONCE_INVALID);
    CU_ASSERT_EQUAL(check(t, 0, (struct sockaddr *) &sa, NOW, NULL),
                    SL_AUTH_NONCE_INVALID);

    /* the untouched one still passes */
    CU_ASSERT_EQUAL(check(n, sizeof(n), (struct sockaddr *) &sa, NOW, NULL),
                    SL_AUTH_NONCE_OK);

    /* another secret (a reload that made a new one), or none */

    other = secret;
    other.len--;
    CU_ASSERT_EQUAL(sl_auth_nonce_check(&other,
                                        &(sl_str_t) { sizeof(n), n },
                                        (struct sockaddr *) &sa, NOW,
                                        TIMEOUT, NULL),
                    SL_AUTH_NONCE_INVALID);

    empty.data = NULL;
    empty.len = 0;
    CU_ASSERT_EQUAL(sl_auth_nonce_make(&empty, (struct sockaddr *) &sa, NOW,
                                       t), SL_ERROR);
    CU_ASSERT_EQUAL(sl_auth_nonce_check(&empty,
                                        &(sl_str_t) { sizeof(n), n },
                                        (struct sockaddr *) &sa, NOW,
                                        TIMEOUT, NULL),
                    SL_AUTH_NONCE_INVALID);
}


SL_UNIT_SUITE(sl_auth_nonce,
    { "layout: base64url, time first, salted", test_layout },
    { "expiry: stale after the timeout", test_expiry },
    { "bound to the client's address", test_clients },
    { "tampered, malformed, another secret", test_tampered })
