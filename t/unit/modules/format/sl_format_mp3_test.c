/*
 * Unit tests for modules/format/sl_format_mp3.c, on streams built here
 * frame by frame: CBR, VBR with Xing and VBRI tags, ID3 tags, junk,
 * truncation, MPEG-2 and 2.5, layers I and II, and seeking.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


#define T_MAX_FILE    (256 * 1024)
#define T_MAX_FRAMES  512

/* version bits: 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5; layer bits: 1 III, 3 I */
#define T_V1   3
#define T_V2   2
#define T_V25  0
#define T_L1   3
#define T_L2   2
#define T_L3   1


typedef struct {
    u_char     data[T_MAX_FILE];
    size_t     len;
    size_t     off[T_MAX_FRAMES];      /* of each audio frame */
    size_t     flen[T_MAX_FRAMES];
    sl_uint_t  n;
} t_file_t;


static t_file_t          f;
static sl_media_file_t   mf;
static const sl_format_t *mp3;


static uint32_t
hdr(sl_uint_t version, sl_uint_t layer, sl_uint_t br, sl_uint_t sr,
    sl_uint_t pad, sl_uint_t mono)
{
    return 0xffe00000 | (version << 19) | (layer << 17) | (1 << 16)
           | (br << 12) | (sr << 10) | (pad << 9) | ((mono ? 3 : 0) << 6);
}


/* the frame length that the header gives, computed the long way */
static size_t
frame_len(uint32_t h)
{
    static const uint32_t  kbps[2][3][15] = {
        { { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384,
            416, 448 },
          { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
            384 },
          { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256,
            320 } },
        { { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224,
            256 },
          { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
          { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 } }
    };
    static const uint32_t  rates[4][3] = {
        { 11025, 12000, 8000 }, { 0, 0, 0 }, { 22050, 24000, 16000 },
        { 44100, 48000, 32000 }
    };

    sl_uint_t  v, l, lsf, pad;
    uint32_t   br, sr;

    v = (h >> 19) & 3;
    l = 4 - ((h >> 17) & 3);
    lsf = (v != 3);
    pad = (h >> 9) & 1;
    br = kbps[lsf][l - 1][(h >> 12) & 15] * 1000;
    sr = rates[v][(h >> 10) & 3];

    if (l == 1) {
        return (12 * br / sr + pad) * 4;
    }

    if (l == 3 && lsf) {
        return 72 * br / sr + pad;
    }

    return 144 * br / sr + pad;
}


static void
put(const void *p, size_t len)
{
    CU_ASSERT_FATAL(f.len + len <= T_MAX_FILE);
    sl_memcpy(f.data + f.len, p, len);
    f.len += len;
}


static void
put32(u_char *p, uint32_t v)
{
    p[0] = (u_char) (v >> 24);
    p[1] = (u_char) (v >> 16);
    p[2] = (u_char) (v >> 8);
    p[3] = (u_char) v;
}


/* a frame of h with a body that holds no sync pattern; returns its offset */
static size_t
frame(uint32_t h, sl_uint_t audio)
{
    size_t  len, off;

    len = frame_len(h);
    off = f.len;

    CU_ASSERT_FATAL(off + len <= T_MAX_FILE);

    put32(f.data + off, h);
    memset(f.data + off + 4, 0x55, len - 4);
    f.data[off + 4] = (u_char) f.n;
    f.len += len;

    if (audio) {
        CU_ASSERT_FATAL(f.n < T_MAX_FRAMES);
        f.off[f.n] = off;
        f.flen[f.n] = len;
        f.n++;
    }

    return off;
}


/*
 * n CBR frames of MPEG-1 layer III, 128 kbit/s, 44.1 kHz, padded the way
 * encoders do it, so that frame i starts at i * 417.96 bytes
 */
static void
cbr_frames(sl_uint_t n)
{
    sl_uint_t  i, pad;
    uint64_t   a, b;

    for (i = 0; i < n; i++) {
        a = (uint64_t) i * 1152 * 16000 / 44100;
        b = (uint64_t) (i + 1) * 1152 * 16000 / 44100;
        pad = (b - a == 418);
        frame(hdr(T_V1, T_L3, 9, 0, pad, 0), 1);
    }
}


static void
reset(void)
{
    sl_memzero(&f, sizeof(t_file_t));
}


static sl_int_t
open_mem(void)
{
    mp3 = sl_media_format("mp3");
    CU_ASSERT_FATAL(mp3 != NULL);

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = SL_INVALID_FILE;
    mf.mem = f.data;
    mf.size = f.len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();
    mf.duration_msec = -1;

    return mp3->open(&mf);
}


/* reads to the end: checks every unit against the frames built */
static void
read_all(sl_uint_t from, int64_t spf)
{
    sl_int_t         rc;
    sl_uint_t        i;
    sl_media_unit_t  mu;

    for (i = from; i < f.n; i++) {
        rc = mp3->read(&mf, &mu);
        CU_ASSERT_EQUAL_FATAL(rc, SL_OK);
        CU_ASSERT_EQUAL(mu.track, 0);
        CU_ASSERT_EQUAL(mu.dts, (int64_t) i * spf);
        CU_ASSERT_EQUAL(mu.pts, mu.dts);
        CU_ASSERT_EQUAL(mu.duration, spf);
        CU_ASSERT_EQUAL(mu.keyframe, 1);
        CU_ASSERT_EQUAL(mu.len, f.flen[i]);
        CU_ASSERT(mu.data == f.data + f.off[i]);
    }

    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_DONE);
    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_DONE);
}


/* seeks to msec and checks that the next unit is frame k */
static void
seek_to(int64_t msec, sl_uint_t k, int64_t spf)
{
    sl_media_unit_t  mu;

    CU_ASSERT_EQUAL_FATAL(mp3->seek(&mf, msec), SL_OK);
    CU_ASSERT_EQUAL(mf.start_msec,
                    sl_media_to_msec((int64_t) k * spf,
                                     mf.tracks[0].timescale));
    CU_ASSERT(mf.start_msec <= msec || msec < 0);

    CU_ASSERT_EQUAL_FATAL(mp3->read(&mf, &mu), SL_OK);
    CU_ASSERT_EQUAL(mu.dts, (int64_t) k * spf);
    CU_ASSERT(mu.data == f.data + f.off[k]);
}


static void
test_header(void)
{
    /* ISO/IEC 11172-3 examples and the extremes of each table */
    CU_ASSERT_EQUAL(frame_len(hdr(T_V1, T_L3, 9, 0, 0, 0)), 417);
    CU_ASSERT_EQUAL(frame_len(hdr(T_V1, T_L3, 9, 0, 1, 0)), 418);
    CU_ASSERT_EQUAL(frame_len(hdr(T_V1, T_L1, 14, 2, 0, 0)), 672);
    CU_ASSERT_EQUAL(frame_len(hdr(T_V2, T_L2, 14, 2, 1, 0)), 1441);
    CU_ASSERT_EQUAL(frame_len(hdr(T_V25, T_L2, 14, 2, 1, 0)), 2881);
    CU_ASSERT_EQUAL(frame_len(hdr(T_V25, T_L3, 1, 1, 0, 1)), 48);
}


static void
test_cbr(void)
{
    reset();
    cbr_frames(100);

    mp3 = sl_media_format("mp3");
    CU_ASSERT_FATAL(mp3 != NULL);
    CU_ASSERT(mp3->probe(f.data, sl_min(f.len, 4096)) >= 90);
    CU_ASSERT(mp3->probe(f.data, 600) == 70);     /* the third is cut */

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.ntracks, 1);
    CU_ASSERT_EQUAL(mf.tracks[0].codec, SL_CODEC_MPA);
    CU_ASSERT_EQUAL(mf.tracks[0].timescale, 44100);
    CU_ASSERT_EQUAL(mf.tracks[0].sample_rate, 44100);
    CU_ASSERT_EQUAL(mf.tracks[0].channels, 2);
    CU_ASSERT_EQUAL(mf.tracks[0].bitrate, 128000);
    /* from the size: 100 frames, less a byte's worth of samples */
    CU_ASSERT(mf.tracks[0].duration > 100 * 1152 - 4
              && mf.tracks[0].duration <= 100 * 1152);
    CU_ASSERT_EQUAL(mf.duration_msec, 100 * 1152 * 1000 / 44100);

    read_all(0, 1152);

    /* 1000 ms = 44100 samples = frame 38.28 */
    seek_to(1000, 38, 1152);
    seek_to(0, 0, 1152);
    seek_to(-5, 0, 1152);
    seek_to(2612, 99, 1152);
    seek_to(100000, 99, 1152);                   /* past the end: last */

    /* dts go on from the seek point */
    seek_to(1000, 38, 1152);
    read_all(39, 1152);
}


static void
test_cbr_seek_all(void)
{
    sl_uint_t  k;
    int64_t    msec;

    reset();
    cbr_frames(60);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);

    /* every frame's start, and just before the next one's */
    for (k = 0; k < 60; k++) {
        msec = ((int64_t) k * 1152 * 1000 + 44099) / 44100;
        seek_to(msec, k, 1152);

        msec = ((int64_t) (k + 1) * 1152 * 1000) / 44100 - 1;
        if (k < 59) {
            seek_to(msec, k, 1152);
        }
    }
}


/* a Xing (or Info) frame for the frames built since start */
static void
xing(size_t at, const char *tag, sl_uint_t with_toc)
{
    u_char     *p;
    size_t      off, bytes;
    sl_uint_t   i, k;

    p = f.data + at + 4 + 32;      /* MPEG-1 stereo side info */
    sl_memcpy(p, tag, 4);
    put32(p + 4, with_toc ? 0x0f : 0x03);
    put32(p + 8, f.n);
    bytes = f.len - at;
    put32(p + 12, bytes);

    if (with_toc) {
        for (i = 0; i < 100; i++) {
            k = i * f.n / 100;
            off = f.off[k] - at;
            p[16 + i] = (u_char) (off * 256 / bytes);
        }

        put32(p + 116, 50);
    }
}


static void
vbr_frames(sl_uint_t n)
{
    static const sl_uint_t  br[] = { 9, 5, 11, 7, 13, 6, 10 };
    sl_uint_t               i;

    for (i = 0; i < n; i++) {
        frame(hdr(T_V1, T_L3, br[i % sl_nelems(br)], 0, 0, 0), 1);
    }
}


static void
test_xing(void)
{
    size_t     tag;
    sl_uint_t  k;
    int64_t    msec;

    reset();
    tag = frame(hdr(T_V1, T_L3, 9, 0, 0, 0), 0);
    vbr_frames(120);
    xing(tag, "Xing", 1);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 120 * 1152);
    CU_ASSERT_EQUAL(mf.duration_msec, 120 * 1152 * 1000 / 44100);
    CU_ASSERT_EQUAL(mf.tracks[0].bitrate,
                    (uint32_t) ((uint64_t) f.len * 8 * 44100 / (120 * 1152)));

    read_all(0, 1152);

    /* the TOC: i% of the time is frame i * 120 / 100 */
    for (k = 1; k < 100; k += 7) {
        msec = ((int64_t) k * 120 * 1152 * 10 + 44099) / 44100;
        seek_to(msec, k * 120 / 100, 1152);
    }

    seek_to(0, 0, 1152);
    seek_to(1000000, 99 * 120 / 100, 1152);
}


static void
test_info_cbr(void)
{
    size_t  tag;

    /* LAME's CBR: an Info tag, seeking from the bitrate, not the TOC */
    reset();
    tag = frame(hdr(T_V1, T_L3, 9, 0, 0, 0), 0);
    cbr_frames(50);
    xing(tag, "Info", 1);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 50 * 1152);
    CU_ASSERT_EQUAL(mf.tracks[0].bitrate, 128000);

    read_all(0, 1152);
    seek_to(1000, 38, 1152);
    seek_to(100000, 49, 1152);
}


static void
test_xing_no_toc(void)
{
    size_t  tag;

    reset();
    tag = frame(hdr(T_V1, T_L3, 9, 0, 0, 0), 0);
    vbr_frames(40);
    xing(tag, "Xing", 0);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 40 * 1152);

    /* scanned: exact */
    seek_to(500, 19, 1152);
    seek_to(100000, 39, 1152);
    read_all(40, 1152);
}


static void
test_vbri(void)
{
    u_char  *p;
    size_t   tag;

    reset();
    tag = frame(hdr(T_V1, T_L3, 9, 0, 0, 0), 0);
    vbr_frames(30);

    p = f.data + tag + 36;
    sl_memcpy(p, "VBRI", 4);
    p[4] = 0; p[5] = 1;                         /* version */
    put32(p + 10, f.len - tag);
    put32(p + 14, 30);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 30 * 1152);
    CU_ASSERT_EQUAL(mf.duration_msec, 30 * 1152 * 1000 / 44100);

    read_all(0, 1152);
    seek_to(300, 11, 1152);
    seek_to(26, 0, 1152);
    seek_to(27, 1, 1152);
}


static void
test_id3(void)
{
    u_char  id3[10];
    u_char  ape[50 + 32];
    u_char  v1[128];

    reset();

    /* ID3v2.4 with a footer: 10 + 5000 + 10 bytes, a fake frame inside */
    sl_memcpy(id3, "ID3\x04\x00\x10", 6);
    id3[6] = 0;
    id3[7] = 5000 >> 14;
    id3[8] = (5000 >> 7) & 0x7f;
    id3[9] = 5000 & 0x7f;
    put(id3, 10);
    memset(f.data + f.len, 0, 5010);
    put32(f.data + f.len + 100, hdr(T_V1, T_L3, 9, 0, 0, 0));
    put32(f.data + f.len + 517, hdr(T_V1, T_L3, 9, 0, 0, 0));
    f.len += 5010;

    cbr_frames(20);

    /* an APEv2 tag (items holding a sync pattern, footer), then ID3v1 */
    memset(ape, 0xff, sizeof(ape));
    sl_memcpy(ape + 50, "APETAGEX\xd0\x07\0\0\x52\0\0\0", 16);
    memset(ape + 66, 0, 16);
    put(ape, sizeof(ape));

    memset(v1, 0xff, sizeof(v1));
    sl_memcpy(v1, "TAG", 3);
    put(v1, 128);

    mp3 = sl_media_format("mp3");
    CU_ASSERT_EQUAL(mp3->probe(f.data, 4096), 50);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT(mf.tracks[0].duration > 20 * 1152 - 4
              && mf.tracks[0].duration <= 20 * 1152);

    read_all(0, 1152);
    seek_to(200, 7, 1152);
}


static void
test_junk(void)
{
    static const u_char  junk[] = "\xff\xfb\x90\x00junk\xff\xe0\xff\xff\xff"
                                  "\x00\xff\xfb\x90\x44more junk";
    sl_uint_t            i;

    reset();
    put("garbage!", 8);

    for (i = 0; i < 30; i++) {
        frame(hdr(T_V1, T_L3, (i & 1) ? 9 : 10, 1, 0, 1), 1);

        if (i % 7 == 3) {
            put(junk, sizeof(junk) - 1);
        }
    }

    mp3 = sl_media_format("mp3");
    CU_ASSERT(mp3->probe(f.data, 4096) == 45);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].sample_rate, 48000);
    CU_ASSERT_EQUAL(mf.tracks[0].channels, 1);

    read_all(0, 1152);
    seek_to(0, 0, 1152);
    read_all(1, 1152);
}


static void
test_truncated(void)
{
    sl_media_unit_t  mu;

    reset();
    cbr_frames(10);
    f.len -= 100;
    f.n--;

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    read_all(0, 1152);

    /* only three bytes after the frames */
    reset();
    cbr_frames(3);
    put("\xff\xfb\x90", 3);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    read_all(0, 1152);

    /* a single frame cut short: nothing to read */
    reset();
    cbr_frames(1);
    f.len -= 1;
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);
    CU_ASSERT(mf.error != NULL);

    /* lost sync for good: more junk than a resync may skip */
    reset();
    cbr_frames(3);
    memset(f.data + f.len, 0x11, 100000);
    f.len += 100000;
    cbr_frames(3);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_OK);
    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_OK);
    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_OK);
    CU_ASSERT_EQUAL(mp3->read(&mf, &mu), SL_ERROR);
    CU_ASSERT(mf.error != NULL);
}


static void
test_mpeg2(void)
{
    sl_uint_t  i;

    /* MPEG-2 layer III, 22.05 kHz, 64 kbit/s: 576 samples, 208/209 bytes */
    reset();
    for (i = 0; i < 50; i++) {
        frame(hdr(T_V2, T_L3, 8, 0, i & 1, 0), 1);
    }

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(f.flen[0], 208);
    CU_ASSERT_EQUAL(mf.tracks[0].timescale, 22050);
    CU_ASSERT_EQUAL(mf.tracks[0].bitrate, 64000);
    read_all(0, 576);
    seek_to(500, 19, 576);

    /* MPEG-2 with a Xing tag after its 17-byte side info */
    reset();
    frame(hdr(T_V2, T_L3, 8, 0, 0, 0), 0);
    for (i = 0; i < 20; i++) {
        frame(hdr(T_V2, T_L3, 4 + (i % 5), 0, 0, 0), 1);
    }
    sl_memcpy(f.data + 4 + 17, "Xing\x00\x00\x00\x01", 8);
    put32(f.data + 4 + 17 + 8, 20);

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 20 * 576);
    read_all(0, 576);
    seek_to(200, 7, 576);

    /* MPEG-2.5 layer III, 8 kHz mono */
    reset();
    for (i = 0; i < 20; i++) {
        frame(hdr(T_V25, T_L3, 2, 2, 0, 1), 1);
    }

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].sample_rate, 8000);
    CU_ASSERT_EQUAL(mf.tracks[0].channels, 1);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 20 * 576);
    read_all(0, 576);
}


static void
test_layers(void)
{
    sl_uint_t  i;

    /* layer I, 44.1 kHz, 384 kbit/s: 384 samples, 4-byte slots */
    reset();
    for (i = 0; i < 25; i++) {
        frame(hdr(T_V1, T_L1, 12, 0, i % 3 == 0, 0), 1);
    }

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(f.flen[1], 416);
    CU_ASSERT_EQUAL(f.flen[0], 420);
    read_all(0, 384);
    seek_to(100, 11, 384);

    /* layer II, 48 kHz, 192 kbit/s */
    reset();
    for (i = 0; i < 25; i++) {
        frame(hdr(T_V1, T_L2, 10, 1, 0, 0), 1);
    }

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    CU_ASSERT_EQUAL(f.flen[0], 576);
    CU_ASSERT_EQUAL(mf.tracks[0].duration, 25 * 1152);
    read_all(0, 1152);
    seek_to(240, 10, 1152);

    /* layer II, MPEG-2 (LSF): 1152 samples still */
    reset();
    for (i = 0; i < 10; i++) {
        frame(hdr(T_V2, T_L2, 14, 0, 0, 0), 1);
    }

    CU_ASSERT_EQUAL_FATAL(open_mem(), SL_OK);
    read_all(0, 1152);
}


static void
test_reject(void)
{
    sl_uint_t  i;

    mp3 = sl_media_format("mp3");

    /* free format, reserved version, layer, rate, bad bitrate */
    reset();
    for (i = 0; i < 5; i++) {
        put32(f.data + f.len, hdr(T_V1, T_L3, 0, 0, 0, 0));
        memset(f.data + f.len + 4, 0x55, 400);
        f.len += 404;
    }
    CU_ASSERT_EQUAL(mp3->probe(f.data, f.len), 0);
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);

    reset();
    for (i = 0; i < 5; i++) {
        frame(hdr(T_V1, T_L3, 9, 0, 0, 0), 1);
    }
    f.data[1] = 0xe0 | (1 << 3) | (T_L3 << 1);           /* version 01 */
    f.data[f.off[1] + 1] = 0xe0 | (T_V1 << 3);           /* layer 00 */
    f.data[f.off[2] + 2] |= 0x0c;                        /* rate 11 */
    f.data[f.off[3] + 2] |= 0xf0;                        /* bitrate 15 */
    f.data[f.off[4]] = 0;
    CU_ASSERT_EQUAL(mp3->probe(f.data, f.len), 0);
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);

    /* not MP3 at all; an empty file; an ID3v2 tag past the end */
    reset();
    put("\x47\x40\x00\x10", 4);
    CU_ASSERT_EQUAL(mp3->probe(f.data, f.len), 0);
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);

    reset();
    CU_ASSERT_EQUAL(mp3->probe(f.data, 0), 0);
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);

    reset();
    put("ID3\x03\x00\x00\x00\x00\x7f\x7f", 10);
    CU_ASSERT_EQUAL(open_mem(), SL_ERROR);
}


/* through a real file and pread(), over more than one 64 KB window */
static void
test_fd(void)
{
    int               fd;
    char              name[] = "/tmp/sl_mp3_test_XXXXXX";
    sl_str_t          path;

    reset();
    cbr_frames(400);

    fd = mkstemp(name);
    CU_ASSERT_FATAL(fd != -1);
    CU_ASSERT_FATAL(write(fd, f.data, f.len) == (ssize_t) f.len);
    unlink(name);

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = fd;
    mf.size = f.len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();

    path.data = (u_char *) "x/a.mp3";
    path.len = 7;

    CU_ASSERT_EQUAL_FATAL(sl_media_open(&mf, &path), SL_OK);
    CU_ASSERT_STRING_EQUAL(mf.format->name, "mp3");
    mp3 = mf.format;

    {
        sl_int_t         rc;
        sl_uint_t        i;
        sl_media_unit_t  mu;

        CU_ASSERT_EQUAL(mp3->seek(&mf, 5000), SL_OK);
        CU_ASSERT_EQUAL(mf.start_msec, 191 * 1152 * 1000 / 44100);

        for (i = 191; (rc = mp3->read(&mf, &mu)) == SL_OK; i++) {
            CU_ASSERT_EQUAL(mu.dts, (int64_t) i * 1152);
            CU_ASSERT_EQUAL(mu.len, f.flen[i]);
            CU_ASSERT(memcmp(mu.data, f.data + f.off[i], mu.len) == 0);
        }

        CU_ASSERT_EQUAL(rc, SL_DONE);
        CU_ASSERT_EQUAL(i, 400);
    }

    close(fd);
}


SL_UNIT_SUITE(sl_format_mp3,
    { "frame lengths", test_header },
    { "CBR", test_cbr },
    { "CBR seek to every frame", test_cbr_seek_all },
    { "VBR with Xing and TOC", test_xing },
    { "Info tag (CBR)", test_info_cbr },
    { "Xing without TOC", test_xing_no_toc },
    { "VBRI", test_vbri },
    { "ID3v2, APEv2 and ID3v1", test_id3 },
    { "junk between frames", test_junk },
    { "truncated and lost", test_truncated },
    { "MPEG-2 and 2.5", test_mpeg2 },
    { "layers I and II", test_layers },
    { "rejected headers", test_reject },
    { "pread window", test_fd })
