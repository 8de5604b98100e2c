/* The AAC RTP payload format, RFC 3640, AAC-hbr (to be written). */

#include <sl_config.h>
#include <sl_core.h>


static const sl_rtp_payload_t  sl_rtp_aac = {
    .name = "AAC",
    .codec = SL_CODEC_AAC,
    .media = "audio",
    .static_pt = 0,
};


static sl_media_module_t  sl_rtp_aac_module_ctx = {
    .payload = &sl_rtp_aac,
};


sl_module_t  sl_rtp_aac_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_aac_module_ctx,
};
