/*
 * Live streams.  A broadcast publishing point owns one shared memory
 * zone: a small shared header (who writes, what the tracks are, the
 * title) and a ring of media units (sl_ring.h).  The worker that
 * receives the stream (an encoder pushing, a pull, a playlist) is its
 * one writer.  Every worker with listeners has a feed: it reads each
 * new unit from the ring once, turns it into bytes once per kind of
 * output (a sink: raw MP3 frames, TS packets, RTP packets framed for
 * interleaving), and lets every subscriber of the sink send the same
 * bytes from the sink's log.
 *
 *   encoder -> writer --ring (shm)--> feed (per worker) -> sinks -> subs
 *
 * A subscriber is a position in a sink's log, nothing more: the bytes
 * are never copied per listener.  A subscriber that falls behind the
 * log skips ahead to the next join point (a keyframe, or any frame for
 * audio); one that makes no progress for send_timeout is dropped.
 * Subscribers are sent to in turns (buckets) spread over the sink's
 * interval, so thousands of them cost a steady trickle of writev()s and
 * never a burst.
 */

#ifndef SL_LIVE_H
#define SL_LIVE_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_LIVE_CONFIG_MAX    512         /* avcC / AudioSpecificConfig */
#define SL_LIVE_TITLE_MAX     255
#define SL_LIVE_RESUME_MAX    64          /* a source's resume note */
#define SL_LIVE_TICK          10          /* ms between feed turns */
#define SL_LIVE_MAX_BUCKETS   32

typedef struct sl_live_s       sl_live_t;
typedef struct sl_live_feed_s  sl_live_feed_t;
typedef struct sl_live_sink_s  sl_live_sink_t;
typedef struct sl_live_sub_s   sl_live_sub_t;

typedef enum {
    SL_LIVE_OFF = 0,            /* no source, nothing to play */
    SL_LIVE_ON,                 /* a source writes */
    SL_LIVE_WAITING             /* the source left less than
                                   source_timeout ago */
} sl_live_state_e;

/* why a subscriber ends */
typedef enum {
    SL_LIVE_END_SOURCE = 1,     /* the source left for good */
    SL_LIVE_END_TRACKS,         /* the new source's tracks differ */
    SL_LIVE_END_SLOW            /* no progress for send_timeout */
} sl_live_end_e;

/* the writer's side of one source connection */
typedef struct {
    sl_live_t                *live;
    uint64_t                  token;          /* 0: not writing */
    sl_log_t                 *log;
    uint64_t                  units;
    uint64_t                  bytes;
} sl_live_writer_t;

/* a process-local view of the shared description */
typedef struct {
    sl_media_track_t          tracks[SL_MEDIA_MAX_TRACKS];
    u_char                    config[SL_MEDIA_MAX_TRACKS][SL_LIVE_CONFIG_MAX];
    sl_uint_t                 ntracks;
    u_char                    format[16];     /* "mp3", "mpegts", "rtp" */
    uint64_t                  generation;
} sl_live_desc_t;

/*
 * A live publishing point in this process: set up at configuration
 * (sl_live_create), its zone mapped by the master, and the same in every
 * worker.  on_unit/on_tracks are process-local taps on what this
 * process writes (the archive).
 */
struct sl_live_s {
    sl_str_t                  name;           /* the publishing point */
    sl_shm_zone_t            *zone;
    void                     *shm;            /* the zone's header */
    sl_ring_t                *ring;
    size_t                    max_unit;       /* largest unit accepted */

    sl_msec_t                 source_timeout;
    sl_uint_t                 takeover;       /* push_takeover */

    sl_live_feed_t           *feed;           /* this worker's, or NULL */

    void                    (*on_unit)(sl_live_t *lv,
                                       const sl_media_unit_t *mu);
    void                    (*on_tracks)(sl_live_t *lv,
                                         const sl_live_desc_t *desc);
    void                    (*on_end)(sl_live_t *lv);
    void                     *tap;            /* their data */
};


/*
 * Declares the zone "live:SERVER NAME" of size bytes (header and ring)
 * for the broadcast point NAME of a server (SERVER names the server: the
 * same point path in two servers is two streams); the ring is laid out
 * when the zone is mapped, and a zone kept across a reload keeps its
 * ring and whoever writes into it.  max_unit: the largest unit (a
 * keyframe) the ring must take.  NULL on error (logged with file:line).
 */
sl_live_t *sl_live_create(sl_conf_t *cf, const sl_str_t *server,
    const sl_str_t *name, size_t size, size_t max_unit);

sl_live_state_e sl_live_state(sl_live_t *lv);
/* copies the description; SL_OK, or SL_DECLINED when no tracks known */
sl_int_t sl_live_describe(sl_live_t *lv, sl_live_desc_t *desc);
/* the current title into buf (SL_LIVE_TITLE_MAX); its length */
size_t sl_live_title(sl_live_t *lv, u_char *buf, uint64_t *version);
/* listeners of the point in every worker */
sl_uint_t sl_live_listeners(sl_live_t *lv);
void sl_live_count_listeners(sl_live_t *lv, sl_int_t n);
/* changes with every new description (a new source, new parameters) */
uint64_t sl_live_generation(sl_live_t *lv);


/* writers */

/*
 * Claims the point for a new source.  SL_OK; SL_BUSY when another
 * source writes and takeover is off (the protocol answers 409 or 455).
 * A source whose process died, or that has been silent for 30 s, is
 * replaced without takeover.
 */
sl_int_t sl_live_publish(sl_live_t *lv, sl_live_writer_t *w,
    sl_uint_t takeover, sl_log_t *log);
/* describes the tracks (before the first unit; again when they change) */
sl_int_t sl_live_set_tracks(sl_live_writer_t *w,
    const sl_media_track_t *tracks, sl_uint_t n, const char *format);
void sl_live_set_title(sl_live_writer_t *w, const sl_str_t *title);
/*
 * Appends a unit.  SL_OK; SL_ABORT when another source took the point
 * over (the caller closes its source); SL_DECLINED for a unit larger
 * than the ring takes (logged, dropped).
 */
sl_int_t sl_live_write(sl_live_writer_t *w, const sl_media_unit_t *mu);
/* the source left: listeners wait source_timeout for the next */
void sl_live_unpublish(sl_live_writer_t *w);
/*
 * A note for the point's next writer, opaque here: a playlist player
 * leaving with its worker (a reload) says where it stands, and the new
 * worker's player goes on from there.  Only the current writer sets one
 * (up to SL_LIVE_RESUME_MAX bytes; a later one replaces it); the next
 * writer takes it once, after publish(): its length, 0 when there is
 * none or it is longer than size.
 */
void sl_live_set_resume(sl_live_writer_t *w, const void *data, size_t len);
size_t sl_live_take_resume(sl_live_writer_t *w, void *buf, size_t size);


/* readers: sinks and subscribers in this worker's feed */

/*
 * A sink turns units into bytes appended to its log with
 * sl_live_sink_append(); convert() returns SL_OK or SL_ERROR (the unit
 * is skipped, logged by the sink).  reset() is called when a new
 * source's description arrives: SL_OK to go on, SL_DECLINED when the
 * sink cannot carry the new tracks (its subscribers end).
 */
typedef struct {
    const char               *name;           /* "raw", "rtp", "ts" */
    sl_int_t                (*init)(sl_live_sink_t *sk,
                                    const sl_live_desc_t *desc);
    sl_int_t                (*convert)(sl_live_sink_t *sk,
                                       const sl_ring_unit_t *u);
    void                    (*cleanup)(sl_live_sink_t *sk);
    size_t                    log_size;       /* bytes of log */
    sl_msec_t                 interval;       /* between sends to a sub */
    size_t                    burst;          /* a new sub starts up to
                                                 this many bytes back, at
                                                 a join point (players
                                                 fill their buffers) */
} sl_live_sink_type_t;

#define SL_LIVE_JOINS         16

struct sl_live_sink_s {
    sl_queue_t                queue;          /* in the feed */
    sl_live_feed_t           *feed;
    const sl_live_sink_type_t *type;
    uint64_t                  param;          /* the kind's variant */
    void                     *data;           /* the type's state */
    sl_pool_t                *pool;           /* lives as long as the sink */

    u_char                   *log;
    size_t                    cap;
    uint64_t                  head;           /* after the last byte */
    uint64_t                  tail;           /* oldest byte still held */
    uint64_t                  join;           /* last join point, or
                                                 UINT64_MAX: none held */
    uint64_t                  joins[SL_LIVE_JOINS];  /* earlier ones,
                                                 burst / 16 apart */
    sl_uint_t                 njoins;

    sl_queue_t                buckets[SL_LIVE_MAX_BUCKETS];
    sl_uint_t                 nbuckets;
    sl_uint_t                 next_bucket;    /* for the next subscriber */
    sl_queue_t                waiting;        /* subs waiting for a join */
    sl_uint_t                 nsubs;
};

/*
 * A subscriber: the protocol's send() writes from [pos, head) (with
 * sl_live_sub_iov) and calls sl_live_sub_advance; it returns SL_OK,
 * SL_AGAIN (the socket is full: a stall starts), or SL_ERROR (the
 * protocol closed its connection and unsubscribed).  end() tells the
 * protocol to end the session: it unsubscribes and closes.
 */
struct sl_live_sub_s {
    sl_queue_t                queue;          /* bucket or waiting */
    sl_live_sink_t           *sink;
    uint64_t                  pos;
    sl_msec_t                 stalled;        /* since, 0 when flowing */
    uint64_t                  skipped;        /* bytes skipped when slow */
    sl_msec_t                 send_timeout;   /* the protocol's */

    sl_int_t                (*send)(sl_live_sub_t *sub);
    void                    (*end)(sl_live_sub_t *sub, sl_live_end_e why);
    void                     *data;
    unsigned                  waiting:1;
};

/*
 * Subscribes sub (send, end, data set by the caller) to the sink of
 * type and param in lv's feed (created on first use, with the feed);
 * the sub starts at the sink's last join point, or waits for the next
 * one.  SL_OK, SL_DECLINED when the point has no description yet (no
 * source), SL_ERROR (no memory, logged).
 */
sl_int_t sl_live_subscribe(sl_live_t *lv, sl_live_sub_t *sub,
    const sl_live_sink_type_t *type, uint64_t param, sl_log_t *log);
void sl_live_unsubscribe(sl_live_sub_t *sub);

/*
 * Up to n iovecs covering [pos, head) but at most max bytes; returns
 * how many (0: nothing to send).
 */
sl_uint_t sl_live_sub_iov(sl_live_sub_t *sub, struct iovec *iov,
    sl_uint_t n, size_t max);
/* the bytes the subscriber has not yet sent */
size_t sl_live_sub_pending(sl_live_sub_t *sub);
void sl_live_sub_advance(sl_live_sub_t *sub, size_t n);
/* writev of what is pending on c: SL_OK (all sent), SL_AGAIN, SL_ERROR */
sl_int_t sl_live_sub_write(sl_live_sub_t *sub, sl_connection_t *c);

/* for sinks' convert(): appends len bytes; join marks a join point */
sl_int_t sl_live_sink_append(sl_live_sink_t *sk, const u_char *data,
    size_t len, sl_uint_t join);
/*
 * len bytes at pos of the log: a pointer into it when they are in one
 * piece, else copied into buf (len bytes); NULL when not held.
 */
u_char *sl_live_sink_peek(sl_live_sink_t *sk, uint64_t pos, size_t len,
    u_char *buf);
/* the stream a sink belongs to */
sl_live_t *sl_live_sink_live(sl_live_sink_t *sk);
/* the description the feed has (for convert and subs) */
const sl_live_desc_t *sl_live_sink_desc(sl_live_sink_t *sk);
/* a copy of the bytes at [pos, pos+len) of the log into buf */
sl_int_t sl_live_sink_copy(sl_live_sink_t *sk, uint64_t pos, u_char *buf,
    size_t len);

/* a unit read from the ring as a media unit (for packetizers, muxers) */
void sl_live_media_unit(const sl_ring_unit_t *u, sl_media_unit_t *mu);

/* the sink that passes each unit's bytes as they are (MP3, TS) */
extern const sl_live_sink_type_t  sl_live_raw_sink;

#endif /* SL_LIVE_H */
