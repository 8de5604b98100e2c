/* The MPA RTP payload format: MPEG audio frames, RFC 2250 §3. */

#include <sl_config.h>
#include <sl_core.h>


#define SL_RTP_MPA_HEADER_SIZE  4
#define SL_RTP_MPA_CLOCK_RATE   90000


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


static const sl_rtp_payload_t  sl_rtp_mpa = {
    .name = "MPA",
    .codec = SL_CODEC_MPA,
    .media = "audio",
    .static_pt = 14,
    .clock_rate = sl_rtp_mpa_clock_rate,
    .sdp = sl_rtp_mpa_sdp,
    .packetize = sl_rtp_mpa_packetize,
};


static sl_media_module_t  sl_rtp_mpa_module_ctx = {
    .payload = &sl_rtp_mpa,
};


sl_module_t  sl_rtp_mpa_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_mpa_module_ctx,
};
