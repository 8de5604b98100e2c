/* The RTSP module: its directives and its "listen ... rtsp" protocol. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>


static sl_int_t sl_rtsp_preconfiguration(sl_conf_t *cf);
static void *sl_rtsp_create_srv_conf(sl_conf_t *cf);
static char *sl_rtsp_merge_srv_conf(sl_conf_t *cf, void *parent,
    void *child);


static sl_conf_num_bounds_t  sl_rtsp_max_request_bounds = {
    sl_conf_check_num_bounds, 1024, 1024 * 1024
};


static sl_command_t  sl_rtsp_commands[] = {

    { sl_string("rtsp_idle_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_rtsp_srv_conf_t, idle_timeout),
      NULL, NULL },

    { sl_string("rtsp_max_request"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_rtsp_srv_conf_t, max_request),
      &sl_rtsp_max_request_bounds, NULL },

      sl_null_command
};


static sl_streaming_module_t  sl_rtsp_module_ctx = {
    .preconfiguration = sl_rtsp_preconfiguration,
    .create_srv_conf  = sl_rtsp_create_srv_conf,
    .merge_srv_conf   = sl_rtsp_merge_srv_conf,
};


sl_module_t  sl_rtsp_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_rtsp_module_ctx,
    .commands = sl_rtsp_commands,
};


static sl_int_t
sl_rtsp_preconfiguration(sl_conf_t *cf)
{
    return sl_streaming_add_protocol(cf, "rtsp", sl_rtsp_init_connection);
}


static void *
sl_rtsp_create_srv_conf(sl_conf_t *cf)
{
    sl_rtsp_srv_conf_t  *rscf;

    rscf = sl_pcalloc(cf->pool, sizeof(sl_rtsp_srv_conf_t));
    if (rscf == NULL) {
        return NULL;
    }

    rscf->idle_timeout = SL_CONF_UNSET_MSEC;
    rscf->max_request = SL_CONF_UNSET_SIZE;

    return rscf;
}


static char *
sl_rtsp_merge_srv_conf(sl_conf_t *cf sl_unused, void *parent, void *child)
{
    sl_rtsp_srv_conf_t  *prev = parent;
    sl_rtsp_srv_conf_t  *conf = child;

    sl_conf_merge_msec_value(conf->idle_timeout, prev->idle_timeout, 60000);
    sl_conf_merge_size_value(conf->max_request, prev->max_request, 16384);

    return SL_CONF_OK;
}
