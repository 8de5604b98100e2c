/*
 * Archiving a live stream: "archive PATTERN;" writes what the source
 * sends to files named by strftime(PATTERN) plus the container's
 * extension, a new file when archive_max_duration or archive_max_size is
 * reached (at a keyframe, so that every file starts decodable), when a
 * new source starts, and closed when the source leaves.  MP3 and MPEG-TS
 * sources are written as they came; RTP sources (RTSP encoders) are
 * written as they came when they carry MP3 or MPEG-TS, else multiplexed
 * into MPEG-TS.  The process that receives the stream writes the files.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_pp_archive.h>

#include <time.h>


#define SL_ARCHIVE_BUF    (64 * 1024)


struct sl_pp_archive_s {
    sl_str_t             pattern;
    sl_msec_t            max_duration;
    off_t                max_size;
    sl_log_t            *log;

    /* what is being written, in the process that writes */
    sl_fd_t              fd;
    u_char               name[PATH_MAX];
    off_t                size;
    int64_t              first_msec;     /* of the file's first unit */
    const char          *ext;
    sl_live_desc_t       desc;
    sl_ts_mux_t         *mux;
    sl_pool_t           *pool;           /* the mux's */
    sl_int_t             video;          /* track whose keyframes cut */
    u_char              *buf;
    size_t               len;
    unsigned             described:1;
    unsigned             rotate:1;       /* at the next cut point */
};


static void sl_pp_archive_unit(sl_live_t *lv, const sl_media_unit_t *mu);
static void sl_pp_archive_tracks(sl_live_t *lv, const sl_live_desc_t *desc);
static void sl_pp_archive_end(sl_live_t *lv);
static sl_int_t sl_pp_archive_open(sl_pp_archive_t *ar);
static void sl_pp_archive_close(sl_pp_archive_t *ar);
static sl_int_t sl_pp_archive_write(sl_pp_archive_t *ar, const u_char *p,
    size_t len);
static sl_int_t sl_pp_archive_flush(sl_pp_archive_t *ar);


sl_pp_archive_t *
sl_pp_archive_create(sl_conf_t *cf, sl_live_t *lv, const sl_str_t *pattern,
    sl_msec_t max_duration, off_t max_size)
{
    sl_pp_archive_t  *ar;

    ar = sl_pcalloc(cf->pool, sizeof(sl_pp_archive_t));
    if (ar == NULL) {
        return NULL;
    }

    ar->pattern = *pattern;
    ar->max_duration = max_duration;
    ar->max_size = max_size;
    ar->fd = SL_INVALID_FILE;

    lv->tap = ar;
    lv->on_unit = sl_pp_archive_unit;
    lv->on_tracks = sl_pp_archive_tracks;
    lv->on_end = sl_pp_archive_end;

    return ar;
}


/* a new source (or new tracks): a new file from its first unit */
static void
sl_pp_archive_tracks(sl_live_t *lv, const sl_live_desc_t *desc)
{
    sl_uint_t         i;
    sl_pp_archive_t  *ar;

    ar = lv->tap;

    /* the archive writes in the worker that receives the stream */
    ar->log = sl_cycle->log;

    sl_pp_archive_close(ar);

    ar->desc = *desc;

    for (i = 0; i < desc->ntracks; i++) {
        ar->desc.tracks[i].config = desc->tracks[i].config_len
                                    ? ar->desc.config[i] : NULL;
    }

    ar->described = 1;
    ar->video = -1;

    for (i = 0; i < desc->ntracks; i++) {
        if (desc->tracks[i].codec == SL_CODEC_H264
            || desc->tracks[i].codec == SL_CODEC_MP2T)
        {
            ar->video = (sl_int_t) i;
            break;
        }
    }

    if (desc->ntracks == 1 && desc->tracks[0].codec == SL_CODEC_MPA) {
        ar->ext = ".mp3";

    } else {
        ar->ext = ".ts";
    }
}


static void
sl_pp_archive_end(sl_live_t *lv)
{
    sl_pp_archive_close(lv->tap);
}


static void
sl_pp_archive_unit(sl_live_t *lv, const sl_media_unit_t *mu)
{
    u_char           *p;
    int64_t           msec;
    sl_uint_t         cut;
    sl_pp_archive_t  *ar;

    ar = lv->tap;

    if (!ar->described || mu->track >= ar->desc.ntracks) {
        return;
    }

    msec = sl_media_to_msec(mu->dts, ar->desc.tracks[mu->track].timescale);

    /* files are cut where playing can start */
    cut = (ar->video == -1) || ((sl_int_t) mu->track == ar->video
                                && mu->keyframe);

    if (ar->fd != SL_INVALID_FILE && cut
        && ((ar->max_duration && msec - ar->first_msec
                                 >= (int64_t) ar->max_duration)
            || (ar->max_size && ar->size >= ar->max_size)))
    {
        sl_pp_archive_close(ar);
    }

    if (ar->fd == SL_INVALID_FILE) {
        if (!cut) {
            return;
        }

        if (sl_pp_archive_open(ar) != SL_OK) {
            return;
        }

        ar->first_msec = msec;
    }

    if (ar->mux == NULL) {
        (void) sl_pp_archive_write(ar, mu->data, mu->len);
        return;
    }

    if (ar->len + sl_ts_mux_bound(ar->mux, mu->len) > SL_ARCHIVE_BUF
        && sl_pp_archive_flush(ar) != SL_OK)
    {
        return;
    }

    if (sl_ts_mux_bound(ar->mux, mu->len) > SL_ARCHIVE_BUF) {
        sl_log_error(SL_LOG_WARN, ar->log, 0, "a %zu-byte unit is too large "
                     "for the archive, skipped", mu->len);
        return;
    }

    p = sl_ts_mux_write(ar->mux, mu, ar->buf + ar->len);
    ar->size += p - (ar->buf + ar->len);
    ar->len = p - ar->buf;
}


static sl_int_t
sl_pp_archive_open(sl_pp_archive_t *ar)
{
    u_char      pat[PATH_MAX], *p, *last;
    size_t      n;
    time_t      now;
    sl_uint_t   i;
    struct tm   tm;

    if (ar->pattern.len >= sizeof(pat)) {
        return SL_ERROR;
    }

    sl_memcpy(pat, ar->pattern.data, ar->pattern.len);
    pat[ar->pattern.len] = '\0';

    now = time(NULL);
    (void) localtime_r(&now, &tm);

    n = strftime((char *) ar->name, sizeof(ar->name) - 32, (char *) pat,
                 &tm);
    if (n == 0) {
        sl_log_error(SL_LOG_ERR, ar->log, 0, "archive name \"%s\" is empty "
                     "or too long", pat);
        return SL_ERROR;
    }

    last = ar->name + sizeof(ar->name);

    /* two files in one second: "-1", "-2" ... */
    for (i = 0; i < 100; i++) {
        p = ar->name + n;
        if (i) {
            p = sl_slprintf(p, last, "-%lu", (unsigned long) i);
        }

        p = sl_slprintf(p, last, "%s", ar->ext);
        *p = '\0';

        ar->fd = open((char *) ar->name, O_WRONLY | O_CREAT | O_EXCL
                      | O_CLOEXEC, 0644);

        if (ar->fd != SL_INVALID_FILE || errno != EEXIST) {
            break;
        }
    }

    if (ar->fd == SL_INVALID_FILE) {
        sl_log_error(SL_LOG_ERR, ar->log, errno, "cannot create archive "
                     "\"%s\"", ar->name);
        return SL_ERROR;
    }

    if (ar->buf == NULL) {
        ar->buf = sl_alloc(SL_ARCHIVE_BUF, ar->log);
        if (ar->buf == NULL) {
            sl_pp_archive_close(ar);
            return SL_ERROR;
        }
    }

    ar->len = 0;
    ar->size = 0;

    /* a stream of MP3 or TS units is its own file; others are muxed */
    if (!(ar->desc.ntracks == 1
          && (ar->desc.tracks[0].codec == SL_CODEC_MPA
              || ar->desc.tracks[0].codec == SL_CODEC_MP2T)))
    {
        ar->pool = sl_create_pool(4096, ar->log);
        if (ar->pool == NULL) {
            sl_pp_archive_close(ar);
            return SL_ERROR;
        }

        ar->mux = sl_ts_mux_create(ar->pool, ar->desc.tracks,
                                   ar->desc.ntracks);
        if (ar->mux == NULL) {
            sl_log_error(SL_LOG_ERR, ar->log, 0, "the stream's tracks "
                         "cannot be archived in MPEG-TS");
            sl_pp_archive_close(ar);
            return SL_ERROR;
        }
    }

    sl_log_error(SL_LOG_NOTICE, ar->log, 0, "archiving to \"%s\"", ar->name);

    return SL_OK;
}


static sl_int_t
sl_pp_archive_write(sl_pp_archive_t *ar, const u_char *p, size_t len)
{
    if (ar->len + len > SL_ARCHIVE_BUF) {
        if (sl_pp_archive_flush(ar) != SL_OK) {
            return SL_ERROR;
        }

        if (len > SL_ARCHIVE_BUF) {
            if (sl_write_fd(ar->fd, p, len) != (ssize_t) len) {
                sl_log_error(SL_LOG_ERR, ar->log, errno,
                             "write to archive \"%s\" failed", ar->name);
                sl_pp_archive_close(ar);
                return SL_ERROR;
            }

            ar->size += len;
            return SL_OK;
        }
    }

    sl_memcpy(ar->buf + ar->len, p, len);
    ar->len += len;
    ar->size += len;

    return SL_OK;
}


static sl_int_t
sl_pp_archive_flush(sl_pp_archive_t *ar)
{
    if (ar->len && sl_write_fd(ar->fd, ar->buf, ar->len)
                   != (ssize_t) ar->len)
    {
        sl_log_error(SL_LOG_ERR, ar->log, errno,
                     "write to archive \"%s\" failed", ar->name);
        ar->len = 0;
        sl_pp_archive_close(ar);
        return SL_ERROR;
    }

    ar->len = 0;

    return SL_OK;
}


static void
sl_pp_archive_close(sl_pp_archive_t *ar)
{
    if (ar->fd != SL_INVALID_FILE) {
        if (ar->len) {
            (void) sl_write_fd(ar->fd, ar->buf, ar->len);
            ar->len = 0;
        }

        if (close(ar->fd) == -1) {
            sl_log_error(SL_LOG_ERR, ar->log, errno,
                         "close of archive \"%s\" failed", ar->name);
        }

        sl_log_error(SL_LOG_INFO, ar->log, 0, "archive \"%s\" closed, "
                     "%lld bytes", ar->name, (long long) ar->size);

        ar->fd = SL_INVALID_FILE;
    }

    if (ar->pool) {
        sl_destroy_pool(ar->pool);
        ar->pool = NULL;
        ar->mux = NULL;
    }
}
