/*
 * The pure pieces of pulled sources: response heads of upstream servers,
 * ICY metadata, RTSP Session and Transport values, the backoff between
 * attempts.  No I/O, no logging.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_pp_pull.h>


static const char *sl_pp_pull_status_line(const u_char *p, const u_char *eol,
    sl_pp_pull_response_t *r);
static const char *sl_pp_pull_field(sl_pp_pull_response_t *r,
    const sl_head_field_t *f);
static void sl_pp_icy_block(sl_pp_icy_t *icy);


void
sl_pp_backoff_init(sl_pp_backoff_t *b, sl_msec_t min, sl_msec_t max)
{
    b->min = min;
    b->max = max;
    b->delay = min;
    b->failures = 0;
}


sl_msec_t
sl_pp_backoff_next(sl_pp_backoff_t *b)
{
    sl_msec_t  delay;

    delay = b->delay;
    b->failures++;

    b->delay = (b->delay > b->max / 2) ? b->max : b->delay * 2;

    return delay;
}


void
sl_pp_backoff_ended(sl_pp_backoff_t *b, sl_msec_t lasted, sl_msec_t stable)
{
    if (lasted >= stable) {
        b->delay = b->min;
        b->failures = 0;
    }
}


sl_int_t
sl_pp_pull_parse_response(const u_char *buf, size_t len,
    sl_pp_pull_response_t *r)
{
    const char       *err;
    sl_uint_t         bad;
    const u_char     *p, *last, *lf, *eol;
    sl_head_field_t   f;

    r->nheaders = 0;
    r->content_length = -1;
    r->chunked = 0;
    r->head_len = 0;
    r->error = NULL;

    p = buf;
    last = buf + len;
    bad = 0;

    lf = sl_head_line_end(p, last, &eol, &bad);

    if (lf == NULL) {
        if (bad) {
            r->error = "a bad status line";
            return SL_ERROR;
        }

        return SL_AGAIN;
    }

    err = sl_pp_pull_status_line(p, eol, r);
    if (err) {
        r->error = err;
        return SL_ERROR;
    }

    for (p = lf + 1; /* void */ ; p = lf + 1) {
        lf = sl_head_line_end(p, last, &eol, &bad);

        if (lf == NULL) {
            if (bad) {
                r->error = "a bad header line";
                return SL_ERROR;
            }

            return SL_AGAIN;
        }

        if (eol == p) {
            break;
        }

        err = sl_head_field(p, eol, &f);

        if (err == NULL) {
            err = sl_pp_pull_field(r, &f);
        }

        if (err) {
            r->error = err;
            return SL_ERROR;
        }
    }

    r->head_len = lf + 1 - buf;

    return SL_OK;
}


/* "HTTP/1.1 200 OK", "ICY 200 OK", "RTSP/1.0 404 Not Found" */
static const char *
sl_pp_pull_status_line(const u_char *p, const u_char *eol,
    sl_pp_pull_response_t *r)
{
    const u_char  *sp;

    sp = memchr(p, ' ', eol - p);
    if (sp == NULL) {
        return "a bad status line";
    }

    r->protocol.data = (u_char *) p;
    r->protocol.len = sp - p;

    if (!((r->protocol.len == 8
           && (sl_strncmp(p, "HTTP/1.", 7) == 0
               || sl_strncmp(p, "RTSP/1.", 7) == 0)
           && p[7] >= '0' && p[7] <= '9')
          || sl_str_eq(&r->protocol, "ICY")))
    {
        return "not an HTTP, ICY or RTSP response";
    }

    p = sp + 1;

    if (eol - p < 3 || p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9'
        || p[2] < '0' || p[2] > '9' || (eol - p > 3 && p[3] != ' '))
    {
        return "a bad status code";
    }

    r->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');

    p += 3;

    if (p < eol) {
        p++;
    }

    r->reason.data = (u_char *) p;
    r->reason.len = eol - p;

    return NULL;
}


static const char *
sl_pp_pull_field(sl_pp_pull_response_t *r, const sl_head_field_t *f)
{
    sl_int_t   n;
    u_char    *p;
    size_t     len;

    if (sl_str_caseeq(&f->name, "Content-Length")) {
        n = (f->value.len && f->value.len < 19)
            ? sl_atoi(f->value.data, f->value.len) : SL_ERROR;

        if (n == SL_ERROR || (r->content_length != -1
                              && r->content_length != n))
        {
            return "a bad Content-Length";
        }

        r->content_length = n;

    } else if (sl_str_caseeq(&f->name, "Transfer-Encoding")) {
        /* the last coding must be chunked; others we cannot undo */
        p = f->value.data;
        len = f->value.len;

        if (!(len == 7 && sl_strncasecmp(p, (u_char *) "chunked", 7) == 0)) {
            return "a Transfer-Encoding other than chunked";
        }

        r->chunked = 1;
    }

    /* fields past the cap are not kept: nothing here needs them */
    if (r->nheaders < SL_PP_PULL_MAX_HEADERS) {
        r->headers[r->nheaders++] = *f;
    }

    return NULL;
}


const sl_str_t *
sl_pp_pull_header(const sl_pp_pull_response_t *r, const char *name)
{
    return sl_head_find(r->headers, r->nheaders, name);
}


void
sl_pp_icy_init(sl_pp_icy_t *icy, size_t metaint)
{
    icy->metaint = metaint;
    icy->left = metaint;
    icy->meta_len = 0;
    icy->meta_got = 0;
    icy->in_meta = 0;
    icy->title_changed = 0;
    icy->title.len = 0;
    icy->title.data = icy->title_data;
}


/*
 * The stream is metaint bytes of audio, a length byte N, 16 * N bytes
 * of metadata ("StreamTitle='...';" padded with NULs), audio again.
 */
size_t
sl_pp_icy_strip(sl_pp_icy_t *icy, u_char *buf, size_t len)
{
    size_t   n, out;
    u_char  *p, *last;

    p = buf;
    last = buf + len;
    out = 0;

    while (p < last) {

        if (!icy->in_meta) {
            n = sl_min(icy->left, (size_t) (last - p));

            if (buf + out != p) {
                memmove(buf + out, p, n);
            }

            out += n;
            p += n;
            icy->left -= n;

            if (icy->left == 0) {
                icy->in_meta = 1;
                icy->meta_len = (size_t) -1;
            }

            continue;
        }

        if (icy->meta_len == (size_t) -1) {
            icy->meta_len = (size_t) *p++ * 16;
            icy->meta_got = 0;

        } else {
            n = sl_min(icy->meta_len - icy->meta_got, (size_t) (last - p));
            sl_memcpy(icy->meta + icy->meta_got, p, n);
            icy->meta_got += n;
            p += n;
        }

        if (icy->meta_got == icy->meta_len) {
            sl_pp_icy_block(icy);
            icy->in_meta = 0;
            icy->left = icy->metaint;
        }
    }

    return out;
}


static void
sl_pp_icy_block(sl_pp_icy_t *icy)
{
    sl_str_t  title;

    if (icy->meta_len == 0
        || sl_pp_icy_title(icy->meta, icy->meta_len, &title) != SL_OK)
    {
        return;
    }

    if (title.len == icy->title.len
        && memcmp(title.data, icy->title.data, title.len) == 0)
    {
        return;
    }

    sl_memcpy(icy->title_data, title.data, title.len);
    icy->title.len = title.len;
    icy->title_changed = 1;
}


/* the value runs to "';" (a title may hold a lone quote) or the end */
sl_int_t
sl_pp_icy_title(const u_char *meta, size_t len, sl_str_t *title)
{
    const u_char  *p, *last, *end;

    static const char  key[] = "StreamTitle='";

    last = meta + len;

    /* NUL padding ends the text */
    end = memchr(meta, '\0', len);
    if (end) {
        last = end;
    }

    for (p = meta; last - p >= (ssize_t) sizeof(key) - 1; p++) {
        if (sl_strncmp(p, key, sizeof(key) - 1) == 0) {
            break;
        }
    }

    if (last - p < (ssize_t) sizeof(key) - 1) {
        return SL_DECLINED;
    }

    p += sizeof(key) - 1;

    for (end = p; end < last; end++) {
        if (end[0] == '\'' && (end + 1 == last || end[1] == ';')) {
            break;
        }
    }

    title->data = (u_char *) p;
    title->len = end - p;

    return SL_OK;
}


sl_int_t
sl_pp_rtsp_session(const sl_str_t *value, sl_str_t *id, sl_uint_t *timeout)
{
    u_char     *p, *last, *semi;
    sl_int_t    n;
    sl_str_t    param;

    p = value->data;
    last = p + value->len;

    semi = memchr(p, ';', value->len);
    if (semi == NULL) {
        semi = last;
    }

    id->data = p;
    id->len = semi - p;

    while (id->len && (id->data[id->len - 1] == ' '
                       || id->data[id->len - 1] == '\t'))
    {
        id->len--;
    }

    if (id->len == 0) {
        return SL_ERROR;
    }

    *timeout = 60;

    p = semi;

    while (p < last) {
        p++;

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        semi = memchr(p, ';', last - p);
        if (semi == NULL) {
            semi = last;
        }

        param.data = p;
        param.len = semi - p;

        if (param.len > 8
            && sl_strncasecmp(param.data, (u_char *) "timeout=", 8) == 0)
        {
            n = sl_atoi(param.data + 8, param.len - 8);

            if (n == SL_ERROR || n == 0) {
                return SL_ERROR;
            }

            *timeout = (sl_uint_t) n;
        }

        p = semi;
    }

    return SL_OK;
}


sl_int_t
sl_pp_rtsp_interleaved(const sl_str_t *value, sl_uint_t *a, sl_uint_t *b)
{
    u_char    *p, *last, *dash, *end;
    sl_int_t   x, y;

    static const char  key[] = "interleaved=";

    p = value->data;
    last = p + value->len;

    for ( /* void */ ; last - p >= (ssize_t) sizeof(key) - 1; p++) {
        if ((p == value->data || p[-1] == ';')
            && sl_strncasecmp(p, (u_char *) key, sizeof(key) - 1) == 0)
        {
            break;
        }
    }

    if (last - p < (ssize_t) sizeof(key) - 1) {
        return SL_ERROR;
    }

    p += sizeof(key) - 1;

    for (end = p; end < last && *end != ';' && *end != ','; end++) {
        /* void */
    }

    dash = memchr(p, '-', end - p);

    if (dash == NULL) {
        x = sl_atoi(p, end - p);
        y = x + 1;

    } else {
        x = sl_atoi(p, dash - p);
        y = sl_atoi(dash + 1, end - dash - 1);
    }

    if (x == SL_ERROR || y == SL_ERROR || x > 255 || y > 255) {
        return SL_ERROR;
    }

    *a = (sl_uint_t) x;
    *b = (sl_uint_t) y;

    return SL_OK;
}


sl_uint_t
sl_pp_rtsp_public_has(const sl_str_t *value, const char *method)
{
    size_t   n;
    u_char  *p, *last, *end;

    n = sl_strlen(method);
    p = value->data;
    last = p + value->len;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        for (end = p; end < last && *end != ',' && *end != ' '
                      && *end != '\t'; end++)
        {
            /* void */
        }

        if ((size_t) (end - p) == n && sl_strncmp(p, method, n) == 0) {
            return 1;
        }

        p = end;
    }

    return 0;
}


sl_uint_t
sl_pp_rtcp_has_bye(const u_char *pkt, size_t len)
{
    size_t  n;

    while (len >= 4 && (pkt[0] >> 6) == 2) {
        if (pkt[1] == 203) {
            return 1;
        }

        n = ((size_t) sl_media_be16(pkt + 2) + 1) * 4;

        if (n > len) {
            break;
        }

        pkt += n;
        len -= n;
    }

    return 0;
}


sl_int_t
sl_pp_rtp_info_next(u_char **pos, u_char *end, sl_str_t *url,
    uint32_t *rtptime, sl_uint_t *has)
{
    u_char    *p, *item_end, *seg, *next;
    sl_int_t   t;

    p = *pos;

    while (p < end && (*p == ' ' || *p == ',')) {
        p++;
    }

    if (p >= end) {
        *pos = end;
        return SL_DONE;
    }

    item_end = sl_strlchr(p, end, ',');
    if (item_end == NULL) {
        item_end = end;
    }

    *pos = item_end;

    sl_str_null(url);
    *rtptime = 0;
    *has = 0;

    while (p < item_end) {
        while (p < item_end && (*p == ' ' || *p == ';')) {
            p++;
        }

        next = sl_strlchr(p, item_end, ';');
        if (next == NULL) {
            next = item_end;
        }

        for (seg = next; seg > p && seg[-1] == ' '; seg--) { /* void */ }

        if (seg - p > 4 && sl_strncasecmp(p, (u_char *) "url=", 4) == 0) {
            url->data = p + 4;
            url->len = seg - p - 4;

        } else if (seg - p > 8
                   && sl_strncasecmp(p, (u_char *) "rtptime=", 8) == 0)
        {
            t = sl_atoi(p + 8, seg - p - 8);

            if (t >= 0 && t <= 0xffffffffLL) {
                *rtptime = (uint32_t) t;
                *has = 1;
            }
        }

        p = next;
    }

    return SL_OK;
}
