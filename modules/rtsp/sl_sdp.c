/* SDP (RFC 4566) descriptions of on-demand media for DESCRIBE. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>


/* the payload type of track n: static when the format has one */
uint8_t
sl_sdp_payload_type(const sl_rtp_payload_t *pl, sl_uint_t n)
{
    return pl->static_pt ? pl->static_pt : (uint8_t) (96 + n);
}


/*
 * Builds the description of mf into out (pool memory): one m= line per
 * track that has an RTP payload format, each with "a=control:trackID=N"
 * relative to the Content-Base, and the duration in a=range ("now-" for
 * a live stream).  Tracks
 * without a payload format are left out.  SL_OK, SL_DECLINED when no
 * track can be sent, SL_ERROR.
 */
sl_int_t
sl_sdp_describe(sl_pool_t *pool, const sl_media_file_t *mf,
    const sl_str_t *name, const struct sockaddr *local, sl_uint_t live,
    sl_str_t *out)
{
    u_char                  *p, *last, *start;
    sl_uint_t                i, sent;
    const sl_rtp_payload_t  *pl;
    u_char                   addr[SL_INET6_ADDRSTRLEN + 1];
    size_t                   addrlen;

    start = sl_pnalloc(pool, SL_RTSP_OUT_SIZE / 2);
    if (start == NULL) {
        return SL_ERROR;
    }

    p = start;
    last = start + SL_RTSP_OUT_SIZE / 2;

    addrlen = sl_sock_ntop(local, sizeof(struct sockaddr_storage), addr,
                           sizeof(addr) - 1, 0);

    p = sl_slprintf(p, last,
                    "v=0\r\n"
                    "o=- %ld 1 IN %s %.*s\r\n"
                    "s=%.*s\r\n"
                    "c=IN %s %s\r\n"
                    "t=0 0\r\n"
                    "a=tool:%s\r\n"
                    "a=control:*\r\n",
                    (long) sl_time_sec,
                    local->sa_family == AF_INET6 ? "IP6" : "IP4",
                    (int) addrlen, addr,
                    (int) sl_min(name->len, 200), name->data,
                    local->sa_family == AF_INET6 ? "IP6" : "IP4",
                    local->sa_family == AF_INET6 ? "::" : "0.0.0.0",
                    SLUICE_VER);

    if (live) {
        p = sl_slprintf(p, last, "a=range:npt=now-\r\n");

    } else if (mf->duration_msec >= 0) {
        p = sl_slprintf(p, last, "a=range:npt=0-%ld.%03ld\r\n",
                        (long) (mf->duration_msec / 1000),
                        (long) (mf->duration_msec % 1000));

    } else {
        p = sl_slprintf(p, last, "a=range:npt=0-\r\n");
    }

    sent = 0;

    for (i = 0; i < mf->ntracks; i++) {
        pl = sl_rtp_payload(mf->tracks[i].codec);

        if (pl == NULL || pl->sdp == NULL) {
            continue;
        }

        p = sl_slprintf(p, last, "m=%s 0 RTP/AVP %d\r\n", pl->media,
                        (int) sl_sdp_payload_type(pl, i));

        if (mf->tracks[i].bitrate) {
            p = sl_slprintf(p, last, "b=AS:%lu\r\n",
                            (unsigned long) (mf->tracks[i].bitrate + 999)
                            / 1000);
        }

        p = pl->sdp(&mf->tracks[i], sl_sdp_payload_type(pl, i), p, last);
        if (p == NULL) {
            return SL_ERROR;
        }

        p = sl_slprintf(p, last, "a=control:trackID=%lu\r\n",
                        (unsigned long) i);
        sent++;
    }

    if (p >= last - 1) {
        return SL_ERROR;
    }

    if (sent == 0) {
        return SL_DECLINED;
    }

    out->data = start;
    out->len = p - start;

    return SL_OK;
}
