/* Unit tests for modules/rtp/sl_rtp_aac.c: RFC 3640 AAC-hbr. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "sl_rtp_fixture.h"


#define OUT_SIZE  (64 * 1024)

static const u_char  asc[] = { 0x12, 0x10 };

static u_char                   out_buf[OUT_SIZE];
static sl_rtp_out_t             out;
static sl_rtp_stream_t          s;
static sl_media_track_t         tr;
static const sl_rtp_payload_t  *pl;


static void
setup(void)
{
    sl_memzero(&out, sizeof(sl_rtp_out_t));
    out.start = out_buf;
    out.pos = out_buf;
    out.end = out_buf + OUT_SIZE;

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 97;
    s.ssrc = 1;
    s.clock_rate = 44100;
    s.max_payload = SL_RTP_MAX_PAYLOAD;

    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.codec = SL_CODEC_AAC;
    tr.timescale = 44100;
    tr.sample_rate = 44100;
    tr.channels = 2;
    tr.config = (u_char *) asc;
    tr.config_len = sizeof(asc);

    pl = sl_rtp_payload(SL_CODEC_AAC);
}


static u_char *
pkt(sl_uint_t i)
{
    return out.start + out.pkt[i].off;
}


static void
test_sdp(void)
{
    u_char      buf[512], *p;
    const char  *expect =
        "a=rtpmap:97 mpeg4-generic/44100/2\r\n"
        "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;"
        "sizelength=13;indexlength=3;indexdeltalength=3;config=1210\r\n";

    setup();
    CU_ASSERT_FATAL(pl != NULL);
    CU_ASSERT_EQUAL(pl->clock_rate(&tr), 44100);

    p = pl->sdp(&tr, 97, buf, buf + sizeof(buf));
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL((size_t) (p - buf), strlen(expect));
    CU_ASSERT(memcmp(buf, expect, strlen(expect)) == 0);

    CU_ASSERT(pl->sdp(&tr, 97, buf, buf + 40) == NULL);
}


static void
test_frame(void)
{
    u_char           f[300];
    sl_media_unit_t  mu;

    setup();
    memset(f, 0x5a, sizeof(f));

    sl_memzero(&mu, sizeof(mu));
    mu.data = f;
    mu.len = 300;
    mu.dts = 2048;
    mu.pts = 2048;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL_FATAL(out.npkts, 1);
    CU_ASSERT_EQUAL(out.pkt[0].len, 12 + 4 + 300);

    /* AU-headers-length 16; AU-size 300 (13 bits), AU-index 0 */
    CU_ASSERT(memcmp(pkt(0) + 12, "\x00\x10\x09\x60", 4) == 0);
    CU_ASSERT(memcmp(pkt(0) + 16, f, 300) == 0);
    CU_ASSERT_EQUAL(pkt(0)[1], 0x80 | 97);
    CU_ASSERT_EQUAL(sl_media_be32(pkt(0) + 4), 2048);
}


static void
test_fragments(void)
{
    u_char           f[300];
    size_t           n, i;
    sl_media_unit_t  mu;

    setup();
    s.max_payload = 100;

    for (i = 0; i < sizeof(f); i++) {
        f[i] = (u_char) i;
    }

    sl_memzero(&mu, sizeof(mu));
    mu.data = f;
    mu.len = 300;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);

    /* 96 bytes of frame per packet */
    CU_ASSERT_EQUAL_FATAL(out.npkts, 4);

    n = 0;

    for (i = 0; i < out.npkts; i++) {
        CU_ASSERT(memcmp(pkt(i) + 12, "\x00\x10\x09\x60", 4) == 0);
        CU_ASSERT_EQUAL(pkt(i)[1] >> 7, i == 3);
        CU_ASSERT(memcmp(pkt(i) + 16, f + n, out.pkt[i].len - 16) == 0);
        n += out.pkt[i].len - 16;
    }

    CU_ASSERT_EQUAL(n, 300);

    /* too large for 13 bits */
    mu.len = 8192;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_ERROR);

    /* no room: nothing written */
    setup();
    out.end = out.start + 12 + 1399;
    mu.len = 300;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_ERROR);
    out.end = out.start + 12 + 1400;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_AGAIN);
    CU_ASSERT_EQUAL(out.npkts, 1);
}


static t_rtp_t  t;


/* frame k: its length and bytes */
static size_t
aac_frame(u_char *f, sl_uint_t k)
{
    size_t  i, len;

    len = 50 + (k * 97) % 700;

    for (i = 0; i < len; i++) {
        f[i] = (u_char) (i * 11 + k);
    }

    return len;
}


/* an RTP header, payload type 97 */
static u_char *
rtp_aac(u_char *p, uint16_t seq, uint32_t ts, sl_uint_t marker)
{
    p[0] = 0x80;
    p[1] = (u_char) ((marker ? 0x80 : 0) | 97);
    p[2] = (u_char) (seq >> 8);
    p[3] = (u_char) seq;
    p[4] = (u_char) (ts >> 24);
    p[5] = (u_char) (ts >> 16);
    p[6] = (u_char) (ts >> 8);
    p[7] = (u_char) ts;
    p[8] = p[9] = p[10] = p[11] = 1;

    return p + 12;
}


/*
 * Frames of the MP4 reader (timescale 44100) out and back, one per
 * packet: the same bytes and times; the SDP gives the same config.
 */
static void
test_round_trip(void)
{
    u_char           f[1000];
    size_t           len;
    sl_uint_t        k;
    sl_media_unit_t  u;

    setup();

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 97, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(t.rx.codec, SL_CODEC_AAC);
    CU_ASSERT_EQUAL(t.rx.timescale, 44100);
    CU_ASSERT_EQUAL(t.rx.sample_rate, 44100);
    CU_ASSERT_EQUAL(t.rx.channels, 2);
    CU_ASSERT_EQUAL_FATAL(t.rx.config_len, sizeof(asc));
    CU_ASSERT(memcmp(t.rx.config, asc, sizeof(asc)) == 0);

    for (k = 0; k < 20; k++) {
        len = aac_frame(f, k);

        sl_memzero(&u, sizeof(u));
        u.data = f;
        u.len = len;
        u.dts = 5000 + k * 1024;
        u.pts = u.dts;
        u.keyframe = 1;

        CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
        t_rtp_push_all(&t);

        CU_ASSERT_EQUAL_FATAL(t.n, k + 1);
        CU_ASSERT(t.mu[k].len == len && memcmp(t.mu[k].data, f, len) == 0);
        CU_ASSERT_EQUAL(t.mu[k].dts, (int64_t) k * 1024);
        CU_ASSERT_EQUAL(t.mu[k].duration, 1024);
        CU_ASSERT_EQUAL(t.mu[k].keyframe, 1);
    }

    CU_ASSERT_EQUAL(t.d->units, 20);
    CU_ASSERT_EQUAL(t.d->lost + t.d->dropped + t.d->malformed, 0);

    t_rtp_free(&t);
}


/* an AU in fragments put together; one fragment lost drops it */
static void
test_fragment_round_trip(void)
{
    u_char           f[3000];
    size_t           i;
    sl_media_unit_t  u;

    setup();

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 97, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    t.s.max_payload = 1000;

    for (i = 0; i < sizeof(f); i++) {
        f[i] = (u_char) (i ^ (i >> 8));
    }

    sl_memzero(&u, sizeof(u));
    u.data = f;
    u.len = sizeof(f);

    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.out.npkts, 4);

    t_rtp_push(&t, 0);
    t_rtp_push(&t, 1);
    t_rtp_push(&t, 2);
    CU_ASSERT_EQUAL(t.n, 0);
    t_rtp_push(&t, 3);
    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT(t.mu[0].len == sizeof(f)
              && memcmp(t.mu[0].data, f, sizeof(f)) == 0);

    /* a middle fragment lost */
    u.pts = 1024;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 2);
    t_rtp_push(&t, 3);
    CU_ASSERT_EQUAL(t.n, 1);

    /* the first one lost: the next cannot be known to be first */
    u.pts = 2048;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
    t_rtp_push(&t, 1);
    t_rtp_push(&t, 2);
    t_rtp_push(&t, 3);
    CU_ASSERT_EQUAL(t.n, 1);

    /* the last one lost: the next AU ends it */
    u.pts = 3072;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 1);
    t_rtp_push(&t, 2);

    u.pts = 4096;
    u.len = 100;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &u, 1), SL_OK);
    t_rtp_push_all(&t);

    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT(t.mu[1].len == 100 && memcmp(t.mu[1].data, f, 100) == 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 4096);
    CU_ASSERT_EQUAL(t.d->lost, 3);
    CU_ASSERT_EQUAL(t.d->dropped, 3);

    t_rtp_free(&t);
}


/*
 * Several AUs a packet, as ffmpeg and GStreamer send them (RFC 3640
 * §3.2.1): AU-headers of 16 bits, the AUs after them, each a unit 1024
 * samples after the one before.
 */
static void
test_several_aus(void)
{
    u_char     pkt[1500], *p, *h;
    size_t     len[4] = { 100, 200, 50, 7 };
    sl_uint_t  k, i;

    setup();

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 97, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);

    h = rtp_aac(pkt, 1, 7777, 1);
    h[0] = 0;
    h[1] = 4 * 16;
    p = h + 2 + 4 * 2;

    for (k = 0; k < 4; k++) {
        h[2 + 2 * k] = (u_char) (len[k] >> 5);
        h[3 + 2 * k] = (u_char) ((len[k] & 0x1f) << 3);

        for (i = 0; i < len[k]; i++) {
            *p++ = (u_char) (k * 50 + i);
        }
    }

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);

    p = h + 2 + 4 * 2;

    for (k = 0; k < 4; k++) {
        CU_ASSERT(t.mu[k].len == len[k]
                  && memcmp(t.mu[k].data, p, len[k]) == 0);
        CU_ASSERT_EQUAL(t.mu[k].dts, (int64_t) k * 1024);
        CU_ASSERT_EQUAL(t.mu[k].keyframe, 1);
        p += len[k];
    }

    /* AU-Index-delta 1: one AU left out between (interleaving) */
    h = rtp_aac(pkt, 2, 7777 + 4096, 1);
    h[0] = 0;
    h[1] = 2 * 16;
    h[2] = 0;
    h[3] = 10 << 3;
    h[4] = 0;
    h[5] = (20 << 3) | 1;
    memset(h + 6, 0x11, 30);

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 6 + 30), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 6);
    CU_ASSERT_EQUAL(t.mu[4].dts, 4096);
    CU_ASSERT_EQUAL(t.mu[5].dts, 4096 + 2048);
    CU_ASSERT_EQUAL(t.mu[5].len, 20);

    /* AUs past the data, headers past the packet: malformed */
    pkt[3]++;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 6 + 29), SL_OK);
    pkt[3]++;
    h[1] = 200;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 6 + 30), SL_OK);
    pkt[3]++;
    h[1] = 0;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 6 + 30), SL_OK);
    CU_ASSERT_EQUAL(t.n, 6);
    CU_ASSERT_EQUAL(t.d->malformed, 3);

    t_rtp_free(&t);
}


/* a receiving track from an SDP's rtpmap and fmtp */
static sl_int_t
from_sdp(sl_media_track_t *rx, const char *enc, uint32_t rate,
    uint32_t channels, const char *fmtp)
{
    sl_str_t  e, f;

    e.data = (u_char *) enc;
    e.len = strlen(enc);
    f.data = (u_char *) fmtp;
    f.len = strlen(fmtp);

    sl_memzero(rx, sizeof(sl_media_track_t));

    return pl->from_sdp(rx, &e, rate, channels, &f, sl_unit_pool());
}


static void
test_from_sdp(void)
{
    sl_str_t          enc;
    sl_media_track_t  rx;

    setup();

    sl_str_set(&enc, "MPEG4-GENERIC");
    CU_ASSERT(sl_rtp_payload_by_name(&enc) == pl);

    /* ffmpeg's: blanks after ";", no streamtype, HE-AAC sync extension */
    CU_ASSERT_EQUAL_FATAL(from_sdp(&rx, "MPEG4-GENERIC", 44100, 1,
                          "profile-level-id=1;mode=AAC-hbr;sizelength=13;"
                          "indexlength=3;indexdeltalength=3; "
                          "config=120856E500"), SL_OK);
    CU_ASSERT_EQUAL(rx.codec, SL_CODEC_AAC);
    CU_ASSERT_EQUAL(rx.timescale, 44100);
    CU_ASSERT_EQUAL(rx.channels, 1);
    CU_ASSERT_EQUAL_FATAL(rx.config_len, 5);
    CU_ASSERT(memcmp(rx.config, "\x12\x08\x56\xe5\x00", 5) == 0);

    /* channels from the config when the rtpmap has none */
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 48000, 0,
                             "streamtype=5;mode=AAC-hbr;config=1190"),
                    SL_OK);
    CU_ASSERT_EQUAL(rx.channels, 2);
    CU_ASSERT_EQUAL(rx.sample_rate, 48000);

    /* refused */
    CU_ASSERT_EQUAL(from_sdp(&rx, "MP4A-LATM", 44100, 2,
                             "cpresent=0;config=40002410adca00"),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr"), SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr;config=121"), SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr;config=12x0"), SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr;config=0000"), SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "streamtype=4;mode=AAC-hbr;config=1210"),
                    SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr;auxiliarydatasizelength=8;"
                             "config=1210"), SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 44100, 2,
                             "mode=AAC-hbr;sizelength=33;config=1210"),
                    SL_ERROR);
    CU_ASSERT_EQUAL(from_sdp(&rx, "mpeg4-generic", 0, 2,
                             "mode=AAC-hbr;config=1210"), SL_ERROR);
}


/* AAC-lbr (RFC 3640 §3.3.5): 6-bit sizes, 2-bit indexes */
static void
test_lbr(void)
{
    u_char     pkt[200], *h;
    sl_uint_t  i;

    setup();

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 97, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL_FATAL(from_sdp(&t.rx, "mpeg4-generic", 44100, 2,
                                   "streamtype=5;mode=AAC-lbr;config=1210"),
                          SL_OK);

    /* two AUs of 20 and 30 bytes: 8-bit headers */
    h = rtp_aac(pkt, 1, 0, 1);
    h[0] = 0;
    h[1] = 16;
    h[2] = 20 << 2;
    h[3] = 30 << 2;

    for (i = 0; i < 50; i++) {
        h[4 + i] = (u_char) i;
    }

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 4 + 50), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT(t.mu[0].len == 20 && memcmp(t.mu[0].data, h + 4, 20) == 0);
    CU_ASSERT(t.mu[1].len == 30 && memcmp(t.mu[1].data, h + 24, 30) == 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 1024);

    t_rtp_free(&t);
}


/*
 * AU times from the config: 960-sample frames (frameLengthFlag), and
 * HE-AAC with implicit SBR (config of the 24 kHz core, clock 48 kHz):
 * 1024 core samples are 2048 ticks.  constantDuration overrides.
 */
static void
test_frame_length(void)
{
    u_char       pkt[100], *h;
    sl_uint_t    i;
    const char  *fmtp[3] = {
        "mode=AAC-hbr;config=1214",
        "mode=AAC-hbr;config=1310",
        "mode=AAC-hbr;constantDuration=1000;config=1210"
    };
    int64_t      step[3] = { 960, 2048, 1000 };
    uint32_t     rate[3] = { 44100, 48000, 44100 };

    setup();

    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 97, sl_unit_pool(),
                                         sl_unit_log()), SL_OK);
        CU_ASSERT_EQUAL_FATAL(from_sdp(&t.rx, "mpeg4-generic", rate[i], 2,
                                       fmtp[i]), SL_OK);

        h = rtp_aac(pkt, 1, 0, 1);
        h[0] = 0;
        h[1] = 32;
        h[2] = 0;
        h[3] = 5 << 3;
        h[4] = 0;
        h[5] = 5 << 3;
        memset(h + 6, 0x77, 10);

        CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 6 + 10), SL_OK);
        CU_ASSERT_EQUAL_FATAL(t.n, 2);
        CU_ASSERT_EQUAL(t.mu[1].dts, step[i]);
        CU_ASSERT_EQUAL(t.mu[1].duration, step[i]);

        t_rtp_free(&t);
    }
}


SL_UNIT_SUITE(sl_rtp_aac,
    { "sdp", test_sdp },
    { "one frame", test_frame },
    { "fragments", test_fragments },
    { "round trip", test_round_trip },
    { "fragments round trip", test_fragment_round_trip },
    { "several AUs a packet", test_several_aus },
    { "from SDP", test_from_sdp },
    { "AAC-lbr", test_lbr },
    { "frame length", test_frame_length })
