/*
 * libFuzzer target for the live ring: the input is a program of appends
 * (length, track, keyframe), reads by three readers, joins and skips,
 * run against a model of what the ring must hold.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_SLOTS     7
#define SL_FUZZ_MAX_LEN   64
#define SL_FUZZ_MAX_OPS   4096
#define SL_FUZZ_READERS   3


static uint64_t  sl_fuzz_block[1024];
static uint8_t   sl_fuzz_lens[SL_FUZZ_MAX_OPS];
static uint8_t   sl_fuzz_tracks[SL_FUZZ_MAX_OPS];
static uint8_t   sl_fuzz_keys[SL_FUZZ_MAX_OPS];


static void
sl_fuzz_check(int ok, const char *what, uint64_t seq)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_ring: %s at seq %lu\n", what,
            (unsigned long) seq);
    abort();
}


/* the payload of unit seq: bytes derived from seq */
static void
sl_fuzz_fill(u_char *p, size_t len, uint64_t seq)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        p[i] = (u_char) (seq * 131 + i * 7);
    }
}


/* the seq a video joiner of track must start at, by the model */
static uint64_t
sl_fuzz_join(uint64_t next, uint64_t oldest, sl_uint_t track)
{
    uint64_t  s;

    for (s = next; s > oldest; s--) {
        if (sl_fuzz_tracks[s - 1] == track && sl_fuzz_keys[s - 1]) {
            return s - 1;
        }
    }

    return next;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char           buf[SL_FUZZ_MAX_LEN], expect[SL_FUZZ_MAX_LEN];
    size_t           i, n;
    uint8_t          op;
    uint64_t         next, oldest, cursor[SL_FUZZ_READERS], seq;
    sl_int_t         rc;
    sl_uint_t        r, track;
    sl_ring_t       *ring;
    sl_ring_unit_t   u;
    sl_media_unit_t  mu;

    ring = sl_ring_init(sl_fuzz_block,
                        sl_ring_size(SL_FUZZ_SLOTS, SL_FUZZ_MAX_LEN),
                        SL_FUZZ_MAX_LEN);
    sl_fuzz_check(ring != NULL, "init", 0);
    sl_fuzz_check(sl_ring_nslots(ring) == SL_FUZZ_SLOTS, "nslots", 0);

    sl_memzero(cursor, sizeof(cursor));
    next = 0;

    for (i = 0; i < size && next < SL_FUZZ_MAX_OPS; i++) {
        op = data[i];
        r = (op >> 2) % SL_FUZZ_READERS;
        oldest = (next < SL_FUZZ_SLOTS) ? 0 : next - SL_FUZZ_SLOTS + 1;

        switch (op & 3) {

        case 0:
            /* append: length from the op, over the limit now and then */
            n = (op >> 2) + (op & 0x80 ? 16 : 0);
            track = (op >> 3) & 1;

            sl_fuzz_fill(buf, sl_min(n, sizeof(buf)), next);
            sl_memzero(&mu, sizeof(sl_media_unit_t));
            mu.track = track;
            mu.keyframe = (op >> 4) & 1;
            mu.dts = (int64_t) next;
            mu.pts = (int64_t) next + 1;
            mu.data = buf;
            mu.len = n;

            rc = sl_ring_append(ring, &mu);

            if (n > SL_FUZZ_MAX_LEN) {
                sl_fuzz_check(rc == SL_ERROR, "too long accepted", next);
                sl_fuzz_check(sl_ring_next(ring) == next, "next moved", next);
                break;
            }

            sl_fuzz_check(rc == SL_OK, "append", next);
            sl_fuzz_lens[next] = (uint8_t) n;
            sl_fuzz_tracks[next] = (uint8_t) track;
            sl_fuzz_keys[next] = mu.keyframe;
            next++;
            sl_fuzz_check(sl_ring_next(ring) == next, "next", next);
            break;

        case 1:
        case 2:
            seq = cursor[r];
            rc = sl_ring_read(ring, &cursor[r], &u, buf, sizeof(buf));

            if (seq == next) {
                sl_fuzz_check(rc == SL_AGAIN, "not again", seq);
                break;
            }

            if (next - seq > SL_FUZZ_SLOTS) {
                sl_fuzz_check(rc == SL_ABORT && cursor[r] == seq,
                              "overrun not seen", seq);
                break;
            }

            sl_fuzz_check(rc == SL_OK && u.seq == seq && cursor[r] == seq + 1,
                          "read", seq);
            sl_fuzz_check(u.len == sl_fuzz_lens[seq]
                          && u.track == sl_fuzz_tracks[seq]
                          && u.keyframe == sl_fuzz_keys[seq]
                          && u.dts == (int64_t) seq
                          && u.pts == (int64_t) seq + 1,
                          "record fields", seq);

            sl_fuzz_fill(expect, u.len, seq);
            sl_fuzz_check(memcmp(expect, u.data, u.len) == 0, "payload", seq);
            break;

        default:
            /* 3: a reader rejoins, or skips to the oldest */
            sl_fuzz_check(sl_ring_oldest(ring) == oldest, "oldest", next);

            if (op & 0x40) {
                cursor[r] = oldest;
                break;
            }

            track = (op >> 5) & 1;
            sl_fuzz_check(sl_ring_join(ring, -1) == next, "audio join", next);
            cursor[r] = sl_ring_join(ring, (sl_int_t) track);
            sl_fuzz_check(cursor[r] == sl_fuzz_join(next, oldest, track),
                          "video join", next);
            break;
        }
    }

    return 0;
}
