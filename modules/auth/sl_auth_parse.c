/*
 * Authorization values and WWW-Authenticate challenges (RFC 9110 §11,
 * RFC 7617, RFC 7616).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_head.h>
#include <sl_auth_parse.h>


/* the Digest parameters this server reads (RFC 7616 §3.4) */
enum {
    sl_auth_username = 0,
    sl_auth_username_ext,
    sl_auth_realm,
    sl_auth_nonce,
    sl_auth_uri,
    sl_auth_response,
    sl_auth_algorithm,
    sl_auth_cnonce,
    sl_auth_opaque,
    sl_auth_qop,
    sl_auth_nc,
    sl_auth_userhash,
    sl_auth_nparams
};


typedef struct {
    sl_str_t     name;
    size_t       max;           /* bytes once unquoted */
} sl_auth_param_t;


static const sl_auth_param_t  sl_auth_params[sl_auth_nparams] = {
    { sl_string("username"), SL_AUTH_MAX_PARAM },
    { sl_string("username*"), SL_AUTH_MAX_PARAM },
    { sl_string("realm"), SL_AUTH_MAX_PARAM },
    { sl_string("nonce"), SL_AUTH_MAX_PARAM },
    { sl_string("uri"), SL_AUTH_MAX_VALUE },
    { sl_string("response"), SL_DIGEST_MAX_HEX },
    { sl_string("algorithm"), 32 },
    { sl_string("cnonce"), SL_AUTH_MAX_PARAM },
    { sl_string("opaque"), SL_AUTH_MAX_PARAM },
    { sl_string("qop"), 32 },
    { sl_string("nc"), 8 },
    { sl_string("userhash"), 8 },
};


/* the algorithms RFC 7616 §6.1 registers that this server does not take */
static const char  *sl_auth_refused_algorithms[] = {
    "MD5-sess", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"
};


#define sl_auth_is_blank(ch)  ((ch) == ' ' || (ch) == '\t')
#define sl_auth_is_ctl(ch)    (((ch) < 0x20 && (ch) != '\t') || (ch) == 0x7f)


static int
sl_auth_is_hex(const sl_str_t *s)
{
    size_t  i;
    u_char  c;

    for (i = 0; i < s->len; i++) {
        c = sl_tolower(s->data[i]);

        if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
            return 0;
        }
    }

    return 1;
}


/*
 * RFC 7617 §2: the token68 after "Basic" is the base64 of
 * "user-id:password"; the user-id holds no colon, neither holds a
 * control character.  The decoder writes no more bytes than it reads
 * characters, so buf (value->len bytes) has room.
 */
static sl_int_t
sl_auth_parse_basic(const u_char *p, const u_char *last, u_char *buf,
    sl_auth_credentials_t *cr)
{
    size_t     i;
    u_char    *colon;
    sl_str_t   text, dec;

    if (p == last) {
        cr->error = "no Basic credentials";
        return SL_ERROR;
    }

    text.data = (u_char *) p;
    text.len = last - p;
    dec.data = buf;

    if (sl_decode_base64(&dec, &text) != SL_OK) {
        cr->error = "invalid base64 in Basic credentials";
        return SL_ERROR;
    }

    for (i = 0; i < dec.len; i++) {
        if (sl_auth_is_ctl(dec.data[i]) || dec.data[i] == '\t') {
            cr->error = "control character in Basic credentials";
            return SL_ERROR;
        }
    }

    colon = sl_strlchr(dec.data, dec.data + dec.len, ':');

    if (colon == NULL) {
        cr->error = "no colon in Basic credentials";
        return SL_ERROR;
    }

    cr->user.data = dec.data;
    cr->user.len = colon - dec.data;
    cr->password.data = colon + 1;
    cr->password.len = dec.data + dec.len - (colon + 1);

    return SL_OK;
}


/*
 * An auth-param value at *pp (RFC 9110 §11.2): a token, or a
 * quoted-string whose quoted-pairs are unescaped (§5.6.4).  Its text
 * goes to dst unless dst is NULL (a parameter that is not kept); *pp
 * moves past the value.
 */
static sl_int_t
sl_auth_parse_value(const u_char **pp, const u_char *last, u_char *dst,
    sl_str_t *val, sl_auth_credentials_t *cr)
{
    u_char         ch;
    size_t         n;
    const u_char  *p;

    p = *pp;
    n = 0;

    if (p < last && *p == '"') {
        p++;

        for ( ;; ) {
            if (p == last) {
                cr->error = "unterminated quoted-string";
                return SL_ERROR;
            }

            ch = *p++;

            if (ch == '"') {
                break;
            }

            if (ch == '\\') {
                if (p == last) {
                    cr->error = "unterminated quoted-string";
                    return SL_ERROR;
                }

                ch = *p++;
            }

            if (sl_auth_is_ctl(ch)) {
                cr->error = "control character in a quoted-string";
                return SL_ERROR;
            }

            if (dst) {
                dst[n] = ch;
            }

            n++;
        }

    } else {
        while (p < last && sl_head_is_tchar(*p)) {
            if (dst) {
                dst[n] = *p;
            }

            n++;
            p++;
        }

        if (n == 0) {
            cr->error = "invalid parameter value";
            return SL_ERROR;
        }
    }

    val->data = dst;
    val->len = n;
    *pp = p;

    return SL_OK;
}


/*
 * The #auth-param list after "Digest": each known parameter once, its
 * value unquoted into buf (at most as many bytes as the value took in
 * the header), unknown ones skipped.
 */
static sl_int_t
sl_auth_parse_params(const u_char *p, const u_char *last, u_char *buf,
    sl_str_t *v, sl_auth_credentials_t *cr)
{
    u_char        *b;
    sl_str_t       name, val;
    sl_uint_t      i, sep, first;

    b = buf;
    first = 1;

    for ( ;; ) {

        /* OWS "," OWS, and empty list elements (RFC 9110 §5.6.1.2) */

        sep = 0;

        while (p < last && (sl_auth_is_blank(*p) || *p == ',')) {
            sep |= (*p++ == ',');
        }

        if (p == last) {
            return SL_OK;
        }

        if (!first && !sep) {
            cr->error = "no comma between parameters";
            return SL_ERROR;
        }

        first = 0;

        name.data = (u_char *) p;

        while (p < last && sl_head_is_tchar(*p)) {
            p++;
        }

        name.len = p - name.data;

        if (name.len == 0) {
            cr->error = "invalid parameter name";
            return SL_ERROR;
        }

        while (p < last && sl_auth_is_blank(*p)) {
            p++;
        }

        if (p == last || *p != '=') {
            cr->error = "parameter without a value";
            return SL_ERROR;
        }

        p++;

        while (p < last && sl_auth_is_blank(*p)) {
            p++;
        }

        for (i = 0; i < sl_auth_nparams; i++) {
            if (name.len == sl_auth_params[i].name.len
                && sl_strncasecmp(name.data, sl_auth_params[i].name.data,
                                  name.len) == 0)
            {
                break;
            }
        }

        if (i < sl_auth_nparams && v[i].data != NULL) {
            cr->error = "duplicate parameter";
            return SL_ERROR;
        }

        if (sl_auth_parse_value(&p, last, i < sl_auth_nparams ? b : NULL,
                                &val, cr)
            != SL_OK)
        {
            return SL_ERROR;
        }

        /* RFC 7616 §3.4: unknown parameters are ignored */

        if (i == sl_auth_nparams) {
            continue;
        }

        if (val.len > sl_auth_params[i].max) {
            cr->error = "parameter too long";
            return SL_ERROR;
        }

        v[i] = val;
        b += val.len;
    }
}


static sl_int_t
sl_auth_parse_digest(const u_char *p, const u_char *last, u_char *buf,
    sl_auth_credentials_t *cr)
{
    size_t      i;
    sl_int_t    nc;
    sl_str_t    v[sl_auth_nparams];

    static const struct {
        sl_uint_t    param;
        const char  *error;
    } required[] = {
        { sl_auth_username, "no username" },
        { sl_auth_realm, "no realm" },
        { sl_auth_nonce, "no nonce" },
        { sl_auth_uri, "no uri" },
        { sl_auth_response, "no response" },
    };

    sl_memzero(v, sizeof(v));

    if (sl_auth_parse_params(p, last, buf, v, cr) != SL_OK) {
        return SL_ERROR;
    }

    if (v[sl_auth_username_ext].data) {
        if (v[sl_auth_username].data) {
            cr->error = "both username and username*";
            return SL_ERROR;
        }

        cr->error = "username* is not supported";
        return SL_DECLINED;
    }

    for (i = 0; i < sl_nelems(required); i++) {
        if (v[required[i].param].data == NULL) {
            cr->error = required[i].error;
            return SL_ERROR;
        }
    }

    if (v[sl_auth_algorithm].data) {
        if (sl_str_caseeq(&v[sl_auth_algorithm], "MD5")) {
            cr->algorithm = SL_DIGEST_MD5;

        } else if (sl_str_caseeq(&v[sl_auth_algorithm], "SHA-256")) {
            cr->algorithm = SL_DIGEST_SHA256;

        } else {
            cr->error = "unknown algorithm";

            for (i = 0; i < sl_nelems(sl_auth_refused_algorithms); i++) {
                if (sl_str_caseeq(&v[sl_auth_algorithm],
                                  sl_auth_refused_algorithms[i]))
                {
                    cr->error = "unsupported algorithm";
                }
            }

            return SL_DECLINED;
        }
    }

    if (v[sl_auth_qop].data) {
        if (sl_str_caseeq(&v[sl_auth_qop], "auth-int")) {
            cr->error = "qop auth-int is not supported";
            return SL_DECLINED;
        }

        if (!sl_str_caseeq(&v[sl_auth_qop], "auth")) {
            cr->error = "invalid qop";
            return SL_ERROR;
        }

        if (v[sl_auth_cnonce].data == NULL || v[sl_auth_cnonce].len == 0) {
            cr->error = "qop without cnonce";
            return SL_ERROR;
        }

        if (v[sl_auth_nc].data == NULL) {
            cr->error = "qop without nc";
            return SL_ERROR;
        }

        /* 8LHEX, a count that starts at 1 (RFC 7616 §3.4) */

        nc = (v[sl_auth_nc].len == 8 && sl_auth_is_hex(&v[sl_auth_nc]))
             ? sl_hextoi(v[sl_auth_nc].data, 8) : 0;

        if (nc <= 0) {
            cr->error = "invalid nc";
            return SL_ERROR;
        }

        cr->nc = (uint32_t) nc;

    } else if (v[sl_auth_cnonce].data || v[sl_auth_nc].data) {
        cr->error = "cnonce or nc without qop";
        return SL_ERROR;
    }

    if (v[sl_auth_response].len != sl_digest_hex_len(cr->algorithm)
        || !sl_auth_is_hex(&v[sl_auth_response]))
    {
        cr->error = "invalid response";
        return SL_ERROR;
    }

    for (i = 0; i < v[sl_auth_response].len; i++) {
        v[sl_auth_response].data[i] = sl_tolower(v[sl_auth_response].data[i]);
    }

    if (v[sl_auth_userhash].data) {
        if (sl_str_caseeq(&v[sl_auth_userhash], "true")) {
            cr->userhash = 1;

        } else if (!sl_str_caseeq(&v[sl_auth_userhash], "false")) {
            cr->error = "invalid userhash";
            return SL_ERROR;
        }
    }

    cr->user = v[sl_auth_username];
    cr->realm = v[sl_auth_realm];
    cr->nonce = v[sl_auth_nonce];
    cr->uri = v[sl_auth_uri];
    cr->response = v[sl_auth_response];
    cr->cnonce = v[sl_auth_cnonce];
    cr->opaque = v[sl_auth_opaque];
    cr->qop = v[sl_auth_qop];
    cr->nc_text = v[sl_auth_nc];

    return SL_OK;
}


sl_int_t
sl_auth_parse(const sl_str_t *value, u_char *buf, sl_auth_credentials_t *cr)
{
    const u_char  *p, *last, *start;

    sl_memzero(cr, sizeof(sl_auth_credentials_t));
    cr->algorithm = SL_DIGEST_MD5;

    if (value->len > SL_AUTH_MAX_VALUE) {
        cr->error = "credentials too long";
        return SL_ERROR;
    }

    p = value->data;
    last = p + value->len;

    while (p < last && sl_auth_is_blank(*p)) {
        p++;
    }

    while (last > p && sl_auth_is_blank(last[-1])) {
        last--;
    }

    start = p;

    while (p < last && sl_head_is_tchar(*p)) {
        p++;
    }

    if (p == start || (p < last && !sl_auth_is_blank(*p))) {
        cr->error = "invalid auth-scheme";
        return SL_ERROR;
    }

    cr->scheme_name.data = (u_char *) start;
    cr->scheme_name.len = p - start;

    while (p < last && sl_auth_is_blank(*p)) {
        p++;
    }

    if (sl_str_caseeq(&cr->scheme_name, "Basic")) {
        cr->scheme = SL_AUTH_BASIC;
        return sl_auth_parse_basic(p, last, buf, cr);
    }

    if (sl_str_caseeq(&cr->scheme_name, "Digest")) {
        cr->scheme = SL_AUTH_DIGEST;
        return sl_auth_parse_digest(p, last, buf, cr);
    }

    cr->scheme = SL_AUTH_OTHER;
    cr->error = "unsupported auth-scheme";

    return SL_DECLINED;
}


/* copies len bytes when they fit; NULL in, NULL out, so calls chain */
static u_char *
sl_auth_cpy(u_char *p, u_char *last, const void *data, size_t len)
{
    if (p == NULL || (size_t) (last - p) < len) {
        return NULL;
    }

    return sl_cpymem(p, data, len);
}


#define sl_auth_cpy_text(p, last, text)                                      \
    sl_auth_cpy(p, last, text, sizeof(text) - 1)


u_char *
sl_auth_quote(u_char *p, u_char *last, const sl_str_t *s)
{
    size_t  i;
    u_char  ch;

    p = sl_auth_cpy_text(p, last, "\"");

    for (i = 0; p != NULL && i < s->len; i++) {
        ch = s->data[i];

        if (sl_auth_is_ctl(ch)) {
            return NULL;
        }

        if (ch == '"' || ch == '\\') {
            p = sl_auth_cpy_text(p, last, "\\");
        }

        p = sl_auth_cpy(p, last, &ch, 1);
    }

    return sl_auth_cpy_text(p, last, "\"");
}


u_char *
sl_auth_digest_challenge(u_char *p, u_char *last,
    const sl_auth_challenge_t *ch)
{
    const sl_str_t  *alg;

    alg = &sl_digest_names[ch->algorithm == SL_DIGEST_SHA256
                           ? SL_DIGEST_SHA256 : SL_DIGEST_MD5];

    p = sl_auth_cpy_text(p, last, "Digest realm=");
    p = sl_auth_quote(p, last, &ch->realm);
    p = sl_auth_cpy_text(p, last, ", nonce=");
    p = sl_auth_quote(p, last, &ch->nonce);

    if (ch->stale) {
        p = sl_auth_cpy_text(p, last, ", stale=true");
    }

    p = sl_auth_cpy_text(p, last, ", qop=\"auth\", algorithm=");
    p = sl_auth_cpy(p, last, alg->data, alg->len);

    if (ch->opaque.len) {
        p = sl_auth_cpy_text(p, last, ", opaque=");
        p = sl_auth_quote(p, last, &ch->opaque);
    }

    return p;
}


u_char *
sl_auth_basic_challenge(u_char *p, u_char *last, const sl_str_t *realm)
{
    p = sl_auth_cpy_text(p, last, "Basic realm=");
    p = sl_auth_quote(p, last, realm);

    return sl_auth_cpy_text(p, last, ", charset=\"UTF-8\"");
}
