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
