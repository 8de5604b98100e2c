/* File helpers. */

#include <sl_config.h>
#include <sl_core.h>


/* writes all of buf, retrying on EINTR and short writes */
ssize_t
sl_write_fd(sl_fd_t fd, const void *buf, size_t n)
{
    size_t    done;
    ssize_t   rc;

    for (done = 0; done < n; done += rc) {
        rc = write(fd, (const u_char *) buf + done, n - done);

        if (rc == -1) {
            if (errno == EINTR) {
                rc = 0;
                continue;
            }

            return -1;
        }
    }

    return done;
}


sl_int_t
sl_get_full_name(sl_pool_t *pool, const sl_str_t *prefix, sl_str_t *name)
{
    u_char  *p;

    if (name->len && name->data[0] == '/') {
        return SL_OK;
    }

    p = sl_pnalloc(pool, prefix->len + name->len + 1);
    if (p == NULL) {
        return SL_ERROR;
    }

    sl_memcpy(p, prefix->data, prefix->len);
    sl_memcpy(p + prefix->len, name->data, name->len);
    p[prefix->len + name->len] = '\0';

    name->len += prefix->len;
    name->data = p;

    return SL_OK;
}


sl_int_t
sl_read_whole_file(const sl_str_t *name, size_t max, const char *kind,
    u_char **buf, size_t *len, u_char *err, size_t size)
{
    u_char       *b;
    size_t        got, want;
    ssize_t       n;
    sl_fd_t       fd;
    sl_err_t      e;
    const char   *what;
    struct stat   st;

    *buf = NULL;
    *len = 0;

    fd = open((char *) name->data, O_RDONLY | O_CLOEXEC);

    if (fd == -1) {
        e = errno;
        what = "open()";
        goto failed;
    }

    if (fstat(fd, &st) == -1) {
        e = errno;
        what = "fstat()";
        goto failed;
    }

    if (!S_ISREG(st.st_mode)) {
        (void) sl_slprintf(err, err + size, "\"%s\" is not a regular file",
                           (char *) name->data);
        (void) close(fd);
        return SL_ERROR;
    }

    if ((uint64_t) st.st_size > max) {
        (void) sl_slprintf(err, err + size, "%s is too large (%lld bytes, "
                           "more than %zu) in %s", kind,
                           (long long) st.st_size, max, (char *) name->data);
        (void) close(fd);
        return SL_ERROR;
    }

    want = (size_t) st.st_size;

    b = sl_alloc(want + 1, NULL);
    if (b == NULL) {
        (void) sl_slprintf(err, err + size, "out of memory in %s",
                           (char *) name->data);
        (void) close(fd);
        return SL_ERROR;
    }

    for (got = 0; got < want; got += n) {
        n = read(fd, b + got, want - got);

        if (n == -1) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }

            e = errno;
            what = "read()";
            sl_free(b);
            goto failed;
        }

        if (n == 0) {
            break;              /* the file shrank meanwhile */
        }
    }

    (void) close(fd);           /* read only: nothing to lose */

    *buf = b;
    *len = got;

    return SL_OK;

failed:

    (void) sl_slprintf(err, err + size, "%s \"%s\" failed (%d: %s)", what,
                       (char *) name->data, e, strerror(e));

    if (fd != -1) {
        (void) close(fd);
    }

    return SL_ERROR;
}
