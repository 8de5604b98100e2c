/* RTSP 1.0 request parsing (RFC 2326 §6, §12). */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp_parse.h>


const sl_str_t  sl_rtsp_method_names[SL_RTSP_METHODS] = {
    sl_null_string,
    sl_string("OPTIONS"),
    sl_string("DESCRIBE"),
    sl_string("ANNOUNCE"),
    sl_string("SETUP"),
    sl_string("PLAY"),
    sl_string("PAUSE"),
    sl_string("RECORD"),
    sl_string("TEARDOWN"),
    sl_string("GET_PARAMETER"),
    sl_string("SET_PARAMETER"),
    sl_string("REDIRECT")
};


static sl_int_t
sl_rtsp_parse_request_line(const u_char *p, const u_char *eol,
    sl_rtsp_parsed_t *r)
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
    r->method = SL_RTSP_UNKNOWN;

    for (i = 1; i < SL_RTSP_METHODS; i++) {
        if (sl_rtsp_method_names[i].len == r->method_name.len
            && memcmp(sl_rtsp_method_names[i].data, start,
                      r->method_name.len) == 0)
        {
            r->method = (sl_rtsp_method_e) i;
            break;
        }
    }

    start = ++p;

    while (p < eol && *p > ' ' && *p < 0x7f) {
        p++;
    }

    if (p == start || p == eol || *p != ' ') {
        r->error = "invalid request URI";
        return 400;
    }

    r->uri.data = (u_char *) start;
    r->uri.len = p - start;

    p++;

    if (eol - p != 8 || memcmp(p, "RTSP/", 5) != 0
        || p[5] < '0' || p[5] > '9' || p[6] != '.'
        || p[7] < '0' || p[7] > '9')
    {
        r->error = "invalid protocol version";
        return 400;
    }

    r->version = (p[5] - '0') * 10 + (p[7] - '0');

    if (r->version != 10) {
        r->error = "unsupported protocol version";
        return 505;
    }

    return SL_OK;
}


/* a decimal number for CSeq or Content-Length, at most 9 digits */
static sl_int_t
sl_rtsp_parse_number(const sl_str_t *v)
{
    if (v->len == 0 || v->len > 9) {
        return SL_ERROR;
    }

    return sl_atoi(v->data, v->len);
}


sl_int_t
sl_rtsp_parse_request(const u_char *buf, size_t len, size_t max_body,
    sl_rtsp_parsed_t *r)
{
    sl_int_t           rc, n;
    sl_uint_t          bad, has_length;
    const u_char      *p, *last, *eol, *lf, *ve;
    sl_rtsp_header_t  *h;

    p = buf;
    last = buf + len;
    bad = 0;
    has_length = 0;

    r->nheaders = 0;
    r->cseq = -1;
    r->content_length = 0;
    r->error = NULL;

    /* RFC 2326 §15.1 via RFC 2616 §4.1: skip empty lines before a request */
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

    rc = sl_rtsp_parse_request_line(p, eol, r);
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

        if (r->nheaders == SL_RTSP_MAX_HEADERS) {
            r->error = "too many headers";
            return 400;
        }

        h = &r->headers[r->nheaders];

        r->error = sl_head_field(p, eol, h);
        if (r->error) {
            return 400;
        }

        r->nheaders++;

        if (sl_str_caseeq(&h->name, "CSeq")) {
            n = sl_rtsp_parse_number(&h->value);
            if (n == SL_ERROR || r->cseq != -1) {
                r->error = "invalid or duplicate CSeq";
                return 400;
            }

            r->cseq = n;

        } else if (sl_str_caseeq(&h->name, "Content-Length")) {
            if (h->value.len && h->value.data[0] == '-') {
                r->error = "negative Content-Length";
                return 413;
            }

            /* a zero value counts too: "0" then "5" is still a duplicate */
            if (has_length) {
                r->error = "duplicate Content-Length";
                return 400;
            }

            has_length = 1;

            /*
             * Ten digits or more are too large whatever max_body says, so
             * content_length stays far from overflow when a caller adds it
             * to head_len.
             */
            n = sl_atoi(h->value.data, h->value.len);
            if (h->value.len > 9) {
                for (ve = h->value.data; ve < h->value.data + h->value.len;
                     ve++)
                {
                    if (*ve < '0' || *ve > '9') {
                        break;
                    }
                }

                if (ve == h->value.data + h->value.len) {
                    r->error = "Content-Length too large";
                    return 413;
                }
            }

            if (n == SL_ERROR) {
                r->error = "invalid Content-Length";
                return 400;
            }

            if ((size_t) n > max_body) {
                r->error = "Content-Length larger than allowed";
                return 413;
            }

            r->content_length = n;
        }

        p = lf + 1;
    }

    r->head_len = p - buf;

    return SL_OK;
}


const sl_str_t *
sl_rtsp_find_header(const sl_rtsp_parsed_t *r, const char *name)
{
    return sl_head_find(r->headers, r->nheaders, name);
}


static sl_int_t
sl_rtsp_hex(u_char c)
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
sl_rtsp_parse_uri_path(const sl_str_t *uri, sl_str_t *dst)
{
    u_char        *d;
    sl_int_t       hi, lo;
    const u_char  *p, *last;

    p = uri->data;
    last = uri->data + uri->len;

    if (uri->len == 1 && p[0] == '*') {
        dst->data[0] = '*';
        dst->len = 1;
        return SL_OK;
    }

    if (uri->len >= 7 && sl_strncasecmp(p, (u_char *) "rtsp://", 7) == 0) {
        p += 7;

    } else if (uri->len >= 8
               && sl_strncasecmp(p, (u_char *) "rtsps://", 8) == 0)
    {
        p += 8;

    } else if (uri->len >= 8
               && sl_strncasecmp(p, (u_char *) "rtspu://", 8) == 0)
    {
        p += 8;

    } else if (p < last && *p == '/') {
        goto path;

    } else {
        return SL_ERROR;
    }

    /* authority: up to the path; "rtsp://host" alone means "/" */
    while (p < last && *p != '/' && *p != '?' && *p != '#') {
        p++;
    }

    if (p == last || *p != '/') {
        dst->data[0] = '/';
        dst->len = 1;
        return SL_OK;
    }

path:

    d = dst->data;

    while (p < last && *p != '?' && *p != '#') {

        if (*p == '%') {
            if (last - p < 3) {
                return SL_ERROR;
            }

            hi = sl_rtsp_hex(p[1]);
            lo = sl_rtsp_hex(p[2]);

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

    dst->len = d - dst->data;

    return SL_OK;
}
