/*
 * The core module: process-level directives (workers, affinity, user,
 * pid, daemon).
 */

#include <sl_config.h>
#include <sl_core.h>


static void *sl_core_module_create_conf(sl_cycle_t *cycle);
static char *sl_core_module_init_conf(sl_cycle_t *cycle, void *conf);
static char *sl_set_worker_processes(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_dump_worker_processes(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_set_cpu_affinity(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
static void sl_dump_cpu_affinity(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static char *sl_set_user(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void sl_dump_user(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);


static sl_conf_num_bounds_t  sl_core_rlimit_bounds = {
    sl_conf_check_num_bounds, 16, 16777216
};


static sl_command_t  sl_core_commands[] = {

    { sl_string("daemon"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      0,
      offsetof(sl_core_conf_t, daemon),
      NULL, NULL },

    { sl_string("master_process"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      0,
      offsetof(sl_core_conf_t, master),
      NULL, NULL },

    { sl_string("worker_processes"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_TAKE1,
      sl_set_worker_processes,
      0,
      0,
      NULL,
      sl_dump_worker_processes },

    { sl_string("worker_cpu_affinity"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_1MORE,
      sl_set_cpu_affinity,
      0,
      0,
      NULL,
      sl_dump_cpu_affinity },

    { sl_string("worker_shutdown_timeout"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      0,
      offsetof(sl_core_conf_t, shutdown_timeout),
      NULL, NULL },

    { sl_string("worker_rlimit_nofile"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_TAKE1,
      sl_conf_set_num_slot,
      0,
      offsetof(sl_core_conf_t, rlimit_nofile),
      &sl_core_rlimit_bounds, NULL },

    { sl_string("pid"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_TAKE1,
      sl_conf_set_str_slot,
      0,
      offsetof(sl_core_conf_t, pid),
      NULL, NULL },

    { sl_string("user"),
      SL_MAIN_CONF | SL_DIRECT_CONF | SL_CONF_TAKE12,
      sl_set_user,
      0,
      0,
      NULL,
      sl_dump_user },

      sl_null_command
};


static sl_core_module_t  sl_core_module_ctx = {
    sl_string("core"),
    sl_core_module_create_conf,
    sl_core_module_init_conf
};


sl_module_t  sl_core_module = {
    .type     = SL_CORE_MODULE,
    .ctx      = &sl_core_module_ctx,
    .commands = sl_core_commands,
};


static void *
sl_core_module_create_conf(sl_cycle_t *cycle)
{
    sl_core_conf_t  *ccf;

    ccf = sl_pcalloc(cycle->pool, sizeof(sl_core_conf_t));
    if (ccf == NULL) {
        return NULL;
    }

    ccf->daemon = SL_CONF_UNSET;
    ccf->master = SL_CONF_UNSET;
    ccf->worker_processes = SL_CONF_UNSET;
    ccf->shutdown_timeout = SL_CONF_UNSET_MSEC;
    ccf->rlimit_nofile = SL_CONF_UNSET;
    ccf->user = (uid_t) SL_CONF_UNSET_UINT;
    ccf->group = (gid_t) SL_CONF_UNSET_UINT;

    return ccf;
}


static char *
sl_core_module_init_conf(sl_cycle_t *cycle, void *conf)
{
    u_char          *p;
    long             n;
    sl_core_conf_t  *ccf = conf;

    sl_conf_init_value(ccf->daemon, 1);
    sl_conf_init_value(ccf->master, 1);

    if (ccf->shutdown_timeout == SL_CONF_UNSET_MSEC) {
        ccf->shutdown_timeout = 0;
    }

    if (ccf->worker_processes == SL_CONF_UNSET) {
        ccf->worker_processes = 1;
    }

    if (ccf->worker_processes == 0) {           /* "auto" */
        n = sysconf(_SC_NPROCESSORS_ONLN);
        ccf->worker_processes = (n > 0) ? n : 1;
    }

    if (!ccf->master) {
        ccf->worker_processes = 1;
    }

    if (ccf->pid.data == NULL) {
        sl_str_set(&ccf->pid, SL_PID_PATH);
    }

    if (sl_conf_full_name(cycle, &ccf->pid, 0) != SL_OK) {
        return SL_CONF_ERROR;
    }

    /* NUL-terminated copies for open(), rename() and unlink() */
    p = sl_pnalloc(cycle->pool, ccf->pid.len + sizeof(".oldbin"));
    if (p == NULL) {
        return SL_CONF_ERROR;
    }

    sl_memcpy(p, ccf->pid.data, ccf->pid.len);
    sl_memcpy(p + ccf->pid.len, ".oldbin", sizeof(".oldbin"));
    ccf->oldpid.data = p;
    ccf->oldpid.len = ccf->pid.len + sizeof(".oldbin") - 1;

    ccf->pid.data = sl_pstrdup(cycle->pool, &ccf->pid);
    if (ccf->pid.data == NULL) {
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


static char *
sl_set_worker_processes(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_str_t        *value;
    sl_core_conf_t  *ccf = conf;

    if (ccf->worker_processes != SL_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (sl_str_eq(&value[1], "auto")) {
        ccf->worker_processes = 0;
        return SL_CONF_OK;
    }

    ccf->worker_processes = sl_atoi(value[1].data, value[1].len);

    if (ccf->worker_processes < 1 || ccf->worker_processes > 256) {
        ccf->worker_processes = SL_CONF_UNSET;
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid value \"" SL_STR_FMT "\" in "
                          "\"worker_processes\" directive, it must be "
                          "\"auto\" or a number between 1 and 256",
                          SL_STR_ARG(&value[1]));
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


static void
sl_dump_worker_processes(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    sl_core_conf_t  *ccf = conf;

    sl_conf_dump_line(d, "worker_processes %ld;",
                      (long) ccf->worker_processes);
}


/*
 * worker_cpu_affinity auto;  or one mask per worker, CPU 0 rightmost:
 * worker_cpu_affinity 01 10;  (a worker past the last mask uses it)
 */
static char *
sl_set_cpu_affinity(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    u_char          *p;
    uint64_t         mask;
    sl_str_t        *value;
    sl_uint_t        i, n;
    sl_core_conf_t  *ccf = conf;

    if (ccf->cpu_affinity_auto || ccf->cpu_affinity_n) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (sl_str_eq(&value[1], "auto")) {
        if (cf->args->nelts > 2) {
            return "takes no masks after \"auto\"";
        }

        ccf->cpu_affinity_auto = 1;
        return SL_CONF_OK;
    }

    ccf->cpu_affinity = sl_palloc(cf->pool,
                                  (cf->args->nelts - 1) * sizeof(uint64_t));
    if (ccf->cpu_affinity == NULL) {
        return SL_CONF_ERROR;
    }

    for (n = 1; n < cf->args->nelts; n++) {

        if (value[n].len > 64) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "\"worker_cpu_affinity\" supports up to 64 "
                              "CPUs only");
            return SL_CONF_ERROR;
        }

        mask = 0;

        for (i = 0, p = value[n].data; i < value[n].len; i++, p++) {
            mask <<= 1;

            if (*p == '1') {
                mask |= 1;

            } else if (*p != '0') {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                                  "invalid value \"" SL_STR_FMT "\" in "
                                  "\"worker_cpu_affinity\" directive, it "
                                  "must be \"auto\" or masks of 0 and 1",
                                  SL_STR_ARG(&value[n]));
                return SL_CONF_ERROR;
            }
        }

        if (mask == 0) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid value \"" SL_STR_FMT "\" in "
                              "\"worker_cpu_affinity\" directive, a mask "
                              "needs at least one CPU",
                              SL_STR_ARG(&value[n]));
            return SL_CONF_ERROR;
        }

        ccf->cpu_affinity[n - 1] = mask;
    }

    ccf->cpu_affinity_n = cf->args->nelts - 1;

    return SL_CONF_OK;
}


static void
sl_dump_cpu_affinity(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf)
{
    int              bit, top;
    u_char          *p;
    sl_uint_t        n;
    sl_core_conf_t  *ccf = conf;
    u_char           line[64 * 65 + 32];

    if (ccf->cpu_affinity_auto) {
        sl_conf_dump_line(d, "worker_cpu_affinity auto;");
        return;
    }

    if (ccf->cpu_affinity_n == 0) {
        return;
    }

    p = line;

    for (n = 0; n < ccf->cpu_affinity_n; n++) {
        for (top = 63; top > 0; top--) {
            if (ccf->cpu_affinity[n] & ((uint64_t) 1 << top)) {
                break;
            }
        }

        *p++ = ' ';

        for (bit = top; bit >= 0; bit--) {
            *p++ = (ccf->cpu_affinity[n] & ((uint64_t) 1 << bit)) ? '1' : '0';
        }
    }

    sl_conf_dump_line(d, "worker_cpu_affinity%.*s;", (int) (p - line), line);
}


/* user USER [GROUP]: looked up now, applied by workers when run as root */
static char *
sl_set_user(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    char            *group;
    sl_str_t        *value;
    struct group    *grp;
    struct passwd   *pwd;
    sl_core_conf_t  *ccf = conf;

    if (ccf->username) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ccf->username = (char *) sl_pstrdup(cf->pool, &value[1]);
    if (ccf->username == NULL) {
        return SL_CONF_ERROR;
    }

    errno = 0;
    pwd = getpwnam(ccf->username);
    if (pwd == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, errno,
                          "getpwnam(\"%s\") failed", ccf->username);
        return SL_CONF_ERROR;
    }

    ccf->user = pwd->pw_uid;
    ccf->group = pwd->pw_gid;

    if (cf->args->nelts == 2) {
        return SL_CONF_OK;
    }

    group = (char *) sl_pstrdup(cf->pool, &value[2]);
    if (group == NULL) {
        return SL_CONF_ERROR;
    }

    errno = 0;
    grp = getgrnam(group);
    if (grp == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, errno,
                          "getgrnam(\"%s\") failed", group);
        return SL_CONF_ERROR;
    }

    ccf->group = grp->gr_gid;

    return SL_CONF_OK;
}


static void
sl_dump_user(sl_conf_dump_t *d, sl_command_t *cmd sl_unused, void *conf)
{
    struct group    *grp;
    sl_core_conf_t  *ccf = conf;

    if (ccf->username == NULL) {
        return;
    }

    grp = getgrgid(ccf->group);

    if (grp) {
        sl_conf_dump_line(d, "user %s %s;", ccf->username, grp->gr_name);

    } else {
        sl_conf_dump_line(d, "user %s;", ccf->username);
    }
}
