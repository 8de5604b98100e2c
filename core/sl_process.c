/* Signals, -s, daemonizing and starting a new binary. */

#include <sl_config.h>
#include <sl_core.h>


typedef struct {
    int          signo;
    const char  *signame;
    const char  *name;          /* for -s */
} sl_signal_t;


static void sl_signal_handler(int signo);


sl_process_t           sl_processes[SL_MAX_PROCESSES];
sl_int_t               sl_last_process;
sl_uint_t              sl_process;
sl_uint_t              sl_worker;
pid_t                  sl_pid;
pid_t                  sl_new_binary;
char                 **sl_argv;
char                 **sl_os_environ;
char                   sl_binary_path[PATH_MAX];

volatile sig_atomic_t  sl_reap;
volatile sig_atomic_t  sl_quit;
volatile sig_atomic_t  sl_terminate;
volatile sig_atomic_t  sl_reconfigure;
volatile sig_atomic_t  sl_reopen;
volatile sig_atomic_t  sl_change_binary;
volatile sig_atomic_t  sl_sigalrm;
sl_uint_t              sl_exiting;


static const sl_signal_t  signals[] = {
    { SL_RECONFIGURE_SIGNAL, "SIGHUP", "reload" },
    { SL_REOPEN_SIGNAL, "SIGUSR1", "reopen" },
    { SL_TERMINATE_SIGNAL, "SIGTERM", "stop" },
    { SL_SHUTDOWN_SIGNAL, "SIGQUIT", "quit" },
    { SL_CHANGEBIN_SIGNAL, "SIGUSR2", "" },
    { SIGINT, "SIGINT", "" },
    { SIGALRM, "SIGALRM", "" },
    { SIGCHLD, "SIGCHLD", "" },
    { SIGPIPE, "SIGPIPE", "" },
    { 0, NULL, NULL }
};


/*
 * Installs the handlers and blocks every signal we handle: the loops wait
 * for them with sigsuspend() or epoll_pwait(), which unblock atomically,
 * so a signal arriving between a flag check and the wait is never lost.
 */
sl_int_t
sl_init_signals(sl_log_t *log)
{
    sigset_t             set;
    struct sigaction     sa;
    const sl_signal_t   *sig;

    sigemptyset(&set);

    for (sig = signals; sig->signo; sig++) {
        sl_memzero(&sa, sizeof(struct sigaction));

        sa.sa_handler = (sig->signo == SIGPIPE) ? SIG_IGN : sl_signal_handler;
        sigemptyset(&sa.sa_mask);

        if (sigaction(sig->signo, &sa, NULL) == -1) {
            sl_log_error(SL_LOG_EMERG, log, errno, "sigaction(%s) failed",
                         sig->signame);
            return SL_ERROR;
        }

        if (sig->signo != SIGPIPE) {
            sigaddset(&set, sig->signo);
        }
    }

    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
        sl_log_error(SL_LOG_ALERT, log, errno, "sigprocmask() failed");
    }

    return SL_OK;
}


static void
sl_signal_handler(int signo)
{
    int  err;

    err = errno;

    switch (signo) {

    case SL_SHUTDOWN_SIGNAL:
        sl_quit = 1;
        break;

    case SL_TERMINATE_SIGNAL:
    case SIGINT:
        sl_terminate = 1;
        break;

    case SL_RECONFIGURE_SIGNAL:
        sl_reconfigure = 1;
        break;

    case SL_REOPEN_SIGNAL:
        sl_reopen = 1;
        break;

    case SL_CHANGEBIN_SIGNAL:
        sl_change_binary = 1;
        break;

    case SIGALRM:
        sl_sigalrm = 1;
        break;

    case SIGCHLD:
        sl_reap = 1;
        break;
    }

    errno = err;
}


sl_int_t
sl_signal_master(sl_cycle_t *cycle, const char *name)
{
    int                 fd;
    ssize_t             n;
    sl_int_t            pid;
    sl_core_conf_t     *ccf;
    const sl_signal_t  *sig;
    u_char              buf[SL_INT_T_LEN + 2];

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    fd = open((char *) ccf->pid.data, O_RDONLY);
    if (fd == -1) {
        sl_log_error(SL_LOG_ERR, cycle->log, errno, "open() \"%.*s\" failed",
                     SL_STR_ARG(&ccf->pid));
        return SL_ERROR;
    }

    n = read(fd, buf, sizeof(buf));
    (void) close(fd);

    if (n == -1) {
        sl_log_error(SL_LOG_ERR, cycle->log, errno, "read() \"%.*s\" failed",
                     SL_STR_ARG(&ccf->pid));
        return SL_ERROR;
    }

    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        n--;
    }

    pid = sl_atoi(buf, n);
    if (pid == SL_ERROR || pid <= 1) {
        sl_log_error(SL_LOG_ERR, cycle->log, 0,
                     "invalid PID number \"%.*s\" in \"%.*s\"",
                     (int) n, buf, SL_STR_ARG(&ccf->pid));
        return SL_ERROR;
    }

    for (sig = signals; sig->signo; sig++) {
        if (strcmp(name, sig->name) == 0) {
            if (kill((pid_t) pid, sig->signo) == -1) {
                sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                             "kill(%ld, %d) failed", (long) pid, sig->signo);
                return SL_ERROR;
            }

            return SL_OK;
        }
    }

    return SL_ERROR;
}


sl_int_t
sl_daemon(sl_log_t *log)
{
    int  fd;

    switch (fork()) {
    case -1:
        sl_log_error(SL_LOG_EMERG, log, errno, "fork() failed");
        return SL_ERROR;

    case 0:
        break;

    default:
        _exit(0);
    }

    sl_pid = getpid();

    if (setsid() == -1) {
        sl_log_error(SL_LOG_EMERG, log, errno, "setsid() failed");
        return SL_ERROR;
    }

    umask(0);

    fd = open("/dev/null", O_RDWR);
    if (fd == -1) {
        sl_log_error(SL_LOG_EMERG, log, errno, "open(\"/dev/null\") failed");
        return SL_ERROR;
    }

    if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1) {
        sl_log_error(SL_LOG_EMERG, log, errno, "dup2() failed");
        return SL_ERROR;
    }

    if (fd > STDERR_FILENO) {
        (void) close(fd);
    }

    return SL_OK;
}


/*
 * USR2: the pid file becomes sluice.pid.oldbin and the same binary path
 * is started with SLUICE="fd:slot;..." naming every listening socket.
 * The new master matches them by address and slot, so no socket is
 * closed and no connection waiting in a queue is reset.
 */
pid_t
sl_exec_new_binary(sl_cycle_t *cycle)
{
    char            *var, *p, *last;
    char           **env;
    pid_t            pid;
    size_t           len;
    sl_uint_t        i, n;
    sl_listening_t  *ls;
    sl_core_conf_t  *ccf;

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];
    ls = cycle->listening.elts;

    len = sizeof(SLUICE_VAR "=") + cycle->listening.nelts * 24;
    var = sl_alloc(len, cycle->log);
    if (var == NULL) {
        return SL_INVALID_FILE;
    }

    last = var + len;
    p = var + snprintf(var, len, SLUICE_VAR "=");

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].fd == SL_INVALID_FILE) {
            continue;
        }

        /* the descriptors must survive execve() */
        (void) fcntl(ls[i].fd, F_SETFD, 0);

        p += snprintf(p, last - p, "%d:%lu;", ls[i].fd,
                      (unsigned long) ls[i].worker);
    }

    for (n = 0; sl_os_environ[n]; n++) { /* void */ }

    env = sl_alloc((n + 2) * sizeof(char *), cycle->log);
    if (env == NULL) {
        sl_free(var);
        return SL_INVALID_FILE;
    }

    for (i = 0, n = 0; sl_os_environ[i]; i++) {
        if (strncmp(sl_os_environ[i], SLUICE_VAR "=",
                    sizeof(SLUICE_VAR)) != 0)
        {
            env[n++] = sl_os_environ[i];
        }
    }

    env[n++] = var;
    env[n] = NULL;

    if (rename((char *) ccf->pid.data, (char *) ccf->oldpid.data) == -1) {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                     "rename() %.*s to %.*s failed, "
                     "the new binary is not started",
                     SL_STR_ARG(&ccf->pid), SL_STR_ARG(&ccf->oldpid));
        sl_free(env);
        sl_free(var);
        return SL_INVALID_FILE;
    }

    pid = fork();

    if (pid == 0) {
        sigset_t  set;

        sigemptyset(&set);
        (void) sigprocmask(SIG_SETMASK, &set, NULL);

        execve(sl_binary_path, sl_argv, env);

        sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                     "execve() of the new binary failed");
        _exit(1);
    }

    if (pid == -1) {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno, "fork() failed");

        if (rename((char *) ccf->oldpid.data, (char *) ccf->pid.data) == -1) {
            sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                         "rename() back of %.*s failed",
                         SL_STR_ARG(&ccf->oldpid));
        }
    }

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].fd != SL_INVALID_FILE) {
            (void) fcntl(ls[i].fd, F_SETFD, FD_CLOEXEC);
        }
    }

    sl_free(env);
    sl_free(var);

    return pid;
}
