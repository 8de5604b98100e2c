/* Round trips through an RTP payload format (see sl_rtp_fixture.h). */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_rtp_fixture.h"


/* the value after "prefix" in the CRLF lines of [p, last), up to CRLF */
static sl_int_t
t_rtp_sdp_line(const u_char *p, const u_char *last, const char *prefix,
    sl_str_t *v)
{
    size_t         n;
    const u_char  *eol;

    n = strlen(prefix);

    while (p < last) {
        eol = memchr(p, '\r', last - p);
        if (eol == NULL) {
            return SL_ERROR;
        }

        if ((size_t) (eol - p) >= n && memcmp(p, prefix, n) == 0) {
            v->data = (u_char *) p + n;
            v->len = eol - v->data;
            return SL_OK;
        }

        p = eol + 2;
    }

    return SL_ERROR;
}


sl_int_t
t_rtp_init(t_rtp_t *t, const sl_rtp_payload_t *pl,
    const sl_media_track_t *tr, uint8_t pt, sl_pool_t *pool, sl_log_t *log)
{
    u_char     sdp[2048], *p, *slash;
    char       prefix[32];
    sl_str_t   rtpmap, enc, fmtp;
    uint32_t   rate, channels;

    sl_memzero(t, sizeof(t_rtp_t));

    t->pl = pl;
    t->pool = pool;
    t->tr = *tr;

    t->s.pt = pt;
    t->s.ssrc = 0x5eed1234;
    t->s.seq = 0xfff0;
    t->s.clock_rate = pl->clock_rate(tr);
    t->s.ts_base = 0x7ffff000;
    t->s.max_payload = SL_RTP_MAX_PAYLOAD;

    t->out.start = malloc(T_RTP_OUT_SIZE);
    t->store = malloc(T_RTP_STORE);

    if (t->out.start == NULL || t->store == NULL) {
        return SL_ERROR;
    }

    t->out.pos = t->out.start;
    t->out.end = t->out.start + T_RTP_OUT_SIZE;

    /* "a=rtpmap:PT ENC/RATE[/CH]" and "a=fmtp:PT ..." back */

    p = pl->sdp(tr, pt, sdp, sdp + sizeof(sdp));
    if (p == NULL) {
        return SL_ERROR;
    }

    snprintf(prefix, sizeof(prefix), "a=rtpmap:%u ", (unsigned) pt);

    if (t_rtp_sdp_line(sdp, p, prefix, &rtpmap) != SL_OK) {
        return SL_ERROR;
    }

    enc.data = rtpmap.data;
    slash = memchr(rtpmap.data, '/', rtpmap.len);
    if (slash == NULL) {
        return SL_ERROR;
    }

    enc.len = slash - enc.data;
    rate = (uint32_t) strtoul((char *) slash + 1, (char **) &slash, 10);
    channels = (*slash == '/') ? (uint32_t) strtoul((char *) slash + 1,
                                                    NULL, 10)
                               : 0;

    snprintf(prefix, sizeof(prefix), "a=fmtp:%u ", (unsigned) pt);

    if (t_rtp_sdp_line(sdp, p, prefix, &fmtp) != SL_OK) {
        fmtp.len = 0;
        fmtp.data = (u_char *) "";
    }

    if (sl_rtp_payload_by_name(&enc) != pl
        || pl->from_sdp(&t->rx, &enc, rate, channels, &fmtp, pool) != SL_OK)
    {
        return SL_ERROR;
    }

    t->d = sl_rtp_depack_create(pool, pl, &t->rx, 3, log);

    return t->d ? SL_OK : SL_ERROR;
}


void
t_rtp_free(t_rtp_t *t)
{
    free(t->out.start);
    free(t->store);

    t->out.start = NULL;
    t->store = NULL;
}


sl_int_t
t_rtp_send(t_rtp_t *t, const sl_media_unit_t *mu, sl_uint_t empty)
{
    if (empty) {
        t->out.pos = t->out.start;
        t->out.npkts = 0;
    }

    return t->pl->packetize(&t->s, &t->tr, mu, &t->out);
}


/* keeps the units the last push completed */
static void
t_rtp_collect(t_rtp_t *t)
{
    sl_media_unit_t  mu;

    while (sl_rtp_depack_next(t->d, &mu) == SL_OK) {
        if (t->n == T_RTP_UNITS || mu.len > T_RTP_STORE - t->used) {
            abort();
        }

        t->mu[t->n] = mu;
        t->mu[t->n].data = t->store + t->used;
        memcpy(t->store + t->used, mu.data, mu.len);
        t->used += mu.len;
        t->n++;
    }
}


sl_int_t
t_rtp_push(t_rtp_t *t, sl_uint_t i)
{
    sl_int_t  rc;

    rc = sl_rtp_depack_push(t->d, t->out.start + t->out.pkt[i].off,
                            t->out.pkt[i].len);
    t_rtp_collect(t);

    return rc;
}


void
t_rtp_push_all(t_rtp_t *t)
{
    sl_uint_t  i;

    for (i = 0; i < t->out.npkts; i++) {
        (void) t_rtp_push(t, i);
    }

    t->out.pos = t->out.start;
    t->out.npkts = 0;
}


sl_int_t
t_rtp_push_raw(t_rtp_t *t, const u_char *pkt, size_t len)
{
    sl_int_t  rc;

    rc = sl_rtp_depack_push(t->d, pkt, len);
    t_rtp_collect(t);

    return rc;
}


void
t_rtp_flush(t_rtp_t *t)
{
    sl_rtp_depack_flush(t->d);
    t_rtp_collect(t);
}
