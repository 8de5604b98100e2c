/* The H.264 RTP payload format, RFC 6184, packetization-mode=1. */

#include <sl_config.h>
#include <sl_core.h>
#include <openssl/evp.h>


#define SL_H264_CLOCK_RATE   90000
#define SL_H264_FU_A         28
#define SL_H264_MAX_NALS     256        /* per access unit, with SPS/PPS */


static uint32_t
sl_rtp_h264_clock_rate(const sl_media_track_t *tr sl_unused)
{
    return SL_H264_CLOCK_RATE;
}


/*
 * RFC 6184 §8.2.1: "a=rtpmap:PT H264/90000" and an fmtp with
 * packetization-mode=1, profile-level-id (profile_idc,
 * profile-iop, level_idc of the first SPS, as avcC repeats them) and
 * sprop-parameter-sets (every SPS then every PPS in base64, commas
 * between).
 */
static u_char *
sl_rtp_h264_sdp(const sl_media_track_t *tr, uint8_t pt, u_char *p,
    u_char *last)
{
    sl_int_t       n, i;
    sl_media_nal_t  sets[32];

    /* sl_slprintf() stops at last - 1 when the text does not fit */

    p = sl_slprintf(p, last, "a=rtpmap:%u H264/%u\r\n", (unsigned) pt,
                    SL_H264_CLOCK_RATE);

    n = sl_media_avcc_sets(tr, sets, sl_nelems(sets));

    if (n < 0) {
        p = sl_slprintf(p, last, "a=fmtp:%u packetization-mode=1\r\n",
                        (unsigned) pt);
        return (p < last - 1) ? p : NULL;
    }

    p = sl_slprintf(p, last,
                    "a=fmtp:%u packetization-mode=1;"
                    "profile-level-id=%02X%02X%02X",
                    (unsigned) pt, tr->config[1], tr->config[2],
                    tr->config[3]);

    for (i = 0; i < n; i++) {
        p = sl_slprintf(p, last, i ? "," : ";sprop-parameter-sets=");

        /* EVP_EncodeBlock() writes a NUL after the text */
        if (p >= last - 1
            || (size_t) (last - p) < 4 * ((sets[i].len + 2) / 3) + 1)
        {
            return NULL;
        }

        p += EVP_EncodeBlock(p, sets[i].data, (int) sets[i].len);
    }

    p = sl_slprintf(p, last, "\r\n");

    return (p < last - 1) ? p : NULL;
}


/* packets and bytes (headers included) that one NAL unit takes */
static void
sl_rtp_h264_size(const sl_rtp_stream_t *s, size_t len, size_t *pkts,
    size_t *bytes, size_t *last_len)
{
    size_t  n, chunk;

    if (len <= s->max_payload) {
        *pkts += 1;
        *bytes += SL_RTP_HEADER_SIZE + len;
        *last_len = len;
        return;
    }

    /* FU-A: the NAL header becomes 2 bytes of every fragment */
    chunk = s->max_payload - 2;
    n = (len - 1 + chunk - 1) / chunk;

    *pkts += n;
    *bytes += n * (SL_RTP_HEADER_SIZE + 2) + len - 1;
    *last_len = 2 + (len - 1) - (n - 1) * chunk;
}


/*
 * Sends one NAL unit: as a single NAL unit packet when it fits
 * (RFC 6184 §5.6), else as FU-A fragments (§5.8): an FU indicator with
 * the NAL's F and NRI bits and type 28, an FU header with S on the
 * first, E on the last and the NAL's type.  The marker goes on the
 * last packet of the access unit (§5.1).  Room was checked before.
 */
static void
sl_rtp_h264_nal(sl_rtp_stream_t *s, sl_rtp_out_t *out, uint32_t ts,
    const sl_media_nal_t *nal, sl_uint_t last_nal)
{
    u_char        *p;
    size_t         left, n;
    const u_char  *data;

    if (nal->len <= s->max_payload) {
        p = sl_rtp_packet_start(s, out, ts);
        p = sl_cpymem(p, nal->data, nal->len);
        sl_rtp_packet_end(s, out, p, last_nal);
        return;
    }

    data = nal->data + 1;
    left = nal->len - 1;

    while (left) {
        n = sl_min(left, s->max_payload - 2);

        p = sl_rtp_packet_start(s, out, ts);

        p[0] = (nal->data[0] & 0xe0) | SL_H264_FU_A;
        p[1] = nal->data[0] & 0x1f;

        if (data == nal->data + 1) {
            p[1] |= 0x80;
        }

        if (n == left) {
            p[1] |= 0x40;
        }

        p = sl_cpymem(p + 2, data, n);
        data += n;
        left -= n;

        sl_rtp_packet_end(s, out, p, last_nal && left == 0);
    }
}


/*
 * One access unit of nal_length_size-prefixed NAL units.  Before an
 * IDR picture that carries no SPS the parameter sets of avcC are sent
 * in-band, so a receiver joining late or ignoring the SDP can decode.
 * NAL types 0 and 24-31 (unspecified, or packet types) are dropped.
 */
static sl_int_t
sl_rtp_h264_packetize(sl_rtp_stream_t *s, const sl_media_track_t *tr,
    const sl_media_unit_t *mu, sl_rtp_out_t *out)
{
    size_t          len, pkts, bytes, last_len;
    uint32_t        ts;
    sl_int_t        nsets;
    sl_uint_t       i, n, nls, type, idr, sps;
    const u_char   *p, *last;
    sl_media_nal_t   nals[SL_H264_MAX_NALS];

    nls = tr->nal_length_size;

    if ((nls != 1 && nls != 2 && nls != 4) || s->max_payload < 3) {
        return SL_ERROR;
    }

    /* the NAL units of the unit, checked against its length */

    n = 0;
    idr = 0;
    sps = 0;
    p = mu->data;
    last = mu->data + mu->len;

    nsets = sl_media_avcc_sets(tr, nals, SL_H264_MAX_NALS / 2);
    if (nsets < 0) {
        nsets = 0;
    }

    n = nsets;

    while (p < last) {
        if ((size_t) (last - p) < nls) {
            return SL_ERROR;
        }

        len = (nls == 1) ? p[0] : (nls == 2) ? sl_media_be16(p)
                                             : sl_media_be32(p);
        p += nls;

        if (len > (size_t) (last - p)) {
            return SL_ERROR;
        }

        if (len == 0) {
            continue;
        }

        type = p[0] & 0x1f;

        if (type != 0 && type < 24) {
            if (n == SL_H264_MAX_NALS) {
                return SL_ERROR;
            }

            nals[n].data = p;
            nals[n].len = len;
            n++;

            idr |= (type == 5);
            sps |= (type == 7);
        }

        p += len;
    }

    /* the parameter sets go first only before an IDR picture without */

    i = (idr && !sps) ? 0 : (sl_uint_t) nsets;

    if (i == n) {
        return SL_OK;
    }

    /* room for all of it, or nothing is written */

    pkts = 0;
    bytes = 0;
    last_len = 0;

    for (type = i; type < n; type++) {
        sl_rtp_h264_size(s, nals[type].len, &pkts, &bytes, &last_len);
    }

    if (pkts > SL_RTP_MAX_PACKETS - out->npkts
        || bytes - last_len + s->max_payload > (size_t) (out->end - out->pos))
    {
        if (out->npkts == 0) {
            /* it would not fit an empty out either */
            return SL_ERROR;
        }

        return SL_AGAIN;
    }

    ts = sl_rtp_timestamp(s, mu->pts, tr->timescale);

    for ( /* void */ ; i < n; i++) {
        sl_rtp_h264_nal(s, out, ts, &nals[i], i == n - 1);
    }

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_h264 = {
    .name = "H264",
    .codec = SL_CODEC_H264,
    .media = "video",
    .static_pt = 0,
    .clock_rate = sl_rtp_h264_clock_rate,
    .sdp = sl_rtp_h264_sdp,
    .packetize = sl_rtp_h264_packetize,
};


static sl_media_module_t  sl_rtp_h264_module_ctx = {
    .payload = &sl_rtp_h264,
};


sl_module_t  sl_rtp_h264_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_h264_module_ctx,
};
