/* The MPA RTP payload format: MPEG audio frames, RFC 2250 §3. */

#include <sl_config.h>
#include <sl_core.h>


#define SL_RTP_MPA_HEADER_SIZE  4
#define SL_RTP_MPA_CLOCK_RATE   90000


typedef struct {
    size_t           frame_len;        /* of the frame in fragments, 0:
                                          unknown (no length in its
                                          header) */
} sl_rtp_mpa_depack_t;


/* RFC 2250 §3.2 and RFC 3551 §6: MPA runs at 90 kHz whatever the rate */
static uint32_t
sl_rtp_mpa_clock_rate(const sl_media_track_t *tr sl_unused)
{
    return SL_RTP_MPA_CLOCK_RATE;
}


/*
 * PT 14 is static (RFC 3551 §6), yet players expect the rtpmap line and
 * a dynamic PT needs it: "a=rtpmap:PT MPA/90000".
 */
static u_char *
sl_rtp_mpa_sdp(const sl_media_track_t *tr sl_unused, uint8_t pt, u_char *p,
    u_char *last)
{
    int   n;
    char  line[64];

    n = snprintf(line, sizeof(line), "a=rtpmap:%u MPA/%u\r\n",
                 (unsigned) pt, (unsigned) SL_RTP_MPA_CLOCK_RATE);

    if (n < 0 || (size_t) n > (size_t) (last - p)) {
        return NULL;
    }

    return sl_cpymem(p, line, n);
}


/*
 * RFC 2250 §3.5: every packet starts with a 4-byte MPEG audio-specific
 * header, 16 bits that must be zero and Frag_offset, the byte offset in
 * the frame of the data that follows.  One frame per packet; a frame
 * larger than the payload is cut into fragments that all carry the
 * frame's timestamp (§3.2).  The marker bit stays clear: the audio is
 * continuous, no talkspurts (RFC 3551 §4.1).
 */
static sl_int_t
sl_rtp_mpa_packetize(sl_rtp_stream_t *s, const sl_media_track_t *tr,
    const sl_media_unit_t *mu, sl_rtp_out_t *out)
{
    size_t     chunk, off, n, npkts;
    u_char    *p;
    uint32_t   ts;

    if (s->max_payload <= SL_RTP_MPA_HEADER_SIZE || mu->len == 0
        || mu->len > 0xffff)
    {
        return SL_ERROR;
    }

    chunk = s->max_payload - SL_RTP_MPA_HEADER_SIZE;
    npkts = (mu->len + chunk - 1) / chunk;

    /* sl_rtp_packet_start() wants room for a full packet each time */
    if (npkts > SL_RTP_MAX_PACKETS - out->npkts
        || (size_t) (out->end - out->pos)
           < npkts * (SL_RTP_HEADER_SIZE + s->max_payload))
    {
        return SL_AGAIN;
    }

    ts = sl_rtp_timestamp(s, mu->dts, tr->timescale);

    for (off = 0; off < mu->len; off += n) {
        n = sl_min(chunk, mu->len - off);

        p = sl_rtp_packet_start(s, out, ts);
        if (p == NULL) {
            return SL_ERROR;        /* cannot happen: checked above */
        }

        *p++ = 0;
        *p++ = 0;
        *p++ = (u_char) (off >> 8);
        *p++ = (u_char) off;

        p = sl_cpymem(p, mu->data + off, n);

        sl_rtp_packet_end(s, out, p, 0);
    }

    return SL_OK;
}


/*
 * RFC 3551 §6: "MPA/90000", or static payload type 14 without rtpmap.
 * Units keep the RTP clock as their timescale (the packetizer converts
 * any); the sample rate comes from the first frame.
 */
static sl_int_t
sl_rtp_mpa_from_sdp(sl_media_track_t *tr, const sl_str_t *encoding,
    uint32_t clock_rate, uint32_t channels, const sl_str_t *fmtp sl_unused,
    sl_pool_t *pool sl_unused)
{
    if (!sl_str_caseeq(encoding, "MPA")) {
        return SL_DECLINED;
    }

    if (clock_rate == 0) {
        return SL_ERROR;
    }

    tr->codec = SL_CODEC_MPA;
    tr->timescale = clock_rate;
    tr->duration = -1;
    tr->channels = channels;

    return SL_OK;
}


/*
 * RFC 2250 §3.5: after the 4-byte header (16 bits MBZ, Frag_offset)
 * either whole frames, one or more (their lengths from their headers),
 * or a fragment of one frame at Frag_offset, all fragments with the
 * frame's timestamp.  Each frame is a unit; the second frame of a packet
 * is timed after the samples of the first.  A frame whose header gives
 * no length (free format) takes the rest of its packets until the time
 * changes.
 */
static sl_int_t
sl_rtp_mpa_depacketize(sl_rtp_depack_t *d, const u_char *payload,
    size_t len, sl_uint_t marker sl_unused)
{
    size_t                  off, n;
    int64_t                 base, samples, scale, t;
    uint32_t                rate;
    const u_char           *p, *last;
    sl_rtp_mpa_depack_t    *ctx;
    sl_media_mpa_header_t   fh;

    ctx = d->priv;
    scale = d->tr->timescale;

    if (len < SL_RTP_MPA_HEADER_SIZE) {
        return SL_ERROR;
    }

    off = sl_media_be16(payload + 2);
    p = payload + SL_RTP_MPA_HEADER_SIZE;
    last = payload + len;

    if (off) {

        /* a fragment: the frame must be open and end at off */

        if (!d->open) {
            sl_rtp_depack_begin(d, d->dts);
            d->broken = 1;
            return SL_OK;
        }

        if (d->broken) {
            return SL_OK;
        }

        if (off != d->unit.len) {
            d->broken = 1;
            return SL_OK;
        }

        n = last - p;

        if (ctx->frame_len) {
            n = sl_min(n, ctx->frame_len - d->unit.len);
        }

        sl_rtp_depack_append(d, p, n);

        if (ctx->frame_len && d->unit.len == ctx->frame_len) {
            d->partial = 0;
            sl_rtp_depack_end(d);
        }

        return SL_OK;
    }

    if (d->open) {
        /* a frame in fragments that never ended is dropped */
        sl_rtp_depack_end(d);
    }

    base = d->dts;
    samples = 0;
    rate = 0;

    while (p < last) {

        if (last - p < 4 || sl_media_mpa_header(sl_media_be32(p), &fh)
                            != SL_OK)
        {
            /* no length: the frame is what comes until the time changes */
            t = base + (rate ? samples * scale / rate : 0);
            sl_rtp_depack_begin(d, t);
            d->unit.keyframe = 1;
            sl_rtp_depack_append(d, p, last - p);
            ctx->frame_len = 0;
            return SL_OK;
        }

        if (d->tr->sample_rate == 0) {
            d->tr->sample_rate = fh.sample_rate;
            d->tr->channels = fh.channels;
            d->config_changed = 1;
        }

        if (rate != fh.sample_rate) {
            /* times go on from where the frames at the old rate ended */
            base += rate ? samples * scale / rate : 0;
            rate = fh.sample_rate;
            samples = 0;
        }

        t = base + samples * scale / rate;
        samples += fh.spf;

        sl_rtp_depack_begin(d, t);
        d->unit.keyframe = 1;
        d->unit.duration = base + samples * scale / rate - t;

        n = sl_min((size_t) (last - p), (size_t) fh.len);
        sl_rtp_depack_append(d, p, n);
        p += n;

        if (n < fh.len) {
            ctx->frame_len = fh.len;
            d->partial = 1;
            return SL_OK;
        }

        sl_rtp_depack_end(d);
    }

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_mpa = {
    .name = "MPA",
    .encoding = "MPA",
    .codec = SL_CODEC_MPA,
    .media = "audio",
    .static_pt = 14,
    .clock_rate = sl_rtp_mpa_clock_rate,
    .sdp = sl_rtp_mpa_sdp,
    .packetize = sl_rtp_mpa_packetize,
    .from_sdp = sl_rtp_mpa_from_sdp,
    .depack_size = sizeof(sl_rtp_mpa_depack_t),
    .depacketize = sl_rtp_mpa_depacketize,
};


static sl_media_module_t  sl_rtp_mpa_module_ctx = {
    .payload = &sl_rtp_mpa,
};


sl_module_t  sl_rtp_mpa_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mpa_module_ctx,
};
