/* Unit tests for core/sl_url.c: the parts of upstream URLs, and refusals. */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"


static sl_int_t
parse(const char *text, sl_url_t *u)
{
    sl_str_t  s;

    s.data = (u_char *) text;
    s.len = strlen(text);

    return sl_parse_url(&s, u);
}


static int
str_is(const sl_str_t *s, const char *text)
{
    return s->len == strlen(text)
           && (s->len == 0 || memcmp(s->data, text, s->len) == 0);
}


static void
test_full(void)
{
    sl_url_t  u;

    CU_ASSERT_EQUAL_FATAL(parse("http://origin:8000/radio/a.mp3?x=1&y#frag",
                                &u), SL_OK);
    CU_ASSERT(str_is(&u.scheme, "http"));
    CU_ASSERT(str_is(&u.host, "origin"));
    CU_ASSERT(str_is(&u.authority, "origin:8000"));
    CU_ASSERT_EQUAL(u.port, 8000);
    CU_ASSERT(str_is(&u.path, "/radio/a.mp3"));
    CU_ASSERT(str_is(&u.args, "x=1&y"));
    CU_ASSERT_EQUAL(u.userinfo.len, 0);
    CU_ASSERT_FALSE(u.ipv6);
}


static void
test_defaults(void)
{
    sl_url_t  u;

    CU_ASSERT_EQUAL_FATAL(parse("rtsp://192.0.2.7", &u), SL_OK);
    CU_ASSERT(str_is(&u.scheme, "rtsp"));
    CU_ASSERT(str_is(&u.host, "192.0.2.7"));
    CU_ASSERT_EQUAL(u.port, 0);
    CU_ASSERT(str_is(&u.path, "/"));
    CU_ASSERT_PTR_NULL(u.args.data);

    /* an empty port is no port; a query without a path gets "/" */
    CU_ASSERT_EQUAL_FATAL(parse("HTTP://Host:?a=b", &u), SL_OK);
    CU_ASSERT(str_is(&u.scheme, "HTTP"));
    CU_ASSERT(str_is(&u.host, "Host"));
    CU_ASSERT_EQUAL(u.port, 0);
    CU_ASSERT(str_is(&u.path, "/"));
    CU_ASSERT(str_is(&u.args, "a=b"));

    /* "?" alone: args present and empty */
    CU_ASSERT_EQUAL_FATAL(parse("http://h/p?", &u), SL_OK);
    CU_ASSERT_PTR_NOT_NULL(u.args.data);
    CU_ASSERT_EQUAL(u.args.len, 0);
}


static void
test_ipv6_userinfo(void)
{
    sl_url_t  u;

    CU_ASSERT_EQUAL_FATAL(parse("rtsp://[::1]:8554/live", &u), SL_OK);
    CU_ASSERT(str_is(&u.host, "::1"));
    CU_ASSERT(str_is(&u.authority, "[::1]:8554"));
    CU_ASSERT_TRUE(u.ipv6);
    CU_ASSERT_EQUAL(u.port, 8554);

    CU_ASSERT_EQUAL_FATAL(parse("http://[2001:db8::2]/", &u), SL_OK);
    CU_ASSERT(str_is(&u.host, "2001:db8::2"));
    CU_ASSERT_EQUAL(u.port, 0);

    /* the last "@" of the authority ends the userinfo */
    CU_ASSERT_EQUAL_FATAL(parse("http://us:p@ss@origin:81/r", &u), SL_OK);
    CU_ASSERT(str_is(&u.userinfo, "us:p@ss"));
    CU_ASSERT(str_is(&u.host, "origin"));
    CU_ASSERT(str_is(&u.authority, "origin:81"));
    CU_ASSERT(str_is(&u.path, "/r"));

    /* "@" in the path is not userinfo */
    CU_ASSERT_EQUAL_FATAL(parse("http://h/a@b", &u), SL_OK);
    CU_ASSERT_EQUAL(u.userinfo.len, 0);
    CU_ASSERT(str_is(&u.path, "/a@b"));
}


static void
test_refused(void)
{
    sl_url_t     u;
    sl_uint_t    i;

    static const char  *bad[] = {
        "",
        "origin:8000/radio",
        "http:/origin/",
        "1http://h/",
        "ht tp://h/",
        "http://",
        "http:///path",
        "http://:80/",
        "http://h:0/",
        "http://h:65536/",
        "http://h:99999999999999999999/",
        "http://h:8a/",
        "http://[::1/",
        "http://[::g]/",
        "http://[::1]x/",
        "http://h/a b",
        "http://h/\x01",
        "http://h\xc3\xa9/",
        "http://h<x>/",
        "http://h\"/",
    };

    for (i = 0; i < sl_nelems(bad); i++) {
        if (parse(bad[i], &u) != SL_ERROR) {
            CU_FAIL("a bad URL was taken");
            fprintf(stderr, "taken: \"%s\"\n", bad[i]);

        } else {
            CU_ASSERT_PTR_NOT_NULL(u.error);
        }
    }

    CU_ASSERT_EQUAL(parse("http://h:65535/", &u), SL_OK);
    CU_ASSERT_EQUAL(u.port, 65535);
}


/* the parser reads no byte past the text (valgrind sees it) */
static void
test_bounds(void)
{
    u_char     *p;
    size_t      i, len;
    sl_str_t    s;
    sl_url_t    u;

    static const char  url[] = "rtsp://[::1]:8554/live?x#f";

    len = sizeof(url) - 1;

    for (i = 0; i <= len; i++) {
        p = malloc(i ? i : 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        memcpy(p, url, i);

        s.data = p;
        s.len = i;
        (void) sl_parse_url(&s, &u);

        free(p);
    }
}


static void
log_text(const char *url, const char *expect)
{
    u_char    buf[128], *p;
    sl_str_t  s;

    s.data = (u_char *) url;
    s.len = strlen(url);

    p = sl_url_log_text(buf, buf + sizeof(buf), &s);

    CU_ASSERT_EQUAL((size_t) (p - buf), strlen(expect));
    CU_ASSERT_NSTRING_EQUAL(buf, expect, strlen(expect));
}


/* a password in a URL never reaches a log */
static void
test_log_text(void)
{
    u_char    small[12], *p;
    sl_str_t  s;

    log_text("rtsp://alice:secret@127.0.0.1:8554/vod/a.mp3",
             "rtsp://alice:*@127.0.0.1:8554/vod/a.mp3");
    /* up to the last "@" of the authority: more hidden, never less */
    log_text("rtsp://al:ice:s@cr@et@h/x", "rtsp://al:*@h/x");
    log_text("http://u:p@[::1]:80?a=b:c@d", "http://u:*@[::1]:80?a=b:c@d");

    /* nothing to hide */
    log_text("rtsp://alice@h/x", "rtsp://alice@h/x");
    log_text("rtsp://h/x?user=a:b@c", "rtsp://h/x?user=a:b@c");
    log_text("/vod/a:b@c", "/vod/a:b@c");
    log_text("*", "*");
    log_text("", "");
    log_text("1rtsp://u:p@h/", "1rtsp://u:p@h/");
    log_text("rtsp:/u:p@h/", "rtsp:/u:p@h/");

    /* cut before last (NUL-terminated), never past it */
    s.data = (u_char *) "rtsp://u:p@host/x";
    s.len = strlen((char *) s.data);
    memset(small, 'Z', sizeof(small));
    p = sl_url_log_text(small, small + 8, &s);
    CU_ASSERT_PTR_EQUAL(p, small + 7);
    CU_ASSERT_NSTRING_EQUAL(small, "rtsp://", 7);
    CU_ASSERT_EQUAL(small[8], 'Z');
}


SL_UNIT_SUITE(sl_url,
    { "all the parts", test_full },
    { "absent parts", test_defaults },
    { "IPv6 and userinfo", test_ipv6_userinfo },
    { "refused", test_refused },
    { "within bounds", test_bounds },
    { "passwords hidden in logs", test_log_text })
