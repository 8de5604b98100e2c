/*
 * Pulling over HTTP: "source http://origin:8000/radio;".  A GET of the
 * URL (HTTP/1.1, with "Icy-MetaData: 1" so that SHOUTcast and icecast
 * servers send the titles), a 200 whose Content-Type is MP3 or MPEG-TS,
 * and a body, close-delimited, of a Content-Length or chunked (the
 * decoder of the HTTP module): the ICY blocks come out (StreamTitle
 * becomes the title), a media parser cuts the rest into units.  Up to
 * SL_PP_PULL_REDIRECTS redirects are followed.  Built with the HTTP
 * module.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_pp_pull.h>
#include <sl_http_parse.h>


#define SL_PP_PULL_ICY_MAX        (1024 * 1024)   /* icy-metaint */


typedef struct {
    sl_pp_pull_response_t    resp;
    sl_media_parser_t       *parser;
    const char              *format;
    sl_pp_icy_t             *icy;           /* NULL: no metadata */
    sl_http_body_t           framing;       /* Content-Length, chunks */
    unsigned                 body:1;
    unsigned                 described:1;
} sl_pp_pull_http_t;


static sl_int_t sl_pp_pull_http_start(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_http_input(sl_pp_pull_t *pl, u_char *buf,
    size_t len, size_t *used);
static sl_int_t sl_pp_pull_http_head(sl_pp_pull_t *pl);
static sl_int_t sl_pp_pull_http_body(sl_pp_pull_t *pl, u_char *buf,
    size_t len);
static sl_int_t sl_pp_pull_http_feed(void *ctx, u_char *data, size_t len);


static const sl_pp_pull_proto_t  sl_pp_pull_http_proto = {
    .scheme       = "http",
    .default_port = 80,
    .tls_scheme   = "https",
    .tls_port     = 443,
    .size         = sizeof(sl_pp_pull_http_t),
    .start        = sl_pp_pull_http_start,
    .input        = sl_pp_pull_http_input,
};


static sl_pp_pull_module_t  sl_pp_pull_http_module_ctx = {
    .proto = &sl_pp_pull_http_proto,
};


sl_module_t  sl_pp_pull_http_module = {
    .type = SL_PP_PULL_MODULE,
    .ctx  = &sl_pp_pull_http_module_ctx,
};


static sl_int_t
sl_pp_pull_http_start(sl_pp_pull_t *pl)
{
    return sl_pp_pull_send(pl, "GET %.*s%s%.*s HTTP/1.1\r\n"
                           "Host: %.*s\r\n"
                           "User-Agent: " SLUICE_VER "\r\n"
                           "Accept: */*\r\n"
                           "Icy-MetaData: 1\r\n"
                           "Connection: close\r\n"
                           "\r\n",
                           SL_STR_ARG(&pl->u.path),
                           pl->u.args.data ? "?" : "",
                           SL_STR_ARG(&pl->u.args),
                           SL_STR_ARG(&pl->u.authority));
}


static sl_int_t
sl_pp_pull_http_input(sl_pp_pull_t *pl, u_char *buf, size_t len,
    size_t *used)
{
    sl_int_t            rc;
    sl_pp_pull_http_t  *h;

    h = pl->data;

    if (!h->body) {
        rc = sl_pp_pull_response(pl, buf, len, &h->resp);

        if (rc == SL_AGAIN) {
            *used = 0;
            return SL_OK;
        }

        if (rc != SL_OK) {
            return rc;
        }

        rc = sl_pp_pull_http_head(pl);

        if (rc != SL_OK) {
            return rc;
        }

        h->body = 1;
        buf += h->resp.head_len;
        len -= h->resp.head_len;
        *used = h->resp.head_len;
    }

    *used += len;

    return sl_pp_pull_http_body(pl, buf, len);
}


/* 200 and a stream Sluice can take */
static sl_int_t
sl_pp_pull_http_head(sl_pp_pull_t *pl)
{
    sl_int_t                n;
    const sl_str_t         *v;
    sl_str_t                mpeg;
    sl_pool_t              *pool;
    sl_pp_pull_http_t      *h;
    sl_pp_pull_response_t  *r;

    h = pl->data;
    r = &h->resp;
    pool = pl->connection->pool;

    switch (r->status) {

    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
        v = sl_pp_pull_header(r, "Location");

        if (v == NULL || v->len == 0) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered "
                                    "%lu without a Location",
                                    (unsigned long) r->status);
        }

        return sl_pp_pull_redirect(pl, v);

    case 200:
        break;

    default:
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream answered "
                                "%lu %.*s", (unsigned long) r->status,
                                SL_STR_ARG(&r->reason));
    }

    v = sl_pp_pull_header(r, "Content-Type");

    if (v == NULL) {
        /* icecast's default */
        sl_str_set(&mpeg, "audio/mpeg");
        v = &mpeg;
    }

    h->format = sl_media_parser_format(v);

    if (h->format == NULL) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sends "
                                "\"%.*s\": only MP3 (audio/mpeg) and MPEG-TS "
                                "(video/mp2t) are taken", SL_STR_ARG(v));
    }

    v = sl_pp_pull_header(r, "icy-metaint");

    if (v) {
        n = sl_atoi(v->data, v->len);

        if (n == SL_ERROR || n == 0 || n > SL_PP_PULL_ICY_MAX) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a "
                                    "bad icy-metaint \"%.*s\"",
                                    SL_STR_ARG(v));
        }

        h->icy = sl_palloc(pool, sizeof(sl_pp_icy_t));
        if (h->icy == NULL) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "no memory");
        }

        sl_pp_icy_init(h->icy, (size_t) n);
    }

    h->parser = sl_media_parser_create(pool, h->format, &pl->log);
    if (h->parser == NULL) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "no memory");
    }

    sl_http_body_init(&h->framing, r->content_length, r->chunked);

    return SL_OK;
}


static sl_int_t
sl_pp_pull_http_body(sl_pp_pull_t *pl, u_char *buf, size_t len)
{
    sl_int_t            rc;
    sl_pp_pull_http_t  *h;

    h = pl->data;

    rc = sl_http_body(&h->framing, buf, len, sl_pp_pull_http_feed, pl);

    if (rc == SL_OK || rc == SL_ERROR) {
        return rc;
    }

    if (rc == SL_DONE) {
        return sl_pp_pull_error(pl, SL_LOG_NOTICE, "the upstream ended the "
                                "stream (%s)", h->framing.is_chunked
                                               ? "its last chunk"
                                               : "its Content-Length");
    }

    return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sent a bad "
                            "chunked body: %s",
                            h->framing.chunked.error
                            ? h->framing.chunked.error : "malformed");
}


/* stream bytes, without the ICY blocks, into units; units into the ring */
static sl_int_t
sl_pp_pull_http_feed(void *ctx, u_char *data, size_t len)
{
    sl_int_t            rc;
    sl_pp_pull_t       *pl = ctx;
    sl_media_unit_t     mu;
    sl_media_parser_t  *p;
    sl_pp_pull_http_t  *h;

    h = pl->data;
    p = h->parser;

    if (h->icy) {
        len = sl_pp_icy_strip(h->icy, data, len);
    }

    if (len == 0) {
        return SL_OK;
    }

    if (sl_media_parser_feed(p, data, len) != SL_OK) {
        return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sends no %s "
                                "stream", h->format);
    }

    for ( ;; ) {
        rc = sl_media_parser_next(p, &mu);

        if (rc == SL_AGAIN) {
            return SL_OK;
        }

        if (rc != SL_OK) {
            return sl_pp_pull_error(pl, SL_LOG_ERR, "the upstream sends a "
                                    "malformed %s stream", h->format);
        }

        /* the point is claimed with the first unit, described at once */
        if (!h->described && sl_pp_pull_publish(pl, h->format) != SL_OK) {
            return SL_ERROR;
        }

        if (p->tracks_changed || !h->described) {
            p->tracks_changed = 0;

            if (sl_pp_pull_set_tracks(pl, p->tracks, p->ntracks, h->format)
                != SL_OK)
            {
                return SL_ERROR;
            }

            h->described = 1;
        }

        /* titles go with the units, once the point is ours */
        if (p->title_changed) {
            p->title_changed = 0;
            sl_pp_pull_set_title(pl, &p->title);
        }

        if (h->icy && h->icy->title_changed) {
            h->icy->title_changed = 0;
            sl_pp_pull_set_title(pl, &h->icy->title);
        }

        if (sl_pp_pull_write(pl, &mu) != SL_OK) {
            return SL_ERROR;
        }
    }
}
