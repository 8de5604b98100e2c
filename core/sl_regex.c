/* PCRE2 regular expressions and values with $1..$9 capture references. */

#include <sl_config.h>
#include <sl_core.h>

#define PCRE2_CODE_UNIT_WIDTH  8
#include <pcre2.h>


static void sl_regex_cleanup(void *data);


/*
 * One match data block for the whole process, grown when a regex or a
 * caller needs more pairs than it holds: matching allocates nothing.
 */
static pcre2_match_data  *sl_regex_match_data;
static uint32_t           sl_regex_match_data_size;

static const char  sl_cv_invalid[] =
    "invalid capture reference, only $1..$9 are known";


/*
 * Compiles rc->pattern (not necessarily NUL-terminated) into a regex
 * allocated from rc->pool; the pcre2_code is freed by a cleanup of that
 * pool.  On failure rc->err points into rc->errbuf, e.g.
 * "pcre2_compile() failed: missing closing parenthesis in "(a" at offset 2".
 */
sl_int_t
sl_regex_compile(sl_regex_compile_t *rc)
{
    int                 n, errcode;
    u_char              msg[128];
    uint32_t            options, captures;
    PCRE2_SIZE          erroff;
    pcre2_code         *code;
    sl_regex_t         *re;
    sl_pool_cleanup_t  *cln;

    options = 0;

    if (rc->options & SL_REGEX_CASELESS) {
        options |= PCRE2_CASELESS;
    }

    rc->regex = NULL;
    sl_str_null(&rc->err);

    code = pcre2_compile((PCRE2_SPTR) rc->pattern.data, rc->pattern.len,
                         options, &errcode, &erroff, NULL);

    if (code == NULL) {
        if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0) {
            (void) snprintf((char *) msg, sizeof(msg), "error %d", errcode);
        }

        n = snprintf((char *) rc->errbuf, sizeof(rc->errbuf),
                     "pcre2_compile() failed: %s in \"%.*s\" at offset %zu",
                     msg, (int) sl_min(rc->pattern.len, (size_t) 64),
                     (const char *) rc->pattern.data, (size_t) erroff);

        rc->err.data = rc->errbuf;
        rc->err.len = (n < 0) ? 0
                              : sl_min((size_t) n, sizeof(rc->errbuf) - 1);

        return SL_ERROR;
    }

    re = sl_pcalloc(rc->pool, sizeof(sl_regex_t));
    if (re == NULL) {
        goto nomem;
    }

    cln = sl_pool_cleanup_add(rc->pool, 0);
    if (cln == NULL) {
        goto nomem;
    }

    cln->handler = sl_regex_cleanup;
    cln->data = code;

    /* a JIT failure (no JIT support, no executable memory) is harmless */
    (void) pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

    if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures) != 0) {
        captures = 0;
    }

    re->code = code;
    re->captures = captures;
    re->pattern = rc->pattern;

    rc->regex = re;

    return SL_OK;

nomem:

    pcre2_code_free(code);

    sl_str_set(&rc->err, "memory allocation failed");

    return SL_ERROR;
}


static void
sl_regex_cleanup(void *data)
{
    pcre2_code_free(data);
}


/*
 * Matches the whole of s against re.  captures (size ints) receives
 * start/end offset pairs, -1 for groups that did not take part.
 * Returns the number of pairs PCRE2 set, limited to size / 2 (1 when
 * size is 0), or SL_DECLINED, or SL_ERROR (also when s is too long for
 * int offsets or the match data block cannot grow).
 */
sl_int_t
sl_regex_exec(const sl_regex_t *re, const sl_str_t *s, int *captures,
    sl_uint_t size)
{
    int          rc;
    uint32_t     need;
    sl_uint_t    i, n;
    PCRE2_SIZE  *ov;

    if (s->len > (size_t) INT_MAX) {
        return SL_ERROR;
    }

    need = (uint32_t) sl_max(re->captures + 1, size / 2);

    if (sl_regex_match_data == NULL || need > sl_regex_match_data_size) {

        if (sl_regex_match_data) {
            pcre2_match_data_free(sl_regex_match_data);
            sl_regex_match_data_size = 0;
        }

        sl_regex_match_data = pcre2_match_data_create(need, NULL);
        if (sl_regex_match_data == NULL) {
            return SL_ERROR;
        }

        sl_regex_match_data_size = need;
    }

    rc = pcre2_match(re->code, (PCRE2_SPTR) s->data, s->len, 0, 0,
                     sl_regex_match_data, NULL);

    if (rc == PCRE2_ERROR_NOMATCH) {
        return SL_DECLINED;
    }

    if (rc < 0) {
        return SL_ERROR;
    }

    if (rc == 0) {
        /* cannot happen: the block holds captures + 1 pairs */
        rc = (int) sl_regex_match_data_size;
    }

    n = sl_min((sl_uint_t) rc, size / 2);
    ov = pcre2_get_ovector_pointer(sl_regex_match_data);

    for (i = 0; i < n; i++) {
        if (ov[2 * i] == PCRE2_UNSET) {
            captures[2 * i] = -1;
            captures[2 * i + 1] = -1;

        } else {
            captures[2 * i] = (int) ov[2 * i];
            captures[2 * i + 1] = (int) ov[2 * i + 1];
        }
    }

    return n ? (sl_int_t) n : 1;
}


/*
 * Splits src into literal parts and capture references: "$1".."$9",
 * "${1}".."${9}", "$$" for a literal "$".  Any other "$" is an error.
 * The source is copied into pool; parts point into the copy.
 */
sl_int_t
sl_complex_value_compile(sl_pool_t *pool, const sl_str_t *src,
    sl_complex_value_t *cv, const char **err)
{
    u_char               *p, *last, *text;
    size_t                i, ref;
    sl_uint_t             n, capture;
    struct sl_cv_part_s  *part;

    sl_memzero(cv, sizeof(sl_complex_value_t));

    cv->value.len = src->len;
    cv->value.data = sl_pnalloc(pool, src->len + 1);
    if (cv->value.data == NULL) {
        *err = "memory allocation failed";
        return SL_ERROR;
    }

    if (src->len) {
        sl_memcpy(cv->value.data, src->data, src->len);
    }

    cv->value.data[src->len] = '\0';

    /* each "$" ends at most one literal part and adds one reference */

    n = 1;

    for (i = 0; i < src->len; i++) {
        if (src->data[i] == '$') {
            n += 2;
        }
    }

    cv->parts = sl_palloc(pool, n * sizeof(struct sl_cv_part_s));
    if (cv->parts == NULL) {
        *err = "memory allocation failed";
        return SL_ERROR;
    }

    p = cv->value.data;
    last = p + cv->value.len;
    text = p;

    while (p < last) {

        if (*p != '$') {
            p++;
            continue;
        }

        if (p + 1 < last && p[1] == '$') {

            /* the literal part runs to the first "$", the second is skipped */

            part = &cv->parts[cv->nparts++];
            part->text.data = text;
            part->text.len = (size_t) (p + 1 - text);
            part->capture = -1;

            p += 2;
            text = p;
            continue;
        }

        if (p + 1 < last && p[1] >= '1' && p[1] <= '9') {
            capture = p[1] - '0';
            ref = 2;

        } else if (p + 3 < last && p[1] == '{' && p[2] >= '1' && p[2] <= '9'
                   && p[3] == '}')
        {
            capture = p[2] - '0';
            ref = 4;

        } else {
            *err = sl_cv_invalid;
            return SL_ERROR;
        }

        if (p > text) {
            part = &cv->parts[cv->nparts++];
            part->text.data = text;
            part->text.len = (size_t) (p - text);
            part->capture = -1;
        }

        part = &cv->parts[cv->nparts++];
        sl_str_null(&part->text);
        part->capture = (sl_int_t) capture;

        if (capture > cv->max_capture) {
            cv->max_capture = capture;
        }

        p += ref;
        text = p;
    }

    if (text < last) {
        part = &cv->parts[cv->nparts++];
        part->text.data = text;
        part->text.len = (size_t) (last - text);
        part->capture = -1;
    }

    return SL_OK;
}


/*
 * The bytes part stands for: its literal text, or the span of subject
 * its capture covers (captures as in sl_complex_value_eval()); empty for
 * a capture past n, unset (-1) or out of the subject.
 */
static sl_str_t
sl_cv_part_value(const struct sl_cv_part_s *part, const sl_str_t *subject,
    const int *captures, sl_uint_t n)
{
    int        start, end;
    sl_uint_t  k;
    sl_str_t   value = sl_null_string;

    if (part->capture < 0) {
        return part->text;
    }

    k = (sl_uint_t) part->capture;

    if (k < n) {
        start = captures[2 * k];
        end = captures[2 * k + 1];

        if (start >= 0 && end >= start && (size_t) end <= subject->len) {
            value.data = subject->data + start;
            value.len = (size_t) (end - start);
        }
    }

    return value;
}


/*
 * Builds cv into pool.  captures holds n start/end pairs over subject
 * (subject and captures may be NULL when n is 0); a reference to a
 * capture past n, unset (-1) or out of the subject gives "".
 */
sl_int_t
sl_complex_value_eval(sl_pool_t *pool, const sl_complex_value_t *cv,
    const sl_str_t *subject, const int *captures, sl_uint_t n, sl_str_t *out)
{
    u_char     *p;
    size_t      len;
    sl_str_t    value;
    sl_uint_t   i;

    len = 0;

    for (i = 0; i < cv->nparts; i++) {
        value = sl_cv_part_value(&cv->parts[i], subject, captures, n);
        len += value.len;
    }

    out->data = sl_pnalloc(pool, len + 1);
    if (out->data == NULL) {
        return SL_ERROR;
    }

    p = out->data;

    for (i = 0; i < cv->nparts; i++) {
        value = sl_cv_part_value(&cv->parts[i], subject, captures, n);

        if (value.len) {
            p = sl_cpymem(p, value.data, value.len);
        }
    }

    *p = '\0';
    out->len = (size_t) (p - out->data);

    return SL_OK;
}
