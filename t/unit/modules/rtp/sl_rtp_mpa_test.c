/* Unit tests for modules/rtp/sl_rtp_mpa.c: RFC 2250 §3.5 packets, SDP. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"
#include "sl_rtp_fixture.h"


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


/* an MPEG audio frame of header h, its bytes after the header a pattern */
static size_t
mp3_frame(u_char *buf, uint32_t h, u_char seed)
{
    size_t                  i;
    sl_media_mpa_header_t   fh;

    CU_ASSERT_FATAL(sl_media_mpa_header(h, &fh) == SL_OK);

    buf[0] = (u_char) (h >> 24);
    buf[1] = (u_char) (h >> 16);
    buf[2] = (u_char) (h >> 8);
    buf[3] = (u_char) h;

    for (i = 4; i < fh.len; i++) {
        buf[i] = (u_char) (i * 13 + seed);
    }

    return fh.len;
}


/* an RTP header of payload type 14 and the MPA header */
static u_char *
rtp_mpa(u_char *p, uint16_t seq, uint32_t ts, uint16_t off)
{
    sl_memzero(p, 16);

    p[0] = 0x80;
    p[1] = 14;
    p[2] = (u_char) (seq >> 8);
    p[3] = (u_char) seq;
    p[4] = (u_char) (ts >> 24);
    p[5] = (u_char) (ts >> 16);
    p[6] = (u_char) (ts >> 8);
    p[7] = (u_char) ts;
    p[14] = (u_char) (off >> 8);
    p[15] = (u_char) off;

    return p + 16;
}


static t_rtp_t  t;


/*
 * Frames of the MP3 reader (timescale 44100) out and back: the same
 * bytes, keyframes, the RTP clock as timescale; sent again, the units
 * make the same packets.
 */
static void
test_round_trip(void)
{
    size_t             lens[10], offs[10], plen[10], total;
    u_char            *sent, *p;
    sl_uint_t          k;
    sl_rtp_stream_t    s2;
    sl_rtp_out_t       out2;
    static u_char      out2_buf[4096];

    setup(1400, 0, 0);

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, mpa, &tr, 14, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(t.rx.codec, SL_CODEC_MPA);
    CU_ASSERT_EQUAL(t.rx.timescale, 90000);
    CU_ASSERT_EQUAL(t.rx.sample_rate, 0);

    sent = malloc(10 * 1500);
    CU_ASSERT_FATAL(sent != NULL);

    total = 0;

    for (k = 0; k < 10; k++) {
        lens[k] = mp3_frame(frame, (k & 1) ? 0xfffb9200 : 0xfffb9000,
                            (u_char) k);
        mu.len = lens[k];
        mu.dts = k * 1152;
        mu.pts = mu.dts;

        CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
        CU_ASSERT_EQUAL_FATAL(t.out.npkts, 1);

        offs[k] = total;
        plen[k] = t.out.pkt[0].len;
        sl_memcpy(sent + total, t.out.start, plen[k]);
        total += plen[k];

        t_rtp_push_all(&t);

        CU_ASSERT_EQUAL_FATAL(t.n, k + 1);
        CU_ASSERT_EQUAL(t.mu[k].len, lens[k]);
        CU_ASSERT(memcmp(t.mu[k].data, frame, lens[k]) == 0);
        CU_ASSERT_EQUAL(t.mu[k].dts, (int64_t) (k * 1152 * 90000 / 44100));
        CU_ASSERT_EQUAL(t.mu[k].duration, 2351);
        CU_ASSERT_EQUAL(t.mu[k].keyframe, 1);
        CU_ASSERT_EQUAL(t.mu[k].track, 3);
    }

    CU_ASSERT_EQUAL(lens[0], 417);
    CU_ASSERT_EQUAL(lens[1], 418);
    CU_ASSERT_EQUAL(t.rx.sample_rate, 44100);
    CU_ASSERT_EQUAL(t.rx.channels, 2);
    CU_ASSERT_EQUAL(t.d->config_changed, 1);
    CU_ASSERT_EQUAL(t.d->packets, 10);
    CU_ASSERT_EQUAL(t.d->units, 10);
    CU_ASSERT_EQUAL(t.d->lost + t.d->dropped + t.d->malformed, 0);

    /* the received units through the packetizer: the same packets */

    s2 = t.s;
    s2.seq = 0xfff0;
    s2.clock_rate = mpa->clock_rate(&t.rx);

    for (k = 0; k < 10; k++) {
        sl_memzero(&out2, sizeof(sl_rtp_out_t));
        out2.start = out2_buf;
        out2.pos = out2_buf;
        out2.end = out2_buf + sizeof(out2_buf);

        CU_ASSERT_EQUAL_FATAL(mpa->packetize(&s2, &t.rx, &t.mu[k], &out2),
                              SL_OK);
        CU_ASSERT_EQUAL(out2.npkts, 1);
        CU_ASSERT_EQUAL(out2.pkt[0].len, plen[k]);
        p = sent + offs[k];
        CU_ASSERT(memcmp(out2_buf, p, plen[k]) == 0);
    }

    free(sent);
    t_rtp_free(&t);
}


/* several frames in a packet, as ffmpeg sends them (RFC 2250 §3.5) */
static void
test_several_frames(void)
{
    u_char    pkt[1500], *p;
    size_t    len[5];
    sl_uint_t k;

    setup(1400, 0, 0);

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, mpa, &tr, 14, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);

    p = rtp_mpa(pkt, 7, 123456, 0);

    for (k = 0; k < 3; k++) {
        len[k] = mp3_frame(p, (k == 1) ? 0xfffb9200 : 0xfffb9000,
                           (u_char) k);
        p += len[k];
    }

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);

    /* each frame completes at once, 1152 samples after the last */
    CU_ASSERT_EQUAL_FATAL(t.n, 3);
    CU_ASSERT_EQUAL(t.mu[0].dts, 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 2351);
    CU_ASSERT_EQUAL(t.mu[2].dts, 4702);
    CU_ASSERT_EQUAL(t.mu[2].duration, 2351);
    CU_ASSERT_EQUAL(t.mu[1].len, 418);

    p = pkt + 16;

    for (k = 0; k < 3; k++) {
        CU_ASSERT(t.mu[k].len == len[k]
                  && memcmp(t.mu[k].data, p, len[k]) == 0);
        p += len[k];
    }

    /* the next packet, its time that of its first frame */
    p = rtp_mpa(pkt, 8, 123456 + 7053, 0);
    len[3] = mp3_frame(p, 0xfffb9000, 3);
    p += len[3];
    len[4] = mp3_frame(p, 0xfffb9000, 4);
    p += len[4];

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 5);
    CU_ASSERT_EQUAL(t.mu[3].dts, 7053);
    CU_ASSERT_EQUAL(t.mu[4].dts, 9404);
    CU_ASSERT(memcmp(t.mu[4].data, pkt + 16 + len[3], len[4]) == 0);

    /* MPEG-2 layer III at 22050 Hz: 576 samples a frame */
    p = rtp_mpa(pkt, 9, 123456 + 7053 + 4702, 0);
    len[0] = mp3_frame(p, 0xfff39000, 5);
    p += len[0];
    len[1] = mp3_frame(p, 0xfff39000, 6);
    p += len[1];

    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, p - pkt), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 7);
    CU_ASSERT_EQUAL(t.mu[5].dts, 11755);
    CU_ASSERT_EQUAL(t.mu[6].dts, 11755 + 2351);

    /* a frame cut short by the packet's end, then a new time: dropped */
    p = rtp_mpa(pkt, 10, 200000, 0);
    len[0] = mp3_frame(p, 0xfffb9000, 7);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 16 + 100), SL_OK);
    p = rtp_mpa(pkt, 11, 202351, 0);
    len[0] = mp3_frame(p, 0xfffb9000, 8);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 16 + len[0]), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 8);
    CU_ASSERT_EQUAL(t.mu[7].dts, 202351 - 123456);
    CU_ASSERT_EQUAL(t.d->dropped, 1);

    /* no MPA header */
    (void) rtp_mpa(pkt, 12, 204702, 0);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 15), SL_OK);
    CU_ASSERT_EQUAL(t.d->malformed, 1);

    t_rtp_free(&t);
}


/* fragments: put together; one lost drops the frame, the next is fine */
static void
test_fragment_loss(void)
{
    size_t     len;
    sl_uint_t  i;

    setup(200, 0, 0);

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, mpa, &tr, 14, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);
    t.s.max_payload = 200;

    len = mp3_frame(frame, 0xfffb9000, 1);
    mu.len = len;
    mu.dts = 0;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.out.npkts, 3);

    t_rtp_push(&t, 0);
    t_rtp_push(&t, 1);
    CU_ASSERT_EQUAL(t.n, 0);
    t_rtp_push(&t, 2);
    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT(t.mu[0].len == len && memcmp(t.mu[0].data, frame, len) == 0);

    /* the middle fragment lost */
    mu.dts = 1152;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    t_rtp_push(&t, 0);
    t_rtp_push(&t, 2);
    CU_ASSERT_EQUAL(t.n, 1);

    /* the first fragment lost */
    mu.dts = 2304;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);
    t_rtp_push(&t, 1);
    t_rtp_push(&t, 2);
    CU_ASSERT_EQUAL(t.n, 1);

    mu.dts = 3456;
    CU_ASSERT_EQUAL_FATAL(t_rtp_send(&t, &mu, 1), SL_OK);

    for (i = 0; i < 3; i++) {
        t_rtp_push(&t, i);
    }

    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT(t.mu[1].len == len && memcmp(t.mu[1].data, frame, len) == 0);
    CU_ASSERT_EQUAL(t.mu[1].dts, 3456 * 90000 / 44100);
    CU_ASSERT_EQUAL(t.d->lost, 2);
    CU_ASSERT_EQUAL(t.d->dropped, 2);

    t_rtp_free(&t);
}


/* free format: no length in the header; the time change ends a frame */
static void
test_free_format(void)
{
    u_char  pkt[1500], *p;

    setup(1400, 0, 0);

    CU_ASSERT_EQUAL_FATAL(t_rtp_init(&t, mpa, &tr, 14, sl_unit_pool(),
                                     sl_unit_log()), SL_OK);

    p = rtp_mpa(pkt, 1, 0, 0);
    memcpy(p, "\xff\xfb\x00\x00", 4);
    memset(p + 4, 0x33, 296);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 16 + 300), SL_OK);
    CU_ASSERT_EQUAL(t.n, 0);

    /* its second part */
    p = rtp_mpa(pkt, 2, 0, 300);
    memset(p, 0x44, 100);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 16 + 100), SL_OK);
    CU_ASSERT_EQUAL(t.n, 0);

    p = rtp_mpa(pkt, 3, 2000, 0);
    memcpy(p, "\xff\xfb\x00\x00", 4);
    CU_ASSERT_EQUAL(t_rtp_push_raw(&t, pkt, 16 + 200), SL_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 1);
    CU_ASSERT_EQUAL(t.mu[0].len, 400);
    CU_ASSERT_EQUAL(t.mu[0].data[299], 0x33);
    CU_ASSERT_EQUAL(t.mu[0].data[300], 0x44);
    CU_ASSERT_EQUAL(t.mu[0].dts, 0);

    t_rtp_flush(&t);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT_EQUAL(t.mu[1].len, 200);
    CU_ASSERT_EQUAL(t.mu[1].dts, 2000);

    t_rtp_free(&t);
}


static void
test_from_sdp(void)
{
    sl_str_t          enc, fmtp;
    sl_media_track_t  rx;

    sl_str_set(&fmtp, "");
    sl_str_set(&enc, "mpa");

    CU_ASSERT(sl_rtp_payload_by_name(&enc) == sl_rtp_payload(SL_CODEC_MPA));

    mpa = sl_rtp_payload(SL_CODEC_MPA);
    sl_memzero(&rx, sizeof(sl_media_track_t));
    CU_ASSERT_EQUAL(mpa->from_sdp(&rx, &enc, 90000, 2, &fmtp,
                                  sl_unit_pool()), SL_OK);
    CU_ASSERT_EQUAL(rx.codec, SL_CODEC_MPA);
    CU_ASSERT_EQUAL(rx.timescale, 90000);
    CU_ASSERT_EQUAL(rx.channels, 2);

    CU_ASSERT_EQUAL(mpa->from_sdp(&rx, &enc, 0, 2, &fmtp, sl_unit_pool()),
                    SL_ERROR);

    sl_str_set(&enc, "MP2T");
    CU_ASSERT_EQUAL(mpa->from_sdp(&rx, &enc, 90000, 0, &fmtp,
                                  sl_unit_pool()), SL_DECLINED);
    sl_str_set(&enc, "MPA-ROBUST");
    CU_ASSERT(sl_rtp_payload_by_name(&enc) == NULL);
}


SL_UNIT_SUITE(sl_rtp_mpa,
    { "SDP", test_sdp },
    { "one frame per packet", test_one_frame },
    { "fragments", test_fragments },
    { "SL_AGAIN", test_again },
    { "errors", test_errors },
    { "round trip", test_round_trip },
    { "several frames a packet", test_several_frames },
    { "fragment loss", test_fragment_loss },
    { "free format", test_free_format },
    { "from SDP", test_from_sdp })
