/*
 * TLS over OpenSSL.
 *
 * Writes: what a caller hands over is copied into one record-sized
 * buffer per connection and written from there.  Small iovecs (RTP
 * frames of interleaved media) become one record and one system call,
 * and bytes counted as sent to the caller are really committed: after
 * SSL_write() wants to write, OpenSSL must be called again with the
 * same bytes, which a caller that skips ahead in a live stream would
 * not do.  What the socket did not take is written before anything
 * else and on every writable event (sl_ssl_flush() from the event loop).
 * The buffer exists only while it holds bytes: thousands of idle control
 * connections do not keep 16 KB each.
 *
 * Session tickets are sealed with keys the master makes at every
 * configuration it takes: the newest seals, the three newest open, so
 * workers agree on them and a reload does not cost every client a full
 * handshake.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_ssl.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "Sluice needs OpenSSL 3.0 or later"
#endif


#define SL_SSL_TICKET_KEYS  3
#define SL_SSL_FILE_TICKET_KEYS  16


struct sl_ssl_connection_s {
    SSL                  *connection;
    u_char               *out;          /* taken, not yet written */
    size_t                out_pos;
    size_t                out_last;
    size_t                out_size;     /* ssl_buffer_size: a record */
    unsigned              handshaked:1;
    unsigned              failed:1;     /* no close_notify, no more I/O */
    unsigned              read_blocked:1;  /* SSL_read() wants to write */
};

typedef struct {
    u_char                name[16];
    u_char                aes[32];
    u_char                hmac[32];
} sl_ssl_ticket_key_t;


/* what a key load offers OpenSSL's password callback, and learns */
typedef struct {
    sl_str_t  *password;                /* NULL: none */
    sl_uint_t  asked;                   /* the key is encrypted */
} sl_ssl_password_t;


static sl_int_t sl_ssl_new_ctx(sl_ssl_t *ssl, const SSL_METHOD *method,
    sl_pool_t *pool, u_char *err, size_t len);
static void sl_ssl_cleanup_ctx(void *data);
static int sl_ssl_password(char *buf, int size, int rwflag, void *data);
static sl_int_t sl_ssl_load_key(sl_ssl_t *ssl, const char *key,
    sl_ssl_password_t *pw, u_char *err, size_t len);
static void sl_ssl_file_keys_free(void *parent, void *ptr,
    CRYPTO_EX_DATA *ad, int idx, long argl, void *argp);
static int sl_ssl_ticket_key(SSL *s, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *ectx, EVP_MAC_CTX *hctx, int enc);
static void sl_ssl_error(u_char *err, size_t len, const char *fmt, ...)
    sl_printf_like(3, 4);
static void sl_ssl_log(sl_connection_t *c, int sslerr, const char *what);
static void sl_ssl_handshake(sl_connection_t *c);
static void sl_ssl_handshake_handler(sl_event_t *ev);
static sl_int_t sl_ssl_write_out(sl_connection_t *c);
static void sl_ssl_release(sl_ssl_connection_t *sc);


static sl_ssl_ticket_key_t  sl_ssl_ticket_keys[SL_SSL_TICKET_KEYS];
static sl_uint_t            sl_ssl_nticket_keys;

/* ssl_session_ticket_key files of a context: kept with it (ex_data) */
typedef struct {
    sl_uint_t               n;
    sl_ssl_ticket_key_t     keys[SL_SSL_FILE_TICKET_KEYS];
} sl_ssl_file_keys_t;

static int                  sl_ssl_file_keys_index = -1;


sl_int_t
sl_ssl_create(sl_ssl_t *ssl, sl_uint_t protocols, sl_pool_t *pool,
    u_char *err, size_t len)
{
    int         min, max;
    SSL_CTX    *ctx;
    sl_uint_t   i;

    static const struct {
        sl_uint_t  bit;
        int        version;
    }  versions[] = {
        { SL_SSL_TLSv1, TLS1_VERSION },
        { SL_SSL_TLSv1_1, TLS1_1_VERSION },
        { SL_SSL_TLSv1_2, TLS1_2_VERSION },
        { SL_SSL_TLSv1_3, TLS1_3_VERSION }
    };

    min = 0;
    max = 0;

    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (protocols & versions[i].bit) {
            if (min == 0) {
                min = versions[i].version;
            }

            max = versions[i].version;
        }
    }

    if (min == 0) {
        sl_ssl_error(err, len, "no TLS protocol version");
        return SL_ERROR;
    }

    if (sl_ssl_new_ctx(ssl, TLS_server_method(), pool, err, len) != SL_OK) {
        return SL_ERROR;
    }

    ctx = ssl->ctx;

    if (SSL_CTX_set_min_proto_version(ctx, min) != 1
        || SSL_CTX_set_max_proto_version(ctx, max) != 1)
    {
        sl_ssl_error(err, len, "cannot set the TLS protocol versions");
        return SL_ERROR;
    }

    /*
     * A peer's EOF without close_notify is an end, not an error: players
     * that stop simply close.  Renegotiation is refused (a client could
     * make the server do handshakes at will).
     */
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION
                             | SSL_OP_CIPHER_SERVER_PREFERENCE
                             | SSL_OP_NO_RENEGOTIATION
                             | SSL_OP_IGNORE_UNEXPECTED_EOF);

    /* idle connections give their record buffers back */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                          | SSL_MODE_RELEASE_BUFFERS);

    /* sessions resume with tickets, which every worker can open */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

    /* an encrypted key must not make the server wait at a terminal */
    SSL_CTX_set_default_passwd_cb(ctx, sl_ssl_password);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);

    return SL_OK;
}


/* a context freed with the pool */
static sl_int_t
sl_ssl_new_ctx(sl_ssl_t *ssl, const SSL_METHOD *method, sl_pool_t *pool,
    u_char *err, size_t len)
{
    SSL_CTX            *ctx;
    sl_pool_cleanup_t  *cln;

    ctx = SSL_CTX_new(method);
    if (ctx == NULL) {
        sl_ssl_error(err, len, "SSL_CTX_new() failed");
        return SL_ERROR;
    }

    cln = sl_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        SSL_CTX_free(ctx);
        sl_ssl_error(err, len, "out of memory");
        return SL_ERROR;
    }

    cln->handler = sl_ssl_cleanup_ctx;
    cln->data = ctx;

    ssl->ctx = ctx;

    return SL_OK;
}


static void
sl_ssl_cleanup_ctx(void *data)
{
    SSL_CTX_free(data);
}


/* the password of data (an sl_ssl_password_t, or NULL: none) */
static int
sl_ssl_password(char *buf, int size, int rwflag, void *data)
{
    sl_str_t           *password;
    sl_ssl_password_t  *pw = data;

    if (pw == NULL) {
        return 0;
    }

    pw->asked = 1;
    password = pw->password;

    if (rwflag || password == NULL || size < 0
        || password->len > (size_t) size)
    {
        return 0;
    }

    sl_memcpy(buf, password->data, password->len);

    return (int) password->len;
}


sl_int_t
sl_ssl_create_client(sl_ssl_t *ssl, const char *cafile, sl_pool_t *pool,
    u_char *err, size_t len)
{
    SSL_CTX  *ctx;

    if (sl_ssl_new_ctx(ssl, TLS_client_method(), pool, err, len) != SL_OK) {
        return SL_ERROR;
    }

    ctx = ssl->ctx;

    (void) SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);

    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION
                             | SSL_OP_NO_RENEGOTIATION
                             | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                          | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    ERR_clear_error();

    if (cafile) {
        if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
            sl_ssl_error(err, len, "cannot load trusted certificates "
                         "\"%s\"", cafile);
            return SL_ERROR;
        }

    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        sl_ssl_error(err, len, "cannot load the system's certificate "
                     "authorities");
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_ssl_certificate(sl_ssl_t *ssl, const char *cert, u_char *err, size_t len)
{
    ERR_clear_error();

    if (SSL_CTX_use_certificate_chain_file(ssl->ctx, cert) != 1) {
        sl_ssl_error(err, len, "cannot load certificate \"%s\"", cert);
        return SL_ERROR;
    }

    return SL_OK;
}


/*
 * Each line of the password file's text is a password (a CR before the
 * LF is not part of it, empty lines are skipped), tried in turn.
 */
sl_int_t
sl_ssl_certificate_key(sl_ssl_t *ssl, const char *key,
    const sl_str_t *passwords, u_char *err, size_t len)
{
    u_char             *p, *end, *eol;
    sl_int_t            rc;
    sl_str_t            password;
    sl_uint_t           n;
    sl_ssl_password_t   pw;

    pw.asked = 0;

    if (passwords == NULL) {
        pw.password = NULL;
        rc = sl_ssl_load_key(ssl, key, &pw, err, len);

        if (rc == SL_DECLINED && pw.asked) {
            sl_ssl_error(err, len, "certificate key \"%s\" is encrypted and "
                         "there is no \"ssl_password_file\"", key);
            return SL_ERROR;
        }

        if (rc == SL_DECLINED) {
            sl_ssl_error(err, len, "cannot load certificate key \"%s\"", key);
            return SL_ERROR;
        }

        return rc;
    }

    n = 0;
    end = passwords->data + passwords->len;

    for (p = passwords->data; p < end; /* void */) {
        eol = sl_strlchr(p, end, '\n');

        password.data = p;
        password.len = (eol ? eol : end) - p;
        p = eol ? eol + 1 : end;

        if (password.len && password.data[password.len - 1] == '\r') {
            password.len--;
        }

        if (password.len == 0) {
            continue;
        }

        n++;

        pw.password = &password;
        rc = sl_ssl_load_key(ssl, key, &pw, err, len);

        if (rc != SL_DECLINED) {
            return rc;
        }
    }

    if (n == 0) {
        sl_ssl_error(err, len, "no password in the \"ssl_password_file\" "
                     "for \"%s\"", key);
        return SL_ERROR;
    }

    sl_ssl_error(err, len, "cannot load certificate key \"%s\" with any of "
                 "the %lu passwords of \"ssl_password_file\"", key,
                 (unsigned long) n);
    return SL_ERROR;
}


/*
 * Loads key with pw's password (none: the key must be in clear): SL_OK;
 * SL_DECLINED when it cannot be read (with OpenSSL's reason queued);
 * SL_ERROR when it is not the certificate's (err written).
 */
static sl_int_t
sl_ssl_load_key(sl_ssl_t *ssl, const char *key, sl_ssl_password_t *pw,
    u_char *err, size_t len)
{
    int  rc;

    ERR_clear_error();

    SSL_CTX_set_default_passwd_cb_userdata(ssl->ctx, pw);

    /* a key of the certificate's type is checked against it here */
    rc = SSL_CTX_use_PrivateKey_file(ssl->ctx, key, SSL_FILETYPE_PEM);

    SSL_CTX_set_default_passwd_cb_userdata(ssl->ctx, NULL);

    if (rc != 1) {
        if (ERR_GET_LIB(ERR_peek_error()) == ERR_LIB_X509
            && ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH)
        {
            goto mismatch;
        }

        return SL_DECLINED;
    }

    /* one of another type went to its own slot, with no certificate */
    if (SSL_CTX_check_private_key(ssl->ctx) != 1) {
        goto mismatch;
    }

    return SL_OK;

mismatch:

    sl_ssl_error(err, len, "\"%s\" is not the key of the certificate "
                 "before it", key);
    return SL_ERROR;
}


sl_int_t
sl_ssl_ciphers(sl_ssl_t *ssl, const char *ciphers, u_char *err, size_t len)
{
    ERR_clear_error();

    if (SSL_CTX_set_cipher_list(ssl->ctx, ciphers) != 1) {
        sl_ssl_error(err, len, "invalid cipher list \"%s\"", ciphers);
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_ssl_session_tickets(sl_ssl_t *ssl, sl_uint_t on, u_char *err, size_t len)
{
    if (!on) {
        SSL_CTX_set_options(ssl->ctx, SSL_OP_NO_TICKET);
        (void) SSL_CTX_set_num_tickets(ssl->ctx, 0);
        return SL_OK;
    }

    if (sl_ssl_nticket_keys == 0
        && sl_ssl_rotate_ticket_keys(err, len) != SL_OK)
    {
        return SL_ERROR;
    }

    /* one ticket per TLSv1.3 handshake: players do not open connections
     * in parallel */
    (void) SSL_CTX_set_num_tickets(ssl->ctx, 1);

    if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ssl->ctx, sl_ssl_ticket_key)
        != 1)
    {
        sl_ssl_error(err, len, "cannot set the session ticket callback");
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_ssl_rotate_ticket_keys(u_char *err, size_t len)
{
    sl_ssl_ticket_key_t  key;

    if (RAND_bytes((u_char *) &key, sizeof(key)) != 1) {
        sl_ssl_error(err, len, "RAND_bytes() failed for a ticket key");
        return SL_ERROR;
    }

    OPENSSL_cleanse(&sl_ssl_ticket_keys[SL_SSL_TICKET_KEYS - 1],
                    sizeof(sl_ssl_ticket_key_t));

    memmove(&sl_ssl_ticket_keys[1], &sl_ssl_ticket_keys[0],
               (SL_SSL_TICKET_KEYS - 1) * sizeof(sl_ssl_ticket_key_t));

    sl_ssl_ticket_keys[0] = key;
    OPENSSL_cleanse(&key, sizeof(key));

    if (sl_ssl_nticket_keys < SL_SSL_TICKET_KEYS) {
        sl_ssl_nticket_keys++;
    }

    return SL_OK;
}


/*
 * ssl_session_ticket_key FILE: 80 bytes, as nginx reads them (name 16,
 * HMAC key 32, AES key 32; "openssl rand 80 > FILE"), so that servers
 * that share the files open each other's tickets.  The keys live with
 * the context, wiped when its last connection lets it go.
 */
sl_int_t
sl_ssl_session_ticket_key(sl_ssl_t *ssl, const char *file, u_char *err,
    size_t len)
{
    u_char              *buf;
    size_t               n;
    sl_str_t             name;
    sl_ssl_file_keys_t  *fk;
    sl_ssl_ticket_key_t *key;

    if (sl_ssl_file_keys_index == -1) {
        sl_ssl_file_keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
                                                   sl_ssl_file_keys_free);
        if (sl_ssl_file_keys_index == -1) {
            sl_ssl_error(err, len, "SSL_CTX_get_ex_new_index() failed");
            return SL_ERROR;
        }
    }

    fk = SSL_CTX_get_ex_data(ssl->ctx, sl_ssl_file_keys_index);

    if (fk == NULL) {
        fk = OPENSSL_zalloc(sizeof(sl_ssl_file_keys_t));

        if (fk == NULL
            || SSL_CTX_set_ex_data(ssl->ctx, sl_ssl_file_keys_index, fk) != 1)
        {
            OPENSSL_free(fk);
            sl_ssl_error(err, len, "out of memory");
            return SL_ERROR;
        }
    }

    if (fk->n == SL_SSL_FILE_TICKET_KEYS) {
        sl_ssl_error(err, len, "more than %d session ticket keys",
                     SL_SSL_FILE_TICKET_KEYS);
        return SL_ERROR;
    }

    name.data = (u_char *) file;
    name.len = sl_strlen(file);

    if (sl_read_whole_file(&name, 81, "session ticket key", &buf, &n, err,
                           len)
        != SL_OK)
    {
        return SL_ERROR;
    }

    if (n != 80) {
        OPENSSL_cleanse(buf, n);
        sl_free(buf);
        sl_ssl_error(err, len, "session ticket key \"%s\" must be 80 bytes "
                     "(openssl rand 80), not %zu", file, n);
        return SL_ERROR;
    }

    key = &fk->keys[fk->n++];
    sl_memcpy(key->name, buf, 16);
    sl_memcpy(key->hmac, buf + 16, 32);
    sl_memcpy(key->aes, buf + 48, 32);

    OPENSSL_cleanse(buf, n);
    sl_free(buf);

    return SL_OK;
}


static void
sl_ssl_file_keys_free(void *parent sl_unused, void *ptr,
    CRYPTO_EX_DATA *ad sl_unused, int idx sl_unused, long argl sl_unused,
    void *argp sl_unused)
{
    OPENSSL_clear_free(ptr, sizeof(sl_ssl_file_keys_t));
}


/*
 * Seals with the newest key (the first ssl_session_ticket_key file, or
 * the master's newest); opens with any kept one, asking for a fresh
 * ticket (2) when it was not the newest.  0 when no kept key has the
 * ticket's name: a full handshake, as for a client without one.
 */
static int
sl_ssl_ticket_key(SSL *s, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *ectx, EVP_MAC_CTX *hctx, int enc)
{
    sl_uint_t             i, n;
    OSSL_PARAM            params[3];
    const EVP_CIPHER     *cipher;
    sl_ssl_file_keys_t   *fk;
    sl_ssl_ticket_key_t  *key, *keys;

    static char           digest[] = "SHA256";

    cipher = EVP_aes_256_cbc();

    fk = (sl_ssl_file_keys_index == -1)
         ? NULL
         : SSL_CTX_get_ex_data(SSL_get_SSL_CTX(s), sl_ssl_file_keys_index);

    if (fk && fk->n) {
        keys = fk->keys;
        n = fk->n;

    } else {
        keys = sl_ssl_ticket_keys;
        n = sl_ssl_nticket_keys;
    }

    if (enc) {
        key = &keys[0];
        i = 0;

        if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(cipher)) != 1) {
            return -1;
        }

        sl_memcpy(name, key->name, sizeof(key->name));

        if (EVP_EncryptInit_ex(ectx, cipher, NULL, key->aes, iv) != 1) {
            return -1;
        }

    } else {
        for (i = 0; i < n; i++) {
            if (memcmp(name, keys[i].name, sizeof(keys[i].name)) == 0) {
                break;
            }
        }

        if (i == n) {
            return 0;
        }

        key = &keys[i];

        if (EVP_DecryptInit_ex(ectx, cipher, NULL, key->aes, iv) != 1) {
            return -1;
        }
    }

    params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY,
                                                  key->hmac,
                                                  sizeof(key->hmac));
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 digest, 0);
    params[2] = OSSL_PARAM_construct_end();

    if (EVP_MAC_CTX_set_params(hctx, params) != 1) {
        return -1;
    }

    return (i > 0) ? 2 : 1;
}


void
sl_ssl_accept(sl_connection_t *c, sl_ssl_t *ssl)
{
    sl_ssl_connection_t  *sc;

    sc = sl_pcalloc(c->pool, sizeof(sl_ssl_connection_t));
    if (sc == NULL) {
        sl_close_connection(c);
        return;
    }

    c->ssl = sc;
    sc->out_size = ssl->buffer_size ? ssl->buffer_size : SL_SSL_RECORD;

    sc->connection = SSL_new(ssl->ctx);

    if (sc->connection == NULL || SSL_set_fd(sc->connection, c->fd) != 1) {
        sl_ssl_log(c, SSL_ERROR_SSL, "SSL_new() failed");
        sc->failed = 1;
        sl_close_connection(c);
        return;
    }

    SSL_set_accept_state(sc->connection);

    /* a graceful shutdown closes connections still in their handshake */
    c->idle = 1;

    c->read->handler = sl_ssl_handshake_handler;
    c->write->handler = sl_ssl_handshake_handler;

    sl_event_add_timer(c->read, ssl->handshake_timeout);

    sl_ssl_handshake(c);
}


static void
sl_ssl_handshake_handler(sl_event_t *ev)
{
    sl_connection_t  *c;

    c = ev->data;

    if (ev->timedout) {
        sl_log_error(SL_LOG_INFO, c->log, 0, "TLS handshake timed out");
        c->ssl->failed = 1;
        sl_close_connection(c);
        return;
    }

    if (c->close) {
        sl_close_connection(c);
        return;
    }

    sl_ssl_handshake(c);
}


static void
sl_ssl_handshake(sl_connection_t *c)
{
    int                   n, sslerr;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    ERR_clear_error();

    n = SSL_do_handshake(sc->connection);

    if (n == 1) {
        sc->handshaked = 1;

        sl_event_del_timer(c->read);

        sl_log_error(SL_LOG_INFO, c->log, 0, "TLS handshake: %s %s%s",
                     SSL_get_version(sc->connection),
                     SSL_get_cipher_name(sc->connection),
                     SSL_session_reused(sc->connection) ? ", resumed" : "");

        c->idle = 0;
        c->read->handler = NULL;
        c->write->handler = NULL;

        c->listening->handler(c);

        /*
         * The first request may have come with the handshake's last
         * flight: its edge is spent, so the protocol reads once anyway.
         */
        if (!c->destroyed && c->read->handler != NULL) {
            c->read->ready = 1;
            sl_post_event(c->read, &sl_posted_events);
        }

        return;
    }

    sslerr = SSL_get_error(sc->connection, n);

    if (sslerr == SSL_ERROR_WANT_READ) {
        c->read->ready = 0;
        return;
    }

    if (sslerr == SSL_ERROR_WANT_WRITE) {
        c->write->ready = 0;
        return;
    }

    sc->failed = 1;
    sl_ssl_log(c, sslerr, "TLS handshake failed");
    sl_close_connection(c);
}


sl_int_t
sl_ssl_connect(sl_connection_t *c, sl_ssl_t *ssl, const char *host)
{
    int                   ip;
    u_char                addr[sizeof(struct in6_addr)];
    X509_VERIFY_PARAM    *param;
    sl_ssl_connection_t  *sc;

    sc = sl_pcalloc(c->pool, sizeof(sl_ssl_connection_t));
    if (sc == NULL) {
        return SL_ERROR;
    }

    c->ssl = sc;
    sc->out_size = ssl->buffer_size ? ssl->buffer_size : SL_SSL_RECORD;

    sc->connection = SSL_new(ssl->ctx);

    if (sc->connection == NULL || SSL_set_fd(sc->connection, c->fd) != 1) {
        sl_ssl_log(c, SSL_ERROR_SSL, "SSL_new() failed");
        sc->failed = 1;
        return SL_ERROR;
    }

    SSL_set_connect_state(sc->connection);

    /* a name is sent (SNI) and checked; an address is only checked */
    ip = inet_pton(AF_INET, host, addr) == 1
         || inet_pton(AF_INET6, host, addr) == 1;

    param = SSL_get0_param(sc->connection);

    if ((ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
            : X509_VERIFY_PARAM_set1_host(param, host, 0)) != 1
        || (!ip && SSL_set_tlsext_host_name(sc->connection, host) != 1))
    {
        sl_ssl_log(c, SSL_ERROR_SSL, "cannot set the peer's name");
        sc->failed = 1;
        return SL_ERROR;
    }

    return SL_OK;
}


sl_int_t
sl_ssl_handshake_step(sl_connection_t *c)
{
    int                   n, sslerr;
    long                  vr;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    ERR_clear_error();

    n = SSL_do_handshake(sc->connection);

    if (n == 1) {
        sc->handshaked = 1;

        sl_log_error(SL_LOG_INFO, c->log, 0, "TLS handshake: %s %s%s",
                     SSL_get_version(sc->connection),
                     SSL_get_cipher_name(sc->connection),
                     SSL_session_reused(sc->connection) ? ", resumed" : "");

        c->read->ready = 1;
        return SL_OK;
    }

    sslerr = SSL_get_error(sc->connection, n);

    if (sslerr == SSL_ERROR_WANT_READ) {
        c->read->ready = 0;
        return SL_AGAIN;
    }

    if (sslerr == SSL_ERROR_WANT_WRITE) {
        c->write->ready = 0;
        return SL_AGAIN;
    }

    sc->failed = 1;

    vr = SSL_get_verify_result(sc->connection);

    if (vr != X509_V_OK) {
        sl_log_error(SL_LOG_ERR, c->log, 0, "TLS handshake failed: the "
                     "peer's certificate is refused (%s)",
                     X509_verify_cert_error_string(vr));
        ERR_clear_error();
        return SL_ERROR;
    }

    sl_ssl_log(c, sslerr, "TLS handshake failed");

    return SL_ERROR;
}


ssize_t
sl_ssl_recv(sl_connection_t *c, u_char *buf, size_t size)
{
    int                   n, sslerr;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    if (sc->failed) {
        c->read->error = 1;
        return SL_ERROR;
    }

    ERR_clear_error();

    n = SSL_read(sc->connection, buf, (int) sl_min(size, INT_MAX));

    if (n > 0) {
        /* more may wait in OpenSSL's buffer: ready until it says so */
        return n;
    }

    sslerr = SSL_get_error(sc->connection, n);

    switch (sslerr) {

    case SSL_ERROR_WANT_READ:
        c->read->ready = 0;
        return SL_AGAIN;

    case SSL_ERROR_WANT_WRITE:
        /* the next writable event (sl_ssl_flush) reads again */
        sc->read_blocked = 1;
        c->read->ready = 0;
        return SL_AGAIN;

    case SSL_ERROR_ZERO_RETURN:
        c->read->ready = 0;
        c->read->eof = 1;
        return 0;
    }

    sc->failed = 1;
    c->read->error = 1;
    sl_ssl_log(c, sslerr, "SSL_read() failed");

    return SL_ERROR;
}


ssize_t
sl_ssl_writev(sl_connection_t *c, const struct iovec *iov, int n)
{
    int                   i;
    size_t                k, skip, total;
    sl_int_t              rc;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    rc = sl_ssl_write_out(c);
    if (rc != SL_OK) {
        return rc;
    }

    if (sc->out == NULL) {
        sc->out = sl_alloc(sc->out_size, c->log);
        if (sc->out == NULL) {
            return SL_ERROR;
        }
    }

    total = 0;
    skip = 0;
    i = 0;

    while (i < n) {

        /* one record's worth, across iovecs */
        while (i < n && sc->out_last < sc->out_size) {
            k = sl_min(iov[i].iov_len - skip, sc->out_size - sc->out_last);

            sl_memcpy(sc->out + sc->out_last,
                      (u_char *) iov[i].iov_base + skip, k);

            sc->out_last += k;
            skip += k;

            if (skip == iov[i].iov_len) {
                i++;
                skip = 0;
            }
        }

        if (sc->out_last == 0) {
            break;
        }

        /* taken: from here on these bytes are the connection's */
        total += sc->out_last;

        rc = sl_ssl_write_out(c);

        if (rc == SL_ERROR) {
            return SL_ERROR;
        }

        if (rc == SL_AGAIN) {
            break;
        }
    }

    sl_ssl_release(sc);

    return (ssize_t) total;
}


sl_int_t
sl_ssl_flush(sl_connection_t *c)
{
    sl_int_t              rc;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    if (sc->read_blocked) {
        sc->read_blocked = 0;
        c->read->ready = 1;
        sl_post_event(c->read, &sl_posted_events);
    }

    if (!sc->handshaked || sc->out == NULL) {
        return SL_OK;
    }

    rc = sl_ssl_write_out(c);

    sl_ssl_release(sc);

    return rc;
}


static void
sl_ssl_release(sl_ssl_connection_t *sc)
{
    if (sc->out && sc->out_last == 0) {
        sl_free(sc->out);
        sc->out = NULL;
    }
}


/* SL_OK once the buffer is empty */
static sl_int_t
sl_ssl_write_out(sl_connection_t *c)
{
    int                   n, sslerr;
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    if (sc->failed) {
        c->write->error = 1;
        return SL_ERROR;
    }

    while (sc->out_pos < sc->out_last) {
        ERR_clear_error();

        n = SSL_write(sc->connection, sc->out + sc->out_pos,
                      (int) (sc->out_last - sc->out_pos));

        if (n > 0) {
            sc->out_pos += n;
            continue;
        }

        sslerr = SSL_get_error(sc->connection, n);

        if (sslerr == SSL_ERROR_WANT_WRITE || sslerr == SSL_ERROR_WANT_READ) {
            c->write->ready = 0;
            return SL_AGAIN;
        }

        sc->failed = 1;
        c->write->error = 1;
        sl_ssl_log(c, sslerr, "SSL_write() failed");

        return SL_ERROR;
    }

    sc->out_pos = 0;
    sc->out_last = 0;

    return SL_OK;
}


void
sl_ssl_close(sl_connection_t *c)
{
    sl_ssl_connection_t  *sc;

    sc = c->ssl;

    if (sc->connection) {
        if (sc->handshaked && !sc->failed
            && sl_ssl_write_out(c) != SL_ERROR)
        {
            /* one try: a peer that does not read does not get it */
            ERR_clear_error();
            (void) SSL_shutdown(sc->connection);
        }

        SSL_free(sc->connection);
        sc->connection = NULL;
    }

    ERR_clear_error();

    if (sc->out) {
        sl_free(sc->out);
        sc->out = NULL;
    }

    c->ssl = NULL;
}


const char *
sl_ssl_version(sl_connection_t *c)
{
    return c->ssl ? SSL_get_version(c->ssl->connection) : "";
}


/* why, with OpenSSL's reason when it has one */
static void
sl_ssl_error(u_char *err, size_t len, const char *fmt, ...)
{
    int            n;
    char           reason[256];
    va_list        args;
    unsigned long  e;

    va_start(args, fmt);
    n = vsnprintf((char *) err, len, fmt, args);
    va_end(args);

    /* the first error is the cause ("No such file or directory") */
    e = ERR_peek_error();

    if (e && n >= 0 && (size_t) n < len) {
        ERR_error_string_n(e, reason, sizeof(reason));
        (void) snprintf((char *) err + n, len - n, " (%s)", reason);
    }

    ERR_clear_error();
}


/* a client's TLS failure: at info, it says nothing about the server */
static void
sl_ssl_log(sl_connection_t *c, int sslerr, const char *what)
{
    char           reason[256];
    sl_err_t       err;
    unsigned long  e;

    err = (sslerr == SSL_ERROR_SYSCALL) ? errno : 0;
    e = ERR_peek_last_error();

    if (e) {
        ERR_error_string_n(e, reason, sizeof(reason));
        sl_log_error(SL_LOG_INFO, c->log, err, "%s (%s)", what, reason);

    } else {
        sl_log_error(SL_LOG_INFO, c->log, err, "%s", what);
    }

    ERR_clear_error();
}
