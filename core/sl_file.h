/* Files opened by the configuration (logs), reopened on USR1. */

#ifndef SL_FILE_H
#define SL_FILE_H

#include <sl_config.h>


struct sl_open_file_s {
    sl_fd_t      fd;
    sl_str_t     name;      /* full path, or "stderr" */
};

struct sl_file_s {
    sl_fd_t      fd;
    sl_str_t     name;
    sl_uint_t    line;
};

/* makes name absolute against prefix (or conf prefix), pool allocated */
sl_int_t sl_get_full_name(sl_pool_t *pool, const sl_str_t *prefix,
    sl_str_t *name);
ssize_t sl_write_fd(sl_fd_t fd, const void *buf, size_t n);
/*
 * Reads the regular file name (NUL-terminated) whole, at most max bytes,
 * into *buf (sl_alloc'd, one byte more than *len; the caller frees it).
 * SL_OK, or SL_ERROR with the reason in err (size bytes): "open() ...
 * failed", not a regular file, or "KIND is too large ... in NAME".
 */
sl_int_t sl_read_whole_file(const sl_str_t *name, size_t max,
    const char *kind, u_char **buf, size_t *len, u_char *err, size_t size);

#endif /* SL_FILE_H */
