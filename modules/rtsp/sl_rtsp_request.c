/*
 * RTSP control connections: reading and parsing requests (pipelined ones
 * in order), running them through the phases, queuing the responses.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>


static void sl_rtsp_read_handler(sl_event_t *rev);
static void sl_rtsp_write_handler(sl_event_t *wev);
static void sl_rtsp_process(sl_rtsp_connection_t *rc);
static void sl_rtsp_process_requests(sl_rtsp_connection_t *rc);
static void sl_rtsp_handle_request(sl_rtsp_connection_t *rc);
static void sl_rtsp_respond_error(sl_rtsp_connection_t *rc, sl_int_t status);
static void sl_rtsp_close(sl_rtsp_connection_t *rc);
static u_char *sl_rtsp_log_context(sl_log_t *log, u_char *buf, size_t len);


/* what OPTIONS advertises: the methods this server answers */
#define SL_RTSP_PUBLIC                                                        \
    "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, TEARDOWN, PLAY, PAUSE, RECORD, "     \
    "GET_PARAMETER, SET_PARAMETER"


sl_rtsp_srv_conf_t *
sl_rtsp_srv_conf(sl_connection_t *c)
{
    sl_streaming_core_srv_conf_t  *cscf;

    cscf = c->listening->servers;

    return cscf->ctx->srv_conf[sl_rtsp_module.ctx_index];
}


/*
 * An idle control connection (thousands of them while their sessions
 * play) holds no buffer: the input buffer is freed once every request in
 * it is answered, the output buffer once it is sent.
 */
static void
sl_rtsp_free_buffers(void *data)
{
    sl_rtsp_connection_t  *rc = data;

    if (rc->in && rc->in_len == 0) {
        sl_free(rc->in);
        rc->in = NULL;
    }

    if (rc->out && rc->out_len == 0) {
        sl_free(rc->out);
        rc->out = NULL;
    }
}


/* the connection is closed: whatever is left goes */
static void
sl_rtsp_cleanup_buffers(void *data)
{
    sl_rtsp_connection_t  *rc = data;

    sl_free(rc->in);
    sl_free(rc->out);
    rc->in = NULL;
    rc->out = NULL;
}


void
sl_rtsp_init_connection(sl_connection_t *c)
{
    int                    on;
    sl_rtsp_srv_conf_t    *rscf;
    sl_pool_cleanup_t     *cln;
    sl_rtsp_connection_t  *rc;

    rscf = sl_rtsp_srv_conf(c);

    rc = sl_pcalloc(c->pool, sizeof(sl_rtsp_connection_t));
    if (rc == NULL) {
        sl_close_connection(c);
        return;
    }

    rc->connection = c;
    sl_queue_init(&rc->sessions);

    /* the buffers exist only while a request or a response is in them */
    cln = sl_pool_cleanup_add(c->pool, 0);
    if (cln == NULL) {
        sl_close_connection(c);
        return;
    }

    cln->handler = sl_rtsp_cleanup_buffers;
    cln->data = rc;

    /*
     * Responses and interleaved media are written as they are ready:
     * Nagle would hold the first RTP after a PLAY reply until the
     * client's delayed ACK, 40 ms later.
     */
    on = 1;

    if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(int)) == -1) {
        sl_log_error(SL_LOG_INFO, c->log, errno,
                     "setsockopt(TCP_NODELAY) failed");
    }

    c->data = rc;
    c->log->handler = sl_rtsp_log_context;
    c->log->data = rc;
    c->log->action = "reading request";

    c->read->handler = sl_rtsp_read_handler;
    c->write->handler = sl_rtsp_write_handler;

    sl_event_add_timer(c->read, rscf->idle_timeout);

    sl_rtsp_read_handler(c->read);
}


static void
sl_rtsp_read_handler(sl_event_t *rev)
{
    ssize_t                n;
    sl_connection_t       *c;
    sl_rtsp_srv_conf_t    *rscf;
    sl_rtsp_connection_t  *rc;

    c = rev->data;
    rc = c->data;

    if (rev->timedout) {
        rev->timedout = 0;

        /* a connection carrying sessions lives by session_timeout */
        if (!sl_queue_empty(&rc->sessions)) {
            sl_event_add_timer(rev, sl_rtsp_srv_conf(c)->idle_timeout);
            return;
        }

        sl_log_error(SL_LOG_INFO, c->log, 0, "client timed out");
        sl_rtsp_close(rc);
        return;
    }

    if (c->close) {
        sl_rtsp_close(rc);
        return;
    }

    rscf = sl_rtsp_srv_conf(c);

    for ( ;; ) {
        /* responses not taken yet: read more only once they are */
        if (rc->out_len > SL_RTSP_OUT_SIZE / 2 || rc->close_after) {
            break;
        }

        if (rc->in_len == rscf->max_request) {
            sl_rtsp_process(rc);

            if (rc->in_len == rscf->max_request) {
                break;
            }

            continue;
        }

        if (rc->in == NULL) {
            rc->in = sl_alloc(rscf->max_request, c->log);
            if (rc->in == NULL) {
                sl_rtsp_close(rc);
                return;
            }
        }

        n = sl_recv(c, rc->in + rc->in_len, rscf->max_request - rc->in_len);

        if (n == SL_AGAIN) {
            break;
        }

        if (n == 0 || n == SL_ERROR) {
            if (n == 0) {
                sl_log_error(SL_LOG_INFO, c->log, 0,
                             "client closed connection");
            }

            /* answer what came before the end, then close */
            sl_rtsp_process(rc);
            rc->close_after = 1;
            rc->in_len = 0;
            break;
        }

        rc->in_len += n;

        sl_rtsp_process(rc);
    }

    if (c->destroyed) {
        return;
    }

    sl_rtsp_flush(rc);

    if (!c->destroyed) {
        sl_rtsp_free_buffers(rc);
    }
}


/*
 * The parsed request lives only while it is answered: one per worker,
 * not one per connection (a parsed request is 8 KB of header slots, and
 * thousands of connections sit idle while their sessions play).
 */
static void
sl_rtsp_process(sl_rtsp_connection_t *rc)
{
    static sl_rtsp_parsed_t  parsed;

    rc->req = &parsed;
    sl_rtsp_process_requests(rc);
    rc->req = NULL;
}


/*
 * Answers every complete request in the input buffer, in order, while
 * there is room for the responses.
 */
static void
sl_rtsp_process_requests(sl_rtsp_connection_t *rc)
{
    size_t                 total;
    sl_int_t               rv;
    sl_connection_t       *c;
    sl_rtsp_srv_conf_t    *rscf;

    c = rc->connection;
    rscf = sl_rtsp_srv_conf(c);

    while (rc->in_len && !rc->close_after
           && rc->out_len <= SL_RTSP_OUT_SIZE / 2)
    {
        /* RFC 2326 §10.12: "$", channel, 16-bit length, data (RTCP) */
        if (rc->in[0] == '$') {
            if (rc->in_len < 4) {
                return;
            }

            total = 4 + ((size_t) rc->in[2] << 8 | rc->in[3]);

            if (total > rscf->max_request) {
                sl_log_error(SL_LOG_INFO, c->log, 0,
                             "client sent an interleaved frame larger than "
                             "rtsp_max_request");
                rc->close_after = 1;
                rc->in_len = 0;
                return;
            }

            if (rc->in_len < total) {
                return;
            }

            sl_rtsp_interleaved_in(rc, rc->in[1], rc->in + 4, total - 4);

            memmove(rc->in, rc->in + total, rc->in_len - total);
            rc->in_len -= total;
            continue;
        }

        rv = sl_rtsp_parse_request(rc->in, rc->in_len, rscf->max_request,
                                   rc->req);

        if (rv == SL_AGAIN) {
            if (rc->in_len < rscf->max_request) {
                return;
            }

            rc->req->error = "request head larger than rtsp_max_request";
            rv = 400;
        }

        if (rv == SL_OK) {
            total = rc->req->head_len + rc->req->content_length;

            if (total > rscf->max_request) {
                rc->req->error = "request larger than rtsp_max_request";
                rv = 413;

            } else if (total > rc->in_len) {
                return;
            }
        }

        if (rv != SL_OK) {
            /* the framing is lost: answer, then close */
            sl_log_error(SL_LOG_INFO, c->log, 0,
                         "client sent invalid request: %s", rc->req->error);
            sl_rtsp_respond_error(rc, rv);
            rc->close_after = 1;
            rc->in_len = 0;
            return;
        }

        c->log->action = "processing request";

        sl_rtsp_handle_request(rc);

        c->log->action = "reading request";

        /* idle means no complete request: a trickle does not keep it */
        sl_event_add_timer(c->read, rscf->idle_timeout);

        memmove(rc->in, rc->in + total, rc->in_len - total);
        rc->in_len -= total;
    }
}


static void
sl_rtsp_handle_request(sl_rtsp_connection_t *rc)
{
    u_char                  *hdr, *p;
    size_t                   n;
    sl_int_t                 rv;
    sl_str_t                 location;
    sl_pool_t               *pool;
    sl_connection_t         *c;
    const sl_str_t          *value;
    sl_rtsp_parsed_t        *req;
    sl_streaming_request_t  *sr;

    c = rc->connection;
    req = rc->req;

    if (req->cseq == -1) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "client sent request without CSeq");
        sl_rtsp_respond_error(rc, 400);
        return;
    }

    if (req->method == SL_RTSP_UNKNOWN) {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "client sent unknown method \"%.*s\"",
                     SL_STR_ARG(&req->method_name));
        sl_rtsp_respond_error(rc, 501);
        return;
    }

    pool = sl_create_pool(4096, c->log);
    if (pool == NULL) {
        sl_rtsp_respond_error(rc, 500);
        return;
    }

    sr = &rc->sr;
    sl_memzero(sr, sizeof(sl_streaming_request_t));
    sl_streaming_init_request(sr, c);

    sr->pool = pool;
    sr->method = req->method_name;
    sr->uri = req->uri;
    sr->data = rc;

    value = sl_rtsp_find_header(req, "Authorization");
    if (value) {
        sr->authorization = *value;
    }
    sr->access = (req->method == SL_RTSP_ANNOUNCE
                  || req->method == SL_RTSP_RECORD)
                 ? SL_STREAMING_WRITE : SL_STREAMING_READ;

    sr->path.data = sl_pnalloc(pool, req->uri.len + 1);
    if (sr->path.data == NULL) {
        sl_rtsp_respond_error(rc, 500);
        goto done;
    }

    if (sl_rtsp_parse_uri_path(&req->uri, &sr->path) != SL_OK) {
        /* the context names it, without a password */
        sl_log_error(SL_LOG_INFO, c->log, 0, "client sent invalid URL");
        sl_rtsp_respond_error(rc, 400);
        goto done;
    }

    /* a track's control URL selects the same point as its file */
    rc->track = sl_rtsp_split_control(&sr->path);

    if (rc->track == -1) {
        rc->track = sl_rtsp_query_control(&req->uri);
    }

    /* live555 signs a track's SETUP with our Content-Base: Digest's uri */
    (void) sl_rtsp_control_base(&req->uri, &sr->uri_base);

    if (sl_streaming_find_pp(sr) != SL_OK) {
        sl_rtsp_respond_error(rc, 500);
        goto done;
    }

    rv = sl_streaming_run_phases(sr);

    if (rv != SL_OK) {
        sl_rtsp_respond_error(rc, (rv == SL_AGAIN) ? 500 : rv);
        goto done;
    }

    /* RFC 2326 §11.3.3: content moved; players follow Location */
    if (req->method != SL_RTSP_OPTIONS) {
        rv = sl_streaming_redirect(sr, &location);

        if (rv == SL_OK) {
            n = sl_escape_uri(NULL, location.data, location.len);

            hdr = sl_pnalloc(pool, n + sizeof("Location: \r\n"));
            if (hdr == NULL) {
                sl_rtsp_respond_error(rc, 500);
                goto done;
            }

            p = sl_cpymem(hdr, "Location: ", 10);
            p += sl_escape_uri(p, location.data, location.len);
            (void) sl_cpymem(p, "\r\n", sizeof("\r\n"));

            sl_rtsp_respond(rc, 302, (char *) hdr, NULL);
            goto done;
        }

        if (rv == SL_ERROR) {
            sl_rtsp_respond_error(rc, 500);
            goto done;
        }
    }

    switch (req->method) {

    case SL_RTSP_OPTIONS:
        sl_rtsp_respond(rc, 200, "Public: " SL_RTSP_PUBLIC "\r\n", NULL);
        break;

    case SL_RTSP_DESCRIBE:
        sl_rtsp_describe(rc);
        break;

    case SL_RTSP_SETUP:
        sl_rtsp_setup(rc);
        break;

    case SL_RTSP_PLAY:
        sl_rtsp_play(rc);
        break;

    case SL_RTSP_PAUSE:
        sl_rtsp_pause(rc);
        break;

    case SL_RTSP_TEARDOWN:
        sl_rtsp_teardown(rc);
        break;

    case SL_RTSP_GET_PARAMETER:
    case SL_RTSP_SET_PARAMETER:
        sl_rtsp_keepalive(rc);
        break;

    case SL_RTSP_ANNOUNCE:
        sl_rtsp_announce(rc);
        break;

    case SL_RTSP_RECORD:
        sl_rtsp_record(rc);
        break;

    default:
        /* REDIRECT is the server's to send */
        sl_rtsp_respond_error(rc, 501);
        break;
    }

done:

    sl_streaming_log_request(sr);
    sl_destroy_pool(pool);
    sr->pool = NULL;
    sr->headers_out.len = 0;
    sr->headers_out.data = NULL;
}


static const char *
sl_rtsp_reason(sl_int_t status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 451: return "Parameter Not Understood";
    case 453: return "Not Enough Bandwidth";
    case 454: return "Session Not Found";
    case 455: return "Method Not Valid in This State";
    case 457: return "Invalid Range";
    case 459: return "Aggregate Operation Not Allowed";
    case 461: return "Unsupported Transport";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "RTSP Version Not Supported";
    default:  return "Internal Server Error";
    }
}


/*
 * Queues one response to the request in rc->req: status line, CSeq (when
 * the request had one), Date, Server, the caller's header lines (each
 * ending in CRLF) and an optional body with its Content-Length, then
 * tries to send what is queued.
 */
void
sl_rtsp_respond(sl_rtsp_connection_t *rc, sl_int_t status,
    const char *headers, const sl_str_t *body)
{
    u_char  *p, *last;

    if (rc->out == NULL) {
        rc->out = sl_alloc(SL_RTSP_OUT_SIZE, rc->connection->log);
        if (rc->out == NULL) {
            rc->close_after = 1;
            return;
        }
    }

    p = rc->out + rc->out_len;
    last = rc->out + SL_RTSP_OUT_SIZE;

    if (status < 100 || status > 599) {
        status = 500;
    }

    p = sl_slprintf(p, last, "RTSP/1.0 %d %s\r\n", (int) status,
                    sl_rtsp_reason(status));

    if (rc->req && rc->req->cseq >= 0) {
        p = sl_slprintf(p, last, "CSeq: %ld\r\n", (long) rc->req->cseq);
    }

    p = sl_slprintf(p, last, "Date: %.*s\r\nServer: %s\r\n%s",
                    SL_STR_ARG(&sl_cached_http_time), SLUICE_VER,
                    headers ? headers : "");

    /* what the phases add to the answer, as a 401's challenges */
    if (rc->sr.pool && rc->sr.headers_out.len) {
        p = sl_slprintf(p, last, "%.*s", SL_STR_ARG(&rc->sr.headers_out));
    }

    if (body) {
        p = sl_slprintf(p, last, "Content-Length: %lu\r\n\r\n%.*s",
                        (unsigned long) body->len, SL_STR_ARG(body));

    } else {
        p = sl_slprintf(p, last, "\r\n");
    }

    /* sl_slprintf stops one byte short of last when it truncates */
    if (p >= last - 1) {
        sl_log_error(SL_LOG_ALERT, rc->connection->log, 0,
                     "RTSP response buffer overflow");
        rc->close_after = 1;
        return;
    }

    rc->out_len = p - rc->out;
}


static void
sl_rtsp_respond_error(sl_rtsp_connection_t *rc, sl_int_t status)
{
    sl_rtsp_respond(rc, status, NULL, NULL);
}


/*
 * Sends what is queued.  Interleaved media that was cut short goes first
 * (a response must not land inside an RTP frame), then the responses.
 */
void
sl_rtsp_flush(sl_rtsp_connection_t *rc)
{
    ssize_t           n;
    sl_connection_t  *c;

    c = rc->connection;

    switch (sl_rtsp_flush_pending(rc)) {

    case SL_OK:
        break;

    case SL_AGAIN:
        return;

    default:
        sl_rtsp_close(rc);
        return;
    }

    while (rc->out_pos < rc->out_len) {
        n = sl_send(c, rc->out + rc->out_pos, rc->out_len - rc->out_pos);

        if (n == SL_AGAIN) {
            return;
        }

        if (n == SL_ERROR) {
            sl_rtsp_close(rc);
            return;
        }

        rc->out_pos += n;
    }

    rc->out_pos = 0;
    rc->out_len = 0;

    if (rc->close_after) {
        sl_rtsp_close(rc);
        return;
    }

    sl_rtsp_free_buffers(rc);
}


static void
sl_rtsp_write_handler(sl_event_t *wev)
{
    sl_connection_t       *c;
    sl_rtsp_connection_t  *rc;

    c = wev->data;
    rc = c->data;

    sl_rtsp_flush(rc);

    /* reading stopped while responses waited: go on now */
    if (!c->destroyed && rc->out_len == 0 && c->read->ready) {
        sl_rtsp_read_handler(c->read);
    }
}


static void
sl_rtsp_close(sl_rtsp_connection_t *rc)
{
    sl_rtsp_close_sessions(rc);
    sl_close_connection(rc->connection);
}


static u_char *
sl_rtsp_log_context(sl_log_t *log, u_char *buf, size_t len)
{
    u_char                *p, *last;
    sl_connection_t       *c;
    sl_rtsp_connection_t  *rc;

    rc = log->data;
    c = rc->connection;

    p = buf;
    last = buf + len;

    p = sl_connection_log_context(c, log->action, p, last);

    if (rc->req && rc->sr.pool && rc->req->method_name.len) {
        p = sl_slprintf(p, last, ", request: \"%.*s ",
                        SL_STR_ARG(&rc->req->method_name));
        p = sl_url_log_text(p, last, &rc->req->uri);
        p = sl_slprintf(p, last, "\"");
    }

    return p;
}
