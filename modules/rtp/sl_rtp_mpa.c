/* The MPA RTP payload format, RFC 2250 §3.5 (to be written). */

#include <sl_config.h>
#include <sl_core.h>


static const sl_rtp_payload_t  sl_rtp_mpa = {
    .name = "MPA",
    .codec = SL_CODEC_MPA,
    .media = "audio",
    .static_pt = 14,
};


static sl_media_module_t  sl_rtp_mpa_module_ctx = {
    .payload = &sl_rtp_mpa,
};


sl_module_t  sl_rtp_mpa_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mpa_module_ctx,
};
