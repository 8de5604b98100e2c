/*
 * Round trips through an RTP payload format, shared by the payload
 * tests (no CUnit here): units go through the packetizer, its packets
 * (some dropped, repeated or reordered on purpose) through a
 * depacketizer, and the units that come out are kept for comparison;
 * the SDP lines the format writes go back through its from_sdp().
 */

#ifndef SL_RTP_FIXTURE_H
#define SL_RTP_FIXTURE_H

#include <sl_config.h>
#include <sl_core.h>


#define T_RTP_OUT_SIZE    (4 * 1024 * 1024)
#define T_RTP_UNITS       512
#define T_RTP_STORE       (8 * 1024 * 1024)

typedef struct {
    const sl_rtp_payload_t  *pl;
    sl_pool_t               *pool;

    /* sending */
    sl_rtp_stream_t          s;
    sl_media_track_t         tr;
    sl_rtp_out_t             out;

    /* receiving */
    sl_media_track_t         rx;
    sl_rtp_depack_t         *d;

    /* the units received, their data copied to store */
    sl_media_unit_t          mu[T_RTP_UNITS];
    sl_uint_t                n;
    u_char                  *store;
    size_t                   used;
} t_rtp_t;

/*
 * Sets up t for payload format pl sending track tr (copied) as payload
 * type pt, and a receiving track from the format's own SDP lines through
 * from_sdp() and a depacketizer of it (as track 3).  SL_OK, SL_ERROR
 * when the SDP did not go through.
 */
sl_int_t t_rtp_init(t_rtp_t *t, const sl_rtp_payload_t *pl,
    const sl_media_track_t *tr, uint8_t pt, sl_pool_t *pool, sl_log_t *log);
void t_rtp_free(t_rtp_t *t);

/* packetizes one unit into t->out (emptied first when empty is set) */
sl_int_t t_rtp_send(t_rtp_t *t, const sl_media_unit_t *mu,
    sl_uint_t empty);

/* pushes packet i of t->out and keeps the units it completes */
sl_int_t t_rtp_push(t_rtp_t *t, sl_uint_t i);

/* pushes every packet of t->out in order, then empties it */
void t_rtp_push_all(t_rtp_t *t);

/* pushes raw bytes as a packet */
sl_int_t t_rtp_push_raw(t_rtp_t *t, const u_char *pkt, size_t len);

/* flushes the depacketizer and keeps what it completes */
void t_rtp_flush(t_rtp_t *t);

#endif /* SL_RTP_FIXTURE_H */
