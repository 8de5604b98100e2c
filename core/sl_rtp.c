/* RTP packets (RFC 3550 §5.1) and the payload format table. */

#include <sl_config.h>
#include <sl_core.h>


const sl_rtp_payload_t *
sl_rtp_payload(sl_codec_e codec)
{
    sl_uint_t           i;
    sl_media_module_t  *mm;

    for (i = 0; sl_modules[i]; i++) {
        if (sl_modules[i]->type != SL_MEDIA_MODULE) {
            continue;
        }

        mm = sl_modules[i]->ctx;

        if (mm->payload && mm->payload->codec == codec) {
            return mm->payload;
        }
    }

    return NULL;
}


const sl_rtp_payload_t *
sl_rtp_payload_by_name(const sl_str_t *encoding)
{
    sl_uint_t           i;
    sl_media_module_t  *mm;

    for (i = 0; sl_modules[i]; i++) {
        if (sl_modules[i]->type != SL_MEDIA_MODULE) {
            continue;
        }

        mm = sl_modules[i]->ctx;

        if (mm->payload && mm->payload->encoding
            && mm->payload->depacketize
            && sl_str_caseeq(encoding, mm->payload->encoding))
        {
            return mm->payload;
        }
    }

    return NULL;
}


u_char *
sl_rtp_packet_start(sl_rtp_stream_t *s, sl_rtp_out_t *out, uint32_t ts)
{
    u_char  *p;

    if (out->npkts == SL_RTP_MAX_PACKETS
        || (size_t) (out->end - out->pos)
           < SL_RTP_HEADER_SIZE + s->max_payload)
    {
        return NULL;
    }

    p = out->pos;

    p[0] = 0x80;                        /* V=2, no padding, no extension */
    p[1] = s->pt & 0x7f;
    p[2] = (u_char) (s->seq >> 8);
    p[3] = (u_char) s->seq;
    p[4] = (u_char) (ts >> 24);
    p[5] = (u_char) (ts >> 16);
    p[6] = (u_char) (ts >> 8);
    p[7] = (u_char) ts;
    p[8] = (u_char) (s->ssrc >> 24);
    p[9] = (u_char) (s->ssrc >> 16);
    p[10] = (u_char) (s->ssrc >> 8);
    p[11] = (u_char) s->ssrc;

    s->last_ts = ts;

    return p + SL_RTP_HEADER_SIZE;
}


void
sl_rtp_packet_end(sl_rtp_stream_t *s, sl_rtp_out_t *out, u_char *p,
    sl_uint_t marker)
{
    size_t  len;

    len = p - out->pos;

    if (marker) {
        out->pos[1] |= 0x80;
    }

    out->pkt[out->npkts].off = (uint32_t) (out->pos - out->start);
    out->pkt[out->npkts].len = (uint32_t) len;
    out->pkt[out->npkts].stream = s;
    out->npkts++;
    out->pos = p;

    s->seq++;
    s->packets++;
    s->octets += (uint32_t) (len - SL_RTP_HEADER_SIZE);
}


uint32_t
sl_rtp_timestamp(const sl_rtp_stream_t *s, int64_t t, uint32_t timescale)
{
    int64_t  v;

    if (timescale == s->clock_rate || timescale == 0) {
        v = t;

    } else {
        v = (t / timescale) * s->clock_rate
            + (t % timescale) * s->clock_rate / timescale;
    }

    return s->ts_base + (uint32_t) v;
}
