/*
 * libFuzzer target for the live ring: the first input byte sizes the
 * data area, the rest is a program of appends (length, track, keyframe),
 * reads by three readers (one with a small buffer), joins, skips and
 * resets, run against a model of what the ring must hold: records end to
 * end at byte positions, whole while their position is not below
 * write_pos - data_size and their seq within the last nindex.
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_FUZZ_MAX_LEN   64
#define SL_FUZZ_MAX_OPS   4096
#define SL_FUZZ_READERS   3
#define SL_FUZZ_SMALL     32          /* reader 2's buffer */


typedef struct {
    uint64_t         pos;
    uint64_t         generation;
    uint8_t          len;
    uint8_t          track;
    uint8_t          keyframe;
} sl_fuzz_unit_t;


static uint64_t        sl_fuzz_block[1024];
static sl_fuzz_unit_t  sl_fuzz_units[SL_FUZZ_MAX_OPS];


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
        p[i] = (u_char) (seq * 131 + i * 7 + (seq >> 8));
    }
}


/* the oldest whole unit, by the model */
static uint64_t
sl_fuzz_oldest(uint64_t next, uint64_t write_pos, size_t data_size,
    sl_uint_t nindex)
{
    uint64_t  s, tail;

    tail = (write_pos > data_size) ? write_pos - data_size : 0;

    for (s = (next > nindex) ? next - nindex : 0; s < next; s++) {
        if (sl_fuzz_units[s].pos >= tail) {
            return s;
        }
    }

    return next;
}


/* the seq a video joiner of track must start at, by the model */
static uint64_t
sl_fuzz_join(uint64_t next, uint64_t oldest, uint64_t generation,
    sl_uint_t track)
{
    uint64_t         s;
    sl_fuzz_unit_t  *fu;

    for (s = next; s > oldest; s--) {
        fu = &sl_fuzz_units[s - 1];

        if (fu->track == track && fu->keyframe
            && fu->generation == generation)
        {
            return s - 1;
        }
    }

    return next;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char           buf[SL_FUZZ_MAX_LEN], expect[SL_FUZZ_MAX_LEN];
    size_t           i, n, data_size, bsize;
    uint8_t          op;
    uint64_t         next, oldest, cursor[SL_FUZZ_READERS], seq;
    uint64_t         write_pos, generation;
    sl_int_t         rc;
    sl_uint_t        r, track, nindex;
    sl_ring_t       *ring;
    sl_ring_unit_t   u;
    sl_fuzz_unit_t  *fu;
    sl_media_unit_t  mu;

    if (size == 0) {
        return 0;
    }

    /* 128-383 bytes of data: 2 to 5 units of max_len, 16 entries */
    data_size = 2 * SL_FUZZ_MAX_LEN + data[0];

    ring = sl_ring_init(sl_fuzz_block, sl_ring_size(data_size),
                        SL_FUZZ_MAX_LEN);
    sl_fuzz_check(ring != NULL, "init", 0);
    sl_fuzz_check(sl_ring_data_size(ring) == data_size, "data size", 0);
    sl_fuzz_check(sl_ring_nslots(ring) == SL_RING_MIN_INDEX, "nindex", 0);

    nindex = SL_RING_MIN_INDEX;

    sl_memzero(cursor, sizeof(cursor));
    next = 0;
    write_pos = 0;
    generation = 0;

    for (i = 1; i < size && next < SL_FUZZ_MAX_OPS; i++) {
        op = data[i];
        r = (op >> 2) % SL_FUZZ_READERS;
        oldest = sl_fuzz_oldest(next, write_pos, data_size, nindex);

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

            fu = &sl_fuzz_units[next];
            fu->pos = write_pos;
            fu->generation = generation;
            fu->len = (uint8_t) n;
            fu->track = (uint8_t) track;
            fu->keyframe = mu.keyframe;

            write_pos += n;
            next++;

            sl_fuzz_check(sl_ring_next(ring) == next, "next", next);
            sl_fuzz_check(sl_ring_oldest(ring)
                          == sl_fuzz_oldest(next, write_pos, data_size,
                                            nindex),
                          "oldest after append", next);
            break;

        case 1:
        case 2:
            seq = cursor[r];
            bsize = (r == 2) ? SL_FUZZ_SMALL : sizeof(buf);
            rc = sl_ring_read(ring, &cursor[r], &u, buf, bsize);

            if (seq == next) {
                sl_fuzz_check(rc == SL_AGAIN && cursor[r] == seq, "not again",
                              seq);
                break;
            }

            if (seq < oldest) {
                sl_fuzz_check(rc == SL_ABORT && cursor[r] == seq,
                              "overrun not seen", seq);
                sl_fuzz_check(sl_ring_oldest(ring) > seq, "oldest behind",
                              seq);
                break;
            }

            fu = &sl_fuzz_units[seq];

            if (fu->len > bsize) {
                sl_fuzz_check(rc == SL_ERROR && cursor[r] == seq
                              && u.len == fu->len, "small buffer", seq);
                break;
            }

            sl_fuzz_check(rc == SL_OK && u.seq == seq && cursor[r] == seq + 1
                          && u.data == buf, "read", seq);
            sl_fuzz_check(u.len == fu->len
                          && u.track == fu->track
                          && u.keyframe == fu->keyframe
                          && u.generation == fu->generation
                          && u.dts == (int64_t) seq
                          && u.pts == (int64_t) seq + 1,
                          "record fields", seq);

            sl_fuzz_fill(expect, u.len, seq);
            sl_fuzz_check(memcmp(expect, u.data, u.len) == 0, "payload", seq);
            break;

        default:
            /* 3: a reader rejoins or skips to the oldest, or a reset */
            sl_fuzz_check(sl_ring_oldest(ring) == oldest, "oldest", next);

            if (op & 0x40) {
                if (op & 0x80) {
                    sl_fuzz_check(sl_ring_reset(ring) == SL_OK, "reset", next);
                    generation++;
                    sl_fuzz_check(sl_ring_generation(ring) == generation,
                                  "generation", next);
                    sl_fuzz_check(sl_ring_next(ring) == next, "reset next",
                                  next);

                } else {
                    cursor[r] = oldest;
                }

                break;
            }

            track = (op >> 5) & 1;
            sl_fuzz_check(sl_ring_join(ring, -1) == next, "audio join", next);
            cursor[r] = sl_ring_join(ring, (sl_int_t) track);
            sl_fuzz_check(cursor[r]
                          == sl_fuzz_join(next, oldest, generation, track),
                          "video join", next);
            break;
        }
    }

    return 0;
}
