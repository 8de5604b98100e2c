/*
 * "auth token": a request whose URL carries ?expires=...&token=... is
 * let in when the token is the HMAC of its publishing point's path, the
 * expiry time and (auth_token_ip on) the client's address, and the time
 * has not passed.  The token is then the request's only credential: a
 * wrong or expired one is refused with 403, which no challenge could
 * mend.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include "sl_auth.h"
#include "sl_auth_token.h"


/* the identity of a request let in by a signed URL: "authorize read token" */
static sl_str_t  sl_auth_token_user = sl_string("token");


sl_int_t
sl_auth_token_authenticate(sl_streaming_request_t *r,
    sl_auth_pp_conf_t *apcf)
{
    u_char           text[SL_AUTH_TOKEN_IP_LEN];
    sl_str_t         expires, token, ip, *ipp;
    const char      *why;
    sl_auth_token_e  rc;

    if (sl_auth_token_args(&r->uri, &expires, &token) != SL_OK) {

        /* no signed URL: the other methods offered judge the request */
        if (apcf->nmethods > 1) {
            return SL_DECLINED;
        }

        why = "no token";
        goto denied;
    }

    ipp = NULL;

    if (apcf->token_ip == 1) {
        ip.data = text;
        ip.len = sl_auth_token_ip((struct sockaddr *)
                                  &r->connection->sockaddr, text);
        if (ip.len == 0) {
            why = "no client address";
            goto denied;
        }

        ipp = &ip;
    }

    /*
     * r->path is the publishing point's path (or its file's) without the
     * query and without an RTSP track control, as the link was signed
     */
    rc = sl_auth_token_check(&apcf->token_secret, &r->path, &expires, ipp,
                             &token, sl_time_sec);

    if (rc == SL_AUTH_TOKEN_OK) {
        r->user = sl_auth_token_user;
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "authentication: user \"%.*s\", method token, granted",
                     SL_STR_ARG(&r->user));
        return SL_OK;
    }

    why = (rc == SL_AUTH_TOKEN_EXPIRED) ? "expired token" : "invalid token";

denied:

    sl_log_error(SL_LOG_INFO, r->log, 0,
                 "authentication: user -, method token, denied: %s", why);

    return 403;
}


/* auth_token_secret STRING: 16 bytes at least, written on its line */
char *
sl_auth_token_secret(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    sl_str_t  *value;

    if (apcf->token_secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < SL_AUTH_TOKEN_SECRET_MIN) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "\"auth_token_secret\" must have %d bytes at "
                          "least", SL_AUTH_TOKEN_SECRET_MIN);
        return SL_CONF_ERROR;
    }

    apcf->token_secret = value[1];

    return SL_CONF_OK;
}


void
sl_auth_token_secret_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_auth_pp_conf_t  *apcf = conf;

    /* merged as "" where no level has one */
    if (apcf->token_secret.len == 0) {
        return;
    }

    sl_conf_dump_line(d, "auth_token_secret %s;",
                      sl_conf_dump_value(d, &apcf->token_secret));
}


/* called by "auth" when it offers token: where to point a missing secret */
void
sl_auth_token_where(sl_conf_t *cf, sl_auth_pp_conf_t *apcf)
{
    apcf->token_file = cf->conf_file->file.name;
    apcf->token_line = cf->conf_file->line;
}


char *
sl_auth_token_merge(sl_conf_t *cf, sl_auth_pp_conf_t *prev,
    sl_auth_pp_conf_t *conf)
{
    sl_uint_t  i;

    sl_conf_merge_str_value(conf->token_secret, prev->token_secret, "");
    sl_conf_merge_value(conf->token_ip, prev->token_ip, 0);

    if (conf->token_file.data == NULL) {
        conf->token_file = prev->token_file;
        conf->token_line = prev->token_line;
    }

    for (i = 0; i < conf->nmethods; i++) {
        if (conf->methods[i] == SL_AUTH_METHOD_TOKEN
            && conf->token_secret.len == 0)
        {
            sl_log_error(SL_LOG_EMERG, cf->log, 0,
                         "\"auth token\" needs \"auth_token_secret\" in "
                         "%.*s:%lu", SL_STR_ARG(&conf->token_file),
                         (unsigned long) conf->token_line);
            return SL_CONF_ERROR;
        }
    }

    return SL_CONF_OK;
}
