/*
 * libFuzzer target for the configuration lexer and parser: any bytes
 * are lexed, then parsed with a few test modules; a configuration that
 * parses is dumped, parsed again from its dump and must dump the same.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_conf_token.h>


typedef struct {
    sl_int_t              flag;
    sl_int_t              num;
    size_t                size;
    sl_msec_t             msec;
    sl_int_t              sec;
    sl_uint_t             mode;
    sl_uint_t             mask;
    sl_str_t              str;
    sl_array_t           *list;
    sl_array_t           *words;
    sl_str_t              path;
    sl_complex_value_t   *cv;
    sl_int_t              bounded;
    size_t                bsize;
    sl_msec_t             btime;
} fz_core_conf_t;

typedef struct {
    void                **main_conf;
    void                **srv_conf;
} fz_ctx_t;

typedef struct {
    sl_array_t           *servers;      /* fz_ctx_t * */
    fz_ctx_t             *ctx;
} fz_main_conf_t;

typedef struct {
    sl_int_t              val;
    sl_msec_t             timeout;
    sl_str_t              label;
} fz_srv_conf_t;


static char *fz_nest(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static char *fz_types(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static char *fz_stream(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void fz_stream_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);
static char *fz_server(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void fz_server_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);


static sl_conf_num_bounds_t  fz_bounds = { sl_conf_check_num_bounds, 1, 100 };
static sl_conf_num_bounds_t  fz_bounds_size = { NULL, 1024, 1024 * 1024 };
static sl_conf_num_bounds_t  fz_bounds_time = { NULL, 1000, 3600000 };

static sl_conf_enum_t  fz_modes[] = {
    { sl_string("fast"), 1 },
    { sl_string("slow"), 2 },
    { sl_null_string, 0 }
};

static sl_conf_bitmask_t  fz_masks[] = {
    { sl_string("all"), 0x03 },
    { sl_string("read"), 0x01 },
    { sl_string("write"), 0x02 },
    { sl_null_string, 0 }
};

#define FZ_MAIN    (SL_MAIN_CONF | SL_DIRECT_CONF)
#define FZ_OFF(f)  offsetof(fz_core_conf_t, f)

static sl_command_t  fz_core_commands[] = {
    { sl_string("flag"), FZ_MAIN | SL_CONF_FLAG, sl_conf_set_flag_slot, 0,
      FZ_OFF(flag), NULL, NULL },
    { sl_string("num"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_num_slot, 0,
      FZ_OFF(num), NULL, NULL },
    { sl_string("size"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_size_slot, 0,
      FZ_OFF(size), NULL, NULL },
    { sl_string("msec"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_msec_slot, 0,
      FZ_OFF(msec), NULL, NULL },
    { sl_string("sec"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_sec_slot, 0,
      FZ_OFF(sec), NULL, NULL },
    { sl_string("mode"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_enum_slot, 0,
      FZ_OFF(mode), fz_modes, NULL },
    { sl_string("mask"), FZ_MAIN | SL_CONF_1MORE, sl_conf_set_bitmask_slot,
      0, FZ_OFF(mask), fz_masks, NULL },
    { sl_string("str"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_str_slot, 0,
      FZ_OFF(str), NULL, NULL },
    { sl_string("list"), FZ_MAIN | SL_CONF_TAKE1,
      sl_conf_set_str_array_slot, 0, FZ_OFF(list), NULL, NULL },
    { sl_string("words"), FZ_MAIN | SL_CONF_1MORE,
      sl_conf_set_str_array_slot, 0, FZ_OFF(words), NULL, NULL },
    { sl_string("path"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_path_slot, 0,
      FZ_OFF(path), NULL, NULL },
    { sl_string("cv"), FZ_MAIN | SL_CONF_TAKE1,
      sl_conf_set_complex_value_slot, 0, FZ_OFF(cv), NULL, NULL },
    { sl_string("bounded"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_num_slot, 0,
      FZ_OFF(bounded), &fz_bounds, NULL },
    { sl_string("bsize"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_size_slot, 0,
      FZ_OFF(bsize), &fz_bounds_size, NULL },
    { sl_string("btime"), FZ_MAIN | SL_CONF_TAKE1, sl_conf_set_msec_slot, 0,
      FZ_OFF(btime), &fz_bounds_time, NULL },
    { sl_string("nest"), FZ_MAIN | SL_CONF_BLOCK | SL_CONF_NOARGS, fz_nest,
      0, 0, NULL, NULL },
    { sl_string("types"), FZ_MAIN | SL_CONF_BLOCK | SL_CONF_NOARGS, fz_types,
      0, 0, NULL, NULL },
    sl_null_command
};

static sl_command_t  fz_stream_commands[] = {
    { sl_string("stream"), SL_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      fz_stream, 0, 0, NULL, fz_stream_dump },
    sl_null_command
};

#define FZ_SRV(f)   offsetof(fz_srv_conf_t, f)
#define FZ_LEVELS   (SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF)

static sl_command_t  fz_smod_commands[] = {
    { sl_string("val"), FZ_LEVELS | SL_CONF_TAKE1, sl_conf_set_num_slot,
      offsetof(fz_ctx_t, srv_conf), FZ_SRV(val), NULL, NULL },
    { sl_string("timeout"), FZ_LEVELS | SL_CONF_TAKE1, sl_conf_set_msec_slot,
      offsetof(fz_ctx_t, srv_conf), FZ_SRV(timeout), NULL, NULL },
    { sl_string("label"), FZ_LEVELS | SL_CONF_TAKE1, sl_conf_set_str_slot,
      offsetof(fz_ctx_t, srv_conf), FZ_SRV(label), NULL, NULL },
    { sl_string("server"),
      SL_STREAMING_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS, fz_server,
      offsetof(fz_ctx_t, main_conf), 0, NULL, fz_server_dump },
    sl_null_command
};

static sl_module_t  fz_core_module = {
    .name = "fz_core", .index = 0, .ctx_index = 0, .type = SL_CORE_MODULE,
    .commands = fz_core_commands
};

static sl_module_t  fz_stream_module = {
    .name = "fz_stream", .index = 1, .ctx_index = 1,
    .type = SL_CORE_MODULE, .commands = fz_stream_commands
};

static sl_module_t  fz_smod_module = {
    .name = "fz_smod", .index = 2, .ctx_index = 0,
    .type = SL_STREAMING_MODULE, .commands = fz_smod_commands
};

static sl_module_t  *fz_modules[] = {
    &fz_core_module, &fz_stream_module, &fz_smod_module, NULL
};

static sl_open_file_t  fz_log_file = { -1, sl_string("none") };
static sl_log_t        fz_log = { .log_level = SL_LOG_STDERR,
                                  .file = &fz_log_file };


static fz_srv_conf_t *
fz_create_srv_conf(sl_pool_t *pool)
{
    fz_srv_conf_t  *conf;

    conf = sl_pcalloc(pool, sizeof(fz_srv_conf_t));
    if (conf) {
        conf->val = SL_CONF_UNSET;
        conf->timeout = SL_CONF_UNSET_MSEC;
    }

    return conf;
}


static char *
fz_nest(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    (void) cmd;
    (void) conf;

    return sl_conf_parse(cf, NULL);
}


static char *
fz_types_handler(sl_conf_t *cf, sl_command_t *dummy, void *conf)
{
    (void) dummy;
    (void) conf;

    return cf->args->nelts == 2 ? SL_CONF_OK : "needs a pair";
}


static char *
fz_types(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char       *rv;
    sl_conf_t   save;

    (void) cmd;

    save = *cf;
    cf->handler = fz_types_handler;
    cf->handler_conf = conf;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static char *
fz_stream(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char            *rv;
    fz_ctx_t        *ctx, **server;
    sl_uint_t        i;
    sl_conf_t        save;
    fz_srv_conf_t   *prev, *scf;
    fz_main_conf_t  *mcf;

    (void) cmd;

    if (*(fz_ctx_t **) conf) {
        return "is duplicate";
    }

    ctx = sl_pcalloc(cf->pool, sizeof(fz_ctx_t));
    mcf = sl_pcalloc(cf->pool, sizeof(fz_main_conf_t));
    if (ctx == NULL || mcf == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->main_conf = sl_pcalloc(cf->pool, sizeof(void *));
    ctx->srv_conf = sl_pcalloc(cf->pool, sizeof(void *));
    mcf->servers = sl_array_create(cf->pool, 2, sizeof(fz_ctx_t *));
    if (ctx->main_conf == NULL || ctx->srv_conf == NULL
        || mcf->servers == NULL)
    {
        return SL_CONF_ERROR;
    }

    mcf->ctx = ctx;
    ctx->main_conf[0] = mcf;
    ctx->srv_conf[0] = fz_create_srv_conf(cf->pool);
    *(fz_ctx_t **) conf = ctx;

    save = *cf;
    cf->ctx = ctx;
    cf->module_type = SL_STREAMING_MODULE;
    cf->cmd_type = SL_STREAMING_MAIN_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    if (rv != SL_CONF_OK) {
        return rv;
    }

    prev = ctx->srv_conf[0];
    server = mcf->servers->elts;

    for (i = 0; i < mcf->servers->nelts; i++) {
        scf = server[i]->srv_conf[0];
        sl_conf_merge_value(scf->val, prev->val, 1);
        sl_conf_merge_msec_value(scf->timeout, prev->timeout, 60000);
        sl_conf_merge_str_value(scf->label, prev->label, "default");
    }

    return SL_CONF_OK;
}


static void
fz_stream_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    fz_ctx_t  *ctx;

    (void) cmd;

    ctx = *(fz_ctx_t **) conf;

    if (ctx) {
        sl_conf_dump_open(d, "stream");
        sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_MAIN_CONF,
                           ctx);
        sl_conf_dump_close(d);
    }
}


static char *
fz_server(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    char            *rv;
    fz_ctx_t        *ctx, **server;
    sl_conf_t        save;
    fz_main_conf_t  *mcf;

    (void) cmd;

    mcf = conf;

    ctx = sl_pcalloc(cf->pool, sizeof(fz_ctx_t));
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->main_conf = mcf->ctx->main_conf;
    ctx->srv_conf = sl_pcalloc(cf->pool, sizeof(void *));
    server = sl_array_push(mcf->servers);
    if (ctx->srv_conf == NULL || server == NULL) {
        return SL_CONF_ERROR;
    }

    ctx->srv_conf[0] = fz_create_srv_conf(cf->pool);
    *server = ctx;

    save = *cf;
    cf->ctx = ctx;
    cf->cmd_type = SL_STREAMING_SRV_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static void
fz_server_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    fz_ctx_t        **server;
    sl_uint_t         i;
    fz_main_conf_t   *mcf;

    (void) cmd;

    mcf = conf;
    server = mcf->servers->elts;

    for (i = 0; i < mcf->servers->nelts; i++) {
        sl_conf_dump_open(d, "server");
        sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_SRV_CONF,
                           server[i]);
        sl_conf_dump_close(d);
    }
}


/* parses text into a fresh cycle built in pool; 0 on success */
static int
fz_parse(sl_pool_t *pool, sl_cycle_t *cycle, void **conf_ctx,
    const u_char *text, size_t len)
{
    sl_str_t         name = sl_string("fuzz.conf");
    sl_conf_t        cf;
    fz_core_conf_t  *cc;

    sl_memzero(cycle, sizeof(sl_cycle_t));
    sl_memzero(&cf, sizeof(sl_conf_t));

    cycle->pool = pool;
    cycle->log = &fz_log;
    cycle->modules = fz_modules;
    cycle->modules_n = 3;
    cycle->conf_ctx = (void ****) conf_ctx;
    sl_str_set(&cycle->prefix, "/prefix/");
    sl_str_set(&cycle->conf_prefix, "/prefix/conf/");

    cc = sl_pcalloc(pool, sizeof(fz_core_conf_t));
    if (cc == NULL) {
        return -1;
    }

    cc->flag = SL_CONF_UNSET;
    cc->num = SL_CONF_UNSET;
    cc->size = SL_CONF_UNSET_SIZE;
    cc->msec = SL_CONF_UNSET_MSEC;
    cc->sec = SL_CONF_UNSET;
    cc->mode = SL_CONF_UNSET_UINT;
    cc->mask = SL_CONF_UNSET_UINT;
    cc->list = SL_CONF_UNSET_PTR;
    cc->bounded = SL_CONF_UNSET;
    cc->bsize = SL_CONF_UNSET_SIZE;
    cc->btime = SL_CONF_UNSET_MSEC;

    conf_ctx[0] = cc;
    conf_ctx[1] = NULL;
    conf_ctx[2] = NULL;

    cf.cycle = cycle;
    cf.pool = pool;
    cf.temp_pool = pool;
    cf.log = &fz_log;
    cf.ctx = conf_ctx;
    cf.module_type = SL_CORE_MODULE;
    cf.cmd_type = SL_MAIN_CONF;

    return sl_conf_parse_buffer(&cf, &name, text, len) == SL_CONF_OK ? 0 : -1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_str_t          dump1, dump2;
    sl_uint_t         line;
    sl_pool_t        *pool;
    sl_cycle_t        cycle;
    sl_conf_token_t   tok;
    sl_conf_lexer_t   lx;
    void             *conf_ctx[3];

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, &fz_log);
    if (pool == NULL) {
        return 0;
    }

    /* the lexer alone: lines never go back, words are terminated */

    sl_conf_lexer_init(&lx, data, size);
    line = 1;

    for ( ;; ) {
        switch (sl_conf_lexer_next(&lx, &tok, pool)) {

        case SL_CONF_TOKEN_EOF:
        case SL_CONF_TOKEN_ERROR:
            goto parse;

        case SL_CONF_TOKEN_WORD:
            if (tok.value.data[tok.value.len] != '\0') {
                abort();
            }

            /* fall through */

        default:
            if (tok.line < line) {
                abort();
            }

            line = tok.line;
        }
    }

parse:

    sl_reset_pool(pool);

    if (fz_parse(pool, &cycle, conf_ctx, data, size) != 0) {
        goto done;
    }

    /* what parses dumps to a configuration that reads back the same */

    if (sl_conf_dump_cycle(&cycle, &dump1) != SL_OK) {
        goto done;
    }

    if (fz_parse(pool, &cycle, conf_ctx, dump1.data, dump1.len) != 0) {
        fprintf(stderr, "dump does not parse:\n%.*s\n", SL_STR_ARG(&dump1));
        abort();
    }

    if (sl_conf_dump_cycle(&cycle, &dump2) != SL_OK) {
        goto done;
    }

    if (dump1.len != dump2.len
        || memcmp(dump1.data, dump2.data, dump1.len) != 0)
    {
        fprintf(stderr, "dump differs:\n%.*s\n---\n%.*s\n",
                SL_STR_ARG(&dump1), SL_STR_ARG(&dump2));
        abort();
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
