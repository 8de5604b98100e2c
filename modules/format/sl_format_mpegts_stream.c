/*
 * The MPEG-TS parser: units of whole packets from a byte stream.
 *
 * Units are runs of at most 7 packets (1316 bytes, one RTP payload); a
 * PAT packet (PID 0, a section starting in it) always starts a new one.
 * A listener that joins a live stream starts at the last keyframe unit
 * and must see a PAT, a PMT, then a picture it can decode, hence the
 * keyframe rule: a unit is a keyframe when it starts with a PAT and the
 * program's video PID (any PID when the program has no video) has a
 * random access point in it or in the units after it, before the next
 * PAT.  A random access point is a packet with random_access_indicator
 * set (ISO/IEC 13818-1 §2.4.3.5), or, for H.264 video that never sets
 * it, a PES starting with an IDR picture (as the file reader finds
 * them).  So for audio-only streams (ffmpeg writes a PAT every 100 ms
 * and sets the indicator on every audio PES) each PAT-started unit with
 * a random access point of the audio before the next PAT is a keyframe.
 *
 * That is known only later: units are held back from a PAT until a
 * random access point (the PAT's unit is then a keyframe) or the next
 * PAT (it is not), or until SL_TS_HOLD bytes are held (it is not).
 *
 * Times are those of the file reader: 90 kHz from the PCR of the PCR
 * PID, zero at the first PCR and for the units before it; the time of a
 * unit's first byte is interpolated between the PCRs around it by byte
 * position, so units are also held until the next PCR has come (or the
 * hold is full: then the rate of the last two PCRs carries the time on).
 * PCR wraps (33 bits) are steps forward; a discontinuity is replaced by
 * the step the bytes justify at the last rate (sl_ts_clock_step()).
 */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_format_mpegts.h"


#define SL_TS_HOLD           (64 * 1024)   /* bytes held back at most */
#define SL_TS_CONFIRM        4             /* packets in a row for sync */
#define SL_TS_UNITS          (SL_TS_HOLD / SL_TS_PACKET + 4)
#define SL_TS_JUNK           4096          /* garbage kept after units */


typedef struct {
    int64_t          x;            /* the stream byte it starts at */
    int64_t          t;            /* ticks of that byte */
    double           rate;         /* ticks per byte there; 0 unknown */
    sl_uint_t        npkts;
    unsigned         pending:1;    /* at a PAT, keyframe not yet known */
    unsigned         key:1;
    unsigned         timed:1;
} sl_ts_unit_t;

typedef struct {
    sl_ts_unit_t     units[SL_TS_UNITS];    /* a ring */
    sl_uint_t        first;        /* the oldest held unit */
    sl_uint_t        n;            /* held units; the newest may grow */
    size_t           held;         /* their bytes, from p->pos */
    size_t           junk;         /* garbage after them, counted */
    int64_t          base;         /* the stream byte at p->pos */
    sl_ts_unit_t    *pending;      /* the unit of the last PAT, if pending */

    sl_ts_psi_t      psi;
    uint16_t         pmt_pid;
    uint16_t         clock_pid;    /* the PCR PID, or the first with a PCR */
    unsigned         synced:1;
    unsigned         rai:1;        /* the video sets the indicator */
    unsigned         clocked:1;    /* a PCR came */

    sl_ts_clock_t    a;            /* the last PCR */
    double           rate;         /* ticks per byte up to it; 0 unknown */
    int64_t          last_dts;
} sl_ts_stream_t;


static sl_int_t sl_ts_stream_packet(sl_media_parser_t *p,
    sl_ts_stream_t *st);
static void sl_ts_stream_take(sl_ts_stream_t *st, const u_char *q);
static void sl_ts_stream_release(sl_media_parser_t *p, sl_ts_stream_t *st,
    sl_media_unit_t *mu);


sl_int_t
sl_ts_parse_init(sl_media_parser_t *p)
{
    sl_ts_stream_t  *st;

    if (p->priv == NULL) {
        p->priv = sl_palloc(p->pool, sizeof(sl_ts_stream_t));
        if (p->priv == NULL) {
            return SL_ERROR;
        }
    }

    st = p->priv;
    sl_memzero(st, sizeof(sl_ts_stream_t));

    st->pmt_pid = SL_TS_NO_PID;
    st->clock_pid = SL_TS_NO_PID;
    st->psi.pcr_pid = SL_TS_NO_PID;
    st->psi.video_pid = SL_TS_NO_PID;
    st->psi.audio_pid = SL_TS_NO_PID;

    return SL_OK;
}


#define sl_ts_unit(st, i)  (&(st)->units[((st)->first + (i)) % SL_TS_UNITS])


/*
 * Releases the oldest unit when it is complete (a newer one started, or
 * it has 7 packets), its keyframe flag known and its time known; or, to
 * bound what is held, when more than SL_TS_HOLD bytes are.  Otherwise
 * takes the next packet in.
 */
sl_int_t
sl_ts_parse(sl_media_parser_t *p, sl_media_unit_t *mu)
{
    sl_uint_t        closed;
    sl_ts_unit_t    *u;
    sl_ts_stream_t  *st;

    st = p->priv;

    for ( ;; ) {

        if (st->n) {
            u = sl_ts_unit(st, 0);
            closed = (st->n > 1 || u->npkts == SL_TS_UNIT_PACKETS);

            if (closed
                && ((!u->pending && u->timed) || st->held > SL_TS_HOLD
                    || st->n == SL_TS_UNITS))
            {
                sl_ts_stream_release(p, st, mu);
                return SL_OK;
            }
        }

        if (sl_ts_stream_packet(p, st) != SL_OK) {
            return SL_AGAIN;
        }
    }
}


/*
 * The first offset from q (avail bytes), from from on and below to,
 * where SL_TS_CONFIRM packets in a row begin with the sync byte.  SL_OK
 * with *found; SL_AGAIN when a candidate needs more bytes (*found there:
 * no offset before it is one); SL_DECLINED when none below to or avail
 * is (*found at that limit).
 */
static sl_int_t
sl_ts_stream_find(const u_char *q, size_t avail, size_t from, size_t to,
    size_t *found)
{
    size_t     i, o;
    sl_uint_t  k;

    for (i = from; i < to && i < avail; i++) {

        if (q[i] != SL_TS_SYNC) {
            continue;
        }

        for (k = 1; k < SL_TS_CONFIRM; k++) {
            o = i + k * SL_TS_PACKET;

            if (o >= avail) {
                *found = i;
                return SL_AGAIN;
            }

            if (q[o] != SL_TS_SYNC) {
                break;
            }
        }

        if (k == SL_TS_CONFIRM) {
            *found = i;
            return SL_OK;
        }
    }

    *found = i;

    return SL_DECLINED;
}


/*
 * Takes the next packet, after the held units, into them: SL_OK, or
 * SL_AGAIN when it has not all arrived.  In sync a packet is taken when
 * the packet after it begins with the sync byte too.  When that one
 * does not, the packet was cut short if sync is found less than a
 * packet on (the bytes up to there are dropped), else it is whole and
 * garbage follows it.  Without sync, garbage is dropped up to where
 * SL_TS_CONFIRM packets in a row begin with the sync byte.  Garbage is
 * counted as soon as it is known, but removed from behind held units
 * (which moves them) only once SL_TS_JUNK bytes of it are there, so that
 * garbage arriving a byte at a time does not move them every time.
 */
static sl_int_t
sl_ts_stream_packet(sl_media_parser_t *p, sl_ts_stream_t *st)
{
    size_t     avail, i;
    u_char    *q;
    sl_int_t   rc;

    q = p->pos + st->held;
    avail = p->last - q;

    if (st->synced) {
        if (avail < SL_TS_PACKET + 1) {
            return SL_AGAIN;
        }

        if (q[0] == SL_TS_SYNC && q[SL_TS_PACKET] == SL_TS_SYNC) {
            sl_ts_stream_take(st, q);
            return SL_OK;
        }

        if (q[0] == SL_TS_SYNC) {
            rc = sl_ts_stream_find(q, avail, 1, SL_TS_PACKET, &i);

            if (rc == SL_AGAIN) {
                return SL_AGAIN;
            }

            if (rc == SL_DECLINED) {
                sl_ts_stream_take(st, q);
                st->synced = 0;
                return SL_OK;
            }

            sl_media_parser_cut(p, st->held, i);
            p->bytes_skipped += i;

            sl_ts_stream_take(st, p->pos + st->held);
            return SL_OK;
        }

        st->synced = 0;
    }

    rc = sl_ts_stream_find(q, avail, st->junk, avail, &i);

    p->bytes_skipped += i - st->junk;
    st->junk = i;

    if (rc == SL_OK || st->held == 0 || st->junk >= SL_TS_JUNK) {
        sl_media_parser_cut(p, st->held, st->junk);
        st->junk = 0;
    }

    if (rc != SL_OK) {
        return SL_AGAIN;
    }

    st->synced = 1;
    sl_ts_stream_take(st, p->pos + st->held);

    return SL_OK;
}


/*
 * Is packet q a random access point of the program: of the video PID,
 * or of any PID when the program has no video (sl_ts_random_access())
 */
static sl_uint_t
sl_ts_stream_key(sl_ts_stream_t *st, const u_char *q)
{
    uint16_t  pid;

    pid = sl_ts_pid(q);

    if (st->psi.video_pid == SL_TS_NO_PID) {
        return pid != 0x1fff && sl_ts_rai(q);
    }

    if (pid != st->psi.video_pid) {
        return 0;
    }

    if (sl_ts_rai(q)) {
        st->rai = 1;
    }

    return sl_ts_random_access(q, st->rai, st->psi.h264);
}


/*
 * A PCR timing stream byte pos: the held units that start at or before
 * it and have no time yet are timed between the last PCR and this one.
 */
static void
sl_ts_stream_clock(sl_ts_stream_t *st, int64_t pos, int64_t raw)
{
    double          rate;
    sl_uint_t       i;
    sl_ts_unit_t   *u;
    sl_ts_clock_t   c;

    c.pos = pos;
    c.pkt = pos - 10;
    c.raw = raw;

    if (!st->clocked) {
        c.t = 0;
        st->a = c;
        st->clocked = 1;
        return;
    }

    c.t = st->a.t + sl_ts_clock_step(&st->a, &c, st->rate);
    rate = sl_ts_rate(c.t - st->a.t, c.pos - st->a.pos);

    for (i = 0; i < st->n; i++) {
        u = sl_ts_unit(st, i);

        if (u->timed) {
            continue;
        }

        if (u->x > c.pos) {
            break;
        }

        u->t = st->a.t + (int64_t) ((double) (u->x - st->a.pos) * rate);
        u->rate = rate;
        u->timed = 1;
    }

    st->a = c;
    st->rate = rate;
}


/* the packet at q joins the held units; PSI, random access, PCR noted */
static void
sl_ts_stream_take(sl_ts_stream_t *st, const u_char *q)
{
    int64_t        x, raw;
    uint16_t       pid, pmt;
    sl_uint_t      pat;
    sl_ts_unit_t  *u;

    x = st->base + st->held;
    pid = sl_ts_pid(q);
    pat = (pid == 0 && sl_ts_pusi(q));

    u = st->n ? sl_ts_unit(st, st->n - 1) : NULL;

    if (u == NULL || pat || u->npkts == SL_TS_UNIT_PACKETS) {

        if (pat && st->pending) {
            /* no random access point since the last PAT */
            st->pending->pending = 0;
            st->pending = NULL;
        }

        u = sl_ts_unit(st, st->n);
        st->n++;

        sl_memzero(u, sizeof(sl_ts_unit_t));
        u->x = x;
        u->timed = !st->clocked;        /* before the first PCR: 0 */

        if (pat) {
            u->pending = 1;
            st->pending = u;
        }
    }

    u->npkts++;
    st->held += SL_TS_PACKET;

    if (pat) {
        pmt = sl_ts_pat(q);

        if (pmt != SL_TS_NO_PID) {
            st->pmt_pid = pmt;
        }

    } else if (pid == st->pmt_pid && sl_ts_pmt(q, &st->psi) == SL_OK) {
        st->clock_pid = st->psi.pcr_pid;
    }

    if (st->pending && st->psi.have_pmt && sl_ts_stream_key(st, q)) {
        st->pending->key = 1;
        st->pending->pending = 0;
        st->pending = NULL;
    }

    if (sl_ts_pcr(q, &raw)) {
        if (st->clock_pid == SL_TS_NO_PID && !st->psi.have_pmt) {
            st->clock_pid = pid;        /* no PMT yet: the first PCR */
        }

        if (pid == st->clock_pid) {
            sl_ts_stream_clock(st, x + 10, raw);
        }
    }
}


/*
 * The oldest unit into mu.  Released before its time or its keyframe
 * flag is known (the hold is full), it is not a keyframe and its time
 * goes on from the last PCR at the last rate.  Times never go back.
 */
static void
sl_ts_stream_release(sl_media_parser_t *p, sl_ts_stream_t *st,
    sl_media_unit_t *mu)
{
    size_t             len;
    int64_t            dts, end;
    sl_ts_unit_t      *u;
    sl_media_track_t  *tr;

    u = sl_ts_unit(st, 0);
    len = u->npkts * SL_TS_PACKET;

    if (u->pending) {
        u->pending = 0;
        st->pending = NULL;
    }

    if (!u->timed) {
        u->t = st->a.t + (int64_t) ((double) (u->x - st->a.pos) * st->rate);
        u->rate = st->rate;
        u->timed = 1;
    }

    dts = sl_max(u->t / 300, st->last_dts);
    end = (u->t + (int64_t) ((double) len * u->rate)) / 300;

    if (p->ntracks == 0) {
        tr = &p->tracks[0];
        sl_memzero(tr, sizeof(sl_media_track_t));
        tr->codec = SL_CODEC_MP2T;
        tr->timescale = 90000;
        tr->duration = -1;

        p->ntracks = 1;
        p->tracks_changed = 1;
    }

    mu->track = 0;
    mu->dts = dts;
    mu->pts = dts;
    mu->duration = sl_max(end - dts, 0);
    mu->keyframe = u->key;
    mu->data = p->pos;
    mu->len = len;

    p->pos += len;
    st->base += len;
    st->held -= len;
    st->first = (st->first + 1) % SL_TS_UNITS;
    st->n--;
    st->last_dts = dts;
}
