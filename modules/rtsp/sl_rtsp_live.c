/*
 * RTSP players of a live stream.  DESCRIBE and SETUP see the stream's
 * tracks as they see a file's; PLAY subscribes the session to the
 * worker's RTP sink for its set of tracks and channels.  The sink
 * packetizes each unit once and keeps the packets framed for
 * interleaving ('$', channel, length): TCP sessions write the frames as
 * they are, UDP sessions send each frame's packet to their ports.  All
 * sessions of a sink share its SSRC, sequence numbers and timestamps;
 * RTP-Info tells each where it joins.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>

#include <sys/random.h>


#define SL_RTSP_LIVE_WRITE     (64 * 1024)   /* bytes per writev */
#define SL_RTSP_LIVE_MMSG      64            /* datagrams per sendmmsg */
#define SL_RTSP_LIVE_UDP       0xfe          /* channel map of UDP sinks */

typedef struct {
    sl_rtp_stream_t          rtp[SL_MEDIA_MAX_TRACKS];
    const sl_rtp_payload_t  *payload[SL_MEDIA_MAX_TRACKS];
    u_char                   channel[SL_MEDIA_MAX_TRACKS];  /* 0xff: no */
    sl_int_t                 video;         /* whose keyframes join */
    sl_rtp_out_t            *out;

    /* at the last join point: each track's next seq and its RTP time of
       the join's instant (the same media time for every track) */
    uint16_t                 join_seq[SL_MEDIA_MAX_TRACKS];
    uint32_t                 join_ts[SL_MEDIA_MAX_TRACKS];
    sl_int_t                 join_track;

    /* the stream's clock: the latest media ms converted, and when */
    int64_t                  clock_ms;
    sl_msec_t                clock_wall;
} sl_rtsp_live_sink_t;


static sl_int_t sl_rtsp_live_sink_init(sl_live_sink_t *sk,
    const sl_live_desc_t *desc);
static sl_int_t sl_rtsp_live_convert(sl_live_sink_t *sk,
    const sl_ring_unit_t *u);
static sl_int_t sl_rtsp_live_send(sl_live_sub_t *sub);
static void sl_rtsp_live_report(sl_rtsp_session_t *s);
static sl_int_t sl_rtsp_live_send_tcp(sl_rtsp_session_t *s);
static sl_int_t sl_rtsp_live_send_udp(sl_rtsp_session_t *s);
static void sl_rtsp_live_end(sl_live_sub_t *sub, sl_live_end_e why);


static const sl_live_sink_type_t  sl_rtsp_live_sink = {
    "rtp", sl_rtsp_live_sink_init, sl_rtsp_live_convert, NULL,
    4 * 1024 * 1024, 20, 0
};


/*
 * The stream's tracks as a file's, for DESCRIBE and SETUP: SL_OK, or
 * 503 while no source is live.
 */
sl_int_t
sl_rtsp_live_media(sl_rtsp_connection_t *rc, sl_live_t *lv,
    sl_media_file_t *mf)
{
    u_char          *cfg;
    sl_uint_t        i;
    sl_live_desc_t   desc;

    if (sl_live_state(lv) == SL_LIVE_OFF
        || sl_live_describe(lv, &desc) != SL_OK)
    {
        sl_log_error(SL_LOG_INFO, rc->connection->log, 0,
                     "no source is live at \"%.*s\"", SL_STR_ARG(&lv->name));
        return 503;
    }

    mf->ntracks = desc.ntracks;
    mf->duration_msec = -1;
    mf->start_msec = 0;

    for (i = 0; i < desc.ntracks; i++) {
        mf->tracks[i] = desc.tracks[i];

        if (desc.tracks[i].config_len) {
            cfg = sl_pnalloc(mf->pool, desc.tracks[i].config_len);
            if (cfg == NULL) {
                return 500;
            }

            sl_memcpy(cfg, desc.tracks[i].config, desc.tracks[i].config_len);
            mf->tracks[i].config = cfg;
        }
    }

    return SL_OK;
}


/* the channel map of a session: its sink's variant */
static uint64_t
sl_rtsp_live_param(sl_rtsp_session_t *s)
{
    uint64_t           param;
    sl_uint_t          i;
    sl_rtsp_stream_t  *st;

    param = 0;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        st = &s->streams[i];

        param <<= 8;

        if (!st->setup) {
            param |= 0xff;

        } else if (st->tcp) {
            param |= st->channel;

        } else {
            param |= SL_RTSP_LIVE_UDP;
        }
    }

    return param;
}


void
sl_rtsp_live_play(sl_rtsp_connection_t *rc, sl_rtsp_session_t *s)
{
    u_char                *p, *last, hdr[2048];
    sl_int_t               rv;
    sl_uint_t              i, first;
    sl_live_sink_t        *sk;
    sl_rtsp_stream_t      *st;
    sl_rtsp_srv_conf_t    *rscf;
    sl_rtsp_live_sink_t   *ls;

    rscf = sl_rtsp_srv_conf(rc->connection);

    if (s->state != SL_RTSP_PLAYING) {
        s->sub.send = sl_rtsp_live_send;
        s->sub.end = sl_rtsp_live_end;
        s->sub.data = s;
        s->sub.send_timeout = rscf->send_timeout;

        rv = sl_live_subscribe(s->live, &s->sub, &sl_rtsp_live_sink,
                               sl_rtsp_live_param(s), s->log);

        if (rv != SL_OK) {
            sl_rtsp_respond(rc, rv == SL_DECLINED ? 503 : 500, NULL, NULL);
            return;
        }

        s->state = SL_RTSP_PLAYING;
    }

    sk = s->sub.sink;
    ls = sk->data;

    p = hdr;
    last = hdr + sizeof(hdr);

    p = sl_slprintf(p, last, "Range: npt=now-\r\nRTP-Info: ");
    first = 1;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        st = &s->streams[i];

        if (!st->setup) {
            continue;
        }

        /* RTCP goes with the sink's SSRC */
        st->rtp = ls->rtp[i];

        p = sl_slprintf(p, last, "%surl=%.*s/trackID=%lu;seq=%u",
                        first ? "" : ",", (int) sl_min(s->base.len, 400),
                        s->base.data, (unsigned long) i,
                        (unsigned) (s->sub.waiting ? ls->rtp[i].seq
                                                   : ls->join_seq[i]));

        /* every track's rtptime names the join's instant: players line
           the tracks up from it (ffmpeg, GStreamer) */
        if (!s->sub.waiting && ls->join_track != -1) {
            p = sl_slprintf(p, last, ";rtptime=%u",
                            (unsigned) ls->join_ts[i]);
        }

        first = 0;
    }

    p = sl_slprintf(p, last, "\r\n");
    p = sl_rtsp_session_header(s, p, last);

    if (p >= last - 1) {
        sl_rtsp_respond(rc, 500, NULL, NULL);
        return;
    }

    sl_rtsp_respond(rc, 200, (char *) hdr, NULL);

    sl_event_add_timer(&s->timeout, rscf->session_timeout);

    sl_log_error(SL_LOG_INFO, s->log, 0, "session %s joined \"%.*s\"",
                 s->id, SL_STR_ARG(&s->live->name));

    /* the reply first, then the media from the join point */
    sl_rtsp_flush(rc);

    if (!rc->connection->destroyed && s->sub.sink) {
        (void) sl_rtsp_live_send(&s->sub);
    }
}


/*
 * The stream's media time now: the latest unit converted, moved on by
 * the time since.  Every track's report reads the same instant.
 */
int64_t
sl_rtsp_live_clock(sl_rtsp_session_t *s)
{
    sl_rtsp_live_sink_t  *ls;

    if (s->sub.sink == NULL) {
        return 0;
    }

    ls = s->sub.sink->data;

    return ls->clock_ms + (int64_t) (sl_current_msec - ls->clock_wall);
}


/* sender reports with the sink's counts (all its players share them) */
static void
sl_rtsp_live_report(sl_rtsp_session_t *s)
{
    sl_uint_t             i;
    sl_rtsp_live_sink_t  *ls;

    ls = s->sub.sink->data;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        s->streams[i].rtp.packets = ls->rtp[i].packets;
        s->streams[i].rtp.octets = ls->rtp[i].octets;
    }

    sl_rtsp_send_rtcp(s, 0);
}


void
sl_rtsp_live_stop(sl_rtsp_session_t *s)
{
    if (s->sub.sink) {
        sl_live_unsubscribe(&s->sub);
    }

    if (s->state == SL_RTSP_PLAYING) {
        s->state = SL_RTSP_READY;
    }
}


static sl_int_t
sl_rtsp_live_send(sl_live_sub_t *sub)
{
    sl_rtsp_session_t     *s;
    sl_rtsp_connection_t  *rc;

    s = sub->data;
    rc = s->rc;

    if (rc->connection->close || rc->connection->destroyed) {
        return SL_ERROR;
    }

    /* sender reports, the first at once: the tracks' RTP times of one
       instant, for players that line tracks up by RTCP (RFC 3550 §6.4.1) */
    if (!sub->waiting
        && (s->last_rtcp == 0
            || sl_current_msec - s->last_rtcp >= SL_RTSP_RTCP_INTERVAL))
    {
        s->last_rtcp = sl_current_msec;
        sl_rtsp_live_report(s);

        if (rc->connection->destroyed) {
            return SL_ERROR;
        }
    }

    /* a frame cut by the last write, or RTCP, goes first */
    if (s->pending_len) {
        switch (sl_rtsp_flush_pending(rc)) {
        case SL_OK:
            break;
        case SL_AGAIN:
            return SL_AGAIN;
        default:
            sl_rtsp_drop(rc->connection);
            return SL_ERROR;
        }
    }

    /* responses queued: they go at a frame boundary, now */
    if (rc->out_len) {
        sl_rtsp_flush(rc);

        if (rc->connection->destroyed || rc->out_len) {
            return SL_AGAIN;
        }
    }

    return s->live_tcp ? sl_rtsp_live_send_tcp(s) : sl_rtsp_live_send_udp(s);
}


/* the end of the frame at or after pos, walking from a frame start */
static uint64_t
sl_rtsp_live_frame_end(sl_live_sink_t *sk, uint64_t from, uint64_t pos)
{
    u_char    hb[4], *h;
    uint64_t  f;

    f = from;

    while (f < pos) {
        h = sl_live_sink_peek(sk, f, 4, hb);
        if (h == NULL) {
            break;
        }

        f += 4 + ((size_t) h[2] << 8 | h[3]);
    }

    return f;
}


/*
 * Whole frames up to SL_RTSP_LIVE_WRITE bytes per writev.  A write that
 * stops inside a frame leaves the rest of that frame in the session's
 * pending bytes, so that what follows (a response, RTCP, the next
 * frames) starts at a frame boundary.
 */
static sl_int_t
sl_rtsp_live_send_tcp(sl_rtsp_session_t *s)
{
    u_char            hb[4], *h;
    size_t            want, done;
    ssize_t           n;
    uint64_t          start, end, fe;
    sl_uint_t         niov;
    struct iovec      iov[2];
    sl_live_sink_t   *sk;
    sl_connection_t  *c;

    sk = s->sub.sink;
    c = s->rc->connection;

    for ( ;; ) {
        start = s->sub.pos;

        if (s->sub.waiting || start >= sk->head) {
            return SL_OK;
        }

        /* whole frames, at least one */
        end = start;

        while (end < sk->head && end - start < SL_RTSP_LIVE_WRITE) {
            h = sl_live_sink_peek(sk, end, 4, hb);
            if (h == NULL) {
                break;
            }

            end += 4 + ((size_t) h[2] << 8 | h[3]);
        }

        niov = sl_live_sub_iov(&s->sub, iov, 2, end - start);
        if (niov == 0) {
            return SL_OK;
        }

        want = iov[0].iov_len + (niov > 1 ? iov[1].iov_len : 0);

        n = sl_writev(c, iov, (int) niov);

        if (n == SL_AGAIN) {
            return SL_AGAIN;
        }

        if (n == SL_ERROR) {
            sl_rtsp_drop(c);
            return SL_ERROR;
        }

        done = (size_t) n;
        sl_live_sub_advance(&s->sub, done);

        if (done == want) {
            continue;
        }

        /* cut inside a frame: its rest waits in pending */
        fe = sl_rtsp_live_frame_end(sk, start, s->sub.pos);

        if (fe > s->sub.pos) {
            niov = sl_live_sub_iov(&s->sub, iov, 2, fe - s->sub.pos);

            if (sl_rtsp_keep_pending(s, iov, niov, 0) != SL_OK) {
                sl_rtsp_drop(c);
                return SL_ERROR;
            }

            sl_live_sub_advance(&s->sub, fe - s->sub.pos);
        }

        return SL_AGAIN;
    }
}


/* each frame's packet to the port of its track, sendmmsg per run */
static sl_int_t
sl_rtsp_live_send_udp(sl_rtsp_session_t *s)
{
    int                fd, cur;
    u_char            *h, *d, hb[4];
    size_t             len;
    sl_uint_t          n, track, i;
    uint64_t           pos;
    sl_live_sink_t    *sk;
    sl_rtsp_stream_t  *st;
    struct iovec       iov[SL_RTSP_LIVE_MMSG];
    struct mmsghdr     msg[SL_RTSP_LIVE_MMSG];
    u_char             copy[SL_RTSP_LIVE_MMSG][SL_RTP_HEADER_SIZE
                                               + SL_RTP_MAX_PAYLOAD + 64];

    sk = s->sub.sink;

    for ( ;; ) {
        pos = s->sub.pos;

        if (s->sub.waiting || pos >= sk->head) {
            return SL_OK;
        }

        n = 0;
        cur = -1;

        while (pos < sk->head && n < SL_RTSP_LIVE_MMSG) {
            h = sl_live_sink_peek(sk, pos, 4, hb);
            if (h == NULL) {
                break;
            }

            len = (size_t) h[2] << 8 | h[3];
            track = h[1] / 2;
            st = (track < SL_MEDIA_MAX_TRACKS) ? &s->streams[track] : NULL;
            fd = (st && st->setup && st->udp[0]) ? st->udp[0]->fd : -1;

            if (fd == -1 || len > sizeof(copy[0])) {
                pos += 4 + len;
                continue;
            }

            if (cur != -1 && fd != cur) {
                break;
            }

            d = sl_live_sink_peek(sk, pos + 4, len, copy[n]);
            if (d == NULL) {
                break;
            }

            cur = fd;
            iov[n].iov_base = d;
            iov[n].iov_len = len;
            sl_memzero(&msg[n], sizeof(struct mmsghdr));
            msg[n].msg_hdr.msg_iov = &iov[n];
            msg[n].msg_hdr.msg_iovlen = 1;
            n++;

            pos += 4 + len;
        }

        if (n) {
            for (i = 0; i < n; ) {
                int  k = sendmmsg(cur, &msg[i], n - i, 0);

                if (k <= 0) {
                    /* a full socket buffer or an ICMP: datagrams drop */
                    break;
                }

                i += k;
            }
        }

        sl_live_sub_advance(&s->sub, pos - s->sub.pos);
    }
}


static void
sl_rtsp_live_end(sl_live_sub_t *sub, sl_live_end_e why)
{
    sl_rtsp_session_t  *s;

    s = sub->data;

    sl_live_unsubscribe(sub);

    if (why == SL_LIVE_END_SLOW) {
        sl_log_error(SL_LOG_INFO, s->log, 0,
                     "client does not keep up: dropped after send_timeout");
        sl_rtsp_drop(s->rc->connection);
        return;
    }

    sl_log_error(SL_LOG_INFO, s->log, 0, "session %s: %s, BYE sent", s->id,
                 why == SL_LIVE_END_TRACKS ? "the new source's tracks differ"
                                           : "the source is gone");

    s->state = SL_RTSP_READY;
    sl_rtsp_send_rtcp(s, 1);
}


/* a sink for one channel map: an RTP stream per track it carries */
static sl_int_t
sl_rtsp_live_sink_init(sl_live_sink_t *sk, const sl_live_desc_t *desc)
{
    uint32_t              rnd;
    sl_uint_t             i;
    sl_rtsp_live_sink_t  *ls;

    ls = sk->data;

    if (ls == NULL) {
        ls = sl_pcalloc(sk->pool, sizeof(sl_rtsp_live_sink_t));
        if (ls == NULL) {
            return SL_ERROR;
        }

        ls->out = sl_pcalloc(sk->pool, sizeof(sl_rtp_out_t));
        if (ls->out == NULL) {
            return SL_ERROR;
        }

        ls->out->start = sl_pnalloc(sk->pool, SL_RTP_MAX_PACKETS
                                    * (SL_RTP_HEADER_SIZE
                                       + SL_RTP_MAX_PAYLOAD + 16));
        if (ls->out->start == NULL) {
            return SL_ERROR;
        }

        ls->out->end = ls->out->start + SL_RTP_MAX_PACKETS
                       * (SL_RTP_HEADER_SIZE + SL_RTP_MAX_PAYLOAD + 16);

        for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
            if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
                rnd = (uint32_t) (sl_current_msec * 2654435761u + i);
            }

            ls->rtp[i].ssrc = rnd;
            ls->rtp[i].seq = (uint16_t) (rnd >> 7);
            ls->rtp[i].ts_base = rnd * 2654435761u;
        }

        sk->data = ls;
    }

    ls->video = -1;
    ls->join_track = -1;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        ls->channel[i] = (u_char) (sk->param >> (8 * (7 - i)));
        ls->payload[i] = NULL;

        if (ls->channel[i] == 0xff) {
            continue;
        }

        if (i >= desc->ntracks) {
            return SL_DECLINED;
        }

        ls->payload[i] = sl_rtp_payload(desc->tracks[i].codec);
        if (ls->payload[i] == NULL) {
            return SL_DECLINED;
        }

        if (ls->channel[i] == SL_RTSP_LIVE_UDP) {
            ls->channel[i] = (u_char) (2 * i);
        }

        ls->rtp[i].pt = sl_sdp_payload_type(ls->payload[i], i);
        ls->rtp[i].clock_rate = ls->payload[i]->clock_rate(&desc->tracks[i]);
        ls->rtp[i].max_payload = SL_RTP_MAX_PAYLOAD;

        if (ls->video == -1 && (desc->tracks[i].codec == SL_CODEC_H264
                                || desc->tracks[i].codec == SL_CODEC_MP2T))
        {
            ls->video = (sl_int_t) i;
        }
    }

    return SL_OK;
}


/*
 * One unit into packets, each framed for interleaving.  A video
 * keyframe (or, without video, any unit) starts a join point.
 */
static sl_int_t
sl_rtsp_live_convert(sl_live_sink_t *sk, const sl_ring_unit_t *u)
{
    int64_t                 ms;
    u_char                  hdr[4];
    sl_int_t                rc;
    sl_uint_t               i, join;
    sl_media_unit_t         mu;
    sl_rtp_out_t           *out;
    sl_rtsp_live_sink_t    *ls;
    const sl_live_desc_t   *desc;

    ls = sk->data;
    desc = sl_live_sink_desc(sk);

    if (u->track >= SL_MEDIA_MAX_TRACKS || ls->payload[u->track] == NULL) {
        return SL_OK;
    }

    join = (ls->video == -1) ? 1 : ((sl_int_t) u->track == ls->video
                                    && u->keyframe);

    sl_live_media_unit(u, &mu);

    out = ls->out;
    out->pos = out->start;
    out->npkts = 0;

    rc = ls->payload[u->track]->packetize(&ls->rtp[u->track],
                                          &desc->tracks[u->track], &mu, out);

    if (rc != SL_OK || out->npkts == 0) {
        sl_log_error(SL_LOG_WARN, sl_cycle->log, 0,
                     "a live unit of %zu bytes cannot be sent over RTP",
                     u->len);
        return SL_ERROR;
    }

    /*
     * The clock runs on the latest presentation time (what H.264 and AAC
     * packets carry; B-frames come before later ones), back with a
     * source whose time starts again.
     */
    ms = sl_media_to_msec(mu.pts, desc->tracks[u->track].timescale);

    if (ms > ls->clock_ms || ms < ls->clock_ms - 1000
        || ls->clock_wall == 0)
    {
        ls->clock_ms = ms;
        ls->clock_wall = sl_current_msec;
    }

    if (join) {
        for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
            ls->join_seq[i] = ls->rtp[i].seq;
            ls->join_ts[i] = sl_rtp_timestamp(&ls->rtp[i], ms, 1000);
        }

        ls->join_seq[u->track] = (uint16_t) (ls->rtp[u->track].seq
                                             - out->npkts);
        ls->join_ts[u->track] = sl_rtp_timestamp(&ls->rtp[u->track], mu.pts,
                                            desc->tracks[u->track].timescale);
        ls->join_track = (sl_int_t) u->track;
    }

    for (i = 0; i < out->npkts; i++) {
        hdr[0] = '$';
        hdr[1] = ls->channel[u->track];
        hdr[2] = (u_char) (out->pkt[i].len >> 8);
        hdr[3] = (u_char) out->pkt[i].len;

        if (sl_live_sink_append(sk, hdr, 4, join && i == 0) != SL_OK
            || sl_live_sink_append(sk, out->start + out->pkt[i].off,
                                   out->pkt[i].len, 0) != SL_OK)
        {
            return SL_ERROR;
        }
    }

    return SL_OK;
}
