/*
 * Unit tests for core/sl_rtp_depack.c: header checks, sequence numbers,
 * timestamps, the unit buffer, with a test payload format that appends
 * each payload to the unit of its timestamp; a payload starting with
 * 'E' ends its unit, one starting with 'X' is malformed.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"


static sl_int_t
t_depacketize(sl_rtp_depack_t *d, const u_char *payload, size_t len,
    sl_uint_t marker)
{
    (void) marker;

    if (len && payload[0] == 'X') {
        return SL_ERROR;
    }

    sl_rtp_depack_append(d, payload, len);

    if (len && payload[0] == 'E') {
        sl_rtp_depack_end(d);
    }

    return SL_OK;
}


static const sl_rtp_payload_t  t_payload = {
    .name = "TEST",
    .encoding = "TEST",
    .depacketize = t_depacketize,
};

static sl_rtp_depack_t   *d;
static sl_media_track_t   tr;
static u_char             pkt[70000];


static void
setup(void)
{
    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.timescale = 90000;

    d = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &tr, 5,
                             sl_unit_log());
    CU_ASSERT_FATAL(d != NULL);
}


/* a plain packet: V=2, the payload text */
static size_t
packet(uint16_t seq, uint32_t ts, sl_uint_t marker, const char *text)
{
    size_t  n;

    n = strlen(text);

    pkt[0] = 0x80;
    pkt[1] = (u_char) ((marker ? 0x80 : 0) | 96);
    pkt[2] = (u_char) (seq >> 8);
    pkt[3] = (u_char) seq;
    pkt[4] = (u_char) (ts >> 24);
    pkt[5] = (u_char) (ts >> 16);
    pkt[6] = (u_char) (ts >> 8);
    pkt[7] = (u_char) ts;
    pkt[8] = 0xde;
    pkt[9] = 0xad;
    pkt[10] = 0xbe;
    pkt[11] = 0xef;

    memcpy(pkt + 12, text, n);

    return 12 + n;
}


static sl_int_t
push(uint16_t seq, uint32_t ts, sl_uint_t marker, const char *text)
{
    return sl_rtp_depack_push(d, pkt, packet(seq, ts, marker, text));
}


/* the next unit is text at dts */
static void
expect(const char *text, int64_t dts)
{
    sl_media_unit_t  mu;

    CU_ASSERT_EQUAL_FATAL(sl_rtp_depack_next(d, &mu), SL_OK);
    CU_ASSERT_EQUAL(mu.len, strlen(text));
    CU_ASSERT(mu.len == strlen(text) && memcmp(mu.data, text, mu.len) == 0);
    CU_ASSERT_EQUAL(mu.dts, dts);
    CU_ASSERT_EQUAL(mu.pts, dts);
    CU_ASSERT_EQUAL(mu.track, 5);
}


static void
expect_none(void)
{
    sl_media_unit_t  mu;

    CU_ASSERT_EQUAL(sl_rtp_depack_next(d, &mu), SL_AGAIN);
}


static void
test_units(void)
{
    setup();

    /* the marker ends a unit; the first packet's time is 0 */
    CU_ASSERT_EQUAL(push(10, 5000, 0, "ab"), SL_OK);
    expect_none();
    CU_ASSERT_EQUAL(push(11, 5000, 1, "cd"), SL_OK);
    expect("abcd", 0);
    expect_none();

    /* so does a new timestamp */
    push(12, 8000, 0, "ef");
    expect_none();
    push(13, 11000, 0, "gh");
    expect("ef", 3000);
    expect_none();

    /* the payload format ends one itself */
    push(14, 11000, 0, "E1");
    expect("ghE1", 6000);

    /* a flush ends the open one */
    push(15, 14000, 0, "ij");
    sl_rtp_depack_flush(d);
    expect("ij", 9000);
    expect_none();

    CU_ASSERT_EQUAL(d->packets, 6);
    CU_ASSERT_EQUAL(d->units, 4);
    CU_ASSERT_EQUAL(d->lost + d->dropped + d->malformed, 0);
}


static void
test_header(void)
{
    size_t  n;

    setup();

    /* CSRC list, header extension and padding skipped exactly */
    pkt[0] = 0x80 | 0x20 | 0x10 | 2;
    pkt[1] = 0x80 | 96;
    memset(pkt + 2, 0, 10);
    memset(pkt + 12, 'c', 8);                     /* 2 CSRC */
    memcpy(pkt + 20, "\xbe\xde\x00\x01" "xxxx", 8);
    memcpy(pkt + 28, "data", 4);
    memcpy(pkt + 32, "\0\0\3", 3);                /* 3 bytes padding */
    n = 35;

    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_OK);
    expect("data", 0);

    /* each field past the end is refused */
    pkt[34] = 8;
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);
    pkt[34] = 0;
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);
    pkt[34] = 3;
    pkt[23] = 5;                                  /* extension words */
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);
    pkt[23] = 1;
    pkt[0] = 0x80 | 0x20 | 0x10 | 15;             /* 15 CSRC */
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, 11), SL_DECLINED);

    /* version 1 */
    n = packet(1, 0, 1, "v1");
    pkt[0] = 0x40;
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);

    /* an extension header cut short */
    n = packet(1, 0, 1, "ab");
    pkt[0] |= 0x10;
    CU_ASSERT_EQUAL(sl_rtp_depack_push(d, pkt, n), SL_DECLINED);

    /* another payload type, when one is set */
    d->pt = 97;
    CU_ASSERT_EQUAL(push(1, 0, 1, "pt"), SL_DECLINED);
    d->pt = -1;

    CU_ASSERT_EQUAL(d->malformed, 8);
    CU_ASSERT_EQUAL(d->packets, 1);
    expect_none();

    /* a payload the format refuses: counted, its unit dropped */
    push(1, 100, 0, "ok");
    push(2, 100, 1, "X");
    expect_none();
    CU_ASSERT_EQUAL(d->malformed, 9);
    CU_ASSERT_EQUAL(d->dropped, 1);
}


static void
test_sequence(void)
{
    setup();

    push(65534, 0, 1, "a");
    expect("a", 0);

    /* across the 16-bit wrap */
    push(65535, 100, 1, "b");
    expect("b", 100);
    push(0, 200, 1, "c");
    expect("c", 200);

    /* a duplicate and a late packet are dropped */
    CU_ASSERT_EQUAL(push(0, 200, 1, "c"), SL_DECLINED);
    CU_ASSERT_EQUAL(push(65535, 100, 1, "b"), SL_DECLINED);
    expect_none();
    CU_ASSERT_EQUAL(d->duplicates, 1);
    CU_ASSERT_EQUAL(d->late, 1);

    /* a lost packet in a unit drops it */
    push(1, 300, 0, "d1");
    push(3, 300, 1, "d3");
    expect_none();
    CU_ASSERT_EQUAL(d->lost, 1);
    CU_ASSERT_EQUAL(d->dropped, 1);

    /* one lost before the end of a unit drops it: "e2" may be its end */
    push(4, 400, 0, "e1");
    push(6, 500, 1, "f");
    expect("f", 500);
    CU_ASSERT_EQUAL(d->lost, 2);
    CU_ASSERT_EQUAL(d->dropped, 2);

    /* the late one after the gap comes too late */
    CU_ASSERT_EQUAL(push(5, 400, 1, "e2"), SL_DECLINED);
    CU_ASSERT_EQUAL(d->late, 2);

    /* a jump past SL_RTP_MAX_DROPOUT starts over, the time going on */
    push(6 + 5000, 123456789, 1, "g");
    expect("g", 500);
    push(6 + 5001, 123456789 + 90, 1, "h");
    expect("h", 590);
    CU_ASSERT_EQUAL(d->lost, 2);

    /* so does a new source */
    packet(7, 42, 1, "i");
    pkt[11] = 0xee;
    sl_rtp_depack_push(d, pkt, 13);
    expect("i", 590);
    packet(8, 52, 1, "j");
    pkt[11] = 0xee;
    sl_rtp_depack_push(d, pkt, 13);
    expect("j", 600);
    CU_ASSERT_EQUAL(d->lost, 2);
    CU_ASSERT_EQUAL(d->late + d->duplicates, 3);
}


static void
test_timestamp_wrap(void)
{
    int64_t    dts;
    uint32_t   ts;
    sl_uint_t  i;

    setup();

    ts = 0xffffffff - 3 * 3000 + 1;
    dts = 0;

    for (i = 0; i < 8; i++) {
        push((uint16_t) i, ts, 1, "w");
        expect("w", dts);
        ts += 3000;
        dts += 3000;
    }

    /* times may go back (B-frames): dts does too */
    push(8, ts - 9000, 1, "b");
    expect("b", dts - 9000);
}


static void
test_limits(void)
{
    u_char           *big;
    size_t            n;
    sl_uint_t         i;
    sl_media_unit_t   mu;

    setup();

    /* a unit past SL_RTP_DEPACK_MAX_UNIT is dropped, the next is fine */

    big = malloc(60000 + 1);
    CU_ASSERT_FATAL(big != NULL);
    memset(big, 'z', 60000);
    big[60000] = '\0';

    for (i = 0; i < SL_RTP_DEPACK_MAX_UNIT / 60000 + 1; i++) {
        CU_ASSERT_EQUAL(push((uint16_t) i, 0, 0, (char *) big), SL_OK);
        CU_ASSERT(d->size <= SL_RTP_DEPACK_MAX_BUF);
    }

    push((uint16_t) i, 0, 1, "end");
    expect_none();
    CU_ASSERT_EQUAL(d->dropped, 1);

    push((uint16_t) i + 1, 90, 1, "next");
    expect("next", 90);

    /* exactly SL_RTP_DEPACK_MAX_UNIT is fine */
    for (n = 0; n < SL_RTP_DEPACK_MAX_UNIT; n += 40000) {
        big[sl_min((size_t) 40000, SL_RTP_DEPACK_MAX_UNIT - n)] = '\0';
        push((uint16_t) (i + 2 + n / 40000), 180, 0, (char *) big);
        big[sl_min((size_t) 40000, SL_RTP_DEPACK_MAX_UNIT - n)] = 'z';
    }

    sl_rtp_depack_flush(d);
    CU_ASSERT_EQUAL_FATAL(sl_rtp_depack_next(d, &mu), SL_OK);
    CU_ASSERT_EQUAL(mu.len, SL_RTP_DEPACK_MAX_UNIT);
    CU_ASSERT_EQUAL(mu.dts, 180);
    CU_ASSERT(d->size <= SL_RTP_DEPACK_MAX_BUF);

    free(big);
}


/* a format that makes one unit per payload byte */
static sl_int_t
t_bytes(sl_rtp_depack_t *d, const u_char *payload, size_t len,
    sl_uint_t marker)
{
    size_t  i;

    (void) marker;

    for (i = 0; i < len; i++) {
        sl_rtp_depack_begin(d, d->dts + i);
        sl_rtp_depack_append(d, payload + i, 1);
        sl_rtp_depack_end(d);
    }

    return SL_OK;
}


static void
test_many_units(void)
{
    char                    text[101];
    sl_uint_t               i;
    sl_media_unit_t         mu;
    static sl_rtp_payload_t  bytes;

    bytes = t_payload;
    bytes.depacketize = t_bytes;

    d = sl_rtp_depack_create(sl_unit_pool(), &bytes, &tr, 0, sl_unit_log());
    CU_ASSERT_FATAL(d != NULL);

    for (i = 0; i < 100; i++) {
        text[i] = (char) ('0' + i % 10);
    }

    text[100] = '\0';

    push(1, 0, 0, text);

    /* SL_RTP_DEPACK_UNITS come out, the rest are dropped */
    for (i = 0; i < SL_RTP_DEPACK_UNITS; i++) {
        CU_ASSERT_EQUAL_FATAL(sl_rtp_depack_next(d, &mu), SL_OK);
        CU_ASSERT_EQUAL(mu.len, 1);
        CU_ASSERT_EQUAL(mu.data[0], '0' + i % 10);
        CU_ASSERT_EQUAL(mu.dts, (int64_t) i);
    }

    expect_none();
    CU_ASSERT_EQUAL(d->dropped, 100 - SL_RTP_DEPACK_UNITS);
}


static void
test_fmtp(void)
{
    sl_str_t  fmtp, v;

    sl_str_set(&fmtp, "packetization-mode=1; sprop-parameter-sets=Z0,aM=;"
               " profile-level-id=64000D ;Mode=AAC-hbr;empty=;flag");

    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "packetization-mode", &v),
                    SL_OK);
    CU_ASSERT(sl_str_eq(&v, "1"));
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "sprop-parameter-sets", &v),
                    SL_OK);
    CU_ASSERT(sl_str_eq(&v, "Z0,aM="));
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "profile-level-id", &v), SL_OK);
    CU_ASSERT(sl_str_eq(&v, "64000D"));
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "mode", &v), SL_OK);
    CU_ASSERT(sl_str_eq(&v, "AAC-hbr"));
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "empty", &v), SL_OK);
    CU_ASSERT_EQUAL(v.len, 0);
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "flag", &v), SL_DECLINED);
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "profile", &v), SL_DECLINED);
    CU_ASSERT_EQUAL(sl_rtp_fmtp_param(&fmtp, "level-id", &v), SL_DECLINED);
}


/* an RTCP SR of SSRC deadbeef, NTP sec.frac, RTP ts, then an SDES */
static size_t
t_sender_report(u_char *b, uint32_t sec, uint32_t frac, uint32_t ts)
{
    static const u_char  head[] = { 0x80, 200, 0, 6, 0xde, 0xad, 0xbe, 0xef };
    static const u_char  sdes[] = { 0x81, 202, 0, 1, 0xde, 0xad, 0xbe, 0xef };
    u_char              *p;

    p = sl_cpymem(b, head, sizeof(head));
    *p++ = (u_char) (sec >> 24); *p++ = (u_char) (sec >> 16);
    *p++ = (u_char) (sec >> 8); *p++ = (u_char) sec;
    *p++ = (u_char) (frac >> 24); *p++ = (u_char) (frac >> 16);
    *p++ = (u_char) (frac >> 8); *p++ = (u_char) frac;
    *p++ = (u_char) (ts >> 24); *p++ = (u_char) (ts >> 16);
    *p++ = (u_char) (ts >> 8); *p++ = (u_char) ts;
    p = sl_cpymem(p, "\0\0\0\1\0\0\0\2", 8);     /* counts */
    p = sl_cpymem(p, sdes, sizeof(sdes));

    return p - b;
}


/*
 * One timeline for a source's tracks (all numbered 5, as expect() wants):
 * video (90 kHz) and audio (8 kHz)
 * whose reports tie their RTP clocks to one wall clock; the audio's
 * first packet is 1.5 s after the video's, and stays so.  RTP-Info's
 * rtptime wins over reports; a track nothing is known of starts at the
 * lead; malformed RTCP is refused.
 */
static void
test_timeline(void)
{
    u_char            rtcp[64];
    size_t            n;
    sl_rtp_sync_t     sync;
    sl_rtp_depack_t  *video, *audio, *other;
    sl_media_track_t  vtr, atr, otr;

    sl_memzero(&sync, sizeof(sl_rtp_sync_t));
    sl_memzero(&vtr, sizeof(sl_media_track_t));
    sl_memzero(&atr, sizeof(sl_media_track_t));
    sl_memzero(&otr, sizeof(sl_media_track_t));
    vtr.timescale = 90000;
    atr.timescale = 8000;
    otr.timescale = 8000;

    video = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &vtr, 5,
                                 sl_unit_log());
    audio = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &atr, 5,
                                 sl_unit_log());
    other = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &otr, 5,
                                 sl_unit_log());
    CU_ASSERT_FATAL(video && audio && other);
    video->sync = &sync;
    audio->sync = &sync;
    other->sync = &sync;

    /* video: RTP 900000 at NTP 1000.5 s; audio: RTP 40000 at 1000.0 s */
    n = t_sender_report(rtcp, 1000, 0x80000000u, 900000);
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(video, rtcp, n), SL_OK);
    n = t_sender_report(rtcp, 1000, 0, 40000);
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(audio, rtcp, n), SL_OK);

    /* malformed: a bad version, a length past the end, no SR */
    rtcp[0] = 0x40;
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(other, rtcp, n), SL_DECLINED);
    rtcp[0] = 0x80;
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(other, rtcp, 20), SL_DECLINED);
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(other, rtcp + 28, 8), SL_DECLINED);

    /* the video's first packet at NTP 1001.0 (RTP 945000), the audio's at
       1002.5 (RTP 60000): 1.5 s apart, after the lead */
    d = video;
    CU_ASSERT_EQUAL(push(1, 945000, 0, "v1"), SL_OK);
    CU_ASSERT_EQUAL(push(2, 948600, 0, "v2"), SL_OK);
    expect("v1", 90000);
    d = audio;
    CU_ASSERT_EQUAL(push(1, 60000, 0, "a1"), SL_OK);
    CU_ASSERT_EQUAL(push(2, 60160, 0, "a2"), SL_OK);
    expect("a1", 8000 + 12000);

    /* and the next units run on from there */
    d = video;
    CU_ASSERT_EQUAL(push(3, 952200, 0, "v3"), SL_OK);
    expect("v2", 90000 + 3600);

    /* nothing known of the third track: it starts at the lead */
    d = other;
    CU_ASSERT_EQUAL(push(7, 123, 0, "o1"), SL_OK);
    CU_ASSERT_EQUAL(push(8, 283, 0, "o2"), SL_OK);
    expect("o1", 8000);

    /* RTP-Info: rtptime 5000 at the start, the first packet 2 s on */
    other = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &otr, 5,
                                 sl_unit_log());
    CU_ASSERT_FATAL(other != NULL);
    other->sync = &sync;
    n = t_sender_report(rtcp, 1, 0, 0);
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(other, rtcp, n), SL_OK);
    sl_rtp_depack_rtptime(other, 5000);
    d = other;
    CU_ASSERT_EQUAL(push(1, 21000, 0, "r1"), SL_OK);
    CU_ASSERT_EQUAL(push(2, 21160, 0, "r2"), SL_OK);
    expect("r1", 8000 + 16000);

    /* without a timeline: 0 at the first packet, reports or not */
    sl_memzero(&tr, sizeof(sl_media_track_t));
    tr.timescale = 90000;
    d = sl_rtp_depack_create(sl_unit_pool(), &t_payload, &tr, 5,
                             sl_unit_log());
    CU_ASSERT_FATAL(d != NULL);
    n = t_sender_report(rtcp, 1000, 0, 1);
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(d, rtcp, n), SL_OK);
    CU_ASSERT_EQUAL(push(1, 90000, 0, "z1"), SL_OK);
    CU_ASSERT_EQUAL(push(2, 93600, 0, "z2"), SL_OK);
    expect("z1", 0);

    /* a report of another source is not taken once the track has one */
    n = t_sender_report(rtcp, 1000, 0, 1);
    rtcp[4] = 0x01;
    CU_ASSERT_EQUAL(sl_rtp_depack_rtcp(d, rtcp, n), SL_DECLINED);
}


SL_UNIT_SUITE(sl_rtp_depack,
    { "units end on marker, time, format, flush", test_units },
    { "header checks", test_header },
    { "sequence: loss, late, duplicate, restart", test_sequence },
    { "timestamp wrap", test_timestamp_wrap },
    { "unit and buffer limits", test_limits },
    { "units per packet", test_many_units },
    { "fmtp parameters", test_fmtp },
    { "one timeline: reports, RTP-Info", test_timeline })
