/* The MP4 reader (ISO/IEC 14496-12 and 14496-14): H.264 and AAC tracks. */

#include <sl_config.h>
#include <sl_core.h>


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
#define SL_MP4_MAX_CONFIG   4096           /* avcC or esds */
#define SL_MP4_MAX_DEPTH    8              /* moov/trak/mdia/minf/stbl/... */
#define SL_MP4_MAX_DTS      ((int64_t) 1 << 52)   /* no overflow in µs */
#define SL_MP4_MAX_MSEC     ((int64_t) 1 << 40)

#define sl_mp4_type(a, b, c, d)                                               \
    (((uint32_t) (a) << 24) | ((b) << 16) | ((c) << 8) | (d))

#define SL_MP4_FTYP  sl_mp4_type('f', 't', 'y', 'p')
#define SL_MP4_MOOV  sl_mp4_type('m', 'o', 'o', 'v')
#define SL_MP4_MDAT  sl_mp4_type('m', 'd', 'a', 't')
#define SL_MP4_FREE  sl_mp4_type('f', 'r', 'e', 'e')
#define SL_MP4_SKIP  sl_mp4_type('s', 'k', 'i', 'p')
#define SL_MP4_WIDE  sl_mp4_type('w', 'i', 'd', 'e')
#define SL_MP4_TRAK  sl_mp4_type('t', 'r', 'a', 'k')
#define SL_MP4_MDIA  sl_mp4_type('m', 'd', 'i', 'a')
#define SL_MP4_MDHD  sl_mp4_type('m', 'd', 'h', 'd')
#define SL_MP4_HDLR  sl_mp4_type('h', 'd', 'l', 'r')
#define SL_MP4_MINF  sl_mp4_type('m', 'i', 'n', 'f')
#define SL_MP4_STBL  sl_mp4_type('s', 't', 'b', 'l')
#define SL_MP4_STSD  sl_mp4_type('s', 't', 's', 'd')
#define SL_MP4_STTS  sl_mp4_type('s', 't', 't', 's')
#define SL_MP4_CTTS  sl_mp4_type('c', 't', 't', 's')
#define SL_MP4_STSS  sl_mp4_type('s', 't', 's', 's')
#define SL_MP4_STSZ  sl_mp4_type('s', 't', 's', 'z')
#define SL_MP4_STSC  sl_mp4_type('s', 't', 's', 'c')
#define SL_MP4_STCO  sl_mp4_type('s', 't', 'c', 'o')
#define SL_MP4_CO64  sl_mp4_type('c', 'o', '6', '4')
#define SL_MP4_VIDE  sl_mp4_type('v', 'i', 'd', 'e')
#define SL_MP4_SOUN  sl_mp4_type('s', 'o', 'u', 'n')
#define SL_MP4_AVC1  sl_mp4_type('a', 'v', 'c', '1')
#define SL_MP4_AVC3  sl_mp4_type('a', 'v', 'c', '3')
#define SL_MP4_AVCC  sl_mp4_type('a', 'v', 'c', 'C')
#define SL_MP4_MP4A  sl_mp4_type('m', 'p', '4', 'a')
#define SL_MP4_ESDS  sl_mp4_type('e', 's', 'd', 's')
#define SL_MP4_WAVE  sl_mp4_type('w', 'a', 'v', 'e')


typedef struct {
    uint32_t         type;
    off_t            body;             /* of the payload */
    off_t            end;
} sl_mp4_box_t;

/* a table in the file, and a cache of some of its entries */
typedef struct {
    off_t            off;              /* of entry 0 */
    uint32_t         n;
    uint16_t         esize;            /* bytes per entry */
    uint16_t         cap;              /* bytes of buf */
    uint32_t         first;            /* the first entry in buf */
    uint32_t         cached;           /* entries in buf */
    u_char          *buf;
} sl_mp4_table_t;

typedef struct {
    sl_uint_t        track;            /* in mf->tracks */
    uint32_t         timescale;
    uint32_t         nsamples;
    uint32_t         sample_size;      /* stsz: all samples, 0 varying */

    sl_mp4_table_t   stts;
    sl_mp4_table_t   ctts;
    sl_mp4_table_t   stss;
    sl_mp4_table_t   stsz;
    sl_mp4_table_t   stsc;
    sl_mp4_table_t   stco;             /* or co64, esize 8 */

    /* the cursor: the next sample */
    uint32_t         sample;
    int64_t          dts;
    int64_t          next_us;          /* dts in microseconds */
    uint32_t         stts_i;
    uint32_t         stts_left;
    uint32_t         stts_delta;
    uint32_t         ctts_i;
    uint32_t         ctts_left;
    int32_t          ctts_off;
    uint32_t         stss_i;
    uint32_t         stss_next;        /* 1-based; 0: no more */
    uint32_t         stsc_i;
    uint32_t         stsc_spc;         /* samples per chunk */
    uint32_t         stsc_next;        /* first chunk (1-based) of the next */
    uint32_t         chunk;            /* 0-based */
    uint32_t         chunk_left;       /* samples left in the chunk */
    off_t            pos;              /* of the next sample */
} sl_mp4_trak_t;

typedef struct {
    sl_mp4_trak_t   *traks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t        ntraks;
    u_char          *big;              /* samples over SL_MEDIA_BUF_SIZE */
    size_t           big_size;
} sl_mp4_t;

/* what open() gathers from one trak before keeping it */
typedef struct {
    uint32_t         handler;
    uint32_t         timescale;
    int64_t          duration;
    sl_media_track_t tr;
    sl_mp4_trak_t    t;
    unsigned         has_stts:1;
    unsigned         has_stsz:1;
    unsigned         has_stsc:1;
    unsigned         has_stco:1;
} sl_mp4_parse_t;


static const uint32_t  sl_mp4_aac_rates[] = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
    11025, 8000, 7350
};


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


/*
 * Reads the box header at off inside a parent ending at end
 * (ISO/IEC 14496-12 §4.2): a 32-bit size, 1 for a 64-bit size after
 * the type, 0 for "to the end of the parent".  SL_OK, SL_DONE when
 * no box starts at off, SL_ERROR when the box does not fit its parent.
 */
static sl_int_t
sl_mp4_box(sl_media_file_t *mf, off_t off, off_t end, sl_mp4_box_t *b)
{
    u_char    *p;
    ssize_t    n;
    uint64_t   size;
    off_t      hlen;

    if (end - off < 8) {
        if (off == end) {
            return SL_DONE;
        }

        mf->error = "truncated box header";
        return SL_ERROR;
    }

    n = sl_media_read_at(mf, off, 16, &p);
    if (n < 8) {
        mf->error = "truncated box header";
        return SL_ERROR;
    }

    size = sl_media_be32(p);
    b->type = sl_media_be32(p + 4);
    hlen = 8;

    if (size == 1) {
        if (n < 16 || end - off < 16) {
            mf->error = "truncated box header";
            return SL_ERROR;
        }

        size = sl_media_be64(p + 8);
        hlen = 16;

    } else if (size == 0) {
        size = (uint64_t) (end - off);
    }

    if (size < (uint64_t) hlen || size > (uint64_t) (end - off)) {
        mf->error = "box size outside its parent";
        return SL_ERROR;
    }

    b->body = off + hlen;
    b->end = off + (off_t) size;

    return SL_OK;
}


/* the first len bytes of a box body, all of them or SL_ERROR */
static u_char *
sl_mp4_body(sl_media_file_t *mf, sl_mp4_box_t *b, size_t len)
{
    u_char   *p;
    ssize_t   n;

    if (b->end - b->body < (off_t) len) {
        mf->error = "box too short";
        return NULL;
    }

    n = sl_media_read_at(mf, b->body, len, &p);
    if (n < (ssize_t) len) {
        mf->error = "box too short";
        return NULL;
    }

    return p;
}


/*
 * A table box: a full box header, for stsz the constant sample size,
 * the entry count, then entries of esize bytes, which must fit the box.
 * The cache of cap bytes is allocated when the track is kept.
 */
static sl_int_t
sl_mp4_table(sl_media_file_t *mf, sl_mp4_box_t *b, sl_mp4_table_t *t,
    size_t esize, size_t cap, sl_uint_t is_stsz, uint32_t *sample_size)
{
    u_char   *p;
    size_t    hlen;

    hlen = is_stsz ? 12 : 8;

    p = sl_mp4_body(mf, b, hlen);
    if (p == NULL) {
        return SL_ERROR;
    }

    if (is_stsz) {
        *sample_size = sl_media_be32(p + 4);
    }

    t->off = b->body + hlen;
    t->n = sl_media_be32(p + hlen - 4);
    t->esize = (uint16_t) esize;
    t->cap = (uint16_t) cap;
    t->first = 0;
    t->cached = 0;

    if (is_stsz && *sample_size) {
        /* no table: the count is the number of samples */
        t->cap = 0;
        return SL_OK;
    }

    if ((uint64_t) t->n * esize > (uint64_t) (b->end - t->off)) {
        mf->error = "table larger than its box";
        return SL_ERROR;
    }

    return SL_OK;
}


/* entry i of a table, through its cache; NULL past the count or on error */
static u_char *
sl_mp4_entry(sl_media_file_t *mf, sl_mp4_table_t *t, uint32_t i)
{
    u_char    *p;
    size_t     len;
    ssize_t    n;
    uint32_t   count;

    if (i >= t->n) {
        mf->error = "sample table index out of range";
        return NULL;
    }

    if (i >= t->first && i - t->first < t->cached) {
        return t->buf + (size_t) (i - t->first) * t->esize;
    }

    count = t->cap / t->esize;
    if (count > t->n - i) {
        count = t->n - i;
    }

    len = (size_t) count * t->esize;

    n = sl_media_read_at(mf, t->off + (off_t) i * t->esize, len, &p);
    if (n < (ssize_t) len) {
        mf->error = "sample table past the end of the file";
        t->cached = 0;
        return NULL;
    }

    sl_memcpy(t->buf, p, len);
    t->first = i;
    t->cached = count;

    return t->buf;
}


/* AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): rate and channels */
static sl_int_t
sl_mp4_asc(sl_media_track_t *tr)
{
    u_char     buf[8];
    uint64_t   bits;
    uint32_t   aot, idx;
    sl_uint_t  pos;

    sl_memzero(buf, sizeof(buf));
    sl_memcpy(buf, tr->config, sl_min(tr->config_len, sizeof(buf)));

    bits = sl_media_be64(buf);
    pos = 0;

#define sl_mp4_bits(n)                                                        \
    (pos += (n), (uint32_t) ((bits >> (64 - pos)) & ((1u << (n)) - 1)))

    aot = sl_mp4_bits(5);

    if (aot == 31) {
        aot = 32 + sl_mp4_bits(6);
    }

    idx = sl_mp4_bits(4);

    if (idx == 0x0f) {
        tr->sample_rate = sl_mp4_bits(24);

    } else if (idx < sl_nelems(sl_mp4_aac_rates)) {
        tr->sample_rate = sl_mp4_aac_rates[idx];

    } else {
        return SL_ERROR;
    }

    tr->channels = sl_mp4_bits(4);

#undef sl_mp4_bits

    if ((pos + 7) / 8 > tr->config_len || tr->sample_rate == 0) {
        return SL_ERROR;
    }

    return SL_OK;
}


/* an expandable descriptor length (ISO/IEC 14496-1 §8.3.3) */
static sl_int_t
sl_mp4_desc(u_char **pp, u_char *last, uint32_t *tag, uint32_t *len)
{
    u_char     *p;
    uint32_t    n;
    sl_uint_t   i;

    p = *pp;

    if (p >= last) {
        return SL_ERROR;
    }

    *tag = *p++;
    n = 0;

    for (i = 0; i < 4; i++) {
        if (p >= last) {
            return SL_ERROR;
        }

        n = (n << 7) | (*p & 0x7f);

        if ((*p++ & 0x80) == 0) {
            break;
        }
    }

    if (n > (uint32_t) (last - p)) {
        return SL_ERROR;
    }

    *len = n;
    *pp = p;

    return SL_OK;
}


/*
 * esds (ISO/IEC 14496-14 §5.6): ES_Descriptor, DecoderConfigDescriptor
 * with objectTypeIndication, DecoderSpecificInfo = AudioSpecificConfig.
 * Sets tr->codec to AAC (0x40, 0x66-0x68) or MPA (0x69, 0x6b); other
 * objects leave it SL_CODEC_NONE.
 */
static sl_int_t
sl_mp4_esds(sl_media_file_t *mf, sl_mp4_box_t *b, sl_media_track_t *tr)
{
    u_char    *p, *last, *dlast;
    size_t     len;
    uint32_t   tag, n, flags, oti;

    len = (size_t) (b->end - b->body);
    if (len > SL_MP4_MAX_CONFIG) {
        mf->error = "esds too large";
        return SL_ERROR;
    }

    p = sl_mp4_body(mf, b, len);
    if (p == NULL || len < 4) {
        mf->error = "esds too short";
        return SL_ERROR;
    }

    last = p + len;
    p += 4;

    if (sl_mp4_desc(&p, last, &tag, &n) != SL_OK || tag != 0x03 || n < 3) {
        goto invalid;
    }

    last = p + n;
    flags = p[2];
    p += 3;

    if (flags & 0x80) {
        p += 2;
    }

    if (flags & 0x40) {
        if (p >= last) {
            goto invalid;
        }

        p += 1 + *p;
    }

    if (flags & 0x20) {
        p += 2;
    }

    if (p > last) {
        goto invalid;
    }

    if (sl_mp4_desc(&p, last, &tag, &n) != SL_OK || tag != 0x04 || n < 13) {
        goto invalid;
    }

    dlast = p + n;
    oti = p[0];
    p += 13;

    if (oti == 0x69 || oti == 0x6b) {
        tr->codec = SL_CODEC_MPA;
        return SL_OK;
    }

    if (oti != 0x40 && (oti < 0x66 || oti > 0x68)) {
        return SL_OK;
    }

    if (sl_mp4_desc(&p, dlast, &tag, &n) != SL_OK || tag != 0x05 || n < 2) {
        goto invalid;
    }

    tr->config = sl_pnalloc(mf->pool, n);
    if (tr->config == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    sl_memcpy(tr->config, p, n);
    tr->config_len = n;

    if (sl_mp4_asc(tr) != SL_OK) {
        mf->error = "invalid AudioSpecificConfig";
        return SL_ERROR;
    }

    tr->codec = SL_CODEC_AAC;

    return SL_OK;

invalid:

    mf->error = "invalid esds";
    return SL_ERROR;
}


/* avcC (ISO/IEC 14496-15 §5.3.3.1): kept whole as the track's config */
static sl_int_t
sl_mp4_avcc(sl_media_file_t *mf, sl_mp4_box_t *b, sl_media_track_t *tr)
{
    u_char  *p;
    size_t   len;

    len = (size_t) (b->end - b->body);
    if (len < 7 || len > SL_MP4_MAX_CONFIG) {
        mf->error = "invalid avcC size";
        return SL_ERROR;
    }

    p = sl_mp4_body(mf, b, len);
    if (p == NULL) {
        return SL_ERROR;
    }

    if (p[0] != 1 || (p[4] & 0x03) == 2) {
        mf->error = "invalid avcC";
        return SL_ERROR;
    }

    tr->config = sl_pnalloc(mf->pool, len);
    if (tr->config == NULL) {
        mf->error = "out of memory";
        return SL_ERROR;
    }

    sl_memcpy(tr->config, p, len);
    tr->config_len = len;
    tr->nal_length_size = (p[4] & 0x03) + 1;
    tr->codec = SL_CODEC_H264;

    return SL_OK;
}


/*
 * stsd (ISO/IEC 14496-12 §8.5.2): the first sample entry only.  avc1
 * and avc3 (VisualSampleEntry, 78 bytes before the child boxes) with
 * avcC; mp4a (AudioSampleEntry, 28 bytes; 44 or 64 for QuickTime
 * versions 1 and 2) with esds, directly or inside wave.  Another entry
 * leaves the codec SL_CODEC_NONE and the track is skipped.
 */
static sl_int_t
sl_mp4_stsd(sl_media_file_t *mf, sl_mp4_box_t *stsd, sl_media_track_t *tr)
{
    u_char        *p;
    off_t          off, skip;
    sl_int_t       rc;
    sl_uint_t      depth;
    sl_mp4_box_t   entry, b, parent;

    p = sl_mp4_body(mf, stsd, 8);
    if (p == NULL) {
        return SL_ERROR;
    }

    if (sl_media_be32(p + 4) == 0) {
        return SL_OK;
    }

    if (sl_mp4_box(mf, stsd->body + 8, stsd->end, &entry) != SL_OK) {
        if (mf->error == NULL) {
            mf->error = "empty stsd";
        }
        return SL_ERROR;
    }

    if (entry.type == SL_MP4_AVC1 || entry.type == SL_MP4_AVC3) {
        p = sl_mp4_body(mf, &entry, 78);
        if (p == NULL) {
            return SL_ERROR;
        }

        tr->width = sl_media_be16(p + 24);
        tr->height = sl_media_be16(p + 26);
        skip = 78;

    } else if (entry.type == SL_MP4_MP4A) {
        p = sl_mp4_body(mf, &entry, 28);
        if (p == NULL) {
            return SL_ERROR;
        }

        tr->channels = sl_media_be16(p + 16);
        tr->sample_rate = sl_media_be16(p + 24);

        switch (sl_media_be16(p + 8)) {
        case 1:
            skip = 44;
            break;
        case 2:
            skip = 64;
            break;
        default:
            skip = 28;
        }

    } else {
        return SL_OK;
    }

    parent = entry;
    off = entry.body + skip;

    for (depth = 0; depth < 2; depth++) {

        for ( ;; ) {
            rc = sl_mp4_box(mf, off, parent.end, &b);

            if (rc == SL_DONE) {
                return SL_OK;
            }

            if (rc != SL_OK) {
                /* trailing bytes in a sample entry: no codec box */
                mf->error = NULL;
                return SL_OK;
            }

            if (b.type == SL_MP4_AVCC && entry.type != SL_MP4_MP4A) {
                return sl_mp4_avcc(mf, &b, tr);
            }

            if (b.type == SL_MP4_ESDS && entry.type == SL_MP4_MP4A) {
                return sl_mp4_esds(mf, &b, tr);
            }

            if (b.type == SL_MP4_WAVE && entry.type == SL_MP4_MP4A) {
                break;
            }

            off = b.end;
        }

        parent = b;
        off = b.body;
    }

    return SL_OK;
}


/* one box of a trak, found by walking its tree (mdia, minf, stbl) */
static sl_int_t
sl_mp4_trak_box(sl_media_file_t *mf, sl_mp4_box_t *b, sl_mp4_parse_t *ps)
{
    u_char    *p;
    uint32_t   dummy;

    switch (b->type) {

    case SL_MP4_MDHD:
        p = sl_mp4_body(mf, b, (b->end - b->body >= 32) ? 32 : 24);
        if (p == NULL || (p[0] == 1 && b->end - b->body < 32) || p[0] > 1) {
            mf->error = "invalid mdhd";
            return SL_ERROR;
        }

        if (p[0] == 1) {
            ps->timescale = sl_media_be32(p + 20);
            ps->duration = (int64_t) (sl_media_be64(p + 24) & INT64_MAX);

        } else {
            ps->timescale = sl_media_be32(p + 12);
            ps->duration = sl_media_be32(p + 16);
        }

        return SL_OK;

    case SL_MP4_HDLR:
        p = sl_mp4_body(mf, b, 12);
        if (p == NULL) {
            return SL_ERROR;
        }

        ps->handler = sl_media_be32(p + 8);
        return SL_OK;

    case SL_MP4_STSD:
        return sl_mp4_stsd(mf, b, &ps->tr);

    case SL_MP4_STTS:
        ps->has_stts = 1;
        return sl_mp4_table(mf, b, &ps->t.stts, 8, 128, 0, NULL);

    case SL_MP4_CTTS:
        return sl_mp4_table(mf, b, &ps->t.ctts, 8, 256, 0, NULL);

    case SL_MP4_STSS:
        return sl_mp4_table(mf, b, &ps->t.stss, 4, 128, 0, NULL);

    case SL_MP4_STSZ:
        ps->has_stsz = 1;
        return sl_mp4_table(mf, b, &ps->t.stsz, 4, 256, 1,
                            &ps->t.sample_size);

    case SL_MP4_STSC:
        ps->has_stsc = 1;
        return sl_mp4_table(mf, b, &ps->t.stsc, 12, 120, 0, NULL);

    case SL_MP4_STCO:
    case SL_MP4_CO64:
        ps->has_stco = 1;
        return sl_mp4_table(mf, b, &ps->t.stco,
                            b->type == SL_MP4_STCO ? 4 : 8, 256, 0, &dummy);
    }

    return SL_OK;
}


static sl_int_t
sl_mp4_walk(sl_media_file_t *mf, sl_mp4_box_t *parent, sl_mp4_parse_t *ps,
    sl_uint_t depth)
{
    off_t         off;
    sl_int_t      rc;
    sl_mp4_box_t  b;

    if (depth > SL_MP4_MAX_DEPTH) {
        mf->error = "boxes nested too deep";
        return SL_ERROR;
    }

    for (off = parent->body; ; off = b.end) {
        rc = sl_mp4_box(mf, off, parent->end, &b);

        if (rc == SL_DONE) {
            return SL_OK;
        }

        if (rc != SL_OK) {
            return rc;
        }

        if (b.type == SL_MP4_MDIA || b.type == SL_MP4_MINF
            || b.type == SL_MP4_STBL)
        {
            rc = sl_mp4_walk(mf, &b, ps, depth + 1);

        } else {
            rc = sl_mp4_trak_box(mf, &b, ps);
        }

        if (rc != SL_OK) {
            return rc;
        }
    }
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
