/* The AAC RTP payload format, RFC 3640 mode AAC-hbr. */

#include <sl_config.h>
#include <sl_core.h>


#define SL_AAC_AU_HEADERS     4          /* AU-headers-length + 1 header */
#define SL_AAC_MAX_AU_SIZE    8191       /* 13-bit sizelength */


static uint32_t
sl_rtp_aac_clock_rate(const sl_media_track_t *tr)
{
    return tr->sample_rate ? tr->sample_rate : tr->timescale;
}


/*
 * RFC 3640 §4.1 and §3.3.6: "a=rtpmap:PT mpeg4-generic/RATE/CHANNELS"
 * and the fmtp of AAC-hbr: 13-bit AU sizes, 3-bit indexes, and the
 * AudioSpecificConfig in hex as config.
 */
static u_char *
sl_rtp_aac_sdp(const sl_media_track_t *tr, uint8_t pt, u_char *p,
    u_char *last)
{
    size_t  i;

    /* sl_slprintf() stops at last - 1 when the text does not fit */

    p = sl_slprintf(p, last,
                    "a=rtpmap:%u mpeg4-generic/%u/%u\r\n"
                    "a=fmtp:%u streamtype=5;profile-level-id=1;"
                    "mode=AAC-hbr;sizelength=13;indexlength=3;"
                    "indexdeltalength=3;config=",
                    (unsigned) pt, (unsigned) sl_rtp_aac_clock_rate(tr),
                    (unsigned) (tr->channels ? tr->channels : 1),
                    (unsigned) pt);

    for (i = 0; i < tr->config_len; i++) {
        p = sl_slprintf(p, last, "%02x", tr->config[i]);
    }

    p = sl_slprintf(p, last, "\r\n");

    return (p < last - 1) ? p : NULL;
}


/*
 * One raw AAC frame per packet: AU-headers-length 16 (bits), one
 * AU-header of the frame's size (13 bits) and index 0 (3 bits), then
 * the frame; marker 1.  A frame over max_payload is fragmented (RFC 3640
 * §3.2.3): every fragment repeats the AU-header with the size of the
 * whole frame, and only the last has the marker (§3.1).  Over
 * SL_AAC_MAX_AU_SIZE a frame cannot be described: SL_ERROR.
 */
static sl_int_t
sl_rtp_aac_packetize(sl_rtp_stream_t *s, const sl_media_track_t *tr,
    const sl_media_unit_t *mu, sl_rtp_out_t *out)
{
    u_char        *p;
    size_t         chunk, left, n, npkts, last_len, bytes;
    uint32_t       ts;
    const u_char  *data;

    if (mu->len == 0) {
        return SL_OK;
    }

    if (mu->len > SL_AAC_MAX_AU_SIZE
        || s->max_payload <= SL_AAC_AU_HEADERS)
    {
        return SL_ERROR;
    }

    chunk = s->max_payload - SL_AAC_AU_HEADERS;
    npkts = (mu->len + chunk - 1) / chunk;
    last_len = SL_AAC_AU_HEADERS + mu->len - (npkts - 1) * chunk;
    bytes = npkts * (SL_RTP_HEADER_SIZE + SL_AAC_AU_HEADERS) + mu->len;

    if (npkts > SL_RTP_MAX_PACKETS - out->npkts
        || bytes - last_len + s->max_payload > (size_t) (out->end - out->pos))
    {
        return (out->npkts == 0) ? SL_ERROR : SL_AGAIN;
    }

    ts = sl_rtp_timestamp(s, mu->pts, tr->timescale);

    data = mu->data;
    left = mu->len;

    while (left) {
        n = sl_min(left, chunk);

        p = sl_rtp_packet_start(s, out, ts);

        p[0] = 0;
        p[1] = 16;
        p[2] = (u_char) (mu->len >> 5);
        p[3] = (u_char) ((mu->len & 0x1f) << 3);

        p = sl_cpymem(p + SL_AAC_AU_HEADERS, data, n);
        data += n;
        left -= n;

        sl_rtp_packet_end(s, out, p, left == 0);
    }

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_aac = {
    .name = "AAC",
    .codec = SL_CODEC_AAC,
    .media = "audio",
    .static_pt = 0,
    .clock_rate = sl_rtp_aac_clock_rate,
    .sdp = sl_rtp_aac_sdp,
    .packetize = sl_rtp_aac_packetize,
};


static sl_media_module_t  sl_rtp_aac_module_ctx = {
    .payload = &sl_rtp_aac,
};


sl_module_t  sl_rtp_aac_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_aac_module_ctx,
};
