/*
 * SDP (RFC 8866) parsing for received media: what an encoder announces
 * (ANNOUNCE) or an upstream server describes (DESCRIBE), reduced to what
 * RTP reception needs; control URLs.  Pure: no I/O, no logging.
 */

#ifndef SL_SDP_PARSE_H
#define SL_SDP_PARSE_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_SDP_MAX_SIZE      65536
#define SL_SDP_MAX_LINE      4096

/* one m= section: its first payload type and what describes it */
typedef struct {
    sl_str_t         media;            /* "audio", "video", ... */
    sl_uint_t        port;
    sl_uint_t        nports;           /* "m=video 5000/2": 2; else 1 */
    sl_str_t         proto;            /* "RTP/AVP" */
    sl_int_t         pt;               /* the first format; -1 when the
                                          proto is not RTP */
    sl_str_t         encoding;         /* from a=rtpmap, or the static
                                          payload type's (RFC 3551 §6) */
    uint32_t         clock_rate;       /* 0 when unknown */
    uint32_t         channels;         /* 0 when not given */
    sl_str_t         fmtp;             /* a=fmtp of pt: the parameters */
    sl_str_t         control;          /* a=control, empty when absent */
    uint32_t         bitrate;          /* b=AS in kbit/s, 0 when absent */
    unsigned         rtpmap:1;         /* the encoding is from a=rtpmap */
} sl_sdp_media_t;

typedef struct {
    sl_str_t         control;          /* session-level a=control */
    sl_str_t         range;            /* session-level a=range value */
    sl_sdp_media_t   media[SL_MEDIA_MAX_TRACKS];
    sl_uint_t        nmedia;

    const char      *error;            /* why it was refused */
    sl_uint_t        line;             /* where, from 1 */
} sl_sdp_t;

/*
 * Parses the description in buf: lines end in CRLF or LF (the last one
 * may end without), "v=0" first, then <type>=<value> lines; unknown
 * types and attributes are skipped.  For each m= line (at most
 * SL_MEDIA_MAX_TRACKS) its first payload type's a=rtpmap and a=fmtp are
 * kept.  SL_OK, or SL_ERROR with sdp->error (a static string) and
 * sdp->line.  The strings point into buf.
 */
sl_int_t sl_sdp_parse(const u_char *buf, size_t len, sl_sdp_t *sdp);

/*
 * The URL of a control attribute (RFC 2326 C.1.1) against base (the
 * Content-Base, else the request URL): an absolute URL as it is; empty
 * or "*" the base itself; "/path" on the base's host; else appended to
 * the base's path after a "/", before any query, as RTSP clients and
 * servers do (ffmpeg announces "streamid=0" for rtsp://h/live and sets
 * up rtsp://h/live/streamid=0), where RFC 3986 merging would drop the
 * last segment of a base without a trailing "/".  url may point into
 * base or control, else is allocated from pool.  SL_OK, SL_ERROR on no
 * memory or a base that is not an absolute URL.
 */
sl_int_t sl_sdp_control_url(sl_pool_t *pool, const sl_str_t *base,
    const sl_str_t *control, sl_str_t *url);

#endif /* SL_SDP_PARSE_H */
