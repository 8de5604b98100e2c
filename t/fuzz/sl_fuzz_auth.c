/*
 * libFuzzer target for the authentication headers: sl_auth_parse on the
 * input as an Authorization value, with what a success promises checked
 * and Digest credentials written back (sl_auth_quote) and parsed again
 * to the same values; challenges built from the input read back by the
 * parser; base64 and base64url decoding of the input re-encoded to the
 * same text; and sl_auth_nonce_check, which no input passes, nor a
 * real nonce with the input written over its start unless unchanged.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_digest.h>
#include <sl_auth_parse.h>
#include <sl_auth_nonce.h>

#include <openssl/rand.h>


static void
sl_fuzz_check(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_auth: %s on \"%.*s\"\n", what, (int) size,
            (const char *) data);
    abort();
}


/* s is absent, or lies within [start, start + size) */
static int
sl_fuzz_inside(const sl_str_t *s, const u_char *start, size_t size)
{
    if (s->data == NULL) {
        return s->len == 0;
    }

    return s->data >= start && s->len <= size
           && (size_t) (s->data - start) <= size - s->len;
}


static int
sl_fuzz_has_ctl(const sl_str_t *s, sl_uint_t tab)
{
    size_t  i;

    for (i = 0; i < s->len; i++) {
        if ((s->data[i] < 0x20 && (tab || s->data[i] != '\t'))
            || s->data[i] == 0x7f)
        {
            return 1;
        }
    }

    return 0;
}


static int
sl_fuzz_same(const sl_str_t *a, const sl_str_t *b)
{
    return (a->data == NULL) == (b->data == NULL) && a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}


/* ", name=" and s quoted, when s is present */
static u_char *
sl_fuzz_param(u_char *p, u_char *last, const char *name, const sl_str_t *s)
{
    size_t  n;

    if (p == NULL || s->data == NULL) {
        return p;
    }

    n = strlen(name);

    if ((size_t) (last - p) < n + 3) {
        return NULL;
    }

    p = sl_cpymem(p, ", ", 2);
    p = sl_cpymem(p, name, n);
    *p++ = '=';

    return sl_auth_quote(p, last, s);
}


/*
 * Digest credentials written back with sl_auth_quote() parse again to
 * the same values.
 */
static void
sl_fuzz_digest_again(const sl_auth_credentials_t *cr, const uint8_t *data,
    size_t size)
{
    u_char                 *text, *p, *last, *buf;
    size_t                  len;
    sl_str_t                value, alg, yes;
    sl_int_t                rc;
    sl_auth_credentials_t   again;

    len = 2 * size + 512;

    text = malloc(len);
    if (text == NULL) {
        return;
    }

    p = text;
    last = text + len;

    p = sl_cpymem(p, "Digest x=y", 10);      /* and an unknown one */
    p = sl_fuzz_param(p, last, "username", &cr->user);
    p = sl_fuzz_param(p, last, "realm", &cr->realm);
    p = sl_fuzz_param(p, last, "nonce", &cr->nonce);
    p = sl_fuzz_param(p, last, "uri", &cr->uri);
    p = sl_fuzz_param(p, last, "response", &cr->response);
    alg = sl_digest_names[cr->algorithm];
    p = sl_fuzz_param(p, last, "algorithm", &alg);
    p = sl_fuzz_param(p, last, "opaque", &cr->opaque);
    p = sl_fuzz_param(p, last, "qop", &cr->qop);
    p = sl_fuzz_param(p, last, "cnonce", &cr->cnonce);
    p = sl_fuzz_param(p, last, "nc", &cr->nc_text);

    if (cr->userhash) {
        yes.data = (u_char *) "true";
        yes.len = 4;
        p = sl_fuzz_param(p, last, "userhash", &yes);
    }

    sl_fuzz_check(p != NULL, "credentials written back", data, size);

    value.data = text;
    value.len = p - text;

    /* quotes around what came as tokens may take it past the bound */

    buf = (value.len <= SL_AUTH_MAX_VALUE) ? malloc(value.len) : NULL;

    if (buf != NULL) {
        rc = sl_auth_parse(&value, buf, &again);

        sl_fuzz_check(rc == SL_OK, "credentials parsed again", data, size);
        sl_fuzz_check(sl_fuzz_same(&cr->user, &again.user)
                      && sl_fuzz_same(&cr->realm, &again.realm)
                      && sl_fuzz_same(&cr->nonce, &again.nonce)
                      && sl_fuzz_same(&cr->uri, &again.uri)
                      && sl_fuzz_same(&cr->response, &again.response)
                      && sl_fuzz_same(&cr->opaque, &again.opaque)
                      && sl_fuzz_same(&cr->qop, &again.qop)
                      && sl_fuzz_same(&cr->cnonce, &again.cnonce)
                      && sl_fuzz_same(&cr->nc_text, &again.nc_text)
                      && cr->nc == again.nc
                      && cr->algorithm == again.algorithm
                      && cr->userhash == again.userhash,
                      "values parsed again", data, size);
        free(buf);
    }

    free(text);
}


/* what SL_OK promises */
static void
sl_fuzz_credentials(const sl_auth_credentials_t *cr, const u_char *buf,
    const uint8_t *data, size_t size)
{
    size_t  i;

    sl_fuzz_check(cr->error == NULL, "error on success", data, size);
    sl_fuzz_check(sl_fuzz_inside(&cr->scheme_name, data, size)
                  && cr->scheme_name.len > 0, "scheme name", data, size);
    sl_fuzz_check(sl_fuzz_inside(&cr->user, buf, size)
                  && sl_fuzz_inside(&cr->password, buf, size)
                  && sl_fuzz_inside(&cr->realm, buf, size)
                  && sl_fuzz_inside(&cr->nonce, buf, size)
                  && sl_fuzz_inside(&cr->uri, buf, size)
                  && sl_fuzz_inside(&cr->response, buf, size)
                  && sl_fuzz_inside(&cr->cnonce, buf, size)
                  && sl_fuzz_inside(&cr->opaque, buf, size)
                  && sl_fuzz_inside(&cr->qop, buf, size)
                  && sl_fuzz_inside(&cr->nc_text, buf, size),
                  "values in buf", data, size);

    if (cr->scheme == SL_AUTH_BASIC) {
        sl_fuzz_check(cr->user.data != NULL && cr->password.data != NULL,
                      "Basic user and password", data, size);
        sl_fuzz_check(memchr(cr->user.data, ':', cr->user.len) == NULL,
                      "colon in Basic user", data, size);
        sl_fuzz_check(!sl_fuzz_has_ctl(&cr->user, 1)
                      && !sl_fuzz_has_ctl(&cr->password, 1),
                      "control in Basic credentials", data, size);
        sl_fuzz_check(cr->user.len + 1 + cr->password.len <= size,
                      "Basic length", data, size);
        sl_fuzz_check(cr->realm.data == NULL && cr->nonce.data == NULL,
                      "Digest values in Basic", data, size);
        return;
    }

    sl_fuzz_check(cr->scheme == SL_AUTH_DIGEST, "scheme", data, size);
    sl_fuzz_check(cr->password.data == NULL, "password in Digest", data,
                  size);
    sl_fuzz_check(cr->user.data && cr->realm.data && cr->nonce.data
                  && cr->uri.data && cr->response.data,
                  "required values", data, size);
    sl_fuzz_check(cr->user.len <= SL_AUTH_MAX_PARAM
                  && cr->realm.len <= SL_AUTH_MAX_PARAM
                  && cr->nonce.len <= SL_AUTH_MAX_PARAM
                  && cr->cnonce.len <= SL_AUTH_MAX_PARAM
                  && cr->opaque.len <= SL_AUTH_MAX_PARAM,
                  "bounds", data, size);
    sl_fuzz_check(cr->algorithm == SL_DIGEST_MD5
                  || cr->algorithm == SL_DIGEST_SHA256, "algorithm", data,
                  size);
    sl_fuzz_check(cr->response.len == sl_digest_hex_len(cr->algorithm),
                  "response length", data, size);

    for (i = 0; i < cr->response.len; i++) {
        sl_fuzz_check((cr->response.data[i] >= '0'
                       && cr->response.data[i] <= '9')
                      || (cr->response.data[i] >= 'a'
                          && cr->response.data[i] <= 'f'),
                      "response hex", data, size);
    }

    if (cr->qop.len) {
        sl_fuzz_check(sl_str_caseeq(&cr->qop, "auth"), "qop", data, size);
        sl_fuzz_check(cr->cnonce.len > 0 && cr->nc_text.len == 8
                      && cr->nc > 0, "qop with cnonce and nc", data, size);

    } else {
        sl_fuzz_check(cr->qop.data == NULL && cr->cnonce.data == NULL
                      && cr->nc_text.data == NULL && cr->nc == 0,
                      "no qop", data, size);
    }

    sl_fuzz_check(!sl_fuzz_has_ctl(&cr->user, 0)
                  && !sl_fuzz_has_ctl(&cr->realm, 0)
                  && !sl_fuzz_has_ctl(&cr->nonce, 0)
                  && !sl_fuzz_has_ctl(&cr->uri, 0)
                  && !sl_fuzz_has_ctl(&cr->cnonce, 0)
                  && !sl_fuzz_has_ctl(&cr->opaque, 0),
                  "control in Digest values", data, size);

    sl_fuzz_digest_again(cr, data, size);
}


/*
 * A challenge whose realm, nonce and opaque are thirds of the input
 * comes back from the parser, given the credentials' other values; it
 * is refused only for a control character.
 */
static void
sl_fuzz_challenge(const uint8_t *data, size_t size)
{
    u_char                 *text, *p, *last, *buf;
    size_t                  len, third;
    sl_str_t                value;
    sl_int_t                rc;
    sl_auth_challenge_t     ch;
    sl_auth_credentials_t   cr;

    static const char  tail[] =
        ", username=u, uri=\"/\", cnonce=c, nc=00000001, response=\""
        "0000000000000000000000000000000000000000000000000000000000000000\"";

    third = sl_min(size / 3, SL_AUTH_MAX_PARAM);

    sl_memzero(&ch, sizeof(sl_auth_challenge_t));
    ch.realm.data = (u_char *) data;
    ch.realm.len = third;
    ch.nonce.data = (u_char *) data + third;
    ch.nonce.len = third;
    ch.opaque.data = (u_char *) data + 2 * third;
    ch.opaque.len = sl_min(size - 2 * third, SL_AUTH_MAX_PARAM);
    ch.algorithm = (size & 1) ? SL_DIGEST_SHA256 : SL_DIGEST_MD5;
    ch.stale = (size & 2) ? 1 : 0;

    len = SL_AUTH_CHALLENGE_LEN(ch.realm.len, ch.nonce.len, ch.opaque.len);

    text = malloc(len + sizeof(tail));
    if (text == NULL) {
        return;
    }

    last = text + len;
    p = sl_auth_digest_challenge(text, last, &ch);

    if (p == NULL) {
        sl_fuzz_check(sl_fuzz_has_ctl(&ch.realm, 0)
                      || sl_fuzz_has_ctl(&ch.nonce, 0)
                      || sl_fuzz_has_ctl(&ch.opaque, 0),
                      "challenge refused", data, size);
        free(text);
        return;
    }

    sl_fuzz_check(p <= last, "challenge length", data, size);

    if (ch.algorithm == SL_DIGEST_MD5) {
        p = sl_cpymem(p, tail, sizeof(tail) - 1 - 33);
        *p++ = '"';

    } else {
        p = sl_cpymem(p, tail, sizeof(tail) - 1);
    }

    value.data = text;
    value.len = p - text;

    buf = malloc(value.len);

    if (buf != NULL) {
        rc = sl_auth_parse(&value, buf, &cr);

        sl_fuzz_check(rc == SL_OK, "challenge parsed", data, size);
        sl_fuzz_check(sl_fuzz_same(&cr.realm, &ch.realm)
                      && sl_fuzz_same(&cr.nonce, &ch.nonce)
                      && (ch.opaque.len == 0
                          ? cr.opaque.data == NULL
                          : sl_fuzz_same(&cr.opaque, &ch.opaque))
                      && cr.algorithm == ch.algorithm,
                      "challenge values", data, size);
        free(buf);
    }

    free(text);
}


/* a decoded input, encoded again, is the input (less its padding) */
static void
sl_fuzz_base64(const uint8_t *data, size_t size, sl_uint_t url)
{
    size_t     n;
    sl_int_t   rc;
    sl_str_t   src, dec, enc;

    src.data = (u_char *) data;
    src.len = size;

    dec.data = malloc(size ? size : 1);
    enc.data = malloc(sl_base64_encoded_length(size) + 1);

    if (dec.data == NULL || enc.data == NULL) {
        goto done;
    }

    rc = url ? sl_decode_base64url(&dec, &src) : sl_decode_base64(&dec, &src);

    if (rc != SL_OK) {
        sl_fuzz_check(rc == SL_ERROR, "base64 rc", data, size);
        goto done;
    }

    sl_fuzz_check(dec.len <= size * 3 / 4, "decoded length", data, size);

    if (url) {
        sl_encode_base64url(&enc, &dec);

    } else {
        sl_encode_base64(&enc, &dec);
    }

    n = size;

    while (n && data[n - 1] == '=') {
        n--;
    }

    while (enc.len && enc.data[enc.len - 1] == '=') {
        enc.len--;
    }

    sl_fuzz_check(enc.len == n && memcmp(enc.data, data, n) == 0,
                  "base64 again", data, size);

done:

    free(dec.data);
    free(enc.data);
}


/*
 * Only the server's own nonce, as it made it, passes.  The input is
 * checked under a secret that never made a nonce; the nonce written
 * over is made under a fresh secret each time, so that no nonce the
 * fuzzer saw earlier (it learns them from memcmp) is still valid.
 */
static void
sl_fuzz_nonce(const uint8_t *data, size_t size)
{
    u_char              nonce[SL_AUTH_NONCE_LEN], copy[SL_AUTH_NONCE_LEN];
    u_char              key[32];
    size_t              n;
    sl_str_t            value, fresh;
    sl_auth_nonce_e     rc;
    struct sockaddr_in  sin;

    static sl_str_t  secret = sl_string("fuzz secret, fuzz secret, fuzz!!");

    sl_memzero(&sin, sizeof(struct sockaddr_in));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(0xc000020a);

    value.data = (u_char *) data;
    value.len = size;

    sl_fuzz_check(sl_auth_nonce_check(&secret, &value,
                                      (struct sockaddr *) &sin, 2000000000,
                                      300, NULL)
                  == SL_AUTH_NONCE_INVALID, "nonce accepted", data, size);

    if (RAND_bytes(key, sizeof(key)) != 1) {
        return;
    }

    fresh.data = key;
    fresh.len = sizeof(key);

    if (sl_auth_nonce_make(&fresh, (struct sockaddr *) &sin, 2000000000,
                           nonce)
        != SL_OK)
    {
        return;
    }

    n = sl_min(size, SL_AUTH_NONCE_LEN);

    sl_memcpy(copy, nonce, SL_AUTH_NONCE_LEN);
    sl_memcpy(copy, data, n);

    value.data = copy;
    value.len = SL_AUTH_NONCE_LEN;

    rc = sl_auth_nonce_check(&fresh, &value, (struct sockaddr *) &sin,
                             2000000000, 300, NULL);

    sl_fuzz_check(memcmp(copy, nonce, SL_AUTH_NONCE_LEN) == 0
                  ? rc == SL_AUTH_NONCE_OK : rc == SL_AUTH_NONCE_INVALID,
                  "nonce written over", data, size);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                 *buf;
    sl_int_t                rc;
    sl_str_t                value;
    sl_auth_credentials_t   cr;

    /* buf of exactly size bytes: a write past what is promised is caught */

    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        return 0;
    }

    value.data = (u_char *) data;
    value.len = size;

    rc = sl_auth_parse(&value, buf, &cr);

    if (rc == SL_OK) {
        sl_fuzz_credentials(&cr, buf, data, size);

    } else {
        sl_fuzz_check((rc == SL_ERROR || rc == SL_DECLINED)
                      && cr.error != NULL, "rc and error", data, size);
        sl_fuzz_check(rc == SL_ERROR || cr.scheme != SL_AUTH_BASIC,
                      "Basic declined", data, size);
    }

    free(buf);

    sl_fuzz_challenge(data, size);
    sl_fuzz_base64(data, size, 0);
    sl_fuzz_base64(data, size, 1);

    sl_fuzz_nonce(data, size);

    return 0;
}
