/* Unit tests for core/sl_digest.c: the RFC 7616 and RFC 2617 examples. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_digest.h>
#include "../sl_unit.h"


static sl_str_t
str(const char *s)
{
    sl_str_t  v;

    v.len = strlen(s);
    v.data = (u_char *) s;

    return v;
}


/* hex, as sl_digest_hash() left it, is text */
static int
hex_is(const u_char *hex, sl_digest_alg_e alg, const char *text)
{
    return sl_digest_hex_len(alg) == strlen(text)
           && memcmp(hex, text, strlen(text)) == 0;
}


static void
test_hash(void)
{
    u_char    hex[SL_DIGEST_MAX_HEX + 1], joined[SL_DIGEST_MAX_HEX];
    sl_str_t  parts[3];

    CU_ASSERT_EQUAL(sl_digest_hex_len(SL_DIGEST_MD5), 32);
    CU_ASSERT_EQUAL(sl_digest_hex_len(SL_DIGEST_SHA256), 64);
    CU_ASSERT_TRUE(sl_str_eq(&sl_digest_names[SL_DIGEST_MD5], "MD5"));
    CU_ASSERT_TRUE(sl_str_eq(&sl_digest_names[SL_DIGEST_SHA256], "SHA-256"));

    /* RFC 1321 §A.5, FIPS 180-2 appendix B.1 */

    parts[0] = str("abc");
    hex[32] = 'X';
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_MD5, parts, 1, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "900150983cd24fb0d6963f7d28e17f72"));
    CU_ASSERT_EQUAL(hex[32], 'X');

    hex[64] = 'X';
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_SHA256, parts, 1, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_SHA256,
                          "ba7816bf8f01cfea414140de5dae2223"
                          "b00361a396177a9cb410ff61f20015ad"));
    CU_ASSERT_EQUAL(hex[64], 'X');

    parts[0] = str("");
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_MD5, parts, 1, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "d41d8cd98f00b204e9800998ecf8427e"));
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_MD5, parts, 0, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "d41d8cd98f00b204e9800998ecf8427e"));

    /* parts are joined with colons */

    parts[0] = str("a:b:c");
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_SHA256, parts, 1, joined),
                    SL_OK);
    parts[0] = str("a");
    parts[1] = str("b");
    parts[2] = str("c");
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_SHA256, parts, 3, hex), SL_OK);
    CU_ASSERT_TRUE(memcmp(hex, joined, 64) == 0);

    parts[2] = str("d");
    CU_ASSERT_EQUAL(sl_digest_hash(SL_DIGEST_SHA256, parts, 3, hex), SL_OK);
    CU_ASSERT_FALSE(memcmp(hex, joined, 64) == 0);
}


/*
 * RFC 7616 §3.9.1: user "Mufasa", password "Circle of Life" (lowercase
 * "of", erratum 4495), GET /dir/index.html in realm
 * http-auth@example.org; one response per algorithm, as printed there.
 */
static void
test_rfc7616(void)
{
    u_char               ha1[SL_DIGEST_MAX_HEX], hex[SL_DIGEST_MAX_HEX];
    sl_str_t             user, realm, password;
    sl_digest_request_t  dr;

    user = str("Mufasa");
    realm = str("http-auth@example.org");
    password = str("Circle of Life");

    dr.method = str("GET");
    dr.uri = str("/dir/index.html");
    dr.nonce = str("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
    dr.nc = str("00000001");
    dr.cnonce = str("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
    dr.qop = str("auth");

    /* MD5 */

    CU_ASSERT_EQUAL(sl_digest_ha1(SL_DIGEST_MD5, &user, &realm, &password,
                                  ha1), SL_OK);
    dr.alg = SL_DIGEST_MD5;
    dr.ha1.data = ha1;
    dr.ha1.len = 32;

    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "8ca523f5e9506fed4657c9700eebdbec"));

    /* SHA-256 */

    CU_ASSERT_EQUAL(sl_digest_ha1(SL_DIGEST_SHA256, &user, &realm,
                                  &password, ha1), SL_OK);
    dr.alg = SL_DIGEST_SHA256;
    dr.ha1.len = 64;

    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_SHA256,
                          "753927fa0e85d155564e2e272a28d180"
                          "2ca10daf4496794697cf8db5856cb6c1"));

    /* any input changed changes the response */

    dr.nc = str("00000002");
    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_FALSE(hex_is(hex, SL_DIGEST_SHA256,
                           "753927fa0e85d155564e2e272a28d180"
                           "2ca10daf4496794697cf8db5856cb6c1"));

    dr.nc = str("00000001");
    dr.method = str("DESCRIBE");
    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_FALSE(hex_is(hex, SL_DIGEST_SHA256,
                           "753927fa0e85d155564e2e272a28d180"
                           "2ca10daf4496794697cf8db5856cb6c1"));
}


/*
 * RFC 2617 §3.5: "Circle Of Life" (capital O) in testrealm@host.com,
 * MD5 with qop=auth; then the same without qop, the RFC 2069 form that
 * live555 sends (the value computed independently with Python's
 * hashlib).
 */
static void
test_rfc2617(void)
{
    u_char               ha1[SL_DIGEST_MAX_HEX], ha2[SL_DIGEST_MAX_HEX];
    u_char               hex[SL_DIGEST_MAX_HEX];
    sl_str_t             user, realm, password, method, uri;
    sl_digest_request_t  dr;

    user = str("Mufasa");
    realm = str("testrealm@host.com");
    password = str("Circle Of Life");
    method = str("GET");
    uri = str("/dir/index.html");

    CU_ASSERT_EQUAL(sl_digest_ha1(SL_DIGEST_MD5, &user, &realm, &password,
                                  ha1), SL_OK);
    CU_ASSERT_TRUE(hex_is(ha1, SL_DIGEST_MD5,
                          "939e7578ed9e3c518a452acee763bce9"));
    CU_ASSERT_EQUAL(sl_digest_ha2(SL_DIGEST_MD5, &method, &uri, ha2),
                    SL_OK);
    CU_ASSERT_TRUE(hex_is(ha2, SL_DIGEST_MD5,
                          "39aff3a2bab6126f332b942af96d3366"));

    dr.alg = SL_DIGEST_MD5;
    dr.ha1.data = ha1;
    dr.ha1.len = 32;
    dr.method = method;
    dr.uri = uri;
    dr.nonce = str("dcd98b7102dd2f0e8b11d0f600bfb0c093");
    dr.nc = str("00000001");
    dr.cnonce = str("0a4f113b");
    dr.qop = str("auth");

    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "6629fae49393a05397450978507c4ef1"));

    /* without qop nc and cnonce take no part */

    dr.qop.len = 0;
    dr.nc = str("ffffffff");
    dr.cnonce = str("ignored");

    CU_ASSERT_EQUAL(sl_digest_response(&dr, hex), SL_OK);
    CU_ASSERT_TRUE(hex_is(hex, SL_DIGEST_MD5,
                          "670fd8c2df070c60b045671b8b24ff02"));
}


static void
test_equal(void)
{
    sl_str_t  a, b;

    a = str("8ca523f5e9506fed4657c9700eebdbec");
    b = str("8ca523f5e9506fed4657c9700eebdbec");
    CU_ASSERT_TRUE(sl_digest_equal(&a, &b));

    b = str("8ca523f5e9506fed4657c9700eebdbed");
    CU_ASSERT_FALSE(sl_digest_equal(&a, &b));
    b = str("9ca523f5e9506fed4657c9700eebdbec");
    CU_ASSERT_FALSE(sl_digest_equal(&a, &b));
    b = str("8ca523f5e9506fed4657c9700eebdbe");
    CU_ASSERT_FALSE(sl_digest_equal(&a, &b));
    b = str("");
    CU_ASSERT_FALSE(sl_digest_equal(&a, &b));

    a = str("");
    CU_ASSERT_TRUE(sl_digest_equal(&a, &b));
}


SL_UNIT_SUITE(sl_digest,
    { "H over MD5 and SHA-256", test_hash },
    { "RFC 7616 §3.9.1 (MD5, SHA-256)", test_rfc7616 },
    { "RFC 2617 §3.5, and without qop", test_rfc2617 },
    { "constant-time compare", test_equal })
