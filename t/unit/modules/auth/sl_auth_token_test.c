/*
 * Unit tests for modules/auth/sl_auth_token.c: the token of known inputs
 * (as the README's openssl one-liner makes it) and its hex form, expiry,
 * another path, another address, tampering, the query arguments, the
 * address text.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_token.h>
#include "../../sl_unit.h"


#define NOW  1764000000             /* 2025-11-24 */


static sl_str_t  secret = sl_string("0123456789abcdef");
static sl_str_t  path = sl_string("/vod/a.mp3");
static sl_str_t  expires = sl_string("1764000000");


/* printf '/vod/a.mp3\n1764000000' | openssl dgst -sha256 -hmac KEY ... */
static const char  *known = "znezIVfI7lUBgnyKJIZMCeWdHHopAl2Hy3ykYxe_Bvk";
static const char  *known_ip4 = "CSvLdCppDhM46LScluJKSWeEDvAa-z3H_LDJvEWXUMc";
static const char  *known_ip6 = "detcCdKX0BNULp0yF2-fn33qTF6HVrqu4hed43FMY4Q";


static sl_auth_token_e
check(const sl_str_t *p, const char *exp, const char *ip, const char *tok,
    time_t now)
{
    sl_str_t  e, i, t;

    e.data = (u_char *) exp;
    e.len = strlen(exp);
    i.data = (u_char *) ip;
    i.len = ip ? strlen(ip) : 0;
    t.data = (u_char *) tok;
    t.len = strlen(tok);

    return sl_auth_token_check(&secret, p, &e, ip ? &i : NULL, &t, now);
}


static void
test_known(void)
{
    u_char    tok[SL_AUTH_TOKEN_LEN + 1];
    sl_str_t  ip;

    tok[SL_AUTH_TOKEN_LEN] = 'X';
    CU_ASSERT_EQUAL_FATAL(sl_auth_token_make(&secret, &path, &expires, NULL,
                                             tok), SL_OK);
    CU_ASSERT_EQUAL(tok[SL_AUTH_TOKEN_LEN], 'X');
    CU_ASSERT_NSTRING_EQUAL(tok, known, SL_AUTH_TOKEN_LEN);

    ip.data = (u_char *) "192.0.2.7";
    ip.len = 9;
    CU_ASSERT_EQUAL_FATAL(sl_auth_token_make(&secret, &path, &expires, &ip,
                                             tok), SL_OK);
    CU_ASSERT_NSTRING_EQUAL(tok, known_ip4, SL_AUTH_TOKEN_LEN);

    ip.data = (u_char *) "2001:db8::1";
    ip.len = 11;
    CU_ASSERT_EQUAL_FATAL(sl_auth_token_make(&secret, &path, &expires, &ip,
                                             tok), SL_OK);
    CU_ASSERT_NSTRING_EQUAL(tok, known_ip6, SL_AUTH_TOKEN_LEN);

    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", "192.0.2.7", known_ip4, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", "2001:db8::1", known_ip6,
                          NOW), SL_AUTH_TOKEN_OK);
}


/* the same HMAC in hex, either case (VLC lowercases a URL's query) */
static void
test_hex(void)
{
    sl_str_t  other = sl_string("/vod/b.mp3");

    static const char  *hex =
        "ce77b32157c8ee5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06f9";
    static const char  *upper =
        "CE77B32157C8EE5501827C8A24864C09E59D1C7A29025D87CB7CA46317BF06F9";
    static const char  *mixed =
        "Ce77b32157c8eE5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06F9";

    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, hex, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, upper, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, mixed, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, hex, NOW + 1),
                    SL_AUTH_TOKEN_EXPIRED);
    CU_ASSERT_EQUAL(check(&other, "1764000000", NULL, hex, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* one digit off, a non-hex letter, one digit short or long */
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
        "ce77b32157c8ee5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06f8",
        NOW), SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
        "ce77b32157c8ee5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06fg",
        NOW), SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
        "ce77b32157c8ee5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06f",
        NOW), SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
        "ce77b32157c8ee5501827c8a24864c09e59d1c7a29025d87cb7ca46317bf06f90",
        NOW), SL_AUTH_TOKEN_INVALID);

    /* base64url is compared as written: its case matters */
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
                          "ZNEZIVFI7LUBGNYKJIZMCEWDHHOPAL2HY3YKYXE_BVK",
                          NOW), SL_AUTH_TOKEN_INVALID);
}


static void
test_expiry(void)
{
    /* good up to and including the second of expires */
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, known, NOW - 3600),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_OK);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, known, NOW + 1),
                    SL_AUTH_TOKEN_EXPIRED);

    /* a later expiry with the same token is not the server's */
    CU_ASSERT_EQUAL(check(&path, "1764000001", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "01764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* an expired tampered token is invalid, not expired */
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
                          "AnezIVfI7lUBgnyKJIZMCeWdHHopAl2Hy3ykYxe_Bvk",
                          NOW + 1), SL_AUTH_TOKEN_INVALID);
}


static void
test_path_ip(void)
{
    sl_str_t  other = sl_string("/vod/b.mp3");
    sl_str_t  track = sl_string("/vod/a.mp3/trackID=0");
    sl_str_t  prefix = sl_string("/vod/a.mp");

    CU_ASSERT_EQUAL(check(&other, "1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&track, "1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&prefix, "1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* bound to an address: another one, or none, is refused */
    CU_ASSERT_EQUAL(check(&path, "1764000000", "192.0.2.8", known_ip4, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, known_ip4, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* an unbound token does not serve where an address is required */
    CU_ASSERT_EQUAL(check(&path, "1764000000", "192.0.2.7", known, NOW),
                    SL_AUTH_TOKEN_INVALID);
}


static void
test_tampered(void)
{
    char       tok[SL_AUTH_TOKEN_LEN + 2];
    size_t     i;
    sl_str_t   empty;
    sl_uint_t  refused;

    /*
     * Every position counts, the last character's spare bits too: the
     * text is compared whole (CRYPTO_memcmp), not up to a first
     * difference nor after decoding.
     */
    refused = 0;

    for (i = 0; i < SL_AUTH_TOKEN_LEN; i++) {
        memcpy(tok, known, SL_AUTH_TOKEN_LEN + 1);
        tok[i] = (tok[i] == 'A') ? 'B' : 'A';
        refused += (check(&path, "1764000000", NULL, tok, NOW)
                    == SL_AUTH_TOKEN_INVALID);
    }

    CU_ASSERT_EQUAL(refused, SL_AUTH_TOKEN_LEN);

    /* "k" and "l" decode to the same last byte: only "k" is the token */
    memcpy(tok, known, SL_AUTH_TOKEN_LEN + 1);
    CU_ASSERT_EQUAL(tok[SL_AUTH_TOKEN_LEN - 1], 'k');
    tok[SL_AUTH_TOKEN_LEN - 1] = 'l';
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, tok, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* lengths, padding, standard base64 */
    memcpy(tok, known, SL_AUTH_TOKEN_LEN + 1);
    tok[SL_AUTH_TOKEN_LEN - 1] = '\0';
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, tok, NOW),
                    SL_AUTH_TOKEN_INVALID);
    memcpy(tok, known, SL_AUTH_TOKEN_LEN);
    tok[SL_AUTH_TOKEN_LEN] = '=';
    tok[SL_AUTH_TOKEN_LEN + 1] = '\0';
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, tok, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL,
                          "znezIVfI7lUBgnyKJIZMCeWdHHopAl2Hy3ykYxe/Bvk",
                          NOW), SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "1764000000", NULL, "", NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* expires: digits only, 1 to 19 of them */
    CU_ASSERT_EQUAL(check(&path, "", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "+1764000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);
    CU_ASSERT_EQUAL(check(&path, "17640000000000000000", NULL, known, NOW),
                    SL_AUTH_TOKEN_INVALID);

    /* another secret */
    empty.data = (u_char *) "0123456789abcdeF";
    empty.len = 16;
    CU_ASSERT_EQUAL(sl_auth_token_check(&empty, &path, &expires, NULL,
                                        &(sl_str_t) { SL_AUTH_TOKEN_LEN,
                                                      (u_char *) known },
                                        NOW),
                    SL_AUTH_TOKEN_INVALID);

    empty.data = NULL;
    empty.len = 0;
    CU_ASSERT_EQUAL(sl_auth_token_make(&empty, &path, &expires, NULL,
                                       (u_char *) tok), SL_ERROR);
}


static sl_int_t
args(const char *uri, sl_str_t *e, sl_str_t *t)
{
    sl_str_t  u;

    u.data = (u_char *) uri;
    u.len = strlen(uri);

    return sl_auth_token_args(&u, e, t);
}


static void
test_args(void)
{
    sl_str_t  e, t;

    CU_ASSERT_EQUAL(args("rtsp://h/vod/a.mp3?expires=17&token=abc", &e, &t),
                    SL_OK);
    CU_ASSERT_EQUAL(e.len, 2);
    CU_ASSERT_NSTRING_EQUAL(e.data, "17", 2);
    CU_ASSERT_EQUAL(t.len, 3);
    CU_ASSERT_NSTRING_EQUAL(t.data, "abc", 3);

    /* as ffmpeg sends SETUP: the track control after the query */
    CU_ASSERT_EQUAL(args("rtsp://h/a?token=ab-_&expires=9/trackID=1", &e, &t),
                    SL_OK);
    CU_ASSERT_EQUAL(e.len, 1);
    CU_ASSERT_NSTRING_EQUAL(e.data, "9", 1);
    CU_ASSERT_EQUAL(t.len, 4);
    CU_ASSERT_NSTRING_EQUAL(t.data, "ab-_", 4);

    CU_ASSERT_EQUAL(args("/a?x=1&token=q/&expires=5", &e, &t), SL_OK);
    CU_ASSERT_EQUAL(e.len, 0);
    CU_ASSERT_EQUAL(t.len, 1);

    CU_ASSERT_EQUAL(args("/a?tokens=1&xtoken=2&expires=3#token=4", &e, &t),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(e.len, 1);
    CU_ASSERT_EQUAL(args("/a/token=1", &e, &t), SL_DECLINED);
    CU_ASSERT_EQUAL(args("/a#?token=1", &e, &t), SL_DECLINED);
    CU_ASSERT_EQUAL(args("", &e, &t), SL_DECLINED);

    CU_ASSERT_EQUAL(args("/a?token", &e, &t), SL_DECLINED);
    CU_ASSERT_EQUAL(args("/a?token=", &e, &t), SL_OK);
    CU_ASSERT_EQUAL(t.len, 0);
}


static void
test_ip(void)
{
    u_char               text[SL_AUTH_TOKEN_IP_LEN];
    size_t               n;
    struct sockaddr_in   sin;
    struct sockaddr_in6  sin6;

    sl_memzero(&sin, sizeof(struct sockaddr_in));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(554);
    CU_ASSERT_FATAL(inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr) == 1);
    n = sl_auth_token_ip((struct sockaddr *) &sin, text);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_NSTRING_EQUAL(text, "192.0.2.7", 9);

    sl_memzero(&sin6, sizeof(struct sockaddr_in6));
    sin6.sin6_family = AF_INET6;
    CU_ASSERT_FATAL(inet_pton(AF_INET6, "::ffff:192.0.2.7",
                              &sin6.sin6_addr) == 1);
    n = sl_auth_token_ip((struct sockaddr *) &sin6, text);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_NSTRING_EQUAL(text, "192.0.2.7", 9);

    CU_ASSERT_FATAL(inet_pton(AF_INET6, "2001:0db8:0:0::1",
                              &sin6.sin6_addr) == 1);
    n = sl_auth_token_ip((struct sockaddr *) &sin6, text);
    CU_ASSERT_EQUAL(n, 11);
    CU_ASSERT_NSTRING_EQUAL(text, "2001:db8::1", 11);
}


SL_UNIT_SUITE(sl_auth_token,
    { "the token of known inputs, with and without an address",
      test_known },
    { "the same HMAC in hex, either case", test_hex },
    { "expiry: good through the second of expires", test_expiry },
    { "bound to the path and the address", test_path_ip },
    { "tampered: every character, whole-text compare", test_tampered },
    { "expires and token from the query", test_args },
    { "the client's address as text", test_ip })
