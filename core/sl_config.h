/* System headers and the basic integer types every Sluice file starts with. */

#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/epoll.h>
#include <sched.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sl_auto_config.h>


typedef intptr_t   sl_int_t;
typedef uintptr_t  sl_uint_t;
typedef int        sl_fd_t;
typedef int        sl_err_t;
typedef uint64_t   sl_msec_t;
typedef unsigned char  u_char;

#define SL_INT_T_LEN      (sizeof("-9223372036854775808") - 1)
#define SL_MAX_INT_T_VALUE  INTPTR_MAX
#define SL_MAX_SIZE_T_VALUE SIZE_MAX

#define SL_ALIGNMENT      sizeof(uintptr_t)
#define sl_align(d, a)    (((d) + (a - 1)) & ~(a - 1))
#define sl_align_ptr(p, a)                                                    \
    (u_char *) (((uintptr_t) (p) + ((uintptr_t) a - 1)) & ~((uintptr_t) a - 1))

#define sl_nelems(a)      (sizeof(a) / sizeof((a)[0]))
#define sl_min(a, b)      ((a) < (b) ? (a) : (b))
#define sl_max(a, b)      ((a) > (b) ? (a) : (b))

#define SL_INVALID_FILE   -1
#define SL_LINEFEED       "\n"

#define sl_unused         __attribute__((unused))
#define sl_printf_like(f, a) __attribute__((format(printf, f, a)))

#endif /* SL_CONFIG_H */
