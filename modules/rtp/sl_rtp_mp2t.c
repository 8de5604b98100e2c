/* The MP2T RTP payload format, RFC 2250 §2 (to be written). */

#include <sl_config.h>
#include <sl_core.h>


static const sl_rtp_payload_t  sl_rtp_mp2t = {
    .name = "MP2T",
    .codec = SL_CODEC_MP2T,
    .media = "video",
    .static_pt = 33,
};


static sl_media_module_t  sl_rtp_mp2t_module_ctx = {
    .payload = &sl_rtp_mp2t,
};


sl_module_t  sl_rtp_mp2t_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mp2t_module_ctx,
};
