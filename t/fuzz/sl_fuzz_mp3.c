/*
 * libFuzzer target for the MP3 reader (modules/format/sl_format_mp3.c):
 * the input is the file, in memory; probe, open, then reads and seeks
 * to times taken from the input, checking that every unit lies inside
 * the file and that dts grow by the unit durations.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_UNITS  2000


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_mp3: %s\n", what);
    abort();
}


/* reads up to max units; returns the rc that ended it */
static sl_int_t
sl_fuzz_read(sl_media_file_t *mf, const uint8_t *data, size_t size,
    sl_uint_t max)
{
    int64_t          next;
    sl_int_t         rc;
    sl_uint_t        n;
    sl_media_unit_t  mu;

    next = -1;

    for (n = 0; n < max; n++) {
        rc = mf->format->read(mf, &mu);

        if (rc == SL_ERROR) {
            sl_fuzz_check(mf->error != NULL, "error without a reason");
            return rc;
        }

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_DONE, "read rc");
            return rc;
        }

        sl_fuzz_check(mu.track == 0, "track");
        sl_fuzz_check(mu.data >= data && mu.len >= 4 && mu.len <= 2881
                      && (size_t) (mu.data - data) + mu.len <= size,
                      "unit outside the file");
        sl_fuzz_check(mu.data[0] == 0xff, "unit without a frame header");
        sl_fuzz_check(mu.duration == 384 || mu.duration == 576
                      || mu.duration == 1152, "unit duration");
        sl_fuzz_check(next == -1 || mu.dts == next, "dts gap");
        sl_fuzz_check(mu.dts >= 0 && mu.pts == mu.dts && mu.keyframe,
                      "dts, pts, keyframe");

        next = mu.dts + mu.duration;
    }

    return SL_OK;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t              i;
    int64_t             msec;
    sl_int_t            rc;
    sl_pool_t          *pool;
    sl_media_file_t     mf;
    const sl_format_t  *mp3;

    mp3 = sl_media_format("mp3");
    sl_fuzz_check(mp3 != NULL, "no mp3 reader");

    (void) mp3->probe(data, sl_min(size, 4096));

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    if (pool == NULL) {
        return 0;
    }

    sl_memzero(&mf, sizeof(sl_media_file_t));
    mf.fd = SL_INVALID_FILE;
    mf.mem = data;
    mf.size = size;
    mf.pool = pool;
    mf.format = mp3;
    mf.duration_msec = -1;

    rc = mp3->open(&mf);

    if (rc != SL_OK) {
        sl_fuzz_check(rc == SL_ERROR && mf.error != NULL, "open rc");
        goto done;
    }

    sl_fuzz_check(mf.ntracks == 1 && mf.tracks[0].codec == SL_CODEC_MPA
                  && mf.tracks[0].timescale == mf.tracks[0].sample_rate
                  && mf.tracks[0].timescale >= 8000
                  && mf.duration_msec >= 0, "track");

    (void) sl_fuzz_read(&mf, data, size, SL_FUZZ_MAX_UNITS);

    /* seeks to times from the last bytes of the input */
    for (i = 0; i < 4 && i < size; i++) {
        msec = (int64_t) data[size - 1 - i] * (mf.duration_msec + 1) / 200;

        if (i == 3) {
            msec = mf.duration_msec + 1000;
        }

        rc = mp3->seek(&mf, msec);

        if (rc != SL_OK) {
            sl_fuzz_check(rc == SL_ERROR && mf.error != NULL, "seek rc");
            continue;
        }

        sl_fuzz_check(mf.start_msec >= 0 && mf.start_msec <= msec,
                      "seek past the time");

        (void) sl_fuzz_read(&mf, data, size, 50);
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
