/* Listening sockets and connections. */

#include <sl_config.h>
#include <sl_core.h>


sl_uint_t  sl_connection_counter = 1;


sl_listening_t *
sl_create_listening(sl_conf_t *cf, const struct sockaddr *sa,
    socklen_t socklen)
{
    size_t           len;
    sl_listening_t  *ls;
    u_char           text[SL_SOCKADDR_STRLEN];

    ls = sl_array_push(&cf->cycle->listening);
    if (ls == NULL) {
        return NULL;
    }

    sl_memcpy(&ls->sockaddr, sa, socklen);
    ls->socklen = socklen;

    len = sl_sock_ntop(sa, socklen, text, SL_SOCKADDR_STRLEN, 1);

    ls->addr_text.data = sl_pnalloc(cf->pool, len);
    if (ls->addr_text.data == NULL) {
        return NULL;
    }

    sl_memcpy(ls->addr_text.data, text, len);
    ls->addr_text.len = len;

    ls->fd = SL_INVALID_FILE;
    ls->backlog = 511;
    ls->ipv6only = 1;
    ls->worker = 0;
    ls->logp = cf->cycle->log;

    return ls;
}


/*
 * The listening array is built with slot 0 only; here each entry gets a
 * copy per further worker.  Called once worker_processes is known.
 */
sl_int_t
sl_clone_listening(sl_cycle_t *cycle, sl_uint_t n)
{
    sl_uint_t        i, w, orig;
    sl_listening_t  *ls, *new;

    orig = cycle->listening.nelts;

    for (w = 1; w < n; w++) {
        for (i = 0; i < orig; i++) {
            new = sl_array_push(&cycle->listening);
            if (new == NULL) {
                return SL_ERROR;
            }

            ls = cycle->listening.elts;     /* the push may move it */
            *new = ls[i];
            new->worker = w;
        }
    }

    return SL_OK;
}


/*
 * A new binary started by USR2 receives the listening sockets as
 * SLUICE="fd:slot;fd:slot;".  Each becomes an inherited entry that the
 * first cycle matches by address and slot.
 */
sl_int_t
sl_add_inherited_sockets(sl_cycle_t *cycle)
{
    u_char          *p, *v;
    sl_int_t         fd, slot;
    sl_listening_t  *ls;
    size_t           len;
    u_char           text[SL_SOCKADDR_STRLEN];

    v = (u_char *) getenv(SLUICE_VAR);
    if (v == NULL) {
        return SL_OK;
    }

    sl_log_error(SL_LOG_NOTICE, cycle->log, 0,
                 "using inherited sockets from \"%s\"", (char *) v);

    for (p = v; *p; /* void */) {
        fd = 0;
        while (*p >= '0' && *p <= '9') {
            fd = fd * 10 + (*p++ - '0');
        }

        if (*p++ != ':') {
            goto invalid;
        }

        slot = 0;
        while (*p >= '0' && *p <= '9') {
            slot = slot * 10 + (*p++ - '0');
        }

        if (*p++ != ';') {
            goto invalid;
        }

        ls = sl_array_push(&cycle->listening);
        if (ls == NULL) {
            return SL_ERROR;
        }

        ls->fd = (sl_fd_t) fd;
        ls->worker = slot;
        ls->inherited = 1;
        ls->socklen = sizeof(struct sockaddr_storage);

        if (getsockname(fd, (struct sockaddr *) &ls->sockaddr, &ls->socklen)
            == -1)
        {
            sl_log_error(SL_LOG_CRIT, cycle->log, errno,
                         "getsockname() of the inherited socket #%d failed",
                         (int) fd);
            ls->fd = SL_INVALID_FILE;
            continue;
        }

        len = sl_sock_ntop((struct sockaddr *) &ls->sockaddr, ls->socklen,
                           text, sizeof(text), 1);
        ls->addr_text.data = sl_pnalloc(cycle->pool, len);
        if (ls->addr_text.data == NULL) {
            return SL_ERROR;
        }

        sl_memcpy(ls->addr_text.data, text, len);
        ls->addr_text.len = len;
        ls->open = 1;
    }

    return SL_OK;

invalid:

    sl_log_error(SL_LOG_EMERG, cycle->log, 0,
                 "invalid socket list in environment variable \"%s\", "
                 "ignoring the rest", SLUICE_VAR);

    return SL_OK;
}


static sl_int_t
sl_open_listening(sl_cycle_t *cycle, sl_listening_t *ls)
{
    int      s, on;
    sl_err_t err;

    s = socket(ls->sockaddr.ss_family,
               SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s == -1) {
        sl_log_error(SL_LOG_EMERG, cycle->log, errno, "socket() %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        return SL_ERROR;
    }

    on = 1;

    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(int)) == -1
        || setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(int)) == -1)
    {
        err = errno;
        sl_log_error(SL_LOG_EMERG, cycle->log, err,
                     "setsockopt(SO_REUSEADDR/SO_REUSEPORT) %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        goto failed;
    }

    if (ls->sockaddr.ss_family == AF_INET6) {
        on = ls->ipv6only;

        if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(int)) == -1) {
            err = errno;
            sl_log_error(SL_LOG_EMERG, cycle->log, err,
                         "setsockopt(IPV6_V6ONLY) %.*s failed",
                         SL_STR_ARG(&ls->addr_text));
            goto failed;
        }
    }

    /* accepted sockets inherit it: a bound on what one client queues */
    if (ls->sndbuf
        && setsockopt(s, SOL_SOCKET, SO_SNDBUF, &ls->sndbuf, sizeof(int)) == -1)
    {
        sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                     "setsockopt(SO_SNDBUF, %d) %.*s failed, ignored",
                     ls->sndbuf, SL_STR_ARG(&ls->addr_text));
    }

    if (bind(s, (struct sockaddr *) &ls->sockaddr, ls->socklen) == -1) {
        err = errno;
        sl_log_error(SL_LOG_EMERG, cycle->log, err, "bind() to %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        goto failed;
    }

    if (listen(s, ls->backlog) == -1) {
        err = errno;
        sl_log_error(SL_LOG_EMERG, cycle->log, err, "listen() to %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        goto failed;
    }

    ls->fd = s;
    ls->open = 1;

    return SL_OK;

failed:

    (void) close(s);
    return SL_ERROR;
}


/*
 * SO_REUSEPORT lets any process of the same user bind the same address
 * and silently take a share of its connections: a second server started
 * by mistake would.  Before the first socket of an address is opened, a
 * plain bind (SO_REUSEADDR only, so TIME_WAIT does not count) shows
 * whether something listens there already.
 */
static sl_int_t
sl_probe_listening(sl_cycle_t *cycle, sl_listening_t *ls)
{
    int       s, on;
    sl_err_t  err;

    s = socket(ls->sockaddr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s == -1) {
        sl_log_error(SL_LOG_EMERG, cycle->log, errno, "socket() %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        return SL_ERROR;
    }

    on = 1;
    (void) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(int));

    if (ls->sockaddr.ss_family == AF_INET6) {
        on = ls->ipv6only;
        (void) setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(int));
    }

    if (bind(s, (struct sockaddr *) &ls->sockaddr, ls->socklen) == -1) {
        err = errno;
        (void) close(s);
        sl_log_error(SL_LOG_EMERG, cycle->log, err, "bind() to %.*s failed",
                     SL_STR_ARG(&ls->addr_text));
        return SL_ERROR;
    }

    (void) close(s);

    return SL_OK;
}


/* is a socket of the same address open in the cycle already? */
static sl_uint_t
sl_listening_held(sl_cycle_t *cycle, sl_listening_t *ls)
{
    sl_uint_t        i;
    sl_listening_t  *all;

    all = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (&all[i] != ls && all[i].fd != SL_INVALID_FILE
            && sl_cmp_sockaddr((struct sockaddr *) &all[i].sockaddr,
                               all[i].socklen,
                               (struct sockaddr *) &ls->sockaddr,
                               ls->socklen, 1) == SL_OK)
        {
            return 1;
        }
    }

    return 0;
}


sl_int_t
sl_open_listening_sockets(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_listening_t  *ls;

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].fd != SL_INVALID_FILE) {
            continue;
        }

        if (!sl_listening_held(cycle, &ls[i])
            && sl_probe_listening(cycle, &ls[i]) != SL_OK)
        {
            return SL_ERROR;
        }

        if (sl_open_listening(cycle, &ls[i]) != SL_OK) {
            return SL_ERROR;
        }
    }

    return SL_OK;
}


void
sl_close_listening_sockets(sl_cycle_t *cycle)
{
    sl_uint_t        i;
    sl_listening_t  *ls;

    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].fd == SL_INVALID_FILE) {
            continue;
        }

        if (close(ls[i].fd) == -1) {
            sl_log_error(SL_LOG_ALERT, cycle->log, errno,
                         "close() socket %.*s failed",
                         SL_STR_ARG(&ls[i].addr_text));
        }

        ls[i].fd = SL_INVALID_FILE;
    }
}


sl_connection_t *
sl_get_connection(sl_fd_t s, sl_log_t *log)
{
    sl_uint_t         instance;
    sl_event_t       *rev, *wev;
    sl_connection_t  *c;
    sl_cycle_t       *cycle;

    cycle = (sl_cycle_t *) sl_cycle;

    if ((sl_uint_t) s >= cycle->files_n) {
        sl_log_error(SL_LOG_ALERT, log, 0,
                     "the new socket has number %d, but only %lu files "
                     "are available", s, (unsigned long) cycle->files_n);
        return NULL;
    }

    c = cycle->free_connections;

    if (c == NULL) {
        sl_log_error(SL_LOG_ALERT, log, 0,
                     "%lu worker_connections are not enough",
                     (unsigned long) cycle->connection_n);
        return NULL;
    }

    cycle->free_connections = c->data;
    cycle->free_connection_n--;
    cycle->connections_active++;

    cycle->files[s] = c;

    rev = c->read;
    wev = c->write;

    sl_memzero(c, sizeof(sl_connection_t));

    c->read = rev;
    c->write = wev;
    c->fd = s;
    c->log = log;

    instance = rev->instance;

    sl_memzero(rev, sizeof(sl_event_t));
    sl_memzero(wev, sizeof(sl_event_t));

    rev->instance = !instance;
    wev->instance = !instance;

    rev->data = c;
    wev->data = c;
    wev->write = 1;

    return c;
}


void
sl_free_connection(sl_connection_t *c)
{
    sl_cycle_t  *cycle;

    cycle = (sl_cycle_t *) sl_cycle;

    c->data = cycle->free_connections;
    cycle->free_connections = c;
    cycle->free_connection_n++;

    if (cycle->files && c->fd != SL_INVALID_FILE) {
        cycle->files[c->fd] = NULL;
    }
}


void
sl_close_connection(sl_connection_t *c)
{
    sl_fd_t     fd;
    sl_pool_t  *pool;

    if (c->fd == SL_INVALID_FILE) {
        sl_log_error(SL_LOG_ALERT, c->log, 0, "connection already closed");
        return;
    }

    if (c->ssl) {
        sl_ssl_close(c);
    }

    sl_event_del_timer(c->read);
    sl_event_del_timer(c->write);

    if (c->read->posted) {
        sl_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        sl_delete_posted_event(c->write);
    }

    c->read->closed = 1;
    c->write->closed = 1;

    if (!c->listen) {
        sl_cycle->connections_active--;
    }

    /* closing the fd removes it from epoll */
    fd = c->fd;
    pool = c->pool;

    sl_free_connection(c);

    c->fd = SL_INVALID_FILE;
    c->pool = NULL;
    c->destroyed = 1;

    if (close(fd) == -1) {
        sl_log_error(SL_LOG_ALERT, c->log, errno, "close() socket %d failed",
                     fd);
    }

    /* the log may live in the pool: nothing may log through it after */
    c->log = sl_cycle->log;

    if (pool) {
        sl_destroy_pool(pool);
    }
}


/*
 * Asks connections to close through their read handler (which sees
 * c->close): the idle ones, or every one but the listening sockets.
 */
void
sl_close_connections(sl_cycle_t *cycle, sl_uint_t all)
{
    sl_uint_t         i;
    sl_connection_t  *c;

    c = cycle->connections;

    for (i = 0; i < cycle->connection_n; i++) {
        if (c[i].fd == SL_INVALID_FILE || c[i].listen
            || c[i].read->handler == NULL || !(all || c[i].idle))
        {
            continue;
        }

        c[i].close = 1;
        c[i].read->handler(c[i].read);
    }
}


ssize_t
sl_recv(sl_connection_t *c, u_char *buf, size_t size)
{
    ssize_t  n;

    if (c->ssl) {
        return sl_ssl_recv(c, buf, size);
    }

    for ( ;; ) {
        n = recv(c->fd, buf, size, 0);

        if (n > 0) {
            if ((size_t) n < size) {
                c->read->ready = 0;
            }

            return n;
        }

        if (n == 0) {
            c->read->ready = 0;
            c->read->eof = 1;
            return 0;
        }

        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            c->read->ready = 0;
            return SL_AGAIN;
        }

        if (errno == EINTR) {
            continue;
        }

        c->read->error = 1;
        sl_log_error(SL_LOG_INFO, c->log, errno, "recv() failed");

        return SL_ERROR;
    }
}


ssize_t
sl_send(sl_connection_t *c, const u_char *buf, size_t size)
{
    struct iovec  iov;

    iov.iov_base = (void *) buf;
    iov.iov_len = size;

    return sl_writev(c, &iov, 1);
}


/* SIGPIPE is ignored in every process: a closed peer gives EPIPE here */
ssize_t
sl_writev(sl_connection_t *c, const struct iovec *iov, int n)
{
    int      i;
    size_t   size;
    ssize_t  sent;

    if (c->ssl) {
        return sl_ssl_writev(c, iov, n);
    }

    size = 0;

    for (i = 0; i < n; i++) {
        size += iov[i].iov_len;
    }

    for ( ;; ) {
        sent = writev(c->fd, iov, n);

        if (sent >= 0) {
            if ((size_t) sent < size) {
                c->write->ready = 0;
            }

            return sent;
        }

        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            c->write->ready = 0;
            return SL_AGAIN;
        }

        if (errno == EINTR) {
            continue;
        }

        c->write->error = 1;
        sl_log_error(SL_LOG_INFO, c->log, errno, "writev() failed");

        return SL_ERROR;
    }
}


u_char *
sl_connection_log_context(sl_connection_t *c, const char *action, u_char *p,
    u_char *last)
{
    if (action) {
        p = sl_slprintf(p, last, " while %s", action);
    }

    return sl_slprintf(p, last, ", client: %.*s, server: %.*s",
                       SL_STR_ARG(&c->addr_text),
                       SL_STR_ARG(&c->listening->addr_text));
}
