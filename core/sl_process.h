/* The master and its workers: process table, signals, the two loops. */

#ifndef SL_PROCESS_H
#define SL_PROCESS_H

#include <sl_config.h>


#define SL_MAX_PROCESSES       1024

#define SL_PROCESS_SINGLE      0
#define SL_PROCESS_MASTER      1
#define SL_PROCESS_WORKER      2

#define SL_SHUTDOWN_SIGNAL     SIGQUIT
#define SL_TERMINATE_SIGNAL    SIGTERM
#define SL_RECONFIGURE_SIGNAL  SIGHUP
#define SL_REOPEN_SIGNAL       SIGUSR1
#define SL_CHANGEBIN_SIGNAL    SIGUSR2

typedef struct {
    pid_t        pid;
    int          status;
    sl_uint_t    slot;          /* worker number: CPU, listening sockets */
    sl_uint_t    generation;    /* the cycle it runs */
    unsigned     exiting:1;     /* told to stop: not respawned */
    unsigned     exited:1;
    unsigned     detached:1;    /* a new binary, not a worker */
} sl_process_t;

extern sl_process_t  sl_processes[SL_MAX_PROCESSES];
extern sl_int_t      sl_last_process;
extern sl_uint_t     sl_process;         /* SL_PROCESS_* of this process */
extern sl_uint_t     sl_worker;          /* this worker's slot */
extern pid_t         sl_pid;
extern pid_t         sl_new_binary;
extern char        **sl_argv;
extern char        **sl_os_environ;
extern char          sl_binary_path[PATH_MAX];   /* for USR2 */

extern volatile sig_atomic_t  sl_reap;
extern volatile sig_atomic_t  sl_quit;
extern volatile sig_atomic_t  sl_terminate;
extern volatile sig_atomic_t  sl_reconfigure;
extern volatile sig_atomic_t  sl_reopen;
extern volatile sig_atomic_t  sl_change_binary;
extern volatile sig_atomic_t  sl_sigalrm;
extern sl_uint_t              sl_exiting;

sl_int_t sl_init_signals(sl_log_t *log);
/* -s reload|stop|quit|reopen: signals the master named in the pid file */
sl_int_t sl_signal_master(sl_cycle_t *cycle, const char *name);
sl_int_t sl_daemon(sl_log_t *log);
/* forks and execs the current binary with the listening sockets */
pid_t sl_exec_new_binary(sl_cycle_t *cycle);

void sl_master_process_cycle(sl_cycle_t *cycle);
void sl_single_process_cycle(sl_cycle_t *cycle);

#endif /* SL_PROCESS_H */
