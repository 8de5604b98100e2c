/*
 * Server-side playlists: the files and URLs a broadcast publishing point
 * plays in order ("source playlist FILE;").  The parser reads Sluice's
 * own format or a simple M3U list; the iterator gives the play order.
 * Pure but for sl_playlist_read(): no logging, an error comes back as
 * "reason in FILE:LINE" text for the caller to log.
 */

#ifndef SL_PLAYLIST_H
#define SL_PLAYLIST_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_PLAYLIST_MAX_ENTRIES  10000          /* main entries */
#define SL_PLAYLIST_MAX_LINE     4096           /* bytes, without CR LF */
#define SL_PLAYLIST_MAX_SIZE     (1024 * 1024)  /* bytes, the whole file */
#define SL_PLAYLIST_ERROR_LEN    1024           /* enough for any error */

#define SL_PLAYLIST_FOREVER      ((sl_uint_t) -1)    /* passes of "loop;" */


typedef struct {
    sl_str_t       url_or_path;  /* NUL-terminated: a URL as written, or
                                    an absolute path (not opened here) */
    sl_str_t       title;        /* NUL-terminated; len 0: none, the
                                    playlist's title applies */
    sl_msec_t      start;        /* where to start, 0: the beginning */
    sl_msec_t      duration;     /* how long to play, 0: to the end */
    sl_uint_t      line;         /* where it is written, for run-time logs */
    unsigned       is_url:1;     /* http://, https:// or rtsp:// */
    unsigned       wrapper:1;    /* the wrapper, not a main entry */
} sl_playlist_entry_t;

typedef struct {
    sl_str_t              name;      /* the file, NUL-terminated copy */
    sl_str_t              title;     /* default StreamTitle; len 0: none */
    sl_uint_t             passes;    /* 1, "loop N;" N, "loop;" FOREVER */
    sl_playlist_entry_t  *entries;   /* the main entries, in file order */
    sl_uint_t             nentries;  /* 1 .. SL_PLAYLIST_MAX_ENTRIES */
    sl_playlist_entry_t  *wrapper;   /* played around each pass; or NULL */
    unsigned              m3u:1;     /* read as an #EXTM3U list */
} sl_playlist_t;

/* where sl_playlist_next() stands; all zero is the start */
typedef struct {
    sl_uint_t             pass;      /* passes finished */
    sl_uint_t             index;     /* next item within the pass */
} sl_playlist_pos_t;


/*
 * Parses a playlist of len bytes.  name is the file it came from: it
 * goes into error messages, and relative paths are resolved against its
 * folder (so it should be absolute).  A text that starts with "#EXTM3U"
 * (after an optional UTF-8 byte order mark) is read as an M3U list,
 * anything else as Sluice's format; README "Playlists" gives both.
 *
 * Returns the playlist, everything in it allocated from pool and text
 * no longer referenced; or NULL with a NUL-terminated "reason in
 * FILE:LINE" (or "reason in FILE" for the whole file) in err, of size
 * bytes (SL_PLAYLIST_ERROR_LEN is enough; longer ones are cut).  A
 * failed parse may leave allocations in pool: parse into a pool of its
 * own where that matters (a reload at run time).
 */
sl_playlist_t *sl_playlist_parse(sl_pool_t *pool, const sl_str_t *name,
    const u_char *text, size_t len, u_char *err, size_t size);

/*
 * Reads the regular file name (NUL-terminated; at most
 * SL_PLAYLIST_MAX_SIZE bytes) and parses it as sl_playlist_parse()
 * does.  open()/read() failures come back in err with errno's text.
 */
sl_playlist_t *sl_playlist_read(sl_pool_t *pool, const sl_str_t *name,
    u_char *err, size_t size);

/*
 * The play order: each pass plays the wrapper (if any), the main
 * entries in order, then the wrapper again; there are pl->passes passes,
 * or no end for SL_PLAYLIST_FOREVER.  Sets *e to the next entry and
 * advances pos: SL_OK; or sets *e to NULL: SL_DONE when every pass is
 * played.  A position past the end of the pass (kept across a reload
 * to a shorter playlist) goes on with the next pass.
 */
sl_int_t sl_playlist_next(const sl_playlist_t *pl, sl_playlist_pos_t *pos,
    const sl_playlist_entry_t **e);

#endif /* SL_PLAYLIST_H */
