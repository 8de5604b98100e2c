/*
 * libFuzzer target for the MPEG-TS muxer (core/sl_ts_mux): the input
 * chooses up to four tracks (H.264 with a nal_length_size of 1, 2 or 4,
 * AAC with one of a few AudioSpecificConfigs, MPEG audio; timescales),
 * then a program of units (track, keyframe, time steps that may go back,
 * resets, bytes taken from the input, as NAL units or raw).  Every write
 * must stay within the bound and give whole packets: the sync byte,
 * known PIDs, adaptation fields that fit, continuity counters running on
 * per PID, PSI sections whose CRC checks, a PES start code after every
 * payload_unit_start_indicator of a track's PID.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_UNIT    (16 * 1024)
#define SL_FUZZ_MAX_UNITS   512


static u_char     fz_unit[SL_FUZZ_MAX_UNIT];
static u_char     fz_out[64 * 1024 + SL_FUZZ_MAX_UNIT * 3];
static int        fz_cc[SL_MEDIA_MAX_TRACKS + 2];

static u_char     fz_avcc[] = {
    0x01, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0x00, 0x06,
    0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02,
    0x01, 0x00, 0x04, 0x68, 0xce, 0x3c, 0x80
};

static u_char     fz_asc[][3] = {
    { 0x12, 0x10, 0x00 },           /* LC 44.1 kHz stereo */
    { 0x11, 0x88, 0x00 },           /* LC 48 kHz mono */
    { 0x2b, 0x91, 0x88 },           /* SBR over LC */
    { 0x0a, 0x10, 0x00 },           /* Main */
};

static uint32_t   fz_timescales[] = { 90000, 12800, 44100, 48000, 1000, 1,
                                      22050, 30000 };

static sl_open_file_t  fz_log_file = { -1, sl_string("none") };
static sl_log_t        fz_log = { .log_level = SL_LOG_STDERR,
                                  .file = &fz_log_file };


static void
fz_check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "sl_fuzz_tsmux: %s\n", what);
        abort();
    }
}


/* index in fz_cc of a PID: 0 PAT, 1 PMT, 2 + i track i; -1 unknown */
static int
fz_pid(uint16_t pid, sl_uint_t ntracks)
{
    if (pid == 0) {
        return 0;
    }

    if (pid == SL_TS_MUX_PMT_PID) {
        return 1;
    }

    if (pid >= SL_TS_MUX_PID && pid < SL_TS_MUX_PID + ntracks) {
        return 2 + (pid - SL_TS_MUX_PID);
    }

    return -1;
}


static void
fz_packet(const u_char *p, sl_uint_t ntracks)
{
    int        k;
    size_t     afl, off, len;
    sl_uint_t  afc, cc;

    fz_check(p[0] == SL_TS_SYNC, "sync byte");
    fz_check((p[1] & 0x80) == 0 && (p[3] & 0xc0) == 0, "header bits");

    k = fz_pid(sl_ts_pid(p), ntracks);
    fz_check(k >= 0, "unknown PID");

    afc = (p[3] >> 4) & 3;
    cc = p[3] & 0x0f;
    fz_check(afc != 0, "adaptation_field_control 0");

    off = 4;

    if (afc & 2) {
        afl = p[4];
        fz_check(afc == 3 ? afl <= 182 : afl == 183, "adaptation length");
        off += 1 + afl;

        if (afl >= 7 && (p[5] & SL_TS_AF_PCR)) {
            fz_check(k >= 2, "a PCR outside the tracks");
        }
    }

    if (!(afc & 1)) {
        /* the counter stays (§2.4.3.3): 15 before the first */
        fz_check(fz_cc[k] < 0 ? cc == 15 : (sl_uint_t) fz_cc[k] == cc,
                 "continuity without payload");
        return;
    }

    fz_check(fz_cc[k] < 0 || ((sl_uint_t) fz_cc[k] + 1) % 16 == cc,
             "continuity_counter");
    fz_cc[k] = cc;

    if (!sl_ts_pusi(p)) {
        fz_check(k >= 2, "PSI without payload_unit_start_indicator");
        return;
    }

    if (k < 2) {
        fz_check(p[off] == 0, "pointer_field");
        off++;
        len = 3 + (((p[off + 1] & 0x0f) << 8) | p[off + 2]);
        fz_check(off + len <= SL_TS_PACKET, "section length");
        fz_check(sl_ts_crc32(p + off, len) == 0, "section CRC");
        return;
    }

    fz_check(off + 9 <= SL_TS_PACKET, "PES header cut");
    fz_check(p[off] == 0 && p[off + 1] == 0 && p[off + 2] == 1,
             "PES start code");
}


/*
 * The unit's bytes from the input: raw, or (with as_nals) cut into NAL
 * units behind length prefixes of nls bytes, lengths from the input.
 */
static size_t
fz_fill(const uint8_t **in, const uint8_t *end, size_t len,
    sl_uint_t as_nals, sl_uint_t nls)
{
    size_t  n, chunk;

    len = sl_min(len, (size_t) (end - *in));
    len = sl_min(len, SL_FUZZ_MAX_UNIT);

    if (!as_nals) {
        sl_memcpy(fz_unit, *in, len);
        *in += len;
        return len;
    }

    n = 0;

    while (len > 0 && n + nls + 1 < SL_FUZZ_MAX_UNIT) {
        chunk = 1 + (*in)[0] % 200;
        chunk = sl_min(chunk, len);
        chunk = sl_min(chunk, SL_FUZZ_MAX_UNIT - n - nls);
        chunk = (nls == 1) ? sl_min(chunk, 255) : chunk;

        if (nls == 1) {
            fz_unit[n] = (u_char) chunk;

        } else if (nls == 2) {
            fz_unit[n] = (u_char) (chunk >> 8);
            fz_unit[n + 1] = (u_char) chunk;

        } else {
            fz_unit[n] = 0;
            fz_unit[n + 1] = 0;
            fz_unit[n + 2] = (u_char) (chunk >> 8);
            fz_unit[n + 3] = (u_char) chunk;
        }

        n += nls;

        sl_memcpy(fz_unit + n, *in, chunk);
        n += chunk;
        *in += chunk;
        len -= chunk;
    }

    return n;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char            *end;
    size_t             len, bound, off;
    int64_t            t[SL_MEDIA_MAX_TRACKS];
    uint8_t            b, op;
    sl_uint_t          ntracks, i, n, nls, as_nals, valid;
    sl_pool_t         *pool;
    sl_ts_mux_t       *m;
    const uint8_t     *in, *last;
    sl_media_unit_t    mu;
    sl_media_track_t   tracks[SL_MEDIA_MAX_TRACKS];

    if (size < 2) {
        return 0;
    }

    in = data;
    last = data + size;

    ntracks = 1 + (*in++ & 3);

    if ((size_t) (last - in) < ntracks) {
        return 0;
    }

    sl_memzero(tracks, sizeof(tracks));

    for (i = 0; i < ntracks; i++) {
        b = *in++;

        tracks[i].timescale = fz_timescales[(b >> 2) & 7];
        tracks[i].sample_rate = (b & 0x20) ? 22050 : 44100;
        tracks[i].channels = 2;

        switch (b & 3) {

        case 0:
        case 3:
            tracks[i].codec = SL_CODEC_H264;
            tracks[i].nal_length_size = (b & 0x40) ? 1 : (b & 0x80) ? 2 : 4;

            if (b & 0x20) {
                tracks[i].config = fz_avcc;
                tracks[i].config_len = sizeof(fz_avcc);
            }

            break;

        case 1:
            tracks[i].codec = SL_CODEC_AAC;
            tracks[i].config = fz_asc[(b >> 6) & 3];
            tracks[i].config_len = 3;
            break;

        default:
            tracks[i].codec = SL_CODEC_MPA;
            break;
        }

        t[i] = 0;
    }

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, &fz_log);
    if (pool == NULL) {
        return 0;
    }

    m = sl_ts_mux_create(pool, tracks, ntracks);
    fz_check(m != NULL, "create");

    for (i = 0; i < sl_nelems(fz_cc); i++) {
        fz_cc[i] = -1;
    }

    for (n = 0; n < SL_FUZZ_MAX_UNITS && last - in >= 5; n++) {
        op = *in++;

        if (op == 0xff) {
            sl_ts_mux_reset(m);
            continue;
        }

        i = op % ntracks;

        /* a step forward, now and then a jump back or far ahead */
        t[i] += (int64_t) ((in[0] << 8) | in[1]) - ((op & 0x80) ? 0x8000 : 0);

        if ((op & 0x70) == 0x70) {
            t[i] = (int64_t) sl_media_be32(in) << (op & 0x1f);
        }

        in += 2;
        len = ((size_t) in[0] << 8 | in[1]) % (SL_FUZZ_MAX_UNIT + 1);
        in += 2;

        nls = tracks[i].nal_length_size;
        as_nals = (tracks[i].codec == SL_CODEC_H264 && !(op & 0x08));

        len = fz_fill(&in, last, len, as_nals, nls);

        sl_memzero(&mu, sizeof(mu));
        mu.track = i;
        mu.dts = t[i];
        mu.pts = t[i] + ((op & 0x04) ? 1000 : 0);
        mu.keyframe = (op & 0x02) ? 1 : 0;
        mu.data = fz_unit;
        mu.len = len;

        bound = sl_ts_mux_bound(m, len);
        fz_check(bound <= sizeof(fz_out), "bound past the buffer");

        end = sl_ts_mux_write(m, &mu, fz_out);

        fz_check(end >= fz_out && (size_t) (end - fz_out) <= bound,
                 "past the bound");
        fz_check((end - fz_out) % SL_TS_PACKET == 0, "a partial packet");

        /* what can be carried is */
        valid = len > 0
                && (tracks[i].codec != SL_CODEC_AAC || len + 7 <= 8191)
                && (tracks[i].codec != SL_CODEC_H264 || as_nals);

        fz_check(!valid || end > fz_out, "a unit dropped");

        for (off = 0; fz_out + off < end; off += SL_TS_PACKET) {
            fz_packet(fz_out + off, ntracks);
        }
    }

    sl_destroy_pool(pool);

    return 0;
}
