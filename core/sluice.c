/* main(): the command line, then the first cycle and the process loop. */

#include <sl_config.h>
#include <sl_core.h>
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <zlib.h>


static sl_int_t sl_get_options(int argc, char *const *argv);
static sl_int_t sl_process_options(sl_cycle_t *cycle);
static void sl_show_version(void);
static void sl_show_help(void);


static sl_uint_t   sl_show_version_only;
static sl_uint_t   sl_show_configure;
static sl_uint_t   sl_show_help_only;
static u_char     *sl_prefix;
static u_char     *sl_conf_file;
static u_char     *sl_conf_params;
static char       *sl_signal;


int
main(int argc, char *const *argv)
{
    ssize_t          n;
    sl_log_t        *log;
    sl_cycle_t      *cycle, init_cycle;
    sl_str_t         dump;
    sl_core_conf_t  *ccf;

    sl_argv = (char **) argv;
    sl_os_environ = environ;

    sl_time_init();
    log = sl_log_init();

    if (sl_get_options(argc, argv) != SL_OK) {
        return 1;
    }

    if (sl_show_help_only) {
        sl_show_help();
        return 0;
    }

    if (sl_show_version_only || sl_show_configure) {
        sl_show_version();
        return 0;
    }

    sl_pid = getpid();
    sl_preinit_modules();

    n = readlink("/proc/self/exe", sl_binary_path, sizeof(sl_binary_path) - 1);
    if (n == -1) {
        sl_log_stderr(errno, "readlink(\"/proc/self/exe\") failed");
        return 1;
    }

    sl_binary_path[n] = '\0';

    /* the first "old" cycle: file names and inherited sockets only */
    sl_memzero(&init_cycle, sizeof(sl_cycle_t));
    init_cycle.log = log;
    init_cycle.generation = 0;
    sl_cycle = &init_cycle;

    init_cycle.pool = sl_create_pool(1024, log);
    if (init_cycle.pool == NULL) {
        return 1;
    }

    if (sl_array_init(&init_cycle.listening, init_cycle.pool, 16,
                      sizeof(sl_listening_t)) != SL_OK)
    {
        return 1;
    }

    if (sl_process_options(&init_cycle) != SL_OK) {
        sl_destroy_pool(init_cycle.pool);
        return 1;
    }

    init_cycle.test_config = (sl_test_config || sl_signal) ? 1 : 0;

    if (sl_add_inherited_sockets(&init_cycle) != SL_OK) {
        sl_destroy_pool(init_cycle.pool);
        return 1;
    }

    cycle = sl_init_cycle(&init_cycle);

    if (cycle == NULL) {
        if (sl_test_config) {
            sl_log_stderr(0, "configuration file %.*s test failed",
                          SL_STR_ARG(&init_cycle.conf_file));
        }

        sl_destroy_pool(init_cycle.pool);
        return 1;
    }

    if (sl_test_config) {
        if (sl_dump_config) {
            if (sl_conf_dump_cycle(cycle, &dump) != SL_OK) {
                sl_destroy_cycle(cycle);
                sl_destroy_pool(init_cycle.pool);
                return 1;
            }

            (void) sl_write_fd(STDOUT_FILENO, dump.data, dump.len);
        }

        if (!sl_quiet_mode) {
            sl_log_stderr(0, "the configuration file %.*s syntax is ok",
                          SL_STR_ARG(&cycle->conf_file));
            sl_log_stderr(0, "configuration file %.*s test is successful",
                          SL_STR_ARG(&cycle->conf_file));
        }

        sl_destroy_cycle(cycle);
        sl_destroy_pool(init_cycle.pool);
        return 0;
    }

    if (sl_signal) {
        n = sl_signal_master(cycle, sl_signal);
        sl_destroy_cycle(cycle);
        sl_destroy_pool(init_cycle.pool);
        return (n == SL_OK) ? 0 : 1;
    }

    sl_cycle = cycle;
    sl_destroy_pool(init_cycle.pool);

    ccf = (sl_core_conf_t *) cycle->conf_ctx[sl_core_module.index];

    if (ccf->master) {
        sl_process = SL_PROCESS_MASTER;
    }

    if (sl_init_signals(cycle->log) != SL_OK) {
        return 1;
    }

    /* started by an old binary (USR2): it stays our parent, no daemon */
    if (ccf->daemon && getenv(SLUICE_VAR) == NULL) {
        if (sl_daemon(cycle->log) != SL_OK) {
            return 1;
        }
    }

    sl_pid = getpid();

    for (n = 0; cycle->modules[n]; n++) {
        if (cycle->modules[n]->init_master) {
            if (cycle->modules[n]->init_master(cycle) != SL_OK) {
                return 1;
            }
        }
    }

    if (sl_create_pidfile(&ccf->pid, cycle->log) != SL_OK) {
        return 1;
    }

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0, "%s started, pid %d",
                 SLUICE_VER, (int) sl_pid);

    if (sl_process == SL_PROCESS_MASTER) {
        sl_master_process_cycle(cycle);

    } else {
        sl_single_process_cycle(cycle);
    }

    return 0;
}


static sl_int_t
sl_get_options(int argc, char *const *argv)
{
    u_char     *p;
    sl_int_t    i;

    for (i = 1; i < argc; i++) {

        p = (u_char *) argv[i];

        if (*p++ != '-') {
            sl_log_stderr(0, "invalid option: \"%s\"", argv[i]);
            return SL_ERROR;
        }

        while (*p) {

            switch (*p++) {

            case '?':
            case 'h':
                sl_show_help_only = 1;
                break;

            case 'v':
                sl_show_version_only = 1;
                break;

            case 'V':
                sl_show_configure = 1;
                break;

            case 't':
                sl_test_config = 1;
                break;

            case 'T':
                sl_test_config = 1;
                sl_dump_config = 1;
                break;

            case 'q':
                sl_quiet_mode = 1;
                break;

            case 'p':
            case 'c':
            case 'g':
            case 's':
                if (*p == '\0' && argv[i + 1] == NULL) {
                    sl_log_stderr(0, "option \"-%c\" requires %s", p[-1],
                                  p[-1] == 'p' ? "directory name"
                                  : p[-1] == 'c' ? "file name"
                                  : p[-1] == 'g' ? "parameter"
                                  : "signal name");
                    return SL_ERROR;
                }

                {
                    u_char  opt = p[-1];

                    if (*p == '\0') {
                        p = (u_char *) argv[++i];
                    }

                    switch (opt) {
                    case 'p':
                        sl_prefix = p;
                        break;
                    case 'c':
                        sl_conf_file = p;
                        break;
                    case 'g':
                        sl_conf_params = p;
                        break;
                    default:
                        sl_signal = (char *) p;

                        if (strcmp(sl_signal, "stop") != 0
                            && strcmp(sl_signal, "quit") != 0
                            && strcmp(sl_signal, "reopen") != 0
                            && strcmp(sl_signal, "reload") != 0)
                        {
                            sl_log_stderr(0, "invalid option: \"-s %s\"",
                                          sl_signal);
                            return SL_ERROR;
                        }

                        sl_process = SL_PROCESS_SINGLE;
                    }
                }

                goto next;

            default:
                sl_log_stderr(0, "invalid option: \"%c\"", p[-1]);
                return SL_ERROR;
            }
        }

    next:

        continue;
    }

    return SL_OK;
}


/* prefix with a trailing "/", conf file, conf prefix, -g text */
static sl_int_t
sl_process_options(sl_cycle_t *cycle)
{
    u_char  *p;
    size_t   len;

    if (sl_prefix) {
        len = sl_strlen(sl_prefix);
        p = sl_pnalloc(cycle->pool, len + 2);
        if (p == NULL) {
            return SL_ERROR;
        }

        sl_memcpy(p, sl_prefix, len);

        if (len == 0 || p[len - 1] != '/') {
            p[len++] = '/';
        }

        p[len] = '\0';
        cycle->prefix.len = len;
        cycle->prefix.data = p;

    } else {
        sl_str_set(&cycle->prefix, SL_PREFIX);
    }

    if (sl_conf_file) {
        cycle->conf_file.len = sl_strlen(sl_conf_file);
        cycle->conf_file.data = sl_conf_file;

    } else {
        sl_str_set(&cycle->conf_file, SL_CONF_PATH);
    }

    if (sl_get_full_name(cycle->pool, &cycle->prefix, &cycle->conf_file)
        != SL_OK)
    {
        return SL_ERROR;
    }

    for (p = cycle->conf_file.data + cycle->conf_file.len - 1;
         p > cycle->conf_file.data;
         p--)
    {
        if (*p == '/') {
            cycle->conf_prefix.len = p - cycle->conf_file.data + 1;
            cycle->conf_prefix.data = cycle->conf_file.data;
            break;
        }
    }

    if (sl_conf_params) {
        cycle->conf_param.len = sl_strlen(sl_conf_params);
        cycle->conf_param.data = sl_conf_params;
    }

    return SL_OK;
}


static void
sl_show_version(void)
{
    printf("sluice version: %s\n", SLUICE_VER);

    if (!sl_show_configure) {
        return;
    }

    printf("built by %s\n", SL_COMPILER);
    printf("built with %s, PCRE2 %d.%d, zlib %s\n",
           OpenSSL_version(OPENSSL_VERSION), PCRE2_MAJOR, PCRE2_MINOR,
           zlibVersion());
    printf("configure arguments: %s\n", SL_CONFIGURE);
    printf("modules: %s\n", sl_module_dirs);
}


static void
sl_show_help(void)
{
    printf("Usage: sluice [-?hvVtTq] [-s signal] [-p prefix] "
           "[-c filename] [-g directives]\n\n"
           "Options:\n"
           "  -?,-h         : this help\n"
           "  -v            : show version and exit\n"
           "  -V            : show version, build and modules, and exit\n"
           "  -t            : test configuration and exit\n"
           "  -T            : test configuration, dump it and exit\n"
           "  -q            : suppress non-error messages during -t\n"
           "  -s signal     : send signal to a master process: "
           "stop, quit, reopen, reload\n"
           "  -p prefix     : set prefix path (default: %s)\n"
           "  -c filename   : set configuration file (default: %s)\n"
           "  -g directives : set global directives out of configuration "
           "file\n", SL_PREFIX, SL_CONF_PATH);
}
