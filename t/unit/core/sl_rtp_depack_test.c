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


SL_UNIT_SUITE(sl_rtp_depack,
    { "units end on marker, time, format, flush", test_units },
    { "header checks", test_header },
    { "sequence: loss, late, duplicate, restart", test_sequence },
    { "timestamp wrap", test_timestamp_wrap },
    { "unit and buffer limits", test_limits },
    { "units per packet", test_many_units },
    { "fmtp parameters", test_fmtp })
