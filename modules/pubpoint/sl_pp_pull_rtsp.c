/*
 * Pulling over RTSP (RFC 2326): "source rtsp://origin:8554/live;".
 * OPTIONS, DESCRIBE (the SDP gives each track's payload format and
 * control URL), a SETUP of every track Sluice can receive with
 * RTP/AVP/TCP interleaved channels 2i and 2i+1, PLAY; then the RTP
 * packets interleaved on the connection (§10.12) go through each
 * track's depacketizer into the point.  GET_PARAMETER (or OPTIONS when
 * the server does not list it) keeps the session alive every half of
 * its timeout; TEARDOWN says goodbye.  Built with the RTSP module.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_pp_pull.h>
#include <sl_sdp_parse.h>


typedef enum {
    SL_PP_RTSP_OPTIONS = 0,
    SL_PP_RTSP_DESCRIBE,
    SL_PP_RTSP_SETUP,
    SL_PP_RTSP_PLAY,
    SL_PP_RTSP_PLAYING
} sl_pp_rtsp_step_e;

typedef struct {
    sl_pp_pull_response_t     resp;
    sl_pp_rtsp_step_e         step;
    sl_uint_t                 cseq;         /* of the last request */
    sl_uint_t                 setup;        /* tracks set up */
    sl_str_t                  session;
    sl_uint_t                 timeout;      /* s, of the session */
    sl_str_t                  aggregate;    /* for PLAY and the rest */

    sl_uint_t                 ntracks;
    sl_media_track_t          tracks[SL_MEDIA_MAX_TRACKS];
    sl_rtp_depack_t          *depack[SL_MEDIA_MAX_TRACKS];
    sl_str_t                  control[SL_MEDIA_MAX_TRACKS];
    u_char                    channel[256]; /* track + 1, 0: none */
    sl_rtp_sync_t             sync;         /* the tracks' timeline */

    unsigned                  get_parameter:1;  /* in Public */
} sl_pp_pull_rtsp_t;


static sl_int_t sl_pp_pull_rtsp_start(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_rtsp_input(sl_pp_pull_t *pl, u_char *buf,
    size_t len, size_t *used);
static sl_int_t sl_pp_pull_rtsp_timer(sl_pp_pull_t *pl);
static void sl_pp_pull_rtsp_close(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_rtsp_request(sl_pp_pull_t *pl,
    const char *method, const sl_str_t *url, const char *fmt, ...)
    sl_printf_like(4, 5);
static sl_int_t sl_pp_pull_rtsp_response(sl_pp_pull_t *pl, u_char *body,
    size_t len);
static sl_int_t sl_pp_pull_rtsp_describe(sl_pp_pull_t *pl, u_char *body,
    size_t len);
static sl_int_t sl_pp_pull_rtsp_setup(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_rtsp_set_up(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_rtsp_play(sl_pp_pull_t *pl);
static void sl_pp_pull_rtsp_rtp_info(sl_pp_pull_rtsp_t *s,
    const sl_str_t *v);
static sl_uint_t sl_pp_pull_rtsp_track_of(sl_pp_pull_rtsp_t *s,
    const sl_str_t *url);
static void sl_pp_pull_rtsp_last_segment(const sl_str_t *url,
    sl_str_t *seg);
static sl_int_t sl_pp_pull_rtsp_packet(sl_pp_pull_t *pl, sl_uint_t track,
    const u_char *pkt, size_t len);
static sl_int_t sl_pp_pull_rtsp_copy(sl_pp_pull_t *pl, const sl_str_t *src,
    sl_str_t *dst);


static const char  *sl_pp_rtsp_methods[] = {
    "OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PLAY"
};


static const sl_pp_pull_proto_t  sl_pp_pull_rtsp_proto = {
    .scheme       = "rtsp",
    .default_port = 554,
    .tls_scheme   = "rtsps",
    .tls_port     = 322,
    .size         = sizeof(sl_pp_pull_rtsp_t),
    .start        = sl_pp_pull_rtsp_start,
    .input        = sl_pp_pull_rtsp_input,
    .timer        = sl_pp_pull_rtsp_timer,
    .close        = sl_pp_pull_rtsp_close,
};


static sl_pp_pull_module_t  sl_pp_pull_rtsp_module_ctx = {
    .proto = &sl_pp_pull_rtsp_proto,
};


sl_module_t  sl_pp_pull_rtsp_module = {
    .type = SL_PP_PULL_MODULE,
    .ctx  = &sl_pp_pull_rtsp_module_ctx,
};


static sl_int_t
sl_pp_pull_rtsp_start(sl_pp_pull_t *pl)
{
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;
    s->step = SL_PP_RTSP_OPTIONS;

    return sl_pp_pull_rtsp_request(pl, "OPTIONS", &pl->url, "%s", "");
}


/* a request with CSeq, User-Agent, the Session once there is one */
static sl_int_t
sl_pp_pull_rtsp_request(sl_pp_pull_t *pl, const char *method,
    const sl_str_t *url, const char *fmt, ...)
{
    u_char              *p, *last, extra[1024];
    va_list              args;
    sl_pp_pull_rtsp_t   *s;

    s = pl->data;

    va_start(args, fmt);
    p = sl_vslprintf(extra, extra + sizeof(extra), fmt, args);
    va_end(args);

    last = extra + sizeof(extra);

    if (p >= last - 1) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "a %s request too long",
                                method);
    }

    s->cseq++;

    if (s->session.len) {
        return sl_pp_pull_send(pl, "%s %.*s RTSP/1.0\r\n"
                               "CSeq: %lu\r\n"
                               "User-Agent: " SLUICE_VER "\r\n"
                               "Session: %.*s\r\n"
                               "%.*s\r\n",
                               method, SL_STR_ARG(url),
                               (unsigned long) s->cseq,
                               SL_STR_ARG(&s->session),
                               (int) (p - extra), extra);
    }

    return sl_pp_pull_send(pl, "%s %.*s RTSP/1.0\r\n"
                           "CSeq: %lu\r\n"
                           "User-Agent: " SLUICE_VER "\r\n"
                           "%.*s\r\n",
                           method, SL_STR_ARG(url), (unsigned long) s->cseq,
                           (int) (p - extra), extra);
}


/* responses and interleaved frames ($, channel, 16-bit length, data) */
static sl_int_t
sl_pp_pull_rtsp_input(sl_pp_pull_t *pl, u_char *buf, size_t len,
    size_t *used)
{
    size_t              n, body;
    u_char             *p, *last;
    sl_int_t            rc;
    sl_uint_t           track;
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;

    p = buf;
    last = buf + len;
    rc = SL_OK;

    while (p < last && rc == SL_OK) {

        if (*p == '\r' || *p == '\n') {
            p++;
            continue;
        }

        if (*p == '$') {
            if (last - p < 4) {
                break;
            }

            n = sl_media_be16(p + 2);

            if ((size_t) (last - p) < 4 + n) {
                break;
            }

            track = s->channel[p[1]];

            if (s->step == SL_PP_RTSP_PLAYING && track) {
                rc = sl_pp_pull_rtsp_packet(pl, track - 1, p + 4, n);

            } else if (s->step == SL_PP_RTSP_PLAYING && p[1] > 0
                       && s->channel[p[1] - 1])
            {
                /* RTCP of a track: a sender report places its first
                   packet, BYE says the upstream's source left */
                (void) sl_rtp_depack_rtcp(s->depack[s->channel[p[1] - 1] - 1],
                                          p + 4, n);

                if (sl_pp_rtcp_has_bye(p + 4, n)) {
                    rc = sl_pp_pull_error(pl, SL_LOG_NOTICE, "the upstream "
                                          "ended the stream (RTCP BYE)");
                }
            }

            p += 4 + n;
            continue;
        }

        rc = sl_pp_pull_response(pl, p, last - p, &s->resp);

        if (rc == SL_AGAIN) {
            rc = SL_OK;
            break;
        }

        if (rc != SL_OK) {
            break;
        }

        body = (s->resp.content_length > 0) ? s->resp.content_length : 0;

        if (s->resp.head_len + body > SL_PP_PULL_IN) {
            rc = sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a "
                                  "response larger than %d bytes",
                                  SL_PP_PULL_IN);
            break;
        }

        if ((size_t) (last - p) < s->resp.head_len + body) {
            break;
        }

        rc = sl_pp_pull_rtsp_response(pl, p + s->resp.head_len, body);

        p += s->resp.head_len + body;
    }

    *used = p - buf;

    return rc;
}


static sl_int_t
sl_pp_pull_rtsp_response(sl_pp_pull_t *pl, u_char *body, size_t len)
{
    sl_int_t                cseq;
    const sl_str_t         *v;
    sl_pp_pull_rtsp_t      *s;
    sl_pp_pull_response_t  *r;

    s = pl->data;
    r = &s->resp;

    v = sl_pp_pull_header(r, "CSeq");
    cseq = v ? sl_atoi(v->data, v->len) : SL_ERROR;

    if (s->step == SL_PP_RTSP_PLAYING) {
        /* keep-alives: a server that has no GET_PARAMETER gets OPTIONS */
        if (r->status == 501 || r->status == 405) {
            s->get_parameter = 0;
        }

        if (r->status == 454) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream lost the "
                                    "session");
        }

        return SL_OK;
    }

    if (cseq != (sl_int_t) s->cseq) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered "
                                "CSeq %ld, not %lu", (long) cseq,
                                (unsigned long) s->cseq);
    }

    if (r->status >= 300 && r->status < 400
        && (v = sl_pp_pull_header(r, "Location")) != NULL)
    {
        return sl_pp_pull_redirect(pl, v);
    }

    if (r->status == 401) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream asks for "
                                "credentials to %s, which pulling has not",
                                sl_pp_rtsp_methods[s->step]);
    }

    if (r->status != 200) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered %lu "
                                "%.*s to %s", (unsigned long) r->status,
                                SL_STR_ARG(&r->reason),
                                sl_pp_rtsp_methods[s->step]);
    }

    switch (s->step) {

    case SL_PP_RTSP_OPTIONS:
        v = sl_pp_pull_header(r, "Public");
        s->get_parameter = v && sl_pp_rtsp_public_has(v, "GET_PARAMETER");

        s->step = SL_PP_RTSP_DESCRIBE;
        return sl_pp_pull_rtsp_request(pl, "DESCRIBE", &pl->url,
                                       "Accept: application/sdp\r\n");

    case SL_PP_RTSP_DESCRIBE:
        if (sl_pp_pull_rtsp_describe(pl, body, len) != SL_OK) {
            return SL_ERROR;
        }

        s->step = SL_PP_RTSP_SETUP;
        return sl_pp_pull_rtsp_setup(pl);

    case SL_PP_RTSP_SETUP:
        if (sl_pp_pull_rtsp_set_up(pl) != SL_OK) {
            return SL_ERROR;
        }

        if (s->setup < s->ntracks) {
            return sl_pp_pull_rtsp_setup(pl);
        }

        s->step = SL_PP_RTSP_PLAY;
        return sl_pp_pull_rtsp_request(pl, "PLAY", &s->aggregate,
                                       "Range: npt=0.000-\r\n");

    default: /* SL_PP_RTSP_PLAY */
        return sl_pp_pull_rtsp_play(pl);
    }
}


/*
 * The SDP: a track for every m= section whose payload format Sluice can
 * receive (the others are skipped, said in the log), with its control
 * URL against the Content-Base (RFC 2326 C.1.1).  The body and the base
 * are copied: the input buffer moves on.
 */
static sl_int_t
sl_pp_pull_rtsp_describe(sl_pp_pull_t *pl, u_char *body, size_t len)
{
    u_char                  *copy;
    sl_uint_t                i, n;
    sl_sdp_t                 sdp;
    sl_str_t                 base;
    sl_pool_t               *pool;
    const sl_str_t          *v;
    sl_sdp_media_t          *m;
    sl_pp_pull_rtsp_t       *s;
    const sl_rtp_payload_t  *rp;

    s = pl->data;
    pool = pl->connection->pool;

    v = sl_pp_pull_header(&s->resp, "Content-Base");

    if (v == NULL) {
        v = sl_pp_pull_header(&s->resp, "Content-Location");
    }

    if (sl_pp_pull_rtsp_copy(pl, v ? v : &pl->url, &base) != SL_OK) {
        return SL_ERROR;
    }

    copy = sl_pnalloc(pool, len + 1);
    if (copy == NULL) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "no memory");
    }

    sl_memcpy(copy, body, len);

    if (sl_sdp_parse(copy, len, &sdp) != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a bad "
                                "SDP: %s in line %lu", sdp.error,
                                (unsigned long) sdp.line);
    }

    if (sdp.control.len) {
        if (sl_sdp_control_url(pool, &base, &sdp.control, &s->aggregate)
            != SL_OK)
        {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "a bad control URL");
        }

    } else {
        s->aggregate = base;
    }

    for (i = 0; i < sdp.nmedia; i++) {
        m = &sdp.media[i];
        n = s->ntracks;

        rp = sl_rtp_payload_by_name(&m->encoding);

        if (rp == NULL
            || rp->from_sdp(&s->tracks[n], &m->encoding, m->clock_rate,
                            m->channels, &m->fmtp, pool)
               != SL_OK)
        {
            sl_log_error(SL_LOG_WARN, &pl->log, 0,
                         "pull skips the %.*s track \"%.*s\": Sluice cannot "
                         "receive it", SL_STR_ARG(&m->media),
                         SL_STR_ARG(&m->encoding));
            continue;
        }

        if (sl_sdp_control_url(pool, &base, &m->control, &s->control[n])
            != SL_OK)
        {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "a bad control URL");
        }

        s->depack[n] = sl_rtp_depack_create(pool, rp, &s->tracks[n], n,
                                            &pl->log);
        if (s->depack[n] == NULL) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the %.*s track cannot "
                                    "be received", SL_STR_ARG(&m->encoding));
        }

        if (m->pt >= 0) {
            s->depack[n]->pt = m->pt;
        }

        s->depack[n]->sync = &s->sync;

        s->ntracks++;
    }

    if (s->ntracks == 0) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream describes no "
                                "track Sluice can receive");
    }

    return SL_OK;
}


/* the next track, on channels 2i and 2i+1 */
static sl_int_t
sl_pp_pull_rtsp_setup(sl_pp_pull_t *pl)
{
    sl_uint_t           i;
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;
    i = s->setup;

    return sl_pp_pull_rtsp_request(pl, "SETUP", &s->control[i],
                                   "Transport: RTP/AVP/TCP;unicast;"
                                   "interleaved=%lu-%lu\r\n",
                                   (unsigned long) (2 * i),
                                   (unsigned long) (2 * i + 1));
}


/* the answer to a SETUP: the session, the channel the server chose */
static sl_int_t
sl_pp_pull_rtsp_set_up(sl_pp_pull_t *pl)
{
    sl_str_t            id;
    sl_uint_t           a, b, timeout;
    const sl_str_t     *v;
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;

    v = sl_pp_pull_header(&s->resp, "Session");

    if (v == NULL || sl_pp_rtsp_session(v, &id, &timeout) != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered "
                                "SETUP without a valid Session");
    }

    if (s->session.len == 0) {
        if (sl_pp_pull_rtsp_copy(pl, &id, &s->session) != SL_OK) {
            return SL_ERROR;
        }

        s->timeout = timeout;
    }

    v = sl_pp_pull_header(&s->resp, "Transport");

    if (v == NULL || sl_pp_rtsp_interleaved(v, &a, &b) != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered "
                                "SETUP without interleaved channels");
    }

    (void) b;

    if (s->channel[a]) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream gave channel "
                                "%lu to two tracks", (unsigned long) a);
    }

    s->channel[a] = (u_char) (s->setup + 1);
    s->setup++;

    return SL_OK;
}


/* PLAY answered: the stream is the point's */
static sl_int_t
sl_pp_pull_rtsp_play(sl_pp_pull_t *pl)
{
    const sl_str_t     *v;
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;

    v = sl_pp_pull_header(&s->resp, "RTP-Info");
    if (v) {
        sl_pp_pull_rtsp_rtp_info(s, v);
    }

    if (sl_pp_pull_publish(pl, "rtp") != SL_OK) {
        return SL_ERROR;
    }

    if (sl_pp_pull_set_tracks(pl, s->tracks, s->ntracks, "rtp") != SL_OK) {
        return SL_ERROR;
    }

    s->step = SL_PP_RTSP_PLAYING;

    sl_event_add_timer(&pl->timer, s->timeout * 1000 / 2);

    return SL_OK;
}


/*
 * RTP-Info: each rtptime is its track's RTP time of the instant playing
 * starts, which places the tracks on one timeline.  An item's url is
 * matched to a track's control URL whole or by its last segment
 * ("trackID=1"); one without a matching url goes to the track of its
 * place in the list.
 */
static void
sl_pp_pull_rtsp_rtp_info(sl_pp_pull_rtsp_t *s, const sl_str_t *v)
{
    u_char     *p;
    uint32_t    rtptime;
    sl_str_t    url;
    sl_uint_t   i, n, has;

    p = v->data;

    for (n = 0;
         sl_pp_rtp_info_next(&p, v->data + v->len, &url, &rtptime, &has)
         == SL_OK;
         n++)
    {
        if (!has) {
            continue;
        }

        i = url.len ? sl_pp_pull_rtsp_track_of(s, &url) : s->ntracks;

        if (i == s->ntracks && n < s->ntracks) {
            i = n;
        }

        if (i < s->ntracks) {
            sl_rtp_depack_rtptime(s->depack[i], rtptime);
        }
    }
}


/* the track whose control URL is url, whole or by its last segment */
static sl_uint_t
sl_pp_pull_rtsp_track_of(sl_pp_pull_rtsp_t *s, const sl_str_t *url)
{
    sl_str_t   a, b;
    sl_uint_t  i;

    sl_pp_pull_rtsp_last_segment(url, &a);

    for (i = 0; i < s->ntracks; i++) {
        if (s->control[i].len == url->len
            && sl_strncmp(s->control[i].data, url->data, url->len) == 0)
        {
            return i;
        }

        sl_pp_pull_rtsp_last_segment(&s->control[i], &b);

        if (a.len && a.len == b.len && sl_strncmp(a.data, b.data, a.len) == 0)
        {
            return i;
        }
    }

    return s->ntracks;
}


/* what follows the last "/" of url (all of it without one) */
static void
sl_pp_pull_rtsp_last_segment(const sl_str_t *url, sl_str_t *seg)
{
    u_char  *p;

    p = url->data + url->len;

    while (p > url->data && p[-1] != '/') {
        p--;
    }

    seg->data = p;
    seg->len = url->data + url->len - p;
}


/* one RTP packet of a track: its units into the point */
static sl_int_t
sl_pp_pull_rtsp_packet(sl_pp_pull_t *pl, sl_uint_t track, const u_char *pkt,
    size_t len)
{
    sl_media_unit_t     mu;
    sl_rtp_depack_t    *d;
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;
    d = s->depack[track];

    if (sl_rtp_depack_push(d, pkt, len) != SL_OK) {
        return SL_OK;
    }

    if (d->config_changed) {
        d->config_changed = 0;

        if (sl_pp_pull_set_tracks(pl, s->tracks, s->ntracks, "rtp")
            != SL_OK)
        {
            return SL_ERROR;
        }
    }

    while (sl_rtp_depack_next(d, &mu) == SL_OK) {
        if (sl_pp_pull_write(pl, &mu) != SL_OK) {
            return SL_ERROR;
        }
    }

    return SL_OK;
}


/* every half of the session's timeout (RFC 2326 §12.37) */
static sl_int_t
sl_pp_pull_rtsp_timer(sl_pp_pull_t *pl)
{
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;

    sl_event_add_timer(&pl->timer, s->timeout * 1000 / 2);

    return sl_pp_pull_rtsp_request(pl, s->get_parameter ? "GET_PARAMETER"
                                                        : "OPTIONS",
                                   &s->aggregate, "%s", "");
}


static void
sl_pp_pull_rtsp_close(sl_pp_pull_t *pl)
{
    sl_pp_pull_rtsp_t  *s;

    s = pl->data;

    if (s->session.len) {
        (void) sl_pp_pull_rtsp_request(pl, "TEARDOWN", &s->aggregate, "%s",
                                       "");
    }
}


static sl_int_t
sl_pp_pull_rtsp_copy(sl_pp_pull_t *pl, const sl_str_t *src, sl_str_t *dst)
{
    dst->data = sl_pnalloc(pl->connection->pool, src->len + 1);
    if (dst->data == NULL) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "no memory");
    }

    sl_memcpy(dst->data, src->data, src->len);
    dst->len = src->len;

    return SL_OK;
}
