/* sl_load_common: what the load generators of scripts/bench share. */

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sl_load_common.h"


#define SL_LOAD_TICK    0.05
#define SL_LOAD_EVENTS  1024


double
sl_load_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


void
sl_load_die(const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: ", sl_load_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}


void
sl_load_usage(void)
{
    fputs(sl_load_usage_text, stderr);
    exit(2);
}


/* realloc() that ends the generator when memory runs out; P may be NULL */
void *
sl_load_realloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (p == NULL) {
        sl_load_die("out of memory");
    }

    return p;
}


void *
sl_load_calloc(size_t n, size_t size)
{
    void  *p;

    p = calloc(n, size);
    if (p == NULL) {
        sl_load_die("out of memory");
    }

    return p;
}


/*
 * Sets from ARGV the options of both generators into LC and the others
 * that OPTS name: "-h" and "--help" print the usage, a flag stands alone,
 * every other option takes the next word; an unknown option prints the
 * usage.  Values are read with atoi()/atof(); the ranges of LC are checked
 * here, the generator checks its own afterwards.
 */
void
sl_load_options(int argc, char **argv, sl_load_conf_t *lc,
    const sl_load_opt_t *opts)
{
    int                   i;
    const char           *o, *v;
    const sl_load_opt_t  *opt;
    sl_load_opt_t         common[] = {
        { "--url", SL_LOAD_OPT_STR, lc->url, sizeof(lc->url), NULL },
        { "--ramp", SL_LOAD_OPT_DOUBLE, &lc->ramp, 0, NULL },
        { "--duration", SL_LOAD_OPT_DOUBLE, &lc->duration, 0, NULL },
        { "--timeout", SL_LOAD_OPT_DOUBLE, &lc->timeout, 0, NULL },
        { "--tolerance", SL_LOAD_OPT_DOUBLE, &lc->tolerance, 0, NULL },
        { "--bitrate", SL_LOAD_OPT_DOUBLE, &lc->bitrate, 0, NULL },
        { "--sources", SL_LOAD_OPT_INT, &lc->sources, 0, NULL },
        { NULL, 0, NULL, 0, NULL }
    };

    for (i = 1; i < argc; i++) {
        o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            sl_load_usage();
        }

        for (opt = common; opt->name != NULL; opt++) {
            if (strcmp(o, opt->name) == 0) {
                break;
            }
        }

        if (opt->name == NULL) {
            for (opt = opts; opt->name != NULL; opt++) {
                if (strcmp(o, opt->name) == 0) {
                    break;
                }
            }
        }

        if (opt->name != NULL && opt->type == SL_LOAD_OPT_FLAG) {
            *(int *) opt->value = 1;
            continue;
        }

        if (i + 1 >= argc) {
            sl_load_die("%s needs a value", o);
        }

        v = argv[++i];

        if (opt->name == NULL) {
            sl_load_usage();
        }

        switch (opt->type) {

        case SL_LOAD_OPT_INT:
            *(int *) opt->value = atoi(v);
            break;

        case SL_LOAD_OPT_UINT:
            *(unsigned *) opt->value = (unsigned) atoi(v);
            break;

        case SL_LOAD_OPT_DOUBLE:
            *(double *) opt->value = atof(v);
            break;

        case SL_LOAD_OPT_STR:
            snprintf(opt->value, opt->size, "%s", v);
            break;

        case SL_LOAD_OPT_FUNC:
            opt->set(v);
            break;

        default:                /* SL_LOAD_OPT_FLAG: set above */
            break;
        }
    }

    if (lc->url[0] == '\0') {
        sl_load_usage();
    }

    if (lc->ramp <= 0 || lc->duration < 0 || lc->duration > 86400
        || lc->timeout <= 0 || lc->tolerance <= 0 || lc->sources < 1
        || lc->sources > 254)
    {
        sl_load_die("bad option value");
    }
}


const char *
sl_load_parse_url(const char *url, const char *scheme, const char *port,
    sl_load_server_t *srv)
{
    int               rc;
    char             *colon;
    size_t            len;
    const char       *p, *slash;
    struct addrinfo   hints, *res;

    len = strlen(scheme);
    if (strncasecmp(url, scheme, len) != 0) {
        sl_load_die("--url must be %shost[:port]/path", scheme);
    }

    p = url + len;
    slash = strchr(p, '/');
    if (slash == NULL) {
        slash = p + strlen(p);
    }

    snprintf(srv->host, sizeof(srv->host), "%.*s", (int) (slash - p), p);
    snprintf(srv->port, sizeof(srv->port), "%s", port);

    colon = strrchr(srv->host, ':');
    if (colon != NULL && strchr(srv->host, ']') < colon) {
        snprintf(srv->port, sizeof(srv->port), "%s", colon + 1);
        *colon = '\0';
    }

    if (srv->host[0] == '[') {
        memmove(srv->host, srv->host + 1, strlen(srv->host));
        srv->host[strcspn(srv->host, "]")] = '\0';
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;

    rc = getaddrinfo(srv->host, srv->port, &hints, &res);
    if (rc != 0) {
        sl_load_die("%s: %s", srv->host, gai_strerror(rc));
    }

    memcpy(&srv->addr, res->ai_addr, res->ai_addrlen);
    srv->addr_len = res->ai_addrlen;
    freeaddrinfo(res);

    srv->loopback = srv->addr.ss_family == AF_INET
                    && (ntohl(((struct sockaddr_in *) &srv->addr)
                              ->sin_addr.s_addr) >> 24) == 127;

    return slash;
}


/* raises the descriptor limit to FDS and a margin, as far as allowed */
void
sl_load_rlimit(unsigned long fds)
{
    rlim_t         want;
    struct rlimit  rl;

    want = (rlim_t) fds + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want) {
        return;
    }

    rl.rlim_cur = want;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
        rl.rlim_max = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
            return;
        }

        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = rl.rlim_max;
        fprintf(stderr, "%s: descriptors limited to %llu\n", sl_load_name,
                (unsigned long long) rl.rlim_max);
    }

    setrlimit(RLIMIT_NOFILE, &rl);
}


int
sl_load_epoll(void)
{
    int  ep;

    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        sl_load_die("epoll_create1: %s", strerror(errno));
    }

    return ep;
}


/*
 * Opens a non-blocking TCP_NODELAY connection to SRV for client I; the
 * connect() is under way on return.  With SOURCES > 1 and a server on
 * 127/8 it comes from 127.0.0.(1 + I % SOURCES): connections to one address
 * and port from one source address share its ephemeral ports, and Linux
 * picks even ports first, so that past ~14,000 of them every connect()
 * scans the whole range.  Returns the descriptor, or -1 with *KIND set.
 */
int
sl_load_connect(const sl_load_server_t *srv, int i, int sources, int *kind)
{
    int                 fd, one;
    struct sockaddr_in  sin;

    fd = socket(srv->addr.ss_family,
                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *kind = errno == EMFILE || errno == ENFILE ? SL_LOAD_E_EMFILE
                                                   : SL_LOAD_E_SOCKET;
        return -1;
    }

    one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    if (srv->loopback && sources > 1) {
        /* the port is chosen by connect(), for the whole 4-tuple */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                   sizeof(one));

        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + i % sources);

        if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
            close(fd);
            *kind = SL_LOAD_E_SOCKET;
            return -1;
        }
    }

    if (connect(fd, (struct sockaddr *) &srv->addr, srv->addr_len) < 0
        && errno != EINPROGRESS)
    {
        close(fd);
        *kind = SL_LOAD_E_CONNECT;
        return -1;
    }

    return fd;
}


/*
 * The loop of a run: client i starts at t0 + i / ramp, the tick runs every
 * 50 ms; it ends once every client has, or GRACE seconds after the hold
 * when some never do.
 */
void
sl_load_run(sl_load_run_t *r, double duration, double grace)
{
    int                 i, n, started, live;
    double              now, next_tick, hard_end, wait, ns;
    struct epoll_event  evs[SL_LOAD_EVENTS];

    r->t0 = sl_load_now();
    r->t_end = r->t0 + r->n / r->ramp + duration;
    hard_end = r->t_end + grace;
    started = 0;
    next_tick = r->t0;

    for ( ;; ) {
        now = sl_load_now();

        while (started < r->n && now >= r->t0 + started / r->ramp) {
            r->start(started++, now);
        }

        if (now >= next_tick) {
            r->tick(now);
            next_tick = now + SL_LOAD_TICK;

            live = 0;
            for (i = 0; i < r->n; i++) {
                live += !r->done(i);
            }

            if ((live == 0 && started == r->n) || now > hard_end) {
                break;
            }
        }

        wait = next_tick - now;
        if (started < r->n) {
            ns = r->t0 + started / r->ramp - now;
            if (ns < wait) {
                wait = ns;
            }
        }

        n = epoll_wait(r->ep, evs, SL_LOAD_EVENTS,
                       wait > 0 ? (int) (wait * 1000) + 1 : 0);
        now = sl_load_now();

        for (i = 0; i < n; i++) {
            r->event(evs[i].data.u64, evs[i].events, now);
        }
    }
}


static int
sl_load_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}


void
sl_load_sort(double *v, int n)
{
    qsort(v, n, sizeof(double), sl_load_cmp);
}


/* the nearest-rank percentile Q of the N sorted values V, -1 without any */
double
sl_load_pct(const double *v, int n, double q)
{
    int  i;

    if (n == 0) {
        return -1;
    }

    i = (int) ceil(q * n) - 1;
    return v[i < 0 ? 0 : i];
}


/* a percentile as JSON text in BUF (32 bytes), null without values */
const char *
sl_load_num(const double *v, int n, double q, const char *fmt, char *buf)
{
    if (n == 0) {
        return "null";
    }

    snprintf(buf, 32, fmt, sl_load_pct(v, n, q));
    return buf;
}


/* {"n":N,"p50":..,"p99":..,"max":..} of N sorted milliseconds, into BUF */
const char *
sl_load_json_ms(const double *v, int n, char *buf, size_t size)
{
    char  p50[32], p99[32], pmax[32];

    snprintf(buf, size, "{\"n\":%d,\"p50\":%s,\"p99\":%s,\"max\":%s}", n,
             sl_load_num(v, n, 0.50, "%.2f", p50),
             sl_load_num(v, n, 0.99, "%.2f", p99),
             sl_load_num(v, n, 1.0, "%.2f", pmax));
    return buf;
}


/*
 * Prints "errors":{...},"client_cpu_s":S: the failure kinds 1..NKINDS-1
 * that happened by their NAMES (STATUS_KIND left out: its statuses are
 * given one by one as "status_N"), then the CPU time of the generator.
 */
void
sl_load_print_errors(const uint64_t *errors, const char *const *names,
    int nkinds, int status_kind, const uint64_t *statuses)
{
    int            k, first;
    struct rusage  ru;

    printf("\"errors\":{");
    first = 1;
    for (k = 1; k < nkinds; k++) {
        if (k != status_kind && errors[k] > 0) {
            printf("%s\"%s\":%llu", first ? "" : ",", names[k],
                   (unsigned long long) errors[k]);
            first = 0;
        }
    }

    for (k = 0; k < SL_LOAD_STATUSES; k++) {
        if (statuses[k] > 0) {
            printf("%s\"status_%d\":%llu", first ? "" : ",", k,
                   (unsigned long long) statuses[k]);
            first = 0;
        }
    }

    getrusage(RUSAGE_SELF, &ru);
    printf("},\"client_cpu_s\":%.2f",
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
           + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}
