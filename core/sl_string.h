/* Counted strings, number and unit parsing, base64, formatted output. */

#ifndef SL_STRING_H
#define SL_STRING_H

#include <sl_config.h>


typedef struct {
    size_t    len;
    u_char   *data;
} sl_str_t;

typedef struct {
    sl_str_t  key;
    sl_str_t  value;
} sl_keyval_t;

#define sl_string(str)     { sizeof(str) - 1, (u_char *) str }
#define sl_null_string     { 0, NULL }
#define sl_str_set(str, text)                                                 \
    do { (str)->len = sizeof(text) - 1; (str)->data = (u_char *) text; }      \
    while (0)
#define sl_str_null(str)   do { (str)->len = 0; (str)->data = NULL; } while (0)

/* printf a sl_str_t: sl_log_error(..., "\"%.*s\"", SL_STR_ARG(&name)) */
#define SL_STR_FMT         "%.*s"
#define SL_STR_ARG(s)      (int) (s)->len, (const char *) (s)->data

#define sl_tolower(c)      (u_char) ((c >= 'A' && c <= 'Z') ? (c | 0x20) : c)
#define sl_toupper(c)      (u_char) ((c >= 'a' && c <= 'z') ? (c & ~0x20) : c)

#define sl_memzero(buf, n) (void) memset(buf, 0, n)
#define sl_memcpy(dst, src, n)  (void) memcpy(dst, src, n)
#define sl_cpymem(dst, src, n)  (((u_char *) memcpy(dst, src, n)) + (n))
#define sl_strcmp(s1, s2)  strcmp((const char *) s1, (const char *) s2)
#define sl_strlen(s)       strlen((const char *) s)
#define sl_strncmp(s1, s2, n)  strncmp((const char *) s1, (const char *) s2, n)

int sl_str_eq(const sl_str_t *s, const char *text);
int sl_str_caseeq(const sl_str_t *s, const char *text);
sl_int_t sl_strncasecmp(const u_char *s1, const u_char *s2, size_t n);
u_char *sl_strlchr(u_char *p, u_char *last, u_char c);
u_char *sl_cpystrn(u_char *dst, const u_char *src, size_t n);

/*
 * Number parsers: each accepts exactly the given bytes and returns
 * SL_ERROR on anything else (sign, spaces, overflow).
 */
sl_int_t sl_atoi(const u_char *line, size_t n);
sl_int_t sl_hextoi(const u_char *line, size_t n);
/* "512", "4k", "8m", "1g" in bytes; SL_ERROR when malformed or overflows */
ssize_t sl_parse_size(const sl_str_t *line);
/*
 * "500ms", "30s", "5m", "1h", "2d", "1w", "1m30s"; a bare number means
 * seconds.  Returns milliseconds (is_sec == 0) or seconds (is_sec == 1);
 * SL_ERROR when malformed, on overflow or when is_sec and the value has
 * a millisecond part.
 */
sl_int_t sl_parse_time(const sl_str_t *line, sl_uint_t is_sec);

/*
 * Percent-encodes the bytes a URI may not hold as they are (controls,
 * space, '"', '<', '>', '\\', '^', '`', '{', '|', '}' and non-ASCII), keeping
 * '%' and reserved characters.  dst NULL: returns the length needed.
 */
size_t sl_escape_uri(u_char *dst, const u_char *src, size_t len);

/*
 * Base64 (RFC 4648 §4) and base64url (§5).  The encoders write
 * sl_base64_encoded_length(src->len) bytes at most into dst->data and set
 * dst->len: base64 with "=" padding, base64url without.  The decoders
 * take the padding or leave it out, but nothing else: no blanks, no
 * characters of the other alphabet, no "=" but at the end and only to
 * complete the last quantum, and no bits set past the last byte, so that
 * each byte string has one encoding only (§3.5).  dst->data needs
 * sl_base64_decoded_length(src->len) bytes, and no more than src->len
 * are ever written; SL_OK or SL_ERROR (then dst->len is not set).
 */
#define sl_base64_encoded_length(len)  (((len) + 2) / 3 * 4)
#define sl_base64_decoded_length(len)  (((len) + 3) / 4 * 3)

void sl_encode_base64(sl_str_t *dst, const sl_str_t *src);
void sl_encode_base64url(sl_str_t *dst, const sl_str_t *src);
sl_int_t sl_decode_base64(sl_str_t *dst, const sl_str_t *src);
sl_int_t sl_decode_base64url(sl_str_t *dst, const sl_str_t *src);

/* snprintf that returns the end of what was written, never past last */
u_char *sl_slprintf(u_char *buf, u_char *last, const char *fmt, ...)
    sl_printf_like(3, 4);
u_char *sl_vslprintf(u_char *buf, u_char *last, const char *fmt,
    va_list args);

#endif /* SL_STRING_H */
