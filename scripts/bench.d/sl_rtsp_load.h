/* sl_rtsp_load: shared types of the RTSP load generator of scripts/bench. */

#ifndef SL_RTSP_LOAD_H
#define SL_RTSP_LOAD_H

#include <stddef.h>
#include <stdint.h>


#define SL_MAX_TRACKS   4
#define SL_URL_LEN      512
#define SL_SESSION_LEN  128


/* what the SDP of a DESCRIBE answer says about one m= line */
typedef struct {
    char        control[SL_URL_LEN];    /* resolved against the base */
    char        codec[32];
    unsigned    clock_rate;
    int         pt;
} sl_sdp_track_t;


typedef struct {
    char            control[SL_URL_LEN];    /* aggregate, resolved */
    double          range_end;              /* a=range:npt end, 0: none */
    int             have_range;
    int             ntracks;
    sl_sdp_track_t  tracks[SL_MAX_TRACKS];
} sl_sdp_t;


/* a parsed RTSP answer: status and the few headers the generator uses */
typedef struct {
    int         status;
    int         cseq;
    unsigned    timeout;                    /* Session: ;timeout=, 0: none */
    int         interleaved;                /* Transport interleaved=, -1 */
    int         have_rtp_info;
    int         have_range;
    int         tcp_transport;              /* Transport says RTP/AVP/TCP */
    char        session[SL_SESSION_LEN];
    char        base[SL_URL_LEN];           /* Content-Base or -Location */
} sl_answer_t;


/*
 * sl_rtsp_load_proto.c: text protocol parsing, no I/O.
 *
 * sl_parse_answer() parses the status line and headers of one answer
 * (HDR..HDR+LEN, up to and including the empty line); it returns the
 * Content-Length (>= 0) or -1 on a malformed answer.
 */
long sl_parse_answer(const char *hdr, size_t len, sl_answer_t *a);

/*
 * sl_parse_sdp() fills SDP from the DESCRIBE body; control URLs are resolved
 * against BASE as players do (RFC 2326 §C.1.1).  Returns the number of RTP
 * tracks found.
 */
int sl_parse_sdp(const char *body, size_t len, const char *base,
    sl_sdp_t *sdp);

void sl_resolve_url(const char *base, const char *control, char *out,
    size_t size);

#endif /* SL_RTSP_LOAD_H */
