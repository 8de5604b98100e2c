/*
 * Media files: picking the reader, windowed reads, time conversions,
 * avcC; MPEG audio frame headers.
 */

#include <sl_config.h>
#include <sl_core.h>


/* ISO/IEC 11172-3 §2.4.2.3, ISO/IEC 13818-3 §2.4.2.3: kbit/s */
static const uint16_t  sl_media_mpa_bitrates[2][3][15] = {
    {
        { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416,
          448 },
        { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
        { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 }
    },
    {
        { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
        { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
        { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 }
    }
};

static const uint32_t  sl_media_mpa_rates[3] = { 44100, 48000, 32000 };


sl_int_t
sl_media_mpa_header(uint32_t h, sl_media_mpa_header_t *fh)
{
    sl_uint_t  version, layer, br, sr, pad;

    if ((h & 0xffe00000) != 0xffe00000) {
        return SL_ERROR;
    }

    version = (h >> 19) & 3;        /* 0: 2.5, 1: reserved, 2: 2, 3: 1 */
    layer = 4 - ((h >> 17) & 3);    /* 4: reserved */
    br = (h >> 12) & 0xf;
    sr = (h >> 10) & 3;
    pad = (h >> 9) & 1;

    if (version == 1 || layer == 4 || br == 0 || br == 15 || sr == 3) {
        return SL_ERROR;
    }

    fh->lsf = (version != 3);
    fh->bitrate = sl_media_mpa_bitrates[fh->lsf][layer - 1][br] * 1000;
    fh->sample_rate = sl_media_mpa_rates[sr] >> (version == 3 ? 0
                                                 : version == 2 ? 1 : 2);
    fh->channels = ((h >> 6) & 3) == 3 ? 1 : 2;

    switch (layer) {

    case 1:
        fh->spf = 384;
        fh->len = (12 * fh->bitrate / fh->sample_rate + pad) * 4;
        break;

    case 2:
        fh->spf = 1152;
        fh->len = 144 * fh->bitrate / fh->sample_rate + pad;
        break;

    default: /* 3 */
        fh->spf = fh->lsf ? 576 : 1152;
        fh->len = fh->spf / 8 * fh->bitrate / fh->sample_rate + pad;
        break;
    }

    if (fh->lsf) {
        fh->side = (fh->channels == 1) ? 9 : 17;

    } else {
        fh->side = (fh->channels == 1) ? 17 : 32;
    }

    return SL_OK;
}


/* the n-th compiled-in reader, NULL past the last */
const sl_format_t *
sl_media_nth_format(sl_uint_t n)
{
    sl_uint_t           i;
    sl_media_module_t  *mm;

    for (i = 0; sl_modules[i]; i++) {
        if (sl_modules[i]->type != SL_MEDIA_MODULE) {
            continue;
        }

        mm = sl_modules[i]->ctx;

        if (mm->format && n-- == 0) {
            return mm->format;
        }
    }

    return NULL;
}


const sl_format_t *
sl_media_format(const char *name)
{
    sl_uint_t           i;
    const sl_format_t  *f;

    for (i = 0; (f = sl_media_nth_format(i)); i++) {
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }

    return NULL;
}


ssize_t
sl_media_read_at(sl_media_file_t *mf, off_t off, size_t len, u_char **p)
{
    ssize_t  n;

    if (off < 0 || off >= mf->size || len > SL_MEDIA_BUF_SIZE) {
        return (off == mf->size) ? 0 : SL_ERROR;
    }

    if ((off_t) len > mf->size - off) {
        len = (size_t) (mf->size - off);
    }

    if (mf->mem) {
        *p = (u_char *) mf->mem + off;
        return len;
    }

    if (mf->buf == NULL || len > mf->buf_cap) {
        if (mf->buf) {
            (void) sl_pfree(mf->pool, mf->buf);
        }

        mf->buf_cap = sl_max(len, sl_media_window(mf));
        mf->buf_len = 0;

        mf->buf = sl_palloc(mf->pool, mf->buf_cap);
        if (mf->buf == NULL) {
            return SL_ERROR;
        }
    }

    /* inside the window already */
    if (mf->buf_len && off >= mf->buf_off
        && off + (off_t) len <= mf->buf_off + (off_t) mf->buf_len)
    {
        *p = mf->buf + (off - mf->buf_off);
        return len;
    }

    n = pread(mf->fd, mf->buf, mf->buf_cap, off);

    if (n == -1) {
        sl_log_error(SL_LOG_ERR, mf->log, errno, "pread() failed");
        mf->buf_len = 0;
        return SL_ERROR;
    }

    mf->buf_off = off;
    mf->buf_len = n;

    if ((size_t) n < len) {
        /* the file shrank under us */
        len = n;
    }

    *p = mf->buf;

    return len;
}


static const char *
sl_media_extension(const sl_str_t *path)
{
    u_char  *p;

    if (path == NULL) {
        return NULL;
    }

    for (p = path->data + path->len; p > path->data; p--) {
        if (p[-1] == '.') {
            return (const char *) p;
        }

        if (p[-1] == '/') {
            break;
        }
    }

    return NULL;
}


static sl_uint_t
sl_media_has_extension(const sl_format_t *f, const char *ext, size_t len)
{
    sl_uint_t  i;

    if (ext == NULL) {
        return 0;
    }

    for (i = 0; f->extensions[i]; i++) {
        if (strlen(f->extensions[i]) == len
            && strncasecmp(f->extensions[i], ext, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


sl_int_t
sl_media_open(sl_media_file_t *mf, const sl_str_t *path)
{
    size_t              extlen;
    ssize_t             n;
    u_char             *head;
    sl_uint_t           i, score, best_score;
    const char         *ext;
    const sl_format_t  *f, *best;

    n = sl_media_read_at(mf, 0, 4096, &head);
    if (n == SL_ERROR) {
        mf->error = "cannot read";
        return SL_ERROR;
    }

    ext = sl_media_extension(path);
    extlen = ext ? (size_t) (path->data + path->len - (u_char *) ext) : 0;

    best = NULL;
    best_score = 0;

    for (i = 0; (f = sl_media_nth_format(i)); i++) {
        score = f->probe(head, n);

        if (score && sl_media_has_extension(f, ext, extlen)) {
            score += 10;
        }

        if (score > best_score) {
            best = f;
            best_score = score;
        }
    }

    if (best == NULL || best_score < 25) {
        return SL_DECLINED;
    }

    mf->format = best;
    mf->duration_msec = -1;
    mf->start_msec = 0;

    if (best->open(mf) != SL_OK) {
        return SL_ERROR;
    }

    if (best->window && mf->mem == NULL) {
        sl_media_set_window(mf, best->window);
    }

    return SL_OK;
}


void
sl_media_set_window(sl_media_file_t *mf, size_t size)
{
    if (mf->buf && mf->buf_cap != size) {
        (void) sl_pfree(mf->pool, mf->buf);
        mf->buf = NULL;
        mf->buf_cap = 0;
        mf->buf_len = 0;
    }

    mf->window = size;
}


void
sl_media_close(sl_media_file_t *mf)
{
    if (mf->fd != SL_INVALID_FILE) {
        if (close(mf->fd) == -1) {
            sl_log_error(SL_LOG_ALERT, mf->log, errno, "close() media failed");
        }

        mf->fd = SL_INVALID_FILE;
    }
}


int64_t
sl_media_to_msec(int64_t t, uint32_t timescale)
{
    if (timescale == 0) {
        return 0;
    }

    return (t / timescale) * 1000 + (t % timescale) * 1000 / timescale;
}


int64_t
sl_media_from_msec(int64_t msec, uint32_t timescale)
{
    return (msec / 1000) * timescale + (msec % 1000) * timescale / 1000;
}


/*
 * avcC: numOfSequenceParameterSets (low 5 bits of byte 5) SPS, then one
 * byte numOfPictureParameterSets and the PPS, each after a 16-bit length.
 */
sl_int_t
sl_media_avcc_sets(const sl_media_track_t *tr, sl_media_nal_t *nals,
    sl_uint_t max)
{
    size_t         len;
    sl_uint_t      n, i, count, set;
    const u_char  *p, *last;

    if (tr->config == NULL || tr->config_len < 7) {
        return -1;
    }

    p = tr->config + 5;
    last = tr->config + tr->config_len;
    n = 0;

    for (set = 0; set < 2; set++) {
        if (p >= last) {
            return (set == 1) ? (sl_int_t) n : -1;
        }

        count = (set == 0) ? (*p & 0x1f) : *p;
        p++;

        for (i = 0; i < count; i++) {
            if (last - p < 2) {
                return -1;
            }

            len = sl_media_be16(p);
            p += 2;

            if (len == 0 || len > (size_t) (last - p)) {
                return -1;
            }

            if (n < max) {
                nals[n].data = p;
                nals[n].len = len;
                n++;
            }

            p += len;
        }
    }

    return n;
}
