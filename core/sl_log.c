/* The error log: formatting, destinations and the error_log directive. */

#include <sl_config.h>
#include <sl_core.h>


static char *sl_errlog_block(sl_conf_t *cf, sl_command_t *cmd, void *conf);


const sl_str_t  sl_log_levels[] = {
    sl_string("stderr"),
    sl_string("emerg"),
    sl_string("alert"),
    sl_string("crit"),
    sl_string("error"),
    sl_string("warn"),
    sl_string("notice"),
    sl_string("info"),
    sl_string("debug")
};

static sl_open_file_t  sl_stderr_file = { STDERR_FILENO, sl_string("stderr") };
static sl_log_t        sl_log;


static sl_command_t  sl_errlog_commands[] = {

    { sl_string("error_log"),
      SL_MAIN_CONF | SL_CONF_1MORE,
      sl_errlog_block,
      0,
      0,
      NULL,
      sl_log_dump },

      sl_null_command
};


static sl_core_module_t  sl_errlog_module_ctx = {
    sl_string("errlog"),
    NULL,
    NULL
};


sl_module_t  sl_errlog_module = {
    .type     = SL_CORE_MODULE,
    .ctx      = &sl_errlog_module_ctx,
    .commands = sl_errlog_commands,
};


sl_log_t *
sl_log_init(void)
{
    sl_log.file = &sl_stderr_file;
    sl_log.log_level = SL_LOG_NOTICE;
    sl_log.file_level = SL_LOG_NOTICE;
    sl_log.plain = 1;

    return &sl_log;
}


/*
 * Formats one line and writes it to every destination of the chain whose
 * level admits it.  A line is written with one write(2) so that lines of
 * several processes never interleave (O_APPEND).
 */
void
sl_log_error_core(sl_uint_t level, sl_log_t *log, sl_err_t err,
    const char *fmt, ...)
{
    u_char    *p, *last, *msg;
    va_list    args;
    sl_log_t  *l;
    u_char     errstr[SL_MAX_ERROR_STR], plain[SL_MAX_ERROR_STR];

    last = errstr + SL_MAX_ERROR_STR - 1;    /* room for "\n" */

    p = sl_slprintf(errstr, last, SL_STR_FMT " [" SL_STR_FMT "] %d#0: ",
                    SL_STR_ARG(&sl_cached_err_log_time),
                    SL_STR_ARG(&sl_log_levels[level]), (int) getpid());

    if (log->connection) {
        p = sl_slprintf(p, last, "*%lu ", (unsigned long) log->connection);
    }

    msg = p;

    va_start(args, fmt);
    p = sl_vslprintf(p, last, fmt, args);
    va_end(args);

    if (err) {
        p = sl_slprintf(p, last, " (%d: %s)", err, strerror(err));
    }

    if (level != SL_LOG_DEBUG && log->handler) {
        p = log->handler(log, p, last - p);
    }

    *p++ = '\n';

    for (l = log; l; l = l->next) {

        if (l->file_level < level) {
            continue;
        }

        if (l->plain) {
            /* start-up: "sluice: [emerg] unknown directive ..." */
            last = sl_slprintf(plain, plain + SL_MAX_ERROR_STR - 1,
                               "sluice: [" SL_STR_FMT "] ",
                               SL_STR_ARG(&sl_log_levels[level]));
            last = sl_cpymem(last, msg,
                             sl_min((size_t) (p - msg),
                                    (size_t) (plain + SL_MAX_ERROR_STR
                                              - last)));
            (void) sl_write_fd(l->file->fd, plain, last - plain);
            continue;
        }

        (void) sl_write_fd(l->file->fd, errstr, p - errstr);
    }
}


void
sl_log_stderr(sl_err_t err, const char *fmt, ...)
{
    u_char   *p, *last;
    va_list   args;
    u_char    errstr[SL_MAX_ERROR_STR];

    last = errstr + SL_MAX_ERROR_STR - 1;

    p = sl_cpymem(errstr, "sluice: ", 8);

    va_start(args, fmt);
    p = sl_vslprintf(p, last, fmt, args);
    va_end(args);

    if (err) {
        p = sl_slprintf(p, last, " (%d: %s)", err, strerror(err));
    }

    *p++ = '\n';

    (void) sl_write_fd(STDERR_FILENO, errstr, p - errstr);
}


sl_int_t
sl_log_level_parse(const sl_str_t *name)
{
    sl_uint_t  i;

    for (i = 1; i < sl_nelems(sl_log_levels); i++) {
        if (name->len == sl_log_levels[i].len
            && sl_strncmp(name->data, sl_log_levels[i].data, name->len) == 0)
        {
            return i;
        }
    }

    return SL_ERROR;
}


/*
 * Opens a log file in append mode, shared by every directive naming the
 * same path; "stderr" is the process's standard error.
 */
sl_open_file_t *
sl_log_open_file(sl_cycle_t *cycle, const sl_str_t *name)
{
    sl_str_t         full;
    sl_uint_t        i;
    sl_open_file_t  *file;

    if (sl_str_eq(name, "stderr")) {
        return &sl_stderr_file;
    }

    full = *name;
    if (sl_conf_full_name(cycle, &full, 0) != SL_OK) {
        return NULL;
    }

    file = cycle->open_files.elts;
    for (i = 0; i < cycle->open_files.nelts; i++) {
        if (file[i].name.len == full.len
            && sl_strncmp(file[i].name.data, full.data, full.len) == 0)
        {
            return &file[i];
        }
    }

    /* pointers to open files are kept: the array never grows past this */
    if (cycle->open_files.nelts == cycle->open_files.nalloc) {
        return NULL;
    }

    file = sl_array_push(&cycle->open_files);
    if (file == NULL) {
        return NULL;
    }

    file->name = full;
    file->fd = SL_INVALID_FILE;

    return file;
}


/* error_log FILE [LEVEL]: each directive adds one destination */
static char *
sl_errlog_block(sl_conf_t *cf, sl_command_t *cmd sl_unused,
    void *conf sl_unused)
{
    sl_int_t    level;
    sl_str_t   *value;
    sl_log_t   *log, *l;
    sl_cycle_t *cycle;

    cycle = cf->cycle;
    value = cf->args->elts;

    if (cf->args->nelts > 3) {
        return "has too many arguments";
    }

    level = SL_LOG_ERR;

    if (cf->args->nelts == 3) {
        level = sl_log_level_parse(&value[2]);
        if (level == SL_ERROR) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "invalid log level \"" SL_STR_FMT "\" in "
                              "\"error_log\" directive, it must be one of "
                              "emerg, alert, crit, error, warn, notice, info, "
                              "debug", SL_STR_ARG(&value[2]));
            return SL_CONF_ERROR;
        }
    }

    if (cycle->new_log.file == NULL) {
        log = &cycle->new_log;

    } else {
        log = sl_pcalloc(cf->pool, sizeof(sl_log_t));
        if (log == NULL) {
            return SL_CONF_ERROR;
        }

        for (l = &cycle->new_log; l->next; l = l->next) { /* void */ }
        l->next = log;
    }

    log->file = sl_log_open_file(cycle, &value[1]);
    if (log->file == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "too many log files");
        return SL_CONF_ERROR;
    }

    log->file_level = level;
    log->log_level = level;

    if ((sl_uint_t) level > cycle->new_log.log_level) {
        cycle->new_log.log_level = level;
    }

    return SL_CONF_OK;
}


void
sl_log_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf sl_unused)
{
    sl_log_t  *l;

    for (l = &d->cycle->new_log; l && l->file; l = l->next) {
        sl_conf_dump_line(d, "error_log " SL_STR_FMT " " SL_STR_FMT ";",
                          SL_STR_ARG(&l->file->name),
                          SL_STR_ARG(&sl_log_levels[l->file_level]));
    }
}
