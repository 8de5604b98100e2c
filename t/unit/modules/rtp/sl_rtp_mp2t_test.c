/* Unit tests for modules/rtp/sl_rtp_mp2t.c: RFC 2250 §2 packets and SDP. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "sl_rtp_fixture.h"


#define SL_T_PKT  188


static sl_rtp_out_t      out;
static sl_rtp_stream_t   s;
static sl_media_track_t  tr;
static sl_media_unit_t   mu;
static u_char            data[7 * SL_T_PKT];
static u_char            buf[16384];


static const sl_rtp_payload_t *
sl_t_setup(size_t max_payload, size_t room)
{
    sl_uint_t  i;

    sl_memzero(&out, sizeof(sl_rtp_out_t));
    out.start = buf;
    out.pos = buf;
    out.end = buf + room;

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 33;
    s.ssrc = 0x11223344;
    s.seq = 65535;
    s.clock_rate = 90000;
    s.ts_base = 0xfffffff0;
    s.max_payload = max_payload;

    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.codec = SL_CODEC_MP2T;
    tr.timescale = 90000;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (i % SL_T_PKT == 0) ? 0x47 : (u_char) i;
    }

    sl_memzero(&mu, sizeof(sl_media_unit_t));
    mu.data = data;
    mu.len = sizeof(data);
    mu.dts = 1000;

    return sl_rtp_payload(SL_CODEC_MP2T);
}


static void
test_one_packet(void)
{
    u_char                  *p;
    const sl_rtp_payload_t  *pl;

    pl = sl_t_setup(SL_RTP_MAX_PAYLOAD, sizeof(buf));

    CU_ASSERT_FATAL(pl != NULL);
    CU_ASSERT(pl->static_pt == 33);
    CU_ASSERT(pl->clock_rate(&tr) == 90000);

    CU_ASSERT_FATAL(pl->packetize(&s, &tr, &mu, &out) == SL_OK);
    CU_ASSERT_FATAL(out.npkts == 1);
    CU_ASSERT(out.pkt[0].off == 0);
    CU_ASSERT(out.pkt[0].len == SL_RTP_HEADER_SIZE + sizeof(data));

    p = buf;
    CU_ASSERT(p[0] == 0x80);
    CU_ASSERT(p[1] == 33);                        /* marker 0 */
    CU_ASSERT(p[2] == 0xff && p[3] == 0xff);
    CU_ASSERT(sl_media_be32(p + 4) == (uint32_t) (0xfffffff0 + 1000));
    CU_ASSERT(sl_media_be32(p + 8) == 0x11223344);
    CU_ASSERT(memcmp(p + 12, data, sizeof(data)) == 0);
    CU_ASSERT(s.seq == 0 && s.packets == 1 && s.octets == sizeof(data));
}


static void
test_split(void)
{
    sl_uint_t                i;
    const sl_rtp_payload_t  *pl;

    /* two TS packets fit in 400 bytes: 7 go as 2 + 2 + 2 + 1 */
    pl = sl_t_setup(400, sizeof(buf));

    CU_ASSERT_FATAL(pl->packetize(&s, &tr, &mu, &out) == SL_OK);
    CU_ASSERT_FATAL(out.npkts == 4);

    for (i = 0; i < 4; i++) {
        CU_ASSERT(out.pkt[i].len
                  == SL_RTP_HEADER_SIZE + (i < 3 ? 2 : 1) * SL_T_PKT);
        CU_ASSERT(buf[out.pkt[i].off + 1] == 33);
        CU_ASSERT(sl_media_be32(buf + out.pkt[i].off + 4)
                  == (uint32_t) (0xfffffff0 + 1000));
        CU_ASSERT(memcmp(buf + out.pkt[i].off + 12, data + i * 2 * SL_T_PKT,
                         out.pkt[i].len - 12) == 0);
    }

    CU_ASSERT(s.seq == 3);

    /* too small for a TS packet */
    pl = sl_t_setup(100, sizeof(buf));
    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_ERROR);
    CU_ASSERT(out.npkts == 0);

    /* not whole TS packets */
    pl = sl_t_setup(SL_RTP_MAX_PAYLOAD, sizeof(buf));
    mu.len = 200;
    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_ERROR);
    mu.len = 0;
    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_ERROR);
    CU_ASSERT(out.npkts == 0);
}


static void
test_again(void)
{
    const sl_rtp_payload_t  *pl;

    /* room for two of the four packets: nothing written */
    pl = sl_t_setup(400, 2 * (SL_RTP_HEADER_SIZE + 400) + 100);

    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_AGAIN);
    CU_ASSERT(out.npkts == 0 && out.pos == buf && s.seq == 65535);

    /* exactly enough: the last packet needs max_payload of room */
    pl = sl_t_setup(400, 3 * (SL_RTP_HEADER_SIZE + 376)
                         + SL_RTP_HEADER_SIZE + 400);
    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_OK);
    CU_ASSERT(out.npkts == 4);

    /* out of packet slots */
    pl = sl_t_setup(SL_RTP_MAX_PAYLOAD, sizeof(buf));
    out.npkts = SL_RTP_MAX_PACKETS;
    CU_ASSERT(pl->packetize(&s, &tr, &mu, &out) == SL_AGAIN);
}


static void
test_sdp(void)
{
    u_char                   line[64], *p;
    const sl_rtp_payload_t  *pl;

    pl = sl_t_setup(SL_RTP_MAX_PAYLOAD, sizeof(buf));

    p = pl->sdp(&tr, 33, line, line + sizeof(line));
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT(p - line == sizeof("a=rtpmap:33 MP2T/90000\r\n") - 1);
    CU_ASSERT(memcmp(line, "a=rtpmap:33 MP2T/90000\r\n", p - line) == 0);

    CU_ASSERT(pl->sdp(&tr, 33, line, line + 10) == NULL);
}


static t_rtp_t  t;


/*
 * Units of the MPEG-TS reader out and back: each RTP packet is a unit at
 * the packet's time, so a unit split in three comes back as three with
 * its dts; a keyframe is a unit with a PES start at a random access
 * point; a lost packet loses nothing else.
 */
static void
test_round_trip(void)
{
    u_char                   big[20 * SL_T_PKT];
    size_t                   i;
    const sl_rtp_payload_t  *pl;

    pl = sl_t_setup(SL_RTP_MAX_PAYLOAD, sizeof(buf));

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, pl, &tr, 33, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(t.rx.codec, SL_CODEC_MP2T);
    CU_ASSERT_EQUAL(t.rx.timescale, 90000);

    /* 7 TS packets, the fourth starting a PES with RAI */
    data[3 * SL_T_PKT + 1] = 0x40;
    data[3 * SL_T_PKT + 3] = 0x30;
    data[3 * SL_T_PKT + 4] = 7;
    data[3 * SL_T_PKT + 5] = 0x40;

    mu.dts = 1000;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    t_rtp_push_all(&t);

    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT_EQUAL(t.mu[0].len, sizeof(data));
    CU_ASSERT(memcmp(t.mu[0].data, data, sizeof(data)) == 0);
    CU_ASSERT_EQUAL(t.mu[0].dts, 0);
    CU_ASSERT_EQUAL(t.mu[0].keyframe, 1);

    /* 20 packets: 7 + 7 + 6, none with RAI */
    for (i = 0; i < sizeof(big); i++) {
        big[i] = (i % SL_T_PKT == 0) ? 0x47 : (u_char) (i * 3);
    }

    for (i = 0; i < 20; i++) {
        big[i * SL_T_PKT + 1] = 0x01;
        big[i * SL_T_PKT + 3] = 0x10;
    }

    mu.data = big;
    mu.len = sizeof(big);
    mu.dts = 4000;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.out.npkts, 3);
    t_rtp_push_all(&t);

    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.mu[1].len, 7 * SL_T_PKT);
    CU_ASSERT_EQUAL(t.mu[2].len, 7 * SL_T_PKT);
    CU_ASSERT_EQUAL(t.mu[3].len, 6 * SL_T_PKT);
    CU_ASSERT(memcmp(t.mu[1].data, big, sizeof(big)) == 0);

    for (i = 1; i < 4; i++) {
        CU_ASSERT_EQUAL(t.mu[i].dts, 3000);
        CU_ASSERT_EQUAL(t.mu[i].keyframe, 0);
    }

    /* the second RTP packet lost: the others come */
    mu.dts = 7000;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 2);

    CU_ASSERT_EQUAL_FATAL(t.n, 6);
    CU_ASSERT(memcmp(t.mu[5].data, big + 14 * SL_T_PKT, 6 * SL_T_PKT) == 0);
    CU_ASSERT_EQUAL(t.mu[5].dts, 6000);
    CU_ASSERT_EQUAL(t.d->lost, 1);
    CU_ASSERT_EQUAL(t.d->dropped, 0);

    /* not whole TS packets, or no sync byte: malformed */
    t.out.npkts = 0;
    t.out.pos = t.out.start;
    mu.len = SL_T_PKT;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, t.out.start, 12 + 100), SL_OK);
    t.out.start[12] = 0x46;
    t.out.start[3]++;
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, t.out.start, 12 + SL_T_PKT), SL_OK);
    CU_ASSERT_EQUAL(t.d->malformed, 2);
    CU_ASSERT_EQUAL(t.n, 6);

    t_rtp_free(&t);
}


static void
test_from_sdp(void)
{
    sl_str_t                 enc, fmtp;
    sl_media_track_t         rx;
    const sl_rtp_payload_t  *pl;

    pl = sl_rtp_payload(SL_CODEC_MP2T);
    sl_str_set(&enc, "mp2t");
    sl_str_set(&fmtp, "");

    CU_ASSERT(sl_rtp_payload_by_name(&enc) == pl);

    sl_memzero(&rx, sizeof(sl_media_track_t));
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp, sl_unit_pool()),
                    SL_OK);
    CU_ASSERT_EQUAL(rx.codec, SL_CODEC_MP2T);
    CU_ASSERT_EQUAL(rx.timescale, 90000);

    sl_str_set(&enc, "MPA");
    CU_ASSERT_EQUAL(pl->from_sdp(&rx, &enc, 90000, 0, &fmtp, sl_unit_pool()),
                    SL_DECLINED);
}


SL_UNIT_SUITE(sl_rtp_mp2t,
    { "one packet", test_one_packet },
    { "split at TS packets", test_split },
    { "no room", test_again },
    { "sdp", test_sdp },
    { "round trip", test_round_trip },
    { "from SDP", test_from_sdp })
