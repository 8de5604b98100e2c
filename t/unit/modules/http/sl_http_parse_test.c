/* Unit tests for modules/http/sl_http_parse.c: heads, paths, chunks. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http_parse.h>
#include "../../sl_unit.h"


#define SL_TEST_MAX_BODY  65536

/* a request line and a Host header, then the empty line */
#define REQ(line)  line " HTTP/1.1\r\nHost: h\r\n\r\n"
/* an HTTP/1.1 request with one more header */
#define REQ_H(header)  "PUT /live HTTP/1.1\r\nHost: h\r\n" header "\r\n\r\n"


static sl_http_parsed_t  r;


static sl_int_t
parse_n(const char *text, size_t len, size_t max_body)
{
    sl_memzero(&r, sizeof(sl_http_parsed_t));

    return sl_http_parse_request((const u_char *) text, len, max_body, &r);
}


static sl_int_t
parse(const char *text)
{
    return parse_n(text, strlen(text), SL_TEST_MAX_BODY);
}


static int
str_is(const sl_str_t *s, const char *text)
{
    return s != NULL && s->len == strlen(text)
           && memcmp(s->data, text, s->len) == 0;
}


/* r.error is text */
static int
error_is(const char *text)
{
    return r.error != NULL && strcmp(r.error, text) == 0;
}


/*
 * "OPTIONS * HTTP/1.0\r\n", n headers "name: vvv\r\n" (or "X-H<i>: vvv\r\n"
 * when name is NULL) with value_len bytes of value, and the empty line
 */
static char *
with_headers(sl_uint_t n, const char *name, size_t name_len,
    size_t value_len)
{
    u_char     *p, *buf;
    size_t      size;
    sl_uint_t   i;

    size = 64 + n * (sl_max(name_len, 16) + value_len + 8);

    buf = sl_pnalloc(sl_unit_pool(), size);
    CU_ASSERT_FATAL(buf != NULL);

    p = sl_cpymem(buf, "OPTIONS * HTTP/1.0\r\n",
                  sizeof("OPTIONS * HTTP/1.0\r\n") - 1);

    for (i = 0; i < n; i++) {
        if (name) {
            p = sl_cpymem(p, name, name_len);

        } else {
            p += sprintf((char *) p, "X-H%u", (unsigned) i);
        }

        *p++ = ':';
        *p++ = ' ';
        memset(p, 'v', value_len);
        p += value_len;
        *p++ = '\r';
        *p++ = '\n';
    }

    *p++ = '\r';
    *p++ = '\n';
    *p = '\0';

    return (char *) buf;
}


/* "X-...: v" with a name of exactly name_len bytes */
static char *
long_name(size_t name_len)
{
    char  *name;

    name = sl_pnalloc(sl_unit_pool(), name_len);
    CU_ASSERT_FATAL(name != NULL);

    memset(name, 'n', name_len);

    return with_headers(1, name, name_len, 1);
}


static void
test_http_methods(void)
{
    char       buf[64];
    sl_uint_t  i;

    for (i = 1; i < SL_HTTP_METHODS; i++) {
        sprintf(buf, "%.*s /live.mp3 HTTP/1.1\r\nHost: h:8000\r\n\r\n",
                (int) sl_http_method_names[i].len,
                sl_http_method_names[i].data);

        CU_ASSERT_EQUAL(parse(buf), SL_OK);
        CU_ASSERT_EQUAL(r.method, (sl_http_method_e) i);
        CU_ASSERT(str_is(&r.method_name,
                         (const char *) sl_http_method_names[i].data));
        CU_ASSERT(str_is(&r.uri, "/live.mp3"));
        CU_ASSERT(str_is(&r.host, "h:8000"));
        CU_ASSERT_EQUAL(r.version, 11);
        CU_ASSERT_EQUAL(r.nheaders, 1);
        CU_ASSERT_EQUAL(r.content_length, -1);
        CU_ASSERT_EQUAL(r.chunked, 0);
        CU_ASSERT_EQUAL(r.expect_continue, 0);
        CU_ASSERT_EQUAL(r.keep_alive, 1);
        CU_ASSERT_EQUAL(r.head_len, strlen(buf));
        CU_ASSERT_PTR_NULL(r.error);
    }

    /* an unknown token is for the caller to answer (501), not malformed */
    CU_ASSERT_EQUAL(parse(REQ("DELETE /x")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);
    CU_ASSERT(str_is(&r.method_name, "DELETE"));

    CU_ASSERT_EQUAL(parse(REQ("PATCH /x")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);

    /* methods are case-sensitive (RFC 9110 §9.1) */
    CU_ASSERT_EQUAL(parse(REQ("get /")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);

    CU_ASSERT_EQUAL(parse(REQ("Source /live")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);

    /* a prefix or an extension of a known method is another method */
    CU_ASSERT_EQUAL(parse(REQ("GE /")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);

    CU_ASSERT_EQUAL(parse(REQ("GETX /")), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_UNKNOWN);

    /* asterisk-form: OPTIONS, or a method the caller refuses anyway */
    CU_ASSERT_EQUAL(parse(REQ("OPTIONS *")), SL_OK);
    CU_ASSERT(str_is(&r.uri, "*"));

    CU_ASSERT_EQUAL(parse(REQ("FOO *")), SL_OK);

    CU_ASSERT_EQUAL(parse(REQ("GET *")), 400);
    CU_ASSERT(error_is("asterisk-form target with a method other than "
                       "OPTIONS"));

    CU_ASSERT_EQUAL(parse(REQ("PUT *")), 400);
}


static void
test_http_request_line_invalid(void)
{
    static const char  *invalid[] = {
        REQ(" GET /"),
        REQ("GET  /"),
        REQ("GET"),
        REQ("GET /a b"),
        REQ("G(T /"),
        REQ("GET a/b"),
        REQ("GET live.mp3"),
        REQ("GET ftp://h/x"),
        REQ("GET http:/h/x"),
        REQ("GET http:///x"),
        REQ("GET http://?x"),
        REQ("GET http://u:p@h/x"),
        REQ("GET http://h<>/x"),
        REQ("GET **"),
        REQ("GET /\x7f"),
        REQ("GET /\x80"),
        REQ("GET /\x01"),
        REQ("GET /\tx"),
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
        "GET /\r\nHost: h\r\n\r\n",
        "GET / \r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\tx\r\nHost: h\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "x\r\n\r\n",
    };

    sl_uint_t  i;

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(parse(invalid[i]), 400);
        CU_ASSERT_PTR_NOT_NULL(r.error);
    }

    /* empty lines before a request are skipped (RFC 9112 §2.2) */
    CU_ASSERT_EQUAL(parse("\r\n\n\r\n"), SL_AGAIN);
    CU_ASSERT_EQUAL(parse("\r\n\r\nGET / HTTP/1.0\r\n\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.head_len, 22);

    CU_ASSERT_EQUAL(parse(REQ("GET http://u@h/x")), 400);
    CU_ASSERT(error_is("userinfo in request target"));

    CU_ASSERT_EQUAL(parse(REQ("GET http:///x")), 400);
    CU_ASSERT(error_is("no host in request target"));

    CU_ASSERT_EQUAL(parse(REQ("GET live")), 400);
    CU_ASSERT(error_is("invalid request target"));
}


static void
test_http_version(void)
{
    static const char  *unsupported[] = {
        "HTTP/0.9", "HTTP/1.2", "HTTP/1.9", "HTTP/2.0", "HTTP/3.0",
        "HTTP/9.9",
    };

    static const char  *invalid[] = {
        "HTTP/1.10", "HTTP/1", "HTTP/11", "HTTP/1.", "HTTP/.1",
        "http/1.1", "HTTP 1.1", "ICE/1.0", "RTSP/1.0", "HTTP/a.b",
        "HTTP/1.1x", "HTTP/1,1",
    };

    char       buf[64];
    sl_uint_t  i;

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.0\r\n\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.version, 10);

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.version, 11);

    for (i = 0; i < sl_nelems(unsupported); i++) {
        sprintf(buf, "GET / %s\r\nHost: h\r\n\r\n", unsupported[i]);
        CU_ASSERT_EQUAL(parse(buf), 505);
        CU_ASSERT(error_is("unsupported protocol version"));
    }

    for (i = 0; i < sl_nelems(invalid); i++) {
        sprintf(buf, "GET / %s\r\nHost: h\r\n\r\n", invalid[i]);
        CU_ASSERT_EQUAL(parse(buf), 400);
        CU_ASSERT(error_is("invalid protocol version"));
    }

    /* the version is refused before the headers are read */
    CU_ASSERT_EQUAL(parse_n("GET / HTTP/2.0\r\n", 16, 0), 505);
}


static void
test_http_prefixes(void)
{
    static const char  *requests[] = {
        /* ffmpeg, mpv: a player asking for ICY metadata */
        "GET /live.mp3 HTTP/1.1\r\n"
        "User-Agent: Lavf/59.27.100\r\n"
        "Accept: */*\r\n"
        "Range: bytes=0-\r\n"
        "Connection: close\r\n"
        "Host: 127.0.0.1:8000\r\n"
        "Icy-MetaData: 1\r\n"
        "\r\n",

        /* ffmpeg's icecast protocol: PUT with Expect */
        "PUT /live.mp3 HTTP/1.1\r\n"
        "User-Agent: Lavf/59.27.100\r\n"
        "Accept: */*\r\n"
        "Expect: 100-continue\r\n"
        "Connection: close\r\n"
        "Host: 127.0.0.1:8000\r\n"
        "Content-Type: audio/mpeg\r\n"
        "Ice-Name: test\r\n"
        "Ice-Public: 0\r\n"
        "Authorization: Basic c291cmNlOmhhY2ttZQ==\r\n"
        "\r\n",

        /* libshout's legacy SOURCE, bare LF and leading empty lines */
        "\r\n\n"
        "SOURCE /live.mp3 HTTP/1.0\n"
        "Authorization: Basic c291cmNlOmhhY2ttZQ==\n"
        "Host: 127.0.0.1:8000\n"
        "User-Agent: libshout/2.4.6\n"
        "Content-Type: audio/mpeg\n"
        "ice-name: test\n"
        "\n",

        "POST /live.ts HTTP/1.1\r\n"
        "Host: h\r\n"
        "Content-Length: 12\r\n"
        "\r\n"
        "0123456789ab",
    };

    size_t     len, head;
    sl_uint_t  i;

    for (i = 0; i < sl_nelems(requests); i++) {
        len = strlen(requests[i]);

        CU_ASSERT_EQUAL_FATAL(parse_n(requests[i], len, 100), SL_OK);
        head = r.head_len;
        CU_ASSERT(head <= len);

        for (len = 0; len < head; len++) {
            CU_ASSERT_EQUAL(parse_n(requests[i], len, 100), SL_AGAIN);
            CU_ASSERT_PTR_NULL(r.error);
        }

        /* the body is not the parser's: a head alone is complete */
        for (len = head; len <= strlen(requests[i]); len++) {
            CU_ASSERT_EQUAL(parse_n(requests[i], len, 100), SL_OK);
            CU_ASSERT_EQUAL(r.head_len, head);
        }
    }

    CU_ASSERT_EQUAL(r.content_length, 12);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_POST);

    CU_ASSERT_EQUAL(parse(requests[0]), SL_OK);
    CU_ASSERT(str_is(sl_http_find_header(&r, "icy-metadata"), "1"));
    CU_ASSERT_EQUAL(r.keep_alive, 0);
    CU_ASSERT(str_is(&r.host, "127.0.0.1:8000"));

    CU_ASSERT_EQUAL(parse(requests[1]), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_PUT);
    CU_ASSERT_EQUAL(r.expect_continue, 1);
    CU_ASSERT_EQUAL(r.content_length, -1);
    CU_ASSERT_EQUAL(r.chunked, 0);
    CU_ASSERT(str_is(sl_http_find_header(&r, "Authorization"),
                     "Basic c291cmNlOmhhY2ttZQ=="));
    CU_ASSERT(str_is(sl_http_find_header(&r, "ice-name"), "test"));

    CU_ASSERT_EQUAL(parse(requests[2]), SL_OK);
    CU_ASSERT_EQUAL(r.method, SL_HTTP_SOURCE);
    CU_ASSERT_EQUAL(r.version, 10);
    CU_ASSERT_EQUAL(r.keep_alive, 0);
    CU_ASSERT(str_is(&r.uri, "/live.mp3"));
    CU_ASSERT(str_is(sl_http_find_header(&r, "Content-Type"),
                     "audio/mpeg"));
}


static void
test_http_headers(void)
{
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\n"
                          "Host:h\r\n"
                          "X-Empty:\r\n"
                          "X-Spaces: \t a b \t \r\n"
                          "x-dup: 1\r\n"
                          "X-Dup: 2\r\n"
                          "!#$%&'*+-.^_`|~09az: t\r\n"
                          "\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.nheaders, 6);
    CU_ASSERT(str_is(&r.host, "h"));
    CU_ASSERT(str_is(sl_http_find_header(&r, "x-empty"), ""));
    CU_ASSERT(str_is(sl_http_find_header(&r, "X-SPACES"), "a b"));
    CU_ASSERT(str_is(sl_http_find_header(&r, "X-Dup"), "1"));
    CU_ASSERT(str_is(sl_http_find_header(&r, "!#$%&'*+-.^_`|~09AZ"), "t"));
    CU_ASSERT_PTR_NULL(sl_http_find_header(&r, "X-None"));
    CU_ASSERT_PTR_NULL(sl_http_find_header(&r, "X-Dup2"));
    CU_ASSERT_PTR_NULL(sl_http_find_header(&r, ""));
    CU_ASSERT(str_is(&r.headers[3].name, "x-dup"));

    /* values keep bytes that are not controls as they are */
    CU_ASSERT_EQUAL(parse(REQ_H("Ice-Name: caf\xc3\xa9 \x01")), SL_OK);
    CU_ASSERT(str_is(sl_http_find_header(&r, "ice-name"),
                     "caf\xc3\xa9 \x01"));
}


static void
test_http_headers_invalid(void)
{
    static const char  *invalid[] = {
        REQ_H("X-Name : v"),
        REQ_H("X Name: v"),
        REQ_H(": v"),
        REQ_H("X-Name"),
        REQ_H("X(Name): v"),
        REQ_H("X-\x80: v"),
        REQ_H("X-Name\t: v"),
    };

    sl_uint_t  i;

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(parse(invalid[i]), 400);
        CU_ASSERT(error_is("invalid header line"));
    }

    /* RFC 9112 §5.2: obs-fold */
    CU_ASSERT_EQUAL(parse(REQ_H("X-A: a\r\n b")), 400);
    CU_ASSERT(error_is("header folding is not supported"));

    CU_ASSERT_EQUAL(parse(REQ_H("X-A: a\r\n\tb")), 400);
    CU_ASSERT(error_is("header folding is not supported"));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), 400);
}


static void
test_http_nul_cr(void)
{
    static const struct {
        const char  *text;
        size_t       len;
        const char  *error;
    } invalid[] = {
        { "GET /\0 HTTP/1.1\r\n\r\n", 19, "NUL or bare CR in request line" },
        { "GET /\r HTTP/1.1\r\n\r\n", 19, "NUL or bare CR in request line" },
        { "GET / HTTP/1.1\rHost: h\r\n\r\n", 26,
          "NUL or bare CR in request line" },
        { "GET / HTTP/1.1\r\nHost: h\0\r\n\r\n", 28,
          "NUL or bare CR in header" },
        { "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 32,
          "NUL or bare CR in header" },
        { "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 28,
          "NUL or bare CR in header" },
        { "GET / HTTP/1.1\r\nX\0: y\r\n\r\n", 25,
          "NUL or bare CR in header" },
        { "\rGET / HTTP/1.1\r\n\r\n", 19, "bare CR" },
        { "\r\n\rx", 4, "bare CR" },
    };

    sl_uint_t  i;

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(parse_n(invalid[i].text, invalid[i].len,
                                SL_TEST_MAX_BODY), 400);
        CU_ASSERT(error_is(invalid[i].error));
    }

    /* a CR at the end of what was read may still be followed by LF */
    CU_ASSERT_EQUAL(parse_n("\r", 1, 0), SL_AGAIN);
    CU_ASSERT_EQUAL(parse_n("GET / HTTP/1.1\r", 15, 0), SL_AGAIN);
    CU_ASSERT_EQUAL(parse_n("GET / HTTP/1.1\r\nHost: h\r", 24, 0),
                    SL_AGAIN);

    /* a NUL after the head is the body's */
    CU_ASSERT_EQUAL(parse_n("GET / HTTP/1.0\r\n\r\n\0", 19, 0), SL_OK);
    CU_ASSERT_EQUAL(r.head_len, 18);
}


static void
test_http_header_limits(void)
{
    char  *text;

    text = with_headers(SL_HTTP_MAX_HEADERS, NULL, 0, 1);
    CU_ASSERT_EQUAL(parse(text), SL_OK);
    CU_ASSERT_EQUAL(r.nheaders, SL_HTTP_MAX_HEADERS);
    CU_ASSERT(str_is(sl_http_find_header(&r, "x-h254"), "v"));

    text = with_headers(SL_HTTP_MAX_HEADERS + 1, NULL, 0, 1);
    CU_ASSERT_EQUAL(parse(text), 400);
    CU_ASSERT(error_is("too many headers"));

    text = long_name(SL_HTTP_MAX_HEADER_NAME);
    CU_ASSERT_EQUAL(parse(text), SL_OK);
    CU_ASSERT_EQUAL(r.headers[0].name.len, SL_HTTP_MAX_HEADER_NAME);

    text = long_name(SL_HTTP_MAX_HEADER_NAME + 1);
    CU_ASSERT_EQUAL(parse(text), 400);
    CU_ASSERT(error_is("header name too long"));

    text = with_headers(1, "X-Long", 6, SL_HTTP_MAX_HEADER_VALUE);
    CU_ASSERT_EQUAL(parse(text), SL_OK);
    CU_ASSERT_EQUAL(r.headers[0].value.len, SL_HTTP_MAX_HEADER_VALUE);

    text = with_headers(1, "X-Long", 6, SL_HTTP_MAX_HEADER_VALUE + 1);
    CU_ASSERT_EQUAL(parse(text), 400);
    CU_ASSERT(error_is("header value too long"));

    /* the limit is on the trimmed value */
    text = with_headers(1, "X-Long", 6, SL_HTTP_MAX_HEADER_VALUE);
    text[strlen(text) - 5] = ' ';
    CU_ASSERT_EQUAL(parse(text), SL_OK);
    CU_ASSERT_EQUAL(r.headers[0].value.len, SL_HTTP_MAX_HEADER_VALUE - 1);
}


static void
test_http_content_length(void)
{
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 0")), SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 0);

    CU_ASSERT_EQUAL(parse(REQ_H("content-length:  12 ")), SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 12);

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 007")), SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 7);

    /* at and past max_body */
    CU_ASSERT_EQUAL(parse_n(REQ_H("Content-Length: 100"),
                            strlen(REQ_H("Content-Length: 100")), 100),
                    SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 100);

    CU_ASSERT_EQUAL(parse_n(REQ_H("Content-Length: 101"),
                            strlen(REQ_H("Content-Length: 101")), 100), 413);
    CU_ASSERT(error_is("Content-Length larger than allowed"));

    CU_ASSERT_EQUAL(parse_n(REQ_H("Content-Length: 1"),
                            strlen(REQ_H("Content-Length: 1")), 0), 413);

    /* nine digits at most, whatever max_body says */
    CU_ASSERT_EQUAL(parse_n(REQ_H("Content-Length: 999999999"),
                            strlen(REQ_H("Content-Length: 999999999")),
                            (size_t) -1), SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 999999999);

    CU_ASSERT_EQUAL(parse_n(REQ_H("Content-Length: 1000000000"),
                            strlen(REQ_H("Content-Length: 1000000000")),
                            (size_t) -1), 413);
    CU_ASSERT(error_is("Content-Length too large"));

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 0000000000")), 413);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: "
                                "99999999999999999999999999")), 413);

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: -1")), 413);
    CU_ASSERT(error_is("negative Content-Length"));

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: -0")), 413);

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length:")), 400);
    CU_ASSERT(error_is("invalid Content-Length"));

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 1a")), 400);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: +1")), 400);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 0x10")), 400);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 1 2")), 400);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 5, 5")), 400);
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 1234567890a")), 400);

    /* RFC 9112 §6.3: duplicates are refused, equal or not */
    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 5\r\nContent-Length: 5")),
                    400);
    CU_ASSERT(error_is("duplicate Content-Length"));

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 0\r\nContent-Length: 5")),
                    400);
    CU_ASSERT(error_is("duplicate Content-Length"));
}


static void
test_http_transfer_encoding(void)
{
    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: chunked")), SL_OK);
    CU_ASSERT_EQUAL(r.chunked, 1);
    CU_ASSERT_EQUAL(r.content_length, -1);

    CU_ASSERT_EQUAL(parse(REQ_H("transfer-encoding: Chunked ")), SL_OK);
    CU_ASSERT_EQUAL(r.chunked, 1);

    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: gzip, chunked")), 501);
    CU_ASSERT(error_is("unsupported Transfer-Encoding"));

    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: identity")), 501);
    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: chunked, chunked")),
                    501);
    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding:")), 501);

    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: chunked\r\n"
                                "Transfer-Encoding: chunked")), 400);
    CU_ASSERT(error_is("duplicate Transfer-Encoding"));

    /* RFC 9112 §6.1: both are a smuggling attempt, in either order */
    CU_ASSERT_EQUAL(parse(REQ_H("Transfer-Encoding: chunked\r\n"
                                "Content-Length: 5")), 400);
    CU_ASSERT(error_is("Content-Length with Transfer-Encoding"));

    CU_ASSERT_EQUAL(parse(REQ_H("Content-Length: 0\r\n"
                                "Transfer-Encoding: chunked")), 400);
    CU_ASSERT(error_is("Content-Length with Transfer-Encoding"));

    CU_ASSERT_EQUAL(parse("PUT / HTTP/1.0\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"), 400);
    CU_ASSERT(error_is("Transfer-Encoding in HTTP/1.0"));
}


static void
test_http_host(void)
{
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\n\r\n"), 400);
    CU_ASSERT(error_is("no Host"));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nX-Host: h\r\n\r\n"), 400);
    CU_ASSERT(error_is("no Host"));

    /* HTTP/1.0 needs none */
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.0\r\n\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.host.len, 0);
    CU_ASSERT_PTR_NULL(r.host.data);

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.0\r\nHost: a.b\r\n\r\n"), SL_OK);
    CU_ASSERT(str_is(&r.host, "a.b"));

    /* RFC 9112 §3.2: an empty Host is allowed */
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n"), SL_OK);
    CU_ASSERT(str_is(&r.host, ""));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nhost: [::1]:8000\r\n\r\n"),
                    SL_OK);
    CU_ASSERT(str_is(&r.host, "[::1]:8000"));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
                    400);
    CU_ASSERT(error_is("duplicate Host"));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"),
                    400);

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
    CU_ASSERT(error_is("invalid Host"));

    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n"), 400);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n"), 400);

    /* absolute-form: the target's authority wins (RFC 9112 §3.2.2) */
    CU_ASSERT_EQUAL(parse("GET http://a.b:8000/live.mp3?x=1 HTTP/1.1\r\n"
                          "Host: other\r\n\r\n"), SL_OK);
    CU_ASSERT(str_is(&r.host, "a.b:8000"));
    CU_ASSERT(str_is(&r.uri, "http://a.b:8000/live.mp3?x=1"));

    CU_ASSERT_EQUAL(parse("GET HTTPS://a.b HTTP/1.0\r\n\r\n"), SL_OK);
    CU_ASSERT(str_is(&r.host, "a.b"));

    CU_ASSERT_EQUAL(parse("GET http://a.b?q HTTP/1.0\r\n\r\n"), SL_OK);
    CU_ASSERT(str_is(&r.host, "a.b"));

    /* ... but an HTTP/1.1 request still needs Host */
    CU_ASSERT_EQUAL(parse("GET http://a.b/ HTTP/1.1\r\n\r\n"), 400);
    CU_ASSERT(error_is("no Host"));
}


static void
test_http_expect(void)
{
    CU_ASSERT_EQUAL(parse(REQ_H("Expect: 100-continue")), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 1);

    CU_ASSERT_EQUAL(parse(REQ_H("expect:  100-Continue ")), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 1);

    CU_ASSERT_EQUAL(parse(REQ("PUT /live")), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 0);

    /* other expectations are ignored, as nginx does */
    CU_ASSERT_EQUAL(parse(REQ_H("Expect: 200-ok")), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 0);

    CU_ASSERT_EQUAL(parse(REQ_H("Expect: 100-continuex")), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 0);

    /* RFC 9110 §10.1.1: ignored in HTTP/1.0 */
    CU_ASSERT_EQUAL(parse("PUT /live HTTP/1.0\r\n"
                          "Expect: 100-continue\r\n\r\n"), SL_OK);
    CU_ASSERT_EQUAL(r.expect_continue, 0);
}


static void
test_http_keep_alive(void)
{
    static const struct {
        const char  *text;
        unsigned     keep_alive;
    } tests[] = {
        { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 1 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 0 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", 0 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n",
          1 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, close\r\n"
          "\r\n", 0 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: TE,close\r\n\r\n", 0 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", 1 },
        { "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n"
          "Connection: close\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
        { "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 1 },
        { "GET / HTTP/1.0\r\nConnection: foo , keep-alive\t,bar\r\n\r\n",
          1 },
        { "GET / HTTP/1.0\r\nConnection: ,,keep-alive,,\r\n\r\n", 1 },
        { "GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\nConnection: keep alive\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\nConnection: close\r\n"
          "Connection: keep-alive\r\n\r\n", 0 },
        { "GET / HTTP/1.0\r\nConnection:\r\n\r\n", 0 },
    };

    sl_uint_t  i;

    for (i = 0; i < sl_nelems(tests); i++) {
        CU_ASSERT_EQUAL(parse(tests[i].text), SL_OK);
        CU_ASSERT_EQUAL(r.keep_alive, tests[i].keep_alive);
    }
}


static void
test_http_pipelined(void)
{
    static const char  stream[] =
        "GET /a.mp3 HTTP/1.1\r\nHost: h\r\nIcy-MetaData: 1\r\n\r\n"
        "HEAD /b.ts HTTP/1.1\r\nHost: h\r\n\r\n"
        "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab\r\nc"
        "GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        "GET /e";

    static const sl_http_method_e  methods[] = {
        SL_HTTP_GET, SL_HTTP_HEAD, SL_HTTP_POST, SL_HTTP_GET
    };

    size_t     off, len;
    sl_int_t   rc;
    sl_uint_t  n;

    len = sizeof(stream) - 1;

    for (off = 0, n = 0; off < len; n++) {
        rc = parse_n(stream + off, len - off, 100);
        if (rc == SL_AGAIN) {
            break;
        }

        CU_ASSERT_EQUAL_FATAL(rc, SL_OK);
        CU_ASSERT_FATAL(n < sl_nelems(methods));
        CU_ASSERT_EQUAL(r.method, methods[n]);
        CU_ASSERT_EQUAL(r.keep_alive, n < 3);

        if (r.content_length > 0) {
            CU_ASSERT(memcmp(stream + off + r.head_len, "ab\r\nc", 5) == 0);
            off += r.content_length;
        }

        off += r.head_len;
    }

    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT(memcmp(stream + off, "GET /e", 6) == 0);

    /* pointers point into the buffer */
    CU_ASSERT_EQUAL(parse_n(stream, len, 100), SL_OK);
    CU_ASSERT_PTR_EQUAL(r.method_name.data, stream);
    CU_ASSERT_PTR_EQUAL(r.uri.data, stream + 4);
    CU_ASSERT_PTR_EQUAL(r.host.data, stream + 27);
}


static sl_int_t
uri_path(const char *uri, sl_str_t *path, sl_str_t *args)
{
    static u_char  buf[256];
    sl_str_t       u;

    u.data = (u_char *) uri;
    u.len = strlen(uri);

    CU_ASSERT_FATAL(u.len < sizeof(buf));
    memset(buf, 0xa5, sizeof(buf));

    path->data = buf;
    path->len = 0;

    return sl_http_parse_uri_path(&u, path, args);
}


static void
test_http_uri_path(void)
{
    static const struct {
        const char  *uri;
        const char  *path;
        const char  *args;
    } valid[] = {
        { "http://host:8000/a/b?q=1", "/a/b", "q=1" },
        { "http://host/a/b", "/a/b", NULL },
        { "HTTP://Host/A", "/A", NULL },
        { "https://host:443/live/cam1", "/live/cam1", NULL },
        { "http://host/x#frag", "/x", NULL },
        { "http://[2001:db8::1]:80/a", "/a", NULL },
        { "http://host/", "/", NULL },
        { "http://host", "/", NULL },
        { "http://host:80", "/", NULL },
        { "http://host?x=/y", "/", "x=/y" },
        { "http://host#/y", "/", NULL },
        { "/a/b", "/a/b", NULL },
        { "/a/b?q", "/a/b", "q" },
        { "/a/b?", "/a/b", "" },
        { "/a?b?c", "/a", "b?c" },
        { "/a?b=%20#f", "/a", "b=%20" },
        { "/a?#f", "/a", "" },
        { "/a#f?b", "/a", NULL },
        { "/", "/", NULL },
        { "*", "*", NULL },
        { "/a%20b", "/a b", NULL },
        { "/%41%62%7e", "/Ab~", NULL },
        { "http://h/%e2%82%AC", "/\xe2\x82\xac", NULL },
        { "/a%3Fb?c", "/a?b", "c" },
        { "/a%23b", "/a#b", NULL },
        { "/a%25", "/a%", NULL },
        { "/a%252F", "/a%2F", NULL },
        { "/a%2e%2E/b", "/a../b", NULL },
        { "/a?%00", "/a", "%00" },
        { "/a?x=%2F", "/a", "x=%2F" },
        { "/live.mp3?icy=1&x=y", "/live.mp3", "icy=1&x=y" },
    };

    static const char  *invalid[] = {
        "", "a/b", "**", "*/", "rtsp://host/a", "ftp://host/a",
        "http:/host/a", "http:host/a", "http//host/a", "httpx://host/a",
        "http:", "?q", "#f",
        "/a%00b", "/a%2Fb", "/a%2fb", "/a%", "/a%4", "http://h/a%",
        "/a%G0", "/a%0G", "/a%%41", "/a% 41", "/a%-1", "/a%?b",
    };

    sl_str_t   path, args;
    sl_uint_t  i;

    for (i = 0; i < sl_nelems(valid); i++) {
        CU_ASSERT_EQUAL(uri_path(valid[i].uri, &path, &args), SL_OK);
        CU_ASSERT(str_is(&path, valid[i].path));
        CU_ASSERT(path.len <= strlen(valid[i].uri));

        if (valid[i].args == NULL) {
            CU_ASSERT_PTR_NULL(args.data);
            CU_ASSERT_EQUAL(args.len, 0);

        } else {
            CU_ASSERT(str_is(&args, valid[i].args));
            CU_ASSERT(args.data > (u_char *) valid[i].uri);
            CU_ASSERT(args.data[-1] == '?');
        }
    }

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(uri_path(invalid[i], &path, &args), SL_ERROR);
    }
}


/*
 * Feeds text to ctx in pieces that end at cuts[0], cuts[1]... and at
 * len, gathering the body into out (*out_len).  Returns the last result:
 * SL_DONE with *used the bytes of text the body took, SL_AGAIN when the
 * text ended first, or an error status.
 */
static sl_int_t
chunked_feed(sl_http_chunked_t *ctx, const char *text, size_t len,
    const size_t *cuts, sl_uint_t ncuts, u_char *out, size_t *out_len,
    size_t *used)
{
    size_t     off, end, pos, n;
    sl_int_t   rc;
    sl_uint_t  i;

    off = 0;
    *out_len = 0;

    for (i = 0; i <= ncuts; i++) {
        end = (i < ncuts) ? cuts[i] : len;

        while (off < end) {
            rc = sl_http_parse_chunked(ctx, (const u_char *) text + off,
                                       end - off, &pos, &n);

            if (rc == SL_OK) {
                CU_ASSERT_FATAL(n > 0 && pos + n <= end - off);
                memcpy(out + *out_len, text + off + pos, n);
                *out_len += n;
                off += pos + n;
                continue;
            }

            if (rc == SL_AGAIN) {
                CU_ASSERT_EQUAL(pos, end - off);
                CU_ASSERT_EQUAL(n, 0);
                off = end;
                break;
            }

            if (rc == SL_DONE) {
                CU_ASSERT(pos <= end - off);
                CU_ASSERT_EQUAL(n, 0);
                *used = off + pos;
                return SL_DONE;
            }

            return rc;
        }
    }

    return SL_AGAIN;
}


static void
test_http_chunked_splits(void)
{
    /* extensions, an upper-case size, a bare LF, trailers, what follows */
    static const char  body[] =
        "5;name=value\r\n"
        "hello\r\n"
        "1A ; a = \"b;c\" ;x\r\n"
        "abcdefghijklmnopqrstuvwxyz\r\n"
        "01\n"
        "!\n"
        "000\r\n"
        "X-Trailer: 1\r\n"
        "Y: 2\r\n"
        "\r\n"
        "GET / HTTP/1.1\r\n";

    static const char  data[] = "helloabcdefghijklmnopqrstuvwxyz!";

    u_char             out[64];
    size_t             i, len, end, cuts[2], out_len, used;
    size_t             byte_cuts[sizeof(body)];
    sl_int_t           rc;
    sl_http_chunked_t  ctx;

    len = sizeof(body) - 1;
    end = strstr(body, "GET") - body;

    /* all at once */
    sl_http_chunked_init(&ctx, 0);
    used = 0;
    rc = chunked_feed(&ctx, body, len, NULL, 0, out, &out_len, &used);
    CU_ASSERT_EQUAL(rc, SL_DONE);
    CU_ASSERT_EQUAL(used, end);
    CU_ASSERT_EQUAL(out_len, sizeof(data) - 1);
    CU_ASSERT(memcmp(out, data, sizeof(data) - 1) == 0);
    CU_ASSERT_EQUAL(ctx.total, sizeof(data) - 1);

    /* every split in two and in three pieces */
    for (cuts[0] = 0; cuts[0] <= len; cuts[0]++) {
        for (cuts[1] = cuts[0]; cuts[1] <= len; cuts[1]++) {
            sl_http_chunked_init(&ctx, 64);
            used = 0;
            out_len = 0;

            rc = chunked_feed(&ctx, body, len, cuts, 2, out, &out_len,
                              &used);

            CU_ASSERT_EQUAL_FATAL(rc, SL_DONE);
            CU_ASSERT_EQUAL(used, end);
            CU_ASSERT_EQUAL(out_len, sizeof(data) - 1);
            CU_ASSERT(memcmp(out, data, sizeof(data) - 1) == 0);
        }
    }

    /* a byte at a time, and the end not reached before its last byte */
    for (i = 0; i < sizeof(body); i++) {
        byte_cuts[i] = i + 1;
    }

    for (len = 0; len <= end; len++) {
        sl_http_chunked_init(&ctx, 0);
        used = 0;
        rc = chunked_feed(&ctx, body, len, byte_cuts, len, out, &out_len,
                          &used);

        CU_ASSERT_EQUAL(rc, len == end ? SL_DONE : SL_AGAIN);
    }
}


static void
test_http_chunked(void)
{
    size_t             pos, n;
    sl_http_chunked_t  ctx;

    /* one span per call; the call ends where the data ends */
    sl_http_chunked_init(&ctx, 0);
    CU_ASSERT_EQUAL(ctx.max_chunk, SL_HTTP_MAX_CHUNK_SIZE);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx,
                        (u_char *) "3\r\nabc\r\n0\r\n\r\n", 13, &pos, &n),
                    SL_OK);
    CU_ASSERT_EQUAL(pos, 3);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx,
                        (u_char *) "\r\n0\r\n\r\nnext", 11, &pos, &n),
                    SL_DONE);
    CU_ASSERT_EQUAL(pos, 7);
    CU_ASSERT_EQUAL(n, 0);

    /* the end stays the end */
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "next", 4,
                                          &pos, &n), SL_DONE);
    CU_ASSERT_EQUAL(pos, 0);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "", 0, &pos, &n),
                    SL_DONE);

    /* an empty body, with a bare LF */
    sl_http_chunked_init(&ctx, 0);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "0\n\n", 3,
                                          &pos, &n), SL_DONE);
    CU_ASSERT_EQUAL(pos, 3);

    /* nothing yet */
    sl_http_chunked_init(&ctx, 0);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "", 0, &pos, &n),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(pos, 0);

    /* a chunk split over calls */
    sl_http_chunked_init(&ctx, 0);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "a\r\n01234", 8,
                                          &pos, &n), SL_OK);
    CU_ASSERT_EQUAL(pos, 3);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "56789\r", 6,
                                          &pos, &n), SL_OK);
    CU_ASSERT_EQUAL(pos, 0);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "\r", 1,
                                          &pos, &n), SL_AGAIN);
    CU_ASSERT_EQUAL(pos, 1);
    CU_ASSERT_EQUAL(ctx.total, 10);
}


static sl_int_t
chunked_all(const char *text, size_t len, size_t max_chunk)
{
    u_char             out[256];
    size_t             out_len, used;
    sl_http_chunked_t  ctx;

    sl_http_chunked_init(&ctx, max_chunk);
    used = 0;

    return chunked_feed(&ctx, text, len, NULL, 0, out, &out_len, &used);
}


static void
test_http_chunked_invalid(void)
{
    static const char  *invalid[] = {
        "\r\n", "\n", "g\r\n", "-1\r\n", "+1\r\n", " 5\r\n", "\t5\r\n",
        ";x\r\n", "0x5\r\n", "5 x\r\n", "5 5\r\n", "5\rX", "5;a\rX",
        "5\r\r\n", "5,\r\n", "5;\x01\r\n", "5;\x7f\r\n",
        "3\r\nabcX", "3\r\nabc\rX", "3\r\nabc\r\r\n", "3\r\nabc3\r\n",
        "3\r\nabc\r\n\r\n",
        "0\r\nX: 1\rY", "0\r\n\rX",
        "0\r\n\r\r\n",
    };

    static const char  *valid[] = {
        "0\r\n\r\n", "0\n\n", "00000000000000000000\r\n\r\n",
        "0;a=b\r\n\r\n", "0 \t;a\r\n\r\n", "0\t\r\n\r\n",
        "5;\r\nhello\r\n0\r\n\r\n", "5;a=\"\t\xff\"\r\nhello\n0\r\n\r\n",
        "F\r\n0123456789abcde\r\n0\r\n\r\n",
        "0\r\nX: 1\nY\r\n\n",
    };

    char               *text;
    size_t              pos, n;
    sl_uint_t           i;
    sl_http_chunked_t   ctx;

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(chunked_all(invalid[i], strlen(invalid[i]), 0), 400);
    }

    /* NULs, by length */
    CU_ASSERT_EQUAL(chunked_all("5\0\r\n", 4, 0), 400);
    CU_ASSERT_EQUAL(chunked_all("5;a\0\r\n", 6, 0), 400);
    CU_ASSERT_EQUAL(chunked_all("0\r\nX\0: 1\r\n\r\n", 13, 0), 400);
    CU_ASSERT_EQUAL(chunked_all("0\r\n\0", 4, 0), 400);

    for (i = 0; i < sl_nelems(valid); i++) {
        CU_ASSERT_EQUAL(chunked_all(valid[i], strlen(valid[i]), 0),
                        SL_DONE);
    }

    /* an error stays */
    sl_http_chunked_init(&ctx, 0);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "x", 1, &pos, &n),
                    400);
    CU_ASSERT_STRING_EQUAL(ctx.error, "invalid chunk size");
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "0\r\n\r\n", 5,
                                          &pos, &n), 400);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "", 0, &pos, &n),
                    400);

    /* the size line and the trailers are bounded */
    text = sl_pnalloc(sl_unit_pool(), SL_HTTP_MAX_TRAILERS + 16);
    CU_ASSERT_FATAL(text != NULL);

    memcpy(text, "1;", 2);
    memset(text + 2, 'x', SL_HTTP_MAX_CHUNK_LINE - 2);
    memcpy(text + SL_HTTP_MAX_CHUNK_LINE, "\r\na\r\n0\r\n\r\n", 11);
    CU_ASSERT_EQUAL(chunked_all(text, SL_HTTP_MAX_CHUNK_LINE + 11, 0),
                    SL_DONE);

    memcpy(text, "1;", 2);
    memset(text + 2, 'x', SL_HTTP_MAX_CHUNK_LINE - 1);
    memcpy(text + SL_HTTP_MAX_CHUNK_LINE + 1, "\r\na\r\n0\r\n\r\n", 11);
    CU_ASSERT_EQUAL(chunked_all(text, SL_HTTP_MAX_CHUNK_LINE + 12, 0), 400);

    memset(text, '0', SL_HTTP_MAX_CHUNK_LINE + 1);
    memcpy(text + SL_HTTP_MAX_CHUNK_LINE + 1, "\r\n\r\n", 4);
    CU_ASSERT_EQUAL(chunked_all(text, SL_HTTP_MAX_CHUNK_LINE + 5, 0), 400);

    /* "0\r\n", then trailers of exactly the maximum with the last CRLF */
    memcpy(text, "0\r\nX:", 5);
    memset(text + 5, 'v', SL_HTTP_MAX_TRAILERS - 2 - 2 - 2);
    memcpy(text + SL_HTTP_MAX_TRAILERS - 1, "\r\n\r\n", 4);
    CU_ASSERT_EQUAL(chunked_all(text, SL_HTTP_MAX_TRAILERS + 3, 0), SL_DONE);

    memcpy(text, "0\r\nX:", 5);
    memset(text + 5, 'v', SL_HTTP_MAX_TRAILERS - 2 - 2 - 1);
    memcpy(text + SL_HTTP_MAX_TRAILERS, "\r\n\r\n", 4);
    CU_ASSERT_EQUAL(chunked_all(text, SL_HTTP_MAX_TRAILERS + 4, 0), 400);
}


static void
test_http_chunked_too_large(void)
{
    size_t             pos, n;
    sl_http_chunked_t  ctx;

    CU_ASSERT_EQUAL(chunked_all("10\r\n0123456789abcdef\r\n0\r\n\r\n", 27,
                                16), SL_DONE);
    CU_ASSERT_EQUAL(chunked_all("11\r\n", 4, 16), 413);
    CU_ASSERT_EQUAL(chunked_all("000000000000000000000010\r\n", 26, 16),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(chunked_all("100\r\n", 5, 16), 413);
    CU_ASSERT_EQUAL(chunked_all("2\r\n", 3, 1), 413);
    CU_ASSERT_EQUAL(chunked_all("f\r\n", 3, 1), 413);
    CU_ASSERT_EQUAL(chunked_all("1\r\nx\r\n0\r\n\r\n", 11, 1), SL_DONE);

    /* the default maximum */
    CU_ASSERT_EQUAL(chunked_all("1000000\r\n", 9, 0), SL_AGAIN);
    CU_ASSERT_EQUAL(chunked_all("1000001\r\n", 9, 0), 413);
    CU_ASSERT_EQUAL(chunked_all("FFFFFFFFFFFFFFFFFFFFFFFF\r\n", 26, 0), 413);

    /* no overflow with the largest maximum */
    CU_ASSERT_EQUAL(chunked_all("FFFFFFFFFFFFFFFF\r\n", 18, (size_t) -1),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(chunked_all("10000000000000000\r\n", 19, (size_t) -1),
                    413);
    CU_ASSERT_EQUAL(chunked_all("FFFFFFFFFFFFFFFF0\r\n", 19, (size_t) -1),
                    413);

    /* refused as soon as the digit that makes it too large comes */
    sl_http_chunked_init(&ctx, 16);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "1", 1, &pos, &n),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "1", 1, &pos, &n),
                    413);
    CU_ASSERT_STRING_EQUAL(ctx.error, "chunk too large");
    CU_ASSERT_EQUAL(sl_http_parse_chunked(&ctx, (u_char *) "\r\n", 2,
                                          &pos, &n), 413);
}


typedef struct {
    u_char     got[256];
    size_t     len;
    sl_uint_t  calls;
    sl_uint_t  fail_at;          /* data() fails at this call, 0 never */
} t_body_t;


static sl_int_t
t_body_data(void *ctx, u_char *data, size_t len)
{
    t_body_t  *tb = ctx;

    if (++tb->calls == tb->fail_at || tb->len + len > sizeof(tb->got)) {
        return SL_ERROR;
    }

    memcpy(tb->got + tb->len, data, len);
    tb->len += len;

    return SL_OK;
}


/* every split of a body, by length, chunked and until close */
static void
test_http_body(void)
{
    u_char          chunked[] = "3\r\nabc\r\n5;x=y\r\ndefgh\r\n0\r\n\r\n";
    u_char          plain[] = "abcdefghXYZ";
    size_t          cut, n;
    sl_int_t        rc, last;
    t_body_t        tb;
    sl_http_body_t  b;

    for (cut = 0; cut <= sizeof(chunked) - 1; cut++) {
        sl_memzero(&tb, sizeof(tb));
        sl_http_body_init(&b, -1, 1);

        rc = sl_http_body(&b, chunked, cut, t_body_data, &tb);
        last = sl_http_body(&b, chunked + cut, sizeof(chunked) - 1 - cut,
                            t_body_data, &tb);

        CU_ASSERT(rc == SL_OK || (rc == SL_DONE && cut == sizeof(chunked) - 1));
        CU_ASSERT_EQUAL(last, SL_DONE);
        CU_ASSERT_EQUAL(tb.len, 8);
        CU_ASSERT(memcmp(tb.got, "abcdefgh", 8) == 0);
    }

    /* Content-Length 8: the bytes after it are not the body's */
    for (cut = 0; cut <= 11; cut++) {
        sl_memzero(&tb, sizeof(tb));
        sl_http_body_init(&b, 8, 0);

        rc = sl_http_body(&b, plain, cut, t_body_data, &tb);
        n = (cut >= 8) ? 0 : 11 - cut;
        last = (cut >= 8) ? rc : sl_http_body(&b, plain + cut, n,
                                              t_body_data, &tb);

        CU_ASSERT_EQUAL(last, SL_DONE);
        CU_ASSERT_EQUAL(tb.len, 8);
        CU_ASSERT(memcmp(tb.got, "abcdefgh", 8) == 0);
    }

    /* until close: everything is body, it never ends by itself */
    sl_memzero(&tb, sizeof(tb));
    sl_http_body_init(&b, -1, 0);
    CU_ASSERT_EQUAL(sl_http_body(&b, plain, 11, t_body_data, &tb), SL_OK);
    CU_ASSERT_EQUAL(tb.len, 11);

    /* data() failing stops at once; a malformed chunk is its status */
    sl_memzero(&tb, sizeof(tb));
    tb.fail_at = 2;
    sl_http_body_init(&b, -1, 1);
    CU_ASSERT_EQUAL(sl_http_body(&b, chunked, sizeof(chunked) - 1,
                                 t_body_data, &tb), SL_ERROR);
    CU_ASSERT_EQUAL(tb.len, 3);

    sl_memzero(&tb, sizeof(tb));
    sl_http_body_init(&b, -1, 1);
    CU_ASSERT_EQUAL(sl_http_body(&b, (u_char *) "zz\r\n", 4, t_body_data,
                                 &tb), 400);
    CU_ASSERT_PTR_NOT_NULL(b.chunked.error);
}


SL_UNIT_SUITE(sl_http_parse,
    { "methods", test_http_methods },
    { "request line invalid", test_http_request_line_invalid },
    { "version", test_http_version },
    { "prefixes", test_http_prefixes },
    { "headers", test_http_headers },
    { "headers invalid", test_http_headers_invalid },
    { "NUL and bare CR", test_http_nul_cr },
    { "header limits", test_http_header_limits },
    { "Content-Length", test_http_content_length },
    { "Transfer-Encoding", test_http_transfer_encoding },
    { "Host", test_http_host },
    { "Expect", test_http_expect },
    { "keep-alive", test_http_keep_alive },
    { "pipelined", test_http_pipelined },
    { "URI path", test_http_uri_path },
    { "chunked splits", test_http_chunked_splits },
    { "chunked", test_http_chunked },
    { "chunked invalid", test_http_chunked_invalid },
    { "chunked too large", test_http_chunked_too_large },
    { "bodies by length, chunks, close", test_http_body })
