/*
 * The streaming{} family: contexts (main, server, publishing point), the
 * listen and publishing_point directives, and the request phases every
 * protocol module runs its requests through.
 */

#ifndef SL_STREAMING_H
#define SL_STREAMING_H

#include <sl_config.h>
#include <sl_core.h>


typedef struct sl_streaming_request_s  sl_streaming_request_t;

typedef struct {
    void        **main_conf;
    void        **srv_conf;
    void        **pp_conf;
} sl_streaming_conf_ctx_t;

#define SL_STREAMING_MAIN_CONF_OFFSET                                         \
    offsetof(sl_streaming_conf_ctx_t, main_conf)
#define SL_STREAMING_SRV_CONF_OFFSET                                          \
    offsetof(sl_streaming_conf_ctx_t, srv_conf)
#define SL_STREAMING_PP_CONF_OFFSET                                           \
    offsetof(sl_streaming_conf_ctx_t, pp_conf)

/* ctx of SL_STREAMING_MODULE */
typedef struct {
    sl_int_t   (*preconfiguration)(sl_conf_t *cf);   /* add protocols */
    sl_int_t   (*postconfiguration)(sl_conf_t *cf);  /* add phase handlers */

    void      *(*create_main_conf)(sl_conf_t *cf);
    char      *(*init_main_conf)(sl_conf_t *cf, void *conf);
    void      *(*create_srv_conf)(sl_conf_t *cf);
    char      *(*merge_srv_conf)(sl_conf_t *cf, void *prev, void *conf);
    void      *(*create_pp_conf)(sl_conf_t *cf);
    char      *(*merge_pp_conf)(sl_conf_t *cf, void *prev, void *conf);
} sl_streaming_module_t;


/*
 * Phases, in the order a request goes through them.  A handler returns
 *   SL_DECLINED  not decided here: the next handler of the phase runs;
 *   SL_OK        the phase is satisfied: the next phase starts;
 *   SL_AGAIN     waiting (the protocol resumes with sl_streaming_run_phases);
 *   SL_ERROR     internal error (the protocol answers 500);
 *   a status >= 100 (401, 403, 453, 503 ...) that ends the request.
 * The log phase is run apart, by sl_streaming_log_request() at the end.
 */
typedef enum {
    SL_STREAMING_ACCESS_PHASE = 0,          /* IP allow/deny */
    SL_STREAMING_AUTHENTICATION_PHASE,      /* who is it (401) */
    SL_STREAMING_AUTHORIZATION_PHASE,       /* may they (403) */
    SL_STREAMING_LIMITS_PHASE,              /* is there room (453/503) */
    SL_STREAMING_LOG_PHASE,
    SL_STREAMING_PHASES
} sl_streaming_phase_e;

typedef sl_int_t (*sl_streaming_handler_pt)(sl_streaming_request_t *r);

typedef struct {
    sl_array_t                handlers;     /* sl_streaming_handler_pt */
} sl_streaming_phase_t;

/* what a request asks of a publishing point */
#define SL_STREAMING_READ     1             /* play */
#define SL_STREAMING_WRITE    2             /* publish (encoder push) */

struct sl_streaming_request_s {
    sl_connection_t          *connection;
    sl_pool_t                *pool;
    sl_log_t                 *log;

    void                    **main_conf;
    void                    **srv_conf;
    void                    **pp_conf;

    sl_str_t                  method;       /* for logs: "OPTIONS" */
    sl_str_t                  path;         /* decoded path, "/vod/a.mp3" */
    sl_str_t                  uri;          /* the request target as sent:
                                               Digest's "uri" names it */
    sl_str_t                  uri_base;     /* or this, for an RTSP track:
                                               the target up to the "/"
                                               before its control, len 0
                                               when it has none */
    sl_str_t                  authorization;  /* the Authorization value;
                                               len 0 when none was sent */
    sl_uint_t                 access;       /* SL_STREAMING_READ/WRITE */

    int                       captures[SL_REGEX_MAX_CAPTURES * 2];
    sl_uint_t                 ncaptures;    /* pairs set by the pp regex */

    sl_uint_t                 phase;        /* where run_phases resumes */
    sl_uint_t                 phase_handler;
    sl_int_t                  status;

    sl_str_t                  user;         /* set by authentication */
    sl_str_t                  headers_out;  /* header lines (each ending
                                               in CRLF) the phases want in
                                               whatever response the
                                               protocol sends for r: the
                                               challenges of a 401 */
    unsigned                  secure:1;     /* the connection has TLS */
    void                     *data;         /* the protocol's request */
};


/*
 * Sources: "type on_demand" in a publishing point names a source type
 * that a module registered; open() gives the request its media (a file
 * for on-demand points): SL_OK, or a status (404, 403, 415, 500).
 */
typedef sl_int_t (*sl_streaming_source_pt)(sl_streaming_request_t *r,
    sl_media_file_t *mf);

typedef struct {
    sl_str_t                  name;
    sl_streaming_source_pt    open;
} sl_streaming_source_type_t;

/* protocols: "listen ... rtsp" finds its connection handler here */
typedef struct {
    sl_str_t                  name;
    sl_connection_handler_pt  handler;      /* a new connection */
} sl_streaming_protocol_t;

typedef struct {
    sl_addr_t                 addr;
    sl_streaming_protocol_t  *protocol;
    sl_int_t                  backlog;
    ssize_t                   sndbuf;       /* 0: the system's */
    unsigned                  ipv6only:1;
    unsigned                  ssl:1;
    void                     *server;       /* sl_streaming_core_srv_conf_t */
    sl_str_t                  file;         /* where it was written */
    sl_uint_t                 line;
} sl_streaming_listen_t;


typedef struct {
    sl_array_t                servers;      /* sl_streaming_core_srv_conf_t * */
    sl_array_t                protocols;    /* sl_streaming_protocol_t */
    sl_array_t                source_types; /* sl_streaming_source_type_t */
    sl_array_t                listens;      /* sl_streaming_listen_t */
    sl_streaming_phase_t      phases[SL_STREAMING_PHASES];
} sl_streaming_core_main_conf_t;

typedef struct sl_streaming_core_pp_conf_s  sl_streaming_core_pp_conf_t;

typedef struct {
    sl_streaming_conf_ctx_t  *ctx;          /* this server's confs */
    sl_array_t                pps;          /* every point, config order */
    sl_ssl_t                 *ssl;          /* ssl_certificate, or NULL */
    sl_str_t                  file;
    sl_uint_t                 line;
} sl_streaming_core_srv_conf_t;

struct sl_streaming_core_pp_conf_s {
    sl_str_t                  name;         /* "/vod", or the regex */
    sl_regex_t               *regex;
    sl_streaming_conf_ctx_t  *ctx;          /* main, srv and own pp confs */
    void                    **pp_conf;      /* ctx->pp_conf */
    sl_complex_value_t       *redirect;     /* "redirect URL" ($1..$9) */
    sl_streaming_source_type_t  *type;      /* "type on_demand", or NULL */
    struct sl_live_s         *live;         /* a broadcast point's stream */

    sl_msec_t                 fast_start;   /* media sent fast at first */
    sl_int_t                  fast_start_rate;  /* times real time */

    sl_str_t                  file;         /* where it was written */
    sl_uint_t                 line;
    unsigned                  exact:1;
    unsigned                  caseless:1;
};


#define sl_streaming_get_module_main_conf(r, module)                          \
    (r)->main_conf[module.ctx_index]
#define sl_streaming_get_module_srv_conf(r, module)                           \
    (r)->srv_conf[module.ctx_index]
#define sl_streaming_get_module_pp_conf(r, module)                            \
    (r)->pp_conf[module.ctx_index]

#define sl_streaming_conf_get_module_main_conf(cf, module)                    \
    ((sl_streaming_conf_ctx_t *) cf->ctx)->main_conf[module.ctx_index]
#define sl_streaming_conf_get_module_srv_conf(cf, module)                     \
    ((sl_streaming_conf_ctx_t *) cf->ctx)->srv_conf[module.ctx_index]
#define sl_streaming_conf_get_module_pp_conf(cf, module)                      \
    ((sl_streaming_conf_ctx_t *) cf->ctx)->pp_conf[module.ctx_index]

/* adds a phase handler; from a module's postconfiguration */
sl_int_t sl_streaming_add_handler(sl_conf_t *cf, sl_streaming_phase_e phase,
    sl_streaming_handler_pt h);
/* registers a source type for "type"; from preconfiguration */
sl_int_t sl_streaming_add_source_type(sl_conf_t *cf, const char *name,
    sl_streaming_source_pt open);
/*
 * Opens the media of r's publishing point through its source type:
 * SL_OK with mf open, or a status: 404 when the point has no "type" or
 * the file is missing, 403, 415 for an unknown format, 500.
 */
sl_int_t sl_streaming_open_media(sl_streaming_request_t *r,
    sl_media_file_t *mf);
/* the live stream of r's publishing point, NULL if not a broadcast one */
#define sl_streaming_live(r)                                                  \
    ((sl_streaming_core_pp_conf_t *)                                          \
     sl_streaming_get_module_pp_conf(r, sl_streaming_core_module))->live

/* registers a protocol name for "listen"; from preconfiguration */
sl_int_t sl_streaming_add_protocol(sl_conf_t *cf, const char *name,
    sl_connection_handler_pt handler);

/*
 * Fills r's confs from the listening socket of c; the protocol module
 * allocates r and sets method and path before calling.
 */
void sl_streaming_init_request(sl_streaming_request_t *r, sl_connection_t *c);
/*
 * Selects the publishing point for r->path as nginx selects locations:
 * an exact match wins; else the longest plain prefix is remembered and
 * the regexes are tried in config order, the first that matches winning;
 * else the longest prefix.
 * Sets r->pp_conf (server level when nothing matches) and captures.
 * Returns SL_OK, or SL_ERROR on a regex matching failure.
 */
sl_int_t sl_streaming_find_pp(sl_streaming_request_t *r);
/*
 * The publishing point's "redirect" target for r, built in r->pool with
 * the captures of its regex: SL_OK with *url set, SL_DECLINED when the
 * point does not redirect, SL_ERROR.
 */
sl_int_t sl_streaming_redirect(sl_streaming_request_t *r, sl_str_t *url);
/*
 * Appends len bytes of header lines (each ending in CRLF) to
 * r->headers_out, in r->pool; SL_OK or SL_ERROR.
 */
sl_int_t sl_streaming_add_header_out(sl_streaming_request_t *r,
    const u_char *lines, size_t len);
/* runs access .. limits; returns SL_OK (allowed), SL_AGAIN, or a status */
sl_int_t sl_streaming_run_phases(sl_streaming_request_t *r);
void sl_streaming_log_request(sl_streaming_request_t *r);
void sl_streaming_dump_pp(sl_conf_dump_t *d, sl_streaming_core_pp_conf_t *pp);

extern sl_module_t  sl_streaming_module;
extern sl_module_t  sl_streaming_core_module;

#endif /* SL_STREAMING_H */
