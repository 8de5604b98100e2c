/*
 * RTSP 1.0 request parsing (RFC 2326 §6): pure functions over a buffer,
 * no I/O, unit-tested and fuzzed.
 */

#ifndef SL_RTSP_PARSE_H
#define SL_RTSP_PARSE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_head.h>


#define SL_RTSP_MAX_HEADERS       SL_HEAD_MAX_FIELDS
#define SL_RTSP_MAX_HEADER_NAME   SL_HEAD_MAX_NAME
#define SL_RTSP_MAX_HEADER_VALUE  SL_HEAD_MAX_VALUE

typedef enum {
    SL_RTSP_UNKNOWN = 0,
    SL_RTSP_OPTIONS,
    SL_RTSP_DESCRIBE,
    SL_RTSP_ANNOUNCE,
    SL_RTSP_SETUP,
    SL_RTSP_PLAY,
    SL_RTSP_PAUSE,
    SL_RTSP_RECORD,
    SL_RTSP_TEARDOWN,
    SL_RTSP_GET_PARAMETER,
    SL_RTSP_SET_PARAMETER,
    SL_RTSP_REDIRECT,
    SL_RTSP_METHODS
} sl_rtsp_method_e;

typedef sl_head_field_t  sl_rtsp_header_t;

typedef struct {
    sl_rtsp_method_e     method;
    sl_str_t             method_name;
    sl_str_t             uri;           /* as sent */
    sl_uint_t            version;       /* 10 for RTSP/1.0 */

    sl_rtsp_header_t     headers[SL_RTSP_MAX_HEADERS];
    sl_uint_t            nheaders;

    sl_int_t             cseq;          /* -1 when absent */
    sl_int_t             content_length;

    size_t               head_len;      /* request line + headers + CRLF */
    const char          *error;         /* why it was refused, for logs */
} sl_rtsp_parsed_t;

/*
 * Parses one request head at the start of buf (len bytes).
 *   SL_OK      a complete head: r->head_len bytes; the body, when
 *              r->content_length > 0, follows it;
 *   SL_AGAIN   not complete yet (no empty line so far);
 *   400        malformed: NUL or bare CR, bad request line, too many or
 *              too long headers, bad or duplicate CSeq/Content-Length
 *              (r->error says which);
 *   413        Content-Length negative, of ten digits or more, or larger
 *              than max_body;
 *   505        a version other than RTSP/1.0.
 * Pointers in r point into buf.  max_body bounds the body size.
 */
sl_int_t sl_rtsp_parse_request(const u_char *buf, size_t len,
    size_t max_body, sl_rtsp_parsed_t *r);

/* the value of a header (case-insensitive name) or NULL */
const sl_str_t *sl_rtsp_find_header(const sl_rtsp_parsed_t *r,
    const char *name);

/*
 * The path of an RTSP URL ("rtsp://host:port/a/b?q" -> "/a/b",
 * "/a/b" -> "/a/b", "*" -> "*"), percent-decoded into dst (at least
 * uri->len bytes).  SL_ERROR on a malformed URL or an encoded NUL or "/".
 */
sl_int_t sl_rtsp_parse_uri_path(const sl_str_t *uri, sl_str_t *dst);

/* one transport chosen from a Transport header */
typedef struct {
    unsigned             tcp:1;           /* RTP/AVP/TCP: interleaved */
    unsigned             multicast:1;
    unsigned             record:1;        /* mode=record */
    unsigned             has_destination:1;
    int                  interleaved[2];  /* -1 absent, -2 server picks */
    int                  client_port[2];  /* -1 absent */
    sl_str_t             destination;
} sl_rtsp_transport_t;

/*
 * Picks the first transport of the header this server can send: unicast
 * RTP/AVP over UDP (client_port required) or RTP/AVP/TCP interleaved,
 * only the latter when tcp_only (on TLS, where UDP would leave the
 * media in clear).  SL_OK, 461 when none is usable (the client may retry
 * with another, as ffmpeg does), 400 when malformed.
 */
sl_int_t sl_rtsp_parse_transport(const sl_str_t *value, sl_uint_t tcp_only,
    sl_rtsp_transport_t *t);

extern const sl_str_t  sl_rtsp_method_names[SL_RTSP_METHODS];

#endif /* SL_RTSP_PARSE_H */
