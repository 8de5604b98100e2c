/* Listening sockets and connections. */

#ifndef SL_CONNECTION_H
#define SL_CONNECTION_H

#include <sl_config.h>


/*
 * One listening socket.  Every "listen" gets one per worker (SO_REUSEPORT)
 * so that each worker has its own accept queue.  The master opens them
 * and keeps them across reloads and binary upgrades; a worker accepts
 * only on the sockets of its own slot.
 */
struct sl_listening_s {
    sl_fd_t                    fd;

    struct sockaddr_storage    sockaddr;
    socklen_t                  socklen;
    sl_str_t                   addr_text;     /* "127.0.0.1:8554" */

    int                        backlog;
    int                        sndbuf;        /* 0: the system's */
    sl_uint_t                  worker;        /* the slot that accepts */

    sl_connection_handler_pt   handler;       /* the protocol's */
    void                      *servers;       /* the protocol's conf */
    const char                *protocol;      /* "rtsp", for logs */
    struct sl_ssl_s           *ssl;           /* "listen ... ssl" */

    sl_log_t                   log;
    sl_log_t                  *logp;

    sl_connection_t           *connection;    /* in its worker */
    sl_listening_t            *previous;      /* same socket, old cycle */

    unsigned                   open:1;
    unsigned                   remain:1;      /* kept by the next cycle */
    unsigned                   inherited:1;   /* from the old binary */
    unsigned                   ipv6only:1;
};

struct sl_connection_s {
    void                      *data;          /* the protocol's state */
    sl_event_t                *read;
    sl_event_t                *write;

    sl_fd_t                    fd;

    sl_listening_t            *listening;

    struct sockaddr_storage    sockaddr;      /* the client */
    socklen_t                  socklen;
    sl_str_t                   addr_text;     /* "127.0.0.1" */

    sl_pool_t                 *pool;
    sl_log_t                  *log;
    struct sl_ssl_connection_s  *ssl;         /* TLS, or NULL */

    sl_uint_t                  number;        /* "*N" in the log */
    sl_msec_t                  start_msec;

    unsigned                   destroyed:1;
    unsigned                   listen:1;      /* a listening socket's */
    unsigned                   error:1;
    unsigned                   idle:1;        /* closable at shutdown */
    unsigned                   close:1;       /* the read handler closes */
};


extern sl_uint_t  sl_connection_counter;

/* from "listen": one listening entry, worker slot 0 */
sl_listening_t *sl_create_listening(sl_conf_t *cf,
    const struct sockaddr *sa, socklen_t socklen);
/* copies every slot-0 entry for slots 1..n-1 */
sl_int_t sl_clone_listening(sl_cycle_t *cycle, sl_uint_t n);
/* takes the fds named in $SLUICE (binary upgrade) into cycle->listening */
sl_int_t sl_add_inherited_sockets(sl_cycle_t *cycle);
/* binds what is not open yet; SL_ERROR after logging */
sl_int_t sl_open_listening_sockets(sl_cycle_t *cycle);
void sl_close_listening_sockets(sl_cycle_t *cycle);

/* a free connection for socket s, counted in cycle->connections_active */
sl_connection_t *sl_get_connection(sl_fd_t s, sl_log_t *log);
void sl_free_connection(sl_connection_t *c);
/* closes the socket, drops its events and timers, destroys c->pool */
void sl_close_connection(sl_connection_t *c);
/* closes the idle connections (all: every one) via their read handlers */
void sl_close_connections(sl_cycle_t *cycle, sl_uint_t all);

/*
 * The context a protocol's log handler writes after a message:
 * " while ACTION, client: ADDR, server: ADDR"; returns the new end.
 */
u_char *sl_connection_log_context(sl_connection_t *c, const char *action,
    u_char *p, u_char *last);

/* > 0 bytes, 0 on EOF, SL_AGAIN, SL_ERROR (logged at info) */
ssize_t sl_recv(sl_connection_t *c, u_char *buf, size_t size);
/* bytes written (maybe fewer), SL_AGAIN, SL_ERROR (logged at info) */
ssize_t sl_send(sl_connection_t *c, const u_char *buf, size_t size);
ssize_t sl_writev(sl_connection_t *c, const struct iovec *iov, int n);

#endif /* SL_CONNECTION_H */
