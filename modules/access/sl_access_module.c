/* allow/deny: client address rules checked in the access phase. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include "sl_access.h"


static char *sl_access_rule(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void sl_access_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);
static void *sl_access_create_pp_conf(sl_conf_t *cf);
static char *sl_access_merge_pp_conf(sl_conf_t *cf, void *parent,
    void *child);
static sl_int_t sl_access_init(sl_conf_t *cf);


#define SL_ACCESS_FORBIDDEN  403


static sl_command_t  sl_access_commands[] = {

    { sl_string("allow"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_access_rule,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_access_dump },

    { sl_string("deny"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_TAKE1,
      sl_access_rule,
      SL_STREAMING_PP_CONF_OFFSET,
      0,
      NULL,
      sl_access_dump },

      sl_null_command
};


static sl_streaming_module_t  sl_access_module_ctx = {
    .postconfiguration = sl_access_init,
    .create_pp_conf    = sl_access_create_pp_conf,
    .merge_pp_conf     = sl_access_merge_pp_conf,
};


sl_module_t  sl_access_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_access_module_ctx,
    .commands = sl_access_commands,
};


const sl_access_rule_t *
sl_access_find_rule(const sl_array_t *rules, const struct sockaddr *sa)
{
    sl_uint_t                i;
    const sl_access_rule_t  *rule;

    if (rules == NULL) {
        return NULL;
    }

    rule = rules->elts;

    for (i = 0; i < rules->nelts; i++) {
        if (rule[i].all || sl_cidr_match(sa, &rule[i].cidr) == SL_OK) {
            return &rule[i];
        }
    }

    return NULL;
}


/*
 * The rules of the request's publishing point (or of its server when
 * no publishing point matched), first match wins; a client no rule
 * names is let through.  SL_DECLINED either way when allowed, so that
 * later handlers of the phase still run.
 */
sl_int_t
sl_access_handler(sl_streaming_request_t *r)
{
    sl_connection_t          *c;
    sl_access_pp_conf_t      *apcf;
    const sl_access_rule_t   *rule;

    apcf = sl_streaming_get_module_pp_conf(r, sl_access_module);

    if (apcf->rules == NULL) {
        return SL_DECLINED;
    }

    c = r->connection;

    rule = sl_access_find_rule(apcf->rules, (struct sockaddr *) &c->sockaddr);

    if (rule == NULL || !rule->deny) {
        return SL_DECLINED;
    }

    /* the log context names the client, the server and the request */
    sl_log_error(SL_LOG_ERR, r->log, 0, "access forbidden by rule");

    return SL_ACCESS_FORBIDDEN;
}


/* allow|deny ADDRESS | CIDR | all */
static char *
sl_access_rule(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_access_pp_conf_t  *apcf = conf;

    sl_int_t           rc;
    sl_str_t          *value;
    sl_access_rule_t   rule, *r;

    value = cf->args->elts;

    sl_memzero(&rule, sizeof(sl_access_rule_t));
    rule.deny = (value[0].data[0] == 'd');

    if (sl_str_eq(&value[1], "all")) {
        rule.all = 1;

    } else {
        rc = sl_ptocidr(&value[1], &rule.cidr);

        if (rc == SL_ERROR) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid value \"" SL_STR_FMT "\" in \""
                              SL_STR_FMT "\" directive, it must be an "
                              "address, a CIDR or \"all\"",
                              SL_STR_ARG(&value[1]), SL_STR_ARG(&cmd->name));
            return SL_CONF_ERROR;
        }

        if (rc == SL_DONE) {
            sl_conf_log_error(SL_LOG_WARN, cf, 0,
                              "low address bits of " SL_STR_FMT
                              " are meaningless", SL_STR_ARG(&value[1]));
        }
    }

    if (apcf->rules == NULL) {
        apcf->rules = sl_array_create(cf->pool, 4, sizeof(sl_access_rule_t));
        if (apcf->rules == NULL) {
            return SL_CONF_ERROR;
        }
    }

    r = sl_array_push(apcf->rules);
    if (r == NULL) {
        return SL_CONF_ERROR;
    }

    *r = rule;

    return SL_CONF_OK;
}


/*
 * -T: allow and deny share one ordered list, so the "allow" row prints
 * every effective rule of the level, in order, and the "deny" row none.
 */
static void
sl_access_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    sl_access_pp_conf_t  *apcf = conf;

    u_char             text[SL_CIDR_STRLEN];
    size_t             n;
    sl_uint_t          i;
    const char        *name;
    sl_access_rule_t  *rule;

    if (apcf->rules == NULL || !sl_str_eq(&cmd->name, "allow")) {
        return;
    }

    rule = apcf->rules->elts;

    for (i = 0; i < apcf->rules->nelts; i++) {
        name = rule[i].deny ? "deny" : "allow";

        if (rule[i].all) {
            sl_conf_dump_line(d, "%s all;", name);
            continue;
        }

        n = sl_cidr_ntop(&rule[i].cidr, text, sizeof(text));

        sl_conf_dump_line(d, "%s %.*s;", name, (int) n, (char *) text);
    }
}


static void *
sl_access_create_pp_conf(sl_conf_t *cf)
{
    sl_access_pp_conf_t  *apcf;

    apcf = sl_pcalloc(cf->pool, sizeof(sl_access_pp_conf_t));
    if (apcf == NULL) {
        return NULL;
    }

    /*
     * set by sl_pcalloc():
     *
     *     apcf->rules = NULL;
     */

    return apcf;
}


/* a level with rules of its own does not inherit any (nginx semantics) */
static char *
sl_access_merge_pp_conf(sl_conf_t *cf, void *parent, void *child)
{
    sl_access_pp_conf_t  *prev = parent;
    sl_access_pp_conf_t  *conf = child;

    (void) cf;

    if (conf->rules == NULL) {
        conf->rules = prev->rules;
    }

    return SL_CONF_OK;
}


static sl_int_t
sl_access_init(sl_conf_t *cf)
{
    return sl_streaming_add_handler(cf, SL_STREAMING_ACCESS_PHASE,
                                    sl_access_handler);
}
