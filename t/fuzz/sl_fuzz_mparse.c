/*
 * libFuzzer target for the media parsers (core/sl_media_parser.c and the
 * parse hooks of modules/format): the first byte picks the format (bit
 * 0: MP3 or MPEG-TS) and how the rest is cut into pieces (bits 1-7: 0,
 * random pieces; else pieces of that many bytes, 1 to 127).  The rest is
 * parsed whole, then in those pieces: the units must be the same.  Each
 * unit must be of its format (a frame header, whole TS packets), times
 * never go back, the title is UTF-8 without controls.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../unit/core/sl_media_parser_fixture.h"


static sl_open_file_t  sl_fuzz_log_file = { -1, sl_string("none") };
static sl_log_t        sl_fuzz_log = { .log_level = SL_LOG_STDERR,
                                       .file = &sl_fuzz_log_file };


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_mparse: %s\n", what);
    abort();
}


/* well-formed UTF-8 (RFC 3629) without C0 controls or DEL */
static int
sl_fuzz_utf8(const u_char *p, size_t len)
{
    size_t    i, n, k;
    uint32_t  c;

    for (i = 0; i < len; i += n) {
        c = p[i];

        if (c < 0x20 || c == 0x7f) {
            return 0;
        }

        n = (c < 0x80) ? 1 : (c >= 0xc2 && c < 0xe0) ? 2
            : (c >= 0xe0 && c < 0xf0) ? 3 : (c >= 0xf0 && c < 0xf5) ? 4 : 0;

        if (n == 0 || i + n > len) {
            return 0;
        }

        c &= (n == 1) ? 0x7f : (0xff >> (n + 1));

        for (k = 1; k < n; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return 0;
            }

            c = (c << 6) | (p[i + k] & 0x3f);
        }

        if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000)
            || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
        {
            return 0;
        }
    }

    return 1;
}


static void
sl_fuzz_units(const sl_mparse_run_t *run, sl_uint_t ts)
{
    int64_t                  prev;
    sl_uint_t                i;
    const u_char            *p;
    const sl_mparse_unit_t  *u;

    prev = 0;

    for (i = 0; i < run->n; i++) {
        u = &run->units[i];
        p = run->data + u->off;

        if (ts) {
            sl_fuzz_check(u->len % 188 == 0 && u->len <= 7 * 188,
                          "TS unit length");
            sl_fuzz_check(p[0] == 0x47, "TS unit without sync");
            sl_fuzz_check(u->track.codec == SL_CODEC_MP2T
                          && u->track.timescale == 90000, "TS track");
            sl_fuzz_check(u->dts >= prev, "dts went back");

        } else {
            sl_fuzz_check(u->len >= 4 && u->len <= 2881, "frame length");
            sl_fuzz_check(p[0] == 0xff && (p[1] & 0xe0) == 0xe0,
                          "frame without sync");
            sl_fuzz_check(u->keyframe && u->track.codec == SL_CODEC_MPA
                          && u->track.timescale == u->track.sample_rate,
                          "MP3 track");
            sl_fuzz_check(u->duration == 384 || u->duration == 576
                          || u->duration == 1152, "frame duration");

            /* at a change of rate dts is converted, down to a sample */
            sl_fuzz_check(u->dts >= prev || (i > 0
                          && u->track.sample_rate
                             != run->units[i - 1].track.sample_rate),
                          "dts went back");
        }

        sl_fuzz_check(u->pts == u->dts && u->duration >= 0, "pts, duration");
        sl_fuzz_check(u->ntracks == 1, "ntracks");

        prev = u->dts;
    }

    sl_fuzz_check(sl_fuzz_utf8(run->title, run->title_len), "title");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t            piece;
    sl_uint_t         ts;
    const char       *format, *diff;
    sl_mparse_run_t   whole, cut;

    if (size < 1) {
        return 0;
    }

    ts = data[0] & 1;
    format = ts ? "mpegts" : "mp3";
    piece = (data[0] >> 1) ? (size_t) (data[0] >> 1) : SL_MPARSE_RANDOM;

    data++;
    size = sl_min(size - 1, (size_t) SL_MEDIA_PARSER_FEED_MAX);

    sl_fuzz_check(sl_mparse_run(format, data, size, 0, 0, 0, &sl_fuzz_log,
                                &whole)
                  == SL_OK, "no run");
    sl_fuzz_check(whole.error == NULL && !whole.feed_failed,
                  whole.error ? whole.error : "feed failed");

    sl_fuzz_units(&whole, ts);

    sl_fuzz_check(sl_mparse_run(format, data, size, piece, 300, size,
                                &sl_fuzz_log, &cut)
                  == SL_OK, "no run");
    sl_fuzz_check(cut.error == NULL && !cut.feed_failed,
                  cut.error ? cut.error : "feed failed");

    diff = sl_mparse_diff(&whole, &cut);
    sl_fuzz_check(diff == NULL, diff);

    sl_mparse_free(&whole);
    sl_mparse_free(&cut);

    return 0;
}
