/*
 * The master loop (waits for signals, starts, watches and replaces the
 * workers) and the worker loop (epoll, timers, graceful shutdown).
 */

#include <sl_config.h>
#include <sl_core.h>


static void sl_start_worker_processes(sl_cycle_t *cycle);
static pid_t sl_spawn_worker(sl_cycle_t *cycle, sl_uint_t slot);
static void sl_signal_worker_processes(sl_cycle_t *cycle, int signo,
    sl_int_t old_only);
static sl_uint_t sl_reap_children(sl_cycle_t *cycle);
static void sl_master_process_exit(sl_cycle_t *cycle);
static void sl_worker_process_cycle(sl_cycle_t *cycle, sl_uint_t slot);
static void sl_worker_process_init(sl_cycle_t *cycle, sl_uint_t slot);
static void sl_worker_process_exit(sl_cycle_t *cycle);
static void sl_worker_shutdown_timeout(sl_event_t *ev);


static sl_event_t  sl_shutdown_event;


void
sl_master_process_cycle(sl_cycle_t *cycle)
{
    sigset_t           set;
    sl_uint_t          live, delay;
    sl_cycle_t        *new;
    struct itimerval   itv;

    sigemptyset(&set);

    sl_start_worker_processes(cycle);

    delay = 0;
    live = 1;

    for ( ;; ) {
        if (delay) {
            if (sl_sigalrm) {
                sl_sigalrm = 0;
                delay *= 2;
            }

            itv.it_interval.tv_sec = 0;
            itv.it_interval.tv_usec = 0;
            itv.it_value.tv_sec = delay / 1000;
            itv.it_value.tv_usec = (delay % 1000) * 1000;

            if (setitimer(ITIMER_REAL, &itv, NULL) == -1) {
                sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                             "setitimer() failed");
            }
        }

        sigsuspend(&set);

        sl_time_update();

        if (sl_reap) {
            sl_reap = 0;
            live = sl_reap_children(cycle);
        }

        if (!live && (sl_terminate || sl_quit)) {
            sl_master_process_exit(cycle);
        }

        if (sl_terminate) {
            if (delay == 0) {
                delay = 50;
            }

            if (delay > 1000) {
                sl_signal_worker_processes(cycle, SIGKILL, 0);

            } else {
                sl_signal_worker_processes(cycle, SL_TERMINATE_SIGNAL, 0);
            }

            continue;
        }

        if (sl_quit) {
            sl_signal_worker_processes(cycle, SL_SHUTDOWN_SIGNAL, 0);
            sl_close_listening_sockets(cycle);
            continue;
        }

        if (sl_reconfigure) {
            sl_reconfigure = 0;

            sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "reconfiguring");

            new = sl_init_cycle(cycle);
            if (new == NULL) {
                sl_log_error(SL_LOG_ERR, cycle->log, 0,
                             "reload failed, still running the previous "
                             "configuration");
                continue;
            }

            sl_destroy_cycle(cycle);
            cycle = new;
            sl_cycle = cycle;

            sl_start_worker_processes(cycle);
            sl_signal_worker_processes(cycle, SL_SHUTDOWN_SIGNAL, 1);
            live = 1;
        }

        if (sl_reopen) {
            sl_reopen = 0;
            sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "reopening logs");
            sl_reopen_files(cycle, ((sl_core_conf_t *)
                               cycle->conf_ctx[sl_core_module.index])->user);
            sl_signal_worker_processes(cycle, SL_REOPEN_SIGNAL, 0);
        }

        if (sl_change_binary) {
            sl_change_binary = 0;

            if (sl_new_binary) {
                sl_log_error(SL_LOG_WARN, cycle->log, 0,
                             "a new binary runs already (%d)",
                             (int) sl_new_binary);
                continue;
            }

            sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                         "changing binary");

            sl_new_binary = sl_exec_new_binary(cycle);
            if (sl_new_binary == SL_INVALID_FILE) {
                sl_new_binary = 0;
                continue;
            }

            sl_processes[sl_last_process].pid = sl_new_binary;
            sl_processes[sl_last_process].detached = 1;
            sl_processes[sl_last_process].exited = 0;
            sl_last_process++;
        }
    }
}


static void
sl_start_worker_processes(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_core_conf_t  *ccf;

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                 "starting %ld worker processes",
                 (long) ccf->worker_processes);

    for (i = 0; i < (sl_uint_t) ccf->worker_processes; i++) {
        (void) sl_spawn_worker(cycle, i);
    }
}


static sl_int_t
sl_process_slot(void)
{
    sl_int_t  s;

    for (s = 0; s < sl_last_process; s++) {
        if (sl_processes[s].pid == -1) {
            return s;
        }
    }

    if (sl_last_process == SL_MAX_PROCESSES) {
        return SL_ERROR;
    }

    return sl_last_process++;
}


static pid_t
sl_spawn_worker(sl_cycle_t *cycle, sl_uint_t slot)
{
    pid_t      pid;
    sl_int_t   s;

    s = sl_process_slot();
    if (s == SL_ERROR) {
        sl_log_error(SL_LOG_ALERT, cycle->log, 0,
                     "no more than %d processes can be spawned",
                     SL_MAX_PROCESSES);
        return SL_INVALID_FILE;
    }

    pid = fork();

    switch (pid) {

    case -1:
        sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                     "fork() failed while spawning worker process %lu",
                     (unsigned long) slot);
        return SL_INVALID_FILE;

    case 0:
        sl_worker_process_cycle(cycle, slot);
        /* unreachable */
        _exit(2);

    default:
        break;
    }

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "start worker process %d",
                 (int) pid);

    sl_processes[s].pid = pid;
    sl_processes[s].slot = slot;
    sl_processes[s].generation = cycle->generation;
    sl_processes[s].exiting = 0;
    sl_processes[s].exited = 0;
    sl_processes[s].detached = 0;

    return pid;
}


/* old_only: the workers of previous generations (after a reload) */
static void
sl_signal_worker_processes(sl_cycle_t *cycle, int signo, sl_int_t old_only)
{
    sl_int_t       i;
    sl_process_t  *p;

    for (i = 0; i < sl_last_process; i++) {
        p = &sl_processes[i];

        if (p->pid == -1 || p->detached || p->exited) {
            continue;
        }

        if (old_only && p->generation == cycle->generation) {
            continue;
        }

        if (signo == SL_SHUTDOWN_SIGNAL && p->exiting) {
            continue;
        }

        if (kill(p->pid, signo) == -1) {
            sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                         "kill(%d, %d) failed", (int) p->pid, signo);
            continue;
        }

        if (signo != SL_REOPEN_SIGNAL) {
            p->exiting = 1;
        }
    }
}


/*
 * Collects exited children.  A worker of the running generation that
 * died without being told to is respawned in the same slot at once
 * (except after a fatal start-up error, exit code 2).  Returns whether
 * any worker is still alive.
 */
static sl_uint_t
sl_reap_children(sl_cycle_t *cycle)
{
    int              status;
    pid_t            pid;
    sl_int_t         i;
    sl_uint_t        live;
    sl_process_t    *p;
    sl_core_conf_t  *ccf;

    for ( ;; ) {
        pid = waitpid(-1, &status, WNOHANG);

        if (pid == 0) {
            break;
        }

        if (pid == -1) {
            if (errno == EINTR) {
                continue;
            }

            break;
        }

        for (i = 0; i < sl_last_process; i++) {
            if (sl_processes[i].pid == pid) {
                break;
            }
        }

        if (i == sl_last_process) {
            continue;
        }

        p = &sl_processes[i];
        p->exited = 1;
        p->status = status;

        if (p->detached) {
            sl_log_error(WEXITSTATUS(status) || WIFSIGNALED(status)
                         ? SL_LOG_ALERT : SL_LOG_NOTICE, cycle->log, 0,
                         "new binary process %d exited with code %d",
                         (int) pid, WEXITSTATUS(status));

            if (pid == sl_new_binary) {
                ccf = (sl_core_conf_t *)
                          cycle->conf_ctx[sl_core_module.index];

                /* the upgrade failed: this master stays in charge */
                if (!sl_quit && !sl_terminate
                    && rename((char *) ccf->oldpid.data,
                              (char *) ccf->pid.data) == -1)
                {
                    sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                                 "rename() %.*s back to %.*s failed",
                                 SL_STR_ARG(&ccf->oldpid),
                                 SL_STR_ARG(&ccf->pid));
                }

                sl_new_binary = 0;
            }

            p->pid = -1;
            continue;
        }

        if (WIFSIGNALED(status)) {
            sl_log_error(SL_LOG_ALERT, cycle->log, 0,
                         "worker process %d exited on signal %d%s",
                         (int) pid, WTERMSIG(status),
                         WCOREDUMP(status) ? " (core dumped)" : "");

        } else if (WEXITSTATUS(status)) {
            sl_log_error(SL_LOG_ALERT, cycle->log, 0,
                         "worker process %d exited with code %d",
                         (int) pid, WEXITSTATUS(status));

        } else {
            sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                         "worker process %d exited with code 0", (int) pid);
        }

        if (!p->exiting && !sl_quit && !sl_terminate
            && p->generation == cycle->generation
            && !(WIFEXITED(status) && WEXITSTATUS(status) == 2))
        {
            if (sl_spawn_worker(cycle, p->slot) == SL_INVALID_FILE) {
                sl_log_error(SL_LOG_ALERT, cycle->log, 0,
                             "could not respawn worker %lu",
                             (unsigned long) p->slot);
            }
        }

        p->pid = -1;
    }

    live = 0;

    for (i = 0; i < sl_last_process; i++) {
        if (sl_processes[i].pid != -1 && !sl_processes[i].detached) {
            live = 1;
        }
    }

    return live;
}


static void
sl_master_process_exit(sl_cycle_t *cycle)
{
    sl_uint_t  i;

    sl_delete_pidfile(cycle);

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "exit");

    for (i = 0; cycle->modules[i]; i++) {
        if (cycle->modules[i]->exit_master) {
            cycle->modules[i]->exit_master(cycle);
        }
    }

    sl_close_listening_sockets(cycle);
    sl_destroy_cycle(cycle);

    exit(0);
}


static void
sl_worker_process_cycle(sl_cycle_t *cycle, sl_uint_t slot)
{
    sl_process = SL_PROCESS_WORKER;
    sl_pid = getpid();

    sl_worker_process_init(cycle, slot);

    for ( ;; ) {

        if (sl_exiting && cycle->connections_active == 0) {
            sl_worker_process_exit(cycle);
        }

        sl_process_events_and_timers(cycle);

        if (sl_terminate) {
            sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "exiting");
            sl_worker_process_exit(cycle);
        }

        if (sl_quit) {
            sl_quit = 0;

            if (!sl_exiting) {
                sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                             "gracefully shutting down, %lu connections "
                             "left", (unsigned long) cycle->connections_active);
                sl_exiting = 1;
                sl_close_listening_events(cycle);
                sl_close_connections(cycle, 0);

                if (((sl_core_conf_t *) cycle->conf_ctx[
                         sl_core_module.index])->shutdown_timeout)
                {
                    sl_shutdown_event.handler = sl_worker_shutdown_timeout;
                    sl_shutdown_event.data = cycle;
                    sl_shutdown_event.log = cycle->log;
                    sl_shutdown_event.cancelable = 1;
                    sl_event_add_timer(&sl_shutdown_event,
                        ((sl_core_conf_t *) cycle->conf_ctx[
                             sl_core_module.index])->shutdown_timeout);
                }
            }
        }

        if (sl_reopen) {
            sl_reopen = 0;
            sl_reopen_files(cycle, (uid_t) -1);
        }

        /* reload and binary changes are the master's business */
        sl_reconfigure = 0;
        sl_change_binary = 0;
    }
}


/* after worker_shutdown_timeout the sessions still running are closed */
static void
sl_worker_shutdown_timeout(sl_event_t *ev)
{
    sl_cycle_t  *cycle;

    cycle = ev->data;

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                 "worker_shutdown_timeout: closing %lu connections",
                 (unsigned long) cycle->connections_active);

    sl_close_connections(cycle, 1);
}


static void
sl_worker_process_init(sl_cycle_t *cycle, sl_uint_t slot)
{
    sl_uint_t        i, n, cpu;
    cpu_set_t        mask, avail;
    struct rlimit    rlmt;
    sl_core_conf_t  *ccf;

    sl_worker = slot;

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    if (ccf->rlimit_nofile != SL_CONF_UNSET) {
        rlmt.rlim_cur = (rlim_t) ccf->rlimit_nofile;
        rlmt.rlim_max = (rlim_t) ccf->rlimit_nofile;

        if (setrlimit(RLIMIT_NOFILE, &rlmt) == -1) {
            sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                         "setrlimit(RLIMIT_NOFILE, %ld) failed",
                         (long) ccf->rlimit_nofile);
        }
    }

    /* pinning: a mask from worker_cpu_affinity, or "auto" round robin */
    CPU_ZERO(&mask);
    n = 0;

    if (ccf->cpu_affinity_auto) {
        if (sched_getaffinity(0, sizeof(cpu_set_t), &avail) == 0
            && CPU_COUNT(&avail) > 0)
        {
            n = slot % (sl_uint_t) CPU_COUNT(&avail);

            for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
                if (CPU_ISSET(cpu, &avail) && n-- == 0) {
                    CPU_SET(cpu, &mask);
                    break;
                }
            }

            n = 1;
        }

    } else if (ccf->cpu_affinity_n) {
        uint64_t  m;

        m = ccf->cpu_affinity[sl_min(slot, ccf->cpu_affinity_n - 1)];

        for (cpu = 0; cpu < 64; cpu++) {
            if (m & ((uint64_t) 1 << cpu)) {
                CPU_SET(cpu, &mask);
                n++;
            }
        }
    }

    if (n) {
        if (sched_setaffinity(0, sizeof(cpu_set_t), &mask) == -1) {
            sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                         "sched_setaffinity() failed");
        }

        for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
            if (CPU_ISSET(cpu, &mask)) {
                sl_log_error(SL_LOG_INFO, cycle->log, 0,
                             "worker %lu pinned to CPU %lu",
                             (unsigned long) slot, (unsigned long) cpu);
            }
        }
    }

    if (geteuid() == 0 && ccf->username) {
        if (setgid(ccf->group) == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "setgid(%d) failed", (int) ccf->group);
            exit(2);
        }

        if (initgroups(ccf->username, ccf->group) == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "initgroups(%s, %d) failed", ccf->username,
                         (int) ccf->group);
        }

        if (setuid(ccf->user) == -1) {
            sl_log_error(SL_LOG_EMERG, cycle->log, errno,
                         "setuid(%d) failed", (int) ccf->user);
            exit(2);
        }
    }

    for (i = 0; cycle->modules[i]; i++) {
        if (cycle->modules[i]->init_process) {
            if (cycle->modules[i]->init_process(cycle) == SL_ERROR) {
                /* fatal: the master does not respawn code 2 */
                exit(2);
            }
        }
    }
}


static void
sl_worker_process_exit(sl_cycle_t *cycle)
{
    sl_uint_t  i;

    for (i = 0; cycle->modules[i]; i++) {
        if (cycle->modules[i]->exit_process) {
            cycle->modules[i]->exit_process(cycle);
        }
    }

    if (sl_terminate) {
        sl_close_connections(cycle, 1);
    }

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "exit");

    exit(0);
}


/* master_process off: one process does everything (for debugging) */
void
sl_single_process_cycle(sl_cycle_t *cycle)
{
    sl_worker_process_init(cycle, 0);

    for ( ;; ) {
        sl_process_events_and_timers(cycle);

        if (sl_terminate || sl_quit) {
            sl_delete_pidfile(cycle);
            sl_worker_process_exit(cycle);
        }

        if (sl_reopen) {
            sl_reopen = 0;
            sl_reopen_files(cycle, (uid_t) -1);
        }

        if (sl_reconfigure) {
            sl_reconfigure = 0;
            sl_log_error(SL_LOG_WARN, cycle->log, 0,
                         "reload needs \"master_process on\", ignored");
        }

        sl_change_binary = 0;
    }
}
