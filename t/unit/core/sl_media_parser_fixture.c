/* Feeding media parsers in pieces: see sl_media_parser_fixture.h. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_media_parser_fixture.h"


/* a unit into the run: its bytes copied, the parser's state noted */
static sl_int_t
sl_mparse_keep(sl_mparse_run_t *run, sl_media_parser_t *p,
    const sl_media_unit_t *mu, sl_uint_t *cap)
{
    sl_mparse_unit_t  *u, *units;

    if (run->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;

        units = realloc(run->units, *cap * sizeof(sl_mparse_unit_t));
        if (units == NULL) {
            return SL_ERROR;
        }

        run->units = units;
    }

    if (p->tracks_changed) {
        p->tracks_changed = 0;
        run->tracks_changes++;
    }

    if (p->title_changed) {
        p->title_changed = 0;
        run->title_changes++;
    }

    u = &run->units[run->n++];
    sl_memzero(u, sizeof(sl_mparse_unit_t));

    u->off = run->len;
    u->len = mu->len;
    u->dts = mu->dts;
    u->pts = mu->pts;
    u->duration = mu->duration;
    u->keyframe = mu->keyframe;
    u->ntracks = p->ntracks;
    u->track = p->tracks[0];
    u->tracks_changes = run->tracks_changes;
    u->title_changes = run->title_changes;

    sl_memcpy(run->data + run->len, mu->data, mu->len);
    run->len += mu->len;

    return SL_OK;
}


sl_int_t
sl_mparse_run(const char *format, const u_char *in, size_t len,
    size_t piece, size_t max, uint32_t seed, sl_log_t *log,
    sl_mparse_run_t *run)
{
    size_t              off, n;
    sl_int_t            rc;
    sl_uint_t           cap;
    sl_pool_t          *pool;
    sl_media_unit_t     mu;
    sl_media_parser_t  *p;

    sl_memzero(run, sizeof(sl_mparse_run_t));

    run->data = malloc(len + 1);
    if (run->data == NULL) {
        return SL_ERROR;
    }

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, log);
    if (pool == NULL) {
        return SL_ERROR;
    }

    p = sl_media_parser_create(pool, format, log);
    if (p == NULL) {
        sl_destroy_pool(pool);
        return SL_ERROR;
    }

    cap = 0;
    rc = SL_OK;

    for (off = 0; off < len && rc == SL_OK && !run->error; off += n) {

        if (piece == SL_MPARSE_RANDOM) {
            seed = seed * 1103515245 + 12345;
            n = 1 + (seed >> 8) % (max ? max : 1);

        } else {
            n = piece ? piece : len;
        }

        n = sl_min(n, len - off);

        if (sl_media_parser_feed(p, in + off, n) != SL_OK) {
            run->feed_failed = 1;
            break;
        }

        while (sl_media_parser_next(p, &mu) == SL_OK) {
            if (mu.len == 0 || mu.data < p->buf
                || mu.data + mu.len > p->buf + p->size
                || run->len + mu.len > len)
            {
                run->error = "a unit not in the buffer, or more out than in";
                break;
            }

            rc = sl_mparse_keep(run, p, &mu, &cap);
            if (rc != SL_OK) {
                break;
            }
        }
    }

    if (p->title_changed) {
        run->title_changes++;
    }

    run->skipped = p->bytes_skipped;
    run->title_len = p->title.len;
    sl_memcpy(run->title, p->title.data, p->title.len);

    sl_destroy_pool(pool);

    return rc;
}


void
sl_mparse_free(sl_mparse_run_t *run)
{
    free(run->units);
    free(run->data);
    run->units = NULL;
    run->data = NULL;
}


const char *
sl_mparse_diff(const sl_mparse_run_t *a, const sl_mparse_run_t *b)
{
    sl_uint_t                i;
    const char              *what;
    const sl_mparse_unit_t  *x, *y;
    static char              msg[64];

    if (a->n != b->n) {
        snprintf(msg, sizeof(msg), "%lu units, not %lu",
                 (unsigned long) b->n, (unsigned long) a->n);
        return msg;
    }

    for (i = 0; i < a->n; i++) {
        x = &a->units[i];
        y = &b->units[i];

        if (x->len != y->len
            || memcmp(a->data + x->off, b->data + y->off, x->len) != 0)
        {
            what = "bytes";

        } else if (x->dts != y->dts || x->pts != y->pts
                   || x->duration != y->duration)
        {
            what = "times";

        } else if (x->keyframe != y->keyframe) {
            what = "keyframe";

        } else if (x->ntracks != y->ntracks
                   || x->track.codec != y->track.codec
                   || x->track.timescale != y->track.timescale
                   || x->track.sample_rate != y->track.sample_rate
                   || x->track.channels != y->track.channels
                   || x->track.bitrate != y->track.bitrate
                   || x->tracks_changes != y->tracks_changes)
        {
            what = "track";

        } else if (x->title_changes != y->title_changes) {
            what = "title changes";

        } else {
            continue;
        }

        snprintf(msg, sizeof(msg), "unit %lu: %s", (unsigned long) i, what);
        return msg;
    }

    if (a->skipped != b->skipped) {
        return "bytes skipped";
    }

    if (a->title_len != b->title_len
        || memcmp(a->title, b->title, a->title_len) != 0)
    {
        return "title";
    }

    return NULL;
}


const char *
sl_mparse_splits(const char *format, const u_char *in, size_t len,
    const sl_mparse_run_t *ref, const size_t *pieces, sl_uint_t npieces,
    sl_uint_t nrandom, size_t max, sl_log_t *log)
{
    size_t            piece;
    sl_uint_t         i;
    const char       *diff;
    sl_mparse_run_t   run;
    static char       msg[128];

    for (i = 0; i < npieces + nrandom; i++) {
        piece = (i < npieces) ? pieces[i] : SL_MPARSE_RANDOM;

        if (sl_mparse_run(format, in, len, piece, max, i * 7919 + 1, log,
                          &run)
            != SL_OK)
        {
            diff = "no run";

        } else if (run.error) {
            diff = run.error;

        } else if (run.feed_failed) {
            diff = "a feed failed";

        } else {
            diff = sl_mparse_diff(ref, &run);
        }

        sl_mparse_free(&run);

        if (diff) {
            if (piece == SL_MPARSE_RANDOM) {
                snprintf(msg, sizeof(msg), "random pieces, seed %lu: %s",
                         (unsigned long) (i * 7919 + 1), diff);

            } else {
                snprintf(msg, sizeof(msg), "pieces of %zu: %s", piece,
                         diff);
            }

            return msg;
        }
    }

    return NULL;
}
