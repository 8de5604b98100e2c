/*
 * HTTP/1.1 request parsing (RFC 9112): request heads, target paths and
 * chunked bodies; pure functions over a buffer, no I/O, unit-tested and
 * fuzzed.
 */

#ifndef SL_HTTP_PARSE_H
#define SL_HTTP_PARSE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_head.h>


#define SL_HTTP_MAX_HEADERS       SL_HEAD_MAX_FIELDS
#define SL_HTTP_MAX_HEADER_NAME   SL_HEAD_MAX_NAME
#define SL_HTTP_MAX_HEADER_VALUE  SL_HEAD_MAX_VALUE

#define SL_HTTP_MAX_CHUNK_SIZE    (16 * 1024 * 1024)  /* max_chunk 0 */
#define SL_HTTP_MAX_CHUNK_LINE    4096    /* size and extensions */
#define SL_HTTP_MAX_TRAILERS      16384   /* trailer section, all lines */

typedef enum {
    SL_HTTP_UNKNOWN = 0,
    SL_HTTP_GET,
    SL_HTTP_HEAD,
    SL_HTTP_PUT,
    SL_HTTP_POST,
    SL_HTTP_SOURCE,                 /* icecast before 2.4: a PUT */
    SL_HTTP_OPTIONS,
    SL_HTTP_METHODS
} sl_http_method_e;

typedef sl_head_field_t  sl_http_header_t;

typedef struct {
    sl_http_method_e     method;
    sl_str_t             method_name;
    sl_str_t             uri;           /* the request target as sent */
    sl_str_t             host;          /* absolute-form authority, else
                                           Host; len 0 when neither */
    sl_uint_t            version;       /* 10 or 11 */

    sl_http_header_t     headers[SL_HTTP_MAX_HEADERS];
    sl_uint_t            nheaders;

    sl_int_t             content_length;  /* -1 when absent */

    unsigned             chunked:1;       /* Transfer-Encoding: chunked */
    unsigned             expect_continue:1;  /* HTTP/1.1 and
                                                Expect: 100-continue */
    unsigned             keep_alive:1;

    size_t               head_len;      /* request line + headers + CRLF */
    const char          *error;         /* why it was refused, for logs */
} sl_http_parsed_t;

/*
 * Parses one request head at the start of buf (len bytes).
 *   SL_OK      a complete head: r->head_len bytes.  The body follows:
 *              r->content_length bytes, or chunked (sl_http_parse_chunked)
 *              when r->chunked; with neither (content_length -1) a request
 *              has no body (RFC 9112 §6.3), except that an encoder's PUT
 *              or SOURCE streams until it closes.  An unknown method is
 *              SL_OK with r->method SL_HTTP_UNKNOWN: the caller answers
 *              501 or 405;
 *   SL_AGAIN   not complete yet (no empty line so far);
 *   400        malformed: NUL or bare CR, bad request line or target,
 *              obs-fold, too many or too long headers, bad or duplicate
 *              Content-Length, Content-Length with Transfer-Encoding,
 *              Transfer-Encoding in HTTP/1.0 or twice, no Host in HTTP/1.1,
 *              a duplicate or invalid Host (r->error says which);
 *   413        Content-Length negative, of ten digits or more, or larger
 *              than max_body;
 *   501        a Transfer-Encoding other than "chunked";
 *   505        a version other than HTTP/1.0 and HTTP/1.1.
 * Pointers in r point into buf.
 */
sl_int_t sl_http_parse_request(const u_char *buf, size_t len,
    size_t max_body, sl_http_parsed_t *r);

/* the value of the first header of that (case-insensitive) name or NULL */
const sl_str_t *sl_http_find_header(const sl_http_parsed_t *r,
    const char *name);

/*
 * The path of a request target ("http://host:port/a/b?q" -> "/a/b",
 * "/a/b" -> "/a/b", "*" -> "*"), percent-decoded into path->data (at
 * least uri->len bytes), and its query, undecoded and without "?",
 * into args (pointing into uri; data NULL when there is no "?").  A
 * fragment is dropped.  SL_ERROR on a malformed target or an encoded
 * NUL or "/".  Dot segments are left as they are.
 */
sl_int_t sl_http_parse_uri_path(const sl_str_t *uri, sl_str_t *path,
    sl_str_t *args);

/*
 * The value of query argument name in args ("a=1&song=x+y"): SL_OK with
 * value pointing into args (still encoded), SL_DECLINED when absent.
 */
sl_int_t sl_http_arg(const sl_str_t *args, const char *name,
    sl_str_t *value);
/*
 * Decodes a query value into dst (room for src->len bytes): %XX and
 * '+' as a space; a malformed escape is kept as it is.  Returns the
 * length.
 */
size_t sl_http_unescape_arg(u_char *dst, const sl_str_t *src);

/* the state of one chunked body, zeroed by sl_http_chunked_init() */
typedef struct {
    sl_uint_t            state;
    size_t               max_chunk;
    size_t               size;          /* what is left of this chunk */
    size_t               line;          /* bytes of this size line or of
                                           the trailer section */
    uint64_t             total;         /* body bytes so far */
    const char          *error;         /* why it was refused, for logs */
} sl_http_chunked_t;

/* max_chunk 0 means SL_HTTP_MAX_CHUNK_SIZE */
void sl_http_chunked_init(sl_http_chunked_t *ctx, size_t max_chunk);

/*
 * Decodes a chunked body (RFC 9112 §7.1) as it arrives, over any split
 * of the input: each call looks at buf[0, len), the bytes after those
 * an earlier call consumed.
 *   SL_OK      body data at buf[*pos, *pos + *n), *n > 0: the call
 *              consumed buf up to *pos + *n, call again with the rest;
 *   SL_AGAIN   all len bytes consumed, no data in them: call again with
 *              more;
 *   SL_DONE    the last chunk and the trailers are over: *pos bytes
 *              consumed (the next request may follow), *n 0; the same
 *              again on later calls;
 *   400        malformed: a size that is not hex, a bad extension or line
 *              end, no CRLF after data, a size line over
 *              SL_HTTP_MAX_CHUNK_LINE or trailers over SL_HTTP_MAX_TRAILERS;
 *   413        a chunk larger than max_chunk.
 * Chunk extensions and trailer fields are ignored.  After an error the
 * same error is returned again.
 */
sl_int_t sl_http_parse_chunked(sl_http_chunked_t *ctx, const u_char *buf,
    size_t len, size_t *pos, size_t *n);

/*
 * A message body as it arrives: by its Content-Length, chunked, or (a
 * stream) until the connection closes.
 */
typedef struct {
    sl_http_chunked_t    chunked;
    int64_t              left;          /* Content-Length to go, -1 */
    unsigned             is_chunked:1;
} sl_http_body_t;

/* data() may change the bytes it is given (they are the caller's buffer) */
typedef sl_int_t (*sl_http_body_data_pt)(void *ctx, u_char *data,
    size_t len);

void sl_http_body_init(sl_http_body_t *b, int64_t content_length,
    sl_uint_t chunked);
/*
 * Takes len bytes of the body and hands its content to data() piece by
 * piece.  SL_OK: more to come (an until-close body never ends here);
 * SL_DONE: the body is complete (Content-Length reached, the last chunk);
 * SL_ERROR: data() returned something else than SL_OK; 400 or 413: a
 * malformed chunked body (b->chunked.error says why).
 */
sl_int_t sl_http_body(sl_http_body_t *b, u_char *buf, size_t len,
    sl_http_body_data_pt data, void *ctx);

extern const sl_str_t  sl_http_method_names[SL_HTTP_METHODS];

#endif /* SL_HTTP_PARSE_H */
