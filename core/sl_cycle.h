/*
 * A cycle is one generation of configuration: its pool, module confs,
 * listening sockets and open files.  A reload builds a new cycle and
 * keeps the old one when anything fails.
 */

#ifndef SL_CYCLE_H
#define SL_CYCLE_H

#include <sl_config.h>


#define SL_CYCLE_POOL_SIZE   (16 * 1024)
#define SL_MAX_CPUS          1024

struct sl_cycle_s {
    void               ****conf_ctx;      /* by module index */
    sl_pool_t            *pool;

    sl_log_t             *log;
    sl_log_t              new_log;
    sl_uint_t             log_use_stderr;

    sl_connection_t     **files;          /* fd -> connection */
    sl_connection_t      *free_connections;
    sl_uint_t             free_connection_n;

    sl_module_t         **modules;
    sl_uint_t             modules_n;

    sl_uint_t             connections_active;   /* not listening ones */

    sl_array_t            listening;      /* sl_listening_t */
    sl_array_t            open_files;     /* sl_open_file_t */
    sl_array_t            shm_zones;      /* sl_shm_zone_t * */

    sl_uint_t             connection_n;
    sl_uint_t             files_n;
    sl_connection_t      *connections;
    sl_event_t           *read_events;
    sl_event_t           *write_events;

    sl_cycle_t           *old_cycle;

    sl_str_t              conf_file;
    sl_str_t              conf_param;     /* -g */
    sl_str_t              conf_prefix;    /* folder of conf_file, with / */
    sl_str_t              prefix;         /* -p, with / */
    sl_str_t              error_log;
    sl_str_t              hostname;

    sl_uint_t             generation;
    unsigned              test_config:1;
};

/* the "core" module's main conf: process-level directives */
typedef struct {
    sl_int_t              daemon;
    sl_int_t              master;
    sl_int_t              worker_processes;
    sl_msec_t             shutdown_timeout;
    sl_int_t              rlimit_nofile;
    sl_uint_t             cpu_affinity_auto;
    sl_uint_t             cpu_affinity_n;
    uint64_t             *cpu_affinity;   /* bit masks, one per worker */
    uid_t                 user;
    gid_t                 group;
    char                 *username;
    sl_str_t              pid;
    sl_str_t              oldpid;
} sl_core_conf_t;

#define sl_get_conf(conf_ctx, module)  conf_ctx[module.index]

/*
 * Builds a new cycle from old_cycle's file names: parses the config,
 * opens files and listening sockets (reusing old_cycle's where the
 * address and worker slot match), maps the shared memory zones (taking
 * over old_cycle's of the same name, size and tag), runs init_module.
 * Returns NULL after logging the error; old_cycle is untouched then.
 */
sl_cycle_t *sl_init_cycle(sl_cycle_t *old_cycle);
void sl_destroy_cycle(sl_cycle_t *cycle);
sl_int_t sl_create_pidfile(const sl_str_t *name, sl_log_t *log);
void sl_delete_pidfile(sl_cycle_t *cycle);
/* reopens every log file; the master chowns new files to the workers' user */
void sl_reopen_files(sl_cycle_t *cycle, uid_t user);

extern volatile sl_cycle_t  *sl_cycle;
extern sl_uint_t             sl_test_config;
extern sl_uint_t             sl_dump_config;
extern sl_uint_t             sl_quiet_mode;
extern sl_module_t           sl_core_module;

#endif /* SL_CYCLE_H */
