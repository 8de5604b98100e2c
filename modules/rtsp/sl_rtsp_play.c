/*
 * Sending on-demand media: the per-worker pacing tick sends every RTP
 * packet that is due for every playing session, batched: sendmmsg() for
 * UDP, writev() for TCP interleaved.  A fast start sends the first media
 * faster than real time; RTCP sender reports and BYE go alongside.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>


#define SL_RTSP_SCRATCH      (128 * 1024)
#define SL_RTSP_MAX_UNITS    2000          /* per session and tick */


static void sl_rtsp_tick(sl_event_t *ev);
static void sl_rtsp_send_out(sl_rtsp_session_t *s, sl_rtp_out_t *out);


static sl_queue_t     sl_rtsp_playing;
static sl_event_t     sl_rtsp_tick_ev;
static u_char        *sl_rtsp_scratch;
static sl_rtp_out_t   sl_rtsp_out;


sl_int_t
sl_rtsp_play_init(sl_cycle_t *cycle)
{
    sl_queue_init(&sl_rtsp_playing);

    sl_rtsp_tick_ev.handler = sl_rtsp_tick;
    sl_rtsp_tick_ev.log = cycle->log;

    sl_rtsp_scratch = sl_alloc(SL_RTSP_SCRATCH, cycle->log);
    if (sl_rtsp_scratch == NULL) {
        return SL_ERROR;
    }

    return SL_OK;
}


/*
 * Closes a control connection from the sending side.  The close runs
 * after the current tick, as a posted read event: closing here would free
 * sessions that the tick is about to visit.
 */
void
sl_rtsp_drop(sl_connection_t *c)
{
    c->close = 1;
    sl_post_event(c->read, &sl_posted_events);
}


/* PLAY: into the worker's list, first packets now, the tick running */
void
sl_rtsp_play_start(sl_rtsp_session_t *s)
{
    if (s->state != SL_RTSP_PLAYING) {
        s->state = SL_RTSP_PLAYING;
        sl_queue_insert_tail(&sl_rtsp_playing, &s->playing);
    }

    sl_rtsp_send_due(s);

    if (!sl_rtsp_tick_ev.timer_set && !sl_queue_empty(&sl_rtsp_playing)) {
        sl_event_add_timer(&sl_rtsp_tick_ev, SL_RTSP_TICK);
    }
}


/* where a session's media clock stands: fast at first, then real time */
int64_t
sl_rtsp_media_clock(sl_rtsp_session_t *s)
{
    int64_t  e, fast;

    e = (int64_t) (sl_current_msec - s->play_msec);
    fast = (int64_t) s->fast_start;

    if (e * s->fast_rate <= fast) {
        return s->play_media + e * s->fast_rate;
    }

    return s->play_media + fast + (e - fast / s->fast_rate);
}


static void
sl_rtsp_tick(sl_event_t *ev sl_unused)
{
    sl_queue_t         *q, *next;
    sl_rtsp_session_t  *s;

    for (q = sl_queue_head(&sl_rtsp_playing);
         q != sl_queue_sentinel(&sl_rtsp_playing);
         q = next)
    {
        next = sl_queue_next(q);
        s = sl_queue_data(q, sl_rtsp_session_t, playing);

        /* sending may close a session; the next one is read first */
        sl_rtsp_send_due(s);
    }

    if (!sl_queue_empty(&sl_rtsp_playing)) {
        sl_event_add_timer(&sl_rtsp_tick_ev, SL_RTSP_TICK);
    }
}


/*
 * Sends every unit of s whose time has come (plus a little lookahead),
 * packetized into the worker's scratch buffer and flushed in batches.
 * A TCP client whose backlog has not drained is skipped; past
 * send_timeout it is dropped.
 */
void
sl_rtsp_send_due(sl_rtsp_session_t *s)
{
    int64_t                  deadline, t;
    sl_int_t                 rv;
    sl_uint_t                n;
    sl_rtsp_stream_t        *st;
    sl_rtsp_connection_t    *rc;
    const sl_media_track_t  *tr;

    rc = s->rc;

    if (s->pending_len || rc->out_len) {
        if (s->stalled == 0) {
            s->stalled = sl_current_msec;
        }

        if (sl_current_msec - s->stalled
            > sl_rtsp_srv_conf(rc->connection)->send_timeout)
        {
            sl_log_error(SL_LOG_INFO, s->log, 0,
                         "client does not keep up: dropped after "
                         "send_timeout");
            sl_rtsp_drop(rc->connection);
        }

        return;
    }

    s->stalled = 0;

    deadline = sl_rtsp_media_clock(s) + SL_RTSP_LOOKAHEAD;

    sl_rtsp_out.start = sl_rtsp_scratch;
    sl_rtsp_out.pos = sl_rtsp_scratch;
    sl_rtsp_out.end = sl_rtsp_scratch + SL_RTSP_SCRATCH;
    sl_rtsp_out.npkts = 0;

    for (n = 0; n < SL_RTSP_MAX_UNITS && !s->eof; n++) {

        if (!s->has_next) {
            rv = s->mf.format->read(&s->mf, &s->next);

            if (rv == SL_DONE) {
                s->eof = 1;
                break;
            }

            if (rv != SL_OK) {
                sl_log_error(SL_LOG_ERR, s->log, 0, "media read failed: %s",
                             s->mf.error ? s->mf.error : "?");
                s->eof = 1;
                break;
            }

            s->has_next = 1;
        }

        tr = &s->mf.tracks[s->next.track];
        t = sl_media_to_msec(s->next.dts, tr->timescale);

        if (t > deadline) {
            break;
        }

        st = &s->streams[s->next.track];

        if (!st->setup) {
            s->has_next = 0;
            continue;
        }

        rv = st->payload->packetize(&st->rtp, tr, &s->next, &sl_rtsp_out);

        if (rv == SL_AGAIN) {
            if (sl_rtsp_out.npkts == 0) {
                sl_log_error(SL_LOG_ERR, s->log, 0,
                             "a %lu-byte unit does not fit, skipped",
                             (unsigned long) s->next.len);
                s->has_next = 0;
                continue;
            }

            sl_rtsp_send_out(s, &sl_rtsp_out);

            if (s->pending_len || rc->connection->destroyed) {
                return;
            }

            continue;
        }

        if (rv != SL_OK) {
            sl_log_error(SL_LOG_ERR, s->log, 0,
                         "cannot packetize a %lu-byte unit, skipped",
                         (unsigned long) s->next.len);
        }

        s->has_next = 0;
    }

    if (sl_rtsp_out.npkts) {
        sl_rtsp_send_out(s, &sl_rtsp_out);
    }

    if (sl_current_msec - s->last_rtcp >= SL_RTSP_RTCP_INTERVAL) {
        sl_rtsp_send_rtcp(s, 0);
        s->last_rtcp = sl_current_msec;
    }

    if (!s->eof) {
        return;
    }

    /*
     * RTCP BYE tells players the stream has ended (RFC 3550 §6.6).  It
     * travels on another socket than the last RTP packets and could pass
     * them: it waits until the media clock is a while past the end.
     */
    if (s->bye_media == 0) {
        s->bye_media = deadline + SL_RTSP_BYE_DELAY;
        return;
    }

    if (!s->bye_sent) {
        if (sl_rtsp_media_clock(s) < s->bye_media) {
            return;
        }

        sl_rtsp_send_rtcp(s, 1);
        s->bye_sent = 1;
    }

    /* a backlog still drains under the watch of send_timeout */
    if (s->pending_len == 0) {
        sl_rtsp_stop_playing(s);
    }
}


/* keeps what the socket did not take; SL_ERROR past the bound */
sl_int_t
sl_rtsp_keep_pending(sl_rtsp_session_t *s, struct iovec *iov, sl_uint_t n,
    size_t skip)
{
    u_char     *p;
    size_t      len;
    sl_uint_t   i;

    len = 0;

    for (i = 0; i < n; i++) {
        len += iov[i].iov_len;
    }

    len -= skip;

    if (s->pending_len - s->pending_pos + len > SL_RTSP_MAX_PENDING) {
        return SL_ERROR;
    }

    p = sl_alloc(s->pending_len - s->pending_pos + len, s->log);
    if (p == NULL) {
        return SL_ERROR;
    }

    if (s->pending) {
        sl_memcpy(p, s->pending + s->pending_pos,
                  s->pending_len - s->pending_pos);
        len = s->pending_len - s->pending_pos;
        sl_free(s->pending);

    } else {
        len = 0;
    }

    s->pending = p;
    s->pending_pos = 0;
    p += len;

    for (i = 0; i < n; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }

        p = sl_cpymem(p, (u_char *) iov[i].iov_base + skip,
                      iov[i].iov_len - skip);
        skip = 0;
    }

    s->pending_len = p - s->pending;

    return SL_OK;
}


/* interleaved frames on the control connection, with writev() */
static void
sl_rtsp_send_tcp(sl_rtsp_session_t *s, sl_rtp_out_t *out, sl_uint_t from,
    sl_uint_t to)
{
    ssize_t             n;
    sl_uint_t           i, k;
    sl_rtsp_stream_t   *st;
    sl_connection_t    *c;
    struct iovec        iov[2 * 256];
    u_char              hdr[256][4];

    c = s->rc->connection;

    while (from < to) {
        k = 0;

        for (i = from; i < to && k < 256; i++, k++) {
            st = (sl_rtsp_stream_t *) out->pkt[i].stream;

            hdr[k][0] = '$';
            hdr[k][1] = st->channel;
            hdr[k][2] = (u_char) (out->pkt[i].len >> 8);
            hdr[k][3] = (u_char) out->pkt[i].len;

            iov[2 * k].iov_base = hdr[k];
            iov[2 * k].iov_len = 4;
            iov[2 * k + 1].iov_base = out->start + out->pkt[i].off;
            iov[2 * k + 1].iov_len = out->pkt[i].len;
        }

        from = i;

        if (s->pending_len || s->rc->out_len) {
            n = 0;

        } else {
            n = sl_writev(c, iov, 2 * k);

            if (n == SL_ERROR) {
                sl_rtsp_drop(c);
                return;
            }

            if (n == SL_AGAIN) {
                n = 0;
            }
        }

        if (sl_rtsp_keep_pending(s, iov, 2 * k, n) != SL_OK) {
            sl_log_error(SL_LOG_INFO, s->log, 0,
                         "client does not keep up: interleaved backlog full");
            sl_rtsp_drop(c);
            return;
        }

        if (s->pending_len) {
            c->write->ready = 0;
        }
    }
}


/* datagrams to one stream's socket, with sendmmsg() */
static void
sl_rtsp_send_udp(sl_connection_t *uc, sl_rtp_out_t *out, sl_uint_t from,
    sl_uint_t to)
{
    int              n;
    sl_uint_t        i, k;
    struct iovec     iov[64];
    struct mmsghdr   msg[64];

    while (from < to) {
        sl_memzero(msg, sizeof(msg));

        for (i = from, k = 0; i < to && k < 64; i++, k++) {
            iov[k].iov_base = out->start + out->pkt[i].off;
            iov[k].iov_len = out->pkt[i].len;
            msg[k].msg_hdr.msg_iov = &iov[k];
            msg[k].msg_hdr.msg_iovlen = 1;
        }

        n = sendmmsg(uc->fd, msg, k, 0);

        if (n == -1 && errno != EAGAIN && errno != ECONNREFUSED) {
            sl_log_error(SL_LOG_INFO, uc->log, errno, "sendmmsg() failed");
        }

        /* what the socket buffer did not take is lost, as UDP allows */
        from = i;
    }
}


static void
sl_rtsp_send_out(sl_rtsp_session_t *s, sl_rtp_out_t *out)
{
    sl_uint_t          i, j;
    sl_rtsp_stream_t  *st, *sj;

    for (i = 0; i < out->npkts; i = j) {
        st = (sl_rtsp_stream_t *) out->pkt[i].stream;

        /* a run of packets for the same destination */
        for (j = i + 1; j < out->npkts; j++) {
            sj = (sl_rtsp_stream_t *) out->pkt[j].stream;

            if (sj->tcp != st->tcp || (!st->tcp && sj != st)) {
                break;
            }
        }

        if (st->tcp) {
            sl_rtsp_send_tcp(s, out, i, j);

            if (s->rc->connection->destroyed) {
                return;
            }

        } else {
            sl_rtsp_send_udp(st->udp[0], out, i, j);
        }
    }

    out->pos = out->start;
    out->npkts = 0;
}


sl_int_t
sl_rtsp_flush_pending(sl_rtsp_connection_t *rc)
{
    ssize_t              n;
    sl_queue_t          *q;
    sl_rtsp_session_t   *s;

    for (q = sl_queue_head(&rc->sessions);
         q != sl_queue_sentinel(&rc->sessions);
         q = sl_queue_next(q))
    {
        s = sl_queue_data(q, sl_rtsp_session_t, queue);

        while (s->pending_pos < s->pending_len) {
            n = sl_send(rc->connection, s->pending + s->pending_pos,
                        s->pending_len - s->pending_pos);

            if (n == SL_AGAIN) {
                return SL_AGAIN;
            }

            if (n == SL_ERROR) {
                return SL_ERROR;
            }

            s->pending_pos += n;
        }

        if (s->pending) {
            sl_free(s->pending);
            s->pending = NULL;
            s->pending_pos = 0;
            s->pending_len = 0;
        }
    }

    return SL_OK;
}


static u_char *
sl_rtsp_put32(u_char *p, uint32_t v)
{
    p[0] = (u_char) (v >> 24);
    p[1] = (u_char) (v >> 16);
    p[2] = (u_char) (v >> 8);
    p[3] = (u_char) v;

    return p + 4;
}


/*
 * RTCP (RFC 3550 §6.4.1, §6.5, §6.6): a sender report with the stream's
 * counts and a CNAME, and a BYE when bye is set, per stream.
 */
void
sl_rtsp_send_rtcp(sl_rtsp_session_t *s, sl_uint_t bye)
{
    u_char            *p, buf[64];
    uint32_t           ntp_sec, ntp_frac, ts;
    sl_uint_t          i;
    struct iovec       iov[2];
    sl_rtsp_stream_t  *st;
    struct timeval     tv;
    u_char             hdr[4];

    gettimeofday(&tv, NULL);
    ntp_sec = (uint32_t) tv.tv_sec + 2208988800u;
    ntp_frac = (uint32_t) (((uint64_t) tv.tv_usec << 32) / 1000000);

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        st = &s->streams[i];

        if (!st->setup) {
            continue;
        }

        ts = (s->state == SL_RTSP_PLAYING)
             ? sl_rtp_timestamp(&st->rtp, s->live ? sl_rtsp_live_clock(s)
                                                  : sl_rtsp_media_clock(s),
                                1000)
             : st->rtp.last_ts;

        p = buf;

        p = sl_rtsp_put32(p, 0x80c80006);        /* SR, no report blocks */
        p = sl_rtsp_put32(p, st->rtp.ssrc);
        p = sl_rtsp_put32(p, ntp_sec);
        p = sl_rtsp_put32(p, ntp_frac);
        p = sl_rtsp_put32(p, ts);
        p = sl_rtsp_put32(p, st->rtp.packets);
        p = sl_rtsp_put32(p, st->rtp.octets);

        /* SDES, one chunk: CNAME "sluice", an end item, padding */
        p = sl_rtsp_put32(p, 0x81ca0004);
        p = sl_rtsp_put32(p, st->rtp.ssrc);
        p = sl_cpymem(p, "\x01\x06sluice\x00\x00\x00\x00", 12);

        if (bye) {
            p = sl_rtsp_put32(p, 0x81cb0001);
            p = sl_rtsp_put32(p, st->rtp.ssrc);
        }

        if (!st->tcp) {
            if (st->udp[1] && send(st->udp[1]->fd, buf, p - buf, 0) == -1
                && errno != EAGAIN && errno != ECONNREFUSED)
            {
                sl_log_error(SL_LOG_INFO, s->log, errno, "RTCP send failed");
            }

            continue;
        }

        if (s->rc->connection->destroyed) {
            continue;
        }

        hdr[0] = '$';
        hdr[1] = st->channel + 1;
        hdr[2] = 0;
        hdr[3] = (u_char) (p - buf);

        iov[0].iov_base = hdr;
        iov[0].iov_len = 4;
        iov[1].iov_base = buf;
        iov[1].iov_len = p - buf;

        /* reports are small: behind a backlog they wait their turn */
        if (sl_rtsp_keep_pending(s, iov, 2, 0) == SL_OK) {
            (void) sl_rtsp_flush_pending(s->rc);
        }
    }
}
void
sl_rtsp_stop_playing(sl_rtsp_session_t *s)
{
    if (s->state == SL_RTSP_PLAYING) {
        sl_queue_remove(&s->playing);
        sl_queue_init(&s->playing);
        s->state = SL_RTSP_READY;
    }
}
