/*
 * The streaming core module: server { }, listen, publishing_point { }
 * and how a request path selects its publishing point.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>


static void *sl_streaming_core_create_main_conf(sl_conf_t *cf);
static void *sl_streaming_core_create_srv_conf(sl_conf_t *cf);
static void *sl_streaming_core_create_pp_conf(sl_conf_t *cf);
static char *sl_streaming_core_merge_pp_conf(sl_conf_t *cf, void *parent,
    void *child);
static char *sl_streaming_core_type(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_streaming_core_type_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_streaming_core_server(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static char *sl_streaming_core_listen(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_streaming_core_listen_dump(sl_conf_dump_t *d,
    sl_command_t *cmd, void *conf);
static char *sl_streaming_core_pp(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);


static sl_conf_num_bounds_t  sl_streaming_fast_start_rate_bounds = {
    sl_conf_check_num_bounds, 1, 20
};


static sl_command_t  sl_streaming_core_commands[] = {

    { sl_string("server"),
      SL_STREAMING_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      sl_streaming_core_server,
      0,
      0,
      NULL, NULL },

    { sl_string("listen"),
      SL_STREAMING_SRV_CONF | SL_CONF_2MORE,
      sl_streaming_core_listen,
      SL_STREAMING_SRV_CONF_OFFSET,
      0,
      NULL,
      sl_streaming_core_listen_dump },

    { sl_string("publishing_point"),
      SL_STREAMING_SRV_CONF | SL_CONF_BLOCK | SL_CONF_TAKE12,
      sl_streaming_core_pp,
      SL_STREAMING_SRV_CONF_OFFSET,
      0,
      NULL, NULL },

    { sl_string("redirect"),
      SL_STREAMING_PP_CONF | SL_CONF_TAKE1,
      sl_conf_set_complex_value_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_streaming_core_pp_conf_t, redirect),
      NULL, NULL },

    { sl_string("type"),
      SL_STREAMING_PP_CONF | SL_CONF_TAKE1,
      sl_streaming_core_type,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_streaming_core_type_dump },

    { sl_string("fast_start"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_streaming_core_pp_conf_t, fast_start),
      NULL, NULL },

    { sl_string("fast_start_rate"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_num_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_streaming_core_pp_conf_t, fast_start_rate),
      &sl_streaming_fast_start_rate_bounds, NULL },

      sl_null_command
};


static sl_streaming_module_t  sl_streaming_core_module_ctx = {
    .create_main_conf = sl_streaming_core_create_main_conf,
    .create_srv_conf  = sl_streaming_core_create_srv_conf,
    .create_pp_conf   = sl_streaming_core_create_pp_conf,
    .merge_pp_conf    = sl_streaming_core_merge_pp_conf,
};


sl_module_t  sl_streaming_core_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_streaming_core_module_ctx,
    .commands = sl_streaming_core_commands,
};


static void *
sl_streaming_core_create_main_conf(sl_conf_t *cf)
{
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_pcalloc(cf->pool, sizeof(sl_streaming_core_main_conf_t));
    if (cmcf == NULL) {
        return NULL;
    }

    if (sl_array_init(&cmcf->servers, cf->pool, 4,
                      sizeof(sl_streaming_core_srv_conf_t *)) != SL_OK
        || sl_array_init(&cmcf->protocols, cf->pool, 4,
                         sizeof(sl_streaming_protocol_t)) != SL_OK
        || sl_array_init(&cmcf->listens, cf->pool, 4,
                         sizeof(sl_streaming_listen_t)) != SL_OK
        || sl_array_init(&cmcf->source_types, cf->pool, 4,
                         sizeof(sl_streaming_source_type_t)) != SL_OK)
    {
        return NULL;
    }

    return cmcf;
}


static void *
sl_streaming_core_create_srv_conf(sl_conf_t *cf)
{
    sl_streaming_core_srv_conf_t  *cscf;

    cscf = sl_pcalloc(cf->pool, sizeof(sl_streaming_core_srv_conf_t));
    if (cscf == NULL) {
        return NULL;
    }

    if (sl_array_init(&cscf->pps, cf->pool, 4,
                      sizeof(sl_streaming_core_pp_conf_t *)) != SL_OK)
    {
        return NULL;
    }

    return cscf;
}


static void *
sl_streaming_core_create_pp_conf(sl_conf_t *cf)
{
    sl_streaming_core_pp_conf_t  *ppcf;

    ppcf = sl_pcalloc(cf->pool, sizeof(sl_streaming_core_pp_conf_t));
    if (ppcf == NULL) {
        return NULL;
    }

    ppcf->fast_start = SL_CONF_UNSET_MSEC;
    ppcf->fast_start_rate = SL_CONF_UNSET;

    if (cf->conf_file) {
        ppcf->file = cf->conf_file->file.name;
        ppcf->line = cf->conf_file->line;
    }

    return ppcf;
}


/* "type" and "redirect" belong to their point; delivery settings inherit */
static char *
sl_streaming_core_merge_pp_conf(sl_conf_t *cf sl_unused, void *parent,
    void *child)
{
    sl_streaming_core_pp_conf_t  *prev = parent;
    sl_streaming_core_pp_conf_t  *conf = child;

    sl_conf_merge_msec_value(conf->fast_start, prev->fast_start, 3000);
    sl_conf_merge_value(conf->fast_start_rate, prev->fast_start_rate, 4);

    return SL_CONF_OK;
}


/* type NAME: a source type a module registered ("on_demand") */
static char *
sl_streaming_core_type(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_str_t                       *value;
    sl_uint_t                       i;
    sl_streaming_source_type_t     *st;
    sl_streaming_core_pp_conf_t    *ppcf = conf;
    sl_streaming_core_main_conf_t  *cmcf;

    if (ppcf->type) {
        return "is duplicate";
    }

    value = cf->args->elts;
    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);
    st = cmcf->source_types.elts;

    for (i = 0; i < cmcf->source_types.nelts; i++) {
        if (st[i].name.len == value[1].len
            && sl_strncmp(st[i].name.data, value[1].data, value[1].len) == 0)
        {
            ppcf->type = &st[i];
            return SL_CONF_OK;
        }
    }

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "unknown publishing point type \"" SL_STR_FMT "\" in "
                      "\"type\" directive (compiled in: %s)",
                      SL_STR_ARG(&value[1]), sl_module_dirs);

    return SL_CONF_ERROR;
}


static void
sl_streaming_core_type_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_streaming_core_pp_conf_t  *ppcf = conf;

    if (ppcf->type) {
        sl_conf_dump_line(d, "type " SL_STR_FMT ";",
                          SL_STR_ARG(&ppcf->type->name));
    }
}


/* a new level's ctx: the parent's arrays up to level, new ones below */
static sl_streaming_conf_ctx_t *
sl_streaming_core_new_ctx(sl_conf_t *cf, sl_uint_t srv)
{
    sl_uint_t                 i, n;
    sl_module_t              *m;
    sl_streaming_module_t    *module;
    sl_streaming_conf_ctx_t  *ctx, *parent;

    parent = cf->ctx;
    n = sl_count_modules(cf->cycle, SL_STREAMING_MODULE);

    ctx = sl_pcalloc(cf->pool, sizeof(sl_streaming_conf_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->main_conf = parent->main_conf;
    ctx->srv_conf = parent->srv_conf;

    if (srv) {
        ctx->srv_conf = sl_pcalloc(cf->pool, sizeof(void *) * n);
        if (ctx->srv_conf == NULL) {
            return NULL;
        }
    }

    ctx->pp_conf = sl_pcalloc(cf->pool, sizeof(void *) * n);
    if (ctx->pp_conf == NULL) {
        return NULL;
    }

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;

        if (srv && module->create_srv_conf) {
            ctx->srv_conf[m->ctx_index] = module->create_srv_conf(cf);
            if (ctx->srv_conf[m->ctx_index] == NULL) {
                return NULL;
            }
        }

        if (module->create_pp_conf) {
            ctx->pp_conf[m->ctx_index] = module->create_pp_conf(cf);
            if (ctx->pp_conf[m->ctx_index] == NULL) {
                return NULL;
            }
        }
    }

    return ctx;
}


static char *
sl_streaming_core_server(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf sl_unused)
{
    char                           *rv;
    sl_conf_t                       pcf;
    sl_streaming_conf_ctx_t        *ctx;
    sl_streaming_core_srv_conf_t   *cscf, **cscfp;
    sl_streaming_core_main_conf_t  *cmcf;

    ctx = sl_streaming_core_new_ctx(cf, 1);
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    cscf = ctx->srv_conf[sl_streaming_core_module.ctx_index];
    cscf->ctx = ctx;
    cscf->file = cf->conf_file->file.name;
    cscf->line = cf->conf_file->line;

    cmcf = ctx->main_conf[sl_streaming_core_module.ctx_index];

    cscfp = sl_array_push(&cmcf->servers);
    if (cscfp == NULL) {
        return SL_CONF_ERROR;
    }

    *cscfp = cscf;

    pcf = *cf;
    cf->ctx = ctx;
    cf->cmd_type = SL_STREAMING_SRV_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = pcf;

    return rv;
}


/*
 * listen [ADDR:]PORT PROTOCOL [ssl] [backlog=N] [sndbuf=SIZE]
 *     [ipv6only=on|off];
 * the protocol is one a module registered ("rtsp").
 */
static char *
sl_streaming_core_listen(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_int_t                        n;
    sl_str_t                       *value, size;
    sl_uint_t                       i;
    sl_streaming_listen_t          *lst;
    sl_streaming_protocol_t        *proto;
    sl_streaming_core_srv_conf_t   *cscf = conf;
    sl_streaming_core_main_conf_t  *cmcf;

    value = cf->args->elts;
    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);

    lst = sl_array_push(&cmcf->listens);
    if (lst == NULL) {
        return SL_CONF_ERROR;
    }

    if (sl_parse_addr_port(&value[1], &lst->addr) != SL_OK) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid value \"" SL_STR_FMT "\" in \"listen\" "
                          "directive, it must be [ADDRESS:]PORT",
                          SL_STR_ARG(&value[1]));
        return SL_CONF_ERROR;
    }

    lst->addr.name = value[1];

    proto = cmcf->protocols.elts;

    for (i = 0; i < cmcf->protocols.nelts; i++) {
        if (proto[i].name.len == value[2].len
            && sl_strncmp(proto[i].name.data, value[2].data, value[2].len)
               == 0)
        {
            lst->protocol = &proto[i];
            break;
        }
    }

    if (lst->protocol == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "unknown protocol \"" SL_STR_FMT "\" in \"listen\" "
                          "directive (compiled in: %s)",
                          SL_STR_ARG(&value[2]), sl_module_dirs);
        return SL_CONF_ERROR;
    }

    lst->backlog = 511;
    lst->ipv6only = 1;
    lst->server = cscf;
    lst->file = cf->conf_file->file.name;
    lst->line = cf->conf_file->line;

    for (i = 3; i < cf->args->nelts; i++) {

        if (value[i].len > 8 && sl_strncmp(value[i].data, "backlog=", 8) == 0)
        {
            n = sl_atoi(value[i].data + 8, value[i].len - 8);
            if (n < 1 || n > 65535) {
                goto invalid;
            }

            lst->backlog = n;
            continue;
        }

        if (value[i].len > 7 && sl_strncmp(value[i].data, "sndbuf=", 7) == 0)
        {
            size.data = value[i].data + 7;
            size.len = value[i].len - 7;

            lst->sndbuf = sl_parse_size(&size);
            if (lst->sndbuf < 1024 || lst->sndbuf > 64 * 1024 * 1024) {
                goto invalid;
            }

            continue;
        }

        if (sl_str_eq(&value[i], "ssl")) {
            lst->ssl = 1;
            continue;
        }

        if (sl_str_eq(&value[i], "ipv6only=on")) {
            lst->ipv6only = 1;
            continue;
        }

        if (sl_str_eq(&value[i], "ipv6only=off")) {
            lst->ipv6only = 0;
            continue;
        }

        goto invalid;
    }

    return SL_CONF_OK;

invalid:

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "invalid parameter \"" SL_STR_FMT "\" in \"listen\" "
                      "directive, it must be ssl, backlog=N, sndbuf=SIZE "
                      "(1k..64m) or ipv6only=on|off",
                      SL_STR_ARG(&value[i]));
    return SL_CONF_ERROR;
}


static void
sl_streaming_core_listen_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    char                            sndbuf[32];
    sl_uint_t                       i;
    sl_streaming_listen_t          *lst;
    sl_streaming_core_main_conf_t  *cmcf;
    sl_streaming_core_srv_conf_t   *cscf = conf;

    cmcf = cscf->ctx->main_conf[sl_streaming_core_module.ctx_index];
    lst = cmcf->listens.elts;

    for (i = 0; i < cmcf->listens.nelts; i++) {
        if (lst[i].server != cscf) {
            continue;
        }

        sndbuf[0] = '\0';

        if (lst[i].sndbuf) {
            (void) snprintf(sndbuf, sizeof(sndbuf), " sndbuf=%ld",
                            (long) lst[i].sndbuf);
        }

        sl_conf_dump_line(d, "listen " SL_STR_FMT " " SL_STR_FMT
                          "%s backlog=%ld%s%s;",
                          SL_STR_ARG(&lst[i].addr.name),
                          SL_STR_ARG(&lst[i].protocol->name),
                          lst[i].ssl ? " ssl" : "",
                          (long) lst[i].backlog, sndbuf,
                          (lst[i].addr.sockaddr.ss_family == AF_INET6
                           && !lst[i].ipv6only) ? " ipv6only=off" : "");
    }
}


/*
 * publishing_point /prefix { }      longest prefix
 * publishing_point = /path { }      exact
 * publishing_point ~ regex { }      PCRE2, case-sensitive (~* caseless)
 */
static char *
sl_streaming_core_pp(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    char                           *rv;
    sl_str_t                       *value, *name, *mod;
    sl_uint_t                       i;
    sl_conf_t                       pcf;
    sl_regex_compile_t              rc;
    sl_streaming_conf_ctx_t        *ctx;
    sl_streaming_core_pp_conf_t    *ppcf, **ppp, **pps;
    sl_streaming_core_srv_conf_t   *cscf = conf;

    value = cf->args->elts;

    if (cf->args->nelts == 3) {
        mod = &value[1];
        name = &value[2];

    } else {
        mod = NULL;
        name = &value[1];
    }

    ctx = sl_streaming_core_new_ctx(cf, 0);
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    ppcf = ctx->pp_conf[sl_streaming_core_module.ctx_index];
    ppcf->ctx = ctx;
    ppcf->pp_conf = ctx->pp_conf;
    ppcf->name = *name;

    if (mod == NULL) {
        if (name->len == 0 || name->data[0] != '/') {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid publishing point \"" SL_STR_FMT "\", "
                              "a prefix must start with \"/\"",
                              SL_STR_ARG(name));
            return SL_CONF_ERROR;
        }

    } else if (sl_str_eq(mod, "=")) {
        ppcf->exact = 1;

    } else if (sl_str_eq(mod, "~") || sl_str_eq(mod, "~*")) {
        sl_memzero(&rc, sizeof(sl_regex_compile_t));

        rc.pattern = *name;
        rc.pool = cf->pool;
        rc.options = (mod->len == 2) ? SL_REGEX_CASELESS : 0;

        if (sl_regex_compile(&rc) != SL_OK) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid regex \"" SL_STR_FMT "\" in "
                              "\"publishing_point\": " SL_STR_FMT,
                              SL_STR_ARG(name), SL_STR_ARG(&rc.err));
            return SL_CONF_ERROR;
        }

        ppcf->regex = rc.regex;
        ppcf->caseless = rc.options ? 1 : 0;

    } else {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid publishing point modifier \"" SL_STR_FMT
                          "\", it must be \"=\", \"~\" or \"~*\"",
                          SL_STR_ARG(mod));
        return SL_CONF_ERROR;
    }

    if (ppcf->regex == NULL && (name->len == 0 || name->data[0] != '/')) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid publishing point \"" SL_STR_FMT "\", "
                          "a path must start with \"/\"", SL_STR_ARG(name));
        return SL_CONF_ERROR;
    }

    /* the same name and kind twice is a mistake, not an override */
    pps = cscf->pps.elts;

    for (i = 0; i < cscf->pps.nelts; i++) {
        if ((pps[i]->regex == NULL) == (ppcf->regex == NULL)
            && pps[i]->exact == ppcf->exact
            && pps[i]->caseless == ppcf->caseless
            && pps[i]->name.len == name->len
            && sl_strncmp(pps[i]->name.data, name->data, name->len) == 0)
        {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "duplicate publishing point \"" SL_STR_FMT "\"",
                              SL_STR_ARG(name));
            return SL_CONF_ERROR;
        }
    }

    ppp = sl_array_push(&cscf->pps);
    if (ppp == NULL) {
        return SL_CONF_ERROR;
    }

    *ppp = ppcf;

    pcf = *cf;
    cf->ctx = ctx;
    cf->cmd_type = SL_STREAMING_PP_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = pcf;

    return rv;
}


void
sl_streaming_dump_pp(sl_conf_dump_t *d, sl_streaming_core_pp_conf_t *pp)
{
    const char  *mod;

    mod = pp->regex ? (pp->caseless ? "~* " : "~ ") : (pp->exact ? "= " : "");

    /* a regex is quoted: it may hold ";" "{" or spaces */
    if (pp->regex) {
        sl_conf_dump_open(d, "publishing_point %s\"%.*s\"", mod,
                          SL_STR_ARG(&pp->name));

    } else {
        sl_conf_dump_open(d, "publishing_point %s%.*s", mod,
                          SL_STR_ARG(&pp->name));
    }

    sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_PP_CONF, pp->ctx);
    sl_conf_dump_close(d);
}


sl_int_t
sl_streaming_find_pp(sl_streaming_request_t *r)
{
    size_t                          best_len;
    sl_int_t                        rc;
    sl_uint_t                       i;
    sl_streaming_core_pp_conf_t   **pps, *best;
    sl_streaming_core_srv_conf_t   *cscf;

    cscf = r->srv_conf[sl_streaming_core_module.ctx_index];

    r->pp_conf = cscf->ctx->pp_conf;
    r->ncaptures = 0;

    best = NULL;
    best_len = 0;

    pps = cscf->pps.elts;

    for (i = 0; i < cscf->pps.nelts; i++) {

        if (pps[i]->regex) {
            continue;
        }

        if (pps[i]->exact) {
            if (pps[i]->name.len == r->path.len
                && sl_strncmp(pps[i]->name.data, r->path.data, r->path.len)
                   == 0)
            {
                r->pp_conf = pps[i]->pp_conf;
                return SL_OK;
            }

            continue;
        }

        if (pps[i]->name.len <= r->path.len
            && pps[i]->name.len > best_len
            && sl_strncmp(pps[i]->name.data, r->path.data, pps[i]->name.len)
               == 0)
        {
            best = pps[i];
            best_len = pps[i]->name.len;
        }
    }

    for (i = 0; i < cscf->pps.nelts; i++) {

        if (pps[i]->regex == NULL) {
            continue;
        }

        rc = sl_regex_exec(pps[i]->regex, &r->path, r->captures,
                           SL_REGEX_MAX_CAPTURES * 2);

        if (rc == SL_DECLINED) {
            continue;
        }

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        r->ncaptures = rc;
        r->pp_conf = pps[i]->pp_conf;
        return SL_OK;
    }

    if (best) {
        r->pp_conf = best->pp_conf;
    }

    return SL_OK;
}


sl_int_t
sl_streaming_redirect(sl_streaming_request_t *r, sl_str_t *url)
{
    sl_streaming_core_pp_conf_t  *ppcf;

    ppcf = sl_streaming_get_module_pp_conf(r, sl_streaming_core_module);

    if (ppcf->redirect == NULL) {
        return SL_DECLINED;
    }

    return sl_complex_value_eval(r->pool, ppcf->redirect, &r->path,
                                 r->captures, r->ncaptures, url);
}


sl_int_t
sl_streaming_open_media(sl_streaming_request_t *r, sl_media_file_t *mf)
{
    sl_streaming_core_pp_conf_t  *ppcf;

    ppcf = sl_streaming_get_module_pp_conf(r, sl_streaming_core_module);

    if (ppcf->type == NULL) {
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "no content: the publishing point has no \"type\"");
        return 404;
    }

    return ppcf->type->open(r, mf);
}
