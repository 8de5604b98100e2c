/* Unit tests for modules/rtp/sl_rtp_h264.c: RFC 6184 packets and SDP. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "sl_rtp_fixture.h"


#define OUT_SIZE  (256 * 1024)

static const u_char  avcc[] = {
    0x01, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1e,
    0x01, 0x00, 0x03, 0x68, 0xce, 0x3c
};

static u_char                   out_buf[OUT_SIZE];
static sl_rtp_out_t             out;
static sl_rtp_stream_t          s;
static sl_media_track_t         tr;
static const sl_rtp_payload_t  *pl;


static void
setup(size_t out_size)
{
    sl_memzero(&out, sizeof(sl_rtp_out_t));
    out.start = out_buf;
    out.pos = out_buf;
    out.end = out_buf + out_size;

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 96;
    s.ssrc = 0x11223344;
    s.seq = 100;
    s.clock_rate = 90000;
    s.ts_base = 1000;
    s.max_payload = SL_RTP_MAX_PAYLOAD;

    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.codec = SL_CODEC_H264;
    tr.timescale = 12800;
    tr.config = (u_char *) avcc;
    tr.config_len = sizeof(avcc);
    tr.nal_length_size = 4;

    pl = sl_rtp_payload(SL_CODEC_H264);
}


/* a unit of NAL units of the given types and sizes, 4-byte prefixes */
static size_t
unit(u_char *buf, const u_char *types, const size_t *sizes, sl_uint_t n)
{
    size_t     len, j;
    sl_uint_t  i;

    len = 0;

    for (i = 0; i < n; i++) {
        buf[len] = (u_char) (sizes[i] >> 24);
        buf[len + 1] = (u_char) (sizes[i] >> 16);
        buf[len + 2] = (u_char) (sizes[i] >> 8);
        buf[len + 3] = (u_char) sizes[i];
        buf[len + 4] = types[i];

        for (j = 1; j < sizes[i]; j++) {
            buf[len + 4 + j] = (u_char) (j * 7 + i);
        }

        len += 4 + sizes[i];
    }

    return len;
}


static u_char *
pkt(sl_uint_t i)
{
    return out.start + out.pkt[i].off;
}


static size_t
payload_len(sl_uint_t i)
{
    return out.pkt[i].len - SL_RTP_HEADER_SIZE;
}


static sl_uint_t
marker(sl_uint_t i)
{
    return pkt(i)[1] >> 7;
}


static void
test_sdp(void)
{
    u_char      buf[512], *p;
    const char  *expect =
        "a=rtpmap:96 H264/90000\r\n"
        "a=fmtp:96 packetization-mode=1;profile-level-id=42C01E;"
        "sprop-parameter-sets=Z0LAHg==,aM48\r\n";

    setup(OUT_SIZE);
    CU_ASSERT_FATAL(pl != NULL);
    CU_ASSERT_EQUAL(pl->clock_rate(&tr), 90000);
    CU_ASSERT_STRING_EQUAL(pl->media, "video");

    p = pl->sdp(&tr, 96, buf, buf + sizeof(buf));
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL((size_t) (p - buf), strlen(expect));
    CU_ASSERT(memcmp(buf, expect, strlen(expect)) == 0);

    /* too small: NULL, never past last */
    CU_ASSERT(pl->sdp(&tr, 96, buf, buf + 60) == NULL);
    CU_ASSERT(pl->sdp(&tr, 96, buf, buf + strlen(expect)) == NULL);
    CU_ASSERT(pl->sdp(&tr, 96, buf, buf + strlen(expect) + 2) != NULL);
}


static void
test_single_nal(void)
{
    u_char        u[4096];
    size_t        len, sizes[] = { 2, 500 };
    u_char        types[] = { 0x09, 0x41 };
    sl_media_unit_t  mu;

    setup(OUT_SIZE);

    len = unit(u, types, sizes, 2);
    sl_memzero(&mu, sizeof(mu));
    mu.data = u;
    mu.len = len;
    mu.dts = 12800;
    mu.pts = 12800 + 512;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL_FATAL(out.npkts, 2);

    CU_ASSERT_EQUAL(payload_len(0), 2);
    CU_ASSERT_EQUAL(payload_len(1), 500);
    CU_ASSERT(memcmp(pkt(1) + 12, u + 4 + 2 + 4, 500) == 0);
    CU_ASSERT_EQUAL(marker(0), 0);
    CU_ASSERT_EQUAL(marker(1), 1);
    CU_ASSERT_EQUAL(pkt(0)[1] & 0x7f, 96);
    CU_ASSERT_EQUAL(sl_media_be16(pkt(0) + 2), 100);
    CU_ASSERT_EQUAL(sl_media_be16(pkt(1) + 2), 101);

    /* the pts, 1.04 s, at 90 kHz */
    CU_ASSERT_EQUAL(sl_media_be32(pkt(0) + 4), 1000 + 93600);
    CU_ASSERT_EQUAL(sl_media_be32(pkt(1) + 4), 1000 + 93600);
    CU_ASSERT_EQUAL(s.seq, 102);
}


/* an IDR picture without SPS gets the avcC parameter sets first */
static void
test_idr_sets(void)
{
    u_char        u[4096];
    size_t        len, sizes[] = { 100 }, sizes2[] = { 4, 3, 100 };
    u_char        types[] = { 0x65 }, types2[] = { 0x67, 0x68, 0x65 };
    sl_media_unit_t  mu;

    setup(OUT_SIZE);

    len = unit(u, types, sizes, 1);
    sl_memzero(&mu, sizeof(mu));
    mu.data = u;
    mu.len = len;
    mu.keyframe = 1;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL_FATAL(out.npkts, 3);
    CU_ASSERT_EQUAL(payload_len(0), 4);
    CU_ASSERT(memcmp(pkt(0) + 12, avcc + 8, 4) == 0);
    CU_ASSERT_EQUAL(payload_len(1), 3);
    CU_ASSERT(memcmp(pkt(1) + 12, avcc + 15, 3) == 0);
    CU_ASSERT_EQUAL(payload_len(2), 100);
    CU_ASSERT_EQUAL(marker(0) + marker(1), 0);
    CU_ASSERT_EQUAL(marker(2), 1);

    /* with its own SPS and PPS: nothing added */
    setup(OUT_SIZE);
    len = unit(u, types2, sizes2, 3);
    mu.data = u;
    mu.len = len;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 3);
}


/* FU-A fragments put back together give the NAL unit again */
static void
test_fu_a(void)
{
    u_char        u[8192], nal[8192], *p;
    size_t        len, n, sizes[] = { 3000 };
    u_char        types[] = { 0x41 };
    sl_uint_t     i;
    sl_media_unit_t  mu;

    setup(OUT_SIZE);

    len = unit(u, types, sizes, 1);
    sl_memzero(&mu, sizeof(mu));
    mu.data = u;
    mu.len = len;

    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);

    /* 2999 bytes after the NAL header, 1398 per fragment */
    CU_ASSERT_EQUAL_FATAL(out.npkts, 3);

    n = 0;

    for (i = 0; i < out.npkts; i++) {
        p = pkt(i) + 12;

        CU_ASSERT(payload_len(i) <= s.max_payload);
        CU_ASSERT_EQUAL(p[0], (0x41 & 0xe0) | 28);
        CU_ASSERT_EQUAL(p[1] & 0x1f, 0x41 & 0x1f);
        CU_ASSERT_EQUAL((p[1] >> 7) & 1, i == 0);
        CU_ASSERT_EQUAL((p[1] >> 6) & 1, i == out.npkts - 1);
        CU_ASSERT_EQUAL(marker(i), i == out.npkts - 1);

        if (i == 0) {
            nal[n++] = (p[0] & 0xe0) | (p[1] & 0x1f);
        }

        memcpy(nal + n, p + 2, payload_len(i) - 2);
        n += payload_len(i) - 2;
    }

    CU_ASSERT_EQUAL(payload_len(0), 1400);
    CU_ASSERT_EQUAL(n, 3000);
    CU_ASSERT(memcmp(nal, u + 4, 3000) == 0);

    /* exactly max_payload: one packet */
    setup(OUT_SIZE);
    sizes[0] = SL_RTP_MAX_PAYLOAD;
    mu.len = unit(u, types, sizes, 1);
    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 1);
}


static void
test_no_room(void)
{
    u_char        u[8192];
    size_t        sizes[] = { 3000 }, used;
    u_char        types[] = { 0x41 };
    sl_media_unit_t  mu;

    sl_memzero(&mu, sizeof(mu));
    mu.data = u;

    /*
     * three packets, each started with room for a full one: an out one
     * byte short can never take the unit (SL_ERROR, not SL_AGAIN)
     */
    setup(3 * (12 + 1400) - 1);
    mu.len = unit(u, types, sizes, 1);
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_ERROR);
    CU_ASSERT_EQUAL(out.npkts, 0);

    setup(3 * (12 + 1400));
    CU_ASSERT_EQUAL_FATAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 3);

    /* after one packet there is no room for it: nothing written */
    sizes[0] = 100;
    mu.len = unit(u, types, sizes, 1);
    setup(OUT_SIZE);
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    used = out.pos - out.start;
    out.end = out.pos + 12 + 1400 - 1;
    sizes[0] = 3000;
    mu.len = unit(u, types, sizes, 1);
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_AGAIN);
    CU_ASSERT_EQUAL(out.npkts, 1);
    CU_ASSERT_EQUAL((size_t) (out.pos - out.start), used);
    CU_ASSERT_EQUAL(s.seq, 101);
}


static void
test_malformed(void)
{
    u_char        u[64];
    sl_media_unit_t  mu;

    setup(OUT_SIZE);
    sl_memzero(&mu, sizeof(mu));
    mu.data = u;

    /* a length past the unit */
    memcpy(u, "\x00\x00\x00\x10\x41\x01", 6);
    mu.len = 6;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_ERROR);

    /* a partial length prefix */
    mu.len = 3;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_ERROR);
    CU_ASSERT_EQUAL(out.npkts, 0);

    /* 2-byte prefixes */
    tr.nal_length_size = 2;
    memcpy(u, "\x00\x02\x41\x01", 4);
    mu.len = 4;
    CU_ASSERT_EQUAL(pl->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 1);
    CU_ASSERT_EQUAL(payload_len(0), 2);
}


static t_rtp_t  t;


/*
 * An access unit of NAL units of the given header bytes and sizes,
 * 4-byte prefixes; a slice's second byte says first_mb_in_slice 0 for
 * the first slice (ue(v) "1") and 1 for the others ("010").
 */
static size_t
au(u_char *buf, const u_char *types, const size_t *sizes, sl_uint_t n,
    u_char seed)
{
    size_t     len, j;
    sl_uint_t  i, slices;

    len = unit(buf, types, sizes, n);
    slices = 0;

    for (len = 0, i = 0; i < n; i++) {
        for (j = 1; j < sizes[i]; j++) {
            buf[len + 4 + j] = (u_char) (j * 7 + i + seed);
        }

        if (sizes[i] > 1
            && ((types[i] & 0x1f) == 1 || (types[i] & 0x1f) == 5))
        {
            buf[len + 5] = slices++ ? 0x40 : 0x80;
        }

        len += 4 + sizes[i];
    }

    return len;
}


/* an RTP header, payload type 96 */
static u_char *
rtp_h264(u_char *p, uint16_t seq, uint32_t ts, sl_uint_t marker)
{
    p[0] = 0x80;
    p[1] = (u_char) ((marker ? 0x80 : 0) | 96);
    p[2] = (u_char) (seq >> 8);
    p[3] = (u_char) seq;
    p[4] = (u_char) (ts >> 24);
    p[5] = (u_char) (ts >> 16);
    p[6] = (u_char) (ts >> 8);
    p[7] = (u_char) ts;
    p[8] = (u_char) (t.s.ssrc >> 24);
    p[9] = (u_char) (t.s.ssrc >> 16);
    p[10] = (u_char) (t.s.ssrc >> 8);
    p[11] = (u_char) t.s.ssrc;

    return p + 12;
}


static void
start(void)
{
    setup(OUT_SIZE);

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 96, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
}


/*
 * Access units of the MP4 reader (timescale 12800) out and back: the
 * SDP gives the avcC again; each unit comes back with its bytes (an IDR
 * picture with the parameter sets the packetizer put before it), its
 * keyframe flag and its time at 90 kHz; a 200 KB picture goes in FU-A
 * fragments.  Sent again, the units make the same packets.
 */
static void
test_round_trip(void)
{
    u_char          *u, *sent, *expect, *p;
    size_t           len[4], n, total, off[4], npk[4];
    sl_uint_t        k, i;
    sl_rtp_out_t     out2;
    sl_rtp_stream_t  s2;
    sl_media_unit_t  mu;
    size_t           sizes[4][3] = {
        { 2, 3000, 0 }, { 500, 200, 0 }, { 200000, 0, 0 }, { 1, 40, 1400 }
    };
    u_char           types[4][3] = {
        { 0x09, 0x65, 0 }, { 0x41, 0x01, 0 }, { 0x65, 0, 0 },
        { 0x09, 0x41, 0x41 }
    };
    sl_uint_t        nals[4] = { 2, 2, 1, 3 };

    start();

    CU_ASSERT_EQUAL(t.rx.codec, SL_CODEC_H264);
    CU_ASSERT_EQUAL(t.rx.timescale, 90000);
    CU_ASSERT_EQUAL(t.rx.nal_length_size, 4);
    CU_ASSERT_EQUAL_FATAL(t.rx.config_len, sizeof(avcc));
    CU_ASSERT(memcmp(t.rx.config, avcc, sizeof(avcc)) == 0);

    u = malloc(4 * 210000);
    sent = malloc(4 * 220000);
    expect = malloc(220000);
    CU_ASSERT_FATAL(u && sent && expect);

    total = 0;

    for (k = 0; k < 4; k++) {
        len[k] = au(u + k * 210000, types[k], sizes[k], nals[k],
                    (u_char) k);

        sl_memzero(&mu, sizeof(mu));
        mu.data = u + k * 210000;
        mu.len = len[k];
        mu.dts = 25600 + k * 512;
        mu.pts = mu.dts + ((k == 1) ? 1024 : 0);
        mu.keyframe = (k == 0 || k == 2);

        CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);

        off[k] = total;
        npk[k] = t.out.npkts;

        for (i = 0; i < t.out.npkts; i++) {
            p = t.out.start + t.out.pkt[i].off;
            n = t.out.pkt[i].len;
            sent[total] = (u_char) (n >> 8);
            sent[total + 1] = (u_char) n;
            sl_memcpy(sent + total + 2, p, n);
            total += 2 + n;
        }

        t_rtp_push_all(&t);
        CU_ASSERT_EQUAL_FATAL(t.n, k + 1);
    }

    CU_ASSERT(npk[2] > 100);

    /* the parameter sets of avcC before each IDR picture without */

    for (k = 0; k < 4; k++) {
        p = expect;

        if (k == 0 || k == 2) {
            p = sl_cpymem(p, "\0\0\0\4", 4);
            p = sl_cpymem(p, avcc + 8, 4);
            p = sl_cpymem(p, "\0\0\0\3", 4);
            p = sl_cpymem(p, avcc + 15, 3);
        }

        p = sl_cpymem(p, u + k * 210000, len[k]);

        CU_ASSERT_EQUAL(t.mu[k].len, (size_t) (p - expect));
        CU_ASSERT(t.mu[k].len == (size_t) (p - expect)
                  && memcmp(t.mu[k].data, expect, p - expect) == 0);
    }

    /* RTP carries the pts */
    CU_ASSERT_EQUAL(t.mu[0].dts, 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 1536 * 90000 / 12800);
    CU_ASSERT_EQUAL(t.mu[2].dts, 1024 * 90000 / 12800);
    CU_ASSERT_EQUAL(t.mu[3].dts, 1536 * 90000 / 12800);

    CU_ASSERT_EQUAL(t.mu[0].keyframe, 1);
    CU_ASSERT_EQUAL(t.mu[1].keyframe, 0);
    CU_ASSERT_EQUAL(t.mu[2].keyframe, 1);
    CU_ASSERT_EQUAL(t.mu[3].keyframe, 0);

    CU_ASSERT_EQUAL(t.d->config_changed, 0);
    CU_ASSERT_EQUAL(t.d->units, 4);
    CU_ASSERT_EQUAL(t.d->lost + t.d->dropped + t.d->malformed, 0);

    /* the received units through the packetizer: the same packets */

    s2 = t.s;
    s2.seq = 0xfff0;
    s2.ts_base = t.s.ts_base + 25600 / 128 * 900;

    for (k = 0; k < 4; k++) {
        sl_memzero(&out2, sizeof(sl_rtp_out_t));
        out2.start = t.out.start;
        out2.pos = out2.start;
        out2.end = out2.start + T_RTP_OUT_SIZE;

        CU_ASSERT_EQUAL_FATAL(pl->packetize(&s2, &t.rx, &t.mu[k], &out2),
                              SL_OK);
        CU_ASSERT_EQUAL_FATAL(out2.npkts, npk[k]);

        p = sent + off[k];

        for (i = 0; i < out2.npkts; i++) {
            n = (p[0] << 8) | p[1];
            CU_ASSERT_EQUAL_FATAL(out2.pkt[i].len, n);
            CU_ASSERT(memcmp(out2.start + out2.pkt[i].off, p + 2, n) == 0);
            p += 2 + n;
        }
    }

    free(u);
    free(sent);
    free(expect);
    t_rtp_free(&t);
}


/* an access unit of one slice of len bytes: sent, the packets in t */
static size_t
send_au(u_char *u, size_t size, u_char type, int64_t pts)
{
    size_t           len;
    sl_media_unit_t  mu;

    len = au(u, &type, &size, 1, (u_char) pts);

    sl_memzero(&mu, sizeof(mu));
    mu.data = u;
    mu.len = len;
    mu.dts = pts;
    mu.pts = pts;

    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);

    return len;
}


/* FU-A losses drop the access unit, and only it */
static void
test_fu_a_loss(void)
{
    u_char     u[8192];
    size_t     len;
    sl_uint_t  i;

    start();

    /* the middle fragment lost */
    (void) send_au(u, 5000, 0x41, 0);
    CU_ASSERT_EQUAL_FATAL(t.out.npkts, 4);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 1);
    t_rtp_push(&t, 3);
    CU_ASSERT_EQUAL(t.n, 0);
    CU_ASSERT_EQUAL(t.d->lost, 1);
    CU_ASSERT_EQUAL(t.d->dropped, 1);

    /* the next one is fine */
    len = send_au(u, 5000, 0x41, 512);
    t_rtp_push_all(&t);
    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT(t.mu[0].len == len && memcmp(t.mu[0].data, u, len) == 0);
    CU_ASSERT_EQUAL(t.mu[0].dts, 3600);

    /* the start fragment lost */
    (void) send_au(u, 5000, 0x41, 1024);

    for (i = 1; i < 4; i++) {
        t_rtp_push(&t, i);
    }

    CU_ASSERT_EQUAL(t.n, 1);
    CU_ASSERT_EQUAL(t.d->dropped, 2);

    /* the end fragment (with the marker) lost: the next time drops it */
    (void) send_au(u, 5000, 0x41, 1536);

    for (i = 0; i < 3; i++) {
        t_rtp_push(&t, i);
    }

    CU_ASSERT_EQUAL(t.n, 1);

    len = send_au(u, 3000, 0x41, 2048);
    t_rtp_push_all(&t);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT(t.mu[1].len == len && memcmp(t.mu[1].data, u, len) == 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 4 * 3600);
    CU_ASSERT_EQUAL(t.d->dropped, 3);
    CU_ASSERT_EQUAL(t.d->lost, 3);

    t_rtp_free(&t);
}


/*
 * Late and repeated packets are dropped and counted; after a loss an
 * access unit is taken only when its first NAL can begin one.
 */
static void
test_reorder_and_gaps(void)
{
    u_char     u[8192], pkt[200], *p;
    size_t     len;
    sl_uint_t  i;

    start();

    /* one single-NAL unit, one in 3 fragments, one single */
    len = send_au(u, 100, 0x41, 0);
    t_rtp_push_all(&t);
    (void) send_au(u, 3000, 0x41, 512);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 2);
    CU_ASSERT_EQUAL(t_rtp_push(&t, 1), SL_DECLINED);
    CU_ASSERT_EQUAL(t_rtp_push(&t, 1), SL_DECLINED);
    CU_ASSERT_EQUAL(t_rtp_push(&t, 2), SL_DECLINED);
    len = send_au(u, 100, 0x41, 1024);
    t_rtp_push_all(&t);

    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT_EQUAL(t.mu[1].dts, 7200);
    CU_ASSERT(t.mu[1].len == len && memcmp(t.mu[1].data, u, len) == 0);
    CU_ASSERT_EQUAL(t.d->late, 2);
    CU_ASSERT_EQUAL(t.d->duplicates, 1);
    CU_ASSERT_EQUAL(t.d->lost, 1);
    CU_ASSERT_EQUAL(t.d->dropped, 1);

    /*
     * Single NAL packets: a unit of two slices whose first is lost
     * begins with a slice of first_mb_in_slice 1: dropped
     */
    t.s.seq += 1;
    p = rtp_h264(pkt, t.s.seq, t.s.ts_base + 9000, 1);
    p[0] = 0x41;
    p[1] = 0x40;
    memset(p + 2, 0x55, 20);
    t_rtp_push_raw(&t, pkt, 12 + 22);
    CU_ASSERT_EQUAL(t.n, 2);

    /* a whole unit lost: the next begins with an AUD, it is taken */
    t.s.seq += 2;
    p = rtp_h264(pkt, t.s.seq, t.s.ts_base + 12600, 0);
    p[0] = 0x09;
    p[1] = 0xf0;
    t_rtp_push_raw(&t, pkt, 12 + 2);
    t.s.seq += 1;
    p = rtp_h264(pkt, t.s.seq, t.s.ts_base + 12600, 1);
    p[0] = 0x41;
    p[1] = 0x80;
    t_rtp_push_raw(&t, pkt, 12 + 22);
    CU_ASSERT_EQUAL_FATAL(t.n, 3);
    CU_ASSERT_EQUAL(t.mu[2].dts, 12600);
    CU_ASSERT_EQUAL(t.mu[2].len, 4 + 2 + 4 + 22);

    /* and a unit whose first slice is there after a loss */
    t.s.seq += 2;
    p = rtp_h264(pkt, t.s.seq, t.s.ts_base + 16200, 1);
    t_rtp_push_raw(&t, pkt, 12 + 22);
    CU_ASSERT_EQUAL(t.n, 4);
    CU_ASSERT_EQUAL(t.d->lost, 1 + 1 + 1 + 1);
    CU_ASSERT_EQUAL(t.d->dropped, 2);

    for (i = 0; i < t.n; i++) {
        CU_ASSERT_EQUAL(t.mu[i].keyframe, 0);
    }

    t_rtp_free(&t);
}


/* timestamps across 2^32 */
static void
test_wrap(void)
{
    u_char     u[4096];
    sl_uint_t  k;

    start();

    t.s.ts_base = 0xffffffff - 20000;

    for (k = 0; k < 12; k++) {
        (void) send_au(u, 2000, k ? 0x41 : 0x65, k * 512);
        t_rtp_push_all(&t);

        CU_ASSERT_EQUAL_FATAL(t.n, k + 1);
        CU_ASSERT_EQUAL(t.mu[k].dts, (int64_t) k * 3600);
    }

    CU_ASSERT(sl_rtp_timestamp(&t.s, 11 * 512, 12800) < 30000);
    CU_ASSERT_EQUAL(t.d->dropped, 0);

    t_rtp_free(&t);
}


/*
 * A STAP-A with new parameter sets and an IDR slice: one unit of three
 * NAL units; the track's avcC is rebuilt from them and flagged.
 */
static void
test_stap_a(void)
{
    u_char         pkt[300], *p, *q;
    static u_char  sps[] = { 0x67, 0x4d, 0x40, 0x28, 0x95, 0xa0, 0x1e };
    static u_char  pps[] = { 0x68, 0xee, 0x3c, 0x80 };
    static u_char  pps1[] = { 0x68, 0x5e, 0x3c, 0x80 };     /* id 1 */
    static u_char  want[] = {
        0x01, 0x4d, 0x40, 0x28, 0xff, 0xe1, 0x00, 0x07,
        0x67, 0x4d, 0x40, 0x28, 0x95, 0xa0, 0x1e, 0x01, 0x00, 0x04,
        0x68, 0xee, 0x3c, 0x80
    };

    start();

    p = rtp_h264(pkt, 1, 1000, 1);
    q = p;
    *p++ = 0x18;
    *p++ = 0;
    *p++ = sizeof(sps);
    p = sl_cpymem(p, sps, sizeof(sps));
    *p++ = 0;
    *p++ = sizeof(pps);
    p = sl_cpymem(p, pps, sizeof(pps));
    *p++ = 0;
    *p++ = 5;
    p = sl_cpymem(p, "\x65\x88\x84\x21\xa0", 5);

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT_EQUAL(t.mu[0].keyframe, 1);
    CU_ASSERT_EQUAL_FATAL(t.mu[0].len, 3 * 4 + 7 + 4 + 5);
    CU_ASSERT(memcmp(t.mu[0].data, "\0\0\0\7\x67\x4d", 6) == 0);
    CU_ASSERT(memcmp(t.mu[0].data + 11, "\0\0\0\4\x68", 5) == 0);
    CU_ASSERT(memcmp(t.mu[0].data + 19, "\0\0\0\5\x65\x88", 6) == 0);

    CU_ASSERT_EQUAL(t.d->config_changed, 1);
    CU_ASSERT_EQUAL_FATAL(t.rx.config_len, sizeof(want));
    CU_ASSERT(memcmp(t.rx.config, want, sizeof(want)) == 0);

    /* the same sets again: no change */
    t.d->config_changed = 0;
    pkt[3] = 2;
    pkt[7] = 2000 & 0xff;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(t.d->config_changed, 0);

    /* a second PPS joins */
    p = rtp_h264(pkt, 3, 3000, 0);
    p = sl_cpymem(p, pps1, sizeof(pps1));
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL(t.d->config_changed, 1);
    CU_ASSERT_EQUAL_FATAL(t.rx.config_len, sizeof(want) + 2 + 4);
    CU_ASSERT_EQUAL(t.rx.config[15], 2);
    CU_ASSERT(memcmp(t.rx.config + 22, "\x00\x04\x68\x5e", 4) == 0);

    /* malformed: a STAP-A NAL past the packet, FU-A with S and E */
    q = rtp_h264(pkt, 4, 4000, 1);
    q[0] = 0x18;
    q[1] = 0;
    q[2] = 50;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 10), SL_OK);
    q = rtp_h264(pkt, 5, 5000, 1);
    q[0] = 0x1c;
    q[1] = 0xc5;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 10), SL_OK);

    /* interleaved mode packets */
    q = rtp_h264(pkt, 6, 6000, 1);
    q[0] = 0x19;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 10), SL_OK);
    CU_ASSERT_EQUAL(t.d->malformed, 3);

    /* a STAP-A keeps no packet types inside */
    q = rtp_h264(pkt, 7, 7000, 1);
    memcpy(q, "\x18\x00\x03\x1c\x85\x01\x00\x02\x09\xf0", 10);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 10), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.mu[3].len, 6);
    CU_ASSERT(memcmp(t.mu[3].data, "\0\0\0\2\x09\xf0", 6) == 0);

    /* types 0, 30, 31 are ignored */
    q = rtp_h264(pkt, 9, 9000, 1);
    q[0] = 0x1e;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 12 + 10), SL_OK);
    CU_ASSERT_EQUAL(t.d->malformed, 3);

    /* the lone PPS made a unit, ended by the next time */
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.mu[2].len, 4 + sizeof(pps1));

    t_rtp_free(&t);
}


/* ffmpeg's fmtp (High profile: the avcC ends with its extension) */
static void
test_from_sdp(void)
{
    char              text[500];
    sl_log_t          quiet;
    sl_str_t          enc, fmtp;
    sl_media_track_t  rx;
    static u_char     want[] = {
        0x01, 0x64, 0x00, 0x0d, 0xff, 0xe1, 0x00, 0x19,
        0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0xfb, 0x01, 0x10,
        0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0x20, 0xf1,
        0x42, 0x99, 0x60,
        0x01, 0x00, 0x06, 0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0,
        0xfd, 0xf8, 0xf8, 0x00
    };

    setup(OUT_SIZE);

    sl_str_set(&enc, "h264");
    CU_ASSERT(sl_rtp_payload_by_name(&enc) == pl);

    sl_str_set(&fmtp, "packetization-mode=1; sprop-parameter-sets="
               "Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; "
               "profile-level-id=64000D");
    sl_memzero(&rx, sizeof(sl_media_track_t));

    CU_ASSERT_EQUAL_FATAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                       sl_unit_pool()), SL_OK);
    CU_ASSERT_EQUAL(rx.codec, SL_CODEC_H264);
    CU_ASSERT_EQUAL(rx.nal_length_size, 4);
    CU_ASSERT_EQUAL_FATAL(rx.config_len, sizeof(want));
    CU_ASSERT(memcmp(rx.config, want, sizeof(want)) == 0);

    /* unpadded base64 does as well */
    sl_str_set(&fmtp, "sprop-parameter-sets="
               "Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA,aOvjyyLA");
    CU_ASSERT_EQUAL_FATAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                       sl_unit_pool()), SL_OK);
    CU_ASSERT(rx.config_len == sizeof(want)
              && memcmp(rx.config, want, sizeof(want)) == 0);

    /* no parameter sets: they must come in-band */
    sl_str_set(&fmtp, "packetization-mode=1");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_OK);
    CU_ASSERT(rx.config == NULL && rx.config_len == 0);

    sl_str_set(&fmtp, "packetization-mode=2");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_ERROR);
    sl_str_set(&fmtp, "sprop-parameter-sets=Z2Q!,aOvjyyLA");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_ERROR);
    sl_str_set(&fmtp, "sprop-parameter-sets=Z,aOvjyyLA");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_ERROR);

    /* a set too large to keep is left out, not refused */
    memset(text, 'A', sizeof(text));
    memcpy(text, "sprop-parameter-sets=", 21);
    memcpy(text + sizeof(text) - 9, ",aOvjyyLA", 9);
    fmtp.data = (u_char *) text;
    fmtp.len = sizeof(text);
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_OK);
    CU_ASSERT(rx.config == NULL);

    sl_str_set(&enc, "H265");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                 sl_unit_pool()), SL_DECLINED);
    CU_ASSERT(sl_rtp_payload_by_name(&enc) == NULL);

    /* a track that is not H.264 cannot be received as H.264 */
    quiet = *sl_unit_log();
    quiet.log_level = SL_LOG_CRIT;
    rx.codec = SL_CODEC_AAC;
    CU_ASSERT(sl_rtp_depack_create(sl_unit_pool(), pl, &rx, 0, &quiet)
              == NULL);
}


SL_UNIT_SUITE(sl_rtp_h264,
    { "sdp", test_sdp },
    { "single NAL unit packets", test_single_nal },
    { "parameter sets before IDR", test_idr_sets },
    { "FU-A", test_fu_a },
    { "no room", test_no_room },
    { "malformed units", test_malformed },
    { "round trip", test_round_trip },
    { "FU-A loss", test_fu_a_loss },
    { "reordering, duplicates, gaps", test_reorder_and_gaps },
    { "timestamp wrap", test_wrap },
    { "STAP-A and in-band parameter sets", test_stap_a },
    { "from SDP", test_from_sdp })
