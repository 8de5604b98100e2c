/*
 * libFuzzer target for RTP reception: the input is an SDP description,
 * a NUL, then RTP packets framed as on an RTSP connection ('$', channel,
 * 16-bit length; channel 2N is track N, odd channels are RTCP and
 * skipped).  The description goes through sl_sdp_parse, control URLs,
 * the payload formats' from_sdp, and the packets through depacketizers,
 * checking every string, track and unit they give: units lie in the
 * depacketizer's bounded buffer, H.264 units are whole length-prefixed
 * NAL units, MP2T units whole TS packets, and every unit goes through
 * the packetizer of its format again.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_sdp_parse.h>


#define SL_FUZZ_OUT_SIZE  (4 * 1024 * 1024)


static u_char  *sl_fuzz_out;


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_sdp: %s\n", what);
    abort();
}


/* s lies within [data, data + size), or is empty */
static int
sl_fuzz_inside(const sl_str_t *s, const uint8_t *data, size_t size)
{
    return s->len == 0
           || (s->data >= data && s->len <= size
               && (size_t) (s->data - data) <= size - s->len);
}


static void
sl_fuzz_sdp_checks(const sl_sdp_t *sdp, const uint8_t *data, size_t size)
{
    sl_uint_t              i;
    const sl_sdp_media_t  *m;

    sl_fuzz_check(sdp->nmedia <= SL_MEDIA_MAX_TRACKS, "nmedia");
    sl_fuzz_check(sl_fuzz_inside(&sdp->control, data, size), "control");
    sl_fuzz_check(sl_fuzz_inside(&sdp->range, data, size), "range");

    for (i = 0; i < sdp->nmedia; i++) {
        m = &sdp->media[i];

        sl_fuzz_check(m->media.len > 0 && m->proto.len > 0
                      && sl_fuzz_inside(&m->media, data, size)
                      && sl_fuzz_inside(&m->proto, data, size),
                      "media, proto");
        sl_fuzz_check(m->port <= 65535 && m->nports >= 1, "port");
        sl_fuzz_check(m->pt >= -1 && m->pt <= 127, "payload type");
        sl_fuzz_check(sl_fuzz_inside(&m->fmtp, data, size)
                      && sl_fuzz_inside(&m->control, data, size), "fmtp");
        sl_fuzz_check(!m->rtpmap
                      || (sl_fuzz_inside(&m->encoding, data, size)
                          && m->encoding.len > 0 && m->clock_rate > 0),
                      "rtpmap");
    }
}


/* what a unit promises, and the packetizer takes it back */
static void
sl_fuzz_unit(sl_rtp_depack_t *d, const sl_media_unit_t *mu)
{
    size_t           off, n;
    sl_int_t         rc;
    sl_rtp_out_t     out;
    sl_rtp_stream_t  s;

    sl_fuzz_check(mu->len > 0 && mu->len <= SL_RTP_DEPACK_MAX_UNIT,
                  "unit length");
    sl_fuzz_check(mu->data >= d->buf
                  && mu->data + mu->len <= d->buf + d->size, "unit data");
    sl_fuzz_check(d->size <= SL_RTP_DEPACK_MAX_BUF, "buffer size");
    sl_fuzz_check(mu->track == d->track && mu->pts == mu->dts, "track, pts");

    switch (d->tr->codec) {

    case SL_CODEC_H264:
        for (off = 0; off < mu->len; off += 4 + n) {
            sl_fuzz_check(mu->len - off >= 5, "NAL length prefix");
            n = sl_media_be32(mu->data + off);
            sl_fuzz_check(n > 0 && n <= mu->len - off - 4, "NAL length");
        }

        break;

    case SL_CODEC_MP2T:
        sl_fuzz_check(mu->len % 188 == 0, "TS packets");

        for (off = 0; off < mu->len; off += 188) {
            sl_fuzz_check(mu->data[off] == 0x47, "TS sync byte");
        }

        break;

    case SL_CODEC_MPA:
    case SL_CODEC_AAC:
        sl_fuzz_check(mu->keyframe, "audio keyframe");
        break;

    default:
        sl_fuzz_check(0, "codec");
    }

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 96;
    s.clock_rate = d->pl->clock_rate(d->tr);
    s.max_payload = SL_RTP_MAX_PAYLOAD;

    sl_memzero(&out, sizeof(sl_rtp_out_t));
    out.start = sl_fuzz_out;
    out.pos = sl_fuzz_out;
    out.end = sl_fuzz_out + SL_FUZZ_OUT_SIZE;

    rc = d->pl->packetize(&s, d->tr, mu, &out);

    sl_fuzz_check(rc == SL_OK || rc == SL_ERROR || rc == SL_AGAIN,
                  "packetize rc");
    sl_fuzz_check(rc != SL_OK || out.npkts > 0 || d->tr->codec
                  == SL_CODEC_H264, "packetized nothing");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                   sdp_len, n;
    sl_int_t                 rc;
    sl_str_t                 base, url;
    sl_uint_t                i, track;
    sl_sdp_t                 sdp;
    sl_pool_t               *pool;
    const uint8_t           *p, *last, *nul;
    sl_media_unit_t          mu;
    sl_sdp_media_t          *m;
    sl_rtp_depack_t         *d[SL_MEDIA_MAX_TRACKS];
    sl_media_track_t         tr[SL_MEDIA_MAX_TRACKS];
    const sl_rtp_payload_t  *pl;
    static sl_log_t          quiet;

    if (sl_fuzz_out == NULL) {
        sl_fuzz_out = malloc(SL_FUZZ_OUT_SIZE);
        sl_fuzz_check(sl_fuzz_out != NULL, "no memory");
    }

    nul = memchr(data, '\0', size);
    sdp_len = nul ? (size_t) (nul - data) : size;

    rc = sl_sdp_parse(data, sdp_len, &sdp);

    if (rc != SL_OK) {
        sl_fuzz_check(rc == SL_ERROR && sdp.error != NULL, "parse rc");
        return 0;
    }

    sl_fuzz_check(sdp.error == NULL, "error on success");
    sl_fuzz_sdp_checks(&sdp, data, sdp_len);

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, &quiet);
    if (pool == NULL) {
        return 0;
    }

    sl_str_set(&base, "rtsp://192.0.2.1:8554/live?x=1");

    for (i = 0; i < sdp.nmedia; i++) {
        m = &sdp.media[i];
        d[i] = NULL;

        rc = sl_sdp_control_url(pool, &base, &m->control, &url);
        sl_fuzz_check(rc == SL_OK && url.len >= m->control.len, "control");

        if (m->pt < 0 || m->encoding.len == 0) {
            continue;
        }

        pl = sl_rtp_payload_by_name(&m->encoding);
        if (pl == NULL) {
            continue;
        }

        sl_memzero(&tr[i], sizeof(sl_media_track_t));

        rc = pl->from_sdp(&tr[i], &m->encoding, m->clock_rate, m->channels,
                          &m->fmtp, pool);

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_ERROR, "from_sdp rc");
            continue;
        }

        sl_fuzz_check(tr[i].codec == pl->codec
                      && tr[i].timescale == m->clock_rate, "track");
        sl_fuzz_check(tr[i].codec != SL_CODEC_AAC
                      || (tr[i].config_len > 0 && tr[i].rtp != NULL),
                      "AAC config");
        sl_fuzz_check(tr[i].codec != SL_CODEC_H264
                      || tr[i].nal_length_size == 4, "H.264 lengths");

        d[i] = sl_rtp_depack_create(pool, pl, &tr[i], i, &quiet);
        sl_fuzz_check(d[i] != NULL, "depack create");
    }

    /* the packets */

    p = data + sdp_len + (nul ? 1 : 0);
    last = data + size;

    while (last - p >= 4 && p[0] == '$') {
        n = sl_media_be16(p + 2);

        if (n > (size_t) (last - p - 4)) {
            break;
        }

        track = p[1] / 2;

        if (!(p[1] & 1) && track < sdp.nmedia && d[track]) {
            rc = sl_rtp_depack_push(d[track], p + 4, n);
            sl_fuzz_check(rc == SL_OK || rc == SL_DECLINED, "push rc");

            while (sl_rtp_depack_next(d[track], &mu) == SL_OK) {
                sl_fuzz_unit(d[track], &mu);
            }
        }

        p += 4 + n;
    }

    for (i = 0; i < sdp.nmedia; i++) {
        if (d[i] == NULL) {
            continue;
        }

        sl_rtp_depack_flush(d[i]);

        while (sl_rtp_depack_next(d[i], &mu) == SL_OK) {
            sl_fuzz_unit(d[i], &mu);
        }

        sl_fuzz_check(d[i]->packets + d[i]->malformed + d[i]->late
                      + d[i]->duplicates <= size / 4, "counters");
    }

    sl_destroy_pool(pool);

    return 0;
}
