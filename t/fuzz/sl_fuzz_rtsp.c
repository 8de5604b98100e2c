/*
 * libFuzzer target for RTSP request parsing: sl_rtsp_parse_request with a
 * small and a large max_body, walking pipelined requests, header lookup,
 * and sl_rtsp_parse_uri_path on every URI.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp_parse.h>


#define SL_FUZZ_SMALL_BODY  64


static const char  *sl_fuzz_headers[] = {
    "CSeq", "Content-Length", "Content-Type", "Session", "Transport",
    "Range", "Accept", "Require", "User-Agent", "Authorization", "",
};


static void
sl_fuzz_check(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_rtsp: %s on \"%.*s\"\n", what, (int) size,
            (const char *) data);
    abort();
}


/* s lies within [data, data + size) */
static int
sl_fuzz_inside(const sl_str_t *s, const uint8_t *data, size_t size)
{
    return s->data >= data && s->len <= size
           && (size_t) (s->data - data) <= size - s->len;
}


/*
 * The URI's path is decoded into a heap buffer of exactly uri.len + 1
 * bytes, so that a write past what the header promises is caught.
 */
static void
sl_fuzz_uri(const sl_rtsp_parsed_t *r, const uint8_t *data, size_t size)
{
    sl_int_t   rc;
    sl_str_t   path;

    path.data = malloc(r->uri.len + 1);
    if (path.data == NULL) {
        return;
    }

    path.len = 0;

    rc = sl_rtsp_parse_uri_path(&r->uri, &path);

    if (rc == SL_OK) {
        sl_fuzz_check(path.len > 0 && path.len <= r->uri.len, "path length",
                      data, size);
        sl_fuzz_check(path.data[0] == '/'
                      || (path.len == 1 && path.data[0] == '*'),
                      "path start", data, size);
        sl_fuzz_check(memchr(path.data, '\0', path.len) == NULL,
                      "NUL in path", data, size);

    } else {
        sl_fuzz_check(rc == SL_ERROR, "uri rc", data, size);
    }

    free(path.data);
}


/* what a successful parse promises about r */
static void
sl_fuzz_parsed(const sl_rtsp_parsed_t *r, const uint8_t *buf, size_t len,
    size_t max_body, const uint8_t *data, size_t size)
{
    sl_uint_t        i;
    const sl_str_t  *v;

    sl_fuzz_check(r->error == NULL, "error on success", data, size);
    sl_fuzz_check(r->head_len > 0 && r->head_len <= len, "head_len", data,
                  size);
    sl_fuzz_check(buf[r->head_len - 1] == '\n', "head end", data, size);
    sl_fuzz_check(memchr(buf, '\0', r->head_len) == NULL, "NUL in head",
                  data, size);
    sl_fuzz_check(r->version == 10, "version", data, size);
    sl_fuzz_check(r->method < SL_RTSP_METHODS, "method", data, size);
    sl_fuzz_check(r->method_name.len > 0
                  && sl_fuzz_inside(&r->method_name, buf, r->head_len),
                  "method name", data, size);
    sl_fuzz_check(r->uri.len > 0 && sl_fuzz_inside(&r->uri, buf, r->head_len),
                  "uri", data, size);
    sl_fuzz_check(r->cseq >= -1 && r->cseq <= 999999999, "cseq", data, size);
    sl_fuzz_check(r->content_length >= 0
                  && r->content_length <= 999999999
                  && (size_t) r->content_length <= max_body,
                  "content_length", data, size);
    sl_fuzz_check(r->nheaders <= SL_RTSP_MAX_HEADERS, "nheaders", data,
                  size);

    for (i = 0; i < r->nheaders; i++) {
        sl_fuzz_check(r->headers[i].name.len > 0
                      && r->headers[i].name.len <= SL_RTSP_MAX_HEADER_NAME
                      && sl_fuzz_inside(&r->headers[i].name, buf,
                                        r->head_len),
                      "header name", data, size);
        sl_fuzz_check(r->headers[i].value.len <= SL_RTSP_MAX_HEADER_VALUE
                      && sl_fuzz_inside(&r->headers[i].value, buf,
                                        r->head_len),
                      "header value", data, size);
    }

    for (i = 0; i < sl_nelems(sl_fuzz_headers); i++) {
        v = sl_rtsp_find_header(r, sl_fuzz_headers[i]);

        if (v != NULL) {
            sl_fuzz_check(sl_fuzz_inside(v, buf, r->head_len),
                          "found header", data, size);
        }
    }

    sl_fuzz_check((r->cseq == -1) == (sl_rtsp_find_header(r, "cseq") == NULL),
                  "cseq without header", data, size);

    sl_fuzz_uri(r, data, size);
}


/*
 * Parses the requests in data one after another, stepping by head_len +
 * content_length, until one is incomplete or refused.  The head alone,
 * and the head less its last byte, must parse the same and SL_AGAIN.
 */
static void
sl_fuzz_walk(const uint8_t *data, size_t size, size_t max_body)
{
    size_t                   off, head;
    sl_int_t                 rc;
    static sl_rtsp_parsed_t  r;

    for (off = 0; off < size; off += head + r.content_length) {

        rc = sl_rtsp_parse_request(data + off, size - off, max_body, &r);

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_AGAIN || rc == 400 || rc == 413
                          || rc == 505, "rc", data, size);
            sl_fuzz_check((rc == SL_AGAIN) == (r.error == NULL),
                          "error text", data, size);
            return;
        }

        sl_fuzz_parsed(&r, data + off, size - off, max_body, data, size);

        head = r.head_len;

        rc = sl_rtsp_parse_request(data + off, head - 1, max_body, &r);
        sl_fuzz_check(rc == SL_AGAIN, "head prefix", data, size);

        rc = sl_rtsp_parse_request(data + off, head, max_body, &r);
        sl_fuzz_check(rc == SL_OK && r.head_len == head, "head alone", data,
                      size);

        if (r.content_length > 0
            && (size_t) r.content_length > size - off - head)
        {
            return;
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_fuzz_walk(data, size, SL_FUZZ_SMALL_BODY);
    sl_fuzz_walk(data, size, (size_t) -1);

    return 0;
}
