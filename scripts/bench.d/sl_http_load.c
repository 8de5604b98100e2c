/* sl_http_load: the HTTP live listener load generator of scripts/bench. */

/*
 * sl_http_load --url http[s]://127.0.0.1:8000/radio [--listeners N]
 *     [--ramp R] [--duration S] [--bitrate BPS] [--timeout S]
 *     [--tolerance F] [--warmup S] [--lowat BYTES] [--icy] [--sources K]
 *     [--sni NAME] [--dump FILE]
 *
 * Opens N listener connections at R per second from one epoll process, each
 * "GET PATH HTTP/1.0" (with "Icy-MetaData: 1" under --icy), and holds them
 * all until S seconds after the last one was started; then judges each and
 * closes it.  One JSON object on stdout, one human line on stderr.
 *
 * An https:// URL makes every listener a TLS client (sl_load_tls.c): the
 * handshake is driven by the same epoll loop once connect() is done, the
 * certificate is not verified, SNI is --sni NAME (default: the URL's host
 * unless it is an address, which SNI may not carry, RFC 6066 §3), and no
 * session is resumed: each listener makes a full handshake.  The request
 * goes when the handshake is done; the measurements below are the same,
 * on the bytes TLS delivers, and the handshake time (from connect() to
 * its end) is given apart.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sl_load_common.h"
#include "sl_load_tls.h"


#define SL_URL_LEN    512
#define SL_HEAD_MAX   8192
#define SL_STALL      2.0


enum {
    ST_WAIT = 0,        /* not started yet */
    ST_CONNECT,
    ST_HANDSHAKE,       /* TLS */
    ST_HEAD,            /* request sent, reading the head */
    ST_BODY,
    ST_DONE
};

/* failure kinds; status codes are counted apart */
enum {
    E_NONE = 0, E_SOCKET = SL_LOAD_E_SOCKET, E_EMFILE = SL_LOAD_E_EMFILE,
    E_CONNECT = SL_LOAD_E_CONNECT, E_TIMEOUT, E_CLOSED, E_RESET,
    E_BAD_ANSWER, E_NO_DATA, E_STALLED, E_DEADLINE, E_STATUS,
    E_HANDSHAKE, E_HANDSHAKE_TIMEOUT, E_TLS,
    E_NKINDS
};

static const char *sl_error_names[E_NKINDS] = {
    "none", "socket", "emfile", "connect", "timeout", "closed",
    "reset", "bad_answer", "no_data", "stalled", "deadline", "status",
    "handshake", "handshake_timeout", "tls"
};


typedef struct {
    int         fd;
    SSL        *ssl;            /* https:// */
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
    double      t_start, t_conn, t_hs, t_first, t_last, t_snap, t_stop;
    uint64_t    bytes;          /* audio bytes */
    uint64_t    snap_bytes;     /* audio bytes at t_snap */
    uint64_t    meta_bytes;
    uint64_t    frames, resyncs, skipped;
    char       *head;           /* the head while it is being read */
    size_t      head_len;
} sl_listener_t;


static sl_load_conf_t  load = {
    .ramp = 500, .duration = 30, .timeout = 10, .tolerance = 0.95,
    .bitrate = 128000, .sources = 8,
};

static struct {
    char        path[SL_URL_LEN];
    char        dump[SL_URL_LEN];
    char        sni[256];
    int         tls;
    int         listeners;
    int         icy;
    int         lowat;
    double      warmup;
} conf = {
    .listeners = 10, .warmup = 2, .lowat = 8192,
};

const char  sl_load_name[] = "sl_http_load";
const char  sl_load_usage_text[] =
    "usage: sl_http_load --url http[s]://HOST:PORT/PATH [--listeners N]\n"
    "           [--ramp PER_S] [--duration S] [--bitrate BPS]\n"
    "           [--timeout S] [--tolerance F] [--warmup S]\n"
    "           [--lowat BYTES] [--icy] [--sources K] [--sni NAME]\n"
    "           [--dump FILE]\n";

static sl_load_server_t         sl_server;
static sl_load_run_t            sl_run;
static int                      sl_ep;
static sl_listener_t           *sl_listeners;
static int                      sl_nlisteners;
static char                     sl_request[1024];
static int                      sl_request_len;
static uint64_t                 sl_errors[E_NKINDS];
static uint64_t                 sl_statuses[SL_LOAD_STATUSES];
static char                     sl_type[64];
static uint32_t                 sl_metaint_seen;
static SSL_CTX                 *sl_tls_ctx;
static char                     sl_tls_version[32];
static char                     sl_tls_cipher[64];
static unsigned char            sl_buf[256 * 1024];


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

    if (l->ssl != NULL) {
        sl_load_tls_close(l->ssl);
        l->ssl = NULL;
    }

    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }

    free(l->head);
    l->head = NULL;
    l->head_len = 0;
}


static void
sl_connect(int i, double now)
{
    int                 fd, kind;
    sl_listener_t      *l;
    struct epoll_event  ev;

    l = &sl_listeners[i];
    l->t_start = now;
    l->state = ST_CONNECT;

    fd = sl_load_connect(&sl_server, i, load.sources, &kind);
    if (fd < 0) {
        sl_finish(l, kind);
        return;
    }

    l->fd = fd;

    ev.events = EPOLLOUT;
    ev.data.u64 = (uint64_t) i;
    epoll_ctl(sl_ep, EPOLL_CTL_ADD, fd, &ev);
}


/* the listener's socket wakes the loop on EVENTS from now on */
static void
sl_wait(sl_listener_t *l, uint32_t events)
{
    struct epoll_event  ev;

    ev.events = events;
    ev.data.u64 = (uint64_t) (l - sl_listeners);
    epoll_ctl(sl_ep, EPOLL_CTL_MOD, l->fd, &ev);
}


/* recv() or, over TLS, SSL_read(), with recv()'s answers */
static ssize_t
sl_recv(sl_listener_t *l, void *buf, size_t size)
{
    if (l->ssl != NULL) {
        return sl_load_tls_recv(l->ssl, buf, size);
    }

    return recv(l->fd, buf, size, 0);
}


/* the failure kind of a read or a write that returned -1 */
static int
sl_io_error(void)
{
    return errno == EPROTO ? E_TLS : E_RESET;
}


/* the request goes in one send (it is small), then the head is awaited */
static void
sl_send_request(sl_listener_t *l)
{
    ssize_t  n;

    if (l->ssl != NULL) {
        n = sl_load_tls_send(l->ssl, sl_request, sl_request_len);

    } else {
        n = send(l->fd, sl_request, sl_request_len, MSG_NOSIGNAL);
    }

    if (n != sl_request_len) {
        sl_finish(l, n < 0 && errno != EAGAIN ? sl_io_error() : E_CLOSED);
        return;
    }

    l->state = ST_HEAD;
    sl_wait(l, EPOLLIN);
}


/* one step of the TLS handshake; its end sends the request */
static void
sl_handshake(sl_listener_t *l)
{
    switch (sl_load_tls_handshake(l->ssl)) {

    case SL_LOAD_TLS_DONE:
        break;

    case SL_LOAD_TLS_WANT_READ:
        sl_wait(l, EPOLLIN);
        return;

    case SL_LOAD_TLS_WANT_WRITE:
        sl_wait(l, EPOLLOUT);
        return;

    default:
        sl_finish(l, E_HANDSHAKE);
        return;
    }

    l->t_hs = sl_load_now();

    if (sl_tls_version[0] == '\0') {
        snprintf(sl_tls_version, sizeof(sl_tls_version), "%s",
                 SSL_get_version(l->ssl));
        snprintf(sl_tls_cipher, sizeof(sl_tls_cipher), "%s",
                 SSL_get_cipher_name(l->ssl));
    }

    sl_send_request(l);
}


/* the connection is up: the request, or first the TLS handshake */
static void
sl_connected(sl_listener_t *l)
{
    int        err;
    socklen_t  len;

    err = 0;
    len = sizeof(err);
    if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        sl_finish(l, E_CONNECT);
        return;
    }

    l->connected = 1;
    l->t_conn = sl_load_now();

    if (conf.tls) {
        l->ssl = sl_load_tls_new(sl_tls_ctx, l->fd, conf.sni);
        l->state = ST_HANDSHAKE;
        sl_handshake(l);
        return;
    }

    sl_send_request(l);
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
        l->head = sl_load_realloc(NULL, SL_HEAD_MAX);
    }

    n = sl_recv(l, l->head + l->head_len, SL_HEAD_MAX - 1 - l->head_len);
    if (n == 0) {
        sl_finish(l, E_CLOSED);
        return;
    }

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            sl_finish(l, sl_io_error());
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


/*
 * Reads body bytes, up to ROUNDS reads (a drain: until the socket is
 * empty).  A short recv() means the socket is empty; SSL_read() gives one
 * record (16 KiB at most) a call, so over TLS only EAGAIN says so.
 */
static void
sl_read_body(sl_listener_t *l, double now, int rounds)
{
    ssize_t  n;

    while (rounds-- > 0 && l->state == ST_BODY) {
        n = sl_recv(l, sl_buf, sizeof(sl_buf));
        if (n == 0) {
            sl_finish(l, E_CLOSED);
            return;
        }

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                sl_finish(l, sl_io_error());
            }

            return;
        }

        if (l->t_first == 0) {
            sl_first(l, now);
        }

        sl_body(l, sl_buf, n);
        l->t_last = now;

        if (l->ssl == NULL && (size_t) n < sizeof(sl_buf)) {
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

    case ST_HANDSHAKE:
        sl_handshake(l);
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
                   >= load.tolerance * load.bitrate * window;
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
        case ST_HANDSHAKE:
        case ST_HEAD:
            if (now - l->t_start > load.timeout) {
                sl_finish(l, l->state == ST_CONNECT ? E_CONNECT
                             : l->state == ST_HANDSHAKE ? E_HANDSHAKE_TIMEOUT
                             : E_TIMEOUT);
            }

            continue;

        case ST_BODY:
            break;

        default:
            continue;
        }

        if (now >= sl_run.t_end) {
            sl_judge(l, now);
            continue;
        }

        if (l->t_first == 0) {
            if (now - l->t_start > load.timeout) {
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


static void
sl_report(double wall)
{
    int             i, nlat, nconn, nhs, nrate, connected, answered, held;
    int             rt, failed;
    char            r0[32], r50[32], jlat[160], jconn[160], jhs[160];
    double         *lat, *conn, *hs, *rate, secs;
    size_t          size;
    uint64_t        bytes, meta, frames, resyncs;
    sl_listener_t  *l;

    size = sizeof(double) * (sl_nlisteners + 1);
    lat = sl_load_realloc(NULL, size);
    conn = sl_load_realloc(NULL, size);
    hs = sl_load_realloc(NULL, size);
    rate = sl_load_realloc(NULL, size);

    nlat = nconn = nhs = nrate = connected = answered = held = rt = 0;
    failed = 0;
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

        if (l->t_hs > 0) {
            hs[nhs++] = (l->t_hs - l->t_start) * 1000;
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
                            / (l->t_stop - l->t_snap) / load.bitrate;
        }
    }

    sl_load_sort(lat, nlat);
    sl_load_sort(conn, nconn);
    sl_load_sort(hs, nhs);
    sl_load_sort(rate, nrate);

    printf("{\"mode\":\"%s\",\"url\":\"%s\",\"icy\":%s,"
           "\"listeners\":%d,\"ramp\":%g,\"duration\":%g,\"bitrate\":%.0f,"
           "\"tolerance\":%g,\"warmup_s\":%g,\"lowat\":%d,\"wall_s\":%.3f,",
           conf.tls ? "https" : "http", load.url,
           conf.icy ? "true" : "false", sl_nlisteners, load.ramp,
           load.duration, load.bitrate, load.tolerance, conf.warmup,
           conf.lowat, wall);

    if (conf.tls) {
        printf("\"tls\":{\"sni\":\"%s\",\"version\":\"%s\","
               "\"cipher\":\"%s\"},\"handshake_ms\":%s,",
               conf.sni, sl_tls_version, sl_tls_cipher,
               sl_load_json_ms(hs, nhs, jhs, sizeof(jhs)));
    }

    printf("\"attempted\":%d,\"connected\":%d,\"answered\":%d,\"held\":%d,"
           "\"failed\":%d,\"realtime_ok\":%d,"
           "\"first_byte_ms\":%s,\"connect_ms\":%s,"
           "\"rate_ratio\":{\"n\":%d,\"min\":%s,\"p50\":%s},"
           "\"listener_seconds\":%.1f,\"audio_bytes\":%llu,"
           "\"meta_bytes\":%llu,\"content_type\":\"%s\",\"icy_metaint\":%u,"
           "\"mp3_frames\":%llu,\"mp3_resyncs\":%llu,",
           sl_nlisteners, connected, answered, held, failed, rt,
           sl_load_json_ms(lat, nlat, jlat, sizeof(jlat)),
           sl_load_json_ms(conn, nconn, jconn, sizeof(jconn)), nrate,
           sl_load_num(rate, nrate, 0.0, "%.4f", r0),
           sl_load_num(rate, nrate, 0.5, "%.4f", r50), secs,
           (unsigned long long) bytes, (unsigned long long) meta, sl_type,
           sl_metaint_seen, (unsigned long long) frames,
           (unsigned long long) resyncs);

    sl_load_print_errors(sl_errors, sl_error_names, E_NKINDS, E_STATUS,
                         sl_statuses);
    printf("}\n");

    fprintf(stderr, "sl_http_load: N=%d: connected %d, held %d, failed %d, "
            "realtime %d, first byte p50 %.1f ms p99 %.1f ms (connect p99 "
            "%.1f ms", sl_nlisteners, connected, held, failed, rt,
            sl_load_pct(lat, nlat, 0.50), sl_load_pct(lat, nlat, 0.99),
            sl_load_pct(conn, nconn, 0.99));

    if (conf.tls) {
        fprintf(stderr, ", %s handshake p50 %.1f ms p99 %.1f ms",
                sl_tls_version[0] ? sl_tls_version : "TLS",
                sl_load_pct(hs, nhs, 0.50),
                sl_load_pct(hs, nhs, 0.99));
    }

    fprintf(stderr, "), MP3 resyncs %llu\n", (unsigned long long) resyncs);

    free(lat);
    free(conn);
    free(hs);
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
        sl_load_die("%s: %s", conf.dump, strerror(errno));
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


/*
 * The server and the request, the same for every listener; https:// makes
 * them TLS clients, with SNI the host unless --sni says or the host is an
 * address.
 */
static void
sl_parse_url(void)
{
    const char     *path;
    unsigned char   addr[sizeof(struct in6_addr)];

    conf.tls = strncasecmp(load.url, "https://", 8) == 0;

    path = sl_load_parse_url(load.url, conf.tls ? "https://" : "http://",
                             conf.tls ? "443" : "80", &sl_server);
    snprintf(conf.path, sizeof(conf.path), "%s", *path ? path : "/");

    if (conf.tls) {
        if (conf.sni[0] == '\0'
            && inet_pton(AF_INET, sl_server.host, addr) != 1
            && inet_pton(AF_INET6, sl_server.host, addr) != 1)
        {
            snprintf(conf.sni, sizeof(conf.sni), "%s", sl_server.host);
        }

        sl_tls_ctx = sl_load_tls_init();
    }

    sl_request_len = snprintf(sl_request, sizeof(sl_request),
                              "GET %s HTTP/1.0\r\nHost: %s:%s\r\n"
                              "User-Agent: sl_http_load\r\n%s\r\n",
                              conf.path, sl_server.host, sl_server.port,
                              conf.icy ? "Icy-MetaData: 1\r\n" : "");
    if (sl_request_len >= (int) sizeof(sl_request)) {
        sl_load_die("the URL is too long");
    }
}


static void
sl_options(int argc, char **argv)
{
    sl_load_opt_t  opts[] = {
        { "--icy", SL_LOAD_OPT_FLAG, &conf.icy, 0, NULL },
        { "--listeners", SL_LOAD_OPT_INT, &conf.listeners, 0, NULL },
        { "--warmup", SL_LOAD_OPT_DOUBLE, &conf.warmup, 0, NULL },
        { "--lowat", SL_LOAD_OPT_INT, &conf.lowat, 0, NULL },
        { "--sni", SL_LOAD_OPT_STR, conf.sni, sizeof(conf.sni), NULL },
        { "--dump", SL_LOAD_OPT_STR, conf.dump, sizeof(conf.dump), NULL },
        { NULL, 0, NULL, 0, NULL }
    };

    sl_load_options(argc, argv, &load, opts);

    if (conf.listeners <= 0 || conf.listeners > 1000000 || conf.warmup < 0
        || load.bitrate <= 0 || conf.lowat < 0 || conf.lowat > 1024 * 1024)
    {
        sl_load_die("bad option value");
    }
}


static int
sl_done(int i)
{
    return sl_listeners[i].state == ST_DONE;
}


int
main(int argc, char **argv)
{
    int  i;

    sl_options(argc, argv);
    sl_parse_url();
    sl_load_rlimit(conf.listeners);

    sl_nlisteners = conf.listeners;
    sl_listeners = sl_load_calloc(sl_nlisteners, sizeof(sl_listener_t));

    for (i = 0; i < sl_nlisteners; i++) {
        sl_listeners[i].fd = -1;
    }

    sl_ep = sl_load_epoll();

    sl_run.ep = sl_ep;
    sl_run.n = sl_nlisteners;
    sl_run.ramp = load.ramp;
    sl_run.start = sl_connect;
    sl_run.tick = sl_tick;
    sl_run.done = sl_done;
    sl_run.event = sl_event;

    sl_load_run(&sl_run, load.duration, load.timeout + 5);

    sl_report(sl_load_now() - sl_run.t0);

    if (conf.dump[0] != '\0') {
        sl_dump(sl_run.t0);
    }

    for (i = 0; i < sl_nlisteners; i++) {
        sl_finish(&sl_listeners[i], E_NONE);
    }

    if (sl_tls_ctx != NULL) {
        SSL_CTX_free(sl_tls_ctx);
    }

    return 0;
}
