/*
 * HTTP players of a live stream: a response head, then the stream's
 * bytes until the connection or the stream ends.  MP3 goes as it came,
 * with ICY metadata blocks every icy_metaint bytes when the player asked
 * ("Icy-MetaData: 1"); MPEG-TS goes as it came.  A listener is a place
 * in a shared sink's log (core/sl_live): the bytes are not copied per
 * listener, only the ICY block when a write cuts it.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_http.h>


/*
 * The ICY sink: the raw bytes, and the current metadata block, built
 * once per title change for every listener of the worker.
 */
typedef struct {
    sl_live_t       *live;
    uint64_t         version;
    size_t           len;
    u_char           block[SL_HTTP_META_MAX];
} sl_http_icy_t;


/* the TS sink: H.264, AAC and MP3 tracks multiplexed once per worker */
typedef struct {
    sl_ts_mux_t     *mux;
    sl_pool_t       *pool;
    sl_int_t         video;
    u_char          *buf;
    size_t           size;
} sl_http_ts_t;


static sl_int_t sl_http_ts_init(sl_live_sink_t *sk,
    const sl_live_desc_t *desc);
static sl_int_t sl_http_ts_convert(sl_live_sink_t *sk,
    const sl_ring_unit_t *u);
static void sl_http_ts_cleanup(sl_live_sink_t *sk);
static sl_int_t sl_http_icy_init(sl_live_sink_t *sk,
    const sl_live_desc_t *desc);
static sl_int_t sl_http_icy_convert(sl_live_sink_t *sk,
    const sl_ring_unit_t *u);
static void sl_http_icy_refresh(sl_live_sink_t *sk);
static sl_int_t sl_http_live_send(sl_live_sub_t *sub);
static sl_int_t sl_http_live_send_icy(sl_http_connection_t *hc);
static void sl_http_live_end(sl_live_sub_t *sub, sl_live_end_e why);


static const sl_live_sink_type_t  sl_http_icy_sink = {
    "icy", sl_http_icy_init, sl_http_icy_convert, NULL, 1024 * 1024, 200,
    32 * 1024
};

static const sl_live_sink_type_t  sl_http_ts_sink = {
    "ts", sl_http_ts_init, sl_http_ts_convert, sl_http_ts_cleanup,
    4 * 1024 * 1024, 50, 0
};


void
sl_http_live_start(sl_http_connection_t *hc, sl_streaming_request_t *r,
    const sl_http_parsed_t *req, sl_live_t *lv)
{
    u_char                 headers[512], *p, *last;
    sl_int_t               rc;
    sl_uint_t              icy;
    const char            *type;
    sl_uint_t              mux;
    const sl_str_t        *v;
    sl_live_desc_t         desc;
    sl_connection_t       *c;
    sl_http_srv_conf_t    *hscf;
    const sl_live_sink_type_t  *sink;

    c = hc->connection;
    hscf = sl_http_srv_conf(c);

    if (sl_live_state(lv) == SL_LIVE_OFF
        || sl_live_describe(lv, &desc) != SL_OK)
    {
        sl_log_error(SL_LOG_INFO, c->log, 0,
                     "no source is live at \"%.*s\"", SL_STR_ARG(&lv->name));
        sl_http_respond_error(hc, 503);
        return;
    }

    /*
     * What the stream's tracks are served as: MP3 and MPEG-TS as they
     * came, anything else (an RTSP encoder's H.264 and AAC) multiplexed
     * into MPEG-TS.
     */
    mux = 0;

    if (desc.ntracks == 1 && desc.tracks[0].codec == SL_CODEC_MPA) {
        type = "audio/mpeg";

    } else if (desc.ntracks == 1 && desc.tracks[0].codec == SL_CODEC_MP2T) {
        type = "video/mp2t";

    } else {
        type = "video/mp2t";
        mux = 1;
    }

    v = sl_http_find_header(req, "Icy-MetaData");
    icy = (desc.tracks[0].codec == SL_CODEC_MPA && v && v->len == 1
           && v->data[0] == '1');

    p = headers;
    last = headers + sizeof(headers);

    p = sl_slprintf(p, last, "Content-Type: %s\r\n"
                    "Cache-Control: no-cache, no-store\r\n"
                    "Connection: close\r\n", type);

    if (icy) {
        p = sl_slprintf(p, last, "icy-metaint: %lu\r\nicy-name: %.*s\r\n",
                        (unsigned long) hscf->icy_metaint,
                        (int) sl_min(lv->name.len, 128),
                        (char *) lv->name.data);
    }

    if (desc.tracks[0].bitrate) {
        p = sl_slprintf(p, last, "icy-br: %lu\r\n",
                        (unsigned long) desc.tracks[0].bitrate / 1000);
    }

    *p = '\0';

    if (req->method == SL_HTTP_HEAD) {
        hc->close_after = 1;
        (void) sl_http_respond(hc, 200, (char *) headers, NULL);
        return;
    }

    sink = mux ? &sl_http_ts_sink
               : (icy ? &sl_http_icy_sink : &sl_live_raw_sink);

    hc->sub.send = sl_http_live_send;
    hc->sub.end = sl_http_live_end;
    hc->sub.data = hc;
    hc->sub.send_timeout = hscf->send_timeout;

    rc = sl_live_subscribe(lv, &hc->sub, sink, 0, c->log);

    if (rc == SL_DECLINED) {
        sl_http_respond_error(hc, 503);
        return;
    }

    if (rc != SL_OK) {
        sl_http_respond_error(hc, 500);
        return;
    }

    hc->listening = 1;
    hc->icy_metaint = icy ? (uint32_t) hscf->icy_metaint : 0;
    hc->icy_left = hc->icy_metaint;

    c->log->action = "sending live stream";

    sl_log_error(SL_LOG_INFO, c->log, 0, "listener joined \"%.*s\"%s",
                 SL_STR_ARG(&r->path), icy ? " with ICY metadata" : "");

    if (sl_http_respond(hc, 200, (char *) headers, NULL) == SL_OK) {
        /* the first bytes now: the time to first byte is a join */
        sl_http_live_write(hc);
    }
}


void
sl_http_live_stop(sl_http_connection_t *hc)
{
    if (hc->listening) {
        sl_live_unsubscribe(&hc->sub);
        hc->listening = 0;
    }
}


void
sl_http_live_write(sl_http_connection_t *hc)
{
    if (hc->listening && hc->out_len == 0) {
        (void) sl_http_live_send(&hc->sub);
    }
}


static sl_int_t
sl_http_live_send(sl_live_sub_t *sub)
{
    sl_int_t               rc;
    sl_http_connection_t  *hc;

    hc = sub->data;

    if (hc->connection->close) {
        return SL_ERROR;
    }

    if (hc->out_len) {
        return SL_AGAIN;            /* the head is not out yet */
    }

    if (hc->icy_metaint) {
        rc = sl_http_live_send_icy(hc);

    } else {
        rc = sl_live_sub_write(sub, hc->connection);
    }

    if (rc == SL_ERROR) {
        sl_http_close(hc);
    }

    return rc;
}


/*
 * Audio up to the next metadata point, the block, more audio: one
 * writev.  A block cut by a short write is kept (copied) to go first
 * next time; the audio never is.
 */
static sl_int_t
sl_http_live_send_icy(sl_http_connection_t *hc)
{
    size_t           want, data, n;
    ssize_t          sent;
    sl_uint_t        niov, k;
    sl_http_icy_t   *icy;
    struct iovec     iov[3];
    sl_connection_t *c;

    c = hc->connection;
    icy = hc->sub.sink->data;

    for ( ;; ) {

        if (hc->meta_rest) {
            sent = sl_send(c, hc->meta_rest + hc->meta_pos,
                           hc->meta_len - hc->meta_pos);

            if (sent == SL_AGAIN || sent == SL_ERROR) {
                return sent;
            }

            hc->meta_pos += sent;

            if (hc->meta_pos < hc->meta_len) {
                return SL_AGAIN;
            }

            sl_free(hc->meta_rest);
            hc->meta_rest = NULL;
            hc->icy_left = hc->icy_metaint;
        }

        niov = sl_live_sub_iov(&hc->sub, iov, 2, hc->icy_left);
        if (niov == 0) {
            return SL_OK;
        }

        data = 0;
        for (k = 0; k < niov; k++) {
            data += iov[k].iov_len;
        }

        want = data;

        if (data == hc->icy_left) {
            iov[niov].iov_base = icy->block;
            iov[niov].iov_len = icy->len;
            want += icy->len;
            niov++;
        }

        sent = sl_writev(c, iov, (int) niov);

        if (sent == SL_AGAIN) {
            return SL_AGAIN;
        }

        if (sent == SL_ERROR) {
            c->error = 1;
            return SL_ERROR;
        }

        n = sl_min((size_t) sent, data);
        sl_live_sub_advance(&hc->sub, n);
        hc->icy_left -= (uint32_t) n;

        if ((size_t) sent == want) {
            if (hc->icy_left == 0) {
                hc->icy_left = hc->icy_metaint;
            }
            continue;
        }

        if ((size_t) sent > data) {
            /* the block was cut: keep the rest */
            n = sent - data;

            hc->meta_rest = sl_alloc(icy->len - n, c->log);
            if (hc->meta_rest == NULL) {
                return SL_ERROR;
            }

            sl_memcpy(hc->meta_rest, icy->block + n, icy->len - n);
            hc->meta_pos = 0;
            hc->meta_len = (uint16_t) (icy->len - n);
        }

        return SL_AGAIN;
    }
}


static void
sl_http_live_end(sl_live_sub_t *sub, sl_live_end_e why)
{
    sl_http_connection_t  *hc;

    hc = sub->data;

    switch (why) {

    case SL_LIVE_END_SLOW:
        sl_log_error(SL_LOG_INFO, hc->connection->log, 0,
                     "listener too slow, dropped after http_send_timeout");
        break;

    case SL_LIVE_END_TRACKS:
        sl_log_error(SL_LOG_INFO, hc->connection->log, 0,
                     "the new source's stream differs, listener closed");
        break;

    default:
        sl_log_error(SL_LOG_INFO, hc->connection->log, 0,
                     "the source is gone, listener closed");
        break;
    }

    /* the body is delimited by the close */
    sl_http_close(hc);
}


static sl_int_t
sl_http_icy_init(sl_live_sink_t *sk, const sl_live_desc_t *desc)
{
    sl_http_icy_t  *icy;

    if (desc->ntracks != 1 || desc->tracks[0].codec != SL_CODEC_MPA) {
        return SL_DECLINED;
    }

    icy = sk->data;

    if (icy == NULL) {
        icy = sl_pcalloc(sk->pool, sizeof(sl_http_icy_t));
        if (icy == NULL) {
            return SL_ERROR;
        }

        sk->data = icy;
    }

    icy->version = UINT64_MAX;
    sl_http_icy_refresh(sk);

    return SL_OK;
}


static sl_int_t
sl_http_icy_convert(sl_live_sink_t *sk, const sl_ring_unit_t *u)
{
    sl_http_icy_refresh(sk);

    return sl_live_sink_append(sk, u->data, u->len, u->keyframe);
}


/*
 * The block: one length byte (16-byte units), "StreamTitle='...';",
 * NUL padding.  A title with a quote would end the value early for
 * players that search for "';": quotes become typographic ones.
 */
static void
sl_http_icy_refresh(sl_live_sink_t *sk)
{
    u_char          title[SL_LIVE_TITLE_MAX], *p, *last;
    size_t          len, i, n;
    uint64_t        version;
    sl_live_t      *lv;
    sl_http_icy_t  *icy;

    icy = sk->data;
    lv = sl_live_sink_live(sk);

    len = sl_live_title(lv, title, &version);

    if (version == icy->version) {
        return;
    }

    icy->version = version;

    if (len == 0) {
        icy->block[0] = 0;
        icy->len = 1;
        return;
    }

    p = icy->block + 1;
    last = icy->block + SL_HTTP_META_MAX;

    p = sl_cpymem(p, "StreamTitle='", sizeof("StreamTitle='") - 1);

    for (i = 0; i < len && p < last - 8; i++) {
        *p++ = (title[i] == '\'') ? '`' : title[i];
    }

    p = sl_cpymem(p, "';", 2);

    n = p - (icy->block + 1);
    n = (n + 15) / 16;

    sl_memzero(p, icy->block + 1 + n * 16 - p);

    icy->block[0] = (u_char) n;
    icy->len = 1 + n * 16;
}


static sl_int_t
sl_http_ts_init(sl_live_sink_t *sk, const sl_live_desc_t *desc)
{
    sl_uint_t      i;
    sl_http_ts_t  *ts;

    ts = sk->data;

    if (ts == NULL) {
        ts = sl_pcalloc(sk->pool, sizeof(sl_http_ts_t));
        if (ts == NULL) {
            return SL_ERROR;
        }

        sk->data = ts;
    }

    sl_http_ts_cleanup(sk);

    ts->pool = sl_create_pool(4096, sl_cycle->log);
    if (ts->pool == NULL) {
        return SL_ERROR;
    }

    ts->mux = sl_ts_mux_create(ts->pool, desc->tracks, desc->ntracks);
    if (ts->mux == NULL) {
        return SL_DECLINED;
    }

    ts->video = -1;

    for (i = 0; i < desc->ntracks; i++) {
        if (desc->tracks[i].codec == SL_CODEC_H264) {
            ts->video = (sl_int_t) i;
            break;
        }
    }

    return SL_OK;
}


/*
 * PAT and PMT go again before every join point (a video keyframe, or
 * any unit without video) so that a listener starting there can decode.
 */
static sl_int_t
sl_http_ts_convert(sl_live_sink_t *sk, const sl_ring_unit_t *u)
{
    u_char           *p;
    size_t            need;
    sl_uint_t         join;
    sl_http_ts_t     *ts;
    sl_media_unit_t   mu;

    ts = sk->data;

    if (ts->mux == NULL) {
        return SL_ERROR;
    }

    join = (ts->video == -1) || ((sl_int_t) u->track == ts->video
                                 && u->keyframe);

    sl_live_media_unit(u, &mu);

    need = sl_ts_mux_bound(ts->mux, u->len);

    if (need > ts->size) {
        sl_free(ts->buf);
        ts->size = sl_max(need, 64 * 1024);
        ts->buf = sl_alloc(ts->size, sl_cycle->log);
        if (ts->buf == NULL) {
            ts->size = 0;
            return SL_ERROR;
        }
    }

    if (join && ts->video != -1) {
        sl_ts_mux_reset(ts->mux);
    }

    p = sl_ts_mux_write(ts->mux, &mu, ts->buf);

    return sl_live_sink_append(sk, ts->buf, p - ts->buf, join);
}


static void
sl_http_ts_cleanup(sl_live_sink_t *sk)
{
    sl_http_ts_t  *ts;

    ts = sk->data;

    if (ts == NULL) {
        return;
    }

    if (ts->pool) {
        sl_destroy_pool(ts->pool);
        ts->pool = NULL;
        ts->mux = NULL;
    }

    /* the buffer goes with the sink (cleanup at the end) or stays */
    if (sk->nsubs == 0 && ts->buf) {
        sl_free(ts->buf);
        ts->buf = NULL;
        ts->size = 0;
    }
}
