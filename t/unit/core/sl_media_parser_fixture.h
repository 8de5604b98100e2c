/*
 * Feeding media parsers in pieces, shared by the unit tests and the
 * parser fuzz target (so no CUnit here): a run feeds a stream to a new
 * parser in pieces of a fixed or random size and keeps a copy of every
 * unit it gives, with what the parser told about it.  Whatever the
 * pieces, a parser must give the same units: sl_mparse_same().
 */

#ifndef SL_MEDIA_PARSER_FIXTURE_H
#define SL_MEDIA_PARSER_FIXTURE_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_MPARSE_RANDOM  ((size_t) -1)    /* pieces of 1 to max bytes */


typedef struct {
    size_t               off;          /* of its bytes in run->data */
    size_t               len;
    int64_t              dts;
    int64_t              pts;
    int64_t              duration;
    sl_uint_t            keyframe;
    sl_media_track_t     track;        /* tracks[0] when it came out */
    sl_uint_t            ntracks;
    sl_uint_t            tracks_changes;    /* seen up to this unit */
    sl_uint_t            title_changes;
} sl_mparse_unit_t;

typedef struct {
    sl_mparse_unit_t    *units;
    sl_uint_t            n;
    u_char              *data;         /* the units' bytes in a row */
    size_t               len;
    uint64_t             skipped;      /* bytes_skipped at the end */
    sl_uint_t            tracks_changes;
    sl_uint_t            title_changes;
    u_char               title[SL_MEDIA_PARSER_TITLE_MAX];
    size_t               title_len;    /* the last title */
    sl_uint_t            feed_failed;
    const char          *error;        /* a unit broke the interface */
} sl_mparse_run_t;


/*
 * Feeds the len bytes at in to a new parser of format, in pieces of
 * piece bytes (0: all at once; SL_MPARSE_RANDOM: 1 to max bytes, from
 * seed), taking every unit after each piece.  SL_OK, or SL_ERROR when
 * there is no such parser or memory ran out; a failed feed ends the run
 * with feed_failed set, a unit that is empty, not in the parser's buffer
 * or more than was fed, with error set.  Free with sl_mparse_free().
 */
sl_int_t sl_mparse_run(const char *format, const u_char *in, size_t len,
    size_t piece, size_t max, uint32_t seed, sl_log_t *log,
    sl_mparse_run_t *run);
void sl_mparse_free(sl_mparse_run_t *run);

/* the first difference between two runs ("unit 3 dts"), NULL if none */
const char *sl_mparse_diff(const sl_mparse_run_t *a,
    const sl_mparse_run_t *b);

/*
 * Runs the stream again in pieces of each size of pieces[] (npieces),
 * then in nrandom runs of random pieces of 1 to max bytes, comparing
 * each run with ref: the first difference ("pieces of 7: unit 3:
 * times"), or NULL.
 */
const char *sl_mparse_splits(const char *format, const u_char *in,
    size_t len, const sl_mparse_run_t *ref, const size_t *pieces,
    sl_uint_t npieces, sl_uint_t nrandom, size_t max, sl_log_t *log);

#endif /* SL_MEDIA_PARSER_FIXTURE_H */
