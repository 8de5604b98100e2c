/*
 * streaming { }: creates the family's contexts, parses the block, merges
 * server and publishing-point confs from outer to inner, builds the
 * phase handler lists and the listening sockets.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>


static char *sl_streaming_block(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_streaming_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_streaming_merge_servers(sl_conf_t *cf,
    sl_streaming_core_main_conf_t *cmcf, sl_streaming_conf_ctx_t *ctx);
static sl_int_t sl_streaming_add_listening(sl_conf_t *cf,
    sl_streaming_core_main_conf_t *cmcf);


static sl_uint_t  sl_streaming_max_module;


static sl_command_t  sl_streaming_commands[] = {

    { sl_string("streaming"),
      SL_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      sl_streaming_block,
      0,
      0,
      NULL,
      sl_streaming_dump },

      sl_null_command
};


static sl_core_module_t  sl_streaming_module_ctx = {
    sl_string("streaming"),
    NULL,
    NULL
};


sl_module_t  sl_streaming_module = {
    .type     = SL_CORE_MODULE,
    .ctx      = &sl_streaming_module_ctx,
    .commands = sl_streaming_commands,
};


static char *
sl_streaming_block(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    char                           *rv;
    sl_uint_t                       i, mi;
    sl_conf_t                       pcf;
    sl_module_t                    *m;
    sl_streaming_module_t          *module;
    sl_streaming_conf_ctx_t        *ctx;
    sl_streaming_core_main_conf_t  *cmcf;

    if (*(sl_streaming_conf_ctx_t **) conf) {
        return "is duplicate";
    }

    ctx = sl_pcalloc(cf->pool, sizeof(sl_streaming_conf_ctx_t));
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    *(sl_streaming_conf_ctx_t **) conf = ctx;

    sl_streaming_max_module = sl_count_modules(cf->cycle,
                                               SL_STREAMING_MODULE);

    ctx->main_conf = sl_pcalloc(cf->pool,
                                sizeof(void *) * sl_streaming_max_module);
    ctx->srv_conf = sl_pcalloc(cf->pool,
                               sizeof(void *) * sl_streaming_max_module);
    ctx->pp_conf = sl_pcalloc(cf->pool,
                              sizeof(void *) * sl_streaming_max_module);

    if (ctx->main_conf == NULL || ctx->srv_conf == NULL
        || ctx->pp_conf == NULL)
    {
        return SL_CONF_ERROR;
    }

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;
        mi = m->ctx_index;

        if (module->create_main_conf) {
            ctx->main_conf[mi] = module->create_main_conf(cf);
            if (ctx->main_conf[mi] == NULL) {
                return SL_CONF_ERROR;
            }
        }

        if (module->create_srv_conf) {
            ctx->srv_conf[mi] = module->create_srv_conf(cf);
            if (ctx->srv_conf[mi] == NULL) {
                return SL_CONF_ERROR;
            }
        }

        if (module->create_pp_conf) {
            ctx->pp_conf[mi] = module->create_pp_conf(cf);
            if (ctx->pp_conf[mi] == NULL) {
                return SL_CONF_ERROR;
            }
        }
    }

    pcf = *cf;
    cf->ctx = ctx;

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;

        if (module->preconfiguration && module->preconfiguration(cf) != SL_OK)
        {
            return SL_CONF_ERROR;
        }
    }

    cf->module_type = SL_STREAMING_MODULE;
    cf->cmd_type = SL_STREAMING_MAIN_CONF;

    rv = sl_conf_parse(cf, NULL);
    if (rv != SL_CONF_OK) {
        goto failed;
    }

    cmcf = ctx->main_conf[sl_streaming_core_module.ctx_index];

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;

        if (module->init_main_conf) {
            rv = module->init_main_conf(cf, ctx->main_conf[m->ctx_index]);
            if (rv != SL_CONF_OK) {
                goto failed;
            }
        }
    }

    rv = sl_streaming_merge_servers(cf, cmcf, ctx);
    if (rv != SL_CONF_OK) {
        goto failed;
    }

    for (i = 0; i < SL_STREAMING_PHASES; i++) {
        if (sl_array_init(&cmcf->phases[i].handlers, cf->pool, 2,
                          sizeof(sl_streaming_handler_pt)) != SL_OK)
        {
            return SL_CONF_ERROR;
        }
    }

    /* module order decides handler order within a phase (auto/modules) */
    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;

        if (module->postconfiguration
            && module->postconfiguration(cf) != SL_OK)
        {
            rv = SL_CONF_ERROR;
            goto failed;
        }
    }

    *cf = pcf;

    if (sl_streaming_add_listening(cf, cmcf) != SL_OK) {
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;

failed:

    *cf = pcf;

    return rv;
}


/* main -> server -> publishing point, for every module */
static char *
sl_streaming_merge_servers(sl_conf_t *cf, sl_streaming_core_main_conf_t *cmcf,
    sl_streaming_conf_ctx_t *ctx)
{
    char                           *rv;
    sl_uint_t                       i, s, p;
    sl_module_t                    *m;
    sl_streaming_module_t          *module;
    sl_streaming_core_pp_conf_t   **pps;
    sl_streaming_core_srv_conf_t  **cscfp, *cscf;

    cscfp = cmcf->servers.elts;

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != SL_STREAMING_MODULE) {
            continue;
        }

        module = m->ctx;

        for (s = 0; s < cmcf->servers.nelts; s++) {
            cscf = cscfp[s];

            if (module->merge_srv_conf) {
                rv = module->merge_srv_conf(cf, ctx->srv_conf[m->ctx_index],
                                        cscf->ctx->srv_conf[m->ctx_index]);
                if (rv != SL_CONF_OK) {
                    return rv;
                }
            }

            if (module->merge_pp_conf == NULL) {
                continue;
            }

            rv = module->merge_pp_conf(cf, ctx->pp_conf[m->ctx_index],
                                       cscf->ctx->pp_conf[m->ctx_index]);
            if (rv != SL_CONF_OK) {
                return rv;
            }

            pps = cscf->pps.elts;

            for (p = 0; p < cscf->pps.nelts; p++) {
                rv = module->merge_pp_conf(cf,
                                       cscf->ctx->pp_conf[m->ctx_index],
                                       pps[p]->pp_conf[m->ctx_index]);
                if (rv != SL_CONF_OK) {
                    return rv;
                }
            }
        }
    }

    return SL_CONF_OK;
}


/* one listening socket per "listen" (cloned per worker later) */
static sl_int_t
sl_streaming_add_listening(sl_conf_t *cf, sl_streaming_core_main_conf_t *cmcf)
{
    sl_uint_t                      i, j;
    sl_listening_t                *ls;
    sl_streaming_listen_t         *lst;
    sl_streaming_core_srv_conf_t  *cscf;

    lst = cmcf->listens.elts;

    for (i = 0; i < cmcf->listens.nelts; i++) {

        for (j = 0; j < i; j++) {
            if (sl_cmp_sockaddr((struct sockaddr *) &lst[i].addr.sockaddr,
                                lst[i].addr.socklen,
                                (struct sockaddr *) &lst[j].addr.sockaddr,
                                lst[j].addr.socklen, 1) == SL_OK)
            {
                sl_log_error(SL_LOG_EMERG, cf->log, 0,
                             "duplicate listen " SL_STR_FMT " in "
                             SL_STR_FMT ":%lu",
                             SL_STR_ARG(&lst[i].addr.name),
                             SL_STR_ARG(&lst[i].file),
                             (unsigned long) lst[i].line);
                return SL_ERROR;
            }
        }

        cscf = lst[i].server;

        if (lst[i].ssl && cscf->ssl == NULL) {
            sl_log_error(SL_LOG_EMERG, cf->log, 0,
                         "no \"ssl_certificate\" for \"listen ... ssl\" "
                         "in " SL_STR_FMT ":%lu",
                         SL_STR_ARG(&lst[i].file),
                         (unsigned long) lst[i].line);
            return SL_ERROR;
        }

        ls = sl_create_listening(cf, (struct sockaddr *) &lst[i].addr.sockaddr,
                                 lst[i].addr.socklen);
        if (ls == NULL) {
            return SL_ERROR;
        }

        ls->ssl = lst[i].ssl ? cscf->ssl : NULL;

        ls->handler = lst[i].protocol->handler;
        ls->protocol = (const char *) lst[i].protocol->name.data;
        ls->servers = lst[i].server;
        ls->backlog = (int) lst[i].backlog;
        ls->sndbuf = (int) lst[i].sndbuf;
        ls->ipv6only = lst[i].ipv6only;
    }

    return SL_OK;
}


sl_int_t
sl_streaming_add_handler(sl_conf_t *cf, sl_streaming_phase_e phase,
    sl_streaming_handler_pt h)
{
    sl_streaming_handler_pt        *hp;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);

    hp = sl_array_push(&cmcf->phases[phase].handlers);
    if (hp == NULL) {
        return SL_ERROR;
    }

    *hp = h;

    return SL_OK;
}


/*
 * Source types and protocols are both registries of a name and what it
 * names; both element types begin with the name.
 */
static void *
sl_streaming_register(sl_array_t *a, const char *name)
{
    sl_str_t  *n;

    n = sl_array_push(a);
    if (n == NULL) {
        return NULL;
    }

    n->data = (u_char *) name;
    n->len = strlen(name);

    return n;
}


sl_int_t
sl_streaming_add_source_type(sl_conf_t *cf, const char *name,
    sl_streaming_source_pt open)
{
    sl_streaming_source_type_t     *st;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);

    st = sl_streaming_register(&cmcf->source_types, name);
    if (st == NULL) {
        return SL_ERROR;
    }

    st->open = open;

    return SL_OK;
}


sl_int_t
sl_streaming_add_protocol(sl_conf_t *cf, const char *name,
    sl_connection_handler_pt handler)
{
    sl_streaming_protocol_t        *p;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);

    p = sl_streaming_register(&cmcf->protocols, name);
    if (p == NULL) {
        return SL_ERROR;
    }

    p->handler = handler;

    return SL_OK;
}


static void
sl_streaming_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused, void *conf)
{
    sl_uint_t                       s, p;
    sl_streaming_conf_ctx_t        *ctx;
    sl_streaming_core_pp_conf_t   **pps;
    sl_streaming_core_srv_conf_t  **cscfp, *cscf;
    sl_streaming_core_main_conf_t  *cmcf;

    ctx = *(sl_streaming_conf_ctx_t **) conf;
    if (ctx == NULL) {
        return;
    }

    cmcf = ctx->main_conf[sl_streaming_core_module.ctx_index];

    sl_conf_dump_open(d, "streaming");
    sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_MAIN_CONF, ctx);

    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        cscf = cscfp[s];

        sl_conf_dump_open(d, "server");
        sl_conf_dump_level(d, SL_STREAMING_MODULE, SL_STREAMING_SRV_CONF,
                           cscf->ctx);

        pps = cscf->pps.elts;

        for (p = 0; p < cscf->pps.nelts; p++) {
            sl_streaming_dump_pp(d, pps[p]);
        }

        sl_conf_dump_close(d);
    }

    sl_conf_dump_close(d);
}
