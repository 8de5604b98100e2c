/*
 * Media parsers: the streaming counterpart of the readers of sl_media.h.
 * A parser turns a byte stream that arrives in pieces of any size (an
 * encoder's PUT or SOURCE body, a stream pulled over HTTP) into the same
 * timed media units.  This part keeps the bytes; the format's parse()
 * hook (sl_format_t) cuts units out of them, drops garbage while it
 * looks for sync, and fills the tracks and the title.
 *
 *     p = sl_media_parser_create(pool, "mp3", log);
 *     on every piece read:
 *         if (sl_media_parser_feed(p, data, len) != SL_OK) { give up }
 *         while (sl_media_parser_next(p, &mu) == SL_OK) { use mu }
 *         if (p->tracks_changed) { p->tracks_changed = 0; ... }
 *
 * Feeding a piece only after next() returned SL_AGAIN keeps the buffer
 * small: then a piece of up to SL_MEDIA_PARSER_FEED_MAX bytes always
 * fits.
 */

#ifndef SL_MEDIA_PARSER_H
#define SL_MEDIA_PARSER_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_MEDIA_PARSER_MAX        (256 * 1024)   /* bytes buffered at most */
#define SL_MEDIA_PARSER_FEED_MAX   (128 * 1024)
#define SL_MEDIA_PARSER_TITLE_MAX  512            /* bytes of UTF-8 */


struct sl_media_parser_s {
    /* for the caller to read; it clears the two flags once seen */
    sl_media_track_t     tracks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t            ntracks;      /* known once a unit came out */
    sl_str_t             title;        /* UTF-8, from tags in the stream */
    uint64_t             bytes_skipped;     /* garbage dropped */
    unsigned             tracks_changed:1;  /* known or changed */
    unsigned             title_changed:1;

    /* for the format's parse() */
    const sl_format_t   *format;
    sl_pool_t           *pool;
    sl_log_t            *log;
    void                *priv;
    u_char              *pos;          /* the first byte not consumed */
    u_char              *last;         /* the end of the bytes fed */
    uint64_t             skip;         /* to drop as they arrive */

    u_char              *buf;
    size_t               size;
    u_char               title_data[SL_MEDIA_PARSER_TITLE_MAX];
};


/*
 * A parser for format "mp3" or "mpegts" (any compiled-in reader with a
 * parse hook), its memory from pool; NULL (logged) for an unknown format
 * or when out of memory.
 */
sl_media_parser_t *sl_media_parser_create(sl_pool_t *pool,
    const char *format, sl_log_t *log);

/*
 * The format that streams of a Content-Type value are parsed as
 * ("audio/mpeg" is "mp3", "video/MP2T" "mpegts"; case and parameters
 * ignored); NULL when none.
 */
const char *sl_media_parser_format(const sl_str_t *content_type);

/*
 * Appends len bytes; SL_OK, or SL_ERROR (logged) when the buffer would
 * grow past SL_MEDIA_PARSER_MAX or memory runs out.  Units returned
 * before stay valid only until this call.
 */
sl_int_t sl_media_parser_feed(sl_media_parser_t *p, const u_char *data,
    size_t len);

/*
 * The next complete unit: SL_OK with mu filled (mu->data valid until the
 * next feed or next call), SL_AGAIN when more bytes are needed.
 */
sl_int_t sl_media_parser_next(sl_media_parser_t *p, sl_media_unit_t *mu);

/* forgets the stream (bytes, tracks, title, counters) for a new one */
void sl_media_parser_reset(sl_media_parser_t *p);


/* for formats: drop n bytes, those buffered now and the rest on arrival */
void sl_media_parser_skip(sl_media_parser_t *p, uint64_t n);

/*
 * for formats: removes n bytes at p->pos + off, keeping the off bytes
 * before them (moved up); the format counts garbage in bytes_skipped
 */
void sl_media_parser_cut(sl_media_parser_t *p, size_t off, size_t n);

/*
 * for formats: sets the title (UTF-8, cut at SL_MEDIA_PARSER_TITLE_MAX
 * on a character boundary); title_changed when it differs
 */
void sl_media_parser_set_title(sl_media_parser_t *p, const u_char *text,
    size_t len);

#endif /* SL_MEDIA_PARSER_H */
