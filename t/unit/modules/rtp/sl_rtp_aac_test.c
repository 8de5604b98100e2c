/* Unit tests for modules/rtp/sl_rtp_aac.c: RFC 3640 AAC-hbr. */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"


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


SL_UNIT_SUITE(sl_rtp_aac,
    { "sdp", test_sdp },
    { "one frame", test_frame },
    { "fragments", test_fragments })
