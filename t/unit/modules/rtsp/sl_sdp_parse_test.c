/*
 * Tests of the SDP parser (RFC 8866) on the descriptions encoders
 * announce, and of control URLs (RFC 2326 C.1.1).
 */

#include "sl_unit.h"
#include <sl_sdp_parse.h>


static sl_sdp_t  sdp;


static sl_int_t
parse(const char *text)
{
    return sl_sdp_parse((const u_char *) text, strlen(text), &sdp);
}


/* ffmpeg -c:a libmp3lame -f rtsp: static PT 14, no rtpmap */
static void
test_ffmpeg_mp3(void)
{
    sl_sdp_media_t  *m;

    CU_ASSERT_EQUAL_FATAL(parse(
        "v=0\r\n"
        "o=- 0 0 IN IP4 127.0.0.1\r\n"
        "s=No Name\r\n"
        "c=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\n"
        "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
        "m=audio 0 RTP/AVP 14\r\n"
        "a=control:streamid=0\r\n"), SL_OK);

    CU_ASSERT_EQUAL_FATAL(sdp.nmedia, 1);
    CU_ASSERT_EQUAL(sdp.control.len, 0);
    CU_ASSERT_EQUAL(sdp.range.len, 0);

    m = &sdp.media[0];
    CU_ASSERT(sl_str_eq(&m->media, "audio"));
    CU_ASSERT_EQUAL(m->port, 0);
    CU_ASSERT_EQUAL(m->nports, 1);
    CU_ASSERT(sl_str_eq(&m->proto, "RTP/AVP"));
    CU_ASSERT_EQUAL(m->pt, 14);
    CU_ASSERT(sl_str_eq(&m->encoding, "MPA"));
    CU_ASSERT_EQUAL(m->clock_rate, 90000);
    CU_ASSERT_EQUAL(m->channels, 0);
    CU_ASSERT_EQUAL(m->rtpmap, 0);
    CU_ASSERT_EQUAL(m->fmtp.len, 0);
    CU_ASSERT(sl_str_eq(&m->control, "streamid=0"));
}


/* ffmpeg -c:v libx264 -c:a aac -f rtsp */
static void
test_ffmpeg_h264_aac(void)
{
    sl_sdp_media_t  *m;

    CU_ASSERT_EQUAL_FATAL(parse(
        "v=0\r\n"
        "o=- 0 0 IN IP4 127.0.0.1\r\n"
        "s=No Name\r\n"
        "c=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\n"
        "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
        "m=video 0 RTP/AVP 96\r\n"
        "a=rtpmap:96 H264/90000\r\n"
        "a=fmtp:96 packetization-mode=1; sprop-parameter-sets="
        "Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; "
        "profile-level-id=64000D\r\n"
        "a=control:streamid=0\r\n"
        "m=audio 0 RTP/AVP 97\r\n"
        "b=AS:69\r\n"
        "a=rtpmap:97 MPEG4-GENERIC/44100/1\r\n"
        "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;"
        "indexlength=3;indexdeltalength=3; config=120856E500\r\n"
        "a=control:streamid=1\r\n"), SL_OK);

    CU_ASSERT_EQUAL_FATAL(sdp.nmedia, 2);

    m = &sdp.media[0];
    CU_ASSERT(sl_str_eq(&m->media, "video"));
    CU_ASSERT_EQUAL(m->pt, 96);
    CU_ASSERT(sl_str_eq(&m->encoding, "H264"));
    CU_ASSERT_EQUAL(m->clock_rate, 90000);
    CU_ASSERT_EQUAL(m->channels, 0);
    CU_ASSERT_EQUAL(m->rtpmap, 1);
    CU_ASSERT(sl_str_eq(&m->fmtp, "packetization-mode=1; "
                        "sprop-parameter-sets="
                        "Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; "
                        "profile-level-id=64000D"));
    CU_ASSERT(sl_str_eq(&m->control, "streamid=0"));
    CU_ASSERT_EQUAL(m->bitrate, 0);

    m = &sdp.media[1];
    CU_ASSERT(sl_str_eq(&m->media, "audio"));
    CU_ASSERT_EQUAL(m->pt, 97);
    CU_ASSERT(sl_str_eq(&m->encoding, "MPEG4-GENERIC"));
    CU_ASSERT_EQUAL(m->clock_rate, 44100);
    CU_ASSERT_EQUAL(m->channels, 1);
    CU_ASSERT_EQUAL(m->bitrate, 69);
    CU_ASSERT(sl_str_eq(&m->fmtp, "profile-level-id=1;mode=AAC-hbr;"
                        "sizelength=13;indexlength=3;indexdeltalength=3; "
                        "config=120856E500"));
    CU_ASSERT(sl_str_eq(&m->control, "streamid=1"));
}


/*
 * GStreamer rtspclientsink: rtpmap for static types too, media-level
 * c= and attributes the parser skips, LF line ends; live555 style
 * session-level control and range; a last line without its end.
 */
static void
test_others(void)
{
    CU_ASSERT_EQUAL_FATAL(parse(
        "v=0\n"
        "o=- 3895900767 1 IN IP4 127.0.0.1\n"
        "s=Session streamed with GStreamer\n"
        "i=rtspclientsink\n"
        "t=0 0\n"
        "a=tool:GStreamer\n"
        "m=audio 0 RTP/AVP 14\n"
        "c=IN IP4 0.0.0.0\n"
        "a=rtpmap:14 MPA/90000\n"
        "a=control:stream=1\n"
        "a=ts-refclk:local\n"
        "a=mediaclk:sender\n"
        "a=ssrc:2905921826 cname:user3602524751@host-cccc83fa\n"
        "m=video 0 RTP/AVP 33\n"
        "c=IN IP4 0.0.0.0\n"
        "a=rtpmap:33 MP2T/90000\n"
        "a=control:stream=0"), SL_OK);

    CU_ASSERT_EQUAL_FATAL(sdp.nmedia, 2);
    CU_ASSERT(sl_str_eq(&sdp.media[0].encoding, "MPA"));
    CU_ASSERT_EQUAL(sdp.media[0].rtpmap, 1);
    CU_ASSERT(sl_str_eq(&sdp.media[0].control, "stream=1"));
    CU_ASSERT_EQUAL(sdp.media[1].pt, 33);
    CU_ASSERT(sl_str_eq(&sdp.media[1].encoding, "MP2T"));
    CU_ASSERT_EQUAL(sdp.media[1].clock_rate, 90000);
    CU_ASSERT(sl_str_eq(&sdp.media[1].control, "stream=0"));

    CU_ASSERT_EQUAL_FATAL(parse(
        "v=0\r\n"
        "o=- 1700000000 1 IN IP4 192.0.2.1\r\n"
        "s=MPEG Transport Stream, streamed by the LIVE555 Media Server\r\n"
        "t=0 0\r\n"
        "a=type:broadcast\r\n"
        "a=control:*\r\n"
        "a=range:npt=0-3.500\r\n"
        "a=x-qt-text-nam:MPEG Transport Stream\r\n"
        "m=video 0 RTP/AVP 33\r\n"
        "c=IN IP4 0.0.0.0\r\n"
        "b=AS:5000\r\n"
        "a=control:track1\r\n"
        "\r\n"), SL_OK);

    CU_ASSERT(sl_str_eq(&sdp.control, "*"));
    CU_ASSERT(sl_str_eq(&sdp.range, "npt=0-3.500"));
    CU_ASSERT_EQUAL_FATAL(sdp.nmedia, 1);
    CU_ASSERT(sl_str_eq(&sdp.media[0].encoding, "MP2T"));
    CU_ASSERT_EQUAL(sdp.media[0].rtpmap, 0);
    CU_ASSERT_EQUAL(sdp.media[0].bitrate, 5000);
    CU_ASSERT(sl_str_eq(&sdp.media[0].control, "track1"));

    /* several formats: the first one's rtpmap and fmtp only */
    CU_ASSERT_EQUAL_FATAL(parse(
        "v=0\r\n"
        "m=audio 5004/2 RTP/AVP 98 0 8\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=fmtp:99 x=1\r\n"
        "a=rtpmap:98 L16/48000/2\r\n"
        "a=fmtp:98 channel-order=DV.LRLsRs\r\n"
        "m=application 9 UDP/BFCP *\r\n"
        "a=control:app\r\n"), SL_OK);

    CU_ASSERT_EQUAL_FATAL(sdp.nmedia, 2);
    CU_ASSERT_EQUAL(sdp.media[0].port, 5004);
    CU_ASSERT_EQUAL(sdp.media[0].nports, 2);
    CU_ASSERT_EQUAL(sdp.media[0].pt, 98);
    CU_ASSERT(sl_str_eq(&sdp.media[0].encoding, "L16"));
    CU_ASSERT_EQUAL(sdp.media[0].clock_rate, 48000);
    CU_ASSERT_EQUAL(sdp.media[0].channels, 2);
    CU_ASSERT(sl_str_eq(&sdp.media[0].fmtp, "channel-order=DV.LRLsRs"));
    CU_ASSERT_EQUAL(sdp.media[1].pt, -1);
    CU_ASSERT_EQUAL(sdp.media[1].encoding.len, 0);
    CU_ASSERT(sl_str_eq(&sdp.media[1].control, "app"));
}


static void
test_malformed(void)
{
    sl_uint_t   i;
    char        big[SL_SDP_MAX_LINE + 32];
    static const struct {
        const char  *text;
        sl_uint_t    line;
        const char  *error;
    } bad[] = {
        { "", 0, "empty description" },
        { "\r\n\r\n", 0, "empty description" },
        { "o=- 0 0 IN IP4 127.0.0.1\r\n", 1, "no \"v=0\" first" },
        { "v=1\r\n", 1, "no \"v=0\" first" },
        { "v=0\r\nv=0\r\n", 2, "\"v=\" again" },
        { "v=0\r\nnot sdp\r\n", 2, "not a <type>=<value> line" },
        { "v=0\r\nM=audio 0 RTP/AVP 14\r\n", 2,
          "not a <type>=<value> line" },
        { "v=0\r\na\r\n", 2, "not a <type>=<value> line" },
        { "v=0\r\ns=x\ry\r\n", 2, "NUL or CR without LF" },
        { "v=0\r\nm=audio 0 RTP/AVP\r\n", 2, "malformed \"m=\" line" },
        { "v=0\r\nm=audio x RTP/AVP 14\r\n", 2,
          "malformed port in \"m=\" line" },
        { "v=0\r\nm=audio 70000 RTP/AVP 14\r\n", 2,
          "malformed port in \"m=\" line" },
        { "v=0\r\nm=audio 0/0 RTP/AVP 14\r\n", 2,
          "malformed port in \"m=\" line" },
        { "v=0\r\nm=audio 0 RTP/AVP 128\r\n", 2,
          "malformed payload type in \"m=\" line" },
        { "v=0\r\nm=audio 0 RTP/AVP x\r\n", 2,
          "malformed payload type in \"m=\" line" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 H264\r\n", 3,
          "malformed \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 /90000\r\n", 3,
          "malformed \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 H264/0\r\n", 3,
          "malformed clock rate in \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000/\r\n", 3,
          "malformed channels in \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 A/1 x\r\n", 3,
          "malformed \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:x A/1\r\n", 3,
          "malformed \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 A/1\r\n"
          "a=rtpmap:96 B/1\r\n", 4, "duplicate \"a=rtpmap\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=fmtp:96 a=1\r\n"
          "a=fmtp:96 a=2\r\n", 4, "duplicate \"a=fmtp\"" },
        { "v=0\r\na=control:a\r\na=control:b\r\n", 3,
          "duplicate \"a=control\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\na=control:a\r\n"
          "a=control:b\r\n", 4, "duplicate \"a=control\"" },
        { "v=0\r\nm=audio 0 RTP/AVP 96\r\nb=AS:x\r\n", 3,
          "malformed \"b=AS\"" },
        { "v=0\r\nm=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\n"
          "m=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\n"
          "m=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\nm=a 0 RTP/AVP 1\r\n", 10,
          "too many \"m=\" lines" },
    };

    for (i = 0; i < sl_nelems(bad); i++) {
        CU_ASSERT_EQUAL(parse(bad[i].text), SL_ERROR);
        CU_ASSERT_EQUAL(sdp.line, bad[i].line);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sdp.error);

        if (strcmp(sdp.error, bad[i].error) != 0) {
            fprintf(stderr, "\n  case %lu: \"%s\" on line %lu\n",
                    (unsigned long) i, sdp.error, (unsigned long) sdp.line);
            CU_FAIL("error");
        }
    }

    /* a NUL */
    CU_ASSERT_EQUAL(sl_sdp_parse((const u_char *) "v=0\r\ns=\0\r\n", 9,
                                 &sdp), SL_ERROR);
    CU_ASSERT_EQUAL(sdp.line, 2);

    /* the size caps */
    memset(big, 'x', sizeof(big));
    memcpy(big, "v=0\r\ns=", 7);
    big[sizeof(big) - 1] = '\0';
    CU_ASSERT_EQUAL(parse(big), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(sdp.error, "line too long");

    big[5 + SL_SDP_MAX_LINE] = '\0';
    CU_ASSERT_EQUAL(parse(big), SL_OK);

    CU_ASSERT_EQUAL(sl_sdp_parse((const u_char *) big, SL_SDP_MAX_SIZE + 1,
                                 &sdp), SL_ERROR);
    CU_ASSERT_STRING_EQUAL(sdp.error, "description too large");
}


static void
test_control_url(void)
{
    sl_uint_t  i;
    sl_str_t   base, control, url;
    static const struct {
        const char  *base;
        const char  *control;
        const char  *url;
    } cases[] = {
        /* ffmpeg's ANNOUNCE, then its SETUP */
        { "rtsp://127.0.0.1:8554/live", "streamid=0",
          "rtsp://127.0.0.1:8554/live/streamid=0" },
        /* RFC 2326 C.1.1 and live555: a Content-Base ending in "/" */
        { "rtsp://foo/twister/", "audio", "rtsp://foo/twister/audio" },
        { "rtsp://h/live.sdp/", "trackID=1", "rtsp://h/live.sdp/trackID=1" },
        { "rtsp://h", "track1", "rtsp://h/track1" },
        { "rtsp://h/a/b?token=1", "stream=0",
          "rtsp://h/a/b/stream=0?token=1" },
        { "rtsp://h:554/a", "/other/x", "rtsp://h:554/other/x" },
        /* GStreamer: absolute */
        { "rtsp://h/live", "rtsp://10.0.0.1:8554/live/stream=0",
          "rtsp://10.0.0.1:8554/live/stream=0" },
        { "rtsp://h/live", "RTSPS://x/y", "RTSPS://x/y" },
        { "rtsp://h/live", "*", "rtsp://h/live" },
        { "rtsp://h/live", "", "rtsp://h/live" },
    };

    for (i = 0; i < sl_nelems(cases); i++) {
        base.data = (u_char *) cases[i].base;
        base.len = strlen(cases[i].base);
        control.data = (u_char *) cases[i].control;
        control.len = strlen(cases[i].control);

        CU_ASSERT_EQUAL_FATAL(sl_sdp_control_url(sl_unit_pool(), &base,
                                                 &control, &url), SL_OK);

        if (!sl_str_eq(&url, cases[i].url)) {
            fprintf(stderr, "\n  case %lu: \"%.*s\"\n", (unsigned long) i,
                    SL_STR_ARG(&url));
            CU_FAIL("url");
        }
    }

    /* a base that is no absolute URL */
    sl_str_set(&base, "/live");
    sl_str_set(&control, "streamid=0");
    CU_ASSERT_EQUAL(sl_sdp_control_url(sl_unit_pool(), &base, &control,
                                       &url), SL_ERROR);
}


SL_UNIT_SUITE(sl_sdp_parse,
    { "ffmpeg: MP3", test_ffmpeg_mp3 },
    { "ffmpeg: H.264 and AAC", test_ffmpeg_h264_aac },
    { "GStreamer, live555, several formats", test_others },
    { "malformed", test_malformed },
    { "control URLs", test_control_url })
