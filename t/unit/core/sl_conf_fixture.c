/* Test modules for the configuration parser: see sl_conf_fixture.h. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_conf_fixture.h"


static char *t_custom(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static char *t_nest(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static char *t_types(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static char *t_stream_block(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void t_stream_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);
static char *t_server_block(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void t_server_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);


static sl_conf_num_bounds_t  t_bounds_1_100 = {
    sl_conf_check_num_bounds, 1, 100
};
static sl_conf_num_bounds_t  t_bounds_min_10 = { NULL, 10, -1 };
static sl_conf_num_bounds_t  t_bounds_size = { NULL, 1024, 1024 * 1024 };
static sl_conf_num_bounds_t  t_bounds_time = { NULL, 1000, 3600000 };
static sl_conf_num_bounds_t  t_bounds_sec = { NULL, 1, 60 };

static sl_conf_enum_t  t_modes[] = {
    { sl_string("fast"), 1 },
    { sl_string("slow"), 2 },
    { sl_string("auto"), 3 },
    { sl_null_string, 0 }
};

static sl_conf_bitmask_t  t_masks[] = {
    { sl_string("all"), 0x07 },
    { sl_string("read"), 0x01 },
    { sl_string("write"), 0x02 },
    { sl_string("exec"), 0x04 },
    { sl_null_string, 0 }
};


#define T_MAIN  (SL_MAIN_CONF | SL_DIRECT_CONF)
#define T_OFF(f)  offsetof(t_core_conf_t, f)

static sl_command_t  t_core_commands[] = {
    { sl_string("t_flag"), T_MAIN | SL_CONF_FLAG, sl_conf_set_flag_slot, 0,
      T_OFF(flag), NULL, NULL },
    { sl_string("t_num"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_num_slot, 0,
      T_OFF(num), NULL, NULL },
    { sl_string("t_size"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_size_slot, 0,
      T_OFF(size), NULL, NULL },
    { sl_string("t_msec"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_msec_slot, 0,
      T_OFF(msec), NULL, NULL },
    { sl_string("t_sec"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_sec_slot, 0,
      T_OFF(sec), NULL, NULL },
    { sl_string("t_enum"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_enum_slot, 0,
      T_OFF(mode), t_modes, NULL },
    { sl_string("t_mask"), T_MAIN | SL_CONF_1MORE, sl_conf_set_bitmask_slot,
      0, T_OFF(mask), t_masks, NULL },
    { sl_string("t_str"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_str_slot, 0,
      T_OFF(str), NULL, NULL },
    { sl_string("t_list"), T_MAIN | SL_CONF_TAKE1,
      sl_conf_set_str_array_slot, 0, T_OFF(list), NULL, NULL },
    { sl_string("t_words"), T_MAIN | SL_CONF_1MORE,
      sl_conf_set_str_array_slot, 0, T_OFF(words), NULL, NULL },
    { sl_string("t_path"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_path_slot, 0,
      T_OFF(path), NULL, NULL },
    { sl_string("t_cv"), T_MAIN | SL_CONF_TAKE1,
      sl_conf_set_complex_value_slot, 0, T_OFF(cv), NULL, NULL },
    { sl_string("t_bounded"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_num_slot,
      0, T_OFF(bounded), &t_bounds_1_100, NULL },
    { sl_string("t_atleast"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_num_slot,
      0, T_OFF(atleast), &t_bounds_min_10, NULL },
    { sl_string("t_bsize"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_size_slot,
      0, T_OFF(bsize), &t_bounds_size, NULL },
    { sl_string("t_btime"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_msec_slot,
      0, T_OFF(btime), &t_bounds_time, NULL },
    { sl_string("t_bsec"), T_MAIN | SL_CONF_TAKE1, sl_conf_set_sec_slot,
      0, T_OFF(bsec), &t_bounds_sec, NULL },
    { sl_string("t_noargs"), T_MAIN | SL_CONF_NOARGS, t_custom, 0, 0, NULL,
      NULL },
    { sl_string("t_take13"), T_MAIN | SL_CONF_TAKE13, t_custom, 0, 0, NULL,
      NULL },
    { sl_string("t_2more"), T_MAIN | SL_CONF_2MORE, t_custom, 0, 0, NULL,
      NULL },
    { sl_string("t_any"), T_MAIN | SL_CONF_ANY, t_custom, 0, 0, NULL, NULL },
    { sl_string("t_msg"), T_MAIN | SL_CONF_TAKE1, t_custom, 0, 0, NULL,
      NULL },
    { sl_string("t_nest"), T_MAIN | SL_CONF_BLOCK | SL_CONF_NOARGS, t_nest,
      0, 0, NULL, NULL },
    { sl_string("t_types"), T_MAIN | SL_CONF_BLOCK | SL_CONF_NOARGS,
      t_types, 0, 0, NULL, NULL },
    sl_null_command
};

static sl_command_t  t_stream_commands[] = {
    { sl_string("tstream"), SL_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      t_stream_block, 0, 0, NULL, t_stream_dump },
    sl_null_command
};

#define T_SRV(f)   offsetof(t_smod_srv_conf_t, f)
#define T_LEVELS   (SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF)

static sl_command_t  t_smod_commands[] = {
    { sl_string("tval"), T_LEVELS | SL_CONF_TAKE1, sl_conf_set_num_slot,
      offsetof(t_ctx_t, srv_conf), T_SRV(val), NULL, NULL },
    { sl_string("ttimeout"), T_LEVELS | SL_CONF_TAKE1, sl_conf_set_msec_slot,
      offsetof(t_ctx_t, srv_conf), T_SRV(timeout), NULL, NULL },
    { sl_string("tlabel"), T_LEVELS | SL_CONF_TAKE1, sl_conf_set_str_slot,
      offsetof(t_ctx_t, srv_conf), T_SRV(label), NULL, NULL },
    { sl_string("tonly_srv"), SL_STREAMING_SRV_CONF | SL_CONF_FLAG,
      sl_conf_set_flag_slot, offsetof(t_ctx_t, srv_conf), T_SRV(only), NULL,
      NULL },
    { sl_string("tserver"),
      SL_STREAMING_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      t_server_block, offsetof(t_ctx_t, main_conf), 0, NULL, t_server_dump },
    sl_null_command
};
sl_module_t  t_core_module = {
    .name = "t_core", .index = 1, .ctx_index = 0, .type = SL_CORE_MODULE,
    .commands = t_core_commands
};

sl_module_t  t_stream_module = {
    .name = "t_stream", .index = 2, .ctx_index = 1, .type = SL_CORE_MODULE,
    .commands = t_stream_commands
};

sl_module_t  t_smod_module = {
    .name = "t_smod", .index = 3, .ctx_index = 0,
    .type = SL_STREAMING_MODULE, .commands = t_smod_commands
};

sl_module_t  *t_conf_modules[] = {
    &sl_conf_module, &t_core_module, &t_stream_module, &t_smod_module, NULL
};

sl_uint_t  t_types_n;


static t_smod_srv_conf_t *
t_smod_create_srv_conf(sl_pool_t *pool)
{
    t_smod_srv_conf_t  *conf;

    conf = sl_pcalloc(pool, sizeof(t_smod_srv_conf_t));
    if (conf) {
        conf->val = SL_CONF_UNSET;
        conf->timeout = SL_CONF_UNSET_MSEC;
        conf->only = SL_CONF_UNSET;
    }

    return conf;
}


static void
t_smod_merge_srv_conf(t_smod_srv_conf_t *prev, t_smod_srv_conf_t *conf)
{
    sl_conf_merge_value(conf->val, prev->val, 1);
    sl_conf_merge_msec_value(conf->timeout, prev->timeout, 60000);
    sl_conf_merge_str_value(conf->label, prev->label, "default");
    sl_conf_merge_value(conf->only, prev->only, 0);
}


static char *
t_custom(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t       *value;
    t_core_conf_t  *cc;

    (void) cmd;

    cc = conf;
    cc->calls++;
    cc->nargs = cf->args->nelts - 1;

    value = cf->args->elts;

    if (sl_str_eq(&value[0], "t_msg")) {
        return "says hello";
    }

    return SL_CONF_OK;
}


static char *
t_nest(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    (void) cmd;
    (void) conf;

    return sl_conf_parse(cf, NULL);
}


static char *
t_types_handler(sl_conf_t *cf, sl_command_t *dummy, void *conf)
{
    sl_str_t  *value, *s;

    (void) dummy;

    if (cf->args->nelts != 2) {
        return "needs a pair";
    }

    value = cf->args->elts;

    s = sl_array_push_n(conf, 2);
    if (s == NULL) {
        return SL_CONF_ERROR;
    }

    s[0] = value[0];
    s[1] = value[1];
    t_types_n++;

    return SL_CONF_OK;
}


static char *
t_types(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char           *rv;
    sl_conf_t       save;
    t_core_conf_t  *cc;

    (void) cmd;

    cc = conf;
    cc->types = sl_array_create(cf->pool, 4, sizeof(sl_str_t));
    if (cc->types == NULL) {
        return SL_CONF_ERROR;
    }

    save = *cf;
    cf->handler = t_types_handler;
    cf->handler_conf = cc->types;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static char *
t_stream_block(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char                *rv;
    t_ctx_t             *ctx, **server;
    sl_uint_t            i;
    sl_conf_t            save;
    t_smod_main_conf_t  *mcf;

    (void) cmd;

    if (*(t_ctx_t **) conf) {
        return "is duplicate";
    }

    ctx = sl_pcalloc(cf->pool, sizeof(t_ctx_t));
    mcf = sl_pcalloc(cf->pool, sizeof(t_smod_main_conf_t));
    if (ctx == NULL || mcf == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->main_conf = sl_pcalloc(cf->pool, sizeof(void *));
    ctx->srv_conf = sl_pcalloc(cf->pool, sizeof(void *));
    mcf->servers = sl_array_create(cf->pool, 2, sizeof(t_ctx_t *));
    if (ctx->main_conf == NULL || ctx->srv_conf == NULL
        || mcf->servers == NULL)
    {
        return SL_CONF_ERROR;
    }

    mcf->ctx = ctx;

    ctx->main_conf[t_smod_module.ctx_index] = mcf;
    ctx->srv_conf[t_smod_module.ctx_index] = t_smod_create_srv_conf(cf->pool);

    *(t_ctx_t **) conf = ctx;

    save = *cf;
    cf->ctx = ctx;
    cf->module_type = SL_STREAMING_MODULE;
    cf->cmd_type = SL_STREAMING_MAIN_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    if (rv != SL_CONF_OK) {
        return rv;
    }

    /* merge after the whole block: outer values may follow a server */

    server = mcf->servers->elts;

    for (i = 0; i < mcf->servers->nelts; i++) {
        t_smod_merge_srv_conf(ctx->srv_conf[0], server[i]->srv_conf[0]);
    }

    t_smod_merge_srv_conf(&(t_smod_srv_conf_t) { SL_CONF_UNSET,
                                                  SL_CONF_UNSET_MSEC,
                                                  sl_null_string,
                                                  SL_CONF_UNSET },
                          ctx->srv_conf[0]);

    return SL_CONF_OK;
}


static void
t_stream_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    t_ctx_t  *ctx;

    (void) cmd;

    ctx = *(t_ctx_t **) conf;

    if (ctx == NULL) {
        return;
    }

    sl_conf_dump_open(d, "tstream");
    sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_MAIN_CONF, ctx);
    sl_conf_dump_close(d);
}


static char *
t_server_block(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char                *rv;
    t_ctx_t             *ctx, **server;
    sl_conf_t            save;
    t_smod_main_conf_t  *mcf;

    (void) cmd;

    mcf = conf;

    ctx = sl_pcalloc(cf->pool, sizeof(t_ctx_t));
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->main_conf = mcf->ctx->main_conf;
    ctx->srv_conf = sl_pcalloc(cf->pool, sizeof(void *));
    server = sl_array_push(mcf->servers);
    if (ctx->srv_conf == NULL || server == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->srv_conf[t_smod_module.ctx_index] = t_smod_create_srv_conf(cf->pool);
    *server = ctx;

    save = *cf;
    cf->ctx = ctx;
    cf->cmd_type = SL_STREAMING_SRV_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static void
t_server_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    t_ctx_t             **server;
    sl_uint_t             i;
    t_smod_main_conf_t   *mcf;

    (void) cmd;

    mcf = conf;
    server = mcf->servers->elts;

    for (i = 0; i < mcf->servers->nelts; i++) {
        sl_conf_dump_open(d, "tserver");
        sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_SRV_CONF,
                           server[i]);
        sl_conf_dump_close(d);
    }
}



t_core_conf_t *
t_conf_setup(sl_cycle_t *cycle, sl_conf_t *cf, void **conf_ctx,
    sl_pool_t *pool, sl_log_t *log)
{
    t_core_conf_t  *cc;

    sl_memzero(cycle, sizeof(sl_cycle_t));
    sl_memzero(cf, sizeof(sl_conf_t));
    sl_memzero(conf_ctx, T_CONF_CTX_N * sizeof(void *));

    cycle->pool = pool;
    cycle->modules = t_conf_modules;
    cycle->modules_n = T_CONF_CTX_N;
    cycle->conf_ctx = (void ****) conf_ctx;
    cycle->log = log;
    sl_str_set(&cycle->prefix, "/prefix/");

    cc = sl_pcalloc(pool, sizeof(t_core_conf_t));
    if (cc == NULL) {
        return NULL;
    }

    cc->flag = SL_CONF_UNSET;
    cc->num = SL_CONF_UNSET;
    cc->size = SL_CONF_UNSET_SIZE;
    cc->msec = SL_CONF_UNSET_MSEC;
    cc->sec = SL_CONF_UNSET;
    cc->mode = SL_CONF_UNSET_UINT;
    cc->mask = SL_CONF_UNSET_UINT;
    cc->list = SL_CONF_UNSET_PTR;
    cc->cv = SL_CONF_UNSET_PTR;
    cc->bounded = SL_CONF_UNSET;
    cc->atleast = SL_CONF_UNSET;
    cc->bsize = SL_CONF_UNSET_SIZE;
    cc->btime = SL_CONF_UNSET_MSEC;
    cc->bsec = SL_CONF_UNSET;
    conf_ctx[t_core_module.index] = cc;

    cf->cycle = cycle;
    cf->pool = pool;
    cf->temp_pool = pool;
    cf->log = log;
    cf->ctx = conf_ctx;
    cf->module_type = SL_CORE_MODULE;
    cf->cmd_type = SL_MAIN_CONF;

    return cc;
}
