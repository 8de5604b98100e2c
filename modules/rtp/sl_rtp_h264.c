/* The H264 RTP payload format, RFC 6184 (to be written). */

#include <sl_config.h>
#include <sl_core.h>


static const sl_rtp_payload_t  sl_rtp_h264 = {
    .name = "H264",
    .codec = SL_CODEC_H264,
    .media = "video",
    .static_pt = 0,
};


static sl_media_module_t  sl_rtp_h264_module_ctx = {
    .payload = &sl_rtp_h264,
};


sl_module_t  sl_rtp_h264_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_h264_module_ctx,
};
