/*
 * TLS over OpenSSL for accepted connections: one context per server
 * (certificates, protocols, ciphers, session tickets) and the per
 * connection state behind sl_recv(), sl_send() and sl_writev().
 */

#ifndef SL_SSL_H
#define SL_SSL_H

#include <sl_config.h>
#include <sl_core.h>


/* ssl_protocols */
#define SL_SSL_TLSv1    0x0002
#define SL_SSL_TLSv1_1  0x0004
#define SL_SSL_TLSv1_2  0x0008
#define SL_SSL_TLSv1_3  0x0010

#define SL_SSL_DEFAULT_PROTOCOLS  (SL_SSL_TLSv1_2 | SL_SSL_TLSv1_3)
#define SL_SSL_DEFAULT_CIPHERS    "HIGH:!aNULL:!MD5"

/* bytes of application data in one TLS record */
#define SL_SSL_RECORD   16384


typedef struct sl_ssl_s             sl_ssl_t;
typedef struct sl_ssl_connection_s  sl_ssl_connection_t;

struct sl_ssl_s {
    void                      *ctx;           /* SSL_CTX */
    sl_msec_t                  handshake_timeout;
    size_t                     buffer_size;   /* bytes gathered into one
                                                 record; 0: SL_SSL_RECORD */
};


/*
 * A context for servers, freed with the pool (connections keep their
 * own reference to it, so a reload never cuts a running stream).  The
 * failing calls write why into err (NUL-terminated) for the caller to
 * report with the directive's file:line.
 */
sl_int_t sl_ssl_create(sl_ssl_t *ssl, sl_uint_t protocols, sl_pool_t *pool,
    u_char *err, size_t len);
/*
 * A context for connections Sluice makes (pulls from https:// and
 * rtsps:// origins): TLSv1.2 and TLSv1.3, the peer's chain verified
 * against cafile (PEM), or the system's certificate authorities when
 * cafile is NULL, and its name against the host of the URL.
 */
sl_int_t sl_ssl_create_client(sl_ssl_t *ssl, const char *cafile,
    sl_pool_t *pool, u_char *err, size_t len);

/*
 * A PEM chain, then its key: a key that is not the chain's is an error.
 * passwords: NULL for a key in clear, or the text of a password file
 * whose lines are tried in turn on an encrypted key (OpenSSL never asks
 * at a terminal).
 */
sl_int_t sl_ssl_certificate(sl_ssl_t *ssl, const char *cert, u_char *err,
    size_t len);
sl_int_t sl_ssl_certificate_key(sl_ssl_t *ssl, const char *key,
    const sl_str_t *passwords, u_char *err, size_t len);
/* the cipher list of TLSv1.2 and below, OpenSSL's syntax ("HIGH:!aNULL") */
sl_int_t sl_ssl_ciphers(sl_ssl_t *ssl, const char *ciphers, u_char *err,
    size_t len);
/*
 * Stateless session tickets, sealed with the context's
 * ssl_session_ticket_key files when it has some, else with the process's
 * ticket keys.
 */
sl_int_t sl_ssl_session_tickets(sl_ssl_t *ssl, sl_uint_t on, u_char *err,
    size_t len);
/*
 * A ticket key from file (80 bytes, nginx's layout); the first one added
 * seals, every one opens.  Errors name the file.
 */
sl_int_t sl_ssl_session_ticket_key(sl_ssl_t *ssl, const char *file,
    u_char *err, size_t len);

/*
 * A new ticket key for every configuration taken (the first one made by
 * sl_ssl_session_tickets() when there is none yet): tickets are sealed
 * with the newest and opened with the newest three, so clients resume
 * across two reloads and a stolen key stops working after three.
 */
sl_int_t sl_ssl_rotate_ticket_keys(u_char *err, size_t len);

/*
 * Takes a just-accepted connection through the handshake, then hands it
 * to ls->handler as a plain one would be; closes it on failure or after
 * ssl->handshake_timeout.
 */
void sl_ssl_accept(sl_connection_t *c, sl_ssl_t *ssl);
/*
 * A connection Sluice made to host (a name, or an address, as in the
 * URL; NUL-terminated): sl_ssl_connect() makes its TLS state, then the
 * caller calls sl_ssl_handshake_step() on its events until SL_OK (the
 * peer verified) or SL_ERROR (logged, with the verification's reason);
 * SL_AGAIN: wait.  The caller keeps its own handlers and timers.
 */
sl_int_t sl_ssl_connect(sl_connection_t *c, sl_ssl_t *ssl, const char *host);
sl_int_t sl_ssl_handshake_step(sl_connection_t *c);
/* close_notify (when the session is sound) and the TLS state freed */
void sl_ssl_close(sl_connection_t *c);

/* the sl_recv() / sl_send() / sl_writev() of a TLS connection */
ssize_t sl_ssl_recv(sl_connection_t *c, u_char *buf, size_t size);
ssize_t sl_ssl_writev(sl_connection_t *c, const struct iovec *iov, int n);
/*
 * Writes what an earlier sl_ssl_writev() took but the socket did not
 * (it counted as sent to the caller): on every writable event.
 */
sl_int_t sl_ssl_flush(sl_connection_t *c);

/* "TLSv1.3" for logs */
const char *sl_ssl_version(sl_connection_t *c);

#endif /* SL_SSL_H */
