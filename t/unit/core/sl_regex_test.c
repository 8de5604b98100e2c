/* Unit tests for core/sl_regex.c: compile, match, complex values. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_unit.h"


static sl_regex_t *
compile(const char *pattern, sl_uint_t options, sl_regex_compile_t *rc)
{
    sl_memzero(rc, sizeof(sl_regex_compile_t));
    rc->pattern.data = (u_char *) pattern;
    rc->pattern.len = strlen(pattern);
    rc->pool = sl_unit_pool();
    rc->options = options;

    if (sl_regex_compile(rc) != SL_OK) {
        return NULL;
    }

    return rc->regex;
}


static sl_int_t
exec(const sl_regex_t *re, const char *subject, int *captures,
    sl_uint_t size)
{
    sl_str_t  s;

    s.data = (u_char *) subject;
    s.len = strlen(subject);

    return sl_regex_exec(re, &s, captures, size);
}


static int
err_is(const sl_regex_compile_t *rc, const char *prefix, const char *suffix)
{
    size_t  plen, slen;

    plen = strlen(prefix);
    slen = strlen(suffix);

    return rc->err.len >= plen + slen
           && memcmp(rc->err.data, prefix, plen) == 0
           && memcmp(rc->err.data + rc->err.len - slen, suffix, slen) == 0;
}


static void
test_regex_compile_error(void)
{
    sl_regex_compile_t  rc;

    CU_ASSERT_PTR_NULL(compile("^/live/(abc", 0, &rc));
    CU_ASSERT_PTR_NULL(rc.regex);
    CU_ASSERT(err_is(&rc, "pcre2_compile() failed: missing closing "
                     "parenthesis in \"^/live/(abc\"", " at offset 11"));

    CU_ASSERT_PTR_NULL(compile("a[b", 0, &rc));
    CU_ASSERT(err_is(&rc, "pcre2_compile() failed: missing terminating ]",
                     " at offset 3"));

    CU_ASSERT_PTR_NULL(compile("*a", 0, &rc));
    CU_ASSERT(err_is(&rc, "pcre2_compile() failed: quantifier does not "
                     "follow a repeatable item", " at offset 0"));

    CU_ASSERT_PTR_NULL(compile("a)", 0, &rc));
    CU_ASSERT(err_is(&rc, "pcre2_compile() failed: ", " at offset 1"));

    CU_ASSERT_PTR_NULL(compile("(?<n>a)(?<n>b)", 0, &rc));
    CU_ASSERT(rc.err.len > 0 && rc.err.len < sizeof(rc.errbuf));

    /* a long pattern is cut in the message, the offset stays */
    CU_ASSERT_PTR_NULL(compile("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                               "(", 0, &rc));
    CU_ASSERT(err_is(&rc, "pcre2_compile() failed: ", " at offset 136"));
}


static void
test_regex_match(void)
{
    int                 caps[2 * SL_REGEX_MAX_CAPTURES];
    sl_regex_t         *re;
    sl_regex_compile_t  rc;

    re = compile("^/live/", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(re->captures, 0);
    CU_ASSERT_EQUAL(re->pattern.len, 7);

    CU_ASSERT_EQUAL(exec(re, "/live/cam1", caps, 2 * SL_REGEX_MAX_CAPTURES),
                    1);
    CU_ASSERT_EQUAL(caps[0], 0);
    CU_ASSERT_EQUAL(caps[1], 6);
    CU_ASSERT_EQUAL(exec(re, "/LIVE/cam1", caps, 20), SL_DECLINED);
    CU_ASSERT_EQUAL(exec(re, "/vod/live/", caps, 20), SL_DECLINED);
    CU_ASSERT_EQUAL(exec(re, "", caps, 20), SL_DECLINED);

    /* size 0: only whether it matches */
    CU_ASSERT_EQUAL(exec(re, "/live/x", NULL, 0), 1);
    CU_ASSERT_EQUAL(exec(re, "/x", NULL, 0), SL_DECLINED);
}


static void
test_regex_caseless(void)
{
    int                 caps[4];
    sl_regex_t         *re;
    sl_regex_compile_t  rc;

    re = compile("\\.(mp3|ASF)$", SL_REGEX_CASELESS, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(re->captures, 1);

    CU_ASSERT_EQUAL(exec(re, "/a/b.MP3", caps, 4), 2);
    CU_ASSERT_EQUAL(caps[2], 5);
    CU_ASSERT_EQUAL(caps[3], 8);
    CU_ASSERT_EQUAL(exec(re, "/a/b.asf", caps, 4), 2);
    CU_ASSERT_EQUAL(exec(re, "/a/b.wmv", caps, 4), SL_DECLINED);

    re = compile("\\.(mp3|ASF)$", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(exec(re, "/a/b.MP3", caps, 4), SL_DECLINED);
    CU_ASSERT_EQUAL(exec(re, "/a/b.ASF", caps, 4), 2);
}


static void
test_regex_captures(void)
{
    int                 caps[2 * SL_REGEX_MAX_CAPTURES];
    sl_int_t            n;
    sl_regex_t         *re;
    sl_regex_compile_t  rc;

    re = compile("^/(\\w+)/(x)?(\\w+)\\.(\\w+)$", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(re->captures, 4);

    n = exec(re, "/live/cam1.sdp", caps, 2 * SL_REGEX_MAX_CAPTURES);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(caps[2], 1);
    CU_ASSERT_EQUAL(caps[3], 5);
    CU_ASSERT_EQUAL(caps[4], -1);          /* (x)? did not take part */
    CU_ASSERT_EQUAL(caps[5], -1);
    CU_ASSERT_EQUAL(caps[6], 6);
    CU_ASSERT_EQUAL(caps[7], 10);
    CU_ASSERT_EQUAL(caps[8], 11);
    CU_ASSERT_EQUAL(caps[9], 14);

    /* fewer slots than groups: the first pairs only */
    caps[4] = 12345;
    n = exec(re, "/live/cam1.sdp", caps, 4);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(caps[2], 1);
    CU_ASSERT_EQUAL(caps[4], 12345);

    /* an odd size uses whole pairs only */
    n = exec(re, "/live/cam1.sdp", caps, 5);
    CU_ASSERT_EQUAL(n, 2);

    /* unset trailing groups are not counted */
    re = compile("^(a)(b)?(c)?", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(exec(re, "axx", caps, 20), 2);
}


static void
test_regex_many_captures(void)
{
    int                 caps[2 * 40];
    sl_int_t            n;
    sl_regex_t         *re;
    sl_regex_compile_t  rc;

    /* more groups than the shared match data held: it grows */
    re = compile("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)(n)(o)(p)(q)(r)(s)"
                 "(t)(u)(v)(w)(x)(y)(z)", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(re->captures, 26);

    n = exec(re, "abcdefghijklmnopqrstuvwxyz", caps, sl_nelems(caps));
    CU_ASSERT_EQUAL(n, 27);
    CU_ASSERT_EQUAL(caps[2 * 26], 25);
    CU_ASSERT_EQUAL(caps[2 * 26 + 1], 26);

    n = exec(re, "abcdefghijklmnopqrstuvwxyz", caps, 20);
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_EQUAL(caps[2 * 9], 8);

    /* binary subject with a NUL inside */
    re = compile("^a\\x00(b)$", 0, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    {
        sl_str_t  s = { 3, (u_char *) "a\0b" };

        CU_ASSERT_EQUAL(sl_regex_exec(re, &s, caps, 4), 2);
        CU_ASSERT_EQUAL(caps[2], 2);
    }
}


static void
test_regex_pool_cleanup(void)
{
    sl_pool_t          *pool;
    sl_regex_compile_t  rc;

    /* the pcre2_code goes with its pool (a leak would show under ASan) */
    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    sl_memzero(&rc, sizeof(sl_regex_compile_t));
    sl_str_set(&rc.pattern, "^/(.*)$");
    rc.pool = pool;

    CU_ASSERT_EQUAL(sl_regex_compile(&rc), SL_OK);
    CU_ASSERT_PTR_NOT_NULL(pool->cleanup);
    CU_ASSERT_PTR_EQUAL(pool->cleanup->data, rc.regex->code);

    sl_destroy_pool(pool);
}


static sl_int_t
cv_compile(const char *text, sl_complex_value_t *cv, const char **err)
{
    sl_str_t  s;

    s.data = (u_char *) text;
    s.len = strlen(text);
    *err = NULL;

    return sl_complex_value_compile(sl_unit_pool(), &s, cv, err);
}


static int
cv_eval(const char *text, const char *subject, const int *caps, sl_uint_t n,
    const char *expect)
{
    sl_str_t            out, s;
    const char         *err;
    sl_complex_value_t  cv;

    if (cv_compile(text, &cv, &err) != SL_OK) {
        return 0;
    }

    s.data = (u_char *) subject;
    s.len = subject ? strlen(subject) : 0;

    if (sl_complex_value_eval(sl_unit_pool(), &cv, &s, caps, n, &out)
        != SL_OK)
    {
        return 0;
    }

    if (out.len != strlen(expect) || memcmp(out.data, expect, out.len) != 0
        || out.data[out.len] != '\0')
    {
        fprintf(stderr, "\"%s\" gave \"%.*s\", expected \"%s\"\n",
                text, (int) out.len, out.data, expect);
        return 0;
    }

    return 1;
}


static void
test_cv_compile(void)
{
    const char         *err;
    sl_complex_value_t  cv;

    CU_ASSERT_EQUAL(cv_compile("", &cv, &err), SL_OK);
    CU_ASSERT_EQUAL(cv.nparts, 0);
    CU_ASSERT_EQUAL(cv.max_capture, 0);

    CU_ASSERT_EQUAL(cv_compile("/data/plain", &cv, &err), SL_OK);
    CU_ASSERT_EQUAL(cv.nparts, 1);
    CU_ASSERT_EQUAL(cv.parts[0].capture, -1);
    CU_ASSERT_EQUAL(cv.value.len, 11);

    CU_ASSERT_EQUAL(cv_compile("/data/$1/${2}.mp3", &cv, &err), SL_OK);
    CU_ASSERT_EQUAL(cv.nparts, 5);
    CU_ASSERT_EQUAL(cv.parts[1].capture, 1);
    CU_ASSERT_EQUAL(cv.parts[3].capture, 2);
    CU_ASSERT_EQUAL(cv.max_capture, 2);
    CU_ASSERT_EQUAL(cv.value.len, 17);
    CU_ASSERT(memcmp(cv.value.data, "/data/$1/${2}.mp3", 17) == 0);

    CU_ASSERT_EQUAL(cv_compile("$9$1", &cv, &err), SL_OK);
    CU_ASSERT_EQUAL(cv.nparts, 2);
    CU_ASSERT_EQUAL(cv.max_capture, 9);

    CU_ASSERT_EQUAL(cv_compile("$$", &cv, &err), SL_OK);
    CU_ASSERT_EQUAL(cv.max_capture, 0);
}


static void
test_cv_compile_errors(void)
{
    static const char  *invalid[] = {
        "$", "a$", "$0", "$a", "$x1", "${", "${1", "${1)", "${}", "${0}",
        "${10}", "${a}", "$ 1", "$-1", "$$$", "a$$$", "${1}$",
        "$\n", "${1 }", "$(1)", "$name",
    };

    sl_uint_t           i;
    const char         *err;
    sl_complex_value_t  cv;

    for (i = 0; i < sl_nelems(invalid); i++) {
        if (cv_compile(invalid[i], &cv, &err) != SL_ERROR) {
            fprintf(stderr, "accepted \"%s\"\n", invalid[i]);
            CU_FAIL("invalid complex value accepted");
            continue;
        }

        CU_ASSERT_PTR_NOT_NULL(err);
        CU_ASSERT_STRING_EQUAL(err,
            "invalid capture reference, only $1..$9 are known");
    }
}


static void
test_cv_eval(void)
{
    /* "/live/cam1.sdp" against ^/(\w+)/(x)?(\w+)\.(\w+)$ */
    static const int  caps[] = { 0, 14, 1, 5, -1, -1, 6, 10, 11, 14 };

    const char  *subj = "/live/cam1.sdp";

    CU_ASSERT(cv_eval("", subj, caps, 5, ""));
    CU_ASSERT(cv_eval("plain", subj, caps, 5, "plain"));
    CU_ASSERT(cv_eval("$1", subj, caps, 5, "live"));
    CU_ASSERT(cv_eval("/data/$1/$3.$4", subj, caps, 5,
                      "/data/live/cam1.sdp"));
    CU_ASSERT(cv_eval("${1}0", subj, caps, 5, "live0"));
    CU_ASSERT(cv_eval("$10", subj, caps, 5, "live0"));
    CU_ASSERT(cv_eval("$3$3$3", subj, caps, 5, "cam1cam1cam1"));

    /* unset group, groups past n and past the regex give "" */
    CU_ASSERT(cv_eval("[$2]", subj, caps, 5, "[]"));
    CU_ASSERT(cv_eval("[$5][$9]", subj, caps, 5, "[][]"));
    CU_ASSERT(cv_eval("[$3]", subj, caps, 3, "[]"));
    CU_ASSERT(cv_eval("[$1]", NULL, NULL, 0, "[]"));

    /* "$$" is one "$" and never starts a reference */
    CU_ASSERT(cv_eval("$$", subj, caps, 5, "$"));
    CU_ASSERT(cv_eval("$$1", subj, caps, 5, "$1"));
    CU_ASSERT(cv_eval("a$$b$$", subj, caps, 5, "a$b$"));
    CU_ASSERT(cv_eval("$$$$", subj, caps, 5, "$$"));
    CU_ASSERT(cv_eval("$$$1", subj, caps, 5, "$live"));
    CU_ASSERT(cv_eval("$$${1}", subj, caps, 5, "$live"));
    CU_ASSERT(cv_eval("$${1}", subj, caps, 5, "${1}"));
    CU_ASSERT(cv_eval("$1$$", subj, caps, 5, "live$"));
    CU_ASSERT(cv_eval("x$1$$y$4z", subj, caps, 5, "xlive$ysdpz"));
}


static void
test_cv_eval_bad_offsets(void)
{
    /* offsets that do not fit the subject are ignored, never read */
    static const int  caps[] = { 0, 3, 2, 1, 0, 100, -5, 2, 1, 3 };

    CU_ASSERT(cv_eval("<$1|$2|$3|$4>", "abc", caps, 5, "<|||bc>"));
}


static void
test_cv_with_regex(void)
{
    int                 caps[2 * SL_REGEX_MAX_CAPTURES];
    sl_int_t            n;
    sl_str_t            subject, out;
    const char         *err;
    sl_regex_t         *re;
    sl_regex_compile_t  rc;
    sl_complex_value_t  cv;

    re = compile("^/vod/(?<name>[^/]+)/(.+)$", SL_REGEX_CASELESS, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(re);
    CU_ASSERT_EQUAL(re->captures, 2);

    sl_str_set(&subject, "/VOD/Show/ep1.mp4");
    n = sl_regex_exec(re, &subject, caps, sl_nelems(caps));
    CU_ASSERT_EQUAL_FATAL(n, 3);

    CU_ASSERT_EQUAL_FATAL(cv_compile("/media/$1/$2 ($$9)", &cv, &err),
                          SL_OK);
    CU_ASSERT_EQUAL(sl_complex_value_eval(sl_unit_pool(), &cv, &subject,
                                          caps, (sl_uint_t) n, &out), SL_OK);
    CU_ASSERT_EQUAL(out.len, sizeof("/media/Show/ep1.mp4 ($9)") - 1);
    CU_ASSERT(memcmp(out.data, "/media/Show/ep1.mp4 ($9)", out.len) == 0);
}


SL_UNIT_SUITE(sl_regex,
    { "compile errors", test_regex_compile_error },
    { "match", test_regex_match },
    { "caseless", test_regex_caseless },
    { "captures", test_regex_captures },
    { "many captures", test_regex_many_captures },
    { "pool cleanup", test_regex_pool_cleanup },
    { "complex value compile", test_cv_compile },
    { "complex value errors", test_cv_compile_errors },
    { "complex value eval", test_cv_eval },
    { "complex value bad offsets", test_cv_eval_bad_offsets },
    { "complex value from a match", test_cv_with_regex })
