/*
 * The configuration parser: directive tables, the dispatcher that checks
 * contexts and argument counts, include with globs, slot setters, merge
 * helpers and the effective-config dump behind "sluice -T".
 */

#ifndef SL_CONF_FILE_H
#define SL_CONF_FILE_H

#include <sl_config.h>


/* argument counts, in sl_command_t.type */
#define SL_CONF_NOARGS       0x00000001
#define SL_CONF_TAKE1        0x00000002
#define SL_CONF_TAKE2        0x00000004
#define SL_CONF_TAKE3        0x00000008
#define SL_CONF_TAKE4        0x00000010
#define SL_CONF_TAKE5        0x00000020
#define SL_CONF_TAKE6        0x00000040
#define SL_CONF_TAKE7        0x00000080
#define SL_CONF_MAX_ARGS     8

#define SL_CONF_TAKE12       (SL_CONF_TAKE1 | SL_CONF_TAKE2)
#define SL_CONF_TAKE13       (SL_CONF_TAKE1 | SL_CONF_TAKE3)
#define SL_CONF_TAKE23       (SL_CONF_TAKE2 | SL_CONF_TAKE3)
#define SL_CONF_TAKE123      (SL_CONF_TAKE1 | SL_CONF_TAKE2 | SL_CONF_TAKE3)
#define SL_CONF_TAKE1234     (SL_CONF_TAKE1 | SL_CONF_TAKE2 | SL_CONF_TAKE3   \
                              | SL_CONF_TAKE4)
#define SL_CONF_ARGS_NUMBER  0x000000ff

#define SL_CONF_BLOCK        0x00000100
#define SL_CONF_FLAG         0x00000200     /* on | off */
#define SL_CONF_ANY          0x00000400
#define SL_CONF_1MORE        0x00000800
#define SL_CONF_2MORE        0x00001000

/* contexts, in sl_command_t.type */
#define SL_DIRECT_CONF       0x00010000     /* conf is the module's own main */
#define SL_MAIN_CONF         0x01000000
#define SL_EVENT_CONF        0x02000000     /* events { } */
#define SL_STREAMING_MAIN_CONF  0x04000000  /* streaming { } */
#define SL_STREAMING_SRV_CONF   0x08000000  /* server { } */
#define SL_STREAMING_PP_CONF    0x10000000  /* publishing_point { } */
#define SL_ANY_CONF          0xFF000000

#define SL_CONF_UNSET        -1
#define SL_CONF_UNSET_UINT   (sl_uint_t) -1
#define SL_CONF_UNSET_PTR    (void *) -1
#define SL_CONF_UNSET_SIZE   (size_t) -1
#define SL_CONF_UNSET_MSEC   (sl_msec_t) -1

#define SL_CONF_OK           NULL
#define SL_CONF_ERROR        (char *) -1

#define SL_CONF_BLOCK_START  1
#define SL_CONF_BLOCK_DONE   2
#define SL_CONF_FILE_DONE    3

#define SL_CONF_MAX_INCLUDE_DEPTH  16
#define SL_CONF_MAX_BLOCK_DEPTH    64

/* module types */
#define SL_CORE_MODULE       0x45524f43     /* "CORE" */
#define SL_CONF_MODULE       0x464e4f43     /* "CONF" */
#define SL_EVENT_MODULE      0x544e5645     /* "EVNT" */
#define SL_STREAMING_MODULE  0x4d525453     /* "STRM" */


typedef struct sl_conf_dump_s  sl_conf_dump_t;

typedef char *(*sl_conf_set_pt)(sl_conf_t *cf, sl_command_t *cmd, void *conf);
typedef void (*sl_conf_dump_pt)(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
typedef char *(*sl_conf_post_handler_pt)(sl_conf_t *cf, void *data,
    void *conf);

struct sl_command_s {
    sl_str_t           name;
    sl_uint_t          type;      /* contexts | argument count | flags */
    sl_conf_set_pt     set;
    sl_uint_t          conf;      /* offset of the conf array in ctx */
    sl_uint_t          offset;    /* offset of the slot in the conf */
    void              *post;      /* bounds, enum table, post handler */
    sl_conf_dump_pt    dump;      /* for custom setters and blocks */
};

#define sl_null_command  { sl_null_string, 0, NULL, 0, 0, NULL, NULL }

/* post for number, size and time slots: inclusive bounds */
typedef struct {
    sl_conf_post_handler_pt  post_handler;   /* sl_conf_check_num_bounds */
    sl_int_t                 low;
    sl_int_t                 high;
} sl_conf_num_bounds_t;

/*
 * post for the other slots (flag, str, str_array, path, complex_value):
 * any structure starting with a handler, called after the value is set
 * as handler(cf, post, slot)
 */
typedef struct {
    sl_conf_post_handler_pt  post_handler;
} sl_conf_post_t;

/* post for enum slots (sl_uint_t): ends with a null name */
typedef struct {
    sl_str_t    name;
    sl_uint_t   value;
} sl_conf_enum_t;

/* post for bitmask slots (sl_uint_t, unset is SL_CONF_UNSET_UINT) */
typedef struct {
    sl_str_t    name;
    sl_uint_t   mask;
} sl_conf_bitmask_t;

/*
 * One file being parsed: the whole text is read into memory.  line is
 * the line reported in errors (where the directive being handled
 * starts); file.line is where the lexer stands.
 */
typedef struct {
    sl_file_t       file;
    u_char         *start;
    u_char         *pos;
    u_char         *end;
    sl_uint_t       line;
} sl_conf_file_t;

typedef char *(*sl_conf_handler_pt)(sl_conf_t *cf, sl_command_t *dummy,
    void *conf);

struct sl_conf_s {
    char                *name;
    sl_array_t          *args;        /* of sl_str_t, args[0] is the name */

    sl_cycle_t          *cycle;
    sl_pool_t           *pool;
    sl_pool_t           *temp_pool;
    sl_conf_file_t      *conf_file;
    sl_log_t            *log;

    void                *ctx;
    sl_uint_t            module_type;
    sl_uint_t            cmd_type;

    sl_conf_handler_pt   handler;     /* takes over a block's contents */
    void                *handler_conf;

    sl_uint_t            include_depth;
    sl_array_t          *includes;    /* sl_str_t: files being included */
    sl_uint_t            block_depth;
};

#define sl_conf_merge_value(conf, prev, default)                              \
    do {                                                                      \
        if (conf == SL_CONF_UNSET) {                                          \
            conf = (prev == SL_CONF_UNSET) ? default : prev;                  \
        }                                                                     \
    } while (0)

#define sl_conf_merge_ptr_value(conf, prev, default)                          \
    do {                                                                      \
        if (conf == SL_CONF_UNSET_PTR) {                                      \
            conf = (prev == SL_CONF_UNSET_PTR) ? default : prev;              \
        }                                                                     \
    } while (0)

#define sl_conf_merge_uint_value(conf, prev, default)                         \
    do {                                                                      \
        if (conf == SL_CONF_UNSET_UINT) {                                     \
            conf = (prev == SL_CONF_UNSET_UINT) ? default : prev;             \
        }                                                                     \
    } while (0)

#define sl_conf_merge_msec_value(conf, prev, default)                         \
    do {                                                                      \
        if (conf == SL_CONF_UNSET_MSEC) {                                     \
            conf = (prev == SL_CONF_UNSET_MSEC) ? default : prev;             \
        }                                                                     \
    } while (0)

#define sl_conf_merge_sec_value(conf, prev, default)                          \
    sl_conf_merge_value(conf, prev, default)

#define sl_conf_merge_size_value(conf, prev, default)                         \
    do {                                                                      \
        if (conf == SL_CONF_UNSET_SIZE) {                                     \
            conf = (prev == SL_CONF_UNSET_SIZE) ? default : prev;             \
        }                                                                     \
    } while (0)

#define sl_conf_merge_str_value(conf, prev, default)                          \
    do {                                                                      \
        if (conf.data == NULL) {                                              \
            if (prev.data) {                                                  \
                conf = prev;                                                  \
            } else {                                                          \
                conf.len = sizeof(default) - 1;                               \
                conf.data = (u_char *) default;                               \
            }                                                                 \
        }                                                                     \
    } while (0)

#define sl_conf_init_value(conf, default)                                     \
    do { if (conf == SL_CONF_UNSET) { conf = default; } } while (0)


/*
 * Parses filename (or, with filename NULL, the block that follows the
 * directive being handled) dispatching each directive to its module's
 * setter.  Errors are logged with "in FILE:LINE"; returns SL_CONF_OK
 * or SL_CONF_ERROR.
 */
char *sl_conf_parse(sl_conf_t *cf, const sl_str_t *filename);
/* parses an in-memory string, as for "sluice -g" (errors end with
   " in command line") */
char *sl_conf_param(sl_conf_t *cf, const sl_str_t *text);
/* parses text as if it were the file name (no include tracking) */
char *sl_conf_parse_buffer(sl_conf_t *cf, const sl_str_t *name,
    const u_char *text, size_t len);
/* "include GLOB;" setter, in sl_conf_module's table */
char *sl_conf_include(sl_conf_t *cf, sl_command_t *cmd, void *conf);

/* the SL_CONF_MODULE holding "include": valid in every context */
extern sl_module_t  sl_conf_module;

/* logs msg + " in FILE:LINE" at level (emerg for errors) */
void sl_conf_log_error(sl_uint_t level, sl_conf_t *cf, sl_err_t err,
    const char *fmt, ...) sl_printf_like(4, 5);

/* makes a path absolute: relative to the prefix (conf_prefix = 1: to the
   configuration folder) */
sl_int_t sl_conf_full_name(sl_cycle_t *cycle, sl_str_t *name,
    sl_uint_t conf_prefix);

/* slot setters: the slot is at cmd->offset in conf, cmd->post as noted */
char *sl_conf_set_flag_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_str_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_str_array_slot(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);                          /* sl_array_t * of sl_str_t */
char *sl_conf_set_num_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_size_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_msec_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_sec_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_enum_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_bitmask_slot(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);
char *sl_conf_set_path_slot(sl_conf_t *cf, sl_command_t *cmd, void *conf);
char *sl_conf_set_complex_value_slot(sl_conf_t *cf, sl_command_t *cmd,
    void *conf);                          /* sl_complex_value_t * */

/* cmd->post handler for sl_conf_num_bounds_t */
char *sl_conf_check_num_bounds(sl_conf_t *cf, void *post, void *data);


/*
 * The effective-config dump ("sluice -T"): text built in a pool.
 * sl_conf_dump_level() prints every directive of the modules of
 * module_type that may appear in ctx_type, with its effective value,
 * from the conf its setter was given under ctx; slot setters are printed
 * from their type, other directives through cmd->dump (those without
 * one are left out).  Blocks use cmd->dump to open "name {", print their
 * levels and close "}".  Unset values are not printed.
 */
struct sl_conf_dump_s {
    sl_pool_t    *pool;
    sl_cycle_t   *cycle;
    u_char       *start;
    u_char       *pos;
    u_char       *end;
    sl_uint_t     depth;
};

/* indented, ends with a newline; the caller writes the ";" */
void sl_conf_dump_line(sl_conf_dump_t *d, const char *fmt, ...)
    sl_printf_like(2, 3);
/* "name args {" and indent */
void sl_conf_dump_open(sl_conf_dump_t *d, const char *fmt, ...)
    sl_printf_like(2, 3);
void sl_conf_dump_close(sl_conf_dump_t *d);
/*
 * ctx is what cf->ctx was while the level was parsed: each command's
 * conf is found from it exactly as the parser found it (SL_DIRECT_CONF,
 * SL_MAIN_CONF, or cmd->conf and the module's ctx_index)
 */
void sl_conf_dump_level(sl_conf_dump_t *d, sl_uint_t module_type,
    sl_uint_t ctx_type, void *ctx);
sl_int_t sl_conf_dump_cycle(sl_cycle_t *cycle, sl_str_t *out);
/* a value as the lexer reads it back: quoted and escaped when needed,
   NUL terminated, from d->pool */
const char *sl_conf_dump_value(sl_conf_dump_t *d, const sl_str_t *value);

/* "4k", "8m", "1g" or bytes: the largest exact unit */
u_char *sl_conf_print_size(u_char *p, u_char *last, size_t size);
/* "500ms", "30s", "5m", "2d": the largest exact unit; value in seconds
   when is_sec, else in milliseconds */
u_char *sl_conf_print_time(u_char *p, u_char *last, uint64_t value,
    sl_uint_t is_sec);

#endif /* SL_CONF_FILE_H */
