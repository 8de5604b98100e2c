/* Unit tests for modules/rtp/sl_rtp_h264.c: RFC 6184 packets and SDP. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


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


SL_UNIT_SUITE(sl_rtp_h264,
    { "sdp", test_sdp },
    { "single NAL unit packets", test_single_nal },
    { "parameter sets before IDR", test_idr_sets },
    { "FU-A", test_fu_a },
    { "no room", test_no_room },
    { "malformed units", test_malformed })
