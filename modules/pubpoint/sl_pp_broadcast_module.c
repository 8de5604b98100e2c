/*
 * Broadcast publishing points: "type broadcast; source push|URL|playlist
 * FILE;".  Each point gets a live stream (core/sl_live): a shared memory
 * zone with its ring, kept across reloads by the point's name.  Who may
 * push is decided here, in the access phase, for every protocol; the
 * sources Sluice runs itself (playlists, pulls) are started here in the
 * workers.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_streaming.h>
#include <sl_pp_archive.h>
#include <sl_pp_source.h>
#include <sl_pp_pull.h>


typedef enum {
    SL_PP_SOURCE_NONE = 0,
    SL_PP_SOURCE_PUSH,          /* an encoder pushes (RTSP RECORD, HTTP) */
    SL_PP_SOURCE_PULL,          /* Sluice pulls an rtsp:// or http:// URL */
    SL_PP_SOURCE_PLAYLIST       /* Sluice plays a playlist file */
} sl_pp_source_e;

typedef struct {
    sl_pp_source_e                source;
    sl_str_t                      url;          /* pull URL, playlist */
    sl_pp_pull_conf_t            *pull;
    sl_pp_player_conf_t           player;
    sl_array_t                   *allow_push;   /* sl_cidr_t */
    sl_int_t                      push_takeover;
    sl_msec_t                     source_timeout;
    size_t                        buffer;       /* the zone */
    size_t                        max_unit;
    sl_str_t                      archive;      /* strftime pattern */
    sl_msec_t                     archive_max_duration;
    size_t                        archive_max_size;
    sl_live_t                    *live;
    sl_streaming_core_pp_conf_t  *pp;
} sl_pp_broadcast_conf_t;


static sl_int_t sl_pp_broadcast_preconfiguration(sl_conf_t *cf);
static sl_int_t sl_pp_broadcast_postconfiguration(sl_conf_t *cf);
static sl_int_t sl_pp_broadcast_server_key(sl_conf_t *cf,
    sl_streaming_core_main_conf_t *cmcf, sl_streaming_core_srv_conf_t *cscf,
    sl_str_t *key);
static void *sl_pp_broadcast_create_main_conf(sl_conf_t *cf);
static void sl_pp_broadcast_trusted_dump(sl_conf_dump_t *d,
    sl_command_t *cmd, void *conf);
static void *sl_pp_broadcast_create_conf(sl_conf_t *cf);
static char *sl_pp_broadcast_merge_conf(sl_conf_t *cf, void *parent,
    void *child);
static char *sl_pp_broadcast_source(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_pp_broadcast_source_dump(sl_conf_dump_t *d,
    sl_command_t *cmd, void *conf);
static char *sl_pp_broadcast_allow_push(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_pp_broadcast_allow_push_dump(sl_conf_dump_t *d,
    sl_command_t *cmd, void *conf);
static sl_pp_broadcast_conf_t *sl_pp_broadcast_conf(
    sl_streaming_request_t *r);
static sl_int_t sl_pp_broadcast_open(sl_streaming_request_t *r,
    sl_media_file_t *mf);
static sl_int_t sl_pp_broadcast_access(sl_streaming_request_t *r);
static sl_int_t sl_pp_broadcast_init_process(sl_cycle_t *cycle);
static void sl_pp_broadcast_exit_process(sl_cycle_t *cycle);


/* the playlists and pulls this process runs, stopped when it exits */
typedef struct {
    sl_pp_player_t   *player;
    sl_pp_pull_t     *pull;
} sl_pp_broadcast_runner_t;

static sl_array_t  *sl_pp_broadcast_runners;


static sl_conf_num_bounds_t  sl_pp_broadcast_timeout_bounds = {
    sl_conf_check_num_bounds, 0, 24 * 3600 * 1000
};


static sl_command_t  sl_pp_broadcast_commands[] = {

    { sl_string("source"),
      SL_STREAMING_PP_CONF | SL_CONF_TAKE12,
      sl_pp_broadcast_source,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL, sl_pp_broadcast_source_dump },

    { sl_string("allow_push"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_1MORE,
      sl_pp_broadcast_allow_push,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL, sl_pp_broadcast_allow_push_dump },

    { sl_string("push_takeover"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, push_takeover),
      NULL, NULL },

    { sl_string("source_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, source_timeout),
      &sl_pp_broadcast_timeout_bounds, NULL },

    { sl_string("live_buffer"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, buffer),
      NULL, NULL },

    { sl_string("live_max_unit"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, max_unit),
      NULL, NULL },

    { sl_string("archive"),
      SL_STREAMING_PP_CONF | SL_CONF_TAKE1,
      sl_conf_set_str_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, archive),
      NULL, NULL },

    { sl_string("archive_max_duration"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, archive_max_duration),
      NULL, NULL },

    { sl_string("archive_max_size"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_broadcast_conf_t, archive_max_size),
      NULL, NULL },

    { sl_string("source_ssl_trusted_certificate"),
      SL_STREAMING_MAIN_CONF | SL_CONF_TAKE1,
      sl_pp_pull_trusted,
      SL_STREAMING_MAIN_CONF_OFFSET,
      0,
      NULL,
      sl_pp_broadcast_trusted_dump },

      sl_null_command
};


static sl_streaming_module_t  sl_pp_broadcast_module_ctx = {
    .preconfiguration  = sl_pp_broadcast_preconfiguration,
    .postconfiguration = sl_pp_broadcast_postconfiguration,
    .create_main_conf  = sl_pp_broadcast_create_main_conf,
    .create_pp_conf    = sl_pp_broadcast_create_conf,
    .merge_pp_conf     = sl_pp_broadcast_merge_conf,
};


sl_module_t  sl_pp_broadcast_module = {
    .type         = SL_STREAMING_MODULE,
    .ctx          = &sl_pp_broadcast_module_ctx,
    .commands     = sl_pp_broadcast_commands,
    .init_process = sl_pp_broadcast_init_process,
    .exit_process = sl_pp_broadcast_exit_process,
};


static sl_int_t
sl_pp_broadcast_preconfiguration(sl_conf_t *cf)
{
    return sl_streaming_add_source_type(cf, "broadcast",
                                        sl_pp_broadcast_open);
}


/* a broadcast point has no files: protocols ask for its live stream */
static sl_int_t
sl_pp_broadcast_open(sl_streaming_request_t *r sl_unused,
    sl_media_file_t *mf sl_unused)
{
    return 404;
}


static sl_pp_broadcast_conf_t *
sl_pp_broadcast_conf(sl_streaming_request_t *r)
{
    sl_streaming_core_pp_conf_t  *ppcf;

    ppcf = sl_streaming_get_module_pp_conf(r, sl_streaming_core_module);

    if (ppcf->type == NULL || ppcf->type->open != sl_pp_broadcast_open) {
        return NULL;
    }

    return sl_streaming_get_module_pp_conf(r, sl_pp_broadcast_module);
}


/* the TLS client of pulls (sl_pp_pull.h) */
static void *
sl_pp_broadcast_create_main_conf(sl_conf_t *cf)
{
    return sl_pcalloc(cf->pool, sizeof(sl_pp_pull_main_conf_t));
}


static void
sl_pp_broadcast_trusted_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_pp_pull_main_conf_t  *pmcf = conf;

    if (pmcf->trusted.data) {
        sl_conf_dump_line(d, "source_ssl_trusted_certificate %s;",
                          sl_conf_dump_value(d, &pmcf->trusted));
    }
}


/*
 * Every broadcast point gets its live stream, named after the point;
 * points with a regex would be many streams under one name: refused.
 */
static sl_int_t
sl_pp_broadcast_postconfiguration(sl_conf_t *cf)
{
    sl_str_t                         key;
    sl_uint_t                        s, p;
    sl_pp_broadcast_conf_t          *bcf;
    sl_streaming_core_pp_conf_t     *pp, **pps;
    sl_streaming_core_srv_conf_t   **cscfp;
    sl_streaming_core_main_conf_t   *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        pps = cscfp[s]->pps.elts;

        for (p = 0; p < cscfp[s]->pps.nelts; p++) {
            pp = pps[p];
            bcf = pp->pp_conf[sl_pp_broadcast_module.ctx_index];

            if (pp->type == NULL || pp->type->open != sl_pp_broadcast_open) {
                if (bcf->source != SL_PP_SOURCE_NONE) {
                    sl_log_error(SL_LOG_EMERG, cf->log, 0,
                                 "\"source\" is only for publishing points "
                                 "of type broadcast in " SL_STR_FMT ":%lu",
                                 SL_STR_ARG(&pp->file),
                                 (unsigned long) pp->line);
                    return SL_ERROR;
                }
                continue;
            }

            if (pp->regex) {
                sl_log_error(SL_LOG_EMERG, cf->log, 0,
                             "a broadcast publishing point needs a plain "
                             "name, not a regular expression, in "
                             SL_STR_FMT ":%lu", SL_STR_ARG(&pp->file),
                             (unsigned long) pp->line);
                return SL_ERROR;
            }

            if (bcf->source == SL_PP_SOURCE_NONE) {
                sl_log_error(SL_LOG_EMERG, cf->log, 0,
                             "publishing point \"" SL_STR_FMT "\" of type "
                             "broadcast has no \"source\" in " SL_STR_FMT
                             ":%lu", SL_STR_ARG(&pp->name),
                             SL_STR_ARG(&pp->file),
                             (unsigned long) pp->line);
                return SL_ERROR;
            }

            if (bcf->buffer < 8 * bcf->max_unit) {
                sl_log_error(SL_LOG_EMERG, cf->log, 0,
                             "\"live_buffer\" %zu must be at least 8 times "
                             "\"live_max_unit\" %zu in " SL_STR_FMT ":%lu",
                             bcf->buffer, bcf->max_unit,
                             SL_STR_ARG(&pp->file), (unsigned long) pp->line);
                return SL_ERROR;
            }

            /* a playlist that does not parse, or a URL in it that cannot
               be pulled, is a configuration error */
            if (bcf->source == SL_PP_SOURCE_PLAYLIST
                && sl_pp_player_configure(cf, &bcf->url, &bcf->player)
                   != SL_OK)
            {
                return SL_ERROR;
            }

            if (sl_pp_broadcast_server_key(cf, cmcf, cscfp[s], &key)
                != SL_OK)
            {
                return SL_ERROR;
            }

            bcf->live = sl_live_create(cf, &key, &pp->name, bcf->buffer,
                                       bcf->max_unit);
            if (bcf->live == NULL) {
                return SL_ERROR;
            }

            bcf->live->source_timeout = bcf->source_timeout;
            bcf->live->takeover = bcf->push_takeover;
            bcf->pp = pp;
            pp->live = bcf->live;

            if (bcf->archive.len) {
                if (sl_conf_full_name(cf->cycle, &bcf->archive, 0) != SL_OK
                    || sl_pp_archive_create(cf, bcf->live, &bcf->archive,
                                            bcf->archive_max_duration,
                                            (off_t) bcf->archive_max_size)
                       == NULL)
                {
                    return SL_ERROR;
                }
            }
        }
    }

    /* https:// and rtsps:// sources, playlists' URLs too, are known now */
    if (sl_pp_pull_init_tls(cf,
            sl_streaming_conf_get_module_main_conf(cf, sl_pp_broadcast_module))
        != SL_OK)
    {
        return SL_ERROR;
    }

    return sl_streaming_add_handler(cf, SL_STREAMING_ACCESS_PHASE,
                                    sl_pp_broadcast_access);
}


/*
 * A server is known by its first listen address ("127.0.0.1:8554"), as
 * players know it: its points' streams are its own, and a reload that
 * keeps the address keeps them.  A server with no listen has none.
 */
static sl_int_t
sl_pp_broadcast_server_key(sl_conf_t *cf, sl_streaming_core_main_conf_t *cmcf,
    sl_streaming_core_srv_conf_t *cscf, sl_str_t *key)
{
    sl_uint_t               i;
    sl_streaming_listen_t  *ls;

    ls = cmcf->listens.elts;

    for (i = 0; i < cmcf->listens.nelts; i++) {
        if (ls[i].server != cscf) {
            continue;
        }

        key->data = sl_pnalloc(cf->pool, SL_SOCKADDR_STRLEN);
        if (key->data == NULL) {
            return SL_ERROR;
        }

        key->len = sl_sock_ntop((struct sockaddr *) &ls[i].addr.sockaddr,
                                ls[i].addr.socklen, key->data,
                                SL_SOCKADDR_STRLEN,
                                sl_inet_get_port((struct sockaddr *)
                                                 &ls[i].addr.sockaddr));
        return SL_OK;
    }

    sl_str_null(key);
    return SL_OK;
}


/*
 * Pushing needs write permission: a client in allow_push (the
 * authorization issue adds users); without allow_push nobody may push.
 */
static sl_int_t
sl_pp_broadcast_access(sl_streaming_request_t *r)
{
    sl_uint_t                i;
    sl_cidr_t               *cidr;
    sl_pp_broadcast_conf_t  *bcf;

    if (!(r->access & SL_STREAMING_WRITE)) {
        return SL_DECLINED;
    }

    bcf = sl_pp_broadcast_conf(r);

    if (bcf == NULL || bcf->source != SL_PP_SOURCE_PUSH) {
        sl_log_error(SL_LOG_ERR, r->log, 0,
                     "publishing point does not take pushed streams");
        return 405;
    }

    if (bcf->allow_push) {
        cidr = bcf->allow_push->elts;

        for (i = 0; i < bcf->allow_push->nelts; i++) {
            if (sl_cidr_match((struct sockaddr *) &r->connection->sockaddr,
                              &cidr[i]) == SL_OK)
            {
                return SL_DECLINED;
            }
        }
    }

    sl_log_error(SL_LOG_ERR, r->log, 0, "push forbidden: client not in "
                 "\"allow_push\"");

    return 403;
}


/* source push | playlist FILE | rtsp://... | http://... */
static char *
sl_pp_broadcast_source(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_pp_broadcast_conf_t  *bcf = conf;

    sl_str_t  *value;

    value = cf->args->elts;

    if (bcf->source != SL_PP_SOURCE_NONE) {
        return "is duplicate";
    }

    if (cf->args->nelts == 2 && sl_str_eq(&value[1], "push")) {
        bcf->source = SL_PP_SOURCE_PUSH;
        return SL_CONF_OK;
    }

    if (cf->args->nelts == 3 && sl_str_eq(&value[1], "playlist")) {
        bcf->source = SL_PP_SOURCE_PLAYLIST;
        bcf->url = value[2];

        if (sl_conf_full_name(cf->cycle, &bcf->url, 0) != SL_OK) {
            return SL_CONF_ERROR;
        }

        return SL_CONF_OK;
    }

    if (cf->args->nelts == 2
        && sl_strlchr(value[1].data, value[1].data + value[1].len, ':'))
    {
        bcf->source = SL_PP_SOURCE_PULL;
        bcf->url = value[1];

        bcf->pull = sl_pcalloc(cf->pool, sizeof(sl_pp_pull_conf_t));
        if (bcf->pull == NULL) {
            return SL_CONF_ERROR;
        }

        return sl_pp_pull_configure(cf, "\"source\"", &value[1], bcf->pull);
    }

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "invalid \"source\": it must be \"push\", \"playlist "
                      "FILE\", or an rtsp:// or http:// URL");

    return SL_CONF_ERROR;
}


static void
sl_pp_broadcast_source_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_pp_broadcast_conf_t  *bcf = conf;

    switch (bcf->source) {

    case SL_PP_SOURCE_PUSH:
        sl_conf_dump_line(d, "source push;");
        break;

    case SL_PP_SOURCE_PLAYLIST:
        sl_conf_dump_line(d, "source playlist \"" SL_STR_FMT "\";",
                          SL_STR_ARG(&bcf->url));
        break;

    case SL_PP_SOURCE_PULL:
        sl_conf_dump_line(d, "source \"" SL_STR_FMT "\";",
                          SL_STR_ARG(&bcf->url));
        break;

    default:
        break;
    }
}


/* allow_push ADDRESS|CIDR|all ... */
static char *
sl_pp_broadcast_allow_push(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_pp_broadcast_conf_t  *bcf = conf;

    sl_int_t    rc;
    sl_str_t   *value, all;
    sl_uint_t   i;
    sl_cidr_t  *cidr;

    value = cf->args->elts;

    if (bcf->allow_push == NULL) {
        bcf->allow_push = sl_array_create(cf->pool, 4, sizeof(sl_cidr_t));
        if (bcf->allow_push == NULL) {
            return SL_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (sl_str_eq(&value[i], "all")) {
            /* all = 0.0.0.0/0 and ::/0 */
            sl_str_set(&all, "0.0.0.0/0");
            cidr = sl_array_push(bcf->allow_push);
            if (cidr == NULL || sl_ptocidr(&all, cidr) == SL_ERROR) {
                return SL_CONF_ERROR;
            }

            sl_str_set(&all, "::/0");
            cidr = sl_array_push(bcf->allow_push);
            if (cidr == NULL || sl_ptocidr(&all, cidr) == SL_ERROR) {
                return SL_CONF_ERROR;
            }

            continue;
        }

        cidr = sl_array_push(bcf->allow_push);
        if (cidr == NULL) {
            return SL_CONF_ERROR;
        }

        rc = sl_ptocidr(&value[i], cidr);

        if (rc == SL_ERROR) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid value \"" SL_STR_FMT "\" in "
                              "\"allow_push\", it must be an address, a CIDR "
                              "or \"all\"", SL_STR_ARG(&value[i]));
            return SL_CONF_ERROR;
        }
    }

    return SL_CONF_OK;
}


static void
sl_pp_broadcast_allow_push_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_pp_broadcast_conf_t  *bcf = conf;

    u_char      text[SL_CIDR_STRLEN];
    size_t      n;
    sl_uint_t   i;
    sl_cidr_t  *cidr;

    if (bcf->allow_push == NULL) {
        return;
    }

    cidr = bcf->allow_push->elts;

    for (i = 0; i < bcf->allow_push->nelts; i++) {
        n = sl_cidr_ntop(&cidr[i], text, sizeof(text));
        sl_conf_dump_line(d, "allow_push %.*s;", (int) n, (char *) text);
    }
}


static void *
sl_pp_broadcast_create_conf(sl_conf_t *cf)
{
    sl_pp_broadcast_conf_t  *bcf;

    bcf = sl_pcalloc(cf->pool, sizeof(sl_pp_broadcast_conf_t));
    if (bcf == NULL) {
        return NULL;
    }

    /*
     * set by sl_pcalloc():
     *
     *     bcf->source = SL_PP_SOURCE_NONE;
     *     bcf->url = { 0, NULL };
     *     bcf->allow_push = NULL;
     *     bcf->live = NULL;
     */

    bcf->push_takeover = SL_CONF_UNSET;
    bcf->source_timeout = SL_CONF_UNSET_MSEC;
    bcf->buffer = SL_CONF_UNSET_SIZE;
    bcf->max_unit = SL_CONF_UNSET_SIZE;
    bcf->archive_max_duration = SL_CONF_UNSET_MSEC;
    bcf->archive_max_size = SL_CONF_UNSET_SIZE;

    return bcf;
}


/* the source belongs to its point; the rest is inherited */
static char *
sl_pp_broadcast_merge_conf(sl_conf_t *cf sl_unused, void *parent,
    void *child)
{
    sl_pp_broadcast_conf_t  *prev = parent;
    sl_pp_broadcast_conf_t  *conf = child;

    if (conf->allow_push == NULL) {
        conf->allow_push = prev->allow_push;
    }

    sl_conf_merge_value(conf->push_takeover, prev->push_takeover, 0);
    sl_conf_merge_msec_value(conf->source_timeout, prev->source_timeout,
                             10000);
    sl_conf_merge_size_value(conf->buffer, prev->buffer, 16 * 1024 * 1024);
    sl_conf_merge_size_value(conf->max_unit, prev->max_unit, 1024 * 1024);
    sl_conf_merge_msec_value(conf->archive_max_duration,
                             prev->archive_max_duration, 3600 * 1000);
    sl_conf_merge_size_value(conf->archive_max_size, prev->archive_max_size,
                             0);

    return SL_CONF_OK;
}


/*
 * The sources Sluice runs itself, playlists and pulls, start in the
 * workers: the n-th such point in the worker of slot n modulo their
 * number (all of them in a single process).  One that cannot start is
 * logged; the others go on.
 */
static sl_int_t
sl_pp_broadcast_init_process(sl_cycle_t *cycle)
{
    sl_uint_t                        s, p, n, workers;
    sl_core_conf_t                  *ccf;
    sl_pp_broadcast_conf_t          *bcf;
    sl_pp_broadcast_runner_t        *run;
    sl_streaming_conf_ctx_t         *ctx;
    sl_streaming_core_pp_conf_t    **pps;
    sl_streaming_core_srv_conf_t   **cscfp;
    sl_streaming_core_main_conf_t   *cmcf;

    ctx = (sl_streaming_conf_ctx_t *)
              cycle->conf_ctx[sl_streaming_module.index];
    if (ctx == NULL) {
        return SL_OK;
    }

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];
    workers = (sl_process == SL_PROCESS_WORKER && ccf->worker_processes > 0)
              ? (sl_uint_t) ccf->worker_processes : 1;

    cmcf = ctx->main_conf[sl_streaming_core_module.ctx_index];
    cscfp = cmcf->servers.elts;
    n = 0;

    sl_pp_broadcast_runners = sl_array_create(cycle->pool, 4,
                                  sizeof(sl_pp_broadcast_runner_t));
    if (sl_pp_broadcast_runners == NULL) {
        return SL_ERROR;
    }

    for (s = 0; s < cmcf->servers.nelts; s++) {
        pps = cscfp[s]->pps.elts;

        for (p = 0; p < cscfp[s]->pps.nelts; p++) {
            bcf = pps[p]->pp_conf[sl_pp_broadcast_module.ctx_index];

            if (bcf->live == NULL
                || (bcf->source != SL_PP_SOURCE_PULL
                    && bcf->source != SL_PP_SOURCE_PLAYLIST))
            {
                continue;
            }

            if (n++ % workers != sl_worker) {
                continue;
            }

            run = sl_array_push(sl_pp_broadcast_runners);
            if (run == NULL) {
                return SL_ERROR;
            }

            run->player = NULL;
            run->pull = NULL;

            if (bcf->source == SL_PP_SOURCE_PLAYLIST) {
                run->player = sl_pp_player_start(cycle, bcf->live,
                                                 &bcf->player);
                continue;
            }

            run->pull = sl_pp_pull_start(cycle, bcf->live, bcf->pull, NULL,
                                         NULL);

            if (run->pull == NULL) {
                sl_log_error(SL_LOG_ERR, cycle->log, 0,
                             "pulling \"%.*s\" into \"%.*s\" cannot start",
                             SL_STR_ARG(&bcf->url),
                             SL_STR_ARG(&bcf->live->name));
            }
        }
    }

    return SL_OK;
}


/* the worker exits: its playlists and pulls let go and free their memory */
static void
sl_pp_broadcast_exit_process(sl_cycle_t *cycle sl_unused)
{
    sl_uint_t                  i;
    sl_pp_broadcast_runner_t  *run;

    if (sl_pp_broadcast_runners == NULL) {
        return;
    }

    run = sl_pp_broadcast_runners->elts;

    for (i = 0; i < sl_pp_broadcast_runners->nelts; i++) {
        if (run[i].player) {
            sl_pp_player_stop(run[i].player);
        }

        if (run[i].pull) {
            sl_pp_pull_stop(run[i].pull);
        }
    }

    sl_pp_broadcast_runners = NULL;
}
