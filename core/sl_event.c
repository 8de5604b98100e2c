/*
 * The events{} block, the per-worker epoll loop and accepting.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_EPOLL_EVENTS  512

static char *sl_events_block(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void sl_events_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf);
static void *sl_event_core_create_conf(sl_cycle_t *cycle);
static char *sl_event_core_init_conf(sl_cycle_t *cycle, void *conf);
static sl_int_t sl_event_process_init(sl_cycle_t *cycle);
static void sl_event_resume_accept(sl_event_t *ev);


sl_queue_t   sl_posted_events;

static int                  ep = -1;
static struct epoll_event  *event_list;
static sl_uint_t            nevents;
static sl_event_t           accept_resume_ev;
static sl_uint_t            sl_event_modules_n;


typedef struct {
    void    *(*create_conf)(sl_cycle_t *cycle);
    char    *(*init_conf)(sl_cycle_t *cycle, void *conf);
} sl_event_module_t;


static sl_command_t  sl_events_commands[] = {

    { sl_string("events"),
      SL_MAIN_CONF | SL_CONF_BLOCK | SL_CONF_NOARGS,
      sl_events_block,
      0,
      0,
      NULL,
      sl_events_dump },

      sl_null_command
};


static sl_core_module_t  sl_events_module_ctx = {
    sl_string("events"),
    NULL,
    NULL
};


sl_module_t  sl_events_module = {
    .type     = SL_CORE_MODULE,
    .ctx      = &sl_events_module_ctx,
    .commands = sl_events_commands,
};


static sl_conf_num_bounds_t  sl_event_connections_bounds = {
    sl_conf_check_num_bounds, 16, 1048576
};


static sl_command_t  sl_event_core_commands[] = {

    { sl_string("worker_connections"),
      SL_EVENT_CONF | SL_CONF_TAKE1,
      sl_conf_set_num_slot,
      0,
      offsetof(sl_event_conf_t, connections),
      &sl_event_connections_bounds,
      NULL },

      sl_null_command
};


static sl_event_module_t  sl_event_core_module_ctx = {
    sl_event_core_create_conf,
    sl_event_core_init_conf
};


sl_module_t  sl_event_core_module = {
    .type         = SL_EVENT_MODULE,
    .ctx          = &sl_event_core_module_ctx,
    .commands     = sl_event_core_commands,
    .init_process = sl_event_process_init,
};


/*
 * events { }: the block's ctx is an array of the event modules' confs,
 * stored in the events module's main slot.  The confs are created before
 * the block is parsed, and again with defaults by init_conf when the
 * configuration has no events block at all.
 */
static void ***
sl_events_ctx_create(sl_cycle_t *cycle)
{
    void              ***ctx;
    sl_uint_t            i;
    sl_module_t         *m;
    sl_event_module_t   *em;

    sl_event_modules_n = sl_count_modules(cycle, SL_EVENT_MODULE);

    ctx = sl_pcalloc(cycle->pool, sizeof(void *));
    if (ctx == NULL) {
        return NULL;
    }

    *ctx = sl_pcalloc(cycle->pool, sl_event_modules_n * sizeof(void *));
    if (*ctx == NULL) {
        return NULL;
    }

    for (i = 0; cycle->modules[i]; i++) {
        m = cycle->modules[i];

        if (m->type != SL_EVENT_MODULE) {
            continue;
        }

        em = m->ctx;

        if (em->create_conf) {
            (*ctx)[m->ctx_index] = em->create_conf(cycle);
            if ((*ctx)[m->ctx_index] == NULL) {
                return NULL;
            }
        }
    }

    return ctx;
}


static char *
sl_events_init_confs(sl_cycle_t *cycle, void ***ctx)
{
    char               *rv;
    sl_uint_t           i;
    sl_module_t        *m;
    sl_event_module_t  *em;

    for (i = 0; cycle->modules[i]; i++) {
        m = cycle->modules[i];

        if (m->type != SL_EVENT_MODULE) {
            continue;
        }

        em = m->ctx;

        if (em->init_conf) {
            rv = em->init_conf(cycle, (*ctx)[m->ctx_index]);
            if (rv != SL_CONF_OK) {
                return rv;
            }
        }
    }

    return SL_CONF_OK;
}


static char *
sl_events_block(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    char        *rv;
    void      ***ctx;
    sl_conf_t    pcf;

    if (*(void **) conf) {
        return "is duplicate";
    }

    ctx = sl_events_ctx_create(cf->cycle);
    if (ctx == NULL) {
        return SL_CONF_ERROR;
    }

    *(void **) conf = ctx;

    pcf = *cf;
    cf->ctx = ctx;
    cf->module_type = SL_EVENT_MODULE;
    cf->cmd_type = SL_EVENT_CONF;

    rv = sl_conf_parse(cf, NULL);

    *cf = pcf;

    if (rv != SL_CONF_OK) {
        return rv;
    }

    return sl_events_init_confs(cf->cycle, ctx);
}


/* the event confs of a cycle, creating defaults when there was no block */
sl_event_conf_t *
sl_event_get_conf(sl_cycle_t *cycle)
{
    void  ***ctx;

    ctx = (void ***) cycle->conf_ctx[sl_events_module.index];

    if (ctx == NULL) {
        ctx = sl_events_ctx_create(cycle);
        if (ctx == NULL || sl_events_init_confs(cycle, ctx) != SL_CONF_OK) {
            return NULL;
        }

        cycle->conf_ctx[sl_events_module.index] = (void ***) ctx;
    }

    return (*ctx)[sl_event_core_module.ctx_index];
}


static void
sl_events_dump(sl_conf_dump_t *d, sl_command_t *cmd sl_unused,
    void *conf sl_unused)
{
    void  ***ctx;

    ctx = (void ***) d->cycle->conf_ctx[sl_events_module.index];
    if (ctx == NULL) {
        return;
    }

    sl_conf_dump_open(d, "events");
    sl_conf_dump_level(d, SL_EVENT_MODULE, SL_EVENT_CONF, ctx);
    sl_conf_dump_close(d);
}


static void *
sl_event_core_create_conf(sl_cycle_t *cycle)
{
    sl_event_conf_t  *ecf;

    ecf = sl_palloc(cycle->pool, sizeof(sl_event_conf_t));
    if (ecf == NULL) {
        return NULL;
    }

    ecf->connections = SL_CONF_UNSET;

    return ecf;
}


static char *
sl_event_core_init_conf(sl_cycle_t *cycle sl_unused, void *conf)
{
    sl_event_conf_t  *ecf = conf;

    sl_conf_init_value(ecf->connections, 1024);

    return SL_CONF_OK;
}


/*
 * In a worker: the epoll instance, the connection and event arrays, and
 * the listening connections of this worker's slot.
 */
static sl_int_t
sl_event_process_init(sl_cycle_t *cycle)
{
    sl_uint_t         i;
    sl_event_t       *rev, *wev;
    struct rlimit     rlmt;
    sl_listening_t   *ls;
    sl_event_conf_t  *ecf;
    sl_connection_t  *c, *next;

    ecf = sl_event_get_conf(cycle);
    if (ecf == NULL) {
        return SL_ERROR;
    }

    sl_queue_init(&sl_posted_events);

    if (sl_event_timer_init(cycle->log) != SL_OK) {
        return SL_ERROR;
    }

    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep == -1) {
        sl_log_error(SL_LOG_EMERG, cycle->log, errno, "epoll_create1() failed");
        return SL_ERROR;
    }

    nevents = SL_EPOLL_EVENTS;
    event_list = sl_alloc(sizeof(struct epoll_event) * nevents, cycle->log);
    if (event_list == NULL) {
        return SL_ERROR;
    }

    if (getrlimit(RLIMIT_NOFILE, &rlmt) == -1) {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno, "getrlimit() failed");
        return SL_ERROR;
    }

    cycle->files_n = (sl_uint_t) rlmt.rlim_cur;
    cycle->files = sl_calloc(sizeof(sl_connection_t *) * cycle->files_n,
                             cycle->log);
    if (cycle->files == NULL) {
        return SL_ERROR;
    }

    /* listening sockets take connections too */
    cycle->connection_n = (sl_uint_t) ecf->connections
                          + cycle->listening.nelts;

    cycle->connections = sl_calloc(sizeof(sl_connection_t)
                                   * cycle->connection_n, cycle->log);
    cycle->read_events = sl_calloc(sizeof(sl_event_t) * cycle->connection_n,
                                   cycle->log);
    cycle->write_events = sl_calloc(sizeof(sl_event_t)
                                    * cycle->connection_n, cycle->log);

    if (cycle->connections == NULL || cycle->read_events == NULL
        || cycle->write_events == NULL)
    {
        return SL_ERROR;
    }

    c = cycle->connections;
    next = NULL;

    for (i = cycle->connection_n; i > 0; i--) {
        rev = &cycle->read_events[i - 1];
        wev = &cycle->write_events[i - 1];

        rev->closed = 1;
        rev->instance = 1;
        wev->closed = 1;

        c[i - 1].data = next;
        c[i - 1].read = rev;
        c[i - 1].write = wev;
        c[i - 1].fd = SL_INVALID_FILE;

        next = &c[i - 1];
    }

    cycle->free_connections = next;
    cycle->free_connection_n = cycle->connection_n;
    cycle->connections_active = 0;

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {

        if (ls[i].fd == SL_INVALID_FILE) {
            continue;
        }

        if (ls[i].worker != sl_worker) {
            /* another worker's queue: not ours to hold open */
            (void) close(ls[i].fd);
            ls[i].fd = SL_INVALID_FILE;
            continue;
        }

        c = sl_get_connection(ls[i].fd, cycle->log);
        if (c == NULL) {
            return SL_ERROR;
        }

        /* listening sockets do not hold a graceful shutdown */
        c->listening = &ls[i];
        c->listen = 1;
        cycle->connections_active--;
        ls[i].connection = c;

        c->log = &ls[i].log;
        ls[i].log = *cycle->log;
        ls[i].log.handler = NULL;
        ls[i].log.connection = 0;

        rev = c->read;
        rev->log = c->log;
        rev->accept = 1;
        rev->handler = sl_event_accept;
    }

    accept_resume_ev.handler = sl_event_resume_accept;
    accept_resume_ev.log = cycle->log;
    accept_resume_ev.cancelable = 1;

    return sl_enable_accept_events(cycle);
}


sl_int_t
sl_enable_accept_events(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_listening_t  *ls;

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].connection == NULL || ls[i].connection->read->active) {
            continue;
        }

        if (sl_event_add_listen(ls[i].connection) != SL_OK) {
            return SL_ERROR;
        }
    }

    return SL_OK;
}


static void
sl_disable_accept_events(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_listening_t  *ls;

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].connection && ls[i].connection->read->active) {
            (void) sl_event_del_listen(ls[i].connection);
        }
    }
}


/*
 * Graceful shutdown: this worker stops accepting and closes its copies
 * of the listening sockets.  The master and the new workers still hold
 * them, so what waits in the accept queues is not reset.
 */
void
sl_close_listening_events(sl_cycle_t *cycle)
{
    sl_uint_t         i;
    sl_listening_t   *ls;
    sl_connection_t  *c;

    sl_event_del_timer(&accept_resume_ev);

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        c = ls[i].connection;

        if (c == NULL) {
            continue;
        }

        if (c->read->active) {
            (void) sl_event_del_listen(c);
        }

        ls[i].connection = NULL;
        ls[i].fd = SL_INVALID_FILE;

        sl_close_connection(c);
    }
}


static sl_int_t
sl_epoll_ctl(int op, sl_connection_t *c, uint32_t events)
{
    struct epoll_event  ee;

    ee.events = events;
    ee.data.ptr = (void *) ((uintptr_t) c | c->read->instance);

    if (epoll_ctl(ep, op, c->fd, &ee) == -1) {
        sl_log_error(SL_LOG_ALERT, c->log, errno, "epoll_ctl(%d, %d) failed",
                     op, c->fd);
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_event_add_conn(sl_connection_t *c)
{
    if (sl_epoll_ctl(EPOLL_CTL_ADD, c,
                     EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP) != SL_OK)
    {
        return SL_ERROR;
    }

    c->read->active = 1;
    c->write->active = 1;

    return SL_OK;
}


sl_int_t
sl_event_del_conn(sl_connection_t *c)
{
    c->read->active = 0;
    c->write->active = 0;

    return sl_epoll_ctl(EPOLL_CTL_DEL, c, 0);
}


sl_int_t
sl_event_add_listen(sl_connection_t *c)
{
    if (sl_epoll_ctl(EPOLL_CTL_ADD, c, EPOLLIN) != SL_OK) {
        return SL_ERROR;
    }

    c->read->active = 1;

    return SL_OK;
}


sl_int_t
sl_event_del_listen(sl_connection_t *c)
{
    c->read->active = 0;

    return sl_epoll_ctl(EPOLL_CTL_DEL, c, 0);
}


void
sl_process_events_and_timers(sl_cycle_t *cycle)
{
    int                 i, n, timeout;
    uint32_t            revents;
    sl_msec_t           timer;
    sl_uint_t           instance;
    sl_event_t         *rev, *wev;
    sigset_t            set;
    sl_connection_t    *c;

    timer = sl_event_find_timer();
    timeout = (timer == SL_TIMER_INFINITE) ? -1 : (int) sl_min(timer, 60000);

    if (!sl_queue_empty(&sl_posted_events)) {
        timeout = 0;
    }

    /* signals are blocked except while waiting: no wakeup is lost */
    sigemptyset(&set);

    n = epoll_pwait(ep, event_list, (int) nevents, timeout, &set);

    if (n == -1 && errno != EINTR) {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno, "epoll_pwait() failed");
    }

    sl_time_update();

    for (i = 0; i < n; i++) {
        c = event_list[i].data.ptr;

        instance = (uintptr_t) c & 1;
        c = (sl_connection_t *) ((uintptr_t) c & (uintptr_t) ~1);

        rev = c->read;

        if (c->fd == SL_INVALID_FILE || rev->instance != instance) {
            /* closed (and maybe reused) earlier in this batch */
            continue;
        }

        revents = event_list[i].events;

        if (revents & (EPOLLERR | EPOLLHUP)) {
            revents |= EPOLLIN | EPOLLOUT;
        }

        if ((revents & (EPOLLIN | EPOLLRDHUP)) && rev->active) {
            rev->ready = 1;

            if (revents & EPOLLRDHUP) {
                rev->eof = 1;
            }

            rev->handler(rev);
        }

        wev = c->write;

        if ((revents & EPOLLOUT) && wev->active) {
            if (c->fd == SL_INVALID_FILE || wev->instance != instance) {
                continue;
            }

            wev->ready = 1;

            /* what TLS took earlier goes before anything new */
            if (c->ssl && sl_ssl_flush(c) == SL_AGAIN) {
                continue;
            }

            wev->handler(wev);
        }
    }

    sl_event_expire_timers();
    sl_event_process_posted(&sl_posted_events);
}


void
sl_event_process_posted(sl_queue_t *posted)
{
    sl_queue_t  *q;
    sl_event_t  *ev;

    while (!sl_queue_empty(posted)) {
        q = sl_queue_head(posted);
        ev = sl_queue_data(q, sl_event_t, queue);

        sl_delete_posted_event(ev);
        ev->handler(ev);
    }
}


/*
 * Accepts what is waiting on this worker's socket, up to a batch so that
 * other sockets and timers get their turn (level-triggered: the rest
 * comes back at the next turn).
 */
void
sl_event_accept(sl_event_t *ev)
{
    int               s, n;
    size_t            len;
    sl_log_t         *log;
    sl_listening_t   *ls;
    sl_connection_t  *c, *lc;
    socklen_t         socklen;
    struct sockaddr_storage  sa;
    u_char           text[SL_SOCKADDR_STRLEN];

    lc = ev->data;
    ls = lc->listening;

    for (n = 0; n < 64; n++) {
        socklen = sizeof(sa);

        s = accept4(lc->fd, (struct sockaddr *) &sa, &socklen,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (s == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                || errno == ECONNABORTED)
            {
                return;
            }

            sl_log_error((errno == EMFILE || errno == ENFILE)
                         ? SL_LOG_CRIT : SL_LOG_ALERT,
                         ev->log, errno, "accept4() failed");

            if (errno == EMFILE || errno == ENFILE) {
                goto pause;
            }

            return;
        }

        c = sl_get_connection(s, ev->log);
        if (c == NULL) {
            (void) close(s);
            goto pause;
        }

        c->pool = sl_create_pool(1024, ev->log);
        if (c->pool == NULL) {
            sl_close_connection(c);
            continue;
        }

        log = sl_palloc(c->pool, sizeof(sl_log_t));
        if (log == NULL) {
            sl_close_connection(c);
            continue;
        }

        *log = ls->log;
        c->log = log;
        c->read->log = log;
        c->write->log = log;

        sl_memcpy(&c->sockaddr, &sa, socklen);
        c->socklen = socklen;
        c->listening = ls;
        c->number = sl_connection_counter++;
        c->start_msec = sl_current_msec;
        log->connection = c->number;

        len = sl_sock_ntop((struct sockaddr *) &sa, socklen, text,
                           sizeof(text), 0);
        c->addr_text.data = sl_pnalloc(c->pool, len);
        if (c->addr_text.data == NULL) {
            sl_close_connection(c);
            continue;
        }

        sl_memcpy(c->addr_text.data, text, len);
        c->addr_text.len = len;

        sl_log_error(SL_LOG_INFO, log, 0,
                     "client %.*s:%u connected to %.*s",
                     SL_STR_ARG(&c->addr_text),
                     (unsigned) sl_inet_get_port((struct sockaddr *) &sa),
                     SL_STR_ARG(&ls->addr_text));

        if (sl_event_add_conn(c) != SL_OK) {
            sl_close_connection(c);
            continue;
        }

        if (ls->ssl) {
            sl_ssl_accept(c, ls->ssl);
            continue;
        }

        ls->handler(c);
    }

    return;

pause:

    /* out of descriptors or connections: try again in a moment */
    sl_disable_accept_events((sl_cycle_t *) sl_cycle);
    sl_event_add_timer(&accept_resume_ev, 100);
}


static void
sl_event_resume_accept(sl_event_t *ev sl_unused)
{
    if (!sl_exiting) {
        (void) sl_enable_accept_events((sl_cycle_t *) sl_cycle);
    }
}
