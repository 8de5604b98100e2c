/* The HTTP module: its directives and its "listen ... http" protocol. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http.h>


static sl_int_t sl_http_preconfiguration(sl_conf_t *cf);
static void *sl_http_create_srv_conf(sl_conf_t *cf);
static char *sl_http_merge_srv_conf(sl_conf_t *cf, void *parent,
    void *child);


static sl_conf_num_bounds_t  sl_http_max_request_bounds = {
    sl_conf_check_num_bounds, 1024, 1024 * 1024
};

static sl_conf_num_bounds_t  sl_http_metaint_bounds = {
    sl_conf_check_num_bounds, 256, 1024 * 1024
};


static sl_command_t  sl_http_commands[] = {

    { sl_string("http_idle_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_http_srv_conf_t, idle_timeout),
      NULL, NULL },

    { sl_string("http_max_request"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_http_srv_conf_t, max_request),
      &sl_http_max_request_bounds, NULL },

    { sl_string("http_send_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_http_srv_conf_t, send_timeout),
      NULL, NULL },

    { sl_string("http_push_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_http_srv_conf_t, push_timeout),
      NULL, NULL },

    { sl_string("icy_metaint"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_http_srv_conf_t, icy_metaint),
      &sl_http_metaint_bounds, NULL },

      sl_null_command
};


static sl_streaming_module_t  sl_http_module_ctx = {
    .preconfiguration = sl_http_preconfiguration,
    .create_srv_conf  = sl_http_create_srv_conf,
    .merge_srv_conf   = sl_http_merge_srv_conf,
};


sl_module_t  sl_http_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_http_module_ctx,
    .commands = sl_http_commands,
};


static sl_int_t
sl_http_preconfiguration(sl_conf_t *cf)
{
    return sl_streaming_add_protocol(cf, "http", sl_http_init_connection);
}


sl_http_srv_conf_t *
sl_http_srv_conf(sl_connection_t *c)
{
    sl_streaming_core_srv_conf_t  *cscf;

    cscf = c->listening->servers;

    return cscf->ctx->srv_conf[sl_http_module.ctx_index];
}


static void *
sl_http_create_srv_conf(sl_conf_t *cf)
{
    sl_http_srv_conf_t  *hscf;

    hscf = sl_pcalloc(cf->pool, sizeof(sl_http_srv_conf_t));
    if (hscf == NULL) {
        return NULL;
    }

    hscf->idle_timeout = SL_CONF_UNSET_MSEC;
    hscf->max_request = SL_CONF_UNSET_SIZE;
    hscf->send_timeout = SL_CONF_UNSET_MSEC;
    hscf->push_timeout = SL_CONF_UNSET_MSEC;
    hscf->icy_metaint = SL_CONF_UNSET_SIZE;

    return hscf;
}


static char *
sl_http_merge_srv_conf(sl_conf_t *cf sl_unused, void *parent, void *child)
{
    sl_http_srv_conf_t  *prev = parent;
    sl_http_srv_conf_t  *conf = child;

    sl_conf_merge_msec_value(conf->idle_timeout, prev->idle_timeout, 30000);
    sl_conf_merge_size_value(conf->max_request, prev->max_request, 8192);
    sl_conf_merge_msec_value(conf->send_timeout, prev->send_timeout, 10000);
    sl_conf_merge_msec_value(conf->push_timeout, prev->push_timeout, 10000);
    sl_conf_merge_size_value(conf->icy_metaint, prev->icy_metaint, 16000);

    return SL_CONF_OK;
}
