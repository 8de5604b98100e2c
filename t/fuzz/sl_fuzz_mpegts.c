/*
 * libFuzzer target for the MPEG-TS reader (modules/format): any bytes
 * are opened in memory, read to the end, then seeks to times taken from
 * the input are each followed by a few reads.  Units must be whole
 * packets inside the input, with dts that never go back.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_UNITS  100000

static sl_open_file_t  fz_log_file = { -1, sl_string("none") };
static sl_log_t        fz_log = { .log_level = SL_LOG_STDERR,
                                  .file = &fz_log_file };


static void
fz_check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "sl_fuzz_mpegts: %s\n", what);
        abort();
    }
}


/* reads up to max units; checks them against the input */
static void
fz_read(sl_media_file_t *mf, const uint8_t *data, size_t size, sl_uint_t max,
    int64_t from)
{
    int64_t          prev;
    sl_int_t         rc;
    sl_uint_t        n;
    sl_media_unit_t  mu;

    prev = from;

    for (n = 0; n < max; n++) {
        rc = mf->format->read(mf, &mu);

        if (rc != SL_OK) {
            fz_check(rc == SL_DONE || (rc == SL_ERROR && mf->error != NULL),
                     "read rc");
            return;
        }

        fz_check(mu.len > 0 && mu.len % 188 == 0 && mu.len <= 7 * 188,
                 "unit length");
        fz_check(mu.data >= data && mu.data + mu.len <= data + size,
                 "unit outside the input");
        fz_check(mu.data[0] == 0x47, "unit not at a sync byte");
        fz_check(mu.dts >= prev && mu.duration >= 0, "dts went back");

        prev = mu.dts;
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t           msec;
    sl_uint_t         i;
    sl_media_file_t   mf;

    sl_memzero(&mf, sizeof(sl_media_file_t));

    mf.fd = SL_INVALID_FILE;
    mf.mem = data;
    mf.size = size;
    mf.log = &fz_log;
    mf.duration_msec = -1;
    mf.format = sl_media_format("mpegts");

    fz_check(mf.format != NULL, "no mpegts reader");

    if (size > 0) {
        (void) mf.format->probe(data, sl_min(size, 4096));
    }

    mf.pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, &fz_log);
    if (mf.pool == NULL) {
        return 0;
    }

    if (mf.format->open(&mf) != SL_OK) {
        fz_check(mf.error != NULL, "open failed without a reason");
        sl_destroy_pool(mf.pool);
        return 0;
    }

    fz_check(mf.ntracks == 1 && mf.duration_msec >= 0, "open");

    fz_read(&mf, data, size, SL_FUZZ_MAX_UNITS, 0);

    for (i = 0; i < 4 && i * 2 + 1 < size; i++) {
        msec = (int64_t) ((data[i * 2] << 8) | data[i * 2 + 1]) * 10;

        if (i == 3) {
            msec = mf.duration_msec - (msec % 1000);
        }

        if (mf.format->seek(&mf, msec) != SL_OK) {
            fz_check(mf.error != NULL, "seek failed without a reason");
            break;
        }

        fz_check(mf.start_msec <= sl_max(msec, 0), "landed after the time");

        fz_read(&mf, data, size, 20, 0);
    }

    sl_destroy_pool(mf.pool);

    return 0;
}
