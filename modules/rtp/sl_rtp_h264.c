/*
 * The H.264 RTP payload format, RFC 6184: sent in packetization-mode=1,
 * received in modes 0 and 1 (single NAL units, STAP-A, FU-A).
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_H264_CLOCK_RATE   90000
#define SL_H264_FU_A         28
#define SL_H264_MAX_NALS     256        /* per access unit, with SPS/PPS */
#define SL_H264_STAP_A       24
#define SL_H264_MAX_SET      256        /* bytes of an SPS or PPS kept */
#define SL_H264_MAX_PPS      8
#define SL_H264_AVCC_MAX                                                      \
    (7 + 2 + SL_H264_MAX_SET + SL_H264_MAX_PPS * (2 + SL_H264_MAX_SET) + 4)


/* the parameter sets of a received track, as its avcC has them */
typedef struct {
    size_t           len;
    sl_uint_t        id;               /* of a PPS */
    u_char           data[SL_H264_MAX_SET];
} sl_h264_set_t;

typedef struct {
    sl_h264_set_t    sps;
    sl_h264_set_t    pps[SL_H264_MAX_PPS];
    sl_uint_t        npps;
} sl_h264_sets_t;

typedef struct {
    size_t           fu_off;           /* the NAL in FU-A fragments: its
                                          length prefix in the unit */
    u_char           fu_type;
    unsigned         fu:1;
    unsigned         dirty:1;          /* sets changed in-band */
    sl_h264_sets_t   sets;
    u_char           avcc[SL_H264_AVCC_MAX];
} sl_rtp_h264_depack_t;

/* Exp-Golomb bits of an RBSP (ITU-T H.264 §9.1) */
typedef struct {
    u_char           buf[64];          /* the start, unescaped */
    size_t           len;
    size_t           pos;              /* in bits */
    sl_uint_t        over;
} sl_h264_bits_t;


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
    sl_int_t        n, i;
    sl_str_t        bin, text;
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

        /* room for the text and the NUL that sl_slprintf() writes */
        if (p >= last - 1
            || (size_t) (last - p)
               < sl_base64_encoded_length(sets[i].len) + 1)
        {
            return NULL;
        }

        bin.data = (u_char *) sets[i].data;
        bin.len = sets[i].len;
        text.data = p;

        sl_encode_base64(&text, &bin);

        p += text.len;
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


/* the first bytes of the NAL's RBSP, without emulation prevention */
static void
sl_h264_bits_init(sl_h264_bits_t *b, const u_char *nal, size_t len)
{
    size_t     i;
    sl_uint_t  zeros;

    b->len = 0;
    b->pos = 0;
    b->over = 0;
    zeros = 0;

    for (i = 1; i < len && b->len < sizeof(b->buf); i++) {
        if (zeros >= 2 && nal[i] == 3) {
            zeros = 0;
            continue;
        }

        zeros = (nal[i] == 0) ? zeros + 1 : 0;
        b->buf[b->len++] = nal[i];
    }
}


static uint32_t
sl_h264_bit(sl_h264_bits_t *b)
{
    uint32_t  v;

    if (b->pos >= b->len * 8) {
        b->over = 1;
        return 0;
    }

    v = (b->buf[b->pos / 8] >> (7 - b->pos % 8)) & 1;
    b->pos++;

    return v;
}


/* ue(v) (§9.1); past 31 leading zeros or the end: over */
static uint32_t
sl_h264_ue(sl_h264_bits_t *b)
{
    uint32_t   v;
    sl_uint_t  zeros, i;

    for (zeros = 0; sl_h264_bit(b) == 0; zeros++) {
        if (b->over || zeros == 31) {
            b->over = 1;
            return 0;
        }
    }

    v = 0;

    for (i = 0; i < zeros; i++) {
        v = (v << 1) | sl_h264_bit(b);
    }

    return (1u << zeros) - 1 + v;
}


/*
 * Builds an avcC (ISO/IEC 14496-15 §5.3.3.1) of the sets into buf (at
 * least SL_H264_AVCC_MAX bytes), with 4-byte NAL lengths; returns its
 * length.  The High profiles 100, 110, 122 and 144 add chroma_format
 * and the bit depths read from the SPS (§5.3.3.1.2), when readable.
 */
static size_t
sl_rtp_h264_avcc_build(u_char *buf, const sl_h264_sets_t *sets)
{
    u_char          *p, profile;
    uint32_t         chroma, luma, depth;
    sl_uint_t        i;
    sl_h264_bits_t   b;

    p = buf;
    profile = sets->sps.data[1];

    *p++ = 1;
    *p++ = profile;
    *p++ = sets->sps.data[2];
    *p++ = sets->sps.data[3];
    *p++ = 0xff;                        /* lengthSizeMinusOne 3 */
    *p++ = 0xe1;                        /* one SPS */
    *p++ = (u_char) (sets->sps.len >> 8);
    *p++ = (u_char) sets->sps.len;
    p = sl_cpymem(p, sets->sps.data, sets->sps.len);

    *p++ = (u_char) sets->npps;

    for (i = 0; i < sets->npps; i++) {
        *p++ = (u_char) (sets->pps[i].len >> 8);
        *p++ = (u_char) sets->pps[i].len;
        p = sl_cpymem(p, sets->pps[i].data, sets->pps[i].len);
    }

    if (profile != 100 && profile != 110 && profile != 122 && profile != 144)
    {
        return p - buf;
    }

    /* profile_idc, constraint flags, level_idc, seq_parameter_set_id */

    sl_h264_bits_init(&b, sets->sps.data, sets->sps.len);
    b.pos = 24;
    (void) sl_h264_ue(&b);

    chroma = sl_h264_ue(&b);

    if (chroma == 3) {
        (void) sl_h264_bit(&b);         /* separate_colour_plane_flag */
    }

    luma = sl_h264_ue(&b);
    depth = sl_h264_ue(&b);

    if (b.over || chroma > 3 || luma > 6 || depth > 6) {
        return p - buf;
    }

    *p++ = 0xfc | (u_char) chroma;
    *p++ = 0xf8 | (u_char) luma;
    *p++ = 0xf8 | (u_char) depth;
    *p++ = 0;                           /* no SPS extensions */

    return p - buf;
}


/*
 * Keeps a parameter set NAL (type 7 or 8) in sets: the SPS replaces
 * the one kept, a PPS the one of its pic_parameter_set_id or joins
 * (up to SL_H264_MAX_PPS).  Returns 1 when the sets changed; sets too
 * large or unreadable are left out (they stay in the units).
 */
static sl_uint_t
sl_rtp_h264_keep_set(sl_h264_sets_t *sets, const u_char *nal, size_t len)
{
    sl_uint_t        i, id;
    sl_h264_set_t   *set;
    sl_h264_bits_t   b;

    if (len > SL_H264_MAX_SET) {
        return 0;
    }

    if ((nal[0] & 0x1f) == 7) {
        if (len < 4) {
            return 0;
        }

        set = &sets->sps;
        id = 0;

    } else {
        sl_h264_bits_init(&b, nal, len);
        id = sl_h264_ue(&b);

        if (b.over || id > 255) {
            return 0;
        }

        for (i = 0; i < sets->npps; i++) {
            if (sets->pps[i].id == id) {
                break;
            }
        }

        if (i == SL_H264_MAX_PPS) {
            return 0;
        }

        if (i == sets->npps) {
            sets->npps++;
            sets->pps[i].len = 0;
        }

        set = &sets->pps[i];
    }

    if (set->len == len && memcmp(set->data, nal, len) == 0) {
        return 0;
    }

    set->id = id;
    set->len = len;
    sl_memcpy(set->data, nal, len);

    return 1;
}


/*
 * RFC 6184 §8.1: "a=rtpmap:PT H264/90000" and an fmtp with
 * packetization-mode 0 or 1 (2, interleaved, is not taken) and
 * sprop-parameter-sets: base64 NAL units, commas between, made into the
 * track's avcC when an SPS and a PPS are there; without them the
 * parameter sets must come in-band.  Units carry 4-byte NAL lengths.
 */
static sl_int_t
sl_rtp_h264_from_sdp(sl_media_track_t *tr, const sl_str_t *encoding,
    uint32_t clock_rate, uint32_t channels sl_unused, const sl_str_t *fmtp,
    sl_pool_t *pool)
{
    u_char          *p, *last, *comma, nal[SL_H264_MAX_SET + 3];
    size_t           len, n;
    sl_str_t         v, text, dec;
    sl_uint_t        type;
    sl_h264_sets_t  *sets;

    if (!sl_str_caseeq(encoding, "H264")) {
        return SL_DECLINED;
    }

    if (clock_rate == 0) {
        return SL_ERROR;
    }

    if (sl_rtp_fmtp_param(fmtp, "packetization-mode", &v) == SL_OK
        && !sl_str_eq(&v, "0") && !sl_str_eq(&v, "1"))
    {
        return SL_ERROR;
    }

    tr->codec = SL_CODEC_H264;
    tr->timescale = clock_rate;
    tr->duration = -1;
    tr->nal_length_size = 4;
    tr->config = NULL;
    tr->config_len = 0;

    if (sl_rtp_fmtp_param(fmtp, "sprop-parameter-sets", &v) != SL_OK) {
        return SL_OK;
    }

    sets = sl_pcalloc(pool, sizeof(sl_h264_sets_t));
    if (sets == NULL) {
        return SL_ERROR;
    }

    p = v.data;
    last = v.data + v.len;

    while (p < last) {
        comma = sl_strlchr(p, last, ',');
        if (comma == NULL) {
            comma = last;
        }

        /* a set too large to keep is left to come in-band */

        if ((size_t) (comma - p) > 4 * ((SL_H264_MAX_SET + 2) / 3)) {
            p = comma + 1;
            continue;
        }

        text.data = p;
        text.len = comma - p;
        dec.data = nal;

        if (sl_decode_base64(&dec, &text) != SL_OK || dec.len == 0) {
            return SL_ERROR;
        }

        n = dec.len;

        type = nal[0] & 0x1f;

        if (type == 7 || type == 8) {
            (void) sl_rtp_h264_keep_set(sets, nal, n);
        }

        p = comma + 1;
    }

    if (sets->sps.len == 0 || sets->npps == 0) {
        return SL_OK;
    }

    tr->config = sl_pnalloc(pool, SL_H264_AVCC_MAX);
    if (tr->config == NULL) {
        return SL_ERROR;
    }

    len = sl_rtp_h264_avcc_build(tr->config, sets);
    tr->config_len = len;

    return SL_OK;
}


/* the parameter sets of the track's avcC, to notice in-band changes */
static sl_int_t
sl_rtp_h264_depack_init(sl_rtp_depack_t *d)
{
    sl_int_t               n, i;
    sl_media_nal_t         nals[SL_MEDIA_AVCC_MAX_SETS];
    sl_rtp_h264_depack_t  *ctx;

    ctx = d->priv;

    if (d->tr->codec != SL_CODEC_H264 || d->tr->nal_length_size != 4) {
        return SL_ERROR;
    }

    n = sl_media_avcc_sets(d->tr, nals, sl_nelems(nals));

    for (i = 0; i < n; i++) {
        if ((nals[i].data[0] & 0x1f) == 7 || (nals[i].data[0] & 0x1f) == 8) {
            (void) sl_rtp_h264_keep_set(&ctx->sets, nals[i].data,
                                        nals[i].len);
        }
    }

    return SL_OK;
}


/*
 * Can the NAL of this type, whose RBSP starts with byte, be the first
 * of an access unit (ITU-T H.264 §7.4.1.2.3): an access unit delimiter,
 * SEI, SPS, PPS, or a slice with first_mb_in_slice 0 (ue(v) '1').
 * After a loss an access unit is taken only when it begins so.
 */
static sl_uint_t
sl_rtp_h264_au_start(sl_uint_t type, const u_char *rbsp, size_t len)
{
    switch (type) {

    case 6: case 7: case 8: case 9:
        return 1;

    case 1: case 5:
        return len > 0 && (rbsp[0] & 0x80);

    default:
        return 0;
    }
}


/* opens the access unit for a NAL that begins it */
static void
sl_rtp_h264_open(sl_rtp_depack_t *d, sl_uint_t type, const u_char *rbsp,
    size_t len)
{
    if (d->open) {
        return;
    }

    sl_rtp_depack_begin(d, d->dts);

    if (d->gap && !sl_rtp_h264_au_start(type, rbsp, len)) {
        d->broken = 1;
    }
}


/* what a complete NAL unit tells: an IDR picture, parameter sets */
static void
sl_rtp_h264_nal_done(sl_rtp_depack_t *d, const u_char *nal, size_t len)
{
    sl_uint_t              type;
    sl_rtp_h264_depack_t  *ctx;

    ctx = d->priv;
    type = nal[0] & 0x1f;

    if (type == 5) {
        d->unit.keyframe = 1;

    } else if ((type == 7 || type == 8) && !d->broken) {
        if (sl_rtp_h264_keep_set(&ctx->sets, nal, len)) {
            ctx->dirty = 1;
        }
    }
}


/* appends a whole NAL unit to the access unit, after its length */
static void
sl_rtp_h264_put_nal(sl_rtp_depack_t *d, const u_char *nal, size_t len)
{
    u_char  prefix[4];

    sl_rtp_h264_open(d, nal[0] & 0x1f, nal + 1, len - 1);

    prefix[0] = (u_char) (len >> 24);
    prefix[1] = (u_char) (len >> 16);
    prefix[2] = (u_char) (len >> 8);
    prefix[3] = (u_char) len;

    sl_rtp_depack_append(d, prefix, 4);
    sl_rtp_depack_append(d, nal, len);

    sl_rtp_h264_nal_done(d, nal, len);
}


/*
 * RFC 6184 §5.8: the FU indicator (F, NRI, type 28) and FU header (S, E,
 * the NAL's type) make the NAL header again on the start fragment; the
 * fragments follow each other in sequence order, so a loss among them,
 * or a start without an end, drops the access unit.
 */
static sl_int_t
sl_rtp_h264_fu_a(sl_rtp_depack_t *d, const u_char *p, size_t len)
{
    size_t                 n;
    u_char                 prefix[5], type;
    sl_rtp_h264_depack_t  *ctx;

    ctx = d->priv;

    if (len < 2 || (p[1] & 0xc0) == 0xc0) {
        return SL_ERROR;
    }

    type = p[1] & 0x1f;

    if (p[1] & 0x80) {

        if (ctx->fu) {
            d->broken = 1;              /* the last one had no end */
        }

        sl_rtp_h264_open(d, type, p + 2, len - 2);

        ctx->fu = 1;
        ctx->fu_type = type;
        ctx->fu_off = d->unit.len;
        d->partial = 1;

        prefix[0] = prefix[1] = prefix[2] = prefix[3] = 0;
        prefix[4] = (p[0] & 0xe0) | type;

        sl_rtp_depack_append(d, prefix, 5);
        sl_rtp_depack_append(d, p + 2, len - 2);

        return SL_OK;
    }

    if (!ctx->fu || ctx->fu_type != type) {
        /* the start was lost */

        if (!d->open) {
            sl_rtp_depack_begin(d, d->dts);
        }

        d->broken = 1;
        ctx->fu = 0;
        return SL_OK;
    }

    sl_rtp_depack_append(d, p + 2, len - 2);

    if (!(p[1] & 0x40)) {
        return SL_OK;
    }

    ctx->fu = 0;
    d->partial = 0;

    if (d->broken) {
        return SL_OK;
    }

    n = d->unit.len - ctx->fu_off - 4;

    sl_rtp_depack_at(d, ctx->fu_off)[0] = (u_char) (n >> 24);
    sl_rtp_depack_at(d, ctx->fu_off)[1] = (u_char) (n >> 16);
    sl_rtp_depack_at(d, ctx->fu_off)[2] = (u_char) (n >> 8);
    sl_rtp_depack_at(d, ctx->fu_off)[3] = (u_char) n;

    sl_rtp_h264_nal_done(d, sl_rtp_depack_at(d, ctx->fu_off + 4), n);

    return SL_OK;
}


/*
 * One packet (RFC 6184 §5.6-5.8): a single NAL unit, a STAP-A of NAL
 * units each after a 16-bit size, or an FU-A fragment, appended to the
 * access unit of its timestamp as 4-byte-length-prefixed NAL units.
 * The marker bit ends the access unit (§5.1).  Interleaved-mode packets
 * (STAP-B, MTAP, FU-B) are refused; types 0, 30 and 31 are ignored.
 * An SPS or PPS that differs from the track's avcC replaces it there
 * (d->config_changed), kept in the unit too.
 */
static sl_int_t
sl_rtp_h264_depacketize(sl_rtp_depack_t *d, const u_char *payload,
    size_t len, sl_uint_t marker sl_unused)
{
    size_t                 n;
    sl_int_t               rc;
    sl_uint_t              type;
    const u_char          *p, *last;
    sl_rtp_h264_depack_t  *ctx;
    u_char                 avcc[SL_H264_AVCC_MAX];

    ctx = d->priv;

    if (!d->open) {
        ctx->fu = 0;
    }

    if (len == 0) {
        return SL_ERROR;
    }

    type = payload[0] & 0x1f;

    if (ctx->fu && type != SL_H264_FU_A) {
        d->broken = 1;                  /* the FU-A had no end */
        d->partial = 0;
        ctx->fu = 0;
    }

    rc = SL_OK;

    switch (type) {

    case 0: case 30: case 31:
        break;

    case SL_H264_STAP_A:
        p = payload + 1;
        last = payload + len;

        if (p == last) {
            rc = SL_ERROR;
        }

        while (p < last) {
            if (last - p < 2) {
                rc = SL_ERROR;
                break;
            }

            n = sl_media_be16(p);
            p += 2;

            if (n == 0 || n > (size_t) (last - p)) {
                rc = SL_ERROR;
                break;
            }

            /* no packets in packets (§5.7.1), nor the unspecified type */
            type = p[0] & 0x1f;

            if (type != 0 && type < SL_H264_STAP_A) {
                sl_rtp_h264_put_nal(d, p, n);
            }

            p += n;
        }

        break;

    case SL_H264_FU_A:
        rc = sl_rtp_h264_fu_a(d, payload, len);
        break;

    case 25: case 26: case 27: case 29:
        rc = SL_ERROR;
        break;

    default:
        sl_rtp_h264_put_nal(d, payload, len);
        break;
    }

    if (ctx->dirty && ctx->sets.sps.len && ctx->sets.npps) {
        ctx->dirty = 0;

        n = sl_rtp_h264_avcc_build(avcc, &ctx->sets);

        if (d->tr->config == NULL || d->tr->config_len != n
            || memcmp(d->tr->config, avcc, n) != 0)
        {
            sl_memcpy(ctx->avcc, avcc, n);
            d->tr->config = ctx->avcc;
            d->tr->config_len = n;
            d->config_changed = 1;
        }
    }

    return rc;
}


static const sl_rtp_payload_t  sl_rtp_h264 = {
    .name = "H264",
    .encoding = "H264",
    .codec = SL_CODEC_H264,
    .media = "video",
    .static_pt = 0,
    .clock_rate = sl_rtp_h264_clock_rate,
    .sdp = sl_rtp_h264_sdp,
    .packetize = sl_rtp_h264_packetize,
    .from_sdp = sl_rtp_h264_from_sdp,
    .depack_size = sizeof(sl_rtp_h264_depack_t),
    .depack_init = sl_rtp_h264_depack_init,
    .depacketize = sl_rtp_h264_depacketize,
};


static sl_media_module_t  sl_rtp_h264_module_ctx = {
    .payload = &sl_rtp_h264,
};


sl_module_t  sl_rtp_h264_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_rtp_h264_module_ctx,
};
