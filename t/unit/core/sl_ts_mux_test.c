/*
 * Unit tests for core/sl_ts_mux.c: units built here (H.264 NAL units
 * behind an avcC, AAC frames behind an AudioSpecificConfig, MP3 frames)
 * are muxed, then the packets are read back through the MPEG-TS reader
 * (sl_media_open() in memory: it must find the program, its clock and
 * its keyframes) and demultiplexed here: every unit must come back as
 * one PES with its elementary stream bytes (Annex B, ADTS) and times,
 * the continuity counters run on, PSI sections carry a right CRC, PCRs
 * come often enough and never go back.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"


#define T_OUT_MAX      (4 * 1024 * 1024)
#define T_MAX_UNITS    1024
#define T_PES_MAX      (512 * 1024)
#define T_CANARY       0xa5
#define T_WRAP         ((int64_t) 1 << 33)

#define T_VIDEO_TS     12800          /* as MP4 files have it */
#define T_AAC_RATE     44100


/* a unit written, and what its PES must hold */
typedef struct {
    sl_uint_t        track;
    int64_t          pts;        /* 90 kHz, SL_TS_MUX_DELAY added */
    int64_t          dts;
    int64_t          dts90;      /* without it: the PCR that goes along */
    sl_uint_t        key;
    size_t           off;        /* of the expected bytes in es */
    size_t           len;
    size_t           pkt;        /* packet index where its PES starts */
} t_unit_t;

/* what the demultiplexer saw */
typedef struct {
    sl_uint_t        npat;
    sl_uint_t        npmt;
    sl_uint_t        npcr;
    sl_uint_t        nalone;     /* packets with a PCR and no payload */
    sl_uint_t        ndisc;      /* discontinuity_indicator set */
    int64_t          max_pcr_gap;    /* 90 kHz */
    int64_t          max_psi_gap;    /* dts of the units after PSI */
    uint16_t         pcr_pid;
    u_char           types[SL_MEDIA_MAX_TRACKS];  /* stream_type by track */
} t_seen_t;

typedef struct {
    int              cc;         /* -1: none yet */
    u_char          *pes;
    size_t           len;
    size_t           pkt;        /* where the PES started */
    sl_uint_t        rai;        /* its first packet's flags */
    sl_uint_t        pcr;
    int64_t          pcr_value;
    sl_uint_t        next;       /* the next unit of its track */
} t_pid_t;


static u_char             out[T_OUT_MAX];
static size_t             out_len;
static u_char             es[T_OUT_MAX];
static size_t             es_len;
static u_char             unit[T_PES_MAX];
static t_unit_t           units[T_MAX_UNITS];
static sl_uint_t          nunits;
static sl_media_track_t   tracks[SL_MEDIA_MAX_TRACKS];
static sl_uint_t          ntracks;
static sl_ts_mux_t       *mux;
static t_seen_t           seen;
static t_pid_t            pids[SL_MEDIA_MAX_TRACKS];

static u_char  sps[] = { 0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xbf,
                         0xe5, 0x84 };
static u_char  pps[] = { 0x68, 0xce, 0x3c, 0x80 };
static u_char  avcc[64];
static u_char  asc_lc[] = { 0x12, 0x10 };      /* LC, 44.1 kHz, stereo */


/* an avcC (ISO/IEC 14496-15 §5.3.3.1) with one SPS and one PPS */
static size_t
t_avcc(sl_uint_t nls)
{
    u_char  *p;

    p = avcc;
    *p++ = 1;
    *p++ = sps[1];
    *p++ = sps[2];
    *p++ = sps[3];
    *p++ = (u_char) (0xfc | (nls - 1));
    *p++ = 0xe1;
    *p++ = 0;
    *p++ = sizeof(sps);
    p = sl_cpymem(p, sps, sizeof(sps));
    *p++ = 1;
    *p++ = 0;
    *p++ = sizeof(pps);
    p = sl_cpymem(p, pps, sizeof(pps));

    return p - avcc;
}


static void
t_reset(void)
{
    out_len = 0;
    es_len = 0;
    nunits = 0;
    ntracks = 0;
    mux = NULL;
    sl_memzero(tracks, sizeof(tracks));
    sl_memzero(&seen, sizeof(seen));
}


static void
t_track_h264(sl_uint_t nls)
{
    sl_media_track_t  *tr;

    tr = &tracks[ntracks++];
    tr->codec = SL_CODEC_H264;
    tr->timescale = T_VIDEO_TS;
    tr->config = avcc;
    tr->config_len = t_avcc(nls);
    tr->nal_length_size = (uint32_t) nls;
    tr->width = 320;
    tr->height = 240;
}


static void
t_track_audio(sl_codec_e codec, uint32_t rate, u_char *asc, size_t asc_len)
{
    sl_media_track_t  *tr;

    tr = &tracks[ntracks++];
    tr->codec = codec;
    tr->timescale = rate;
    tr->sample_rate = rate;
    tr->channels = 2;
    tr->config = asc;
    tr->config_len = asc_len;
}


static void
t_create(void)
{
    mux = sl_ts_mux_create(sl_unit_pool(), tracks, ntracks);
    CU_ASSERT_FATAL(mux != NULL);
}


static int64_t
t_90k(int64_t t, uint32_t timescale)
{
    return t * 90000 / timescale;
}


/*
 * Muxes the unit of len bytes in unit[] and notes what its PES must
 * hold: the expected elementary stream is in es[es_len - exp, es_len).
 * Checks the bound, and that no byte past the end returned is touched.
 */
static void
t_write(sl_uint_t track, int64_t dts, int64_t pts, sl_uint_t key,
    size_t len, size_t exp)
{
    u_char           *p, *end;
    size_t            bound, i;
    t_unit_t         *u;
    sl_media_unit_t   mu;

    sl_memzero(&mu, sizeof(mu));
    mu.track = track;
    mu.dts = dts;
    mu.pts = pts;
    mu.keyframe = key;
    mu.data = unit;
    mu.len = len;

    bound = sl_ts_mux_bound(mux, len);
    CU_ASSERT_FATAL(out_len + bound <= T_OUT_MAX);

    p = out + out_len;
    (void) memset(p, T_CANARY, bound);

    end = sl_ts_mux_write(mux, &mu, p);

    CU_ASSERT_FATAL(end > p && end <= p + bound);
    CU_ASSERT_EQUAL((end - p) % SL_TS_PACKET, 0);

    for (i = end - p; i < bound; i++) {
        if (p[i] != T_CANARY) {
            CU_FAIL("a byte past the end was written");
            break;
        }
    }

    out_len += end - p;

    CU_ASSERT_FATAL(nunits < T_MAX_UNITS);

    u = &units[nunits++];
    u->track = track;
    u->dts90 = t_90k(dts, tracks[track].timescale);
    u->dts = (u->dts90 + SL_TS_MUX_DELAY) % T_WRAP;
    u->pts = (t_90k(pts, tracks[track].timescale) + SL_TS_MUX_DELAY)
             % T_WRAP;
    u->key = key;
    u->off = es_len - exp;
    u->len = exp;
}


static void
t_expect(const void *data, size_t len)
{
    CU_ASSERT_FATAL(es_len + len <= T_OUT_MAX);
    sl_memcpy(es + es_len, data, len);
    es_len += len;
}


/* a NAL unit of type and len bytes, its body numbered by seed */
static size_t
t_nal(u_char *p, sl_uint_t nls, sl_uint_t type, size_t len, sl_uint_t seed)
{
    size_t  i;

    if (nls == 1) {
        p[0] = (u_char) len;

    } else if (nls == 2) {
        p[0] = (u_char) (len >> 8);
        p[1] = (u_char) len;

    } else {
        p[0] = (u_char) (len >> 24);
        p[1] = (u_char) (len >> 16);
        p[2] = (u_char) (len >> 8);
        p[3] = (u_char) len;
    }

    if (len == 0) {
        return nls;
    }

    p[nls] = (u_char) (0x60 | type);

    for (i = 1; i < len; i++) {
        p[nls + i] = (u_char) (seed * 31 + i * 7 + 1);
    }

    return nls + len;
}


/* expects NAL unit n of the unit (at off, after its prefix) in Annex B */
static void
t_expect_nal(size_t off, sl_uint_t nls, size_t len)
{
    t_expect("\0\0\0\1", 4);
    t_expect(unit + off + nls, len);
}


/*
 * An H.264 picture: a slice of type 5 (IDR) or 1 of len bytes; with
 * sets, its own SPS and PPS first; with aud, its own AUD first; with sei,
 * an SEI before the slice.  Writes it and what it must become.
 */
static void
t_picture(sl_uint_t track, int64_t dts, int64_t pts, sl_uint_t idr,
    size_t len, sl_uint_t sets, sl_uint_t aud, sl_uint_t sei)
{
    size_t     n, start;
    sl_uint_t  nls;

    nls = tracks[track].nal_length_size;
    start = es_len;
    n = 0;

    t_expect("\0\0\0\1\x09\xf0", 6);

    if (idr && !sets) {
        t_expect("\0\0\0\1", 4);
        t_expect(sps, sizeof(sps));
        t_expect("\0\0\0\1", 4);
        t_expect(pps, sizeof(pps));
    }

    if (aud) {
        n += t_nal(unit + n, nls, 9, 2, 0);
    }

    if (sets) {
        (void) t_nal(unit + n, nls, 7, sizeof(sps), 0);
        sl_memcpy(unit + n + nls, sps, sizeof(sps));
        t_expect_nal(n, nls, sizeof(sps));
        n += nls + sizeof(sps);

        (void) t_nal(unit + n, nls, 8, sizeof(pps), 0);
        sl_memcpy(unit + n + nls, pps, sizeof(pps));
        t_expect_nal(n, nls, sizeof(pps));
        n += nls + sizeof(pps);
    }

    if (sei) {
        (void) t_nal(unit + n, nls, 6, 9, (sl_uint_t) dts);
        t_expect_nal(n, nls, 9);
        n += nls + 9;
    }

    CU_ASSERT_FATAL(n + nls + len <= sizeof(unit));

    (void) t_nal(unit + n, nls, idr ? 5 : 1, len, (sl_uint_t) dts);
    t_expect_nal(n, nls, len);
    n += nls + len;

    t_write(track, dts, pts, idr, n, es_len - start);
}


/* the ADTS header of an AAC frame of len bytes (ISO/IEC 13818-7 §6.2) */
static void
t_adts(u_char *h, sl_uint_t profile, sl_uint_t sfi, sl_uint_t chan,
    size_t len)
{
    uint64_t  v;
    size_t    flen;
    int       i;

    flen = len + 7;

    v = 0xfff;                              /* syncword */
    v = (v << 1) | 0;                       /* ID: MPEG-4 */
    v = (v << 2) | 0;                       /* layer */
    v = (v << 1) | 1;                       /* protection_absent */
    v = (v << 2) | profile;
    v = (v << 4) | sfi;
    v = (v << 1) | 0;                       /* private_bit */
    v = (v << 3) | chan;
    v = (v << 4) | 0;                       /* original, home, copyright */
    v = (v << 13) | flen;
    v = (v << 11) | 0x7ff;                  /* buffer fullness: VBR */
    v = (v << 2) | 0;                       /* one raw data block */

    for (i = 0; i < 7; i++) {
        h[i] = (u_char) (v >> (8 * (6 - i)));
    }
}


static void
t_aac(sl_uint_t track, int64_t dts, size_t len, sl_uint_t profile,
    sl_uint_t sfi, sl_uint_t chan)
{
    size_t  i;
    u_char  h[7];

    for (i = 0; i < len; i++) {
        unit[i] = (u_char) (dts + i * 3);
    }

    t_adts(h, profile, sfi, chan, len);
    t_expect(h, 7);
    t_expect(unit, len);

    t_write(track, dts, dts, 1, len, len + 7);
}


/* an MPEG audio frame header (from the MP3 reader's tests) */
static uint32_t
t_mpa_header(sl_uint_t version, sl_uint_t layer, sl_uint_t br, sl_uint_t sr,
    sl_uint_t pad, sl_uint_t mono)
{
    return 0xffe00000 | (version << 19) | (layer << 17) | (1 << 16)
           | (br << 12) | (sr << 10) | (pad << 9) | ((mono ? 3 : 0) << 6);
}


static void
t_mpa(sl_uint_t track, int64_t dts, uint32_t h, size_t len)
{
    size_t  i;

    unit[0] = (u_char) (h >> 24);
    unit[1] = (u_char) (h >> 16);
    unit[2] = (u_char) (h >> 8);
    unit[3] = (u_char) h;

    for (i = 4; i < len; i++) {
        unit[i] = (u_char) (dts + i);
    }

    t_expect(unit, len);
    t_write(track, dts, dts, 1, len, len);
}


/* 0xe0 and on for the video tracks, 0xc0 and on for the audio ones */
static u_char
t_stream_id(sl_uint_t track)
{
    u_char     id;
    sl_uint_t  i, video;

    video = (tracks[track].codec == SL_CODEC_H264);
    id = video ? 0xe0 : 0xc0;

    for (i = 0; i < track; i++) {
        id += ((tracks[i].codec == SL_CODEC_H264) == video);
    }

    return id;
}


/* the PES of a PID is whole: checks it against the next unit of its track */
static void
t_pes_done(t_pid_t *pd, sl_uint_t track)
{
    u_char     *p;
    size_t      hlen, plen;
    int64_t     pts, dts;
    t_unit_t   *u;
    sl_uint_t   i;

    if (pd->len == 0) {
        return;
    }

    for (i = pd->next; i < nunits && units[i].track != track; i++) {
        /* void */
    }

    CU_ASSERT_FATAL(i < nunits);
    u = &units[i];
    pd->next = i + 1;

    p = pd->pes;

    CU_ASSERT_FATAL(pd->len >= 14);
    CU_ASSERT(p[0] == 0 && p[1] == 0 && p[2] == 1);
    CU_ASSERT_EQUAL(p[3], t_stream_id(track));
    CU_ASSERT_EQUAL(p[6] & 0xc0, 0x80);

    plen = sl_media_be16(p + 4);

    if (plen) {
        CU_ASSERT_EQUAL(plen, pd->len - 6);

    } else {
        CU_ASSERT(pd->len - 6 > 0xffff);
    }

    hlen = 9 + p[8];
    CU_ASSERT_FATAL(hlen <= pd->len);

    pts = sl_ts_timestamp(p + 9);
    dts = pts;

    if ((p[7] & 0xc0) == 0xc0) {
        CU_ASSERT_EQUAL(p[8], 10);
        CU_ASSERT_EQUAL(p[9] >> 4, 3);
        CU_ASSERT_EQUAL(p[14] >> 4, 1);
        dts = sl_ts_timestamp(p + 14);
        CU_ASSERT(dts != pts);

    } else {
        CU_ASSERT_EQUAL(p[7] & 0xc0, 0x80);
        CU_ASSERT_EQUAL(p[8], 5);
        CU_ASSERT_EQUAL(p[9] >> 4, 2);
    }

    CU_ASSERT_EQUAL(pts, u->pts);
    CU_ASSERT_EQUAL(dts, u->dts);

    CU_ASSERT_EQUAL(pd->len - hlen, u->len);

    if (pd->len - hlen == u->len) {
        CU_ASSERT(memcmp(p + hlen, es + u->off, u->len) == 0);
    }

    /* random_access_indicator on keyframes, the PCR on the PCR's PID */
    CU_ASSERT_EQUAL(pd->rai, u->key);
    CU_ASSERT_EQUAL(pd->pcr, (sl_uint_t) (SL_TS_MUX_PID + track
                                          == seen.pcr_pid));

    if (pd->pcr && seen.ndisc == 0) {
        CU_ASSERT(pd->pcr_value >= u->dts90 % T_WRAP
                  || u->dts90 < 0);
    }

    u->pkt = pd->pkt;
    pd->len = 0;
}


/* a PAT or PMT section: its CRC, then what it says */
static void
t_section(const u_char *p, uint16_t pid)
{
    size_t          len, i, pil;
    uint16_t        epid;
    const u_char   *s;

    CU_ASSERT_EQUAL_FATAL(p[0], 0);              /* pointer_field */

    s = p + 1;
    len = 3 + (((s[1] & 0x0f) << 8) | s[2]);

    CU_ASSERT_FATAL(1 + len <= SL_TS_PACKET - 4);
    CU_ASSERT_EQUAL(s[1] & 0xc0, 0x80);          /* syntax 1, '0' */
    CU_ASSERT_EQUAL(sl_ts_crc32(s, len), 0);     /* CRC_32 included */
    CU_ASSERT_EQUAL(s[5], 0xc1);                 /* version 0, current */

    for (i = 1 + len; i < SL_TS_PACKET - 4; i++) {
        CU_ASSERT_EQUAL(p[i], 0xff);
    }

    if (pid == 0) {
        CU_ASSERT_EQUAL(s[0], 0x00);
        CU_ASSERT_EQUAL(len, 16);
        CU_ASSERT_EQUAL(sl_media_be16(s + 8), 1);
        CU_ASSERT_EQUAL(sl_media_be16(s + 10) & 0x1fff, SL_TS_MUX_PMT_PID);
        seen.npat++;
        return;
    }

    CU_ASSERT_EQUAL(s[0], 0x02);
    CU_ASSERT_EQUAL(sl_media_be16(s + 3), 1);

    seen.pcr_pid = sl_media_be16(s + 8) & 0x1fff;
    pil = sl_media_be16(s + 10) & 0x0fff;
    CU_ASSERT_EQUAL(pil, 0);
    CU_ASSERT_EQUAL(len, 12 + 5 * ntracks + 4);

    for (i = 0; i < ntracks && 12 + 5 * i + 5 <= len - 4; i++) {
        epid = sl_media_be16(s + 12 + 5 * i + 1) & 0x1fff;
        CU_ASSERT_EQUAL(epid, SL_TS_MUX_PID + i);
        seen.types[i] = s[12 + 5 * i];
    }

    seen.npmt++;
}


/*
 * Demultiplexes out[]: every packet 188 bytes with the sync byte, known
 * PIDs, continuity counters that run on per PID (and stay on packets
 * without payload), adaptation fields well formed and stuffed with 0xff,
 * PSI sections with their CRC, PCRs that never go back; every PES is
 * checked against its unit (t_pes_done()).  The first two packets must
 * be the PAT and the PMT, and every H.264 keyframe follow them.
 */
static void
t_demux(void)
{
    u_char     *p;
    size_t      off, k, afl, i, pay;
    int64_t     pcr, last_pcr, psi_dts, prev_psi_dts;
    uint16_t    pid;
    t_pid_t    *pd;
    sl_uint_t   track, have_pcr, cc, pmt_cc, pat_cc, psi_pending, flags;

    sl_memzero(pids, sizeof(pids));

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        pids[i].cc = -1;
        pids[i].pes = sl_pnalloc(sl_unit_pool(), T_PES_MAX);
        CU_ASSERT_FATAL(pids[i].pes != NULL);
    }

    CU_ASSERT_FATAL(out_len >= 3 * SL_TS_PACKET);
    CU_ASSERT_EQUAL_FATAL(out_len % SL_TS_PACKET, 0);
    CU_ASSERT_EQUAL(sl_ts_pid(out), 0);
    CU_ASSERT_EQUAL(sl_ts_pid(out + SL_TS_PACKET), SL_TS_MUX_PMT_PID);

    have_pcr = 0;
    last_pcr = 0;
    pat_cc = 0;
    pmt_cc = 0;
    psi_pending = 0;
    prev_psi_dts = 0;

    for (off = 0; off < out_len; off += SL_TS_PACKET) {
        p = out + off;
        k = off / SL_TS_PACKET;

        CU_ASSERT_EQUAL_FATAL(p[0], SL_TS_SYNC);
        CU_ASSERT_EQUAL(p[1] & 0x80, 0);         /* no transport error */
        CU_ASSERT_EQUAL(p[3] & 0xc0, 0);         /* not scrambled */
        CU_ASSERT(p[3] & 0x30);

        pid = sl_ts_pid(p);
        cc = p[3] & 0x0f;

        if (pid == 0 || pid == SL_TS_MUX_PMT_PID) {
            CU_ASSERT_EQUAL(p[3] & 0x30, 0x10);
            CU_ASSERT(sl_ts_pusi(p));

            if (pid == 0) {
                CU_ASSERT_EQUAL(cc, pat_cc++ & 0x0f);

            } else {
                CU_ASSERT_EQUAL(sl_ts_pid(p - SL_TS_PACKET), 0);
                CU_ASSERT_EQUAL(cc, pmt_cc++ & 0x0f);
                psi_pending = 1;
            }

            t_section(p + 4, pid);
            continue;
        }

        CU_ASSERT_FATAL(pid >= SL_TS_MUX_PID
                        && pid < SL_TS_MUX_PID + ntracks);

        track = pid - SL_TS_MUX_PID;
        pd = &pids[track];

        /* the adaptation field */

        afl = 0;
        flags = 0;
        pcr = -1;

        if (p[3] & 0x20) {
            afl = 1 + p[4];
            CU_ASSERT_FATAL(afl <= SL_TS_PACKET - 4);

            if (!(p[3] & 0x10)) {
                CU_ASSERT_EQUAL(afl, SL_TS_PACKET - 4);
            }

            i = 5;

            if (afl > 1) {
                flags = p[5];
                CU_ASSERT_EQUAL(flags & 0x2f, 0);     /* PCR alone */
                i = 6;

                if (flags & SL_TS_AF_PCR) {
                    CU_ASSERT_FATAL(afl >= 8);
                    pcr = ((int64_t) p[6] << 25) | ((int64_t) p[7] << 17)
                          | ((int64_t) p[8] << 9) | ((int64_t) p[9] << 1)
                          | (p[10] >> 7);
                    CU_ASSERT_EQUAL(p[10] & 0x7f, 0x7e);
                    CU_ASSERT_EQUAL(p[11], 0);
                    i = 12;
                }
            }

            for ( /* void */ ; i < 4 + afl; i++) {
                CU_ASSERT_EQUAL(p[i], 0xff);
            }
        }

        if (pcr >= 0) {
            CU_ASSERT_EQUAL(pid, seen.pcr_pid);

            if (flags & SL_TS_AF_DISCONTINUITY) {
                seen.ndisc++;

            } else if (have_pcr) {
                /* never back, modulo the 33-bit wrap */
                CU_ASSERT((pcr - last_pcr + T_WRAP) % T_WRAP < T_WRAP / 2);
                seen.max_pcr_gap = sl_max(seen.max_pcr_gap,
                                          (pcr - last_pcr + T_WRAP) % T_WRAP);
            }

            have_pcr = 1;
            last_pcr = pcr;
            seen.npcr++;
        }

        if (!(p[3] & 0x10)) {
            /* no payload: the counter stays (§2.4.3.3) */
            CU_ASSERT(pd->cc >= 0 ? cc == (sl_uint_t) pd->cc : cc == 15);
            CU_ASSERT(pcr >= 0);
            CU_ASSERT(!sl_ts_pusi(p));
            seen.nalone++;
            continue;
        }

        if (pd->cc >= 0) {
            CU_ASSERT_EQUAL(cc, (sl_uint_t) ((pd->cc + 1) & 0x0f));
        }

        pd->cc = cc;

        CU_ASSERT(flags == 0 || sl_ts_pusi(p));
        CU_ASSERT(pcr < 0 || sl_ts_pusi(p));

        if (sl_ts_pusi(p)) {
            t_pes_done(pd, track);

            pd->pkt = k;
            pd->rai = (flags & SL_TS_AF_RANDOM_ACCESS) ? 1 : 0;
            pd->pcr = (pcr >= 0);
            pd->pcr_value = pcr;

            if (tracks[track].codec == SL_CODEC_H264 && pd->rai) {
                CU_ASSERT(k >= 2 && sl_ts_pid(p - 2 * SL_TS_PACKET) == 0
                          && psi_pending);
            }

            if (psi_pending) {
                psi_pending = 0;
                psi_dts = prev_psi_dts;

                for (i = pd->next; i < nunits; i++) {
                    if (units[i].track == track) {
                        psi_dts = units[i].dts90;
                        break;
                    }
                }

                if (seen.npmt > 1) {
                    seen.max_psi_gap = sl_max(seen.max_psi_gap,
                                              psi_dts - prev_psi_dts);
                }

                prev_psi_dts = psi_dts;
            }

        } else {
            CU_ASSERT_FATAL(pd->len > 0);
        }

        pay = SL_TS_PACKET - 4 - afl;

        /* stuffing only by the adaptation field of a PES's last packet */
        if (afl > (flags & SL_TS_AF_PCR ? 8u : flags ? 2u : 0u)
            && off + SL_TS_PACKET < out_len)
        {
            for (i = off + SL_TS_PACKET; i < out_len; i += SL_TS_PACKET) {
                if (sl_ts_pid(out + i) == pid && (out[i + 3] & 0x10)) {
                    CU_ASSERT(sl_ts_pusi(out + i));
                    break;
                }
            }
        }

        CU_ASSERT_FATAL(pd->len + pay <= T_PES_MAX);
        sl_memcpy(pd->pes + pd->len, p + 4 + afl, pay);
        pd->len += pay;
    }

    for (i = 0; i < ntracks; i++) {
        t_pes_done(&pids[i], i);
    }

    /* every unit came back */
    for (i = 0; i < ntracks; i++) {
        for (k = pids[i].next; k < nunits; k++) {
            CU_ASSERT(units[k].track != i);
        }
    }

    CU_ASSERT(seen.npat >= 1 && seen.npat == seen.npmt);
}


/*
 * Reads out[] back with the MPEG-TS reader, opened like a file in
 * memory: one MP2T track, units that tile the stream, a duration, and
 * (with video) a keyframe flag exactly on the units that start at a
 * keyframe's PES, timed by the PCR within 5 ms.
 */
static void
t_read_back(void)
{
    size_t            pos, i;
    sl_int_t          rc;
    sl_uint_t         video, key;
    sl_media_file_t   mf;
    sl_media_unit_t   mu;

    if (sl_media_format("mpegts") == NULL) {
        return;                     /* built without modules/format */
    }

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = SL_INVALID_FILE;
    mf.mem = out;
    mf.size = out_len;
    mf.pool = sl_unit_pool();
    mf.log = sl_unit_log();

    CU_ASSERT_EQUAL_FATAL(sl_media_open(&mf, NULL), SL_OK);
    CU_ASSERT_STRING_EQUAL(mf.format->name, "mpegts");
    CU_ASSERT_EQUAL(mf.ntracks, 1);
    CU_ASSERT_EQUAL(mf.tracks[0].codec, SL_CODEC_MP2T);
    CU_ASSERT(mf.duration_msec > 0);

    video = 0;

    for (i = 0; i < ntracks; i++) {
        video |= (tracks[i].codec == SL_CODEC_H264);
    }
    pos = 0;

    while ((rc = mf.format->read(&mf, &mu)) == SL_OK) {
        CU_ASSERT_FATAL(mu.data == out + pos);
        CU_ASSERT_FATAL(mu.len > 0 && mu.len % SL_TS_PACKET == 0);

        if (video) {
            key = 0;

            for (i = 0; i < nunits; i++) {
                if (units[i].key && units[i].pkt * SL_TS_PACKET == pos
                    && tracks[units[i].track].codec == SL_CODEC_H264)
                {
                    key = 1;
                    CU_ASSERT(llabs(mu.dts - (units[i].dts90
                                              - units[0].dts90)) <= 450);
                }
            }

            CU_ASSERT_EQUAL(mu.keyframe, key);
        }

        pos += mu.len;
    }

    CU_ASSERT_EQUAL(rc, SL_DONE);
    CU_ASSERT_EQUAL(pos, out_len);
}


static void
t_check(void)
{
    t_demux();
    t_read_back();
}


static void
test_crc(void)
{
    u_char   b[5];
    int64_t  t;

    /* the check value of CRC-32/MPEG-2 */
    CU_ASSERT_EQUAL(sl_ts_crc32((u_char *) "123456789", 9), 0x0376e6e7);
    CU_ASSERT_EQUAL(sl_ts_crc32((u_char *) "", 0), 0xffffffff);

    for (t = 0; t < T_WRAP; t += T_WRAP / 7 + 12345) {
        CU_ASSERT(sl_ts_write_timestamp(b, 2, t) == b + 5);
        CU_ASSERT_EQUAL(sl_ts_timestamp(b), t);
        CU_ASSERT_EQUAL(b[0] >> 4, 2);
        CU_ASSERT(b[0] & b[2] & b[4] & 1);
    }

    (void) sl_ts_write_timestamp(b, 1, T_WRAP + 5);
    CU_ASSERT_EQUAL(sl_ts_timestamp(b), 5);
}


static void
test_create(void)
{
    static u_char  bad_rate[] = { 0x17, 0x90 };      /* index 15 */
    static u_char  pce[] = { 0x12, 0x00 };           /* configuration 0 */
    static u_char  ld[] = { 0xba, 0x10, 0x00 };      /* type 23, AAC-LD */
    static u_char  he[] = { 0x2b, 0x91, 0x88 };      /* SBR over LC */

    t_reset();
    tracks[0].codec = SL_CODEC_MP2T;
    tracks[0].timescale = 90000;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 0) == NULL);

    t_reset();
    t_track_h264(4);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) != NULL);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks,
                               SL_MEDIA_MAX_TRACKS + 1) == NULL);
    tracks[0].nal_length_size = 3;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].nal_length_size = 4;
    tracks[0].timescale = 0;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);

    /* no avcC: muxed, with no parameter sets to add */
    tracks[0].timescale = 90000;
    tracks[0].config = NULL;
    tracks[0].config_len = 0;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) != NULL);

    t_reset();
    t_track_audio(SL_CODEC_AAC, 44100, asc_lc, sizeof(asc_lc));
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) != NULL);
    tracks[0].config_len = 1;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].config = bad_rate;
    tracks[0].config_len = sizeof(bad_rate);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].config = pce;
    tracks[0].config_len = sizeof(pce);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].config = ld;
    tracks[0].config_len = sizeof(ld);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].config = he;
    tracks[0].config_len = sizeof(he);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) != NULL);
    tracks[0].config_len = 2;               /* cut in the core type */
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);
    tracks[0].config = NULL;
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) == NULL);

    t_reset();
    t_track_audio(SL_CODEC_MPA, 44100, NULL, 0);
    t_track_audio(SL_CODEC_NONE, 44100, NULL, 0);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 1) != NULL);
    CU_ASSERT(sl_ts_mux_create(sl_unit_pool(), tracks, 2) == NULL);
}


/*
 * H.264 at 25 fps with B-frame reordering (pts two frames after dts on
 * every other picture) and AAC, 3 s: a keyframe every second without
 * parameter sets (avcC's go in), one with its own, a picture with its
 * own AUD and SEI, a keyframe over 64 KB (PES_packet_length 0).
 */
static void
test_h264_aac(void)
{
    int64_t    vdts, adts, frame;
    sl_uint_t  i, a, key;

    t_reset();
    t_track_h264(4);
    t_track_audio(SL_CODEC_AAC, T_AAC_RATE, asc_lc, sizeof(asc_lc));
    t_create();

    frame = T_VIDEO_TS / 25;
    a = 0;

    for (i = 0; i < 75; i++) {
        vdts = (int64_t) i * frame;
        key = (i % 25 == 0);

        t_picture(0, vdts, vdts + (i % 2 ? 2 * frame : 0), key,
                  (i == 25) ? 70000 : key ? 3000 + i : 100 + 37 * i,
                  i == 50, i == 7, i == 7 || i == 25);

        /* the audio up to this picture's dts, in dts order */
        for ( ;; ) {
            adts = (int64_t) a * 1024;

            if (adts * T_VIDEO_TS > (vdts + frame) * T_AAC_RATE) {
                break;
            }

            t_aac(1, adts, 150 + (a * 13) % 300, 1, 4, 2);
            a++;
        }
    }

    t_check();

    CU_ASSERT_EQUAL(seen.types[0], 0x1b);
    CU_ASSERT_EQUAL(seen.types[1], 0x0f);
    CU_ASSERT_EQUAL(seen.pcr_pid, SL_TS_MUX_PID);
    CU_ASSERT_EQUAL(seen.npat, 3);              /* before each keyframe */

    /* a PCR alone before the second picture tells the frame rate */
    CU_ASSERT_EQUAL(seen.npcr, 75 + 1);
    CU_ASSERT_EQUAL(seen.nalone, 1);
    CU_ASSERT_EQUAL(seen.max_pcr_gap, 3600);
}


/* tiny NAL units with 1- and 2-byte prefixes: the worst growth */
static void
test_nal_length_sizes(void)
{
    size_t     n, start, len;
    sl_uint_t  nls, i, k;

    for (nls = 1; nls <= 2; nls++) {
        t_reset();
        t_track_h264(nls);
        t_create();

        for (i = 0; i < 20; i++) {
            start = es_len;
            t_expect("\0\0\0\1\x09\xf0", 6);

            n = 0;

            for (k = 0; n + nls + 1 <= 3000; k++) {
                /* empty NAL units are dropped */
                len = (k % 5 == 4) ? 0 : 1 + (k * i) % 3;
                n += t_nal(unit + n, nls, 1, len, k);

                if (len) {
                    t_expect_nal(n - nls - len, nls, len);
                }
            }

            t_write(0, (int64_t) i * 512, (int64_t) i * 512, 0, n,
                    es_len - start);
        }

        t_check();
        CU_ASSERT_EQUAL(seen.npat, 1);
    }
}


/*
 * AAC alone at 48 kHz and an SBR AudioSpecificConfig: the ADTS headers
 * say LC at the core rate (22.05 kHz, index 7); the PCR rides the audio,
 * PAT and PMT come at least every 100 ms.
 */
static void
test_audio_only(void)
{
    static u_char  he[] = { 0x2b, 0x91, 0x88 };
    sl_uint_t      i;

    t_reset();
    t_track_audio(SL_CODEC_AAC, 48000, he, sizeof(he));
    t_create();

    for (i = 0; i < 200; i++) {
        t_aac(0, (int64_t) i * 1024, 10 + i * 3, 1, 7, 2);
    }

    t_check();

    CU_ASSERT_EQUAL(seen.pcr_pid, SL_TS_MUX_PID);
    CU_ASSERT_EQUAL(seen.npcr, 200);
    CU_ASSERT(seen.npat >= 200 * 1024 / 4800);
    CU_ASSERT(seen.max_psi_gap <= 9000 && seen.max_psi_gap > 7000);
}


/* MPEG-1 layer III at 44.1 kHz is stream_type 3, MPEG-2 at 22.05 kHz 4 */
static void
test_mpa(void)
{
    sl_uint_t  i;

    t_reset();
    t_track_audio(SL_CODEC_MPA, 44100, NULL, 0);
    t_create();

    for (i = 0; i < 50; i++) {
        t_mpa(0, (int64_t) i * 1152, t_mpa_header(3, 1, 9, 0, i % 3 == 0, 0),
              417 + (i % 3 == 0));
    }

    t_check();
    CU_ASSERT_EQUAL(seen.types[0], 0x03);

    t_reset();
    t_track_audio(SL_CODEC_MPA, 22050, NULL, 0);
    t_track_audio(SL_CODEC_MPA, 44100, NULL, 0);
    t_create();

    for (i = 0; i < 50; i++) {
        t_mpa(0, (int64_t) i * 576, t_mpa_header(2, 1, 8, 0, 0, 1), 208);
        t_mpa(1, (int64_t) i * 1152 / 2, t_mpa_header(3, 1, 9, 0, 0, 0), 417);
    }

    t_check();
    CU_ASSERT_EQUAL(seen.types[0], 0x04);
    CU_ASSERT_EQUAL(seen.types[1], 0x03);
    CU_ASSERT_EQUAL(seen.pcr_pid, SL_TS_MUX_PID);
}


/*
 * Video at 10 fps leaves 100 ms between its PES: the audio units in
 * between bring packets with a PCR alone, so that no two PCRs are more
 * than 40 ms apart.
 */
static void
test_pcr_alone(void)
{
    int64_t    vdts, adts, frame;
    sl_uint_t  i, a;

    t_reset();
    t_track_audio(SL_CODEC_AAC, T_AAC_RATE, asc_lc, sizeof(asc_lc));
    t_track_h264(4);
    t_create();

    frame = T_VIDEO_TS / 10;
    a = 0;

    for (i = 0; i < 30; i++) {
        vdts = (int64_t) i * frame;
        t_picture(1, vdts, vdts, i % 10 == 0, 500 + i, 0, 0, 0);

        for ( ;; ) {
            adts = (int64_t) a * 1024;

            if (adts * T_VIDEO_TS >= (vdts + frame) * T_AAC_RATE) {
                break;
            }

            t_aac(0, adts, 200, 1, 4, 2);
            a++;
        }
    }

    t_check();

    CU_ASSERT_EQUAL(seen.pcr_pid, SL_TS_MUX_PID + 1);
    CU_ASSERT(seen.npcr >= 3000 / 40 && seen.nalone >= 2 * 29);
    CU_ASSERT(seen.max_pcr_gap <= 3600);
    CU_ASSERT_EQUAL(seen.ndisc, 0);
}


/* every length from 1 to 400 bytes: every amount of stuffing */
static void
test_stuffing(void)
{
    size_t  len;

    t_reset();
    t_track_audio(SL_CODEC_MPA, 44100, NULL, 0);
    t_create();

    for (len = 1; len <= 400; len++) {
        t_mpa(0, (int64_t) len * 1152, 0xfffb9000, len);
    }

    t_check();
}


/* a listener joins: PAT and PMT before the next unit, whatever it is */
static void
test_reset(void)
{
    size_t  before;

    t_reset();
    t_track_h264(4);
    t_create();

    t_picture(0, 0, 0, 1, 1000, 0, 0, 0);
    t_picture(0, 512, 512, 0, 300, 0, 0, 0);
    CU_ASSERT_EQUAL(sl_ts_pid(out + out_len - 2 * SL_TS_PACKET),
                    SL_TS_MUX_PID);

    sl_ts_mux_reset(mux);
    before = out_len;
    t_picture(0, 1024, 1024, 0, 300, 0, 0, 0);

    CU_ASSERT_EQUAL(sl_ts_pid(out + before), 0);
    CU_ASSERT_EQUAL(sl_ts_pid(out + before + SL_TS_PACKET),
                    SL_TS_MUX_PMT_PID);

    before = out_len;
    t_picture(0, 1536, 1536, 0, 300, 0, 0, 0);
    CU_ASSERT_EQUAL(sl_ts_pid(out + before), SL_TS_MUX_PID);

    t_demux();
    CU_ASSERT_EQUAL(seen.npat, 2);
}


/* units that cannot be carried write nothing and change nothing */
static void
test_bad_units(void)
{
    u_char           *p;
    sl_media_unit_t   mu;

    t_reset();
    t_track_h264(4);
    t_track_audio(SL_CODEC_AAC, T_AAC_RATE, asc_lc, sizeof(asc_lc));
    t_create();

    sl_memzero(&mu, sizeof(mu));
    mu.data = unit;
    p = out;

    /* a length prefix past the end, a cut prefix, no data, no track */
    (void) t_nal(unit, 4, 5, 100, 1);
    mu.len = 50;
    CU_ASSERT(sl_ts_mux_write(mux, &mu, p) == p);
    (void) t_nal(unit, 4, 5, 10, 1);
    mu.len = 16;
    CU_ASSERT(sl_ts_mux_write(mux, &mu, p) == p);
    mu.len = 0;
    CU_ASSERT(sl_ts_mux_write(mux, &mu, p) == p);
    mu.len = 14;
    mu.track = 2;
    CU_ASSERT(sl_ts_mux_write(mux, &mu, p) == p);

    /* an AAC frame longer than ADTS can say; the longest that fits */
    mu.track = 1;
    mu.len = 8185;
    CU_ASSERT(sl_ts_mux_write(mux, &mu, p) == p);

    t_aac(1, 0, 8184, 1, 4, 2);
    t_picture(0, 0, 0, 1, 100, 0, 0, 0);
    t_picture(0, 512, 512, 0, 100, 0, 0, 0);

    t_check();
    CU_ASSERT_EQUAL(seen.npat, 2);
}


/*
 * The clock: a small step back (units of the PCR's PID reordered) keeps
 * the PCR where it was; a big one is a new time base, flagged by
 * discontinuity_indicator; the 33-bit wrap goes through.
 */
static void
test_clock(void)
{
    sl_uint_t  i;

    t_reset();
    t_track_audio(SL_CODEC_MPA, 90000, NULL, 0);
    t_create();

    t_mpa(0, T_WRAP - 5000, 0xfffb9000, 300);

    for (i = 0; i < 10; i++) {
        t_mpa(0, T_WRAP - 5000 + 2351 * i, 0xfffb9000, 300);
    }

    t_demux();
    CU_ASSERT_EQUAL(seen.ndisc, 0);
    CU_ASSERT(seen.max_pcr_gap <= 2351);

    t_reset();
    t_track_audio(SL_CODEC_MPA, 90000, NULL, 0);
    t_create();

    t_mpa(0, 900000, 0xfffb9000, 300);
    t_mpa(0, 900000 - 1000, 0xfffb9000, 300);
    t_mpa(0, 900000 + 2000, 0xfffb9000, 300);
    t_mpa(0, 5000, 0xfffb9000, 300);
    t_mpa(0, 7000, 0xfffb9000, 300);

    t_demux();
    CU_ASSERT_EQUAL(seen.ndisc, 1);
    CU_ASSERT_EQUAL(seen.npcr, 5);
}


SL_UNIT_SUITE(sl_ts_mux,
    { "CRC and timestamps", test_crc },
    { "create", test_create },
    { "H.264 and AAC", test_h264_aac },
    { "NAL length sizes", test_nal_length_sizes },
    { "AAC alone", test_audio_only },
    { "MPEG audio", test_mpa },
    { "PCR alone", test_pcr_alone },
    { "stuffing", test_stuffing },
    { "reset", test_reset },
    { "bad units", test_bad_units },
    { "clock", test_clock })
