/* The MP2T RTP payload format, RFC 2250 §2. */

#include <sl_config.h>
#include <sl_core.h>


static uint32_t
sl_rtp_mp2t_clock_rate(const sl_media_track_t *tr sl_unused)
{
    return 90000;
}


/* RFC 3551 §6: static payload type 33, "MP2T/90000" */
static u_char *
sl_rtp_mp2t_sdp(const sl_media_track_t *tr sl_unused, uint8_t pt, u_char *p,
    u_char *last)
{
    int   n;
    char  line[32];

    n = snprintf(line, sizeof(line), "a=rtpmap:%u MP2T/90000\r\n",
                 (unsigned) pt);

    if (n <= 0 || (size_t) n >= sizeof(line) || last - p < n) {
        return NULL;
    }

    return sl_cpymem(p, line, (size_t) n);
}


/*
 * RFC 2250 §2: the payload is a whole number of TS packets, the RTP
 * timestamp the time the first of them is sent (the unit's dts, which the
 * reader takes from the PCR), the marker bit 0.  A unit longer than the
 * stream's max_payload is split at packet boundaries, each packet keeping
 * the unit's timestamp.  Nothing is written unless the whole unit fits.
 */
static sl_int_t
sl_rtp_mp2t_packetize(sl_rtp_stream_t *s, const sl_media_track_t *tr,
    const sl_media_unit_t *mu, sl_rtp_out_t *out)
{
    size_t     per, len, n, need, left;
    u_char    *p, *data;
    uint32_t   ts;
    sl_uint_t  npkts;

    len = mu->len;
    data = mu->data;

    if (len == 0 || len % SL_TS_PACKET != 0) {
        return SL_ERROR;
    }

    per = s->max_payload / SL_TS_PACKET * SL_TS_PACKET;

    if (per == 0) {
        return SL_ERROR;
    }

    npkts = (len + per - 1) / per;

    /* each packet is started with room for max_payload after its header */
    need = (npkts - 1) * (SL_RTP_HEADER_SIZE + per)
           + SL_RTP_HEADER_SIZE + s->max_payload;

    if (out->npkts + npkts > SL_RTP_MAX_PACKETS
        || (size_t) (out->end - out->pos) < need)
    {
        return SL_AGAIN;
    }

    ts = sl_rtp_timestamp(s, mu->dts, tr->timescale);

    for (left = len; left; left -= n) {
        p = sl_rtp_packet_start(s, out, ts);
        if (p == NULL) {
            return SL_ERROR;
        }

        n = sl_min(left, per);
        p = sl_cpymem(p, data, n);
        data += n;

        sl_rtp_packet_end(s, out, p, 0);
    }

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_mp2t = {
    .name = "MP2T",
    .codec = SL_CODEC_MP2T,
    .media = "video",
    .static_pt = 33,
    .clock_rate = sl_rtp_mp2t_clock_rate,
    .sdp = sl_rtp_mp2t_sdp,
    .packetize = sl_rtp_mp2t_packetize,
};


static sl_media_module_t  sl_rtp_mp2t_module_ctx = {
    .payload = &sl_rtp_mp2t,
};


sl_module_t  sl_rtp_mp2t_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mp2t_module_ctx,
};
