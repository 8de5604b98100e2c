/*
 * Cycles: building a configuration generation, and taking over the
 * listening sockets of the previous one.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_MAX_OPEN_FILES  64


static sl_int_t sl_cycle_copy_str(sl_pool_t *pool, sl_str_t *dst,
    const sl_str_t *src);
static sl_int_t sl_cycle_open_files(sl_cycle_t *cycle);
static void sl_cycle_close_files(sl_cycle_t *cycle);
static void sl_cycle_match_listening(sl_cycle_t *cycle, sl_cycle_t *old);


volatile sl_cycle_t  *sl_cycle;
sl_uint_t             sl_test_config;
sl_uint_t             sl_dump_config;
sl_uint_t             sl_quiet_mode;


static sl_str_t  sl_default_error_log = sl_string(SL_ERROR_LOG_PATH);


/*
 * Builds a new cycle.  Nothing of old_cycle changes until everything has
 * succeeded: on any error the new cycle's own files and sockets are
 * closed, the error has been logged through old_cycle's log (with
 * file:line for configuration errors) and NULL is returned.
 */
sl_cycle_t *
sl_init_cycle(sl_cycle_t *old_cycle)
{
    void               *rv;
    sl_uint_t           i;
    sl_pool_t          *pool;
    sl_conf_t           conf;
    sl_cycle_t         *cycle;
    sl_module_t        *m;
    sl_listening_t     *ls;
    sl_core_conf_t     *ccf;
    sl_core_module_t   *module;

    pool = sl_create_pool(SL_CYCLE_POOL_SIZE, old_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    cycle = sl_pcalloc(pool, sizeof(sl_cycle_t));
    if (cycle == NULL) {
        sl_destroy_pool(pool);
        return NULL;
    }

    cycle->pool = pool;
    cycle->log = old_cycle->log;
    cycle->old_cycle = old_cycle;
    cycle->generation = old_cycle->generation + 1;

    /* copies: the old cycle's pool goes away with it */
    if (sl_cycle_copy_str(pool, &cycle->prefix, &old_cycle->prefix) != SL_OK
        || sl_cycle_copy_str(pool, &cycle->conf_file, &old_cycle->conf_file)
           != SL_OK
        || sl_cycle_copy_str(pool, &cycle->conf_param,
                             &old_cycle->conf_param) != SL_OK)
    {
        sl_destroy_pool(pool);
        return NULL;
    }

    /* the conf prefix is the conf file's folder */
    cycle->conf_prefix.data = cycle->conf_file.data;
    cycle->conf_prefix.len = old_cycle->conf_prefix.len;

    cycle->test_config = old_cycle->test_config;

    if (sl_array_init(&cycle->listening, pool, 16, sizeof(sl_listening_t))
        != SL_OK
        || sl_array_init(&cycle->open_files, pool, SL_MAX_OPEN_FILES,
                         sizeof(sl_open_file_t)) != SL_OK
        || sl_array_init(&cycle->shm_zones, pool, 4, sizeof(sl_shm_zone_t *))
           != SL_OK)
    {
        goto failed;
    }

    cycle->modules = sl_modules;
    cycle->modules_n = sl_modules_n;

    cycle->conf_ctx = sl_pcalloc(pool, sl_modules_n * sizeof(void *));
    if (cycle->conf_ctx == NULL) {
        goto failed;
    }

    for (i = 0; cycle->modules[i]; i++) {
        m = cycle->modules[i];

        if (m->type != SL_CORE_MODULE) {
            continue;
        }

        module = m->ctx;

        if (module->create_conf) {
            rv = module->create_conf(cycle);
            if (rv == NULL) {
                goto failed;
            }

            cycle->conf_ctx[m->index] = rv;
        }
    }

    sl_memzero(&conf, sizeof(sl_conf_t));

    conf.args = sl_array_create(pool, 10, sizeof(sl_str_t));
    conf.temp_pool = sl_create_pool(SL_CYCLE_POOL_SIZE, old_cycle->log);
    if (conf.args == NULL || conf.temp_pool == NULL) {
        goto failed;
    }

    conf.ctx = cycle->conf_ctx;
    conf.cycle = cycle;
    conf.pool = pool;
    conf.log = old_cycle->log;
    conf.module_type = SL_CORE_MODULE;
    conf.cmd_type = SL_MAIN_CONF;

    if (cycle->conf_param.len) {
        if (sl_conf_param(&conf, &cycle->conf_param) != SL_CONF_OK) {
            sl_destroy_pool(conf.temp_pool);
            goto failed;
        }
    }

    if (sl_conf_parse(&conf, &cycle->conf_file) != SL_CONF_OK) {
        sl_destroy_pool(conf.temp_pool);
        goto failed;
    }

    sl_destroy_pool(conf.temp_pool);

    for (i = 0; cycle->modules[i]; i++) {
        m = cycle->modules[i];

        if (m->type != SL_CORE_MODULE) {
            continue;
        }

        module = m->ctx;

        if (module->init_conf) {
            rv = module->init_conf(cycle, cycle->conf_ctx[m->index]);
            if (rv != SL_CONF_OK) {
                if (rv != SL_CONF_ERROR) {
                    sl_log_error(SL_LOG_EMERG, cycle->log, 0, "%s",
                                 (char *) rv);
                }

                goto failed;
            }
        }
    }

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    if (cycle->new_log.file == NULL) {
        cycle->new_log.file = sl_log_open_file(cycle, &sl_default_error_log);
        if (cycle->new_log.file == NULL) {
            goto failed;
        }

        cycle->new_log.file_level = SL_LOG_ERR;
        cycle->new_log.log_level = SL_LOG_ERR;
    }

    if (sl_clone_listening(cycle, (sl_uint_t) ccf->worker_processes)
        != SL_OK)
    {
        goto failed;
    }

    if (cycle->test_config) {
        return cycle;
    }

    if (sl_cycle_open_files(cycle) != SL_OK) {
        goto failed;
    }

    sl_cycle_match_listening(cycle, old_cycle);

    if (sl_open_listening_sockets(cycle) != SL_OK) {
        goto failed;
    }

    if (sl_shm_zones_init(cycle, old_cycle) != SL_OK) {
        goto failed;
    }

    if (sl_init_modules(cycle) != SL_OK) {
        goto failed;
    }

    /* the pid file moves when "pid" changed */
    if (old_cycle->conf_ctx) {
        sl_core_conf_t  *occf;

        occf = (sl_core_conf_t *) old_cycle->conf_ctx[sl_core_module.index];

        if (occf->pid.len != ccf->pid.len
            || sl_strncmp(occf->pid.data, ccf->pid.data, ccf->pid.len) != 0)
        {
            if (sl_create_pidfile(&ccf->pid, cycle->log) != SL_OK) {
                goto failed;
            }

            (void) unlink((char *) occf->pid.data);
        }
    }

    /* committed: the sockets taken over are the new cycle's, the rest close */
    ls = old_cycle->listening.elts;

    for (i = 0; i < old_cycle->listening.nelts; i++) {
        if (ls[i].remain) {
            ls[i].fd = SL_INVALID_FILE;
        }
    }

    sl_close_listening_sockets(old_cycle);

    /* the zones taken over are the new cycle's; the rest go with the old */
    sl_shm_zones_commit(cycle);

    cycle->log = &cycle->new_log;
    cycle->old_cycle = NULL;

    return cycle;

failed:

    sl_cycle_close_files(cycle);
    sl_shm_zones_free(cycle);

    /* sockets taken over from old_cycle stay open: they are still its */
    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].previous) {
            ls[i].previous->remain = 0;

        } else if (ls[i].fd != SL_INVALID_FILE) {
            (void) close(ls[i].fd);
        }

        ls[i].fd = SL_INVALID_FILE;
    }

    sl_destroy_pool(pool);

    return NULL;
}


/* a NUL-terminated copy in pool; an empty string stays empty */
static sl_int_t
sl_cycle_copy_str(sl_pool_t *pool, sl_str_t *dst, const sl_str_t *src)
{
    if (src->data == NULL) {
        dst->len = 0;
        dst->data = NULL;
        return SL_OK;
    }

    dst->data = sl_pstrdup(pool, src);
    if (dst->data == NULL) {
        return SL_ERROR;
    }

    dst->len = src->len;

    return SL_OK;
}


/*
 * A listening entry of the new cycle takes the socket of the old one with
 * the same address and worker slot: the socket, its accept queue and its
 * SO_REUSEPORT group survive the reload.
 */
static void
sl_cycle_match_listening(sl_cycle_t *cycle, sl_cycle_t *old)
{
    sl_uint_t        i, n;
    sl_listening_t  *ls, *nls;

    ls = old->listening.elts;
    nls = cycle->listening.elts;

    for (n = 0; n < cycle->listening.nelts; n++) {
        for (i = 0; i < old->listening.nelts; i++) {
            if (ls[i].remain || ls[i].fd == SL_INVALID_FILE
                || ls[i].worker != nls[n].worker)
            {
                continue;
            }

            if (sl_cmp_sockaddr((struct sockaddr *) &ls[i].sockaddr,
                                ls[i].socklen,
                                (struct sockaddr *) &nls[n].sockaddr,
                                nls[n].socklen, 1) != SL_OK)
            {
                continue;
            }

            nls[n].fd = ls[i].fd;
            nls[n].previous = &ls[i];
            nls[n].open = 1;
            ls[i].remain = 1;

            if (nls[n].sndbuf && ls[i].sndbuf != nls[n].sndbuf
                && setsockopt(nls[n].fd, SOL_SOCKET, SO_SNDBUF,
                              &nls[n].sndbuf, sizeof(int)) == -1)
            {
                sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                             "setsockopt(SO_SNDBUF) %.*s failed, ignored",
                             SL_STR_ARG(&nls[n].addr_text));
            }

            if (ls[i].backlog != nls[n].backlog
                && listen(nls[n].fd, nls[n].backlog) == -1)
            {
                sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                             "listen() to %.*s, backlog %d failed, ignored",
                             SL_STR_ARG(&nls[n].addr_text), nls[n].backlog);
            }

            break;
        }
    }
}


static sl_int_t
sl_cycle_open_files(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_open_file_t  *file;

    file = cycle->open_files.elts;

    for (i = 0; i < cycle->open_files.nelts; i++) {
        file[i].fd = open((char *) file[i].name.data,
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

        if (file[i].fd == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "open() \"%.*s\" failed",
                         SL_STR_ARG(&file[i].name));
            return SL_ERROR;
        }
    }

    return SL_OK;
}


static void
sl_cycle_close_files(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_open_file_t  *file;

    file = cycle->open_files.elts;

    for (i = 0; i < cycle->open_files.nelts; i++) {
        if (file[i].fd != SL_INVALID_FILE) {
            (void) close(file[i].fd);
            file[i].fd = SL_INVALID_FILE;
        }
    }
}


/*
 * The master's copy of an old cycle: its files and the zones no newer
 * cycle took over go, its sockets stay.
 */
void
sl_destroy_cycle(sl_cycle_t *cycle)
{
    sl_cycle_close_files(cycle);
    sl_shm_zones_free(cycle);
    sl_destroy_pool(cycle->pool);
}


void
sl_reopen_files(sl_cycle_t *cycle, uid_t user)
{
    sl_fd_t          fd;
    sl_uint_t        i;
    sl_open_file_t  *file;

    file = cycle->open_files.elts;

    for (i = 0; i < cycle->open_files.nelts; i++) {
        fd = open((char *) file[i].name.data,
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

        if (fd == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "open() \"%.*s\" failed", SL_STR_ARG(&file[i].name));
            continue;
        }

        if (user != (uid_t) -1 && fchown(fd, user, (gid_t) -1) == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "fchown(\"%.*s\", %d) failed",
                         SL_STR_ARG(&file[i].name), (int) user);
        }

        if (close(file[i].fd) == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "close() \"%.*s\" failed",
                         SL_STR_ARG(&file[i].name));
        }

        file[i].fd = fd;
    }
}


sl_int_t
sl_create_pidfile(const sl_str_t *name, sl_log_t *log)
{
    int     fd;
    size_t  len;
    char    pid[SL_INT_T_LEN + 2];

    fd = open((char *) name->data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
              0644);
    if (fd == -1) {
        sl_log_error(SL_LOG_EMERG, log, errno, "open() \"%.*s\" failed",
                     SL_STR_ARG(name));
        return SL_ERROR;
    }

    len = snprintf(pid, sizeof(pid), "%d\n", (int) sl_pid);

    if (sl_write_fd(fd, pid, len) == -1) {
        sl_log_error(SL_LOG_EMERG, log, errno, "write() \"%.*s\" failed",
                     SL_STR_ARG(name));
        (void) close(fd);
        return SL_ERROR;
    }

    (void) close(fd);

    return SL_OK;
}


void
sl_delete_pidfile(sl_cycle_t *cycle)
{
    sl_core_conf_t  *ccf;

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    /* an upgraded master's file is the ".oldbin" one */
    if (sl_new_binary) {
        (void) unlink((char *) ccf->oldpid.data);
        return;
    }

    if (unlink((char *) ccf->pid.data) == -1 && errno != ENOENT) {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                     "unlink() \"%.*s\" failed", SL_STR_ARG(&ccf->pid));
    }
}
