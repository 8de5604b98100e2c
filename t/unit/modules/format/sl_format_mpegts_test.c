/*
 * Unit tests for modules/format/sl_format_mpegts.c on streams built
 * here: a PAT, a PMT (PCR on the video PID), then video and audio
 * packets with a PCR every SL_T_PCR_EVERY packets, 10 ms apart.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


#define SL_T_PKT           188
#define SL_T_VIDEO         0x101
#define SL_T_AUDIO         0x102
#define SL_T_PCR_EVERY     10
#define SL_T_PCR_STEP      270000     /* 10 ms in 27 MHz ticks */
#define SL_T_WRAP          ((int64_t) 300 << 33)
#define SL_T_MAX           (64 * 1024)


typedef struct {
    u_char      *buf;
    size_t       len;
    sl_uint_t    npkts;
    sl_uint_t    pcr;          /* put PCRs */
    sl_uint_t    pts;          /* PES headers with a PTS on audio */
    int64_t      pcr0;         /* ticks of the first PCR */
    sl_uint_t    rai_every;    /* video random access every n PCRs */
    sl_uint_t    pes_every;    /* a PES starts at every n-th PCR packet */
    sl_uint_t    key_every;    /* of those PES, every n-th is a keyframe */
    sl_uint_t    key_rai;      /* keyframes set random_access_indicator */
    sl_uint_t    audio_only;   /* the PMT has audio only, the PCR on it */
} sl_t_stream_t;


static sl_media_file_t  mf;


static u_char *
sl_t_header(u_char *p, uint16_t pid, sl_uint_t pusi, sl_uint_t cc)
{
    p[0] = 0x47;
    p[1] = (u_char) ((pusi ? 0x40 : 0) | (pid >> 8));
    p[2] = (u_char) pid;
    p[3] = (u_char) (0x10 | (cc & 0x0f));

    return p + 4;
}


/* a section in one packet with a dummy CRC */
static void
sl_t_section(u_char *p, uint16_t pid, const u_char *sec, size_t len)
{
    u_char  *q;

    memset(p, 0xff, SL_T_PKT);
    q = sl_t_header(p, pid, 1, 0);
    *q++ = 0;                                   /* pointer_field */
    memcpy(q, sec, len);
}


static void
sl_t_psi(u_char *p, sl_uint_t audio_only)
{
    static const u_char  pat[] = {
        0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0x00, 0x01, 0xe1, 0x00,                 /* program 1, PMT 0x100 */
        0, 0, 0, 0
    };
    static const u_char  pmt[] = {
        0x02, 0xb0, 23, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0xe1, 0x01, 0xf0, 0x00,                 /* PCR 0x101, no info */
        0x1b, 0xe1, 0x01, 0xf0, 0x00,           /* H.264 on 0x101 */
        0x0f, 0xe1, 0x02, 0xf0, 0x00,           /* AAC on 0x102 */
        0, 0, 0, 0
    };

    static const u_char  pmt_audio[] = {
        0x02, 0xb0, 18, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0xe1, 0x02, 0xf0, 0x00,                 /* PCR 0x102, no info */
        0x0f, 0xe1, 0x02, 0xf0, 0x00,           /* AAC on 0x102 */
        0, 0, 0, 0
    };

    sl_t_section(p, 0, pat, sizeof(pat));

    if (audio_only) {
        sl_t_section(p + SL_T_PKT, 0x100, pmt_audio, sizeof(pmt_audio));

    } else {
        sl_t_section(p + SL_T_PKT, 0x100, pmt, sizeof(pmt));
    }
}


static void
sl_t_pcr(u_char *p, int64_t pcr, sl_uint_t rai)
{
    int64_t  base, ext;

    pcr %= SL_T_WRAP;
    base = pcr / 300;
    ext = pcr % 300;

    p[3] = (u_char) ((p[3] & 0x0f) | 0x30);
    p[4] = 7;
    p[5] = (u_char) (0x10 | (rai ? 0x40 : 0));
    p[6] = (u_char) (base >> 25);
    p[7] = (u_char) (base >> 17);
    p[8] = (u_char) (base >> 9);
    p[9] = (u_char) (base >> 1);
    p[10] = (u_char) (((base & 1) << 7) | 0x7e | (ext >> 8));
    p[11] = (u_char) ext;
}


static void
sl_t_pes(u_char *p, int64_t pts, u_char sid)
{
    pts &= ((int64_t) 1 << 33) - 1;

    p[0] = 0; p[1] = 0; p[2] = 1; p[3] = sid;
    p[4] = 0; p[5] = 0;
    p[6] = 0x80; p[7] = 0x80; p[8] = 5;
    p[9] = (u_char) (0x21 | ((pts >> 29) & 0x0e));
    p[10] = (u_char) (pts >> 22);
    p[11] = (u_char) (((pts >> 14) & 0xfe) | 1);
    p[12] = (u_char) (pts >> 7);
    p[13] = (u_char) (((pts << 1) & 0xfe) | 1);
}


/*
 * Packet i (i >= 2) is video when even, audio when odd, except that PCR
 * k rides packet 2 + k * SL_T_PCR_EVERY (video), timing byte 10 of it;
 * with audio_only every packet is audio.  With pes_every, PCR packet k
 * also starts a PES when k % pes_every == 0, its PTS SL_T_DELAY after
 * the PCR, its data an access unit delimiter and an IDR slice (every
 * key_every-th PES) or a non-IDR one.
 */
#define SL_T_DELAY  63000                       /* 0.7 s at 90 kHz */

static void
sl_t_build(sl_t_stream_t *st)
{
    u_char     *p, *q;
    sl_uint_t   i, k, pcr_pkt, key;
    uint16_t    pid;

    st->len = st->npkts * SL_T_PKT;
    st->buf = sl_pnalloc(sl_unit_pool(), st->len + 1024);
    CU_ASSERT_FATAL(st->buf != NULL);

    sl_t_psi(st->buf, st->audio_only);

    for (i = 2; i < st->npkts; i++) {
        p = st->buf + i * SL_T_PKT;
        pcr_pkt = ((i - 2) % SL_T_PCR_EVERY == 0);
        k = (i - 2) / SL_T_PCR_EVERY;

        pid = (pcr_pkt || i % 2 == 0) ? SL_T_VIDEO : SL_T_AUDIO;
        pid = st->audio_only ? SL_T_AUDIO : pid;

        key = pcr_pkt && st->pes_every && k % st->pes_every == 0
              && st->key_every && (k / st->pes_every) % st->key_every == 0;

        q = sl_t_header(p, pid, pcr_pkt, i);
        memset(q, (int) (i & 0xff), SL_T_PKT - 4);

        if (pcr_pkt && st->pcr) {
            sl_t_pcr(p, st->pcr0 + (int64_t) k * SL_T_PCR_STEP,
                     (st->rai_every && k % st->rai_every == 0)
                     || (key && st->key_rai));
        }

        if (pcr_pkt && st->pes_every && k % st->pes_every == 0) {
            q = p + 12;
            p[1] |= 0x40;
            sl_t_pes(q, (st->pcr0 + (int64_t) k * SL_T_PCR_STEP) / 300
                        + SL_T_DELAY,
                     st->audio_only ? 0xc0 : 0xe0);
            q += 14;
            memcpy(q, "\0\0\0\1\x09\xf0\0\0\0\1", 10);
            q[10] = key ? 0x65 : 0x41;
        }

        if (st->pts && i % 2 == 1 && !pcr_pkt) {
            p[1] |= 0x40;
            sl_t_pes(q, (int64_t) (i - 2) * 270000 / 300 / 10, 0xc0);
        }
    }
}


/* the dts (90 kHz) of byte x of a stream from sl_t_build */
static int64_t
sl_t_dts(off_t x)
{
    off_t  pcr0;

    pcr0 = 2 * SL_T_PKT + 10;

    if (x <= pcr0) {
        return 0;
    }

    return (int64_t) (x - pcr0) * SL_T_PCR_STEP
           / (SL_T_PCR_EVERY * SL_T_PKT) / 300;
}


static sl_int_t
sl_t_open(const u_char *data, size_t len)
{
    sl_memzero(&mf, sizeof(sl_media_file_t));

    mf.fd = SL_INVALID_FILE;
    mf.mem = data;
    mf.size = len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();
    mf.format = sl_media_format("mpegts");
    mf.duration_msec = -1;

    CU_ASSERT_FATAL(mf.format != NULL);

    return mf.format->open(&mf);
}


static void
test_probe(void)
{
    sl_t_stream_t       st = { .npkts = 30, .pcr = 1, .rai_every = 1 };
    const sl_format_t  *f;

    sl_t_build(&st);
    f = sl_media_format("mpegts");

    CU_ASSERT(f->probe(st.buf, 4096) >= 50);
    CU_ASSERT(f->probe(st.buf + 100, 4096) >= 25);
    CU_ASSERT(f->probe((u_char *) "ID3\x04\x00", 5) == 0);

    st.buf[5 * SL_T_PKT] = 0;
    CU_ASSERT(f->probe(st.buf, 4096) < 25);
}


static void
test_units(void)
{
    off_t             pos;
    int64_t           prev;
    sl_uint_t         n, keys;
    sl_media_unit_t   mu;
    sl_t_stream_t     st = { .npkts = 403, .pcr = 1, .rai_every = 1000,
                             .pcr0 = 12345678 };

    sl_t_build(&st);

    CU_ASSERT_FATAL(sl_t_open(st.buf, st.len) == SL_OK);
    CU_ASSERT(mf.ntracks == 1);
    CU_ASSERT(mf.tracks[0].codec == SL_CODEC_MP2T);
    CU_ASSERT(mf.tracks[0].timescale == 90000);

    /* 40 PCR intervals of 10 ms, and 178 bytes after the last PCR byte */
    CU_ASSERT(mf.duration_msec >= 400 && mf.duration_msec <= 401);
    CU_ASSERT(mf.tracks[0].bitrate > 1500000
              && mf.tracks[0].bitrate < 1520000);

    /* PAT + PMT, then the PCR packet that starts video, then 7 + 3 ... */

    CU_ASSERT_FATAL(mf.format->read(&mf, &mu) == SL_OK);
    CU_ASSERT(mu.len == 2 * SL_T_PKT && mu.dts == 0 && mu.data == st.buf);

    CU_ASSERT_FATAL(mf.format->read(&mf, &mu) == SL_OK);
    CU_ASSERT(mu.len == SL_T_PKT && mu.keyframe && mu.dts == 0);

    pos = 3 * SL_T_PKT;
    n = 2;
    keys = 1;
    prev = 0;

    while (mf.format->read(&mf, &mu) == SL_OK) {
        CU_ASSERT(mu.data == st.buf + pos);
        CU_ASSERT(mu.len == ((n % 2 == 0) ? 7 : 3) * SL_T_PKT);
        CU_ASSERT(llabs(mu.dts - sl_t_dts(pos)) <= 1);
        CU_ASSERT(mu.dts >= prev);

        prev = mu.dts;
        pos += mu.len;
        keys += mu.keyframe;
        n++;
    }

    CU_ASSERT(pos == (off_t) st.len);
    CU_ASSERT(keys == 1);
    CU_ASSERT(n == 2 + 2 * 40);
}


static void
test_wrap(void)
{
    off_t            pos;
    int64_t          prev;
    sl_media_unit_t  mu;
    sl_t_stream_t    st = { .npkts = 403, .pcr = 1 };

    /* the 33-bit base wraps after 20 of the 40 intervals */
    st.pcr0 = SL_T_WRAP - 20 * SL_T_PCR_STEP + 1000;
    sl_t_build(&st);

    CU_ASSERT_FATAL(sl_t_open(st.buf, st.len) == SL_OK);
    CU_ASSERT(mf.duration_msec >= 400 && mf.duration_msec <= 401);

    pos = 0;
    prev = 0;

    while (mf.format->read(&mf, &mu) == SL_OK) {
        CU_ASSERT(llabs(mu.dts - sl_t_dts(pos)) <= 1);
        CU_ASSERT(mu.dts >= prev);
        prev = mu.dts;
        pos += mu.len;
    }

    CU_ASSERT(pos == (off_t) st.len);
    CU_ASSERT(prev > 390 * 90);

    /* a seek past the wrap */
    CU_ASSERT(mf.format->seek(&mf, 300) == SL_OK);
    CU_ASSERT(mf.start_msec <= 300 && mf.start_msec >= 285);
}


static void
test_seek(void)
{
    int64_t          msec;
    sl_media_unit_t  mu;
    sl_t_stream_t    st = { .npkts = 4003, .pcr = 1, .pcr0 = 90000 };

    sl_t_build(&st);

    CU_ASSERT_FATAL(sl_t_open(st.buf, st.len) == SL_OK);
    CU_ASSERT(mf.duration_msec >= 4000 && mf.duration_msec <= 4001);

    for (msec = 0; msec <= 4500; msec += 137) {
        CU_ASSERT_FATAL(mf.format->seek(&mf, msec) == SL_OK);
        CU_ASSERT(mf.start_msec <= msec);
        CU_ASSERT(mf.start_msec >= sl_min(msec, 4000) - 20);

        CU_ASSERT_FATAL(mf.format->read(&mf, &mu) == SL_OK);
        CU_ASSERT(mu.dts <= msec * 90);
        CU_ASSERT(mu.dts >= (sl_min(msec, 4000) - 20) * 90);
        CU_ASSERT(llabs(mu.dts - sl_t_dts(mu.data - st.buf)) <= 1);
        CU_ASSERT(sl_media_to_msec(mu.dts, 90000) >= mf.start_msec);
    }

    CU_ASSERT(mf.format->seek(&mf, 0) == SL_OK);
    CU_ASSERT(mf.start_msec == 0);
    CU_ASSERT(mf.format->read(&mf, &mu) == SL_OK && mu.data == st.buf);
}


/* 50 bytes of garbage after packet 100, a partial packet at the end */
static void
test_resync_and_tail(void)
{
    off_t            pos;
    u_char          *buf;
    size_t           len, cut;
    int64_t          prev;
    sl_int_t         rc;
    sl_media_unit_t  mu;
    sl_t_stream_t    st = { .npkts = 403, .pcr = 1 };

    sl_t_build(&st);

    cut = 100 * SL_T_PKT;
    len = st.len + 50 + 100;
    buf = sl_pnalloc(sl_unit_pool(), len);
    CU_ASSERT_FATAL(buf != NULL);

    memcpy(buf, st.buf, cut);
    memset(buf + cut, 0x47, 1);
    memset(buf + cut + 1, 0xaa, 49);
    memcpy(buf + cut + 50, st.buf + cut, st.len - cut);
    memcpy(buf + len - 100, st.buf + 300 * SL_T_PKT, 100);

    CU_ASSERT_FATAL(sl_t_open(buf, len) == SL_OK);

    pos = 0;
    prev = 0;

    while ((rc = mf.format->read(&mf, &mu)) == SL_OK) {
        CU_ASSERT(mu.len % SL_T_PKT == 0 && mu.len > 0);
        CU_ASSERT(mu.data >= buf && mu.data + mu.len <= buf + len - 100);
        CU_ASSERT(mu.dts >= prev);
        prev = mu.dts;
        pos += mu.len;
    }

    CU_ASSERT(rc == SL_DONE);
    CU_ASSERT(pos == (off_t) st.len);

    /* garbage longer than the resync bound is an error */
    len = st.len + 70000;
    buf = sl_pnalloc(sl_unit_pool(), len);
    CU_ASSERT_FATAL(buf != NULL);

    memcpy(buf, st.buf, cut);
    memset(buf + cut, 0, 70000);
    memcpy(buf + cut + 70000, st.buf + cut, st.len - cut);

    if (sl_t_open(buf, len) == SL_OK) {
        while ((rc = mf.format->read(&mf, &mu)) == SL_OK) { /* void */ }

        CU_ASSERT(rc == SL_ERROR && mf.error != NULL);

    } else {
        CU_ASSERT(mf.error != NULL);
    }
}


static void
test_pts_fallback(void)
{
    sl_uint_t        n;
    sl_media_unit_t  mu;
    sl_t_stream_t    st = { .npkts = 403, .pcr = 0, .pts = 1 };

    sl_t_build(&st);

    CU_ASSERT_FATAL(sl_t_open(st.buf, st.len) == SL_OK);
    CU_ASSERT(mf.duration_msec >= 395 && mf.duration_msec <= 405);

    for (n = 0; mf.format->read(&mf, &mu) == SL_OK; n++) {
        CU_ASSERT(mu.len <= 7 * SL_T_PKT);
    }

    CU_ASSERT(mu.dts + mu.duration >= 395 * 90);
    CU_ASSERT(n > 100);

    /* neither PCR nor PTS */
    st.pts = 0;
    sl_t_build(&st);

    CU_ASSERT(sl_t_open(st.buf, st.len) == SL_ERROR);
    CU_ASSERT(mf.error != NULL);

    /* nothing but garbage */
    memset(st.buf, 0x11, st.len);
    CU_ASSERT(sl_t_open(st.buf, st.len) == SL_ERROR);
    CU_ASSERT(mf.error != NULL);

    CU_ASSERT(sl_t_open(st.buf, 0) == SL_ERROR);
}


/* the PCR index of the PCR packet at data, or -1 */
static int64_t
sl_t_pcr_index(const sl_t_stream_t *st, const u_char *data)
{
    off_t  n;

    n = (data - st->buf) / SL_T_PKT - 2;

    return (n >= 0 && n % SL_T_PCR_EVERY == 0) ? n / SL_T_PCR_EVERY : -1;
}


/*
 * PES every 40 ms with a PTS 0.7 s after the PCR, keyframes every 1 s:
 * seeking to t lands on the keyframe with the latest PTS at or before t
 * (relative to the first PTS), its dts the PCR time of that packet.
 */
static void
sl_t_seek_keys(sl_t_stream_t *st)
{
    int64_t          msec, k, lo, n;
    sl_media_unit_t  mu;

    sl_t_build(st);

    CU_ASSERT_FATAL(sl_t_open(st->buf, st->len) == SL_OK);

    for (msec = 0; msec <= 6000; msec += 173) {
        CU_ASSERT_FATAL(mf.format->seek(&mf, msec) == SL_OK);
        CU_ASSERT_FATAL(mf.format->read(&mf, &mu) == SL_OK);

        lo = sl_min(msec, mf.duration_msec - 1) / 1000 * 1000;

        if (msec < 1000) {
            CU_ASSERT(mu.data == st->buf && mf.start_msec == 0);
            continue;
        }

        k = sl_t_pcr_index(st, mu.data);
        CU_ASSERT(k >= 0 && k * 10 == lo);
        CU_ASSERT(mu.keyframe || st->audio_only);
        CU_ASSERT(mf.start_msec <= msec && mf.start_msec >= lo - 1);
        CU_ASSERT(llabs(mu.dts - sl_t_dts(mu.data - st->buf)) <= 1);
        CU_ASSERT(sl_media_to_msec(mu.dts, 90000) >= mf.start_msec);

        /* units go on from there */
        for (n = 0; n < 5; n++) {
            CU_ASSERT(mf.format->read(&mf, &mu) == SL_OK);
        }
    }
}


static void
test_seek_keyframe(void)
{
    sl_t_stream_t  st = { .npkts = 5002, .pcr = 1, .pcr0 = 1000000,
                          .pes_every = 4, .key_every = 25, .key_rai = 1 };

    sl_t_seek_keys(&st);

    /* the PTS wraps after 2.5 s, the PCR does not */
    st.pcr0 = (((int64_t) 1 << 33) - 2500 * 90 - SL_T_DELAY) * 300;
    sl_t_seek_keys(&st);
}


static void
test_seek_idr(void)
{
    sl_t_stream_t  st = { .npkts = 5002, .pcr = 1, .pcr0 = 1000000,
                          .pes_every = 4, .key_every = 25 };

    sl_t_seek_keys(&st);
}


static void
test_seek_audio(void)
{
    int64_t          msec, k;
    sl_media_unit_t  mu;
    sl_t_stream_t    st = { .npkts = 5002, .pcr = 1, .pcr0 = 1000000,
                            .pes_every = 3, .audio_only = 1 };

    sl_t_build(&st);

    CU_ASSERT_FATAL(sl_t_open(st.buf, st.len) == SL_OK);

    /* every PES is a point to start from: every 30 ms */
    for (msec = 100; msec <= 4900; msec += 191) {
        CU_ASSERT_FATAL(mf.format->seek(&mf, msec) == SL_OK);
        CU_ASSERT_FATAL(mf.format->read(&mf, &mu) == SL_OK);

        k = sl_t_pcr_index(&st, mu.data);
        CU_ASSERT(k >= 0 && k % 3 == 0);
        CU_ASSERT(k * 10 <= msec && k * 10 > msec - 30);
        CU_ASSERT(mu.keyframe);
        CU_ASSERT(mf.start_msec <= msec && mf.start_msec >= k * 10 - 1);
    }
}


SL_UNIT_SUITE(sl_format_mpegts,
    { "probe", test_probe },
    { "units and dts", test_units },
    { "PCR wrap", test_wrap },
    { "seek", test_seek },
    { "resync and truncated tail", test_resync_and_tail },
    { "PTS fallback and no timing", test_pts_fallback },
    { "seek to a keyframe by the PTS", test_seek_keyframe },
    { "seek to an IDR picture without RAI", test_seek_idr },
    { "seek in audio only by the PTS", test_seek_audio })
