/*
 * The playlist player: "source playlist FILE;" plays the entries of a
 * playlist (sl_playlist.h) in order into the point's live stream, as an
 * encoder would send them.  Files are read here in real time; a URL
 * entry is relayed by a pull (sl_pp_pull.h) that hands its units to the
 * player, written as they come.  The player keeps the point for the
 * whole playlist and moves every unit onto one clock, so that listeners
 * hear one stream; the title of each entry (else the playlist's, else
 * the file's name; for a URL without a title, the upstream's titles)
 * becomes the stream title.  The player runs in one worker; after a
 * reload the new worker's player takes over once the old one has let
 * go, from where the old one stood: it leaves a note in the point's
 * zone (the entry, how far into it, the stream's clock), which the new
 * one follows if the playlist is the same one (a fingerprint of its
 * entries), so that listeners hear the station go on rather than start
 * again.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_playlist.h>
#include <sl_pp_pull.h>
#include <sl_pp_source.h>


#define SL_PLAYER_TICK        20          /* ms */
#define SL_PLAYER_AHEAD       200         /* ms of media written ahead */
#define SL_PLAYER_RETRY       100         /* ms between claims of a busy
                                             point (a reload's new player
                                             waits for the old one) */
#define SL_PLAYER_BACKOFF     5000        /* after as many entries in a
                                             row as the list has played
                                             nothing */


struct sl_pp_player_s {
    sl_live_t                  *live;
    sl_cycle_t                 *cycle;
    sl_log_t                   *log;
    sl_pool_t                  *pool;
    const sl_pp_player_conf_t  *conf;
    const sl_playlist_t        *pl;
    sl_playlist_pos_t           pos;
    sl_event_t                  tick;
    sl_live_writer_t            writer;

    const sl_playlist_entry_t  *entry;

    /* a file entry */
    sl_media_file_t             mf;
    sl_pool_t                  *mf_pool;
    sl_media_unit_t             next;
    unsigned                    has_next:1;

    /* a URL entry */
    sl_pp_pull_t               *pull;
    unsigned                    relay_started:1;  /* entry_start known */
    unsigned                    relay_ended:1;    /* upstream or time */
    unsigned                    relay_titled:1;   /* by the upstream */

    /* what listeners were told, the codec configurations copied */
    unsigned                    described:1;
    sl_media_track_t            tracks[SL_MEDIA_MAX_TRACKS];
    u_char                      config[SL_MEDIA_MAX_TRACKS]
                                      [SL_LIVE_CONFIG_MAX];
    sl_uint_t                   ntracks;

    sl_playlist_pos_t           entry_pos;    /* pos before the entry */
    int64_t                     entry_offset; /* ms of it played before
                                                 (by the player of before
                                                 a reload) */
    sl_msec_t                   entry_duration;  /* ms left to play of
                                                    it; 0: to its end */
    uint64_t                    fingerprint;  /* the playlist's */
    unsigned                    claimed:1;    /* the point, once */

    sl_msec_t                   entry_wall;   /* when its start is due */
    sl_msec_t                   due;          /* when the next one's is */
    int64_t                     entry_start;  /* its first media ms */
    int64_t                     base;         /* stream ms at its start */
    int64_t                     played;       /* stream ms so far in it */
    sl_uint_t                   unplayed;     /* main entries in a row
                                                 that played nothing */
};


/* where a player stood, for the next one (sl_live_set_resume()) */
typedef struct {
    uint64_t                    fingerprint;
    uint64_t                    pass;
    uint64_t                    index;        /* pos before the entry */
    int64_t                     offset;       /* ms of it played */
    int64_t                     base;         /* stream ms written */
    uint64_t                    due;          /* sl_current_msec when the
                                                 next stream ms is due */
} sl_pp_player_note_t;


static void sl_pp_player_tick(sl_event_t *ev);
static void sl_pp_player_leave(sl_pp_player_t *pp);
static void sl_pp_player_resume(sl_pp_player_t *pp);
static uint64_t sl_pp_player_fingerprint(const sl_playlist_t *pl);
static sl_int_t sl_pp_player_open(sl_pp_player_t *pp);
static sl_int_t sl_pp_player_open_file(sl_pp_player_t *pp,
    const sl_playlist_entry_t *e);
static sl_int_t sl_pp_player_open_url(sl_pp_player_t *pp,
    const sl_playlist_entry_t *e);
static void sl_pp_player_title(sl_pp_player_t *pp,
    const sl_playlist_entry_t *e);
static sl_int_t sl_pp_player_set_tracks(sl_pp_player_t *pp,
    const sl_media_track_t *tracks, sl_uint_t n, const char *format);
static void sl_pp_player_keep_tracks(sl_pp_player_t *pp,
    const sl_media_track_t *tracks, sl_uint_t n);
static sl_uint_t sl_pp_player_same_tracks(sl_pp_player_t *pp,
    const sl_media_track_t *tracks, sl_uint_t n);
static sl_int_t sl_pp_player_write(sl_pp_player_t *pp,
    const sl_media_unit_t *in, uint32_t timescale, int64_t t);
static sl_uint_t sl_pp_player_relay_over(sl_pp_player_t *pp);
static sl_int_t sl_pp_player_relay_tracks(void *data,
    const sl_media_track_t *tracks, sl_uint_t n, const char *format);
static void sl_pp_player_relay_title(void *data, const sl_str_t *title);
static sl_int_t sl_pp_player_relay_unit(void *data,
    const sl_media_unit_t *mu);
static void sl_pp_player_relay_end(void *data);
static void sl_pp_player_close(sl_pp_player_t *pp);
static void sl_pp_player_close_file(sl_pp_player_t *pp);


/* what a URL entry's pull hands over */
static const sl_pp_pull_sink_t  sl_pp_player_relay = {
    .tracks = sl_pp_player_relay_tracks,
    .title  = sl_pp_player_relay_title,
    .unit   = sl_pp_player_relay_unit,
    .end    = sl_pp_player_relay_end,
};


/*
 * The playlist is read with the configuration, so that a broken one
 * fails -t; so is every URL entry, whose host no worker may resolve.
 * Their errors name the playlist's line: the directive's conf_file is
 * swapped for one that says where the entry is.
 */
sl_int_t
sl_pp_player_configure(sl_conf_t *cf, const sl_str_t *file,
    sl_pp_player_conf_t *pc)
{
    u_char                err[SL_PLAYLIST_ERROR_LEN];
    sl_int_t              rc;
    sl_uint_t             i;
    sl_playlist_t        *pl;
    sl_conf_file_t       *saved, where;
    sl_pp_pull_conf_t    *pull;
    sl_playlist_entry_t  *e;

    pl = sl_playlist_read(cf->pool, file, err, sizeof(err));
    if (pl == NULL) {
        sl_log_error(SL_LOG_EMERG, cf->log, 0, "%s", err);
        return SL_ERROR;
    }

    pc->pl = pl;
    pc->pulls = sl_pcalloc(cf->pool,
                           (pl->nentries + 1) * sizeof(sl_pp_pull_conf_t *));
    if (pc->pulls == NULL) {
        return SL_ERROR;
    }

    sl_memzero(&where, sizeof(sl_conf_file_t));
    where.file.name = pl->name;

    saved = cf->conf_file;
    cf->conf_file = &where;
    rc = SL_OK;

    for (i = 0; i <= pl->nentries; i++) {
        e = (i < pl->nentries) ? &pl->entries[i] : pl->wrapper;

        if (e == NULL || !e->is_url) {
            continue;
        }

        where.line = e->line;

        if (e->start) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0, "\"start\" is for files, "
                              "not for the URL \"%s\"", e->url_or_path.data);
            rc = SL_ERROR;
            break;
        }

        pull = sl_pcalloc(cf->pool, sizeof(sl_pp_pull_conf_t));

        if (pull == NULL
            || sl_pp_pull_configure(cf, "playlist", &e->url_or_path, pull)
               != SL_CONF_OK)
        {
            rc = SL_ERROR;
            break;
        }

        pc->pulls[i] = pull;
    }

    cf->conf_file = saved;

    return rc;
}


sl_pp_player_t *
sl_pp_player_start(sl_cycle_t *cycle, sl_live_t *lv,
    const sl_pp_player_conf_t *pc)
{
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
    pp->cycle = cycle;
    pp->log = cycle->log;
    pp->conf = pc;
    pp->pl = pc->pl;

    pp->mf.fd = SL_INVALID_FILE;
    pp->fingerprint = sl_pp_player_fingerprint(pp->pl);

    pp->tick.handler = sl_pp_player_tick;
    pp->tick.data = pp;
    pp->tick.log = cycle->log;
    pp->tick.cancelable = 1;

    sl_event_add_timer(&pp->tick, 1);

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                 "playing \"%.*s\" into \"%.*s\" (%lu entries)",
                 SL_STR_ARG(&pp->pl->name), SL_STR_ARG(&lv->name),
                 (unsigned long) pp->pl->nentries);

    return pp;
}


void
sl_pp_player_stop(sl_pp_player_t *pp)
{
    sl_pp_player_leave(pp);

    if (pp->tick.timer_set) {
        sl_event_del_timer(&pp->tick);
    }

    sl_destroy_pool(pp->pool);
}


/*
 * The player lets the point go, with a note of where it stands for the
 * next player (the new worker's, after a reload): the entry under way
 * (or the next one), how much of it was written, and the stream's clock.
 */
static void
sl_pp_player_leave(sl_pp_player_t *pp)
{
    sl_pp_player_note_t  note;

    if (pp->writer.token) {
        sl_memzero(&note, sizeof(sl_pp_player_note_t));
        note.fingerprint = pp->fingerprint;

        if (pp->entry) {
            note.pass = pp->entry_pos.pass;
            note.index = pp->entry_pos.index;
            note.offset = pp->entry_offset + pp->played;
            note.base = pp->base + pp->played;
            note.due = pp->entry_wall + pp->played;

        } else {
            note.pass = pp->pos.pass;
            note.index = pp->pos.index;
            note.base = pp->base;
            note.due = pp->due;
        }

        sl_live_set_resume(&pp->writer, &note, sizeof(sl_pp_player_note_t));
    }

    sl_pp_player_close(pp);
    sl_live_unpublish(&pp->writer);
}


/*
 * The first time the player has the point: a note from the player of
 * before (the same playlist) puts it where that one stood, on the same
 * clock and with the stream's tracks as its own, so that listeners keep
 * their sessions and hear the entry go on.  A changed playlist starts
 * from its top.
 */
static void
sl_pp_player_resume(sl_pp_player_t *pp)
{
    sl_live_desc_t       desc;
    sl_pp_player_note_t  note;

    if (sl_live_take_resume(&pp->writer, &note, sizeof(sl_pp_player_note_t))
        != sizeof(sl_pp_player_note_t))
    {
        return;
    }

    if (note.fingerprint != pp->fingerprint) {
        sl_log_error(SL_LOG_NOTICE, pp->log, 0,
                     "playlist \"%.*s\" changed: \"%.*s\" plays it from "
                     "the top", SL_STR_ARG(&pp->pl->name),
                     SL_STR_ARG(&pp->live->name));
        return;
    }

    pp->pos.pass = (sl_uint_t) note.pass;
    pp->pos.index = (sl_uint_t) note.index;
    pp->entry_offset = sl_max(note.offset, 0);
    pp->base = sl_max(note.base, 0);

    /* a note of a clock gone wrong is not waited for */
    pp->due = note.due < sl_current_msec + 10000 ? note.due : sl_current_msec;

    if (sl_live_describe(pp->live, &desc) == SL_OK) {
        sl_pp_player_keep_tracks(pp, desc.tracks, desc.ntracks);
    }

    sl_log_error(SL_LOG_NOTICE, pp->log, 0,
                 "\"%.*s\" goes on with playlist \"%.*s\" where the player "
                 "before left it, %lld ms into an entry",
                 SL_STR_ARG(&pp->live->name), SL_STR_ARG(&pp->pl->name),
                 (long long) pp->entry_offset);
}


/*
 * FNV-1a over what decides the play order and the media: each entry's
 * location, start and duration, the wrapper, the passes (not titles).
 */
static uint64_t
sl_pp_player_fingerprint(const sl_playlist_t *pl)
{
    uint64_t                    h, v[4];
    sl_uint_t                   i;
    const u_char               *p, *end;
    const sl_playlist_entry_t  *e;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i <= pl->nentries; i++) {
        e = i < pl->nentries ? &pl->entries[i] : pl->wrapper;

        sl_memzero(v, sizeof(v));
        v[0] = pl->passes;

        if (e) {
            v[1] = e->start;
            v[2] = e->duration;
            v[3] = e->wrapper;

            /* the location with its NUL, so "a" "bc" differs from "ab" "c" */
            p = e->url_or_path.data;
            end = p + e->url_or_path.len + 1;

            for ( /* void */ ; p < end; p++) {
                h = (h ^ *p) * 0x100000001b3ULL;
            }
        }

        for (p = (u_char *) v, end = p + sizeof(v); p < end; p++) {
            h = (h ^ *p) * 0x100000001b3ULL;
        }
    }

    return h;
}


static void
sl_pp_player_tick(sl_event_t *ev)
{
    int64_t                   now, t;
    sl_int_t                  rc;
    sl_uint_t                 n;
    sl_pp_player_t           *pp;
    const sl_media_track_t   *tr;

    pp = ev->data;

    /* a worker that is going lets the new one take the stream */
    if (sl_exiting || sl_quit || sl_terminate) {
        sl_pp_player_leave(pp);
        return;
    }

    if (pp->writer.token == 0) {
        /* an entry under way when another source took the point is over */
        sl_pp_player_close(pp);

        rc = sl_live_publish(pp->live, &pp->writer, 0, pp->log);

        if (rc != SL_OK) {
            sl_event_add_timer(&pp->tick, SL_PLAYER_RETRY);
            return;
        }

        pp->described = 0;

        if (!pp->claimed) {
            pp->claimed = 1;
            sl_pp_player_resume(pp);
        }
    }

    for (n = 0; n < 10000; n++) {

        /* a write found the point taken: the next tick claims it again */
        if (pp->writer.token == 0) {
            sl_event_add_timer(&pp->tick, SL_PLAYER_RETRY);
            return;
        }

        if (pp->entry == NULL) {
            rc = sl_pp_player_open(pp);

            if (rc == SL_DONE) {
                sl_log_error(SL_LOG_NOTICE, pp->log, 0,
                             "playlist \"%.*s\" ended",
                             SL_STR_ARG(&pp->pl->name));
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

        /* a URL entry's pull writes; the tick only sees when it is over */
        if (pp->pull) {
            if (!sl_pp_player_relay_over(pp)) {
                break;
            }

            sl_pp_player_close(pp);
            continue;
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

        if (pp->entry_duration && t >= (int64_t) pp->entry_duration) {
            sl_pp_player_close(pp);
            continue;
        }

        now = (int64_t) sl_current_msec - (int64_t) pp->entry_wall;

        if (t > now + SL_PLAYER_AHEAD) {
            break;
        }

        pp->has_next = 0;

        /* SL_ABORT: the loop's next turn sees the point gone */
        (void) sl_pp_player_write(pp, &pp->next, tr->timescale, t);
    }

    sl_event_add_timer(&pp->tick, SL_PLAYER_TICK);
}


/*
 * The next entry, opened at its start.  A file tells listeners its
 * tracks and title at once, a URL with its first unit (one that fails
 * leaves the stream as it was).  SL_OK; SL_DECLINED when it cannot be
 * played (the next is tried); SL_AGAIN when as many main entries in a
 * row as there are played nothing; SL_DONE at the end of the list.
 */
static sl_int_t
sl_pp_player_open(sl_pp_player_t *pp)
{
    sl_int_t                    rc;
    const sl_playlist_entry_t  *e;

    /* files missing, upstreams down: no spinning through the list */
    if (pp->unplayed >= pp->pl->nentries) {
        pp->unplayed = 0;
        return SL_AGAIN;
    }

    pp->entry_pos = pp->pos;

    rc = sl_playlist_next(pp->pl, &pp->pos, &e);

    if (rc != SL_OK) {
        return SL_DONE;
    }

    /* an entry the player of before a reload left part-played */
    if (e->duration && pp->entry_offset >= (int64_t) e->duration) {
        pp->entry_offset = 0;
        return SL_DECLINED;
    }

    pp->entry_duration = e->duration ? e->duration - pp->entry_offset : 0;

    rc = e->is_url ? sl_pp_player_open_url(pp, e)
                   : sl_pp_player_open_file(pp, e);

    if (rc != SL_OK) {
        pp->unplayed += !e->wrapper;
        pp->entry_offset = 0;
        return SL_DECLINED;
    }

    /*
     * The entry starts where the last one's time ends: not before (a
     * relay may have run ahead of the clock), and not in the past.
     */
    pp->entry = e;
    pp->entry_wall = sl_max(sl_current_msec, pp->due);
    pp->played = 0;

    sl_log_error(SL_LOG_INFO, pp->log, 0, "\"%.*s\" plays \"%s\"",
                 SL_STR_ARG(&pp->live->name), e->url_or_path.data);

    return SL_OK;
}


static sl_int_t
sl_pp_player_open_file(sl_pp_player_t *pp, const sl_playlist_entry_t *e)
{
    int64_t       start;
    sl_fd_t       fd;
    sl_int_t      rc;
    sl_str_t      path;
    struct stat   st;

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

    start = (int64_t) e->start + pp->entry_offset;

    if (rc == SL_OK && start
        && pp->mf.format->seek(&pp->mf, start) != SL_OK)
    {
        rc = SL_ERROR;
    }

    if (rc != SL_OK) {
        sl_log_error(SL_LOG_ERR, pp->log, 0, "playlist entry \"%s\": %s",
                     e->url_or_path.data,
                     rc == SL_DECLINED ? "not MP3, MPEG-TS or MP4"
                                       : (pp->mf.error ? pp->mf.error
                                                       : "cannot be read"));
        sl_pp_player_close_file(pp);
        return SL_DECLINED;
    }

    if (sl_pp_player_set_tracks(pp, pp->mf.tracks, pp->mf.ntracks,
                                pp->mf.format->name)
        != SL_OK)
    {
        sl_pp_player_close_file(pp);
        return SL_DECLINED;
    }

    pp->has_next = 0;
    pp->entry_start = pp->mf.start_msec;

    sl_pp_player_title(pp, e);

    return SL_OK;
}


/* the pull was configured with the playlist; it connects at once */
static sl_int_t
sl_pp_player_open_url(sl_pp_player_t *pp, const sl_playlist_entry_t *e)
{
    sl_uint_t  i;

    i = e->wrapper ? pp->pl->nentries : (sl_uint_t) (e - pp->pl->entries);

    pp->pull = sl_pp_pull_start(pp->cycle, pp->live, pp->conf->pulls[i],
                                &sl_pp_player_relay, pp);

    if (pp->pull == NULL) {
        sl_log_error(SL_LOG_ERR, pp->log, 0,
                     "playlist \"%.*s\" line %lu: \"%s\" cannot be relayed, "
                     "skipped", SL_STR_ARG(&pp->pl->name),
                     (unsigned long) e->line, e->url_or_path.data);
        return SL_DECLINED;
    }

    pp->relay_started = 0;
    pp->relay_ended = 0;
    pp->relay_titled = 0;

    return SL_OK;
}


static void
sl_pp_player_title(sl_pp_player_t *pp, const sl_playlist_entry_t *e)
{
    sl_str_t  title;

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
}


/*
 * Tells listeners an entry's tracks, unless the stream has them already:
 * then listeners keep their sessions (RTP streams go on).  The tracks
 * are kept with copies of their codec configurations, which outlive the
 * entry.  SL_OK or SL_ERROR (logged).
 */
static sl_int_t
sl_pp_player_set_tracks(sl_pp_player_t *pp, const sl_media_track_t *tracks,
    sl_uint_t n, const char *format)
{
    if (pp->described && sl_pp_player_same_tracks(pp, tracks, n)) {
        return SL_OK;
    }

    /* it takes at most SL_MEDIA_MAX_TRACKS, SL_LIVE_CONFIG_MAX bytes each */
    if (sl_live_set_tracks(&pp->writer, tracks, n, format) != SL_OK) {
        return SL_ERROR;
    }

    sl_pp_player_keep_tracks(pp, tracks, n);

    return SL_OK;
}


/* what listeners were told: n tracks (at most SL_MEDIA_MAX_TRACKS) */
static void
sl_pp_player_keep_tracks(sl_pp_player_t *pp, const sl_media_track_t *tracks,
    sl_uint_t n)
{
    sl_uint_t  i;

    for (i = 0; i < n; i++) {
        pp->tracks[i] = tracks[i];
        pp->tracks[i].config = pp->config[i];
        pp->tracks[i].rtp = NULL;

        if (tracks[i].config_len) {
            sl_memcpy(pp->config[i], tracks[i].config,
                      sl_min(tracks[i].config_len, SL_LIVE_CONFIG_MAX));
        }
    }

    pp->ntracks = n;
    pp->described = 1;
}


/* the tracks can go on in the same RTP streams */
static sl_uint_t
sl_pp_player_same_tracks(sl_pp_player_t *pp, const sl_media_track_t *tracks,
    sl_uint_t n)
{
    sl_uint_t                i;
    const sl_media_track_t  *a, *b;

    if (pp->ntracks != n) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        a = &pp->tracks[i];
        b = &tracks[i];

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


/*
 * A unit of the entry, t ms into it, onto the stream's clock: its dts
 * and pts move by the same amount, so that the entry's start falls on
 * the stream's time so far (base), in the track's timescale.  SL_OK; or
 * SL_ABORT when another source took the point over.
 */
static sl_int_t
sl_pp_player_write(sl_pp_player_t *pp, const sl_media_unit_t *in,
    uint32_t timescale, int64_t t)
{
    int64_t          end;
    sl_media_unit_t  mu;

    mu = *in;
    mu.dts = sl_media_from_msec(pp->base, timescale) + in->dts
             - sl_media_from_msec(pp->entry_start, timescale);
    mu.pts = mu.dts + (in->pts - in->dts);

    /* the next entry starts when this unit ends */
    end = t + sl_max(sl_media_to_msec(in->duration, timescale), 1);

    if (end > pp->played) {
        pp->played = end;
    }

    if (sl_live_write(&pp->writer, &mu) == SL_ABORT) {
        return SL_ABORT;
    }

    return SL_OK;
}


/*
 * A URL entry is over when its upstream ended or was lost, or when its
 * duration has passed by the clock (an upstream slower than real time)
 * or in the units relayed (one that sent a burst ahead).
 */
static sl_uint_t
sl_pp_player_relay_over(sl_pp_player_t *pp)
{
    int64_t                     now;
    const sl_playlist_entry_t  *e;

    e = pp->entry;
    now = (int64_t) sl_current_msec - (int64_t) pp->entry_wall;

    if (!pp->relay_ended
        && (pp->entry_duration == 0 || now < (int64_t) pp->entry_duration))
    {
        return 0;
    }

    if (pp->played == 0) {
        sl_log_error(SL_LOG_ERR, pp->log, 0,
                     "playlist \"%.*s\" line %lu: \"%s\" relayed nothing, "
                     "skipped", SL_STR_ARG(&pp->pl->name),
                     (unsigned long) e->line, e->url_or_path.data);
    }

    return 1;
}


static sl_int_t
sl_pp_player_relay_tracks(void *data, const sl_media_track_t *tracks,
    sl_uint_t n, const char *format)
{
    return sl_pp_player_set_tracks(data, tracks, n, format);
}


/* the entry's own title stands; else the upstream's replace the default */
static void
sl_pp_player_relay_title(void *data, const sl_str_t *title)
{
    sl_pp_player_t  *pp = data;

    if (pp->entry->title.len == 0) {
        sl_live_set_title(&pp->writer, title);
        pp->relay_titled = 1;
    }
}


/*
 * A relayed unit, written as it comes: the first one begins the entry
 * (a live upstream's clock starts anywhere); one from before it (of
 * another track) would take its track back in time and is dropped, as
 * is everything past the entry's duration.
 */
static sl_int_t
sl_pp_player_relay_unit(void *data, const sl_media_unit_t *mu)
{
    int64_t                  t;
    sl_pp_player_t          *pp;
    const sl_media_track_t  *tr;

    pp = data;

    if (pp->relay_ended || !pp->described || mu->track >= pp->ntracks) {
        return SL_OK;
    }

    tr = &pp->tracks[mu->track];
    t = sl_media_to_msec(mu->dts, tr->timescale);

    if (!pp->relay_started) {
        pp->relay_started = 1;
        pp->entry_start = t;

        if (!pp->relay_titled) {
            sl_pp_player_title(pp, pp->entry);
        }
    }

    t -= pp->entry_start;

    if (t < 0) {
        return SL_OK;
    }

    if (pp->entry_duration && t >= (int64_t) pp->entry_duration) {
        pp->relay_ended = 1;
        return SL_OK;
    }

    return sl_pp_player_write(pp, mu, tr->timescale, t);
}


/* the pull logged why; the tick stops it and goes on */
static void
sl_pp_player_relay_end(void *data)
{
    sl_pp_player_t  *pp = data;

    pp->relay_ended = 1;
}


/* the entry is over: the stream's clock moves past it */
static void
sl_pp_player_close(sl_pp_player_t *pp)
{
    if (pp->entry == NULL) {
        return;
    }

    pp->base += pp->played;
    pp->due = pp->entry_wall + pp->played;
    pp->entry_offset = 0;

    if (pp->played) {
        pp->unplayed = 0;

    } else {
        pp->unplayed += !pp->entry->wrapper;
    }

    pp->entry = NULL;

    if (pp->pull) {
        sl_pp_pull_stop(pp->pull);
        pp->pull = NULL;
        return;
    }

    pp->has_next = 0;

    sl_pp_player_close_file(pp);
}


static void
sl_pp_player_close_file(sl_pp_player_t *pp)
{
    sl_media_close(&pp->mf);
    sl_destroy_pool(pp->mf_pool);
    pp->mf_pool = NULL;
}
