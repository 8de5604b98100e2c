/*
 * Unit tests for core/sl_media_parser.c: formats by Content-Type,
 * creating parsers, the buffer's cap, reset.  The formats' own parsing
 * is tested in t/unit/modules/format/sl_format_*_stream_test.c.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"


#define T_FRAME     417                 /* MPEG-1 layer III 128k 44.1k */


static sl_open_file_t  t_log_file = { STDERR_FILENO, sl_string("stderr") };
static sl_log_t        t_quiet = { .log_level = SL_LOG_CRIT,
                                   .file_level = SL_LOG_CRIT,
                                   .file = &t_log_file };


static const char *
t_format(const char *type)
{
    sl_str_t  s;

    s.data = (u_char *) type;
    s.len = strlen(type);

    return sl_media_parser_format(&s);
}


static void
test_content_type(void)
{
    static const struct {
        const char  *type;
        const char  *format;
    } tests[] = {
        { "audio/mpeg", "mp3" },
        { "audio/mp3", "mp3" },
        { "Audio/MPEG", "mp3" },
        { " audio/mpeg ; charset=x", "mp3" },
        { "video/mp2t", "mpegts" },
        { "video/MP2T", "mpegts" },
        { "video/MP2T;program=1", "mpegts" },
        { "audio/mpegurl", NULL },
        { "audio/mpe", NULL },
        { "audio/aac", NULL },
        { "video/mp4", NULL },
        { "", NULL },
        { ";", NULL },
    };

    size_t       i;
    const char  *f;

    for (i = 0; i < sl_nelems(tests); i++) {
        f = t_format(tests[i].type);

        if (tests[i].format == NULL) {
            CU_ASSERT_PTR_NULL(f);

        } else {
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            CU_ASSERT_STRING_EQUAL(f, tests[i].format);
        }
    }
}


static void
test_create(void)
{
    sl_media_parser_t  *p;

    p = sl_media_parser_create(sl_unit_pool(), "mp3", &t_quiet);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->ntracks, 0);
    CU_ASSERT_EQUAL(p->title.len, 0);
    CU_ASSERT_PTR_NOT_NULL(p->title.data);

    CU_ASSERT_PTR_NOT_NULL(sl_media_parser_create(sl_unit_pool(), "mpegts",
                                                  &t_quiet));

    /* a reader that cannot stream, and no reader at all */
    CU_ASSERT_PTR_NULL(sl_media_parser_create(sl_unit_pool(), "mp4",
                                              &t_quiet));
    CU_ASSERT_PTR_NULL(sl_media_parser_create(sl_unit_pool(), "ogg",
                                              &t_quiet));
}


/*
 * Bytes that are fed and not parsed stay until the cap: past it a feed
 * fails, and parsing drops the garbage (all but what may start a frame).
 */
static void
test_cap(void)
{
    u_char             *junk;
    sl_media_unit_t     mu;
    sl_media_parser_t  *p;

    junk = sl_pcalloc(sl_unit_pool(), SL_MEDIA_PARSER_FEED_MAX);
    CU_ASSERT_FATAL(junk != NULL);

    p = sl_media_parser_create(sl_unit_pool(), "mp3", &t_quiet);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    CU_ASSERT_EQUAL(sl_media_parser_feed(p, junk, SL_MEDIA_PARSER_FEED_MAX),
                    SL_OK);
    CU_ASSERT_EQUAL(sl_media_parser_feed(p, junk, SL_MEDIA_PARSER_FEED_MAX),
                    SL_OK);
    CU_ASSERT_EQUAL(sl_media_parser_feed(p, junk, 1), SL_ERROR);

    CU_ASSERT_EQUAL(sl_media_parser_next(p, &mu), SL_AGAIN);
    CU_ASSERT_EQUAL(p->bytes_skipped, 2 * SL_MEDIA_PARSER_FEED_MAX - 3);

    CU_ASSERT_EQUAL(sl_media_parser_feed(p, junk, SL_MEDIA_PARSER_FEED_MAX),
                    SL_OK);
    CU_ASSERT_EQUAL(sl_media_parser_next(p, &mu), SL_AGAIN);
    CU_ASSERT_EQUAL(p->bytes_skipped, 3 * SL_MEDIA_PARSER_FEED_MAX - 3);
}


/* an ID3v2.4 tag titled "T" and n frames of T_FRAME bytes */
static size_t
t_stream(u_char *buf, sl_uint_t n)
{
    u_char     *p;
    sl_uint_t   i;

    p = sl_cpymem(buf, "ID3\x04\0\0\0\0\0\x0c" "TIT2\0\0\0\x02\0\0\x03T", 22);

    for (i = 0; i < n; i++) {
        memset(p, 0x55, T_FRAME);
        sl_memcpy(p, "\xff\xfb\x90\x00", 4);
        p += T_FRAME;
    }

    return p - buf;
}


static void
test_reset(void)
{
    u_char              buf[22 + 10 * T_FRAME];
    size_t              len;
    sl_uint_t           n;
    sl_media_unit_t     mu;
    sl_media_parser_t  *p;

    p = sl_media_parser_create(sl_unit_pool(), "mp3", &t_quiet);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    len = t_stream(buf, 10);

    CU_ASSERT_EQUAL(sl_media_parser_feed(p, (u_char *) "xyz", 3), SL_OK);
    CU_ASSERT_EQUAL(sl_media_parser_feed(p, buf, len - 100), SL_OK);

    for (n = 0; sl_media_parser_next(p, &mu) == SL_OK; n++) {
        CU_ASSERT_EQUAL(mu.dts, (int64_t) n * 1152);
        CU_ASSERT_EQUAL(mu.len, T_FRAME);
        CU_ASSERT(mu.data[0] == 0xff && mu.data[4] == 0x55);
    }

    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(p->ntracks, 1);
    CU_ASSERT_EQUAL(p->tracks[0].sample_rate, 44100);
    CU_ASSERT_EQUAL(p->tracks_changed, 1);
    CU_ASSERT_EQUAL(p->title_changed, 1);
    CU_ASSERT_EQUAL(p->title.len, 1);
    CU_ASSERT_EQUAL(p->bytes_skipped, 3);

    /* a new stream: the cut frame is forgotten, the times start again */

    sl_media_parser_reset(p);

    CU_ASSERT_EQUAL(p->ntracks, 0);
    CU_ASSERT_EQUAL(p->tracks_changed, 0);
    CU_ASSERT_EQUAL(p->title_changed, 0);
    CU_ASSERT_EQUAL(p->title.len, 0);
    CU_ASSERT_EQUAL(p->bytes_skipped, 0);
    CU_ASSERT_EQUAL(sl_media_parser_next(p, &mu), SL_AGAIN);

    CU_ASSERT_EQUAL(sl_media_parser_feed(p, buf + 22, 3 * T_FRAME), SL_OK);

    for (n = 0; sl_media_parser_next(p, &mu) == SL_OK; n++) {
        CU_ASSERT_EQUAL(mu.dts, (int64_t) n * 1152);
    }

    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(p->tracks_changed, 1);
    CU_ASSERT_EQUAL(p->title_changed, 0);
    CU_ASSERT_EQUAL(p->bytes_skipped, 0);
}


SL_UNIT_SUITE(sl_media_parser,
    { "formats by Content-Type", test_content_type },
    { "create", test_create },
    { "the buffer's cap", test_cap },
    { "reset", test_reset })
