/* The MP4 reader (ISO/IEC 14496-12 and 14496-14): H.264 and AAC tracks. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_format_mp4.h>


/*
 * The sample tables stay in the file: open() notes where each table
 * starts and how many entries it has, and the reader keeps one cursor
 * per track (the current stts, ctts and stsc runs, the chunk and the
 * offset of the next sample) with a small cache of entries per table,
 * so an open file costs about 2 KB per track whatever the length of
 * the file.  Reading in order touches each table entry once; seeking
 * walks stts, stss and stsc from the start.
 *
 * Samples larger than SL_MEDIA_BUF_SIZE are copied into a buffer of
 * the file's, grown in powers of two up to SL_MP4_MAX_SAMPLE (a large
 * keyframe); a larger sample is an error.  In memory mode samples are
 * never copied.
 */

#define SL_MP4_MAX_SAMPLE   (4 * 1024 * 1024)
#define SL_MP4_MAX_DTS      ((int64_t) 1 << 52)   /* no overflow in µs */
#define SL_MP4_MAX_MSEC     ((int64_t) 1 << 40)


typedef struct {
    sl_mp4_trak_t   *traks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t        ntraks;
    u_char          *big;              /* samples over SL_MEDIA_BUF_SIZE */
    size_t           big_size;
} sl_mp4_t;


static const char  *sl_format_mp4_extensions[] = {
    "mp4", "m4v", "m4a", "mov", "3gp", NULL
};


static sl_uint_t
sl_format_mp4_probe(const u_char *head, size_t len)
{
    uint32_t  type, size;

    if (len < 8) {
        return 0;
    }

    size = sl_media_be32(head);
    type = sl_media_be32(head + 4);

    if (type == SL_MP4_FTYP) {
        return (size >= 8) ? 95 : 0;
    }

    if (type == SL_MP4_MOOV || type == SL_MP4_MDAT || type == SL_MP4_FREE
        || type == SL_MP4_SKIP || type == SL_MP4_WIDE)
    {
        return (size == 0 || size == 1 || size >= 8) ? 60 : 0;
    }

    return 0;
}


/* loads stts entry i into the cursor, skipping empty runs */
static sl_int_t
sl_mp4_stts_load(sl_media_file_t *mf, sl_mp4_trak_t *t)
{
    u_char  *p;

    for ( ;; ) {
        p = sl_mp4_entry(mf, &t->stts, t->stts_i);
        if (p == NULL) {
            mf->error = "stts shorter than stsz";
            return SL_ERROR;
        }

        t->stts_left = sl_media_be32(p);
        t->stts_delta = sl_media_be32(p + 4);

        if (t->stts_left) {
            return SL_OK;
        }

        t->stts_i++;
    }
}


/* loads ctts entry i; past the end (or no ctts) the offset is 0 */
static sl_int_t
sl_mp4_ctts_load(sl_media_file_t *mf, sl_mp4_trak_t *t)
{
    u_char  *p;

    for ( ;; ) {
        if (t->ctts_i >= t->ctts.n) {
            t->ctts_left = UINT32_MAX;
            t->ctts_off = 0;
            return SL_OK;
        }

        p = sl_mp4_entry(mf, &t->ctts, t->ctts_i);
        if (p == NULL) {
            return SL_ERROR;
        }

        t->ctts_left = sl_media_be32(p);

        /* version 1 is signed; version 0 as written by many muxers too */
        t->ctts_off = (int32_t) sl_media_be32(p + 4);

        if (t->ctts_left) {
            return SL_OK;
        }

        t->ctts_i++;
    }
}


static sl_int_t
sl_mp4_stss_load(sl_media_file_t *mf, sl_mp4_trak_t *t)
{
    u_char  *p;

    if (t->stss_i >= t->stss.n) {
        t->stss_next = 0;
        return SL_OK;
    }

    p = sl_mp4_entry(mf, &t->stss, t->stss_i);
    if (p == NULL) {
        return SL_ERROR;
    }

    t->stss_next = sl_media_be32(p);

    return SL_OK;
}


/* stsc entry stsc_i: its samples per chunk, and the next entry's chunk */
static sl_int_t
sl_mp4_stsc_load(sl_media_file_t *mf, sl_mp4_trak_t *t)
{
    u_char    *p;
    uint32_t   first;

    p = sl_mp4_entry(mf, &t->stsc, t->stsc_i);
    if (p == NULL) {
        mf->error = "stsc does not cover the samples";
        return SL_ERROR;
    }

    first = sl_media_be32(p);
    t->stsc_spc = sl_media_be32(p + 4);

    if (first != t->chunk + 1 || t->stsc_spc == 0) {
        mf->error = "invalid stsc";
        return SL_ERROR;
    }

    t->stsc_next = UINT32_MAX;

    if (t->stsc_i + 1 < t->stsc.n) {
        p = sl_mp4_entry(mf, &t->stsc, t->stsc_i + 1);
        if (p == NULL) {
            return SL_ERROR;
        }

        t->stsc_next = sl_media_be32(p);

        if (t->stsc_next <= first) {
            mf->error = "invalid stsc";
            return SL_ERROR;
        }
    }

    return SL_OK;
}


static sl_int_t
sl_mp4_chunk_offset(sl_media_file_t *mf, sl_mp4_trak_t *t)
{
    u_char  *p;

    p = sl_mp4_entry(mf, &t->stco, t->chunk);
    if (p == NULL) {
        mf->error = "stco does not cover the chunks";
        return SL_ERROR;
    }

    t->pos = (t->stco.esize == 8) ? (off_t) (sl_media_be64(p) & INT64_MAX)
                                  : (off_t) sl_media_be32(p);

    if (t->pos > mf->size) {
        mf->error = "chunk past the end of the file";
        return SL_ERROR;
    }

    return SL_OK;
}


static sl_int_t
sl_mp4_sample_size(sl_media_file_t *mf, sl_mp4_trak_t *t, uint32_t i,
    uint32_t *size)
{
    u_char  *p;

    if (t->sample_size) {
        *size = t->sample_size;
        return SL_OK;
    }

    p = sl_mp4_entry(mf, &t->stsz, i);
    if (p == NULL) {
        return SL_ERROR;
    }

    *size = sl_media_be32(p);

    return SL_OK;
}


static int64_t
sl_mp4_us(int64_t t, uint32_t timescale)
{
    if (t / timescale > ((int64_t) 1 << 42)) {
        return (int64_t) 1 << 62;
    }

    return (t / timescale) * 1000000 + (t % timescale) * 1000000 / timescale;
}


/*
 * Puts the cursor of a track on sample k (0-based; k == nsamples is
 * the end): walks stts for its dts, ctts for its offset, stss for the
 * next sync sample, and stsc for its chunk, then adds the sizes of the
 * samples before it in the chunk.
 */
static sl_int_t
sl_mp4_locate(sl_media_file_t *mf, sl_mp4_trak_t *t, uint32_t k)
{
    uint32_t  n, i, size, first;
    uint64_t  chunks, run;

    t->sample = k;
    t->dts = 0;
    t->stts_i = 0;
    t->ctts_i = 0;
    t->stss_i = 0;
    t->stsc_i = 0;
    t->chunk = 0;

    if (k >= t->nsamples) {
        t->sample = t->nsamples;
        return SL_OK;
    }

    /* stts: the run holding k */

    n = 0;

    for ( ;; ) {
        if (sl_mp4_stts_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }

        if (k - n < t->stts_left) {
            run = (uint64_t) (k - n) * t->stts_delta;

            if (run > (uint64_t) (SL_MP4_MAX_DTS - t->dts)) {
                mf->error = "timestamps overflow";
                return SL_ERROR;
            }

            t->stts_left -= k - n;
            t->dts += (int64_t) run;
            break;
        }

        run = (uint64_t) t->stts_left * t->stts_delta;

        if (run > (uint64_t) (SL_MP4_MAX_DTS - t->dts)) {
            mf->error = "timestamps overflow";
            return SL_ERROR;
        }

        n += t->stts_left;
        t->dts += (int64_t) run;
        t->stts_i++;
    }

    t->next_us = sl_mp4_us(t->dts, t->timescale);

    /* ctts */

    n = 0;

    for ( ;; ) {
        if (sl_mp4_ctts_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }

        if (t->ctts_left == UINT32_MAX && t->ctts_i >= t->ctts.n) {
            break;
        }

        if (k - n < t->ctts_left) {
            t->ctts_left -= k - n;
            break;
        }

        n += t->ctts_left;
        t->ctts_i++;
    }

    /* stss: the first sync sample at or after k */

    for ( ;; ) {
        if (sl_mp4_stss_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }

        if (t->stss_next == 0 || t->stss_next > k) {
            break;
        }

        t->stss_i++;
    }

    /* stsc: the chunk of k and the first sample of that chunk */

    n = 0;
    first = 0;

    for ( ;; ) {
        if (sl_mp4_stsc_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }

        chunks = (t->stsc_next == UINT32_MAX) ? UINT32_MAX
                 : (uint64_t) t->stsc_next - 1 - t->chunk;

        if ((uint64_t) (k - n) < chunks * t->stsc_spc) {
            t->chunk += (k - n) / t->stsc_spc;
            first = k - (k - n) % t->stsc_spc;
            t->chunk_left = t->stsc_spc - (k - first);
            break;
        }

        n += (uint32_t) (chunks * t->stsc_spc);
        t->chunk = t->stsc_next - 1;
        t->stsc_i++;
    }

    if (sl_mp4_chunk_offset(mf, t) != SL_OK) {
        return SL_ERROR;
    }

    if (t->sample_size) {
        if ((uint64_t) (k - first) * t->sample_size
            > (uint64_t) (mf->size - t->pos))
        {
            mf->error = "sample past the end of the file";
            return SL_ERROR;
        }

        t->pos += (off_t) (k - first) * t->sample_size;
        return SL_OK;
    }

    for (i = first; i < k; i++) {
        if (sl_mp4_sample_size(mf, t, i, &size) != SL_OK) {
            return SL_ERROR;
        }

        t->pos += size;

        if (t->pos > mf->size) {
            mf->error = "sample past the end of the file";
            return SL_ERROR;
        }
    }

    return SL_OK;
}


/* moves the cursor past the sample just read (of size size) */
static sl_int_t
sl_mp4_advance(sl_media_file_t *mf, sl_mp4_trak_t *t, uint32_t size)
{
    t->sample++;

    if (t->sample >= t->nsamples) {
        return SL_OK;
    }

    t->dts += t->stts_delta;

    if (t->dts > SL_MP4_MAX_DTS) {
        mf->error = "timestamps overflow";
        return SL_ERROR;
    }

    t->next_us = sl_mp4_us(t->dts, t->timescale);

    if (--t->stts_left == 0) {
        t->stts_i++;

        if (sl_mp4_stts_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }
    }

    if (t->ctts_left != UINT32_MAX && --t->ctts_left == 0) {
        t->ctts_i++;

        if (sl_mp4_ctts_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }
    }

    if (t->stss_next && t->stss_next <= t->sample) {
        t->stss_i++;

        if (sl_mp4_stss_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }
    }

    if (--t->chunk_left) {
        t->pos += size;

        if (t->pos > mf->size) {
            mf->error = "sample past the end of the file";
            return SL_ERROR;
        }

        return SL_OK;
    }

    t->chunk++;

    if (t->chunk + 1 == t->stsc_next) {
        t->stsc_i++;

        if (sl_mp4_stsc_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }
    }

    t->chunk_left = t->stsc_spc;

    return sl_mp4_chunk_offset(mf, t);
}


/* keeps a parsed trak when it is complete and of a codec we carry */
static sl_int_t
sl_mp4_keep(sl_media_file_t *mf, sl_mp4_t *mp4, sl_mp4_parse_t *ps)
{
    uint32_t           nsamples;
    sl_uint_t          i;
    sl_mp4_trak_t     *t;
    sl_mp4_table_t    *tb;
    sl_media_track_t  *tr;

    static const size_t  tables[] = {
        offsetof(sl_mp4_trak_t, stts), offsetof(sl_mp4_trak_t, ctts),
        offsetof(sl_mp4_trak_t, stss), offsetof(sl_mp4_trak_t, stsz),
        offsetof(sl_mp4_trak_t, stsc), offsetof(sl_mp4_trak_t, stco)
    };

    if (ps->tr.codec == SL_CODEC_NONE
        || (ps->handler != SL_MP4_VIDE && ps->handler != SL_MP4_SOUN)
        || (ps->tr.codec == SL_CODEC_H264) != (ps->handler == SL_MP4_VIDE)
        || mf->ntracks == SL_MEDIA_MAX_TRACKS)
    {
        return SL_OK;
    }

    if (!ps->has_stts || !ps->has_stsz || !ps->has_stsc || !ps->has_stco) {
        mf->error = "incomplete sample table";
        return SL_ERROR;
    }

    if (ps->timescale == 0) {
        mf->error = "zero timescale";
        return SL_ERROR;
    }

    nsamples = ps->t.stsz.n;

    if (nsamples == 0) {
        /* an empty (fragmented) track */
        return SL_OK;
    }

    t = sl_palloc(mf->pool, sizeof(sl_mp4_trak_t));
    if (t == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    *t = ps->t;
    t->track = mf->ntracks;
    t->timescale = ps->timescale;
    t->nsamples = nsamples;

    if (t->stss.n == 0) {
        /* an empty stss, like none: every sample is a sync sample */
        t->stss.cap = 0;
    }

    for (i = 0; i < sl_nelems(tables); i++) {
        tb = (sl_mp4_table_t *) ((u_char *) t + tables[i]);

        if (tb->cap && tb->n) {
            tb->buf = sl_palloc(mf->pool, tb->cap);
            if (tb->buf == NULL) {
                mf->error = "out of memory";
                return SL_ERROR;
            }
        }
    }

    if (ps->duration > SL_MP4_MAX_DTS) {
        ps->duration = -1;
    }

    tr = &mf->tracks[mf->ntracks];
    *tr = ps->tr;
    tr->timescale = ps->timescale;
    tr->duration = ps->duration;

    if (tr->codec == SL_CODEC_AAC && tr->channels == 0) {
        tr->channels = 2;
    }

    if (sl_mp4_locate(mf, t, 0) != SL_OK) {
        return SL_ERROR;
    }

    mp4->traks[mp4->ntraks++] = t;
    mf->ntracks++;

    if (ps->duration > 0
        && sl_media_to_msec(ps->duration, ps->timescale) > mf->duration_msec)
    {
        mf->duration_msec = sl_media_to_msec(ps->duration, ps->timescale);
    }

    return SL_OK;
}


static sl_int_t
sl_mp4_moov(sl_media_file_t *mf, sl_mp4_t *mp4, sl_mp4_box_t *moov)
{
    off_t           off;
    sl_int_t        rc;
    sl_mp4_box_t    b;
    sl_mp4_parse_t  ps;

    for (off = moov->body; ; off = b.end) {
        rc = sl_mp4_box(mf, off, moov->end, &b);

        if (rc == SL_DONE) {
            return SL_OK;
        }

        if (rc != SL_OK) {
            return rc;
        }

        if (b.type != SL_MP4_TRAK) {
            continue;
        }

        sl_memzero(&ps, sizeof(sl_mp4_parse_t));

        if (sl_mp4_walk(mf, &b, &ps, 0) != SL_OK
            || sl_mp4_keep(mf, mp4, &ps) != SL_OK)
        {
            return SL_ERROR;
        }
    }
}


/*
 * Finds moov among the top-level boxes, before or after mdat, and keeps
 * every H.264 video and AAC (or MP3) audio track it describes.
 */
static sl_int_t
sl_format_mp4_open(sl_media_file_t *mf)
{
    off_t          off;
    sl_int_t       rc;
    sl_mp4_t      *mp4;
    sl_mp4_box_t   b;

    mp4 = sl_pcalloc(mf->pool, sizeof(sl_mp4_t));
    if (mp4 == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    mf->priv = mp4;
    mf->ntracks = 0;
    mf->duration_msec = -1;
    mf->start_msec = 0;
    mf->error = NULL;

    for (off = 0; ; off = b.end) {
        rc = sl_mp4_box(mf, off, mf->size, &b);

        if (rc == SL_DONE) {
            mf->error = "no moov box";
            return SL_ERROR;
        }

        if (rc != SL_OK) {
            return SL_ERROR;
        }

        if (b.type == SL_MP4_MOOV) {
            break;
        }
    }

    if (sl_mp4_moov(mf, mp4, &b) != SL_OK) {
        return SL_ERROR;
    }

    if (mf->ntracks == 0) {
        mf->error = "no H.264 or AAC track";
        return SL_ERROR;
    }

    return SL_OK;
}


/* the last sample whose dts is at or before dts (0 when all are after) */
static sl_int_t
sl_mp4_sample_at(sl_media_file_t *mf, sl_mp4_trak_t *t, int64_t dts,
    uint32_t *sample)
{
    int64_t   start;
    uint32_t  n;
    uint64_t  run;

    n = 0;
    start = 0;
    t->stts_i = 0;

    for ( ;; ) {
        if (n >= t->nsamples) {
            *sample = t->nsamples - 1;
            return SL_OK;
        }

        if (sl_mp4_stts_load(mf, t) != SL_OK) {
            return SL_ERROR;
        }

        run = (uint64_t) t->stts_left * t->stts_delta;

        if (run > (uint64_t) (SL_MP4_MAX_DTS - start)) {
            mf->error = "timestamps overflow";
            return SL_ERROR;
        }

        if ((uint64_t) (dts - start) < run
            || t->stts_left >= t->nsamples - n)
        {
            if (t->stts_delta == 0) {
                *sample = n;

            } else {
                *sample = n + (uint32_t) sl_min((uint64_t) (dts - start)
                                                / t->stts_delta,
                                                (uint64_t) t->stts_left - 1);
            }

            if (*sample >= t->nsamples) {
                *sample = t->nsamples - 1;
            }

            return SL_OK;
        }

        start += (int64_t) run;
        n += t->stts_left;
        t->stts_i++;
    }
}


/* the last sync sample at or before sample k (0-based) */
static sl_int_t
sl_mp4_sync_before(sl_media_file_t *mf, sl_mp4_trak_t *t, uint32_t k,
    uint32_t *sync)
{
    u_char    *p;
    uint32_t   i, s, best;

    if (t->stss.buf == NULL) {
        *sync = k;
        return SL_OK;
    }

    best = 0;

    for (i = 0; i < t->stss.n; i++) {
        p = sl_mp4_entry(mf, &t->stss, i);
        if (p == NULL) {
            return SL_ERROR;
        }

        s = sl_media_be32(p);

        if (s == 0 || s - 1 > k) {
            break;
        }

        best = s - 1;
    }

    *sync = best;

    return SL_OK;
}


/*
 * The video track (the first, if any) goes to the sync sample at or
 * before msec; the others to the sample at or before that sample's
 * time.  Without video every track goes to its sample at or before
 * msec, and start_msec is the earliest of them.
 */
static sl_int_t
sl_format_mp4_seek(sl_media_file_t *mf, int64_t msec)
{
    int64_t         start;
    uint32_t        k;
    sl_uint_t       i;
    sl_mp4_t       *mp4;
    sl_mp4_trak_t  *t, *video;

    mp4 = mf->priv;
    video = NULL;

    if (msec < 0) {
        msec = 0;
    }

    if (msec > SL_MP4_MAX_MSEC) {
        msec = SL_MP4_MAX_MSEC;
    }

    for (i = 0; i < mp4->ntraks; i++) {
        if (mf->tracks[mp4->traks[i]->track].codec == SL_CODEC_H264) {
            video = mp4->traks[i];
            break;
        }
    }

    start = msec;

    if (video) {
        if (sl_mp4_sample_at(mf, video,
                             sl_media_from_msec(msec, video->timescale), &k)
                != SL_OK
            || sl_mp4_sync_before(mf, video, k, &k) != SL_OK
            || sl_mp4_locate(mf, video, k) != SL_OK)
        {
            return SL_ERROR;
        }

        start = sl_media_to_msec(video->dts, video->timescale);
    }

    mf->start_msec = start;

    for (i = 0; i < mp4->ntraks; i++) {
        t = mp4->traks[i];

        if (t == video) {
            continue;
        }

        if (sl_mp4_sample_at(mf, t, sl_media_from_msec(start, t->timescale),
                             &k)
                != SL_OK
            || sl_mp4_locate(mf, t, k) != SL_OK)
        {
            return SL_ERROR;
        }

        if (video == NULL
            && sl_media_to_msec(t->dts, t->timescale) < mf->start_msec)
        {
            mf->start_msec = sl_media_to_msec(t->dts, t->timescale);
        }
    }

    return SL_OK;
}


/* size bytes at off, copied into the big buffer when over the window */
static u_char *
sl_mp4_data(sl_media_file_t *mf, sl_mp4_t *mp4, off_t off, size_t size)
{
    u_char   *p, *big;
    size_t    n, want, new_size;
    ssize_t   got;

    if (off < 0 || off > mf->size || (off_t) size > mf->size - off) {
        mf->error = "sample past the end of the file";
        return NULL;
    }

    if (mf->mem) {
        return (u_char *) mf->mem + off;
    }

    if (size <= SL_MEDIA_BUF_SIZE) {
        got = sl_media_read_at(mf, off, size, &p);
        if (got < (ssize_t) size) {
            mf->error = "sample past the end of the file";
            return NULL;
        }

        return p;
    }

    if (size > SL_MP4_MAX_SAMPLE) {
        mf->error = "sample too large";
        return NULL;
    }

    if (size > mp4->big_size) {
        for (new_size = 2 * SL_MEDIA_BUF_SIZE; new_size < size;
             new_size *= 2)
        { /* void */ }

        big = sl_palloc(mf->pool, new_size);
        if (big == NULL) {
            mf->error = "out of memory";
            return NULL;
        }

        if (mp4->big) {
            sl_pfree(mf->pool, mp4->big);
        }

        mp4->big = big;
        mp4->big_size = new_size;
    }

    for (n = 0; n < size; n += want) {
        want = sl_min(size - n, (size_t) SL_MEDIA_BUF_SIZE);

        got = sl_media_read_at(mf, off + (off_t) n, want, &p);
        if (got < (ssize_t) want) {
            mf->error = "sample past the end of the file";
            return NULL;
        }

        sl_memcpy(mp4->big + n, p, want);
    }

    return mp4->big;
}


static sl_int_t
sl_format_mp4_read(sl_media_file_t *mf, sl_media_unit_t *mu)
{
    off_t           pos;
    uint32_t        size;
    sl_uint_t       i;
    sl_mp4_t       *mp4;
    sl_mp4_trak_t  *t, *best;

    mp4 = mf->priv;
    best = NULL;

    for (i = 0; i < mp4->ntraks; i++) {
        t = mp4->traks[i];

        if (t->sample >= t->nsamples) {
            continue;
        }

        if (best == NULL || t->next_us < best->next_us) {
            best = t;
        }
    }

    if (best == NULL) {
        return SL_DONE;
    }

    t = best;

    if (sl_mp4_sample_size(mf, t, t->sample, &size) != SL_OK) {
        return SL_ERROR;
    }

    pos = t->pos;

    mu->len = size;
    mu->track = t->track;
    mu->dts = t->dts;
    mu->pts = t->dts + t->ctts_off;
    mu->duration = t->stts_delta;
    mu->keyframe = (t->stss.buf == NULL || t->stss_next == t->sample + 1);

    /* the data last: moving the cursor may move the file's window */

    if (sl_mp4_advance(mf, t, size) != SL_OK) {
        return SL_ERROR;
    }

    mu->data = sl_mp4_data(mf, mp4, pos, size);

    return (mu->data != NULL) ? SL_OK : SL_ERROR;
}


static const sl_format_t  sl_format_mp4 = {
    .name = "mp4",
    .extensions = sl_format_mp4_extensions,
    .probe = sl_format_mp4_probe,
    .open = sl_format_mp4_open,
    .seek = sl_format_mp4_seek,
    .read = sl_format_mp4_read,
};


static sl_media_module_t  sl_format_mp4_module_ctx = {
    .format = &sl_format_mp4,
};


sl_module_t  sl_format_mp4_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_format_mp4_module_ctx,
};
