/* The error log: levels, several destinations, a context handler. */

#ifndef SL_LOG_H
#define SL_LOG_H

#include <sl_config.h>


#define SL_LOG_STDERR            0
#define SL_LOG_EMERG             1
#define SL_LOG_ALERT             2
#define SL_LOG_CRIT              3
#define SL_LOG_ERR               4
#define SL_LOG_WARN              5
#define SL_LOG_NOTICE            6
#define SL_LOG_INFO              7
#define SL_LOG_DEBUG             8

#define SL_MAX_ERROR_STR         2048

/*
 * A context handler appends " while <action>, client: ..., server: ..."
 * to every line logged through this log; it returns the new end.
 */
typedef u_char *(*sl_log_handler_pt)(sl_log_t *log, u_char *buf, size_t len);

struct sl_log_s {
    sl_uint_t            log_level;    /* most verbose level in the chain */
    sl_uint_t            file_level;   /* this destination's level */
    sl_open_file_t      *file;
    sl_uint_t            connection;   /* "*N" in lines, 0 = none */
    sl_log_handler_pt    handler;
    void                *data;
    const char          *action;
    sl_log_t            *next;         /* further error_log destinations */
    unsigned             plain:1;      /* "sluice: [emerg] msg" (startup) */
};


void sl_log_error_core(sl_uint_t level, sl_log_t *log, sl_err_t err,
    const char *fmt, ...) sl_printf_like(4, 5);

#define sl_log_error(level, log, ...)                                         \
    do {                                                                      \
        if ((log)->log_level >= (level)) {                                    \
            sl_log_error_core(level, log, __VA_ARGS__);                       \
        }                                                                     \
    } while (0)

#if (SL_DEBUG)
#define sl_log_debug(log, ...)   sl_log_error(SL_LOG_DEBUG, log, 0, __VA_ARGS__)
#else
#define sl_log_debug(log, ...)   do { (void) (log); } while (0)
#endif

/* writes "sluice: [level] msg" to stderr (before a log file exists) */
void sl_log_stderr(sl_err_t err, const char *fmt, ...) sl_printf_like(2, 3);

/* the start-up log: plain lines on stderr at "notice" */
sl_log_t *sl_log_init(void);
/* "error" -> SL_LOG_ERR; SL_ERROR when unknown */
sl_int_t sl_log_level_parse(const sl_str_t *name);
/* error_log FILE [LEVEL]: adds a destination to the cycle's log chain */
char *sl_log_set_log(sl_conf_t *cf, sl_command_t *cmd, void *conf);
/* opens a log file (O_APPEND) or returns the shared stderr file */
sl_open_file_t *sl_log_open_file(sl_cycle_t *cycle, const sl_str_t *name);
void sl_log_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);
extern const sl_str_t  sl_log_levels[];
extern sl_module_t     sl_errlog_module;

#endif /* SL_LOG_H */
