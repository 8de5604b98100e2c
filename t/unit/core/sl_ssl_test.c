/*
 * Unit tests for TLS: the configuration errors of a server context, and
 * a connection over a socketpair whose server side goes through
 * sl_ssl_accept() and the handshake handler (as the event loop would
 * call it) while an OpenSSL client in the same test is stepped by hand.
 * The certificate and keys are made by the test in a temporary
 * directory.  A zeroed cycle stands in for the worker's, so that
 * sl_close_connection() (failed handshakes, timeouts, the end of every
 * test) runs as it does in a worker.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>


#define T_ERRLEN   1024

/* what a TLSv1.3 AEAD record adds to its data: the content type, the tag */
#define T_TLS13_OVERHEAD  (1 + 16)


typedef struct {
    char                 dir[64];
    char                 cert[96];        /* self-signed, P-256 */
    char                 key[96];         /* its key */
    char                 other[96];       /* another P-256 key */
    char                 ed25519[96];     /* a key of another type */
    char                 secret[96];      /* the right key, encrypted */
    char                 missing[96];     /* no such file */
} t_files_t;

typedef struct {
    sl_connection_t      c;
    sl_event_t           rev;
    sl_event_t           wev;
    sl_listening_t       ls;
    SSL                 *client;
    int                  fd[2];           /* server, client */
    sl_uint_t            handled;         /* ls.handler ran */
    sl_uint_t            reads;           /* the posted read handler ran */
    ssize_t              last;            /* its last sl_recv() */
    size_t               in_len;
    u_char               in[65536];       /* what it read */
} t_conn_t;

typedef struct {
    sl_uint_t            n;
    size_t               bytes;
} t_records_t;


static sl_cycle_t           t_cycle;
static volatile sl_cycle_t *t_saved_cycle;
static sl_uint_t            t_timers;
static void               (*t_sigpipe)(int);

static sl_uint_t            t_tickets;    /* sessions the client got */
static SSL_SESSION         *t_ticket;     /* the last one */


static sl_int_t
t_write_key(const char *path, EVP_PKEY *key, const char *pass)
{
    int    ok;
    FILE  *f;

    f = fopen(path, "w");
    if (f == NULL) {
        return SL_ERROR;
    }

    if (pass) {
        ok = PEM_write_PrivateKey(f, key, EVP_aes_128_cbc(),
                                  (u_char *) pass, (int) strlen(pass),
                                  NULL, NULL);

    } else {
        ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    }

    return (fclose(f) == 0 && ok == 1) ? SL_OK : SL_ERROR;
}


/* a P-256 key and its self-signed certificate, an unrelated P-256 key,
 * an Ed25519 key and the right key encrypted, in a new directory */
static void
t_files_make(t_files_t *tf)
{
    int         ok;
    FILE       *f;
    X509       *x;
    EVP_PKEY   *key, *other, *ed;
    X509_NAME  *name;

    sl_memzero(tf, sizeof(t_files_t));
    strcpy(tf->dir, "/tmp/sl_ssl_test.XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tf->dir));

    (void) snprintf(tf->cert, sizeof(tf->cert), "%s/cert.pem", tf->dir);
    (void) snprintf(tf->key, sizeof(tf->key), "%s/key.pem", tf->dir);
    (void) snprintf(tf->other, sizeof(tf->other), "%s/other.pem", tf->dir);
    (void) snprintf(tf->ed25519, sizeof(tf->ed25519), "%s/ed25519.pem",
                    tf->dir);
    (void) snprintf(tf->secret, sizeof(tf->secret), "%s/secret.pem",
                    tf->dir);
    (void) snprintf(tf->missing, sizeof(tf->missing), "%s/missing.pem",
                    tf->dir);

    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    CU_ASSERT_FATAL(key != NULL && other != NULL && ed != NULL);

    x = X509_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);

    name = X509_get_subject_name(x);

    ok = X509_set_version(x, X509_VERSION_3)
         && ASN1_INTEGER_set(X509_get_serialNumber(x), 1)
         && X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL
         && X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL
         && X509_set_pubkey(x, key)
         && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       (u_char *) "localhost", -1, -1, 0)
         && X509_set_issuer_name(x, name)
         && X509_sign(x, key, EVP_sha256()) > 0;
    CU_ASSERT_FATAL(ok);

    f = fopen(tf->cert, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    ok = PEM_write_X509(f, x);
    CU_ASSERT_FATAL(fclose(f) == 0 && ok == 1);

    CU_ASSERT_FATAL(t_write_key(tf->key, key, NULL) == SL_OK);
    CU_ASSERT_FATAL(t_write_key(tf->other, other, NULL) == SL_OK);
    CU_ASSERT_FATAL(t_write_key(tf->ed25519, ed, NULL) == SL_OK);
    CU_ASSERT_FATAL(t_write_key(tf->secret, key, "secret") == SL_OK);

    X509_free(x);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    EVP_PKEY_free(ed);
}


static void
t_files_remove(t_files_t *tf)
{
    (void) unlink(tf->cert);
    (void) unlink(tf->key);
    (void) unlink(tf->other);
    (void) unlink(tf->ed25519);
    (void) unlink(tf->secret);
    CU_ASSERT_EQUAL(rmdir(tf->dir), 0);
}


/* a server context with the test's certificate */
static void
t_server(sl_ssl_t *ssl, sl_pool_t *pool, t_files_t *tf, sl_uint_t protocols,
    sl_uint_t tickets)
{
    u_char  err[T_ERRLEN];

    sl_memzero(ssl, sizeof(sl_ssl_t));
    ssl->handshake_timeout = 5000;

    CU_ASSERT_FATAL(sl_ssl_create(ssl, protocols, pool, err, sizeof(err))
                    == SL_OK);
    CU_ASSERT_FATAL(sl_ssl_certificate(ssl, tf->cert, err, sizeof(err))
                    == SL_OK);
    CU_ASSERT_FATAL(sl_ssl_certificate_key(ssl, tf->key, NULL, err,
                                           sizeof(err))
                    == SL_OK);
    CU_ASSERT_FATAL(sl_ssl_session_tickets(ssl, tickets, err, sizeof(err))
                    == SL_OK);
}


static int
t_new_session(SSL *s sl_unused, SSL_SESSION *sess)
{
    t_tickets++;

    if (t_ticket) {
        SSL_SESSION_free(t_ticket);
    }

    t_ticket = sess;

    return 1;
}


/* a client context that keeps the last session it gets in t_ticket */
static SSL_CTX *
t_client_ctx(int max_version)
{
    SSL_CTX  *ctx;

    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);

    if (max_version) {
        CU_ASSERT_FATAL(SSL_CTX_set_max_proto_version(ctx, max_version) == 1);
    }

    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT
                                        | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, t_new_session);

    return ctx;
}


/* the worker's stand-ins: a zeroed cycle, the timer heap, posted events */
static void
t_begin(void)
{
    t_saved_cycle = sl_cycle;

    sl_memzero(&t_cycle, sizeof(sl_cycle_t));
    t_cycle.log = sl_unit_log();
    sl_cycle = &t_cycle;

    if (!t_timers) {
        CU_ASSERT_FATAL(sl_event_timer_init(sl_unit_log()) == SL_OK);
        t_timers = 1;
    }

    sl_queue_init(&sl_posted_events);

    /* as in a worker: a write to a closed peer is an error, not a death */
    t_sigpipe = signal(SIGPIPE, SIG_IGN);
    CU_ASSERT_FATAL(t_sigpipe != SIG_ERR);

    t_tickets = 0;
}


static void
t_end(void)
{
    sl_cycle = t_saved_cycle;
    (void) signal(SIGPIPE, t_sigpipe);

    if (t_ticket) {
        SSL_SESSION_free(t_ticket);
        t_ticket = NULL;
    }

    ERR_clear_error();
}


/* reads what it can: the request that may have come with the handshake */
static void
t_read_handler(sl_event_t *ev)
{
    ssize_t           n;
    t_conn_t         *t;
    sl_connection_t  *c;

    c = ev->data;
    t = c->data;

    t->reads++;

    for ( ;; ) {
        n = sl_recv(c, t->in + t->in_len, sizeof(t->in) - t->in_len);
        t->last = n;

        if (n <= 0) {
            return;
        }

        t->in_len += n;
    }
}


static void
t_handler(sl_connection_t *c)
{
    t_conn_t  *t;

    t = c->data;
    t->handled++;

    c->read->handler = t_read_handler;
}


/*
 * A connection as sl_event_accept() hands it to TLS: the server end of
 * a socketpair (non-blocking, its send buffer sndbuf when not 0), a pool,
 * events; the client end gets an SSL of cctx.  The server reads the
 * ClientHello that is not there yet and waits.
 */
static t_conn_t *
t_open(sl_ssl_t *ssl, SSL_CTX *cctx, int sndbuf)
{
    t_conn_t  *t;

    t = calloc(1, sizeof(t_conn_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);

    CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
                               t->fd) == 0);

    if (sndbuf) {
        CU_ASSERT_FATAL(setsockopt(t->fd[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
                                   sizeof(int)) == 0);
    }

    t->ls.handler = t_handler;
    t->ls.protocol = "test";

    t->rev.data = &t->c;
    t->rev.log = sl_unit_log();
    t->wev.data = &t->c;
    t->wev.log = sl_unit_log();
    t->wev.write = 1;

    t->c.read = &t->rev;
    t->c.write = &t->wev;
    t->c.fd = t->fd[0];
    t->c.log = sl_unit_log();
    t->c.listening = &t->ls;
    t->c.data = t;
    t->c.pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->c.pool);

    t_cycle.connections_active++;

    t->client = SSL_new(cctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->client);
    CU_ASSERT_FATAL(SSL_set_fd(t->client, t->fd[1]) == 1);
    SSL_set_connect_state(t->client);

    sl_ssl_accept(&t->c, ssl);

    return t;
}


static void
t_close(t_conn_t *t)
{
    if (!t->c.destroyed) {
        sl_close_connection(&t->c);
    }

    SSL_free(t->client);
    (void) close(t->fd[1]);
    free(t);
}


/* one step of the client's handshake: 1 done, 0 more to do, -1 failed */
static int
t_client_step(SSL *s)
{
    int  n, e;

    n = SSL_do_handshake(s);

    if (n == 1) {
        return 1;
    }

    e = SSL_get_error(s, n);

    return (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? 0 : -1;
}


/*
 * Runs the client and the server in turn, the server through its read
 * handler as the event loop would on a readable event, until both are
 * done (1) or one fails (0).  When early is given, the client writes it
 * as soon as its side is done, before the server has read its Finished.
 */
static int
t_handshake(t_conn_t *t, const char *early)
{
    int        i, rc, done;
    sl_uint_t  len;

    done = 0;

    for (i = 0; i < 16; i++) {
        if (!done) {
            rc = t_client_step(t->client);

            if (rc == -1) {
                return 0;
            }

            if (rc == 1) {
                done = 1;

                if (early) {
                    len = strlen(early);
                    if (SSL_write(t->client, early, (int) len) != (int) len) {
                        return 0;
                    }
                }
            }
        }

        if (t->c.destroyed) {
            return 0;
        }

        if (t->handled) {
            if (done) {
                return 1;
            }

            continue;
        }

        t->rev.ready = 1;
        t->rev.handler(&t->rev);
    }

    return 0;
}


/*
 * What the client can read without waiting, appended at buf + *len;
 * returns the SSL error that stopped it (SSL_ERROR_WANT_READ when the
 * socket is empty), -1 when buf is full.
 */
static int
t_client_read(SSL *s, u_char *buf, size_t size, size_t *len)
{
    int  n;

    for ( ;; ) {
        if (*len == size) {
            return -1;
        }

        n = SSL_read(s, buf + *len, (int) sl_min(size - *len, 65536));

        if (n <= 0) {
            return SSL_get_error(s, n);
        }

        *len += n;
    }
}


/* counts the application data records the client reads */
static void
t_record(int write_p, int version sl_unused, int content_type,
    const void *buf, size_t len, SSL *ssl sl_unused, void *arg)
{
    const u_char  *p;
    t_records_t   *r;

    p = buf;
    r = arg;

    if (write_p || content_type != SSL3_RT_HEADER || len < 5
        || p[0] != SSL3_RT_APPLICATION_DATA)
    {
        return;
    }

    r->n++;
    r->bytes += ((size_t) p[3] << 8) | p[4];
}


static sl_uint_t
t_has(const u_char *err, const char *s)
{
    return strstr((const char *) err, s) != NULL;
}


/* a fresh context with cert, then key refused with why in the error */
static void
t_key_refused(sl_pool_t *pool, const char *cert, const char *key,
    const char *why)
{
    u_char    err[T_ERRLEN];
    sl_ssl_t  ssl;

    sl_memzero(&ssl, sizeof(sl_ssl_t));
    CU_ASSERT_EQUAL(sl_ssl_create(&ssl, SL_SSL_DEFAULT_PROTOCOLS, pool, err,
                                  sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, cert, err, sizeof(err)), SL_OK);

    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_certificate_key(&ssl, key, NULL, err, sizeof(err)),
                    SL_ERROR);
    CU_ASSERT(t_has(err, key));
    CU_ASSERT(t_has(err, why));
}


/* tf's encrypted key (password "secret") with the password file text */
static void
t_key_password(sl_pool_t *pool, t_files_t *tf, const char *text,
    sl_int_t rc, const char *why)
{
    u_char    err[T_ERRLEN];
    sl_str_t  passwords;
    sl_ssl_t  ssl;

    sl_memzero(&ssl, sizeof(sl_ssl_t));
    CU_ASSERT_EQUAL(sl_ssl_create(&ssl, SL_SSL_DEFAULT_PROTOCOLS, pool, err,
                                  sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, tf->cert, err, sizeof(err)),
                    SL_OK);

    passwords.data = (u_char *) text;
    passwords.len = strlen(text);

    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_certificate_key(&ssl, tf->secret, &passwords, err,
                                           sizeof(err)), rc);

    if (why) {
        CU_ASSERT(t_has(err, tf->secret));
        CU_ASSERT(t_has(err, why));
    }
}


static void
test_config_errors(void)
{
    u_char      err[T_ERRLEN];
    u_char      small[17];
    sl_ssl_t    ssl;
    t_files_t   tf;
    sl_pool_t  *pool;

    t_files_make(&tf);

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    /* no protocol version: no context either */
    sl_memzero(&ssl, sizeof(sl_ssl_t));
    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_create(&ssl, 0, pool, err, sizeof(err)),
                    SL_ERROR);
    CU_ASSERT_STRING_EQUAL(err, "no TLS protocol version");
    CU_ASSERT_PTR_NULL(ssl.ctx);

    /* a missing certificate names its file and why */
    CU_ASSERT_EQUAL(sl_ssl_create(&ssl, SL_SSL_DEFAULT_PROTOCOLS, pool, err,
                                  sizeof(err)), SL_OK);
    CU_ASSERT_PTR_NOT_NULL(ssl.ctx);
    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, tf.missing, err, sizeof(err)),
                    SL_ERROR);
    CU_ASSERT(t_has(err, "cannot load certificate \""));
    CU_ASSERT(t_has(err, tf.missing));
    CU_ASSERT(t_has(err, "No such file or directory"));

    /* so does a missing key */
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, tf.cert, err, sizeof(err)),
                    SL_OK);
    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_certificate_key(&ssl, tf.missing, NULL, err,
                                           sizeof(err)), SL_ERROR);
    CU_ASSERT(t_has(err, "cannot load certificate key \""));
    CU_ASSERT(t_has(err, tf.missing));

    /* a file that holds no key is not called a mismatch */
    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_certificate_key(&ssl, tf.cert, NULL, err,
                                           sizeof(err)),
                    SL_ERROR);
    CU_ASSERT(t_has(err, "cannot load certificate key \""));
    CU_ASSERT(t_has(err, tf.cert));

    /* a key of the certificate's type that is not its key */
    t_key_refused(pool, tf.cert, tf.other,
                  "\" is not the key of the certificate before it");

    /* a key of another type goes to its own slot: still not the key */
    t_key_refused(pool, tf.cert, tf.ed25519,
                  "\" is not the key of the certificate before it");

    /* an encrypted key fails at once: no passphrase prompt */
    t_key_refused(pool, tf.cert, tf.secret,
                  "\" is encrypted and there is no \"ssl_password_file\"");

    /* with a password file: every line tried, CR LF and empty lines
       fine; none right, or none at all, names the file's directive */
    t_key_password(pool, &tf, "secret\n", SL_OK, NULL);
    t_key_password(pool, &tf, "wrong\r\n\nalso wrong\nsecret\r\nlast",
                   SL_OK, NULL);
    t_key_password(pool, &tf, "secret", SL_OK, NULL);
    t_key_password(pool, &tf, "wrong\nsecret \nsecre\n", SL_ERROR,
                   "with any of the 3 passwords of \"ssl_password_file\"");
    t_key_password(pool, &tf, "\r\n\n", SL_ERROR,
                   "no password in the \"ssl_password_file\"");

    /* the right pair */
    sl_memzero(&ssl, sizeof(sl_ssl_t));
    CU_ASSERT_EQUAL(sl_ssl_create(&ssl, SL_SSL_DEFAULT_PROTOCOLS, pool, err,
                                  sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, tf.cert, err, sizeof(err)),
                    SL_OK);
    CU_ASSERT_EQUAL(sl_ssl_certificate_key(&ssl, tf.key, NULL, err,
                                           sizeof(err)),
                    SL_OK);

    /* cipher lists */
    err[0] = '\0';
    CU_ASSERT_EQUAL(sl_ssl_ciphers(&ssl, "NO-SUCH-CIPHER", err, sizeof(err)),
                    SL_ERROR);
    CU_ASSERT(t_has(err, "invalid cipher list \"NO-SUCH-CIPHER\""));
    CU_ASSERT_EQUAL(sl_ssl_ciphers(&ssl, SL_SSL_DEFAULT_CIPHERS, err,
                                   sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(sl_ssl_ciphers(&ssl, "ECDHE-ECDSA-AES128-GCM-SHA256", err,
                                   sizeof(err)), SL_OK);

    /* a short buffer is cut and terminated, nothing is written past it */
    memset(small, 'x', sizeof(small));
    CU_ASSERT_EQUAL(sl_ssl_certificate(&ssl, tf.missing, small, 16),
                    SL_ERROR);
    CU_ASSERT_EQUAL(strlen((char *) small), 15);
    CU_ASSERT_NSTRING_EQUAL(small, "cannot load cer", 15);
    CU_ASSERT_EQUAL(small[16], 'x');

    sl_destroy_pool(pool);
    t_files_remove(&tf);
    ERR_clear_error();
}


/* ssl_protocols and ssl_ciphers reach the handshake */
static void
test_protocols(void)
{
    SSL_CTX    *cctx, *cctx12;
    sl_ssl_t    ssl;
    t_conn_t   *t;
    t_files_t   tf;
    sl_pool_t  *pool;
    u_char      err[T_ERRLEN];

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    cctx = t_client_ctx(0);
    cctx12 = t_client_ctx(TLS1_2_VERSION);

    /* the defaults: TLSv1.3 */
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);
    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_EQUAL(t_handshake(t, NULL), 1);
    CU_ASSERT_EQUAL(t->handled, 1);
    CU_ASSERT_STRING_EQUAL(sl_ssl_version(&t->c), "TLSv1.3");
    CU_ASSERT_EQUAL(SSL_version(t->client), TLS1_3_VERSION);
    t_close(t);

    /* TLSv1.2 only, with one cipher: the client gets that one */
    t_server(&ssl, pool, &tf, SL_SSL_TLSv1_2, 0);
    CU_ASSERT_EQUAL(sl_ssl_ciphers(&ssl, "ECDHE-ECDSA-AES256-GCM-SHA384", err,
                                   sizeof(err)), SL_OK);
    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_EQUAL(t_handshake(t, NULL), 1);
    CU_ASSERT_STRING_EQUAL(sl_ssl_version(&t->c), "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(SSL_get_cipher_name(t->client),
                           "ECDHE-ECDSA-AES256-GCM-SHA384");
    t_close(t);

    /* TLSv1.3 only refuses a TLSv1.2 client and closes */
    t_server(&ssl, pool, &tf, SL_SSL_TLSv1_3, 0);
    t = t_open(&ssl, cctx12, 0);
    CU_ASSERT_EQUAL(t_handshake(t, NULL), 0);
    CU_ASSERT_EQUAL(t->handled, 0);
    CU_ASSERT_EQUAL(t->c.destroyed, 1);
    CU_ASSERT_EQUAL(t_cycle.connections_active, 0);
    t_close(t);

    SSL_CTX_free(cctx);
    SSL_CTX_free(cctx12);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/* no handshake in time, or plain text on the TLS port: closed */
static void
test_handshake_failures(void)
{
    char        buf[16];
    SSL_CTX    *cctx;
    sl_ssl_t    ssl;
    t_conn_t   *t;
    t_files_t   tf;
    sl_pool_t  *pool;

    static const char  plain[] = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n";

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);

    /* a client that says nothing: the timer closes it, not before */
    sl_current_msec = 1000000;
    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_EQUAL(t->rev.timer_set, 1);

    sl_current_msec += ssl.handshake_timeout - 1;
    sl_event_expire_timers();
    CU_ASSERT_EQUAL(t->c.destroyed, 0);

    sl_current_msec += 1;
    sl_event_expire_timers();
    CU_ASSERT_EQUAL(t->c.destroyed, 1);
    CU_ASSERT_EQUAL(t->handled, 0);
    CU_ASSERT_EQUAL(t_cycle.connections_active, 0);
    CU_ASSERT_EQUAL(recv(t->fd[1], buf, sizeof(buf), 0), 0);
    CU_ASSERT_EQUAL(sl_event_find_timer(), SL_TIMER_INFINITE);
    t_close(t);

    /* an RTSP request in clear */
    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_EQUAL(send(t->fd[1], plain, sizeof(plain) - 1, 0),
                    (ssize_t) sizeof(plain) - 1);
    t->rev.ready = 1;
    t->rev.handler(&t->rev);
    CU_ASSERT_EQUAL(t->c.destroyed, 1);
    CU_ASSERT_EQUAL(t->handled, 0);
    CU_ASSERT_EQUAL(sl_event_find_timer(), SL_TIMER_INFINITE);
    t_close(t);

    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/*
 * Reads: a request sent with the client's Finished is read by the read
 * event the handshake posts; records that arrive together are all
 * returned with the read event kept ready until SL_AGAIN; close_notify
 * and a bare EOF both end with 0.
 */
static void
test_recv(void)
{
    int         i;
    size_t      len, sizes[4];
    u_char     *out, *p, buf[4096];
    ssize_t     n;
    SSL_CTX    *cctx;
    sl_ssl_t    ssl;
    t_conn_t   *t;
    t_files_t   tf;
    sl_pool_t  *pool;
    sl_uint_t   calls, not_ready;

    static const char  request[] = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n";

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);

    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_FATAL(t_handshake(t, request) == 1);

    /* the handshake's timer is gone; the read is posted, ready */
    CU_ASSERT_EQUAL(t->rev.timer_set, 0);
    CU_ASSERT_EQUAL(t->rev.posted, 1);
    CU_ASSERT_EQUAL(t->rev.ready, 1);
    CU_ASSERT_EQUAL(t->reads, 0);

    sl_event_process_posted(&sl_posted_events);

    CU_ASSERT_EQUAL(t->reads, 1);
    CU_ASSERT_EQUAL(t->last, SL_AGAIN);
    CU_ASSERT_EQUAL(t->rev.ready, 0);
    CU_ASSERT_EQUAL(t->in_len, sizeof(request) - 1);
    CU_ASSERT_NSTRING_EQUAL(t->in, request, sizeof(request) - 1);

    /* four records at once (the last two from one 20000-byte write) */
    sizes[0] = 1;
    sizes[1] = 1000;
    sizes[2] = 5000;
    sizes[3] = 20000;

    len = 0;
    for (i = 0; i < 4; i++) {
        len += sizes[i];
    }

    out = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);

    for (i = 0; (size_t) i < len; i++) {
        out[i] = (u_char) (i * 31 + (i >> 9));
    }

    p = out;
    for (i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(SSL_write(t->client, p, (int) sizes[i]),
                        (int) sizes[i]);
        p += sizes[i];
    }

    /* the event loop's edge: readable */
    t->rev.ready = 1;
    t->in_len = 0;
    calls = 0;
    not_ready = 0;

    for ( ;; ) {
        n = sl_recv(&t->c, buf, sizeof(buf));
        calls++;

        if (n <= 0 || calls > 100) {
            break;
        }

        CU_ASSERT_FATAL(t->in_len + n <= sizeof(t->in));
        sl_memcpy(t->in + t->in_len, buf, n);
        t->in_len += n;

        if (!t->rev.ready) {
            not_ready++;
        }
    }

    CU_ASSERT_EQUAL(n, SL_AGAIN);
    CU_ASSERT_EQUAL(not_ready, 0);
    CU_ASSERT_EQUAL(t->rev.ready, 0);
    CU_ASSERT_EQUAL(t->rev.eof, 0);
    CU_ASSERT_EQUAL(t->in_len, len);
    CU_ASSERT(memcmp(t->in, out, len) == 0);

    /* one call per record and per 4096 bytes of a record at most */
    CU_ASSERT(calls >= 1 + 1 + 2 + 4 + 1);

    /* close_notify */
    CU_ASSERT(SSL_shutdown(t->client) >= 0);
    t->rev.ready = 1;
    CU_ASSERT_EQUAL(sl_recv(&t->c, buf, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(t->rev.eof, 1);
    CU_ASSERT_EQUAL(t->rev.ready, 0);
    CU_ASSERT_EQUAL(t->rev.error, 0);
    t_close(t);

    /* the peer closes with no close_notify: an end too, not an error */
    t = t_open(&ssl, cctx, 0);
    CU_ASSERT_FATAL(t_handshake(t, "x") == 1);
    CU_ASSERT_EQUAL(shutdown(t->fd[1], SHUT_WR), 0);
    t->rev.ready = 1;
    CU_ASSERT_EQUAL(sl_recv(&t->c, buf, sizeof(buf)), 1);
    CU_ASSERT_EQUAL(buf[0], 'x');
    CU_ASSERT_EQUAL(t->rev.ready, 1);
    CU_ASSERT_EQUAL(sl_recv(&t->c, buf, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(t->rev.eof, 1);
    CU_ASSERT_EQUAL(t->rev.error, 0);
    t_close(t);

    free(out);
    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/*
 * The writes of a live stream: frames at scattered places in src (so an
 * iovec copied from the wrong place shows), of sizes below, at and
 * above a record, handed over by up to four per call.
 */

#define T_FRAMES   240
#define T_STRIDE   20480
#define T_IOVS     4

static const size_t  t_frame_len[] = {
    1, 188, 1316, 3000, 20000, 7, 16384, 900, 16383, 2
};

typedef struct {
    u_char              *src;
    sl_uint_t            frame;        /* the next frame to hand over */
    size_t               offset;       /* of it, taken already */
    sl_uint_t            skip;         /* frames to drop after this one */
    u_char              *taken;        /* every byte taken, in order */
    size_t               taken_len;
    sl_uint_t            calls;
    sl_uint_t            partial;      /* calls that took some */
    sl_uint_t            again;        /* calls that took none */
    sl_uint_t            skipped;      /* frames dropped */
} t_writer_t;


static size_t
t_frame(sl_uint_t f)
{
    return t_frame_len[f % sl_nelems(t_frame_len)];
}


/*
 * One sl_writev() from where the writer is.  After SL_AGAIN it falls
 * behind: it drops three frames, after finishing the one it has begun
 * (the framing of a stream must stay whole).
 */
static ssize_t
t_write(sl_connection_t *c, t_writer_t *w)
{
    int           n, i;
    size_t        k, left, handed, off;
    ssize_t       rc;
    sl_uint_t     f;
    struct iovec  iov[T_IOVS];

    n = 0;
    handed = 0;

    for (f = w->frame; f < T_FRAMES && n < T_IOVS; f++) {
        off = (f == w->frame) ? w->offset : 0;
        iov[n].iov_base = w->src + (size_t) f * T_STRIDE + off;
        iov[n].iov_len = t_frame(f) - off;
        handed += iov[n].iov_len;
        n++;
    }

    if (n == 0) {
        return 0;
    }

    rc = sl_writev(c, iov, n);
    w->calls++;

    if (rc == SL_AGAIN) {
        w->again++;
        w->skip = 3;

        if (w->offset == 0) {
            w->frame += w->skip;
            w->skipped += w->skip;
            w->skip = 0;
        }

        return rc;
    }

    CU_ASSERT_FATAL(rc > 0 && (size_t) rc <= handed);

    if ((size_t) rc < handed) {
        w->partial++;
    }

    /* what was taken: the first rc bytes of the iovecs */
    left = rc;

    for (i = 0; i < n && left; i++) {
        k = sl_min(left, iov[i].iov_len);

        sl_memcpy(w->taken + w->taken_len, iov[i].iov_base, k);
        w->taken_len += k;
        left -= k;

        w->offset += k;

        if (w->offset == t_frame(w->frame)) {
            w->frame++;
            w->offset = 0;

            if (w->skip) {
                w->frame += w->skip;
                w->skipped += w->skip;
                w->skip = 0;
            }
        }
    }

    return rc;
}


/*
 * Bytes taken are bytes delivered: sl_writev() into a small socket
 * buffer until SL_AGAIN; then, as the client reads, the event loop's
 * sl_ssl_flush() and more writes that skip frames after every SL_AGAIN.
 * The client must get exactly the bytes reported taken, in order, and
 * then a close_notify.
 */
static void
test_writev(void)
{
    int          e;
    size_t       total, got_len, got_size;
    u_char      *got;
    uint32_t     x;
    ssize_t      rc;
    SSL_CTX     *cctx;
    sl_int_t     frc;
    sl_ssl_t     ssl;
    t_conn_t    *t;
    sl_uint_t    i, turns;
    t_files_t    tf;
    sl_pool_t   *pool;
    t_writer_t   w;

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    sl_memzero(&w, sizeof(t_writer_t));

    w.src = malloc((size_t) T_FRAMES * T_STRIDE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w.src);

    /* xorshift: no period a lost or repeated chunk could hide in */
    x = 2463534242u;

    for (i = 0; i < (sl_uint_t) T_FRAMES * T_STRIDE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        w.src[i] = (u_char) x;
    }

    total = 0;
    for (i = 0; i < T_FRAMES; i++) {
        total += t_frame(i);
    }

    w.taken = malloc(total);
    got_size = total + 65536;
    got = malloc(got_size);
    CU_ASSERT_FATAL(w.taken != NULL && got != NULL);
    got_len = 0;

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);

    t = t_open(&ssl, cctx, 4096);
    CU_ASSERT_FATAL(t_handshake(t, NULL) == 1);

    /* the client does not read: writes until the socket is full */
    t->wev.ready = 1;

    for (i = 0; i < 1000; i++) {
        rc = t_write(&t->c, &w);

        if (rc == SL_AGAIN || rc <= 0) {
            break;
        }
    }

    CU_ASSERT_EQUAL_FATAL(rc, SL_AGAIN);
    CU_ASSERT_EQUAL(t->wev.ready, 0);
    CU_ASSERT(w.taken_len > 0);
    CU_ASSERT(w.partial > 0);

    /* still full: nothing is written, nothing new is taken */
    total = w.taken_len;
    CU_ASSERT_EQUAL(sl_ssl_flush(&t->c), SL_AGAIN);
    CU_ASSERT_EQUAL(t_write(&t->c, &w), SL_AGAIN);
    CU_ASSERT_EQUAL(w.taken_len, total);

    /* the client reads; each writable event flushes, then writes */
    for (turns = 0; turns < 100000 && w.frame < T_FRAMES; turns++) {
        e = t_client_read(t->client, got, got_size, &got_len);
        CU_ASSERT_EQUAL_FATAL(e, SSL_ERROR_WANT_READ);

        t->wev.ready = 1;
        frc = sl_ssl_flush(&t->c);
        CU_ASSERT_FATAL(frc == SL_OK || frc == SL_AGAIN);

        if (frc == SL_AGAIN) {
            continue;
        }

        for (i = 0; i < 1000 && w.frame < T_FRAMES; i++) {
            rc = t_write(&t->c, &w);

            if (rc == SL_AGAIN) {
                break;
            }
        }
    }

    CU_ASSERT_FATAL(w.frame >= T_FRAMES);

    /* the rest of what was taken */
    for (turns = 0; turns < 100000; turns++) {
        e = t_client_read(t->client, got, got_size, &got_len);
        CU_ASSERT_EQUAL_FATAL(e, SSL_ERROR_WANT_READ);

        t->wev.ready = 1;
        if (sl_ssl_flush(&t->c) == SL_OK) {
            break;
        }
    }

    e = t_client_read(t->client, got, got_size, &got_len);
    CU_ASSERT_EQUAL(e, SSL_ERROR_WANT_READ);

    CU_ASSERT(w.skipped > 0);
    CU_ASSERT(w.again > 1);
    CU_ASSERT(w.taken_len > 200000);
    CU_ASSERT_EQUAL(got_len, w.taken_len);
    CU_ASSERT(memcmp(got, w.taken, sl_min(got_len, w.taken_len)) == 0);

    /* closing: the close_notify comes after all that */
    sl_close_connection(&t->c);
    e = t_client_read(t->client, got, got_size, &got_len);
    CU_ASSERT_EQUAL(e, SSL_ERROR_ZERO_RETURN);
    CU_ASSERT_EQUAL(got_len, w.taken_len);
    t_close(t);

    free(w.src);
    free(w.taken);
    free(got);
    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/*
 * 400 iovecs of 100 bytes in one sl_writev(): three records of 16384,
 * 16384 and 7232 bytes, not 400; an sl_send() afterwards is a record.
 * With ssl_buffer_size 4k, ten records of at most 4096 bytes.
 */
static void
test_writev_records(void)
{
    int            e;
    u_char        *src, got[65536];
    size_t         got_len;
    ssize_t        rc;
    SSL_CTX       *cctx;
    sl_ssl_t       ssl;
    t_conn_t      *t;
    sl_uint_t      i;
    t_files_t      tf;
    sl_pool_t     *pool;
    t_records_t    rec;
    struct iovec   iov[400];

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    src = malloc(400 * 128);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);

    for (i = 0; i < 400 * 128; i++) {
        src[i] = (u_char) (i * 7 + i / 251);
    }

    /* scattered: 100 bytes of every 128 */
    for (i = 0; i < 400; i++) {
        iov[i].iov_base = src + i * 128;
        iov[i].iov_len = 100;
    }

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);

    t = t_open(&ssl, cctx, 0);
    SSL_set_msg_callback(t->client, t_record);
    SSL_set_msg_callback_arg(t->client, &rec);

    CU_ASSERT_FATAL(t_handshake(t, NULL) == 1);
    CU_ASSERT_STRING_EQUAL(sl_ssl_version(&t->c), "TLSv1.3");

    /* the handshake's own records do not count (tickets are off: none
     * comes after it) */
    sl_memzero(&rec, sizeof(t_records_t));
    got_len = 0;

    t->wev.ready = 1;
    rc = sl_writev(&t->c, iov, 400);
    CU_ASSERT_EQUAL(rc, 40000);
    CU_ASSERT_EQUAL(t->wev.ready, 1);

    e = t_client_read(t->client, got, sizeof(got), &got_len);
    CU_ASSERT_EQUAL(e, SSL_ERROR_WANT_READ);
    CU_ASSERT_EQUAL(got_len, 40000);

    for (i = 0; i < 400 && got_len == 40000; i++) {
        if (memcmp(got + i * 100, src + i * 128, 100) != 0) {
            break;
        }
    }

    CU_ASSERT_EQUAL(i, 400);
    CU_ASSERT_EQUAL(rec.n, 3);
    CU_ASSERT_EQUAL(rec.bytes, 40000 + 3 * T_TLS13_OVERHEAD);

    sl_memzero(&rec, sizeof(t_records_t));
    got_len = 0;

    CU_ASSERT_EQUAL(sl_send(&t->c, (u_char *) "hello", 5), 5);
    e = t_client_read(t->client, got, sizeof(got), &got_len);
    CU_ASSERT_EQUAL(e, SSL_ERROR_WANT_READ);
    CU_ASSERT_EQUAL(got_len, 5);
    CU_ASSERT_NSTRING_EQUAL(got, "hello", 5);
    CU_ASSERT_EQUAL(rec.n, 1);
    CU_ASSERT_EQUAL(rec.bytes, 5 + T_TLS13_OVERHEAD);

    t_close(t);

    /* ssl_buffer_size 4k: records of 4096 bytes, ten of them */
    ssl.buffer_size = 4096;

    t = t_open(&ssl, cctx, 0);
    SSL_set_msg_callback(t->client, t_record);
    SSL_set_msg_callback_arg(t->client, &rec);
    CU_ASSERT_FATAL(t_handshake(t, NULL) == 1);

    sl_memzero(&rec, sizeof(t_records_t));
    got_len = 0;

    t->wev.ready = 1;
    CU_ASSERT_EQUAL(sl_writev(&t->c, iov, 400), 40000);
    e = t_client_read(t->client, got, sizeof(got), &got_len);
    CU_ASSERT_EQUAL(e, SSL_ERROR_WANT_READ);
    CU_ASSERT_EQUAL(got_len, 40000);
    CU_ASSERT(got_len == 40000 && memcmp(got + 39900, src + 399 * 128, 100)
                                  == 0);
    CU_ASSERT_EQUAL(rec.n, 10);
    CU_ASSERT_EQUAL(rec.bytes, 40000 + 10 * T_TLS13_OVERHEAD);

    t_close(t);

    free(src);
    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/*
 * One connection offering sess (or none): whether it resumed, and the
 * sessions the client got (the ticket is read after the handshake).
 */
static sl_uint_t
t_resume(sl_ssl_t *ssl, SSL_CTX *cctx, SSL_SESSION *sess, sl_uint_t *tickets)
{
    u_char        buf[16];
    size_t        len;
    t_conn_t     *t;
    sl_uint_t     reused;
    SSL_SESSION  *copy;

    t = t_open(ssl, cctx, 0);

    /*
     * OpenSSL's client spends a TLSv1.3 session it resumed with (marks
     * it not resumable): a copy is offered, so the same ticket can be
     * tried again after another rotation
     */
    if (sess) {
        copy = SSL_SESSION_dup(sess);
        CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
        CU_ASSERT_FATAL(SSL_set_session(t->client, copy) == 1);
        SSL_SESSION_free(copy);
    }

    t_tickets = 0;

    CU_ASSERT_FATAL(t_handshake(t, NULL) == 1);

    len = 0;
    CU_ASSERT_EQUAL(t_client_read(t->client, buf, sizeof(buf), &len),
                    SSL_ERROR_WANT_READ);
    CU_ASSERT_EQUAL(len, 0);

    reused = SSL_session_reused(t->client);
    *tickets = t_tickets;

    /* a client freed without close_notify marks its session not resumable */
    CU_ASSERT(SSL_shutdown(t->client) >= 0);

    t_close(t);

    return reused;
}


/* the session the client got last, now the caller's */
static SSL_SESSION *
t_take_ticket(void)
{
    SSL_SESSION  *sess;

    sess = t_ticket;
    t_ticket = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sess);
    CU_ASSERT(SSL_SESSION_is_resumable(sess));

    return sess;
}


/*
 * A ticket opens while its key is among the newest three: after one
 * and two rotations, not after three.  A ticket got when resuming is
 * sealed with the newest key and lives on from there.
 */
static void
test_tickets(void)
{
    SSL_CTX      *cctx;
    sl_ssl_t      ssl;
    t_files_t     tf;
    sl_pool_t    *pool;
    sl_uint_t     tickets;
    SSL_SESSION  *s0, *s1;
    u_char        err[T_ERRLEN];

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 1);

    /* a full handshake; one ticket */
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, NULL, &tickets), 0);
    CU_ASSERT_EQUAL(tickets, 1);
    s0 = t_take_ticket();

    /* one rotation: resumes, and gets a ticket of the newest key */
    CU_ASSERT_EQUAL(sl_ssl_rotate_ticket_keys(err, sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, s0, &tickets), 1);
    CU_ASSERT_EQUAL(tickets, 1);
    s1 = t_take_ticket();

    /* two: still */
    CU_ASSERT_EQUAL(sl_ssl_rotate_ticket_keys(err, sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, s0, &tickets), 1);

    /* three: its key is gone, a full handshake with a new ticket */
    CU_ASSERT_EQUAL(sl_ssl_rotate_ticket_keys(err, sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, s0, &tickets), 0);
    CU_ASSERT_EQUAL(tickets, 1);

    /* s1 is two rotations old: resumes; at three it does not */
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, s1, &tickets), 1);
    CU_ASSERT_EQUAL(sl_ssl_rotate_ticket_keys(err, sizeof(err)), SL_OK);
    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, s1, &tickets), 0);

    SSL_SESSION_free(s0);
    SSL_SESSION_free(s1);
    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


/* ssl_session_tickets off: no ticket, so nothing to resume with */
static void
test_tickets_off(void)
{
    SSL_CTX      *cctx;
    sl_ssl_t      ssl;
    t_files_t     tf;
    sl_pool_t    *pool;
    sl_uint_t     tickets;

    t_files_make(&tf);
    t_begin();

    pool = sl_create_pool(1024, sl_unit_log());
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    cctx = t_client_ctx(0);
    t_server(&ssl, pool, &tf, SL_SSL_DEFAULT_PROTOCOLS, 0);

    CU_ASSERT_EQUAL(t_resume(&ssl, cctx, NULL, &tickets), 0);
    CU_ASSERT_EQUAL(tickets, 0);
    CU_ASSERT_PTR_NULL(t_ticket);

    SSL_CTX_free(cctx);
    sl_destroy_pool(pool);
    t_end();
    t_files_remove(&tf);
}


SL_UNIT_SUITE(sl_ssl,
    { "configuration errors", test_config_errors },
    { "protocols and ciphers", test_protocols },
    { "handshake timeout, plain text", test_handshake_failures },
    { "recv: posted first read, ready until SL_AGAIN, EOF", test_recv },
    { "writev: taken bytes arrive once, in order, across skips",
      test_writev },
    { "writev: small iovecs become few records", test_writev_records },
    { "session tickets: three keys open", test_tickets },
    { "session tickets off", test_tickets_off })
