/* sl_load_common: what the load generators of scripts/bench share. */

#ifndef SL_LOAD_COMMON_H
#define SL_LOAD_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>


#define SL_LOAD_URL_LEN   512
#define SL_LOAD_STATUSES  600           /* status codes counted: 0..599 */


/*
 * The failure kinds sl_load_connect() reports; a generator numbers its own
 * kinds on from these (0 is its "none").
 */
enum {
    SL_LOAD_E_SOCKET = 1,
    SL_LOAD_E_EMFILE,
    SL_LOAD_E_CONNECT
};


/* the options both generators take, in the same sense */
typedef struct {
    char        url[SL_LOAD_URL_LEN];
    double      ramp;                       /* clients started per second */
    double      duration;                   /* held after the last start */
    double      timeout;
    double      tolerance;                  /* share of real time kept */
    double      bitrate;
    int         sources;                    /* source addresses, 1..254 */
} sl_load_conf_t;


/* the server of --url, resolved once */
typedef struct {
    char                     host[256];
    char                     port[16];
    struct sockaddr_storage  addr;
    socklen_t                addr_len;
    int                      loopback;      /* on 127/8: sources rotate */
} sl_load_server_t;


typedef enum {
    SL_LOAD_OPT_FLAG = 0,                   /* no value: sets an int to 1 */
    SL_LOAD_OPT_INT,
    SL_LOAD_OPT_UINT,
    SL_LOAD_OPT_DOUBLE,
    SL_LOAD_OPT_STR,                        /* into char[size] */
    SL_LOAD_OPT_FUNC                        /* set(value) checks and sets */
} sl_load_opt_e;


/* one command-line option; a table ends with a NULL name */
typedef struct {
    const char     *name;
    sl_load_opt_e   type;
    void           *value;
    size_t          size;
    void          (*set)(const char *v);
} sl_load_opt_t;


/*
 * One run: N clients started at RAMP per second from one epoll loop, held
 * until DURATION seconds after the last start.  START(i) starts client i,
 * TICK runs every 50 ms (timeouts, the end of the hold), DONE(i) says
 * whether client i has ended, EVENT gets what epoll_wait() returned.
 */
typedef struct {
    int         ep;                         /* the epoll descriptor */
    int         n;
    double      ramp;
    double      t0;                         /* set: the start of the run */
    double      t_end;                      /* set: the end of the hold */
    void      (*start)(int i, double now);
    void      (*tick)(double now);
    int       (*done)(int i);
    void      (*event)(uint64_t data, uint32_t events, double now);
} sl_load_run_t;


/* each generator defines its name (messages) and its usage text */
extern const char  sl_load_name[];
extern const char  sl_load_usage_text[];


double sl_load_now(void);
void sl_load_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void sl_load_usage(void) __attribute__((noreturn));
void *sl_load_realloc(void *p, size_t size);
void *sl_load_calloc(size_t n, size_t size);

void sl_load_options(int argc, char **argv, sl_load_conf_t *lc,
    const sl_load_opt_t *opts);

/*
 * Splits URL (SCHEME "host[:port]/path", PORT by default), resolves the
 * host into SRV and returns the path in URL ("" when there is none).
 */
const char *sl_load_parse_url(const char *url, const char *scheme,
    const char *port, sl_load_server_t *srv);
void sl_load_rlimit(unsigned long fds);
int sl_load_epoll(void);
int sl_load_connect(const sl_load_server_t *srv, int i, int sources,
    int *kind);
void sl_load_run(sl_load_run_t *r, double duration, double grace);

void sl_load_sort(double *v, int n);
double sl_load_pct(const double *v, int n, double q);
const char *sl_load_num(const double *v, int n, double q, const char *fmt,
    char *buf);
const char *sl_load_json_ms(const double *v, int n, char *buf, size_t size);
void sl_load_print_errors(const uint64_t *errors, const char *const *names,
    int nkinds, int status_kind, const uint64_t *statuses);

#endif /* SL_LOAD_COMMON_H */
