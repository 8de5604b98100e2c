/*
 * libFuzzer target for what a pulled source reads from the outside: the
 * URL of "source" (sl_parse_url), the response heads of the upstream
 * (sl_pp_pull_parse_response), its RTSP Session, Transport and RTP-Info
 * values, RTCP packets, and ICY metadata taken out of a stream cut in
 * pieces at places the input chooses.  Every string must lie inside the
 * input, and the audio that comes out of the ICY stripper must be the
 * same however the stream is cut.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_pp_pull.h>


static void sl_fuzz_rtp_info(const sl_str_t *value);


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_pull: %s\n", what);
    abort();
}


/* s lies within [data, data + size), or is empty */
static int
sl_fuzz_inside(const sl_str_t *s, const uint8_t *data, size_t size)
{
    return s->len == 0
           || (s->data >= data && s->len <= size
               && (size_t) (s->data - data) <= size - s->len);
}


static void
sl_fuzz_url(const uint8_t *data, size_t size)
{
    sl_str_t  text;
    sl_url_t  u;

    text.data = (u_char *) data;
    text.len = size;

    if (sl_parse_url(&text, &u) != SL_OK) {
        sl_fuzz_check(u.error != NULL, "a refusal without a reason");
        return;
    }

    sl_fuzz_check(u.scheme.len > 0 && u.host.len > 0, "empty parts");
    sl_fuzz_check(sl_fuzz_inside(&u.scheme, data, size)
                  && sl_fuzz_inside(&u.host, data, size)
                  && sl_fuzz_inside(&u.authority, data, size)
                  && sl_fuzz_inside(&u.userinfo, data, size)
                  && sl_fuzz_inside(&u.args, data, size),
                  "a part outside the URL");
    sl_fuzz_check(u.path.len > 0 && u.path.data[0] == '/'
                  && (u.path.len == 1 || sl_fuzz_inside(&u.path, data, size)),
                  "a bad path");
    sl_fuzz_check(memchr(u.host.data, '/', u.host.len) == NULL
                  && memchr(u.host.data, '@', u.host.len) == NULL,
                  "a bad host");
}


static void
sl_fuzz_response(const uint8_t *data, size_t size)
{
    sl_int_t                rc;
    sl_str_t                id;
    sl_uint_t               i, timeout, a, b;
    sl_pp_pull_response_t  *r;

    r = malloc(sizeof(sl_pp_pull_response_t));
    if (r == NULL) {
        return;
    }

    rc = sl_pp_pull_parse_response(data, size, r);

    sl_fuzz_check(rc == SL_OK || rc == SL_AGAIN
                  || (rc == SL_ERROR && r->error), "a bad return");

    if (rc == SL_OK) {
        sl_fuzz_check(r->head_len > 0 && r->head_len <= size, "head_len");
        sl_fuzz_check(r->status >= 100 && r->status <= 599, "status");
        sl_fuzz_check(r->nheaders <= SL_PP_PULL_MAX_HEADERS, "nheaders");
        sl_fuzz_check(sl_fuzz_inside(&r->protocol, data, r->head_len)
                      && sl_fuzz_inside(&r->reason, data, r->head_len),
                      "status line outside the head");

        for (i = 0; i < r->nheaders; i++) {
            sl_fuzz_check(sl_fuzz_inside(&r->headers[i].name, data,
                                         r->head_len)
                          && sl_fuzz_inside(&r->headers[i].value, data,
                                            r->head_len),
                          "a field outside the head");

            if (sl_pp_rtsp_session(&r->headers[i].value, &id, &timeout)
                == SL_OK)
            {
                sl_fuzz_check(id.len > 0 && timeout > 0
                              && sl_fuzz_inside(&id, data, size),
                              "a bad session");
            }

            if (sl_pp_rtsp_interleaved(&r->headers[i].value, &a, &b)
                == SL_OK)
            {
                sl_fuzz_check(a < 256 && b < 256, "a bad channel");
            }

            (void) sl_pp_rtsp_public_has(&r->headers[i].value, "OPTIONS");

            sl_fuzz_rtp_info(&r->headers[i].value);
        }
    }

    free(r);

    (void) sl_pp_rtcp_has_bye(data, size);
}


/* RTP-Info items: each url inside the value, every call moving on */
static void
sl_fuzz_rtp_info(const sl_str_t *value)
{
    u_char     *p, *prev, *end;
    uint32_t    ts;
    sl_str_t    url;
    sl_uint_t   has, n;

    p = value->data;
    end = value->data + value->len;

    for (n = 0; ; n++) {
        prev = p;

        if (sl_pp_rtp_info_next(&p, end, &url, &ts, &has) != SL_OK) {
            sl_fuzz_check(p == end, "RTP-Info left before its end");
            break;
        }

        sl_fuzz_check(p > prev && p <= end, "RTP-Info did not move on");
        sl_fuzz_check(url.len == 0
                      || (url.data >= prev && url.data + url.len <= p),
                      "an RTP-Info url outside its item");
        sl_fuzz_check(n <= value->len, "RTP-Info items without end");
    }
}


/* the input's first two bytes: metaint; the next: where to cut */
static void
sl_fuzz_icy(const uint8_t *data, size_t size)
{
    size_t        metaint, cut, n, whole, off, len, got;
    u_char       *one, *two;
    sl_str_t      t;
    sl_pp_icy_t  *icy;

    if (size < 3) {
        return;
    }

    metaint = (((size_t) data[0] << 8) | data[1]) % 4096 + 1;
    cut = data[2];
    data += 3;
    size -= 3;

    icy = malloc(sizeof(sl_pp_icy_t));
    one = malloc(size + 1);
    two = malloc(size + 1);

    if (icy == NULL || one == NULL || two == NULL) {
        goto done;
    }

    sl_pp_icy_init(icy, metaint);
    memcpy(one, data, size);
    whole = sl_pp_icy_strip(icy, one, size);
    sl_fuzz_check(whole <= size, "more audio than bytes");
    sl_fuzz_check(icy->title.len <= SL_PP_ICY_META_MAX, "title too long");

    /* pieces of cut + 1 bytes, each stripped where it lies */
    sl_pp_icy_init(icy, metaint);
    memcpy(two, data, size);
    n = 0;

    for (off = 0; off < size; off += cut + 1) {
        len = sl_min(cut + 1, size - off);
        got = sl_pp_icy_strip(icy, two + off, len);

        memmove(two + n, two + off, got);
        n += got;
    }

    sl_fuzz_check(n == whole && memcmp(one, two, n) == 0,
                  "the audio depends on the cuts");

    (void) sl_pp_icy_title(data, size, &t);

done:

    free(icy);
    free(one);
    free(two);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_fuzz_url(data, size);
    sl_fuzz_response(data, size);
    sl_fuzz_icy(data, size);

    return 0;
}
