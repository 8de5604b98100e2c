/*
 * Test modules for the configuration parser, shared by the unit tests
 * and the config fuzz target (so no CUnit here):
 *   t_core     (SL_CORE_MODULE) one directive per slot setter and a few
 *              custom ones, at the main level;
 *   t_stream   (SL_CORE_MODULE) the "tstream { }" block, which builds a
 *              family context like streaming { } does;
 *   t_smod     (SL_STREAMING_MODULE) "tval", "ttimeout", "tlabel" at the
 *              tstream and tserver levels, merged outer to inner.
 */

#ifndef SL_CONF_FIXTURE_H
#define SL_CONF_FIXTURE_H

#include <sl_config.h>
#include <sl_core.h>


/* conf_ctx slots: sl_conf_module, t_core, t_stream, t_smod */
#define T_CONF_CTX_N  4

typedef struct {
    sl_int_t              flag;
    sl_int_t              num;
    size_t                size;
    sl_msec_t             msec;
    sl_int_t              sec;
    sl_uint_t             mode;
    sl_uint_t             mask;
    sl_str_t              str;
    sl_array_t           *list;
    sl_array_t           *words;
    sl_str_t              path;
    sl_complex_value_t   *cv;
    sl_int_t              bounded;
    sl_int_t              atleast;
    size_t                bsize;
    sl_msec_t             btime;
    sl_int_t              bsec;
    sl_uint_t             calls;
    sl_uint_t             nargs;
    sl_array_t           *types;
} t_core_conf_t;

typedef struct {
    void                **main_conf;
    void                **srv_conf;
} t_ctx_t;

typedef struct {
    sl_array_t           *servers;      /* of t_ctx_t * */
    t_ctx_t              *ctx;
} t_smod_main_conf_t;

typedef struct {
    sl_int_t              val;
    sl_msec_t             timeout;
    sl_str_t              label;
    sl_int_t              only;
} t_smod_srv_conf_t;


extern sl_module_t   t_core_module;
extern sl_module_t   t_stream_module;
extern sl_module_t   t_smod_module;

/* sl_conf_module ("include") and the three test modules, NULL-ended */
extern sl_module_t  *t_conf_modules[];

/* pairs read by every "t_types { }" block so far */
extern sl_uint_t     t_types_n;


/*
 * Sets up cycle and cf to parse main-level text with t_conf_modules and
 * the core conf of t_core unset in conf_ctx[1] (conf_ctx holds
 * T_CONF_CTX_N slots, zeroed here).  Everything comes from pool; the
 * cycle's prefix is "/prefix/", its conf_prefix is the caller's to set.
 * Returns the t_core conf, NULL when out of memory.
 */
t_core_conf_t *t_conf_setup(sl_cycle_t *cycle, sl_conf_t *cf,
    void **conf_ctx, sl_pool_t *pool, sl_log_t *log);

#endif /* SL_CONF_FIXTURE_H */
