/* Absolute URLs of upstream servers. */

#include <sl_config.h>
#include <sl_core.h>


static sl_uint_t sl_url_is_host_char(u_char ch);


static u_char  sl_url_root[] = "/";


sl_int_t
sl_parse_url(const sl_str_t *text, sl_url_t *u)
{
    u_char     *p, *last, *start, *at, *end, *colon;
    u_char      addr[16];
    sl_uint_t   port;

    sl_memzero(u, sizeof(sl_url_t));

    p = text->data;
    last = p + text->len;

    for (start = p; start < last; start++) {
        if (*start <= 0x20 || *start >= 0x7f) {
            u->error = "a space, control or non-ASCII character";
            return SL_ERROR;
        }
    }

    /* scheme "://" */

    start = p;

    if (p == last || !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
        u->error = "no scheme";
        return SL_ERROR;
    }

    while (p < last && *p != ':') {
        if (!(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
              || (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'
              || *p == '.'))
        {
            u->error = "a bad scheme";
            return SL_ERROR;
        }

        p++;
    }

    if (last - p < 3 || p[1] != '/' || p[2] != '/') {
        u->error = "no \"://\" after the scheme";
        return SL_ERROR;
    }

    u->scheme.data = start;
    u->scheme.len = p - start;

    p += 3;

    /* the authority ends at the path, the query or the fragment */

    for (end = p; end < last; end++) {
        if (*end == '/' || *end == '?' || *end == '#') {
            break;
        }
    }

    at = NULL;

    for (start = p; start < end; start++) {
        if (*start == '@') {
            at = start;
        }
    }

    if (at) {
        u->userinfo.data = p;
        u->userinfo.len = at - p;
        p = at + 1;
    }

    u->authority.data = p;
    u->authority.len = end - p;

    if (p < end && *p == '[') {
        start = memchr(p, ']', end - p);

        if (start == NULL
            || sl_inet6_addr(p + 1, start - p - 1, addr) != SL_OK)
        {
            u->error = "a bad IPv6 address";
            return SL_ERROR;
        }

        u->host.data = p + 1;
        u->host.len = start - p - 1;
        u->ipv6 = 1;

        colon = start + 1;

        if (colon < end && *colon != ':') {
            u->error = "a bad IPv6 address";
            return SL_ERROR;
        }

    } else {
        colon = memchr(p, ':', end - p);

        if (colon == NULL) {
            colon = end;
        }

        for (start = p; start < colon; start++) {
            if (!sl_url_is_host_char(*start)) {
                u->error = "a bad host";
                return SL_ERROR;
            }
        }

        u->host.data = p;
        u->host.len = colon - p;
    }

    if (u->host.len == 0) {
        u->error = "no host";
        return SL_ERROR;
    }

    if (colon < end) {
        port = 0;

        for (p = colon + 1; p < end; p++) {
            if (*p < '0' || *p > '9' || port > 65535) {
                u->error = "a bad port";
                return SL_ERROR;
            }

            port = port * 10 + (*p - '0');
        }

        if (colon + 1 < end && (port == 0 || port > 65535)) {
            u->error = "a bad port";
            return SL_ERROR;
        }

        u->port = (in_port_t) port;
    }

    /* path, query; the fragment is the client's own */

    p = end;

    end = memchr(p, '#', last - p);
    if (end == NULL) {
        end = last;
    }

    start = memchr(p, '?', end - p);

    if (start) {
        u->args.data = start + 1;
        u->args.len = end - start - 1;

    } else {
        start = end;
    }

    if (start == p) {
        u->path.data = sl_url_root;
        u->path.len = 1;

    } else {
        u->path.data = p;
        u->path.len = start - p;
    }

    return SL_OK;
}


/* RFC 3986 §3.2.2 reg-name and IPv4address characters */
static sl_uint_t
sl_url_is_host_char(u_char ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9'))
    {
        return 1;
    }

    return ch != '\0' && strchr("-._~%!$&'()*+,;=", ch) != NULL;
}


u_char *
sl_url_log_text(u_char *p, u_char *last, const sl_str_t *url)
{
    u_char  *start, *end, *at, *colon, *u;

    start = NULL;

    /* "scheme://": a letter, then letters, digits, "+", "-", "." */
    for (u = url->data; u < url->data + url->len; u++) {
        if (*u == ':') {
            if (u > url->data && url->data + url->len - u >= 3
                && u[1] == '/' && u[2] == '/')
            {
                start = u + 3;
            }

            break;
        }

        if (!(isalpha(*u) || (u > url->data && (isdigit(*u) || *u == '+'
                                               || *u == '-' || *u == '.'))))
        {
            break;
        }
    }

    at = NULL;
    colon = NULL;

    if (start) {
        for (end = start; end < url->data + url->len; end++) {
            if (*end == '/' || *end == '?' || *end == '#') {
                break;
            }

            if (*end == '@') {
                at = end;
            }
        }

        for (u = start; at && u < at; u++) {
            if (*u == ':') {
                colon = u;
                break;
            }
        }
    }

    if (colon == NULL) {
        return sl_slprintf(p, last, "%.*s", SL_STR_ARG(url));
    }

    return sl_slprintf(p, last, "%.*s*%.*s",
                       (int) (colon + 1 - url->data), url->data,
                       (int) (url->data + url->len - at), at);
}
