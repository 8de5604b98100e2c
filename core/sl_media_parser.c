/* Media parsers: the buffer of a byte stream, for the formats' parse(). */

#include <sl_config.h>
#include <sl_core.h>


#define SL_MEDIA_PARSER_MIN   (16 * 1024)      /* the first buffer */


sl_media_parser_t *
sl_media_parser_create(sl_pool_t *pool, const char *format, sl_log_t *log)
{
    const sl_format_t  *f;
    sl_media_parser_t  *p;

    f = sl_media_format(format);

    if (f == NULL || f->parse == NULL) {
        sl_log_error(SL_LOG_ERR, log, 0,
                     "no parser for media streams of format \"%s\"", format);
        return NULL;
    }

    p = sl_pcalloc(pool, sizeof(sl_media_parser_t));
    if (p == NULL) {
        return NULL;
    }

    p->buf = sl_palloc(pool, SL_MEDIA_PARSER_MIN);
    if (p->buf == NULL) {
        return NULL;
    }

    p->size = SL_MEDIA_PARSER_MIN;
    p->pos = p->buf;
    p->last = p->buf;

    p->format = f;
    p->pool = pool;
    p->log = log;
    p->title.data = p->title_data;

    if (f->parse_init(p) != SL_OK) {
        return NULL;
    }

    return p;
}


const char *
sl_media_parser_format(const sl_str_t *content_type)
{
    size_t              len;
    u_char             *s, *last;
    sl_uint_t           i, j;
    const char         *type;
    const sl_format_t  *f;

    s = content_type->data;
    last = s + content_type->len;

    /* the media type alone: no parameters, no spaces around (RFC 9110 §8.3) */

    while (s < last && (*s == ' ' || *s == '\t')) {
        s++;
    }

    for (len = 0; s + len < last && s[len] != ';'; len++) { /* void */ }

    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    for (i = 0; (f = sl_media_nth_format(i)); i++) {
        if (f->parse == NULL || f->content_types == NULL) {
            continue;
        }

        for (j = 0; (type = f->content_types[j]); j++) {
            if (strlen(type) == len
                && sl_strncasecmp((u_char *) type, s, len) == 0)
            {
                return f->name;
            }
        }
    }

    return NULL;
}


/*
 * The bytes not yet consumed move to the start of the buffer when the
 * new ones do not fit after them, and the buffer doubles when they do
 * not fit at all: a unit handed out before stays where it is until then.
 */
sl_int_t
sl_media_parser_feed(sl_media_parser_t *p, const u_char *data, size_t len)
{
    size_t   used, n, size;
    u_char  *buf;

    if (p->skip) {
        n = (size_t) sl_min(p->skip, (uint64_t) len);
        data += n;
        len -= n;
        p->skip -= n;
    }

    if (len == 0) {
        return SL_OK;
    }

    used = p->last - p->pos;

    if (len > SL_MEDIA_PARSER_MAX - used) {
        sl_log_error(SL_LOG_ERR, p->log, 0,
                     "%s stream: no unit found in %zu bytes",
                     p->format->name, used + len);
        return SL_ERROR;
    }

    if ((size_t) (p->buf + p->size - p->last) < len) {

        if (used + len > p->size) {
            size = p->size;

            while (size < used + len) {
                size *= 2;
            }

            size = sl_min(size, SL_MEDIA_PARSER_MAX);

            buf = sl_palloc(p->pool, size);
            if (buf == NULL) {
                return SL_ERROR;
            }

            if (used) {
                sl_memcpy(buf, p->pos, used);
            }

            (void) sl_pfree(p->pool, p->buf);

            p->buf = buf;
            p->size = size;

        } else if (used) {
            memmove(p->buf, p->pos, used);
        }

        p->pos = p->buf;
        p->last = p->buf + used;
    }

    sl_memcpy(p->last, data, len);
    p->last += len;

    return SL_OK;
}


sl_int_t
sl_media_parser_next(sl_media_parser_t *p, sl_media_unit_t *mu)
{
    return p->format->parse(p, mu);
}


void
sl_media_parser_reset(sl_media_parser_t *p)
{
    p->pos = p->buf;
    p->last = p->buf;
    p->skip = 0;

    sl_memzero(p->tracks, sizeof(p->tracks));
    p->ntracks = 0;
    p->tracks_changed = 0;
    p->title.len = 0;
    p->title_changed = 0;
    p->bytes_skipped = 0;

    /* the format's state exists already: clearing it cannot fail */
    (void) p->format->parse_init(p);
}


void
sl_media_parser_skip(sl_media_parser_t *p, uint64_t n)
{
    size_t  avail;

    avail = p->last - p->pos;

    if (n <= avail) {
        p->pos += n;
        return;
    }

    p->skip += n - avail;
    p->pos = p->last;
}


void
sl_media_parser_cut(sl_media_parser_t *p, size_t off, size_t n)
{
    if (n == 0) {
        return;
    }

    if (off) {
        memmove(p->pos + n, p->pos, off);
    }

    p->pos += n;
}


void
sl_media_parser_set_title(sl_media_parser_t *p, const u_char *text,
    size_t len)
{
    if (len > SL_MEDIA_PARSER_TITLE_MAX) {
        len = SL_MEDIA_PARSER_TITLE_MAX;

        /* text[len] is the first byte left out: not in a character */
        while (len && (text[len] & 0xc0) == 0x80) {
            len--;
        }
    }

    if (len == p->title.len && memcmp(p->title.data, text, len) == 0) {
        return;
    }

    sl_memcpy(p->title_data, text, len);
    p->title.data = p->title_data;
    p->title.len = len;
    p->title_changed = 1;
}
