/* Tests of the track control helpers of sl_rtsp_session.c. */

#include "sl_unit.h"
#include <sl_rtsp.h>


/* the base sl_rtsp_control_base() finds in text, or "-" for none */
static const char *
control_base(const char *text, char *buf, size_t size)
{
    sl_str_t  uri, base;

    uri.data = (u_char *) text;
    uri.len = strlen(text);
    base.data = NULL;
    base.len = 0;

    if (sl_rtsp_control_base(&uri, &base) != SL_OK) {
        CU_ASSERT_EQUAL(base.len, 0);
        return "-";
    }

    /* base points into the URL: no copy */
    CU_ASSERT_PTR_EQUAL(base.data, uri.data);
    CU_ASSERT_FATAL(base.len < size);

    memcpy(buf, base.data, base.len);
    buf[base.len] = '\0';

    return buf;
}


static void
test_control_base(void)
{
    char  b[128];

    /* the Content-Base our DESCRIBE gives, with its "/" */
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h:8554/vod/a.mp3/trackID=0", b, sizeof(b)),
        "rtsp://h:8554/vod/a.mp3/");
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/a.mp4?token=x/trackID=12", b, sizeof(b)),
        "rtsp://h/a.mp4?token=x/");
    CU_ASSERT_STRING_EQUAL(control_base("/trackID=1", b, sizeof(b)), "/");

    /* no control: a presentation, or a control without its number */
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/vod/a.mp3", b, sizeof(b)), "-");
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/vod/a.mp3/", b, sizeof(b)), "-");
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/vod/trackID=", b, sizeof(b)), "-");
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/vod/xtrackID=1", b, sizeof(b)), "-");
    CU_ASSERT_STRING_EQUAL(
        control_base("rtsp://h/trackID=0/a.mp3", b, sizeof(b)), "-");
    CU_ASSERT_STRING_EQUAL(control_base("", b, sizeof(b)), "-");
}


SL_UNIT_SUITE(sl_rtsp_session,
    { "control base", test_control_base })
