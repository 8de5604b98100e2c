/*
 * RTSP sessions (RFC 2326 §10): DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN
 * and keep-alives; a session's file, streams, ports and timeout.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>
#include <sys/random.h>


static void sl_rtsp_destroy_session(sl_rtsp_session_t *s);
static void sl_rtsp_session_timeout(sl_event_t *ev);
static void sl_rtsp_udp_read(sl_event_t *ev);


static uint32_t       sl_rtsp_session_n;

/* this worker's slice of rtp_port_range, as pairs (even RTP, odd RTCP) */
static sl_uint_t      sl_rtsp_port_base;
static sl_uint_t      sl_rtsp_port_pairs;
static sl_uint_t      sl_rtsp_port_next;
static u_char        *sl_rtsp_port_used;


sl_int_t
sl_rtsp_init_worker(sl_cycle_t *cycle)
{
    sl_uint_t                 pairs, workers;
    sl_core_conf_t           *ccf;
    sl_rtsp_main_conf_t      *rmcf;
    sl_streaming_conf_ctx_t  *ctx;

    if (sl_rtsp_play_init(cycle) != SL_OK) {
        return SL_ERROR;
    }

    ctx = (sl_streaming_conf_ctx_t *)
              cycle->conf_ctx[sl_streaming_module.index];
    if (ctx == NULL) {
        return SL_OK;
    }

    rmcf = ctx->main_conf[sl_rtsp_module.ctx_index];
    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    /* each worker binds its own ports: no two workers ever race for one */
    workers = (sl_uint_t) ccf->worker_processes;
    pairs = (rmcf->port_hi - rmcf->port_lo + 1) / 2;

    sl_rtsp_port_pairs = pairs / workers;
    sl_rtsp_port_base = rmcf->port_lo + 2 * sl_rtsp_port_pairs * sl_worker;
    sl_rtsp_port_next = 0;

    sl_rtsp_port_used = sl_calloc(sl_rtsp_port_pairs + 1, cycle->log);
    if (sl_rtsp_port_used == NULL) {
        return SL_ERROR;
    }

    return SL_OK;
}


/* "/vod/a.mp4/trackID=2" -> "/vod/a.mp4" and 2; -1 when no control */
sl_int_t
sl_rtsp_split_control(sl_str_t *path)
{
    u_char    *p, *last;
    sl_int_t   n;

    last = path->data + path->len;

    for (p = last; p > path->data && p[-1] != '/'; p--) { /* void */ }

    if (last - p <= 8 || sl_strncmp(p, "trackID=", 8) != 0) {
        return -1;
    }

    n = sl_atoi(p + 8, last - p - 8);
    if (n == SL_ERROR || n >= SL_MEDIA_MAX_TRACKS) {
        return -1;
    }

    path->len = p - 1 - path->data;

    return n;
}


/*
 * A track control after the query: players append ours to a URL with a
 * query as it was given ("/a.mp4?token=x/trackID=1"), and the path,
 * which ends at "?", lost it.  N, or -1 when there is none.
 */
sl_int_t
sl_rtsp_query_control(const sl_str_t *uri)
{
    u_char    *q, *last;
    sl_str_t   rest;

    last = uri->data + uri->len;

    for (q = uri->data; q < last && *q != '?' && *q != '#'; q++) {
        /* void */
    }

    if (q == last || *q != '?') {
        return -1;
    }

    rest.data = q;
    rest.len = last - q;

    return sl_rtsp_split_control(&rest);
}


/*
 * A URL ending in a track control, "rtsp://h/vod/a.mp3/trackID=0" (or
 * "...?token=x/trackID=0"): base is set to the URL up to the "/" before
 * it, "rtsp://h/vod/a.mp3/", the Content-Base of our DESCRIBE, and
 * points into uri.  SL_OK, or SL_DECLINED (base untouched) when the URL
 * has no control.
 */
sl_int_t
sl_rtsp_control_base(const sl_str_t *uri, sl_str_t *base)
{
    u_char  *p, *last;

    last = uri->data + uri->len;

    for (p = last; p > uri->data && p[-1] != '/'; p--) { /* void */ }

    if (last - p <= 8 || sl_strncmp(p, "trackID=", 8) != 0) {
        return SL_DECLINED;
    }

    base->data = uri->data;
    base->len = p - uri->data;

    return SL_OK;
}


/* the request URL without a "/trackID=N" control, for RTP-Info */
static sl_int_t
sl_rtsp_base_url(sl_pool_t *pool, const sl_str_t *uri, sl_str_t *base)
{
    base->len = uri->len;
    (void) sl_rtsp_control_base(uri, base);

    while (base->len && uri->data[base->len - 1] == '/') {
        base->len--;
    }

    base->data = sl_pnalloc(pool, base->len);
    if (base->data == NULL) {
        return SL_ERROR;
    }

    sl_memcpy(base->data, uri->data, base->len);

    return SL_OK;
}


/* RFC 2326 §12.37: "Session: id;timeout=60" in every reply of a session */
u_char *
sl_rtsp_session_header(sl_rtsp_session_t *s, u_char *p, u_char *last)
{
    sl_rtsp_srv_conf_t  *rscf;

    rscf = sl_rtsp_srv_conf(s->rc->connection);

    return sl_slprintf(p, last, "Session: %s;timeout=%lu\r\n", s->id,
                       (unsigned long) (rscf->session_timeout / 1000));
}


void
sl_rtsp_describe(sl_rtsp_connection_t *rc)
{
    u_char           *p, *last, hdr[2048];
    sl_int_t          rv;
    sl_str_t          sdp, base;
    sl_live_t        *lv;
    sl_media_file_t   mf;
    sl_connection_t  *c;
    struct sockaddr_storage  local;
    socklen_t        len;

    c = rc->connection;

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = SL_INVALID_FILE;
    mf.pool = rc->sr.pool;
    mf.log = c->log;

    lv = sl_streaming_live(&rc->sr);

    rv = lv ? sl_rtsp_live_media(rc, lv, &mf)
            : sl_streaming_open_media(&rc->sr, &mf);
    if (rv != SL_OK) {
        sl_rtsp_respond(rc, rv, NULL, NULL);
        return;
    }

    len = sizeof(local);
    if (getsockname(c->fd, (struct sockaddr *) &local, &len) == -1) {
        sl_memcpy(&local, &c->listening->sockaddr, c->listening->socklen);
    }

    rv = sl_sdp_describe(rc->sr.pool, &mf, &rc->sr.path,
                         (struct sockaddr *) &local, lv != NULL, &sdp);

    sl_media_close(&mf);

    if (rv != SL_OK) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     rv == SL_DECLINED ? "no track of the file can be sent"
                                       : "cannot describe the file");
        sl_rtsp_respond(rc, rv == SL_DECLINED ? 415 : 500, NULL, NULL);
        return;
    }

    if (sl_rtsp_base_url(rc->sr.pool, &rc->req->uri, &base) != SL_OK) {
        sl_rtsp_respond(rc, 500, NULL, NULL);
        return;
    }

    p = hdr;
    last = hdr + sizeof(hdr);

    p = sl_slprintf(p, last, "Content-Base: %.*s/\r\n"
                    "Content-Type: application/sdp\r\n",
                    (int) sl_min(base.len, 1500), base.data);

    if (p >= last - 1) {
        sl_rtsp_respond(rc, 414, NULL, NULL);
        return;
    }

    sl_rtsp_respond(rc, 200, (char *) hdr, &sdp);
}


/* an even/odd pair of this worker's ports, bound; SL_ERROR when none */
static sl_int_t
sl_rtsp_bind_pair(sl_rtsp_stream_t *st, const struct sockaddr *local,
    socklen_t len, int *fds)
{
    int                      on;
    sl_uint_t                i, k, pair;
    struct sockaddr_storage  sa;

    for (i = 0; i < sl_rtsp_port_pairs; i++) {
        pair = (sl_rtsp_port_next + i) % sl_rtsp_port_pairs;

        if (sl_rtsp_port_used[pair]) {
            continue;
        }

        for (k = 0; k < 2; k++) {
            fds[k] = socket(local->sa_family,
                            SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fds[k] == -1) {
                sl_log_error(SL_LOG_ALERT, st->session->log, errno,
                             "socket(SOCK_DGRAM) failed");
                if (k) {
                    (void) close(fds[0]);
                }

                return SL_ERROR;
            }

            if (local->sa_family == AF_INET6) {
                on = 0;
                (void) setsockopt(fds[k], IPPROTO_IPV6, IPV6_V6ONLY, &on,
                                  sizeof(int));
            }

            sl_memcpy(&sa, local, len);
            ((struct sockaddr_in *) &sa)->sin_port =
                htons((in_port_t) (sl_rtsp_port_base + 2 * pair + k));

            if (bind(fds[k], (struct sockaddr *) &sa, len) == -1) {
                (void) close(fds[k]);
                if (k) {
                    (void) close(fds[0]);
                }

                break;
            }
        }

        if (k < 2) {
            continue;       /* taken by another program: try the next */
        }

        sl_rtsp_port_used[pair] = 1;
        sl_rtsp_port_next = pair + 1;
        st->server_port = (in_port_t) (sl_rtsp_port_base + 2 * pair);

        return SL_OK;
    }

    return SL_ERROR;
}


static void
sl_rtsp_release_pair(in_port_t port)
{
    sl_uint_t  pair;

    pair = (port - sl_rtsp_port_base) / 2;

    if (pair < sl_rtsp_port_pairs) {
        sl_rtsp_port_used[pair] = 0;
    }
}


/*
 * UDP delivery for st: binds a port pair and connects it to the client's
 * ports at the address of the control connection (never elsewhere).
 */
static sl_int_t
sl_rtsp_setup_udp(sl_rtsp_stream_t *st, sl_rtsp_connection_t *rc,
    const sl_rtsp_transport_t *t)
{
    int                      fds[2];
    sl_uint_t                k;
    socklen_t                len;
    sl_connection_t         *c, *uc;
    struct sockaddr_storage  local, peer;

    c = rc->connection;

    len = sizeof(local);
    if (getsockname(c->fd, (struct sockaddr *) &local, &len) == -1) {
        sl_log_error(SL_LOG_ALERT, c->log, errno, "getsockname() failed");
        return 500;
    }

    if (sl_rtsp_bind_pair(st, (struct sockaddr *) &local, len, fds)
        != SL_OK)
    {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "no free port pair left in rtp_port_range");
        return 453;
    }

    st->client_port[0] = (in_port_t) t->client_port[0];
    st->client_port[1] = (in_port_t) t->client_port[1];

    for (k = 0; k < 2; k++) {
        sl_memcpy(&peer, &c->sockaddr, c->socklen);
        ((struct sockaddr_in *) &peer)->sin_port = htons(st->client_port[k]);

        if (connect(fds[k], (struct sockaddr *) &peer, c->socklen) == -1) {
            sl_log_error(SL_LOG_ERR, c->log, errno, "connect() UDP failed");
            goto failed;
        }

        uc = sl_get_connection(fds[k], st->session->log);
        if (uc == NULL) {
            goto failed;
        }

        fds[k] = SL_INVALID_FILE;
        st->udp[k] = uc;

        uc->data = st;
        uc->log = st->session->log;
        uc->read->log = uc->log;
        uc->write->log = uc->log;
        uc->read->handler = sl_rtsp_udp_read;
        uc->write->handler = sl_rtsp_udp_read;

        if (sl_event_add_conn(uc) != SL_OK) {
            goto failed;
        }
    }

    return SL_OK;

failed:

    for (k = 0; k < 2; k++) {
        if (st->udp[k]) {
            sl_close_connection(st->udp[k]);
            st->udp[k] = NULL;

        } else if (fds[k] != SL_INVALID_FILE) {
            (void) close(fds[k]);
        }
    }

    sl_rtsp_release_pair(st->server_port);

    return 500;
}


static sl_rtsp_session_t *
sl_rtsp_create_session(sl_rtsp_connection_t *rc, sl_int_t *status)
{
    uint32_t             rnd;
    sl_int_t             rv;
    sl_pool_t           *pool;
    sl_connection_t     *c;
    sl_rtsp_session_t   *s;

    c = rc->connection;

    pool = sl_create_pool(2048, c->log);
    if (pool == NULL) {
        *status = 500;
        return NULL;
    }

    s = sl_pcalloc(pool, sizeof(sl_rtsp_session_t));
    if (s == NULL) {
        sl_destroy_pool(pool);
        *status = 500;
        return NULL;
    }

    s->pool = pool;
    s->log = c->log;
    s->rc = rc;

    s->mf.fd = SL_INVALID_FILE;
    s->mf.pool = pool;
    s->mf.log = c->log;

    s->live = sl_streaming_live(&rc->sr);

    if (rc->record) {
        /* an encoder's first SETUP: its announced tracks */
        s->record = rc->record;
        rc->record = NULL;
        sl_memcpy(s->mf.tracks, s->record->tracks,
                  sizeof(s->record->tracks));
        s->mf.ntracks = s->record->ntracks;
        s->mf.duration_msec = -1;
        rv = SL_OK;

    } else {
        rv = s->live ? sl_rtsp_live_media(rc, s->live, &s->mf)
                     : sl_streaming_open_media(&rc->sr, &s->mf);
    }
    if (rv != SL_OK) {
        sl_destroy_pool(pool);
        *status = rv;
        return NULL;
    }

    if (sl_rtsp_base_url(pool, &rc->req->uri, &s->base) != SL_OK) {
        sl_media_close(&s->mf);
        sl_destroy_pool(pool);
        *status = 500;
        return NULL;
    }

    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
        rnd = (uint32_t) (sl_current_msec * 2654435761u);
    }

    (void) snprintf((char *) s->id, sizeof(s->id), "%08x%08x", rnd,
                    ++sl_rtsp_session_n);

    s->timeout.handler = sl_rtsp_session_timeout;
    s->timeout.data = s;
    s->timeout.log = s->log;
    s->timeout.cancelable = 1;

    sl_queue_init(&s->playing);
    sl_queue_insert_tail(&rc->sessions, &s->queue);

    sl_log_error(SL_LOG_INFO, c->log, 0, "session %s created", s->id);

    return s;
}


void
sl_rtsp_setup(sl_rtsp_connection_t *rc)
{
    u_char               *p, *last, hdr[512];
    uint32_t              rnd;
    sl_int_t              track, status;
    sl_uint_t             i, n, recording;
    sl_queue_t           *q;
    const sl_str_t       *v;
    sl_connection_t      *c;
    sl_rtsp_stream_t     *st;
    sl_rtsp_session_t    *s;
    sl_rtsp_srv_conf_t   *rscf;
    sl_rtsp_transport_t   t;

    c = rc->connection;
    rscf = sl_rtsp_srv_conf(c);
    track = rc->track;

    v = sl_rtsp_find_header(rc->req, "Transport");
    if (v == NULL) {
        sl_rtsp_respond(rc, 461, NULL, NULL);
        return;
    }

    status = sl_rtsp_parse_transport(v, c->ssl != NULL, &t);
    if (status != SL_OK) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "client asked for no usable transport: \"%.*s\"",
                     SL_STR_ARG(v));
        sl_rtsp_respond(rc, status, NULL, NULL);
        return;
    }

    /* mode=record after an ANNOUNCE, and only then */
    recording = (rc->record != NULL);

    if (!recording && sl_rtsp_find_header(rc->req, "Session")) {
        s = sl_rtsp_find_session(rc);
        recording = (s && s->record);
    }

    if (t.record != recording) {
        sl_rtsp_respond(rc, t.record ? 455 : 461, NULL, NULL);
        return;
    }

    if (!t.tcp) {
        /* RTP goes to the client that asked, and to no privileged port */
        if (t.has_destination
            && (t.destination.len != c->addr_text.len
                || sl_strncmp(t.destination.data, c->addr_text.data,
                              c->addr_text.len) != 0))
        {
            sl_log_error(SL_LOG_ERR, c->log, 0,
                         "refused RTP to \"%.*s\", not the client",
                         SL_STR_ARG(&t.destination));
            sl_rtsp_respond(rc, 403, NULL, NULL);
            return;
        }

        if (t.client_port[0] < 1024 || t.client_port[1] < 1024) {
            sl_log_error(SL_LOG_ERR, c->log, 0,
                         "refused client_port %d-%d below 1024",
                         t.client_port[0], t.client_port[1]);
            sl_rtsp_respond(rc, 461, NULL, NULL);
            return;
        }
    }

    if (sl_rtsp_find_header(rc->req, "Session")) {
        s = sl_rtsp_find_session(rc);
        if (s == NULL) {
            sl_rtsp_respond(rc, 454, NULL, NULL);
            return;
        }

        if (s->state == SL_RTSP_PLAYING) {
            sl_rtsp_respond(rc, 455, NULL, NULL);
            return;
        }

    } else {
        /* each session holds a file and ports: a few per player at most */
        n = 0;

        for (q = sl_queue_head(&rc->sessions);
             q != sl_queue_sentinel(&rc->sessions);
             q = sl_queue_next(q))
        {
            n++;
        }

        if (n >= SL_RTSP_MAX_SESSIONS) {
            sl_log_error(SL_LOG_ERR, c->log, 0,
                         "more than %d sessions on one connection refused",
                         SL_RTSP_MAX_SESSIONS);
            sl_rtsp_respond(rc, 453, NULL, NULL);
            return;
        }

        s = sl_rtsp_create_session(rc, &status);
        if (s == NULL) {
            sl_rtsp_respond(rc, status, NULL, NULL);
            return;
        }
    }

    if (s->record) {
        track = sl_rtsp_record_track(s->record, &rc->req->uri, track);
    }

    if (track == -1) {
        /* an aggregate SETUP makes sense for one track only */
        if (s->mf.ntracks != 1) {
            sl_rtsp_respond(rc, 459, NULL, NULL);
            goto failed;
        }

        track = 0;
    }

    if ((sl_uint_t) track >= s->mf.ntracks
        || sl_rtp_payload(s->mf.tracks[track].codec) == NULL)
    {
        sl_rtsp_respond(rc, 404, NULL, NULL);
        goto failed;
    }

    st = &s->streams[track];

    if (st->setup) {
        sl_rtsp_respond(rc, 455, NULL, NULL);
        goto failed;
    }

    /* a live session's tracks share one way: all interleaved or all UDP */
    if (s->live && s->nstreams && s->live_tcp != t.tcp) {
        sl_rtsp_respond(rc, 461, NULL, NULL);
        goto failed;
    }

    st->session = s;
    st->track = track;
    st->payload = sl_rtp_payload(s->mf.tracks[track].codec);

    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
        rnd = (uint32_t) sl_current_msec;
    }

    st->rtp.pt = sl_sdp_payload_type(st->payload, track);
    st->rtp.ssrc = rnd;
    st->rtp.seq = (uint16_t) (rnd >> 7);
    st->rtp.ts_base = rnd * 2654435761u;
    st->rtp.clock_rate = st->payload->clock_rate(&s->mf.tracks[track]);
    st->rtp.max_payload = SL_RTP_MAX_PAYLOAD;

    p = hdr;
    last = hdr + sizeof(hdr);

    if (t.tcp) {
        if (t.interleaved[0] == -2) {
            t.interleaved[0] = 2 * track;
            t.interleaved[1] = 2 * track + 1;
        }

        for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
            if (s->streams[i].setup && s->streams[i].tcp
                && (s->streams[i].channel == t.interleaved[0]
                    || s->streams[i].channel + 1 == t.interleaved[0]))
            {
                sl_rtsp_respond(rc, 461, NULL, NULL);
                goto failed;
            }
        }

        st->tcp = 1;
        st->channel = (u_char) t.interleaved[0];
        s->live_tcp = 1;

        p = sl_slprintf(p, last,
                        "Transport: RTP/AVP/TCP;unicast;interleaved=%d-%d",
                        st->channel, st->channel + 1);

    } else {
        status = sl_rtsp_setup_udp(st, rc, &t);
        if (status != SL_OK) {
            sl_rtsp_respond(rc, status, NULL, NULL);
            goto failed;
        }

        p = sl_slprintf(p, last,
                        "Transport: RTP/AVP;unicast;client_port=%d-%d;"
                        "server_port=%d-%d",
                        st->client_port[0], st->client_port[1],
                        st->server_port, st->server_port + 1);
    }

    /* a live session's SSRC is its sink's, known at PLAY only */
    if (s->record) {
        p = sl_slprintf(p, last, ";mode=record\r\n");

    } else if (s->live) {
        p = sl_slprintf(p, last, "\r\n");

    } else {
        p = sl_slprintf(p, last, ";ssrc=%08X\r\n", st->rtp.ssrc);
    }

    st->setup = 1;
    s->nstreams++;
    s->state = SL_RTSP_READY;

    p = sl_rtsp_session_header(s, p, last);

    sl_event_add_timer(&s->timeout, rscf->session_timeout);

    sl_rtsp_respond(rc, 200, (char *) hdr, NULL);
    return;

failed:

    if (s->nstreams == 0) {
        sl_rtsp_destroy_session(s);
    }
}


/* "npt=20-", "npt=20.5-30", "npt=now-", "npt=0:01:05-": start in ms */
static sl_int_t
sl_rtsp_parse_range(const sl_str_t *v, int64_t *start)
{
    int64_t        n, frac, scale;
    const u_char  *p, *last;

    p = v->data;
    last = v->data + v->len;

    if (v->len < 5 || sl_strncasecmp(p, (u_char *) "npt=", 4) != 0) {
        return SL_DECLINED;         /* smpte=, clock=: start from here */
    }

    p += 4;

    if (last - p >= 3 && sl_strncmp(p, "now", 3) == 0) {
        return SL_DECLINED;
    }

    n = 0;

    for ( ;; ) {
        if (p == last || *p < '0' || *p > '9') {
            return SL_ERROR;
        }

        while (p < last && *p >= '0' && *p <= '9') {
            if (n > 100000000) {
                return SL_ERROR;
            }

            n = n * 10 + (*p++ - '0');
        }

        /* h:m:s */
        if (p < last && *p == ':') {
            n *= 60;
            p++;
            continue;
        }

        break;
    }

    *start = n * 1000;

    if (p < last && *p == '.') {
        p++;
        frac = 0;
        scale = 1000;

        while (p < last && *p >= '0' && *p <= '9') {
            if (scale > 1) {
                scale /= 10;
                frac += (*p - '0') * scale;
            }

            p++;
        }

        *start += frac;
    }

    if (p == last || *p != '-') {
        return SL_ERROR;
    }

    return SL_OK;
}


void
sl_rtsp_play(sl_rtsp_connection_t *rc)
{
    u_char                        *p, *last, hdr[2048];
    int64_t                        start;
    sl_int_t                       rv, seek;
    sl_uint_t                      i, first;
    const sl_str_t                *v;
    sl_rtsp_stream_t              *st;
    sl_rtsp_session_t             *s;
    sl_rtsp_srv_conf_t            *rscf;
    sl_streaming_core_pp_conf_t   *ppcf;

    /* a session exists only once a SETUP succeeded: it is never in INIT */
    s = sl_rtsp_find_session(rc);
    if (s == NULL) {
        sl_rtsp_respond(rc, 454, NULL, NULL);
        return;
    }

    if (s->live) {
        sl_rtsp_live_play(rc, s);
        return;
    }

    rscf = sl_rtsp_srv_conf(rc->connection);
    ppcf = sl_streaming_get_module_pp_conf(&rc->sr, sl_streaming_core_module);

    start = (s->state == SL_RTSP_READY && s->play_msec)
            ? s->play_media : s->mf.start_msec;
    seek = (s->play_msec == 0) ? 0 : -1;

    v = sl_rtsp_find_header(rc->req, "Range");

    if (v) {
        rv = sl_rtsp_parse_range(v, &start);

        if (rv == SL_ERROR) {
            sl_rtsp_respond(rc, 457, NULL, NULL);
            return;
        }

        if (rv == SL_OK) {
            if (s->mf.duration_msec >= 0 && start > s->mf.duration_msec) {
                sl_rtsp_respond(rc, 457, NULL, NULL);
                return;
            }

            seek = 1;
        }
    }

    if (seek == 1 || (seek == 0 && start != 0)) {
        if (s->mf.format->seek(&s->mf, start) != SL_OK) {
            sl_log_error(SL_LOG_ERR, s->log, 0, "seek to %ld ms failed: %s",
                         (long) start, s->mf.error ? s->mf.error : "?");
            sl_rtsp_respond(rc, 457, NULL, NULL);
            return;
        }

        start = s->mf.start_msec;
        s->has_next = 0;
        s->eof = 0;
        s->bye_media = 0;
        s->bye_sent = 0;
    }

    s->play_media = start;
    s->play_msec = sl_current_msec;
    s->last_rtcp = 0;
    s->fast_start = ppcf->fast_start;
    s->fast_rate = ppcf->fast_start_rate;

    p = hdr;
    last = hdr + sizeof(hdr);

    if (s->mf.duration_msec >= 0) {
        p = sl_slprintf(p, last, "Range: npt=%ld.%03ld-%ld.%03ld\r\n",
                        (long) (start / 1000), (long) (start % 1000),
                        (long) (s->mf.duration_msec / 1000),
                        (long) (s->mf.duration_msec % 1000));

    } else {
        p = sl_slprintf(p, last, "Range: npt=%ld.%03ld-\r\n",
                        (long) (start / 1000), (long) (start % 1000));
    }

    /* RFC 2326 §12.33: the seq and rtptime of each stream's next packet */
    p = sl_slprintf(p, last, "RTP-Info: ");
    first = 1;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        st = &s->streams[i];

        if (!st->setup) {
            continue;
        }

        p = sl_slprintf(p, last, "%surl=%.*s/trackID=%lu;seq=%u;rtptime=%u",
                        first ? "" : ",", (int) sl_min(s->base.len, 400),
                        s->base.data, (unsigned long) i,
                        (unsigned) st->rtp.seq,
                        (unsigned) sl_rtp_timestamp(&st->rtp, start, 1000));
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

    /* the first packets go out now, after the reply, not a tick later */
    sl_rtsp_play_start(s);
}


void
sl_rtsp_pause(sl_rtsp_connection_t *rc)
{
    u_char              *p, hdr[256];
    sl_rtsp_session_t   *s;

    /* a session exists only once a SETUP succeeded: it is never in INIT */
    s = sl_rtsp_find_session(rc);
    if (s == NULL) {
        sl_rtsp_respond(rc, 454, NULL, NULL);
        return;
    }

    if (s->live) {
        sl_rtsp_live_stop(s);

    } else if (s->state == SL_RTSP_PLAYING) {
        s->play_media = sl_rtsp_media_clock(s);
        sl_rtsp_stop_playing(s);
    }

    p = sl_rtsp_session_header(s, hdr, hdr + sizeof(hdr));
    *p = '\0';

    sl_rtsp_respond(rc, 200, (char *) hdr, NULL);
}


void
sl_rtsp_teardown(sl_rtsp_connection_t *rc)
{
    sl_rtsp_session_t  *s;

    s = sl_rtsp_find_session(rc);
    if (s == NULL) {
        sl_rtsp_respond(rc, 454, NULL, NULL);
        return;
    }

    sl_rtsp_send_rtcp(s, 1);
    sl_rtsp_destroy_session(s);

    sl_rtsp_respond(rc, 200, NULL, NULL);
}


/* GET_PARAMETER / SET_PARAMETER: keep-alives (RFC 2326 §10.8) */
void
sl_rtsp_keepalive(sl_rtsp_connection_t *rc)
{
    u_char              *p, hdr[256];
    sl_rtsp_session_t   *s;

    if (sl_rtsp_find_header(rc->req, "Session") == NULL) {
        sl_rtsp_respond(rc, 200, NULL, NULL);
        return;
    }

    s = sl_rtsp_find_session(rc);
    if (s == NULL) {
        sl_rtsp_respond(rc, 454, NULL, NULL);
        return;
    }

    sl_event_add_timer(&s->timeout,
                       sl_rtsp_srv_conf(rc->connection)->session_timeout);

    p = sl_rtsp_session_header(s, hdr, hdr + sizeof(hdr));
    *p = '\0';

    sl_rtsp_respond(rc, 200, (char *) hdr, NULL);
}


/* the session named by the request's Session header, on this connection */
sl_rtsp_session_t *
sl_rtsp_find_session(sl_rtsp_connection_t *rc)
{
    size_t               n;
    sl_queue_t          *q;
    const sl_str_t      *v;
    sl_rtsp_session_t   *s;

    v = sl_rtsp_find_header(rc->req, "Session");
    if (v == NULL) {
        return NULL;
    }

    for (n = 0; n < v->len && v->data[n] != ';' && v->data[n] != ' '; n++) {
        /* void */
    }

    for (q = sl_queue_head(&rc->sessions);
         q != sl_queue_sentinel(&rc->sessions);
         q = sl_queue_next(q))
    {
        s = sl_queue_data(q, sl_rtsp_session_t, queue);

        if (n == 16 && sl_strncmp(s->id, v->data, 16) == 0) {
            return s;
        }
    }

    return NULL;
}


/*
 * Interleaved data from the client: an encoder's RTP; RTCP (receiver
 * reports, an encoder's sender reports) keeps its session alive
 */
void
sl_rtsp_interleaved_in(sl_rtsp_connection_t *rc, u_char channel,
    const u_char *data, size_t len)
{
    sl_uint_t            i;
    sl_queue_t          *q;
    sl_rtsp_session_t   *s;

    for (q = sl_queue_head(&rc->sessions);
         q != sl_queue_sentinel(&rc->sessions);
         q = sl_queue_next(q))
    {
        s = sl_queue_data(q, sl_rtsp_session_t, queue);

        for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
            if (s->record && s->streams[i].setup && s->streams[i].tcp
                && s->streams[i].channel == channel)
            {
                sl_rtsp_record_packet(s, i, data, len);
                return;
            }

            if (s->streams[i].setup && s->streams[i].tcp
                && s->streams[i].channel + 1 == channel)
            {
                sl_event_add_timer(&s->timeout,
                    sl_rtsp_srv_conf(rc->connection)->session_timeout);

                if (s->record) {
                    sl_rtsp_record_rtcp(s, i, data, len);
                }

                return;
            }
        }
    }
}


/* datagrams to our UDP ports: RTCP reports refresh the session */
static void
sl_rtsp_udp_read(sl_event_t *ev)
{
    ssize_t            n;
    sl_connection_t   *c;
    sl_rtsp_stream_t  *st;
    u_char             buf[2048];

    c = ev->data;
    st = c->data;

    if (ev->write) {
        return;
    }

    if (c->close) {
        /* shutdown: the session ends with its control connection */
        return;
    }

    for ( ;; ) {
        n = recv(c->fd, buf, sizeof(buf), 0);

        if (n == -1) {
            if (errno == EAGAIN || errno == EINTR) {
                break;
            }

            /* ECONNREFUSED: an ICMP port unreachable from the client */
            break;
        }

        if (c == st->udp[0] && st->session->record) {
            sl_rtsp_record_packet(st->session, st->track, buf, n);
            continue;
        }

        if (c == st->udp[1] && n >= 8 && (buf[0] & 0xc0) == 0x80) {
            sl_event_add_timer(&st->session->timeout,
                sl_rtsp_srv_conf(st->session->rc->connection)
                    ->session_timeout);

            if (st->session->record) {
                sl_rtsp_record_rtcp(st->session, st->track, buf, n);
            }
        }
    }
}


static void
sl_rtsp_session_timeout(sl_event_t *ev)
{
    sl_rtsp_session_t  *s;

    s = ev->data;

    sl_log_error(SL_LOG_INFO, s->log, 0, "session %s timed out", s->id);

    sl_rtsp_send_rtcp(s, 1);
    sl_rtsp_destroy_session(s);
}


void
sl_rtsp_close_sessions(sl_rtsp_connection_t *rc)
{
    sl_queue_t          *q;
    sl_rtsp_session_t   *s;

    if (rc->record) {
        sl_rtsp_record_end(rc->record, rc->connection->log);
        rc->record = NULL;
    }

    while (!sl_queue_empty(&rc->sessions)) {
        q = sl_queue_head(&rc->sessions);
        s = sl_queue_data(q, sl_rtsp_session_t, queue);

        sl_rtsp_destroy_session(s);
    }
}


/* frees everything a session holds: ports, sockets, file, memory */
static void
sl_rtsp_destroy_session(sl_rtsp_session_t *s)
{
    sl_uint_t          i, k;
    sl_rtsp_stream_t  *st;

    sl_log_error(SL_LOG_INFO, s->log, 0, "session %s closed", s->id);

    if (s->live) {
        sl_rtsp_live_stop(s);
    }

    if (s->record) {
        sl_rtsp_record_end(s->record, s->log);
        s->record = NULL;
        s->state = SL_RTSP_READY;
    }

    sl_rtsp_stop_playing(s);
    sl_queue_remove(&s->queue);
    sl_event_del_timer(&s->timeout);

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        st = &s->streams[i];

        for (k = 0; k < 2; k++) {
            if (st->udp[k]) {
                sl_close_connection(st->udp[k]);
                st->udp[k] = NULL;
            }
        }

        if (st->server_port) {
            sl_rtsp_release_pair(st->server_port);
        }
    }

    sl_media_close(&s->mf);

    if (s->pending) {
        sl_free(s->pending);
    }

    sl_destroy_pool(s->pool);
}


