/* SDP (RFC 8866) parsing for received media; control URLs. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_head.h>
#include <sl_sdp_parse.h>


/* RFC 3551 §6: the static payload types */
static const struct {
    uint8_t          pt;
    const char      *name;
    uint32_t         rate;
    uint32_t         channels;
} sl_sdp_static[] = {
    { 0, "PCMU", 8000, 1 },     { 3, "GSM", 8000, 1 },
    { 4, "G723", 8000, 1 },     { 5, "DVI4", 8000, 1 },
    { 6, "DVI4", 16000, 1 },    { 7, "LPC", 8000, 1 },
    { 8, "PCMA", 8000, 1 },     { 9, "G722", 8000, 1 },
    { 10, "L16", 44100, 2 },    { 11, "L16", 44100, 1 },
    { 12, "QCELP", 8000, 1 },   { 13, "CN", 8000, 1 },
    { 14, "MPA", 90000, 0 },    { 15, "G728", 8000, 1 },
    { 16, "DVI4", 11025, 1 },   { 17, "DVI4", 22050, 1 },
    { 18, "G729", 8000, 1 },    { 25, "CelB", 90000, 0 },
    { 26, "JPEG", 90000, 0 },   { 28, "nv", 90000, 0 },
    { 31, "H261", 90000, 0 },   { 32, "MPV", 90000, 0 },
    { 33, "MP2T", 90000, 0 },   { 34, "H263", 90000, 0 },
};


static const char *sl_sdp_media(sl_sdp_t *sdp, const u_char *p,
    const u_char *last);
static const char *sl_sdp_attribute(sl_sdp_t *sdp, sl_sdp_media_t *m,
    const u_char *p, const u_char *last);
static const char *sl_sdp_rtpmap(sl_sdp_media_t *m, const u_char *p,
    const u_char *last);


/* the next word of [*pp, last) up to a blank; blanks before it skipped */
static void
sl_sdp_word(const u_char **pp, const u_char *last, sl_str_t *w)
{
    const u_char  *p;

    p = *pp;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    w->data = (u_char *) p;

    while (p < last && *p != ' ' && *p != '\t') {
        p++;
    }

    w->len = p - w->data;
    *pp = p;
}


/* a decimal number of at most max, or -1 */
static sl_int_t
sl_sdp_number(const sl_str_t *w, sl_int_t max)
{
    sl_int_t  n;

    if (w->len == 0 || w->len > 10) {
        return -1;
    }

    n = sl_atoi(w->data, w->len);

    return (n == SL_ERROR || n > max) ? -1 : n;
}


sl_int_t
sl_sdp_parse(const u_char *buf, size_t len, sl_sdp_t *sdp)
{
    sl_int_t         n;
    sl_str_t         w;
    sl_uint_t        bad, lines;
    const char      *err;
    const u_char    *p, *last, *lf, *eol, *next;
    sl_sdp_media_t  *m;

    sl_memzero(sdp, sizeof(sl_sdp_t));

    if (len > SL_SDP_MAX_SIZE) {
        sdp->error = "description too large";
        return SL_ERROR;
    }

    p = buf;
    last = buf + len;
    m = NULL;
    lines = 0;
    err = NULL;

    while (p < last) {
        sdp->line++;

        bad = 0;
        lf = sl_head_line_end(p, last, &eol, &bad);

        if (bad) {
            err = "NUL or CR without LF";
            goto failed;
        }

        if (lf == NULL) {
            /* the last line without its end */
            eol = (last[-1] == '\r') ? last - 1 : last;
            next = last;

        } else {
            next = lf + 1;
        }

        if (eol - p > SL_SDP_MAX_LINE) {
            err = "line too long";
            goto failed;
        }

        if (eol == p) {
            /* a blank line, as some writers end with: harmless */
            p = next;
            continue;
        }

        if (eol - p < 2 || p[1] != '=' || p[0] < 'a' || p[0] > 'z') {
            err = "not a <type>=<value> line";
            goto failed;
        }

        if (lines++ == 0) {
            if (eol - p != 3 || p[0] != 'v' || p[2] != '0') {
                err = "no \"v=0\" first";
                goto failed;
            }

            p = next;
            continue;
        }

        switch (p[0]) {

        case 'v':
            err = "\"v=\" again";
            break;

        case 'm':
            err = sl_sdp_media(sdp, p + 2, eol);

            if (err == NULL) {
                m = &sdp->media[sdp->nmedia - 1];
            }

            break;

        case 'b':
            if (m && eol - p > 5 && sl_strncmp(p + 2, "AS:", 3) == 0) {
                w.data = (u_char *) p + 5;
                w.len = eol - w.data;

                n = sl_sdp_number(&w, 0x7fffffff);

                if (n < 0) {
                    err = "malformed \"b=AS\"";
                    break;
                }

                m->bitrate = (uint32_t) n;
            }

            break;

        case 'a':
            err = sl_sdp_attribute(sdp, m, p + 2, eol);
            break;

        default:
            break;
        }

        if (err) {
            goto failed;
        }

        p = next;
    }

    if (lines == 0) {
        sdp->line = 0;
        err = "empty description";
        goto failed;
    }

    sdp->line = 0;

    return SL_OK;

failed:

    sdp->error = err;

    return SL_ERROR;
}


/*
 * "m=<media> <port>[/<number>] <proto> <fmt> ...": the first format is
 * the payload type for RTP profiles; a static one brings its encoding.
 */
static const char *
sl_sdp_media(sl_sdp_t *sdp, const u_char *p, const u_char *last)
{
    u_char          *slash;
    sl_int_t         n;
    sl_str_t         w, port, fmt;
    sl_uint_t        i;
    sl_sdp_media_t  *m;

    if (sdp->nmedia == SL_MEDIA_MAX_TRACKS) {
        return "too many \"m=\" lines";
    }

    m = &sdp->media[sdp->nmedia];
    sl_memzero(m, sizeof(sl_sdp_media_t));

    sl_sdp_word(&p, last, &m->media);
    sl_sdp_word(&p, last, &port);
    sl_sdp_word(&p, last, &m->proto);
    sl_sdp_word(&p, last, &fmt);

    if (m->media.len == 0 || port.len == 0 || m->proto.len == 0
        || fmt.len == 0)
    {
        return "malformed \"m=\" line";
    }

    m->nports = 1;

    slash = sl_strlchr(port.data, port.data + port.len, '/');

    if (slash) {
        w.data = slash + 1;
        w.len = port.data + port.len - w.data;

        n = sl_sdp_number(&w, 65535);

        if (n <= 0) {
            return "malformed port in \"m=\" line";
        }

        m->nports = n;
        port.len = slash - port.data;
    }

    n = sl_sdp_number(&port, 65535);

    if (n < 0) {
        return "malformed port in \"m=\" line";
    }

    m->port = n;
    m->pt = -1;

    /* RTP/AVP, RTP/AVPF, RTP/SAVP, TCP/RTP/AVP, ... */

    for (i = 0; i + 4 <= m->proto.len; i++) {
        if (sl_strncmp(m->proto.data + i, "RTP/", 4) == 0) {
            break;
        }
    }

    if (i + 4 <= m->proto.len) {
        m->pt = sl_sdp_number(&fmt, 127);

        if (m->pt < 0) {
            return "malformed payload type in \"m=\" line";
        }

        for (i = 0; i < sl_nelems(sl_sdp_static); i++) {
            if (sl_sdp_static[i].pt == m->pt) {
                m->encoding.data = (u_char *) sl_sdp_static[i].name;
                m->encoding.len = strlen(sl_sdp_static[i].name);
                m->clock_rate = sl_sdp_static[i].rate;
                m->channels = sl_sdp_static[i].channels;
                break;
            }
        }
    }

    sdp->nmedia++;

    return NULL;
}


/*
 * "a=<name>[:<value>]": control and range at the session level;
 * control, and rtpmap and fmtp of the payload type, in a media section.
 */
static const char *
sl_sdp_attribute(sl_sdp_t *sdp, sl_sdp_media_t *m, const u_char *p,
    const u_char *last)
{
    sl_int_t        pt;
    sl_str_t        name, value, w;
    const u_char   *colon;

    colon = sl_strlchr((u_char *) p, (u_char *) last, ':');

    name.data = (u_char *) p;
    name.len = (colon ? colon : last) - p;

    value.data = (u_char *) (colon ? colon + 1 : last);

    while (value.data < last && (*value.data == ' ' || *value.data == '\t'))
    {
        value.data++;
    }

    while (last > value.data && (last[-1] == ' ' || last[-1] == '\t')) {
        last--;
    }

    value.len = last - value.data;

    if (sl_str_eq(&name, "control")) {
        if (m == NULL) {
            if (sdp->control.data) {
                return "duplicate \"a=control\"";
            }

            sdp->control = value;
            return NULL;
        }

        if (m->control.data) {
            return "duplicate \"a=control\"";
        }

        m->control = value;
        return NULL;
    }

    if (sl_str_eq(&name, "range")) {
        if (m == NULL) {
            sdp->range = value;
        }

        return NULL;
    }

    if (m == NULL || m->pt < 0) {
        return NULL;
    }

    if (sl_str_eq(&name, "rtpmap")) {
        return sl_sdp_rtpmap(m, value.data, last);
    }

    if (sl_str_eq(&name, "fmtp")) {
        p = value.data;
        sl_sdp_word(&p, last, &w);

        pt = sl_sdp_number(&w, 127);

        if (pt != m->pt) {
            return NULL;
        }

        if (m->fmtp.data) {
            return "duplicate \"a=fmtp\"";
        }

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        m->fmtp.data = (u_char *) p;
        m->fmtp.len = last - p;
    }

    return NULL;
}


/* "a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]" (RFC 8866 §6.6) */
static const char *
sl_sdp_rtpmap(sl_sdp_media_t *m, const u_char *p, const u_char *last)
{
    u_char    *slash, *end;
    sl_int_t   pt, n;
    sl_str_t   w, enc, rate;

    sl_sdp_word(&p, last, &w);

    pt = sl_sdp_number(&w, 127);

    if (pt < 0) {
        return "malformed \"a=rtpmap\"";
    }

    if (pt != m->pt) {
        return NULL;
    }

    if (m->rtpmap) {
        return "duplicate \"a=rtpmap\"";
    }

    sl_sdp_word(&p, last, &w);

    if (w.len == 0 || p != last) {
        return "malformed \"a=rtpmap\"";
    }

    end = w.data + w.len;
    slash = sl_strlchr(w.data, end, '/');

    if (slash == NULL || slash == w.data) {
        return "malformed \"a=rtpmap\"";
    }

    enc.data = w.data;
    enc.len = slash - w.data;

    rate.data = slash + 1;
    slash = sl_strlchr(rate.data, end, '/');
    rate.len = (slash ? slash : end) - rate.data;

    n = sl_sdp_number(&rate, 0x7fffffff);

    if (n <= 0) {
        return "malformed clock rate in \"a=rtpmap\"";
    }

    m->encoding = enc;
    m->clock_rate = (uint32_t) n;
    m->channels = 0;

    if (slash) {
        w.data = slash + 1;
        w.len = end - w.data;

        n = sl_sdp_number(&w, 255);

        if (n <= 0) {
            return "malformed channels in \"a=rtpmap\"";
        }

        m->channels = (uint32_t) n;
    }

    m->rtpmap = 1;

    return NULL;
}


sl_int_t
sl_sdp_control_url(sl_pool_t *pool, const sl_str_t *base,
    const sl_str_t *control, sl_str_t *url)
{
    size_t         i;
    u_char        *p;
    const u_char  *b, *last, *path, *query;

    /* an absolute URL: a scheme (RFC 3986 §3.1) and ':' before any '/' */

    for (i = 0; i < control->len; i++) {
        if (!isalnum(control->data[i]) && control->data[i] != '+'
            && control->data[i] != '-' && control->data[i] != '.')
        {
            break;
        }
    }

    if (i > 0 && i < control->len && control->data[i] == ':'
        && isalpha(control->data[0]))
    {
        *url = *control;
        return SL_OK;
    }

    if (control->len == 0 || (control->len == 1 && control->data[0] == '*')) {
        *url = *base;
        return SL_OK;
    }

    /* the base: scheme "://" authority [path] ["?" query] */

    if (base->len == 0) {
        return SL_ERROR;
    }

    b = base->data;
    last = base->data + base->len;

    for (p = (u_char *) b; p + 3 <= last; p++) {
        if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
            break;
        }
    }

    if (p + 3 > last || p == b) {
        return SL_ERROR;
    }

    path = p + 3;

    while (path < last && *path != '/' && *path != '?' && *path != '#') {
        path++;
    }

    query = path;

    while (query < last && *query != '?' && *query != '#') {
        query++;
    }

    url->data = sl_pnalloc(pool, base->len + control->len + 1);
    if (url->data == NULL) {
        return SL_ERROR;
    }

    if (control->data[0] == '/') {
        p = sl_cpymem(url->data, b, path - b);
        p = sl_cpymem(p, control->data, control->len);

    } else {
        p = sl_cpymem(url->data, b, query - b);

        if (query[-1] != '/') {
            *p++ = '/';
        }

        p = sl_cpymem(p, control->data, control->len);
        p = sl_cpymem(p, query, last - query);
    }

    url->len = p - url->data;

    return SL_OK;
}
