/* sl_rtsp_load: the RTSP load generator of scripts/bench, one epoll process. */

/*
 * sl_rtsp_load --url rtsp://127.0.0.1:8554/vod/f.ts [--sessions N] [--ramp R]
 *     [--duration S] [--transport tcp|udp] [--bitrate BPS] [--timeout S]
 *     [--tolerance F] [--udp-base PORT] [--idle N] [--live] [--sources K]
 *
 * Opens N sessions at R per second, each OPTIONS, DESCRIBE, SETUP per track,
 * PLAY; all hold until S seconds after the last one was started, then judge
 * and TEARDOWN.  A session kept real time when its RTP payload bytes reach
 * TOLERANCE times the nominal bitrate over the time since PLAY, and the span
 * of RTP timestamps of every track reaches TOLERANCE times that time.  One
 * JSON object on stdout, one human line on stderr.
 *
 * --live: the time judged runs from the first RTP packet instead of PLAY,
 * for live streams where a player joins at the next keyframe (the wait for
 * it is in the first packet latency, not held against the rate).
 *
 * --sources K: over TCP to a server on 127.0.0.1, session i connects from
 * 127.0.0.(1 + i % K) (default 8): one source address has ~14,000 even
 * ephemeral ports towards one server port, past which connect() scans the
 * whole range each time.
 *
 * --idle N: opens N connections, one OPTIONS each, holds them S seconds,
 * sends OPTIONS again on each and counts both rounds of answers.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sl_load_common.h"
#include "sl_rtsp_load.h"


enum {
    ST_WAIT = 0,        /* not started yet */
    ST_CONNECT,
    ST_OPTIONS,
    ST_DESCRIBE,
    ST_SETUP,
    ST_PLAY,            /* PLAY sent, no answer yet */
    ST_PLAYING,
    ST_IDLE,            /* idle mode: first OPTIONS answered */
    ST_OPTIONS2,        /* idle mode: second OPTIONS sent */
    ST_TEARDOWN,
    ST_DONE
};

enum {
    REQ_NONE = 0,
    REQ_MAIN,           /* the request of the current state */
    REQ_KEEPALIVE
};

/* failure kinds; status codes are counted apart */
enum {
    E_NONE = 0, E_SOCKET = SL_LOAD_E_SOCKET, E_EMFILE = SL_LOAD_E_EMFILE,
    E_CONNECT = SL_LOAD_E_CONNECT, E_TIMEOUT, E_CLOSED, E_RESET,
    E_BAD_ANSWER, E_CSEQ, E_SDP, E_TRANSPORT, E_UDP_PORTS,
    E_NO_DATA, E_STALLED, E_LATE, E_DEADLINE, E_STATUS, E_NKINDS
};

static const char *sl_error_names[E_NKINDS] = {
    "none", "socket", "emfile", "connect", "timeout", "closed",
    "reset", "bad_answer", "cseq", "sdp", "transport", "udp_ports",
    "no_data", "stalled", "not_playing_at_end", "deadline", "status"
};


typedef struct {
    int         fd[2];          /* UDP RTP and RTCP sockets, -1 over TCP */
    int         channel;        /* interleaved RTP channel */
    unsigned    clock_rate;
    uint64_t    packets;
    uint64_t    bytes;          /* RTP payload bytes */
    uint64_t    gaps;           /* packets missing by sequence number */
    uint64_t    reordered;
    uint16_t    seq;
    int64_t     ts_ref, ts_min, ts_max;     /* extended RTP timestamps */
} sl_track_t;


typedef struct {
    int         fd;
    int         state;
    int         req;
    int         cseq;
    int         setup_next;
    int         out_armed;
    int         error;
    int         status;         /* of a failed request */
    int         ka_options;     /* keep-alive with OPTIONS, not GET_PARAM. */
    int         held, rt_bytes, rt_ts, answers;
    unsigned    timeout;
    double      t_start, t_play, t_first, t_last, t_stop;
    double      t_deadline, t_keepalive;
    char       *in;
    size_t      in_len, in_cap;
    char       *out;            /* the unsent rest of a request */
    size_t      out_len, out_off;
    char        session[SL_SESSION_LEN];
    sl_sdp_t   *sdp;
    sl_track_t  tracks[SL_MAX_TRACKS];
} sl_session_t;


static sl_load_conf_t  load = {
    .ramp = 100, .duration = 20, .timeout = 10, .tolerance = 0.95,
    .sources = 8,
};

static struct {
    int                      sessions;
    int                      idle;
    int                      udp;
    int                      live;
    unsigned                 udp_base;
} conf = {
    .sessions = 10, .udp_base = 40000,
};

const char  sl_load_name[] = "sl_rtsp_load";
const char  sl_load_usage_text[] =
    "usage: sl_rtsp_load --url rtsp://HOST:PORT/PATH [--sessions N]\n"
    "           [--ramp PER_S] [--duration S] [--transport tcp|udp]\n"
    "           [--bitrate BPS] [--timeout S] [--tolerance F]\n"
    "           [--udp-base PORT] [--idle N] [--live] [--sources K]\n";

static sl_load_server_t         sl_server;
static sl_load_run_t            sl_run;
static int                      sl_ep;
static unsigned                 sl_next_port;
static sl_session_t            *sl_sessions;
static int                      sl_nsessions;
static uint64_t                 sl_errors[E_NKINDS];
static uint64_t                 sl_statuses[SL_LOAD_STATUSES];
static uint64_t                 sl_warn_no_rtp_info, sl_warn_no_range,
                                sl_warn_no_timeout, sl_keepalives,
                                sl_server_requests;
static double                   sl_range_end = -1;
static char                     sl_codecs[128];
static unsigned char            sl_udp_buf[65536];


static void
sl_close_fds(sl_session_t *s)
{
    int  i, j;

    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }

    for (i = 0; i < SL_MAX_TRACKS; i++) {
        for (j = 0; j < 2; j++) {
            if (s->tracks[i].fd[j] >= 0) {
                close(s->tracks[i].fd[j]);
                s->tracks[i].fd[j] = -1;
            }
        }
    }

    free(s->in);
    free(s->out);
    free(s->sdp);
    s->in = NULL;
    s->out = NULL;
    s->sdp = NULL;
    s->in_len = s->in_cap = 0;
}


/* ends a session: a failure of KIND (E_NONE after a normal end) */
static void
sl_finish(sl_session_t *s, int kind)
{
    if (s->state == ST_DONE) {
        return;
    }

    if (kind != E_NONE && s->error == E_NONE && !s->held) {
        s->error = kind;
    }

    s->state = ST_DONE;
    sl_close_fds(s);
}


static void
sl_arm(sl_session_t *s, int out)
{
    struct epoll_event  ev;

    if (s->out_armed == out) {
        return;
    }

    ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
    ev.data.u64 = (uint64_t) (s - sl_sessions) << 8;
    epoll_ctl(sl_ep, EPOLL_CTL_MOD, s->fd, &ev);
    s->out_armed = out;
}


static int
sl_flush(sl_session_t *s)
{
    ssize_t  n;

    while (s->out_off < s->out_len) {
        n = send(s->fd, s->out + s->out_off, s->out_len - s->out_off,
                 MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN) {
                sl_arm(s, 1);
                return 0;
            }

            return -1;
        }

        s->out_off += n;
    }

    free(s->out);
    s->out = NULL;
    s->out_len = s->out_off = 0;
    sl_arm(s, 0);
    return 0;
}


/* sends one request on the control connection; EXTRA ends in CRLF or is "" */
static void
sl_request(sl_session_t *s, const char *method, const char *url,
    const char *extra, int req, double now)
{
    int      n;
    char     buf[2048], sess[SL_SESSION_LEN + 16];
    ssize_t  w;

    sess[0] = '\0';
    if (s->session[0] != '\0') {
        snprintf(sess, sizeof(sess), "Session: %s\r\n", s->session);
    }

    n = snprintf(buf, sizeof(buf),
                 "%s %s RTSP/1.0\r\nCSeq: %d\r\n"
                 "User-Agent: sl_rtsp_load\r\n%s%s\r\n",
                 method, url, ++s->cseq, sess, extra);
    if (n < 0 || n >= (int) sizeof(buf)) {
        sl_finish(s, E_SOCKET);
        return;
    }

    s->req = req;
    s->t_deadline = now + load.timeout;

    if (s->out != NULL) {
        /* the rest of a keep-alive is still queued: queue behind it */
        s->out = sl_load_realloc(s->out, s->out_len + n);

        memcpy(s->out + s->out_len, buf, n);
        s->out_len += n;
        return;
    }

    w = send(s->fd, buf, n, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno != EAGAIN) {
            sl_finish(s, errno == ECONNRESET ? E_RESET : E_CLOSED);
            return;
        }

        w = 0;
    }

    if (w < n) {
        s->out = sl_load_realloc(NULL, n - w);

        memcpy(s->out, buf + w, n - w);
        s->out_len = n - w;
        s->out_off = 0;
        sl_arm(s, 1);
    }
}


/* binds an even/odd pair of UDP ports on the loopback for track T */
static int
sl_udp_pair(sl_session_t *s, sl_track_t *t, unsigned *port)
{
    int                 i, j, fd, rcv;
    unsigned            tries, p;
    struct sockaddr_in  sin;
    struct epoll_event  ev;

    for (tries = 0; tries < 2000; tries++) {
        if (sl_next_port < conf.udp_base || sl_next_port > 65534) {
            sl_next_port = conf.udp_base & ~1u;
        }

        p = sl_next_port;
        sl_next_port += 2;

        for (j = 0; j < 2; j++) {
            fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                for (i = 0; i < j; i++) {
                    close(t->fd[i]);
                    t->fd[i] = -1;
                }

                return errno == EMFILE ? E_EMFILE : E_SOCKET;
            }

            memset(&sin, 0, sizeof(sin));
            sin.sin_family = AF_INET;
            sin.sin_port = htons(p + j);
            sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

            if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
                close(fd);
                break;
            }

            rcv = 256 * 1024;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
            t->fd[j] = fd;
        }

        if (j == 2) {
            for (j = 0; j < 2; j++) {
                ev.events = EPOLLIN;
                ev.data.u64 = ((uint64_t) (s - sl_sessions) << 8)
                              | (1 + 2 * (t - s->tracks) + j);
                epoll_ctl(sl_ep, EPOLL_CTL_ADD, t->fd[j], &ev);
            }

            *port = p;
            return E_NONE;
        }

        for (i = 0; i < j; i++) {
            close(t->fd[i]);
            t->fd[i] = -1;
        }
    }

    return E_UDP_PORTS;
}


static void
sl_send_setup(sl_session_t *s, double now)
{
    int          k, rc;
    char         extra[256];
    unsigned     port;
    sl_track_t  *t;

    k = s->setup_next;
    t = &s->tracks[k];

    if (conf.udp) {
        rc = sl_udp_pair(s, t, &port);
        if (rc != E_NONE) {
            sl_finish(s, rc);
            return;
        }

        snprintf(extra, sizeof(extra),
                 "Transport: RTP/AVP;unicast;client_port=%u-%u\r\n",
                 port, port + 1);

    } else {
        snprintf(extra, sizeof(extra),
                 "Transport: RTP/AVP/TCP;unicast;interleaved=%d-%d\r\n",
                 2 * k, 2 * k + 1);
        t->channel = 2 * k;
    }

    s->state = ST_SETUP;
    sl_request(s, "SETUP", s->sdp->tracks[k].control, extra, REQ_MAIN, now);
}


static void
sl_connect(int i, double now)
{
    int                 fd, kind;
    sl_session_t       *s;
    struct epoll_event  ev;

    s = &sl_sessions[i];
    s->t_start = now;
    s->state = ST_CONNECT;
    s->t_deadline = now + load.timeout;

    /* not over UDP: the server sends RTP to the source address */
    fd = sl_load_connect(&sl_server, i, conf.udp ? 1 : load.sources, &kind);
    if (fd < 0) {
        sl_finish(s, kind);
        return;
    }

    s->fd = fd;

    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = (uint64_t) i << 8;
    epoll_ctl(sl_ep, EPOLL_CTL_ADD, fd, &ev);
    s->out_armed = 1;
}


/* accounts one RTP packet of track T (RFC 3550 §5.1) */
static void
sl_rtp(sl_session_t *s, sl_track_t *t, const unsigned char *p, size_t len,
    double now)
{
    size_t    hl;
    int64_t   ext;
    uint16_t  seq, d;
    uint32_t  ts;

    if (s->state != ST_PLAY && s->state != ST_PLAYING) {
        return;
    }

    if (len < 12 || (p[0] >> 6) != 2) {
        return;
    }

    hl = 12 + 4 * (p[0] & 0x0f);
    if ((p[0] & 0x10) && len >= hl + 4) {
        hl += 4 + 4 * ((p[hl + 2] << 8) | p[hl + 3]);
    }

    if (p[0] & 0x20) {
        hl += p[len - 1];
    }

    if (hl > len) {
        return;
    }

    seq = (uint16_t) ((p[2] << 8) | p[3]);
    ts = ((uint32_t) p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7];

    if (t->packets == 0) {
        t->ts_ref = t->ts_min = t->ts_max = ts;

    } else {
        d = (uint16_t) (seq - t->seq);
        if (d == 0 || d >= 0x8000) {
            t->reordered++;

        } else {
            t->gaps += d - 1;
        }

        ext = t->ts_ref + (int32_t) (ts - (uint32_t) t->ts_ref);
        t->ts_ref = ext;
        if (ext < t->ts_min) {
            t->ts_min = ext;
        }

        if (ext > t->ts_max) {
            t->ts_max = ext;
        }
    }

    t->seq = seq;
    t->packets++;
    t->bytes += len - hl;

    if (s->t_first == 0) {
        s->t_first = now;
    }

    s->t_last = now;
}


static void
sl_fail_status(sl_session_t *s, int status)
{
    s->status = status;
    sl_statuses[status]++;
    sl_finish(s, E_STATUS);
}


/* acts on one complete answer (headers HDR, body BODY) to the request */
static void
sl_answer(sl_session_t *s, const char *hdr, size_t hlen, const char *body,
    size_t blen, double now)
{
    int           i;
    sl_answer_t   a;
    const char   *base;

    if (sl_parse_answer(hdr, hlen, &a) < 0) {
        sl_finish(s, E_BAD_ANSWER);
        return;
    }

    if (a.cseq > 0 && a.cseq < s->cseq) {
        return;                 /* a keep-alive answered after TEARDOWN */
    }

    if (a.cseq != s->cseq || s->req == REQ_NONE) {
        sl_finish(s, E_CSEQ);
        return;
    }

    if (s->req == REQ_KEEPALIVE) {
        s->req = REQ_NONE;
        if (a.status >= 300) {
            s->ka_options = 1;
        }

        return;
    }

    s->req = REQ_NONE;

    if (a.status < 200 || a.status >= 300) {
        if (s->state == ST_TEARDOWN) {
            sl_finish(s, E_NONE);
            return;
        }

        sl_fail_status(s, a.status);
        return;
    }

    switch (s->state) {

    case ST_OPTIONS:
        if (conf.idle) {
            s->answers++;
            s->state = ST_IDLE;
            return;
        }

        s->state = ST_DESCRIBE;
        sl_request(s, "DESCRIBE", load.url, "Accept: application/sdp\r\n",
                   REQ_MAIN, now);
        return;

    case ST_OPTIONS2:
        s->answers++;
        sl_finish(s, E_NONE);
        return;

    case ST_DESCRIBE:
        s->sdp = sl_load_realloc(NULL, sizeof(sl_sdp_t));

        base = a.base[0] ? a.base : load.url;
        if (sl_parse_sdp(body, blen, base, s->sdp) == 0) {
            sl_finish(s, E_SDP);
            return;
        }

        if (!s->sdp->have_range) {
            sl_warn_no_range++;

        } else if (sl_range_end < 0) {
            sl_range_end = s->sdp->range_end;
        }

        if (sl_codecs[0] == '\0') {
            for (i = 0; i < s->sdp->ntracks; i++) {
                snprintf(sl_codecs + strlen(sl_codecs),
                         sizeof(sl_codecs) - strlen(sl_codecs), "%s%s/%u",
                         i ? " " : "", s->sdp->tracks[i].codec,
                         s->sdp->tracks[i].clock_rate);
            }
        }

        for (i = 0; i < s->sdp->ntracks; i++) {
            s->tracks[i].clock_rate = s->sdp->tracks[i].clock_rate;
        }

        s->setup_next = 0;
        sl_send_setup(s, now);
        return;

    case ST_SETUP:
        if (a.session[0] == '\0') {
            sl_finish(s, E_BAD_ANSWER);
            return;
        }

        if (s->session[0] == '\0') {
            snprintf(s->session, sizeof(s->session), "%s", a.session);
            s->timeout = a.timeout;
            if (a.timeout == 0) {
                sl_warn_no_timeout++;
                s->timeout = 60;
            }
        }

        if (a.tcp_transport != !conf.udp
            || (!conf.udp && a.interleaved < 0))
        {
            sl_finish(s, E_TRANSPORT);
            return;
        }

        if (!conf.udp) {
            s->tracks[s->setup_next].channel = a.interleaved;
        }

        if (++s->setup_next < s->sdp->ntracks) {
            sl_send_setup(s, now);
            return;
        }

        s->state = ST_PLAY;
        s->t_play = now;
        sl_request(s, "PLAY", s->sdp->control, "Range: npt=0.000-\r\n",
                   REQ_MAIN, now);
        return;

    case ST_PLAY:
        if (!a.have_rtp_info) {
            sl_warn_no_rtp_info++;
        }

        s->state = ST_PLAYING;
        s->t_keepalive = now + s->timeout / 2.0;
        return;

    case ST_TEARDOWN:
        sl_finish(s, E_NONE);
        return;

    default:
        sl_finish(s, E_BAD_ANSWER);
        return;
    }
}


/*
 * Consumes the complete messages at the head of the input buffer: "$" frames
 * of interleaved data (RFC 2326 §10.12), answers with their bodies, and
 * requests from the server (skipped).  Returns 0, or -1 when the session
 * ended.
 */
static int
sl_process(sl_session_t *s, double now)
{
    int           k;
    long          clen;
    size_t        pos, len, hlen, flen;
    unsigned      ch;
    const char   *p, *eoh;
    sl_answer_t   a;

    pos = 0;

    while (pos < s->in_len && s->state != ST_DONE) {
        p = s->in + pos;
        len = s->in_len - pos;

        if (p[0] == '$') {
            if (len < 4) {
                break;
            }

            ch = (unsigned char) p[1];
            flen = ((unsigned char) p[2] << 8) | (unsigned char) p[3];
            if (len < 4 + flen) {
                break;
            }

            for (k = 0; k < SL_MAX_TRACKS; k++) {
                if (s->tracks[k].channel == (int) ch && s->tracks[k].fd[0] < 0
                    && s->sdp != NULL && k < s->sdp->ntracks)
                {
                    sl_rtp(s, &s->tracks[k], (const unsigned char *) p + 4,
                           flen, now);
                    break;
                }
            }

            pos += 4 + flen;
            continue;
        }

        eoh = memmem(p, len, "\r\n\r\n", 4);
        if (eoh == NULL) {
            if (len > 64 * 1024) {
                sl_finish(s, E_BAD_ANSWER);
                return -1;
            }

            break;
        }

        hlen = eoh + 4 - p;

        if (strncmp(p, "RTSP/", 5) != 0) {
            /* a request from the server: skip it and its body */
            sl_server_requests++;
            clen = sl_parse_answer(p, hlen, &a);
            pos += hlen + (clen > 0 ? (size_t) clen : 0);
            if (pos > s->in_len) {
                pos = s->in_len;
            }

            continue;
        }

        clen = sl_parse_answer(p, hlen, &a);
        if (clen < 0) {
            sl_finish(s, E_BAD_ANSWER);
            return -1;
        }

        if (len < hlen + clen) {
            break;
        }

        pos += hlen + clen;
        sl_answer(s, p, hlen, p + hlen, clen, now);
    }

    if (s->state == ST_DONE) {
        return -1;
    }

    if (pos > 0) {
        memmove(s->in, s->in + pos, s->in_len - pos);
        s->in_len -= pos;
    }

    return 0;
}


/* reads what the control connection has, up to ROUNDS reads */
static void
sl_read(sl_session_t *s, double now, int rounds)
{
    size_t   want;
    ssize_t  n;

    while (rounds-- > 0 && s->state != ST_DONE) {
        want = (s->state == ST_PLAY || s->state == ST_PLAYING) ? 65536 : 4096;
        if (s->in_cap < want || s->in_cap - s->in_len < 2048) {
            if (s->in_cap < want) {
                s->in_cap = want;

            } else {
                s->in_cap *= 2;
            }

            if (s->in_cap > 512 * 1024) {
                sl_finish(s, E_BAD_ANSWER);
                return;
            }

            s->in = sl_load_realloc(s->in, s->in_cap);
        }

        n = recv(s->fd, s->in + s->in_len, s->in_cap - s->in_len, 0);
        if (n == 0) {
            sl_finish(s, s->state == ST_TEARDOWN ? E_NONE : E_CLOSED);
            return;
        }

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                sl_finish(s, s->state == ST_TEARDOWN ? E_NONE : E_RESET);
            }

            return;
        }

        s->in_len += n;
        if (sl_process(s, now) < 0) {
            return;
        }
    }
}


static void
sl_udp_read(sl_session_t *s, int k, int rtcp, double now, int rounds)
{
    int          fd;
    ssize_t      n;
    sl_track_t  *t;

    t = &s->tracks[k];
    fd = t->fd[rtcp];

    while (fd >= 0 && rounds-- > 0) {
        n = recv(fd, sl_udp_buf, sizeof(sl_udp_buf), 0);
        if (n < 0) {
            return;
        }

        if (!rtcp) {
            sl_rtp(s, t, sl_udp_buf, n, now);
        }
    }
}


static void
sl_event(uint64_t data, uint32_t events, double now)
{
    int            kind, err;
    socklen_t      len;
    sl_session_t  *s;

    s = &sl_sessions[data >> 8];
    kind = data & 0xff;

    if (s->state == ST_DONE) {
        return;
    }

    if (kind > 0) {
        sl_udp_read(s, (kind - 1) / 2, (kind - 1) % 2, now, 64);
        return;
    }

    if (s->state == ST_CONNECT) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            return;
        }

        err = 0;
        len = sizeof(err);
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            sl_finish(s, E_CONNECT);
            return;
        }

        sl_arm(s, 0);
        s->state = ST_OPTIONS;
        sl_request(s, "OPTIONS", load.url, "", REQ_MAIN, now);
        return;
    }

    if ((events & EPOLLOUT) && s->out != NULL) {
        if (sl_flush(s) < 0) {
            sl_finish(s, E_RESET);
            return;
        }
    }

    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        sl_read(s, now, 1);
    }
}


/* the end of the hold: read what is pending, judge, then TEARDOWN */
static void
sl_judge(sl_session_t *s, double now)
{
    int          k, ok;
    double       elapsed, span;
    uint64_t     bytes;
    sl_track_t  *t;

    if (s->state == ST_PLAY || s->state == ST_PLAYING) {
        sl_read(s, now, 16);
        for (k = 0; k < SL_MAX_TRACKS; k++) {
            sl_udp_read(s, k, 0, now, 1024);
        }
    }

    if (s->state == ST_DONE) {
        return;
    }

    if (s->state != ST_PLAYING) {
        sl_finish(s, E_LATE);
        return;
    }

    s->t_stop = now;
    elapsed = now - (conf.live && s->t_first > 0 ? s->t_first : s->t_play);

    if (s->t_first == 0) {
        s->error = E_NO_DATA;

    } else if (now - s->t_last > 2.0) {
        s->error = E_STALLED;

    } else {
        s->held = 1;
        bytes = 0;
        ok = 1;

        for (k = 0; k < s->sdp->ntracks; k++) {
            t = &s->tracks[k];
            bytes += t->bytes;
            span = t->clock_rate
                   ? (double) (t->ts_max - t->ts_min) / t->clock_rate : 0;
            if (t->packets == 0 || span < load.tolerance * elapsed) {
                ok = 0;
            }
        }

        s->rt_ts = ok;
        s->rt_bytes = load.bitrate <= 0
                      || bytes * 8.0 >= load.tolerance * load.bitrate * elapsed;
    }

    s->state = ST_TEARDOWN;
    sl_request(s, "TEARDOWN", s->sdp->control, "", REQ_MAIN, now);
}


/* timeouts, keep-alives and the end of the hold, once per tick */
static void
sl_tick(double now)
{
    int            i;
    sl_session_t  *s;

    for (i = 0; i < sl_nsessions; i++) {
        s = &sl_sessions[i];

        if (s->state == ST_WAIT || s->state == ST_DONE) {
            continue;
        }

        if (s->req != REQ_NONE && now > s->t_deadline) {
            sl_finish(s, s->state == ST_TEARDOWN ? E_NONE : E_TIMEOUT);
            continue;
        }

        if (s->state == ST_CONNECT && now > s->t_deadline) {
            sl_finish(s, E_CONNECT);
            continue;
        }

        if (now < sl_run.t_end) {
            if (s->state == ST_PLAYING && s->req == REQ_NONE
                && now >= s->t_keepalive)
            {
                sl_keepalives++;
                s->t_keepalive = now + s->timeout / 2.0;
                sl_request(s, s->ka_options ? "OPTIONS" : "GET_PARAMETER",
                           s->sdp->control, "", REQ_KEEPALIVE, now);
            }

            continue;
        }

        if (conf.idle) {
            if (s->state == ST_IDLE) {
                s->state = ST_OPTIONS2;
                sl_request(s, "OPTIONS", load.url, "", REQ_MAIN, now);

            } else if (s->state != ST_OPTIONS2) {
                sl_finish(s, E_LATE);
            }

            continue;
        }

        if (s->state != ST_TEARDOWN) {
            sl_judge(s, now);
        }
    }
}


static void
sl_report(double wall)
{
    char           range[32], jlat[160];
    int            i, k, n, held, rt, rt_b, rt_t, failed, a1;
    double        *lat, secs;
    uint64_t       packets, bytes, gaps, reord;
    sl_session_t  *s;

    lat = sl_load_realloc(NULL, sizeof(double) * (sl_nsessions + 1));

    n = held = rt = rt_b = rt_t = failed = a1 = 0;
    packets = bytes = gaps = reord = 0;
    secs = 0;

    for (i = 0; i < sl_nsessions; i++) {
        s = &sl_sessions[i];

        if (s->state != ST_DONE && s->error == E_NONE && !s->held) {
            s->error = E_DEADLINE;
        }


        if (conf.idle) {
            if (s->answers < 2) {
                failed++;
                sl_errors[s->error == E_NONE ? E_LATE : s->error]++;
            }

            continue;
        }

        if (s->t_first > 0) {
            lat[n++] = (s->t_first - s->t_play) * 1000;
        }

        for (k = 0; k < SL_MAX_TRACKS; k++) {
            packets += s->tracks[k].packets;
            bytes += s->tracks[k].bytes;
            gaps += s->tracks[k].gaps;
            reord += s->tracks[k].reordered;
        }

        if (!s->held) {
            failed++;
            sl_errors[s->error == E_NONE ? E_DEADLINE : s->error]++;
            continue;
        }

        held++;
        secs += s->t_stop - (conf.live ? s->t_first : s->t_play);
        rt_b += s->rt_bytes;
        rt_t += s->rt_ts;
        rt += s->rt_bytes && s->rt_ts;
    }

    sl_load_sort(lat, n);

    /* a=range:npt=0- (open end, as for live or shared media) is null */
    snprintf(range, sizeof(range), "%g", sl_range_end);
    if (sl_range_end <= 0) {
        snprintf(range, sizeof(range), "null");
    }

    printf("{\"mode\":\"%s\",\"url\":\"%s\",\"transport\":\"%s\","
           "\"live\":%s,\"sessions\":%d,\"ramp\":%g,\"duration\":%g,"
           "\"bitrate\":%.0f,\"tolerance\":%g,\"wall_s\":%.3f,",
           conf.idle ? "idle" : "play", load.url, conf.udp ? "udp" : "tcp",
           conf.live ? "true" : "false", sl_nsessions, load.ramp,
           load.duration, load.bitrate, load.tolerance, wall);

    if (conf.idle) {
        a1 = 0;
        for (i = 0; i < sl_nsessions; i++) {
            a1 += sl_sessions[i].answers >= 1;
        }

        printf("\"attempted\":%d,\"answered\":%d,"
               "\"answered_after_hold\":%d,\"failed\":%d,",
               sl_nsessions, a1, sl_nsessions - failed, failed);

    } else {
        printf("\"attempted\":%d,\"held\":%d,\"failed\":%d,"
               "\"realtime_ok\":%d,\"realtime_bytes_ok\":%d,"
               "\"realtime_ts_ok\":%d,"
               "\"first_packet_ms\":%s,"
               "\"session_seconds\":%.1f,\"packets\":%llu,"
               "\"payload_bytes\":%llu,\"seq_gaps\":%llu,\"reordered\":%llu,"
               "\"codecs\":\"%s\",\"media_range_end_s\":%s,"
               "\"keepalives\":%llu,",
               sl_nsessions, held, failed, rt, rt_b, rt_t,
               sl_load_json_ms(lat, n, jlat, sizeof(jlat)), secs,
               (unsigned long long) packets,
               (unsigned long long) bytes, (unsigned long long) gaps,
               (unsigned long long) reord, sl_codecs, range,
               (unsigned long long) sl_keepalives);
    }

    sl_load_print_errors(sl_errors, sl_error_names, E_NKINDS, E_STATUS,
                         sl_statuses);

    printf(",\"warnings\":{\"no_rtp_info\":%llu,\"no_sdp_range\":%llu,"
           "\"no_session_timeout\":%llu,\"server_requests\":%llu}}\n",
           (unsigned long long) sl_warn_no_rtp_info,
           (unsigned long long) sl_warn_no_range,
           (unsigned long long) sl_warn_no_timeout,
           (unsigned long long) sl_server_requests);

    if (conf.idle) {
        fprintf(stderr, "sl_rtsp_load: idle N=%d: first OPTIONS answered %d,"
                " answered again after %gs hold %d, failed %d\n",
                sl_nsessions, a1, load.duration, sl_nsessions - failed, failed);

    } else {
        fprintf(stderr, "sl_rtsp_load: %s N=%d: held %d, failed %d, "
                "realtime %d (bytes %d, rtp-ts %d), first packet p50 %.1f ms"
                " p99 %.1f ms, seq gaps %llu\n",
                conf.udp ? "udp" : "tcp", sl_nsessions, held, failed, rt,
                rt_b, rt_t, sl_load_pct(lat, n, 0.50),
                sl_load_pct(lat, n, 0.99),
                (unsigned long long) gaps);
    }

    free(lat);
}


static void
sl_set_transport(const char *v)
{
    if (strcmp(v, "udp") == 0) {
        conf.udp = 1;

    } else if (strcmp(v, "tcp") != 0) {
        sl_load_die("--transport is tcp or udp");
    }
}


static void
sl_options(int argc, char **argv)
{
    sl_load_opt_t  opts[] = {
        { "--live", SL_LOAD_OPT_FLAG, &conf.live, 0, NULL },
        { "--sessions", SL_LOAD_OPT_INT, &conf.sessions, 0, NULL },
        { "--idle", SL_LOAD_OPT_INT, &conf.idle, 0, NULL },
        { "--udp-base", SL_LOAD_OPT_UINT, &conf.udp_base, 0, NULL },
        { "--transport", SL_LOAD_OPT_FUNC, NULL, 0, sl_set_transport },
        { NULL, 0, NULL, 0, NULL }
    };

    sl_load_options(argc, argv, &load, opts);

    if (conf.idle > 0) {
        conf.sessions = conf.idle;
    }

    if (conf.sessions <= 0 || conf.sessions > 1000000
        || conf.udp_base < 1024 || conf.udp_base > 65000)
    {
        sl_load_die("bad option value");
    }
}


static int
sl_done(int i)
{
    return sl_sessions[i].state == ST_DONE;
}


int
main(int argc, char **argv)
{
    int  i, k;

    sl_options(argc, argv);
    sl_load_parse_url(load.url, "rtsp://", "554", &sl_server);
    sl_load_rlimit((unsigned long) conf.sessions
                   * (conf.udp ? 1 + 2 * SL_MAX_TRACKS : 1));

    sl_nsessions = conf.sessions;
    sl_sessions = sl_load_calloc(sl_nsessions, sizeof(sl_session_t));

    for (i = 0; i < sl_nsessions; i++) {
        sl_sessions[i].fd = -1;
        for (k = 0; k < SL_MAX_TRACKS; k++) {
            sl_sessions[i].tracks[k].fd[0] = -1;
            sl_sessions[i].tracks[k].fd[1] = -1;
            sl_sessions[i].tracks[k].channel = -1;
        }
    }

    sl_ep = sl_load_epoll();

    sl_run.ep = sl_ep;
    sl_run.n = sl_nsessions;
    sl_run.ramp = load.ramp;
    sl_run.start = sl_connect;
    sl_run.tick = sl_tick;
    sl_run.done = sl_done;
    sl_run.event = sl_event;

    sl_load_run(&sl_run, load.duration, 2 * load.timeout + 5);

    sl_report(sl_load_now() - sl_run.t0);

    for (i = 0; i < sl_nsessions; i++) {
        sl_close_fds(&sl_sessions[i]);
    }

    return 0;
}
