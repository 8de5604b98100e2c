/*
 * On-demand publishing points: "type on_demand; path DIR;" maps
 * rtsp://host/vod/sub/a.mp4 to DIR/sub/a.mp4 and opens it, never
 * anything outside DIR.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include <linux/openat2.h>
#include <sys/syscall.h>


typedef struct {
    sl_complex_value_t  *path;
    sl_int_t             follow_symlinks;
} sl_pp_on_demand_conf_t;


static sl_int_t sl_pp_on_demand_preconfiguration(sl_conf_t *cf);
static sl_int_t sl_pp_on_demand_postconfiguration(sl_conf_t *cf);
static void *sl_pp_on_demand_create_conf(sl_conf_t *cf);
static char *sl_pp_on_demand_merge_conf(sl_conf_t *cf, void *parent,
    void *child);
static sl_int_t sl_pp_on_demand_open(sl_streaming_request_t *r,
    sl_media_file_t *mf);


static sl_command_t  sl_pp_on_demand_commands[] = {

    { sl_string("path"),
      SL_STREAMING_PP_CONF | SL_CONF_TAKE1,
      sl_conf_set_complex_value_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_on_demand_conf_t, path),
      NULL, NULL },

    { sl_string("follow_symlinks"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_STREAMING_PP_CONF
      | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      SL_STREAMING_PP_CONF_OFFSET,
      offsetof(sl_pp_on_demand_conf_t, follow_symlinks),
      NULL, NULL },

      sl_null_command
};


static sl_streaming_module_t  sl_pp_on_demand_module_ctx = {
    .preconfiguration  = sl_pp_on_demand_preconfiguration,
    .postconfiguration = sl_pp_on_demand_postconfiguration,
    .create_pp_conf    = sl_pp_on_demand_create_conf,
    .merge_pp_conf     = sl_pp_on_demand_merge_conf,
};


sl_module_t  sl_pp_on_demand_module = {
    .type     = SL_STREAMING_MODULE,
    .ctx      = &sl_pp_on_demand_module_ctx,
    .commands = sl_pp_on_demand_commands,
};


static sl_int_t
sl_pp_on_demand_preconfiguration(sl_conf_t *cf)
{
    return sl_streaming_add_source_type(cf, "on_demand",
                                        sl_pp_on_demand_open);
}


/* every "type on_demand" point must say where its files are */
static sl_int_t
sl_pp_on_demand_postconfiguration(sl_conf_t *cf)
{
    sl_uint_t                        s, p;
    sl_pp_on_demand_conf_t          *odcf;
    sl_streaming_core_pp_conf_t    **pps;
    sl_streaming_core_srv_conf_t   **cscfp;
    sl_streaming_core_main_conf_t   *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        pps = cscfp[s]->pps.elts;

        for (p = 0; p < cscfp[s]->pps.nelts; p++) {
            if (pps[p]->type == NULL
                || pps[p]->type->open != sl_pp_on_demand_open)
            {
                continue;
            }

            odcf = pps[p]->pp_conf[sl_pp_on_demand_module.ctx_index];

            if (odcf->path == NULL) {
                sl_log_error(SL_LOG_EMERG, cf->log, 0,
                             "publishing point \"" SL_STR_FMT "\" of type "
                             "on_demand has no \"path\" in " SL_STR_FMT
                             ":%lu", SL_STR_ARG(&pps[p]->name),
                             SL_STR_ARG(&pps[p]->file),
                             (unsigned long) pps[p]->line);
                return SL_ERROR;
            }
        }
    }

    return SL_OK;
}


static void *
sl_pp_on_demand_create_conf(sl_conf_t *cf)
{
    sl_pp_on_demand_conf_t  *odcf;

    odcf = sl_pcalloc(cf->pool, sizeof(sl_pp_on_demand_conf_t));
    if (odcf == NULL) {
        return NULL;
    }

    odcf->follow_symlinks = SL_CONF_UNSET;

    return odcf;
}


/* "path" names one point's files: it is not inherited */
static char *
sl_pp_on_demand_merge_conf(sl_conf_t *cf sl_unused, void *parent,
    void *child)
{
    sl_pp_on_demand_conf_t  *prev = parent;
    sl_pp_on_demand_conf_t  *conf = child;

    sl_conf_merge_value(conf->follow_symlinks, prev->follow_symlinks, 0);

    return SL_CONF_OK;
}


/* a ".." segment could climb out of the folder: such paths are refused */
static sl_uint_t
sl_pp_on_demand_has_dotdot(const sl_str_t *path)
{
    u_char  *p, *last, *seg;

    p = path->data;
    last = path->data + path->len;

    while (p < last) {
        seg = p;

        while (p < last && *p != '/') {
            p++;
        }

        if (p - seg == 2 && seg[0] == '.' && seg[1] == '.') {
            return 1;
        }

        p++;
    }

    return 0;
}


/*
 * Without openat2(): one component at a time, none of them followed if
 * it is a symbolic link (ELOOP), so nothing outside dirfd can be reached.
 * Stricter than RESOLVE_BENEATH: links inside the folder are refused too.
 * name has no ".." segment (checked before).
 */
static int
sl_pp_on_demand_walk(int dirfd, const char *name)
{
    int           fd, dir, err;
    size_t        len;
    const char   *p, *slash;
    struct stat   st;
    char          part[NAME_MAX + 1];

    dir = dirfd;

    for (p = name; ; p = slash + 1) {
        slash = strchr(p, '/');
        len = slash ? (size_t) (slash - p) : strlen(p);

        if (len > NAME_MAX) {
            err = ENAMETOOLONG;
            goto failed;
        }

        sl_memcpy(part, p, len);
        part[len] = '\0';

        if (slash == NULL) {
            fd = openat(dir, part, O_RDONLY | O_CLOEXEC | O_NOCTTY
                                   | O_NONBLOCK | O_NOFOLLOW);
            err = errno;
            break;
        }

        if (len == 0 || (len == 1 && part[0] == '.')) {
            continue;
        }

        fd = openat(dir, part, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

        if (fd == -1) {
            err = errno;

            /* a link where a folder should be: O_NOFOLLOW says ENOTDIR */
            if (err == ENOTDIR
                && fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0
                && S_ISLNK(st.st_mode))
            {
                err = ELOOP;
            }

            goto failed;
        }

        if (dir != dirfd) {
            (void) close(dir);
        }

        dir = fd;
    }

    if (dir != dirfd) {
        (void) close(dir);
    }

    errno = err;
    return fd;

failed:

    if (dir != dirfd) {
        (void) close(dir);
    }

    errno = err;
    return -1;
}


static int
sl_pp_on_demand_openat(int dirfd, const char *name, sl_uint_t follow)
{
    long             fd;
    struct open_how  how;

    sl_memzero(&how, sizeof(struct open_how));
    how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

    /*
     * RESOLVE_BENEATH: no "..", no absolute path, no symbolic link whose
     * target is outside dirfd; with follow_symlinks on, links may lead
     * anywhere (the operator said so).
     */
    how.resolve = follow ? 0 : RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

    fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(struct open_how));

    if (fd == -1 && errno == ENOSYS) {
        /* kernels before 5.6, or a sandbox that hides openat2() */
        return follow ? openat(dirfd, name, how.flags)
                      : sl_pp_on_demand_walk(dirfd, name);
    }

    return (int) fd;
}


/*
 * The file of r: for a prefix point, path + the rest of the request path
 * after the prefix; for an exact or regex point, path itself names the
 * file (with $1..$9 from the regex).  Returns SL_OK with mf open and its
 * reader chosen, or 404, 403, 415, 500.
 */
static sl_int_t
sl_pp_on_demand_open(sl_streaming_request_t *r, sl_media_file_t *mf)
{
    int                           dirfd, fd, err;
    u_char                       *p, *dir, *name;
    sl_int_t                      rc;
    sl_str_t                      path, rel, full;
    struct stat                   st;
    sl_pp_on_demand_conf_t       *odcf;
    sl_streaming_core_pp_conf_t  *ppcf;

    ppcf = sl_streaming_get_module_pp_conf(r, sl_streaming_core_module);
    odcf = sl_streaming_get_module_pp_conf(r, sl_pp_on_demand_module);

    if (sl_pp_on_demand_has_dotdot(&r->path)) {
        sl_log_error(SL_LOG_ERR, r->log, 0,
                     "refused a \"..\" segment in \"%.*s\"",
                     SL_STR_ARG(&r->path));
        return 403;
    }

    if (sl_complex_value_eval(r->pool, odcf->path, &r->path, r->captures,
                              r->ncaptures, &path) != SL_OK)
    {
        return 500;
    }

    if (ppcf->regex == NULL && !ppcf->exact) {
        /* the folder, and what follows the prefix */
        rel.data = r->path.data + ppcf->name.len;
        rel.len = r->path.len - ppcf->name.len;

        while (rel.len && rel.data[0] == '/') {
            rel.data++;
            rel.len--;
        }

    } else {
        /* the file itself: its folder, and its name */
        for (p = path.data + path.len; p > path.data && p[-1] != '/'; p--) {
            /* void */
        }

        rel.data = p;
        rel.len = path.data + path.len - p;
        path.len = p - path.data;
    }

    if (rel.len == 0) {
        return 404;
    }

    full = path;
    if (sl_conf_full_name((sl_cycle_t *) sl_cycle, &full, 0) != SL_OK) {
        return 500;
    }

    dir = sl_pstrdup(r->pool, &full);
    name = sl_pstrdup(r->pool, &rel);
    if (dir == NULL || name == NULL) {
        return 500;
    }

    dirfd = open((char *) (dir[0] ? dir : (u_char *) "."),
                 O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd == -1) {
        err = errno;
        sl_log_error(SL_LOG_ERR, r->log, err,
                     "open() of the publishing point folder \"%s\" failed",
                     dir);
        return (err == EACCES) ? 403 : 404;
    }

    fd = sl_pp_on_demand_openat(dirfd, (char *) name, odcf->follow_symlinks);
    err = errno;

    (void) close(dirfd);

    if (fd == -1) {
        switch (err) {

        case ENOENT:
        case ENOTDIR:
        case ENAMETOOLONG:
            sl_log_error(SL_LOG_INFO, r->log, err, "\"%s/%s\" not found",
                         dir, name);
            return 404;

        case EXDEV:
        case ELOOP:
            sl_log_error(SL_LOG_ERR, r->log, err,
                         "\"%s\" leads outside \"%s\", refused", name, dir);
            return 403;

        case EACCES:
        case EPERM:
            sl_log_error(SL_LOG_ERR, r->log, err, "open() \"%s/%s\" failed",
                         dir, name);
            return 403;

        default:
            sl_log_error(SL_LOG_CRIT, r->log, err, "open() \"%s/%s\" failed",
                         dir, name);
            return 500;
        }
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        (void) close(fd);
        return 404;
    }

    mf->fd = fd;
    mf->mem = NULL;
    mf->size = st.st_size;

    rc = sl_media_open(mf, &rel);

    if (rc == SL_OK) {
        return SL_OK;
    }

    sl_media_close(mf);

    if (rc == SL_DECLINED) {
        sl_log_error(SL_LOG_INFO, r->log, 0,
                     "\"%s/%s\" is not a format this server reads", dir, name);
        return 415;
    }

    sl_log_error(SL_LOG_ERR, r->log, 0, "\"%s/%s\": %s", dir, name,
                 mf->error ? mf->error : "cannot be read");

    return 415;
}
