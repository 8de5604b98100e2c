/* Unit tests for modules/format/sl_format_mp4.c, on MP4 files built here. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


/*
 * The file: an H.264 track (timescale 12800, 25 fps, sync samples 1
 * and 6, two stsc runs) and an AAC track (44100 Hz, 1024 per frame),
 * their chunks interleaved in mdat.  Every sample's bytes say what it
 * is: video samples are one length-prefixed NAL (type 5 or 1) followed
 * by the sample number; audio samples are 0xA0 + number repeated.
 */

#define NV          10
#define NA          15
#define V_DELTA     512
#define A_DELTA     1024
#define BIG_SAMPLE  (100 * 1024)

#define MP4_MAX     (512 * 1024)

typedef struct {
    unsigned    moov_first:1;
    unsigned    co64:1;
    unsigned    large_mdat:1;      /* 64-bit mdat size */
    unsigned    mdat_to_end:1;     /* size 0 (moov first only) */
    unsigned    no_stss:1;
    unsigned    no_ctts:1;
    unsigned    ctts_v1:1;         /* negative offsets */
    unsigned    audio_const:1;     /* stsz with one size */
    unsigned    big:1;             /* video sample 3 over 64 KB */
} mp4_opts_t;

typedef struct {
    u_char     *buf;
    size_t      len;
    size_t      stack[16];
    int         depth;
} mb_t;

/* video chunks hold 2, 2, 3, 3 samples; audio 4, 4, 4, 3 */
static const uint32_t  v_chunk[] = { 2, 2, 3, 3 };
static const uint32_t  a_chunk[] = { 4, 4, 4, 3 };

static u_char             *file;
static size_t              file_len;
static sl_media_file_t     mf;
static const sl_format_t  *fmt;

static const u_char  avcc[] = {
    0x01, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1e,
    0x01, 0x00, 0x03, 0x68, 0xce, 0x3c
};

static const u_char  asc[] = { 0x12, 0x10 };


static void
put(mb_t *b, const void *p, size_t n)
{
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}


static void
put8(mb_t *b, uint32_t v)
{
    b->buf[b->len++] = (u_char) v;
}


static void
put16(mb_t *b, uint32_t v)
{
    put8(b, v >> 8);
    put8(b, v);
}


static void
put32(mb_t *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v);
}


static void
put64(mb_t *b, uint64_t v)
{
    put32(b, (uint32_t) (v >> 32));
    put32(b, (uint32_t) v);
}


static void
open_box(mb_t *b, const char *type)
{
    b->stack[b->depth++] = b->len;
    put32(b, 0);
    put(b, type, 4);
}


static void
close_box(mb_t *b)
{
    size_t  at, size;

    at = b->stack[--b->depth];
    size = b->len - at;

    b->buf[at] = (u_char) (size >> 24);
    b->buf[at + 1] = (u_char) (size >> 16);
    b->buf[at + 2] = (u_char) (size >> 8);
    b->buf[at + 3] = (u_char) size;
}


static void
zeros(mb_t *b, size_t n)
{
    memset(b->buf + b->len, 0, n);
    b->len += n;
}


static size_t
v_size(const mp4_opts_t *o, uint32_t i)
{
    return (o->big && i == 3) ? BIG_SAMPLE : 20 + i;
}


static size_t
a_size(const mp4_opts_t *o, uint32_t i)
{
    return o->audio_const ? 12 : 10 + i;
}


/* the chunk offsets (from the start of mdat's payload) */
static void
layout(const mp4_opts_t *o, uint64_t *v_off, uint64_t *a_off, size_t *len)
{
    size_t    off;
    uint32_t  c, i, vs, as;

    off = 0;
    vs = 0;
    as = 0;

    for (c = 0; c < 4; c++) {
        v_off[c] = off;
        for (i = 0; i < v_chunk[c]; i++) {
            off += v_size(o, vs++);
        }

        a_off[c] = off;
        for (i = 0; i < a_chunk[c]; i++) {
            off += a_size(o, as++);
        }
    }

    *len = off;
}


static void
fill_mdat(mb_t *b, const mp4_opts_t *o)
{
    size_t    n;
    uint32_t  c, i, vs, as;

    vs = 0;
    as = 0;

    for (c = 0; c < 4; c++) {
        for (i = 0; i < v_chunk[c]; i++, vs++) {
            n = v_size(o, vs);
            put32(b, (uint32_t) n - 4);
            put8(b, (vs == 0 || vs == 5) ? 0x65 : 0x41);
            memset(b->buf + b->len, vs, n - 5);
            b->len += n - 5;
        }

        for (i = 0; i < a_chunk[c]; i++, as++) {
            n = a_size(o, as);
            memset(b->buf + b->len, 0xa0 + as, n);
            b->len += n;
        }
    }
}


static void
full_box(mb_t *b, const char *type, uint32_t version)
{
    open_box(b, type);
    put32(b, version << 24);
}


static void
stbl(mb_t *b, const mp4_opts_t *o, sl_uint_t video, uint64_t base,
    const uint64_t *offs)
{
    uint32_t  i;

    open_box(b, "stbl");

    full_box(b, "stsd", 0);
    put32(b, 1);

    if (video) {
        open_box(b, "avc1");
        zeros(b, 6);
        put16(b, 1);
        zeros(b, 16);
        put16(b, 320);
        put16(b, 240);
        put32(b, 0x00480000);
        put32(b, 0x00480000);
        put32(b, 0);
        put16(b, 1);
        zeros(b, 32);
        put16(b, 0x18);
        put16(b, 0xffff);
        open_box(b, "avcC");
        put(b, avcc, sizeof(avcc));
        close_box(b);
        close_box(b);

    } else {
        open_box(b, "mp4a");
        zeros(b, 6);
        put16(b, 1);
        zeros(b, 8);
        put16(b, 2);
        put16(b, 16);
        put32(b, 0);
        put32(b, 44100u << 16);
        full_box(b, "esds", 0);
        put8(b, 0x03);
        put8(b, 3 + 2 + 13 + 2 + sizeof(asc));
        put16(b, 1);
        put8(b, 0);
        put8(b, 0x04);
        put8(b, 13 + 2 + sizeof(asc));
        put8(b, 0x40);
        put8(b, 0x15);
        zeros(b, 11);
        put8(b, 0x05);
        put8(b, sizeof(asc));
        put(b, asc, sizeof(asc));
        close_box(b);
        close_box(b);
    }

    close_box(b);

    full_box(b, "stts", 0);
    put32(b, 1);
    put32(b, video ? NV : NA);
    put32(b, video ? V_DELTA : A_DELTA);
    close_box(b);

    if (video && !o->no_ctts) {
        full_box(b, "ctts", o->ctts_v1);
        put32(b, NV);
        for (i = 0; i < NV; i++) {
            put32(b, 1);
            put32(b, o->ctts_v1 ? (uint32_t) -(int32_t) (i % 3) * V_DELTA
                                : (i % 3 + 1) * V_DELTA);
        }
        close_box(b);
    }

    if (video && !o->no_stss) {
        full_box(b, "stss", 0);
        put32(b, 2);
        put32(b, 1);
        put32(b, 6);
        close_box(b);
    }

    full_box(b, "stsz", 0);

    if (!video && o->audio_const) {
        put32(b, 12);
        put32(b, NA);

    } else {
        put32(b, 0);
        put32(b, video ? NV : NA);
        for (i = 0; i < (video ? NV : NA); i++) {
            put32(b, (uint32_t) (video ? v_size(o, i) : a_size(o, i)));
        }
    }

    close_box(b);

    full_box(b, "stsc", 0);
    put32(b, 2);
    put32(b, 1);
    put32(b, video ? 2 : 4);
    put32(b, 1);
    put32(b, video ? 3 : 4);
    put32(b, video ? 3 : 3);
    put32(b, 1);
    close_box(b);

    full_box(b, o->co64 ? "co64" : "stco", 0);
    put32(b, 4);
    for (i = 0; i < 4; i++) {
        if (o->co64) {
            put64(b, base + offs[i]);

        } else {
            put32(b, (uint32_t) (base + offs[i]));
        }
    }
    close_box(b);

    close_box(b);
}


static void
trak(mb_t *b, const mp4_opts_t *o, sl_uint_t video, uint64_t base,
    const uint64_t *offs)
{
    open_box(b, "trak");

    full_box(b, "tkhd", 0);
    zeros(b, 80);
    close_box(b);

    open_box(b, "mdia");

    full_box(b, "mdhd", 0);
    put32(b, 0);
    put32(b, 0);
    put32(b, video ? 12800 : 44100);
    put32(b, video ? NV * V_DELTA : NA * A_DELTA);
    put32(b, 0);
    close_box(b);

    full_box(b, "hdlr", 0);
    put32(b, 0);
    put(b, video ? "vide" : "soun", 4);
    zeros(b, 13);
    close_box(b);

    open_box(b, "minf");
    stbl(b, o, video, base, offs);
    close_box(b);

    close_box(b);
    close_box(b);
}


static void
moov(mb_t *b, const mp4_opts_t *o, uint64_t base, const uint64_t *v_off,
    const uint64_t *a_off)
{
    open_box(b, "moov");

    full_box(b, "mvhd", 0);
    zeros(b, 96);
    close_box(b);

    trak(b, o, 1, base, v_off);
    trak(b, o, 0, base, a_off);

    close_box(b);
}


/* builds the file into file/file_len */
static void
build(const mp4_opts_t *o)
{
    mb_t      b, m;
    size_t    mdat_len, moov_len, hdr;
    uint64_t  v_off[4], a_off[4], base;

    if (file == NULL) {
        file = malloc(MP4_MAX);
    }

    layout(o, v_off, a_off, &mdat_len);

    /* the size of moov does not depend on the offsets */
    m.buf = malloc(MP4_MAX);
    m.len = 0;
    m.depth = 0;
    moov(&m, o, 0, v_off, a_off);
    moov_len = m.len;

    b.buf = file;
    b.len = 0;
    b.depth = 0;

    open_box(&b, "ftyp");
    put(&b, "isom", 4);
    put32(&b, 0x200);
    put(&b, "isomiso2avc1mp41", 16);
    close_box(&b);

    hdr = o->large_mdat ? 16 : 8;
    base = b.len + hdr + (o->moov_first ? moov_len : 0);

    if (o->moov_first) {
        moov(&b, o, base, v_off, a_off);
    }

    if (o->large_mdat) {
        put32(&b, 1);
        put(&b, "mdat", 4);
        put64(&b, hdr + mdat_len);

    } else {
        put32(&b, o->mdat_to_end ? 0 : (uint32_t) (hdr + mdat_len));
        put(&b, "mdat", 4);
    }

    fill_mdat(&b, o);

    if (!o->moov_first) {
        moov(&b, o, base, v_off, a_off);
    }

    file_len = b.len;

    free(m.buf);
}


static sl_int_t
open_mem(const u_char *data, size_t len)
{
    sl_memzero(&mf, sizeof(sl_media_file_t));

    mf.fd = SL_INVALID_FILE;
    mf.mem = data;
    mf.size = len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();

    fmt = sl_media_format("mp4");
    if (fmt == NULL) {
        return SL_ERROR;
    }

    mf.format = fmt;
    mf.duration_msec = -1;

    return fmt->open(&mf);
}


/* the expected pts offset of video sample i */
static int64_t
v_ctts(const mp4_opts_t *o, uint32_t i)
{
    if (o->no_ctts) {
        return 0;
    }

    return o->ctts_v1 ? -(int64_t) (i % 3) * V_DELTA
                      : (int64_t) (i % 3 + 1) * V_DELTA;
}


/* reads every unit from the start, checking each against the layout */
static void
check_all(const mp4_opts_t *o, uint32_t v_first, uint32_t a_first)
{
    int64_t          last_us, us;
    uint32_t         vs, as, i;
    sl_int_t         rc;
    sl_media_unit_t  mu;

    vs = v_first;
    as = a_first;
    last_us = -1;

    for ( ;; ) {
        rc = fmt->read(&mf, &mu);

        if (rc != SL_OK) {
            CU_ASSERT_EQUAL(rc, SL_DONE);
            break;
        }

        if (mu.track == 0) {
            CU_ASSERT_FATAL(vs < NV);
            CU_ASSERT_EQUAL(mu.dts, (int64_t) vs * V_DELTA);
            CU_ASSERT_EQUAL(mu.pts, mu.dts + v_ctts(o, vs));
            CU_ASSERT_EQUAL(mu.duration, V_DELTA);
            CU_ASSERT_EQUAL(mu.len, v_size(o, vs));
            CU_ASSERT_EQUAL(mu.keyframe,
                            o->no_stss || vs == 0 || vs == 5);
            CU_ASSERT_EQUAL(sl_media_be32(mu.data), mu.len - 4);
            CU_ASSERT_EQUAL(mu.data[4],
                            (vs == 0 || vs == 5) ? 0x65 : 0x41);
            CU_ASSERT_EQUAL(mu.data[mu.len - 1], vs);
            us = mu.dts * 1000000 / 12800;
            vs++;

        } else {
            CU_ASSERT_EQUAL_FATAL(mu.track, 1);
            CU_ASSERT_FATAL(as < NA);
            CU_ASSERT_EQUAL(mu.dts, (int64_t) as * A_DELTA);
            CU_ASSERT_EQUAL(mu.pts, mu.dts);
            CU_ASSERT_EQUAL(mu.keyframe, 1);
            CU_ASSERT_EQUAL(mu.len, a_size(o, as));

            for (i = 0; i < mu.len; i++) {
                if (mu.data[i] != 0xa0 + as) {
                    CU_FAIL("audio sample bytes");
                    break;
                }
            }

            us = mu.dts * 1000000 / 44100;
            as++;
        }

        CU_ASSERT(us >= last_us);
        last_us = us;
    }

    CU_ASSERT_EQUAL(vs, NV);
    CU_ASSERT_EQUAL(as, NA);
}


/*
 * SL_TEST_MP4_CORPUS=dir writes every file checked here into dir, as
 * seeds for t/fuzz/sl_fuzz_mp4
 */
static void
save(void)
{
    int          fd;
    char         path[512];
    const char  *dir;
    static int   n;

    dir = getenv("SL_TEST_MP4_CORPUS");
    if (dir == NULL) {
        return;
    }

    snprintf(path, sizeof(path), "%s/built-%02d.mp4", dir, n++);

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd != -1) {
        CU_ASSERT(write(fd, file, file_len) == (ssize_t) file_len);
        close(fd);
    }
}


static void
check_file(const mp4_opts_t *o)
{
    build(o);
    save();

    CU_ASSERT_EQUAL_FATAL(open_mem(file, file_len), SL_OK);

    CU_ASSERT_EQUAL(mf.ntracks, 2);
    CU_ASSERT_EQUAL(mf.tracks[0].codec, SL_CODEC_H264);
    CU_ASSERT_EQUAL(mf.tracks[0].timescale, 12800);
    CU_ASSERT_EQUAL(mf.tracks[0].width, 320);
    CU_ASSERT_EQUAL(mf.tracks[0].height, 240);
    CU_ASSERT_EQUAL(mf.tracks[0].nal_length_size, 4);
    CU_ASSERT_EQUAL(mf.tracks[0].config_len, sizeof(avcc));
    CU_ASSERT(memcmp(mf.tracks[0].config, avcc, sizeof(avcc)) == 0);
    CU_ASSERT_EQUAL(mf.tracks[1].codec, SL_CODEC_AAC);
    CU_ASSERT_EQUAL(mf.tracks[1].sample_rate, 44100);
    CU_ASSERT_EQUAL(mf.tracks[1].channels, 2);
    CU_ASSERT_EQUAL(mf.tracks[1].config_len, sizeof(asc));
    CU_ASSERT_EQUAL(mf.duration_msec, NV * V_DELTA * 1000 / 12800);

    check_all(o, 0, 0);
}


static void
test_probe(void)
{
    mp4_opts_t  o = { 0 };

    build(&o);

    fmt = sl_media_format("mp4");
    CU_ASSERT_FATAL(fmt != NULL);
    CU_ASSERT(fmt->probe(file, file_len) >= 90);
    CU_ASSERT(fmt->probe((u_char *) "\0\0\0\x08mdat", 8) >= 50);
    CU_ASSERT(fmt->probe((u_char *) "\0\0\0\x08moov", 8) >= 50);
    CU_ASSERT_EQUAL(fmt->probe((u_char *) "ID3\x03\0\0\0\0", 8), 0);
    CU_ASSERT_EQUAL(fmt->probe((u_char *) "\0\0\0\x08", 4), 0);
}


static void
test_moov_last(void)
{
    mp4_opts_t  o = { 0 };

    check_file(&o);
}


static void
test_moov_first(void)
{
    mp4_opts_t  o = { .moov_first = 1 };

    check_file(&o);
}


static void
test_co64_large_mdat(void)
{
    mp4_opts_t  o = { .co64 = 1, .large_mdat = 1 };

    check_file(&o);

    o.moov_first = 1;
    check_file(&o);
}


static void
test_mdat_to_end(void)
{
    mp4_opts_t  o = { .moov_first = 1, .mdat_to_end = 1 };

    check_file(&o);
}


static void
test_ctts(void)
{
    mp4_opts_t  o = { .ctts_v1 = 1 };

    check_file(&o);

    o.ctts_v1 = 0;
    o.no_ctts = 1;
    check_file(&o);
}


static void
test_no_stss(void)
{
    mp4_opts_t  o = { .no_stss = 1, .audio_const = 1 };

    check_file(&o);
}


static void
test_seek(void)
{
    sl_int_t         rc;
    mp4_opts_t       o = { 0 };
    sl_media_unit_t  mu;

    build(&o);
    CU_ASSERT_EQUAL_FATAL(open_mem(file, file_len), SL_OK);

    /* 300 ms is video sample 7; the sync sample before is 5 (200 ms) */
    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 300), SL_OK);
    CU_ASSERT_EQUAL(mf.start_msec, 200);

    /* audio sample 8 (185.8 ms) is the last at or before 200 ms */
    rc = fmt->read(&mf, &mu);
    CU_ASSERT_EQUAL(rc, SL_OK);
    CU_ASSERT_EQUAL(mu.track, 1);
    CU_ASSERT_EQUAL(mu.dts, 8 * A_DELTA);

    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 300), SL_OK);
    check_all(&o, 5, 8);

    /* before the second sync sample, and past the end */
    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 199), SL_OK);
    CU_ASSERT_EQUAL(mf.start_msec, 0);
    check_all(&o, 0, 0);

    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 100000), SL_OK);
    CU_ASSERT_EQUAL(mf.start_msec, 200);
    check_all(&o, 5, 8);

    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 0), SL_OK);
    check_all(&o, 0, 0);

    /* without stss every sample is a sync sample */
    o.no_stss = 1;
    build(&o);
    CU_ASSERT_EQUAL_FATAL(open_mem(file, file_len), SL_OK);
    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 300), SL_OK);
    CU_ASSERT_EQUAL(mf.start_msec, 280);
    check_all(&o, 7, 12);
}


/* through a file and pread(), with a sample over the window */
static void
test_fd_big_sample(void)
{
    int              fd;
    char             path[] = "/tmp/sl_mp4_test_XXXXXX";
    mp4_opts_t       o = { .big = 1, .moov_first = 1 };

    build(&o);

    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd != -1);
    unlink(path);
    CU_ASSERT_FATAL(write(fd, file, file_len) == (ssize_t) file_len);

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = fd;
    mf.size = file_len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();
    mf.duration_msec = -1;
    fmt = sl_media_format("mp4");

    CU_ASSERT_EQUAL_FATAL(fmt->open(&mf), SL_OK);
    check_all(&o, 0, 0);

    CU_ASSERT_EQUAL_FATAL(fmt->seek(&mf, 300), SL_OK);
    check_all(&o, 5, 8);

    close(fd);
}


/*
 * Through pread(), tables far from the samples and longer than the
 * reader's caches: moving the cursor refills a cache, which moves the
 * file's window; the unit's bytes must still be the sample's.  One AAC
 * track of 200 one-sample chunks, 70 KB of free between moov and mdat.
 */
static void
test_fd_window(void)
{
    int              fd;
    mb_t             b;
    char             path[] = "/tmp/sl_mp4_test_XXXXXX";
    size_t           i, mdat, n;
    sl_int_t         rc;
    sl_media_unit_t  mu;

    if (file == NULL) {
        file = malloc(MP4_MAX);
    }

    b.buf = file;
    b.len = 0;

    /* twice: the first pass finds where mdat starts */
    for (i = 0; i < 2; i++) {
        mdat = b.len;
        b.len = 0;
        b.depth = 0;

        open_box(&b, "ftyp");
        put(&b, "isom", 4);
        put32(&b, 0);
        close_box(&b);

        open_box(&b, "moov");
        open_box(&b, "trak");
        open_box(&b, "mdia");
        full_box(&b, "mdhd", 0);
        put32(&b, 0);
        put32(&b, 0);
        put32(&b, 8000);
        put32(&b, 200 * 1024);
        put32(&b, 0);
        close_box(&b);
        full_box(&b, "hdlr", 0);
        put32(&b, 0);
        put(&b, "soun", 4);
        zeros(&b, 13);
        close_box(&b);
        open_box(&b, "minf");
        open_box(&b, "stbl");
        full_box(&b, "stsd", 0);
        put32(&b, 1);
        open_box(&b, "mp4a");
        zeros(&b, 6);
        put16(&b, 1);
        zeros(&b, 8);
        put16(&b, 1);
        put16(&b, 16);
        put32(&b, 0);
        put32(&b, 8000u << 16);
        full_box(&b, "esds", 0);
        put(&b, "\x03\x16\x00\x01\x00\x04\x11\x40\x15", 9);
        zeros(&b, 11);
        put(&b, "\x05\x02\x15\x88", 4);
        close_box(&b);
        close_box(&b);
        close_box(&b);
        full_box(&b, "stts", 0);
        put32(&b, 1);
        put32(&b, 200);
        put32(&b, 1024);
        close_box(&b);
        full_box(&b, "stsz", 0);
        put32(&b, 0);
        put32(&b, 200);
        for (n = 0; n < 200; n++) {
            put32(&b, 10 + n % 7);
        }
        close_box(&b);
        full_box(&b, "stsc", 0);
        put32(&b, 1);
        put32(&b, 1);
        put32(&b, 1);
        put32(&b, 1);
        close_box(&b);
        full_box(&b, "stco", 0);
        put32(&b, 200);
        for (n = 0; n < 200; n++) {
            put32(&b, (uint32_t) (mdat + 8 + 16 * n));
        }
        close_box(&b);
        close_box(&b);
        close_box(&b);
        close_box(&b);
        close_box(&b);
        close_box(&b);

        open_box(&b, "free");
        zeros(&b, 70 * 1024);
        close_box(&b);
    }

    open_box(&b, "mdat");
    for (n = 0; n < 200; n++) {
        memset(b.buf + b.len, (int) n, 16);
        b.len += 16;
    }
    close_box(&b);

    CU_ASSERT_EQUAL_FATAL(b.len - 8 - 200 * 16, mdat);
    file_len = b.len;

    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd != -1);
    unlink(path);
    CU_ASSERT_FATAL(write(fd, file, file_len) == (ssize_t) file_len);

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = fd;
    mf.size = file_len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();
    mf.duration_msec = -1;
    fmt = sl_media_format("mp4");

    CU_ASSERT_EQUAL_FATAL(fmt->open(&mf), SL_OK);
    CU_ASSERT_EQUAL(mf.tracks[0].sample_rate, 8000);
    CU_ASSERT_EQUAL(mf.tracks[0].channels, 1);

    for (n = 0; (rc = fmt->read(&mf, &mu)) == SL_OK; n++) {
        CU_ASSERT_EQUAL(mu.len, 10 + n % 7);
        CU_ASSERT_EQUAL(mu.dts, (int64_t) n * 1024);

        for (i = 0; i < mu.len; i++) {
            if (mu.data[i] != (u_char) n) {
                CU_FAIL("sample bytes");
                break;
            }
        }
    }

    CU_ASSERT_EQUAL(rc, SL_DONE);
    CU_ASSERT_EQUAL(n, 200);

    close(fd);
}


/* opening or reading must fail cleanly, never crash */
static sl_int_t
open_and_read(const u_char *data, size_t len)
{
    sl_int_t         rc;
    sl_uint_t        n;
    sl_media_unit_t  mu;

    rc = open_mem(data, len);
    if (rc != SL_OK) {
        CU_ASSERT(mf.error != NULL);
        return rc;
    }

    for (n = 0; n < 1000; n++) {
        rc = fmt->read(&mf, &mu);

        if (rc == SL_ERROR) {
            CU_ASSERT(mf.error != NULL);
        }

        if (rc != SL_OK) {
            return rc;
        }
    }

    return SL_ERROR;
}


/* the offset of the first box of a type (a naive byte search) */
static size_t
find_from(const char *type, size_t from)
{
    size_t  i;

    for (i = from + 4; i + 4 <= file_len; i++) {
        if (memcmp(file + i, type, 4) == 0) {
            return i - 4;
        }
    }

    CU_FAIL("box not found");
    return 0;
}


static size_t
find(const char *type)
{
    return find_from(type, 0);
}


static void
set32(size_t at, uint32_t v)
{
    file[at] = (u_char) (v >> 24);
    file[at + 1] = (u_char) (v >> 16);
    file[at + 2] = (u_char) (v >> 8);
    file[at + 3] = (u_char) v;
}


static void
test_truncated(void)
{
    size_t      len;
    sl_int_t    rc;
    mp4_opts_t  o = { 0 };

    /* moov last: every shorter file lacks (part of) moov */
    build(&o);

    for (len = 0; len < file_len; len++) {
        CU_ASSERT_EQUAL(open_and_read(file, len), SL_ERROR);
    }

    /* moov first: opens once moov is whole, then reads what is there */
    o.moov_first = 1;
    o.mdat_to_end = 1;
    build(&o);

    for (len = 0; len < file_len; len++) {
        rc = open_and_read(file, len);
        CU_ASSERT(rc == SL_ERROR || rc == SL_DONE);
    }

    CU_ASSERT_EQUAL(open_and_read(file, file_len), SL_DONE);
}


static void
test_malformed(void)
{
    size_t      at;
    mp4_opts_t  o = { .moov_first = 1 };

    /* a box larger than its parent */
    build(&o);
    set32(find("stbl"), 0x10000);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(mf.error, "box size outside its parent");

    /* a box smaller than its header */
    build(&o);
    set32(find("mdia"), 7);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);

    /* more stsz entries than the box holds */
    build(&o);
    set32(find("stsz") + 16, 1000);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(mf.error, "table larger than its box");

    /* a zero timescale */
    build(&o);
    set32(find("mdhd") + 20, 0);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);

    /* stsc whose first chunk is not 1 */
    build(&o);
    set32(find("stsc") + 16, 0);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(mf.error, "invalid stsc");

    /* stsc with no samples per chunk */
    build(&o);
    set32(find("stsc") + 20, 0);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);

    /* stts covering fewer samples than stsz: reading stops with an error */
    build(&o);
    set32(find("stts") + 16, 3);
    CU_ASSERT_EQUAL(open_and_read(file, file_len), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(mf.error, "stts shorter than stsz");

    /* a chunk offset past the end of the file */
    build(&o);
    set32(find("stco") + 20, 0x7fffffff);
    CU_ASSERT_EQUAL(open_and_read(file, file_len), SL_ERROR);

    /* a sample size past the end of the file */
    build(&o);
    set32(find("stsz") + 20, 0xfffffff0);
    CU_ASSERT_EQUAL(open_and_read(file, file_len), SL_ERROR);

    /* an unknown sample entry: the track is skipped */
    build(&o);
    at = find_from("avc1", find("moov"));
    memcpy(file + at + 4, "hvc1", 4);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_OK);
    CU_ASSERT_EQUAL(mf.ntracks, 1);
    CU_ASSERT_EQUAL(mf.tracks[0].codec, SL_CODEC_AAC);

    /* an avcC of the wrong version */
    build(&o);
    file[find("avcC") + 8] = 2;
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);

    /* no moov at all */
    build(&o);
    memcpy(file + find("moov") + 4, "skip", 4);
    CU_ASSERT_EQUAL(open_mem(file, file_len), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(mf.error, "no moov box");

    /* a 64-bit size smaller than its header */
    {
        static const u_char  b[] = {
            0, 0, 0, 1, 'f', 't', 'y', 'p', 0, 0, 0, 0, 0, 0, 0, 8
        };

        CU_ASSERT_EQUAL(open_mem(b, sizeof(b)), SL_ERROR);
    }
}


static void
test_cleanup(void)
{
    free(file);
    file = NULL;
}


SL_UNIT_SUITE(sl_format_mp4,
    { "probe", test_probe },
    { "moov after mdat", test_moov_last },
    { "moov before mdat", test_moov_first },
    { "co64 and 64-bit mdat size", test_co64_large_mdat },
    { "mdat of size 0", test_mdat_to_end },
    { "ctts v1 negative, no ctts", test_ctts },
    { "no stss, constant stsz", test_no_stss },
    { "seek to a keyframe", test_seek },
    { "pread and a sample over the window", test_fd_big_sample },
    { "pread with tables far from the samples", test_fd_window },
    { "truncated files", test_truncated },
    { "malformed boxes", test_malformed },
    { "cleanup", test_cleanup })
