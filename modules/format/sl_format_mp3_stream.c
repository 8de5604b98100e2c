/* The MP3 parser: MPEG audio frames and ID3v2 titles from a byte stream. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_format_mp3.h"


#define SL_MP3_ID3_KEEP       (64 * 1024)    /* bytes of a tag read */
#define SL_MP3_TEXT_MAX       SL_MEDIA_PARSER_TITLE_MAX


typedef struct {
    uint32_t         ref;              /* a header of the frames in sync;
                                          0: looking for sync */
    int64_t          samples;          /* dts of the next frame */
} sl_mp3_stream_t;


static sl_int_t sl_mp3_stream_id3(const u_char *p, size_t len,
    size_t *size);
static void sl_mp3_stream_drop(sl_media_parser_t *p, size_t n);
static sl_int_t sl_mp3_stream_sync(sl_media_parser_t *p,
    sl_mp3_stream_t *ms);
static sl_uint_t sl_mp3_stream_frame(sl_media_parser_t *p,
    sl_mp3_stream_t *ms, sl_media_mpa_header_t *fh, sl_media_unit_t *mu);
static void sl_mp3_id3_title(sl_media_parser_t *p, u_char *tag,
    size_t len);


sl_int_t
sl_mp3_parse_init(sl_media_parser_t *p)
{
    if (p->priv == NULL) {
        p->priv = sl_palloc(p->pool, sizeof(sl_mp3_stream_t));
        if (p->priv == NULL) {
            return SL_ERROR;
        }
    }

    sl_memzero(p->priv, sizeof(sl_mp3_stream_t));

    return SL_OK;
}


/*
 * One frame per unit, as the file reader gives them.  In sync, the next
 * frame is taken when its header (of the same version, layer and rate)
 * and its bytes are there; an ID3v2 tag between frames is read for its
 * title and skipped as it arrives; anything else loses sync.  Without
 * sync, sl_mp3_stream_sync() drops garbage up to a confirmed frame.
 */
sl_int_t
sl_mp3_parse(sl_media_parser_t *p, sl_media_unit_t *mu)
{
    size_t            avail, size;
    uint32_t          h;
    sl_int_t          rc;
    sl_mp3_stream_t  *ms;
    sl_media_mpa_header_t   fh;

    ms = p->priv;

    for ( ;; ) {
        avail = p->last - p->pos;

        rc = sl_mp3_stream_id3(p->pos, avail, &size);

        if (rc == SL_AGAIN) {
            return SL_AGAIN;
        }

        if (rc == SL_OK) {
            if (avail < sl_min(size, SL_MP3_ID3_KEEP)) {
                return SL_AGAIN;
            }

            sl_mp3_id3_title(p, p->pos, sl_min(size, SL_MP3_ID3_KEEP));
            sl_media_parser_skip(p, size);
            continue;
        }

        if (ms->ref) {
            if (avail < 4) {
                return SL_AGAIN;
            }

            h = sl_media_be32(p->pos);

            if (sl_mp3_valid(h, ms->ref, &fh) == SL_OK) {
                if (avail < fh.len) {
                    return SL_AGAIN;
                }

                if (sl_mp3_stream_frame(p, ms, &fh, mu)) {
                    return SL_OK;
                }

                continue;
            }

            /* garbage, or a frame of another rate: confirm it first */
            ms->ref = 0;
        }

        if (sl_mp3_stream_sync(p, ms) != SL_OK) {
            return SL_AGAIN;
        }
    }
}


/*
 * Does an ID3v2 tag start at p, len bytes: SL_OK with *size, the whole
 * tag; SL_AGAIN when the bytes so far may begin one; SL_DECLINED.  In a
 * stream "ID3" may as well be garbage, and a false tag would skip what
 * follows: versions 2.2 to 2.4 only, no undefined flags.
 */
static sl_int_t
sl_mp3_stream_id3(const u_char *p, size_t len, size_t *size)
{
    static const u_char  undefined[] = { 0x3f, 0x1f, 0x0f };

    if (memcmp(p, "ID3", sl_min(len, 3)) != 0) {
        return SL_DECLINED;
    }

    if (len > 3 && (p[3] < 2 || p[3] > 4)) {
        return SL_DECLINED;
    }

    if (len > 5 && (p[5] & undefined[p[3] - 2])) {
        return SL_DECLINED;
    }

    if (len < 10) {
        return SL_AGAIN;
    }

    *size = sl_mp3_id3v2(p, len);

    return *size ? SL_OK : SL_DECLINED;
}


/*
 * Looks for sync from p->pos: a valid frame header whose frame is
 * followed by a header of the same version, layer and rate, or by an
 * ID3v2 tag (a false sync in garbage seldom passes both).  An ID3v2 tag
 * found first ends the search too.  The bytes before either are garbage,
 * dropped.  SL_OK with ms->ref set or a tag at p->pos; SL_AGAIN when a
 * candidate needs more bytes (those before it dropped) or none was found
 * (all dropped but the last 3, which may begin one).
 */
static sl_int_t
sl_mp3_stream_sync(sl_media_parser_t *p, sl_mp3_stream_t *ms)
{
    size_t           i, avail, next, size;
    u_char          *q;
    uint32_t         h;
    sl_int_t         rc;
    sl_media_mpa_header_t  fh, nh;

    q = p->pos;
    avail = p->last - p->pos;

    for (i = 0; i + 4 <= avail; i++) {

        if (q[i] == 'I') {
            rc = sl_mp3_stream_id3(q + i, avail - i, &size);

            if (rc != SL_DECLINED) {
                sl_mp3_stream_drop(p, i);
                return rc;
            }

            continue;
        }

        if (q[i] != 0xff || (q[i + 1] & 0xe0) != 0xe0) {
            continue;
        }

        h = sl_media_be32(q + i);

        if (sl_media_mpa_header(h, &fh) != SL_OK) {
            continue;
        }

        next = i + fh.len;

        if (next + 4 > avail) {
            sl_mp3_stream_drop(p, i);
            return SL_AGAIN;
        }

        rc = (sl_mp3_valid(sl_media_be32(q + next), h, &nh) == SL_OK)
             ? SL_OK : sl_mp3_stream_id3(q + next, avail - next, &size);

        if (rc == SL_AGAIN) {
            sl_mp3_stream_drop(p, i);
            return SL_AGAIN;
        }

        if (rc == SL_OK) {
            sl_mp3_stream_drop(p, i);
            ms->ref = h;
            return SL_OK;
        }
    }

    sl_mp3_stream_drop(p, avail > 3 ? avail - 3 : 0);

    return SL_AGAIN;
}


/* n bytes of garbage at p->pos */
static void
sl_mp3_stream_drop(sl_media_parser_t *p, size_t n)
{
    p->pos += n;
    p->bytes_skipped += n;
}


/*
 * The frame at p->pos (fh->len bytes there) into mu, or 0 for a Xing,
 * Info or VBRI frame (an encoder's first), which carries no audio and is
 * dropped.  The track is described again when the rate or the channels
 * change; the dts, in samples of the rate as in the file reader, then
 * goes on from the same time in the new rate.
 */
static sl_uint_t
sl_mp3_stream_frame(sl_media_parser_t *p, sl_mp3_stream_t *ms,
    sl_media_mpa_header_t *fh, sl_media_unit_t *mu)
{
    sl_mp3_vbr_t       vbr;
    sl_media_track_t  *tr;

    if (sl_mp3_vbr_tag(fh, p->pos, fh->len, &vbr)) {
        p->pos += fh->len;
        return 0;
    }

    tr = &p->tracks[0];

    if (p->ntracks == 0 || tr->sample_rate != fh->sample_rate
        || tr->channels != fh->channels)
    {
        if (p->ntracks && tr->sample_rate != fh->sample_rate) {
            ms->samples = ms->samples * fh->sample_rate / tr->sample_rate;
        }

        sl_memzero(tr, sizeof(sl_media_track_t));
        tr->codec = SL_CODEC_MPA;
        tr->timescale = fh->sample_rate;
        tr->duration = -1;
        tr->bitrate = fh->bitrate;
        tr->sample_rate = fh->sample_rate;
        tr->channels = fh->channels;

        p->ntracks = 1;
        p->tracks_changed = 1;
    }

    mu->track = 0;
    mu->dts = ms->samples;
    mu->pts = ms->samples;
    mu->duration = fh->spf;
    mu->keyframe = 1;
    mu->data = p->pos;
    mu->len = fh->len;

    p->pos += fh->len;
    ms->samples += fh->spf;

    return 1;
}


/* a 28-bit syncsafe integer (ID3v2.4 structure §6.2) */
static size_t
sl_mp3_id3_syncsafe(const u_char *p)
{
    return ((size_t) (p[0] & 0x7f) << 21) | ((p[1] & 0x7f) << 14)
           | ((p[2] & 0x7f) << 7) | (p[3] & 0x7f);
}


/* undoes unsynchronisation in place (§6.1): 0xff 0x00 stands for 0xff */
static size_t
sl_mp3_id3_unsync(u_char *p, size_t len)
{
    size_t  i, n;

    for (i = 0, n = 0; i < len; i++) {
        p[n++] = p[i];

        if (p[i] == 0xff && i + 1 < len && p[i + 1] == 0x00) {
            i++;
        }
    }

    return n;
}


/*
 * Appends code point c as UTF-8 before last; controls are left out.
 * Returns the new end, or NULL when c does not fit.
 */
static u_char *
sl_mp3_utf8_put(u_char *d, u_char *last, uint32_t c)
{
    if (c < 0x20 || c == 0x7f) {
        return d;
    }

    if (c < 0x80) {
        if (last - d < 1) {
            return NULL;
        }

        *d++ = (u_char) c;

    } else if (c < 0x800) {
        if (last - d < 2) {
            return NULL;
        }

        *d++ = (u_char) (0xc0 | (c >> 6));
        *d++ = (u_char) (0x80 | (c & 0x3f));

    } else if (c < 0x10000) {
        if (last - d < 3) {
            return NULL;
        }

        *d++ = (u_char) (0xe0 | (c >> 12));
        *d++ = (u_char) (0x80 | ((c >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (c & 0x3f));

    } else {
        if (last - d < 4) {
            return NULL;
        }

        *d++ = (u_char) (0xf0 | (c >> 18));
        *d++ = (u_char) (0x80 | ((c >> 12) & 0x3f));
        *d++ = (u_char) (0x80 | ((c >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (c & 0x3f));
    }

    return d;
}


/* the code point at *s (UTF-8, before end), U+FFFD when malformed */
static uint32_t
sl_mp3_utf8_next(const u_char **s, const u_char *end)
{
    uint32_t       c, min;
    sl_uint_t      n, k;
    const u_char  *q;

    q = *s;
    c = *q++;
    *s = q;

    if (c < 0x80) {
        return c;
    }

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        c &= 0x1f;
        min = 0x80;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        c &= 0x0f;
        min = 0x800;

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        c &= 0x07;
        min = 0x10000;

    } else {
        return 0xfffd;
    }

    if ((size_t) (end - q) < n) {
        return 0xfffd;
    }

    for (k = 0; k < n; k++) {
        if ((q[k] & 0xc0) != 0x80) {
            return 0xfffd;
        }

        c = (c << 6) | (q[k] & 0x3f);
    }

    *s = q + n;

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) {
        return 0xfffd;
    }

    return c;
}


/*
 * The first string of a text frame (ID3v2.4 frames §4.2: an encoding
 * byte, then text up to a NUL or the end) as UTF-8 into out, cap bytes
 * at most, cut on a character boundary.  Encodings (§4): 0 ISO-8859-1,
 * 1 UTF-16 with a BOM (big-endian without), 2 UTF-16BE, 3 UTF-8.
 * Returns the length.
 */
static size_t
sl_mp3_id3_text(const u_char *s, size_t n, u_char *out, size_t cap)
{
    u_char        *d, *q, *last;
    uint32_t       c, c2;
    sl_uint_t      enc, le;
    const u_char  *end;

    if (n < 2) {
        return 0;
    }

    enc = s[0];
    end = s + n;
    s++;

    d = out;
    last = out + cap;
    le = 0;

    if (enc == 1 && end - s >= 2) {
        if (s[0] == 0xff && s[1] == 0xfe) {
            le = 1;
            s += 2;

        } else if (s[0] == 0xfe && s[1] == 0xff) {
            s += 2;
        }
    }

    while (s < end) {

        switch (enc) {

        case 0:
            c = *s++;
            break;

        case 1:
        case 2:
            if (end - s < 2) {
                return d - out;
            }

            c = le ? ((s[1] << 8) | s[0]) : ((s[0] << 8) | s[1]);
            s += 2;

            if (c >= 0xd800 && c < 0xdc00 && end - s >= 2) {
                c2 = le ? ((s[1] << 8) | s[0]) : ((s[0] << 8) | s[1]);

                if (c2 >= 0xdc00 && c2 < 0xe000) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
                    s += 2;
                }
            }

            if (c >= 0xd800 && c < 0xe000) {
                c = 0xfffd;                 /* a lone surrogate */
            }

            break;

        case 3:
            if (*s == 0) {
                return d - out;
            }

            c = sl_mp3_utf8_next(&s, end);
            break;

        default:
            return 0;
        }

        if (c == 0) {
            break;
        }

        q = sl_mp3_utf8_put(d, last, c);

        if (q == NULL) {
            break;                          /* full */
        }

        d = q;
    }

    return d - out;
}


/*
 * The text of frame data d (n bytes) with frame flags ff, in a tag of
 * version ver with tag flags tf, into out; 0 for a compressed or an
 * encrypted frame.  ID3v2.3 §3.3.1, ID3v2.4 structure §4.1.2: the group
 * byte and the data length come before the data, in the order of their
 * flags.
 */
static size_t
sl_mp3_id3_frame(sl_uint_t ver, u_char tf, u_char ff, u_char *d, size_t n,
    u_char *out)
{
    if (ver == 3) {
        if (ff & 0xc0) {
            return 0;
        }

        if (ff & 0x20) {
            if (n < 1) {
                return 0;
            }

            d++;
            n--;
        }

    } else if (ver == 4) {
        if (ff & 0x0c) {
            return 0;
        }

        if (ff & 0x40) {
            if (n < 1) {
                return 0;
            }

            d++;
            n--;
        }

        if (ff & 0x01) {
            if (n < 4) {
                return 0;
            }

            d += 4;
            n -= 4;
        }

        if ((ff & 0x02) || (tf & 0x80)) {
            n = sl_mp3_id3_unsync(d, n);
        }
    }

    return sl_mp3_id3_text(d, n, out, SL_MP3_TEXT_MAX);
}


/*
 * Reads the title and the artist (TIT2 and TPE1; TT2 and TP1 in v2.2) of
 * the ID3v2 tag at tag, of which len bytes are here (a long tag is cut:
 * frames past len are not read), and sets the title to "Artist - Title"
 * or the one of them there is.  ID3v2.3 §3; ID3v2.4 structure §3, §4.
 * Unsynchronisation is undone in place: the tag is skipped next.
 */
static void
sl_mp3_id3_title(sl_media_parser_t *p, u_char *tag, size_t len)
{
    size_t     hlen, size, n, tlen, alen;
    u_char    *q, *end, *d, tf, ff;
    sl_uint_t  ver;
    u_char     title[SL_MP3_TEXT_MAX], artist[SL_MP3_TEXT_MAX];
    u_char     text[2 * SL_MP3_TEXT_MAX + 3];

    ver = tag[3];
    tf = tag[5];
    q = tag + 10;
    end = tag + len;

    if (ver == 2 && (tf & 0x40)) {
        return;                         /* compressed: never specified */
    }

    if ((tf & 0x80) && ver < 4) {
        end = q + sl_mp3_id3_unsync(q, end - q);
    }

    if (ver > 2 && (tf & 0x40)) {
        if (end - q < 4) {
            return;
        }

        /* its size: v2.3 leaves out its own 4 bytes, v2.4 is syncsafe */
        n = (ver == 3) ? (size_t) sl_media_be32(q) + 4
                       : sl_mp3_id3_syncsafe(q);

        if (n > (size_t) (end - q)) {
            return;
        }

        q += n;
    }

    hlen = (ver == 2) ? 6 : 10;
    tlen = 0;
    alen = 0;

    /* frames up to the padding (a zero byte) or the end */

    while ((size_t) (end - q) >= hlen && q[0] != 0) {

        if (ver == 2) {
            size = sl_media_be24(q + 3);
            ff = 0;

        } else if (ver == 3 || ((q[4] | q[5] | q[6] | q[7]) & 0x80)) {
            /* a v2.4 size that is not syncsafe: some writers do that */
            size = sl_media_be32(q + 4);
            ff = q[9];

        } else {
            size = sl_mp3_id3_syncsafe(q + 4);
            ff = q[9];
        }

        d = q + hlen;

        if (size > (size_t) (end - d)) {
            break;
        }

        if (ver == 2 ? memcmp(q, "TT2", 3) == 0 : memcmp(q, "TIT2", 4) == 0) {
            tlen = sl_mp3_id3_frame(ver, tf, ff, d, size, title);

        } else if (ver == 2 ? memcmp(q, "TP1", 3) == 0
                            : memcmp(q, "TPE1", 4) == 0)
        {
            alen = sl_mp3_id3_frame(ver, tf, ff, d, size, artist);
        }

        q = d + size;
    }

    if (tlen && alen) {
        d = sl_cpymem(text, artist, alen);
        d = sl_cpymem(d, " - ", 3);
        d = sl_cpymem(d, title, tlen);
        sl_media_parser_set_title(p, text, d - text);

    } else if (tlen) {
        sl_media_parser_set_title(p, title, tlen);

    } else if (alen) {
        sl_media_parser_set_title(p, artist, alen);
    }
}
