/* sl_load_tls: non-blocking TLS client connections for a load generator. */

#ifndef SL_LOAD_TLS_H
#define SL_LOAD_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>


/* what sl_load_tls_handshake() says */
typedef enum {
    SL_LOAD_TLS_DONE = 0,
    SL_LOAD_TLS_WANT_READ,                  /* wait until readable */
    SL_LOAD_TLS_WANT_WRITE,                 /* wait until writable */
    SL_LOAD_TLS_FAILED
} sl_load_tls_e;


/*
 * The client context of a run: no certificate verification (the bench's
 * servers have throwaway self-signed ones), no session cache (every
 * client makes a full handshake, as distinct players do), an end of the
 * stream without close_notify read as an end.  SIGPIPE is ignored from
 * here on: OpenSSL writes with write(), not send(MSG_NOSIGNAL).
 */
SSL_CTX *sl_load_tls_init(void);

/*
 * A client connection on FD (a connect() under way is fine), SNI set to
 * SNI unless it is NULL or "".  Ends the generator when OpenSSL fails.
 */
SSL *sl_load_tls_new(SSL_CTX *ctx, int fd, const char *sni);

sl_load_tls_e sl_load_tls_handshake(SSL *ssl);

/*
 * SSL_read() and SSL_write() as recv() and send() would answer: the bytes
 * done, 0 at the end of the stream (read), or -1 with errno EAGAIN (wait
 * for an event and call again), EPROTO (a TLS error: a bad record, an
 * alert) or what the socket said.
 */
ssize_t sl_load_tls_recv(SSL *ssl, void *buf, size_t size);
ssize_t sl_load_tls_send(SSL *ssl, const void *buf, size_t size);

/* sends close_notify if the socket takes it at once, then frees SSL */
void sl_load_tls_close(SSL *ssl);

#endif /* SL_LOAD_TLS_H */
