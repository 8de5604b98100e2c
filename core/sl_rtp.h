/*
 * RTP (RFC 3550): packet output, and the interface of the payload formats
 * (modules/rtp) that turn media units into RTP packets and describe
 * themselves in SDP, and take SDP descriptions and RTP packets back into
 * tracks and units (core/sl_rtp_depack.h).
 */

#ifndef SL_RTP_H
#define SL_RTP_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_RTP_HEADER_SIZE     12
#define SL_RTP_MAX_PAYLOAD     1400      /* fits a 1500-byte MTU with IPv6 */
#define SL_RTP_MAX_PACKETS     512       /* per sl_rtp_out_t */

typedef struct sl_rtp_depack_s  sl_rtp_depack_t;

/*
 * Where a packetizer writes: complete RTP packets back to back in
 * [start, end), each one's offset and length in pkt[].  The caller sends
 * them (sendmmsg, or writev with interleaved framing) and resets it.
 */
typedef struct {
    u_char          *start;
    u_char          *pos;
    u_char          *end;
    struct {
        uint32_t     off;
        uint32_t     len;
        struct sl_rtp_stream_s  *stream;   /* whose packet it is */
    }                pkt[SL_RTP_MAX_PACKETS];
    sl_uint_t        npkts;
} sl_rtp_out_t;

/* one RTP stream (one track of one session) */
typedef struct sl_rtp_stream_s {
    uint8_t          pt;               /* payload type */
    uint32_t         ssrc;
    uint16_t         seq;              /* of the next packet */
    uint32_t         clock_rate;
    uint32_t         ts_base;          /* random start (RFC 3550 §5.1) */
    size_t           max_payload;

    uint32_t         packets;          /* for RTCP sender reports */
    uint32_t         octets;
    uint32_t         last_ts;
} sl_rtp_stream_t;

/*
 * Starts a packet in out for stream s with RTP timestamp ts: writes the
 * 12-byte header and returns where the payload goes, with room for
 * s->max_payload bytes; NULL when out is full (the caller flushes and
 * calls again).
 */
u_char *sl_rtp_packet_start(sl_rtp_stream_t *s, sl_rtp_out_t *out,
    uint32_t ts);
/* ends the packet at payload end p, setting the marker bit if asked */
void sl_rtp_packet_end(sl_rtp_stream_t *s, sl_rtp_out_t *out, u_char *p,
    sl_uint_t marker);
/* the RTP timestamp of a unit time t (track timescale) */
uint32_t sl_rtp_timestamp(const sl_rtp_stream_t *s, int64_t t,
    uint32_t timescale);

/*
 * A payload format.  sdp() appends the media-level lines after "m=":
 * "a=rtpmap:PT ENC/RATE[/CH]" and any "a=fmtp:PT ..." (each ending in
 * CRLF) and returns the new end, or NULL when they do not fit.
 * packetize() writes one unit as one or more packets (fragmenting as the
 * RFC says, marker bit where it says); SL_OK, SL_AGAIN when out filled
 * first (nothing of the unit was written: flush and call again), or
 * SL_ERROR for a unit it cannot carry (logged by the caller).
 *
 * Receiving: from_sdp() takes an SDP media description (the a=rtpmap
 * encoding name, clock rate and channels, 0 when not given, and the
 * a=fmtp parameters) and fills tr: codec, timescale (the clock rate),
 * sample_rate, channels, config (pool memory) and tr->rtp, what its
 * depacketizer needs of the fmtp; SL_OK, SL_DECLINED when the encoding
 * is not this format's, SL_ERROR when the description is malformed or
 * asks for what the format cannot take.  Each depacketizer gets
 * depack_size bytes of zeroed state in d->priv, and depack_init() to
 * set it up (SL_ERROR: the track cannot be received).  depacketize()
 * takes the payload of one packet (d->dts its time, d->gap set when
 * packets were lost just before it) and puts units together with
 * sl_rtp_depack_begin/append/end; SL_OK, or SL_ERROR for a malformed
 * payload (counted; the unit being put together is dropped).
 */
typedef struct sl_rtp_payload_s {
    const char      *name;             /* "MPA", "MP2T", "H264", ... */
    const char      *encoding;         /* in a=rtpmap: "mpeg4-generic" */
    sl_codec_e       codec;
    const char      *media;            /* "audio" or "video" */
    uint8_t          static_pt;        /* 14, 33; 0: dynamic */

    uint32_t       (*clock_rate)(const sl_media_track_t *tr);
    u_char        *(*sdp)(const sl_media_track_t *tr, uint8_t pt, u_char *p,
                          u_char *last);
    sl_int_t       (*packetize)(sl_rtp_stream_t *s,
                                const sl_media_track_t *tr,
                                const sl_media_unit_t *mu, sl_rtp_out_t *out);

    sl_int_t       (*from_sdp)(sl_media_track_t *tr,
                               const sl_str_t *encoding, uint32_t clock_rate,
                               uint32_t channels, const sl_str_t *fmtp,
                               sl_pool_t *pool);
    size_t           depack_size;
    sl_int_t       (*depack_init)(sl_rtp_depack_t *d);
    sl_int_t       (*depacketize)(sl_rtp_depack_t *d, const u_char *payload,
                                  size_t len, sl_uint_t marker);
} sl_rtp_payload_t;

/* the payload format of a codec among the compiled-in ones, or NULL */
const sl_rtp_payload_t *sl_rtp_payload(sl_codec_e codec);

/*
 * The payload format of an a=rtpmap encoding name (case-insensitive:
 * "MPEG4-GENERIC" as ffmpeg writes it) that can receive, or NULL.  A
 * static payload type given without a=rtpmap (14, 33) has the name of
 * RFC 3551 §6: the SDP parser fills it in.
 */
const sl_rtp_payload_t *sl_rtp_payload_by_name(const sl_str_t *encoding);

#endif /* SL_RTP_H */
