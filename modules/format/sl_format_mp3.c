/* The MP3 reader: MPEG-1, 2 and 2.5 audio, layers I-III, as raw frames. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_format_mp3.h"


#define SL_MP3_SYNC_MAX       SL_MEDIA_BUF_SIZE  /* junk skipped per resync */
#define SL_MP3_SCAN_CHUNK     4096
#define SL_MP3_ID3V2_MAX      8              /* ID3v2 tags in a row */


typedef struct {
    off_t            first;            /* the first frame (a tag frame?) */
    off_t            start;            /* the first audio frame */
    off_t            end;              /* of the frames: ID3v1, APE go */
    off_t            pos;              /* of the next frame */
    off_t            toc;              /* Xing TOC, 100 bytes; 0: none */
    int64_t          samples;          /* dts of the next frame */
    uint32_t         frames;           /* from Xing or VBRI; 0 unknown */
    uint32_t         bytes;            /* from Xing, for the TOC */
    uint32_t         header;           /* of the first frame */
    uint32_t         bitrate;          /* of the first frame */
    uint32_t         sample_rate;
    uint32_t         spf;
    unsigned         cbr:1;
} sl_format_mp3_t;


static const char  *sl_format_mp3_extensions[] = { "mp3", "mp2", "mpa",
                                                    NULL };

static const char  *sl_format_mp3_content_types[] = { "audio/mpeg",
                                                       "audio/mp3", NULL };

/* a header of the stream whose first header is ref (0: any) */
sl_int_t
sl_mp3_valid(uint32_t h, uint32_t ref, sl_media_mpa_header_t *fh)
{
    if (ref && (h & SL_MP3_SAME_MASK) != (ref & SL_MP3_SAME_MASK)) {
        return SL_ERROR;
    }

    return sl_media_mpa_header(h, fh);
}


/* the size of an ID3v2 tag at p (ID3v2.4 §3.1), 0 when there is none */
size_t
sl_mp3_id3v2(const u_char *p, size_t len)
{
    size_t  size;

    if (len < 10 || p[0] != 'I' || p[1] != 'D' || p[2] != '3'
        || p[3] == 0xff || p[4] == 0xff
        || ((p[6] | p[7] | p[8] | p[9]) & 0x80))
    {
        return 0;
    }

    size = ((size_t) p[6] << 21) | (p[7] << 14) | (p[8] << 7) | p[9];

    return 10 + size + ((p[5] & 0x10) ? 10 : 0);     /* footer */
}


/*
 * How many frames follow each other from off in head (up to 3); the
 * count includes a frame whose end lies at or past the end of head, as
 * the head may be only the start of the file.
 */
static sl_uint_t
sl_format_mp3_run(const u_char *head, size_t len, size_t off,
    sl_uint_t *open_end)
{
    uint32_t         h, ref;
    sl_uint_t        n;
    sl_media_mpa_header_t  fh;

    ref = 0;
    *open_end = 0;

    for (n = 0; n < 3; n++) {

        if (off + 4 > len) {
            *open_end = 1;
            break;
        }

        h = sl_media_be32(head + off);

        if (sl_mp3_valid(h, ref, &fh) != SL_OK) {
            break;
        }

        ref = h;
        off += fh.len;
    }

    return n;
}


/*
 * Scores the head: an ID3v2 tag is skipped; then MPEG audio frames must
 * follow each other at the lengths their headers give.  Three in a row
 * score high; two, when the head ends before the third, less; a tag that
 * reaches past the head is enough for a guess.
 */
static sl_uint_t
sl_format_mp3_probe(const u_char *head, size_t len)
{
    size_t     off, tag, skipped;
    sl_uint_t  i, n, open_end, score;

    off = 0;

    for (i = 0; i < SL_MP3_ID3V2_MAX; i++) {
        tag = sl_mp3_id3v2(head + off, len - off);
        if (tag == 0) {
            break;
        }

        if (tag >= len - off) {
            return 50;
        }

        off += tag;
    }

    for (skipped = 0; off + 4 <= len; off++, skipped++) {

        if (head[off] != 0xff || (head[off + 1] & 0xe0) != 0xe0) {
            continue;
        }

        n = sl_format_mp3_run(head, len, off, &open_end);

        if (n >= 3) {
            score = 90;

        } else if (n == 2 && open_end) {
            score = 70;

        } else if (n == 1 && open_end && skipped == 0) {
            score = 30;

        } else {
            continue;
        }

        /* junk before the first frame: less sure */
        return skipped ? score / 2 : score;
    }

    return 0;
}


/*
 * Finds a frame at or after off (no further than SL_MP3_SYNC_MAX bytes):
 * a valid header of the stream (ref, 0 for any) whose frame fits before
 * mp->end and is followed by another header of the stream or by the end
 * of the frames.  Each step reads a chunk and the longest frame past it,
 * so the next header of a candidate is in the same window.  SL_OK with
 * *found and *fh; SL_DONE when the frames end first; SL_ERROR when no
 * frame is found in range or on a read error.
 */
static sl_int_t
sl_format_mp3_sync(sl_media_file_t *mf, off_t off, uint32_t ref,
    off_t *found, sl_media_mpa_header_t *fh)
{
    off_t             limit;
    size_t            i, next, avail;
    u_char           *p;
    ssize_t           n;
    uint32_t          h;
    sl_format_mp3_t  *mp;
    sl_media_mpa_header_t   nh;

    mp = mf->priv;
    limit = off + SL_MP3_SYNC_MAX;

    while (off < limit) {

        if (off + 4 > mp->end) {
            return SL_DONE;
        }

        n = sl_media_read_at(mf, off, SL_MP3_SCAN_CHUNK + SL_MP3_MAX_FRAME + 4,
                             &p);
        if (n == SL_ERROR) {
            mf->error = "read error";
            return SL_ERROR;
        }

        avail = (size_t) sl_min((off_t) n, mp->end - off);

        for (i = 0; i < SL_MP3_SCAN_CHUNK && i + 4 <= avail; i++) {

            if (p[i] != 0xff || (p[i + 1] & 0xe0) != 0xe0) {
                continue;
            }

            h = sl_media_be32(p + i);

            if (sl_mp3_valid(h, ref, fh) != SL_OK) {
                continue;
            }

            next = i + fh->len;

            if (next > avail) {
                continue;
            }

            if (next + 4 <= avail
                && sl_mp3_valid(sl_media_be32(p + next), ref ? ref : h, &nh)
                   != SL_OK)
            {
                continue;
            }

            if (next + 4 > avail && off + (off_t) next + 4 <= mp->end) {
                /* a short read: the file shrank */
                continue;
            }

            *found = off + i;
            return SL_OK;
        }

        if (avail <= SL_MP3_SCAN_CHUNK + 3) {
            return SL_DONE;
        }

        off += SL_MP3_SCAN_CHUNK;
    }

    mf->error = "lost MPEG audio frame sync";
    return SL_ERROR;
}


/*
 * The frame at off, for reading in order: its header is checked alone
 * (the next one is not needed), and only when it fails is the stream
 * searched again.  SL_OK with *found and *fh, SL_DONE, or SL_ERROR.
 */
static sl_int_t
sl_format_mp3_frame(sl_media_file_t *mf, off_t off, off_t *found,
    sl_media_mpa_header_t *fh)
{
    u_char           *p;
    ssize_t           n;
    sl_format_mp3_t  *mp;

    mp = mf->priv;

    if (off + 4 > mp->end) {
        return SL_DONE;
    }

    n = sl_media_read_at(mf, off, 4, &p);
    if (n != 4) {
        mf->error = "read error";
        return SL_ERROR;
    }

    if (sl_mp3_valid(sl_media_be32(p), mp->header, fh) == SL_OK
        && off + (off_t) fh->len <= mp->end)
    {
        *found = off;
        return SL_OK;
    }

    return sl_format_mp3_sync(mf, off, mp->header, found, fh);
}


/*
 * Reads the VBR tag in the first frame at p (len bytes): a Xing or Info
 * tag after the layer III side info (frames, bytes, TOC, quality, each
 * when its flag is set), or a VBRI tag 32 bytes after the header
 * (Fraunhofer).  Returns 1 when there is one (the frame carries no
 * audio), else 0; *vbr is filled either way (no tag: CBR assumed).
 */
sl_uint_t
sl_mp3_vbr_tag(const sl_media_mpa_header_t *fh, const u_char *p, size_t len,
    sl_mp3_vbr_t *vbr)
{
    size_t    off;
    uint32_t  flags;

    sl_memzero(vbr, sizeof(sl_mp3_vbr_t));
    vbr->cbr = 1;

    off = 4 + fh->side;

    if (off + 8 <= len
        && (memcmp(p + off, "Xing", 4) == 0
            || memcmp(p + off, "Info", 4) == 0))
    {
        vbr->cbr = (p[off] == 'I');

        flags = sl_media_be32(p + off + 4);
        off += 8;

        if (flags & 1) {
            if (off + 4 > len) {
                return 1;
            }

            vbr->frames = sl_media_be32(p + off);
            off += 4;
        }

        if (flags & 2) {
            if (off + 4 > len) {
                return 1;
            }

            vbr->bytes = sl_media_be32(p + off);
            off += 4;
        }

        if ((flags & 4) && off + 100 <= len && vbr->frames && vbr->bytes) {
            vbr->toc = off;
        }

        return 1;
    }

    off = 4 + 32;

    if (off + 26 <= len && memcmp(p + off, "VBRI", 4) == 0) {
        vbr->cbr = 0;
        vbr->frames = sl_media_be32(p + off + 14);
        return 1;
    }

    return 0;
}


/* where the frames end: before an ID3v1 tag and an APEv2 tag */
static off_t
sl_format_mp3_end(sl_media_file_t *mf, off_t start)
{
    off_t      end, size;
    u_char    *p;

    end = mf->size;

    if (end - start >= 128
        && sl_media_read_at(mf, end - 128, 3, &p) == 3
        && memcmp(p, "TAG", 3) == 0)
    {
        end -= 128;
    }

    if (end - start >= 32
        && sl_media_read_at(mf, end - 32, 32, &p) == 32
        && memcmp(p, "APETAGEX", 8) == 0)
    {
        /* little-endian tag size (items and footer), flags: has header */
        size = p[12] | (p[13] << 8) | (p[14] << 16) | ((off_t) p[15] << 24);

        if (p[23] & 0x80) {
            size += 32;
        }

        if (size >= 32 && size <= end - start) {
            end -= size;
        }
    }

    return end;
}


/*
 * Skips ID3v2 tags, finds the first frame and reads its VBR tag: the
 * frame count of a Xing/Info or VBRI tag gives the exact duration, else
 * it comes from the size of the frames and the first frame's bitrate.
 */
static sl_int_t
sl_format_mp3_open(sl_media_file_t *mf)
{
    off_t              off, found;
    u_char            *p;
    size_t             tag;
    ssize_t            n;
    int64_t            samples;
    sl_int_t           rc;
    sl_uint_t          i;
    sl_mp3_vbr_t       vbr;
    sl_format_mp3_t   *mp;
    sl_media_mpa_header_t    fh;
    sl_media_track_t  *tr;

    mp = sl_pcalloc(mf->pool, sizeof(sl_format_mp3_t));
    if (mp == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    mf->priv = mp;

    off = 0;

    for (i = 0; i < SL_MP3_ID3V2_MAX; i++) {
        n = sl_media_read_at(mf, off, 10, &p);
        if (n == SL_ERROR) {
            mf->error = "read error";
            return SL_ERROR;
        }

        tag = sl_mp3_id3v2(p, n);
        if (tag == 0) {
            break;
        }

        if ((off_t) tag > mf->size - off) {
            mf->error = "ID3v2 tag past the end of the file";
            return SL_ERROR;
        }

        off += tag;
    }

    mp->end = sl_format_mp3_end(mf, off);

    rc = sl_format_mp3_sync(mf, off, 0, &found, &fh);

    if (rc != SL_OK) {
        mf->error = "no MPEG audio frame found";
        return SL_ERROR;
    }

    n = sl_media_read_at(mf, found, fh.len, &p);
    if (n != (ssize_t) fh.len) {
        mf->error = "read error";
        return SL_ERROR;
    }

    mp->header = sl_media_be32(p);
    mp->first = found;
    mp->start = found;
    mp->bitrate = fh.bitrate;
    mp->sample_rate = fh.sample_rate;
    mp->spf = fh.spf;
    if (sl_mp3_vbr_tag(&fh, p, n, &vbr)) {
        mp->start = found + fh.len;
    }

    mp->cbr = vbr.cbr;
    mp->frames = vbr.frames;
    mp->bytes = vbr.bytes;
    mp->toc = vbr.toc ? found + (off_t) vbr.toc : 0;

    mp->pos = mp->start;

    tr = &mf->tracks[0];
    mf->ntracks = 1;

    tr->codec = SL_CODEC_MPA;
    tr->timescale = fh.sample_rate;
    tr->sample_rate = fh.sample_rate;
    tr->channels = fh.channels;
    tr->bitrate = fh.bitrate;

    if (mp->frames) {
        samples = (int64_t) mp->frames * fh.spf;

        if (!mp->cbr && mp->bytes) {
            tr->bitrate = (uint32_t) ((int64_t) mp->bytes * 8 * fh.sample_rate
                                      / samples);
        }

    } else {
        samples = (int64_t) (mp->end - mp->start) * 8 * fh.sample_rate
                  / fh.bitrate;
    }

    tr->duration = samples;
    mf->duration_msec = sl_media_to_msec(samples, fh.sample_rate);

    return SL_OK;
}


/*
 * One frame per unit; a Xing/VBRI frame was skipped at open, junk
 * between frames is skipped (bounded), the frames end at an ID3v1 or
 * APEv2 tag, at EOF, or before a frame cut short by the end.
 */
static sl_int_t
sl_format_mp3_read(sl_media_file_t *mf, sl_media_unit_t *mu)
{
    off_t             off;
    u_char           *p;
    ssize_t           n;
    sl_int_t          rc;
    sl_format_mp3_t  *mp;
    sl_media_mpa_header_t   fh;

    mp = mf->priv;

    rc = sl_format_mp3_frame(mf, mp->pos, &off, &fh);
    if (rc != SL_OK) {
        return rc;
    }

    n = sl_media_read_at(mf, off, fh.len, &p);
    if (n != (ssize_t) fh.len) {
        mf->error = "read error";
        return SL_ERROR;
    }

    mu->track = 0;
    mu->dts = mp->samples;
    mu->pts = mp->samples;
    mu->duration = fh.spf;
    mu->keyframe = 1;
    mu->data = p;
    mu->len = fh.len;

    mp->pos = off + fh.len;
    mp->samples += fh.spf;

    return SL_OK;
}


static sl_int_t sl_format_mp3_seek_scan(sl_media_file_t *mf, int64_t target);


/*
 * CBR: frame n starts near n * spf * bitrate / 8 / rate bytes in (the
 * padding byte keeps the average exact).  The search starts a frame
 * early, the index of the frame found comes from its place, and frames
 * are stepped over up to the one asked for.  Where that fails (junk,
 * frames of other bitrates) the frames are counted from the start.
 */
static sl_int_t
sl_format_mp3_seek_cbr(sl_media_file_t *mf, int64_t target)
{
    off_t             off, found, next;
    int64_t           n, m, last, bytes;
    sl_int_t          rc;
    sl_format_mp3_t  *mp;
    sl_media_mpa_header_t   fh, nh;

    mp = mf->priv;

    /* bytes per frame times the rate: frame n at n * bytes / rate */
    bytes = (int64_t) mp->spf * mp->bitrate / 8;

    last = mp->frames ? mp->frames
                      : ((mp->end - mp->start) * mp->sample_rate + bytes / 2)
                        / bytes;

    n = target / mp->spf;

    if (n >= last) {
        n = (last > 0) ? last - 1 : 0;
    }

    off = mp->start + (n > 0 ? (n - 1) * bytes / mp->sample_rate : 0) - 8;

    if (off < mp->start) {
        off = mp->start;
    }

    rc = sl_format_mp3_sync(mf, off, mp->header, &found, &fh);

    if (rc == SL_DONE) {
        return sl_format_mp3_seek_scan(mf, target);
    }

    if (rc != SL_OK) {
        return SL_ERROR;
    }

    m = ((found - mp->start) * mp->sample_rate + bytes / 2) / bytes;

    if (m > n) {
        /* not CBR after all: the time would be passed */
        return sl_format_mp3_seek_scan(mf, target);
    }

    while (m < n) {
        rc = sl_format_mp3_frame(mf, found + fh.len, &next, &nh);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            break;
        }

        found = next;
        fh = nh;
        m++;
    }

    mp->pos = found;
    mp->samples = m * mp->spf;

    return SL_OK;
}


/*
 * VBR with a Xing TOC: entry i is the byte position (in 256ths of the
 * Xing byte count, from the Xing frame) at i% of the duration.  The
 * entry at or before the time is taken, and the frame index is i% of
 * the frame count: the TOC is that coarse.
 */
static sl_int_t
sl_format_mp3_seek_toc(sl_media_file_t *mf, int64_t target)
{
    off_t             off, found;
    u_char           *p;
    int64_t           total;
    sl_int_t          rc;
    sl_uint_t         i;
    sl_format_mp3_t  *mp;
    sl_media_mpa_header_t   fh;

    mp = mf->priv;

    total = (int64_t) mp->frames * mp->spf;
    i = (target >= total) ? 99 : (sl_uint_t) (target * 100 / total);

    if (sl_media_read_at(mf, mp->toc, 100, &p) != 100) {
        mf->error = "read error";
        return SL_ERROR;
    }

    off = mp->first + (off_t) p[i] * mp->bytes / 256;

    if (i == 0 || off < mp->start) {
        off = mp->start;
    }

    rc = sl_format_mp3_sync(mf, off, mp->header, &found, &fh);

    if (rc == SL_ERROR) {
        return SL_ERROR;
    }

    mp->pos = (rc == SL_OK) ? found : mp->end;
    mp->samples = (int64_t) (i * (uint64_t) mp->frames / 100) * mp->spf;

    return SL_OK;
}


/* no TOC: count frames from the start, landing on the last one begun */
static sl_int_t
sl_format_mp3_seek_scan(sl_media_file_t *mf, int64_t target)
{
    off_t             off, found, last;
    int64_t           samples, last_samples;
    sl_int_t          rc;
    sl_format_mp3_t  *mp;
    sl_media_mpa_header_t   fh;

    mp = mf->priv;

    off = mp->start;
    samples = 0;
    last = mp->start;
    last_samples = 0;

    for ( ;; ) {
        rc = sl_format_mp3_frame(mf, off, &found, &fh);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_DONE) {
            break;
        }

        last = found;
        last_samples = samples;

        if (samples + fh.spf > target) {
            break;
        }

        samples += fh.spf;
        off = found + fh.len;
    }

    mp->pos = last;
    mp->samples = last_samples;

    return SL_OK;
}


static sl_int_t
sl_format_mp3_seek(sl_media_file_t *mf, int64_t msec)
{
    int64_t           target;
    sl_int_t          rc;
    sl_format_mp3_t  *mp;

    mp = mf->priv;

    if (msec > mf->duration_msec) {
        msec = mf->duration_msec;           /* the last frame */
    }

    target = (msec > 0) ? sl_media_from_msec(msec, mp->sample_rate) : 0;

    if (target == 0) {
        mp->pos = mp->start;
        mp->samples = 0;
        rc = SL_OK;

    } else if (mp->cbr) {
        rc = sl_format_mp3_seek_cbr(mf, target);

    } else if (mp->toc) {
        rc = sl_format_mp3_seek_toc(mf, target);

    } else {
        rc = sl_format_mp3_seek_scan(mf, target);
    }

    if (rc != SL_OK) {
        return SL_ERROR;
    }

    mf->start_msec = sl_media_to_msec(mp->samples, mp->sample_rate);

    return SL_OK;
}


static const sl_format_t  sl_format_mp3 = {
    .name = "mp3",
    .extensions = sl_format_mp3_extensions,
    .content_types = sl_format_mp3_content_types,
    .window = 8192,             /* a few frames */
    .probe = sl_format_mp3_probe,
    .open = sl_format_mp3_open,
    .seek = sl_format_mp3_seek,
    .read = sl_format_mp3_read,
    .parse_init = sl_mp3_parse_init,
    .parse = sl_mp3_parse,
};


static sl_media_module_t  sl_format_mp3_module_ctx = {
    .format = &sl_format_mp3,
};


sl_module_t  sl_format_mp3_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_format_mp3_module_ctx,
};
