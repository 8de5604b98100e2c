/* RTP reception: packet checks, sequence and time, the unit buffer. */

#include <sl_config.h>
#include <sl_core.h>


#define SL_RTP_DEPACK_MIN_BUF    (16 * 1024)


static void sl_rtp_depack_compact(sl_rtp_depack_t *d);
static sl_int_t sl_rtp_depack_sequence(sl_rtp_depack_t *d, uint16_t seq,
    uint32_t ts, uint32_t ssrc);
static int64_t sl_rtp_depack_origin(sl_rtp_depack_t *d, uint32_t ts);


sl_rtp_depack_t *
sl_rtp_depack_create(sl_pool_t *pool, const sl_rtp_payload_t *pl,
    sl_media_track_t *tr, sl_uint_t track, sl_log_t *log)
{
    sl_rtp_depack_t  *d;

    if (pl->depacketize == NULL) {
        sl_log_error(SL_LOG_ERR, log, 0, "RTP payload \"%s\" cannot be "
                     "received", pl->name);
        return NULL;
    }

    d = sl_pcalloc(pool, sizeof(sl_rtp_depack_t));
    if (d == NULL) {
        return NULL;
    }

    d->pl = pl;
    d->tr = tr;
    d->track = track;
    d->pool = pool;
    d->log = log;
    d->pt = -1;

    if (pl->depack_size) {
        d->priv = sl_pcalloc(pool, pl->depack_size);
        if (d->priv == NULL) {
            return NULL;
        }
    }

    if (pl->depack_init && pl->depack_init(d) != SL_OK) {
        sl_log_error(SL_LOG_ERR, log, 0, "RTP payload \"%s\": track "
                     "cannot be received as described", pl->name);
        return NULL;
    }

    return d;
}


sl_int_t
sl_rtp_depack_push(sl_rtp_depack_t *d, const u_char *pkt, size_t len)
{
    size_t          n;
    uint32_t        ts, ssrc;
    sl_int_t        rc;
    sl_uint_t       marker;
    const u_char   *p, *last;

    /* the units of the last push are gone; the open one moves first */
    sl_rtp_depack_compact(d);

    if (len < SL_RTP_HEADER_SIZE || (pkt[0] >> 6) != 2) {
        goto malformed;
    }

    p = pkt + SL_RTP_HEADER_SIZE;
    last = pkt + len;

    n = (size_t) (pkt[0] & 0x0f) * 4;              /* CSRC list */

    if (n > (size_t) (last - p)) {
        goto malformed;
    }

    p += n;

    if (pkt[0] & 0x10) {                           /* header extension */
        if (last - p < 4) {
            goto malformed;
        }

        n = 4 + (size_t) sl_media_be16(p + 2) * 4;

        if (n > (size_t) (last - p)) {
            goto malformed;
        }

        p += n;
    }

    if (pkt[0] & 0x20) {                           /* padding */
        n = last[-1];

        if (n == 0 || n > (size_t) (last - p)) {
            goto malformed;
        }

        last -= n;
    }

    if (d->pt >= 0 && (pkt[1] & 0x7f) != d->pt) {
        goto malformed;
    }

    marker = pkt[1] >> 7;
    ts = sl_media_be32(pkt + 4);
    ssrc = sl_media_be32(pkt + 8);

    if (sl_rtp_depack_sequence(d, sl_media_be16(pkt + 2), ts, ssrc)
        != SL_OK)
    {
        return SL_DECLINED;
    }

    d->packets++;

    /* lost packets may have been the end of the open unit */

    if (d->gap && d->open) {
        d->broken = 1;
    }

    if (d->open && ts != d->unit_ts) {
        sl_rtp_depack_end(d);
    }

    rc = d->pl->depacketize(d, p, last - p, marker);

    if (rc != SL_OK) {
        d->malformed++;

        sl_log_debug(d->log, "RTP payload \"%s\": malformed packet %u",
                     d->pl->name, (unsigned) d->seq);

        if (d->open) {
            d->broken = 1;
        }
    }

    if (marker && d->open) {
        sl_rtp_depack_end(d);
    }

    d->gap = 0;

    return SL_OK;

malformed:

    d->malformed++;

    sl_log_debug(d->log, "malformed RTP packet of %zu bytes", len);

    return SL_DECLINED;
}


/*
 * RFC 3550 A.1, simplified: no probation, as one source is expected.
 * Sets d->gap after a loss or a restart and unwraps the timestamp;
 * SL_DECLINED for a late packet or a duplicate.
 */
static sl_int_t
sl_rtp_depack_sequence(sl_rtp_depack_t *d, uint16_t seq, uint32_t ts,
    uint32_t ssrc)
{
    uint16_t  delta;

    if (!d->synced) {
        d->synced = 1;
        d->seq = seq;
        d->ssrc = ssrc;
        d->ts = ts;
        d->dts = sl_rtp_depack_origin(d, ts);
        return SL_OK;
    }

    delta = (uint16_t) (seq - d->seq);

    if (ssrc == d->ssrc) {

        if (delta == 0) {
            d->duplicates++;
            return SL_DECLINED;
        }

        if (delta > 0x10000 - SL_RTP_MAX_MISORDER) {
            d->late++;
            return SL_DECLINED;
        }
    }

    if (ssrc != d->ssrc || delta > SL_RTP_MAX_DROPOUT) {

        /* a new source or a restart: the timeline goes on from here */

        sl_log_debug(d->log, "RTP source restarts at seq %u",
                     (unsigned) seq);

        d->ssrc = ssrc;
        d->gap = 1;

    } else {
        if (delta > 1) {
            d->lost += delta - 1;
            d->gap = 1;
        }

        d->dts += (int32_t) (ts - d->ts);
    }

    d->seq = seq;
    d->ts = ts;

    return SL_OK;
}


/* where the first packet, of RTP time ts, falls on the source's timeline */
static int64_t
sl_rtp_depack_origin(sl_rtp_depack_t *d, uint32_t ts)
{
    int64_t   q, v, delta, lead, clock;
    uint64_t  ntp;

    clock = d->tr->timescale;

    if (d->sync == NULL || clock <= 0) {
        return 0;
    }

    lead = clock * SL_RTP_SYNC_LEAD / 1000;

    if (d->has_rtptime) {
        v = lead + (int32_t) (ts - d->rtptime);
        return v > 0 ? v : 0;
    }

    if (d->sr_ntp == 0) {
        return lead;
    }

    /* the packet's wall clock time, from the report's: Q32.32 seconds */
    q = (int32_t) (ts - d->sr_ts);
    ntp = d->sr_ntp + (uint64_t) ((q / clock) * 4294967296LL
                                  + (q % clock) * 4294967296LL / clock);

    if (d->sync->origin == 0) {
        d->sync->origin = ntp;
    }

    delta = (int64_t) (ntp - d->sync->origin);

    v = lead + (delta / 4294967296LL) * clock
        + (delta % 4294967296LL) * clock / 4294967296LL;

    return v > 0 ? v : 0;
}


void
sl_rtp_depack_rtptime(sl_rtp_depack_t *d, uint32_t rtptime)
{
    d->rtptime = rtptime;
    d->has_rtptime = 1;
}


sl_int_t
sl_rtp_depack_rtcp(sl_rtp_depack_t *d, const u_char *p, size_t len)
{
    size_t    n;
    uint32_t  ssrc;

    while (len >= 4) {
        n = 4 * ((size_t) sl_media_be16(p + 2) + 1);

        if ((p[0] >> 6) != 2 || n > len) {
            return SL_DECLINED;
        }

        /* SR: header, SSRC, NTP time (64 bits), RTP time, counts */
        if (p[1] == 200 && n >= 28) {
            ssrc = sl_media_be32(p + 4);

            if (d->synced && ssrc != d->ssrc) {
                return SL_DECLINED;
            }

            d->sr_ntp = (uint64_t) sl_media_be32(p + 8) << 32
                        | sl_media_be32(p + 12);
            d->sr_ts = sl_media_be32(p + 16);

            return d->sr_ntp ? SL_OK : SL_DECLINED;
        }

        p += n;
        len -= n;
    }

    return SL_DECLINED;
}


sl_int_t
sl_rtp_depack_next(sl_rtp_depack_t *d, sl_media_unit_t *mu)
{
    sl_rtp_depack_unit_t  *u;

    if (d->next == d->nready) {
        return SL_AGAIN;
    }

    u = &d->ready[d->next++];

    mu->track = d->track;
    mu->dts = u->dts;
    mu->pts = u->dts;
    mu->duration = u->duration;
    mu->keyframe = u->keyframe;
    mu->data = d->buf + u->off;
    mu->len = u->len;

    return SL_OK;
}


void
sl_rtp_depack_flush(sl_rtp_depack_t *d)
{
    sl_rtp_depack_compact(d);
    sl_rtp_depack_end(d);
}


/* forgets the completed units; the open unit moves to the start */
static void
sl_rtp_depack_compact(sl_rtp_depack_t *d)
{
    d->nready = 0;
    d->next = 0;
    d->used = 0;

    if (d->open && d->unit.off) {
        if (!d->broken && d->unit.len) {
            memmove(d->buf, d->buf + d->unit.off, d->unit.len);
        }

        d->unit.off = 0;
    }
}


void
sl_rtp_depack_begin(sl_rtp_depack_t *d, int64_t dts)
{
    if (d->open) {
        sl_rtp_depack_end(d);
    }

    d->open = 1;
    d->partial = 0;
    d->broken = 0;
    d->unit_ts = d->ts;

    d->unit.dts = dts;
    d->unit.duration = 0;
    d->unit.off = d->used;
    d->unit.len = 0;
    d->unit.keyframe = 0;
}


void
sl_rtp_depack_append(sl_rtp_depack_t *d, const u_char *p, size_t len)
{
    size_t   need, size;
    u_char  *buf;

    if (!d->open) {
        sl_rtp_depack_begin(d, d->dts);
    }

    if (d->broken || len == 0) {
        return;
    }

    if (len > SL_RTP_DEPACK_MAX_UNIT - d->unit.len) {
        sl_log_debug(d->log, "RTP payload \"%s\": unit over %d bytes",
                     d->pl->name, SL_RTP_DEPACK_MAX_UNIT);
        d->broken = 1;
        return;
    }

    need = d->unit.off + d->unit.len + len;

    if (need > d->size) {

        if (need > SL_RTP_DEPACK_MAX_BUF) {
            d->broken = 1;
            return;
        }

        size = d->size ? d->size : SL_RTP_DEPACK_MIN_BUF;

        while (size < need) {
            size *= 2;
        }

        size = sl_min(size, (size_t) SL_RTP_DEPACK_MAX_BUF);

        buf = sl_pnalloc(d->pool, size);
        if (buf == NULL) {
            d->broken = 1;
            return;
        }

        if (d->buf) {
            sl_memcpy(buf, d->buf, d->unit.off + d->unit.len);
            (void) sl_pfree(d->pool, d->buf);
        }

        d->buf = buf;
        d->size = size;
    }

    sl_memcpy(d->buf + d->unit.off + d->unit.len, p, len);
    d->unit.len += len;
}


void
sl_rtp_depack_end(sl_rtp_depack_t *d)
{
    if (!d->open) {
        return;
    }

    d->open = 0;

    if (d->broken || d->partial) {
        d->dropped++;
        return;
    }

    if (d->unit.len == 0) {
        return;
    }

    if (d->nready == SL_RTP_DEPACK_UNITS) {
        d->dropped++;
        return;
    }

    d->ready[d->nready++] = d->unit;
    d->used = d->unit.off + d->unit.len;
    d->units++;
}


sl_int_t
sl_rtp_fmtp_param(const sl_str_t *fmtp, const char *name, sl_str_t *value)
{
    size_t         n;
    const u_char  *p, *last, *end, *eq, *v;

    if (fmtp->len == 0) {
        return SL_DECLINED;
    }

    n = strlen(name);
    p = fmtp->data;
    last = fmtp->data + fmtp->len;

    while (p < last) {

        end = memchr(p, ';', last - p);
        if (end == NULL) {
            end = last;
        }

        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }

        eq = memchr(p, '=', end - p);

        if (eq && (size_t) (eq - p) == n
            && sl_strncasecmp(p, (const u_char *) name, n) == 0)
        {
            v = eq + 1;

            while (v < end && (*v == ' ' || *v == '\t')) {
                v++;
            }

            while (end > v && (end[-1] == ' ' || end[-1] == '\t')) {
                end--;
            }

            value->data = (u_char *) v;
            value->len = end - v;

            return SL_OK;
        }

        p = end + 1;
    }

    return SL_DECLINED;
}
