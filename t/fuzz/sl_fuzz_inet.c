/*
 * libFuzzer target for address and capture-reference parsing:
 * sl_inet_addr and sl_inet6_addr (checked against inet_pton), sl_ptocidr
 * (round trip through sl_cidr_ntop), sl_parse_addr_port (round trip
 * through sl_sock_ntop), PCRE2 compile errors, and
 * sl_complex_value_compile/eval.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_TEXT     512
#define SL_FUZZ_MAX_PATTERN  128


static void
sl_fuzz_check(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_inet: %s on \"%.*s\"\n", what, (int) size,
            (const char *) data);
    abort();
}


/* the parsers must agree with the libc's (both are strict RFC forms) */
static void
sl_fuzz_addr(const uint8_t *data, size_t size)
{
    char       text[SL_FUZZ_MAX_TEXT + 1];
    u_char     a6[16], b6[16];
    in_addr_t  a4, b4;
    sl_int_t   rc;
    int        ok;

    if (size > SL_FUZZ_MAX_TEXT) {
        return;
    }

    a4 = sl_inet_addr(data, size);
    rc = sl_inet6_addr(data, size, a6);

    if (memchr(data, '\0', size) != NULL) {
        sl_fuzz_check(a4 == INADDR_NONE && rc == SL_ERROR, "NUL accepted",
                      data, size);
        return;
    }

    sl_memcpy(text, data, size);
    text[size] = '\0';

    ok = inet_pton(AF_INET, text, &b4);

    if (ok == 1) {
        sl_fuzz_check(a4 == b4, "IPv4 differs from inet_pton", data, size);

    } else {
        sl_fuzz_check(a4 == INADDR_NONE, "IPv4 inet_pton refused", data,
                      size);
    }

    ok = inet_pton(AF_INET6, text, b6);

    sl_fuzz_check((ok == 1) == (rc == SL_OK),
                  "IPv6 validity differs from inet_pton", data, size);

    if (ok == 1) {
        sl_fuzz_check(memcmp(a6, b6, 16) == 0, "IPv6 differs from inet_pton",
                      data, size);
    }
}


static void
sl_fuzz_cidr(const uint8_t *data, size_t size)
{
    u_char               buf[SL_CIDR_STRLEN];
    sl_int_t             rc;
    sl_str_t             text;
    sl_uint_t            i;
    sl_cidr_t            cidr, again;
    struct sockaddr_in   sin;
    struct sockaddr_in6  sin6;

    text.data = (u_char *) data;
    text.len = size;

    rc = sl_ptocidr(&text, &cidr);

    if (rc == SL_ERROR) {
        return;
    }

    sl_fuzz_check(rc == SL_OK || rc == SL_DONE, "ptocidr rc", data, size);

    /* what -T prints reads back as the same rule, without a warning */

    text.data = buf;
    text.len = sl_cidr_ntop(&cidr, buf, sizeof(buf));

    sl_fuzz_check(sl_ptocidr(&text, &again) == SL_OK
                  && memcmp(&cidr, &again, sizeof(sl_cidr_t)) == 0,
                  "cidr_ntop round trip", data, size);

    /* no host bits remain, and the network address is inside the rule */

    if (cidr.family == AF_INET) {
        sl_fuzz_check((cidr.u.in.addr & ~cidr.u.in.mask) == 0, "host bits",
                      data, size);

        sl_memzero(&sin, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = cidr.u.in.addr;

        sl_fuzz_check(sl_cidr_match((struct sockaddr *) &sin, &cidr) == SL_OK,
                      "v4 network outside its rule", data, size);
        return;
    }

    sl_fuzz_check(cidr.family == AF_INET6, "family", data, size);

    for (i = 0; i < 16; i++) {
        sl_fuzz_check((cidr.u.in6.addr.s6_addr[i]
                       & ~cidr.u.in6.mask.s6_addr[i]) == 0,
                      "v6 host bits", data, size);
    }

    sl_memzero(&sin6, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = cidr.u.in6.addr;

    sl_fuzz_check(sl_cidr_match((struct sockaddr *) &sin6, &cidr) == SL_OK,
                  "v6 network outside its rule", data, size);
}


static void
sl_fuzz_addr_port(const uint8_t *data, size_t size)
{
    u_char     buf[SL_SOCKADDR_STRLEN];
    size_t     n;
    sl_str_t   text;
    sl_addr_t  addr, again;

    text.data = (u_char *) data;
    text.len = size;

    if (sl_parse_addr_port(&text, &addr) != SL_OK) {
        return;
    }

    sl_fuzz_check(sl_inet_get_port((struct sockaddr *) &addr.sockaddr) != 0,
                  "port 0", data, size);

    n = sl_sock_ntop((struct sockaddr *) &addr.sockaddr, addr.socklen, buf,
                     sizeof(buf), 1);

    sl_fuzz_check(n > 0 && n <= sizeof(buf), "ntop", data, size);

    text.data = buf;
    text.len = n;

    sl_fuzz_check(sl_parse_addr_port(&text, &again) == SL_OK,
                  "ntop output refused", buf, n);

    sl_fuzz_check(sl_cmp_sockaddr((struct sockaddr *) &addr.sockaddr,
                                  addr.socklen,
                                  (struct sockaddr *) &again.sockaddr,
                                  again.socklen, 1)
                  == SL_OK,
                  "ntop round trip", data, size);
}


/*
 * Compiles the input as a regex and as a complex value; when both work
 * the value is built from the captures of the input matched against
 * itself, otherwise from offsets taken from the input bytes (valid or
 * not, which eval must survive).
 */
static void
sl_fuzz_complex_value(sl_pool_t *pool, const uint8_t *data, size_t size)
{
    int                 caps[2 * SL_REGEX_MAX_CAPTURES];
    sl_int_t            rc, n;
    sl_str_t            src, out;
    sl_uint_t           i;
    const char         *err;
    sl_regex_compile_t  regex;
    sl_complex_value_t  cv;

    src.data = (u_char *) data;
    src.len = size;

    err = NULL;
    rc = sl_complex_value_compile(pool, &src, &cv, &err);

    if (rc != SL_OK) {
        sl_fuzz_check(err != NULL, "complex value error without message",
                      data, size);
        return;
    }

    sl_fuzz_check(cv.max_capture <= 9, "max_capture", data, size);

    n = 0;

    if (size <= SL_FUZZ_MAX_PATTERN) {
        sl_memzero(&regex, sizeof(sl_regex_compile_t));
        regex.pattern = src;
        regex.pool = pool;
        regex.options = (size & 1) ? SL_REGEX_CASELESS : 0;

        if (sl_regex_compile(&regex) == SL_OK) {
            n = sl_regex_exec(regex.regex, &src, caps, sl_nelems(caps));

        } else {
            sl_fuzz_check(regex.err.len > 0
                          && regex.err.len < sizeof(regex.errbuf),
                          "regex error message", data, size);
        }
    }

    if (n <= 0) {
        for (i = 0; i < sl_nelems(caps); i++) {
            caps[i] = size ? (int) (int8_t) data[i % size] : -1;
        }

        n = SL_REGEX_MAX_CAPTURES;
    }

    rc = sl_complex_value_eval(pool, &cv, &src, caps, (sl_uint_t) n, &out);

    sl_fuzz_check(rc == SL_OK, "eval", data, size);
    sl_fuzz_check(out.len <= size * (cv.nparts + 1), "eval length", data,
                  size);

    if (memchr(data, '$', size) == NULL) {
        sl_fuzz_check(out.len == size
                      && (size == 0 || memcmp(out.data, data, size) == 0),
                      "plain value changed", data, size);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_pool_t  *pool;

    sl_fuzz_addr(data, size);
    sl_fuzz_cidr(data, size);
    sl_fuzz_addr_port(data, size);

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    if (pool == NULL) {
        return 0;
    }

    sl_fuzz_complex_value(pool, data, size);

    sl_destroy_pool(pool);

    return 0;
}
