/*
 * Live streams: the shared header of a broadcast point, its writers,
 * and the per-worker feed that reads the ring once and fans the bytes
 * out to every subscriber (see sl_live.h).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>

#include <signal.h>


#define SL_LIVE_MAGIC        0x534c4c56      /* "SLLV" */
#define SL_LIVE_STALE        30000           /* ms a silent writer holds */
#define SL_LIVE_IDLE         5000            /* ms an empty feed is kept */
#define SL_LIVE_READ_MAX     4096            /* units a feed reads a turn */


/*
 * The zone: this header, then the ring.  The description (tracks,
 * format, title) is written by the writer under a seqlock (meta_seq odd
 * while it writes) and copied out by readers, who retry a torn copy.
 */
typedef struct {
    sl_codec_e           codec;
    uint32_t             timescale;
    uint32_t             bitrate;
    uint32_t             sample_rate;
    uint32_t             channels;
    uint32_t             width;
    uint32_t             height;
    uint32_t             nal_length_size;
    uint32_t             config_len;
    u_char               config[SL_LIVE_CONFIG_MAX];
} sl_live_shm_track_t;

typedef struct {
    uint32_t             magic;

    _Atomic uint64_t     writer;         /* token, 0: none */
    _Atomic uint64_t     last_write;     /* sl_current_msec */
    _Atomic uint64_t     source_gone;    /* when the last one left, 0 */
    _Atomic uint64_t     generation;     /* one per description */
    _Atomic uint64_t     listeners;
    _Atomic uint64_t     title_version;

    _Atomic uint64_t     meta_seq;
    uint32_t             ntracks;
    u_char               format[16];
    sl_live_shm_track_t  tracks[SL_MEDIA_MAX_TRACKS];
    uint32_t             title_len;
    u_char               title[SL_LIVE_TITLE_MAX];
} sl_live_shm_t;

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


static sl_int_t sl_live_init_zone(sl_shm_zone_t *zone, void *old_data);
static void sl_live_meta_begin(sl_live_shm_t *sh);
static void sl_live_meta_end(sl_live_shm_t *sh);
static sl_int_t sl_live_read_desc(sl_live_shm_t *sh, sl_live_desc_t *desc);
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


static uint64_t  sl_live_token_counter;
static u_char    sl_live_zone_tag;           /* our zones' tag */

const sl_live_sink_type_t  sl_live_raw_sink = {
    "raw", NULL, sl_live_raw_convert, NULL, 1024 * 1024, 200, 32 * 1024
};


sl_live_t *
sl_live_create(sl_conf_t *cf, const sl_str_t *name, size_t size,
    size_t max_unit)
{
    sl_str_t    zn;
    sl_live_t  *lv;

    if (size < sizeof(sl_live_shm_t) + 4 * max_unit) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "the live buffer of \"%.*s\" must hold at least "
                          "%zu bytes", SL_STR_ARG(name),
                          sizeof(sl_live_shm_t) + 4 * max_unit);
        return NULL;
    }

    lv = sl_pcalloc(cf->pool, sizeof(sl_live_t));
    if (lv == NULL) {
        return NULL;
    }

    zn.len = sizeof("live:") - 1 + name->len;
    zn.data = sl_pnalloc(cf->pool, zn.len);
    if (zn.data == NULL) {
        return NULL;
    }

    sl_slprintf(zn.data, zn.data + zn.len, "live:%.*s", SL_STR_ARG(name));

    lv->zone = sl_shm_zone_add(cf, &zn, size, &sl_live_zone_tag);
    if (lv->zone == NULL) {
        return NULL;
    }

    lv->name = *name;
    lv->max_unit = max_unit;
    lv->zone->init = sl_live_init_zone;
    lv->zone->data = lv;

    return lv;
}


/*
 * The zone is mapped: a zone taken over from the previous cycle keeps
 * its header and ring (the old workers' writers and readers go on);
 * a new one is laid out.
 */
static sl_int_t
sl_live_init_zone(sl_shm_zone_t *zone, void *old_data)
{
    size_t          off;
    sl_live_t      *lv, *old;
    sl_live_shm_t  *sh;

    lv = zone->data;
    sh = (sl_live_shm_t *) zone->shm.addr;
    off = sl_align(sizeof(sl_live_shm_t), (size_t) 64);

    if (old_data) {
        old = old_data;
        lv->shm = old->shm;
        lv->ring = old->ring;
        zone->data = lv;
        return SL_OK;
    }

    lv->ring = sl_ring_init(zone->shm.addr + off, zone->shm.size - off,
                            lv->max_unit);
    if (lv->ring == NULL) {
        sl_log_error(SL_LOG_EMERG, zone->shm.log, 0,
                     "the live buffer of \"%.*s\" is too small",
                     SL_STR_ARG(&lv->name));
        return SL_ERROR;
    }

    atomic_init(&sh->writer, 0);
    atomic_init(&sh->last_write, 0);
    atomic_init(&sh->source_gone, 0);
    atomic_init(&sh->generation, 0);
    atomic_init(&sh->listeners, 0);
    atomic_init(&sh->title_version, 0);
    atomic_init(&sh->meta_seq, 0);
    sh->magic = SL_LIVE_MAGIC;

    lv->shm = sh;
    zone->data = lv;

    return SL_OK;
}


sl_live_state_e
sl_live_state(sl_live_t *lv)
{
    uint64_t        gone;
    sl_live_shm_t  *sh;

    sh = lv->shm;

    if (sh == NULL) {
        return SL_LIVE_OFF;
    }

    if (atomic_load_explicit(&sh->writer, memory_order_acquire) != 0) {
        return SL_LIVE_ON;
    }

    gone = atomic_load_explicit(&sh->source_gone, memory_order_acquire);

    if (gone != 0 && sl_current_msec - gone < lv->source_timeout) {
        return SL_LIVE_WAITING;
    }

    return SL_LIVE_OFF;
}


sl_int_t
sl_live_describe(sl_live_t *lv, sl_live_desc_t *desc)
{
    if (lv->shm == NULL) {
        return SL_DECLINED;
    }

    return sl_live_read_desc(lv->shm, desc);
}


static sl_int_t
sl_live_read_desc(sl_live_shm_t *sh, sl_live_desc_t *desc)
{
    uint64_t              s1, s2;
    sl_uint_t             i, n, tries;
    sl_media_track_t     *tr;
    sl_live_shm_track_t  *st;

    for (tries = 0; tries < 1000; tries++) {

        s1 = atomic_load_explicit(&sh->meta_seq, memory_order_acquire);
        if (s1 & 1) {
            continue;
        }

        desc->generation = atomic_load_explicit(&sh->generation,
                                                memory_order_relaxed);
        n = sh->ntracks;
        if (n > SL_MEDIA_MAX_TRACKS) {
            n = 0;
        }

        sl_memcpy(desc->format, sh->format, sizeof(desc->format));
        desc->format[sizeof(desc->format) - 1] = '\0';

        for (i = 0; i < n; i++) {
            st = &sh->tracks[i];
            tr = &desc->tracks[i];

            sl_memzero(tr, sizeof(sl_media_track_t));
            tr->codec = st->codec;
            tr->timescale = st->timescale;
            tr->duration = -1;
            tr->bitrate = st->bitrate;
            tr->sample_rate = st->sample_rate;
            tr->channels = st->channels;
            tr->width = st->width;
            tr->height = st->height;
            tr->nal_length_size = st->nal_length_size;
            tr->config_len = sl_min(st->config_len, SL_LIVE_CONFIG_MAX);
            sl_memcpy(desc->config[i], st->config, tr->config_len);
            tr->config = tr->config_len ? desc->config[i] : NULL;
        }

        atomic_thread_fence(memory_order_acquire);
        s2 = atomic_load_explicit(&sh->meta_seq, memory_order_relaxed);

        if (s1 == s2) {
            desc->ntracks = n;
            return n ? SL_OK : SL_DECLINED;
        }
    }

    return SL_DECLINED;
}


size_t
sl_live_title(sl_live_t *lv, u_char *buf, uint64_t *version)
{
    size_t          len;
    uint64_t        s1, s2;
    sl_uint_t       tries;
    sl_live_shm_t  *sh;

    sh = lv->shm;
    len = 0;

    if (sh == NULL) {
        *version = 0;
        return 0;
    }

    for (tries = 0; tries < 1000; tries++) {
        s1 = atomic_load_explicit(&sh->meta_seq, memory_order_acquire);
        if (s1 & 1) {
            continue;
        }

        *version = atomic_load_explicit(&sh->title_version,
                                        memory_order_relaxed);
        len = sl_min(sh->title_len, SL_LIVE_TITLE_MAX);
        sl_memcpy(buf, sh->title, len);

        atomic_thread_fence(memory_order_acquire);
        s2 = atomic_load_explicit(&sh->meta_seq, memory_order_relaxed);

        if (s1 == s2) {
            return len;
        }
    }

    return 0;
}


sl_uint_t
sl_live_listeners(sl_live_t *lv)
{
    sl_live_shm_t  *sh;

    sh = lv->shm;

    return sh ? (sl_uint_t) atomic_load(&sh->listeners) : 0;
}


static void
sl_live_meta_begin(sl_live_shm_t *sh)
{
    atomic_fetch_add_explicit(&sh->meta_seq, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
}


static void
sl_live_meta_end(sl_live_shm_t *sh)
{
    atomic_fetch_add_explicit(&sh->meta_seq, 1, memory_order_release);
}


/*
 * Only one writer at a time: the token moves from 0 (or from a dead or
 * long silent writer, or on takeover from any) to ours by compare and
 * swap, so two encoders racing in two workers cannot both win.
 */
sl_int_t
sl_live_publish(sl_live_t *lv, sl_live_writer_t *w, sl_uint_t takeover,
    sl_log_t *log)
{
    pid_t           pid;
    uint64_t        cur, token, last;
    sl_live_shm_t  *sh;

    sh = lv->shm;

    if (sh == NULL) {
        return SL_ERROR;
    }

    token = ((uint64_t) sl_pid << 32) | (++sl_live_token_counter & 0xffffffff);
    if ((uint32_t) token == 0) {
        token = ((uint64_t) sl_pid << 32) | (++sl_live_token_counter
                                             & 0xffffffff);
    }

    for ( ;; ) {
        cur = atomic_load_explicit(&sh->writer, memory_order_acquire);

        if (cur != 0 && !takeover) {
            pid = (pid_t) (cur >> 32);
            last = atomic_load(&sh->last_write);

            if (kill(pid, 0) == 0 || errno != ESRCH) {
                if (sl_current_msec - last < SL_LIVE_STALE) {
                    return SL_BUSY;
                }
            }

            sl_log_error(SL_LOG_WARN, log, 0,
                         "the source of \"%.*s\" in process %d is gone, "
                         "a new one takes its place",
                         SL_STR_ARG(&lv->name), (int) pid);
        }

        if (atomic_compare_exchange_weak(&sh->writer, &cur, token)) {
            break;
        }
    }

    if (cur != 0 && takeover) {
        sl_log_error(SL_LOG_NOTICE, log, 0,
                     "a new source takes \"%.*s\" over",
                     SL_STR_ARG(&lv->name));
    }

    atomic_store(&sh->last_write, sl_current_msec);
    atomic_store(&sh->source_gone, 0);

    w->live = lv;
    w->token = token;
    w->log = log;
    w->units = 0;
    w->bytes = 0;

    return SL_OK;
}


sl_int_t
sl_live_set_tracks(sl_live_writer_t *w, const sl_media_track_t *tracks,
    sl_uint_t n, const char *format)
{
    size_t                len;
    sl_uint_t             i;
    sl_live_t            *lv;
    sl_live_shm_t        *sh;
    sl_live_desc_t        desc;
    sl_live_shm_track_t  *st;

    lv = w->live;
    sh = lv->shm;

    if (n == 0 || n > SL_MEDIA_MAX_TRACKS) {
        return SL_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (tracks[i].config_len > SL_LIVE_CONFIG_MAX) {
            sl_log_error(SL_LOG_ERR, w->log, 0,
                         "the codec configuration of track %lu is too long "
                         "(%zu bytes)", (unsigned long) i,
                         tracks[i].config_len);
            return SL_ERROR;
        }
    }

    sl_live_meta_begin(sh);

    sh->ntracks = (uint32_t) n;
    len = sl_min(sl_strlen(format), sizeof(sh->format) - 1);
    sl_memzero(sh->format, sizeof(sh->format));
    sl_memcpy(sh->format, format, len);

    for (i = 0; i < n; i++) {
        st = &sh->tracks[i];
        st->codec = tracks[i].codec;
        st->timescale = tracks[i].timescale;
        st->bitrate = tracks[i].bitrate;
        st->sample_rate = tracks[i].sample_rate;
        st->channels = tracks[i].channels;
        st->width = tracks[i].width;
        st->height = tracks[i].height;
        st->nal_length_size = tracks[i].nal_length_size;
        st->config_len = (uint32_t) tracks[i].config_len;
        if (tracks[i].config_len) {
            sl_memcpy(st->config, tracks[i].config, tracks[i].config_len);
        }
    }

    atomic_fetch_add_explicit(&sh->generation, 1, memory_order_relaxed);

    sl_live_meta_end(sh);

    sl_ring_reset(lv->ring);

    if (lv->on_tracks && sl_live_read_desc(sh, &desc) == SL_OK) {
        lv->on_tracks(lv, &desc);
    }

    return SL_OK;
}


void
sl_live_set_title(sl_live_writer_t *w, const sl_str_t *title)
{
    size_t          len;
    sl_live_shm_t  *sh;

    sh = w->live->shm;
    len = sl_min(title->len, SL_LIVE_TITLE_MAX);

    sl_live_meta_begin(sh);
    sl_memcpy(sh->title, title->data, len);
    sh->title_len = (uint32_t) len;
    atomic_fetch_add_explicit(&sh->title_version, 1, memory_order_relaxed);
    sl_live_meta_end(sh);
}


sl_int_t
sl_live_write(sl_live_writer_t *w, const sl_media_unit_t *mu)
{
    sl_live_t      *lv;
    sl_live_shm_t  *sh;

    lv = w->live;
    sh = lv->shm;

    if (w->token == 0
        || atomic_load_explicit(&sh->writer, memory_order_relaxed)
           != w->token)
    {
        w->token = 0;
        return SL_ABORT;
    }

    if (mu->len > lv->max_unit
        || sl_ring_append(lv->ring, mu) != SL_OK)
    {
        sl_log_error(SL_LOG_WARN, w->log, 0,
                     "a unit of %zu bytes does not fit the live buffer of "
                     "\"%.*s\" (units up to %zu bytes), dropped",
                     mu->len, SL_STR_ARG(&lv->name), lv->max_unit);
        return SL_DECLINED;
    }

    atomic_store_explicit(&sh->last_write, sl_current_msec,
                          memory_order_relaxed);
    w->units++;
    w->bytes += mu->len;

    if (lv->on_unit) {
        lv->on_unit(lv, mu);
    }

    return SL_OK;
}


void
sl_live_unpublish(sl_live_writer_t *w)
{
    uint64_t        token;
    sl_live_t      *lv;
    sl_live_shm_t  *sh;

    if (w->token == 0) {
        return;
    }

    lv = w->live;
    sh = lv->shm;
    token = w->token;
    w->token = 0;

    atomic_store(&sh->source_gone, sl_current_msec ? sl_current_msec : 1);

    if (atomic_compare_exchange_strong(&sh->writer, &token, 0)) {
        sl_log_error(SL_LOG_INFO, w->log, 0,
                     "the source of \"%.*s\" left after %llu units, "
                     "%llu bytes", SL_STR_ARG(&lv->name),
                     (unsigned long long) w->units,
                     (unsigned long long) w->bytes);

        if (lv->on_end) {
            lv->on_end(lv);
        }
    }
}


/* the feed */

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
    sl_live_shm_t    *sh;

    feed = ev->data;
    lv = feed->live;
    sh = lv->shm;

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

    gen_changed = atomic_load_explicit(&sh->generation, memory_order_acquire)
                  != feed->generation;

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
    atomic_fetch_add(&((sl_live_shm_t *) lv->shm)->listeners, 1);

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
    uint64_t         cursor;
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
    atomic_fetch_sub(&((sl_live_shm_t *) feed->live->shm)->listeners, 1);

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

        n = writev(c->fd, iov, (int) niov);

        if (n == -1) {
            if (errno == EAGAIN || errno == EINTR) {
                return SL_AGAIN;
            }

            sl_log_error(SL_LOG_INFO, c->log, errno, "writev() failed");
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
