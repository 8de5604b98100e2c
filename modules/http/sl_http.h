/*
 * The HTTP protocol module: "listen ... http".  Players GET a broadcast
 * point's live stream (MP3 with ICY metadata, MPEG-TS); encoders push
 * one with PUT, POST or icecast's SOURCE.
 */

#ifndef SL_HTTP_H
#define SL_HTTP_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_streaming.h>
#include <sl_http_parse.h>


#define SL_HTTP_BODY_BUF       (64 * 1024)   /* an encoder's reads */
#define SL_HTTP_META_MAX       (1 + 16 * 255) /* an ICY metadata block */

typedef struct sl_http_connection_s  sl_http_connection_t;
typedef struct sl_http_ingest_s      sl_http_ingest_t;

typedef struct {
    sl_msec_t                idle_timeout;    /* a request head must come */
    size_t                   max_request;     /* request head */
    sl_msec_t                send_timeout;    /* a listener making no
                                                 progress is dropped */
    sl_msec_t                push_timeout;    /* a silent encoder is gone */
    size_t                   icy_metaint;     /* audio bytes between ICY
                                                 metadata blocks */
} sl_http_srv_conf_t;

/*
 * One connection.  A listener keeps only this (and its connection):
 * the request buffer and the parsed request go once it is answered.
 */
struct sl_http_connection_s {
    sl_connection_t         *connection;

    u_char                  *in;              /* while a head is read */
    size_t                   in_len;

    u_char                  *out;             /* response head unsent */
    size_t                   out_pos;
    size_t                   out_len;

    sl_live_sub_t            sub;             /* a listener's place */
    uint32_t                 icy_metaint;     /* 0: no ICY */
    uint32_t                 icy_left;        /* audio bytes before the
                                                 next metadata block */
    u_char                  *meta_rest;       /* metadata block partly
                                                 sent, malloc'd */
    uint16_t                 meta_pos;
    uint16_t                 meta_len;

    sl_http_ingest_t        *ingest;          /* an encoder's state */
    sl_streaming_request_t  *sr;              /* while a request is
                                                 handled: its
                                                 headers_out go into the
                                                 response */

    unsigned                 listening:1;     /* subscribed to a stream */
    unsigned                 close_after:1;   /* once out is sent */
};


sl_http_srv_conf_t *sl_http_srv_conf(sl_connection_t *c);
void sl_http_init_connection(sl_connection_t *c);
void sl_http_close(sl_http_connection_t *hc);

/*
 * Queues a response head (status line, Server, Date, the given header
 * lines ending in CRLF, the empty line) and a small body, and tries to
 * send it; SL_OK, SL_AGAIN (the rest goes from the write handler),
 * SL_ERROR (no memory or the connection failed: the caller closes).
 */
sl_int_t sl_http_respond(sl_http_connection_t *hc, sl_int_t status,
    const char *headers, const sl_str_t *body);
/* an error page for status with Connection: close */
void sl_http_respond_error(sl_http_connection_t *hc, sl_int_t status);
sl_int_t sl_http_flush(sl_http_connection_t *hc);
const char *sl_http_reason(sl_int_t status);

/* sl_http_live.c: players */
void sl_http_live_start(sl_http_connection_t *hc, sl_streaming_request_t *r,
    const sl_http_parsed_t *req, sl_live_t *lv);
/* the connection is going: the listener leaves its stream */
void sl_http_live_stop(sl_http_connection_t *hc);
/* the socket is writable again */
void sl_http_live_write(sl_http_connection_t *hc);

/* sl_http_ingest.c: encoders */
void sl_http_ingest_start(sl_http_connection_t *hc,
    sl_streaming_request_t *r, const sl_http_parsed_t *req, sl_live_t *lv);
/* icecast's /admin/metadata?mode=updinfo&song=...: the stream title */
void sl_http_ingest_metadata(sl_http_connection_t *hc,
    sl_streaming_request_t *r, sl_live_t *lv, const sl_str_t *args);
/* body bytes arrived (or EOF): SL_OK, SL_DONE (ended), SL_ERROR */
void sl_http_ingest_read(sl_http_connection_t *hc);
void sl_http_ingest_stop(sl_http_connection_t *hc);

extern sl_module_t  sl_http_module;

#endif /* SL_HTTP_H */
