/*
 * Live streams: the shared header of a broadcast point (who writes, the
 * description, the title) and its writers; the per-worker feed that
 * reads the ring is in sl_live_feed.c (see sl_live.h).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>

#include <signal.h>


#define SL_LIVE_MAGIC        0x534c4c56      /* "SLLV" */
#define SL_LIVE_STALE        30000           /* ms a silent writer holds */


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

    /* written by the writer only, taken by the next one after it */
    uint32_t             resume_len;
    u_char               resume[SL_LIVE_RESUME_MAX];
} sl_live_shm_t;



static sl_int_t sl_live_init_zone(sl_shm_zone_t *zone, void *old_data);
static void sl_live_meta_begin(sl_live_shm_t *sh);
static void sl_live_meta_end(sl_live_shm_t *sh);
static sl_int_t sl_live_read_desc(sl_live_shm_t *sh, sl_live_desc_t *desc);


static uint64_t  sl_live_token_counter;
static u_char    sl_live_zone_tag;           /* our zones' tag */



sl_live_t *
sl_live_create(sl_conf_t *cf, const sl_str_t *server, const sl_str_t *name,
    size_t size, size_t max_unit)
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

    zn.len = sizeof("live: ") - 1 + server->len + name->len;
    zn.data = sl_pnalloc(cf->pool, zn.len);
    if (zn.data == NULL) {
        return NULL;
    }

    sl_slprintf(zn.data, zn.data + zn.len, "live:%.*s %.*s",
                SL_STR_ARG(server), SL_STR_ARG(name));

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


/*
 * The resume note is plain memory: the writer's token orders it.  The
 * note is written before unpublish() gives the token up (a sequentially
 * consistent exchange), and read after publish() took it (an acquire
 * load and exchange), so the next writer sees it whole.
 */
void
sl_live_set_resume(sl_live_writer_t *w, const void *data, size_t len)
{
    sl_live_shm_t  *sh;

    sh = w->live->shm;

    if (w->token == 0
        || atomic_load_explicit(&sh->writer, memory_order_relaxed)
           != w->token
        || len > SL_LIVE_RESUME_MAX)
    {
        return;
    }

    sl_memcpy(sh->resume, data, len);
    sh->resume_len = (uint32_t) len;
}


size_t
sl_live_take_resume(sl_live_writer_t *w, void *buf, size_t size)
{
    size_t          len;
    sl_live_shm_t  *sh;

    sh = w->live->shm;

    if (w->token == 0
        || atomic_load_explicit(&sh->writer, memory_order_relaxed)
           != w->token)
    {
        return 0;
    }

    len = sh->resume_len;
    sh->resume_len = 0;

    if (len == 0 || len > size) {
        return 0;
    }

    sl_memcpy(buf, sh->resume, len);

    return len;
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


uint64_t
sl_live_generation(sl_live_t *lv)
{
    sl_live_shm_t  *sh;

    sh = lv->shm;

    return sh ? atomic_load_explicit(&sh->generation, memory_order_acquire)
              : 0;
}


void
sl_live_count_listeners(sl_live_t *lv, sl_int_t n)
{
    sl_live_shm_t  *sh;

    sh = lv->shm;

    if (sh) {
        atomic_fetch_add(&sh->listeners, (uint64_t) n);
    }
}
