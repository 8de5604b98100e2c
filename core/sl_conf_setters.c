/* Slot setters: store a directive's value at cmd->offset in its conf. */

#include <sl_config.h>
#include <sl_core.h>


static char *sl_conf_post(sl_conf_t *cf, sl_command_t *cmd, void *data);
static void sl_conf_invalid(sl_conf_t *cf, const sl_str_t *value,
    const char *fmt, ...) sl_printf_like(3, 4);
static u_char *sl_conf_list_names(u_char *p, u_char *last,
    const sl_str_t *name, size_t size);


/* runs a generic post handler (sl_conf_post_t) after a slot was set */
static char *
sl_conf_post(sl_conf_t *cf, sl_command_t *cmd, void *data)
{
    sl_conf_post_t  *post;

    post = cmd->post;

    if (post && post->post_handler) {
        return post->post_handler(cf, post, data);
    }

    return SL_CONF_OK;
}


/* logs 'invalid value "v" in "name" directive, <fmt>' */
static void
sl_conf_invalid(sl_conf_t *cf, const sl_str_t *value, const char *fmt, ...)
{
    u_char    *last;
    va_list    args;
    sl_str_t  *name;
    u_char     buf[SL_MAX_ERROR_STR / 2];

    name = cf->args->elts;
    last = buf + sizeof(buf);

    va_start(args, fmt);
    (void) sl_vslprintf(buf, last, fmt, args);
    va_end(args);

    sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                      "invalid value \"%s\" in \"%s\" directive, %s",
                      (char *) value->data, (char *) name->data, (char *) buf);
}


/*
 * Writes '"a", "b" or "c"' for the names of an enum or bitmask table
 * (elements of size bytes, each starting with its sl_str_t name, the
 * last one with an empty name).
 */
static u_char *
sl_conf_list_names(u_char *p, u_char *last, const sl_str_t *name, size_t size)
{
    sl_uint_t        i, n;
    const sl_str_t  *s;

    *p = '\0';

    for (n = 0, s = name; s->len; n++) {
        s = (const sl_str_t *) ((const u_char *) s + size);
    }

    for (i = 0, s = name; i < n; i++) {
        p = sl_slprintf(p, last, "%s\"" SL_STR_FMT "\"",
                        i == 0 ? "" : (i == n - 1 ? " or " : ", "),
                        SL_STR_ARG(s));
        s = (const sl_str_t *) ((const u_char *) s + size);
    }

    return p;
}


char *
sl_conf_set_flag_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_int_t  *fp;
    sl_str_t  *value;

    fp = (sl_int_t *) ((char *) conf + cmd->offset);

    if (*fp != SL_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (sl_str_caseeq(&value[1], "on")) {
        *fp = 1;

    } else if (sl_str_caseeq(&value[1], "off")) {
        *fp = 0;

    } else {
        sl_conf_invalid(cf, &value[1], "it must be \"on\" or \"off\"");
        return SL_CONF_ERROR;
    }

    return sl_conf_post(cf, cmd, fp);
}


char *
sl_conf_set_str_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t  *field, *value;

    field = (sl_str_t *) ((char *) conf + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    *field = value[1];

    return sl_conf_post(cf, cmd, field);
}


/*
 * Appends every argument to the sl_array_t * at the offset (created on
 * first use; NULL or SL_CONF_UNSET_PTR means unset).  Repeating the
 * directive adds values: this is the one slot that is not "duplicate".
 */
char *
sl_conf_set_str_array_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t     *value, *s;
    sl_uint_t     i;
    sl_array_t  **a;

    a = (sl_array_t **) ((char *) conf + cmd->offset);

    if (*a == NULL || *a == SL_CONF_UNSET_PTR) {
        *a = sl_array_create(cf->pool, 4, sizeof(sl_str_t));
        if (*a == NULL) {
            return SL_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = sl_array_push(*a);
        if (s == NULL) {
            return SL_CONF_ERROR;
        }

        *s = value[i];
    }

    return sl_conf_post(cf, cmd, *a);
}


char *
sl_conf_set_num_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_int_t  *np;
    sl_str_t  *value;

    np = (sl_int_t *) ((char *) conf + cmd->offset);

    if (*np != SL_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    *np = sl_atoi(value[1].data, value[1].len);

    if (*np == SL_ERROR) {
        sl_conf_invalid(cf, &value[1], "it must be a number");
        return SL_CONF_ERROR;
    }

    if (cmd->post) {
        return sl_conf_check_num_bounds(cf, cmd->post, np);
    }

    return SL_CONF_OK;
}


/*
 * The num slot's bounds check, also usable as a post_handler: low and
 * high inclusive, high == -1 for no upper bound.  Then chains to a
 * post_handler other than itself.
 */
char *
sl_conf_check_num_bounds(sl_conf_t *cf, void *post, void *data)
{
    sl_int_t               *np;
    sl_str_t               *value;
    sl_conf_num_bounds_t   *bounds;

    bounds = post;
    np = data;
    value = cf->args->elts;

    if (bounds->high == -1) {
        if (*np < bounds->low) {
            sl_conf_invalid(cf, &value[1], "it must be at least %ld",
                            (long) bounds->low);
            return SL_CONF_ERROR;
        }

    } else if (*np < bounds->low || *np > bounds->high) {
        sl_conf_invalid(cf, &value[1], "it must be between %ld and %ld",
                        (long) bounds->low, (long) bounds->high);
        return SL_CONF_ERROR;
    }

    if (bounds->post_handler
        && bounds->post_handler != sl_conf_check_num_bounds)
    {
        return bounds->post_handler(cf, post, data);
    }

    return SL_CONF_OK;
}


/*
 * Bounds of size and time slots are in the slot's unit (bytes,
 * milliseconds, seconds) and printed with units in the message.
 */
static char *
sl_conf_check_unit_bounds(sl_conf_t *cf, sl_command_t *cmd, sl_int_t v,
    sl_uint_t unit, void *data)
{
    u_char                *p, *last;
    sl_str_t              *value;
    sl_conf_num_bounds_t  *bounds;
    u_char                 low[32], high[32];

    bounds = cmd->post;

    if (bounds == NULL) {
        return SL_CONF_OK;
    }

    value = cf->args->elts;

    if (v < bounds->low || (bounds->high != -1 && v > bounds->high)) {

        last = low + sizeof(low);
        p = (unit == 0) ? sl_conf_print_size(low, last, bounds->low)
                        : sl_conf_print_time(low, last, bounds->low,
                                             unit == 1000);
        *p = '\0';

        if (bounds->high == -1) {
            sl_conf_invalid(cf, &value[1], "it must be at least %s",
                            (char *) low);
            return SL_CONF_ERROR;
        }

        last = high + sizeof(high);
        p = (unit == 0) ? sl_conf_print_size(high, last, bounds->high)
                        : sl_conf_print_time(high, last, bounds->high,
                                             unit == 1000);
        *p = '\0';

        sl_conf_invalid(cf, &value[1], "it must be between %s and %s",
                        (char *) low, (char *) high);
        return SL_CONF_ERROR;
    }

    if (bounds->post_handler
        && bounds->post_handler != sl_conf_check_num_bounds)
    {
        return bounds->post_handler(cf, bounds, data);
    }

    return SL_CONF_OK;
}


char *
sl_conf_set_size_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    size_t    *sp;
    ssize_t    size;
    sl_str_t  *value;

    sp = (size_t *) ((char *) conf + cmd->offset);

    if (*sp != SL_CONF_UNSET_SIZE) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = sl_parse_size(&value[1]);

    if (size == SL_ERROR) {
        sl_conf_invalid(cf, &value[1],
                        "it must be a size (like 512, 4k, 8m or 1g)");
        return SL_CONF_ERROR;
    }

    *sp = (size_t) size;

    return sl_conf_check_unit_bounds(cf, cmd, size, 0, sp);
}


char *
sl_conf_set_msec_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_int_t    ms;
    sl_str_t   *value;
    sl_msec_t  *mp;

    mp = (sl_msec_t *) ((char *) conf + cmd->offset);

    if (*mp != SL_CONF_UNSET_MSEC) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ms = sl_parse_time(&value[1], 0);

    if (ms == SL_ERROR) {
        sl_conf_invalid(cf, &value[1],
                        "it must be a time (like 500ms, 30s, 5m or 1h30m)");
        return SL_CONF_ERROR;
    }

    *mp = (sl_msec_t) ms;

    return sl_conf_check_unit_bounds(cf, cmd, ms, 1, mp);
}


char *
sl_conf_set_sec_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_int_t  *sp;
    sl_str_t  *value;

    sp = (sl_int_t *) ((char *) conf + cmd->offset);

    if (*sp != SL_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    *sp = sl_parse_time(&value[1], 1);

    if (*sp == SL_ERROR) {
        sl_conf_invalid(cf, &value[1],
                        "it must be a time in seconds (like 30s, 5m or 1h)");
        return SL_CONF_ERROR;
    }

    return sl_conf_check_unit_bounds(cf, cmd, *sp, 1000, sp);
}


char *
sl_conf_set_enum_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t        *value;
    sl_uint_t       *np;
    sl_conf_enum_t  *e;
    u_char           list[SL_MAX_ERROR_STR / 4];

    np = (sl_uint_t *) ((char *) conf + cmd->offset);

    if (*np != SL_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (e = cmd->post; e->name.len; e++) {
        if (e->name.len == value[1].len
            && sl_strncasecmp(e->name.data, value[1].data, value[1].len) == 0)
        {
            *np = e->value;
            return SL_CONF_OK;
        }
    }

    (void) sl_conf_list_names(list, list + sizeof(list), &((sl_conf_enum_t *)
                              cmd->post)->name, sizeof(sl_conf_enum_t));

    sl_conf_invalid(cf, &value[1], "it must be %s", (char *) list);

    return SL_CONF_ERROR;
}


/*
 * ORs the masks named by the arguments into the sl_uint_t at the offset
 * (unset is SL_CONF_UNSET_UINT, so that a second directive is seen).
 */
char *
sl_conf_set_bitmask_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t           *value;
    sl_uint_t          *np, i, mask;
    sl_conf_bitmask_t  *m;
    u_char              list[SL_MAX_ERROR_STR / 4];

    np = (sl_uint_t *) ((char *) conf + cmd->offset);

    if (*np != SL_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    mask = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        for (m = cmd->post; m->name.len; m++) {
            if (m->name.len == value[i].len
                && sl_strncasecmp(m->name.data, value[i].data, value[i].len)
                   == 0)
            {
                break;
            }
        }

        if (m->name.len == 0) {
            (void) sl_conf_list_names(list, list + sizeof(list),
                                      &((sl_conf_bitmask_t *) cmd->post)->name,
                                      sizeof(sl_conf_bitmask_t));

            sl_conf_invalid(cf, &value[i], "it must be %s", (char *) list);
            return SL_CONF_ERROR;
        }

        if ((mask & m->mask) == m->mask) {
            sl_conf_log_error(SL_LOG_WARN, cf, 0,
                              "duplicate value \"%s\" in \"%s\" directive",
                              (char *) value[i].data, (char *) value[0].data);
        }

        mask |= m->mask;
    }

    *np = mask;

    return SL_CONF_OK;
}


char *
sl_conf_set_path_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t  *field, *value;

    field = (sl_str_t *) ((char *) conf + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        sl_conf_invalid(cf, &value[1], "it must be a path");
        return SL_CONF_ERROR;
    }

    *field = value[1];

    if (sl_conf_full_name(cf->cycle, field, 0) != SL_OK) {
        return SL_CONF_ERROR;
    }

    return sl_conf_post(cf, cmd, field);
}


char *
sl_conf_set_complex_value_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    const char           *err;
    sl_str_t             *value;
    sl_complex_value_t  **cvp;

    cvp = (sl_complex_value_t **) ((char *) conf + cmd->offset);

    if (*cvp != NULL && *cvp != SL_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    *cvp = sl_pcalloc(cf->pool, sizeof(sl_complex_value_t));
    if (*cvp == NULL) {
        return SL_CONF_ERROR;
    }

    err = NULL;

    if (sl_complex_value_compile(cf->pool, &value[1], *cvp, &err) != SL_OK) {
        sl_conf_invalid(cf, &value[1], "%s",
                        err ? err : "it is not a valid value");
        return SL_CONF_ERROR;
    }

    return sl_conf_post(cf, cmd, *cvp);
}
