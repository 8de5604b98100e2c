/*
 * RTP reception (RFC 3550): a depacketizer per received track checks
 * the packets, follows their sequence numbers and timestamps, and lets
 * the track's payload format (sl_rtp_payload_t.depacketize, in
 * modules/rtp) put media units together in a bounded buffer.
 *
 *     d = sl_rtp_depack_create(pool, pl, tr, track, log);
 *     for each packet:
 *         sl_rtp_depack_push(d, pkt, len);
 *         while (sl_rtp_depack_next(d, &mu) == SL_OK) { use mu }
 *
 * A unit's data stays valid until the next push or flush.
 */

#ifndef SL_RTP_DEPACK_H
#define SL_RTP_DEPACK_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_RTP_DEPACK_MAX_UNIT   (2 * 1024 * 1024)
/* the largest unit, what one packet may add to the units it completes */
#define SL_RTP_DEPACK_MAX_BUF    (SL_RTP_DEPACK_MAX_UNIT + 256 * 1024)
#define SL_RTP_DEPACK_UNITS      64        /* completed by one packet */
#define SL_RTP_MAX_DROPOUT       3000      /* RFC 3550 A.1 */
#define SL_RTP_MAX_MISORDER      100

/*
 * The tracks of one source on one timeline.  A track's first packet is
 * placed by what the source said of its RTP clock: RTP-Info's rtptime
 * (the instant playing started, one for every track), or else a sender
 * report (RFC 3550 §6.4.1: an RTP time and the wall clock time it was
 * taken at, one wall clock for every track), so that audio and video
 * that began apart stay apart by as much.  A track nothing was said of
 * starts as the first one placed.  Timelines start SL_RTP_SYNC_LEAD ms
 * in, so that a track that began before the first one placed stays
 * ahead of 0.
 */
#define SL_RTP_SYNC_LEAD         1000      /* ms */

typedef struct {
    uint64_t         origin;           /* the wall clock (NTP, 32.32) at
                                          the lead; 0: not yet known */
} sl_rtp_sync_t;

typedef struct {
    int64_t          dts;
    int64_t          duration;         /* 0 when unknown */
    size_t           off;              /* in buf */
    size_t           len;
    unsigned         keyframe:1;
} sl_rtp_depack_unit_t;

struct sl_rtp_depack_s {
    const sl_rtp_payload_t  *pl;
    sl_media_track_t        *tr;
    sl_uint_t                track;    /* sl_media_unit_t.track */
    sl_pool_t               *pool;
    sl_log_t                *log;
    void                    *priv;     /* the payload format's state */
    sl_int_t                 pt;       /* the payload type taken, -1 any */

    /* the packet being depacketized */
    int64_t                  dts;      /* its timestamp, unwrapped */
    uint32_t                 ts;       /* as sent */
    unsigned                 gap:1;    /* packets were lost right before */

    /* the unit being put together, at buf + unit.off */
    sl_rtp_depack_unit_t     unit;
    uint32_t                 unit_ts;  /* of the packet that began it */
    unsigned                 open:1;
    unsigned                 partial:1;     /* a fragment waits for more */
    unsigned                 broken:1;      /* lost a part: dropped */

    /* the source's timeline (NULL: 0 at the first packet) and what it
       said of this track's clock */
    sl_rtp_sync_t           *sync;
    uint64_t                 sr_ntp;   /* the last sender report, 0: none */
    uint32_t                 sr_ts;
    uint32_t                 rtptime;  /* RTP-Info's */
    unsigned                 has_rtptime:1;

    unsigned                 synced:1;      /* seq and ssrc known */
    unsigned                 config_changed:1;  /* the track changed:
                                                   in-band parameter sets,
                                                   the first MPEG audio
                                                   frame's rate; the
                                                   caller clears it */
    uint16_t                 seq;      /* of the last packet taken */
    uint32_t                 ssrc;

    u_char                  *buf;
    size_t                   size;
    size_t                   used;     /* by the completed units */

    sl_rtp_depack_unit_t     ready[SL_RTP_DEPACK_UNITS];
    sl_uint_t                nready;
    sl_uint_t                next;

    /* counters */
    uint64_t                 packets;       /* taken */
    uint64_t                 lost;          /* sequence numbers missing */
    uint64_t                 late;          /* older than the last taken:
                                               reordered, dropped */
    uint64_t                 duplicates;    /* the last one again */
    uint64_t                 malformed;     /* bad header or payload */
    uint64_t                 units;         /* completed */
    uint64_t                 dropped;       /* units incomplete or too
                                               large */
};


/*
 * A depacketizer of payload format pl for track tr (filled by
 * pl->from_sdp(); the depacketizer may update it: an in-band H.264
 * parameter set, an MPEG audio sample rate), its units numbered track.
 * Everything it holds is allocated from pool.  NULL when pl cannot
 * receive or on no memory (logged).
 */
sl_rtp_depack_t *sl_rtp_depack_create(sl_pool_t *pool,
    const sl_rtp_payload_t *pl, sl_media_track_t *tr, sl_uint_t track,
    sl_log_t *log);

/*
 * Takes one whole RTP packet (RFC 3550 §5.1).  The header is checked
 * (version 2, CSRC list, header extension and padding within the
 * packet, the payload type when d->pt is set); a packet that fails is
 * counted as malformed and dropped, as is one whose payload the format
 * refuses.  A sequence number older than the last one taken (within
 * SL_RTP_MAX_MISORDER) is dropped as late or a duplicate; a gap counts
 * as lost and drops the unit it hit; a jump past SL_RTP_MAX_DROPOUT, or
 * a new SSRC, starts over keeping the timeline.  A unit completes on
 * the marker bit, when the timestamp changes, or when the format says.
 * SL_OK when the packet was taken, SL_DECLINED when dropped.
 */
sl_int_t sl_rtp_depack_push(sl_rtp_depack_t *d, const u_char *pkt,
    size_t len);

/*
 * The next completed unit: dts (= pts) is the unwrapped RTP time in the
 * track timescale (the clock rate), from 0 at the first packet, or with
 * d->sync from where the source's timeline places it; data stays valid
 * until the next push or flush.  SL_OK, or SL_AGAIN when none.
 */
sl_int_t sl_rtp_depack_next(sl_rtp_depack_t *d, sl_media_unit_t *mu);

/* completes the unit being put together, if whole (end of stream) */
void sl_rtp_depack_flush(sl_rtp_depack_t *d);

/* RTP-Info's rtptime of the track (before its first packet, to count) */
void sl_rtp_depack_rtptime(sl_rtp_depack_t *d, uint32_t rtptime);
/*
 * An RTCP compound packet of the track (RFC 3550 §6.1): a sender report
 * of its source is kept for placing the first packet.  SL_OK when one
 * was taken; SL_DECLINED when there is none, or the packet is malformed.
 */
sl_int_t sl_rtp_depack_rtcp(sl_rtp_depack_t *d, const u_char *p, size_t len);


/* for payload formats */

/* begins a unit at dts, completing the one being put together */
void sl_rtp_depack_begin(sl_rtp_depack_t *d, int64_t dts);
/*
 * Appends to the unit being put together, beginning one at d->dts if
 * none is.  A unit past SL_RTP_DEPACK_MAX_UNIT, or with no memory for
 * it, is broken: it goes on taking its packets and is dropped.
 */
void sl_rtp_depack_append(sl_rtp_depack_t *d, const u_char *p, size_t len);
/* completes the unit: queued when whole, else counted as dropped */
void sl_rtp_depack_end(sl_rtp_depack_t *d);

/* the unit's bytes from off (within what was appended) */
#define sl_rtp_depack_at(d, n)  ((d)->buf + (d)->unit.off + (n))

/*
 * Finds parameter name (case-insensitive) in an fmtp parameter string
 * "a=1; b=x" (RFC 8866 §6.15, RFC 3640 §4.1): SL_OK with its value
 * (blanks around it removed), SL_DECLINED when absent.
 */
sl_int_t sl_rtp_fmtp_param(const sl_str_t *fmtp, const char *name,
    sl_str_t *value);

#endif /* SL_RTP_DEPACK_H */
