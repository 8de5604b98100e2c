/*
 * Unit tests for modules/format/sl_format_mp3_stream.c, the MP3 parser,
 * on streams built here: layer III frames, ID3v2 tags of every version
 * and text encoding, garbage and false syncs, changes of rate and
 * channels.  Every stream is parsed whole, checked, then parsed again in
 * pieces of every size (sl_media_parser_fixture.h): the units must not
 * change.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "../../core/sl_media_parser_fixture.h"


#define T_MAX          (512 * 1024)
#define T_FRAMES       512

/* MPEG-1 layer III, 128 kbit/s, no CRC: 44.1, 48 and 32 kHz */
#define T_H44          0xfffb9000
#define T_H48          0xfffb9400
#define T_H32          0xfffb9800
#define T_MONO         0x000000c0
#define T_PAD          0x00000200
/* MPEG-2 layer III, 64 kbit/s, 22.05 kHz */
#define T_H22          0xfff38000


typedef struct {
    u_char           data[T_MAX];
    size_t           len;
    size_t           off[T_FRAMES];    /* of each audio frame */
    size_t           flen[T_FRAMES];
    int64_t          dts[T_FRAMES];
    uint32_t         rate[T_FRAMES];
    uint32_t         channels[T_FRAMES];
    sl_uint_t        n;
    int64_t          samples;          /* dts of the next frame */
    uint32_t         last_rate;
    size_t           garbage;
} t_stream_t;


static t_stream_t  s;


static void
t_put(const void *p, size_t len)
{
    CU_ASSERT_FATAL(s.len + len <= T_MAX);
    sl_memcpy(s.data + s.len, p, len);
    s.len += len;
}


static void
t_put32(u_char *p, uint32_t v)
{
    p[0] = (u_char) (v >> 24);
    p[1] = (u_char) (v >> 16);
    p[2] = (u_char) (v >> 8);
    p[3] = (u_char) v;
}


/* the rate and frame length of the layer III headers above, by hand */
static uint32_t
t_rate(uint32_t h)
{
    static const uint32_t  rates[3] = { 44100, 48000, 32000 };

    return rates[(h >> 10) & 3] >> (((h >> 19) & 3) == 3 ? 0 : 1);
}


static size_t
t_frame_len(uint32_t h)
{
    sl_uint_t  mpeg1;

    mpeg1 = (((h >> 19) & 3) == 3);

    return (mpeg1 ? 144 * 128000 : 72 * 64000) / t_rate(h)
           + ((h & T_PAD) ? 1 : 0);
}


/*
 * An audio frame of header h (its body holds no sync pattern), noted
 * with its expected dts: samples of its rate, the count going on from
 * the same time when the rate changes.
 */
static void
t_frame(uint32_t h)
{
    size_t    len;
    uint32_t  rate;

    CU_ASSERT_FATAL(s.n < T_FRAMES);

    len = t_frame_len(h);
    rate = t_rate(h);

    CU_ASSERT_FATAL(s.len + len <= T_MAX);

    if (s.last_rate && rate != s.last_rate) {
        s.samples = s.samples * rate / s.last_rate;
    }

    s.last_rate = rate;

    t_put32(s.data + s.len, h);
    memset(s.data + s.len + 4, 0x55, len - 4);
    s.data[s.len + 5] = (u_char) s.n;

    s.off[s.n] = s.len;
    s.flen[s.n] = len;
    s.dts[s.n] = s.samples;
    s.rate[s.n] = rate;
    s.channels[s.n] = (h & T_MONO) == T_MONO ? 1 : 2;
    s.n++;

    s.samples += (((h >> 19) & 3) == 3) ? 1152 : 576;
    s.len += len;
}


/* n frames at 44.1 kHz padded the way encoders do: 417.96 bytes each */
static void
t_frames44(sl_uint_t n)
{
    sl_uint_t  i;
    uint64_t   a, b;

    for (i = 0; i < n; i++) {
        a = (uint64_t) s.n * 1152 * 16000 / 44100;
        b = (uint64_t) (s.n + 1) * 1152 * 16000 / 44100;
        t_frame(T_H44 | ((b - a == 418) ? T_PAD : 0));
    }
}


/* an Info frame (LAME's, ffmpeg's): a silent frame holding a VBR tag */
static void
t_info_frame(void)
{
    size_t  len;

    len = t_frame_len(T_H44);
    CU_ASSERT_FATAL(s.len + len <= T_MAX);

    sl_memzero(s.data + s.len, len);
    t_put32(s.data + s.len, T_H44);
    sl_memcpy(s.data + s.len + 36, "Info\0\0\0\x01\0\0\0\x64", 12);
    s.len += len;
}


static void
t_garbage(const void *p, size_t len)
{
    t_put(p, len);
    s.garbage += len;
}


static void
t_syncsafe(u_char *p, size_t v)
{
    p[0] = (u_char) ((v >> 21) & 0x7f);
    p[1] = (u_char) ((v >> 14) & 0x7f);
    p[2] = (u_char) ((v >> 7) & 0x7f);
    p[3] = (u_char) (v & 0x7f);
}


/* an ID3v2 frame of version ver into q: header, then data */
static size_t
t_id3_frame(u_char *q, sl_uint_t ver, const char *id, u_char flags,
    const void *data, size_t len)
{
    if (ver == 2) {
        sl_memcpy(q, id, 3);
        q[3] = (u_char) (len >> 16);
        q[4] = (u_char) (len >> 8);
        q[5] = (u_char) len;
        sl_memcpy(q + 6, data, len);
        return 6 + len;
    }

    sl_memcpy(q, id, 4);

    if (ver == 3) {
        t_put32(q + 4, (uint32_t) len);

    } else {
        t_syncsafe(q + 4, len);
    }

    q[8] = 0;
    q[9] = flags;
    sl_memcpy(q + 10, data, len);

    return 10 + len;
}


/* an ID3v2 tag of version ver around body (len bytes), then padding */
static void
t_id3(sl_uint_t ver, u_char flags, const u_char *body, size_t len,
    size_t padding)
{
    u_char  h[10];

    sl_memcpy(h, "ID3", 3);
    h[3] = (u_char) ver;
    h[4] = 0;
    h[5] = flags;
    t_syncsafe(h + 6, len + padding);

    t_put(h, 10);
    t_put(body, len);

    CU_ASSERT_FATAL(s.len + padding <= T_MAX);
    sl_memzero(s.data + s.len, padding);
    s.len += padding;
}


/* the 0xff 0x00 of unsynchronisation after every 0xff */
static size_t
t_unsync(u_char *dst, const u_char *src, size_t len)
{
    size_t  i, n;

    for (i = 0, n = 0; i < len; i++) {
        dst[n++] = src[i];

        if (src[i] == 0xff) {
            dst[n++] = 0x00;
        }
    }

    return n;
}


static void
t_reset(void)
{
    sl_memzero(&s, sizeof(t_stream_t));
}


/* the units of a whole run against the frames built */
static void
t_check_frames(const sl_mparse_run_t *run)
{
    sl_uint_t                i;
    const sl_mparse_unit_t  *u;

    CU_ASSERT_PTR_NULL(run->error);
    CU_ASSERT_EQUAL(run->feed_failed, 0);
    CU_ASSERT_EQUAL_FATAL(run->n, s.n);

    for (i = 0; i < run->n; i++) {
        u = &run->units[i];

        CU_ASSERT_EQUAL(u->len, s.flen[i]);
        CU_ASSERT(memcmp(run->data + u->off, s.data + s.off[i], u->len) == 0);
        CU_ASSERT_EQUAL(u->dts, s.dts[i]);
        CU_ASSERT_EQUAL(u->pts, s.dts[i]);
        CU_ASSERT_EQUAL(u->duration, s.rate[i] > 24000 ? 1152 : 576);
        CU_ASSERT_EQUAL(u->keyframe, 1);
        CU_ASSERT_EQUAL(u->ntracks, 1);
        CU_ASSERT_EQUAL(u->track.codec, SL_CODEC_MPA);
        CU_ASSERT_EQUAL(u->track.timescale, s.rate[i]);
        CU_ASSERT_EQUAL(u->track.sample_rate, s.rate[i]);
        CU_ASSERT_EQUAL(u->track.channels, s.channels[i]);
    }
}


/* a whole run, checked against the frames, then every kind of pieces */
static void
t_run(sl_mparse_run_t *ref, sl_uint_t many)
{
    size_t             pieces[64];
    sl_uint_t          i, n;
    const char        *diff;
    static const size_t  more[] = { 100, 417, 418, 1000, 4096, 65536 };

    CU_ASSERT_EQUAL_FATAL(sl_mparse_run("mp3", s.data, s.len, 0, 0, 0,
                                        sl_unit_log(), ref),
                          SL_OK);
    t_check_frames(ref);
    CU_ASSERT_EQUAL(ref->skipped, s.garbage);

    n = 0;

    for (i = 1; i <= (many ? 40 : 3); i++) {
        pieces[n++] = i;
    }

    for (i = 0; i < sl_nelems(more); i++) {
        pieces[n++] = more[i];
    }

    diff = sl_mparse_splits("mp3", s.data, s.len, ref, pieces, n,
                            many ? 24 : 4, 3000, sl_unit_log());
    if (diff) {
        fprintf(stderr, "\n  %s\n", diff);
    }

    CU_ASSERT_PTR_NULL(diff);
}


static void
t_title_is(const sl_mparse_run_t *run, const char *title)
{
    CU_ASSERT_EQUAL(run->title_len, strlen(title));
    CU_ASSERT(memcmp(run->title, title, run->title_len) == 0);

    if (run->title_len != strlen(title)
        || memcmp(run->title, title, run->title_len) != 0)
    {
        fprintf(stderr, "\n  title \"%.*s\", not \"%s\"\n",
                (int) run->title_len, run->title, title);
    }
}


/*
 * Garbage first: a header whose frame is followed by junk, one followed
 * by a header of another rate, "ID3" of version 5, with a bad size, with
 * an undefined flag;
 * then ffmpeg's start (an ID3v2.4 tag and an Info frame), 60 frames,
 * garbage, 40 frames.  All garbage dropped and counted, no false sync.
 */
static void
test_frames(void)
{
    u_char           g[600], body[64];
    size_t           n;
    sl_mparse_run_t  ref;

    t_reset();

    memset(g, 0x33, sizeof(g));
    t_put32(g + 5, T_H44);                      /* junk 417 bytes on */
    t_put32(g + 40, T_H44 | T_PAD);
    t_put32(g + 40 + 418, T_H48);               /* another rate */
    sl_memcpy(g + 300, "ID3\x05\0\0\0\0\0\x10", 10);
    sl_memcpy(g + 320, "ID3\x04\0\0\0\x80\0\x10", 10);
    sl_memcpy(g + 340, "ID3\x03\0\x10\0\0\0\x10", 10);
    g[599] = 0xff;
    t_garbage(g, sizeof(g));

    n = t_id3_frame(body, 4, "TIT2", 0, "\x03Title", 6);
    n += t_id3_frame(body + n, 4, "TPE1", 0, "\x03" "Artist", 7);
    t_id3(4, 0, body, n, 10);
    t_info_frame();
    t_frames44(60);

    memset(g, 0xff, 3);
    memset(g + 3, 0x20, 47);
    t_garbage(g, 50);

    t_frames44(40);

    t_run(&ref, 1);

    t_title_is(&ref, "Artist - Title");
    CU_ASSERT_EQUAL(ref.title_changes, 1);
    CU_ASSERT_EQUAL(ref.units[0].title_changes, 1);
    CU_ASSERT_EQUAL(ref.tracks_changes, 1);
    CU_ASSERT_EQUAL(ref.units[0].track.bitrate, 128000);
    CU_ASSERT_EQUAL(ref.units[0].track.duration, -1);

    sl_mparse_free(&ref);
}


/* one tag, then three frames: the title it gives */
static void
t_tag_title(sl_uint_t ver, u_char flags, const u_char *body, size_t len,
    const char *title)
{
    sl_mparse_run_t  ref;

    t_reset();
    t_id3(ver, flags, body, len, 0);
    t_frames44(3);

    t_run(&ref, 0);
    t_title_is(&ref, title);
    CU_ASSERT_EQUAL(ref.title_changes, title[0] ? 1 : 0);

    sl_mparse_free(&ref);
}


static void
test_id3_v23(void)
{
    size_t       n, m;
    u_char       body[256], text[64], raw[128];
    static const u_char  t16le[] = { 0x01, 0xff, 0xfe, 'T', 0, 0xef, 0,
                                     't', 0, 0, 0 };
    static const u_char  a16le[] = { 0x01, 0xff, 0xfe, 0xc4, 0, 'r', 0 };
    static const u_char  t16be[] = { 0x01, 0xfe, 0xff, 0, 'x', 0xd8, 0x3c,
                                     0xdf, 0xb5, 0, 'y' };

    /* UTF-16 with a little-endian BOM; the NUL after the title ends it */
    n = t_id3_frame(body, 3, "TIT2", 0, t16le, sizeof(t16le));
    n += t_id3_frame(body + n, 3, "TPE1", 0, a16le, sizeof(a16le));
    t_tag_title(3, 0, body, n, "\xc3\x84r - T\xc3\xaft");

    /* big-endian BOM, a pair of surrogates: U+1F3B5 */
    n = t_id3_frame(body, 3, "TIT2", 0, t16be, sizeof(t16be));
    t_tag_title(3, 0, body, n, "x\xf0\x9f\x8e\xb5y");

    /* unsynchronisation of the whole tag: 0xff 0x00 in it is 0xff */
    m = t_id3_frame(raw, 3, "TIT2", 0, "\x00\xff\xe9t\xff", 5);
    m += t_id3_frame(raw + m, 3, "TPE1", 0, "\x00Z", 2);
    n = t_unsync(body, raw, m);
    CU_ASSERT(n > m);
    t_tag_title(3, 0x80, body, n, "Z - \xc3\xbf\xc3\xa9t\xc3\xbf");

    /* an extended header (its size leaves out its own 4 bytes) */
    sl_memcpy(body, "\0\0\0\x06\0\0\0\0\0\0", 10);
    n = 10 + t_id3_frame(body + 10, 3, "TIT2", 0, "\x00" "Ext", 4);
    t_tag_title(3, 0x40, body, n, "Ext");

    /* a compressed title is not read; a grouped artist is */
    n = t_id3_frame(body, 3, "TIT2", 0x80, "\0\0\0\x05xxxxx", 9);
    n += t_id3_frame(body + n, 3, "TPE1", 0x20, "\x07\x00Grp", 5);
    t_tag_title(3, 0, body, n, "Grp");

    /* none of the two: no title */
    n = t_id3_frame(body, 3, "TALB", 0, "\x00" "Album", 6);
    t_tag_title(3, 0, body, n, "");

    /* controls are left out, ISO-8859-1 becomes UTF-8 */
    sl_memcpy(text, "\x00" "a\tb\nc\xe9", 7);
    n = t_id3_frame(body, 3, "TIT2", 0, text, 7);
    t_tag_title(3, 0, body, n, "abc\xc3\xa9");
}


static void
test_id3_v24(void)
{
    size_t           n, m, i;
    u_char           body[1024], data[700], raw[64];
    sl_mparse_run_t  ref;
    static const u_char  t16[] = { 0x02, 0x04, 0x14, 0, 'b' };   /* Дb */

    /* UTF-8, several values: the first one */
    n = t_id3_frame(body, 4, "TIT2", 0, "\x03One\0Two", 8);
    t_tag_title(4, 0, body, n, "One");

    /* UTF-16BE without a BOM */
    n = t_id3_frame(body, 4, "TIT2", 0, t16, sizeof(t16));
    t_tag_title(4, 0, body, n, "\xd0\x94" "b");

    /* malformed UTF-8: U+FFFD */
    n = t_id3_frame(body, 4, "TIT2", 0, "\x03" "a\xc3(\xf8", 5);
    t_tag_title(4, 0, body, n, "a\xef\xbf\xbd(\xef\xbf\xbd");

    /* a frame unsynchronised, with a data length indicator and a group */
    m = t_unsync(raw + 5, (u_char *) "\x00\xff\xffq", 4);
    sl_memcpy(raw, "\x01\0\0\0\x04", 5);
    n = t_id3_frame(body, 4, "TIT2", 0x43, raw, 5 + m);
    t_tag_title(4, 0, body, n, "\xc3\xbf\xc3\xbfq");

    /* the tag's unsynchronisation flag: every frame is */
    m = t_unsync(raw, (u_char *) "\x00\xffx\xff", 4);
    n = t_id3_frame(body, 4, "TIT2", 0, raw, m);
    t_tag_title(4, 0x80, body, n, "\xc3\xbfx\xc3\xbf");

    /* an extended header (syncsafe size, its own bytes counted) */
    sl_memcpy(body, "\0\0\0\x06\x01\0", 6);
    n = 6 + t_id3_frame(body + 6, 4, "TPE1", 0, "\x03" "Solo", 5);
    t_tag_title(4, 0x40, body, n, "Solo");

    /* an encrypted frame is not read */
    n = t_id3_frame(body, 4, "TIT2", 0x04, "\x01\x03Secret", 8);
    n += t_id3_frame(body + n, 4, "TPE1", 0, "\x03" "Open", 5);
    t_tag_title(4, 0, body, n, "Open");

    /* a size that is not syncsafe (200 bytes, as some writers put it) */
    data[0] = 0x03;
    memset(data + 1, 'w', 199);
    n = t_id3_frame(body, 3, "TIT2", 0, data, 200);
    t_tag_title(4, 0, body, n,
                "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"
                "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"
                "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"
                "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww");

    /* a long title is cut on a character boundary: 5 + 253 * 2 bytes */
    data[0] = 0x00;
    memset(data + 1, 0xe9, 300);
    n = t_id3_frame(body, 4, "TPE1", 0, "\x00" "AB", 3);
    n += t_id3_frame(body + n, 4, "TIT2", 0, data, 301);

    t_reset();
    t_id3(4, 0, body, n, 0);
    t_frames44(2);
    t_run(&ref, 0);

    CU_ASSERT_EQUAL(ref.title_len, 5 + 253 * 2);
    CU_ASSERT(memcmp(ref.title, "AB - \xc3\xa9", 7) == 0);

    for (i = 5; i < ref.title_len; i += 2) {
        CU_ASSERT(ref.title[i] == 0xc3 && ref.title[i + 1] == 0xa9);
    }

    sl_mparse_free(&ref);
}


static void
test_id3_v22(void)
{
    size_t  n;
    u_char  body[64];

    n = t_id3_frame(body, 2, "TP1", 0, "\x00" "Old", 4);
    n += t_id3_frame(body + n, 2, "TT2", 0, "\x00" "Tag", 4);
    t_tag_title(2, 0, body, n, "Old - Tag");

    /* compression in v2.2 was never defined: the tag is skipped unread */
    t_tag_title(2, 0x40, body, n, "");
}


/*
 * Tags between frames: the title changes where they are, a tag with the
 * same title changes nothing, the frames and their times go on.
 */
static void
test_title_changes(void)
{
    size_t           n;
    u_char           body[64];
    sl_uint_t        i;
    sl_mparse_run_t  ref;

    t_reset();
    t_frames44(10);
    n = t_id3_frame(body, 3, "TIT2", 0, "\x00One", 4);
    t_id3(3, 0, body, n, 100);
    t_frames44(10);
    n = t_id3_frame(body, 4, "TIT2", 0, "\x03Two", 4);
    t_id3(4, 0, body, n, 0);
    t_frames44(10);
    t_id3(4, 0, body, n, 5);
    t_frames44(5);

    t_run(&ref, 1);

    CU_ASSERT_EQUAL(ref.n, 35);
    CU_ASSERT_EQUAL(ref.skipped, 0);
    CU_ASSERT_EQUAL(ref.title_changes, 2);
    t_title_is(&ref, "Two");

    for (i = 0; i < ref.n; i++) {
        CU_ASSERT_EQUAL(ref.units[i].title_changes,
                        i < 10 ? 0 : i < 20 ? 1 : 2);
    }

    sl_mparse_free(&ref);
}


/*
 * 44.1 kHz stereo, then 48 kHz, 48 kHz mono, MPEG-2 at 22.05 kHz and 32
 * kHz: each change describes the track again and the dts goes on from
 * the same time in the new rate.
 */
static void
test_rate_change(void)
{
    sl_uint_t        i;
    sl_mparse_run_t  ref;

    t_reset();
    t_frames44(20);

    for (i = 0; i < 20; i++) {
        t_frame(T_H48);
    }

    for (i = 0; i < 10; i++) {
        t_frame(T_H48 | T_MONO);
    }

    for (i = 0; i < 10; i++) {
        t_frame(T_H22);
    }

    for (i = 0; i < 10; i++) {
        t_frame(T_H32);
    }

    t_run(&ref, 1);

    CU_ASSERT_EQUAL(ref.tracks_changes, 5);
    CU_ASSERT_EQUAL(ref.units[19].tracks_changes, 1);
    CU_ASSERT_EQUAL(ref.units[20].tracks_changes, 2);
    CU_ASSERT_EQUAL(ref.units[40].tracks_changes, 3);
    CU_ASSERT_EQUAL(ref.units[50].tracks_changes, 4);
    CU_ASSERT_EQUAL(ref.units[60].tracks_changes, 5);

    /* by hand: 20 * 1152 samples at 44.1 kHz are 25077.5 at 48 kHz */
    CU_ASSERT_EQUAL(ref.units[20].dts, 25077);
    CU_ASSERT_EQUAL(ref.units[50].dts, (25077 + 30 * 1152) * 22050 / 48000);
    CU_ASSERT_EQUAL(ref.units[50].duration, 576);
    CU_ASSERT_EQUAL(ref.skipped, 0);

    sl_mparse_free(&ref);
}


/*
 * Tags longer than the parser keeps (cover art): the first one's title
 * comes before its picture and is read, the second one's comes after
 * 64 KB and is not; both are skipped as they arrive, not buffered.
 */
static void
test_big_tags(void)
{
    size_t           n;
    u_char          *body, *pic;
    sl_mparse_run_t  ref;

    body = sl_pnalloc(sl_unit_pool(), 200 * 1024);
    pic = sl_pnalloc(sl_unit_pool(), 100 * 1024);
    CU_ASSERT_FATAL(body != NULL && pic != NULL);

    memset(pic, 0xff, 100 * 1024);

    t_reset();
    t_frames44(2);
    n = t_id3_frame(body, 4, "TIT2", 0, "\x03" "Cover", 6);
    n += t_id3_frame(body + n, 4, "APIC", 0, pic, 100 * 1024);
    t_id3(4, 0, body, n, 0);
    t_frames44(5);

    n = t_id3_frame(body, 3, "APIC", 0, pic, 80 * 1024);
    n += t_id3_frame(body + n, 3, "TIT2", 0, "\x00Late", 5);
    t_id3(3, 0, body, n, 0);
    t_frames44(5);

    CU_ASSERT(s.len > SL_MEDIA_PARSER_MAX / 2);

    t_run(&ref, 0);

    t_title_is(&ref, "Cover");
    CU_ASSERT_EQUAL(ref.title_changes, 1);
    CU_ASSERT_EQUAL(ref.units[1].title_changes, 0);
    CU_ASSERT_EQUAL(ref.units[2].title_changes, 1);
    CU_ASSERT_EQUAL(ref.skipped, 0);

    sl_mparse_free(&ref);
}


SL_UNIT_SUITE(sl_format_mp3_stream,
    { "frames, garbage and false syncs in every split", test_frames },
    { "ID3v2.3 titles: UTF-16, unsynchronisation", test_id3_v23 },
    { "ID3v2.4 titles: encodings, frame flags, long", test_id3_v24 },
    { "ID3v2.2 titles", test_id3_v22 },
    { "tags between frames change the title", test_title_changes },
    { "changes of rate and channels", test_rate_change },
    { "tags longer than the buffer", test_big_tags })
