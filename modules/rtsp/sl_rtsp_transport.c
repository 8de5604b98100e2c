/* The Transport header (RFC 2326 §12.39): choosing one transport. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp_parse.h>


/* "a" or "a-b" of decimal numbers below 65536 */
static sl_int_t
sl_rtsp_transport_range(const u_char *p, const u_char *last, int *r)
{
    const u_char  *dash;
    sl_int_t       a, b;

    for (dash = p; dash < last && *dash != '-'; dash++) { /* void */ }

    a = sl_atoi(p, dash - p);
    if (a == SL_ERROR || a > 65535) {
        return SL_ERROR;
    }

    if (dash == last) {
        r[0] = (int) a;
        r[1] = (int) a + 1;
        return SL_OK;
    }

    b = sl_atoi(dash + 1, last - dash - 1);
    if (b == SL_ERROR || b > 65535) {
        return SL_ERROR;
    }

    r[0] = (int) a;
    r[1] = (int) b;

    return SL_OK;
}


/*
 * Parses one transport spec [p, last): "RTP/AVP[/UDP|/TCP];param;...".
 * SL_OK when usable, SL_DECLINED when well formed but not something this
 * server sends (another profile, multicast), SL_ERROR when malformed.
 */
static sl_int_t
sl_rtsp_transport_spec(const u_char *p, const u_char *last,
    sl_rtsp_transport_t *t)
{
    size_t         n;
    const u_char  *semi, *eq;

    sl_memzero(t, sizeof(sl_rtsp_transport_t));
    t->interleaved[0] = -1;
    t->client_port[0] = -1;

    for (semi = p; semi < last && *semi != ';'; semi++) { /* void */ }

    n = semi - p;

    if (n == 7 && sl_strncasecmp(p, (u_char *) "RTP/AVP", 7) == 0) {
        t->tcp = 0;

    } else if (n == 11
               && sl_strncasecmp(p, (u_char *) "RTP/AVP/UDP", 11) == 0)
    {
        t->tcp = 0;

    } else if (n == 11
               && sl_strncasecmp(p, (u_char *) "RTP/AVP/TCP", 11) == 0)
    {
        t->tcp = 1;

    } else {
        return SL_DECLINED;
    }

    while (semi < last) {
        p = semi + 1;

        for (semi = p; semi < last && *semi != ';'; semi++) { /* void */ }

        for (eq = p; eq < semi && *eq != '='; eq++) { /* void */ }

        n = eq - p;

        if (n == 9 && sl_strncasecmp(p, (u_char *) "multicast", 9) == 0) {
            t->multicast = 1;

        } else if (n == 11
                   && sl_strncasecmp(p, (u_char *) "interleaved", 11) == 0)
        {
            if (eq == semi
                || sl_rtsp_transport_range(eq + 1, semi, t->interleaved)
                   != SL_OK
                || t->interleaved[0] > 255 || t->interleaved[1] > 255)
            {
                return SL_ERROR;
            }

        } else if (n == 11
                   && sl_strncasecmp(p, (u_char *) "client_port", 11) == 0)
        {
            if (eq == semi
                || sl_rtsp_transport_range(eq + 1, semi, t->client_port)
                   != SL_OK)
            {
                return SL_ERROR;
            }

        } else if (n == 11
                   && sl_strncasecmp(p, (u_char *) "destination", 11) == 0)
        {
            t->destination.data = (u_char *) (eq < semi ? eq + 1 : eq);
            t->destination.len = (eq < semi) ? (size_t) (semi - eq - 1) : 0;
            t->has_destination = 1;

        } else if (n == 4 && sl_strncasecmp(p, (u_char *) "mode", 4) == 0) {
            if (eq < semi && semi - eq - 1 >= 6
                && sl_strncasecmp(eq + 1 + (eq[1] == '"'),
                                  (u_char *) "record", 6) == 0)
            {
                t->record = 1;
            }
        }

        /* unicast, ttl, ssrc, source, ...: nothing to act on */
    }

    if (t->multicast) {
        return SL_DECLINED;
    }

    if (t->tcp && t->interleaved[0] == -1) {
        /* RFC 2326 §10.12: the server may choose the channels */
        t->interleaved[0] = -2;
    }

    if (!t->tcp && t->client_port[0] == -1) {
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_rtsp_parse_transport(const sl_str_t *value, sl_uint_t tcp_only,
    sl_rtsp_transport_t *t)
{
    sl_int_t       rc, malformed;
    const u_char  *p, *last, *comma;

    p = value->data;
    last = value->data + value->len;
    malformed = 0;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        for (comma = p; comma < last && *comma != ','; comma++) { /* void */ }

        rc = sl_rtsp_transport_spec(p, comma, t);

        if (rc == SL_OK && (t->tcp || !tcp_only)) {
            return SL_OK;
        }

        if (rc == SL_ERROR) {
            malformed = 1;
        }

        p = comma + 1;
    }

    return malformed ? 400 : 461;
}
