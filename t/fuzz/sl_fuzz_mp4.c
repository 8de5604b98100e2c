/*
 * libFuzzer target for the MP4 reader: the input is the file, read in
 * memory mode through open, reads, a seek taken from the last bytes,
 * and reads again; every unit must lie inside the file, and dts must
 * not go back within a track.  Each unit also goes through its RTP
 * payload format, whose packets must respect max_payload.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_UNITS  4096
#define SL_FUZZ_OUT_SIZE   (SL_RTP_MAX_PACKETS * (SL_RTP_HEADER_SIZE + 600))


static u_char  sl_fuzz_out[SL_FUZZ_OUT_SIZE];


static void
sl_fuzz_check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "sl_fuzz_mp4: %s\n", what);
        abort();
    }
}


static void
sl_fuzz_packetize(const sl_media_track_t *tr, const sl_media_unit_t *mu)
{
    sl_int_t                 rc;
    sl_uint_t                i;
    sl_rtp_out_t             out;
    sl_rtp_stream_t          s;
    const sl_rtp_payload_t  *pl;

    pl = sl_rtp_payload(tr->codec);
    if (pl == NULL || pl->packetize == NULL) {
        return;
    }

    sl_memzero(&s, sizeof(sl_rtp_stream_t));
    s.pt = 96;
    s.clock_rate = pl->clock_rate ? pl->clock_rate(tr) : 90000;
    s.max_payload = 64 + (mu->len & 511);

    out.start = sl_fuzz_out;
    out.pos = sl_fuzz_out;
    out.end = sl_fuzz_out + SL_FUZZ_OUT_SIZE;
    out.npkts = 0;

    rc = pl->packetize(&s, tr, mu, &out);

    sl_fuzz_check(rc == SL_OK || rc == SL_ERROR || rc == SL_AGAIN,
                  "packetize rc");

    for (i = 0; i < out.npkts; i++) {
        sl_fuzz_check(out.pkt[i].len <= SL_RTP_HEADER_SIZE + s.max_payload,
                      "packet over max_payload");
    }

    if (rc != SL_OK) {
        sl_fuzz_check(out.npkts == 0, "partial unit written");
    }
}


static void
sl_fuzz_read(sl_media_file_t *mf, const uint8_t *data, size_t size)
{
    int64_t          last[SL_MEDIA_MAX_TRACKS];
    sl_int_t         rc;
    sl_uint_t        i;
    sl_media_unit_t  mu;

    for (i = 0; i < SL_MEDIA_MAX_TRACKS; i++) {
        last[i] = INT64_MIN;
    }

    for (i = 0; i < SL_FUZZ_MAX_UNITS; i++) {
        rc = mf->format->read(mf, &mu);

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_DONE || (rc == SL_ERROR && mf->error),
                          "read rc or error");
            return;
        }

        sl_fuzz_check(mu.track < mf->ntracks, "track");
        sl_fuzz_check(mu.data >= data && mu.len <= size
                      && (size_t) (mu.data - data) <= size - mu.len,
                      "unit outside the file");
        sl_fuzz_check(mu.dts >= last[mu.track], "dts went back");
        last[mu.track] = mu.dts;

        sl_fuzz_packetize(&mf->tracks[mu.track], &mu);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t          msec;
    sl_pool_t       *pool;
    sl_media_file_t  mf;

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    if (pool == NULL) {
        return 0;
    }

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = SL_INVALID_FILE;
    mf.mem = data;
    mf.size = size;
    mf.pool = pool;
    mf.format = sl_media_format("mp4");
    mf.duration_msec = -1;

    sl_fuzz_check(mf.format != NULL, "no mp4 reader");

    (void) mf.format->probe(data, size);

    if (mf.format->open(&mf) != SL_OK) {
        sl_fuzz_check(mf.error != NULL, "open error without reason");
        goto done;
    }

    sl_fuzz_check(mf.ntracks > 0 && mf.ntracks <= SL_MEDIA_MAX_TRACKS,
                  "ntracks");

    sl_fuzz_read(&mf, data, size);

    msec = size >= 2 ? (int64_t) sl_media_be16(data + size - 2) * 10 : 0;

    if (mf.format->seek(&mf, msec) == SL_OK) {
        sl_fuzz_check(mf.start_msec >= 0, "start_msec");
        sl_fuzz_read(&mf, data, size);

    } else {
        sl_fuzz_check(mf.error != NULL, "seek error without reason");
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
