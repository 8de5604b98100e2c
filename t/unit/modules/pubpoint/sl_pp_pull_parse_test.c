/*
 * Unit tests for modules/pubpoint/sl_pp_pull_parse.c: the backoff
 * schedule, response heads, ICY metadata taken out of a stream split
 * anywhere, RTSP Session, Transport and Public values, RTCP BYE.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_pp_pull.h>
#include "../../sl_unit.h"


static int
str_is(const sl_str_t *s, const char *text)
{
    return s->len == strlen(text)
           && (s->len == 0 || memcmp(s->data, text, s->len) == 0);
}


static sl_str_t
str(const char *text)
{
    sl_str_t  s;

    s.data = (u_char *) text;
    s.len = strlen(text);

    return s;
}


static void
test_backoff(void)
{
    sl_uint_t        i;
    sl_pp_backoff_t  b;

    static const sl_msec_t  want[] = {
        500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000
    };

    sl_pp_backoff_init(&b, 500, 30000);

    for (i = 0; i < sl_nelems(want); i++) {
        CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), want[i]);
    }

    CU_ASSERT_EQUAL(b.failures, sl_nelems(want));

    /* a stream that ran too short a time keeps the delays growing */
    sl_pp_backoff_ended(&b, 9999, 10000);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 30000);

    /* one that worked for a while starts them over */
    sl_pp_backoff_ended(&b, 10000, 10000);
    CU_ASSERT_EQUAL(b.failures, 0);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 500);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 1000);

    /* a cap that is not a power of two times min is reached, not passed */
    sl_pp_backoff_init(&b, 300, 1000);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 300);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 600);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 1000);
    CU_ASSERT_EQUAL(sl_pp_backoff_next(&b), 1000);
}


static void
test_response(void)
{
    size_t                  len, i;
    sl_pp_pull_response_t   r;

    static const char  head[] =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: audio/mpeg\r\n"
        "icy-metaint:16000\r\n"
        "X-Empty:\r\n"
        "\r\n"
        "\xff\xfb";

    len = sizeof(head) - 1;

    CU_ASSERT_EQUAL_FATAL(sl_pp_pull_parse_response((u_char *) head, len,
                                                    &r), SL_OK);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT(str_is(&r.protocol, "HTTP/1.1"));
    CU_ASSERT(str_is(&r.reason, "OK"));
    CU_ASSERT_EQUAL(r.head_len, len - 2);
    CU_ASSERT_EQUAL(r.content_length, -1);
    CU_ASSERT_FALSE(r.chunked);
    CU_ASSERT_EQUAL(r.nheaders, 3);
    CU_ASSERT(str_is(sl_pp_pull_header(&r, "content-type"), "audio/mpeg"));
    CU_ASSERT(str_is(sl_pp_pull_header(&r, "ICY-METAINT"), "16000"));
    CU_ASSERT(str_is(sl_pp_pull_header(&r, "X-Empty"), ""));
    CU_ASSERT_PTR_NULL(sl_pp_pull_header(&r, "Location"));

    /* every cut before the empty line wants more */
    for (i = 0; i < len - 2; i++) {
        CU_ASSERT_EQUAL(sl_pp_pull_parse_response((u_char *) head, i, &r),
                        SL_AGAIN);
    }

    /* ICY, LF line ends, no reason */
    CU_ASSERT_EQUAL_FATAL(sl_pp_pull_parse_response(
        (u_char *) "ICY 200\nicy-name: x\n\n", 21, &r), SL_OK);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT(str_is(&r.protocol, "ICY"));
    CU_ASSERT_EQUAL(r.reason.len, 0);
    CU_ASSERT_EQUAL(r.head_len, 21);

    /* RTSP with a body length; chunked HTTP */
    CU_ASSERT_EQUAL_FATAL(sl_pp_pull_parse_response((u_char *)
        "RTSP/1.0 404 Not Found\r\nCSeq: 3\r\nContent-Length: 12\r\n\r\n",
        55, &r), SL_OK);
    CU_ASSERT_EQUAL(r.status, 404);
    CU_ASSERT(str_is(&r.reason, "Not Found"));
    CU_ASSERT_EQUAL(r.content_length, 12);
    CU_ASSERT(str_is(sl_pp_pull_header(&r, "cseq"), "3"));

    CU_ASSERT_EQUAL_FATAL(sl_pp_pull_parse_response((u_char *)
        "HTTP/1.1 302 Found\r\nTransfer-Encoding: chunked\r\n"
        "Location: /x\r\n\r\n", 64, &r), SL_OK);
    CU_ASSERT_EQUAL(r.status, 302);
    CU_ASSERT_TRUE(r.chunked);
    CU_ASSERT(str_is(sl_pp_pull_header(&r, "location"), "/x"));
}


static void
test_response_refused(void)
{
    sl_uint_t               i;
    sl_str_t                s;
    sl_pp_pull_response_t   r;

    static const char  *bad[] = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 600 Odd\r\n\r\n",
        "HTTP/1.1\r\n\r\n",
        "SIP/2.0 200 OK\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "HTTP/1.1 200 OK\rX: y\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    };

    for (i = 0; i < sl_nelems(bad); i++) {
        s = str(bad[i]);

        if (sl_pp_pull_parse_response(s.data, s.len, &r) != SL_ERROR) {
            CU_FAIL("a bad response was taken");
            fprintf(stderr, "taken: \"%s\"\n", bad[i]);

        } else {
            CU_ASSERT_PTR_NOT_NULL(r.error);
        }
    }

    /* the same length twice is one length */
    s = str("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
            "Content-Length: 5\r\n\r\n");
    CU_ASSERT_EQUAL(sl_pp_pull_parse_response(s.data, s.len, &r), SL_OK);
    CU_ASSERT_EQUAL(r.content_length, 5);
}


/* more fields than kept: taken, the first ones kept */
static void
test_response_many(void)
{
    u_char                 *p, buf[8192];
    sl_uint_t               i;
    sl_pp_pull_response_t   r;

    p = sl_cpymem(buf, "HTTP/1.0 200 OK\r\n", 17);

    for (i = 0; i < SL_PP_PULL_MAX_HEADERS + 10; i++) {
        p += sprintf((char *) p, "X-%lu: v\r\n", (unsigned long) i);
    }

    p = sl_cpymem(p, "\r\n", 2);

    CU_ASSERT_EQUAL(sl_pp_pull_parse_response(buf, p - buf, &r), SL_OK);
    CU_ASSERT_EQUAL(r.nheaders, SL_PP_PULL_MAX_HEADERS);
    CU_ASSERT_EQUAL(r.head_len, (size_t) (p - buf));
}


/* an ICY stream: 10 bytes of audio, a block, ... */
static size_t
icy_stream(u_char *buf, const char **titles, sl_uint_t n, size_t metaint)
{
    size_t      len, k, j;
    sl_uint_t   i;
    u_char     *p;

    p = buf;

    for (i = 0; i < n; i++) {
        for (j = 0; j < metaint; j++) {
            *p++ = (u_char) ('a' + (i * metaint + j) % 26);
        }

        if (titles[i] == NULL) {
            *p++ = 0;
            continue;
        }

        len = sprintf((char *) p + 1, "StreamTitle='%s';StreamUrl='';",
                      titles[i]);
        k = (len + 15) / 16;
        memset(p + 1 + len, 0, k * 16 - len);
        *p = (u_char) k;
        p += 1 + k * 16;
    }

    /* some audio after the last block */
    for (j = 0; j < metaint / 2; j++) {
        *p++ = (u_char) ('a' + (n * metaint + j) % 26);
    }

    return p - buf;
}


static void
test_icy(void)
{
    size_t        len, split, got, n, total;
    sl_uint_t     changes;
    sl_pp_icy_t  *icy;
    u_char        stream[4096], buf[4096], audio[4096], want[4096];

    static const char  *titles[] = {
        "Band - Song", NULL, "Band - Song", "It's a 'quote'", "Last"
    };

    len = icy_stream(stream, titles, 5, 10);

    /* the audio alone */
    for (n = 0; n < 55; n++) {
        want[n] = (u_char) ('a' + n % 26);
    }

    icy = malloc(sizeof(sl_pp_icy_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(icy);

    /* split in two anywhere: each piece is stripped where it lies */
    for (split = 0; split <= len; split++) {
        sl_pp_icy_init(icy, 10);
        memcpy(buf, stream, len);
        changes = 0;

        got = sl_pp_icy_strip(icy, buf, split);
        memcpy(audio, buf, got);
        total = got;
        changes += icy->title_changed;
        icy->title_changed = 0;

        got = sl_pp_icy_strip(icy, buf + split, len - split);
        memcpy(audio + total, buf + split, got);
        total += got;
        changes += icy->title_changed;

        CU_ASSERT_EQUAL(total, 55);
        CU_ASSERT_EQUAL(memcmp(audio, want, 55), 0);
        CU_ASSERT(str_is(&icy->title, "Last"));
        CU_ASSERT(changes >= 1);
    }

    /* in one piece: the audio bytes are exactly the stream's */
    sl_pp_icy_init(icy, 10);
    memcpy(buf, stream, len);
    got = sl_pp_icy_strip(icy, buf, len);
    CU_ASSERT_EQUAL(got, 55);
    CU_ASSERT_EQUAL(memcmp(buf, want, 55), 0);

    /* byte by byte: each byte is audio or not; three changes of title */
    sl_pp_icy_init(icy, 10);
    total = 0;
    changes = 0;

    for (n = 0; n < len; n++) {
        buf[0] = stream[n];

        if (sl_pp_icy_strip(icy, buf, 1) == 1) {
            audio[total++] = buf[0];
        }

        changes += icy->title_changed;
        icy->title_changed = 0;
    }

    CU_ASSERT_EQUAL(changes, 3);
    CU_ASSERT_EQUAL(total, 55);
    CU_ASSERT_EQUAL(memcmp(audio, want, 55), 0);

    free(icy);
}


static void
test_icy_title(void)
{
    sl_str_t  t;

    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "StreamTitle='A - B';", 20,
                                    &t), SL_OK);
    CU_ASSERT(str_is(&t, "A - B"));

    /* a quote inside; padding; no closing ";" */
    CU_ASSERT_EQUAL(sl_pp_icy_title(
        (u_char *) "StreamUrl='u';StreamTitle='It's';\0\0\0", 37, &t), SL_OK);
    CU_ASSERT(str_is(&t, "It's"));

    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "StreamTitle='x'", 15, &t),
                    SL_OK);
    CU_ASSERT(str_is(&t, "x"));

    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "StreamTitle=''", 14, &t),
                    SL_OK);
    CU_ASSERT_EQUAL(t.len, 0);

    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "StreamUrl='x';", 14, &t),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "StreamTitl", 10, &t),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(sl_pp_icy_title((u_char *) "\0StreamTitle='x';", 17, &t),
                    SL_DECLINED);
}


static void
test_rtsp(void)
{
    sl_str_t   v, id;
    sl_uint_t  timeout, a, b;

    v = str("12345678;timeout=20");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_OK);
    CU_ASSERT(str_is(&id, "12345678"));
    CU_ASSERT_EQUAL(timeout, 20);

    v = str("abc");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_OK);
    CU_ASSERT(str_is(&id, "abc"));
    CU_ASSERT_EQUAL(timeout, 60);

    v = str("abc ; foo=1; Timeout=5");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_OK);
    CU_ASSERT(str_is(&id, "abc"));
    CU_ASSERT_EQUAL(timeout, 5);

    v = str(";timeout=5");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_ERROR);
    v = str("x;timeout=0");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_ERROR);
    v = str("x;timeout=y");
    CU_ASSERT_EQUAL(sl_pp_rtsp_session(&v, &id, &timeout), SL_ERROR);

    v = str("RTP/AVP/TCP;unicast;interleaved=4-5;ssrc=1234");
    CU_ASSERT_EQUAL(sl_pp_rtsp_interleaved(&v, &a, &b), SL_OK);
    CU_ASSERT_EQUAL(a, 4);
    CU_ASSERT_EQUAL(b, 5);

    v = str("RTP/AVP/TCP;interleaved=7");
    CU_ASSERT_EQUAL(sl_pp_rtsp_interleaved(&v, &a, &b), SL_OK);
    CU_ASSERT_EQUAL(a, 7);
    CU_ASSERT_EQUAL(b, 8);

    v = str("RTP/AVP;unicast;client_port=5000-5001");
    CU_ASSERT_EQUAL(sl_pp_rtsp_interleaved(&v, &a, &b), SL_ERROR);
    v = str("RTP/AVP/TCP;interleaved=256-257");
    CU_ASSERT_EQUAL(sl_pp_rtsp_interleaved(&v, &a, &b), SL_ERROR);
    v = str("RTP/AVP/TCP;xinterleaved=2-3");
    CU_ASSERT_EQUAL(sl_pp_rtsp_interleaved(&v, &a, &b), SL_ERROR);

    v = str("OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER");
    CU_ASSERT_TRUE(sl_pp_rtsp_public_has(&v, "GET_PARAMETER"));
    CU_ASSERT_TRUE(sl_pp_rtsp_public_has(&v, "OPTIONS"));
    CU_ASSERT_FALSE(sl_pp_rtsp_public_has(&v, "GET"));
    CU_ASSERT_FALSE(sl_pp_rtsp_public_has(&v, "SET_PARAMETER"));
    v = str("");
    CU_ASSERT_FALSE(sl_pp_rtsp_public_has(&v, "OPTIONS"));
}


static void
test_rtcp_bye(void)
{
    /* SR (28 bytes) then BYE; a lone RR; a truncated length */
    static const u_char  sr_bye[] = {
        0x80, 200, 0x00, 0x06, 0, 0, 0, 1,  0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0,
        0x81, 203, 0x00, 0x01, 0, 0, 0, 1
    };
    static const u_char  rr[] = { 0x80, 201, 0x00, 0x01, 0, 0, 0, 1 };
    static const u_char  cut[] = {
        0x80, 200, 0x00, 0x40, 0, 0, 0, 1,  0x81, 203, 0x00, 0x01
    };
    static const u_char  v1[] = { 0x41, 203, 0x00, 0x01, 0, 0, 0, 1 };

    CU_ASSERT_TRUE(sl_pp_rtcp_has_bye(sr_bye, sizeof(sr_bye)));
    CU_ASSERT_TRUE(sl_pp_rtcp_has_bye(sr_bye + 28, 8));
    CU_ASSERT_FALSE(sl_pp_rtcp_has_bye(sr_bye, 28));
    CU_ASSERT_FALSE(sl_pp_rtcp_has_bye(rr, sizeof(rr)));
    CU_ASSERT_FALSE(sl_pp_rtcp_has_bye(cut, sizeof(cut)));
    CU_ASSERT_FALSE(sl_pp_rtcp_has_bye(v1, sizeof(v1)));
    CU_ASSERT_FALSE(sl_pp_rtcp_has_bye(sr_bye, 3));
}


/* RTP-Info items, each url and rtptime */
static void
test_rtp_info(void)
{
    u_char     *p, *end;
    uint32_t    ts;
    sl_str_t    url;
    sl_uint_t   has, n;
    char        got[512], *g;

    static const char  *cases[][2] = {
        { "url=rtsp://h/a/trackID=0;seq=1;rtptime=100,"
          "url=rtsp://h/a/trackID=1;seq=2;rtptime=4294967295",
          "[rtsp://h/a/trackID=0 100][rtsp://h/a/trackID=1 4294967295]" },
        { "url=trackID=1;rtptime=7 , url=trackID=0; seq=9",
          "[trackID=1 7][trackID=0 -]" },
        { "seq=1;rtptime=5,rtptime=4294967296,rtptime=-1,,",
          "[ 5][ -][ -]" },
        { "RTPTIME=12;URL=x", "[x 12]" },
        { "", "" },
        { " , ,", "" },
    };

    for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
        p = (u_char *) cases[n][0];
        end = p + strlen(cases[n][0]);
        g = got;
        *g = '\0';

        while (sl_pp_rtp_info_next(&p, end, &url, &ts, &has) == SL_OK) {
            g += has ? snprintf(g, got + sizeof(got) - g, "[%.*s %u]",
                                (int) url.len, url.data, (unsigned) ts)
                     : snprintf(g, got + sizeof(got) - g, "[%.*s -]",
                                (int) url.len, url.data);
        }

        CU_ASSERT_STRING_EQUAL(got, cases[n][1]);
        CU_ASSERT_PTR_EQUAL(p, end);
    }
}


SL_UNIT_SUITE(sl_pp_pull_parse,
    { "backoff schedule", test_backoff },
    { "response heads", test_response },
    { "refused response heads", test_response_refused },
    { "many fields", test_response_many },
    { "ICY metadata out of the stream", test_icy },
    { "StreamTitle", test_icy_title },
    { "RTSP Session, Transport, Public", test_rtsp },
    { "RTCP BYE", test_rtcp_bye },
    { "RTP-Info", test_rtp_info })
