/* MP4 boxes (ISO/IEC 14496-12): a trak's tree, codec configs, tables. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_format_mp4.h>


#define SL_MP4_MAX_CONFIG   4096           /* avcC or esds */
#define SL_MP4_MAX_DEPTH    8              /* moov/trak/mdia/minf/stbl/... */


static const uint32_t  sl_mp4_aac_rates[] = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
    11025, 8000, 7350
};


/*
 * Reads the box header at off inside a parent ending at end
 * (ISO/IEC 14496-12 §4.2): a 32-bit size, 1 for a 64-bit size after
 * the type, 0 for "to the end of the parent".  SL_OK, SL_DONE when
 * no box starts at off, SL_ERROR when the box does not fit its parent.
 */
sl_int_t
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
u_char *
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


/*
 * Walks the boxes of a trak (descending into mdia, minf and stbl, at
 * most SL_MP4_MAX_DEPTH deep) and gathers into ps what open() keeps:
 * timescale, handler, codec config and where each sample table is.
 */
sl_int_t
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
