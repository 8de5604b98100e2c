/* Counted strings, number and unit parsing, formatted output. */

#include <sl_config.h>
#include <sl_core.h>


int
sl_str_eq(const sl_str_t *s, const char *text)
{
    size_t  n;

    n = strlen(text);

    return s->len == n && (n == 0 || memcmp(s->data, text, n) == 0);
}


int
sl_str_caseeq(const sl_str_t *s, const char *text)
{
    size_t  n;

    n = strlen(text);

    if (s->len != n) {
        return 0;
    }

    return sl_strncasecmp(s->data, (const u_char *) text, n) == 0;
}


/* like strncasecmp(3), ASCII only: stops at n bytes or a common NUL */
sl_int_t
sl_strncasecmp(const u_char *s1, const u_char *s2, size_t n)
{
    sl_uint_t  c1, c2;

    while (n--) {
        c1 = sl_tolower(*s1);
        c2 = sl_tolower(*s2);

        if (c1 != c2) {
            return (sl_int_t) c1 - (sl_int_t) c2;
        }

        if (c1 == 0) {
            return 0;
        }

        s1++;
        s2++;
    }

    return 0;
}


u_char *
sl_strlchr(u_char *p, u_char *last, u_char c)
{
    while (p < last) {

        if (*p == c) {
            return p;
        }

        p++;
    }

    return NULL;
}


/*
 * Copies at most n - 1 bytes of src, stopping at its NUL, and always
 * terminates dst when n > 0.  Returns the position of the NUL written.
 */
u_char *
sl_cpystrn(u_char *dst, const u_char *src, size_t n)
{
    if (n == 0) {
        return dst;
    }

    while (--n) {
        *dst = *src;

        if (*dst == '\0') {
            return dst;
        }

        dst++;
        src++;
    }

    *dst = '\0';

    return dst;
}


sl_int_t
sl_atoi(const u_char *line, size_t n)
{
    sl_int_t  value, cutoff, cutlim;

    if (n == 0) {
        return SL_ERROR;
    }

    cutoff = SL_MAX_INT_T_VALUE / 10;
    cutlim = SL_MAX_INT_T_VALUE % 10;

    for (value = 0; n--; line++) {

        if (*line < '0' || *line > '9') {
            return SL_ERROR;
        }

        if (value > cutoff || (value == cutoff && *line - '0' > cutlim)) {
            return SL_ERROR;
        }

        value = value * 10 + (*line - '0');
    }

    return value;
}


sl_int_t
sl_hextoi(const u_char *line, size_t n)
{
    u_char    c, ch;
    sl_int_t  value, cutoff;

    if (n == 0) {
        return SL_ERROR;
    }

    cutoff = SL_MAX_INT_T_VALUE / 16;

    for (value = 0; n--; line++) {

        if (value > cutoff) {
            return SL_ERROR;
        }

        ch = *line;

        if (ch >= '0' && ch <= '9') {
            value = value * 16 + (ch - '0');
            continue;
        }

        c = (u_char) (ch | 0x20);

        if (c >= 'a' && c <= 'f') {
            value = value * 16 + (c - 'a' + 10);
            continue;
        }

        return SL_ERROR;
    }

    return value;
}


ssize_t
sl_parse_size(const sl_str_t *line)
{
    size_t    len;
    ssize_t   scale, max;
    sl_int_t  size;

    len = line->len;

    if (len == 0) {
        return SL_ERROR;
    }

    switch (line->data[len - 1]) {

    case 'K':
    case 'k':
        len--;
        scale = 1024;
        break;

    case 'M':
    case 'm':
        len--;
        scale = 1024 * 1024;
        break;

    case 'G':
    case 'g':
        len--;
        scale = 1024 * 1024 * 1024;
        break;

    default:
        scale = 1;
    }

    size = sl_atoi(line->data, len);
    if (size == SL_ERROR) {
        return SL_ERROR;
    }

    max = (ssize_t) (SL_MAX_INT_T_VALUE / scale);

    if ((ssize_t) size > max) {
        return SL_ERROR;
    }

    return (ssize_t) size * scale;
}


/*
 * Parses a time: one or more "<digits><unit>" parts with units in
 * strictly decreasing order (w d h m s ms), or digits alone meaning
 * seconds.  The sum is kept in milliseconds and checked against
 * overflow at every step.  Returns milliseconds, or seconds when is_sec
 * (then a value that is not a whole number of seconds is an error).
 */
sl_int_t
sl_parse_time(const sl_str_t *line, sl_uint_t is_sec)
{
    u_char       *p, *last, *start;
    sl_int_t      value, total, scale, max;
    sl_uint_t     rank, prev;

    p = line->data;
    last = p + line->len;

    if (p == last) {
        return SL_ERROR;
    }

    max = SL_MAX_INT_T_VALUE;
    total = 0;
    prev = 7;

    while (p < last) {

        start = p;

        while (p < last && *p >= '0' && *p <= '9') {
            p++;
        }

        value = sl_atoi(start, p - start);
        if (value == SL_ERROR) {
            return SL_ERROR;
        }

        if (p == last) {
            /* a bare number: seconds, only when it is the whole value */
            if (start != line->data) {
                return SL_ERROR;
            }

            scale = 1000;
            rank = 1;

        } else {

            switch (*p++) {

            case 'w':
                scale = 7 * 24 * 60 * 60 * 1000LL;
                rank = 6;
                break;

            case 'd':
                scale = 24 * 60 * 60 * 1000LL;
                rank = 5;
                break;

            case 'h':
                scale = 60 * 60 * 1000;
                rank = 4;
                break;

            case 'm':
                if (p < last && *p == 's') {
                    p++;
                    scale = 1;
                    rank = 0;

                } else {
                    scale = 60 * 1000;
                    rank = 2;
                }

                break;

            case 's':
                scale = 1000;
                rank = 1;
                break;

            default:
                return SL_ERROR;
            }
        }

        if (rank >= prev) {
            return SL_ERROR;
        }

        prev = rank;

        if (value > max / scale) {
            return SL_ERROR;
        }

        value *= scale;

        if (total > max - value) {
            return SL_ERROR;
        }

        total += value;
    }

    if (is_sec) {
        if (total % 1000) {
            return SL_ERROR;
        }

        return total / 1000;
    }

    return total;
}


u_char *
sl_slprintf(u_char *buf, u_char *last, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = sl_vslprintf(buf, last, fmt, args);
    va_end(args);

    return p;
}


/*
 * vsnprintf(3) into [buf, last): the text is always NUL terminated, so
 * at most last - buf - 1 bytes are written; returns the position of the
 * terminating NUL (buf itself when there is no room or on error).
 */
u_char *
sl_vslprintf(u_char *buf, u_char *last, const char *fmt, va_list args)
{
    int     n;
    size_t  size;

    if (buf >= last) {
        return buf;
    }

    size = last - buf;

    n = vsnprintf((char *) buf, size, fmt, args);

    if (n < 0) {
        *buf = '\0';
        return buf;
    }

    if ((size_t) n >= size) {
        return buf + size - 1;
    }

    return buf + n;
}


size_t
sl_escape_uri(u_char *dst, const u_char *src, size_t len)
{
    u_char       c;
    size_t       i, n;
    static const u_char  hex[] = "0123456789ABCDEF";

    n = 0;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c > 0x20 && c < 0x7f && strchr("\"<>\\^`{|}", c) == NULL) {
            if (dst) {
                dst[n] = c;
            }

            n++;
            continue;
        }

        if (dst) {
            dst[n] = '%';
            dst[n + 1] = hex[c >> 4];
            dst[n + 2] = hex[c & 0xf];
        }

        n += 3;
    }

    return n;
}


static const u_char  sl_base64_basis[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const u_char  sl_base64url_basis[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


static void
sl_encode_base64_internal(sl_str_t *dst, const sl_str_t *src,
    const u_char *basis, sl_uint_t padding)
{
    u_char        *d;
    size_t         len;
    const u_char  *s;

    s = src->data;
    len = src->len;
    d = dst->data;

    while (len > 2) {
        *d++ = basis[s[0] >> 2];
        *d++ = basis[((s[0] & 0x03) << 4) | (s[1] >> 4)];
        *d++ = basis[((s[1] & 0x0f) << 2) | (s[2] >> 6)];
        *d++ = basis[s[2] & 0x3f];

        s += 3;
        len -= 3;
    }

    if (len) {
        *d++ = basis[s[0] >> 2];

        if (len == 1) {
            *d++ = basis[(s[0] & 0x03) << 4];

            if (padding) {
                *d++ = '=';
            }

        } else {
            *d++ = basis[((s[0] & 0x03) << 4) | (s[1] >> 4)];
            *d++ = basis[(s[1] & 0x0f) << 2];
        }

        if (padding) {
            *d++ = '=';
        }
    }

    dst->len = d - dst->data;
}


void
sl_encode_base64(sl_str_t *dst, const sl_str_t *src)
{
    sl_encode_base64_internal(dst, src, sl_base64_basis, 1);
}


void
sl_encode_base64url(sl_str_t *dst, const sl_str_t *src)
{
    sl_encode_base64_internal(dst, src, sl_base64url_basis, 0);
}


/* the 6-bit value of ch in the alphabet that ends in c62, c63, or -1 */
static int
sl_base64_value(u_char ch, u_char c62, u_char c63)
{
    if (ch >= 'A' && ch <= 'Z') {
        return ch - 'A';
    }

    if (ch >= 'a' && ch <= 'z') {
        return ch - 'a' + 26;
    }

    if (ch >= '0' && ch <= '9') {
        return ch - '0' + 52;
    }

    if (ch == c62) {
        return 62;
    }

    if (ch == c63) {
        return 63;
    }

    return -1;
}


static sl_int_t
sl_decode_base64_internal(sl_str_t *dst, const sl_str_t *src, u_char c62,
    u_char c63)
{
    int            v[4];
    u_char        *d;
    size_t         len, pad, i, k, n;
    const u_char  *s;

    s = src->data;
    len = src->len;

    for (pad = 0; len && s[len - 1] == '='; pad++) {
        len--;
    }

    /* "=" only completes the last quantum; one character is no byte */

    if ((pad && (pad > 2 || (len + pad) % 4 != 0)) || len % 4 == 1) {
        return SL_ERROR;
    }

    d = dst->data;

    for (i = 0; i < len; i += 4) {
        n = sl_min(len - i, 4);

        for (k = 0; k < n; k++) {
            v[k] = sl_base64_value(s[i + k], c62, c63);

            if (v[k] < 0) {
                return SL_ERROR;
            }
        }

        *d++ = (u_char) (v[0] << 2 | v[1] >> 4);

        if (n == 2) {
            if (v[1] & 0x0f) {
                return SL_ERROR;
            }

            break;
        }

        *d++ = (u_char) (v[1] << 4 | v[2] >> 2);

        if (n == 3) {
            if (v[2] & 0x03) {
                return SL_ERROR;
            }

            break;
        }

        *d++ = (u_char) (v[2] << 6 | v[3]);
    }

    dst->len = d - dst->data;

    return SL_OK;
}


sl_int_t
sl_decode_base64(sl_str_t *dst, const sl_str_t *src)
{
    return sl_decode_base64_internal(dst, src, '+', '/');
}


sl_int_t
sl_decode_base64url(sl_str_t *dst, const sl_str_t *src)
{
    return sl_decode_base64_internal(dst, src, '-', '_');
}
