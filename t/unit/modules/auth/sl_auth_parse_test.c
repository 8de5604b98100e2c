/*
 * Unit tests for modules/auth/sl_auth_parse.c: Authorization values as
 * ffmpeg, live555 (VLC's RTSP), VLC's HTTP and curl send them and as the
 * RFCs print them, malformed and declined ones, and the challenges.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_digest.h>
#include <sl_auth_parse.h>
#include "../../sl_unit.h"


/* a nonce as sl_auth_nonce_make() writes them (64 base64url characters) */
#define NONCE                                                                \
    "AAAAAGkFxRBRZ2nU3kW1c7b0Ir6l8vQxk1q9nJ0Hc3mKd2Lw5cA_yT-uXg4VhE0o"
#define URL    "rtsp://127.0.0.1:8554/live/cam"


static sl_auth_credentials_t  cr;
static u_char                 buf[2 * SL_AUTH_MAX_VALUE];


static sl_str_t
str(const char *s)
{
    sl_str_t  v;

    v.len = strlen(s);
    v.data = (u_char *) s;

    return v;
}


static sl_int_t
parse_n(const char *text, size_t len)
{
    sl_str_t  v;

    v.data = (u_char *) text;
    v.len = len;

    memset(buf, 0xa5, sizeof(buf));

    return sl_auth_parse(&v, buf, &cr);
}


static sl_int_t
parse(const char *text)
{
    return parse_n(text, strlen(text));
}


static int
str_is(const sl_str_t *s, const char *text)
{
    return s->data != NULL && s->len == strlen(text)
           && memcmp(s->data, text, s->len) == 0;
}


static int
absent(const sl_str_t *s)
{
    return s->data == NULL && s->len == 0;
}


static int
error_is(const char *text)
{
    return cr.error != NULL && strcmp(cr.error, text) == 0;
}


/* every value of cr but the scheme name lies in buf */
static int
in_buf(const sl_str_t *s)
{
    return s->data == NULL
           || (s->data >= buf && s->data + s->len <= buf + sizeof(buf));
}


/*
 * The response in cr is the one user cr.user with password would send
 * for method: the parse hands sl_digest exactly what the client hashed.
 */
static int
response_ok(const char *password, const char *method)
{
    u_char               ha1[SL_DIGEST_MAX_HEX], hex[SL_DIGEST_MAX_HEX];
    sl_str_t             pw, got;
    sl_digest_request_t  dr;

    pw = str(password);

    if (sl_digest_ha1(cr.algorithm, &cr.user, &cr.realm, &pw, ha1)
        != SL_OK)
    {
        return 0;
    }

    dr.alg = cr.algorithm;
    dr.ha1.data = ha1;
    dr.ha1.len = sl_digest_hex_len(cr.algorithm);
    dr.method = str(method);
    dr.uri = cr.uri;
    dr.nonce = cr.nonce;
    dr.nc = cr.nc_text;
    dr.cnonce = cr.cnonce;
    dr.qop = cr.qop;

    if (sl_digest_response(&dr, hex) != SL_OK) {
        return 0;
    }

    got.data = hex;
    got.len = sl_digest_hex_len(cr.algorithm);

    return sl_digest_equal(&got, &cr.response);
}


/*
 * ffmpeg (libavformat/httpauth.c) over RTSP: no blanks after commas,
 * algorithm as the challenge gave it, qop quoted, nc last; it answers
 * the last Digest challenge, MD5 when MD5 is offered last.  Basic: the
 * base64 of the URL's "user:password".
 */
static void
test_ffmpeg(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"alice\",realm=\"Sluice\",nonce=\"" NONCE "\","
        "uri=\"" URL "\",response=\"8bf07c61693c0b66e439cbecdf8f66fc\","
        "algorithm=MD5,opaque=\"b3BhcXVl\",qop=\"auth\","
        "cnonce=\"3a5cd0e15b6f7a21\",nc=00000001"), SL_OK);

    CU_ASSERT_PTR_NULL(cr.error);
    CU_ASSERT_EQUAL(cr.scheme, SL_AUTH_DIGEST);
    CU_ASSERT_TRUE(str_is(&cr.scheme_name, "Digest"));
    CU_ASSERT_TRUE(str_is(&cr.user, "alice"));
    CU_ASSERT_TRUE(absent(&cr.password));
    CU_ASSERT_TRUE(str_is(&cr.realm, "Sluice"));
    CU_ASSERT_TRUE(str_is(&cr.nonce, NONCE));
    CU_ASSERT_TRUE(str_is(&cr.uri, URL));
    CU_ASSERT_TRUE(str_is(&cr.response, "8bf07c61693c0b66e439cbecdf8f66fc"));
    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_MD5);
    CU_ASSERT_TRUE(str_is(&cr.opaque, "b3BhcXVl"));
    CU_ASSERT_TRUE(str_is(&cr.qop, "auth"));
    CU_ASSERT_TRUE(str_is(&cr.cnonce, "3a5cd0e15b6f7a21"));
    CU_ASSERT_TRUE(str_is(&cr.nc_text, "00000001"));
    CU_ASSERT_EQUAL(cr.nc, 1);
    CU_ASSERT_FALSE(cr.userhash);
    CU_ASSERT_TRUE(in_buf(&cr.user) && in_buf(&cr.nonce) && in_buf(&cr.uri)
                   && in_buf(&cr.response) && in_buf(&cr.nc_text));

    CU_ASSERT_TRUE(response_ok("s3cret", "DESCRIBE"));
    CU_ASSERT_FALSE(response_ok("s3cret", "SETUP"));
    CU_ASSERT_FALSE(response_ok("secret", "DESCRIBE"));

    CU_ASSERT_EQUAL_FATAL(parse("Basic YWxpY2U6czNjcmV0"), SL_OK);
    CU_ASSERT_EQUAL(cr.scheme, SL_AUTH_BASIC);
    CU_ASSERT_TRUE(str_is(&cr.user, "alice"));
    CU_ASSERT_TRUE(str_is(&cr.password, "s3cret"));
    CU_ASSERT_TRUE(in_buf(&cr.user) && in_buf(&cr.password));
    CU_ASSERT_TRUE(absent(&cr.realm) && absent(&cr.nonce));
}


/*
 * live555 (RTSPClient::createAuthenticatorString), the RTSP client of
 * VLC: the RFC 2069 form, no qop, no algorithm, and the full URL.
 */
static void
test_live555(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
        "uri=\"" URL "\", response=\"bc7a6391c39cd3527629f51055983123\""),
        SL_OK);

    CU_ASSERT_TRUE(str_is(&cr.user, "alice"));
    CU_ASSERT_TRUE(str_is(&cr.uri, URL));
    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_MD5);
    CU_ASSERT_TRUE(absent(&cr.qop));
    CU_ASSERT_TRUE(absent(&cr.cnonce));
    CU_ASSERT_TRUE(absent(&cr.nc_text));
    CU_ASSERT_EQUAL(cr.nc, 0);
    CU_ASSERT_TRUE(absent(&cr.opaque));

    CU_ASSERT_TRUE(response_ok("s3cret", "DESCRIBE"));
    CU_ASSERT_FALSE(response_ok("s3cret", "PLAY"));

    CU_ASSERT_EQUAL_FATAL(parse("Basic YWxpY2U6czNjcmV0"), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.password, "s3cret"));
}


/*
 * VLC's own HTTP access (src/network/http_auth.c): every value quoted,
 * algorithm and nc too, and a blank after each comma.
 */
static void
test_vlc_http(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
        "uri=\"/live/cam\", response=\"e3388a1dc655c55505ce288d54f2f9e1\", "
        "algorithm=\"MD5\", cnonce=\"a0b1c2d3e4f5a6b7\", qop=\"auth\", "
        "nc=\"00000001\""), SL_OK);

    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_MD5);
    CU_ASSERT_TRUE(str_is(&cr.uri, "/live/cam"));
    CU_ASSERT_EQUAL(cr.nc, 1);
    CU_ASSERT_TRUE(response_ok("s3cret", "GET"));
}


/*
 * curl (lib/vauth/digest.c) with SHA-256: unquoted nc and qop, opaque
 * and algorithm after the response.
 */
static void
test_curl_sha256(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
        "uri=\"/live/cam\", cnonce=\"MTIzNDU2Nzg5MGFiY2RlZg==\", "
        "nc=00000002, qop=auth, response=\"c7cf6be912d2fe398c0669f8dd2499ff"
        "270620f7e10833dc6fa5ce59829df06b\", opaque=\"b3BhcXVl\", "
        "algorithm=SHA-256"), SL_OK);

    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_SHA256);
    CU_ASSERT_EQUAL(cr.nc, 2);
    CU_ASSERT_TRUE(str_is(&cr.cnonce, "MTIzNDU2Nzg5MGFiY2RlZg=="));
    CU_ASSERT_EQUAL(cr.response.len, 64);
    CU_ASSERT_TRUE(response_ok("s3cret", "GET"));
    CU_ASSERT_FALSE(response_ok("s3cret", "PUT"));
}


/* RFC 7616 §3.9.1 and RFC 2617 §3.5, as printed (folding undone) */
static void
test_rfc(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
        "uri=\"/dir/index.html\", algorithm=MD5, "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
        "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\","
        " qop=auth, response=\"8ca523f5e9506fed4657c9700eebdbec\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), SL_OK);

    CU_ASSERT_TRUE(str_is(&cr.opaque,
                          "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"));
    CU_ASSERT_TRUE(response_ok("Circle of Life", "GET"));
    CU_ASSERT_FALSE(response_ok("Circle Of Life", "GET"));

    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
        "uri=\"/dir/index.html\", algorithm=SHA-256, "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
        "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\","
        " qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf44967"
        "94697cf8db5856cb6c1\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), SL_OK);

    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_SHA256);
    CU_ASSERT_TRUE(response_ok("Circle of Life", "GET"));

    CU_ASSERT_EQUAL_FATAL(parse(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
        "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
        "response=\"6629fae49393a05397450978507c4ef1\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), SL_OK);

    CU_ASSERT_TRUE(response_ok("Circle Of Life", "GET"));
}


static void
test_basic(void)
{
    /* RFC 7617 §2 */
    CU_ASSERT_EQUAL(parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "Aladdin"));
    CU_ASSERT_TRUE(str_is(&cr.password, "open sesame"));

    /* the user-id ends at the first colon; the password may be empty */
    CU_ASSERT_EQUAL(parse("Basic dXNlcjpwYTpzcw=="), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "user"));
    CU_ASSERT_TRUE(str_is(&cr.password, "pa:ss"));
    CU_ASSERT_EQUAL(parse("Basic dXNlcjo="), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "user"));
    CU_ASSERT_TRUE(str_is(&cr.password, ""));
    CU_ASSERT_EQUAL(parse("Basic OnB3"), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, ""));
    CU_ASSERT_TRUE(str_is(&cr.password, "pw"));

    /* UTF-8 (RFC 7617 §2.1, charset="UTF-8") passes as it is */
    CU_ASSERT_EQUAL(parse("Basic SsOkc8O4bjpTZWNyZXQsIG9yIG5vdD8="), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "J\xc3\xa4s\xc3\xb8n"));
    CU_ASSERT_TRUE(str_is(&cr.password, "Secret, or not?"));

    /* the scheme without case, blanks around, padding left out */
    CU_ASSERT_EQUAL(parse("  bASIC   YWxpY2U6czNjcmV0 \t"), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.scheme_name, "bASIC"));
    CU_ASSERT_TRUE(str_is(&cr.password, "s3cret"));
    CU_ASSERT_EQUAL(parse("Basic dXNlcjo"), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "user"));

    CU_ASSERT_EQUAL(parse("Basic bm9jb2xvbg=="), SL_ERROR);
    CU_ASSERT_TRUE(error_is("no colon in Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic dXMBZXI6cHc="), SL_ERROR);
    CU_ASSERT_TRUE(error_is("control character in Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic dQl4OnB3"), SL_ERROR);
    CU_ASSERT_TRUE(error_is("control character in Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic"), SL_ERROR);
    CU_ASSERT_TRUE(error_is("no Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic  "), SL_ERROR);
    CU_ASSERT_TRUE(error_is("no Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic YWxp Y2U6"), SL_ERROR);
    CU_ASSERT_TRUE(error_is("invalid base64 in Basic credentials"));
    CU_ASSERT_EQUAL(parse("Basic YWxpY2U6czNjcmV0."), SL_ERROR);
    CU_ASSERT_EQUAL(parse("Basic realm=\"x\""), SL_ERROR);
    CU_ASSERT_EQUAL(parse("Basic YWxpY2U6czNjcmV1"), SL_OK);
    CU_ASSERT_EQUAL(parse("Basic YWxpY2U6czNjcmV0="), SL_ERROR);
}


/* what RFC 9110 §5.6 and §11 let a sender write */
static void
test_syntax(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "digest  ,USERNAME = \"Mu\\\"fa\\\\sa\" ,, Realm=\"r\\e\\alm\",\t"
        "Nonce=n0nce, URI=\"/a b\", foo=bar, x-ext=\"q\\\"uo,te=\\\\\", "
        "Response=\"8CA523F5E9506FED4657C9700EEBDBEC\",  Algorithm=md5 ,"),
        SL_OK);

    CU_ASSERT_TRUE(str_is(&cr.scheme_name, "digest"));
    CU_ASSERT_TRUE(str_is(&cr.user, "Mu\"fa\\sa"));
    CU_ASSERT_TRUE(str_is(&cr.realm, "realm"));
    CU_ASSERT_TRUE(str_is(&cr.nonce, "n0nce"));
    CU_ASSERT_TRUE(str_is(&cr.uri, "/a b"));
    CU_ASSERT_TRUE(str_is(&cr.response, "8ca523f5e9506fed4657c9700eebdbec"));
    CU_ASSERT_EQUAL(cr.algorithm, SL_DIGEST_MD5);

    /* empty values, UTF-8 and HTAB in quoted-strings */
    CU_ASSERT_EQUAL(parse(
        "Digest username=\"J\xc3\xa4s\xc3\xb8n\tDoe\", realm=\"\", nonce=n, "
        "uri=\"\", response=\"00000000000000000000000000000000\""), SL_OK);
    CU_ASSERT_TRUE(str_is(&cr.user, "J\xc3\xa4s\xc3\xb8n\tDoe"));
    CU_ASSERT_TRUE(str_is(&cr.realm, ""));
    CU_ASSERT_TRUE(str_is(&cr.uri, ""));

    /* userhash (RFC 7616 §3.4.4) */
    CU_ASSERT_EQUAL(parse(
        "Digest username=\"488869477bf257147b804c45308cd62ac4e25eb717b12b29"
        "8c79e62dcea254ec\", realm=\"api@example.org\", nonce=n, uri=\"/\", "
        "response=\"00000000000000000000000000000000\", userhash=TRUE"),
        SL_OK);
    CU_ASSERT_TRUE(cr.userhash);
    CU_ASSERT_EQUAL(parse(
        "Digest username=u, realm=r, nonce=n, uri=\"/\", "
        "response=\"00000000000000000000000000000000\", userhash=\"false\""),
        SL_OK);
    CU_ASSERT_FALSE(cr.userhash);

    /* nc is hexadecimal, and the text as sent is kept */
    CU_ASSERT_EQUAL(parse(
        "Digest username=u, realm=r, nonce=n, uri=\"/\", qop=AUTH, "
        "nc=0000001F, cnonce=c, response=\"00000000000000000000000000000000\""),
        SL_OK);
    CU_ASSERT_EQUAL(cr.nc, 31);
    CU_ASSERT_TRUE(str_is(&cr.nc_text, "0000001F"));
    CU_ASSERT_TRUE(str_is(&cr.qop, "AUTH"));
    CU_ASSERT_EQUAL(parse(
        "Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
        "nc=ffffffff, cnonce=c, response=\"00000000000000000000000000000000\""),
        SL_OK);
    CU_ASSERT_EQUAL(cr.nc, 0xffffffff);
}


/* a Digest value with one more parameter before the five required */
#define D(extra)                                                             \
    "Digest " extra "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", " \
    "response=\"00000000000000000000000000000000\""

static void
test_malformed(void)
{
    size_t  i;

    static const struct {
        const char  *value;
        const char  *error;
    } bad[] = {
        { "", "invalid auth-scheme" },
        { "   ", "invalid auth-scheme" },
        { "\"Digest\" x", "invalid auth-scheme" },
        { "Digest\"x\"", "invalid auth-scheme" },
        { "Digest", "no username" },
        { "Digest ", "no username" },
        { "Digest realm=\"r\"", "no username" },
        { D("realm=\"x\", "), "duplicate parameter" },
        { D("REALM=\"x\", "), "duplicate parameter" },
        { D("realm=\"\", "), "duplicate parameter" },
        { D("x ") , "parameter without a value" },
        { D("x, "), "parameter without a value" },
        { D("=x, "), "invalid parameter name" },
        { D("\"x\"=y, "), "invalid parameter name" },
        { D("x=, "), "invalid parameter value" },
        { D("x=\"a\"b, "), "no comma between parameters" },
        { D("x=a b=c, "), "no comma between parameters" },
        { D("x=a;b, "), "no comma between parameters" },
        { "Digest username=\"u", "unterminated quoted-string" },
        { "Digest username=\"u\\", "unterminated quoted-string" },
        { "Digest username=\"u\\\"", "unterminated quoted-string" },
        { D("x=\"a\x01\", "), "control character in a quoted-string" },
        { D("x=\"a\\\x7f\", "), "control character in a quoted-string" },
        { D("x=\"a\r\n b\", "), "control character in a quoted-string" },
        { "Digest username=u, realm=r, uri=\"/\", "
          "response=\"00000000000000000000000000000000\"", "no nonce" },
        { "Digest username=u, realm=r, nonce=n, "
          "response=\"00000000000000000000000000000000\"", "no uri" },
        { "Digest username=u, realm=r, nonce=n, uri=\"/\"", "no response" },
        { "Digest username=u, nonce=n, uri=\"/\", "
          "response=\"00000000000000000000000000000000\"", "no realm" },
        { D("qop=auth, nc=00000001, "), "qop without cnonce" },
        { D("qop=auth, cnonce=\"\", nc=00000001, "), "qop without cnonce" },
        { D("qop=auth, cnonce=c, "), "qop without nc" },
        { D("qop=\"auth,auth-int\", cnonce=c, nc=00000001, "),
          "invalid qop" },
        { D("qop=token, cnonce=c, nc=00000001, "), "invalid qop" },
        { D("cnonce=c, "), "cnonce or nc without qop" },
        { D("nc=00000001, "), "cnonce or nc without qop" },
        { D("qop=auth, cnonce=c, nc=0000001, "), "invalid nc" },
        { D("qop=auth, cnonce=c, nc=000000001, "), "parameter too long" },
        { D("qop=auth, cnonce=c, nc=0000000g, "), "invalid nc" },
        { D("qop=auth, cnonce=c, nc=00000000, "), "invalid nc" },
        { D("qop=auth, cnonce=c, nc=\"-0000001\", "), "invalid nc" },
        { D("algorithm=SHA-256, "), "invalid response" },
        { D("userhash=yes, "), "invalid userhash" },
        { "Digest username=u, realm=r, nonce=n, uri=\"/\", "
          "response=\"0000000000000000000000000000000g\"", "invalid response" },
        { "Digest username=u, realm=r, nonce=n, uri=\"/\", "
          "response=\"000000000000000000000000000000000\"",
          "invalid response" },
        { "Digest username=u, realm=r, nonce=n, uri=\"/\", response=\"\"",
          "invalid response" },
        { D("username*=UTF-8''J%C3%A4s%C3%B8n, "),
          "both username and username*" },
        { "Digest YWxpY2U6czNjcmV0", "parameter without a value" },
    };

    for (i = 0; i < sl_nelems(bad); i++) {
        if (parse(bad[i].value) != SL_ERROR || !error_is(bad[i].error)) {
            CU_FAIL("malformed value not refused as expected");
            fprintf(stderr, "\n  [%s]: %s\n", bad[i].value,
                    cr.error ? cr.error : "(no error)");
        }
    }

    /* the base itself is well formed */
    CU_ASSERT_EQUAL(parse(D("")), SL_OK);
    CU_ASSERT_EQUAL(parse(D("x=\"\", ")), SL_OK);
}


static void
test_declined(void)
{
    size_t  i;

    static const struct {
        const char  *value;
        const char  *error;
    } other[] = {
        { "Bearer mF_9.B5f-4.1JqM", "unsupported auth-scheme" },
        { "Negotiate YIIC", "unsupported auth-scheme" },
        { "NTLM", "unsupported auth-scheme" },
        { "Digestive x=y", "unsupported auth-scheme" },
        { D("algorithm=MD5-sess, "), "unsupported algorithm" },
        { D("algorithm=SHA-256-sess, "), "unsupported algorithm" },
        { D("algorithm=\"sha-512-256\", "), "unsupported algorithm" },
        { D("algorithm=SHA-512-256-sess, "), "unsupported algorithm" },
        { D("algorithm=SHA-1, "), "unknown algorithm" },
        { D("algorithm=\"\", "), "unknown algorithm" },
        { D("qop=auth-int, cnonce=c, nc=00000001, "),
          "qop auth-int is not supported" },
        { "Digest username*=UTF-8''J%C3%A4s%C3%B8n, realm=r, nonce=n, "
          "uri=\"/\", response=\"00000000000000000000000000000000\"",
          "username* is not supported" },
    };

    for (i = 0; i < sl_nelems(other); i++) {
        if (parse(other[i].value) != SL_DECLINED
            || !error_is(other[i].error))
        {
            CU_FAIL("value not declined as expected");
            fprintf(stderr, "\n  [%s]: %s\n", other[i].value,
                    cr.error ? cr.error : "(no error)");
        }
    }

    CU_ASSERT_EQUAL(parse("Bearer x"), SL_DECLINED);
    CU_ASSERT_EQUAL(cr.scheme, SL_AUTH_OTHER);
    CU_ASSERT_TRUE(str_is(&cr.scheme_name, "Bearer"));

    /* malformed goes before declined */
    CU_ASSERT_EQUAL(parse(D("algorithm=MD5-sess, realm=r, ")), SL_ERROR);
}


/* a Digest value whose username is n bytes long, padded to total bytes */
static char *
long_value(size_t user, size_t total)
{
    char    *p, *v;
    size_t   n;

    v = malloc(total + 1);
    CU_ASSERT_FATAL(v != NULL);

    p = v + sprintf(v, "Digest username=\"");
    memset(p, 'u', user);
    p += user;
    p += sprintf(p, "\", realm=r, nonce=n, response=\""
                 "00000000000000000000000000000000\", uri=\"");

    n = v + total - p - 1;
    CU_ASSERT_FATAL(n < total);
    memset(p, 'a', n);
    p[n] = '"';
    p[n + 1] = '\0';

    return v;
}


/* a Digest value whose username is n bytes, each written as "\\u" */
static const char *
escaped_user(size_t n)
{
    char         *p;
    static char   v[SL_AUTH_MAX_VALUE];

    p = v + sprintf(v, "Digest username=\"");

    while (n--) {
        *p++ = '\\';
        *p++ = 'u';
    }

    strcpy(p, "\", realm=r, nonce=n, uri=\"/\", "
           "response=\"00000000000000000000000000000000\"");

    return v;
}


static void
test_bounds(void)
{
    char  *v;

    v = long_value(SL_AUTH_MAX_PARAM, SL_AUTH_MAX_VALUE);
    CU_ASSERT_EQUAL(parse(v), SL_OK);
    CU_ASSERT_EQUAL(cr.user.len, SL_AUTH_MAX_PARAM);
    CU_ASSERT_TRUE(cr.uri.len > 3000);
    CU_ASSERT_TRUE(cr.uri.data + cr.uri.len <= buf + SL_AUTH_MAX_VALUE);
    free(v);

    v = long_value(SL_AUTH_MAX_PARAM + 1, SL_AUTH_MAX_VALUE);
    CU_ASSERT_EQUAL(parse(v), SL_ERROR);
    CU_ASSERT_TRUE(error_is("parameter too long"));
    free(v);

    v = long_value(10, SL_AUTH_MAX_VALUE + 1);
    CU_ASSERT_EQUAL(parse(v), SL_ERROR);
    CU_ASSERT_TRUE(error_is("credentials too long"));
    free(v);

    /* the bound is on the unquoted value: 256 escaped bytes fit, 257 not */
    CU_ASSERT_EQUAL(parse(escaped_user(SL_AUTH_MAX_PARAM)), SL_OK);
    CU_ASSERT_EQUAL(cr.user.len, SL_AUTH_MAX_PARAM);
    CU_ASSERT_TRUE(cr.user.data[0] == 'u' && cr.user.data[255] == 'u');
    CU_ASSERT_EQUAL(parse(escaped_user(SL_AUTH_MAX_PARAM + 1)), SL_ERROR);
    CU_ASSERT_TRUE(error_is("parameter too long"));

    /* the decoder writes no more than the value's length */
    CU_ASSERT_EQUAL(parse("Basic YWxpY2U6czNjcmV0"), SL_OK);
    CU_ASSERT_EQUAL(buf[12], 0xa5);
}


/*
 * Challenges: the exact text, live555's fixed sscanf() patterns
 * (RTSPClient::handleAuthenticationFailure) on it, quoting, and room.
 */
static void
test_challenge(void)
{
    int                   n;
    char                  realm[64], nonce[128], stale[16];
    size_t                len, i;
    u_char               *p, out[512];
    sl_auth_challenge_t   ch;

    static const char  sha256[] =
        "Digest realm=\"Sluice\", nonce=\"" NONCE "\", qop=\"auth\", "
        "algorithm=SHA-256, opaque=\"b3BhcXVl\"";
    static const char  md5_stale[] =
        "Digest realm=\"Sluice\", nonce=\"" NONCE "\", stale=true, "
        "qop=\"auth\", algorithm=MD5";

    sl_memzero(&ch, sizeof(sl_auth_challenge_t));
    ch.realm = str("Sluice");
    ch.nonce = str(NONCE);
    ch.opaque = str("b3BhcXVl");
    ch.algorithm = SL_DIGEST_SHA256;

    p = sl_auth_digest_challenge(out, out + sizeof(out), &ch);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p - out, sizeof(sha256) - 1);
    CU_ASSERT_NSTRING_EQUAL(out, sha256, sizeof(sha256) - 1);
    *p = '\0';

    n = sscanf((char *) out,
               "Digest realm=\"%63[^\"]\", nonce=\"%127[^\"]\", "
               "stale=%15[a-zA-Z]", realm, nonce, stale);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(realm, "Sluice");
    CU_ASSERT_STRING_EQUAL(nonce, NONCE);

    ch.opaque.len = 0;
    ch.algorithm = SL_DIGEST_MD5;
    ch.stale = 1;

    p = sl_auth_digest_challenge(out, out + sizeof(out), &ch);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p - out, sizeof(md5_stale) - 1);
    CU_ASSERT_NSTRING_EQUAL(out, md5_stale, sizeof(md5_stale) - 1);
    *p = '\0';

    n = sscanf((char *) out,
               "Digest realm=\"%63[^\"]\", nonce=\"%127[^\"]\", "
               "stale=%15[a-zA-Z]", realm, nonce, stale);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(stale, "true");

    /* it fits exactly or not at all */

    len = sizeof(md5_stale) - 1;
    CU_ASSERT_PTR_EQUAL(sl_auth_digest_challenge(out, out + len, &ch),
                        out + len);

    for (i = 0; i < len; i++) {
        if (sl_auth_digest_challenge(out, out + i, &ch) != NULL) {
            CU_FAIL("a challenge was written past its room");
            break;
        }
    }

    /* quoting; the bound holds when every byte is escaped */

    ch.realm = str("a \"b\" \\c\\");
    ch.nonce = str("\"\"\"\"");
    ch.opaque = str("\\\\");
    ch.stale = 1;
    ch.algorithm = SL_DIGEST_SHA256;

    len = SL_AUTH_CHALLENGE_LEN(ch.realm.len, ch.nonce.len, ch.opaque.len);
    CU_ASSERT_FATAL(len < sizeof(out));

    p = sl_auth_digest_challenge(out, out + len, &ch);
    CU_ASSERT_FATAL(p != NULL);
    *p = '\0';
    CU_ASSERT_STRING_EQUAL((char *) out,
        "Digest realm=\"a \\\"b\\\" \\\\c\\\\\", "
        "nonce=\"\\\"\\\"\\\"\\\"\", stale=true, qop=\"auth\", "
        "algorithm=SHA-256, opaque=\"\\\\\\\\\"");

    ch.nonce = str("\\\\\\\\");
    ch.realm = str("\"\"\"\"\"\"\"\"\"");
    len = SL_AUTH_CHALLENGE_LEN(ch.realm.len, ch.nonce.len, ch.opaque.len);
    p = sl_auth_digest_challenge(out, out + len, &ch);
    CU_ASSERT_PTR_EQUAL(p, out + len);

    /* no quoted-string carries a control character */

    ch.realm = str("a\x01");
    CU_ASSERT_PTR_NULL(sl_auth_digest_challenge(out, out + sizeof(out), &ch));
    ch.realm = str("a\tb");
    CU_ASSERT_PTR_NOT_NULL(sl_auth_digest_challenge(out, out + sizeof(out),
                                                    &ch));
    ch.realm = str("Sluice");
    ch.opaque = str("x\ny");
    CU_ASSERT_PTR_NULL(sl_auth_digest_challenge(out, out + sizeof(out), &ch));

    /* Basic, RFC 7617 §2.1 */

    ch.realm = str("WallyWorld");
    p = sl_auth_basic_challenge(out, out + sizeof(out), &ch.realm);
    CU_ASSERT_FATAL(p != NULL);
    *p = '\0';
    CU_ASSERT_STRING_EQUAL((char *) out,
                           "Basic realm=\"WallyWorld\", charset=\"UTF-8\"");

    n = sscanf((char *) out, "Basic realm=\"%63[^\"]\"", realm);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_STRING_EQUAL(realm, "WallyWorld");

    len = p - out;
    CU_ASSERT_PTR_NULL(sl_auth_basic_challenge(out, out + len - 1,
                                               &ch.realm));
    CU_ASSERT_PTR_NULL(sl_auth_basic_challenge(NULL, NULL, &ch.realm));
}


/* what sl_auth_quote() writes, the parser reads back byte for byte */
static void
test_quote_roundtrip(void)
{
    char      value[1024];
    u_char    q[256], *p;
    size_t    i;
    sl_str_t  user, s;

    static const char  *users[] = {
        "plain", "", "with \"quotes\"", "back\\slash\\", "\\\"", "tab\there",
        "\xc3\xa4\xc3\xb8\xff", "comma, equals=, semicolon;",
    };

    for (i = 0; i < sl_nelems(users); i++) {
        user = str(users[i]);

        p = sl_auth_quote(q, q + sizeof(q), &user);
        CU_ASSERT_FATAL(p != NULL);

        s.data = q;
        s.len = p - q;

        snprintf(value, sizeof(value),
                 "Digest username=%.*s, realm=%.*s, nonce=n, uri=\"/\", "
                 "response=\"00000000000000000000000000000000\"",
                 (int) s.len, (char *) s.data, (int) s.len, (char *) s.data);

        if (parse(value) != SL_OK || !str_is(&cr.user, users[i])
            || !str_is(&cr.realm, users[i]))
        {
            CU_FAIL("a quoted value did not come back");
            fprintf(stderr, "\n  [%s]\n", value);
        }
    }

    user = str("x\x7f");
    CU_ASSERT_PTR_NULL(sl_auth_quote(q, q + sizeof(q), &user));
    user = str("ab");
    CU_ASSERT_PTR_NULL(sl_auth_quote(q, q + 3, &user));
    CU_ASSERT_PTR_EQUAL(sl_auth_quote(q, q + 4, &user), q + 4);
}


SL_UNIT_SUITE(sl_auth_parse,
    { "ffmpeg: Digest MD5 with qop, Basic", test_ffmpeg },
    { "live555 (VLC RTSP): Digest without qop, Basic", test_live555 },
    { "VLC HTTP: every value quoted", test_vlc_http },
    { "curl: Digest SHA-256", test_curl_sha256 },
    { "RFC 7616 and RFC 2617 examples", test_rfc },
    { "Basic", test_basic },
    { "auth-param syntax", test_syntax },
    { "malformed", test_malformed },
    { "declined", test_declined },
    { "bounds", test_bounds },
    { "challenges", test_challenge },
    { "quoted-strings both ways", test_quote_roundtrip })
