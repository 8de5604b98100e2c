/*
 * libFuzzer target for HTTP request parsing: sl_http_parse_request with a
 * small and a large max_body, walking pipelined requests and their
 * bodies (chunked ones through sl_http_parse_chunked, whole and in
 * pieces), header lookup, sl_http_parse_uri_path on every target, and
 * the chunked decoder on the raw input.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http_parse.h>


#define SL_FUZZ_SMALL_BODY   64
#define SL_FUZZ_SMALL_CHUNK  32


static const char  *sl_fuzz_headers[] = {
    "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect",
    "Authorization", "Content-Type", "Icy-MetaData", "Ice-Name",
    "User-Agent", "Range", "",
};


static void
sl_fuzz_check(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_http: %s on \"%.*s\"\n", what, (int) size,
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
 * The target's path is decoded into a heap buffer of exactly uri.len
 * bytes, so that a write past what the header promises is caught.
 */
static void
sl_fuzz_uri(const sl_http_parsed_t *r, const uint8_t *data, size_t size)
{
    sl_int_t   rc;
    sl_str_t   path, args;

    path.data = malloc(r->uri.len);
    if (path.data == NULL) {
        return;
    }

    path.len = 0;

    rc = sl_http_parse_uri_path(&r->uri, &path, &args);

    if (rc == SL_OK) {
        sl_fuzz_check(path.len > 0 && path.len <= r->uri.len, "path length",
                      data, size);
        sl_fuzz_check(path.data[0] == '/'
                      || (path.len == 1 && path.data[0] == '*'),
                      "path start", data, size);
        sl_fuzz_check(memchr(path.data, '\0', path.len) == NULL,
                      "NUL in path", data, size);

        if (args.data != NULL) {
            sl_fuzz_check(sl_fuzz_inside(&args, r->uri.data, r->uri.len)
                          && args.data[-1] == '?'
                          && memchr(args.data, '#', args.len) == NULL,
                          "args", data, size);

        } else {
            sl_fuzz_check(args.len == 0, "args length", data, size);
        }

    } else {
        sl_fuzz_check(rc == SL_ERROR, "uri rc", data, size);
    }

    free(path.data);
}


/* what a successful parse promises about r */
static void
sl_fuzz_parsed(const sl_http_parsed_t *r, const uint8_t *buf, size_t len,
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
    sl_fuzz_check(r->version == 10 || r->version == 11, "version", data,
                  size);
    sl_fuzz_check(r->method < SL_HTTP_METHODS, "method", data, size);
    sl_fuzz_check(r->method_name.len > 0
                  && sl_fuzz_inside(&r->method_name, buf, r->head_len),
                  "method name", data, size);
    sl_fuzz_check(r->uri.len > 0 && sl_fuzz_inside(&r->uri, buf, r->head_len),
                  "uri", data, size);
    sl_fuzz_check(r->host.data == NULL
                  || sl_fuzz_inside(&r->host, buf, r->head_len),
                  "host", data, size);
    sl_fuzz_check(r->version == 10 || r->host.data != NULL, "no host", data,
                  size);
    sl_fuzz_check(r->content_length >= -1
                  && r->content_length <= 999999999
                  && (r->content_length == -1
                      || (size_t) r->content_length <= max_body),
                  "content_length", data, size);
    sl_fuzz_check(!r->chunked || r->content_length == -1, "chunked and length",
                  data, size);
    sl_fuzz_check(!r->chunked || r->version == 11, "chunked in 1.0", data,
                  size);
    sl_fuzz_check(!r->expect_continue || r->version == 11, "expect in 1.0",
                  data, size);
    sl_fuzz_check(r->nheaders <= SL_HTTP_MAX_HEADERS, "nheaders", data,
                  size);

    for (i = 0; i < r->nheaders; i++) {
        sl_fuzz_check(r->headers[i].name.len > 0
                      && r->headers[i].name.len <= SL_HTTP_MAX_HEADER_NAME
                      && sl_fuzz_inside(&r->headers[i].name, buf,
                                        r->head_len),
                      "header name", data, size);
        sl_fuzz_check(r->headers[i].value.len <= SL_HTTP_MAX_HEADER_VALUE
                      && sl_fuzz_inside(&r->headers[i].value, buf,
                                        r->head_len),
                      "header value", data, size);
    }

    for (i = 0; i < sl_nelems(sl_fuzz_headers); i++) {
        v = sl_http_find_header(r, sl_fuzz_headers[i]);

        if (v != NULL) {
            sl_fuzz_check(sl_fuzz_inside(v, buf, r->head_len),
                          "found header", data, size);
        }
    }

    sl_fuzz_check(r->chunked
                  == (sl_http_find_header(r, "transfer-encoding") != NULL),
                  "chunked without header", data, size);
    sl_fuzz_check((r->content_length == -1)
                  == (sl_http_find_header(r, "content-length") == NULL),
                  "length without header", data, size);

    sl_fuzz_uri(r, data, size);
}


/*
 * Decodes a chunked body at buf[0, len) in pieces of at most step bytes
 * (0: all at once), checking what each call returns.  *used is what the
 * body took on SL_DONE, *total its data bytes, *sum a checksum of them.
 */
static sl_int_t
sl_fuzz_chunked(const uint8_t *buf, size_t len, size_t step,
    size_t max_chunk, size_t *used, uint64_t *total, uint32_t *sum,
    const uint8_t *data, size_t size)
{
    size_t             off, end, pos, n, i;
    sl_int_t           rc;
    sl_http_chunked_t  ctx;

    sl_http_chunked_init(&ctx, max_chunk);

    off = 0;
    *total = 0;
    *sum = 0;
    rc = SL_AGAIN;

    while (off < len) {
        end = (step == 0 || len - off < step) ? len : off + step;

        rc = sl_http_parse_chunked(&ctx, buf + off, end - off, &pos, &n);

        switch (rc) {

        case SL_OK:
            sl_fuzz_check(n > 0 && pos + n <= end - off, "chunk span", data,
                          size);
            sl_fuzz_check(n <= ctx.max_chunk, "chunk size", data, size);

            for (i = 0; i < n; i++) {
                *sum = *sum * 31 + buf[off + pos + i];
            }

            *total += n;
            off += pos + n;
            break;

        case SL_AGAIN:
            sl_fuzz_check(pos == end - off && n == 0, "chunk again", data,
                          size);
            off = end;
            break;

        case SL_DONE:
            sl_fuzz_check(pos <= end - off && n == 0, "chunk done", data,
                          size);
            *used = off + pos;
            sl_fuzz_check(*used > 0 && buf[*used - 1] == '\n', "chunk end",
                          data, size);
            sl_fuzz_check(ctx.total == *total, "chunk total", data, size);

            rc = sl_http_parse_chunked(&ctx, buf + *used, len - *used, &pos,
                                       &n);
            sl_fuzz_check(rc == SL_DONE && pos == 0, "done again", data,
                          size);
            return SL_DONE;

        default:
            sl_fuzz_check((rc == 400 || rc == 413) && ctx.error != NULL,
                          "chunk rc", data, size);
            sl_fuzz_check(sl_http_parse_chunked(&ctx, buf, len, &pos, &n)
                          == rc, "chunk error again", data, size);
            return rc;
        }
    }

    return rc;
}


/*
 * A chunked body decoded all at once and in pieces of 1 and of
 * step bytes must give the same result, data and end.
 */
static sl_int_t
sl_fuzz_body(const uint8_t *buf, size_t len, size_t step, size_t max_chunk,
    size_t *used, const uint8_t *data, size_t size)
{
    size_t     u1, u2, u3;
    uint32_t   s1, s2, s3;
    uint64_t   t1, t2, t3;
    sl_int_t   rc1, rc2, rc3;

    u1 = u2 = u3 = 0;

    rc1 = sl_fuzz_chunked(buf, len, 0, max_chunk, &u1, &t1, &s1, data, size);
    rc2 = sl_fuzz_chunked(buf, len, 1, max_chunk, &u2, &t2, &s2, data, size);
    rc3 = sl_fuzz_chunked(buf, len, step, max_chunk, &u3, &t3, &s3, data,
                          size);

    sl_fuzz_check(rc1 == rc2 && rc1 == rc3, "split rc", data, size);

    if (rc1 == SL_DONE) {
        sl_fuzz_check(u1 == u2 && u1 == u3 && t1 == t2 && t1 == t3
                      && s1 == s2 && s1 == s3, "split data", data, size);
    }

    *used = u1;

    return rc1;
}


/*
 * Parses the requests in data one after another, stepping over each
 * head and its body, until one is incomplete, refused or reads to the
 * end of the connection.  The head alone, and the head less its last
 * byte, must parse the same and SL_AGAIN.
 */
static void
sl_fuzz_walk(const uint8_t *data, size_t size, size_t max_body,
    size_t step)
{
    size_t                   off, head, used;
    sl_int_t                 rc;
    static sl_http_parsed_t  r;

    for (off = 0; off < size; /* void */ ) {

        rc = sl_http_parse_request(data + off, size - off, max_body, &r);

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_AGAIN || rc == 400 || rc == 413
                          || rc == 501 || rc == 505, "rc", data, size);
            sl_fuzz_check((rc == SL_AGAIN) == (r.error == NULL),
                          "error text", data, size);
            return;
        }

        sl_fuzz_parsed(&r, data + off, size - off, max_body, data, size);

        head = r.head_len;

        rc = sl_http_parse_request(data + off, head - 1, max_body, &r);
        sl_fuzz_check(rc == SL_AGAIN, "head prefix", data, size);

        rc = sl_http_parse_request(data + off, head, max_body, &r);
        sl_fuzz_check(rc == SL_OK && r.head_len == head, "head alone", data,
                      size);

        off += head;

        if (r.chunked) {
            rc = sl_fuzz_body(data + off, size - off, step,
                              max_body < SL_FUZZ_SMALL_CHUNK
                              ? max_body : SL_FUZZ_SMALL_CHUNK,
                              &used, data, size);
            if (rc != SL_DONE) {
                return;
            }

            off += used;

        } else if (r.content_length > 0) {
            if ((size_t) r.content_length > size - off) {
                return;
            }

            off += r.content_length;

        } else if (r.content_length == -1
                   && (r.method == SL_HTTP_PUT || r.method == SL_HTTP_SOURCE))
        {
            /* an encoder's body runs to the end of the connection */
            return;
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t  used, step;

    step = size ? (data[size - 1] & 0x0f) + 2 : 2;

    sl_fuzz_walk(data, size, SL_FUZZ_SMALL_BODY, step);
    sl_fuzz_walk(data, size, (size_t) -1, step);

    (void) sl_fuzz_body(data, size, step, SL_FUZZ_SMALL_CHUNK, &used, data,
                        size);
    (void) sl_fuzz_body(data, size, step, 0, &used, data, size);

    return 0;
}
