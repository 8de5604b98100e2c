/* Unit tests for core/sl_string.c: compare, numbers, units, printf, base64. */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"


static sl_str_t
str(const char *s)
{
    sl_str_t  v;

    v.len = strlen(s);
    v.data = (u_char *) s;

    return v;
}


static void
test_compare(void)
{
    sl_str_t  s = sl_string("Hello");
    sl_str_t  e = sl_null_string;

    CU_ASSERT_TRUE(sl_str_eq(&s, "Hello"));
    CU_ASSERT_FALSE(sl_str_eq(&s, "hello"));
    CU_ASSERT_FALSE(sl_str_eq(&s, "Hell"));
    CU_ASSERT_TRUE(sl_str_eq(&e, ""));
    CU_ASSERT_TRUE(sl_str_caseeq(&s, "hELLO"));
    CU_ASSERT_FALSE(sl_str_caseeq(&s, "hELLO!"));

    CU_ASSERT_EQUAL(sl_strncasecmp((u_char *) "abc", (u_char *) "ABD", 2), 0);
    CU_ASSERT_TRUE(sl_strncasecmp((u_char *) "abc", (u_char *) "ABD", 3) < 0);
    CU_ASSERT_EQUAL(sl_strncasecmp((u_char *) "a", (u_char *) "A", 10), 0);
}


static void
test_chr_cpy(void)
{
    u_char   buf[8], *p;
    u_char   text[] = "a:b:c";

    CU_ASSERT_PTR_EQUAL(sl_strlchr(text, text + 5, ':'), text + 1);
    CU_ASSERT_PTR_NULL(sl_strlchr(text, text + 1, ':'));
    CU_ASSERT_PTR_NULL(sl_strlchr(text, text, 'a'));

    p = sl_cpystrn(buf, (u_char *) "abcdefghij", sizeof(buf));
    CU_ASSERT_EQUAL(p - buf, 7);
    CU_ASSERT_STRING_EQUAL((char *) buf, "abcdefg");

    p = sl_cpystrn(buf, (u_char *) "ab", sizeof(buf));
    CU_ASSERT_EQUAL(p - buf, 2);
    CU_ASSERT_STRING_EQUAL((char *) buf, "ab");

    CU_ASSERT_PTR_EQUAL(sl_cpystrn(buf, (u_char *) "x", 0), buf);
}


static void
test_atoi(void)
{
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "0", 1), 0);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "12345", 5), 12345);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "12345", 2), 12);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "", 0), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "-1", 2), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "+1", 2), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) " 1", 2), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "1a", 2), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "9223372036854775807", 19),
                    INTPTR_MAX);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "9223372036854775808", 19), SL_ERROR);
    CU_ASSERT_EQUAL(sl_atoi((u_char *) "99999999999999999999", 20), SL_ERROR);

    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "ff", 2), 255);
    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "0A", 2), 10);
    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "g", 1), SL_ERROR);
    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "", 0), SL_ERROR);
    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "7fffffffffffffff", 16), INTPTR_MAX);
    CU_ASSERT_EQUAL(sl_hextoi((u_char *) "8000000000000000", 16), SL_ERROR);
}


static void
test_size(void)
{
    sl_str_t  s;

#define size_is(text, v)  s = str(text); CU_ASSERT_EQUAL(sl_parse_size(&s), v)

    size_is("512", 512);
    size_is("0", 0);
    size_is("4k", 4096);
    size_is("4K", 4096);
    size_is("8m", 8 * 1024 * 1024);
    size_is("8M", 8 * 1024 * 1024);
    size_is("1g", 1024 * 1024 * 1024);
    size_is("2G", 2LL * 1024 * 1024 * 1024);
    size_is("", SL_ERROR);
    size_is("k", SL_ERROR);
    size_is("1t", SL_ERROR);
    size_is("1kk", SL_ERROR);
    size_is("-1", SL_ERROR);
    size_is("1 k", SL_ERROR);
    size_is("8589934591g", 8589934591LL * 1024 * 1024 * 1024);
    size_is("8589934592g", SL_ERROR);
    size_is("99999999999999999999", SL_ERROR);

#undef size_is
}


static void
test_time(void)
{
    sl_str_t  s;

#define ms_is(text, v)                                                        \
    s = str(text); CU_ASSERT_EQUAL(sl_parse_time(&s, 0), v)
#define sec_is(text, v)                                                       \
    s = str(text); CU_ASSERT_EQUAL(sl_parse_time(&s, 1), v)

    ms_is("500ms", 500);
    ms_is("30s", 30000);
    ms_is("30", 30000);
    ms_is("0", 0);
    ms_is("5m", 300000);
    ms_is("1h", 3600000);
    ms_is("2d", 2 * 86400000LL);
    ms_is("1w", 7 * 86400000LL);
    ms_is("1m30s", 90000);
    ms_is("1h30m", 5400000);
    ms_is("1d2h3m4s5ms", 93784005LL);
    ms_is("1s500ms", 1500);
    ms_is("", SL_ERROR);
    ms_is("s", SL_ERROR);
    ms_is("1x", SL_ERROR);
    ms_is("30s1m", SL_ERROR);          /* units must decrease */
    ms_is("1m1m", SL_ERROR);
    ms_is("1h30", SL_ERROR);           /* bare number only alone */
    ms_is("-1s", SL_ERROR);
    ms_is("1 s", SL_ERROR);
    ms_is("1mss", SL_ERROR);
    ms_is("15250w", 15250 * 7 * 86400000LL);
    ms_is("99999999999999w", SL_ERROR);
    ms_is("9223372036854775807ms", INTPTR_MAX);
    ms_is("9223372036854775s", 9223372036854775000LL);
    ms_is("9223372036854776s", SL_ERROR);
    ms_is("9223372036854775s807ms", INTPTR_MAX);
    ms_is("9223372036854775s808ms", SL_ERROR);

    sec_is("30s", 30);
    sec_is("30", 30);
    sec_is("1h", 3600);
    sec_is("1m30s", 90);
    sec_is("2000ms", 2);
    sec_is("500ms", SL_ERROR);
    sec_is("1s500ms", SL_ERROR);

#undef ms_is
#undef sec_is
}


static void
test_printf(void)
{
    u_char  buf[8], *p;

    p = sl_slprintf(buf, buf + sizeof(buf), "%d-%s", 12, "ab");
    CU_ASSERT_EQUAL(p - buf, 5);
    CU_ASSERT_STRING_EQUAL((char *) buf, "12-ab");

    p = sl_slprintf(buf, buf + sizeof(buf), "%s", "0123456789");
    CU_ASSERT_EQUAL(p - buf, 7);
    CU_ASSERT_STRING_EQUAL((char *) buf, "0123456");

    p = sl_slprintf(buf, buf, "%s", "x");
    CU_ASSERT_PTR_EQUAL(p, buf);

    /* appending continues from the end */
    p = sl_slprintf(buf, buf + sizeof(buf), "ab");
    p = sl_slprintf(p, buf + sizeof(buf), "cd");
    CU_ASSERT_STRING_EQUAL((char *) buf, "abcd");
}


static void
test_escape_uri(void)
{
    size_t       n;
    u_char       buf[64];
    const char  *in = "rtsp://h/a b/\x01%41\xe9?q=1&r";

    n = sl_escape_uri(NULL, (u_char *) in, strlen(in));
    CU_ASSERT_EQUAL(n, strlen("rtsp://h/a%20b/%01%41%E9?q=1&r"));
    CU_ASSERT_EQUAL(sl_escape_uri(buf, (u_char *) in, strlen(in)), n);
    CU_ASSERT_NSTRING_EQUAL(buf, "rtsp://h/a%20b/%01%41%E9?q=1&r", n);

    n = sl_escape_uri(buf, (u_char *) "<\"{|}>", 6);
    CU_ASSERT_NSTRING_EQUAL(buf, "%3C%22%7B%7C%7D%3E", n);

    CU_ASSERT_EQUAL(sl_escape_uri(buf, (u_char *) "", 0), 0);
}


/* RFC 4648 §10 test vectors, both ways */
static void
test_base64_vectors(void)
{
    size_t    i;
    u_char    buf[16];
    sl_str_t  src, dst;

    static const char  *vectors[][3] = {
        /* data, base64, base64url */
        { "", "", "" },
        { "f", "Zg==", "Zg" },
        { "fo", "Zm8=", "Zm8" },
        { "foo", "Zm9v", "Zm9v" },
        { "foob", "Zm9vYg==", "Zm9vYg" },
        { "fooba", "Zm9vYmE=", "Zm9vYmE" },
        { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
    };

    for (i = 0; i < sl_nelems(vectors); i++) {
        src = str(vectors[i][0]);
        dst.data = buf;
        sl_memzero(buf, sizeof(buf));

        sl_encode_base64(&dst, &src);
        CU_ASSERT_EQUAL(dst.len, strlen(vectors[i][1]));
        CU_ASSERT_EQUAL(dst.len, sl_base64_encoded_length(src.len));
        CU_ASSERT_NSTRING_EQUAL(buf, vectors[i][1], dst.len);

        sl_encode_base64url(&dst, &src);
        CU_ASSERT_EQUAL(dst.len, strlen(vectors[i][2]));
        CU_ASSERT_NSTRING_EQUAL(buf, vectors[i][2], dst.len);

        /* padded and unpadded decode the same, in both alphabets */

        src = str(vectors[i][1]);
        dst.len = 99;
        CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_OK);
        CU_ASSERT_EQUAL(dst.len, strlen(vectors[i][0]));
        CU_ASSERT_NSTRING_EQUAL(buf, vectors[i][0], dst.len);
        CU_ASSERT_EQUAL(sl_decode_base64url(&dst, &src), SL_OK);
        CU_ASSERT_EQUAL(dst.len, strlen(vectors[i][0]));

        src = str(vectors[i][2]);
        dst.len = 99;
        CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_OK);
        CU_ASSERT_EQUAL(dst.len, strlen(vectors[i][0]));
        CU_ASSERT_NSTRING_EQUAL(buf, vectors[i][0], dst.len);
        CU_ASSERT_TRUE(dst.len <= sl_base64_decoded_length(src.len));
    }
}


static void
test_base64_alphabets(void)
{
    u_char    buf[8];
    sl_str_t  src, dst;

    static u_char  bin[] = { 0xfb, 0xff, 0xbf };

    src.data = bin;
    src.len = sizeof(bin);
    dst.data = buf;

    sl_encode_base64(&dst, &src);
    CU_ASSERT_EQUAL(dst.len, 4);
    CU_ASSERT_NSTRING_EQUAL(buf, "+/+/", 4);

    sl_encode_base64url(&dst, &src);
    CU_ASSERT_EQUAL(dst.len, 4);
    CU_ASSERT_NSTRING_EQUAL(buf, "-_-_", 4);

    src.len = 2;
    sl_encode_base64(&dst, &src);
    CU_ASSERT_NSTRING_EQUAL(buf, "+/8=", 4);
    sl_encode_base64url(&dst, &src);
    CU_ASSERT_EQUAL(dst.len, 3);
    CU_ASSERT_NSTRING_EQUAL(buf, "-_8", 3);

    src = str("+/+/");
    CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_OK);
    CU_ASSERT_TRUE(dst.len == 3 && memcmp(buf, bin, 3) == 0);
    CU_ASSERT_EQUAL(sl_decode_base64url(&dst, &src), SL_ERROR);

    src = str("-_-_");
    CU_ASSERT_EQUAL(sl_decode_base64url(&dst, &src), SL_OK);
    CU_ASSERT_TRUE(dst.len == 3 && memcmp(buf, bin, 3) == 0);
    CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_ERROR);
}


static void
test_base64_malformed(void)
{
    size_t    i;
    u_char    buf[16];
    sl_str_t  src, dst;

    static const char  *bad[] = {
        "Z",            /* one character is no byte */
        "Zm9vY",
        "Zg=",          /* padding short of the quantum */
        "Zm8==",
        "Zg===",
        "=",
        "==",
        "Zm9v====",
        "Zg==Zg==",     /* "=" in the middle */
        "Zg=a",
        "Zh==",         /* bits set past the last byte */
        "Zh",
        "Zm9=",
        "Zm9",
        "Zm9v\n",
        " Zm9v",
        "Zm 9v",
        "Zm9v.",
        "Zm9\x80",
    };

    dst.data = buf;

    for (i = 0; i < sl_nelems(bad); i++) {
        src = str(bad[i]);

        if (sl_decode_base64(&dst, &src) != SL_ERROR
            || sl_decode_base64url(&dst, &src) != SL_ERROR)
        {
            CU_FAIL("malformed base64 decoded");
            fprintf(stderr, "  \"%s\" decoded\n", bad[i]);
        }
    }

    /* the canonical forms of the last ones do decode */
    src = str("Zg");
    CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_OK);
    src = str("Zm8=");
    CU_ASSERT_EQUAL(sl_decode_base64(&dst, &src), SL_OK);
}


SL_UNIT_SUITE(sl_string,
    { "compare", test_compare },
    { "strlchr, cpystrn", test_chr_cpy },
    { "atoi, hextoi", test_atoi },
    { "parse_size", test_size },
    { "parse_time", test_time },
    { "slprintf", test_printf },
    { "escape_uri", test_escape_uri },
    { "base64: RFC 4648 vectors", test_base64_vectors },
    { "base64: the two alphabets", test_base64_alphabets },
    { "base64: malformed", test_base64_malformed })
