/*
 * Encoders pushing over RTSP (RFC 2326 §10.11, §10.3): ANNOUNCE brings
 * the SDP and claims the point, SETUP with mode=record opens each
 * track's way in (interleaved channels or UDP ports), RECORD starts the
 * stream.  Each RTP packet goes through its track's depacketizer; the
 * units it completes go into the point's live ring.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_rtsp.h>
#include <sl_sdp_parse.h>


/*
 * ANNOUNCE: the encoder's description, the point claimed for it.  It
 * belongs to the connection until the first SETUP makes a session of it.
 */
void
sl_rtsp_announce(sl_rtsp_connection_t *rc)
{
    sl_int_t                 rv;
    sl_uint_t                i;
    sl_sdp_t                 sdp;
    sl_live_t               *lv;
    sl_pool_t               *pool;
    const sl_str_t          *v;
    sl_connection_t         *c;
    sl_rtsp_record_t        *rec;
    sl_sdp_media_t          *m;
    const sl_rtp_payload_t  *pl;

    c = rc->connection;
    lv = sl_streaming_live(&rc->sr);

    if (lv == NULL) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "ANNOUNCE to \"%.*s\", not a broadcast point",
                     SL_STR_ARG(&rc->sr.path));
        sl_rtsp_respond(rc, 405, "Allow: OPTIONS, DESCRIBE, SETUP, PLAY, "
                        "PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER\r\n",
                        NULL);
        return;
    }

    if (rc->record || !sl_queue_empty(&rc->sessions)) {
        sl_rtsp_respond(rc, 455, NULL, NULL);
        return;
    }

    v = sl_rtsp_find_header(rc->req, "Content-Type");
    if (v == NULL || v->len < 15
        || sl_strncasecmp(v->data, (u_char *) "application/sdp", 15) != 0)
    {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "ANNOUNCE without an application/sdp body");
        sl_rtsp_respond(rc, 415, NULL, NULL);
        return;
    }

    if (sl_sdp_parse(rc->in + rc->req->head_len,
                     (size_t) sl_max(rc->req->content_length, 0), &sdp)
        != SL_OK)
    {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "encoder sent a bad SDP: %s in line %lu", sdp.error,
                     (unsigned long) sdp.line);
        sl_rtsp_respond(rc, 400, NULL, NULL);
        return;
    }

    pool = sl_create_pool(4096, c->log);
    if (pool == NULL) {
        sl_rtsp_respond(rc, 500, NULL, NULL);
        return;
    }

    rec = sl_pcalloc(pool, sizeof(sl_rtsp_record_t));
    if (rec == NULL) {
        goto failed;
    }

    rec->pool = pool;
    rec->live = lv;

    for (i = 0; i < sdp.nmedia && rec->ntracks < SL_MEDIA_MAX_TRACKS; i++) {
        m = &sdp.media[i];

        pl = sl_rtp_payload_by_name(&m->encoding);

        if (pl == NULL
            || pl->from_sdp(&rec->tracks[rec->ntracks], &m->encoding,
                            m->clock_rate, m->channels, &m->fmtp, pool)
               != SL_OK)
        {
            sl_log_error(SL_LOG_ERR, c->log, 0,
                         "encoder announced \"%.*s\", which Sluice cannot "
                         "take", SL_STR_ARG(&m->encoding));
            sl_rtsp_respond(rc, 415, NULL, NULL);
            sl_destroy_pool(pool);
            return;
        }

        rec->payload[rec->ntracks] = pl;

        rec->control[rec->ntracks].len = m->control.len;
        rec->control[rec->ntracks].data = sl_pnalloc(pool, m->control.len + 1);
        if (rec->control[rec->ntracks].data == NULL) {
            goto failed;
        }

        sl_memcpy(rec->control[rec->ntracks].data, m->control.data,
                  m->control.len);

        rec->depack[rec->ntracks] = sl_rtp_depack_create(pool, pl,
                                        &rec->tracks[rec->ntracks],
                                        rec->ntracks, c->log);
        if (rec->depack[rec->ntracks] == NULL) {
            goto failed;
        }

        rec->depack[rec->ntracks]->sync = &rec->sync;
        rec->ntracks++;
    }

    if (rec->ntracks == 0) {
        sl_log_error(SL_LOG_ERR, c->log, 0, "encoder announced no media");
        sl_rtsp_respond(rc, 415, NULL, NULL);
        sl_destroy_pool(pool);
        return;
    }

    rv = sl_live_publish(lv, &rec->writer, lv->takeover, c->log);

    if (rv == SL_BUSY) {
        sl_log_error(SL_LOG_ERR, c->log, 0,
                     "\"%.*s\" already has a source, encoder refused "
                     "(\"push_takeover on\" lets a new one in)",
                     SL_STR_ARG(&lv->name));
        sl_rtsp_respond(rc, 455, NULL, NULL);
        sl_destroy_pool(pool);
        return;
    }

    if (rv != SL_OK) {
        goto failed;
    }

    rc->record = rec;

    sl_log_error(SL_LOG_NOTICE, c->log, 0,
                 "encoder connected to \"%.*s\" (RTSP, %lu tracks)",
                 SL_STR_ARG(&rc->sr.path), (unsigned long) rec->ntracks);

    sl_rtsp_respond(rc, 200, NULL, NULL);
    return;

failed:

    sl_destroy_pool(pool);
    sl_rtsp_respond(rc, 500, NULL, NULL);
}


/* the track a SETUP names: its control attribute, or "trackID=N" */
sl_int_t
sl_rtsp_record_track(sl_rtsp_record_t *rec, const sl_str_t *uri,
    sl_int_t track)
{
    size_t      n;
    sl_uint_t   i;
    sl_str_t   *ctl;

    for (i = 0; i < rec->ntracks; i++) {
        ctl = &rec->control[i];
        n = ctl->len;

        if (n && uri->len >= n
            && sl_strncmp(uri->data + uri->len - n, ctl->data, n) == 0)
        {
            return (sl_int_t) i;
        }
    }

    if (track >= 0 && (sl_uint_t) track < rec->ntracks) {
        return track;
    }

    return (rec->ntracks == 1) ? 0 : -1;
}


/* RECORD: the tracks become the point's, units flow from now on */
void
sl_rtsp_record(sl_rtsp_connection_t *rc)
{
    u_char              *p, hdr[256];
    sl_rtsp_session_t   *s;
    sl_rtsp_record_t    *rec;

    s = sl_rtsp_find_session(rc);
    if (s == NULL || s->record == NULL) {
        sl_rtsp_respond(rc, s ? 455 : 454, NULL, NULL);
        return;
    }

    rec = s->record;

    if (rec->writer.token == 0) {
        sl_rtsp_respond(rc, 455, NULL, NULL);
        return;
    }

    if (sl_live_set_tracks(&rec->writer, rec->tracks, rec->ntracks, "rtp")
        != SL_OK)
    {
        sl_rtsp_respond(rc, 500, NULL, NULL);
        return;
    }

    rec->recording = 1;
    s->state = SL_RTSP_PLAYING;

    sl_event_add_timer(&s->timeout,
                       sl_rtsp_srv_conf(rc->connection)->session_timeout);

    p = sl_rtsp_session_header(s, hdr, hdr + sizeof(hdr));
    *p = '\0';

    sl_rtsp_respond(rc, 200, (char *) hdr, NULL);
}


/* one RTP packet of an encoder's track: its units into the ring */
void
sl_rtsp_record_packet(sl_rtsp_session_t *s, sl_uint_t track,
    const u_char *pkt, size_t len)
{
    sl_int_t            rv;
    sl_media_unit_t     mu;
    sl_rtp_depack_t    *d;
    sl_rtsp_record_t   *rec;

    rec = s->record;

    if (rec == NULL || !rec->recording || track >= rec->ntracks) {
        return;
    }

    /* data keeps the session alive; the timer is moved once a second */
    if (sl_current_msec - rec->refreshed > 1000) {
        rec->refreshed = sl_current_msec;
        sl_event_add_timer(&s->timeout,
            sl_rtsp_srv_conf(s->rc->connection)->session_timeout);
    }

    d = rec->depack[track];

    if (sl_rtp_depack_push(d, pkt, len) != SL_OK) {
        return;
    }

    if (d->config_changed) {
        d->config_changed = 0;
        (void) sl_live_set_tracks(&rec->writer, rec->tracks, rec->ntracks,
                                  "rtp");
    }

    while (sl_rtp_depack_next(d, &mu) == SL_OK) {
        rv = sl_live_write(&rec->writer, &mu);

        if (rv == SL_ABORT) {
            sl_log_error(SL_LOG_NOTICE, s->log, 0,
                         "another encoder took \"%.*s\" over",
                         SL_STR_ARG(&rec->live->name));
            rec->recording = 0;
            sl_rtsp_drop(s->rc->connection);
            return;
        }
    }
}


/*
 * RTCP of an encoder's track: the session lives on, and a sender report
 * (ffmpeg sends one before each track's first packet) places the
 * track's first packet on the stream's timeline.
 */
void
sl_rtsp_record_rtcp(sl_rtsp_session_t *s, sl_uint_t track, const u_char *pkt,
    size_t len)
{
    sl_rtsp_record_t  *rec;

    rec = s->record;

    if (rec && track < rec->ntracks) {
        (void) sl_rtp_depack_rtcp(rec->depack[track], pkt, len);
    }
}


/* the encoder's session or connection ends: the source leaves */
void
sl_rtsp_record_end(sl_rtsp_record_t *rec, sl_log_t *log)
{
    sl_uint_t  i;

    if (rec->writer.token) {
        sl_log_error(SL_LOG_NOTICE, log, 0,
                     "encoder of \"%.*s\" finished: %llu units, %llu bytes",
                     SL_STR_ARG(&rec->live->name),
                     (unsigned long long) rec->writer.units,
                     (unsigned long long) rec->writer.bytes);

        for (i = 0; i < rec->ntracks; i++) {
            if (rec->depack[i]->lost || rec->depack[i]->malformed) {
                sl_log_error(SL_LOG_INFO, log, 0,
                             "track %lu: %llu packets, %llu lost, %llu "
                             "malformed", (unsigned long) i,
                             (unsigned long long) rec->depack[i]->packets,
                             (unsigned long long) rec->depack[i]->lost,
                             (unsigned long long) rec->depack[i]->malformed);
            }
        }
    }

    sl_live_unpublish(&rec->writer);
    sl_destroy_pool(rec->pool);
}
