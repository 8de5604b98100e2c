/*
 * Encoders pushing over HTTP: PUT or POST (ffmpeg's icecast:// and
 * "-method PUT http://"), or icecast's older SOURCE.  The body, with a
 * Content-Length, chunked, or until the encoder closes, is an MP3 or
 * MPEG-TS byte stream: a media parser cuts it into units and the point's
 * live writer puts them in the ring.  "Expect: 100-continue" gets its
 * 100 before the body is read; the final response goes when the body
 * ends.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http.h>


struct sl_http_ingest_s {
    sl_live_writer_t         writer;
    sl_media_parser_t       *parser;
    sl_pool_t               *pool;
    u_char                  *buf;           /* SL_HTTP_BODY_BUF bytes */
    const char              *format;
    sl_http_body_t           body;
    uint64_t                 received;
    unsigned                 source:1;      /* the SOURCE method */
    unsigned                 described:1;
};


static sl_int_t sl_http_ingest_body(sl_http_connection_t *hc, u_char *buf,
    size_t len);
static sl_int_t sl_http_ingest_feed(void *ctx, u_char *data, size_t len);
static void sl_http_ingest_end(sl_http_connection_t *hc, const char *why);
static void sl_http_ingest_fail(sl_http_connection_t *hc, sl_int_t status);


void
sl_http_ingest_start(sl_http_connection_t *hc, sl_streaming_request_t *r,
    const sl_http_parsed_t *req, sl_live_t *lv)
{
    size_t               rest;
    sl_int_t             rc;
    sl_pool_t           *pool;
    const char          *format;
    const sl_str_t      *ct;
    sl_str_t             mpeg;
    sl_connection_t     *c;
    sl_http_ingest_t    *in;
    sl_http_srv_conf_t  *hscf;

    c = hc->connection;
    hscf = sl_http_srv_conf(c);

    ct = sl_http_find_header(req, "Content-Type");
    if (ct == NULL) {
        /* icecast's default */
        sl_str_set(&mpeg, "audio/mpeg");
        ct = &mpeg;
    }

    format = sl_media_parser_format(ct);

    if (format == NULL) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "encoder sent \"%.*s\": only MP3 (audio/mpeg) and "
                     "MPEG-TS (video/mp2t) are taken", SL_STR_ARG(ct));
        sl_http_respond_error(hc, 415);
        return;
    }

    pool = sl_create_pool(4096, c->log);
    if (pool == NULL) {
        sl_http_respond_error(hc, 500);
        return;
    }

    in = sl_pcalloc(pool, sizeof(sl_http_ingest_t));
    if (in == NULL) {
        sl_destroy_pool(pool);
        sl_http_respond_error(hc, 500);
        return;
    }

    in->pool = pool;
    in->format = format;
    sl_http_body_init(&in->body, req->content_length, req->chunked);
    in->source = (req->method == SL_HTTP_SOURCE);

    in->parser = sl_media_parser_create(pool, format, c->log);
    in->buf = sl_pnalloc(pool, SL_HTTP_BODY_BUF);

    if (in->parser == NULL || in->buf == NULL) {
        sl_destroy_pool(pool);
        sl_http_respond_error(hc, 500);
        return;
    }

    rc = sl_live_publish(lv, &in->writer, lv->takeover, c->log);

    if (rc == SL_BUSY) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "\"%.*s\" already has a source, encoder refused "
                     "(\"push_takeover on\" lets a new one in)",
                     SL_STR_ARG(&lv->name));
        sl_destroy_pool(pool);
        sl_http_respond_error(hc, 409);
        return;
    }

    if (rc != SL_OK) {
        sl_destroy_pool(pool);
        sl_http_respond_error(hc, 500);
        return;
    }

    hc->ingest = in;

    sl_log_error(SL_LOG_NOTICE, c->log, 0,
                 "encoder connected to \"%.*s\" (%s, %.*s)",
                 SL_STR_ARG(&r->path), format,
                 SL_STR_ARG(&req->method_name));

    /*
     * ffmpeg's PUT waits for the 100 before sending; icecast answers a
     * SOURCE with 200 at once, and libshout waits for it.
     */
    if (req->expect_continue) {
        rc = sl_http_respond(hc, 100, NULL, NULL);

    } else if (in->source) {
        rc = sl_http_respond(hc, 200, "Connection: close\r\n", NULL);

    } else {
        rc = SL_OK;
    }

    if (rc == SL_ERROR) {
        return;
    }

    c->log->action = "receiving a pushed stream";

    sl_event_add_timer(c->read, hscf->push_timeout);

    /* the body bytes that came with the head */

    rest = hc->in_len - req->head_len;

    if (rest) {
        sl_memcpy(in->buf, hc->in + req->head_len, rest);

        if (sl_http_ingest_body(hc, in->buf, rest) != SL_OK) {
            return;
        }
    }

    sl_http_ingest_read(hc);
}


/* body bytes: SL_OK to read on, else the connection is finished */
static sl_int_t
sl_http_ingest_body(sl_http_connection_t *hc, u_char *buf, size_t len)
{
    sl_int_t           rc;
    sl_http_ingest_t  *in;

    in = hc->ingest;
    in->received += len;

    rc = sl_http_body(&in->body, buf, len, sl_http_ingest_feed, hc);

    if (rc == SL_OK || rc == SL_ERROR) {
        return rc;
    }

    if (rc == SL_DONE) {
        sl_http_ingest_end(hc, in->body.is_chunked ? "the last chunk came"
                                                   : "the body is complete");
        return SL_DONE;
    }

    sl_log_error(SL_LOG_ERR, hc->connection->log, 0,
                 "encoder sent a bad chunked body: %s",
                 in->body.chunked.error ? in->body.chunked.error
                                        : "malformed");
    sl_http_ingest_fail(hc, rc);

    return SL_ERROR;
}


/* stream bytes into units, units into the ring */
static sl_int_t
sl_http_ingest_feed(void *ctx, u_char *data, size_t len)
{
    sl_int_t               rc;
    sl_http_connection_t  *hc = ctx;
    sl_media_unit_t     mu;
    sl_media_parser_t  *p;
    sl_http_ingest_t   *in;

    in = hc->ingest;
    p = in->parser;

    if (sl_media_parser_feed(p, data, len) != SL_OK) {
        sl_log_error(SL_LOG_ERR, hc->connection->log, 0,
                     "encoder sent no %s stream", in->format);
        sl_http_ingest_fail(hc, 415);
        return SL_ERROR;
    }

    for ( ;; ) {
        rc = sl_media_parser_next(p, &mu);

        if (rc == SL_AGAIN) {
            return SL_OK;
        }

        if (rc != SL_OK) {
            sl_log_error(SL_LOG_ERR, hc->connection->log, 0,
                         "encoder sent a malformed %s stream", in->format);
            sl_http_ingest_fail(hc, 400);
            return SL_ERROR;
        }

        if (p->tracks_changed || !in->described) {
            p->tracks_changed = 0;

            if (sl_live_set_tracks(&in->writer, p->tracks, p->ntracks,
                                   in->format) != SL_OK)
            {
                sl_http_ingest_fail(hc, 500);
                return SL_ERROR;
            }

            in->described = 1;
        }

        if (p->title_changed) {
            p->title_changed = 0;
            sl_live_set_title(&in->writer, &p->title);
        }

        rc = sl_live_write(&in->writer, &mu);

        if (rc == SL_ABORT) {
            sl_log_error(SL_LOG_NOTICE, hc->connection->log, 0,
                         "another encoder took \"%.*s\" over",
                         SL_STR_ARG(&in->writer.live->name));
            sl_http_ingest_fail(hc, 409);
            return SL_ERROR;
        }
    }
}


void
sl_http_ingest_read(sl_http_connection_t *hc)
{
    ssize_t              n;
    sl_event_t          *rev;
    sl_connection_t     *c;
    sl_http_ingest_t    *in;
    sl_http_srv_conf_t  *hscf;

    c = hc->connection;
    rev = c->read;
    in = hc->ingest;

    if (in == NULL) {
        return;
    }

    if (rev->timedout) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "encoder sent nothing for http_push_timeout");
        sl_http_close(hc);
        return;
    }

    hscf = sl_http_srv_conf(c);

    /* the head is done with */
    if (hc->in) {
        sl_free(hc->in);
        hc->in = NULL;
        hc->in_len = 0;
    }

    for ( ;; ) {
        n = sl_recv(c, in->buf, SL_HTTP_BODY_BUF);

        if (n == SL_AGAIN) {
            sl_event_add_timer(rev, hscf->push_timeout);
            return;
        }

        if (n == 0) {
            if (!in->body.is_chunked && in->body.left < 0) {
                sl_http_ingest_end(hc, "the encoder closed the stream");
                return;
            }

            sl_log_error(SL_LOG_ERR, c->log, 0,
                         "encoder closed the connection in the body");
            sl_http_close(hc);
            return;
        }

        if (n == SL_ERROR) {
            sl_http_close(hc);
            return;
        }

        if (sl_http_ingest_body(hc, in->buf, n) != SL_OK) {
            return;
        }
    }
}


/* the body ended as HTTP says it may: listeners wait for the next */
static void
sl_http_ingest_end(sl_http_connection_t *hc, const char *why)
{
    sl_uint_t          source;
    sl_http_ingest_t  *in;

    in = hc->ingest;
    source = in->source;

    sl_log_error(SL_LOG_NOTICE, hc->connection->log, 0,
                 "encoder of \"%.*s\" finished: %s, %llu bytes",
                 SL_STR_ARG(&in->writer.live->name), why,
                 (unsigned long long) in->received);

    sl_http_ingest_stop(hc);

    hc->close_after = 1;

    if (source) {
        sl_http_close(hc);
        return;
    }

    if (sl_http_respond(hc, 200, "Content-Length: 0\r\n"
                        "Connection: close\r\n", NULL) == SL_ERROR)
    {
        return;
    }
}


/* the push is refused midway: the source leaves, the encoder is told */
static void
sl_http_ingest_fail(sl_http_connection_t *hc, sl_int_t status)
{
    sl_http_ingest_stop(hc);
    sl_http_respond_error(hc, status);
}


void
sl_http_ingest_stop(sl_http_connection_t *hc)
{
    sl_http_ingest_t  *in;

    in = hc->ingest;

    if (in == NULL) {
        return;
    }

    hc->ingest = NULL;

    sl_live_unpublish(&in->writer);
    sl_destroy_pool(in->pool);
}


/*
 * GET /admin/metadata?mount=/live&mode=updinfo&song=Artist+-+Title, as
 * icecast takes it (ices, butt, liquidsoap send it): the title of the
 * point's live stream, for the ICY blocks.  Only from whoever may push.
 */
void
sl_http_ingest_metadata(sl_http_connection_t *hc, sl_streaming_request_t *r,
    sl_live_t *lv, const sl_str_t *args)
{
    u_char            *buf;
    sl_str_t           mode, song, title;
    sl_live_writer_t   w;

    if (sl_http_arg(args, "mode", &mode) != SL_OK
        || !sl_str_eq(&mode, "updinfo")
        || sl_http_arg(args, "song", &song) != SL_OK)
    {
        sl_http_respond_error(hc, 400);
        return;
    }

    buf = sl_pnalloc(r->pool, song.len);
    if (buf == NULL) {
        sl_http_respond_error(hc, 500);
        return;
    }

    title.data = buf;
    title.len = sl_http_unescape_arg(buf, &song);

    /* the title is set for the stream, whoever writes its units */
    w.live = lv;
    w.log = r->log;
    sl_live_set_title(&w, &title);

    sl_log_error(SL_LOG_INFO, r->log, 0, "title of \"%.*s\" set to \"%.*s\"",
                 SL_STR_ARG(&lv->name), SL_STR_ARG(&title));

    hc->close_after = 1;
    (void) sl_http_respond(hc, 200, "Content-Type: text/xml\r\n"
                           "Connection: close\r\n",
                           &(sl_str_t) sl_string("<?xml version=\"1.0\"?>\n"
                               "<iceresponse><message>Metadata update "
                               "successful</message><return>1</return>"
                               "</iceresponse>\n"));
}
