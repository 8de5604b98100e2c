/* Tests of the Transport header choice (RFC 2326 §12.39). */

#include "sl_unit.h"
#include <sl_rtsp_parse.h>


static sl_int_t
parse(const char *text, sl_rtsp_transport_t *t)
{
    sl_str_t  v;

    v.data = (u_char *) text;
    v.len = strlen(text);

    return sl_rtsp_parse_transport(&v, 0, t);
}


static void
test_udp(void)
{
    sl_rtsp_transport_t  t;

    CU_ASSERT_EQUAL(parse("RTP/AVP;unicast;client_port=5000-5001", &t), SL_OK);
    CU_ASSERT_FALSE(t.tcp);
    CU_ASSERT_EQUAL(t.client_port[0], 5000);
    CU_ASSERT_EQUAL(t.client_port[1], 5001);
    CU_ASSERT_FALSE(t.has_destination);

    /* one port: the pair is N, N+1 */
    CU_ASSERT_EQUAL(parse("RTP/AVP/UDP;unicast;client_port=6000", &t), SL_OK);
    CU_ASSERT_EQUAL(t.client_port[1], 6001);

    CU_ASSERT_EQUAL(parse("RTP/AVP;unicast;destination=192.0.2.1;"
                          "client_port=5000-5001", &t), SL_OK);
    CU_ASSERT_TRUE(t.has_destination);
    CU_ASSERT_EQUAL(t.destination.len, 9);
    CU_ASSERT_NSTRING_EQUAL(t.destination.data, "192.0.2.1", 9);

    /* UDP without client_port: malformed */
    CU_ASSERT_EQUAL(parse("RTP/AVP;unicast", &t), 400);
    CU_ASSERT_EQUAL(parse("RTP/AVP;unicast;client_port=x-y", &t), 400);
    CU_ASSERT_EQUAL(parse("RTP/AVP;unicast;client_port=70000-70001", &t), 400);
}


static void
test_tcp(void)
{
    sl_rtsp_transport_t  t;

    CU_ASSERT_EQUAL(parse("RTP/AVP/TCP;unicast;interleaved=2-3", &t), SL_OK);
    CU_ASSERT_TRUE(t.tcp);
    CU_ASSERT_EQUAL(t.interleaved[0], 2);
    CU_ASSERT_EQUAL(t.interleaved[1], 3);

    /* no channels: the server picks (-2) */
    CU_ASSERT_EQUAL(parse("RTP/AVP/TCP;unicast", &t), SL_OK);
    CU_ASSERT_EQUAL(t.interleaved[0], -2);

    CU_ASSERT_EQUAL(parse("RTP/AVP/TCP;interleaved=300-301", &t), 400);

    CU_ASSERT_EQUAL(parse("RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
                          &t), SL_OK);
    CU_ASSERT_TRUE(t.record);
    CU_ASSERT_EQUAL(parse("RTP/AVP/TCP;interleaved=0-1;mode=\"RECORD\"", &t),
                    SL_OK);
    CU_ASSERT_TRUE(t.record);
}


static void
test_choice(void)
{
    sl_rtsp_transport_t  t;

    /* the first usable one of a list */
    CU_ASSERT_EQUAL(parse("RTP/SAVP;unicast;client_port=1-2, "
                          "RTP/AVP/TCP;unicast;interleaved=0-1", &t), SL_OK);
    CU_ASSERT_TRUE(t.tcp);

    /* multicast and other profiles are not sent: 461 */
    CU_ASSERT_EQUAL(parse("RTP/AVP;multicast", &t), 461);
    CU_ASSERT_EQUAL(parse("RAW/RAW/UDP;unicast;client_port=5000", &t), 461);
    CU_ASSERT_EQUAL(parse("", &t), 461);

    /* case-insensitive names */
    CU_ASSERT_EQUAL(parse("rtp/avp/tcp;INTERLEAVED=4-5", &t), SL_OK);
    CU_ASSERT_EQUAL(t.interleaved[0], 4);
}


/* on TLS: UDP would carry the media in clear, so only TCP is chosen */
static void
test_tcp_only(void)
{
    sl_str_t             v;
    sl_rtsp_transport_t  t;

    v = (sl_str_t) sl_string("RTP/AVP;unicast;client_port=5000-5001, "
                             "RTP/AVP/TCP;unicast;interleaved=2-3");
    CU_ASSERT_EQUAL(sl_rtsp_parse_transport(&v, 1, &t), SL_OK);
    CU_ASSERT_TRUE(t.tcp);
    CU_ASSERT_EQUAL(t.interleaved[0], 2);

    CU_ASSERT_EQUAL(sl_rtsp_parse_transport(&v, 0, &t), SL_OK);
    CU_ASSERT_FALSE(t.tcp);

    v = (sl_str_t) sl_string("RTP/AVP;unicast;client_port=5000-5001");
    CU_ASSERT_EQUAL(sl_rtsp_parse_transport(&v, 1, &t), 461);
}


SL_UNIT_SUITE(sl_rtsp_transport,
    { "UDP", test_udp },
    { "TCP interleaved", test_tcp },
    { "choosing among several", test_choice },
    { "TCP only on TLS", test_tcp_only })
