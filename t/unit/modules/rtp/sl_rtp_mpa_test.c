/* Unit tests for modules/rtp/sl_rtp_mpa.c: RFC 2250 §3.5 packets, SDP. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


#define T_OUT_SIZE  (64 * 1024)


static u_char                   outbuf[T_OUT_SIZE];
static u_char                   frame[3000];
static sl_rtp_out_t             out;
static sl_rtp_stream_t          s;
static sl_media_track_t         tr;
static sl_media_unit_t          mu;
static const sl_rtp_payload_t  *mpa;


static void
setup(size_t max_payload, size_t len, int64_t dts)
{
    size_t  i;

    mpa = sl_rtp_payload(SL_CODEC_MPA);
    CU_ASSERT_FATAL(mpa != NULL);

    sl_memzero(&out, sizeof(sl_rtp_out_t));
    out.start = outbuf;
    out.pos = outbuf;
    out.end = outbuf + T_OUT_SIZE;

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 14;
    s.ssrc = 0x11223344;
    s.seq = 0xfffe;
    s.ts_base = 1000;
    s.max_payload = max_payload;

    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.codec = SL_CODEC_MPA;
    tr.timescale = 44100;
    tr.sample_rate = 44100;
    tr.channels = 2;

    s.clock_rate = mpa->clock_rate(&tr);

    for (i = 0; i < sizeof(frame); i++) {
        frame[i] = (u_char) (i * 7 + 3);
    }

    frame[0] = 0xff;
    frame[1] = 0xfb;

    sl_memzero(&mu, sizeof(sl_media_unit_t));
    mu.dts = dts;
    mu.pts = dts;
    mu.duration = 1152;
    mu.keyframe = 1;
    mu.data = frame;
    mu.len = len;
}


/* checks packet i: RTP header, MPEG audio header, the frame's bytes */
static void
check_packet(sl_uint_t i, uint16_t seq, uint32_t ts, size_t off, size_t n)
{
    u_char  *p;

    CU_ASSERT_FATAL(i < out.npkts);
    CU_ASSERT_EQUAL(out.pkt[i].len, SL_RTP_HEADER_SIZE + 4 + n);

    p = out.start + out.pkt[i].off;

    CU_ASSERT_EQUAL(p[0], 0x80);
    CU_ASSERT_EQUAL(p[1], 14);                      /* marker clear */
    CU_ASSERT_EQUAL(sl_media_be16(p + 2), seq);
    CU_ASSERT_EQUAL(sl_media_be32(p + 4), ts);
    CU_ASSERT_EQUAL(sl_media_be32(p + 8), 0x11223344);

    /* MBZ and Frag_offset */
    CU_ASSERT_EQUAL(sl_media_be16(p + 12), 0);
    CU_ASSERT_EQUAL(sl_media_be16(p + 14), off);

    CU_ASSERT(memcmp(p + 16, frame + off, n) == 0);
}


static void
test_sdp(void)
{
    u_char   buf[64], *p;
    size_t   len;

    setup(1400, 417, 0);

    CU_ASSERT_STRING_EQUAL(mpa->name, "MPA");
    CU_ASSERT_STRING_EQUAL(mpa->media, "audio");
    CU_ASSERT_EQUAL(mpa->static_pt, 14);
    CU_ASSERT_EQUAL(s.clock_rate, 90000);

    p = mpa->sdp(&tr, 14, buf, buf + sizeof(buf));
    CU_ASSERT_FATAL(p != NULL);
    len = p - buf;
    CU_ASSERT_EQUAL(len, sizeof("a=rtpmap:14 MPA/90000\r\n") - 1);
    CU_ASSERT(memcmp(buf, "a=rtpmap:14 MPA/90000\r\n", len) == 0);

    p = mpa->sdp(&tr, 96, buf, buf + sizeof(buf));
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT(memcmp(buf, "a=rtpmap:96 MPA/90000\r\n", p - buf) == 0);

    /* one byte short */
    CU_ASSERT(mpa->sdp(&tr, 14, buf, buf + len - 1) == NULL);
    CU_ASSERT(mpa->sdp(&tr, 14, buf, buf + len) == buf + len);
}


static void
test_one_frame(void)
{
    /* one second in: 90000 ticks later */
    setup(1400, 417, 44100);

    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 1);
    check_packet(0, 0xfffe, 1000 + 90000, 0, 417);
    CU_ASSERT_EQUAL(s.seq, 0xffff);
    CU_ASSERT_EQUAL(s.packets, 1);
    CU_ASSERT_EQUAL(s.octets, 4 + 417);

    /* the next frame: seq goes on (and wraps), ts by 1152 * 90000 / 44100 */
    mu.dts += 1152;
    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 2);
    check_packet(1, 0xffff, 1000 + 90000 + 2351, 0, 417);

    mu.dts += 1152;
    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    check_packet(2, 0, 1000 + 90000 + 4702, 0, 417);
    CU_ASSERT_EQUAL(s.seq, 1);

    /* exactly max_payload */
    setup(421, 417, 0);
    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 1);
    check_packet(0, 0xfffe, 1000, 0, 417);
}


static void
test_fragments(void)
{
    /* 2881 bytes, 200-byte payloads: 14 fragments of 196, one of 137 */
    setup(200, 2881, 1152);

    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL_FATAL(out.npkts, 15);

    {
        sl_uint_t  i;

        for (i = 0; i < 14; i++) {
            check_packet(i, (uint16_t) (0xfffe + i), 1000 + 2351, i * 196,
                         196);
            CU_ASSERT(out.pkt[i].len <= SL_RTP_HEADER_SIZE + s.max_payload);
        }

        check_packet(14, (uint16_t) (0xfffe + 14), 1000 + 2351, 14 * 196,
                     2881 - 14 * 196);
    }

    CU_ASSERT_EQUAL(s.seq, (uint16_t) (0xfffe + 15));
    CU_ASSERT_EQUAL(s.octets, 2881 + 15 * 4);

    /* split evenly: 392 bytes in two */
    setup(200, 392, 0);
    CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 2);
    check_packet(0, 0xfffe, 1000, 0, 196);
    check_packet(1, 0xffff, 1000, 196, 196);
}


static void
test_again(void)
{
    u_char  *pos;

    /* three fragments need three full packets of room */
    setup(200, 500, 0);
    out.end = out.start + 3 * (SL_RTP_HEADER_SIZE + 200) - 1;

    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_AGAIN);
    CU_ASSERT_EQUAL(out.npkts, 0);
    CU_ASSERT(out.pos == out.start);
    CU_ASSERT_EQUAL(s.seq, 0xfffe);
    CU_ASSERT_EQUAL(s.packets, 0);

    out.end++;
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    CU_ASSERT_EQUAL(out.npkts, 3);

    /* after a unit, the rest too small for the next: nothing written */
    setup(1400, 417, 0);
    out.end = out.start + (SL_RTP_HEADER_SIZE + 4 + 417)
              + (SL_RTP_HEADER_SIZE + 1400) - 1;

    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_OK);
    pos = out.pos;
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_AGAIN);
    CU_ASSERT(out.pos == pos);
    CU_ASSERT_EQUAL(out.npkts, 1);
    CU_ASSERT_EQUAL(s.seq, 0xffff);

    /* the packet table full */
    setup(1400, 417, 0);
    out.npkts = SL_RTP_MAX_PACKETS;
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_AGAIN);

    setup(200, 500, 0);
    out.npkts = SL_RTP_MAX_PACKETS - 2;
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_AGAIN);
    CU_ASSERT_EQUAL(out.npkts, SL_RTP_MAX_PACKETS - 2);
}


static void
test_errors(void)
{
    setup(4, 417, 0);
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_ERROR);

    setup(1400, 0, 0);
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_ERROR);
    CU_ASSERT_EQUAL(out.npkts, 0);

    /* Frag_offset has 16 bits */
    setup(1400, 417, 0);
    mu.len = 70000;
    CU_ASSERT_EQUAL(mpa->packetize(&s, &tr, &mu, &out), SL_ERROR);
}


SL_UNIT_SUITE(sl_rtp_mpa,
    { "SDP", test_sdp },
    { "one frame per packet", test_one_frame },
    { "fragments", test_fragments },
    { "SL_AGAIN", test_again },
    { "errors", test_errors })
