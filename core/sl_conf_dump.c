/* The effective-config dump behind "sluice -T". */

#include <sl_config.h>
#include <sl_core.h>


#define SL_CONF_DUMP_INDENT  4

static sl_int_t sl_conf_dump_reserve(sl_conf_dump_t *d, size_t n);
static void sl_conf_dump_vline(sl_conf_dump_t *d, const char *fmt,
    va_list args, const char *tail);
static void sl_conf_dump_slot(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static void sl_conf_dump_str_array(sl_conf_dump_t *d, sl_command_t *cmd,
    sl_array_t *a);
static void sl_conf_dump_bitmask(sl_conf_dump_t *d, sl_command_t *cmd,
    sl_uint_t value);


/*
 * Makes room for n more bytes.  On allocation failure d->pool becomes
 * NULL and every later write is dropped; sl_conf_dump_cycle() reports it.
 */
static sl_int_t
sl_conf_dump_reserve(sl_conf_dump_t *d, size_t n)
{
    u_char  *p;
    size_t   size, used;

    if (d->pool == NULL) {
        return SL_ERROR;
    }

    if (d->start && (size_t) (d->end - d->pos) > n) {
        return SL_OK;
    }

    used = d->start ? (size_t) (d->pos - d->start) : 0;
    size = d->start ? (size_t) (d->end - d->start) * 2 : 4096;

    if (size < used + n + 1) {
        size = used + n + 1024;
    }

    p = sl_pnalloc(d->pool, size);
    if (p == NULL) {
        d->pool = NULL;
        return SL_ERROR;
    }

    if (used) {
        sl_memcpy(p, d->start, used);
    }

    d->start = p;
    d->pos = p + used;
    d->end = p + size;

    return SL_OK;
}


static void
sl_conf_dump_vline(sl_conf_dump_t *d, const char *fmt, va_list args,
    const char *tail)
{
    int      n;
    size_t   indent, len;
    va_list  copy;

    va_copy(copy, args);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);

    if (n < 0) {
        return;
    }

    indent = d->depth * SL_CONF_DUMP_INDENT;
    len = indent + n + strlen(tail);

    if (sl_conf_dump_reserve(d, len + 1) != SL_OK) {
        return;
    }

    memset(d->pos, ' ', indent);
    d->pos += indent;

    (void) vsnprintf((char *) d->pos, d->end - d->pos, fmt, args);
    d->pos += n;

    d->pos = sl_cpymem(d->pos, tail, strlen(tail));
}


void
sl_conf_dump_line(sl_conf_dump_t *d, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    sl_conf_dump_vline(d, fmt, args, "\n");
    va_end(args);
}


void
sl_conf_dump_open(sl_conf_dump_t *d, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    sl_conf_dump_vline(d, fmt, args, " {\n");
    va_end(args);

    d->depth++;
}


void
sl_conf_dump_close(sl_conf_dump_t *d)
{
    if (d->depth) {
        d->depth--;
    }

    sl_conf_dump_line(d, "}");
}


/*
 * Returns value as it must be written for the lexer to read it back:
 * bare when it is a plain word, else in double quotes with \" \\ \n \r
 * \t escaped.  Empty values and values with spaces, ; { } # quotes,
 * backslashes or control bytes are quoted.
 */
const char *
sl_conf_dump_value(sl_conf_dump_t *d, const sl_str_t *value)
{
    u_char  *p, *dst, *last;
    size_t   i, quote;

    quote = (value->len == 0);

    for (i = 0; i < value->len && !quote; i++) {
        switch (value->data[i]) {
        case ' ': case ';': case '{': case '}': case '#':
        case '"': case '\'': case '\\':
            quote = 1;
            break;
        default:
            if (value->data[i] < 0x20 || value->data[i] == 0x7f) {
                quote = 1;
            }
        }
    }

    p = sl_pnalloc(d->pool ? d->pool : d->cycle->pool, 2 * value->len + 3);
    if (p == NULL) {
        return "\"\"";
    }

    if (!quote) {
        sl_memcpy(p, value->data, value->len);
        p[value->len] = '\0';
        return (const char *) p;
    }

    dst = p;
    *dst++ = '"';

    for (i = 0, last = value->data + value->len; value->data + i < last; i++) {
        switch (value->data[i]) {
        case '"':  *dst++ = '\\'; *dst++ = '"';  break;
        case '\\': *dst++ = '\\'; *dst++ = '\\'; break;
        case '\n': *dst++ = '\\'; *dst++ = 'n';  break;
        case '\r': *dst++ = '\\'; *dst++ = 'r';  break;
        case '\t': *dst++ = '\\'; *dst++ = 't';  break;
        default:   *dst++ = value->data[i];
        }
    }

    *dst++ = '"';
    *dst = '\0';

    return (const char *) p;
}


u_char *
sl_conf_print_size(u_char *p, u_char *last, size_t size)
{
    if (size != 0 && size % (1024 * 1024 * 1024) == 0) {
        return sl_slprintf(p, last, "%zug", size / (1024 * 1024 * 1024));
    }

    if (size != 0 && size % (1024 * 1024) == 0) {
        return sl_slprintf(p, last, "%zum", size / (1024 * 1024));
    }

    if (size != 0 && size % 1024 == 0) {
        return sl_slprintf(p, last, "%zuk", size / 1024);
    }

    return sl_slprintf(p, last, "%zu", size);
}


u_char *
sl_conf_print_time(u_char *p, u_char *last, uint64_t value, sl_uint_t is_sec)
{
    sl_uint_t  i;

    static const struct {
        uint64_t     ms;
        const char  *unit;
    } units[] = {
        { 7 * 24 * 60 * 60 * 1000ULL, "w" },
        { 24 * 60 * 60 * 1000ULL, "d" },
        { 60 * 60 * 1000ULL, "h" },
        { 60 * 1000ULL, "m" },
        { 1000ULL, "s" },
        { 1ULL, "ms" }
    };

    if (value == 0) {
        return sl_slprintf(p, last, "0s");
    }

    for (i = 0; i < sl_nelems(units); i++) {

        if (is_sec) {
            if (units[i].ms < 1000) {
                break;
            }

            if (value % (units[i].ms / 1000) == 0) {
                return sl_slprintf(p, last, "%llu%s", (unsigned long long)
                                   (value / (units[i].ms / 1000)),
                                   units[i].unit);
            }

        } else if (value % units[i].ms == 0) {
            return sl_slprintf(p, last, "%llu%s",
                               (unsigned long long) (value / units[i].ms),
                               units[i].unit);
        }
    }

    return sl_slprintf(p, last, "%llus", (unsigned long long) value);
}


/*
 * Prints the directives of every module of module_type allowed in
 * ctx_type, each from the conf the parser gave its setter.  A command
 * with a dump callback prints itself (blocks open, print their levels,
 * close); slot setters are printed from their type; others (include)
 * are left out.  Unset values are not printed.
 */
void
sl_conf_dump_level(sl_conf_dump_t *d, sl_uint_t module_type,
    sl_uint_t ctx_type, void *ctx)
{
    void          *conf, **confp;
    sl_uint_t      i;
    sl_module_t   *module;
    sl_command_t  *cmd;

    /* modules_n when set, else up to the NULL that ends the list */

    for (i = 0; d->cycle->modules_n == 0 || i < d->cycle->modules_n; i++) {

        module = d->cycle->modules[i];

        if (module == NULL) {
            break;
        }

        if (module->type != module_type || module->commands == NULL) {
            continue;
        }

        for (cmd = module->commands; cmd->name.len; cmd++) {

            if (!(cmd->type & ctx_type)) {
                continue;
            }

            conf = NULL;

            if (cmd->type & SL_DIRECT_CONF) {
                conf = ((void **) ctx)[module->index];

            } else if (cmd->type & SL_MAIN_CONF) {
                conf = &(((void **) ctx)[module->index]);

            } else if (ctx) {
                confp = *(void **) ((char *) ctx + cmd->conf);

                if (confp) {
                    conf = confp[module->ctx_index];
                }
            }

            if (conf == NULL) {
                continue;
            }

            if (cmd->dump) {
                cmd->dump(d, cmd, conf);
                continue;
            }

            if (!(cmd->type & SL_CONF_BLOCK)) {
                sl_conf_dump_slot(d, cmd, conf);
            }
        }
    }
}


static void
sl_conf_dump_slot(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    char                *p;
    u_char              *last, *e;
    sl_int_t             n;
    sl_uint_t            u;
    sl_str_t            *s;
    sl_array_t          *a;
    sl_conf_enum_t      *en;
    sl_complex_value_t  *cv;
    u_char               buf[64];

    p = (char *) conf + cmd->offset;
    last = buf + sizeof(buf);

    if (cmd->set == sl_conf_set_flag_slot) {
        n = *(sl_int_t *) p;

        if (n != SL_CONF_UNSET) {
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              n ? "on" : "off");
        }

    } else if (cmd->set == sl_conf_set_str_slot
               || cmd->set == sl_conf_set_path_slot)
    {
        s = (sl_str_t *) p;

        if (s->data) {
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              sl_conf_dump_value(d, s));
        }

    } else if (cmd->set == sl_conf_set_str_array_slot) {
        a = *(sl_array_t **) p;

        if (a && a != SL_CONF_UNSET_PTR && a->nelts) {
            sl_conf_dump_str_array(d, cmd, a);
        }

    } else if (cmd->set == sl_conf_set_num_slot) {
        n = *(sl_int_t *) p;

        if (n != SL_CONF_UNSET) {
            sl_conf_dump_line(d, SL_STR_FMT " %ld;", SL_STR_ARG(&cmd->name),
                              (long) n);
        }

    } else if (cmd->set == sl_conf_set_size_slot) {
        if (*(size_t *) p != SL_CONF_UNSET_SIZE) {
            e = sl_conf_print_size(buf, last, *(size_t *) p);
            *e = '\0';
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              (char *) buf);
        }

    } else if (cmd->set == sl_conf_set_msec_slot) {
        if (*(sl_msec_t *) p != SL_CONF_UNSET_MSEC) {
            e = sl_conf_print_time(buf, last, *(sl_msec_t *) p, 0);
            *e = '\0';
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              (char *) buf);
        }

    } else if (cmd->set == sl_conf_set_sec_slot) {
        n = *(sl_int_t *) p;

        if (n != SL_CONF_UNSET && n >= 0) {
            e = sl_conf_print_time(buf, last, (uint64_t) n, 1);
            *e = '\0';
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              (char *) buf);
        }

    } else if (cmd->set == sl_conf_set_enum_slot) {
        u = *(sl_uint_t *) p;

        if (u != SL_CONF_UNSET_UINT) {
            for (en = cmd->post; en->name.len; en++) {
                if (en->value == u) {
                    sl_conf_dump_line(d, SL_STR_FMT " " SL_STR_FMT ";",
                                      SL_STR_ARG(&cmd->name),
                                      SL_STR_ARG(&en->name));
                    break;
                }
            }
        }

    } else if (cmd->set == sl_conf_set_bitmask_slot) {
        u = *(sl_uint_t *) p;

        if (u != SL_CONF_UNSET_UINT && u != 0) {
            sl_conf_dump_bitmask(d, cmd, u);
        }

    } else if (cmd->set == sl_conf_set_complex_value_slot) {
        cv = *(sl_complex_value_t **) p;

        if (cv && cv != SL_CONF_UNSET_PTR) {
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              sl_conf_dump_value(d, &cv->value));
        }
    }
}


/*
 * One line per value when the directive takes one argument (each line
 * adds a value when read back), else all values on one line.
 */
static void
sl_conf_dump_str_array(sl_conf_dump_t *d, sl_command_t *cmd, sl_array_t *a)
{
    u_char      *line, *p;
    size_t       len;
    sl_str_t    *s;
    sl_uint_t    i;
    const char  *v;

    s = a->elts;

    if ((cmd->type & (SL_CONF_ARGS_NUMBER | SL_CONF_1MORE | SL_CONF_2MORE
                      | SL_CONF_ANY | SL_CONF_FLAG))
        == SL_CONF_TAKE1)
    {
        for (i = 0; i < a->nelts; i++) {
            sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                              sl_conf_dump_value(d, &s[i]));
        }

        return;
    }

    len = 1;

    for (i = 0; i < a->nelts; i++) {
        len += 2 * s[i].len + 4;
    }

    line = sl_pnalloc(d->pool ? d->pool : d->cycle->pool, len);
    if (line == NULL) {
        d->pool = NULL;
        return;
    }

    for (p = line, i = 0; i < a->nelts; i++) {
        v = sl_conf_dump_value(d, &s[i]);
        *p++ = ' ';
        p = sl_cpymem(p, v, strlen(v));
    }

    *p = '\0';

    sl_conf_dump_line(d, SL_STR_FMT "%s;", SL_STR_ARG(&cmd->name),
                      (char *) line);
}


static void
sl_conf_dump_bitmask(sl_conf_dump_t *d, sl_command_t *cmd, sl_uint_t value)
{
    u_char             *p, *last;
    sl_uint_t           printed;
    sl_conf_bitmask_t  *m;
    u_char              line[SL_MAX_ERROR_STR];

    p = line;
    last = line + sizeof(line);
    *p = '\0';
    printed = 0;

    for (m = cmd->post; m->name.len; m++) {

        if (m->mask == 0
            || (value & m->mask) != m->mask
            || (printed & m->mask) == m->mask)
        {
            continue;
        }

        p = sl_slprintf(p, last, " " SL_STR_FMT, SL_STR_ARG(&m->name));
        printed |= m->mask;
    }

    if (p != line) {
        sl_conf_dump_line(d, SL_STR_FMT "%s;", SL_STR_ARG(&cmd->name),
                          (char *) line);
    }
}


/*
 * Dumps the whole configuration of cycle into out (cycle pool): the
 * main level, whose block directives (events, streaming) dump their
 * contents through their callbacks.
 */
sl_int_t
sl_conf_dump_cycle(sl_cycle_t *cycle, sl_str_t *out)
{
    sl_conf_dump_t  d;

    sl_memzero(&d, sizeof(sl_conf_dump_t));

    d.pool = cycle->pool;
    d.cycle = cycle;

    if (sl_conf_dump_reserve(&d, 4096) != SL_OK) {
        return SL_ERROR;
    }

    sl_conf_dump_level(&d, SL_CORE_MODULE, SL_MAIN_CONF, cycle->conf_ctx);

    if (d.pool == NULL) {
        return SL_ERROR;
    }

    out->data = d.start;
    out->len = d.pos - d.start;

    return SL_OK;
}
