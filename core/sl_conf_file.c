/* The configuration parser: reading files, dispatch, include, errors. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_conf_token.h>
#include <glob.h>


#define SL_CONF_MAX_FILE_SIZE   (64 * 1024 * 1024)

typedef enum {
    sl_conf_parse_file = 0,
    sl_conf_parse_block
} sl_conf_parse_e;


static char *sl_conf_parse_text(sl_conf_t *cf, const sl_str_t *name,
    const u_char *text, size_t len);
static char *sl_conf_parse_loop(sl_conf_t *cf, sl_conf_parse_e type);
static sl_int_t sl_conf_read_directive(sl_conf_t *cf);
static sl_conf_token_e sl_conf_next_token(sl_conf_t *cf,
    sl_conf_token_t *tok);
static char *sl_conf_handler(sl_conf_t *cf, sl_int_t last);
static sl_int_t sl_conf_read_file(sl_conf_t *cf, const sl_str_t *name,
    u_char **text, size_t *len, sl_str_t *real);
static char *sl_conf_include_file(sl_conf_t *cf, const sl_str_t *name);


static const char  sl_conf_command_line[] = "command line";

static const sl_uint_t  sl_conf_argument_number[] = {
    SL_CONF_NOARGS,
    SL_CONF_TAKE1,
    SL_CONF_TAKE2,
    SL_CONF_TAKE3,
    SL_CONF_TAKE4,
    SL_CONF_TAKE5,
    SL_CONF_TAKE6,
    SL_CONF_TAKE7
};


static sl_command_t  sl_conf_commands[] = {

    { sl_string("include"),
      SL_ANY_CONF | SL_CONF_TAKE1,
      sl_conf_include,
      0,
      0,
      NULL,
      NULL },

    sl_null_command
};


sl_module_t  sl_conf_module = {
    .type     = SL_CONF_MODULE,
    .commands = sl_conf_commands,
};


/*
 * With a file name: reads the whole file, refuses one that is already
 * being parsed (include recursion) and parses it as a top level.
 * Without: parses the block whose "{" was just read, up to its "}";
 * called by block setters after they switched cf->ctx and cf->cmd_type.
 */
char *
sl_conf_parse(sl_conf_t *cf, const sl_str_t *filename)
{
    char        *rv;
    size_t       len;
    u_char      *text;
    sl_str_t     real, *s;
    sl_uint_t    i;

    if (filename == NULL) {

        if (cf->conf_file == NULL) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0, "no block to parse");
            return SL_CONF_ERROR;
        }

        if (cf->block_depth >= SL_CONF_MAX_BLOCK_DEPTH) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "blocks nested too deeply (more than %d levels)",
                              SL_CONF_MAX_BLOCK_DEPTH);
            return SL_CONF_ERROR;
        }

        cf->block_depth++;
        rv = sl_conf_parse_loop(cf, sl_conf_parse_block);
        cf->block_depth--;

        return rv;
    }

    if (cf->includes == NULL) {
        cf->includes = sl_array_create(cf->pool, 4, sizeof(sl_str_t));
        if (cf->includes == NULL) {
            return SL_CONF_ERROR;
        }
    }

    if (sl_conf_read_file(cf, filename, &text, &len, &real) != SL_OK) {
        return SL_CONF_ERROR;
    }

    s = cf->includes->elts;

    for (i = 0; i < cf->includes->nelts; i++) {
        if (s[i].len == real.len
            && memcmp(s[i].data, real.data, real.len) == 0)
        {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "include recursion: \"%s\" is already being "
                              "parsed", (char *) filename->data);
            sl_free(text);
            return SL_CONF_ERROR;
        }
    }

    s = sl_array_push(cf->includes);
    if (s == NULL) {
        sl_free(text);
        return SL_CONF_ERROR;
    }

    *s = real;

    rv = sl_conf_parse_text(cf, filename, text, len);

    cf->includes->nelts--;
    sl_free(text);

    return rv;
}


char *
sl_conf_param(sl_conf_t *cf, const sl_str_t *text)
{
    sl_str_t  name;

    if (text->len == 0) {
        return SL_CONF_OK;
    }

    name.len = sizeof(sl_conf_command_line) - 1;
    name.data = (u_char *) sl_conf_command_line;

    return sl_conf_parse_text(cf, &name, text->data, text->len);
}


char *
sl_conf_parse_buffer(sl_conf_t *cf, const sl_str_t *name, const u_char *text,
    size_t len)
{
    return sl_conf_parse_text(cf, name, text, len);
}


static char *
sl_conf_parse_text(sl_conf_t *cf, const sl_str_t *name, const u_char *text,
    size_t len)
{
    char            *rv;
    sl_conf_file_t   conf_file, *prev;

    if (cf->args == NULL) {
        cf->args = sl_array_create(cf->temp_pool ? cf->temp_pool : cf->pool,
                                   8, sizeof(sl_str_t));
        if (cf->args == NULL) {
            return SL_CONF_ERROR;
        }
    }

    conf_file.file.fd = SL_INVALID_FILE;
    conf_file.file.name = *name;
    conf_file.file.line = 1;
    conf_file.start = (u_char *) text;
    conf_file.pos = (u_char *) text;
    conf_file.end = (u_char *) text + len;
    conf_file.line = 1;

    prev = cf->conf_file;
    cf->conf_file = &conf_file;

    rv = sl_conf_parse_loop(cf, sl_conf_parse_file);

    cf->conf_file = prev;

    return rv;
}


static char *
sl_conf_parse_loop(sl_conf_t *cf, sl_conf_parse_e type)
{
    char      *rv;
    sl_int_t   rc;

    for ( ;; ) {
        rc = sl_conf_read_directive(cf);

        if (rc == SL_ERROR) {
            return SL_CONF_ERROR;
        }

        if (rc == SL_CONF_BLOCK_DONE) {

            if (type != sl_conf_parse_block) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unexpected \"}\"");
                return SL_CONF_ERROR;
            }

            return SL_CONF_OK;
        }

        if (rc == SL_CONF_FILE_DONE) {

            if (type == sl_conf_parse_block) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                                  "unexpected end of file, expecting \"}\"");
                return SL_CONF_ERROR;
            }

            return SL_CONF_OK;
        }

        /* rc is SL_OK (";") or SL_CONF_BLOCK_START ("{") */

        if (cf->handler) {

            if (rc == SL_CONF_BLOCK_START) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unexpected \"{\"");
                return SL_CONF_ERROR;
            }

            rv = cf->handler(cf, NULL, cf->handler_conf);

            if (rv == SL_CONF_OK) {
                continue;
            }

            if (rv != SL_CONF_ERROR) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "%s", rv);
            }

            return SL_CONF_ERROR;
        }

        if (sl_conf_handler(cf, rc) != SL_CONF_OK) {
            return SL_CONF_ERROR;
        }
    }
}


/*
 * Reads one directive into cf->args.  Returns SL_OK when it ended with
 * ";", SL_CONF_BLOCK_START with "{", SL_CONF_BLOCK_DONE for a lone "}",
 * SL_CONF_FILE_DONE at the end of the text, SL_ERROR (logged) else.
 * On return cf->conf_file->line is where the directive starts.
 */
static sl_int_t
sl_conf_read_directive(sl_conf_t *cf)
{
    sl_str_t         *word;
    sl_conf_token_t   tok;

    cf->args->nelts = 0;

    for ( ;; ) {

        switch (sl_conf_next_token(cf, &tok)) {

        case SL_CONF_TOKEN_WORD:
            if (cf->args->nelts == 0) {
                cf->conf_file->line = tok.line;
            }

            word = sl_array_push(cf->args);
            if (word == NULL) {
                return SL_ERROR;
            }

            *word = tok.value;
            break;

        case SL_CONF_TOKEN_SEMICOLON:
            if (cf->args->nelts == 0) {
                cf->conf_file->line = tok.line;
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unexpected \";\"");
                return SL_ERROR;
            }

            return SL_OK;

        case SL_CONF_TOKEN_BLOCK_START:
            if (cf->args->nelts == 0) {
                cf->conf_file->line = tok.line;
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unexpected \"{\"");
                return SL_ERROR;
            }

            return SL_CONF_BLOCK_START;

        case SL_CONF_TOKEN_BLOCK_END:
            cf->conf_file->line = tok.line;

            if (cf->args->nelts != 0) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unexpected \"}\"");
                return SL_ERROR;
            }

            return SL_CONF_BLOCK_DONE;

        case SL_CONF_TOKEN_EOF:
            cf->conf_file->line = tok.line;

            if (cf->args->nelts != 0) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                                  "unexpected end of file, "
                                  "expecting \";\" or \"}\"");
                return SL_ERROR;
            }

            return SL_CONF_FILE_DONE;

        default: /* SL_CONF_TOKEN_ERROR, logged */
            return SL_ERROR;
        }
    }
}


/* runs the lexer from where the current file stands */
static sl_conf_token_e
sl_conf_next_token(sl_conf_t *cf, sl_conf_token_t *tok)
{
    sl_conf_file_t   *f;
    sl_conf_lexer_t   lx;
    sl_conf_token_e   type;

    f = cf->conf_file;

    lx.pos = f->pos;
    lx.end = f->end;
    lx.line = f->file.line;
    lx.error = NULL;
    lx.error_line = 0;

    type = sl_conf_lexer_next(&lx, tok, cf->pool);

    f->pos = (u_char *) lx.pos;
    f->file.line = lx.line;

    if (type == SL_CONF_TOKEN_ERROR) {
        f->line = lx.error_line;
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "%s", lx.error);
    }

    return type;
}


/*
 * Finds the command named by cf->args[0] among the cycle's modules and
 * calls its setter, after checking in this order: the module family
 * (cf->module_type, or SL_CONF_MODULE for every family), the context
 * (cf->cmd_type), block or not, and the argument count.  last is SL_OK
 * (";") or SL_CONF_BLOCK_START ("{").  Every failure is logged here.
 */
static char *
sl_conf_handler(sl_conf_t *cf, sl_int_t last)
{
    char          *rv;
    void          *conf, **confp;
    sl_str_t      *name;
    sl_uint_t      i, found, nargs;
    sl_module_t   *module;
    sl_command_t  *cmd;

    name = cf->args->elts;
    nargs = cf->args->nelts;
    found = 0;

    /* modules_n when set, else up to the NULL that ends the list */

    for (i = 0; cf->cycle->modules_n == 0 || i < cf->cycle->modules_n; i++) {

        module = cf->cycle->modules[i];

        if (module == NULL) {
            break;
        }

        cmd = module->commands;
        if (cmd == NULL) {
            continue;
        }

        for ( /* void */ ; cmd->name.len; cmd++) {

            if (name->len != cmd->name.len
                || memcmp(name->data, cmd->name.data, name->len) != 0)
            {
                continue;
            }

            found = 1;

            if (module->type != SL_CONF_MODULE
                && module->type != cf->module_type)
            {
                continue;
            }

            if (!(cmd->type & cf->cmd_type)) {
                continue;
            }

            if (!(cmd->type & SL_CONF_BLOCK) && last != SL_OK) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                                  "directive \"%s\" is not terminated "
                                  "by \";\"", (char *) name->data);
                return SL_CONF_ERROR;
            }

            if ((cmd->type & SL_CONF_BLOCK) && last != SL_CONF_BLOCK_START) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                                  "directive \"%s\" has no opening \"{\"",
                                  (char *) name->data);
                return SL_CONF_ERROR;
            }

            if (!(cmd->type & SL_CONF_ANY)) {

                if (cmd->type & SL_CONF_FLAG) {
                    if (nargs != 2) {
                        goto invalid;
                    }

                } else if (cmd->type & SL_CONF_1MORE) {
                    if (nargs < 2) {
                        goto invalid;
                    }

                } else if (cmd->type & SL_CONF_2MORE) {
                    if (nargs < 3) {
                        goto invalid;
                    }

                } else if (nargs > SL_CONF_MAX_ARGS) {
                    goto invalid;

                } else if (!(cmd->type & sl_conf_argument_number[nargs - 1]))
                {
                    goto invalid;
                }
            }

            conf = NULL;

            if (module->type == SL_CONF_MODULE) {
                /* include and friends need no conf */

            } else if (cmd->type & SL_DIRECT_CONF) {
                conf = ((void **) cf->ctx)[module->index];

            } else if (cmd->type & SL_MAIN_CONF) {
                conf = &(((void **) cf->ctx)[module->index]);

            } else if (cf->ctx) {
                confp = *(void **) ((char *) cf->ctx + cmd->conf);

                if (confp) {
                    conf = confp[module->ctx_index];
                }
            }

            rv = cmd->set(cf, cmd, conf);

            if (rv == SL_CONF_OK) {
                return SL_CONF_OK;
            }

            if (rv != SL_CONF_ERROR) {
                sl_conf_log_error(SL_LOG_EMERG, cf, 0, "\"%s\" directive %s",
                                  (char *) name->data, rv);
            }

            return SL_CONF_ERROR;
        }
    }

    if (found) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "\"%s\" directive is not allowed here",
                          (char *) name->data);
        return SL_CONF_ERROR;
    }

    sl_conf_log_error(SL_LOG_EMERG, cf, 0, "unknown directive \"%s\"",
                      (char *) name->data);

    return SL_CONF_ERROR;

invalid:

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "invalid number of arguments in \"%s\" directive",
                      (char *) name->data);

    return SL_CONF_ERROR;
}


/*
 * Reads the regular file name (NUL terminated) into a malloc()ed text
 * the caller frees, and sets real to its canonical path (pool
 * allocated) for recursion checks.  Errors are logged.
 */
static sl_int_t
sl_conf_read_file(sl_conf_t *cf, const sl_str_t *name, u_char **text,
    size_t *len, sl_str_t *real)
{
    char         *path;
    u_char       *buf;
    size_t        size, got;
    ssize_t       n;
    sl_fd_t       fd;
    struct stat   st;

    fd = open((char *) name->data, O_RDONLY | O_CLOEXEC);

    if (fd == -1) {
        sl_conf_log_error(SL_LOG_EMERG, cf, errno, "open() \"%s\" failed",
                          (char *) name->data);
        return SL_ERROR;
    }

    if (fstat(fd, &st) == -1) {
        sl_conf_log_error(SL_LOG_EMERG, cf, errno, "fstat() \"%s\" failed",
                          (char *) name->data);
        goto failed;
    }

    if (!S_ISREG(st.st_mode)) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "\"%s\" is not a regular file",
                          (char *) name->data);
        goto failed;
    }

    if (st.st_size > SL_CONF_MAX_FILE_SIZE) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "\"%s\" is too large (%lld bytes, at most %d)",
                          (char *) name->data, (long long) st.st_size,
                          SL_CONF_MAX_FILE_SIZE);
        goto failed;
    }

    size = (size_t) st.st_size;

    buf = sl_alloc(size + 1, cf->log);
    if (buf == NULL) {
        goto failed;
    }

    for (got = 0; got < size; got += n) {
        n = read(fd, buf + got, size - got);

        if (n == -1) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }

            sl_conf_log_error(SL_LOG_EMERG, cf, errno, "read() \"%s\" failed",
                              (char *) name->data);
            sl_free(buf);
            goto failed;
        }

        if (n == 0) {
            break;              /* the file shrank meanwhile */
        }
    }

    if (close(fd) == -1) {
        sl_conf_log_error(SL_LOG_ALERT, cf, errno, "close() \"%s\" failed",
                          (char *) name->data);
    }

    buf[got] = '\0';
    *text = buf;
    *len = got;

    path = realpath((char *) name->data, NULL);

    if (path == NULL) {
        *real = *name;
        return SL_OK;
    }

    real->len = strlen(path);
    real->data = sl_pnalloc(cf->pool, real->len + 1);

    if (real->data == NULL) {
        free(path);
        sl_free(buf);
        return SL_ERROR;
    }

    sl_memcpy(real->data, path, real->len + 1);
    free(path);

    return SL_OK;

failed:

    if (close(fd) == -1) {
        sl_conf_log_error(SL_LOG_ALERT, cf, errno, "close() \"%s\" failed",
                          (char *) name->data);
    }

    return SL_ERROR;
}


/*
 * "include GLOB;": the pattern is relative to the configuration folder.
 * A plain name must exist; a pattern with wildcards may match nothing.
 * Matches are parsed in glob(3)'s sorted order, each as a whole file
 * in the current context.
 */
char *
sl_conf_include(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    int        rc;
    char      *rv;
    size_t     i;
    glob_t     gl;
    sl_str_t  *value, file, name;

    (void) cmd;
    (void) conf;

    value = cf->args->elts;
    file = value[1];

    if (sl_conf_full_name(cf->cycle, &file, 1) != SL_OK) {
        return SL_CONF_ERROR;
    }

    if (strpbrk((char *) file.data, "*?[") == NULL) {
        return sl_conf_include_file(cf, &file);
    }

    rc = glob((char *) file.data, 0, NULL, &gl);

    if (rc == GLOB_NOMATCH) {
        return SL_CONF_OK;
    }

    if (rc != 0) {
        sl_conf_log_error(SL_LOG_EMERG, cf, rc == GLOB_ABORTED ? errno : 0,
                          "glob() \"%s\" failed", (char *) file.data);
        return SL_CONF_ERROR;
    }

    rv = SL_CONF_OK;

    for (i = 0; i < gl.gl_pathc; i++) {
        name.len = strlen(gl.gl_pathv[i]);
        name.data = (u_char *) gl.gl_pathv[i];

        name.data = sl_pstrdup(cf->pool, &name);
        if (name.data == NULL) {
            rv = SL_CONF_ERROR;
            break;
        }

        rv = sl_conf_include_file(cf, &name);

        if (rv != SL_CONF_OK) {
            break;
        }
    }

    globfree(&gl);

    return rv;
}


static char *
sl_conf_include_file(sl_conf_t *cf, const sl_str_t *name)
{
    char  *rv;

    if (cf->include_depth >= SL_CONF_MAX_INCLUDE_DEPTH) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "includes nested too deeply (more than %d levels)",
                          SL_CONF_MAX_INCLUDE_DEPTH);
        return SL_CONF_ERROR;
    }

    cf->include_depth++;
    rv = sl_conf_parse(cf, name);
    cf->include_depth--;

    return rv;
}


sl_int_t
sl_conf_full_name(sl_cycle_t *cycle, sl_str_t *name, sl_uint_t conf_prefix)
{
    u_char    *p, *data;
    size_t     len;
    sl_str_t  *prefix;

    if (name->len && name->data[0] == '/') {
        return SL_OK;
    }

    prefix = conf_prefix ? &cycle->conf_prefix : &cycle->prefix;

    if (prefix->len == 0) {
        return SL_OK;
    }

    len = prefix->len + 1 + name->len;

    data = sl_pnalloc(cycle->pool, len + 1);
    if (data == NULL) {
        return SL_ERROR;
    }

    p = sl_cpymem(data, prefix->data, prefix->len);

    if (p[-1] != '/') {
        *p++ = '/';
    }

    p = sl_cpymem(p, name->data, name->len);
    *p = '\0';

    name->len = p - data;
    name->data = data;

    return SL_OK;
}


/*
 * Formats the message, appends " (errno: text)" for err, escapes
 * control bytes (a quoted word may hold a newline: the error must stay
 * on one line) and logs it with the current FILE:LINE.
 */
void
sl_conf_log_error(sl_uint_t level, sl_conf_t *cf, sl_err_t err,
    const char *fmt, ...)
{
    u_char           *p, *last, *q, *qlast;
    va_list           args;
    sl_log_t         *log;
    sl_conf_file_t   *f;
    u_char            buf[SL_MAX_ERROR_STR], msg[SL_MAX_ERROR_STR];

    log = cf->log;

    if (log == NULL && cf->cycle) {
        log = cf->cycle->log;
    }

    if (log == NULL) {
        return;
    }

    last = buf + sizeof(buf);

    va_start(args, fmt);
    p = sl_vslprintf(buf, last, fmt, args);
    va_end(args);

    if (err) {
        p = sl_slprintf(p, last, " (%d: %s)", err, strerror(err));
    }

    /* a long value quoted in the message must not push out "in FILE:LINE" */
    qlast = msg + SL_MAX_ERROR_STR / 2;

    for (q = msg, last = p, p = buf; p < last && q < qlast; p++) {

        if (*p >= 0x20 && *p != 0x7f) {
            *q++ = *p;
            continue;
        }

        *q++ = '\\';

        switch (*p) {
        case '\n': *q++ = 'n'; break;
        case '\r': *q++ = 'r'; break;
        case '\t': *q++ = 't'; break;
        default:
            q = sl_slprintf(q, q + 4, "x%02x", *p);
        }
    }

    if (p < last) {
        q = sl_cpymem(q, "...", 3);
    }

    *q = '\0';

    f = cf->conf_file;

    if (f == NULL) {
        sl_log_error(level, log, 0, "%s", (char *) msg);

    } else if (f->file.name.data == (u_char *) sl_conf_command_line) {
        sl_log_error(level, log, 0, "%s in command line", (char *) msg);

    } else {
        sl_log_error(level, log, 0, "%s in " SL_STR_FMT ":%lu", (char *) msg,
                     SL_STR_ARG(&f->file.name), (unsigned long) f->line);
    }
}
