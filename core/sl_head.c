/* Message heads of the text protocols: lines, tokens, fields. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_head.h>


sl_uint_t
sl_head_is_tchar(u_char ch)
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

    return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}


const u_char *
sl_head_line_end(const u_char *p, const u_char *last, const u_char **eol,
    sl_uint_t *bad)
{
    for ( /* void */ ; p < last; p++) {

        if (*p == '\n') {
            *eol = p;
            return p;
        }

        if (*p == '\0') {
            *bad = 1;
            return NULL;
        }

        if (*p == '\r') {
            if (p + 1 == last) {
                return NULL;
            }

            if (p[1] != '\n') {
                *bad = 1;
                return NULL;
            }

            *eol = p;
            return p + 1;
        }
    }

    return NULL;
}


const char *
sl_head_field(const u_char *p, const u_char *eol, sl_head_field_t *f)
{
    const u_char  *colon, *v, *ve;

    /* RFC 9112 §5.2: obs-fold may be refused with 400 */
    if (*p == ' ' || *p == '\t') {
        return "header folding is not supported";
    }

    for (colon = p; colon < eol && sl_head_is_tchar(*colon); colon++) {
        /* void */
    }

    /* RFC 9112 §5.1: no white space between the name and the colon */
    if (colon == p || colon == eol || *colon != ':') {
        return "invalid header line";
    }

    if (colon - p > SL_HEAD_MAX_NAME) {
        return "header name too long";
    }

    for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++) {
        /* void */
    }

    for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--) {
        /* void */
    }

    if (ve - v > SL_HEAD_MAX_VALUE) {
        return "header value too long";
    }

    f->name.data = (u_char *) p;
    f->name.len = colon - p;
    f->value.data = (u_char *) v;
    f->value.len = ve - v;

    return NULL;
}


const sl_str_t *
sl_head_find(const sl_head_field_t *f, sl_uint_t n, const char *name)
{
    sl_uint_t  i;

    for (i = 0; i < n; i++) {
        if (sl_str_caseeq(&f[i].name, name)) {
            return &f[i].value;
        }
    }

    return NULL;
}
