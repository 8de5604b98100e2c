/*
 * The playlist player: "source playlist FILE;" plays the files of a
 * playlist (sl_playlist.h) in order into the point's live stream, in
 * real time, as an encoder would send them.  Timestamps run on across
 * entries, so that listeners hear one stream; the title of each entry
 * (else the playlist's, else the file's name) becomes the stream title.
 * The player runs in the worker of slot 0; after a reload the new
 * worker's player takes over once the old one has let go.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_playlist.h>
#include <sl_pp_source.h>


#define SL_PLAYER_TICK        20          /* ms */
#define SL_PLAYER_AHEAD       200         /* ms of media written ahead */
#define SL_PLAYER_RETRY       1000        /* ms between claims of a busy
                                             point */
#define SL_PLAYER_BACKOFF     5000        /* after a pass that played
                                             nothing */


struct sl_pp_player_s {
    sl_live_t               *live;
    sl_str_t                 file;
    sl_log_t                *log;
    sl_pool_t               *pool;          /* the playlist's */
    sl_playlist_t           *pl;
    sl_playlist_pos_t        pos;
    sl_event_t               tick;
    sl_live_writer_t         writer;

    const sl_playlist_entry_t  *entry;
    sl_media_file_t          mf;
    sl_pool_t               *mf_pool;
    sl_media_unit_t          next;
    unsigned                 has_next:1;
    unsigned                 described:1;

    sl_media_track_t         tracks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t                ntracks;

    sl_msec_t                entry_wall;    /* when the entry started */
    int64_t                  entry_start;   /* its first media ms */
    int64_t                  base;          /* stream ms at its start */
    int64_t                  played;        /* stream ms so far in it */
    sl_uint_t                played_pass;   /* entries played this pass */
};


static void sl_pp_player_tick(sl_event_t *ev);
static sl_int_t sl_pp_player_open(sl_pp_player_t *pp);
static void sl_pp_player_close(sl_pp_player_t *pp);
static sl_int_t sl_pp_player_same_tracks(sl_pp_player_t *pp);


sl_pp_player_t *
sl_pp_player_start(sl_cycle_t *cycle, sl_live_t *lv, const sl_str_t *file)
{
    u_char           err[SL_PLAYLIST_ERROR_LEN];
    sl_pool_t       *pool;
    sl_pp_player_t  *pp;

    pool = sl_create_pool(16384, cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    pp = sl_pcalloc(pool, sizeof(sl_pp_player_t));
    if (pp == NULL) {
        sl_destroy_pool(pool);
        return NULL;
    }

    pp->pool = pool;
    pp->live = lv;
    pp->file = *file;
    pp->log = cycle->log;

    pp->pl = sl_playlist_read(pool, file, err, sizeof(err));
    if (pp->pl == NULL) {
        sl_log_error(SL_LOG_ERR, cycle->log, 0, "playlist of \"%.*s\": %s",
                     SL_STR_ARG(&lv->name), err);
        sl_destroy_pool(pool);
        return NULL;
    }

    pp->mf.fd = SL_INVALID_FILE;

    pp->tick.handler = sl_pp_player_tick;
    pp->tick.data = pp;
    pp->tick.log = cycle->log;
    pp->tick.cancelable = 1;

    sl_event_add_timer(&pp->tick, 1);

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                 "playing \"%.*s\" into \"%.*s\" (%lu entries)",
                 SL_STR_ARG(file), SL_STR_ARG(&lv->name),
                 (unsigned long) pp->pl->nentries);

    return pp;
}


void
sl_pp_player_stop(sl_pp_player_t *pp)
{
    sl_pp_player_close(pp);
    sl_live_unpublish(&pp->writer);

    if (pp->tick.timer_set) {
        sl_event_del_timer(&pp->tick);
    }

    sl_destroy_pool(pp->pool);
}


static void
sl_pp_player_tick(sl_event_t *ev)
{
    int64_t                   now, t;
    sl_int_t                  rc;
    sl_uint_t                 n;
    sl_media_unit_t           mu;
    sl_pp_player_t           *pp;
    const sl_media_track_t   *tr;

    pp = ev->data;

    /* a worker that is going lets the new one take the stream */
    if (sl_exiting || sl_quit || sl_terminate) {
        sl_pp_player_close(pp);
        sl_live_unpublish(&pp->writer);
        return;
    }

    if (pp->writer.token == 0) {
        rc = sl_live_publish(pp->live, &pp->writer, 0, pp->log);

        if (rc != SL_OK) {
            sl_event_add_timer(&pp->tick, SL_PLAYER_RETRY);
            return;
        }

        pp->described = 0;
    }

    for (n = 0; n < 10000; n++) {

        if (pp->entry == NULL) {
            rc = sl_pp_player_open(pp);

            if (rc == SL_DONE) {
                sl_log_error(SL_LOG_NOTICE, pp->log, 0,
                             "playlist \"%.*s\" ended",
                             SL_STR_ARG(&pp->file));
                sl_live_unpublish(&pp->writer);
                return;
            }

            if (rc == SL_AGAIN) {
                sl_event_add_timer(&pp->tick, SL_PLAYER_BACKOFF);
                return;
            }

            if (rc != SL_OK) {
                continue;
            }
        }

        if (!pp->has_next) {
            rc = pp->mf.format->read(&pp->mf, &pp->next);

            if (rc != SL_OK) {
                if (rc == SL_ERROR) {
                    sl_log_error(SL_LOG_ERR, pp->log, 0,
                                 "playlist entry \"%s\": %s",
                                 pp->entry->url_or_path.data,
                                 pp->mf.error ? pp->mf.error : "bad file");
                }

                sl_pp_player_close(pp);
                continue;
            }

            pp->has_next = 1;
        }

        tr = &pp->mf.tracks[pp->next.track];
        t = sl_media_to_msec(pp->next.dts, tr->timescale) - pp->entry_start;

        if (pp->entry->duration && t >= (int64_t) pp->entry->duration) {
            sl_pp_player_close(pp);
            continue;
        }

        now = (int64_t) (sl_current_msec - pp->entry_wall);

        if (t > now + SL_PLAYER_AHEAD) {
            break;
        }

        /* the stream's clock: the entry's time plus where it began */
        mu = pp->next;
        mu.dts = sl_media_from_msec(pp->base, tr->timescale)
                 + pp->next.dts
                 - sl_media_from_msec(pp->entry_start, tr->timescale);
        mu.pts = mu.dts + (pp->next.pts - pp->next.dts);

        pp->has_next = 0;

        if (t + 1 > pp->played) {
            pp->played = t + 1;
        }

        if (sl_live_write(&pp->writer, &mu) == SL_ABORT) {
            sl_pp_player_close(pp);
            sl_event_add_timer(&pp->tick, SL_PLAYER_RETRY);
            return;
        }
    }

    sl_event_add_timer(&pp->tick, SL_PLAYER_TICK);
}


/*
 * The next entry, opened at its start, its tracks and title told to
 * listeners.  SL_OK; SL_DECLINED when it cannot be played (the next is
 * tried); SL_AGAIN after a whole pass played nothing; SL_DONE at the end
 * of the list.
 */
static sl_int_t
sl_pp_player_open(sl_pp_player_t *pp)
{
    sl_fd_t                     fd;
    sl_int_t                    rc;
    sl_str_t                    title, path;
    struct stat                 st;
    const sl_playlist_entry_t  *e;

    rc = sl_playlist_next(pp->pl, &pp->pos, &e);

    if (rc != SL_OK) {
        return SL_DONE;
    }

    if (pp->pos.index == 0 && !e->wrapper) {
        if (pp->played_pass == 0 && pp->pos.pass > 1) {
            return SL_AGAIN;
        }

        pp->played_pass = 0;
    }

    if (e->is_url) {
        sl_log_error(SL_LOG_WARN, pp->log, 0,
                     "playlist entry \"%s\" in line %lu: URLs are not "
                     "played yet, skipped", e->url_or_path.data,
                     (unsigned long) e->line);
        return SL_DECLINED;
    }

    fd = open((char *) e->url_or_path.data, O_RDONLY | O_CLOEXEC);

    if (fd == SL_INVALID_FILE) {
        sl_log_error(SL_LOG_ERR, pp->log, errno,
                     "playlist entry \"%s\" cannot be opened",
                     e->url_or_path.data);
        return SL_DECLINED;
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        (void) close(fd);
        return SL_DECLINED;
    }

    pp->mf_pool = sl_create_pool(4096, pp->log);
    if (pp->mf_pool == NULL) {
        (void) close(fd);
        return SL_DECLINED;
    }

    sl_memzero(&pp->mf, sizeof(sl_media_file_t));
    pp->mf.fd = fd;
    pp->mf.size = st.st_size;
    pp->mf.pool = pp->mf_pool;
    pp->mf.log = pp->log;

    path = e->url_or_path;

    rc = sl_media_open(&pp->mf, &path);

    if (rc == SL_OK && e->start
        && pp->mf.format->seek(&pp->mf, (int64_t) e->start) != SL_OK)
    {
        rc = SL_ERROR;
    }

    if (rc != SL_OK) {
        sl_log_error(SL_LOG_ERR, pp->log, 0, "playlist entry \"%s\": %s",
                     e->url_or_path.data,
                     rc == SL_DECLINED ? "not MP3, MPEG-TS or MP4"
                                       : (pp->mf.error ? pp->mf.error
                                                       : "cannot be read"));
        sl_media_close(&pp->mf);
        sl_destroy_pool(pp->mf_pool);
        pp->mf_pool = NULL;
        return SL_DECLINED;
    }

    pp->entry = e;
    pp->has_next = 0;
    pp->entry_start = pp->mf.start_msec;
    pp->entry_wall = sl_current_msec;
    pp->played = 0;

    /* listeners keep their sessions while the tracks stay the same */
    if (!pp->described || !sl_pp_player_same_tracks(pp)) {
        if (sl_live_set_tracks(&pp->writer, pp->mf.tracks, pp->mf.ntracks,
                               pp->mf.format->name) != SL_OK)
        {
            sl_pp_player_close(pp);
            return SL_DECLINED;
        }

        sl_memcpy(pp->tracks, pp->mf.tracks, sizeof(pp->tracks));
        pp->ntracks = pp->mf.ntracks;
        pp->described = 1;
    }

    if (e->title.len) {
        title = e->title;

    } else if (pp->pl->title.len) {
        title = pp->pl->title;

    } else {
        title.data = (u_char *) strrchr((char *) e->url_or_path.data, '/');
        title.data = title.data ? title.data + 1 : e->url_or_path.data;
        title.len = e->url_or_path.data + e->url_or_path.len - title.data;
    }

    sl_live_set_title(&pp->writer, &title);

    sl_log_error(SL_LOG_INFO, pp->log, 0, "\"%.*s\" plays \"%s\"",
                 SL_STR_ARG(&pp->live->name), e->url_or_path.data);

    return SL_OK;
}


/* the tracks of the new entry can go on in the same RTP streams */
static sl_int_t
sl_pp_player_same_tracks(sl_pp_player_t *pp)
{
    sl_uint_t                i;
    const sl_media_track_t  *a, *b;

    if (pp->ntracks != pp->mf.ntracks) {
        return 0;
    }

    for (i = 0; i < pp->ntracks; i++) {
        a = &pp->tracks[i];
        b = &pp->mf.tracks[i];

        if (a->codec != b->codec || a->timescale != b->timescale
            || a->sample_rate != b->sample_rate || a->channels != b->channels
            || a->config_len != b->config_len
            || (a->config_len
                && memcmp(a->config, b->config, a->config_len) != 0))
        {
            return 0;
        }
    }

    return 1;
}


/* the entry is over: the stream's clock moves past it */
static void
sl_pp_player_close(sl_pp_player_t *pp)
{
    if (pp->entry == NULL) {
        return;
    }

    pp->base += pp->played;
    pp->played_pass++;
    pp->entry = NULL;

    /* the next entry starts when this one's last unit is due */
    pp->has_next = 0;

    sl_media_close(&pp->mf);
    sl_destroy_pool(pp->mf_pool);
    pp->mf_pool = NULL;
}
