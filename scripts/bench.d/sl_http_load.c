/* sl_http_load: the HTTP live listener load generator of scripts/bench. */

/*
 * sl_http_load --url http://127.0.0.1:8000/radio [--listeners N] [--ramp R]
 *     [--duration S] [--bitrate BPS] [--timeout S] [--tolerance F]
 *     [--warmup S] [--lowat BYTES] [--icy] [--sources K] [--dump FILE]
 *
 * Opens N listener connections at R per second from one epoll process, each
 * "GET PATH HTTP/1.0" (with "Icy-MetaData: 1" under --icy), and holds them
 * all until S seconds after the last one was started; then judges each and
 * closes it.  One JSON object on stdout, one human line on stderr.
 *
 * What is measured, per listener:
 *
 *   first byte   from connect() to the first body byte (after the head): the
 *                wait a player sees, accept queue included.  The time to
 *                the connection (connect() done) is given apart: a SYN
 *                the server's side dropped costs a second or three there.
 *   audio bytes  body bytes less the ICY metadata (length byte and block)
 *                when the answer has icy-metaint.
 *   real time    the audio bytes received in the window from T1 + WARMUP to
 *                the end of the hold (T1: the first body byte) reach
 *                TOLERANCE times BITRATE over that window, and the last
 *                bytes came less than 2 s before the end.  The warm-up
 *                (default 2 s) leaves out the initial burst some servers
 *                send (icecast: 64 KiB, 4 s of 128 kbit/s) so that a burst
 *                cannot hide a slower than real time stream.  The counts at
 *                both ends of the window are taken after reading everything
 *                the socket holds, on a 50 ms tick.
 *   MP3 frames   when the answer is audio/mpeg, the audio is walked frame
 *                by frame (MPEG-1/2/2.5 layers I-III headers); a frame
 *                header missing where the previous frame ends is a resync,
 *                the sign of a cut or misplaced ICY block.
 *
 * --sources K: to a server on 127.0.0.1, listener i connects from
 * 127.0.0.(1 + i % K) (default K = 8).  Connections to one address and
 * port from one source address share its ephemeral ports, and Linux picks
 * even ports first: past ~14,000 of them each connect() scans the range
 * and the generator stalls (seconds at 2,000 connects a second).
 *
 * --dump FILE writes one line per listener: its index, start (s since the
 * first), connect and first byte times (ms, -1: none), audio bytes, error.
 *
 * Once a listener has its first body byte its socket gets SO_RCVLOWAT
 * LOWAT (default 8192) so that it wakes the generator a few times a second,
 * not once per frame: the generator shares the machine with the server.
 */

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


#define SL_URL_LEN    512
#define SL_HEAD_MAX   8192
#define SL_TICK       0.05
#define SL_STALL      2.0


enum {
    ST_WAIT = 0,        /* not started yet */
    ST_CONNECT,
    ST_HEAD,            /* request sent, reading the head */
    ST_BODY,
    ST_DONE
};

/* failure kinds; status codes are counted apart */
enum {
    E_NONE = 0, E_SOCKET, E_EMFILE, E_CONNECT, E_TIMEOUT, E_CLOSED,
    E_RESET, E_BAD_ANSWER, E_NO_DATA, E_STALLED, E_DEADLINE, E_STATUS,
    E_NKINDS
};

static const char *sl_error_names[E_NKINDS] = {
    "none", "socket", "emfile", "connect", "timeout", "closed",
    "reset", "bad_answer", "no_data", "stalled", "deadline", "status"
};


typedef struct {
    int         fd;
    int         state;
    int         error;
    int         status;         /* of the answer */
    int         connected;
    int         held, rt, mp3;
    uint32_t    metaint;        /* 0: no ICY metadata */
    uint32_t    icy_left;       /* audio bytes before the next length byte */
    uint32_t    meta_left;      /* metadata bytes still to skip */
    uint32_t    frame_left;     /* MP3: bytes of the current frame */
    uint32_t    hdr;            /* MP3: header bytes gathered */
    int         hdr_len;
    int         synced;         /* MP3: headers in a row, up to 2 */
    double      t_start, t_conn, t_first, t_last, t_snap, t_stop;
    uint64_t    bytes;          /* audio bytes */
    uint64_t    snap_bytes;     /* audio bytes at t_snap */
    uint64_t    meta_bytes;
    uint64_t    frames, resyncs, skipped;
    char       *head;           /* the head while it is being read */
    size_t      head_len;
} sl_listener_t;


static struct {
    char        url[SL_URL_LEN];
    char        host[256];
    char        port[16];
    char        path[SL_URL_LEN];
    char        dump[SL_URL_LEN];
    int         listeners;
    int         icy;
    int         lowat;
    int         sources;
    double      ramp;
    double      duration;
    double      timeout;
    double      tolerance;
    double      warmup;
    double      bitrate;
} conf = {
    .listeners = 10, .ramp = 500, .duration = 30, .timeout = 10,
    .tolerance = 0.95, .warmup = 2, .bitrate = 128000, .lowat = 8192,
    .sources = 8,
};

static struct sockaddr_storage  sl_addr;
static socklen_t                sl_addr_len;
static int                      sl_loopback;    /* the server is 127/8 */
static int                      sl_ep;
static sl_listener_t           *sl_listeners;
static int                      sl_nlisteners;
static double                   sl_t_end;
static char                     sl_request[1024];
static int                      sl_request_len;
static uint64_t                 sl_errors[E_NKINDS];
static uint64_t                 sl_statuses[600];
static char                     sl_type[64];
static uint32_t                 sl_metaint_seen;
static unsigned char            sl_buf[256 * 1024];


static double
sl_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static void
sl_die(const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    fprintf(stderr, "sl_http_load: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}


/* ends a listener: a failure of KIND (E_NONE after the judgement) */
static void
sl_finish(sl_listener_t *l, int kind)
{
    if (l->state == ST_DONE) {
        return;
    }

    if (kind != E_NONE && l->error == E_NONE && !l->held) {
        l->error = kind;
    }

    l->state = ST_DONE;

    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }

    free(l->head);
    l->head = NULL;
    l->head_len = 0;
}


static void
sl_connect(sl_listener_t *l, double now)
{
    int                 fd, one;
    struct epoll_event  ev;
    struct sockaddr_in  sin;

    l->t_start = now;
    l->state = ST_CONNECT;

    fd = socket(sl_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        l->state = ST_DONE;
        l->error = errno == EMFILE || errno == ENFILE ? E_EMFILE : E_SOCKET;
        return;
    }

    one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    l->fd = fd;

    if (sl_loopback && conf.sources > 1) {
        /* the port is chosen by connect(), for the whole 4-tuple */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                   sizeof(one));

        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK
                                    + (l - sl_listeners) % conf.sources);

        if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
            sl_finish(l, E_SOCKET);
            return;
        }
    }

    if (connect(fd, (struct sockaddr *) &sl_addr, sl_addr_len) < 0
        && errno != EINPROGRESS)
    {
        sl_finish(l, E_CONNECT);
        return;
    }

    ev.events = EPOLLOUT;
    ev.data.u64 = (uint64_t) (l - sl_listeners);
    epoll_ctl(sl_ep, EPOLL_CTL_ADD, fd, &ev);
}


/* the connection is up: the request goes in one send (it is small) */
static void
sl_connected(sl_listener_t *l)
{
    int                 err;
    ssize_t             n;
    socklen_t           len;
    struct epoll_event  ev;

    err = 0;
    len = sizeof(err);
    if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        sl_finish(l, E_CONNECT);
        return;
    }

    l->connected = 1;
    l->t_conn = sl_now();

    n = send(l->fd, sl_request, sl_request_len, MSG_NOSIGNAL);
    if (n != sl_request_len) {
        sl_finish(l, n < 0 && errno == ECONNRESET ? E_RESET : E_CLOSED);
        return;
    }

    l->state = ST_HEAD;

    ev.events = EPOLLIN;
    ev.data.u64 = (uint64_t) (l - sl_listeners);
    epoll_ctl(sl_ep, EPOLL_CTL_MOD, l->fd, &ev);
}


/*
 * The length in bytes of the MPEG audio frame whose header is H, or 0 when
 * H is not a valid header (ISO/IEC 11172-3 §2.4.1.3, 13818-3 and the
 * unofficial MPEG 2.5).
 */
static uint32_t
sl_mpa_frame_len(uint32_t h)
{
    static const unsigned  rates[3] = { 44100, 48000, 32000 };
    static const unsigned  kbps[2][3][15] = {
        {   /* MPEG-1: layers I, II, III */
            { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384,
              416, 448 },
            { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
              384 },
            { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256,
              320 }
        },
        {   /* MPEG-2 and 2.5 */
            { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224,
              256 },
            { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
            { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 }
        }
    };

    unsigned  ver, layer, bri, sri, pad, rate, br, lsf;

    if ((h & 0xffe00000) != 0xffe00000) {
        return 0;
    }

    ver = (h >> 19) & 3;            /* 0: 2.5, 1: reserved, 2: 2, 3: 1 */
    layer = (h >> 17) & 3;          /* 1: III, 2: II, 3: I */
    bri = (h >> 12) & 15;
    sri = (h >> 10) & 3;
    pad = (h >> 9) & 1;

    if (ver == 1 || layer == 0 || bri == 0 || bri == 15 || sri == 3) {
        return 0;
    }

    lsf = ver != 3;
    rate = rates[sri] >> (ver == 3 ? 0 : (ver == 2 ? 1 : 2));
    br = kbps[lsf][3 - layer][bri] * 1000;

    if (layer == 3) {
        return (12 * br / rate + pad) * 4;
    }

    if (layer == 1 && lsf) {
        return 72 * br / rate + pad;
    }

    return 144 * br / rate + pad;
}


/* walks the audio bytes P..P+N frame by frame */
static void
sl_mp3(sl_listener_t *l, const unsigned char *p, size_t n)
{
    size_t    k;
    uint32_t  len;

    while (n > 0) {
        if (l->frame_left > 0) {
            k = n < l->frame_left ? n : l->frame_left;
            l->frame_left -= k;
            p += k;
            n -= k;
            continue;
        }

        l->hdr = (l->hdr << 8) | *p++;
        n--;

        if (++l->hdr_len < 4) {
            continue;
        }

        len = sl_mpa_frame_len(l->hdr);

        if (len >= 4) {
            /* synced once a second header follows the first one */
            l->frames++;
            l->frame_left = len - 4;
            l->hdr_len = 0;
            l->synced += l->synced < 2;
            continue;
        }

        /*
         * No header here: slide by one byte until one is found.  A
         * single header may have been a false one, in the audio.
         */
        if (l->synced == 2) {
            l->resyncs++;
        }

        l->synced = 0;

        l->skipped++;
        l->hdr_len = 3;
    }
}


/* accounts body bytes P..P+N: ICY metadata out, the rest is audio */
static void
sl_body(sl_listener_t *l, const unsigned char *p, size_t n)
{
    size_t  k;

    if (l->metaint == 0) {
        l->bytes += n;
        if (l->mp3) {
            sl_mp3(l, p, n);
        }

        return;
    }

    while (n > 0) {
        if (l->meta_left > 0) {
            k = n < l->meta_left ? n : l->meta_left;
            l->meta_left -= k;
            l->meta_bytes += k;

        } else if (l->icy_left > 0) {
            k = n < l->icy_left ? n : l->icy_left;
            l->icy_left -= k;
            l->bytes += k;
            if (l->mp3) {
                sl_mp3(l, p, k);
            }

        } else {
            /* the length byte, in 16-byte units (it may be 0) */
            k = 1;
            l->meta_left = (uint32_t) p[0] * 16;
            l->meta_bytes++;
            l->icy_left = l->metaint;
        }

        p += k;
        n -= k;
    }
}


/* the value of header NAME (with its colon) in HEAD, or NULL */
static const char *
sl_header(const char *head, const char *name, size_t *len)
{
    size_t       nl;
    const char  *p, *e;

    nl = strlen(name);

    for (p = strchr(head, '\n'); p != NULL; p = strchr(p, '\n')) {
        p++;
        if (strncasecmp(p, name, nl) != 0) {
            continue;
        }

        p += nl;
        while (*p == ' ' || *p == '\t') {
            p++;
        }

        e = p + strcspn(p, "\r\n");
        *len = e - p;
        return p;
    }

    return NULL;
}


/*
 * Parses the head (HTTP/1.x or ICY status line); END is its length with
 * the empty line.  Returns 0 on a 200, -1 when the listener ended.
 */
static int
sl_head(sl_listener_t *l, size_t end)
{
    char        *h;
    size_t       len;
    const char  *v;

    h = l->head;
    h[end - 1] = '\0';

    if (strncmp(h, "HTTP/1.", 7) == 0 && h[8] == ' ') {
        l->status = atoi(h + 9);

    } else if (strncmp(h, "ICY ", 4) == 0) {
        l->status = atoi(h + 4);

    } else {
        sl_finish(l, E_BAD_ANSWER);
        return -1;
    }

    if (l->status != 200) {
        if (l->status > 0 && l->status < 600) {
            sl_statuses[l->status]++;
        }

        sl_finish(l, E_STATUS);
        return -1;
    }

    v = sl_header(h, "icy-metaint:", &len);
    if (v != NULL) {
        l->metaint = (uint32_t) strtoul(v, NULL, 10);
        l->icy_left = l->metaint;
        sl_metaint_seen = l->metaint;
    }

    v = sl_header(h, "Content-Type:", &len);
    if (v != NULL) {
        if (sl_type[0] == '\0') {
            snprintf(sl_type, sizeof(sl_type), "%.*s", (int) len, v);
        }

        l->mp3 = len >= 10 && strncasecmp(v, "audio/mpeg", 10) == 0;
    }

    l->state = ST_BODY;
    return 0;
}


/* a listener's first body bytes: time them and raise the low mark */
static void
sl_first(sl_listener_t *l, double now)
{
    int  lowat;

    l->t_first = now;

    if (conf.lowat > 1) {
        lowat = conf.lowat;
        setsockopt(l->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
    }
}


/* reads the head; what follows it in the same read is body */
static void
sl_read_head(sl_listener_t *l, double now)
{
    size_t    i, end;
    ssize_t   n;

    if (l->head == NULL) {
        l->head = malloc(SL_HEAD_MAX);
        if (l->head == NULL) {
            sl_die("out of memory");
        }
    }

    n = recv(l->fd, l->head + l->head_len, SL_HEAD_MAX - 1 - l->head_len, 0);
    if (n == 0) {
        sl_finish(l, E_CLOSED);
        return;
    }

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            sl_finish(l, E_RESET);
        }

        return;
    }

    l->head_len += n;

    end = 0;
    for (i = 0; i + 1 < l->head_len; i++) {
        if (l->head[i] == '\n'
            && (l->head[i + 1] == '\n'
                || (l->head[i + 1] == '\r' && i + 2 < l->head_len
                    && l->head[i + 2] == '\n')))
        {
            end = i + (l->head[i + 1] == '\n' ? 2 : 3);
            break;
        }
    }

    if (end == 0) {
        if (l->head_len >= SL_HEAD_MAX - 1) {
            sl_finish(l, E_BAD_ANSWER);
        }

        return;
    }

    /* the body bytes after the head: copy them out before the head goes */
    n = l->head_len - end;
    memcpy(sl_buf, l->head + end, n);

    if (sl_head(l, end) < 0) {
        return;
    }

    free(l->head);
    l->head = NULL;
    l->head_len = 0;

    if (n > 0) {
        sl_first(l, now);
        sl_body(l, sl_buf, n);
        l->t_last = now;
    }
}


/* reads body bytes, up to ROUNDS reads (a drain: until the socket is empty) */
static void
sl_read_body(sl_listener_t *l, double now, int rounds)
{
    ssize_t  n;

    while (rounds-- > 0 && l->state == ST_BODY) {
        n = recv(l->fd, sl_buf, sizeof(sl_buf), 0);
        if (n == 0) {
            sl_finish(l, E_CLOSED);
            return;
        }

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                sl_finish(l, E_RESET);
            }

            return;
        }

        if (l->t_first == 0) {
            sl_first(l, now);
        }

        sl_body(l, sl_buf, n);
        l->t_last = now;

        if ((size_t) n < sizeof(sl_buf)) {
            return;
        }
    }
}


static void
sl_event(uint64_t data, uint32_t events, double now)
{
    sl_listener_t  *l;

    l = &sl_listeners[data];

    switch (l->state) {

    case ST_CONNECT:
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            sl_connected(l);
        }

        return;

    case ST_HEAD:
        sl_read_head(l, now);
        if (l->state == ST_BODY) {
            sl_read_body(l, now, 1);
        }

        return;

    case ST_BODY:
        sl_read_body(l, now, 4);
        return;

    default:
        return;
    }
}


/* the end of the hold: read what is pending, then judge */
static void
sl_judge(sl_listener_t *l, double now)
{
    double  window;

    sl_read_body(l, now, 1 << 20);

    if (l->state != ST_BODY) {
        return;
    }

    l->t_stop = now;

    if (l->t_first == 0) {
        sl_finish(l, E_NO_DATA);
        return;
    }

    if (now - l->t_last > SL_STALL) {
        sl_finish(l, E_STALLED);
        return;
    }

    l->held = 1;

    if (l->t_snap > 0) {
        window = now - l->t_snap;
        l->rt = window >= 1.0
                && (l->bytes - l->snap_bytes) * 8.0
                   >= conf.tolerance * conf.bitrate * window;
    }

    sl_finish(l, E_NONE);
}


/* timeouts, the warm-up snapshots and the end of the hold, once per tick */
static void
sl_tick(double now)
{
    int             i;
    sl_listener_t  *l;

    for (i = 0; i < sl_nlisteners; i++) {
        l = &sl_listeners[i];

        switch (l->state) {

        case ST_CONNECT:
        case ST_HEAD:
            if (now - l->t_start > conf.timeout) {
                sl_finish(l, l->state == ST_CONNECT ? E_CONNECT : E_TIMEOUT);
            }

            continue;

        case ST_BODY:
            break;

        default:
            continue;
        }

        if (now >= sl_t_end) {
            sl_judge(l, now);
            continue;
        }

        if (l->t_first == 0) {
            if (now - l->t_start > conf.timeout) {
                sl_finish(l, E_TIMEOUT);
            }

            continue;
        }

        if (l->t_snap == 0 && now >= l->t_first + conf.warmup) {
            sl_read_body(l, now, 1 << 20);
            if (l->state == ST_BODY) {
                l->t_snap = now;
                l->snap_bytes = l->bytes;
            }
        }
    }
}


static int
sl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}


/* the nearest-rank percentile Q of the N sorted values V */
static double
sl_pct(const double *v, int n, double q)
{
    int  i;

    if (n == 0) {
        return -1;
    }

    i = (int) ceil(q * n) - 1;
    return v[i < 0 ? 0 : i];
}


/* a percentile as JSON text in BUF, null without values */
static const char *
sl_num(const double *v, int n, double q, const char *fmt, char *buf)
{
    if (n == 0) {
        return "null";
    }

    snprintf(buf, 32, fmt, sl_pct(v, n, q));
    return buf;
}


static void
sl_report(double wall)
{
    int             i, k, nlat, nconn, nrate, connected, answered, held, rt;
    int             failed, first;
    char            p50[32], p99[32], pmax[32], r0[32], r50[32];
    char            c50[32], c99[32], cmax[32];
    double         *lat, *conn, *rate, secs;
    uint64_t        bytes, meta, frames, resyncs;
    sl_listener_t  *l;
    struct rusage   ru;

    lat = malloc(sizeof(double) * (sl_nlisteners + 1));
    conn = malloc(sizeof(double) * (sl_nlisteners + 1));
    rate = malloc(sizeof(double) * (sl_nlisteners + 1));
    if (lat == NULL || conn == NULL || rate == NULL) {
        sl_die("out of memory");
    }

    nlat = nconn = nrate = connected = answered = held = rt = failed = 0;
    bytes = meta = frames = resyncs = 0;
    secs = 0;

    for (i = 0; i < sl_nlisteners; i++) {
        l = &sl_listeners[i];

        if (l->state != ST_DONE && l->error == E_NONE && !l->held) {
            l->error = E_DEADLINE;
        }

        connected += l->connected;
        answered += l->status == 200;
        bytes += l->bytes;
        meta += l->meta_bytes;
        frames += l->frames;
        resyncs += l->resyncs;

        if (l->t_first > 0) {
            lat[nlat++] = (l->t_first - l->t_start) * 1000;
        }

        if (l->t_conn > 0) {
            conn[nconn++] = (l->t_conn - l->t_start) * 1000;
        }

        if (!l->held) {
            failed++;
            sl_errors[l->error == E_NONE ? E_DEADLINE : l->error]++;
            continue;
        }

        held++;
        rt += l->rt;
        secs += l->t_stop - l->t_first;

        if (l->t_snap > 0 && l->t_stop > l->t_snap) {
            rate[nrate++] = (l->bytes - l->snap_bytes) * 8.0
                            / (l->t_stop - l->t_snap) / conf.bitrate;
        }
    }

    qsort(lat, nlat, sizeof(double), sl_cmp);
    qsort(conn, nconn, sizeof(double), sl_cmp);
    qsort(rate, nrate, sizeof(double), sl_cmp);

    printf("{\"mode\":\"http\",\"url\":\"%s\",\"icy\":%s,"
           "\"listeners\":%d,\"ramp\":%g,\"duration\":%g,\"bitrate\":%.0f,"
           "\"tolerance\":%g,\"warmup_s\":%g,\"lowat\":%d,\"wall_s\":%.3f,",
           conf.url, conf.icy ? "true" : "false", sl_nlisteners, conf.ramp,
           conf.duration, conf.bitrate, conf.tolerance, conf.warmup,
           conf.lowat, wall);

    printf("\"attempted\":%d,\"connected\":%d,\"answered\":%d,\"held\":%d,"
           "\"failed\":%d,\"realtime_ok\":%d,"
           "\"first_byte_ms\":{\"n\":%d,\"p50\":%s,\"p99\":%s,\"max\":%s},"
           "\"connect_ms\":{\"n\":%d,\"p50\":%s,\"p99\":%s,\"max\":%s},"
           "\"rate_ratio\":{\"n\":%d,\"min\":%s,\"p50\":%s},"
           "\"listener_seconds\":%.1f,\"audio_bytes\":%llu,"
           "\"meta_bytes\":%llu,\"content_type\":\"%s\",\"icy_metaint\":%u,"
           "\"mp3_frames\":%llu,\"mp3_resyncs\":%llu,",
           sl_nlisteners, connected, answered, held, failed, rt, nlat,
           sl_num(lat, nlat, 0.50, "%.2f", p50),
           sl_num(lat, nlat, 0.99, "%.2f", p99),
           sl_num(lat, nlat, 1.0, "%.2f", pmax), nconn,
           sl_num(conn, nconn, 0.50, "%.2f", c50),
           sl_num(conn, nconn, 0.99, "%.2f", c99),
           sl_num(conn, nconn, 1.0, "%.2f", cmax), nrate,
           sl_num(rate, nrate, 0.0, "%.4f", r0),
           sl_num(rate, nrate, 0.5, "%.4f", r50), secs,
           (unsigned long long) bytes, (unsigned long long) meta, sl_type,
           sl_metaint_seen, (unsigned long long) frames,
           (unsigned long long) resyncs);

    printf("\"errors\":{");
    first = 1;
    for (k = 1; k < E_NKINDS; k++) {
        if (k != E_STATUS && sl_errors[k] > 0) {
            printf("%s\"%s\":%llu", first ? "" : ",", sl_error_names[k],
                   (unsigned long long) sl_errors[k]);
            first = 0;
        }
    }

    for (k = 0; k < 600; k++) {
        if (sl_statuses[k] > 0) {
            printf("%s\"status_%d\":%llu", first ? "" : ",", k,
                   (unsigned long long) sl_statuses[k]);
            first = 0;
        }
    }

    getrusage(RUSAGE_SELF, &ru);
    printf("},\"client_cpu_s\":%.2f}\n",
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
           + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);

    fprintf(stderr, "sl_http_load: N=%d: connected %d, held %d, failed %d, "
            "realtime %d, first byte p50 %.1f ms p99 %.1f ms (connect p99 "
            "%.1f ms), MP3 resyncs %llu\n",
            sl_nlisteners, connected, held, failed, rt,
            sl_pct(lat, nlat, 0.50), sl_pct(lat, nlat, 0.99),
            sl_pct(conn, nconn, 0.99),
            (unsigned long long) resyncs);

    free(lat);
    free(conn);
    free(rate);
}


/* one line per listener for a closer look at the distributions */
static void
sl_dump(double t0)
{
    int             i;
    FILE           *f;
    sl_listener_t  *l;

    f = fopen(conf.dump, "w");
    if (f == NULL) {
        sl_die("%s: %s", conf.dump, strerror(errno));
    }

    for (i = 0; i < sl_nlisteners; i++) {
        l = &sl_listeners[i];
        fprintf(f, "%d %.3f %.2f %.2f %llu %s\n", i, l->t_start - t0,
                l->t_conn > 0 ? (l->t_conn - l->t_start) * 1000 : -1,
                l->t_first > 0 ? (l->t_first - l->t_start) * 1000 : -1,
                (unsigned long long) l->bytes,
                l->held ? (l->rt ? "rt" : "slow") : sl_error_names[l->error]);
    }

    fclose(f);
}


static void
sl_parse_url(void)
{
    int               rc;
    char             *p, *slash, *colon;
    struct addrinfo   hints, *res;

    if (strncasecmp(conf.url, "http://", 7) != 0) {
        sl_die("--url must be http://host[:port]/path");
    }

    p = conf.url + 7;
    slash = strchr(p, '/');
    if (slash == NULL) {
        slash = p + strlen(p);
    }

    snprintf(conf.path, sizeof(conf.path), "%s", *slash ? slash : "/");
    snprintf(conf.host, sizeof(conf.host), "%.*s", (int) (slash - p), p);
    snprintf(conf.port, sizeof(conf.port), "80");

    colon = strrchr(conf.host, ':');
    if (colon != NULL && strchr(conf.host, ']') < colon) {
        snprintf(conf.port, sizeof(conf.port), "%s", colon + 1);
        *colon = '\0';
    }

    if (conf.host[0] == '[') {
        memmove(conf.host, conf.host + 1, strlen(conf.host));
        conf.host[strcspn(conf.host, "]")] = '\0';
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;

    rc = getaddrinfo(conf.host, conf.port, &hints, &res);
    if (rc != 0) {
        sl_die("%s: %s", conf.host, gai_strerror(rc));
    }

    memcpy(&sl_addr, res->ai_addr, res->ai_addrlen);
    sl_addr_len = res->ai_addrlen;
    freeaddrinfo(res);

    sl_loopback = sl_addr.ss_family == AF_INET
                  && (ntohl(((struct sockaddr_in *) &sl_addr)->sin_addr.s_addr)
                      >> 24) == 127;

    sl_request_len = snprintf(sl_request, sizeof(sl_request),
                              "GET %s HTTP/1.0\r\nHost: %s:%s\r\n"
                              "User-Agent: sl_http_load\r\n%s\r\n",
                              conf.path, conf.host, conf.port,
                              conf.icy ? "Icy-MetaData: 1\r\n" : "");
    if (sl_request_len >= (int) sizeof(sl_request)) {
        sl_die("the URL is too long");
    }
}


/* raises the descriptor limit to what N listeners need, as far as allowed */
static void
sl_rlimit(int n)
{
    rlim_t         want;
    struct rlimit  rl;

    want = (rlim_t) n + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want) {
        return;
    }

    rl.rlim_cur = want;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
        rl.rlim_max = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
            return;
        }

        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = rl.rlim_max;
        fprintf(stderr, "sl_http_load: descriptors limited to %llu\n",
                (unsigned long long) rl.rlim_max);
    }

    setrlimit(RLIMIT_NOFILE, &rl);
}


static void
sl_usage(void)
{
    fprintf(stderr,
        "usage: sl_http_load --url http://HOST:PORT/PATH [--listeners N]\n"
        "           [--ramp PER_S] [--duration S] [--bitrate BPS]\n"
        "           [--timeout S] [--tolerance F] [--warmup S]\n"
        "           [--lowat BYTES] [--icy] [--sources K] [--dump FILE]\n");
    exit(2);
}


static void
sl_options(int argc, char **argv)
{
    int          i;
    const char  *o, *v;

    for (i = 1; i < argc; i++) {
        o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            sl_usage();
        }

        if (strcmp(o, "--icy") == 0) {
            conf.icy = 1;
            continue;
        }

        if (i + 1 >= argc) {
            sl_die("%s needs a value", o);
        }

        v = argv[++i];

        if (strcmp(o, "--url") == 0) {
            snprintf(conf.url, sizeof(conf.url), "%s", v);

        } else if (strcmp(o, "--listeners") == 0) {
            conf.listeners = atoi(v);

        } else if (strcmp(o, "--ramp") == 0) {
            conf.ramp = atof(v);

        } else if (strcmp(o, "--duration") == 0) {
            conf.duration = atof(v);

        } else if (strcmp(o, "--timeout") == 0) {
            conf.timeout = atof(v);

        } else if (strcmp(o, "--tolerance") == 0) {
            conf.tolerance = atof(v);

        } else if (strcmp(o, "--warmup") == 0) {
            conf.warmup = atof(v);

        } else if (strcmp(o, "--bitrate") == 0) {
            conf.bitrate = atof(v);

        } else if (strcmp(o, "--lowat") == 0) {
            conf.lowat = atoi(v);

        } else if (strcmp(o, "--sources") == 0) {
            conf.sources = atoi(v);

        } else if (strcmp(o, "--dump") == 0) {
            snprintf(conf.dump, sizeof(conf.dump), "%s", v);

        } else {
            sl_usage();
        }
    }

    if (conf.url[0] == '\0') {
        sl_usage();
    }

    if (conf.listeners <= 0 || conf.listeners > 1000000 || conf.ramp <= 0
        || conf.duration < 0 || conf.duration > 86400 || conf.timeout <= 0
        || conf.tolerance <= 0 || conf.warmup < 0 || conf.bitrate <= 0
        || conf.lowat < 0 || conf.lowat > 1024 * 1024 || conf.sources < 1
        || conf.sources > 254)
    {
        sl_die("bad option value");
    }
}


int
main(int argc, char **argv)
{
    int                 i, n, started, live;
    double              t0, now, next_tick, hard_end, wait, ns;
    struct epoll_event  evs[1024];

    sl_options(argc, argv);
    sl_parse_url();
    sl_rlimit(conf.listeners);

    sl_nlisteners = conf.listeners;
    sl_listeners = calloc(sl_nlisteners, sizeof(sl_listener_t));
    if (sl_listeners == NULL) {
        sl_die("out of memory");
    }

    for (i = 0; i < sl_nlisteners; i++) {
        sl_listeners[i].fd = -1;
    }

    sl_ep = epoll_create1(EPOLL_CLOEXEC);
    if (sl_ep < 0) {
        sl_die("epoll_create1: %s", strerror(errno));
    }

    t0 = sl_now();
    sl_t_end = t0 + sl_nlisteners / conf.ramp + conf.duration;
    hard_end = sl_t_end + conf.timeout + 5;
    started = 0;
    next_tick = t0;

    for ( ;; ) {
        now = sl_now();

        /* the ramp: listener i starts at t0 + i / ramp */
        while (started < sl_nlisteners && now >= t0 + started / conf.ramp) {
            sl_connect(&sl_listeners[started++], now);
        }

        if (now >= next_tick) {
            sl_tick(now);
            next_tick = now + SL_TICK;

            live = 0;
            for (i = 0; i < sl_nlisteners; i++) {
                live += sl_listeners[i].state != ST_DONE;
            }

            if ((live == 0 && started == sl_nlisteners) || now > hard_end) {
                break;
            }
        }

        wait = next_tick - now;
        if (started < sl_nlisteners) {
            ns = t0 + started / conf.ramp - now;
            if (ns < wait) {
                wait = ns;
            }
        }

        n = epoll_wait(sl_ep, evs, 1024, wait > 0 ? (int) (wait * 1000) + 1
                                                  : 0);
        now = sl_now();

        for (i = 0; i < n; i++) {
            sl_event(evs[i].data.u64, evs[i].events, now);
        }
    }

    sl_report(sl_now() - t0);

    if (conf.dump[0] != '\0') {
        sl_dump(t0);
    }

    for (i = 0; i < sl_nlisteners; i++) {
        sl_finish(&sl_listeners[i], E_NONE);
    }

    return 0;
}
