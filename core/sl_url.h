/*
 * Absolute URLs of upstream servers (RFC 3986 §3): what Sluice connects
 * to when it pulls a stream.  Pure: no I/O, no DNS.
 */

#ifndef SL_URL_H
#define SL_URL_H

#include <sl_config.h>


typedef struct {
    sl_str_t         scheme;        /* "http", as written */
    sl_str_t         userinfo;      /* "user:pass"; len 0 when absent */
    sl_str_t         host;          /* "origin", "192.0.2.1", "::1" (no
                                       brackets) */
    sl_str_t         authority;     /* "origin:8000", "[::1]" as written,
                                       without userinfo: for Host */
    in_port_t        port;          /* 0 when not given */
    sl_str_t         path;          /* "/a/b"; "/" when empty */
    sl_str_t         args;          /* after "?", data NULL when no "?" */
    unsigned         ipv6:1;        /* host was an IPv6 literal */
    const char      *error;         /* why it was refused */
} sl_url_t;


/*
 * Parses "scheme://[userinfo@]host[:port][/path][?query][#fragment]".
 * The scheme is letters, digits, "+", "-", "." after a letter; the host
 * a bracketed IPv6 address, or a name or IPv4 address of letters,
 * digits, "-", ".", "_", "~", "%", "!$&'()*+,;=" (RFC 3986 reg-name);
 * the port 1..65535 (an empty port counts as absent).  The fragment is
 * dropped.  Spaces, controls and non-ASCII bytes are refused anywhere.
 * SL_OK, or SL_ERROR with u->error set.  The strings point into text
 * (path "/" into static memory when the URL has none).
 */
sl_int_t sl_parse_url(const sl_str_t *text, sl_url_t *u);

/*
 * A URL as a log shows it: the password of a userinfo ("rtsp://u:p@h/x")
 * written as "*", the rest as sent.  Clients that take credentials from
 * a URL they were given may send it whole (VLC's RTSP does), and a log
 * must not keep the password.  Writes between p and last; returns the
 * new end.
 */
u_char *sl_url_log_text(u_char *p, u_char *last, const sl_str_t *url);

#endif /* SL_URL_H */
