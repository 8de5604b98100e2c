/*
 * The AAC RTP payload format, RFC 3640 (mpeg4-generic): sent as AAC-hbr,
 * received in any mode whose AU-headers it describes (AAC-hbr, AAC-lbr).
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_AAC_AU_HEADERS     4          /* AU-headers-length + 1 header */
#define SL_AAC_MAX_AU_SIZE    8191       /* 13-bit sizelength */
#define SL_AAC_MAX_CONFIG     64         /* AudioSpecificConfig bytes */


/* what the fmtp says of the packets (RFC 3640 §4.1), tr->rtp */
typedef struct {
    uint8_t          size_length;      /* bits of AU-size */
    uint8_t          index_length;     /* AU-Index */
    uint8_t          index_delta_length;
    uint8_t          cts_delta_length;
    uint8_t          dts_delta_length;
    uint8_t          rap_length;       /* RAP-flag: 0 or 1 */
    uint8_t          state_length;     /* Stream-state */
    uint32_t         frame_samples;    /* of the core coder: 1024, 960 */
    uint32_t         core_rate;        /* its sampling rate */
    uint32_t         duration;         /* constantDuration, 0: none */
} sl_rtp_aac_params_t;


typedef struct {
    size_t           frag_size;        /* of the AU in fragments */
} sl_rtp_aac_depack_t;


/* MSB-first bits of [p, p + len) */
typedef struct {
    const u_char    *p;
    size_t           len;
    size_t           pos;              /* in bits */
    sl_uint_t        over;             /* read past the end */
} sl_rtp_aac_bits_t;


/* the AU-header fields: the fmtp parameter, its largest value, where */
static const struct {
    const char      *name;
    sl_int_t         max;
    size_t           offset;
} sl_rtp_aac_fields[] = {
    /* the first three have defaults by mode */
    { "sizelength", 32, offsetof(sl_rtp_aac_params_t, size_length) },
    { "indexlength", 32, offsetof(sl_rtp_aac_params_t, index_length) },
    { "indexdeltalength", 32,
      offsetof(sl_rtp_aac_params_t, index_delta_length) },
    { "ctsdeltalength", 32, offsetof(sl_rtp_aac_params_t, cts_delta_length) },
    { "dtsdeltalength", 32, offsetof(sl_rtp_aac_params_t, dts_delta_length) },
    { "randomaccessindication", 1,
      offsetof(sl_rtp_aac_params_t, rap_length) },
    { "streamstateindication", 32,
      offsetof(sl_rtp_aac_params_t, state_length) },
};


static const uint32_t  sl_rtp_aac_rates[13] = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
    11025, 8000, 7350
};


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


/* n bits (up to 32); past the end reads 0 and sets over */
static uint32_t
sl_rtp_aac_bits(sl_rtp_aac_bits_t *b, sl_uint_t n)
{
    uint32_t   v;
    sl_uint_t  i;

    v = 0;

    for (i = 0; i < n; i++, b->pos++) {
        if (b->pos >= b->len * 8) {
            b->over = 1;
            return 0;
        }

        v = (v << 1) | ((b->p[b->pos / 8] >> (7 - b->pos % 8)) & 1);
    }

    return v;
}


/* a sampling rate: its 4-bit index, or 15 and 24 bits */
static uint32_t
sl_rtp_aac_rate(sl_rtp_aac_bits_t *b)
{
    uint32_t  idx;

    idx = sl_rtp_aac_bits(b, 4);

    if (idx == 15) {
        return sl_rtp_aac_bits(b, 24);
    }

    return (idx < sl_nelems(sl_rtp_aac_rates)) ? sl_rtp_aac_rates[idx] : 0;
}


/*
 * AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the sampling rate and
 * frame length of the core coder, which time the AUs, and the channel
 * configuration.  With explicit SBR or PS signalling (object types 5
 * and 29) the first rate is the core's and the object type follows the
 * extension rate.  GASpecificConfig's frameLengthFlag says 960 samples.
 */
static sl_int_t
sl_rtp_aac_config(const u_char *asc, size_t len, sl_rtp_aac_params_t *ap,
    uint32_t *channels)
{
    uint32_t           aot;
    sl_rtp_aac_bits_t  b;

    b.p = asc;
    b.len = len;
    b.pos = 0;
    b.over = 0;

    aot = sl_rtp_aac_bits(&b, 5);

    if (aot == 31) {
        aot = 32 + sl_rtp_aac_bits(&b, 6);
    }

    ap->core_rate = sl_rtp_aac_rate(&b);
    *channels = sl_rtp_aac_bits(&b, 4);

    if (aot == 5 || aot == 29) {
        (void) sl_rtp_aac_rate(&b);

        aot = sl_rtp_aac_bits(&b, 5);

        if (aot == 31) {
            aot = 32 + sl_rtp_aac_bits(&b, 6);
        }
    }

    ap->frame_samples = 1024;

    switch (aot) {

    case 1: case 2: case 3: case 4: case 6: case 7: case 17: case 19:
    case 20: case 21: case 22: case 23:
        if (sl_rtp_aac_bits(&b, 1)) {
            ap->frame_samples = 960;
        }

        break;

    default:
        break;
    }

    if (b.over || aot == 0 || ap->core_rate == 0) {
        return SL_ERROR;
    }

    if (*channels == 7) {
        *channels = 8;                  /* 7.1 */
    }

    return SL_OK;
}


/* an fmtp number of at most max, def when absent; -1 when malformed */
static sl_int_t
sl_rtp_aac_param(const sl_str_t *fmtp, const char *name, sl_int_t def,
    sl_int_t max)
{
    sl_int_t  n;
    sl_str_t  v;

    if (sl_rtp_fmtp_param(fmtp, name, &v) != SL_OK) {
        return def;
    }

    n = sl_atoi(v.data, v.len);

    return (n == SL_ERROR || n > max) ? -1 : n;
}


/*
 * RFC 3640 §4.1: "a=rtpmap:PT mpeg4-generic/RATE[/CH]" with an fmtp of
 * streamtype 5 (audio), the AudioSpecificConfig in hex as config, and
 * the AU-header field lengths, which mode=AAC-hbr (§3.3.6: 13, 3, 3)
 * and mode=AAC-lbr (§3.3.5: 6, 2, 2) imply when not given.  The
 * auxiliary section (auxiliarydatasizelength) is not taken.  The clock
 * rate is the timescale and, as the packetizer wants it, the sample
 * rate; AUs are timed by the core coder's frame length.
 */
static sl_int_t
sl_rtp_aac_from_sdp(sl_media_track_t *tr, const sl_str_t *encoding,
    uint32_t clock_rate, uint32_t channels, const sl_str_t *fmtp,
    sl_pool_t *pool)
{
    size_t                i;
    u_char               *asc;
    sl_int_t              n, def[3];
    sl_str_t              v;
    uint32_t              ch;
    sl_rtp_aac_params_t  *ap;

    if (!sl_str_caseeq(encoding, "mpeg4-generic")) {
        return SL_DECLINED;
    }

    if (clock_rate == 0) {
        return SL_ERROR;
    }

    if (sl_rtp_fmtp_param(fmtp, "streamtype", &v) == SL_OK
        && !sl_str_eq(&v, "5"))
    {
        return SL_ERROR;
    }

    if (sl_rtp_aac_param(fmtp, "auxiliarydatasizelength", 0, 0) != 0) {
        return SL_ERROR;
    }

    def[0] = def[1] = def[2] = 0;

    if (sl_rtp_fmtp_param(fmtp, "mode", &v) == SL_OK) {

        if (sl_str_caseeq(&v, "AAC-hbr")) {
            def[0] = 13;
            def[1] = 3;
            def[2] = 3;

        } else if (sl_str_caseeq(&v, "AAC-lbr")) {
            def[0] = 6;
            def[1] = 2;
            def[2] = 2;
        }
    }

    ap = sl_pcalloc(pool, sizeof(sl_rtp_aac_params_t));
    if (ap == NULL) {
        return SL_ERROR;
    }

    for (i = 0; i < sl_nelems(sl_rtp_aac_fields); i++) {
        n = sl_rtp_aac_param(fmtp, sl_rtp_aac_fields[i].name,
                             (i < 3) ? def[i] : 0, sl_rtp_aac_fields[i].max);
        if (n < 0) {
            return SL_ERROR;
        }

        *((uint8_t *) ap + sl_rtp_aac_fields[i].offset) = (uint8_t) n;
    }

    n = sl_rtp_aac_param(fmtp, "constantduration", 0, 0xffffff);
    if (n < 0) {
        return SL_ERROR;
    }

    ap->duration = (uint32_t) n;

    /* the AudioSpecificConfig */

    if (sl_rtp_fmtp_param(fmtp, "config", &v) != SL_OK
        || v.len == 0 || v.len % 2 || v.len > 2 * SL_AAC_MAX_CONFIG)
    {
        return SL_ERROR;
    }

    asc = sl_pnalloc(pool, v.len / 2);
    if (asc == NULL) {
        return SL_ERROR;
    }

    for (i = 0; i < v.len / 2; i++) {
        n = sl_hextoi(v.data + 2 * i, 2);
        if (n == SL_ERROR) {
            return SL_ERROR;
        }

        asc[i] = (u_char) n;
    }

    if (sl_rtp_aac_config(asc, v.len / 2, ap, &ch) != SL_OK) {
        return SL_ERROR;
    }

    tr->codec = SL_CODEC_AAC;
    tr->timescale = clock_rate;
    tr->duration = -1;
    tr->sample_rate = clock_rate;
    tr->channels = channels ? channels : ch;
    tr->config = asc;
    tr->config_len = v.len / 2;
    tr->rtp = ap;

    return SL_OK;
}


static sl_int_t
sl_rtp_aac_depack_init(sl_rtp_depack_t *d)
{
    return (d->tr->rtp && d->tr->codec == SL_CODEC_AAC) ? SL_OK : SL_ERROR;
}


/*
 * RFC 3640 §3.2: a 16-bit AU-headers-length in bits, the AU-headers
 * (AU-size, AU-Index or AU-Index-delta, and the optional fields, which
 * are skipped), padding to a byte, then the AUs back to back.  Each AU
 * is a unit timed by its index: the packet's time plus the frames
 * before it (§3.2.3.2; the first AU's own index is 0 in practice).  One
 * AU-header whose AU-size exceeds the data is a fragment (§3.2.3.3): its
 * packets share the timestamp, the AU completes when its size is there,
 * and after a loss a fragment cannot be known to be the first: the AU
 * is dropped.  Without any AU-header field the payload is one AU.
 */
static sl_int_t
sl_rtp_aac_depacketize(sl_rtp_depack_t *d, const u_char *payload,
    size_t len, sl_uint_t marker sl_unused)
{
    size_t                 hlen, n, data, size[SL_RTP_DEPACK_UNITS];
    int64_t                index[SL_RTP_DEPACK_UNITS], t, scale;
    sl_uint_t              nau, k;
    const u_char          *p;
    sl_rtp_aac_bits_t      b;
    sl_rtp_aac_depack_t   *ctx;
    sl_rtp_aac_params_t   *ap;

    ap = d->tr->rtp;
    ctx = d->priv;

    if (ap->size_length == 0 && ap->index_length == 0
        && ap->index_delta_length == 0 && ap->cts_delta_length == 0
        && ap->dts_delta_length == 0 && ap->rap_length == 0
        && ap->state_length == 0)
    {
        if (!d->open) {
            sl_rtp_depack_begin(d, d->dts);
            d->unit.keyframe = 1;
        }

        sl_rtp_depack_append(d, payload, len);

        return SL_OK;
    }

    if (len < 2) {
        return SL_ERROR;
    }

    hlen = sl_media_be16(payload);

    if (2 + (hlen + 7) / 8 > len || hlen == 0) {
        return SL_ERROR;
    }

    b.p = payload + 2;
    b.len = (hlen + 7) / 8;
    b.pos = 0;
    b.over = 0;

    nau = 0;

    while (b.pos < hlen) {

        if (nau == SL_RTP_DEPACK_UNITS) {
            return SL_ERROR;
        }

        size[nau] = sl_rtp_aac_bits(&b, ap->size_length);

        n = sl_rtp_aac_bits(&b, nau ? ap->index_delta_length
                                    : ap->index_length);
        index[nau] = nau ? index[nau - 1] + 1 + (int64_t) n : 0;

        if (ap->cts_delta_length && sl_rtp_aac_bits(&b, 1)) {
            (void) sl_rtp_aac_bits(&b, ap->cts_delta_length);
        }

        if (ap->dts_delta_length && sl_rtp_aac_bits(&b, 1)) {
            (void) sl_rtp_aac_bits(&b, ap->dts_delta_length);
        }

        (void) sl_rtp_aac_bits(&b, ap->rap_length);
        (void) sl_rtp_aac_bits(&b, ap->state_length);

        if (b.over || b.pos > hlen) {
            return SL_ERROR;
        }

        nau++;
    }

    p = payload + 2 + b.len;
    data = len - 2 - b.len;

    if (ap->size_length == 0) {
        if (nau != 1) {
            return SL_ERROR;
        }

        size[0] = data;
    }

    if (nau == 1 && size[0] > data) {

        /* a fragment */

        if (d->open && d->partial && ctx->frag_size == size[0]) {

            /* the next one: the packets keep the AU's timestamp */

            if (d->broken) {
                return SL_OK;
            }

            if (data > size[0] - d->unit.len) {
                d->broken = 1;
                return SL_OK;
            }

        } else {
            sl_rtp_depack_begin(d, d->dts);
            d->unit.keyframe = 1;
            d->partial = 1;
            d->broken = d->gap;
            ctx->frag_size = size[0];
        }

        sl_rtp_depack_append(d, p, data);

        if (d->unit.len == size[0]) {
            d->partial = 0;
            sl_rtp_depack_end(d);
        }

        return SL_OK;
    }

    /* all the AUs are there, or none is taken */

    for (n = 0, k = 0; k < nau; k++) {
        n += size[k];
    }

    if (n > data) {
        return SL_ERROR;
    }

    if (d->open) {
        /* an AU in fragments that never ended is dropped */
        sl_rtp_depack_end(d);
    }

    scale = d->tr->timescale;

    for (k = 0; k < nau; k++) {

        if (ap->duration) {
            t = index[k] * ap->duration;

        } else {
            t = index[k] * ap->frame_samples * scale / ap->core_rate;
        }

        sl_rtp_depack_begin(d, d->dts + t);
        d->unit.keyframe = 1;

        if (ap->duration) {
            d->unit.duration = ap->duration;

        } else {
            d->unit.duration = (index[k] + 1) * ap->frame_samples * scale
                               / ap->core_rate - t;
        }

        sl_rtp_depack_append(d, p, size[k]);
        sl_rtp_depack_end(d);

        p += size[k];
    }

    return SL_OK;
}


static const sl_rtp_payload_t  sl_rtp_aac = {
    .name = "AAC",
    .encoding = "mpeg4-generic",
    .codec = SL_CODEC_AAC,
    .media = "audio",
    .static_pt = 0,
    .clock_rate = sl_rtp_aac_clock_rate,
    .sdp = sl_rtp_aac_sdp,
    .packetize = sl_rtp_aac_packetize,
    .from_sdp = sl_rtp_aac_from_sdp,
    .depack_size = sizeof(sl_rtp_aac_depack_t),
    .depack_init = sl_rtp_aac_depack_init,
    .depacketize = sl_rtp_aac_depacketize,
};


static sl_media_module_t  sl_rtp_aac_module_ctx = {
    .payload = &sl_rtp_aac,
};


sl_module_t  sl_rtp_aac_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_aac_module_ctx,
};
