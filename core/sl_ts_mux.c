/* The MPEG-TS muxer: units to PES, PES to transport packets. */

#include <sl_config.h>
#include <sl_core.h>


#define SL_TS_MUX_PAYLOAD      184           /* after the 4-byte header */
#define SL_TS_MUX_PES_HEADER   19            /* with a PTS and a DTS */
#define SL_TS_MUX_AF_PCR       8             /* length, flags, PCR */
#define SL_TS_MUX_PCR_PERIOD   3600          /* 40 ms at 90 kHz */
#define SL_TS_MUX_PSI_PERIOD   9000          /* 100 ms */
#define SL_TS_MUX_STEP_MAX     90000         /* longer steps are gaps */
#define SL_TS_MUX_TIME_MAX     ((int64_t) 1 << 40)   /* seconds */

#define SL_TS_MUX_ADTS         7             /* without CRC */
#define SL_TS_MUX_ADTS_MAX     8191          /* 13-bit frame_length */
#define SL_TS_MUX_START        4             /* 00 00 00 01 */
#define SL_TS_MUX_AUD          6             /* start code, AUD */


typedef struct {
    sl_codec_e       codec;
    uint32_t         timescale;
    uint16_t         pid;
    u_char           stream_type;
    u_char           stream_id;
    u_char           cc;             /* of its next packet with payload */
    sl_uint_t        nls;            /* H.264 nal_length_size */

    u_char          *sets;           /* avcC's SPS and PPS in Annex B */
    size_t           sets_len;
    u_char           adts[SL_TS_MUX_ADTS];  /* frame_length left 0 */

    int64_t          last;           /* dts of its last unit, 90 kHz */
    int64_t          step;           /* from the one before, 0 unknown */
    unsigned         seen:1;
} sl_ts_mux_track_t;


struct sl_ts_mux_s {
    sl_ts_mux_track_t   tracks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t           ntracks;
    sl_uint_t           pcr_track;   /* the first video, else track 0 */

    size_t              sets_max;    /* for sl_ts_mux_bound() */
    sl_uint_t           nls_min;     /* 0: no H.264 track */

    u_char              pat[SL_TS_PACKET];   /* continuity_counter 0 */
    u_char              pmt[SL_TS_PACKET];
    u_char              pat_cc;
    u_char              pmt_cc;

    int64_t             pcr;         /* the last PCR, 90 kHz */
    int64_t             psi;         /* dts of the unit after the last PSI */

    unsigned            video:1;
    unsigned            psi_due:1;
    unsigned            pcr_sent:1;
};


/*
 * The PSI packets: a section after a pointer_field of 0, its CRC_32,
 * then 0xff stuffing (§2.4.4, a section fits one packet here).
 */
static void
sl_ts_mux_section(u_char *pkt, uint16_t pid, const u_char *sec, size_t len)
{
    u_char    *p;
    uint32_t   crc;

    (void) memset(pkt, 0xff, SL_TS_PACKET);

    pkt[0] = SL_TS_SYNC;
    pkt[1] = (u_char) (0x40 | (pid >> 8));
    pkt[2] = (u_char) pid;
    pkt[3] = 0x10;
    pkt[4] = 0;

    p = sl_cpymem(pkt + 5, sec, len);

    crc = sl_ts_crc32(sec, len);

    p[0] = (u_char) (crc >> 24);
    p[1] = (u_char) (crc >> 16);
    p[2] = (u_char) (crc >> 8);
    p[3] = (u_char) crc;
}


/*
 * The PAT (§2.4.4.3): transport_stream_id 1, program 1 on
 * SL_TS_MUX_PMT_PID.  The PMT (§2.4.4.8): PCR_PID, no program
 * descriptors, then every track's stream_type and PID, version 0.
 */
static void
sl_ts_mux_psi(sl_ts_mux_t *m)
{
    u_char              *p, sec[12 + 5 * SL_MEDIA_MAX_TRACKS];
    sl_uint_t            i;
    sl_ts_mux_track_t   *t;

    static const u_char  pat[] = {
        0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00,
        0x00, 0x01, 0xe0 | (SL_TS_MUX_PMT_PID >> 8), SL_TS_MUX_PMT_PID & 0xff
    };

    sl_ts_mux_section(m->pat, 0, pat, sizeof(pat));

    p = sec;
    *p++ = 0x02;
    *p++ = 0xb0;
    *p++ = (u_char) (9 + 5 * m->ntracks + 4);      /* section_length */
    *p++ = 0x00;
    *p++ = 0x01;                                   /* program_number */
    *p++ = 0xc1;                                   /* version 0, current */
    *p++ = 0x00;
    *p++ = 0x00;
    *p++ = (u_char) (0xe0 | (m->tracks[m->pcr_track].pid >> 8));
    *p++ = (u_char) m->tracks[m->pcr_track].pid;
    *p++ = 0xf0;
    *p++ = 0x00;                                   /* program_info_length */

    for (i = 0; i < m->ntracks; i++) {
        t = &m->tracks[i];

        *p++ = t->stream_type;
        *p++ = (u_char) (0xe0 | (t->pid >> 8));
        *p++ = (u_char) t->pid;
        *p++ = 0xf0;
        *p++ = 0x00;                               /* ES_info_length */
    }

    sl_ts_mux_section(m->pmt, SL_TS_MUX_PMT_PID, sec, p - sec);
}


/*
 * The ADTS header of every frame (ISO/IEC 13818-7 §6.2, as ISO/IEC
 * 14496-3 §1.A.2 carries MPEG-4 AAC) from the AudioSpecificConfig
 * (§1.6.2.1): profile is audioObjectType - 1, so only Main, LC, SSR and
 * LTP fit; with explicit SBR or PS signalling (types 5 and 29) the core
 * object type and sampling rate go in, and decoders find SBR and PS
 * implicitly.  A rate given explicitly (index 15) or a channel layout
 * given by a program_config_element (configuration 0) cannot be said in
 * an ADTS header: SL_ERROR.  MPEG-4 ID, no CRC, VBR buffer fullness.
 */
static sl_int_t
sl_ts_mux_adts(sl_ts_mux_track_t *t, const sl_media_track_t *tr)
{
    u_char      buf[8];
    uint64_t    bits;
    uint32_t    aot, sfi, chan;
    sl_uint_t   pos;

    if (tr->config == NULL || tr->config_len < 2) {
        return SL_ERROR;
    }

    sl_memzero(buf, sizeof(buf));
    sl_memcpy(buf, tr->config, sl_min(tr->config_len, sizeof(buf)));

    bits = sl_media_be64(buf);
    pos = 0;

#define sl_ts_mux_bits(n)                                                     \
    (pos += (n), (uint32_t) ((bits >> (64 - pos)) & ((1u << (n)) - 1)))

    aot = sl_ts_mux_bits(5);

    if (aot == 31) {
        aot = 32 + sl_ts_mux_bits(6);
    }

    sfi = sl_ts_mux_bits(4);

    if (sfi == 0x0f) {
        return SL_ERROR;
    }

    chan = sl_ts_mux_bits(4);

    if (aot == 5 || aot == 29) {
        if (sl_ts_mux_bits(4) == 0x0f) {
            (void) sl_ts_mux_bits(24);
        }

        aot = sl_ts_mux_bits(5);

        if (aot == 31) {
            aot = 32 + sl_ts_mux_bits(6);
        }
    }

#undef sl_ts_mux_bits

    if ((pos + 7) / 8 > tr->config_len || aot < 1 || aot > 4 || sfi > 12
        || chan == 0 || chan > 7)
    {
        return SL_ERROR;
    }

    t->adts[0] = 0xff;
    t->adts[1] = 0xf1;
    t->adts[2] = (u_char) (((aot - 1) << 6) | (sfi << 2) | (chan >> 2));
    t->adts[3] = (u_char) ((chan & 3) << 6);
    t->adts[4] = 0x00;
    t->adts[5] = 0x1f;
    t->adts[6] = 0xfc;

    return SL_OK;
}


/* avcC's SPS and PPS as an Annex B byte stream; no avcC: none */
static sl_int_t
sl_ts_mux_sets(sl_pool_t *pool, sl_ts_mux_track_t *t,
    const sl_media_track_t *tr)
{
    u_char          *p;
    sl_int_t         i, n;
    sl_media_nal_t   sets[SL_MEDIA_AVCC_MAX_SETS];

    n = sl_media_avcc_sets(tr, sets, SL_MEDIA_AVCC_MAX_SETS);

    if (n <= 0) {
        return SL_OK;
    }

    for (i = 0; i < n; i++) {
        t->sets_len += SL_TS_MUX_START + sets[i].len;
    }

    t->sets = sl_pnalloc(pool, t->sets_len);
    if (t->sets == NULL) {
        return SL_ERROR;
    }

    p = t->sets;

    for (i = 0; i < n; i++) {
        p = sl_cpymem(p, "\0\0\0\1", SL_TS_MUX_START);
        p = sl_cpymem(p, sets[i].data, sets[i].len);
    }

    return SL_OK;
}


sl_ts_mux_t *
sl_ts_mux_create(sl_pool_t *pool, const sl_media_track_t *tracks,
    sl_uint_t ntracks)
{
    sl_uint_t                i, naudio, nvideo;
    sl_ts_mux_t             *m;
    sl_ts_mux_track_t       *t;
    const sl_media_track_t  *tr;

    if (ntracks == 0 || ntracks > SL_MEDIA_MAX_TRACKS) {
        return NULL;
    }

    m = sl_pcalloc(pool, sizeof(sl_ts_mux_t));
    if (m == NULL) {
        return NULL;
    }

    m->ntracks = ntracks;
    naudio = 0;
    nvideo = 0;

    for (i = 0; i < ntracks; i++) {
        tr = &tracks[i];
        t = &m->tracks[i];

        if (tr->timescale == 0) {
            return NULL;
        }

        t->codec = tr->codec;
        t->timescale = tr->timescale;
        t->pid = (uint16_t) (SL_TS_MUX_PID + i);

        switch (tr->codec) {

        case SL_CODEC_H264:
            if (tr->nal_length_size != 1 && tr->nal_length_size != 2
                && tr->nal_length_size != 4)
            {
                return NULL;
            }

            if (sl_ts_mux_sets(pool, t, tr) != SL_OK) {
                return NULL;
            }

            t->nls = tr->nal_length_size;
            t->stream_type = 0x1b;
            t->stream_id = (u_char) (0xe0 + nvideo);

            if (nvideo++ == 0) {
                m->pcr_track = i;
            }

            m->sets_max = sl_max(m->sets_max, t->sets_len);

            if (m->nls_min == 0 || t->nls < m->nls_min) {
                m->nls_min = t->nls;
            }

            break;

        case SL_CODEC_AAC:
            if (sl_ts_mux_adts(t, tr) != SL_OK) {
                return NULL;
            }

            t->stream_type = 0x0f;
            t->stream_id = (u_char) (0xc0 + naudio++);
            break;

        case SL_CODEC_MPA:
            /* MPEG-2 audio (ISO/IEC 13818-3) adds the half rates */
            t->stream_type = (tr->sample_rate && tr->sample_rate < 32000)
                             ? 0x04 : 0x03;
            t->stream_id = (u_char) (0xc0 + naudio++);
            break;

        default:
            return NULL;
        }
    }

    m->video = (nvideo > 0);
    m->psi_due = 1;

    sl_ts_mux_psi(m);

    return m;
}


/*
 * The most bytes a unit of len can take as an elementary stream: H.264
 * gains an AUD, the parameter sets and, for every NAL unit (nls + 1
 * bytes at least), 4 - nls bytes of start code over its length prefix;
 * AAC gains its ADTS header.
 */
size_t
sl_ts_mux_bound(sl_ts_mux_t *m, size_t len)
{
    size_t  es, pes;

    es = len + SL_TS_MUX_ADTS;

    if (m->nls_min) {
        es = sl_max(es, len + len / (m->nls_min + 1) * (4 - m->nls_min)
                        + SL_TS_MUX_AUD + m->sets_max);
    }

    pes = SL_TS_MUX_PES_HEADER + es;

    /* PAT, PMT, a PCR alone; the first PES packet may carry 8 bytes less */
    return (3 + 1 + (pes + SL_TS_MUX_PAYLOAD - 1) / SL_TS_MUX_PAYLOAD)
           * SL_TS_PACKET;
}


/*
 * The next NAL unit of the length-prefixed ones in [*pp, last): SL_OK
 * with nal set, SL_DONE at the end, SL_ERROR when a prefix is cut or
 * says more than there is.
 */
static sl_int_t
sl_ts_mux_nal(const u_char **pp, const u_char *last, sl_uint_t nls,
    sl_media_nal_t *nal)
{
    size_t         len;
    const u_char  *p;

    p = *pp;

    if (p == last) {
        return SL_DONE;
    }

    if ((size_t) (last - p) < nls) {
        return SL_ERROR;
    }

    len = (nls == 1) ? p[0] : (nls == 2) ? sl_media_be16(p)
                                         : sl_media_be32(p);
    p += nls;

    if (len > (size_t) (last - p)) {
        return SL_ERROR;
    }

    nal->data = p;
    nal->len = len;
    *pp = p + len;

    return SL_OK;
}


/*
 * The Annex B size of an H.264 unit (ITU-T H.264 §B.1): an access unit
 * delimiter first (§7.4.1.2.3 wants it first in the access unit; the
 * unit's own ones are dropped), the parameter sets of avcC when the unit
 * holds an IDR slice but no SPS (*sets set), then every NAL unit after a
 * 4-byte start code.  0 when the unit is malformed.
 */
static size_t
sl_ts_mux_h264_size(sl_ts_mux_track_t *t, const sl_media_unit_t *mu,
    sl_uint_t *sets)
{
    size_t           len;
    sl_int_t         rc;
    sl_uint_t        type, idr, sps;
    const u_char    *p, *last;
    sl_media_nal_t   nal;

    p = mu->data;
    last = mu->data + mu->len;
    len = SL_TS_MUX_AUD;
    idr = 0;
    sps = 0;

    while ((rc = sl_ts_mux_nal(&p, last, t->nls, &nal)) == SL_OK) {
        if (nal.len == 0) {
            continue;
        }

        type = nal.data[0] & 0x1f;

        if (type == 9) {
            continue;
        }

        idr |= (type == 5);
        sps |= (type == 7);

        len += SL_TS_MUX_START + nal.len;
    }

    if (rc == SL_ERROR) {
        return 0;
    }

    *sets = (idr && !sps && t->sets_len);

    return len + (*sets ? t->sets_len : 0);
}


static u_char *
sl_ts_mux_h264(sl_ts_mux_track_t *t, const sl_media_unit_t *mu,
    sl_uint_t sets, u_char *p)
{
    const u_char    *q, *last;
    sl_media_nal_t   nal;

    /* primary_pic_type 7: any slice type, then the stop bit */
    p = sl_cpymem(p, "\0\0\0\1\x09\xf0", SL_TS_MUX_AUD);

    if (sets) {
        p = sl_cpymem(p, t->sets, t->sets_len);
    }

    q = mu->data;
    last = mu->data + mu->len;

    while (sl_ts_mux_nal(&q, last, t->nls, &nal) == SL_OK) {
        if (nal.len == 0 || (nal.data[0] & 0x1f) == 9) {
            continue;
        }

        p = sl_cpymem(p, "\0\0\0\1", SL_TS_MUX_START);
        p = sl_cpymem(p, nal.data, nal.len);
    }

    return p;
}


/* a unit time in 90 kHz; beyond 2^40 seconds either way it is clamped */
static int64_t
sl_ts_mux_time(int64_t t, uint32_t timescale)
{
    int64_t  s;

    s = t / timescale;

    if (s > SL_TS_MUX_TIME_MAX || s < -SL_TS_MUX_TIME_MAX) {
        return (s > 0 ? SL_TS_MUX_TIME_MAX : -SL_TS_MUX_TIME_MAX) * 90000;
    }

    return s * 90000 + (t % timescale) * 90000 / timescale;
}


/*
 * Would waiting for the next unit of a track (step after this one at
 * now) leave more than period since last?  Times that went back say yes.
 */
static sl_uint_t
sl_ts_mux_late(int64_t now, int64_t step, int64_t last, int64_t period)
{
    return now < last || now + step - last > period;
}


/*
 * Is a PCR due on the PCR's PID before a unit of another track at now?
 * Not when the PCR track's next unit, expected one step after its last,
 * comes after this one and in time; otherwise when waiting for this
 * track's next unit would leave more than SL_TS_MUX_PCR_PERIOD since the
 * last PCR: so PCRs ride the video at frame rates of 25 and more, and
 * below it the audio units in between carry packets with a PCR alone.
 */
static sl_uint_t
sl_ts_mux_pcr_due(sl_ts_mux_t *m, sl_ts_mux_track_t *t, int64_t now)
{
    int64_t              next;
    sl_ts_mux_track_t   *pt;

    if (!m->pcr_sent) {
        return 1;
    }

    pt = &m->tracks[m->pcr_track];
    next = pt->last + pt->step;

    if (pt->seen && pt->step && next >= now
        && next - m->pcr <= SL_TS_MUX_PCR_PERIOD)
    {
        return 0;
    }

    return now >= m->pcr && now + t->step - m->pcr > SL_TS_MUX_PCR_PERIOD;
}


/* the PCR (§2.4.3.5) at p: a 33-bit base in 90 kHz, extension 0 */
static u_char *
sl_ts_mux_write_pcr(u_char *p, int64_t pcr)
{
    pcr &= SL_TS_PTS_WRAP - 1;

    p[0] = (u_char) (pcr >> 25);
    p[1] = (u_char) (pcr >> 17);
    p[2] = (u_char) (pcr >> 9);
    p[3] = (u_char) (pcr >> 1);
    p[4] = (u_char) (((pcr & 1) << 7) | 0x7e);
    p[5] = 0;

    return p + 6;
}


/* a packet of the PCR's PID with an adaptation field only (§2.4.3.4) */
static u_char *
sl_ts_mux_pcr_packet(sl_ts_mux_t *m, int64_t pcr, sl_uint_t disc, u_char *p)
{
    sl_ts_mux_track_t  *pt;

    pt = &m->tracks[m->pcr_track];

    /* no payload: continuity_counter stays (§2.4.3.3) */
    p[0] = SL_TS_SYNC;
    p[1] = (u_char) (pt->pid >> 8);
    p[2] = (u_char) pt->pid;
    p[3] = (u_char) (0x20 | ((pt->cc - 1) & 0x0f));
    p[4] = SL_TS_MUX_PAYLOAD - 1;
    p[5] = (u_char) (SL_TS_AF_PCR | (disc ? SL_TS_AF_DISCONTINUITY : 0));

    p = sl_ts_mux_write_pcr(p + 6, pcr);

    (void) memset(p, 0xff, SL_TS_MUX_PAYLOAD - SL_TS_MUX_AF_PCR);

    return p + SL_TS_MUX_PAYLOAD - SL_TS_MUX_AF_PCR;
}


static u_char *
sl_ts_mux_psi_packets(sl_ts_mux_t *m, u_char *p)
{
    p = sl_cpymem(p, m->pat, SL_TS_PACKET);
    p[3 - SL_TS_PACKET] |= m->pat_cc++ & 0x0f;

    p = sl_cpymem(p, m->pmt, SL_TS_PACKET);
    p[3 - SL_TS_PACKET] |= m->pmt_cc++ & 0x0f;

    return p;
}


/*
 * Cuts the PES of pes bytes at src into packets from p on.  The first
 * packet starts the PES (payload_unit_start_indicator) and carries an
 * adaptation field when flags (SL_TS_AF_*) ask, 8 bytes with the PCR;
 * the last one is filled up by growing its
 * adaptation field (§2.4.3.5 stuffing_byte).  src may lie ahead in the
 * same buffer as long as the packets written so far overtake no byte of
 * it not yet read: sl_ts_mux_write() puts it that far ahead.
 */
static u_char *
sl_ts_mux_packets(sl_ts_mux_track_t *t, const u_char *src, size_t pes,
    u_char flags, int64_t pcr, u_char *p)
{
    size_t         n, af, room, len;
    const u_char  *pes_start;

    pes_start = src;
    af = (flags & SL_TS_AF_PCR) ? SL_TS_MUX_AF_PCR : flags ? 2 : 0;

    while (pes) {
        room = SL_TS_MUX_PAYLOAD - af;
        n = sl_min(pes, room);
        len = af + room - n;                 /* adaptation field bytes */

        p[0] = SL_TS_SYNC;
        p[1] = (u_char) ((src == pes_start ? 0x40 : 0) | (t->pid >> 8));
        p[2] = (u_char) t->pid;
        p[3] = (u_char) ((len ? 0x30 : 0x10) | (t->cc++ & 0x0f));

        if (len) {
            p[4] = (u_char) (len - 1);
        }

        if (len > 1) {
            p[5] = flags;

            if (flags & SL_TS_AF_PCR) {
                (void) sl_ts_mux_write_pcr(p + 6, pcr);
            }

            af = sl_max(af, 2);
            (void) memset(p + 4 + af, 0xff, len - af);
        }

        (void) memmove(p + 4 + len, src, n);

        src += n;
        pes -= n;
        p += SL_TS_PACKET;
        flags = 0;
        af = 0;
    }

    return p;
}


/*
 * The PES header (§2.4.3.6, §2.4.3.7): PES_packet_length 0 when the PES
 * is longer than it can say (allowed for video), data_alignment_indicator
 * as every PES starts an access unit, the PTS, the DTS when it differs.
 */
static size_t
sl_ts_mux_pes_header(sl_ts_mux_track_t *t, int64_t pts, int64_t dts,
    size_t es, u_char *h)
{
    size_t   len;
    u_char  *p;

    len = (pts != dts) ? SL_TS_MUX_PES_HEADER : SL_TS_MUX_PES_HEADER - 5;
    es += len - 6;

    h[0] = 0x00;
    h[1] = 0x00;
    h[2] = 0x01;
    h[3] = t->stream_id;
    h[4] = (u_char) (es > 0xffff ? 0 : es >> 8);
    h[5] = (u_char) (es > 0xffff ? 0 : es);
    h[6] = 0x84;
    h[7] = (pts != dts) ? 0xc0 : 0x80;
    h[8] = (u_char) (len - 9);

    p = sl_ts_write_timestamp(h + 9, (pts != dts) ? 3 : 2,
                              pts + SL_TS_MUX_DELAY);

    if (pts != dts) {
        (void) sl_ts_write_timestamp(p, 1, dts + SL_TS_MUX_DELAY);
    }

    return len;
}


/*
 * The elementary stream of the unit is built first at the end of the
 * packets' room (exactly as far ahead as all the headers and stuffing
 * the packets add), then cut into packets from p on: one copy of the
 * unit besides the packets' own.
 */
u_char *
sl_ts_mux_write(sl_ts_mux_t *m, const sl_media_unit_t *mu, u_char *p)
{
    u_char              *q, *src, h[SL_TS_MUX_PES_HEADER], flags;
    size_t               es, hlen, pes, npkts, total, first;
    int64_t              dts, pts, pcr;
    sl_uint_t            sets, psi, alone, disc;
    sl_ts_mux_track_t   *t;

    if (mu->track >= m->ntracks || mu->len == 0) {
        return p;
    }

    t = &m->tracks[mu->track];
    sets = 0;

    switch (t->codec) {

    case SL_CODEC_H264:
        es = sl_ts_mux_h264_size(t, mu, &sets);
        break;

    case SL_CODEC_AAC:
        es = SL_TS_MUX_ADTS + mu->len;
        es = (es <= SL_TS_MUX_ADTS_MAX) ? es : 0;
        break;

    default:
        es = mu->len;
        break;
    }

    if (es == 0) {
        return p;
    }

    dts = sl_ts_mux_time(mu->dts, t->timescale);
    pts = sl_ts_mux_time(mu->pts, t->timescale);

    if (t->seen && dts > t->last && dts - t->last <= SL_TS_MUX_STEP_MAX) {
        t->step = dts - t->last;
    }

    t->last = dts;
    t->seen = 1;

    /* what goes before and into the first packet */

    psi = m->psi_due || (t->codec == SL_CODEC_H264 && mu->keyframe)
          || (!m->video && sl_ts_mux_late(dts, t->step, m->psi,
                                          SL_TS_MUX_PSI_PERIOD));

    flags = mu->keyframe ? SL_TS_AF_RANDOM_ACCESS : 0;
    alone = 0;
    disc = 0;

    if (mu->track == m->pcr_track) {
        flags |= SL_TS_AF_PCR;

    } else {
        alone = sl_ts_mux_pcr_due(m, t, dts);
    }

    pcr = dts;

    if (((flags & SL_TS_AF_PCR) || alone) && m->pcr_sent && pcr < m->pcr) {
        /* a little back is reordering, more a new time base */
        if (m->pcr - pcr <= SL_TS_MUX_DELAY) {
            pcr = m->pcr;

        } else {
            disc = 1;
            flags |= (flags & SL_TS_AF_PCR) ? SL_TS_AF_DISCONTINUITY : 0;
        }
    }

    hlen = sl_ts_mux_pes_header(t, pts, dts, es, h);
    pes = hlen + es;

    first = SL_TS_MUX_PAYLOAD - ((flags & SL_TS_AF_PCR) ? SL_TS_MUX_AF_PCR
                                 : flags ? 2 : 0);
    npkts = (pes <= first) ? 1 : 1 + (pes - first + SL_TS_MUX_PAYLOAD - 1)
                                     / SL_TS_MUX_PAYLOAD;

    total = (npkts + (psi ? 2 : 0) + alone) * SL_TS_PACKET;

    src = p + total - pes;
    q = sl_cpymem(src, h, hlen);

    switch (t->codec) {

    case SL_CODEC_H264:
        (void) sl_ts_mux_h264(t, mu, sets, q);
        break;

    case SL_CODEC_AAC:
        sl_memcpy(q, t->adts, SL_TS_MUX_ADTS);
        q[3] |= (u_char) (es >> 11);
        q[4] = (u_char) (es >> 3);
        q[5] |= (u_char) ((es & 7) << 5);
        sl_memcpy(q + SL_TS_MUX_ADTS, mu->data, mu->len);
        break;

    default:
        sl_memcpy(q, mu->data, mu->len);
        break;
    }

    if (psi) {
        p = sl_ts_mux_psi_packets(m, p);
        m->psi = dts;
        m->psi_due = 0;
    }

    if (alone) {
        p = sl_ts_mux_pcr_packet(m, pcr, disc, p);
    }

    p = sl_ts_mux_packets(t, src, pes, flags, pcr, p);

    if ((flags & SL_TS_AF_PCR) || alone) {
        m->pcr = pcr;
        m->pcr_sent = 1;
    }

    return p;
}


void
sl_ts_mux_reset(sl_ts_mux_t *m)
{
    m->psi_due = 1;
}
