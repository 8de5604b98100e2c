/* sl_load_tls: non-blocking TLS client connections for a load generator. */

#include <errno.h>
#include <limits.h>
#include <signal.h>

#include <openssl/err.h>

#include "sl_load_common.h"
#include "sl_load_tls.h"


static ssize_t sl_load_tls_result(SSL *ssl, int n);


SSL_CTX *
sl_load_tls_init(void)
{
    SSL_CTX  *ctx;

    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        sl_load_die("signal(SIGPIPE)");
    }

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        sl_load_die("SSL_CTX_new() failed");
    }

    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION
                             | SSL_OP_IGNORE_UNEXPECTED_EOF);

    /* the buffers go back between reads: thousands of idle clients */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

    return ctx;
}


SSL *
sl_load_tls_new(SSL_CTX *ctx, int fd, const char *sni)
{
    SSL  *ssl;

    ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        sl_load_die("SSL_new() failed");
    }

    if (sni != NULL && sni[0] != '\0'
        && SSL_set_tlsext_host_name(ssl, sni) != 1)
    {
        sl_load_die("SSL_set_tlsext_host_name(\"%s\") failed", sni);
    }

    SSL_set_connect_state(ssl);

    return ssl;
}


sl_load_tls_e
sl_load_tls_handshake(SSL *ssl)
{
    int  n;

    ERR_clear_error();

    n = SSL_do_handshake(ssl);
    if (n == 1) {
        return SL_LOAD_TLS_DONE;
    }

    switch (SSL_get_error(ssl, n)) {

    case SSL_ERROR_WANT_READ:
        return SL_LOAD_TLS_WANT_READ;

    case SSL_ERROR_WANT_WRITE:
        return SL_LOAD_TLS_WANT_WRITE;

    default:
        ERR_clear_error();
        return SL_LOAD_TLS_FAILED;
    }
}


ssize_t
sl_load_tls_recv(SSL *ssl, void *buf, size_t size)
{
    ERR_clear_error();

    return sl_load_tls_result(ssl, SSL_read(ssl, buf, size > INT_MAX
                                                      ? INT_MAX
                                                      : (int) size));
}


ssize_t
sl_load_tls_send(SSL *ssl, const void *buf, size_t size)
{
    ERR_clear_error();

    return sl_load_tls_result(ssl, SSL_write(ssl, buf, size > INT_MAX
                                                       ? INT_MAX
                                                       : (int) size));
}


/*
 * The answer of SSL_read() or SSL_write() N in recv()'s terms.  Either may
 * want the other direction (a TLS 1.3 key update, a ticket): EAGAIN too;
 * the generator polls for reading and sends only its short request.
 */
static ssize_t
sl_load_tls_result(SSL *ssl, int n)
{
    int  err;

    if (n > 0) {
        return n;
    }

    err = errno;

    switch (SSL_get_error(ssl, n)) {

    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        errno = EAGAIN;
        return -1;

    case SSL_ERROR_ZERO_RETURN:
        return 0;

    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        errno = err != 0 ? err : ECONNRESET;
        return -1;

    default:
        ERR_clear_error();
        errno = EPROTO;
        return -1;
    }
}


void
sl_load_tls_close(SSL *ssl)
{
    if (SSL_is_init_finished(ssl)) {
        ERR_clear_error();
        (void) SSL_shutdown(ssl);
    }

    ERR_clear_error();
    SSL_free(ssl);
}
