/*
 * PCRE2 regular expressions, and values with $1..$9 references to the
 * captures of the regex that selected a publishing point.
 */

#ifndef SL_REGEX_H
#define SL_REGEX_H

#include <sl_config.h>


#define SL_REGEX_CASELESS      0x00000001
#define SL_REGEX_MAX_CAPTURES  10          /* $0..$9 */

typedef struct {
    void          *code;       /* pcre2_code, freed by a pool cleanup */
    sl_uint_t      captures;   /* number of capture groups */
    sl_str_t       pattern;
} sl_regex_t;

typedef struct {
    sl_str_t       pattern;
    sl_pool_t     *pool;
    sl_uint_t      options;    /* SL_REGEX_CASELESS */
    sl_regex_t    *regex;      /* result */
    u_char         errbuf[256];
    sl_str_t       err;        /* "... at offset N" on failure */
} sl_regex_compile_t;

/* compiles rc->pattern; SL_OK, or SL_ERROR with rc->err set */
sl_int_t sl_regex_compile(sl_regex_compile_t *rc);

/*
 * Matches s.  captures receives start/end offset pairs (size ints, a
 * multiple of 2); returns the number of pairs set (>= 1) on a match,
 * SL_DECLINED on no match, SL_ERROR on a matching error.
 */
sl_int_t sl_regex_exec(const sl_regex_t *re, const sl_str_t *s,
    int *captures, sl_uint_t size);

/* a value with $1..$9 (or ${1}) references; "$$" is a literal "$" */
typedef struct {
    sl_str_t       value;      /* source text, printed by -T */
    sl_uint_t      nparts;
    struct sl_cv_part_s {
        sl_str_t   text;       /* literal text, or empty */
        sl_int_t   capture;    /* capture number, -1 for text */
    }             *parts;
    sl_uint_t      max_capture;
} sl_complex_value_t;

/* SL_OK, or SL_ERROR with *err set to a static message */
sl_int_t sl_complex_value_compile(sl_pool_t *pool, const sl_str_t *src,
    sl_complex_value_t *cv, const char **err);
/*
 * Builds the value into pool, substituting captures of subject
 * (n pairs); a reference past n gives an empty string.
 */
sl_int_t sl_complex_value_eval(sl_pool_t *pool, const sl_complex_value_t *cv,
    const sl_str_t *subject, const int *captures, sl_uint_t n, sl_str_t *out);

#endif /* SL_REGEX_H */
