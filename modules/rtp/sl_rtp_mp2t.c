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


/* RFC 3551 §6: "MP2T/90000" (or static payload type 33, the same) */
static sl_int_t
sl_rtp_mp2t_from_sdp(sl_media_track_t *tr, const sl_str_t *encoding,
    uint32_t clock_rate, uint32_t channels sl_unused,
    const sl_str_t *fmtp sl_unused, sl_pool_t *pool sl_unused)
{
    if (!sl_str_caseeq(encoding, "MP2T")) {
        return SL_DECLINED;
    }

    if (clock_rate == 0) {
        return SL_ERROR;
    }

    tr->codec = SL_CODEC_MP2T;
    tr->timescale = clock_rate;
    tr->duration = -1;

    return SL_OK;
}


/*
 * RFC 2250 §2: every packet is a run of whole TS packets, one unit at
 * the packet's time: a unit never waits for the next packet, and a lost
 * packet loses no other (the TS continuity counters tell the demuxer).
 * A unit is a keyframe when one of its TS packets starts a PES with
 * random_access_indicator set (ISO/IEC 13818-1 §2.4.3.5), as muxers do
 * for video keyframes.
 */
static sl_int_t
sl_rtp_mp2t_depacketize(sl_rtp_depack_t *d, const u_char *payload,
    size_t len, sl_uint_t marker sl_unused)
{
    size_t         off;
    const u_char  *p;

    if (len == 0 || len % SL_TS_PACKET != 0) {
        return SL_ERROR;
    }

    for (off = 0; off < len; off += SL_TS_PACKET) {
        if (payload[off] != SL_TS_SYNC) {
            return SL_ERROR;
        }
    }

    sl_rtp_depack_begin(d, d->dts);
    sl_rtp_depack_append(d, payload, len);

    for (off = 0; off < len; off += SL_TS_PACKET) {
        p = payload + off;

        /* PUSI, an adaptation field of at least 1 byte, RAI */

        if (sl_ts_pusi(p) && (p[3] & 0x20) && p[4] > 0
            && (p[5] & SL_TS_AF_RANDOM_ACCESS))
        {
            d->unit.keyframe = 1;
            break;
        }
    }

    sl_rtp_depack_end(d);

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_mp2t = {
    .name = "MP2T",
    .encoding = "MP2T",
    .codec = SL_CODEC_MP2T,
    .media = "video",
    .static_pt = 33,
    .clock_rate = sl_rtp_mp2t_clock_rate,
    .sdp = sl_rtp_mp2t_sdp,
    .packetize = sl_rtp_mp2t_packetize,
    .from_sdp = sl_rtp_mp2t_from_sdp,
    .depacketize = sl_rtp_mp2t_depacketize,
};


static sl_media_module_t  sl_rtp_mp2t_module_ctx = {
    .payload = &sl_rtp_mp2t,
};


sl_module_t  sl_rtp_mp2t_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mp2t_module_ctx,
};
