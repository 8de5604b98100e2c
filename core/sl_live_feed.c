/*
 * The live feed: in each worker with listeners, one per live stream, it
 * reads every new unit from the ring once, has each sink turn it into
 * bytes once, and lets the sinks' subscribers send those bytes in turns
 * (see sl_live.h).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>


#define SL_LIVE_IDLE         5000            /* ms an empty feed is kept */
#define SL_LIVE_READ_MAX     4096            /* units a feed reads a turn */
#define SL_LIVE_CATCH_UP     128             /* audio units a new sink gets */


struct sl_live_feed_s {
    sl_live_t           *live;
    sl_queue_t           sinks;
    sl_event_t           tick;
    sl_log_t            *log;
    uint64_t             cursor;
    uint64_t             generation;
    u_char              *buf;            /* one unit read from the ring */
    size_t               buf_size;
    sl_live_desc_t       desc;
    sl_uint_t            nsubs;
    sl_uint_t            turn;
    sl_msec_t            empty_since;
};


static sl_live_feed_t *sl_live_feed_get(sl_live_t *lv, sl_log_t *log);
static void sl_live_feed_free(sl_live_feed_t *feed);
static void sl_live_feed_tick(sl_event_t *ev);
static sl_int_t sl_live_feed_describe(sl_live_feed_t *feed,
    sl_uint_t rejoin);
static void sl_live_feed_end_all(sl_live_feed_t *feed, sl_live_end_e why);
static void sl_live_sink_free(sl_live_sink_t *sk);
static void sl_live_sink_end_all(sl_live_sink_t *sk, sl_live_end_e why);
static uint64_t sl_live_sink_start(sl_live_sink_t *sk);
static void sl_live_sink_catch_up(sl_live_sink_t *sk);
static void sl_live_sink_send(sl_live_sink_t *sk, sl_queue_t *bucket);
static sl_int_t sl_live_raw_convert(sl_live_sink_t *sk,
    const sl_ring_unit_t *u);


const sl_live_sink_type_t  sl_live_raw_sink = {
    "raw", NULL, sl_live_raw_convert, NULL, 1024 * 1024, 200, 32 * 1024
};


static sl_live_feed_t *
sl_live_feed_get(sl_live_t *lv, sl_log_t *log)
{
    sl_live_feed_t  *feed;

    if (lv->feed) {
        return lv->feed;
    }

    feed = sl_calloc(sizeof(sl_live_feed_t), log);
    if (feed == NULL) {
        return NULL;
    }

    feed->buf_size = sl_ring_max_len(lv->ring);
    feed->buf = sl_alloc(feed->buf_size, log);
    if (feed->buf == NULL) {
        sl_free(feed);
        return NULL;
    }

    feed->live = lv;
    feed->log = sl_cycle->log;
    sl_queue_init(&feed->sinks);

    if (sl_live_feed_describe(feed, 1) != SL_OK) {
        sl_free(feed->buf);
        sl_free(feed);
        return NULL;
    }

    feed->tick.data = feed;
    feed->tick.handler = sl_live_feed_tick;
    feed->tick.log = feed->log;
    feed->tick.cancelable = 1;

    sl_event_add_timer(&feed->tick, SL_LIVE_TICK);

    lv->feed = feed;

    return feed;
}


/*
 * (Re)reads the description; with rejoin, positions the feed at the
 * ring's join point: the last keyframe of the first video track, else
 * the next unit.  A new description of the same source (new codec
 * parameters) keeps the position: sequence numbers go on.
 */
static sl_int_t
sl_live_feed_describe(sl_live_feed_t *feed, sl_uint_t rejoin)
{
    sl_int_t    video;
    sl_uint_t   i;
    sl_live_t  *lv;

    lv = feed->live;

    if (sl_live_describe(lv, &feed->desc) != SL_OK) {
        return SL_DECLINED;
    }

    feed->generation = feed->desc.generation;

    if (!rejoin) {
        return SL_OK;
    }

    video = -1;

    for (i = 0; i < feed->desc.ntracks; i++) {
        if (feed->desc.tracks[i].codec == SL_CODEC_H264
            || feed->desc.tracks[i].codec == SL_CODEC_MP2T)
        {
            video = (sl_int_t) i;
            break;
        }
    }

    feed->cursor = sl_ring_join(lv->ring, video);

    return SL_OK;
}


static void
sl_live_feed_free(sl_live_feed_t *feed)
{
    sl_queue_t      *q;
    sl_live_sink_t  *sk;

    while (!sl_queue_empty(&feed->sinks)) {
        q = sl_queue_head(&feed->sinks);
        sk = sl_queue_data(q, sl_live_sink_t, queue);
        sl_live_sink_free(sk);
    }

    if (feed->tick.timer_set) {
        sl_event_del_timer(&feed->tick);
    }

    feed->live->feed = NULL;

    sl_free(feed->buf);
    sl_free(feed);
}


static void
sl_live_feed_end_all(sl_live_feed_t *feed, sl_live_end_e why)
{
    sl_queue_t  *q;

    for (q = sl_queue_head(&feed->sinks);
         q != sl_queue_sentinel(&feed->sinks);
         q = sl_queue_next(q))
    {
        sl_live_sink_end_all(sl_queue_data(q, sl_live_sink_t, queue), why);
    }
}


/* end() unsubscribes: the next one is taken first, the sink stays */
static void
sl_live_sink_end_all(sl_live_sink_t *sk, sl_live_end_e why)
{
    sl_uint_t       i;
    sl_queue_t     *h, *q, *next;
    sl_live_sub_t  *sub;

    for (i = 0; i <= sk->nbuckets; i++) {
        h = (i < sk->nbuckets) ? &sk->buckets[i] : &sk->waiting;

        for (q = sl_queue_head(h); q != sl_queue_sentinel(h); q = next) {
            next = sl_queue_next(q);
            sub = sl_queue_data(q, sl_live_sub_t, queue);
            sub->end(sub, why);
        }
    }
}


static void
sl_live_feed_tick(sl_event_t *ev)
{
    sl_int_t          rc;
    sl_uint_t         n, gen_changed;
    sl_queue_t       *q, *next;
    sl_live_t        *lv;
    sl_live_sink_t   *sk;
    sl_ring_unit_t    u;
    sl_live_feed_t   *feed;

    feed = ev->data;
    lv = feed->live;

    /* the source left for good: every subscriber ends */

    if (sl_live_state(lv) == SL_LIVE_OFF) {
        sl_live_feed_end_all(feed, SL_LIVE_END_SOURCE);
    }

    if (feed->nsubs == 0) {
        if (feed->empty_since == 0) {
            feed->empty_since = sl_current_msec;

        } else if (sl_current_msec - feed->empty_since > SL_LIVE_IDLE
                   || sl_exiting)
        {
            sl_live_feed_free(feed);
            return;
        }

    } else {
        feed->empty_since = 0;
    }

    /* a new source: new description, sinks re-initialized */

    gen_changed = (sl_live_generation(lv) != feed->generation);

    if (gen_changed && sl_live_feed_describe(feed, 0) == SL_OK) {

        for (q = sl_queue_head(&feed->sinks);
             q != sl_queue_sentinel(&feed->sinks);
             q = next)
        {
            next = sl_queue_next(q);
            sk = sl_queue_data(q, sl_live_sink_t, queue);

            if (sk->type->init && sk->type->init(sk, &feed->desc) != SL_OK) {
                sl_live_sink_end_all(sk, SL_LIVE_END_TRACKS);
            }
        }
    }

    /* every new unit, into every sink */

    for (n = 0; n < SL_LIVE_READ_MAX; n++) {

        rc = sl_ring_read(lv->ring, &feed->cursor, &u, feed->buf,
                          feed->buf_size);

        if (rc == SL_AGAIN) {
            break;
        }

        if (rc == SL_ABORT) {
            /* the writer lapped this worker: skip to the newest join */
            sl_log_error(SL_LOG_WARN, feed->log, 0,
                         "the live feed of \"%.*s\" fell behind its source, "
                         "skipping ahead", SL_STR_ARG(&lv->name));
            (void) sl_live_feed_describe(feed, 1);
            continue;
        }

        if (rc != SL_OK) {
            feed->cursor = sl_ring_next(lv->ring);
            break;
        }

        if (u.track >= feed->desc.ntracks) {
            continue;
        }

        for (q = sl_queue_head(&feed->sinks);
             q != sl_queue_sentinel(&feed->sinks);
             q = sl_queue_next(q))
        {
            sk = sl_queue_data(q, sl_live_sink_t, queue);
            (void) sk->type->convert(sk, &u);
        }
    }

    /* this turn's subscribers of every sink */

    feed->turn++;

    for (q = sl_queue_head(&feed->sinks);
         q != sl_queue_sentinel(&feed->sinks);
         q = next)
    {
        next = sl_queue_next(q);
        sk = sl_queue_data(q, sl_live_sink_t, queue);

        sl_live_sink_send(sk, &sk->buckets[feed->turn % sk->nbuckets]);
    }

    /* sinks left without subscribers go (only here: see unsubscribe) */

    for (q = sl_queue_head(&feed->sinks);
         q != sl_queue_sentinel(&feed->sinks);
         q = next)
    {
        next = sl_queue_next(q);
        sk = sl_queue_data(q, sl_live_sink_t, queue);

        if (sk->nsubs == 0) {
            sl_live_sink_free(sk);
        }
    }

    if (lv->feed == feed) {
        sl_event_add_timer(&feed->tick, SL_LIVE_TICK);
    }
}


/*
 * Sends to the subscribers of one bucket.  A subscriber behind the tail
 * skips to the last join point; one stalled longer than send_timeout
 * ends.  The next pointer is taken first: send() and end() may remove
 * the subscriber.
 */
static void
sl_live_sink_send(sl_live_sink_t *sk, sl_queue_t *bucket)
{
    sl_int_t        rc;
    sl_queue_t     *q, *next;
    sl_live_sub_t  *sub;

    for (q = sl_queue_head(bucket); q != sl_queue_sentinel(bucket); q = next) {
        next = sl_queue_next(q);
        sub = sl_queue_data(q, sl_live_sub_t, queue);

        if (sub->pos < sk->tail) {
            if (sk->join != UINT64_MAX && sk->join >= sk->tail) {
                sub->skipped += sk->join - sub->pos;
                sub->pos = sk->join;

            } else {
                sub->skipped += sk->head - sub->pos;
                sub->pos = sk->head;
            }
        }

        if (sub->pos == sk->head) {
            sub->stalled = 0;
            continue;
        }

        rc = sub->send(sub);

        if (rc == SL_ERROR) {
            continue;
        }

        if (rc == SL_AGAIN) {
            if (sub->stalled == 0) {
                sub->stalled = sl_current_msec;

            } else if (sl_current_msec - sub->stalled > sub->send_timeout) {
                sub->end(sub, SL_LIVE_END_SLOW);
            }

            continue;
        }

        sub->stalled = 0;
    }
}


sl_int_t
sl_live_subscribe(sl_live_t *lv, sl_live_sub_t *sub,
    const sl_live_sink_type_t *type, uint64_t param, sl_log_t *log)
{
    sl_uint_t        i;
    sl_queue_t      *q;
    sl_live_sink_t  *sk;
    sl_live_feed_t  *feed;

    if (lv->feed == NULL && sl_live_state(lv) == SL_LIVE_OFF) {
        return SL_DECLINED;
    }

    feed = sl_live_feed_get(lv, log);
    if (feed == NULL) {
        return lv->feed ? SL_ERROR : SL_DECLINED;
    }

    sk = NULL;

    for (q = sl_queue_head(&feed->sinks);
         q != sl_queue_sentinel(&feed->sinks);
         q = sl_queue_next(q))
    {
        sk = sl_queue_data(q, sl_live_sink_t, queue);

        if (sk->type == type && sk->param == param) {
            break;
        }

        sk = NULL;
    }

    if (sk == NULL) {
        sk = sl_calloc(sizeof(sl_live_sink_t), log);
        if (sk == NULL) {
            return SL_ERROR;
        }

        sk->pool = sl_create_pool(1024, feed->log);
        sk->log = sl_alloc(type->log_size, log);

        if (sk->pool == NULL || sk->log == NULL) {
            if (sk->pool) {
                sl_destroy_pool(sk->pool);
            }
            sl_free(sk->log);
            sl_free(sk);
            return SL_ERROR;
        }

        sk->feed = feed;
        sk->type = type;
        sk->param = param;
        sk->cap = type->log_size;
        sk->join = UINT64_MAX;
        sk->nbuckets = sl_max(1, sl_min(type->interval / SL_LIVE_TICK,
                                        SL_LIVE_MAX_BUCKETS));

        for (i = 0; i < sk->nbuckets; i++) {
            sl_queue_init(&sk->buckets[i]);
        }

        sl_queue_init(&sk->waiting);

        if (type->init && type->init(sk, &feed->desc) != SL_OK) {
            if (type->cleanup) {
                type->cleanup(sk);
            }

            sl_destroy_pool(sk->pool);
            sl_free(sk->log);
            sl_free(sk);
            return SL_DECLINED;
        }

        sl_queue_insert_tail(&feed->sinks, &sk->queue);

        sl_live_sink_catch_up(sk);
    }

    sub->sink = sk;
    sub->stalled = 0;
    sub->skipped = 0;

    if (sk->join != UINT64_MAX && sk->join >= sk->tail) {
        sub->pos = sl_live_sink_start(sk);
        sub->waiting = 0;
        sl_queue_insert_tail(&sk->buckets[sk->next_bucket], &sub->queue);
        sk->next_bucket = (sk->next_bucket + 1) % sk->nbuckets;

    } else {
        sub->pos = UINT64_MAX;
        sub->waiting = 1;
        sl_queue_insert_tail(&sk->waiting, &sub->queue);
    }

    sk->nsubs++;
    feed->nsubs++;
    feed->empty_since = 0;
    sl_live_count_listeners(lv, 1);

    return SL_OK;
}


/*
 * A new sink starts with what the ring holds from its join point up to
 * the feed's cursor, so that its first subscriber need not wait for the
 * next keyframe.
 */
static void
sl_live_sink_catch_up(sl_live_sink_t *sk)
{
    sl_int_t         rc, video;
    uint64_t         cursor, oldest;
    sl_uint_t        i;
    sl_ring_unit_t   u;
    sl_live_feed_t  *feed;

    feed = sk->feed;
    video = -1;

    for (i = 0; i < feed->desc.ntracks; i++) {
        if (feed->desc.tracks[i].codec == SL_CODEC_H264
            || feed->desc.tracks[i].codec == SL_CODEC_MP2T)
        {
            video = (sl_int_t) i;
            break;
        }
    }

    cursor = sl_ring_join(feed->live->ring, video);

    /*
     * Audio joins at any unit: the last SL_LIVE_CATCH_UP units (a few
     * seconds) give the sink's first subscriber its burst too.
     */
    if (video == -1) {
        oldest = sl_ring_oldest(feed->live->ring);
        cursor = (feed->cursor > oldest + SL_LIVE_CATCH_UP)
                 ? feed->cursor - SL_LIVE_CATCH_UP : oldest;
    }

    while (cursor < feed->cursor) {
        rc = sl_ring_read(feed->live->ring, &cursor, &u, feed->buf,
                          feed->buf_size);

        if (rc == SL_ABORT) {
            cursor = sl_ring_join(feed->live->ring, video);
            continue;
        }

        if (rc != SL_OK) {
            break;
        }

        if (u.track < feed->desc.ntracks) {
            (void) sk->type->convert(sk, &u);
        }
    }
}


/* where a new subscriber starts: the last join point, or an earlier one
   within the sink's burst */
static uint64_t
sl_live_sink_start(sl_live_sink_t *sk)
{
    uint64_t   best, from, j;
    sl_uint_t  i;

    best = sk->join;

    if (sk->type->burst == 0) {
        return best;
    }

    from = (sk->head > sk->type->burst) ? sk->head - sk->type->burst : 0;

    for (i = 0; i < SL_LIVE_JOINS && i < sk->njoins; i++) {
        j = sk->joins[i];

        if (j >= sk->tail && j >= from && j < best) {
            best = j;
        }
    }

    return best;
}


void
sl_live_unsubscribe(sl_live_sub_t *sub)
{
    sl_live_sink_t  *sk;
    sl_live_feed_t  *feed;

    sk = sub->sink;

    if (sk == NULL) {
        return;
    }

    feed = sk->feed;

    sl_queue_remove(&sub->queue);
    sub->sink = NULL;

    sk->nsubs--;
    feed->nsubs--;
    sl_live_count_listeners(feed->live, -1);

    /*
     * An empty sink is freed by the next tick, not here: unsubscribe is
     * called from end() and send() while the tick walks the sink.
     */

    if (feed->nsubs == 0) {
        feed->empty_since = sl_current_msec;
    }
}


static void
sl_live_sink_free(sl_live_sink_t *sk)
{
    if (sk->type->cleanup) {
        sk->type->cleanup(sk);
    }

    sl_queue_remove(&sk->queue);
    sl_destroy_pool(sk->pool);
    sl_free(sk->log);
    sl_free(sk);
}


sl_int_t
sl_live_sink_append(sl_live_sink_t *sk, const u_char *data, size_t len,
    sl_uint_t join)
{
    size_t          off, n;
    sl_queue_t     *q;
    sl_live_sub_t  *sub;

    if (len > sk->cap / 2) {
        return SL_ERROR;
    }

    if (join) {
        /* earlier join points, kept burst / 16 bytes apart */
        if (sk->type->burst && sk->join != UINT64_MAX
            && (sk->njoins == 0
                || sk->join - sk->joins[(sk->njoins - 1) % SL_LIVE_JOINS]
                   >= sk->type->burst / SL_LIVE_JOINS))
        {
            sk->joins[sk->njoins++ % SL_LIVE_JOINS] = sk->join;
        }

        sk->join = sk->head;
    }

    off = (size_t) (sk->head % sk->cap);
    n = sl_min(len, sk->cap - off);

    sl_memcpy(sk->log + off, data, n);
    if (n < len) {
        sl_memcpy(sk->log, data + n, len - n);
    }

    sk->head += len;

    if (sk->head > sk->cap) {
        sk->tail = sk->head - sk->cap;
    }

    if (sk->join != UINT64_MAX && sk->join < sk->tail) {
        sk->join = UINT64_MAX;
    }

    /* waiting subscribers start at this join point */

    if (join) {
        while (!sl_queue_empty(&sk->waiting)) {
            q = sl_queue_head(&sk->waiting);
            sub = sl_queue_data(q, sl_live_sub_t, queue);
            sl_queue_remove(q);

            sub->pos = sk->join;
            sub->waiting = 0;
            sl_queue_insert_tail(&sk->buckets[sk->next_bucket], &sub->queue);
            sk->next_bucket = (sk->next_bucket + 1) % sk->nbuckets;
        }
    }

    return SL_OK;
}


sl_live_t *
sl_live_sink_live(sl_live_sink_t *sk)
{
    return sk->feed->live;
}


const sl_live_desc_t *
sl_live_sink_desc(sl_live_sink_t *sk)
{
    return &sk->feed->desc;
}


sl_int_t
sl_live_sink_copy(sl_live_sink_t *sk, uint64_t pos, u_char *buf, size_t len)
{
    size_t  off, n;

    if (pos < sk->tail || pos + len > sk->head) {
        return SL_ERROR;
    }

    off = (size_t) (pos % sk->cap);
    n = sl_min(len, sk->cap - off);

    sl_memcpy(buf, sk->log + off, n);
    if (n < len) {
        sl_memcpy(buf + n, sk->log, len - n);
    }

    return SL_OK;
}


u_char *
sl_live_sink_peek(sl_live_sink_t *sk, uint64_t pos, size_t len, u_char *buf)
{
    size_t  off;

    if (pos < sk->tail || pos + len > sk->head) {
        return NULL;
    }

    off = (size_t) (pos % sk->cap);

    if (off + len <= sk->cap) {
        return sk->log + off;
    }

    (void) sl_live_sink_copy(sk, pos, buf, len);

    return buf;
}


sl_uint_t
sl_live_sub_iov(sl_live_sub_t *sub, struct iovec *iov, sl_uint_t n,
    size_t max)
{
    size_t           len, off, first;
    sl_live_sink_t  *sk;

    sk = sub->sink;

    if (sub->waiting || sub->pos >= sk->head || sub->pos < sk->tail
        || n == 0)
    {
        return 0;
    }

    len = sl_min((size_t) (sk->head - sub->pos), max);
    off = (size_t) (sub->pos % sk->cap);
    first = sl_min(len, sk->cap - off);

    iov[0].iov_base = sk->log + off;
    iov[0].iov_len = first;

    if (first == len || n == 1) {
        return 1;
    }

    iov[1].iov_base = sk->log;
    iov[1].iov_len = len - first;

    return 2;
}


size_t
sl_live_sub_pending(sl_live_sub_t *sub)
{
    if (sub->waiting || sub->sink == NULL || sub->pos >= sub->sink->head) {
        return 0;
    }

    return (size_t) (sub->sink->head - sub->pos);
}


void
sl_live_sub_advance(sl_live_sub_t *sub, size_t n)
{
    sub->pos += n;
}


sl_int_t
sl_live_sub_write(sl_live_sub_t *sub, sl_connection_t *c)
{
    ssize_t       n;
    size_t        want;
    sl_uint_t     niov;
    struct iovec  iov[2];

    for ( ;; ) {
        niov = sl_live_sub_iov(sub, iov, 2, SIZE_MAX);
        if (niov == 0) {
            return SL_OK;
        }

        want = iov[0].iov_len + (niov > 1 ? iov[1].iov_len : 0);

        n = sl_writev(c, iov, (int) niov);

        if (n == SL_AGAIN) {
            return SL_AGAIN;
        }

        if (n == SL_ERROR) {
            c->error = 1;
            return SL_ERROR;
        }

        sl_live_sub_advance(sub, (size_t) n);

        if ((size_t) n < want) {
            return SL_AGAIN;
        }
    }
}


void
sl_live_media_unit(const sl_ring_unit_t *u, sl_media_unit_t *mu)
{
    mu->track = u->track;
    mu->dts = u->dts;
    mu->pts = u->pts;
    mu->duration = 0;
    mu->keyframe = u->keyframe;
    mu->data = u->data;
    mu->len = u->len;
}


static sl_int_t
sl_live_raw_convert(sl_live_sink_t *sk, const sl_ring_unit_t *u)
{
    return sl_live_sink_append(sk, u->data, u->len, u->keyframe);
}
