/*
 * Pulled sources, the shared part: "source URL" read and its host
 * resolved with the configuration; in the worker that pulls, one
 * non-blocking connection at a time on the event loop, the scheme's
 * requests out and its input in, the point's live writer (or a sink),
 * and the attempts again after a delay when the upstream is lost
 * (sl_pp_pull.h).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_streaming.h>
#include <sl_pp_pull.h>
#include <netdb.h>


static const sl_pp_pull_proto_t *sl_pp_pull_find_proto(
    const sl_str_t *scheme, sl_uint_t *tls);
static in_port_t sl_pp_pull_port(const sl_pp_pull_t *pl, in_port_t port);
static sl_int_t sl_pp_pull_handshake(sl_pp_pull_t *pl);
static void sl_pp_pull_retry(sl_event_t *ev);
static void sl_pp_pull_connect(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_connected(sl_pp_pull_t *pl);
static void sl_pp_pull_read(sl_event_t *rev);
static void sl_pp_pull_write_handler(sl_event_t *wev);
static void sl_pp_pull_timer(sl_event_t *ev);
static sl_int_t sl_pp_pull_flush(sl_pp_pull_t *pl);
static void sl_pp_pull_close(sl_pp_pull_t *pl);
static void sl_pp_pull_lost(sl_pp_pull_t *pl);
static void sl_pp_pull_set_addr(sl_pp_pull_t *pl,
    const struct sockaddr *sa, socklen_t socklen);
static u_char *sl_pp_pull_log_context(sl_log_t *log, u_char *buf,
    size_t len);


/*
 * A URL to pull: the scheme must be one this build pulls; the host is
 * resolved now, so that no worker ever waits on DNS (a changed address
 * is taken by a reload).
 */
char *
sl_pp_pull_configure(sl_conf_t *cf, const char *what, const sl_str_t *url,
    sl_pp_pull_conf_t *pc)
{
    int                    rc;
    u_char                 host[256];
    in_port_t              port;
    sl_uint_t              n, tls;
    sl_pp_pull_main_conf_t  *pmcf;
    struct addrinfo        hints, *res, *ai;
    struct sockaddr_in    *sin;
    struct sockaddr_in6   *sin6;

    pc->url = *url;

    if (sl_parse_url(url, &pc->u) != SL_OK) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid %s URL \"" SL_STR_FMT "\": %s", what,
                          SL_STR_ARG(url), pc->u.error);
        return SL_CONF_ERROR;
    }

    pc->proto = sl_pp_pull_find_proto(&pc->u.scheme, &tls);

    if (pc->proto == NULL) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "invalid %s: this build pulls no \"" SL_STR_FMT
                          "\" URLs", what, SL_STR_ARG(&pc->u.scheme));
        return SL_CONF_ERROR;
    }

    if (pc->u.userinfo.len) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "a user and password in the %s URL are not "
                          "supported", what);
        return SL_CONF_ERROR;
    }

    if (pc->u.host.len >= sizeof(host)) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "the host of the %s URL is too long", what);
        return SL_CONF_ERROR;
    }

    if (tls) {
        pmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                      sl_pp_broadcast_module);
        pmcf->needed = 1;
        pc->tls = &pmcf->tls;
    }

    port = pc->u.port ? pc->u.port
                      : (tls ? pc->proto->tls_port : pc->proto->default_port);

    sl_memcpy(host, pc->u.host.data, pc->u.host.len);
    host[pc->u.host.len] = '\0';

    sl_memzero(&hints, sizeof(struct addrinfo));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;

    rc = getaddrinfo((char *) host, NULL, &hints, &res);

    if (rc != 0) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "host \"%s\" of the %s URL not found: %s",
                          host, what, gai_strerror(rc));
        return SL_CONF_ERROR;
    }

    n = 0;

    for (ai = res; ai && n < SL_PP_PULL_MAX_ADDRS; ai = ai->ai_next) {

        if (ai->ai_family == AF_INET) {
            sl_memcpy(&pc->addrs[n], ai->ai_addr, sizeof(struct sockaddr_in));
            sin = (struct sockaddr_in *) &pc->addrs[n];
            sin->sin_port = htons(port);
            pc->socklens[n++] = sizeof(struct sockaddr_in);

        } else if (ai->ai_family == AF_INET6) {
            sl_memcpy(&pc->addrs[n], ai->ai_addr,
                      sizeof(struct sockaddr_in6));
            sin6 = (struct sockaddr_in6 *) &pc->addrs[n];
            sin6->sin6_port = htons(port);
            pc->socklens[n++] = sizeof(struct sockaddr_in6);
        }
    }

    freeaddrinfo(res);

    if (n == 0) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "host \"%s\" of the %s URL has no IPv4 or IPv6 "
                          "address", host, what);
        return SL_CONF_ERROR;
    }

    pc->naddrs = n;

    return SL_CONF_OK;
}


/* the scheme's protocol; *tls: 1 for its TLS form ("https") */
static const sl_pp_pull_proto_t *
sl_pp_pull_find_proto(const sl_str_t *scheme, sl_uint_t *tls)
{
    sl_uint_t             i;
    sl_pp_pull_module_t  *pm;

    for (i = 0; sl_modules[i]; i++) {
        if (sl_modules[i]->type != SL_PP_PULL_MODULE) {
            continue;
        }

        pm = sl_modules[i]->ctx;

        if (sl_str_caseeq(scheme, pm->proto->scheme)) {
            *tls = 0;
            return pm->proto;
        }

        if (pm->proto->tls_scheme
            && sl_str_caseeq(scheme, pm->proto->tls_scheme))
        {
            *tls = 1;
            return pm->proto;
        }
    }

    return NULL;
}


/* a URL's port, or its scheme's */
static in_port_t
sl_pp_pull_port(const sl_pp_pull_t *pl, in_port_t port)
{
    if (port) {
        return port;
    }

    return pl->conf->tls ? pl->proto->tls_port : pl->proto->default_port;
}


/*
 * source_ssl_trusted_certificate FILE: the authorities (PEM) that https://
 * and rtsps:// origins are verified against, instead of the system's.
 */
char *
sl_pp_pull_trusted(sl_conf_t *cf, sl_command_t *cmd sl_unused, void *conf)
{
    sl_str_t                *value;
    sl_pp_pull_main_conf_t  *pmcf = conf;

    if (pmcf->trusted.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    pmcf->trusted = value[1];
    pmcf->file = cf->conf_file->file.name;
    pmcf->line = cf->conf_file->line;

    if (value[1].len == 0
        || sl_conf_full_name(cf->cycle, &pmcf->trusted, 0) != SL_OK)
    {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "invalid value in "
                          "\"source_ssl_trusted_certificate\"");
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


sl_int_t
sl_pp_pull_init_tls(sl_conf_t *cf, sl_pp_pull_main_conf_t *pmcf)
{
    u_char  err[SL_MAX_ERROR_STR];

    if (!pmcf->needed) {
        return SL_OK;
    }

    if (sl_ssl_create_client(&pmcf->tls, pmcf->trusted.data
                                         ? (char *) pmcf->trusted.data : NULL,
                             cf->pool, err, sizeof(err))
        != SL_OK)
    {
        if (pmcf->trusted.data) {
            sl_log_error(SL_LOG_EMERG, cf->log, 0, "%s in " SL_STR_FMT ":%lu",
                         err, SL_STR_ARG(&pmcf->file),
                         (unsigned long) pmcf->line);

        } else {
            sl_log_error(SL_LOG_EMERG, cf->log, 0, "%s", err);
        }

        return SL_ERROR;
    }

    return SL_OK;
}


sl_pp_pull_t *
sl_pp_pull_start(sl_cycle_t *cycle, sl_live_t *lv,
    const sl_pp_pull_conf_t *pc, const sl_pp_pull_sink_t *sink, void *data)
{
    sl_pool_t     *pool;
    sl_pp_pull_t  *pl;

    pool = sl_create_pool(4096, cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    pl = sl_pcalloc(pool, sizeof(sl_pp_pull_t));
    if (pl == NULL) {
        goto failed;
    }

    pl->pool = pool;
    pl->live = lv;
    pl->sink = sink;
    pl->sink_data = data;
    pl->conf = pc;
    pl->proto = pc->proto;
    pl->url = pc->url;
    pl->u = pc->u;

    pl->in = sl_pnalloc(pool, SL_PP_PULL_IN);
    pl->out = sl_pnalloc(pool, SL_PP_PULL_OUT);

    if (pl->in == NULL || pl->out == NULL) {
        goto failed;
    }

    pl->log = *cycle->log;
    pl->log.handler = sl_pp_pull_log_context;
    pl->log.data = pl;
    pl->log.action = "pulling";

    pl->retry.handler = sl_pp_pull_retry;
    pl->retry.data = pl;
    pl->retry.log = &pl->log;
    pl->retry.cancelable = 1;

    pl->timer.handler = sl_pp_pull_timer;
    pl->timer.data = pl;
    pl->timer.log = &pl->log;
    pl->timer.cancelable = 1;

    sl_pp_backoff_init(&pl->backoff, SL_PP_PULL_BACKOFF_MIN,
                       SL_PP_PULL_BACKOFF_MAX);

    sl_event_add_timer(&pl->retry, 1);

    return pl;

failed:

    sl_destroy_pool(pool);
    return NULL;
}


void
sl_pp_pull_stop(sl_pp_pull_t *pl)
{
    pl->stopped = 1;

    sl_pp_pull_close(pl);

    if (pl->retry.timer_set) {
        sl_event_del_timer(&pl->retry);
    }

    sl_destroy_pool(pl->pool);
}


static void
sl_pp_pull_retry(sl_event_t *ev)
{
    sl_pp_pull_t  *pl;

    pl = ev->data;

    /* a worker that is going lets the new one pull */
    if (sl_exiting || sl_quit || sl_terminate || pl->stopped) {
        return;
    }

    sl_pp_pull_connect(pl);
}


static void
sl_pp_pull_connect(sl_pp_pull_t *pl)
{
    int               fd;
    sl_uint_t         i;
    sl_connection_t  *c;

    if (pl->redirects == 0) {
        i = pl->next_addr % pl->conf->naddrs;
        sl_pp_pull_set_addr(pl, (struct sockaddr *) &pl->conf->addrs[i],
                            pl->conf->socklens[i]);
    }

    sl_log_error(SL_LOG_INFO, &pl->log, 0, "pull connecting to %.*s",
                 (int) pl->addr_len, pl->addr_text);

    fd = socket(pl->sockaddr.ss_family,
                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd == -1) {
        (void) sl_pp_pull_error(pl, SL_LOG_ALERT, "socket() failed (%d: %s)",
                                errno, strerror(errno));
        sl_pp_pull_lost(pl);
        return;
    }

    if (connect(fd, (struct sockaddr *) &pl->sockaddr, pl->socklen) == -1
        && errno != EINPROGRESS)
    {
        (void) sl_pp_pull_error(pl, SL_LOG_ERR,
                                "connect() to %.*s failed (%d: %s)",
                                (int) pl->addr_len, pl->addr_text, errno,
                                strerror(errno));
        (void) close(fd);
        sl_pp_pull_lost(pl);
        return;
    }

    c = sl_get_connection(fd, &pl->log);
    if (c == NULL) {
        (void) close(fd);
        (void) sl_pp_pull_error(pl, SL_LOG_ERR, "no free connection");
        sl_pp_pull_lost(pl);
        return;
    }

    pl->connection = c;
    pl->connecting = 1;
    pl->in_len = 0;
    pl->out_len = 0;
    pl->out_sent = 0;

    c->data = pl;
    c->number = sl_connection_counter++;
    c->start_msec = sl_current_msec;
    c->read->handler = sl_pp_pull_read;
    c->write->handler = sl_pp_pull_write_handler;
    c->read->log = &pl->log;
    c->write->log = &pl->log;

    /* a graceful shutdown closes it through the read handler */
    c->idle = 1;

    sl_memcpy(&c->sockaddr, &pl->sockaddr, pl->socklen);
    c->socklen = pl->socklen;

    c->pool = sl_create_pool(4096, &pl->log);

    if (c->pool == NULL
        || (pl->data = sl_pcalloc(c->pool, pl->proto->size)) == NULL
        || sl_event_add_conn(c) != SL_OK)
    {
        (void) sl_pp_pull_error(pl, SL_LOG_ERR, "no memory");
        sl_pp_pull_lost(pl);
        return;
    }

    sl_event_add_timer(c->write, SL_PP_PULL_TIMEOUT);
}


/* the connection is up: the scheme sends its first request */
static sl_int_t
sl_pp_pull_connected(sl_pp_pull_t *pl)
{
    int               err;
    u_char            host[256];
    socklen_t         len;
    sl_connection_t  *c;

    c = pl->connection;

    err = 0;
    len = sizeof(int);

    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
        err = errno;
    }

    if (err) {
        return sl_pp_pull_error(pl, SL_LOG_ERR,
                                "connect() to %.*s failed (%d: %s)",
                                (int) pl->addr_len, pl->addr_text, err,
                                strerror(err));
    }

    pl->connecting = 0;

    if (c->write->timer_set) {
        sl_event_del_timer(c->write);
    }

    sl_log_error(SL_LOG_INFO, &pl->log, 0, "pull connected to %.*s",
                 (int) pl->addr_len, pl->addr_text);

    sl_event_add_timer(c->read, SL_PP_PULL_TIMEOUT);

    if (pl->conf->tls) {
        if (pl->u.host.len >= sizeof(host)) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "host name too long");
        }

        sl_memcpy(host, pl->u.host.data, pl->u.host.len);
        host[pl->u.host.len] = '\0';

        if (sl_ssl_connect(c, pl->conf->tls, (char *) host) != SL_OK) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "no TLS for %.*s",
                                    (int) pl->addr_len, pl->addr_text);
        }

        pl->handshaking = 1;

        return sl_pp_pull_handshake(pl);
    }

    if (pl->proto->start(pl) != SL_OK) {
        return SL_ERROR;
    }

    return sl_pp_pull_flush(pl);
}


/* TLS with the origin, then the scheme's first request */
static sl_int_t
sl_pp_pull_handshake(sl_pp_pull_t *pl)
{
    sl_int_t  rc;

    rc = sl_ssl_handshake_step(pl->connection);

    if (rc == SL_AGAIN) {
        return SL_OK;
    }

    if (rc == SL_ERROR) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "TLS handshake with %.*s "
                                "failed", (int) pl->addr_len, pl->addr_text);
    }

    pl->handshaking = 0;

    if (pl->proto->start(pl) != SL_OK) {
        return SL_ERROR;
    }

    return sl_pp_pull_flush(pl);
}


static void
sl_pp_pull_write_handler(sl_event_t *wev)
{
    sl_connection_t  *c;
    sl_pp_pull_t     *pl;

    c = wev->data;
    pl = c->data;

    if (wev->timedout) {
        (void) sl_pp_pull_error(pl, SL_LOG_ERR, "%s timed out",
                                pl->connecting ? "connect()" : "send()");
        sl_pp_pull_lost(pl);
        return;
    }

    if (pl->connecting) {
        if (sl_pp_pull_connected(pl) != SL_OK) {
            sl_pp_pull_lost(pl);
        }

        return;
    }

    if (pl->handshaking) {
        if (sl_pp_pull_handshake(pl) != SL_OK) {
            sl_pp_pull_lost(pl);
        }

        return;
    }

    if (sl_pp_pull_flush(pl) != SL_OK) {
        sl_pp_pull_lost(pl);
    }
}


static void
sl_pp_pull_read(sl_event_t *rev)
{
    size_t            used;
    ssize_t           n;
    sl_int_t          rc;
    sl_uint_t         i;
    sl_connection_t  *c;
    sl_pp_pull_t     *pl;

    c = rev->data;
    pl = c->data;

    if (c->close) {
        /* the worker is shutting down: the new one pulls */
        sl_pp_pull_close(pl);
        return;
    }

    if (rev->timedout) {
        (void) sl_pp_pull_error(pl, SL_LOG_ERR, "no %s for %d s",
                                pl->started ? "media" : "answer",
                                SL_PP_PULL_TIMEOUT / 1000);
        sl_pp_pull_lost(pl);
        return;
    }

    if (pl->connecting) {
        /* a refused connect() comes as an error on both directions */
        if (sl_pp_pull_connected(pl) != SL_OK) {
            sl_pp_pull_lost(pl);
            return;
        }
    }

    if (pl->handshaking) {
        if (sl_pp_pull_handshake(pl) != SL_OK) {
            sl_pp_pull_lost(pl);
            return;
        }

        if (pl->handshaking) {
            return;
        }
    }

    for (i = 0; i < 16; i++) {

        if (pl->in_len == SL_PP_PULL_IN) {
            (void) sl_pp_pull_error(pl, SL_LOG_ERR,
                                    "the upstream sent a message larger "
                                    "than %d bytes", SL_PP_PULL_IN);
            sl_pp_pull_lost(pl);
            return;
        }

        n = sl_recv(c, pl->in + pl->in_len, SL_PP_PULL_IN - pl->in_len);

        if (n == SL_AGAIN) {
            return;
        }

        if (n == 0) {
            (void) sl_pp_pull_error(pl, SL_LOG_NOTICE,
                                    "the upstream closed the connection");
            sl_pp_pull_lost(pl);
            return;
        }

        if (n == SL_ERROR) {
            (void) sl_pp_pull_error(pl, SL_LOG_ERR, "recv() failed");
            sl_pp_pull_lost(pl);
            return;
        }

        pl->in_len += n;

        used = 0;
        rc = pl->proto->input(pl, pl->in, pl->in_len, &used);

        /* bytes that carry no media (RTCP, garbage) do not keep it up */
        if (pl->alive) {
            pl->alive = 0;
            sl_event_add_timer(rev, SL_PP_PULL_TIMEOUT);
        }

        if (rc == SL_OK) {
            if (used < pl->in_len) {
                memmove(pl->in, pl->in + used, pl->in_len - used);
            }

            pl->in_len -= used;

            rc = sl_pp_pull_flush(pl);
        }

        if (rc == SL_DONE) {
            /* a redirect: the new place at once */
            sl_pp_pull_close(pl);
            sl_pp_pull_connect(pl);
            return;
        }

        if (rc != SL_OK) {
            sl_pp_pull_lost(pl);
            return;
        }

        if (!rev->ready) {
            return;
        }
    }

    /* others get their turn; the rest is read in this loop's next round */
    sl_post_event(rev, &sl_posted_events);
}


static void
sl_pp_pull_timer(sl_event_t *ev)
{
    sl_pp_pull_t  *pl;

    pl = ev->data;

    if (pl->connection == NULL || pl->proto->timer == NULL) {
        return;
    }

    if (pl->proto->timer(pl) != SL_OK || sl_pp_pull_flush(pl) != SL_OK) {
        sl_pp_pull_lost(pl);
    }
}


static sl_int_t
sl_pp_pull_flush(sl_pp_pull_t *pl)
{
    ssize_t           n;
    sl_connection_t  *c;

    c = pl->connection;

    while (pl->out_sent < pl->out_len) {
        n = sl_send(c, pl->out + pl->out_sent, pl->out_len - pl->out_sent);

        if (n == SL_AGAIN) {
            sl_event_add_timer(c->write, SL_PP_PULL_TIMEOUT);
            return SL_OK;
        }

        if (n == SL_ERROR) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "send() failed");
        }

        pl->out_sent += n;
    }

    pl->out_len = 0;
    pl->out_sent = 0;

    if (c->write->timer_set) {
        sl_event_del_timer(c->write);
    }

    return SL_OK;
}


/* the connection goes, with the scheme's last words if any; so does
   the stream */
static void
sl_pp_pull_close(sl_pp_pull_t *pl)
{
    sl_connection_t  *c;

    if (pl->timer.timer_set) {
        sl_event_del_timer(&pl->timer);
    }

    c = pl->connection;

    if (c) {
        /* last words only on a connection that still works */
        if (!pl->connecting && !pl->handshaking && pl->proto->close
            && pl->data
            && !c->read->eof && !c->read->error && !c->write->error)
        {
            pl->proto->close(pl);
            (void) sl_pp_pull_flush(pl);
        }

        sl_close_connection(pl->connection);
        pl->connection = NULL;
        pl->data = NULL;
    }

    pl->connecting = 0;
    pl->handshaking = 0;

    if (pl->writer.token) {
        sl_live_unpublish(&pl->writer);
    }

    pl->started = 0;
}


/*
 * Logs why and lets the stream go; tries again after the backoff, or,
 * with a sink, tells it the stream ended.
 */
static void
sl_pp_pull_lost(sl_pp_pull_t *pl)
{
    sl_msec_t  lasted, delay;

    lasted = pl->started ? sl_current_msec - pl->started : 0;

    if (pl->started) {
        sl_log_error(pl->why_level, &pl->log, 0,
                     "pull lost after %llu s: %.*s",
                     (unsigned long long) (lasted / 1000),
                     (int) pl->why_len, pl->why);

    } else {
        sl_log_error(pl->why_level, &pl->log, 0, "pull failed: %.*s",
                     (int) pl->why_len, pl->why);
    }

    sl_pp_pull_close(pl);

    /* a redirect holds for one attempt: the next starts at the URL */
    pl->url = pl->conf->url;
    pl->u = pl->conf->u;
    pl->redirects = 0;
    pl->next_addr++;

    if (pl->sink) {
        pl->sink->end(pl->sink_data);
        return;
    }

    if (pl->stopped || sl_exiting || sl_quit || sl_terminate) {
        return;
    }

    sl_pp_backoff_ended(&pl->backoff, lasted, SL_PP_PULL_STABLE);
    delay = sl_pp_backoff_next(&pl->backoff);

    sl_log_error(SL_LOG_NOTICE, &pl->log, 0,
                 "pull: next attempt in %llu.%llu s (%lu in a row)",
                 (unsigned long long) (delay / 1000),
                 (unsigned long long) (delay % 1000 / 100),
                 (unsigned long) pl->backoff.failures);

    sl_event_add_timer(&pl->retry, delay);
}


sl_int_t
sl_pp_pull_send(sl_pp_pull_t *pl, const char *fmt, ...)
{
    u_char   *p, *last;
    va_list   args;

    p = pl->out + pl->out_len;
    last = pl->out + SL_PP_PULL_OUT;

    va_start(args, fmt);
    p = sl_vslprintf(p, last, fmt, args);
    va_end(args);

    /* a request that fills the buffer may have been cut */
    if (p >= last - 1) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "a request too long for "
                                "%d bytes", SL_PP_PULL_OUT);
    }

    pl->out_len = p - pl->out;

    return SL_OK;
}


sl_int_t
sl_pp_pull_error(sl_pp_pull_t *pl, sl_uint_t level, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = sl_vslprintf(pl->why, pl->why + sizeof(pl->why), fmt, args);
    va_end(args);

    pl->why_len = p - pl->why;
    pl->why_level = level;

    return SL_ERROR;
}


sl_int_t
sl_pp_pull_response(sl_pp_pull_t *pl, const u_char *buf, size_t len,
    sl_pp_pull_response_t *r)
{
    sl_int_t  rc;

    rc = sl_pp_pull_parse_response(buf, len, r);

    if (rc == SL_AGAIN) {
        if (len > SL_PP_PULL_HEAD_MAX) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a "
                                    "response head longer than %d bytes",
                                    SL_PP_PULL_HEAD_MAX);
        }

        return SL_AGAIN;
    }

    if (rc != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a bad "
                                "response: %s", r->error);
    }

    pl->alive = 1;

    return SL_OK;
}


/*
 * Location: an absolute URL of the same scheme, or a path on the same
 * server.  Its host must be an address or the configured host: names
 * are resolved only with the configuration.
 */
sl_int_t
sl_pp_pull_redirect(sl_pp_pull_t *pl, const sl_str_t *location)
{
    u_char               *p, tmp[SL_PP_PULL_URL_MAX];
    sl_uint_t             i;
    in_addr_t             in;
    const char           *scheme;
    in_port_t             port;
    sl_str_t              url;
    sl_url_t              u;
    struct sockaddr_in    sin;
    struct sockaddr_in6   sin6;

    if (pl->redirects >= SL_PP_PULL_REDIRECTS) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "more than %d redirects",
                                SL_PP_PULL_REDIRECTS);
    }

    /* the current URL may be in url_data: the new one is built aside */

    if (location->len && location->data[0] == '/') {
        p = sl_slprintf(tmp, tmp + sizeof(tmp), "%.*s://%.*s%.*s",
                        SL_STR_ARG(&pl->u.scheme),
                        SL_STR_ARG(&pl->u.authority), SL_STR_ARG(location));

    } else {
        p = sl_slprintf(tmp, tmp + sizeof(tmp), "%.*s",
                        SL_STR_ARG(location));
    }

    if (p >= tmp + sizeof(tmp) - 1) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "redirected to a URL too "
                                "long");
    }

    sl_memcpy(pl->url_data, tmp, p - tmp);
    p = pl->url_data + (p - tmp);

    url.data = pl->url_data;
    url.len = p - pl->url_data;

    if (sl_parse_url(&url, &u) != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "redirected to \"%.*s\": %s",
                                SL_STR_ARG(&url), u.error);
    }

    scheme = pl->conf->tls ? pl->proto->tls_scheme : pl->proto->scheme;

    if (!sl_str_caseeq(&u.scheme, scheme) || u.userinfo.len) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "redirected to \"%.*s\", "
                                "which is not a %s URL without a user",
                                SL_STR_ARG(&url), scheme);
    }

    port = sl_pp_pull_port(pl, u.port);

    in = u.ipv6 ? INADDR_NONE : sl_inet_addr(u.host.data, u.host.len);

    if (in != INADDR_NONE) {
        sl_memzero(&sin, sizeof(struct sockaddr_in));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = in;
        sin.sin_port = htons(port);
        sl_pp_pull_set_addr(pl, (struct sockaddr *) &sin, sizeof(sin));

    } else if (u.ipv6) {
        sl_memzero(&sin6, sizeof(struct sockaddr_in6));
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port);

        if (sl_inet6_addr(u.host.data, u.host.len, sin6.sin6_addr.s6_addr)
            != SL_OK)
        {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "redirected to a bad "
                                    "address");
        }

        sl_pp_pull_set_addr(pl, (struct sockaddr *) &sin6, sizeof(sin6));

    } else if (u.host.len == pl->conf->u.host.len
               && sl_strncasecmp(u.host.data, pl->conf->u.host.data,
                                 u.host.len) == 0)
    {
        i = pl->next_addr % pl->conf->naddrs;
        sl_memcpy(&sin6, &pl->conf->addrs[i], sizeof(sin6));
        ((struct sockaddr_in *) &sin6)->sin_port = htons(port);
        sl_pp_pull_set_addr(pl, (struct sockaddr *) &sin6,
                            pl->conf->socklens[i]);

    } else {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "redirected to host "
                                "\"%.*s\", which was not resolved with the "
                                "configuration", SL_STR_ARG(&u.host));
    }

    pl->url = url;
    pl->u = u;
    pl->redirects++;

    sl_log_error(SL_LOG_INFO, &pl->log, 0, "pull redirected to \"%.*s\"",
                 SL_STR_ARG(&url));

    return SL_DONE;
}


sl_int_t
sl_pp_pull_publish(sl_pp_pull_t *pl, const char *what)
{
    sl_int_t  rc;

    rc = pl->sink ? SL_OK : sl_live_publish(pl->live, &pl->writer, 0,
                                            &pl->log);

    if (rc == SL_BUSY) {
        return sl_pp_pull_error(pl, SL_LOG_NOTICE, "\"%.*s\" has another "
                                "source", SL_STR_ARG(&pl->live->name));
    }

    if (rc != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the point cannot be "
                                "published");
    }

    pl->started = sl_current_msec;

    sl_log_error(SL_LOG_NOTICE, &pl->log, 0,
                 "pull connected to %.*s, receiving %s",
                 (int) pl->addr_len, pl->addr_text, what);

    return SL_OK;
}


sl_int_t
sl_pp_pull_set_tracks(sl_pp_pull_t *pl, const sl_media_track_t *tracks,
    sl_uint_t n, const char *format)
{
    sl_int_t  rc;

    rc = pl->sink ? pl->sink->tracks(pl->sink_data, tracks, n, format)
                  : sl_live_set_tracks(&pl->writer, tracks, n, format);

    if (rc != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the tracks of the stream "
                                "cannot be described");
    }

    return SL_OK;
}


void
sl_pp_pull_set_title(sl_pp_pull_t *pl, const sl_str_t *title)
{
    if (pl->sink) {
        pl->sink->title(pl->sink_data, title);

    } else {
        sl_live_set_title(&pl->writer, title);
    }
}


sl_int_t
sl_pp_pull_write(sl_pp_pull_t *pl, const sl_media_unit_t *mu)
{
    sl_int_t  rc;

    rc = pl->sink ? pl->sink->unit(pl->sink_data, mu)
                  : sl_live_write(&pl->writer, mu);

    if (rc == SL_ABORT) {
        return sl_pp_pull_error(pl, SL_LOG_NOTICE, "another source took "
                                "\"%.*s\" over",
                                SL_STR_ARG(&pl->live->name));
    }

    pl->alive = 1;

    return SL_OK;
}


static void
sl_pp_pull_set_addr(sl_pp_pull_t *pl, const struct sockaddr *sa,
    socklen_t socklen)
{
    sl_memcpy(&pl->sockaddr, sa, socklen);
    pl->socklen = socklen;
    pl->addr_len = sl_sock_ntop(sa, socklen, pl->addr_text,
                                sizeof(pl->addr_text),
                                sl_inet_get_port(sa));
}


static u_char *
sl_pp_pull_log_context(sl_log_t *log, u_char *buf, size_t len)
{
    u_char        *p, *last;
    sl_pp_pull_t  *pl;

    pl = log->data;

    p = buf;
    last = buf + len;

    if (log->action) {
        p = sl_slprintf(p, last, " while %s", log->action);
    }

    return sl_slprintf(p, last, ", upstream: %.*s, publishing point: %.*s",
                       SL_STR_ARG(&pl->url), SL_STR_ARG(&pl->live->name));
}
