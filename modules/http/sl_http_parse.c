/* HTTP/1.1 request parsing (RFC 9112, RFC 9110). */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http_parse.h>


const sl_str_t  sl_http_method_names[SL_HTTP_METHODS] = {
    sl_null_string,
    sl_string("GET"),
    sl_string("HEAD"),
    sl_string("PUT"),
    sl_string("POST"),
    sl_string("SOURCE"),
    sl_string("OPTIONS")
};


enum {
    sl_http_chunk_size_start = 0,
    sl_http_chunk_size,
    sl_http_chunk_size_ws,
    sl_http_chunk_ext,
    sl_http_chunk_size_lf,
    sl_http_chunk_data,
    sl_http_chunk_data_cr,
    sl_http_chunk_data_lf,
    sl_http_chunk_trailer_start,
    sl_http_chunk_trailer,
    sl_http_chunk_trailer_lf,
    sl_http_chunk_last_lf,
    sl_http_chunk_done,
    sl_http_chunk_invalid,
    sl_http_chunk_too_large
};


/* RFC 3986 §3.2.2, §3.2.3: reg-name, IP-literal and port characters */
static int
sl_http_is_host_char(u_char ch)
{
    if (ch >= 'a' && ch <= 'z') {
        return 1;
    }

    if (ch >= 'A' && ch <= 'Z') {
        return 1;
    }

    if (ch >= '0' && ch <= '9') {
        return 1;
    }

    return ch != '\0' && strchr("-._~!$&'()*+,;=:[]%", ch) != NULL;
}


static int
sl_http_valid_host(const sl_str_t *host)
{
    size_t  i;

    for (i = 0; i < host->len; i++) {
        if (!sl_http_is_host_char(host->data[i])) {
            return 0;
        }
    }

    return 1;
}


/*
 * The request target (RFC 9112 §3.2): origin-form "/...", absolute-form
 * "http://authority/..." (its authority becomes r->host, §3.2.2), or
 * asterisk-form "*" for OPTIONS and for methods the caller will refuse.
 */
static sl_int_t
sl_http_parse_target(sl_http_parsed_t *r)
{
    size_t         skip;
    const u_char  *p, *last, *start;

    p = r->uri.data;
    last = p + r->uri.len;

    if (*p == '/') {
        return SL_OK;
    }

    if (r->uri.len == 1 && *p == '*') {
        if (r->method == SL_HTTP_OPTIONS || r->method == SL_HTTP_UNKNOWN) {
            return SL_OK;
        }

        r->error = "asterisk-form target with a method other than OPTIONS";
        return 400;
    }

    if (r->uri.len >= 7 && sl_strncasecmp(p, (u_char *) "http://", 7) == 0) {
        skip = 7;

    } else if (r->uri.len >= 8
               && sl_strncasecmp(p, (u_char *) "https://", 8) == 0)
    {
        skip = 8;

    } else {
        r->error = "invalid request target";
        return 400;
    }

    start = p + skip;

    for (p = start; p < last && *p != '/' && *p != '?' && *p != '#'; p++) {
        if (*p == '@') {
            /* RFC 9110 §4.2.4: userinfo in an http URI is an error */
            r->error = "userinfo in request target";
            return 400;
        }
    }

    if (p == start) {
        r->error = "no host in request target";
        return 400;
    }

    r->host.data = (u_char *) start;
    r->host.len = p - start;

    if (!sl_http_valid_host(&r->host)) {
        r->error = "invalid host in request target";
        return 400;
    }

    return SL_OK;
}


static sl_int_t
sl_http_parse_request_line(const u_char *p, const u_char *eol,
    sl_http_parsed_t *r)
{
    sl_uint_t      i;
    const u_char  *start;

    start = p;

    while (p < eol && sl_head_is_tchar(*p)) {
        p++;
    }

    if (p == start || p == eol || *p != ' ') {
        r->error = "invalid method";
        return 400;
    }

    r->method_name.data = (u_char *) start;
    r->method_name.len = p - start;
    r->method = SL_HTTP_UNKNOWN;

    /* methods are case-sensitive (RFC 9110 §9.1) */
    for (i = 1; i < SL_HTTP_METHODS; i++) {
        if (sl_http_method_names[i].len == r->method_name.len
            && memcmp(sl_http_method_names[i].data, start,
                      r->method_name.len) == 0)
        {
            r->method = (sl_http_method_e) i;
            break;
        }
    }

    start = ++p;

    while (p < eol && *p > ' ' && *p < 0x7f) {
        p++;
    }

    if (p == start || p == eol || *p != ' ') {
        r->error = "invalid request target";
        return 400;
    }

    r->uri.data = (u_char *) start;
    r->uri.len = p - start;

    p++;

    if (eol - p != 8 || memcmp(p, "HTTP/", 5) != 0
        || p[5] < '0' || p[5] > '9' || p[6] != '.'
        || p[7] < '0' || p[7] > '9')
    {
        r->error = "invalid protocol version";
        return 400;
    }

    r->version = (p[5] - '0') * 10 + (p[7] - '0');

    if (r->version != 10 && r->version != 11) {
        r->error = "unsupported protocol version";
        return 505;
    }

    return sl_http_parse_target(r);
}


/*
 * Whether a comma-separated list of tokens (Connection, RFC 9110 §7.6.1)
 * holds token, case-insensitively, with optional white space around
 * the elements.
 */
static int
sl_http_has_token(const sl_str_t *v, const char *token)
{
    size_t         n;
    const u_char  *p, *last, *start, *end;

    n = strlen(token);
    p = v->data;
    last = v->data + v->len;

    while (p < last) {

        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        for (end = p; end > start && (end[-1] == ' ' || end[-1] == '\t');
             end--)
        {
            /* void */
        }

        if ((size_t) (end - start) == n
            && sl_strncasecmp(start, (u_char *) token, n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* RFC 9110 §8.6: one decimal Content-Length, as sl_rtsp_parse.c reads it */
static sl_int_t
sl_http_content_length(const sl_str_t *v, size_t max_body,
    sl_http_parsed_t *r)
{
    size_t    i;
    sl_int_t  n;

    if (v->len && v->data[0] == '-') {
        r->error = "negative Content-Length";
        return 413;
    }

    /* a zero value counts too: "0" then "5" is still a duplicate */
    if (r->content_length != -1) {
        r->error = "duplicate Content-Length";
        return 400;
    }

    if (v->len == 0) {
        r->error = "invalid Content-Length";
        return 400;
    }

    for (i = 0; i < v->len; i++) {
        if (v->data[i] < '0' || v->data[i] > '9') {
            r->error = "invalid Content-Length";
            return 400;
        }
    }

    /*
     * Ten digits or more are too large whatever max_body says, so
     * content_length stays far from overflow when a caller adds it to
     * head_len.
     */
    if (v->len > 9) {
        r->error = "Content-Length too large";
        return 413;
    }

    n = sl_atoi(v->data, v->len);

    if ((size_t) n > max_body) {
        r->error = "Content-Length larger than allowed";
        return 413;
    }

    r->content_length = n;

    return SL_OK;
}


/* the headers this parser acts on; the others are only kept */
static sl_int_t
sl_http_process_header(const sl_http_header_t *h, size_t max_body,
    sl_uint_t *seen_te, sl_uint_t *conn_close, sl_uint_t *keep_alive,
    sl_str_t *host, sl_http_parsed_t *r)
{
    if (sl_str_caseeq(&h->name, "Content-Length")) {
        return sl_http_content_length(&h->value, max_body, r);
    }

    if (sl_str_caseeq(&h->name, "Transfer-Encoding")) {

        /* RFC 9112 §6.1: faulty framing in HTTP/1.0 */
        if (r->version == 10) {
            r->error = "Transfer-Encoding in HTTP/1.0";
            return 400;
        }

        if (*seen_te) {
            r->error = "duplicate Transfer-Encoding";
            return 400;
        }

        *seen_te = 1;

        if (!sl_str_caseeq(&h->value, "chunked")) {
            r->error = "unsupported Transfer-Encoding";
            return 501;
        }

        r->chunked = 1;
        return SL_OK;
    }

    if (sl_str_caseeq(&h->name, "Host")) {
        if (host->data != NULL) {
            r->error = "duplicate Host";
            return 400;
        }

        if (!sl_http_valid_host(&h->value)) {
            r->error = "invalid Host";
            return 400;
        }

        *host = h->value;
        return SL_OK;
    }

    if (sl_str_caseeq(&h->name, "Connection")) {
        *conn_close |= sl_http_has_token(&h->value, "close");
        *keep_alive |= sl_http_has_token(&h->value, "keep-alive");
        return SL_OK;
    }

    /* RFC 9110 §10.1.1: an HTTP/1.0 request's expectation is ignored */
    if (sl_str_caseeq(&h->name, "Expect")) {
        if (r->version == 11 && sl_str_caseeq(&h->value, "100-continue")) {
            r->expect_continue = 1;
        }

        return SL_OK;
    }

    return SL_OK;
}


sl_int_t
sl_http_parse_request(const u_char *buf, size_t len, size_t max_body,
    sl_http_parsed_t *r)
{
    sl_int_t           rc;
    sl_str_t           host;
    sl_uint_t          bad, seen_te, conn_close, keep_alive;
    const u_char      *p, *last, *eol, *lf;
    sl_http_header_t  *h;

    p = buf;
    last = buf + len;
    bad = 0;
    seen_te = 0;
    conn_close = 0;
    keep_alive = 0;
    host.len = 0;
    host.data = NULL;

    r->nheaders = 0;
    r->content_length = -1;
    r->chunked = 0;
    r->expect_continue = 0;
    r->keep_alive = 0;
    r->host.len = 0;
    r->host.data = NULL;
    r->error = NULL;

    /* RFC 9112 §2.2: skip empty lines before a request */
    while (p < last && (*p == '\r' || *p == '\n')) {
        if (*p == '\r' && (p + 1 == last || p[1] != '\n')) {
            if (p + 1 == last) {
                return SL_AGAIN;
            }

            r->error = "bare CR";
            return 400;
        }

        p += (*p == '\r') ? 2 : 1;
    }

    lf = sl_head_line_end(p, last, &eol, &bad);

    if (lf == NULL) {
        if (bad) {
            r->error = "NUL or bare CR in request line";
            return 400;
        }

        return SL_AGAIN;
    }

    rc = sl_http_parse_request_line(p, eol, r);
    if (rc != SL_OK) {
        return rc;
    }

    p = lf + 1;

    for ( ;; ) {
        lf = sl_head_line_end(p, last, &eol, &bad);

        if (lf == NULL) {
            if (bad) {
                r->error = "NUL or bare CR in header";
                return 400;
            }

            return SL_AGAIN;
        }

        if (eol == p) {
            /* the empty line: the head is complete */
            p = lf + 1;
            break;
        }

        if (r->nheaders == SL_HTTP_MAX_HEADERS) {
            r->error = "too many headers";
            return 400;
        }

        h = &r->headers[r->nheaders];

        r->error = sl_head_field(p, eol, h);
        if (r->error) {
            return 400;
        }

        r->nheaders++;

        rc = sl_http_process_header(h, max_body, &seen_te, &conn_close,
                                    &keep_alive, &host, r);
        if (rc != SL_OK) {
            return rc;
        }

        p = lf + 1;
    }

    /* RFC 9112 §6.1: both would allow request smuggling */
    if (r->chunked && r->content_length != -1) {
        r->error = "Content-Length with Transfer-Encoding";
        return 400;
    }

    /* RFC 9112 §3.2: an HTTP/1.1 request without Host is refused */
    if (r->version == 11 && host.data == NULL) {
        r->error = "no Host";
        return 400;
    }

    if (r->host.data == NULL && host.data != NULL) {
        r->host = host;
    }

    /* RFC 9112 §9.3: persistent by default in HTTP/1.1 only */
    r->keep_alive = !conn_close && (r->version == 11 || keep_alive);

    r->head_len = p - buf;

    return SL_OK;
}


const sl_str_t *
sl_http_find_header(const sl_http_parsed_t *r, const char *name)
{
    return sl_head_find(r->headers, r->nheaders, name);
}


static sl_int_t
sl_http_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


sl_int_t
sl_http_parse_uri_path(const sl_str_t *uri, sl_str_t *path, sl_str_t *args)
{
    u_char        *d;
    sl_int_t       hi, lo;
    const u_char  *p, *last, *q;

    p = uri->data;
    last = uri->data + uri->len;

    args->len = 0;
    args->data = NULL;

    if (uri->len == 1 && p[0] == '*') {
        path->data[0] = '*';
        path->len = 1;
        return SL_OK;
    }

    if (uri->len >= 7 && sl_strncasecmp(p, (u_char *) "http://", 7) == 0) {
        p += 7;

    } else if (uri->len >= 8
               && sl_strncasecmp(p, (u_char *) "https://", 8) == 0)
    {
        p += 8;

    } else if (p < last && *p == '/') {
        goto path;

    } else {
        return SL_ERROR;
    }

    /* authority: up to the path; "http://host" alone means "/" */
    while (p < last && *p != '/' && *p != '?' && *p != '#') {
        p++;
    }

    if (p == last || *p != '/') {
        path->data[0] = '/';
        path->len = 1;
        goto query;
    }

path:

    d = path->data;

    while (p < last && *p != '?' && *p != '#') {

        if (*p == '%') {
            if (last - p < 3) {
                return SL_ERROR;
            }

            hi = sl_http_hex(p[1]);
            lo = sl_http_hex(p[2]);

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)
                || (hi == 2 && lo == 0xf))
            {
                return SL_ERROR;
            }

            *d++ = (u_char) (hi * 16 + lo);
            p += 3;
            continue;
        }

        *d++ = *p++;
    }

    path->len = d - path->data;

query:

    if (p < last && *p == '?') {
        p++;

        for (q = p; q < last && *q != '#'; q++) {
            /* void */
        }

        args->data = (u_char *) p;
        args->len = q - p;
    }

    return SL_OK;
}


void
sl_http_chunked_init(sl_http_chunked_t *ctx, size_t max_chunk)
{
    sl_memzero(ctx, sizeof(sl_http_chunked_t));

    ctx->state = sl_http_chunk_size_start;
    ctx->max_chunk = max_chunk ? max_chunk : SL_HTTP_MAX_CHUNK_SIZE;
}


/*
 * RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF,
 * last-chunk = 1*"0" [ chunk-ext ] CRLF, then trailer lines and CRLF.
 * A bare LF ends a line as in the head; a bare CR is refused.
 */
sl_int_t
sl_http_parse_chunked(sl_http_chunked_t *ctx, const u_char *buf, size_t len,
    size_t *pos, size_t *n)
{
    u_char         ch;
    size_t         avail;
    sl_int_t       d;
    const u_char  *p, *last;

    p = buf;
    last = buf + len;

    *pos = 0;
    *n = 0;

    for ( /* void */ ; p < last; p++) {
        ch = *p;

        switch (ctx->state) {

        case sl_http_chunk_size_start:
            d = sl_http_hex(ch);

            if (d < 0) {
                ctx->error = "invalid chunk size";
                goto invalid;
            }

            if ((size_t) d > ctx->max_chunk) {
                ctx->error = "chunk too large";
                goto too_large;
            }

            ctx->size = d;
            ctx->line = 1;
            ctx->state = sl_http_chunk_size;
            continue;

        case sl_http_chunk_size:
            if (ch != '\r' && ch != '\n'
                && ++ctx->line > SL_HTTP_MAX_CHUNK_LINE)
            {
                ctx->error = "chunk size line too long";
                goto invalid;
            }

            d = sl_http_hex(ch);

            if (d >= 0) {
                if ((size_t) d > ctx->max_chunk
                    || ctx->size > (ctx->max_chunk - d) / 16)
                {
                    ctx->error = "chunk too large";
                    goto too_large;
                }

                ctx->size = ctx->size * 16 + d;
                continue;
            }

            if (ch == ' ' || ch == '\t') {
                ctx->state = sl_http_chunk_size_ws;
                continue;
            }

            if (ch == ';') {
                ctx->state = sl_http_chunk_ext;
                continue;
            }

            if (ch == '\r') {
                ctx->state = sl_http_chunk_size_lf;
                continue;
            }

            if (ch == '\n') {
                goto size_done;
            }

            ctx->error = "invalid chunk size";
            goto invalid;

        case sl_http_chunk_size_ws:
            if (ch != '\r' && ch != '\n'
                && ++ctx->line > SL_HTTP_MAX_CHUNK_LINE)
            {
                ctx->error = "chunk size line too long";
                goto invalid;
            }

            if (ch == ' ' || ch == '\t') {
                continue;
            }

            if (ch == ';') {
                ctx->state = sl_http_chunk_ext;
                continue;
            }

            if (ch == '\r') {
                ctx->state = sl_http_chunk_size_lf;
                continue;
            }

            if (ch == '\n') {
                goto size_done;
            }

            ctx->error = "invalid chunk size";
            goto invalid;

        case sl_http_chunk_ext:
            if (ch != '\r' && ch != '\n'
                && ++ctx->line > SL_HTTP_MAX_CHUNK_LINE)
            {
                ctx->error = "chunk size line too long";
                goto invalid;
            }

            if (ch == '\r') {
                ctx->state = sl_http_chunk_size_lf;
                continue;
            }

            if (ch == '\n') {
                goto size_done;
            }

            if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
                ctx->error = "invalid chunk extension";
                goto invalid;
            }

            continue;

        case sl_http_chunk_size_lf:
            if (ch != '\n') {
                ctx->error = "bare CR in chunk size line";
                goto invalid;
            }

            goto size_done;

        case sl_http_chunk_data:
            avail = last - p;

            *pos = p - buf;
            *n = sl_min(avail, ctx->size);

            ctx->size -= *n;
            ctx->total += *n;

            if (ctx->size == 0) {
                ctx->state = sl_http_chunk_data_cr;
            }

            return SL_OK;

        case sl_http_chunk_data_cr:
            if (ch == '\r') {
                ctx->state = sl_http_chunk_data_lf;
                continue;
            }

            if (ch == '\n') {
                ctx->state = sl_http_chunk_size_start;
                continue;
            }

            ctx->error = "no CRLF after chunk data";
            goto invalid;

        case sl_http_chunk_data_lf:
            if (ch != '\n') {
                ctx->error = "no CRLF after chunk data";
                goto invalid;
            }

            ctx->state = sl_http_chunk_size_start;
            continue;

        case sl_http_chunk_trailer_start:
            if (++ctx->line > SL_HTTP_MAX_TRAILERS) {
                ctx->error = "trailers too long";
                goto invalid;
            }

            if (ch == '\r') {
                ctx->state = sl_http_chunk_last_lf;
                continue;
            }

            if (ch == '\n') {
                goto done;
            }

            if (ch == '\0') {
                ctx->error = "NUL in trailer";
                goto invalid;
            }

            ctx->state = sl_http_chunk_trailer;
            continue;

        case sl_http_chunk_trailer:
            if (++ctx->line > SL_HTTP_MAX_TRAILERS) {
                ctx->error = "trailers too long";
                goto invalid;
            }

            if (ch == '\r') {
                ctx->state = sl_http_chunk_trailer_lf;
                continue;
            }

            if (ch == '\n') {
                ctx->state = sl_http_chunk_trailer_start;
                continue;
            }

            if (ch == '\0') {
                ctx->error = "NUL in trailer";
                goto invalid;
            }

            continue;

        case sl_http_chunk_trailer_lf:
            if (++ctx->line > SL_HTTP_MAX_TRAILERS) {
                ctx->error = "trailers too long";
                goto invalid;
            }

            if (ch != '\n') {
                ctx->error = "bare CR in trailer";
                goto invalid;
            }

            ctx->state = sl_http_chunk_trailer_start;
            continue;

        case sl_http_chunk_last_lf:
            if (++ctx->line > SL_HTTP_MAX_TRAILERS) {
                ctx->error = "trailers too long";
                goto invalid;
            }

            if (ch != '\n') {
                ctx->error = "bare CR in trailer";
                goto invalid;
            }

            goto done;

        case sl_http_chunk_done:
            return SL_DONE;

        case sl_http_chunk_too_large:
            return 413;

        default: /* sl_http_chunk_invalid */
            return 400;
        }

    size_done:

        if (ctx->size == 0) {
            ctx->line = 0;
            ctx->state = sl_http_chunk_trailer_start;

        } else {
            ctx->state = sl_http_chunk_data;
        }
    }

    switch (ctx->state) {

    case sl_http_chunk_done:
        return SL_DONE;

    case sl_http_chunk_too_large:
        return 413;

    case sl_http_chunk_invalid:
        return 400;

    default:
        *pos = len;
        return SL_AGAIN;
    }

done:

    ctx->state = sl_http_chunk_done;
    *pos = p + 1 - buf;

    return SL_DONE;

invalid:

    ctx->state = sl_http_chunk_invalid;
    return 400;

too_large:

    ctx->state = sl_http_chunk_too_large;
    return 413;
}


sl_int_t
sl_http_arg(const sl_str_t *args, const char *name, sl_str_t *value)
{
    size_t         n;
    const u_char  *p, *last, *amp, *eq;

    if (args == NULL || args->data == NULL) {
        return SL_DECLINED;
    }

    n = sl_strlen(name);
    p = args->data;
    last = p + args->len;

    while (p < last) {
        amp = sl_strlchr((u_char *) p, (u_char *) last, '&');
        if (amp == NULL) {
            amp = last;
        }

        eq = sl_strlchr((u_char *) p, (u_char *) amp, '=');

        if (eq && (size_t) (eq - p) == n && sl_strncmp(p, name, n) == 0) {
            value->data = (u_char *) eq + 1;
            value->len = amp - (eq + 1);
            return SL_OK;
        }

        p = amp + 1;
    }

    return SL_DECLINED;
}


size_t
sl_http_unescape_arg(u_char *dst, const sl_str_t *src)
{
    u_char        *d;
    sl_int_t       v;
    const u_char  *p, *last;

    d = dst;
    p = src->data;
    last = p + src->len;

    while (p < last) {
        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p == '%' && last - p >= 3) {
            v = sl_hextoi(p + 1, 2);

            if (v >= 0) {
                *d++ = (u_char) v;
                p += 3;
                continue;
            }
        }

        *d++ = *p++;
    }

    return d - dst;
}


void
sl_http_body_init(sl_http_body_t *b, int64_t content_length,
    sl_uint_t chunked)
{
    b->left = chunked ? -1 : content_length;
    b->is_chunked = chunked ? 1 : 0;

    if (chunked) {
        sl_http_chunked_init(&b->chunked, 0);
    }
}


sl_int_t
sl_http_body(sl_http_body_t *b, u_char *buf, size_t len,
    sl_http_body_data_pt data, void *ctx)
{
    size_t    pos, n, off;
    sl_int_t  rc;

    if (!b->is_chunked) {
        if (b->left < 0) {
            return data(ctx, buf, len) == SL_OK ? SL_OK : SL_ERROR;
        }

        n = (size_t) sl_min((int64_t) len, b->left);
        b->left -= n;

        if (n && data(ctx, buf, n) != SL_OK) {
            return SL_ERROR;
        }

        return (b->left == 0) ? SL_DONE : SL_OK;
    }

    /* once at least: a body already complete says so again */
    off = 0;

    do {
        rc = sl_http_parse_chunked(&b->chunked, buf + off, len - off, &pos,
                                   &n);

        if (rc == SL_AGAIN) {
            return SL_OK;
        }

        if (rc != SL_OK) {
            return rc;          /* SL_DONE, 400, 413 */
        }

        if (data(ctx, buf + off + pos, n) != SL_OK) {
            return SL_ERROR;
        }

        off += pos + n;

    } while (off < len);

    return SL_OK;
}
