/*
 * Unit tests for modules/format/sl_format_mpegts_stream.c, the MPEG-TS
 * parser, on streams built here packet by packet: PAT, PMT, video and
 * audio packets, random_access_indicator where a test wants it, and PCRs
 * on the PCR PID that follow the byte position at exactly 150 ticks a
 * byte, so that the dts of a unit starting at stream byte x is
 * (x - first PCR byte) / 2, and 0 before the first PCR.  Each stream is
 * parsed whole, checked, then parsed in pieces of every size.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "../../core/sl_media_parser_fixture.h"


#define T_PKT          188
#define T_PKTS         1024
#define T_PMT          0x100
#define T_VIDEO        0x101
#define T_AUDIO        0x102
#define T_NULL         0x1fff
#define T_RATE         150                     /* ticks per byte */
#define T_WRAP         ((int64_t) 300 << 33)
#define T_NO_PCR       -1


typedef struct {
    u_char           pkts[T_PKTS * T_PKT];     /* the packets alone */
    u_char           data[T_PKTS * T_PKT + 16384];  /* with garbage */
    size_t           len;
    sl_uint_t        n;
    uint16_t         pid[T_PKTS];
    u_char           pusi[T_PKTS];
    int64_t          first_pcr;                /* its byte, -1 none */
    int64_t          pcr_base;                 /* PCR of stream byte 0 */
    size_t           garbage;
    sl_uint_t        audio_only;
    sl_uint_t        jump;                     /* PCRs from here: -1 s */
} t_ts_t;

/* a packet of pid with random_access_indicator at index i */
typedef struct {
    sl_uint_t        i;
    uint16_t         pid;
} t_rai_t;


static t_ts_t  s;


static void
t_reset(int64_t pcr_base, sl_uint_t audio_only)
{
    sl_memzero(&s, sizeof(t_ts_t));
    s.first_pcr = -1;
    s.pcr_base = pcr_base;
    s.audio_only = audio_only;
}


/*
 * A packet: its payload a pattern free of the sync byte, an adaptation
 * field when it carries a PCR (that of its byte 10; a second less from
 * packet s.jump on: a discontinuity) or rai
 */
static u_char *
t_pkt(uint16_t pid, sl_uint_t pusi, sl_uint_t rai, sl_uint_t pcr)
{
    u_char    *p;
    int64_t    v, base, ext;
    sl_uint_t  i;

    CU_ASSERT_FATAL(s.n < T_PKTS);
    CU_ASSERT_FATAL(s.len + T_PKT <= sizeof(s.data));

    p = s.pkts + s.n * T_PKT;

    for (i = 4; i < T_PKT; i++) {
        p[i] = (u_char) ((s.n * 7 + i) % 0x40);     /* never 0x47 */
    }

    p[0] = 0x47;
    p[1] = (u_char) ((pusi ? 0x40 : 0) | (pid >> 8));
    p[2] = (u_char) pid;
    p[3] = (u_char) (0x10 | (s.n & 0x0f));

    if (pcr) {
        v = s.pcr_base + ((int64_t) s.n * T_PKT + 10) * T_RATE
            - ((s.jump && s.n >= s.jump) ? 27000000 : 0);
        v = ((v % T_WRAP) + T_WRAP) % T_WRAP;
        base = v / 300;
        ext = v % 300;

        p[3] |= 0x20;
        p[4] = 7;
        p[5] = (u_char) (0x10 | (rai ? 0x40 : 0));
        p[6] = (u_char) (base >> 25);
        p[7] = (u_char) (base >> 17);
        p[8] = (u_char) (base >> 9);
        p[9] = (u_char) (base >> 1);
        p[10] = (u_char) (((base & 1) << 7) | 0x7e | (ext >> 8));
        p[11] = (u_char) ext;

        if (s.first_pcr < 0) {
            s.first_pcr = (int64_t) s.n * T_PKT + 10;
        }

    } else if (rai) {
        p[3] |= 0x20;
        p[4] = 1;
        p[5] = 0x40;
    }

    s.pid[s.n] = pid;
    s.pusi[s.n] = (u_char) (pusi ? 1 : 0);
    s.n++;

    sl_memcpy(s.data + s.len, p, T_PKT);
    s.len += T_PKT;

    return p;
}


/* rewrites the last packet into s.data after changing it in s.pkts */
static void
t_commit(void)
{
    sl_memcpy(s.data + s.len - T_PKT, s.pkts + (s.n - 1) * T_PKT, T_PKT);
}


static void
t_section(u_char *p, const u_char *sec, size_t len)
{
    memset(p + 4, 0xff, T_PKT - 4);
    p[4] = 0;                                   /* pointer_field */
    sl_memcpy(p + 5, sec, len);
    t_commit();
}


/* a PAT (program 1 in PMT 0x100) and the PMT (dummy CRCs) */
static void
t_psi(void)
{
    static const u_char  pat[] = {
        0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0x00, 0x01, 0xe1, 0x00,
        0, 0, 0, 0
    };
    static const u_char  pmt[] = {
        0x02, 0xb0, 23, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0xe1, 0x01, 0xf0, 0x00,                 /* PCR 0x101 */
        0x1b, 0xe1, 0x01, 0xf0, 0x00,           /* H.264 on 0x101 */
        0x0f, 0xe1, 0x02, 0xf0, 0x00,           /* AAC on 0x102 */
        0, 0, 0, 0
    };
    static const u_char  pmt_audio[] = {
        0x02, 0xb0, 18, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0xe1, 0x02, 0xf0, 0x00,                 /* PCR 0x102 */
        0x0f, 0xe1, 0x02, 0xf0, 0x00,           /* AAC on 0x102 */
        0, 0, 0, 0
    };

    t_section(t_pkt(0, 1, 0, 0), pat, sizeof(pat));

    if (s.audio_only) {
        t_section(t_pkt(T_PMT, 1, 0, 0), pmt_audio, sizeof(pmt_audio));

    } else {
        t_section(t_pkt(T_PMT, 1, 0, 0), pmt, sizeof(pmt));
    }
}


/*
 * Packets up to index end: video when even, audio when odd (all audio
 * without video), a PCR in every tenth if it is of the PCR PID; at the
 * indexes of rai (ended by i 0), a PES start of that PID with random
 * access.
 */
static void
t_body(sl_uint_t end, const t_rai_t *rai)
{
    uint16_t   pid, clock;
    sl_uint_t  r, ra;

    clock = s.audio_only ? T_AUDIO : T_VIDEO;

    while (s.n < end) {
        pid = (s.n % 2 == 0 && !s.audio_only) ? T_VIDEO : T_AUDIO;

        for (r = 0; rai && rai[r].i && rai[r].i != s.n; r++) { /* void */ }

        ra = (rai && rai[r].i);

        if (ra) {
            pid = rai[r].pid;
        }

        (void) t_pkt(pid, ra, ra, s.n % 10 == 0 && pid == clock);
    }
}


static void
t_garbage(const void *p, size_t len)
{
    CU_ASSERT_FATAL(s.len + len <= sizeof(s.data));
    sl_memcpy(s.data + s.len, p, len);
    s.len += len;
    s.garbage += len;
}


/*
 * The units of a whole run against the packets: a new unit at a PAT
 * and after 7 packets; up to the last PAT, which waits for its keyframe
 * flag (a PCR must follow it, or the units before wait for their time);
 * keyframes those starting at the packets of keys (ended by -1).
 */
static void
t_check(const sl_mparse_run_t *run, const int *keys)
{
    size_t                   x;
    int64_t                  dts;
    sl_uint_t                i, k, u, npkts, last_pat, key;
    const sl_mparse_unit_t  *mu;

    CU_ASSERT_PTR_NULL(run->error);
    CU_ASSERT_EQUAL(run->feed_failed, 0);
    CU_ASSERT_EQUAL(run->skipped, s.garbage);

    last_pat = 0;

    for (i = 0; i < s.n; i++) {
        if (s.pid[i] == 0 && s.pusi[i]) {
            last_pat = i;
        }
    }

    u = 0;
    i = 0;

    while (i < last_pat) {
        npkts = 1;

        while (npkts < 7 && i + npkts < s.n
               && !(s.pid[i + npkts] == 0 && s.pusi[i + npkts]))
        {
            npkts++;
        }

        CU_ASSERT_FATAL(u < run->n);
        mu = &run->units[u];

        x = i * T_PKT;
        dts = ((int64_t) x < s.first_pcr || s.first_pcr < 0)
              ? 0 : ((int64_t) x - s.first_pcr) * T_RATE / 300;

        for (k = 0, key = 0; keys[k] >= 0; k++) {
            key |= ((sl_uint_t) keys[k] == i);
        }

        CU_ASSERT_EQUAL(mu->len, npkts * T_PKT);
        CU_ASSERT(memcmp(run->data + mu->off, s.pkts + x, npkts * T_PKT)
                  == 0);
        CU_ASSERT_EQUAL(mu->dts, dts);
        CU_ASSERT_EQUAL(mu->pts, dts);
        CU_ASSERT_EQUAL(mu->duration,
                        (s.first_pcr >= 0 && (int64_t) x >= s.first_pcr)
                        ? (int64_t) npkts * 94 : 0);
        CU_ASSERT_EQUAL(mu->keyframe, key);

        if (mu->dts != dts || mu->keyframe != key) {
            fprintf(stderr, "\n  unit %lu at packet %lu: dts %ld key %lu, "
                    "not %ld %lu\n", (unsigned long) u, (unsigned long) i,
                    (long) mu->dts, (unsigned long) mu->keyframe, (long) dts,
                    (unsigned long) key);
        }

        CU_ASSERT_EQUAL(mu->ntracks, 1);
        CU_ASSERT_EQUAL(mu->track.codec, SL_CODEC_MP2T);
        CU_ASSERT_EQUAL(mu->track.timescale, 90000);
        CU_ASSERT_EQUAL(mu->tracks_changes, 1);

        i += npkts;
        u++;
    }

    CU_ASSERT_EQUAL(run->n, u);
    CU_ASSERT_EQUAL(run->tracks_changes, 1);
}


/* a whole run, checked, then the same in pieces of every kind */
static void
t_run(sl_mparse_run_t *ref, const int *keys, sl_uint_t many)
{
    size_t             pieces[64];
    sl_uint_t          i, n;
    const char        *diff;
    static const size_t  more[] = { 187, 188, 189, 376, 1000, 1316, 4096,
                                    65536 };

    CU_ASSERT_EQUAL_FATAL(sl_mparse_run("mpegts", s.data, s.len, 0, 0, 0,
                                        sl_unit_log(), ref),
                          SL_OK);
    t_check(ref, keys);

    n = 0;

    for (i = 1; i <= (many ? 24 : 2); i++) {
        pieces[n++] = i;
    }

    for (i = 0; i < sl_nelems(more); i++) {
        pieces[n++] = more[i];
    }

    diff = sl_mparse_splits("mpegts", s.data, s.len, ref, pieces, n,
                            many ? 16 : 4, 5000, sl_unit_log());
    if (diff) {
        fprintf(stderr, "\n  %s\n", diff);
    }

    CU_ASSERT_PTR_NULL(diff);
}


/*
 * A stream of video (H.264 with random_access_indicator) and audio:
 * a packet before the first PAT; PATs at 1, 41, 81, 121, 161; video
 * random access at 3 (in the PAT's unit) and 96 (two units after its
 * PAT), audio random access after the PATs at 1, 41 and 121, which does
 * not count when there is video.  Keyframes: the units of the PATs at 1
 * and 81.  From packet jump on, the PCRs are a second early.
 */
static void
t_video_stream(int64_t pcr_base, sl_uint_t jump)
{
    sl_uint_t  pat;
    static const t_rai_t  rai[] = {
        { 3, T_VIDEO }, { 5, T_AUDIO }, { 44, T_AUDIO }, { 96, T_VIDEO },
        { 124, T_AUDIO }, { 0, 0 }
    };

    t_reset(pcr_base, 0);
    s.jump = jump;

    (void) t_pkt(0x11, 1, 0, 0);                /* an SDT, say */

    for (pat = 1; pat <= 161; pat += 40) {
        t_psi();
        t_body(pat + 40, rai);
    }
}


static const int  t_video_keys[] = { 1, 81, -1 };


static void
test_keyframes_video(void)
{
    sl_mparse_run_t  ref;

    t_video_stream(0, 0);
    CU_ASSERT_EQUAL(s.first_pcr, 10 * T_PKT + 10);

    t_run(&ref, t_video_keys, 1);
    sl_mparse_free(&ref);
}


/*
 * The PCR wraps (33 bits of 90 kHz) near packet 50 of the same stream;
 * then also the PCRs from packet 100 on are a second early (an encoder
 * restarted): the step is replaced by the one the bytes justify, and the
 * units keep the same times.
 */
static void
test_pcr_wrap(void)
{
    sl_mparse_run_t  ref;

    t_video_stream(T_WRAP - 50 * T_PKT * T_RATE, 0);
    t_run(&ref, t_video_keys, 1);
    sl_mparse_free(&ref);

    t_video_stream(T_WRAP - 50 * T_PKT * T_RATE, 100);
    t_run(&ref, t_video_keys, 0);
    sl_mparse_free(&ref);

    t_video_stream(T_WRAP - 150 * T_PKT * T_RATE, 100);
    t_run(&ref, t_video_keys, 0);
    sl_mparse_free(&ref);
}


/*
 * Audio only (the PCR on the audio PID): PATs every 30 packets; random
 * access after the PATs at 0, 30 and (in a later unit) 90; after the
 * one at 60 only in a null packet, which does not count.
 */
static void
test_keyframes_audio(void)
{
    sl_uint_t        pat;
    sl_mparse_run_t  ref;
    static const t_rai_t  rai[] = {
        { 4, T_AUDIO }, { 33, T_AUDIO }, { 63, T_NULL }, { 119, T_AUDIO },
        { 0, 0 }
    };
    static const int  keys[] = { 0, 30, 90, -1 };

    t_reset(27000000, 1);

    for (pat = 0; pat <= 120; pat += 30) {
        t_psi();
        t_body(pat + 30, rai);
    }

    t_run(&ref, keys, 1);
    sl_mparse_free(&ref);
}


/* a video PES start at packet i: an access unit delimiter, then an IDR */
static void
t_idr_stream(const t_rai_t *rai, sl_uint_t idr1, sl_uint_t idr2)
{
    u_char     *p;
    sl_uint_t   pat;

    t_reset(0, 0);

    for (pat = 0; pat <= 80; pat += 20) {
        t_psi();
        t_body(pat + 5, rai);

        p = t_pkt(T_VIDEO, 1, 0, 0);
        sl_memcpy(p + 4, "\0\0\1\xe0\0\0\x80\x80\x05\x21\0\x01\0\x01", 14);
        sl_memcpy(p + 18, "\0\0\0\1\x09\xf0\0\0\0\1", 10);
        p[28] = (pat == idr1 || pat == idr2) ? 0x65 : 0x41;
        t_commit();

        t_body(pat + 20, rai);
    }
}


/*
 * H.264 without random_access_indicator: a PES that starts with an IDR
 * picture (after an access unit delimiter) is the random access point;
 * once the stream has set the indicator, only the indicator counts.
 */
static void
test_keyframes_idr(void)
{
    sl_mparse_run_t  ref;
    static const t_rai_t  rai[] = { { 2, T_VIDEO }, { 0, 0 } };
    static const int      keys[] = { 0, 60, -1 };
    static const int      rai_keys[] = { 0, -1 };

    t_idr_stream(NULL, 0, 60);
    t_run(&ref, keys, 0);
    sl_mparse_free(&ref);

    t_idr_stream(rai, 20, 60);
    t_run(&ref, rai_keys, 0);
    sl_mparse_free(&ref);
}


/*
 * What is held is bounded: after the PAT at 0 no random access comes
 * within 64 KB (the one at 370 is too late), so its unit goes out as no
 * keyframe; after the PAT at 400 it comes at 690, within 64 KB.
 */
static void
test_hold_cap(void)
{
    sl_mparse_run_t  ref;
    static const t_rai_t  rai[] = {
        { 370, T_VIDEO }, { 690, T_VIDEO }, { 0, 0 }
    };
    static const int  keys[] = { 400, -1 };

    t_reset(0, 0);

    t_psi();
    t_body(400, rai);
    t_psi();
    t_body(720, rai);
    t_psi();
    t_body(740, NULL);

    CU_ASSERT(370 * T_PKT > 64 * 1024 && (690 - 400) * T_PKT < 64 * 1024);

    t_run(&ref, keys, 0);
    sl_mparse_free(&ref);
}


/*
 * PCRs at packets 10 and 20, then none until 600: the units past 64 KB
 * go out timed from the last two PCRs' rate, which the next PCR then
 * confirms (at 150 ticks a byte it is the same).
 */
static void
test_sparse_pcr(void)
{
    u_char          *p;
    sl_uint_t        i;
    sl_mparse_run_t  ref;
    static const t_rai_t  rai[] = { { 2, T_VIDEO }, { 0, 0 } };
    static const int      keys[] = { 0, -1 };

    t_reset(0, 0);
    t_psi();
    t_body(600, rai);

    for (i = 30; i < 600; i += 10) {
        p = s.pkts + i * T_PKT;
        p[3] &= ~0x20;
        memset(p + 4, 0x22, 8);
        sl_memcpy(s.data + i * T_PKT, p, T_PKT);
    }

    (void) t_pkt(T_VIDEO, 0, 0, 1);
    t_psi();
    t_body(610, NULL);

    t_run(&ref, keys, 0);
    sl_mparse_free(&ref);
}


/*
 * Garbage before the first packet and between packets (with sync bytes
 * in it, and more than SL_TS_JUNK while units are held), and a packet
 * cut short: dropped and counted, and the units are those of the clean
 * stream, byte for byte and in time.
 */
static void
test_garbage(void)
{
    u_char           g[5000];
    t_ts_t          *c;
    sl_uint_t        i;
    sl_mparse_run_t  ref;

    for (i = 0; i < sizeof(g); i++) {
        g[i] = (u_char) (i * 13 % 251 == 0x47 ? 0 : i * 13 % 251);
    }

    g[5] = 0x47;
    g[5 + T_PKT] = 0x47;
    g[5 + 2 * T_PKT] = 0x47;                   /* three, not four */
    g[300] = 0x47;

    c = malloc(sizeof(t_ts_t));
    CU_ASSERT_FATAL(c != NULL);

    t_video_stream(0, 0);
    *c = s;

    /* the packets of c again, with garbage */
    s.len = 0;
    t_garbage(g, 400);

    for (i = 0; i < c->n; i++) {
        if (i == 11) {
            t_garbage(g + 100, 50);             /* after a PCR packet */
        }

        if (i == 56) {
            t_garbage(g + 7, 1);
        }

        if (i == 70) {
            t_garbage(c->pkts + 3 * T_PKT, 100);    /* cut short */
        }

        if (i == 130) {
            t_garbage(g, T_PKT + 60);           /* more than a packet */
        }

        if (i == 150) {
            t_garbage(g + 10, sizeof(g) - 10);
        }

        sl_memcpy(s.data + s.len, c->pkts + i * T_PKT, T_PKT);
        s.len += T_PKT;
    }

    free(c);

    CU_ASSERT_EQUAL(s.garbage,
                    400 + 50 + 1 + 100 + T_PKT + 60 + sizeof(g) - 10);

    t_run(&ref, t_video_keys, 1);
    sl_mparse_free(&ref);
}


SL_UNIT_SUITE(sl_format_mpegts_stream,
    { "keyframes: PAT and video random access", test_keyframes_video },
    { "PCR wrap and discontinuity", test_pcr_wrap },
    { "keyframes: audio only", test_keyframes_audio },
    { "keyframes: H.264 IDR without the indicator", test_keyframes_idr },
    { "the hold is bounded", test_hold_cap },
    { "sparse PCRs", test_sparse_pcr },
    { "garbage and cut packets", test_garbage })
