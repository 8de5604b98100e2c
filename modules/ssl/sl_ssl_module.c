/*
 * TLS for "listen ... ssl": each server's certificates, protocols,
 * ciphers and session tickets become one OpenSSL context (core/sl_ssl)
 * that its TLS listening sockets hand to accepted connections.  Files
 * are read at every configuration, so a reload loads renewed
 * certificates; a certificate that cannot be used fails the
 * configuration with the directive's file:line and a running server
 * keeps its old one.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>


/* a directive's value and where it was written, for errors found later */
typedef struct {
    sl_str_t                  value;
    sl_str_t                  file;
    sl_uint_t                 line;
} sl_ssl_value_t;

#define SL_SSL_MAX_PASSWORD_FILE  65536


typedef struct {
    sl_array_t               *certificates; /* sl_ssl_value_t, full paths */
    sl_array_t               *keys;         /* sl_ssl_value_t, full paths */
    sl_array_t               *ciphers;      /* one sl_ssl_value_t */
    sl_array_t               *password_file;    /* one sl_ssl_value_t */
    sl_array_t               *ticket_keys;  /* sl_ssl_value_t, full paths */
    sl_uint_t                 protocols;
    sl_int_t                  session_tickets;
    sl_msec_t                 handshake_timeout;
    size_t                    buffer_size;
} sl_ssl_srv_conf_t;


static sl_int_t sl_ssl_init(sl_conf_t *cf);
static sl_int_t sl_ssl_init_module(sl_cycle_t *cycle);
static sl_int_t sl_ssl_server(sl_conf_t *cf,
    sl_streaming_core_srv_conf_t *cscf, sl_ssl_srv_conf_t *sscf);
static sl_int_t sl_ssl_keys(sl_conf_t *cf, sl_ssl_t *ssl,
    sl_ssl_value_t *cert, sl_ssl_value_t *key, sl_uint_t n,
    sl_array_t *password_file);
static sl_int_t sl_ssl_failed(sl_conf_t *cf, const u_char *err,
    const sl_ssl_value_t *where);
static char *sl_ssl_value(sl_conf_t *cf, sl_command_t *cmd, void *conf);
static void sl_ssl_value_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
static void *sl_ssl_create_srv_conf(sl_conf_t *cf);
static char *sl_ssl_merge_srv_conf(sl_conf_t *cf, void *parent,
    void *child);


static sl_conf_bitmask_t  sl_ssl_protocol_names[] = {
    { sl_string("TLSv1"), SL_SSL_TLSv1 },
    { sl_string("TLSv1.1"), SL_SSL_TLSv1_1 },
    { sl_string("TLSv1.2"), SL_SSL_TLSv1_2 },
    { sl_string("TLSv1.3"), SL_SSL_TLSv1_3 },
    { sl_null_string, 0 }
};


static sl_conf_num_bounds_t  sl_ssl_handshake_timeout_bounds = {
    sl_conf_check_num_bounds, 100, 600000
};

static sl_conf_num_bounds_t  sl_ssl_buffer_size_bounds = {
    sl_conf_check_num_bounds, 512, SL_SSL_RECORD
};


static sl_command_t  sl_ssl_commands[] = {

    { sl_string("ssl_certificate"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_ssl_value,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, certificates),
      NULL,
      sl_ssl_value_dump },

    { sl_string("ssl_certificate_key"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_ssl_value,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, keys),
      NULL,
      sl_ssl_value_dump },

    { sl_string("ssl_password_file"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_ssl_value,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, password_file),
      NULL,
      sl_ssl_value_dump },

    { sl_string("ssl_protocols"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_1MORE,
      sl_conf_set_bitmask_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, protocols),
      sl_ssl_protocol_names, NULL },

    { sl_string("ssl_ciphers"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_ssl_value,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, ciphers),
      NULL,
      sl_ssl_value_dump },

    { sl_string("ssl_session_tickets"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_FLAG,
      sl_conf_set_flag_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, session_tickets),
      NULL, NULL },

    { sl_string("ssl_session_ticket_key"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_ssl_value,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, ticket_keys),
      NULL,
      sl_ssl_value_dump },

    { sl_string("ssl_handshake_timeout"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_msec_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, handshake_timeout),
      &sl_ssl_handshake_timeout_bounds, NULL },

    { sl_string("ssl_buffer_size"),
      SL_STREAMING_MAIN_CONF | SL_STREAMING_SRV_CONF | SL_CONF_TAKE1,
      sl_conf_set_size_slot,
      SL_STREAMING_SRV_CONF_OFFSET,
      offsetof(sl_ssl_srv_conf_t, buffer_size),
      &sl_ssl_buffer_size_bounds, NULL },

      sl_null_command
};


static sl_streaming_module_t  sl_ssl_module_ctx = {
    .postconfiguration = sl_ssl_init,
    .create_srv_conf   = sl_ssl_create_srv_conf,
    .merge_srv_conf    = sl_ssl_merge_srv_conf,
};


sl_module_t  sl_ssl_module = {
    .type        = SL_STREAMING_MODULE,
    .ctx         = &sl_ssl_module_ctx,
    .commands    = sl_ssl_commands,
    .init_module = sl_ssl_init_module,
};


/* a context for each server that has certificates */
static sl_int_t
sl_ssl_init(sl_conf_t *cf)
{
    sl_uint_t                       s;
    sl_ssl_srv_conf_t              *sscf;
    sl_streaming_core_srv_conf_t  **cscfp;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_conf_get_module_main_conf(cf,
                                                  sl_streaming_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        sscf = cscfp[s]->ctx->srv_conf[sl_ssl_module.ctx_index];

        if (sscf->certificates == NULL && sscf->keys == NULL) {
            continue;
        }

        if (sl_ssl_server(cf, cscfp[s], sscf) != SL_OK) {
            return SL_ERROR;
        }
    }

    return SL_OK;
}


/*
 * A new ticket key for every configuration the master takes (all
 * workers seal and open with the same keys): here, once the cycle's
 * sockets and zones are open, so that a reload refused for a mistake
 * does not push out a key clients still hold.
 */
static sl_int_t
sl_ssl_init_module(sl_cycle_t *cycle)
{
    u_char  err[SL_MAX_ERROR_STR];

    if (sl_ssl_rotate_ticket_keys(err, sizeof(err)) != SL_OK) {
        sl_log_error(SL_LOG_EMERG, cycle->log, 0, "%s", err);
        return SL_ERROR;
    }

    return SL_OK;
}


static sl_int_t
sl_ssl_server(sl_conf_t *cf, sl_streaming_core_srv_conf_t *cscf,
    sl_ssl_srv_conf_t *sscf)
{
    sl_uint_t        i, ncerts, nkeys;
    sl_ssl_t        *ssl;
    sl_ssl_value_t  *cert, *key, *ciphers, *tk;
    u_char           err[SL_MAX_ERROR_STR];

    ncerts = sscf->certificates ? sscf->certificates->nelts : 0;
    nkeys = sscf->keys ? sscf->keys->nelts : 0;
    cert = ncerts ? sscf->certificates->elts : NULL;
    key = nkeys ? sscf->keys->elts : NULL;

    if (ncerts != nkeys) {
        (void) snprintf((char *) err, sizeof(err), "\"%s\" without its \"%s\" "
                           "(one each, in the same order)",
                           ncerts > nkeys ? "ssl_certificate"
                                          : "ssl_certificate_key",
                           ncerts > nkeys ? "ssl_certificate_key"
                                          : "ssl_certificate");

        return sl_ssl_failed(cf, err, ncerts > nkeys ? &cert[nkeys]
                                                     : &key[ncerts]);
    }

    ssl = sl_pcalloc(cf->pool, sizeof(sl_ssl_t));
    if (ssl == NULL) {
        return SL_ERROR;
    }

    ssl->handshake_timeout = sscf->handshake_timeout;
    ssl->buffer_size = sscf->buffer_size;

    if (sl_ssl_create(ssl, sscf->protocols, cf->pool, err, sizeof(err))
        != SL_OK)
    {
        return sl_ssl_failed(cf, err, &cert[0]);
    }

    if (sl_ssl_keys(cf, ssl, cert, key, ncerts, sscf->password_file)
        != SL_OK)
    {
        return SL_ERROR;
    }

    ciphers = sscf->ciphers ? sscf->ciphers->elts : &cert[0];

    if (sl_ssl_ciphers(ssl, sscf->ciphers ? (char *) ciphers->value.data
                                          : SL_SSL_DEFAULT_CIPHERS,
                       err, sizeof(err))
        != SL_OK)
    {
        return sl_ssl_failed(cf, err, ciphers);
    }

    if (sl_ssl_session_tickets(ssl, sscf->session_tickets == 1, err,
                               sizeof(err))
        != SL_OK)
    {
        return sl_ssl_failed(cf, err, &cert[0]);
    }

    /* keys shared with other servers (and machines) seal the tickets */
    if (sscf->session_tickets == 1 && sscf->ticket_keys) {
        tk = sscf->ticket_keys->elts;

        for (i = 0; i < sscf->ticket_keys->nelts; i++) {
            if (sl_ssl_session_ticket_key(ssl, (char *) tk[i].value.data,
                                          err, sizeof(err))
                != SL_OK)
            {
                return sl_ssl_failed(cf, err, &tk[i]);
            }
        }
    }

    cscf->ssl = ssl;

    return SL_OK;
}


/*
 * The certificates and their keys; encrypted keys open with a password
 * of ssl_password_file, read here (so again at every reload) and wiped
 * once the keys are loaded.
 */
static sl_int_t
sl_ssl_keys(sl_conf_t *cf, sl_ssl_t *ssl, sl_ssl_value_t *cert,
    sl_ssl_value_t *key, sl_uint_t n, sl_array_t *password_file)
{
    u_char          *buf;
    size_t           len;
    sl_int_t         rc;
    sl_str_t         passwords;
    sl_uint_t        i;
    sl_ssl_value_t  *pf;
    u_char           err[SL_MAX_ERROR_STR];

    pf = password_file ? password_file->elts : NULL;
    buf = NULL;
    len = 0;

    if (pf
        && sl_read_whole_file(&pf->value, SL_SSL_MAX_PASSWORD_FILE,
                              "password file", &buf, &len, err, sizeof(err))
           != SL_OK)
    {
        return sl_ssl_failed(cf, err, pf);
    }

    passwords.data = buf;
    passwords.len = len;

    rc = SL_OK;

    for (i = 0; i < n; i++) {
        if (sl_ssl_certificate(ssl, (char *) cert[i].value.data, err,
                               sizeof(err))
            != SL_OK)
        {
            rc = sl_ssl_failed(cf, err, &cert[i]);
            break;
        }

        if (sl_ssl_certificate_key(ssl, (char *) key[i].value.data,
                                   pf ? &passwords : NULL, err, sizeof(err))
            != SL_OK)
        {
            rc = sl_ssl_failed(cf, err, &key[i]);
            break;
        }
    }

    if (buf) {
        explicit_bzero(buf, len);
        sl_free(buf);
    }

    return rc;
}


static sl_int_t
sl_ssl_failed(sl_conf_t *cf, const u_char *err, const sl_ssl_value_t *where)
{
    sl_log_error(SL_LOG_EMERG, cf->log, 0, "%s in " SL_STR_FMT ":%lu",
                 err, SL_STR_ARG(&where->file), (unsigned long) where->line);
    return SL_ERROR;
}


/*
 * ssl_certificate FILE; ssl_certificate_key FILE; (repeatable, in pairs:
 * an RSA and an ECDSA certificate, say), ssl_session_ticket_key FILE;
 * (repeatable), ssl_ciphers LIST; and ssl_password_file FILE; (once
 * each).
 */
static char *
sl_ssl_value(sl_conf_t *cf, sl_command_t *cmd, void *conf)
{
    sl_str_t         *value;
    sl_array_t      **a;
    sl_ssl_value_t   *f;

    a = (sl_array_t **) ((char *) conf + cmd->offset);
    value = cf->args->elts;

    if (*a && (cmd->offset == offsetof(sl_ssl_srv_conf_t, ciphers)
               || cmd->offset == offsetof(sl_ssl_srv_conf_t, password_file)))
    {
        return "is duplicate";
    }

    if (*a == NULL) {
        *a = sl_array_create(cf->pool, 2, sizeof(sl_ssl_value_t));
        if (*a == NULL) {
            return SL_CONF_ERROR;
        }
    }

    f = sl_array_push(*a);
    if (f == NULL) {
        return SL_CONF_ERROR;
    }

    f->value = value[1];
    f->file = cf->conf_file->file.name;
    f->line = cf->conf_file->line;

    if (value[1].len == 0) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0, "empty value in \""
                          SL_STR_FMT "\" directive", SL_STR_ARG(&cmd->name));
        return SL_CONF_ERROR;
    }

    /* files: relative to the prefix; every value is NUL-terminated */
    if (cmd->offset != offsetof(sl_ssl_srv_conf_t, ciphers)
        && sl_conf_full_name(cf->cycle, &f->value, 0) != SL_OK)
    {
        return SL_CONF_ERROR;
    }

    return SL_CONF_OK;
}


static void
sl_ssl_value_dump(sl_conf_dump_t *d, sl_command_t *cmd, void *conf)
{
    sl_uint_t        i;
    sl_array_t      *a;
    sl_ssl_value_t  *f;

    a = *(sl_array_t **) ((char *) conf + cmd->offset);

    if (a == NULL) {
        if (cmd->offset == offsetof(sl_ssl_srv_conf_t, ciphers)) {
            sl_conf_dump_line(d, "ssl_ciphers %s;", SL_SSL_DEFAULT_CIPHERS);
        }

        return;
    }

    f = a->elts;

    for (i = 0; i < a->nelts; i++) {
        sl_conf_dump_line(d, SL_STR_FMT " %s;", SL_STR_ARG(&cmd->name),
                          sl_conf_dump_value(d, &f[i].value));
    }
}


static void *
sl_ssl_create_srv_conf(sl_conf_t *cf)
{
    sl_ssl_srv_conf_t  *sscf;

    sscf = sl_pcalloc(cf->pool, sizeof(sl_ssl_srv_conf_t));
    if (sscf == NULL) {
        return NULL;
    }

    sscf->protocols = SL_CONF_UNSET_UINT;
    sscf->session_tickets = SL_CONF_UNSET;
    sscf->handshake_timeout = SL_CONF_UNSET_MSEC;
    sscf->buffer_size = SL_CONF_UNSET_SIZE;

    return sscf;
}


static char *
sl_ssl_merge_srv_conf(sl_conf_t *cf sl_unused, void *parent, void *child)
{
    sl_ssl_srv_conf_t  *prev = parent;
    sl_ssl_srv_conf_t  *conf = child;

    /* certificates and keys go together: a server names both or none */
    if (conf->certificates == NULL && conf->keys == NULL) {
        conf->certificates = prev->certificates;
        conf->keys = prev->keys;
    }

    if (conf->ciphers == NULL) {
        conf->ciphers = prev->ciphers;
    }

    if (conf->password_file == NULL) {
        conf->password_file = prev->password_file;
    }

    if (conf->ticket_keys == NULL) {
        conf->ticket_keys = prev->ticket_keys;
    }

    sl_conf_merge_uint_value(conf->protocols, prev->protocols,
                             SL_SSL_DEFAULT_PROTOCOLS);
    sl_conf_merge_value(conf->session_tickets, prev->session_tickets, 1);
    sl_conf_merge_msec_value(conf->handshake_timeout, prev->handshake_timeout,
                             10000);
    sl_conf_merge_size_value(conf->buffer_size, prev->buffer_size,
                             SL_SSL_RECORD);

    return SL_CONF_OK;
}
