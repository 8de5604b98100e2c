/* The RTSP protocol module: confs, control connections and sessions. */

#ifndef SL_RTSP_H
#define SL_RTSP_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_streaming.h>
#include <sl_rtsp_parse.h>


#define SL_RTSP_OUT_SIZE      16384     /* queued responses */
#define SL_RTSP_TICK          10        /* ms between pacing ticks */
#define SL_RTSP_LOOKAHEAD     20        /* ms of media sent ahead */
#define SL_RTSP_RTCP_INTERVAL 5000      /* ms between sender reports */
#define SL_RTSP_MAX_PENDING   (256 * 1024)  /* unsent interleaved bytes */
#define SL_RTSP_BYE_DELAY     500       /* media ms between the end and BYE */
#define SL_RTSP_MAX_SESSIONS  8         /* per control connection */

typedef struct sl_rtsp_session_s     sl_rtsp_session_t;
typedef struct sl_rtsp_record_s      sl_rtsp_record_t;
typedef struct sl_rtsp_connection_s  sl_rtsp_connection_t;

typedef struct {
    sl_msec_t                idle_timeout;
    size_t                   max_request;     /* request head + body */
    sl_msec_t                session_timeout;
    sl_msec_t                send_timeout;
} sl_rtsp_srv_conf_t;

typedef struct {
    sl_uint_t                port_lo;         /* rtp_port_range */
    sl_uint_t                port_hi;
} sl_rtsp_main_conf_t;

/* one control connection; requests on it are answered in order */
struct sl_rtsp_connection_s {
    sl_connection_t         *connection;

    u_char                  *in;              /* max_request bytes */
    size_t                   in_len;

    u_char                  *out;             /* responses not yet sent */
    size_t                   out_pos;
    size_t                   out_len;

    sl_rtsp_parsed_t        *req;             /* while one is processed */
    sl_streaming_request_t   sr;

    sl_queue_t               sessions;        /* sl_rtsp_session_t */
    sl_rtsp_record_t        *record;          /* announced, not set up */
    sl_int_t                 track;           /* from ".../trackID=N" */

    unsigned                 close_after:1;   /* after what is queued */
};

/* one track of a session: its RTP stream and where it goes */
typedef struct {
    sl_rtp_stream_t          rtp;             /* first: packets point here */
    sl_rtsp_session_t       *session;
    const sl_rtp_payload_t  *payload;
    sl_uint_t                track;

    unsigned                 setup:1;
    unsigned                 tcp:1;
    u_char                   channel;         /* interleaved RTP channel */

    sl_connection_t         *udp[2];          /* RTP and RTCP sockets */
    in_port_t                server_port;
    in_port_t                client_port[2];
} sl_rtsp_stream_t;

typedef enum {
    SL_RTSP_INIT = 0,
    SL_RTSP_READY,
    SL_RTSP_PLAYING
} sl_rtsp_state_e;

struct sl_rtsp_session_s {
    sl_queue_t               queue;           /* in its connection's list */
    sl_queue_t               playing;         /* in the worker's list */
    u_char                   id[17];
    sl_pool_t               *pool;
    sl_log_t                *log;
    sl_rtsp_connection_t    *rc;

    sl_media_file_t          mf;
    sl_str_t                 base;            /* URL the controls hang off */
    sl_rtsp_stream_t         streams[SL_MEDIA_MAX_TRACKS];
    sl_uint_t                nstreams;

    sl_rtsp_state_e          state;
    sl_event_t               timeout;         /* session_timeout */

    sl_msec_t                play_msec;       /* wall clock at PLAY */
    int64_t                  play_media;      /* media time at PLAY, ms */
    sl_msec_t                fast_start;
    sl_int_t                 fast_rate;
    sl_msec_t                last_rtcp;

    sl_media_unit_t          next;            /* read, not yet due */
    int64_t                  bye_media;       /* media time to send BYE */

    sl_live_t               *live;            /* a broadcast point's */
    sl_rtsp_record_t        *record;          /* an encoder's session */
    sl_live_sub_t            sub;             /* its place in the stream */

    u_char                  *pending;         /* interleaved bytes unsent */
    size_t                   pending_pos;
    size_t                   pending_len;
    sl_msec_t                stalled;         /* since, 0 when flowing */

    unsigned                 has_next:1;
    unsigned                 eof:1;
    unsigned                 bye_sent:1;
    unsigned                 live_tcp:1;      /* live over interleaving */
};

void sl_rtsp_init_connection(sl_connection_t *c);

/* sl_rtsp_request.c: queue a response (headers end in CRLF; body may be
   NULL) and try to send it */
void sl_rtsp_respond(sl_rtsp_connection_t *rc, sl_int_t status,
    const char *headers, const sl_str_t *body);
void sl_rtsp_flush(sl_rtsp_connection_t *rc);
sl_rtsp_srv_conf_t *sl_rtsp_srv_conf(sl_connection_t *c);
/* strips "/trackID=N" from a path: N, or -1 when there is none */
sl_int_t sl_rtsp_split_control(sl_str_t *path);
/* the "/trackID=N" after a URL's query ("?token=x/trackID=1"), or -1 */
sl_int_t sl_rtsp_query_control(const sl_str_t *uri);
/* base: uri up to the "/" before its track control; SL_DECLINED if none */
sl_int_t sl_rtsp_control_base(const sl_str_t *uri, sl_str_t *base);

/* sl_rtsp_session.c: the methods that need the media */
void sl_rtsp_describe(sl_rtsp_connection_t *rc);
void sl_rtsp_setup(sl_rtsp_connection_t *rc);
void sl_rtsp_play(sl_rtsp_connection_t *rc);
void sl_rtsp_pause(sl_rtsp_connection_t *rc);
void sl_rtsp_teardown(sl_rtsp_connection_t *rc);
void sl_rtsp_keepalive(sl_rtsp_connection_t *rc);
/* an interleaved frame from the client ($ channel len data): RTCP, or
   an encoder's RTP */
void sl_rtsp_interleaved_in(sl_rtsp_connection_t *rc, u_char channel,
    const u_char *data, size_t len);
/* the control connection is going: its sessions end */
void sl_rtsp_close_sessions(sl_rtsp_connection_t *rc);
sl_int_t sl_rtsp_init_worker(sl_cycle_t *cycle);

/* sl_rtsp_play.c: pacing and sending */
sl_int_t sl_rtsp_play_init(sl_cycle_t *cycle);
void sl_rtsp_play_start(sl_rtsp_session_t *s);
void sl_rtsp_stop_playing(sl_rtsp_session_t *s);
void sl_rtsp_send_due(sl_rtsp_session_t *s);
/* a sender report for each stream, with a BYE when bye is set */
void sl_rtsp_send_rtcp(sl_rtsp_session_t *s, sl_uint_t bye);
/* the media time a playing session has reached, ms */
int64_t sl_rtsp_media_clock(sl_rtsp_session_t *s);
/* the write side is ready again: interleaved data first */
sl_int_t sl_rtsp_flush_pending(sl_rtsp_connection_t *rc);
/* keeps bytes of iov (past skip) to go before anything else: SL_OK, or
   SL_ERROR when the backlog would pass SL_RTSP_MAX_PENDING */
sl_int_t sl_rtsp_keep_pending(sl_rtsp_session_t *s, struct iovec *iov,
    sl_uint_t n, size_t skip);
/* closes the control connection after the current event */
void sl_rtsp_drop(sl_connection_t *c);
u_char *sl_rtsp_session_header(sl_rtsp_session_t *s, u_char *p,
    u_char *last);

/* an encoder's stream: what it announced, the point it writes */
struct sl_rtsp_record_s {
    sl_pool_t               *pool;
    sl_live_t               *live;
    sl_live_writer_t         writer;
    sl_media_track_t         tracks[SL_MEDIA_MAX_TRACKS];
    const sl_rtp_payload_t  *payload[SL_MEDIA_MAX_TRACKS];
    sl_str_t                 control[SL_MEDIA_MAX_TRACKS];
    sl_rtp_depack_t         *depack[SL_MEDIA_MAX_TRACKS];
    sl_rtp_sync_t            sync;            /* by the sender reports */
    sl_uint_t                ntracks;
    sl_msec_t                refreshed;       /* the session timer */
    unsigned                 recording:1;
};

/* sl_rtsp_record.c: encoders (ANNOUNCE, SETUP mode=record, RECORD) */
void sl_rtsp_announce(sl_rtsp_connection_t *rc);
void sl_rtsp_record(sl_rtsp_connection_t *rc);
sl_int_t sl_rtsp_record_track(sl_rtsp_record_t *rec, const sl_str_t *uri,
    sl_int_t track);
void sl_rtsp_record_packet(sl_rtsp_session_t *s, sl_uint_t track,
    const u_char *pkt, size_t len);
void sl_rtsp_record_end(sl_rtsp_record_t *rec, sl_log_t *log);
/* RTCP from an encoder's track: its sender reports line the tracks up */
void sl_rtsp_record_rtcp(sl_rtsp_session_t *s, sl_uint_t track,
    const u_char *pkt, size_t len);
sl_rtsp_session_t *sl_rtsp_find_session(sl_rtsp_connection_t *rc);

/* sl_rtsp_live.c: sessions of broadcast points */
sl_int_t sl_rtsp_live_media(sl_rtsp_connection_t *rc, sl_live_t *lv,
    sl_media_file_t *mf);
void sl_rtsp_live_play(sl_rtsp_connection_t *rc, sl_rtsp_session_t *s);
void sl_rtsp_live_stop(sl_rtsp_session_t *s);
/* the stream's media time now, ms (for sender reports) */
int64_t sl_rtsp_live_clock(sl_rtsp_session_t *s);

/* sl_sdp.c */
uint8_t sl_sdp_payload_type(const sl_rtp_payload_t *pl, sl_uint_t n);
sl_int_t sl_sdp_describe(sl_pool_t *pool, const sl_media_file_t *mf,
    const sl_str_t *name, const struct sockaddr *local, sl_uint_t live,
    sl_str_t *out);

extern sl_module_t  sl_rtsp_module;

#endif /* SL_RTSP_H */
