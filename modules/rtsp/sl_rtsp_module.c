/* The RTSP module: its directives and its "listen ... rtsp" protocol. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>


static sl_int_t sl_rtsp_preconfiguration(sl_conf_t *cf);
static void *sl_rtsp_create_main_conf(sl_conf_t *cf);
static char *sl_rtsp_init_main_conf(sl_conf_t *cf, void *conf);
static char *sl_rtsp_port_range(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_rtsp_port_range_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static sl_int_t sl_rtsp_init_process(sl_cycle_t *cycle);
static void *sl_rtsp_create_srv_conf(sl_conf_t *cf);
static char *sl_rtsp_merge_srv_conf(sl_conf_t *cf, void *parent,
    void *child);


static sl_conf_num_bounds_t  sl_rtsp_max_request_bounds = {
    sl_conf_check_num_bounds, 1024, 1024 * 1024
};


static sl_conf_num_bounds_t  sl_rtsp_session_timeout_bounds = {
    sl_conf_check_num_bounds, 2000, 86400000
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

    { sl_string("session_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_rtsp_srv_conf_t, session_timeout),
      &sl_rtsp_session_timeout_bounds, NULL },

    { sl_string("send_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_rtsp_srv_conf_t, send_timeout),
      NULL, NULL },

    { sl_string("rtp_port_range"),
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,
      sl_rtsp_port_range,
      SL_STREAMING_MAIN_CONF_OFFSET,
      0,
      NULL,
      sl_rtsp_port_range_dump },

      sl_null_command
};


static sl_streaming_module_t  sl_rtsp_module_ctx = {
    .preconfiguration = sl_rtsp_preconfiguration,
    .create_main_conf = sl_rtsp_create_main_conf,
    .init_main_conf   = sl_rtsp_init_main_conf,
    .create_srv_conf  = sl_rtsp_create_srv_conf,
    .merge_srv_conf   = sl_rtsp_merge_srv_conf,
};


sl_module_t  sl_rtsp_module = {
    .type         = SL_STREAMING_MODULE,
    .ctx          = &sl_rtsp_module_ctx,
    .commands     = sl_rtsp_commands,
    .init_process = sl_rtsp_init_process,
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
    rscf->session_timeout = SL_CONF_UNSET_MSEC;
    rscf->send_timeout = SL_CONF_UNSET_MSEC;

    return rscf;
}


static char *
sl_rtsp_merge_srv_conf(sl_conf_t *cf sl_unused, void *parent, void *child)
{
    sl_rtsp_srv_conf_t  *prev = parent;
    sl_rtsp_srv_conf_t  *conf = child;

    sl_conf_merge_msec_value(conf->idle_timeout, prev->idle_timeout, 60000);
    sl_conf_merge_size_value(conf->max_request, prev->max_request, 16384);
    sl_conf_merge_msec_value(conf->session_timeout, prev->session_timeout,
                             60000);
    sl_conf_merge_msec_value(conf->send_timeout, prev->send_timeout, 10000);

    return SL_CONF_OK;
}


static void *
sl_rtsp_create_main_conf(sl_conf_t *cf)
{
    return sl_pcalloc(cf->pool, sizeof(sl_rtsp_main_conf_t));
}


static char *
sl_rtsp_init_main_conf(sl_conf_t *cf sl_unused, void *conf)
{
    sl_rtsp_main_conf_t  *rmcf = conf;

    if (rmcf->port_lo == 0) {
        rmcf->port_lo = 16384;
        rmcf->port_hi = 32767;
    }

    return SL_CONF_OK;
}


/* rtp_port_range LOW-HIGH: split evenly between the workers */
static char *
sl_rtsp_port_range(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    u_char               *dash;
    sl_int_t              lo, hi;
    sl_str_t             *value;
    sl_rtsp_main_conf_t  *rmcf = conf;

    if (rmcf->port_lo) {
        return "is duplicate";
    }

    value = cf->args->elts;

    dash = sl_strlchr(value[1].data, value[1].data + value[1].len, '-');
    if (dash == NULL) {
        goto invalid;
    }

    lo = sl_atoi(value[1].data, dash - value[1].data);
    hi = sl_atoi(dash + 1, value[1].data + value[1].len - dash - 1);

    if (lo < 1024 || hi > 65535 || hi - lo < 3) {
        goto invalid;
    }

    rmcf->port_lo = (sl_uint_t) (lo + (lo & 1));     /* RTP ports are even */
    rmcf->port_hi = (sl_uint_t) hi;

    return SL_CONF_OK;

invalid:

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "invalid value \"" SL_STR_FMT "\" in "
                      "\"rtp_port_range\" directive, it must be LOW-HIGH "
                      "with 1024 <= LOW, HIGH <= 65535 and at least 4 ports",
                      SL_STR_ARG(&value[1]));

    return SL_CONF_ERROR;
}


static void
sl_rtsp_port_range_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_rtsp_main_conf_t  *rmcf = conf;

    sl_conf_dump_line(d, "rtp_port_range %lu-%lu;",
                      (unsigned long) rmcf->port_lo,
                      (unsigned long) rmcf->port_hi);
}


static sl_int_t
sl_rtsp_init_process(sl_cycle_t *cycle)
{
    return sl_rtsp_init_worker(cycle);
}
