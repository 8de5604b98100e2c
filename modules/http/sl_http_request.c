/*
 * HTTP connections: reading and parsing the request head, running it
 * through the phases, handing it to a player (GET, HEAD) or an encoder
 * (PUT, POST, SOURCE), and sending response heads.  One request per
 * connection: a live stream or a push lasts as long as the connection.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http.h>


static void sl_http_read_handler(sl_event_t *rev);
static void sl_http_write_handler(sl_event_t *wev);
static void sl_http_handle_request(sl_http_connection_t *hc,
    sl_http_parsed_t *req);
static void sl_http_cleanup(void *data);
static u_char *sl_http_log_context(sl_log_t *log, u_char *buf, size_t len);


#define SL_HTTP_ALLOW  "GET, HEAD, PUT, POST, SOURCE, OPTIONS"


void
sl_http_init_connection(sl_connection_t *c)
{
    int                    on;
    sl_pool_cleanup_t     *cln;
    sl_http_srv_conf_t    *hscf;
    sl_http_connection_t  *hc;

    hscf = sl_http_srv_conf(c);

    hc = sl_pcalloc(c->pool, sizeof(sl_http_connection_t));
    if (hc == NULL) {
        sl_close_connection(c);
        return;
    }

    cln = sl_pool_cleanup_add(c->pool, 0);
    if (cln == NULL) {
        sl_close_connection(c);
        return;
    }

    cln->handler = sl_http_cleanup;
    cln->data = hc;

    /*
     * A response head and the body after it go in separate writes (over
     * TLS, separate records): Nagle would hold the body until the head is
     * acknowledged, and a client that has just answered a TLS handshake
     * delays that ACK by 40 ms.
     */
    on = 1;

    if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(int)) == -1) {
        sl_log_error(SL_LOG_INFO, c->log, errno,
                     "setsockopt(TCP_NODELAY) failed");
    }

    hc->connection = c;

    c->data = hc;
    c->log->handler = sl_http_log_context;
    c->log->data = hc;
    c->log->action = "reading request";

    c->read->handler = sl_http_read_handler;
    c->write->handler = sl_http_write_handler;

    sl_event_add_timer(c->read, hscf->idle_timeout);

    sl_http_read_handler(c->read);
}


/* the connection is closed: its stream, push and buffers go */
static void
sl_http_cleanup(void *data)
{
    sl_http_connection_t  *hc = data;

    sl_http_live_stop(hc);
    sl_http_ingest_stop(hc);

    sl_free(hc->in);
    sl_free(hc->out);
    sl_free(hc->meta_rest);
    hc->in = NULL;
    hc->out = NULL;
    hc->meta_rest = NULL;
}


/*
 * Closing is deferred to a posted read event: the caller may be deep in
 * a request, a feed's turn or a push, all of which still use the
 * connection's memory.  The listener leaves its stream at once.
 */
void
sl_http_close(sl_http_connection_t *hc)
{
    sl_connection_t  *c;

    c = hc->connection;

    if (c->close) {
        return;
    }

    sl_http_live_stop(hc);

    c->close = 1;
    sl_post_event(c->read, &sl_posted_events);
}


static void
sl_http_read_handler(sl_event_t *rev)
{
    u_char                 buf[512];
    ssize_t                n;
    sl_int_t               rv;
    sl_connection_t       *c;
    sl_http_srv_conf_t    *hscf;
    sl_http_connection_t  *hc;

    static sl_http_parsed_t  req;

    c = rev->data;
    hc = c->data;

    if (c->close) {
        sl_close_connection(c);
        return;
    }

    if (hc->ingest) {
        sl_http_ingest_read(hc);
        return;
    }

    if (rev->timedout) {
        sl_log_error(SL_LOG_INFO, c->log, 0, "client timed out");
        sl_http_close(hc);
        return;
    }

    /* a player only listens: what it sends is read and dropped */

    if (hc->listening || hc->close_after) {
        for ( ;; ) {
            n = sl_recv(c, buf, sizeof(buf));

            if (n == SL_AGAIN) {
                return;
            }

            if (n == 0 || n == SL_ERROR) {
                if (n == 0) {
                    sl_log_error(SL_LOG_INFO, c->log, 0,
                                 "client closed connection");
                }

                sl_http_close(hc);
                return;
            }
        }
    }

    hscf = sl_http_srv_conf(c);

    if (hc->in == NULL) {
        hc->in = sl_alloc(hscf->max_request, c->log);
        if (hc->in == NULL) {
            sl_http_close(hc);
            return;
        }
    }

    for ( ;; ) {
        if (hc->in_len == hscf->max_request) {
            sl_log_error(SL_LOG_INFO, c->log, 0,
                         "client sent a request head larger than "
                         "http_max_request");
            sl_http_respond_error(hc, 431);
            return;
        }

        n = sl_recv(c, hc->in + hc->in_len, hscf->max_request - hc->in_len);

        if (n == SL_AGAIN) {
            return;
        }

        if (n == 0 || n == SL_ERROR) {
            if (n == 0 && hc->in_len) {
                sl_log_error(SL_LOG_INFO, c->log, 0,
                             "client closed connection in a request head");
            }

            sl_http_close(hc);
            return;
        }

        hc->in_len += n;

        rv = sl_http_parse_request(hc->in, hc->in_len, SIZE_MAX / 2, &req);

        if (rv == SL_AGAIN) {
            continue;
        }

        if (rv != SL_OK) {
            sl_log_error(SL_LOG_INFO, c->log, 0,
                         "client sent invalid request: %s",
                         req.error ? req.error : "malformed");
            sl_http_respond_error(hc, rv);
            return;
        }

        if (rev->timer_set) {
            sl_event_del_timer(rev);
        }

        c->log->action = "processing request";

        sl_http_handle_request(hc, &req);

        return;
    }
}


/*
 * One request: the path selects a publishing point, the phases decide
 * whether the client may (play or push), and the point's live stream
 * serves it.
 */
static void
sl_http_handle_request(sl_http_connection_t *hc, sl_http_parsed_t *req)
{
    u_char                  *hdr, *p;
    size_t                   n;
    sl_int_t                 rv;
    sl_str_t                 args, location, mount;
    sl_pool_t               *pool;
    sl_live_t               *lv;
    sl_uint_t                admin;
    sl_connection_t         *c;
    const sl_str_t          *value;
    sl_streaming_request_t  *sr;

    c = hc->connection;

    if (req->method == SL_HTTP_UNKNOWN) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "client sent unknown method \"%.*s\"",
                     SL_STR_ARG(&req->method_name));
        sl_http_respond_error(hc, 501);
        return;
    }

    if (req->method == SL_HTTP_OPTIONS) {
        hc->close_after = 1;
        (void) sl_http_respond(hc, 200, "Allow: " SL_HTTP_ALLOW "\r\n"
                               "Connection: close\r\n", NULL);
        return;
    }

    pool = sl_create_pool(4096, c->log);
    if (pool == NULL) {
        sl_http_respond_error(hc, 500);
        return;
    }

    sr = sl_pcalloc(pool, sizeof(sl_streaming_request_t));
    if (sr == NULL) {
        sl_http_respond_error(hc, 500);
        goto done;
    }

    sl_streaming_init_request(sr, c);

    sr->pool = pool;
    sr->method = req->method_name;
    sr->uri = req->uri;
    sr->data = hc;
    hc->sr = sr;

    value = sl_http_find_header(req, "Authorization");
    if (value) {
        sr->authorization = *value;
    }
    sr->access = (req->method == SL_HTTP_PUT || req->method == SL_HTTP_POST
                  || req->method == SL_HTTP_SOURCE)
                 ? SL_STREAMING_WRITE : SL_STREAMING_READ;

    sr->path.data = sl_pnalloc(pool, req->uri.len + 1);
    if (sr->path.data == NULL) {
        sl_http_respond_error(hc, 500);
        goto done;
    }

    if (sl_http_parse_uri_path(&req->uri, &sr->path, &args) != SL_OK) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "client sent invalid URL \"%.*s\"",
                     SL_STR_ARG(&req->uri));
        sl_http_respond_error(hc, 400);
        goto done;
    }

    /*
     * icecast's metadata update, "GET /admin/metadata?mount=/live&
     * mode=updinfo&song=...", as encoders send it: a write to the mount.
     */
    admin = (req->method == SL_HTTP_GET
             && sl_str_eq(&sr->path, "/admin/metadata"));

    if (admin) {
        if (sl_http_arg(&args, "mount", &mount) != SL_OK
            || mount.len == 0 || mount.data[0] != '/')
        {
            sl_http_respond_error(hc, 400);
            goto done;
        }

        sr->path.data = sl_pnalloc(pool, mount.len);
        if (sr->path.data == NULL) {
            sl_http_respond_error(hc, 500);
            goto done;
        }

        sr->path.len = sl_http_unescape_arg(sr->path.data, &mount);
        sr->access = SL_STREAMING_WRITE;
    }

    if (sl_streaming_find_pp(sr) != SL_OK) {
        sl_http_respond_error(hc, 500);
        goto done;
    }

    rv = sl_streaming_run_phases(sr);

    if (rv != SL_OK) {
        sl_http_respond_error(hc, (rv == SL_AGAIN) ? 500 : rv);
        goto done;
    }

    rv = sl_streaming_redirect(sr, &location);

    if (rv == SL_OK) {
        n = sl_escape_uri(NULL, location.data, location.len);

        hdr = sl_pnalloc(pool, n + sizeof("Location: \r\n"
                                          "Connection: close\r\n"));
        if (hdr == NULL) {
            sl_http_respond_error(hc, 500);
            goto done;
        }

        p = sl_cpymem(hdr, "Location: ", 10);
        p += sl_escape_uri(p, location.data, location.len);
        (void) sl_cpymem(p, "\r\nConnection: close\r\n",
                         sizeof("\r\nConnection: close\r\n"));

        hc->close_after = 1;
        (void) sl_http_respond(hc, 302, (char *) hdr, NULL);
        goto done;
    }

    if (rv == SL_ERROR) {
        sl_http_respond_error(hc, 500);
        goto done;
    }

    lv = sl_streaming_live(sr);

    if (lv == NULL) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "no live stream at \"%.*s\": HTTP serves broadcast "
                     "publishing points", SL_STR_ARG(&sr->path));
        sl_http_respond_error(hc, 404);
        goto done;
    }

    if (admin) {
        sl_http_ingest_metadata(hc, sr, lv, &args);
        goto done;
    }

    switch (req->method) {

    case SL_HTTP_GET:
    case SL_HTTP_HEAD:
        sl_http_live_start(hc, sr, req, lv);
        break;

    case SL_HTTP_PUT:
    case SL_HTTP_POST:
    case SL_HTTP_SOURCE:
        sl_http_ingest_start(hc, sr, req, lv);
        break;

    default:
        sl_http_respond_error(hc, 405);
        break;
    }

done:

    if (sr) {
        sl_streaming_log_request(sr);
    }

    hc->sr = NULL;
    sl_destroy_pool(pool);

    /* a player keeps no request buffer */
    if (hc->ingest == NULL && hc->in) {
        sl_free(hc->in);
        hc->in = NULL;
        hc->in_len = 0;
    }
}


const char *
sl_http_reason(sl_int_t status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default:  return "Internal Server Error";
    }
}


sl_int_t
sl_http_respond(sl_http_connection_t *hc, sl_int_t status,
    const char *headers, const sl_str_t *body)
{
    u_char           *p, *last;
    size_t            size;
    sl_str_t          out;
    sl_connection_t  *c;

    c = hc->connection;

    if (status < 100 || status > 599) {
        status = 500;
    }

    /* what the phases add to the answer, as a 401's challenges */
    if (hc->sr && hc->sr->headers_out.len) {
        out = hc->sr->headers_out;

    } else {
        out.len = 0;
        out.data = NULL;
    }

    size = 512 + (headers ? sl_strlen(headers) : 0) + (body ? body->len : 0)
           + out.len;

    if (hc->out_len) {
        /* only a 100 Continue can be queued before a final response */
        p = sl_alloc(hc->out_len - hc->out_pos + size, c->log);
        if (p == NULL) {
            return SL_ERROR;
        }

        sl_memcpy(p, hc->out + hc->out_pos, hc->out_len - hc->out_pos);
        hc->out_len -= hc->out_pos;
        hc->out_pos = 0;
        sl_free(hc->out);
        hc->out = p;

    } else {
        sl_free(hc->out);
        hc->out = sl_alloc(size, c->log);
        if (hc->out == NULL) {
            return SL_ERROR;
        }

        hc->out_pos = 0;
        hc->out_len = 0;
    }

    p = hc->out + hc->out_len;
    last = p + size;

    if (status == 100) {
        p = sl_slprintf(p, last, "HTTP/1.1 100 Continue\r\n\r\n");

    } else {
        p = sl_slprintf(p, last, "HTTP/1.1 %d %s\r\nServer: %s\r\n"
                        "Date: %.*s\r\n%s", (int) status,
                        sl_http_reason(status), SLUICE_VER,
                        SL_STR_ARG(&sl_cached_http_time),
                        headers ? headers : "");

        if (out.len) {
            p = sl_slprintf(p, last, "%.*s", SL_STR_ARG(&out));
        }

        if (body) {
            p = sl_slprintf(p, last, "Content-Length: %lu\r\n\r\n%.*s",
                            (unsigned long) body->len, SL_STR_ARG(body));

        } else {
            p = sl_slprintf(p, last, "\r\n");
        }
    }

    hc->out_len = p - hc->out;

    return sl_http_flush(hc);
}


void
sl_http_respond_error(sl_http_connection_t *hc, sl_int_t status)
{
    u_char    buf[128];
    sl_str_t  body;

    body.data = buf;
    body.len = sl_slprintf(buf, buf + sizeof(buf), "%d %s\n", (int) status,
                           sl_http_reason(status)) - buf;

    hc->close_after = 1;

    if (sl_http_respond(hc, status, "Content-Type: text/plain\r\n"
                        "Connection: close\r\n", &body) == SL_ERROR)
    {
        sl_http_close(hc);
    }
}


/*
 * Sends the queued head.  A listener's media waits until it is out; a
 * connection to close after it closes once it is.
 */
sl_int_t
sl_http_flush(sl_http_connection_t *hc)
{
    ssize_t           n;
    sl_connection_t  *c;

    c = hc->connection;

    while (hc->out_pos < hc->out_len) {
        n = sl_send(c, hc->out + hc->out_pos, hc->out_len - hc->out_pos);

        if (n == SL_AGAIN) {
            return SL_AGAIN;
        }

        if (n == SL_ERROR) {
            sl_http_close(hc);
            return SL_ERROR;
        }

        hc->out_pos += n;
    }

    sl_free(hc->out);
    hc->out = NULL;
    hc->out_pos = 0;
    hc->out_len = 0;

    if (hc->close_after && !hc->listening && hc->ingest == NULL) {
        sl_http_close(hc);
        return SL_ERROR;
    }

    return SL_OK;
}


static void
sl_http_write_handler(sl_event_t *wev)
{
    sl_connection_t       *c;
    sl_http_connection_t  *hc;

    c = wev->data;
    hc = c->data;

    if (sl_http_flush(hc) != SL_OK) {
        return;
    }

    if (hc->listening) {
        sl_http_live_write(hc);
    }
}


static u_char *
sl_http_log_context(sl_log_t *log, u_char *buf, size_t len)
{
    u_char                *p, *last;
    sl_connection_t       *c;
    sl_http_connection_t  *hc;

    hc = log->data;
    c = hc->connection;

    p = buf;
    last = buf + len;

    p = sl_connection_log_context(c, log->action, p, last);

    return p;
}
