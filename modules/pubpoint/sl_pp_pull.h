/*
 * Pulled sources: "source http://...;" and "source rtsp://...;" (and
 * over TLS, https:// and rtsps://, the peer verified).  Sluice
 * connects to the upstream server as a client and writes what it
 * receives into the point's live stream; when the upstream is lost the
 * stream is unpublished (listeners wait source_timeout) and the puller
 * connects again after a delay that doubles from 0.5 s up to 30 s, and
 * starts over after a stream that ran for a while.  A playlist relays
 * its URL entries through the same machinery with a sink of its own
 * (sl_pp_pull_sink_t): the units go to the sink, and a lost stream ends
 * the pull instead of being tried again.
 *
 * sl_pp_pull.c is the shared part: the configuration (the URL parsed
 * and its host resolved when the configuration is read, never in a
 * worker), the connection on the event loop, the writer, the backoff.
 * Each scheme is a module of type SL_PP_PULL_MODULE built with its
 * protocol's module (sl_pp_pull_http.c, sl_pp_pull_rtsp.c): it writes
 * requests and reads what comes back.  sl_pp_pull_parse.c holds the
 * pure pieces: response heads, ICY metadata, RTSP headers, the backoff.
 */

#ifndef SL_PP_PULL_H
#define SL_PP_PULL_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_head.h>


#define SL_PP_PULL_MODULE        0x4c4c5550     /* "PULL" */

#define SL_PP_PULL_MAX_ADDRS     8
#define SL_PP_PULL_TIMEOUT       10000    /* ms: to connect, of silence */
#define SL_PP_PULL_STABLE        10000    /* ms of stream that reset the
                                             backoff */
#define SL_PP_PULL_BACKOFF_MIN   500
#define SL_PP_PULL_BACKOFF_MAX   30000
#define SL_PP_PULL_REDIRECTS     3
#define SL_PP_PULL_URL_MAX       2048
#define SL_PP_PULL_IN            (128 * 1024)   /* an interleaved frame
                                                   and more */
#define SL_PP_PULL_OUT           4096     /* requests */
#define SL_PP_PULL_MAX_HEADERS   64
#define SL_PP_PULL_HEAD_MAX      16384    /* a response head */

typedef struct sl_pp_pull_s        sl_pp_pull_t;
typedef struct sl_pp_pull_proto_s  sl_pp_pull_proto_t;


/*
 * The TLS client of https:// and rtsps:// pulls, one per configuration
 * (the broadcast module's main conf): verifies origins against
 * source_ssl_trusted_certificate, or the system's authorities.
 */
typedef struct {
    sl_str_t                  trusted;      /* full path, or empty */
    sl_str_t                  file;         /* where it was written */
    sl_uint_t                 line;
    sl_ssl_t                  tls;          /* ctx once a URL needs it */
    unsigned                  needed:1;
} sl_pp_pull_main_conf_t;

/* "source URL", as the configuration leaves it (read-only after) */
typedef struct {
    sl_str_t                  url;
    sl_url_t                  u;
    const sl_pp_pull_proto_t *proto;
    sl_ssl_t                 *tls;          /* https://, rtsps://: or NULL */
    struct sockaddr_storage   addrs[SL_PP_PULL_MAX_ADDRS];
    socklen_t                 socklens[SL_PP_PULL_MAX_ADDRS];
    sl_uint_t                 naddrs;
} sl_pp_pull_conf_t;

/*
 * A scheme.  start() queues the first request (sl_pp_pull_send) once
 * connected.  input() takes the bytes received so far, [buf, buf+len),
 * and says in *used how many it consumed (the rest is kept for the next
 * call with more); it returns SL_OK to read on, SL_DONE to connect
 * again at once (a redirect: sl_pp_pull_redirect), or SL_ERROR when
 * the stream is lost (sl_pp_pull_error said why).  timer() runs when
 * pl->timer fires (keep-alives); close() may queue last words before
 * the connection goes (nothing is awaited).  The protocol's state,
 * size bytes zeroed, is in pl->data, from the connection's pool.
 */
struct sl_pp_pull_proto_s {
    const char               *scheme;       /* "http" */
    in_port_t                 default_port;
    const char               *tls_scheme;   /* "https" */
    in_port_t                 tls_port;
    size_t                    size;
    sl_int_t                (*start)(sl_pp_pull_t *pl);
    sl_int_t                (*input)(sl_pp_pull_t *pl, u_char *buf,
                                     size_t len, size_t *used);
    sl_int_t                (*timer)(sl_pp_pull_t *pl);
    void                    (*close)(sl_pp_pull_t *pl);
};

/* ctx of an SL_PP_PULL_MODULE */
typedef struct {
    const sl_pp_pull_proto_t *proto;
} sl_pp_pull_module_t;


/* the backoff between attempts */
typedef struct {
    sl_msec_t                 min;
    sl_msec_t                 max;
    sl_msec_t                 delay;        /* of the next attempt */
    sl_uint_t                 failures;     /* in a row */
} sl_pp_backoff_t;

/* min, doubling up to max */
void sl_pp_backoff_init(sl_pp_backoff_t *b, sl_msec_t min, sl_msec_t max);
/* the delay before the next attempt; the one after doubles */
sl_msec_t sl_pp_backoff_next(sl_pp_backoff_t *b);
/*
 * A stream that ran lasted ms ended: at least stable ms of it, and
 * the next delay is min again.
 */
void sl_pp_backoff_ended(sl_pp_backoff_t *b, sl_msec_t lasted,
    sl_msec_t stable);


/* a response head: "HTTP/1.1 200 OK", "ICY 200 OK", "RTSP/1.0 200 OK" */
typedef struct {
    sl_str_t                  protocol;     /* "HTTP/1.1", "ICY" */
    sl_uint_t                 status;
    sl_str_t                  reason;
    sl_head_field_t           headers[SL_PP_PULL_MAX_HEADERS];
    sl_uint_t                 nheaders;
    int64_t                   content_length;   /* -1 when absent */
    unsigned                  chunked:1;    /* Transfer-Encoding: chunked */
    size_t                    head_len;     /* up to the empty line */
    const char               *error;
} sl_pp_pull_response_t;

/*
 * Parses the response head at the start of buf: the status line
 * (a protocol of "HTTP/1.x", "RTSP/1.0" or "ICY", a three-digit status,
 * a reason), field lines up to an empty line (CRLF or LF line ends).
 * SL_OK with r->head_len set; SL_AGAIN when the empty line has not come
 * yet; SL_ERROR with r->error (a bad line, too many fields, a bad or
 * double Content-Length, a Transfer-Encoding other than chunked).  The
 * strings point into buf.
 */
sl_int_t sl_pp_pull_parse_response(const u_char *buf, size_t len,
    sl_pp_pull_response_t *r);
/* the value of the first field named name (case-insensitive), or NULL */
const sl_str_t *sl_pp_pull_header(const sl_pp_pull_response_t *r,
    const char *name);


/* ICY metadata (SHOUTcast): a block every metaint bytes of audio */
#define SL_PP_ICY_META_MAX       (255 * 16)

typedef struct {
    size_t                    metaint;
    size_t                    left;         /* audio bytes before a block */
    size_t                    meta_len;     /* of the block being read */
    size_t                    meta_got;
    unsigned                  in_meta:1;
    unsigned                  title_changed:1;
    sl_str_t                  title;        /* into title_data */
    u_char                    meta[SL_PP_ICY_META_MAX];
    u_char                    title_data[SL_PP_ICY_META_MAX];
} sl_pp_icy_t;

void sl_pp_icy_init(sl_pp_icy_t *icy, size_t metaint);
/*
 * Takes the metadata blocks out of the len bytes at buf, in place, over
 * any split of the stream; returns the audio bytes left at buf.  A
 * block with a StreamTitle sets title and title_changed (the caller
 * clears it) when the title differs.
 */
size_t sl_pp_icy_strip(sl_pp_icy_t *icy, u_char *buf, size_t len);
/* StreamTitle='...'; of a metadata block: SL_OK with title, else SL_DECLINED */
sl_int_t sl_pp_icy_title(const u_char *meta, size_t len, sl_str_t *title);


/*
 * "Session: 12345678;timeout=60" (RFC 2326 §12.37): the id, and the
 * timeout in seconds (60 when absent).  SL_OK or SL_ERROR.
 */
sl_int_t sl_pp_rtsp_session(const sl_str_t *value, sl_str_t *id,
    sl_uint_t *timeout);
/* "interleaved=a-b" of a Transport value: SL_OK with a and b */
sl_int_t sl_pp_rtsp_interleaved(const sl_str_t *value, sl_uint_t *a,
    sl_uint_t *b);
/* the method is in a Public header value ("OPTIONS, GET_PARAMETER") */
sl_uint_t sl_pp_rtsp_public_has(const sl_str_t *value, const char *method);
/* a compound RTCP packet (RFC 3550 §6.1) holds a BYE */
sl_uint_t sl_pp_rtcp_has_bye(const u_char *pkt, size_t len);
/*
 * The next item of an RTP-Info value (RFC 2326 §12.33), "url=U;seq=N;
 * rtptime=T" separated by commas, from *pos up to end: its url (len 0
 * when it has none) and rtptime (*has 0 when it has none or it is not a
 * 32-bit number).  SL_OK, or SL_DONE when no item is left.
 */
sl_int_t sl_pp_rtp_info_next(u_char **pos, u_char *end, sl_str_t *url,
    uint32_t *rtptime, sl_uint_t *has);


/*
 * Where a pull's stream goes when it is not the point's own source: the
 * sink's owner holds the point and writes what it gets.  tracks() and
 * title() come as sl_live_set_tracks() and sl_live_set_title() would,
 * tracks() before the first unit and again when they change: SL_OK, or
 * SL_ERROR to end the pull.  unit() answers as sl_live_write() does
 * (SL_ABORT ends the pull).  The pointers given to the three are valid
 * during the call only.  end() says the stream is lost (logged, the
 * connection closed): it is called once, from the pull's event
 * handlers, and nothing is tried again; the owner stops the pull later,
 * never from inside a call of the sink.
 */
typedef struct {
    sl_int_t                (*tracks)(void *data,
                                      const sl_media_track_t *tracks,
                                      sl_uint_t n, const char *format);
    void                    (*title)(void *data, const sl_str_t *title);
    sl_int_t                (*unit)(void *data, const sl_media_unit_t *mu);
    void                    (*end)(void *data);
} sl_pp_pull_sink_t;


/* the state of one pulled source, in the worker that pulls it */
struct sl_pp_pull_s {
    sl_live_t                *live;
    const sl_pp_pull_conf_t  *conf;
    const sl_pp_pull_proto_t *proto;
    sl_pool_t                *pool;         /* the puller's */
    sl_log_t                  log;

    sl_str_t                  url;          /* now: conf's or a redirect */
    sl_url_t                  u;
    u_char                    url_data[SL_PP_PULL_URL_MAX];
    struct sockaddr_storage   sockaddr;
    socklen_t                 socklen;
    u_char                    addr_text[SL_SOCKADDR_STRLEN];
    size_t                    addr_len;
    sl_uint_t                 next_addr;    /* of conf->addrs */
    sl_uint_t                 redirects;

    sl_connection_t          *connection;
    void                     *data;         /* the protocol's */
    u_char                   *in;           /* SL_PP_PULL_IN bytes */
    size_t                    in_len;
    u_char                   *out;          /* SL_PP_PULL_OUT bytes */
    size_t                    out_len;
    size_t                    out_sent;

    sl_live_writer_t          writer;       /* without a sink */
    const sl_pp_pull_sink_t  *sink;         /* or NULL */
    void                     *sink_data;
    sl_msec_t                 started;      /* the stream began, 0: not */
    sl_event_t                retry;
    sl_event_t                timer;        /* the protocol's */
    sl_pp_backoff_t           backoff;

    sl_uint_t                 why_level;
    u_char                    why[256];
    size_t                    why_len;
    unsigned                  connecting:1;
    unsigned                  handshaking:1;  /* TLS, after connect() */
    unsigned                  stopped:1;
    unsigned                  alive:1;      /* a response or a unit came:
                                               the silence timer restarts */
};


/*
 * With the configuration: parses url, finds its scheme, resolves the
 * host.  what names the URL in errors ("\"source\"", "playlist"), which
 * are logged at cf's file:line.
 */
char *sl_pp_pull_configure(sl_conf_t *cf, const char *what,
    const sl_str_t *url, sl_pp_pull_conf_t *pc);
/* source_ssl_trusted_certificate FILE; (streaming{} level) */
char *sl_pp_pull_trusted(sl_conf_t *cf, sl_command_t *cmd, void *conf);
/* once every URL is configured: the TLS client context, if one needs it */
sl_int_t sl_pp_pull_init_tls(sl_conf_t *cf, sl_pp_pull_main_conf_t *pmcf);

extern sl_module_t  sl_pp_broadcast_module;
/*
 * Starts pulling for lv, the first attempt at once: into lv itself when
 * sink is NULL, else into the sink, called with data.  NULL (logged).
 */
sl_pp_pull_t *sl_pp_pull_start(sl_cycle_t *cycle, sl_live_t *lv,
    const sl_pp_pull_conf_t *pc, const sl_pp_pull_sink_t *sink,
    void *data);
void sl_pp_pull_stop(sl_pp_pull_t *pl);


/* for the schemes */

/* queues request bytes (printf-like); SL_OK, SL_ERROR when they do not fit */
sl_int_t sl_pp_pull_send(sl_pp_pull_t *pl, const char *fmt, ...)
    sl_printf_like(2, 3);
/* says why the stream is lost, at level; returns SL_ERROR */
sl_int_t sl_pp_pull_error(sl_pp_pull_t *pl, sl_uint_t level,
    const char *fmt, ...) sl_printf_like(3, 4);
/*
 * A response head at buf: SL_OK, SL_AGAIN (more to come), SL_ERROR
 * (said why: malformed, or longer than SL_PP_PULL_HEAD_MAX).
 */
sl_int_t sl_pp_pull_response(sl_pp_pull_t *pl, const u_char *buf,
    size_t len, sl_pp_pull_response_t *r);
/* the upstream sent us to location: SL_DONE, or SL_ERROR (said why) */
sl_int_t sl_pp_pull_redirect(sl_pp_pull_t *pl, const sl_str_t *location);
/*
 * The stream begins (what: "mp3"): the point is claimed for it (not with
 * a sink).  SL_OK or SL_ERROR.
 */
sl_int_t sl_pp_pull_publish(sl_pp_pull_t *pl, const char *what);
/* the stream's tracks, described; SL_OK or SL_ERROR (said why) */
sl_int_t sl_pp_pull_set_tracks(sl_pp_pull_t *pl,
    const sl_media_track_t *tracks, sl_uint_t n, const char *format);
void sl_pp_pull_set_title(sl_pp_pull_t *pl, const sl_str_t *title);
/* a unit into the point; SL_OK, or SL_ERROR when another source took it */
sl_int_t sl_pp_pull_write(sl_pp_pull_t *pl, const sl_media_unit_t *mu);

#endif /* SL_PP_PULL_H */
