/*
 * Authentication (anonymous, Basic, Digest, signed URLs) and authorization
 * (read and write ACLs) in the request phases, for every protocol alike;
 * lockout after failures and Digest replays through sl_auth_guard.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include <sl_digest.h>
#include <openssl/rand.h>
#include "sl_auth.h"
#include "sl_auth_parse.h"
#include "sl_auth_nonce.h"
#include "sl_auth_users.h"
#include "sl_auth_basic_cache.h"
#include "sl_auth_shm.h"
#include "sl_auth_guard.h"


#define SL_AUTH_SECRET_LEN    32
#define SL_AUTH_ZONE_SIZE     4096

typedef struct {
    sl_shm_zone_t         *zone;        /* holds the nonce secret, then
                                           the shared table */
    sl_auth_guard_conf_t   guard;       /* lockout and nonce-counts */
} sl_auth_main_conf_t;


static char *sl_auth_methods(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void sl_auth_methods_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_auth_users_file(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_auth_users_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_auth_plaintext(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static char *sl_auth_authorize(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_auth_authorize_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static void *sl_auth_create_main_conf(sl_conf_t *cf);
static char *sl_auth_init_main_conf(sl_conf_t *cf, void *conf);
static void *sl_auth_create_pp_conf(sl_conf_t *cf);
static char *sl_auth_merge_pp_conf(sl_conf_t *cf, void *parent,
    void *child);
static sl_int_t sl_auth_init(sl_conf_t *cf);
static sl_int_t sl_auth_init_zone(sl_shm_zone_t *zone, void *old_data);
static sl_int_t sl_auth_authenticate(sl_streaming_request_t *r);
static sl_int_t sl_auth_authorize_handler(sl_streaming_request_t *r);


static const char  *sl_auth_method_names[SL_AUTH_METHODS] = {
    "anonymous", "basic", "digest", "token"
};


/* the denials that are guesses: only they count towards a lockout */
static const char  sl_auth_unknown_user[] = "unknown user";
static const char  sl_auth_wrong_password[] = "wrong password";
static const char  sl_auth_wrong_response[] = "wrong response";


static sl_conf_num_bounds_t  sl_auth_nonce_timeout_bounds = {
    sl_conf_check_num_bounds, 1, 86400
};

static sl_conf_num_bounds_t  sl_auth_basic_cache_time_bounds = {
    sl_conf_check_num_bounds, 0, 86400 * 1000
};


static sl_command_t  sl_auth_commands[] = {

    { sl_string("auth"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_1MORE,
      sl_auth_methods,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_auth_methods_dump },

    { sl_string("auth_realm"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_str_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, realm),
      NULL, NULL },

    { sl_string("auth_users"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_auth_users_file,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_auth_users_dump },

    { sl_string("anonymous_user"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_str_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, anonymous_user),
      NULL, NULL },

    { sl_string("auth_basic_plaintext"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_FLAG,
      sl_auth_plaintext,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, basic_plaintext),
      NULL, NULL },

    { sl_string("auth_basic_cache_time"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, basic_cache_time),
      &sl_auth_basic_cache_time_bounds, NULL },

    { sl_string("auth_nonce_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_sec_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, nonce_timeout),
      &sl_auth_nonce_timeout_bounds, NULL },

    { sl_string("auth_token_secret"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_auth_token_secret,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_auth_token_secret_dump },

    { sl_string("auth_token_ip"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_auth_pp_conf_t, token_ip),
      NULL, NULL },

    { sl_string("authorize"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_2MORE,
      sl_auth_authorize,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_auth_authorize_dump },

    SL_AUTH_GUARD_COMMANDS(SL_STREAMING_MAIN_CONF_OFFSET,
                           offsetof(sl_auth_main_conf_t, guard)),

      sl_null_command
};


static sl_streaming_module_t  sl_auth_module_ctx = {
    .postconfiguration = sl_auth_init,
    .create_main_conf  = sl_auth_create_main_conf,
    .init_main_conf    = sl_auth_init_main_conf,
    .create_pp_conf    = sl_auth_create_pp_conf,
    .merge_pp_conf     = sl_auth_merge_pp_conf,
};


sl_module_t  sl_auth_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_auth_module_ctx,
    .commands = sl_auth_commands,
};


static u_char  sl_auth_zone_tag;


sl_uint_t
sl_auth_acl_allows(const sl_array_t *rules, sl_uint_t access,
    const sl_str_t *user, const sl_auth_user_t *u)
{
    sl_uint_t              i, seen;
    const sl_auth_rule_t  *rule;

    if (rules == NULL) {
        return 1;
    }

    rule = rules->elts;
    seen = 0;

    for (i = 0; i < rules->nelts; i++) {
        if (rule[i].access != access) {
            continue;
        }

        seen = 1;

        if (user->len == 0) {
            continue;
        }

        if (rule[i].group) {
            if (u && sl_auth_user_in_group(u, rule[i].name.data,
                                           rule[i].name.len))
            {
                return 1;
            }

            continue;
        }

        if (rule[i].name.len == user->len
            && memcmp(rule[i].name.data, user->data, user->len) == 0)
        {
            return 1;
        }
    }

    return !seen;
}


sl_uint_t
sl_auth_digest_uri_matches(const sl_str_t *uri, const sl_str_t *target,
    const sl_str_t *base)
{
    if (uri->len == target->len
        && memcmp(uri->data, target->data, uri->len) == 0)
    {
        return 1;
    }

    /* base ends in "/": taken with it or without it */
    if (uri->len == 0
        || (uri->len != base->len && uri->len + 1 != base->len))
    {
        return 0;
    }

    return memcmp(uri->data, base->data, uri->len) == 0;
}


static sl_int_t
sl_auth_offers(sl_auth_pp_conf_t *apcf, sl_auth_method_e m)
{
    sl_uint_t  i;

    for (i = 0; i < apcf->nmethods; i++) {
        if (apcf->methods[i] == m) {
            return 1;
        }
    }

    return 0;
}


/* Basic is offered on TLS, or on plain text when the operator said so */
static sl_int_t
sl_auth_basic_usable(sl_streaming_request_t *r, sl_auth_pp_conf_t *apcf)
{
    return sl_auth_offers(apcf, SL_AUTH_METHOD_BASIC)
           && (r->secure || apcf->basic_plaintext == 1);
}


/* the secret all workers make and check nonces with, from the zone */
static sl_str_t
sl_auth_secret(sl_streaming_request_t *r)
{
    sl_str_t              s;
    sl_auth_main_conf_t  *amcf;

    amcf = sl_streaming_get_module_main_conf(r, sl_auth_module);

    s.len = SL_AUTH_SECRET_LEN;
    s.data = amcf->zone->shm.addr;

    return s;
}


/*
 * Puts the challenges of every method offered into r->headers_out, in
 * the order configured; Digest offers SHA-256 first, then MD5, with one
 * fresh nonce.  stale marks the Digest ones (RFC 7616 §3.3).  Returns
 * 401, or SL_ERROR.
 */
static sl_int_t
sl_auth_challenge(sl_streaming_request_t *r, sl_auth_pp_conf_t *apcf,
    sl_uint_t stale)
{
    u_char               *p, *last, *buf;
    u_char                nonce[SL_AUTH_NONCE_LEN];
    size_t                size;
    sl_str_t              secret;
    sl_uint_t             i;
    sl_auth_challenge_t   ch;

    size = 2 * (sizeof("WWW-Authenticate: \r\n") - 1
                + SL_AUTH_CHALLENGE_LEN(apcf->realm.len, SL_AUTH_NONCE_LEN,
                                        0))
           + sizeof("WWW-Authenticate: Basic realm=\"\", "
                    "charset=\"UTF-8\"\r\n") + 2 * apcf->realm.len;

    buf = sl_pnalloc(r->pool, size);
    if (buf == NULL) {
        return SL_ERROR;
    }

    p = buf;
    last = buf + size;

    for (i = 0; i < apcf->nmethods; i++) {

        switch (apcf->methods[i]) {

        case SL_AUTH_METHOD_BASIC:
            if (!sl_auth_basic_usable(r, apcf)) {
                break;
            }

            p = sl_cpymem(p, "WWW-Authenticate: ", 18);
            p = sl_auth_basic_challenge(p, last, &apcf->realm);
            if (p == NULL || last - p < 2) {
                return SL_ERROR;
            }

            *p++ = '\r'; *p++ = '\n';
            break;

        case SL_AUTH_METHOD_DIGEST:
            secret = sl_auth_secret(r);

            if (sl_auth_nonce_make(&secret,
                                   (struct sockaddr *)
                                   &r->connection->sockaddr,
                                   sl_time_sec, nonce)
                != SL_OK)
            {
                sl_log_error(SL_LOG_ERR, r->log, 0,
                             "cannot make a digest nonce");
                return SL_ERROR;
            }

            sl_memzero(&ch, sizeof(sl_auth_challenge_t));
            ch.realm = apcf->realm;
            ch.nonce.data = nonce;
            ch.nonce.len = SL_AUTH_NONCE_LEN;
            ch.stale = stale;

            /* ffmpeg and live555 take the last one: MD5, which they do */
            ch.algorithm = SL_DIGEST_SHA256;
            p = sl_cpymem(p, "WWW-Authenticate: ", 18);
            p = sl_auth_digest_challenge(p, last, &ch);
            if (p == NULL || last - p < 2 + 18) {
                return SL_ERROR;
            }

            *p++ = '\r'; *p++ = '\n';

            ch.algorithm = SL_DIGEST_MD5;
            p = sl_cpymem(p, "WWW-Authenticate: ", 18);
            p = sl_auth_digest_challenge(p, last, &ch);
            if (p == NULL || last - p < 2) {
                return SL_ERROR;
            }

            *p++ = '\r'; *p++ = '\n';
            break;

        default:
            break;
        }
    }

    if (sl_streaming_add_header_out(r, buf, p - buf) != SL_OK) {
        return SL_ERROR;
    }

    return 401;
}


static sl_int_t
sl_auth_basic(sl_streaming_request_t *r, sl_auth_pp_conf_t *apcf,
    sl_auth_credentials_t *cr, const sl_auth_user_t **user,
    const char **why)
{
    sl_int_t               rc;
    const sl_auth_user_t  *u;

    if (!sl_auth_basic_usable(r, apcf)) {
        *why = sl_auth_offers(apcf, SL_AUTH_METHOD_BASIC)
               ? "Basic refused on a plain-text connection"
               : "Basic not offered";
        return SL_DECLINED;
    }

    u = sl_auth_users_find(apcf->users, cr->user.data, cr->user.len);
    if (u == NULL) {
        *why = sl_auth_unknown_user;
        return SL_DECLINED;
    }

    *user = u;

    if (apcf->basic_cache_time
        && sl_auth_basic_cache_find(u, cr->password.data, cr->password.len,
                                    sl_current_msec))
    {
        return SL_OK;
    }

    rc = sl_auth_users_check_password(u, cr->password.data,
                                      cr->password.len);
    if (rc == SL_ERROR) {
        sl_log_error(SL_LOG_ERR, r->log, errno, "crypt_rn() failed");
        return SL_ERROR;
    }

    if (rc != SL_OK) {
        *why = sl_auth_wrong_password;
        return SL_DECLINED;
    }

    sl_auth_basic_cache_add(u, cr->password.data, cr->password.len,
                            sl_current_msec, apcf->basic_cache_time);

    return SL_OK;
}


/*
 * RFC 7616 §3.4: realm ours, uri the request's target as sent (ffmpeg
 * sends the whole rtsp:// URL; live555 its base URL, see
 * sl_auth_digest_uri_matches()), the nonce ours and this
 * client's, the response right for the user's HA1, and with qop its
 * nonce-count above any taken before for the nonce.  SL_OK, SL_DECLINED
 * (*why set), SL_AGAIN for a right response on an expired nonce (the
 * caller answers stale=true), SL_DONE for a replayed nonce-count (*why
 * set; answered like a denial, but no guess), SL_ERROR.
 */
static sl_int_t
sl_auth_digest(sl_streaming_request_t *r, sl_auth_pp_conf_t *apcf,
    sl_auth_credentials_t *cr, const sl_auth_user_t **user,
    const char **why)
{
    u_char                 hex[SL_DIGEST_MAX_HEX];
    time_t                 made;
    sl_str_t               secret, expected;
    sl_auth_nonce_e        nc;
    sl_auth_main_conf_t   *amcf;
    sl_digest_request_t    dr;
    const sl_auth_user_t  *u;

    if (!sl_auth_offers(apcf, SL_AUTH_METHOD_DIGEST)) {
        *why = "Digest not offered";
        return SL_DECLINED;
    }

    if (cr->userhash) {
        *why = "userhash not offered";
        return SL_DECLINED;
    }

    if (cr->realm.len != apcf->realm.len
        || memcmp(cr->realm.data, apcf->realm.data, cr->realm.len) != 0)
    {
        *why = "another realm";
        return SL_DECLINED;
    }

    if (!sl_auth_digest_uri_matches(&cr->uri, &r->uri, &r->uri_base)) {
        *why = "uri differs from the request's";
        return SL_DECLINED;
    }

    u = sl_auth_users_find(apcf->users, cr->user.data, cr->user.len);
    if (u == NULL) {
        *why = sl_auth_unknown_user;
        return SL_DECLINED;
    }

    *user = u;

    if (u->realm.len != apcf->realm.len
        || memcmp(u->realm.data, apcf->realm.data, u->realm.len) != 0)
    {
        *why = "the user's digests are for another realm";
        return SL_DECLINED;
    }

    sl_memzero(&dr, sizeof(sl_digest_request_t));
    dr.alg = cr->algorithm;
    dr.ha1 = (cr->algorithm == SL_DIGEST_SHA256) ? u->ha1_sha256 : u->ha1_md5;

    if (dr.ha1.len == 0) {
        *why = "no digest of that algorithm for the user";
        return SL_DECLINED;
    }

    secret = sl_auth_secret(r);
    amcf = sl_streaming_get_module_main_conf(r, sl_auth_module);

    nc = sl_auth_nonce_check(&secret, &cr->nonce,
                             (struct sockaddr *) &r->connection->sockaddr,
                             sl_time_sec, apcf->nonce_timeout, &made);

    if (nc == SL_AUTH_NONCE_INVALID) {
        *why = "invalid nonce";
        return SL_DECLINED;
    }

    dr.method = r->method;
    dr.uri = cr->uri;
    dr.nonce = cr->nonce;
    dr.nc = cr->nc_text;
    dr.cnonce = cr->cnonce;
    dr.qop = cr->qop;

    if (sl_digest_response(&dr, hex) != SL_OK) {
        return SL_ERROR;
    }

    expected.data = hex;
    expected.len = sl_digest_hex_len(dr.alg);

    if (!sl_digest_equal(&expected, &cr->response)) {
        *why = sl_auth_wrong_response;
        return SL_DECLINED;
    }

    if (nc == SL_AUTH_NONCE_STALE) {
        *why = "stale nonce";
        return SL_AGAIN;
    }

    if (cr->qop.len
        && !sl_auth_guard_take_nc(&amcf->guard, &cr->nonce, cr->nc,
                                  sl_time_sec,
                                  made + apcf->nonce_timeout + 1))
    {
        *why = "nonce-count replayed";
        return SL_DONE;
    }

    return SL_OK;
}


/*
 * The authentication phase.  Without credentials, "anonymous" lets the
 * request in as anonymous_user; right Basic or Digest credentials set
 * r->user; anything else is 401 with fresh challenges.  Every outcome
 * is logged at info: user (a users file name, or "-"), method, result.
 */
static sl_int_t
sl_auth_authenticate(sl_streaming_request_t *r)
{
    u_char                 *buf;
    sl_int_t                rc;
    const char             *why, *method;
    sl_uint_t               failed;
    sl_auth_pp_conf_t      *apcf;
    sl_auth_main_conf_t    *amcf;
    const sl_auth_user_t   *u;
    sl_auth_credentials_t   cr;

    apcf = sl_streaming_get_module_pp_conf(r, sl_auth_module);

    if (apcf->nmethods == 0) {
        return SL_DECLINED;
    }

    amcf = sl_streaming_get_module_main_conf(r, sl_auth_module);

    if (sl_auth_guard_locked(&amcf->guard, r->log,
                             (struct sockaddr *) &r->connection->sockaddr,
                             sl_time_sec))
    {
        return 403;
    }

    failed = 0;

    if (sl_auth_offers(apcf, SL_AUTH_METHOD_TOKEN)) {
        rc = sl_auth_token_authenticate(r, apcf);
        if (rc != SL_DECLINED) {
            return rc;
        }
    }

    u = NULL;
    why = "no credentials";
    method = "-";

    if (r->authorization.len == 0
        || (!sl_auth_offers(apcf, SL_AUTH_METHOD_BASIC)
            && !sl_auth_offers(apcf, SL_AUTH_METHOD_DIGEST)))
    {
        if (sl_auth_offers(apcf, SL_AUTH_METHOD_ANONYMOUS)) {
            r->user = apcf->anonymous_user;
            sl_log_error(SL_LOG_INFO, r->log, 0,
                         "authentication: user \"%.*s\", method anonymous, "
                         "granted", SL_STR_ARG(&r->user));
            return SL_OK;
        }

        goto denied;
    }

    buf = sl_pnalloc(r->pool, r->authorization.len);
    if (buf == NULL) {
        return SL_ERROR;
    }

    rc = sl_auth_parse(&r->authorization, buf, &cr);

    if (rc != SL_OK) {
        why = cr.error ? cr.error : "unusable credentials";
        goto denied;
    }

    if (apcf->users == NULL) {
        why = "no auth_users";
        goto denied;
    }

    if (cr.scheme == SL_AUTH_BASIC) {
        method = "basic";
        rc = sl_auth_basic(r, apcf, &cr, &u, &why);

    } else {
        method = (cr.algorithm == SL_DIGEST_SHA256) ? "digest SHA-256"
                                                    : "digest MD5";
        rc = sl_auth_digest(r, apcf, &cr, &u, &why);
    }

    if (rc == SL_ERROR) {
        return SL_ERROR;
    }

    if (rc == SL_OK) {
        r->user = u->name;
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "authentication: user \"%.*s\", method %s, granted",
                     SL_STR_ARG(&u->name), method);
        return SL_OK;
    }

    if (rc == SL_AGAIN) {
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "authentication: user \"%.*s\", method %s, "
                     "stale nonce", SL_STR_ARG(&u->name), method);
        return sl_auth_challenge(r, apcf, 1);
    }

    /*
     * a wrong name, password or response counts; a replay, a nonce of
     * an earlier master or a method not offered is no guess
     */
    failed = (rc == SL_DECLINED
              && (why == sl_auth_unknown_user
                  || why == sl_auth_wrong_password
                  || why == sl_auth_wrong_response));

denied:

    /* a name only when the users file has it: no client text in logs */
    if (u) {
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "authentication: user \"%.*s\", method %s, "
                     "denied: %s", SL_STR_ARG(&u->name), method, why);

    } else {
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "authentication: user -, method %s, denied: %s",
                     method, why);
    }

    if (failed) {
        sl_auth_guard_fail(&amcf->guard, r->log,
                           (struct sockaddr *) &r->connection->sockaddr,
                           sl_time_sec);
    }

    return sl_auth_challenge(r, apcf, 0);
}


/* the authorization phase: 403 for a user no rule of the access names */
static sl_int_t
sl_auth_authorize_handler(sl_streaming_request_t *r)
{
    sl_auth_pp_conf_t     *apcf;
    const sl_auth_user_t  *u;

    apcf = sl_streaming_get_module_pp_conf(r, sl_auth_module);

    if (apcf->rules == NULL) {
        return SL_DECLINED;
    }

    u = NULL;

    if (r->user.len && apcf->users) {
        u = sl_auth_users_find(apcf->users, r->user.data, r->user.len);
    }

    if (sl_auth_acl_allows(apcf->rules, r->access, &r->user, u)) {
        return SL_DECLINED;
    }

    sl_log_error(SL_LOG_INFO, r->log, 0,
                 "authorization: user \"%.*s\" may not %s",
                 SL_STR_ARG(&r->user),
                 r->access == SL_STREAMING_WRITE ? "write" : "read");

    return 403;
}


/* auth off | anonymous | basic | digest ... */
static char *
sl_auth_methods(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    sl_str_t   *value;
    sl_uint_t   i, m;

    if (apcf->nmethods != SL_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    apcf->nmethods = 0;

    if (cf->args->nelts == 2 && sl_str_eq(&value[1], "off")) {
        return SL_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        for (m = 0; m < SL_AUTH_METHODS; m++) {
            if (sl_str_eq(&value[i], sl_auth_method_names[m])) {
                break;
            }
        }

        if (m == SL_AUTH_METHODS) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid value \"" SL_STR_FMT "\" in \""
                              SL_STR_FMT "\" directive, it must be \"off\", "
                              "\"anonymous\", \"basic\", \"digest\" or "
                              "\"token\"",
                              SL_STR_ARG(&value[i]), SL_STR_ARG(&cmd->name));
            return SL_CONF_ERROR;
        }

        if (sl_auth_offers(apcf, (sl_auth_method_e) m)) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "\"%s\" is given twice in \"auth\" directive",
                              sl_auth_method_names[m]);
            return SL_CONF_ERROR;
        }

        apcf->methods[apcf->nmethods++] = (sl_auth_method_e) m;

        if (m == SL_AUTH_METHOD_TOKEN) {
            sl_auth_token_where(cf, apcf);
        }
    }

    return SL_CONF_OK;
}


static void
sl_auth_methods_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    u_char     text[64], *p, *last;
    sl_uint_t  i;

    if (apcf->nmethods == SL_CONF_UNSET_UINT) {
        return;
    }

    p = text;
    last = text + sizeof(text);

    if (apcf->nmethods == 0) {
        p = sl_slprintf(p, last, " off");
    }

    for (i = 0; i < apcf->nmethods; i++) {
        p = sl_slprintf(p, last, " %s", sl_auth_method_names[apcf->methods[i]]);
    }

    sl_conf_dump_line(d, "auth%.*s;", (int) (p - text), (char *) text);
}


/* auth_users FILE: parsed now, so that a reload reads it again */
static char *
sl_auth_users_file(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    u_char     err[SL_AUTH_USERS_ERROR_LEN];
    sl_str_t   name, *value;

    if (apcf->users != SL_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (sl_conf_full_name(cf->cycle, &name, 1) != SL_OK) {
        return SL_CONF_ERROR;
    }

    /* an absolute name comes back as it was: make sure of the NUL */
    name.data = sl_pstrdup(cf->pool, &name);
    if (name.data == NULL) {
        return SL_CONF_ERROR;
    }

    apcf->users = sl_auth_users_read(cf->pool, &name, err, sizeof(err));

    if (apcf->users == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "auth_users: %s",
                          (char *) err);
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


static void
sl_auth_users_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    if (apcf->users == SL_CONF_UNSET_PTR || apcf->users == NULL) {
        return;
    }

    sl_conf_dump_line(d, "auth_users %s;",
                      sl_conf_dump_value(d, &apcf->users->name));
}


/* a flag slot that warns at start-up (and reload) when it is on */
static char *
sl_auth_plaintext(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char               *rv;
    sl_auth_pp_conf_t  *apcf = conf;

    rv = sl_conf_set_flag_slot(cf, cmd, conf);

    if (rv == SL_CONF_OK && apcf->basic_plaintext == 1) {
        sl_conf_log_error(SL_LOG_WARN, cf, 0,
                          "Basic passwords are accepted in clear text on "
                          "connections without TLS");
    }

    return rv;
}


/* authorize read|write USER|@GROUP ... */
static char *
sl_auth_authorize(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    sl_str_t        *value;
    sl_uint_t        i, access;
    sl_auth_rule_t  *rule;

    value = cf->args->elts;

    if (sl_str_eq(&value[1], "read")) {
        access = SL_STREAMING_READ;

    } else if (sl_str_eq(&value[1], "write")) {
        access = SL_STREAMING_WRITE;

    } else {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid value \"" SL_STR_FMT "\" in \""
                          SL_STR_FMT "\" directive, it must be \"read\" "
                          "or \"write\"",
                          SL_STR_ARG(&value[1]), SL_STR_ARG(&cmd->name));
        return SL_CONF_ERROR;
    }

    if (apcf->rules == NULL) {
        apcf->rules = sl_array_create(cf->pool, 4, sizeof(sl_auth_rule_t));
        if (apcf->rules == NULL) {
            return SL_CONF_ERROR;
        }
    }

    for (i = 2; i < cf->args->nelts; i++) {
        if (value[i].len == 0
            || (value[i].len == 1 && value[i].data[0] == '@'))
        {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "empty user or group in \"authorize\" "
                              "directive");
            return SL_CONF_ERROR;
        }

        rule = sl_array_push(apcf->rules);
        if (rule == NULL) {
            return SL_CONF_ERROR;
        }

        rule->access = access;
        rule->group = (value[i].data[0] == '@');
        rule->name.data = value[i].data + rule->group;
        rule->name.len = value[i].len - rule->group;
    }

    return SL_CONF_OK;
}


static void
sl_auth_authorize_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    sl_uint_t        i;
    sl_auth_rule_t  *rule;

    if (apcf->rules == NULL) {
        return;
    }

    rule = apcf->rules->elts;

    for (i = 0; i < apcf->rules->nelts; i++) {
        sl_conf_dump_line(d, "authorize %s %s%s;",
                          rule[i].access == SL_STREAMING_WRITE ? "write"
                                                               : "read",
                          rule[i].group ? "@" : "",
                          sl_conf_dump_value(d, &rule[i].name));
    }
}


static void *
sl_auth_create_main_conf(sl_conf_t *cf)
{
    sl_auth_main_conf_t  *amcf;

    amcf = sl_pcalloc(cf->pool, sizeof(sl_auth_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }

    sl_auth_guard_create_conf(&amcf->guard);

    return amcf;
}


static char *
sl_auth_init_main_conf(sl_conf_t *cf, void *conf)
{
    sl_auth_main_conf_t  *amcf = conf;

    if (sl_auth_guard_init_conf(cf, &amcf->guard) != SL_OK) {
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


static void *
sl_auth_create_pp_conf(sl_conf_t *cf)
{
    sl_auth_pp_conf_t  *apcf;

    apcf = sl_pcalloc(cf->pool, sizeof(sl_auth_pp_conf_t));
    if (apcf == NULL) {
        return NULL;
    }

    /*
     * set by sl_pcalloc():
     *
     *     apcf->realm = { 0, NULL };
     *     apcf->anonymous_user = { 0, NULL };
     *     apcf->rules = NULL;
     */

    apcf->nmethods = SL_CONF_UNSET_UINT;
    apcf->users = SL_CONF_UNSET_PTR;
    apcf->basic_plaintext = SL_CONF_UNSET;
    apcf->basic_cache_time = SL_CONF_UNSET_MSEC;
    apcf->nonce_timeout = SL_CONF_UNSET;
    apcf->token_ip = SL_CONF_UNSET;

    return apcf;
}


static char *
sl_auth_merge_pp_conf(sl_conf_t *cf, void *parent, void *child)
{
    sl_auth_pp_conf_t  *prev = parent;
    sl_auth_pp_conf_t  *conf = child;

    if (conf->nmethods == SL_CONF_UNSET_UINT) {
        if (prev->nmethods == SL_CONF_UNSET_UINT) {
            conf->nmethods = 0;

        } else {
            conf->nmethods = prev->nmethods;
            sl_memcpy(conf->methods, prev->methods, sizeof(conf->methods));
        }
    }

    sl_conf_merge_str_value(conf->realm, prev->realm, "Sluice");
    sl_conf_merge_ptr_value(conf->users, prev->users, NULL);
    sl_conf_merge_str_value(conf->anonymous_user, prev->anonymous_user,
                            "anonymous");
    sl_conf_merge_value(conf->basic_plaintext, prev->basic_plaintext, 0);
    sl_conf_merge_msec_value(conf->basic_cache_time, prev->basic_cache_time,
                             60000);
    sl_conf_merge_sec_value(conf->nonce_timeout, prev->nonce_timeout, 300);

    /* a level with rules of its own does not inherit any (nginx) */
    if (conf->rules == NULL) {
        conf->rules = prev->rules;
    }

    return sl_auth_token_merge(cf, prev, conf);
}


/*
 * The nonce secret lives in a zone that a reload takes over, so that
 * every worker of every generation of this master agrees on it; a new
 * master makes a new one, which only makes clients ask again.
 */
static sl_int_t
sl_auth_init(sl_conf_t *cf)
{
    sl_str_t              name = sl_string("auth_nonce_secret");
    sl_auth_main_conf_t  *amcf;

    amcf = sl_streaming_conf_get_module_main_conf(cf, sl_auth_module);

    amcf->zone = sl_shm_zone_add(cf, &name,
                                 SL_AUTH_ZONE_SIZE + amcf->guard.size,
                                 &sl_auth_zone_tag);
    if (amcf->zone == NULL) {
        return SL_ERROR;
    }

    amcf->zone->init = sl_auth_init_zone;
    amcf->zone->data = amcf;

    if (sl_streaming_add_handler(cf, SL_STREAMING_AUTHENTICATION_PHASE,
                                 sl_auth_authenticate)
        != SL_OK)
    {
        return SL_ERROR;
    }

    return sl_streaming_add_handler(cf, SL_STREAMING_AUTHORIZATION_PHASE,
                                    sl_auth_authorize_handler);
}


static sl_int_t
sl_auth_init_zone(sl_shm_zone_t *zone, void *old_data)
{
    sl_auth_main_conf_t  *amcf = zone->data;

    /* the table after the secret's page: a reload keeps both */

    if (sl_auth_guard_init_zone(&amcf->guard, zone->shm.log,
                                zone->shm.addr + SL_AUTH_ZONE_SIZE,
                                amcf->guard.size, old_data != NULL)
        != SL_OK)
    {
        return SL_ERROR;
    }

    if (old_data) {
        /* the mapping, and the secret in it, are the previous cycle's */
        return SL_OK;
    }

    if (RAND_bytes(zone->shm.addr, SL_AUTH_SECRET_LEN) != 1) {
        sl_log_error(SL_LOG_EMERG, zone->shm.log, 0,
                     "RAND_bytes() failed for the digest nonce secret");
        return SL_ERROR;
    }

    return SL_OK;
}
