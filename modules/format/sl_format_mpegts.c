/* The MPEG-TS reader: runs of 188-byte packets timed by the PCR. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_format_mpegts.h"


#define SL_TS_MAX_TIME       ((int64_t) 1 << 62)

#define SL_TS_RESYNC_MAX     65536         /* bytes searched for sync */
#define SL_TS_PSI_SCAN       (1024 * 1024) /* bytes searched for PAT/PMT */
#define SL_TS_CLOCK_SCAN     (1024 * 1024) /* for the next clock sample */
#define SL_TS_TAIL           65536
#define SL_TS_TAIL_STEPS     64
#define SL_TS_SEEK_STEPS     8
#define SL_TS_KEY_STEPS      6             /* windows a key seek scans */
#define SL_TS_KEY_BACK       3             /* seconds a window starts early */
#define SL_TS_KEY_BUDGET     (8 * 1024 * 1024)   /* bytes a key seek reads */


typedef struct {
    off_t            start;     /* the first packet */
    off_t            pos;       /* the next unit */
    off_t            scanned;   /* no sample after a before this */

    uint16_t         clock_pid;
    uint16_t         video_pid;
    uint16_t         key_pid;   /* PES times seeks: video, else audio */
    unsigned         use_pts:1;
    unsigned         have_b:1;
    unsigned         h264:1;    /* the video is H.264 */
    unsigned         rai:1;     /* the video marks random access points */
    unsigned         have_pts:1;

    int64_t          first_pts; /* of key_pid, 90 kHz */

    double           avg_rate;  /* ticks per byte over the file */
    double           rate;      /* between a and b, or the last known */

    sl_ts_clock_t    first;
    sl_ts_clock_t    a;         /* the sample at or before pos */
    sl_ts_clock_t    b;         /* the next one */
} sl_ts_t;


static const char  *sl_format_mpegts_extensions[] = {
    "ts", "mts", "m2t", "trp", NULL
};

static const char  *sl_format_mpegts_content_types[] = { "video/mp2t", NULL };


static sl_uint_t
sl_format_mpegts_probe(const u_char *head, size_t len)
{
    size_t     off, i, n;

    /* tolerate a partial packet first */
    for (off = 0; off < SL_TS_PACKET && off < len; off++) {
        if (head[off] != SL_TS_SYNC) {
            continue;
        }

        n = 0;

        for (i = off; i < len; i += SL_TS_PACKET) {
            if (head[i] != SL_TS_SYNC) {
                break;
            }

            n++;
        }

        if (i < len) {
            continue;
        }

        if (n >= 5) {
            return off == 0 ? 90 : 70;
        }

        if (n >= 2) {
            return off == 0 ? 40 : 20;
        }
    }

    return 0;
}


/*
 * Reads len bytes at off.  While reading ahead of the next unit (looking
 * for the next clock sample) the window is first moved to start at the
 * unit, so that reading ahead does not evict the bytes the next reads
 * need: one pread per window instead of two.
 */
static ssize_t
sl_ts_read(sl_media_file_t *mf, sl_ts_t *ts, off_t off, size_t len,
    u_char **p)
{
    u_char  *q;

    if (off >= 0 && off < mf->size && (off_t) len > mf->size - off) {
        len = (size_t) (mf->size - off);
    }

    if (mf->mem == NULL && ts && off > ts->pos && ts->pos < mf->size
        && off - ts->pos + (off_t) len <= (off_t) sl_media_window(mf)
        && mf->buf_off != ts->pos
        && !(mf->buf_len && off >= mf->buf_off
             && off + (off_t) len <= mf->buf_off + (off_t) mf->buf_len))
    {
        if (sl_media_read_at(mf, ts->pos, sl_media_window(mf), &q)
            == SL_ERROR)
        {
            return SL_ERROR;
        }
    }

    return sl_media_read_at(mf, off, len, p);
}


/*
 * The packet at *off, or, when the sync byte is not there, at the first
 * offset within SL_TS_RESYNC_MAX bytes where three packets in a row (as
 * many as the file holds) begin with it.  SL_OK with *off moved there and
 * *p at its 188 bytes; SL_DONE when no whole packet remains (a truncated
 * last packet is dropped); SL_ERROR with mf->error set.
 */
static sl_int_t
sl_ts_packet(sl_media_file_t *mf, sl_ts_t *ts, off_t *off, u_char **p)
{
    off_t     o;
    ssize_t   n;
    u_char   *q;

    for (o = *off; o < *off + SL_TS_RESYNC_MAX; o++) {
        n = sl_ts_read(mf, ts, o, 3 * SL_TS_PACKET, &q);

        if (n == SL_ERROR) {
            mf->error = "read error";
            return SL_ERROR;
        }

        if (n < SL_TS_PACKET) {
            return SL_DONE;
        }

        if (q[0] != SL_TS_SYNC) {
            continue;
        }

        if (o != *off
            && ((n > SL_TS_PACKET && q[SL_TS_PACKET] != SL_TS_SYNC)
                || (n > 2 * SL_TS_PACKET && q[2 * SL_TS_PACKET] != SL_TS_SYNC)))
        {
            continue;
        }

        *off = o;
        *p = q;

        return SL_OK;
    }

    mf->error = "lost MPEG-TS sync";

    return SL_ERROR;
}


/* the offset of the payload in packet p, or 0 when it has none */
static size_t
sl_ts_payload(const u_char *p)
{
    size_t  off;

    if (!(p[3] & 0x10)) {
        return 0;
    }

    off = 4;

    if (p[3] & 0x20) {
        off += 1 + p[4];
    }

    return off < SL_TS_PACKET ? off : 0;
}


static sl_uint_t sl_ts_pes(const u_char *p, int64_t *pts, int64_t *dts,
    size_t *data);


/*
 * The PCR in the adaptation field of packet p (ISO/IEC 13818-1
 * §2.4.3.5), in 27 MHz ticks modulo SL_TS_WRAP; it times the byte
 * holding the last bit of program_clock_reference_base (byte 10).
 * 0 when p carries none.
 */
sl_uint_t
sl_ts_pcr(const u_char *p, int64_t *raw)
{
    int64_t  base;

    if (!(p[3] & 0x20) || p[4] < 7 || !(p[5] & 0x10)) {
        return 0;
    }

    base = ((int64_t) p[6] << 25) | ((int64_t) p[7] << 17)
           | ((int64_t) p[8] << 9) | ((int64_t) p[9] << 1) | (p[10] >> 7);

    *raw = (base * 300 + (((p[10] & 0x01) << 8) | p[11])) % SL_TS_WRAP;

    return 1;
}


/*
 * The clock sample packet p (at pkt) carries on pid, if any: its PCR
 * (sl_ts_pcr()); or, with use_pts, the DTS (else PTS) of a PES header
 * starting in it (§2.4.3.7), which we take as the time of its first
 * byte.
 */
static sl_uint_t
sl_ts_sample(const u_char *p, off_t pkt, uint16_t pid, sl_uint_t use_pts,
    sl_ts_clock_t *c)
{
    size_t    data;
    int64_t   pts, dts;

    if (sl_ts_pid(p) != pid) {
        return 0;
    }

    if (!use_pts) {
        if (!sl_ts_pcr(p, &c->raw)) {
            return 0;
        }

        c->pos = pkt + 10;
        c->pkt = pkt;

        return 1;
    }

    if (!sl_ts_pes(p, &pts, &dts, &data)) {
        return 0;
    }

    c->raw = dts * 300;
    c->pos = pkt;
    c->pkt = pkt;

    return 1;
}


/*
 * The PTS and DTS (90 kHz; the DTS is the PTS when absent) of a PES
 * header starting in packet p (ISO/IEC 13818-1 §2.4.3.7), and the offset
 * in p of the PES data after the header.  0 when p starts no PES with a
 * PTS.
 */
static sl_uint_t
sl_ts_pes(const u_char *p, int64_t *pts, int64_t *dts, size_t *data)
{
    size_t         off;
    const u_char  *q;

    if (!sl_ts_pusi(p)) {
        return 0;
    }

    off = sl_ts_payload(p);

    if (off == 0 || off + 14 > SL_TS_PACKET) {
        return 0;
    }

    q = p + off;

    if (q[0] != 0 || q[1] != 0 || q[2] != 1) {
        return 0;
    }

    switch (q[3]) {
    case 0xbc: case 0xbe: case 0xbf: case 0xf0: case 0xf1: case 0xf2:
    case 0xf8: case 0xff:
        return 0;
    }

    if ((q[6] & 0xc0) != 0x80 || !(q[7] & 0x80)) {
        return 0;
    }

    *pts = sl_ts_timestamp(q + 9);
    *dts = *pts;

    if ((q[7] >> 6) == 3) {
        if (off + 19 > SL_TS_PACKET) {
            return 0;
        }

        *dts = sl_ts_timestamp(q + 14);
    }

    *data = off + 9 + q[8];

    return 1;
}


/*
 * Does the H.264 data at p[off] (Annex B byte stream, ITU-T H.264 §B.1)
 * begin an IDR picture: is its first NAL unit, after access unit
 * delimiters and SEI, an IDR slice (type 5) or a sequence parameter set
 * (type 7)?  Only the NAL units in this packet are looked at.
 */
static sl_uint_t
sl_ts_h264_key(const u_char *p, size_t off)
{
    size_t     i;
    sl_uint_t  type;

    for (i = off; i + 3 < SL_TS_PACKET; i++) {
        if (p[i] != 0 || p[i + 1] != 0 || p[i + 2] != 1) {
            continue;
        }

        type = p[i + 3] & 0x1f;

        if (type == 9 || type == 6) {
            i += 3;
            continue;
        }

        return type == 5 || type == 7;
    }

    return 0;
}


/*
 * Is packet p of the video a random access point: random_access_indicator
 * set in its adaptation field (§2.4.3.5); or, for H.264 in a stream that
 * does not set it (rai 0), a PES that starts with an IDR picture.
 */
sl_uint_t
sl_ts_random_access(const u_char *p, sl_uint_t rai, sl_uint_t h264)
{
    size_t   data;
    int64_t  pts, dts;

    if (sl_ts_rai(p)) {
        return 1;
    }

    return !rai && h264 && sl_ts_pes(p, &pts, &dts, &data)
           && sl_ts_h264_key(p, data);
}


/* does packet p start a video PES at a random access point */
static sl_uint_t
sl_ts_video_key(sl_ts_t *ts, const u_char *p)
{
    return sl_ts_pid(p) == ts->video_pid && sl_ts_pusi(p)
           && sl_ts_random_access(p, ts->rai, ts->h264);
}


/* PTS relative to the first one, in (-2^32, 2^32) 90 kHz ticks */
static int64_t
sl_ts_pts_rel(sl_ts_t *ts, int64_t pts)
{
    int64_t  d;

    d = (pts - ts->first_pts + SL_TS_PTS_WRAP) % SL_TS_PTS_WRAP;

    return d < SL_TS_PTS_WRAP / 2 ? d : d - SL_TS_PTS_WRAP;
}


/* ticks of file byte x: between a and b, or beyond them at the rate */
static int64_t
sl_ts_time_at(sl_ts_t *ts, off_t x)
{
    double  t;

    t = (double) ts->a.t + (double) (x - ts->a.pos) * ts->rate;

    if (t <= 0) {
        return 0;
    }

    return t < (double) SL_TS_MAX_TIME ? (int64_t) t : SL_TS_MAX_TIME;
}


double
sl_ts_rate(int64_t ticks, off_t bytes)
{
    double  r;

    if (bytes <= 0) {
        return 0;
    }

    r = (double) ticks / (double) bytes;

    return r < SL_TS_MAX_RATE ? r : SL_TS_MAX_RATE;
}


/*
 * The ticks from clock sample a to the next one, c: the coded difference
 * (a 33-bit wrap is a small step forward); a step back, or one far
 * longer than the bytes between them justify at rate (ticks per byte; a
 * discontinuity), is replaced by that estimate, so that times never go
 * back.
 */
int64_t
sl_ts_clock_step(const sl_ts_clock_t *a, const sl_ts_clock_t *c, double rate)
{
    int64_t  delta, expected;

    delta = (c->raw - a->raw + SL_TS_WRAP) % SL_TS_WRAP;
    expected = (int64_t) ((double) (c->pos - a->pos) * rate);

    if (c->pos < a->pos || delta > 2 * expected + SL_TS_CLOCK) {
        delta = expected > 0 ? expected : 0;
    }

    return delta;
}


/*
 * The next clock sample from offset from on, within SL_TS_CLOCK_SCAN
 * bytes, into ts->b, timed by sl_ts_clock_step() at the file's average
 * rate.  SL_OK, SL_DONE when none was found (ts->scanned set), SL_ERROR.
 */
static sl_int_t
sl_ts_next_sample(sl_media_file_t *mf, sl_ts_t *ts, off_t from)
{
    off_t           off, limit;
    u_char         *p;
    sl_int_t        rc;
    sl_ts_clock_t   c;

    limit = from + SL_TS_CLOCK_SCAN;

    for (off = from; off < limit; off += SL_TS_PACKET) {
        rc = sl_ts_packet(mf, ts, &off, &p);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            limit = mf->size;
            break;
        }

        if (!sl_ts_sample(p, off, ts->clock_pid, ts->use_pts, &c)) {
            continue;
        }

        c.t = ts->a.t + sl_ts_clock_step(&ts->a, &c, ts->avg_rate);

        ts->b = c;
        ts->have_b = 1;

        if (c.pos > ts->a.pos) {
            ts->rate = sl_ts_rate(c.t - ts->a.t, c.pos - ts->a.pos);
        }

        return SL_OK;
    }

    /* past the last sample the file's average rate ends it on time */
    ts->have_b = 0;
    ts->scanned = limit;
    ts->rate = ts->avg_rate;

    return SL_DONE;
}


/* the first clock sample at or after from, up to limit; SL_DONE: none */
static sl_int_t
sl_ts_find_sample(sl_media_file_t *mf, sl_ts_t *ts, off_t from, off_t limit,
    sl_ts_clock_t *c)
{
    off_t      off;
    u_char    *p;
    sl_int_t   rc;

    for (off = from; off < limit; off += SL_TS_PACKET) {
        rc = sl_ts_packet(mf, ts, &off, &p);

        if (rc != SL_OK) {
            return rc;
        }

        if (sl_ts_sample(p, off, ts->clock_pid, ts->use_pts, c)) {
            c->t = (c->raw - ts->first.raw + SL_TS_WRAP) % SL_TS_WRAP;
            return SL_OK;
        }
    }

    return SL_DONE;
}


/* the section starting in the payload of packet p, or NULL */
static const u_char *
sl_ts_section(const u_char *p, size_t *len)
{
    size_t  off, slen;

    off = sl_ts_payload(p);

    if (off == 0 || !sl_ts_pusi(p)) {
        return NULL;
    }

    off += 1 + p[off];                  /* pointer_field */

    if (off + 12 > SL_TS_PACKET) {
        return NULL;
    }

    slen = ((p[off + 1] & 0x0f) << 8) | p[off + 2];

    /* whole sections in one packet only; 4 bytes of CRC_32 at the end */
    if (slen < 9 || off + 3 + slen > SL_TS_PACKET) {
        return NULL;
    }

    *len = 3 + slen - 4;

    return p + off;
}


static sl_uint_t
sl_ts_is_video(sl_uint_t type)
{
    switch (type) {
    case 0x01: case 0x02: case 0x10: case 0x1b: case 0x24: case 0x42:
    case 0xd1: case 0xea:
        return 1;
    }

    return 0;
}


static sl_uint_t
sl_ts_is_audio(sl_uint_t type)
{
    switch (type) {
    case 0x03: case 0x04: case 0x0f: case 0x11: case 0x81: case 0x87:
        return 1;
    }

    return 0;
}


/*
 * The PMT PID of the first program in the PAT section that starts in
 * packet p (ISO/IEC 13818-1 §2.4.4.3), or SL_TS_NO_PID.
 */
uint16_t
sl_ts_pat(const u_char *p)
{
    size_t         len, i;
    const u_char  *s;

    s = sl_ts_section(p, &len);

    if (s == NULL || s[0] != 0x00) {
        return SL_TS_NO_PID;
    }

    for (i = 8; i + 4 <= len; i += 4) {
        if (sl_media_be16(s + i) != 0) {
            return sl_media_be16(s + i + 2) & 0x1fff;
        }
    }

    return SL_TS_NO_PID;
}


/*
 * Reads the PMT section that starts in packet p (§2.4.4.8) into psi: the
 * PCR PID, the first video and audio PIDs, whether the video is H.264;
 * sets have_pmt.  SL_OK, or SL_DECLINED when p starts no PMT section.
 */
sl_int_t
sl_ts_pmt(const u_char *p, sl_ts_psi_t *psi)
{
    size_t         len, i, n, pil;
    uint16_t       pid;
    const u_char  *s;

    s = sl_ts_section(p, &len);

    if (s == NULL || s[0] != 0x02) {
        return SL_DECLINED;
    }

    psi->pcr_pid = sl_media_be16(s + 8) & 0x1fff;
    psi->video_pid = SL_TS_NO_PID;
    psi->audio_pid = SL_TS_NO_PID;
    psi->h264 = 0;

    pil = sl_media_be16(s + 10) & 0x0fff;

    for (i = 12 + pil; i + 5 <= len; i += 5 + n) {
        pid = sl_media_be16(s + i + 1) & 0x1fff;
        n = sl_media_be16(s + i + 3) & 0x0fff;

        if (psi->video_pid == SL_TS_NO_PID && sl_ts_is_video(s[i])) {
            psi->video_pid = pid;
            psi->h264 = (s[i] == 0x1b);

        } else if (psi->audio_pid == SL_TS_NO_PID && sl_ts_is_audio(s[i])) {
            psi->audio_pid = pid;
        }
    }

    psi->have_pmt = 1;

    return SL_OK;
}


/*
 * Reads the PAT and the PMT of the first program from the first
 * SL_TS_PSI_SCAN bytes; meanwhile notes the first PID that carries a
 * PCR and the first with a PTS, for streams without PSI.
 */
static sl_int_t
sl_ts_read_psi(sl_media_file_t *mf, sl_ts_t *ts, sl_ts_psi_t *psi)
{
    off_t           off;
    u_char         *p;
    uint16_t        pid;
    sl_int_t        rc;
    sl_ts_clock_t   c;

    psi->pmt_pid = SL_TS_NO_PID;
    psi->pcr_pid = SL_TS_NO_PID;
    psi->video_pid = SL_TS_NO_PID;
    psi->audio_pid = SL_TS_NO_PID;
    psi->pcr_seen_pid = SL_TS_NO_PID;
    psi->pes_seen_pid = SL_TS_NO_PID;
    psi->have_pmt = 0;
    psi->h264 = 0;

    for (off = ts->start; off < ts->start + SL_TS_PSI_SCAN;
         off += SL_TS_PACKET)
    {
        rc = sl_ts_packet(mf, ts, &off, &p);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            break;
        }

        pid = sl_ts_pid(p);

        if (psi->pcr_seen_pid == SL_TS_NO_PID
            && sl_ts_sample(p, off, pid, 0, &c))
        {
            psi->pcr_seen_pid = pid;
        }

        if (psi->pes_seen_pid == SL_TS_NO_PID && pid >= 0x20
            && pid < SL_TS_NULL_PID && sl_ts_sample(p, off, pid, 1, &c))
        {
            psi->pes_seen_pid = pid;
        }

        if (pid == 0 && psi->pmt_pid == SL_TS_NO_PID) {
            psi->pmt_pid = sl_ts_pat(p);
            continue;
        }

        if (pid != psi->pmt_pid || pid == 0) {
            continue;
        }

        if (sl_ts_pmt(p, psi) == SL_OK) {
            break;
        }
    }

    return SL_OK;
}


/*
 * The last clock sample: looked for in the last SL_TS_TAIL bytes, then
 * in the SL_TS_TAIL before them, and so on (a bounded number of steps).
 */
static sl_int_t
sl_ts_last_sample(sl_media_file_t *mf, sl_ts_t *ts, sl_ts_clock_t *last)
{
    off_t           from, to, off;
    u_char         *p;
    sl_int_t        rc;
    sl_uint_t       i, found;
    sl_ts_clock_t   c;

    to = mf->size;
    found = 0;

    for (i = 0; i < SL_TS_TAIL_STEPS && to > ts->first.pkt; i++) {
        from = sl_max(to - SL_TS_TAIL, ts->first.pkt);

        for (off = from; off < to; off += SL_TS_PACKET) {
            rc = sl_ts_packet(mf, NULL, &off, &p);

            if (rc == SL_ERROR) {
                return SL_ERROR;
            }

            if (rc == SL_DONE || off >= to) {
                break;
            }

            if (sl_ts_sample(p, off, ts->clock_pid, ts->use_pts, &c)) {
                *last = c;
                found = 1;
            }
        }

        if (found) {
            return SL_OK;
        }

        to = from;
    }

    return SL_DONE;
}


/*
 * Times the stream by the samples of pid (PCRs, or PTS with use_pts):
 * the first one in the first SL_TS_CLOCK_SCAN bytes and the last one;
 * SL_DONE when there are not two of them a positive time apart.
 */
static sl_int_t
sl_ts_clock(sl_media_file_t *mf, sl_ts_t *ts, uint16_t pid,
    sl_uint_t use_pts)
{
    int64_t         span, dur;
    sl_int_t        rc;
    sl_ts_clock_t   last;

    if (pid == SL_TS_NO_PID || pid == SL_TS_NULL_PID) {
        return SL_DONE;
    }

    ts->clock_pid = pid;
    ts->use_pts = use_pts;
    ts->first.raw = 0;

    rc = sl_ts_find_sample(mf, ts, ts->start, ts->start + SL_TS_CLOCK_SCAN,
                           &ts->first);
    if (rc != SL_OK) {
        return rc;
    }

    ts->first.t = 0;

    rc = sl_ts_last_sample(mf, ts, &last);
    if (rc != SL_OK) {
        return rc;
    }

    span = (last.raw - ts->first.raw + SL_TS_WRAP) % SL_TS_WRAP;

    if (last.pos <= ts->first.pos || span == 0) {
        return SL_DONE;
    }

    ts->avg_rate = sl_ts_rate(span, last.pos - ts->first.pos);

    if (ts->avg_rate <= 0) {
        return SL_DONE;
    }

    dur = span + (int64_t) ((double) (mf->size - last.pos) * ts->avg_rate);

    mf->duration_msec = dur / (SL_TS_CLOCK / 1000);

    mf->tracks[0].duration = dur / 300;
    mf->tracks[0].bitrate = (uint32_t) sl_min((double) (mf->size - ts->start)
                                              * 8 * SL_TS_CLOCK / dur,
                                              (double) UINT32_MAX);

    return SL_OK;
}


/*
 * The first PTS of the PES of key_pid, which seeks time from, within
 * SL_TS_PSI_SCAN bytes; for video, whether its first random access point
 * is marked by random_access_indicator (else IDR pictures are looked for,
 * see sl_ts_random_access()).
 */
static sl_int_t
sl_ts_first_pts(sl_media_file_t *mf, sl_ts_t *ts)
{
    off_t      off;
    size_t     data;
    u_char    *p;
    int64_t    pts, dts;
    sl_int_t   rc;

    if (ts->key_pid == SL_TS_NO_PID) {
        return SL_OK;
    }

    for (off = ts->start; off < ts->start + SL_TS_PSI_SCAN;
         off += SL_TS_PACKET)
    {
        rc = sl_ts_packet(mf, NULL, &off, &p);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            break;
        }

        if (sl_ts_pid(p) != ts->key_pid
            || !sl_ts_pes(p, &pts, &dts, &data))
        {
            continue;
        }

        if (!ts->have_pts) {
            ts->first_pts = pts;
            ts->have_pts = 1;
        }

        if (ts->key_pid != ts->video_pid) {
            break;
        }

        if (sl_ts_rai(p)) {
            ts->rai = 1;
            break;
        }

        if (ts->h264 && sl_ts_h264_key(p, data)) {
            break;
        }
    }

    return SL_OK;
}


/* positions at pos (at or before clock sample c's packet) */
static sl_int_t
sl_ts_land(sl_media_file_t *mf, sl_ts_t *ts, const sl_ts_clock_t *c,
    off_t pos)
{
    ts->a = *c;
    ts->pos = pos;
    ts->rate = ts->avg_rate;

    if (sl_ts_next_sample(mf, ts, c->pkt + SL_TS_PACKET) == SL_ERROR) {
        return SL_ERROR;
    }

    mf->start_msec = sl_ts_time_at(ts, ts->pos) / (SL_TS_CLOCK / 1000);

    return SL_OK;
}


static sl_int_t
sl_format_mpegts_open(sl_media_file_t *mf)
{
    off_t              off;
    u_char            *p;
    sl_ts_t           *ts;
    sl_int_t           rc;
    sl_ts_psi_t        psi;
    sl_media_track_t  *tr;

    ts = sl_pcalloc(mf->pool, sizeof(sl_ts_t));
    if (ts == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    mf->priv = ts;

    off = 0;

    rc = sl_ts_packet(mf, NULL, &off, &p);
    if (rc != SL_OK) {
        if (rc == SL_DONE) {
            mf->error = "no MPEG-TS packet";
        }

        return SL_ERROR;
    }

    ts->start = off;
    ts->pos = off;

    if (sl_ts_read_psi(mf, ts, &psi) != SL_OK) {
        return SL_ERROR;
    }

    ts->video_pid = psi.video_pid;
    ts->h264 = psi.h264;
    ts->key_pid = (psi.video_pid != SL_TS_NO_PID) ? psi.video_pid
                                                   : psi.audio_pid;

    tr = &mf->tracks[0];
    sl_memzero(tr, sizeof(sl_media_track_t));
    tr->codec = SL_CODEC_MP2T;
    tr->timescale = 90000;
    tr->duration = -1;

    /*
     * The PCR of the program; with no PSI, the first PCR seen; with no
     * PCR, the DTS/PTS of the audio, the video, or the first PES seen.
     */

    rc = sl_ts_clock(mf, ts, psi.have_pmt ? psi.pcr_pid : psi.pcr_seen_pid,
                     0);

    if (rc == SL_DONE) {
        rc = sl_ts_clock(mf, ts, psi.audio_pid, 1);
    }

    if (rc == SL_DONE) {
        rc = sl_ts_clock(mf, ts, psi.video_pid, 1);
    }

    if (rc == SL_DONE) {
        rc = sl_ts_clock(mf, ts, psi.pes_seen_pid, 1);
    }

    if (rc == SL_DONE) {
        mf->error = "no PCR or PTS to time the stream";
        return SL_ERROR;
    }

    if (rc != SL_OK) {
        return SL_ERROR;
    }

    if (sl_ts_first_pts(mf, ts) != SL_OK) {
        return SL_ERROR;
    }

    mf->ntracks = 1;
    mf->start_msec = 0;

    return sl_ts_land(mf, ts, &ts->first, ts->start);
}


/*
 * Up to 7 whole packets from ts->pos, the payload of one RTP packet
 * (RFC 2250 §2).  A unit ends after a packet carrying a clock sample, so
 * that its first byte lies between two samples, and before a packet that
 * starts a video PES at a random access point, so that such a packet
 * starts a unit (marked keyframe).  The dts of a unit is the time of its
 * first byte, interpolated between the samples around it by byte
 * position: the constant bitrate between PCRs of ISO/IEC 13818-1
 * §2.4.2.2; before the first sample it is 0.
 */
static sl_int_t
sl_format_mpegts_read(sl_media_file_t *mf, sl_media_unit_t *mu)
{
    off_t           pos;
    u_char         *p, *q;
    ssize_t         n;
    sl_ts_t        *ts;
    sl_int_t        rc;
    sl_uint_t       k, npkts;
    sl_ts_clock_t   c;

    ts = mf->priv;
    pos = ts->pos;

    rc = sl_ts_packet(mf, ts, &pos, &p);
    if (rc != SL_OK) {
        return rc;
    }

    ts->pos = pos;

    while (ts->have_b && pos > ts->b.pos) {
        ts->a = ts->b;

        if (sl_ts_next_sample(mf, ts, ts->a.pkt + SL_TS_PACKET) == SL_ERROR) {
            return SL_ERROR;
        }
    }

    if (!ts->have_b && pos >= ts->scanned) {
        if (sl_ts_next_sample(mf, ts, pos) == SL_ERROR) {
            return SL_ERROR;
        }
    }

    n = sl_ts_read(mf, NULL, pos, SL_TS_UNIT_PACKETS * SL_TS_PACKET, &p);

    if (n < SL_TS_PACKET) {
        mf->error = "read error";
        return SL_ERROR;
    }

    npkts = (sl_uint_t) n / SL_TS_PACKET;

    for (k = 0; k < npkts; k++) {
        q = p + k * SL_TS_PACKET;

        if (q[0] != SL_TS_SYNC || (k > 0 && sl_ts_video_key(ts, q))) {
            break;
        }

        if (sl_ts_sample(q, pos + k * SL_TS_PACKET, ts->clock_pid,
                         ts->use_pts, &c))
        {
            k++;
            break;
        }
    }

    mu->track = 0;
    mu->data = p;
    mu->len = k * SL_TS_PACKET;
    mu->dts = sl_ts_time_at(ts, pos) / 300;
    mu->pts = mu->dts;
    mu->duration = sl_ts_time_at(ts, pos + mu->len) / 300 - mu->dts;
    mu->keyframe = (ts->video_pid == SL_TS_NO_PID
                    || sl_ts_video_key(ts, p));

    ts->pos = pos + mu->len;

    return SL_OK;
}


/*
 * A random access point for a seek: the packet starting the PES, its PTS
 * relative to the first one (90 kHz), and the last clock sample at or
 * before that packet.
 */
typedef struct {
    off_t            pos;
    int64_t          pts;
    sl_ts_clock_t    clock;
} sl_ts_key_t;


/*
 * Scans the packets from from up to to for the random access points of
 * key_pid (every PES start for audio) whose PTS is at or before
 * target_pts and whose clock time is at or before target_t, keeping the
 * latest in *best (pos -1: none yet).  Stops at the first PES of key_pid
 * whose PTS is past target_pts (*past set): no later one can be earlier.
 * *end is where it stopped, *last the last PTS seen (or INT64_MIN).
 */
static sl_int_t
sl_ts_scan_keys(sl_media_file_t *mf, sl_ts_t *ts, off_t from, off_t to,
    int64_t target_pts, int64_t target_t, sl_ts_key_t *best,
    sl_uint_t *past, int64_t *last, off_t *end)
{
    off_t           off;
    size_t          data;
    u_char         *p;
    int64_t         pts, dts;
    sl_int_t        rc;
    sl_uint_t       clocked;
    sl_ts_clock_t   clock, c;

    *past = 0;
    *last = INT64_MIN;

    /* before the first sample, times are those of the first one */
    clocked = (from <= ts->first.pkt);
    clock = ts->first;

    for (off = from; off < to; off += SL_TS_PACKET) {
        rc = sl_ts_packet(mf, NULL, &off, &p);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            off = mf->size;
            break;
        }

        if (sl_ts_sample(p, off, ts->clock_pid, ts->use_pts, &c)
            && c.pkt >= ts->first.pkt)
        {
            c.t = (c.raw - ts->first.raw + SL_TS_WRAP) % SL_TS_WRAP;
            clock = c;
            clocked = 1;
        }

        if (sl_ts_pid(p) != ts->key_pid
            || !sl_ts_pes(p, &pts, &dts, &data))
        {
            continue;
        }

        pts = sl_ts_pts_rel(ts, pts);

        if (pts > target_pts) {
            *past = 1;
            break;
        }

        *last = pts;

        if (clocked && clock.t <= target_t
            && (ts->key_pid != ts->video_pid || sl_ts_video_key(ts, p))
            && (best->pos < 0 || pts >= best->pts))
        {
            best->pos = off;
            best->pts = pts;
            best->clock = clock;
        }
    }

    *end = sl_min(off, mf->size);

    return SL_OK;
}


/*
 * Seeks by the PES PTS, the timeline players show, relative to the first
 * PTS of key_pid: to the latest random access point of the video (any
 * audio PES without video) whose PTS is at or before msec.  The first
 * window starts SL_TS_KEY_BACK seconds of bytes before the byte the
 * average rate puts at msec and is scanned forward; when the first PES
 * in it is already past msec the next window starts that much earlier,
 * when it ends before msec the next one starts where the PTS seen so far
 * put msec.  At most SL_TS_KEY_STEPS windows and SL_TS_KEY_BUDGET bytes.
 * Lands on the packet that starts the PES, its dts interpolated from the
 * clock as for every unit.  SL_DONE when none was found.
 */
static sl_int_t
sl_ts_seek_key(sl_media_file_t *mf, sl_ts_t *ts, int64_t msec)
{
    off_t         back, guess, from, to, end, budget, found;
    int64_t       target_pts, target_t, last;
    sl_uint_t     i, past, jumped;
    sl_ts_key_t   best;

    if (!ts->have_pts || ts->avg_rate <= 0) {
        return SL_DONE;
    }

    if ((ts->key_pid == ts->video_pid && !ts->rai && !ts->h264)
        || msec > SL_TS_MAX_TIME / SL_TS_CLOCK)
    {
        return SL_DONE;
    }

    target_pts = msec * 90;
    target_t = msec * (SL_TS_CLOCK / 1000);

    back = (off_t) ((double) SL_TS_KEY_BACK * SL_TS_CLOCK / ts->avg_rate);
    back = sl_max(back, 64 * 1024);
    back = sl_min(back, SL_TS_KEY_BUDGET / 4);

    guess = ts->first.pos + (off_t) sl_min((double) target_t / ts->avg_rate,
                                           (double) mf->size);

    best.pos = -1;
    best.pts = 0;
    budget = SL_TS_KEY_BUDGET;
    jumped = 0;

    for (i = 0; i < SL_TS_KEY_STEPS && budget > 0; i++) {
        from = sl_max(guess - back, ts->start);
        from = sl_min(from, mf->size);
        from = ts->start + (from - ts->start) / SL_TS_PACKET * SL_TS_PACKET;
        to = from + sl_min(3 * back, budget);

        found = best.pos;

        if (sl_ts_scan_keys(mf, ts, from, to, target_pts, target_t, &best,
                            &past, &last, &end)
            != SL_OK)
        {
            return SL_ERROR;
        }

        budget -= sl_max(end - from, SL_TS_PACKET);

        if (past) {
            if (best.pos != found || (best.pos >= 0 && !jumped)
                || from <= ts->start)
            {
                break;
            }

            /* the first PES here is already past msec: look earlier */
            guess = from;
            continue;
        }

        if (end >= mf->size) {
            break;
        }

        /* the window ended before msec: go on from where the PTS put it */

        guess = end + back;

        if (last != INT64_MIN
            && target_pts - last > 2 * SL_TS_KEY_BACK * 90000)
        {
            guess = end + (off_t) sl_min((double) (target_pts - last) * 300
                                         / ts->avg_rate, (double) mf->size);
            jumped = 1;
        }
    }

    if (best.pos < 0) {
        return SL_DONE;
    }

    if (best.pos <= ts->first.pkt) {
        if (sl_ts_land(mf, ts, &ts->first, ts->start) != SL_OK) {
            return SL_ERROR;
        }

    } else if (sl_ts_land(mf, ts, &best.clock, best.pos) != SL_OK) {
        return SL_ERROR;
    }

    return mf->start_msec <= msec ? SL_OK : SL_DONE;
}


/*
 * Looks for the latest clock sample at or before msec: the first guess
 * interpolates between the samples known around it (the first one, the
 * end of the file), each next one between the best sample so far (lo)
 * and the nearest byte after which all samples are later than msec
 * (hi); then the samples after lo are read one by one up to hi (a
 * bounded number of bytes).  Lands on the packet of that sample, so that
 * the first unit's dts is at or before msec.
 */
static sl_int_t
sl_ts_seek_clock(sl_media_file_t *mf, sl_ts_t *ts, int64_t msec)
{
    off_t           guess, hi, off;
    int64_t         target, hi_t;
    sl_int_t        rc;
    sl_uint_t       i;
    sl_ts_clock_t   lo, c;

    if (msec <= 0) {
        return sl_ts_land(mf, ts, &ts->first, ts->start);
    }

    target = msec * (SL_TS_CLOCK / 1000);

    lo = ts->first;
    hi = mf->size;
    hi_t = mf->tracks[0].duration * 300;

    for (i = 0; i < SL_TS_SEEK_STEPS; i++) {
        if (target - lo.t < SL_TS_CLOCK / 10
            || hi - lo.pkt <= 2 * SL_TS_PACKET)
        {
            break;
        }

        if (hi_t > lo.t && hi_t > target) {
            guess = lo.pos + (off_t) ((double) (target - lo.t)
                                      * (double) (hi - lo.pos)
                                      / (double) (hi_t - lo.t));

        } else {
            guess = lo.pkt + (hi - lo.pkt) / 2;
        }

        guess = sl_max(guess, lo.pkt + SL_TS_PACKET);
        guess = sl_min(guess, hi - SL_TS_PACKET);
        guess = ts->start + (guess - ts->start) / SL_TS_PACKET * SL_TS_PACKET;

        if (guess <= lo.pkt) {
            break;
        }

        rc = sl_ts_find_sample(mf, ts, guess, hi, &c);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_OK && c.t <= target && c.t >= lo.t) {
            lo = c;
            continue;
        }

        /* the first sample from guess on is later than msec, or past hi */

        if (rc == SL_OK) {
            hi_t = c.t;
        }

        hi = guess;
    }

    /* the samples between lo and hi, in order */

    for (off = lo.pkt + SL_TS_PACKET;
         off < hi && off < lo.pkt + SL_TS_CLOCK_SCAN;
         off = c.pkt + SL_TS_PACKET)
    {
        rc = sl_ts_find_sample(mf, ts, off, hi, &c);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE || c.t > target || c.t < lo.t) {
            break;
        }

        lo = c;
    }

    return sl_ts_land(mf, ts, &lo,
                      lo.pkt == ts->first.pkt ? ts->start : lo.pkt);
}


/*
 * Seeks by the PTS to a random access point (sl_ts_seek_key()); when
 * there is none to be found, to the latest clock sample at or before
 * msec (sl_ts_seek_clock()).
 */
static sl_int_t
sl_format_mpegts_seek(sl_media_file_t *mf, int64_t msec)
{
    sl_ts_t   *ts;
    sl_int_t   rc;

    ts = mf->priv;

    if (msec > 0) {
        rc = sl_ts_seek_key(mf, ts, msec);

        if (rc != SL_DONE) {
            return rc;
        }
    }

    return sl_ts_seek_clock(mf, ts, msec);
}


static const sl_format_t  sl_format_mpegts = {
    .name = "mpegts",
    .extensions = sl_format_mpegts_extensions,
    .content_types = sl_format_mpegts_content_types,
    .window = 8192,             /* ~60 ms at 1.1 Mbit/s: a PCR or two */
    .probe = sl_format_mpegts_probe,
    .open = sl_format_mpegts_open,
    .seek = sl_format_mpegts_seek,
    .read = sl_format_mpegts_read,
    .parse_init = sl_ts_parse_init,
    .parse = sl_ts_parse,
};


static sl_media_module_t  sl_format_mpegts_module_ctx = {
    .format = &sl_format_mpegts,
};


sl_module_t  sl_format_mpegts_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_format_mpegts_module_ctx,
};
