/* sl_rtsp_load: RTSP answer and SDP parsing for the load generator. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_rtsp_load.h"


/* copies the N bytes at P into OUT (SIZE bytes), trimmed of blanks */
static void
sl_copy_trim(const char *p, size_t n, char *out, size_t size)
{
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }

    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
    {
        n--;
    }

    if (n >= size) {
        n = size - 1;
    }

    memcpy(out, p, n);
    out[n] = '\0';
}


/*
 * Joins a control attribute to the base URL the way RTSP players do: "*" or
 * nothing is the base itself, an absolute rtsp:// URL stands alone, anything
 * else is appended with one "/" between (RFC 2326 §C.1.1 in practice).
 */
void
sl_resolve_url(const char *base, const char *control, char *out, size_t size)
{
    size_t  n;

    if (control[0] == '\0' || strcmp(control, "*") == 0) {
        snprintf(out, size, "%s", base);
        return;
    }

    if (strncasecmp(control, "rtsp://", 7) == 0
        || strncasecmp(control, "rtsps://", 8) == 0)
    {
        snprintf(out, size, "%s", control);
        return;
    }

    n = strlen(base);
    snprintf(out, size, "%s%s%s", base,
             (n > 0 && base[n - 1] == '/') ? "" : "/",
             control[0] == '/' ? control + 1 : control);
}


long
sl_parse_answer(const char *hdr, size_t len, sl_answer_t *a)
{
    char        name[64], value[SL_URL_LEN];
    long        clen;
    size_t      n, colon;
    const char *p, *end, *eol, *v;

    memset(a, 0, sizeof(*a));
    a->interleaved = -1;
    a->cseq = -1;
    clen = 0;

    if (len < 12 || strncmp(hdr, "RTSP/1.", 7) != 0) {
        return -1;
    }

    p = hdr + 8;
    while (p < hdr + len && *p == ' ') {
        p++;
    }

    if (hdr + len - p < 3 || !isdigit((unsigned char) p[0])) {
        return -1;
    }

    a->status = atoi(p);
    if (a->status < 100 || a->status > 599) {
        return -1;
    }

    end = hdr + len;
    p = memchr(hdr, '\n', len);

    while (p != NULL && ++p < end) {
        eol = memchr(p, '\n', end - p);
        if (eol == NULL) {
            eol = end;
        }

        n = eol - p;
        v = memchr(p, ':', n);
        if (v == NULL) {
            p = eol;
            continue;
        }

        colon = v - p;
        sl_copy_trim(p, colon, name, sizeof(name));
        sl_copy_trim(v + 1, n - colon - 1, value, sizeof(value));
        p = eol;

        if (strcasecmp(name, "CSeq") == 0) {
            a->cseq = atoi(value);

        } else if (strcasecmp(name, "Content-Length") == 0) {
            clen = strtol(value, NULL, 10);
            if (clen < 0 || clen > 1024 * 1024) {
                return -1;
            }

        } else if (strcasecmp(name, "Session") == 0) {
            char  *semi, *t;

            semi = strchr(value, ';');
            if (semi != NULL) {
                *semi = '\0';
                t = strcasestr(semi + 1, "timeout=");
                if (t != NULL) {
                    a->timeout = (unsigned) strtoul(t + 8, NULL, 10);
                }
            }

            sl_copy_trim(value, strlen(value), a->session,
                         sizeof(a->session));

        } else if (strcasecmp(name, "Content-Base") == 0) {
            snprintf(a->base, sizeof(a->base), "%s", value);

        } else if (strcasecmp(name, "Content-Location") == 0) {
            if (a->base[0] == '\0') {
                snprintf(a->base, sizeof(a->base), "%s", value);
            }

        } else if (strcasecmp(name, "Transport") == 0) {
            char  *il;

            il = strcasestr(value, "interleaved=");
            if (il != NULL) {
                a->interleaved = atoi(il + 12);
            }

            a->tcp_transport = strcasestr(value, "/TCP") != NULL;

        } else if (strcasecmp(name, "RTP-Info") == 0) {
            a->have_rtp_info = 1;

        } else if (strcasecmp(name, "Range") == 0) {
            a->have_range = 1;
        }
    }

    return clen;
}


/* the clock rate and name of the static payload types of RFC 3551 §6 */
static void
sl_static_pt(sl_sdp_track_t *t)
{
    static const struct {
        int          pt;
        unsigned     rate;
        const char  *name;
    } pts[] = {
        { 0, 8000, "PCMU" }, { 3, 8000, "GSM" }, { 8, 8000, "PCMA" },
        { 10, 44100, "L16" }, { 11, 44100, "L16" }, { 14, 90000, "MPA" },
        { 26, 90000, "JPEG" }, { 32, 90000, "MPV" }, { 33, 90000, "MP2T" },
    };
    size_t  i;

    for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
        if (pts[i].pt == t->pt) {
            t->clock_rate = pts[i].rate;
            snprintf(t->codec, sizeof(t->codec), "%s", pts[i].name);
            return;
        }
    }
}


/*
 * The parts of an SDP (RFC 4566) that a player needs: per m= line the payload
 * type, its rtpmap codec and clock rate, and its control URL; at session level
 * the aggregate control URL and a=range:npt (RFC 2326 §C.1.5).
 */
int
sl_parse_sdp(const char *body, size_t len, const char *base, sl_sdp_t *sdp)
{
    int              pt;
    char             line[SL_URL_LEN], ctl[SL_URL_LEN], media[32], *r;
    size_t           n;
    unsigned         rate;
    const char      *p, *end, *eol;
    sl_sdp_track_t  *t;

    memset(sdp, 0, sizeof(*sdp));
    sl_resolve_url(base, "", sdp->control, sizeof(sdp->control));

    t = NULL;
    end = body + len;

    for (p = body; p < end; p = eol + 1) {
        eol = memchr(p, '\n', end - p);
        if (eol == NULL) {
            eol = end;
        }

        n = eol - p;
        if (n > 0 && p[n - 1] == '\r') {
            n--;
        }

        if (n >= sizeof(line)) {
            n = sizeof(line) - 1;
        }

        memcpy(line, p, n);
        line[n] = '\0';

        if (strncmp(line, "m=", 2) == 0) {
            t = NULL;
            if (sdp->ntracks == SL_MAX_TRACKS
                || sscanf(line + 2, "%31s %*u %*s %d", media, &pt) != 2)
            {
                continue;
            }

            t = &sdp->tracks[sdp->ntracks++];
            t->pt = pt;
            sl_static_pt(t);
            sl_resolve_url(base, "", t->control, sizeof(t->control));
            continue;
        }

        if (strncmp(line, "a=control:", 10) == 0) {
            sl_copy_trim(line + 10, strlen(line + 10), ctl, sizeof(ctl));
            sl_resolve_url(base, ctl, t ? t->control : sdp->control,
                           SL_URL_LEN);

        } else if (strncmp(line, "a=rtpmap:", 9) == 0 && t != NULL) {
            if (sscanf(line + 9, "%d %31[^/]/%u", &pt, media, &rate) == 3
                && pt == t->pt)
            {
                snprintf(t->codec, sizeof(t->codec), "%s", media);
                t->clock_rate = rate;
            }

        } else if (strncmp(line, "a=range:npt=", 12) == 0) {
            r = strchr(line + 12, '-');
            sdp->have_range = 1;
            if (r != NULL && r[1] != '\0') {
                sdp->range_end = strtod(r + 1, NULL);
            }
        }

        if (eol == end) {
            break;
        }
    }

    return sdp->ntracks;
}
