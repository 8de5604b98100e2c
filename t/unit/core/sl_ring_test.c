/*
 * Unit tests for the live ring: layout and sizes, order, many small
 * units, a large unit among small ones, records that wrap, overruns by
 * bytes and by index, joins at whole keyframes only, reset and
 * generations, limits, and a forked writer racing a reader through
 * shared memory.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"

#include <sched.h>
#include <sys/wait.h>


#define T_UNITS       1024
#define T_MAX_LEN     4096
#define T_FORK_UNITS  50000
#define T_FORK_DATA   (32 * 1024)
#define T_FORK_LEN    4096
#define T_FORK_GOP    10


/* what the deterministic tests appended, by seq */
typedef struct {
    size_t           len;
    sl_uint_t        track;
    unsigned         keyframe:1;
    uint64_t         generation;
} t_unit_t;


static uint64_t  t_block[16384];
static t_unit_t  t_units[T_UNITS];


/* splitmix64's finalizer: unit n's bytes and sizes derive from it */
static uint64_t
t_hash(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;

    return x ^ (x >> 31);
}


static void
t_fill(u_char *p, size_t len, uint64_t n)
{
    size_t    i;
    uint64_t  h;

    h = t_hash(n);

    for (i = 0; i < len; i++) {
        p[i] = (u_char) ((h >> (i % 8 * 8)) + i / 8);
    }
}


/* 1 if p holds unit n's len bytes */
static int
t_same(const u_char *p, size_t len, uint64_t n)
{
    u_char  expect[T_MAX_LEN];

    if (len > sizeof(expect)) {
        return 0;
    }

    t_fill(expect, len, n);

    return memcmp(p, expect, len) == 0;
}


/* a ring with data_bytes of data in t_block; the model is emptied */
static sl_ring_t *
t_ring(size_t data_bytes, size_t max_len)
{
    sl_ring_t  *ring;

    sl_memzero(t_block, sizeof(t_block));
    sl_memzero(t_units, sizeof(t_units));
    CU_ASSERT_FATAL(sl_ring_size(data_bytes) <= sizeof(t_block));

    ring = sl_ring_init(t_block, sl_ring_size(data_bytes), max_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_data_size(ring), data_bytes);
    CU_ASSERT_EQUAL(sl_ring_max_len(ring), max_len);

    return ring;
}


/* appends the next unit: len bytes, dts 10 * seq; returns its seq */
static uint64_t
t_put(sl_ring_t *ring, size_t len, sl_uint_t track, unsigned keyframe)
{
    u_char           buf[T_MAX_LEN];
    uint64_t         n;
    sl_media_unit_t  u;

    n = sl_ring_next(ring);
    CU_ASSERT_FATAL(n < T_UNITS && len <= sizeof(buf));

    t_fill(buf, len, n);

    sl_memzero(&u, sizeof(sl_media_unit_t));
    u.track = track;
    u.dts = (int64_t) n * 10;
    u.pts = u.dts + 5;
    u.keyframe = keyframe;
    u.data = buf;
    u.len = len;

    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_OK);
    CU_ASSERT_EQUAL(sl_ring_next(ring), n + 1);

    t_units[n].len = len;
    t_units[n].track = track;
    t_units[n].keyframe = keyframe;
    t_units[n].generation = sl_ring_generation(ring);

    return n;
}


/* 1 if r is unit n as t_put() appended it */
static int
t_good(const sl_ring_unit_t *r, uint64_t n)
{
    return n < T_UNITS
           && r->seq == n
           && r->len == t_units[n].len
           && r->track == t_units[n].track
           && r->keyframe == t_units[n].keyframe
           && r->generation == t_units[n].generation
           && r->dts == (int64_t) n * 10
           && r->pts == r->dts + 5
           && t_same(r->data, r->len, n);
}


/* 1 if unit *cursor reads back whole and intact, and the cursor moves */
static int
t_get(sl_ring_t *ring, uint64_t *cursor)
{
    u_char          buf[T_MAX_LEN];
    uint64_t        n;
    sl_ring_unit_t  r;

    n = *cursor;

    return sl_ring_read(ring, cursor, &r, buf, sizeof(buf)) == SL_OK
           && r.data == buf
           && *cursor == n + 1
           && t_good(&r, n);
}


/* the return code of reading seq n; the cursor must stay unless SL_OK */
static sl_int_t
t_read_rc(sl_ring_t *ring, uint64_t n)
{
    u_char          buf[T_MAX_LEN];
    uint64_t        cursor;
    sl_int_t        rc;
    sl_ring_unit_t  r;

    cursor = n;
    rc = sl_ring_read(ring, &cursor, &r, buf, sizeof(buf));

    if (rc != SL_OK && cursor != n) {
        return SL_ERROR - 100;
    }

    return rc;
}


static void
test_layout(void)
{
    size_t      size;
    sl_ring_t  *ring;

    sl_memzero(t_block, sizeof(t_block));
    CU_ASSERT_PTR_NULL(sl_ring_attach(t_block));

    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, 16, 1));

    /* no room for data beyond the minimum index */
    size = sl_ring_size(1) - 1;
    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, size, 0));

    /* the minimum index, and max_len up to half the data */
    ring = sl_ring_init(t_block, sl_ring_size(4096), 2048);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), SL_RING_MIN_INDEX);
    CU_ASSERT_EQUAL(sl_ring_data_size(ring), 4096);
    CU_ASSERT_EQUAL(sl_ring_max_len(ring), 2048);
    CU_ASSERT_PTR_EQUAL(sl_ring_attach(t_block), ring);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);
    CU_ASSERT_EQUAL(sl_ring_generation(ring), 0);

    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, sl_ring_size(4096), 2049));

    ring = sl_ring_init(t_block, sl_ring_size(10), 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), SL_RING_MIN_INDEX);
    CU_ASSERT_EQUAL(sl_ring_data_size(ring), 10);
    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, sl_ring_size(10), 6));

    /* sl_ring_size() gives back exactly the data asked for */
    ring = sl_ring_init(t_block, sl_ring_size(100000), 1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), 100000 / SL_RING_INDEX_RATIO);
    CU_ASSERT_EQUAL(sl_ring_data_size(ring), 100000);

    ring = sl_ring_init(t_block, sl_ring_size(390 * 256 + 255), 1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), 390);
    CU_ASSERT_EQUAL(sl_ring_data_size(ring), 390 * 256 + 255);

    /* any size: about one entry per SL_RING_INDEX_RATIO data bytes */
    ring = sl_ring_init(t_block, 65536, T_MAX_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT(sl_ring_data_size(ring) > 48 * 1024);
    CU_ASSERT(sl_ring_size(sl_ring_data_size(ring)) <= 65536);
    CU_ASSERT(sl_ring_data_size(ring) / SL_RING_INDEX_RATIO
              - sl_ring_nslots(ring) <= 1);
}


static void
test_order(void)
{
    size_t           lens[] = { 1, 100, 2048, 7, 0, 300 };
    u_char           buf[T_MAX_LEN];
    uint64_t         n, cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(8192, T_MAX_LEN);
    cursor = 0;

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_AGAIN);

    for (n = 0; n < sl_nelems(lens); n++) {
        t_put(ring, lens[n], n % 2, 0);
    }

    CU_ASSERT_EQUAL(sl_ring_next(ring), sl_nelems(lens));
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);

    for (n = 0; n < sl_nelems(lens); n++) {
        CU_ASSERT(t_get(ring, &cursor));
    }

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(cursor, sl_nelems(lens));

    cursor++;
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_ERROR);
}


/*
 * A 64 KB block for units of up to 4 KB holds as many 400-byte units as
 * its data area does (a ring of 4 KB slots would hold 15): the oldest is
 * set by bytes, each of them reads back, the one before it does not.
 */
static void
test_small_units(void)
{
    size_t      data;
    uint64_t    n, cursor, oldest;
    sl_ring_t  *ring;

    sl_memzero(t_block, sizeof(t_block));
    sl_memzero(t_units, sizeof(t_units));

    ring = sl_ring_init(t_block, 65536, T_MAX_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    data = sl_ring_data_size(ring);

    for (n = 0; n < 300; n++) {
        t_put(ring, 400, 0, 0);
    }

    /* the first unit at or past 300 * 400 - data */
    oldest = (300 * 400 - data + 399) / 400;

    CU_ASSERT(sl_ring_nslots(ring) > 300 - oldest);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), oldest);
    CU_ASSERT(300 - oldest > 100);
    CU_ASSERT_EQUAL(300 - oldest, data / 400);

    CU_ASSERT_EQUAL(t_read_rc(ring, oldest - 1), SL_ABORT);

    for (cursor = oldest; cursor < 300; /* void */) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a 400-byte unit did not read back");
            break;
        }
    }

    CU_ASSERT_EQUAL(cursor, 300);
}


/*
 * A unit of max_len among 300-byte ones: it evicts six at once, wraps
 * around the end of the data, reads back whole, and goes when the tail
 * passes its start.
 */
static void
test_large_unit(void)
{
    u_char           small[64];
    uint64_t         n, cursor, big;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(4096, 2048);

    /* units 0-11 at 0, 300, ..., 3300 */
    for (n = 0; n < 12; n++) {
        t_put(ring, 300, 1, 0);
    }

    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);

    /* 3600-5648: the tail goes to 1552, past units 0-5 (5 is at 1500) */
    big = t_put(ring, 2048, 0, 1);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 6);
    CU_ASSERT_EQUAL(t_read_rc(ring, 5), SL_ABORT);

    cursor = 6;

    while (cursor <= big) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a unit next to the large one did not read back");
            break;
        }
    }

    /* a buffer too small for it: the size needed, the cursor stays */
    cursor = big;
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, small, sizeof(small)),
                    SL_ERROR);
    CU_ASSERT_EQUAL(r.len, 2048);
    CU_ASSERT_EQUAL(cursor, big);

    /* units 13.. from 5648 on, 300 bytes each: 13 takes unit 6 (1800) */
    t_put(ring, 300, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 7);

    /* 18 ends at 7448, past 11 at 3300: the large one is the oldest */
    for (n = 14; n < 18; n++) {
        t_put(ring, 300, 1, 0);
        CU_ASSERT(sl_ring_oldest(ring) < big);
    }

    t_put(ring, 300, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), big);
    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), big);

    /* 19 ends at 7748: the tail passes 3600 */
    t_put(ring, 300, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 13);
    CU_ASSERT_EQUAL(t_read_rc(ring, big), SL_ABORT);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 20);

    for (cursor = 13; cursor < 20; /* void */) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a unit after the large one did not read back");
            break;
        }
    }
}


/* records across the end of the data area, and ones that just meet it */
static void
test_wrap(void)
{
    uint64_t    n, cursor;
    sl_uint_t   bad;
    sl_ring_t  *ring;

    ring = t_ring(1000, 500);

    /* 0: 0-990, 1: 990-1100 wraps with 10 bytes before the end */
    t_put(ring, 490, 0, 0);
    t_put(ring, 500, 0, 0);
    t_put(ring, 110, 0, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 1);

    cursor = 1;
    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT(t_get(ring, &cursor));

    /*
     * 3: 1100-1550, 4: 1550-2000 ends exactly at the end, 5: 2000-2100
     * starts exactly at 0 and moves the tail exactly to 3
     */
    t_put(ring, 450, 0, 0);
    t_put(ring, 450, 0, 0);
    t_put(ring, 100, 0, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 3);
    CU_ASSERT_EQUAL(t_read_rc(ring, 2), SL_ABORT);

    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT(t_get(ring, &cursor));

    /*
     * A reader that keeps up reads every unit across many wraps: three
     * units of up to 333 bytes fit in 1000.
     */
    bad = 0;

    for (n = 6; n < 600 && !bad; n++) {
        t_put(ring, t_hash(n) % 334, 0, 0);

        if (n % 3 == 0) {
            while (cursor < sl_ring_next(ring) && !bad) {
                bad += !t_get(ring, &cursor);
            }
        }
    }

    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(cursor, 598);
}


/* overrun by bytes: the tail passes the record's position */
static void
test_overrun_bytes(void)
{
    uint64_t    n, cursor;
    sl_ring_t  *ring;

    ring = t_ring(4096, 2048);

    for (n = 0; n < 4; n++) {
        t_put(ring, 1000, 0, 0);
    }

    /* 4000 bytes in 4096: all there */
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);
    cursor = 0;
    CU_ASSERT(t_get(ring, &cursor));

    /* 4000-5000: the tail is 904, inside unit 0, whose first bytes go */
    t_put(ring, 1000, 0, 0);
    CU_ASSERT_EQUAL(t_read_rc(ring, 0), SL_ABORT);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 1);

    for (cursor = 1; cursor < 5; /* void */) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a unit past the tail did not read back");
            break;
        }
    }

    /* zero-length units take an entry but no byte */
    t_put(ring, 0, 0, 0);
    t_put(ring, 0, 0, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 1);
    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT(t_get(ring, &cursor));

    /* 96 bytes more leave unit 1 (at 1000) whole, one more does not */
    t_put(ring, 96, 0, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 1);
    CU_ASSERT_EQUAL(t_read_rc(ring, 1), SL_OK);

    t_put(ring, 1, 0, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 2);
    CU_ASSERT_EQUAL(t_read_rc(ring, 1), SL_ABORT);
    CU_ASSERT_EQUAL(t_read_rc(ring, 2), SL_OK);
}


/* overrun by index: more units than entries, however few bytes */
static void
test_overrun_index(void)
{
    uint64_t    n, cursor;
    sl_ring_t  *ring;

    ring = t_ring(4096, 2048);
    CU_ASSERT_EQUAL_FATAL(sl_ring_nslots(ring), 16);

    for (n = 0; n < 20; n++) {
        t_put(ring, 10, 0, 0);
        CU_ASSERT_EQUAL(sl_ring_oldest(ring), (n < 16) ? 0 : n - 15);
    }

    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 4);
    CU_ASSERT_EQUAL(t_read_rc(ring, 0), SL_ABORT);
    CU_ASSERT_EQUAL(t_read_rc(ring, 3), SL_ABORT);

    /* exactly nslots behind is still readable */
    cursor = 4;
    CU_ASSERT(t_get(ring, &cursor));

    /* far behind */
    for (n = 20; n < 60; n++) {
        t_put(ring, 10, 0, 0);
    }

    CU_ASSERT_EQUAL(t_read_rc(ring, cursor), SL_ABORT);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 44);

    for (cursor = 44; cursor < 60; /* void */) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a unit in the index did not read back");
            break;
        }
    }

    CU_ASSERT_EQUAL(t_read_rc(ring, cursor), SL_AGAIN);
}


/*
 * Video joins at its last keyframe, audio at the next unit; a keyframe
 * whose bytes or whose index entry is gone is not returned.
 */
static void
test_join(void)
{
    uint64_t    n, k, cursor;
    sl_ring_t  *ring;

    ring = t_ring(4096, 2048);

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 0);
    CU_ASSERT_EQUAL(sl_ring_join(ring, -1), 0);

    t_put(ring, 100, 0, 1);
    t_put(ring, 100, 1, 0);
    k = t_put(ring, 100, 0, 1);
    t_put(ring, 100, 0, 0);

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), k);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 1), 4);       /* no keyframe there */
    CU_ASSERT_EQUAL(sl_ring_join(ring, -1), 4);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 99), 4);

    cursor = sl_ring_join(ring, 0);
    CU_ASSERT(t_get(ring, &cursor));
    CU_ASSERT(t_units[k].keyframe && t_units[k].track == 0);

    /* bytes: a 2000-byte keyframe at 400, gone when the tail passes 400 */
    k = t_put(ring, 2000, 0, 1);
    t_put(ring, 1000, 1, 0);
    t_put(ring, 1000, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), k);      /* 4400 - 4096 = 304 */

    n = t_put(ring, 100, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), k + 1);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), n + 1);
    CU_ASSERT(sl_ring_nslots(ring) > n + 1);        /* not by index */

    /* index: a 10-byte keyframe, gone after 16 more 10-byte units */
    k = t_put(ring, 10, 0, 1);

    for (n = 0; n < 15; n++) {
        t_put(ring, 10, 1, 0);
    }

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), k);

    n = t_put(ring, 10, 1, 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), k + 1);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), n + 1);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 1), n + 1);
}


/*
 * A new source: seqs go on, old units stay readable with their
 * generation, nobody joins at an old keyframe, new units carry the new
 * generation.
 */
static void
test_reset(void)
{
    uint64_t    k, n, cursor;
    sl_ring_t  *ring;

    ring = t_ring(4096, 2048);

    k = t_put(ring, 100, 0, 1);
    t_put(ring, 100, 1, 0);
    t_put(ring, 100, 1, 1);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), k);

    CU_ASSERT_EQUAL(sl_ring_reset(ring), SL_OK);
    CU_ASSERT_EQUAL(sl_ring_generation(ring), 1);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 3);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 3);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 1), 3);

    n = t_put(ring, 50, 1, 0);
    k = t_put(ring, 60, 0, 1);
    CU_ASSERT_EQUAL(t_units[n].generation, 1);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), k);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 1), 5);

    /* t_get checks each unit's generation: 0, 0, 0, 1, 1 */
    for (cursor = 0; cursor < 5; /* void */) {
        if (!t_get(ring, &cursor)) {
            CU_FAIL("a unit around the reset did not read back");
            break;
        }
    }

    CU_ASSERT_EQUAL(t_units[2].generation, 0);

    CU_ASSERT_EQUAL(sl_ring_reset(ring), SL_OK);
    CU_ASSERT_EQUAL(sl_ring_reset(ring), SL_OK);
    CU_ASSERT_EQUAL(sl_ring_generation(ring), 3);

    n = t_put(ring, 1, 0, 0);
    CU_ASSERT_EQUAL(t_units[n].generation, 3);
    CU_ASSERT(t_get(ring, &cursor));
}


static void
test_limits(void)
{
    u_char           buf[2049], small[16];
    uint64_t         cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;
    sl_media_unit_t  u;

    ring = t_ring(4096, 2048);

    sl_memzero(&u, sizeof(sl_media_unit_t));
    sl_memzero(buf, sizeof(buf));
    u.data = buf;

    u.len = 2049;
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_ERROR);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 0);

    u.len = 2048;
    u.track = SL_RING_MAX_TRACKS;
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_ERROR);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 0);

    u.track = SL_RING_MAX_TRACKS - 1;
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_OK);

    u.len = 0;
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_OK);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 2);

    /* a buffer too small: the size needed, the cursor stays */
    cursor = 0;
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, small, sizeof(small)),
                    SL_ERROR);
    CU_ASSERT_EQUAL(r.len, 2048);
    CU_ASSERT_EQUAL(cursor, 0);

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)), SL_OK);
    CU_ASSERT_EQUAL(r.len, 2048);
    CU_ASSERT_EQUAL(r.track, SL_RING_MAX_TRACKS - 1);

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, small, sizeof(small)),
                    SL_OK);
    CU_ASSERT_EQUAL(r.len, 0);
}


/*
 * The forked test's unit n: half of them 1-64 bytes (the index fills
 * first), half 1 byte to T_FORK_LEN (the bytes do); keyframes every
 * T_FORK_GOP units of track 0; a new source from the middle on.
 */
static size_t
t_fork_len(uint64_t n)
{
    uint64_t  h;

    h = t_hash(n);

    return 1 + (h >> 1) % ((h & 1) ? 64 : T_FORK_LEN);
}


static unsigned
t_fork_key(uint64_t n)
{
    return n % 2 == 0 && (n / 2) % T_FORK_GOP == 0;
}


static int
t_fork_good(const sl_ring_unit_t *r)
{
    uint64_t  n;

    n = r->seq;

    return r->len == t_fork_len(n)
           && r->track == n % 2
           && r->dts == (int64_t) n * 10
           && r->pts == r->dts + 5
           && r->keyframe == t_fork_key(n)
           && r->generation == (n >= T_FORK_UNITS / 2)
           && t_same(r->data, r->len, n);
}


/* busy for usec microseconds: shorter than usleep() can sleep */
static void
t_spin(uint64_t usec)
{
    uint64_t         end, now;
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    end = (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + usec;

    do {
        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    } while (now < end);
}


static void
t_fork_writer(sl_ring_t *ring)
{
    u_char           buf[T_FORK_LEN];
    uint64_t         n;
    sl_media_unit_t  u;

    for (n = 0; n < T_FORK_UNITS; n++) {
        if (n == T_FORK_UNITS / 2 && sl_ring_reset(ring) != SL_OK) {
            _exit(1);
        }

        sl_memzero(&u, sizeof(sl_media_unit_t));
        u.len = t_fork_len(n);
        u.track = n % 2;
        u.dts = (int64_t) n * 10;
        u.pts = u.dts + 5;
        u.keyframe = t_fork_key(n);
        u.data = buf;
        t_fill(buf, u.len, n);

        if (sl_ring_append(ring, &u) != SL_OK) {
            _exit(1);
        }

        if (n % 256 == 0) {
            sched_yield();
        }
    }

    _exit(0);
}


/*
 * A forked writer appends T_FORK_UNITS units of random sizes into a ring
 * in a shared mapping as fast as it can while this process reads: every
 * unit read is byte-exact for its seq, seqs only increase, after an
 * overrun the oldest is past the cursor, the reader skips to it or joins
 * at a keyframe, and what a join returns below the next seq is a
 * keyframe of the track.
 */
static void
test_fork(void)
{
    int              status;
    pid_t            pid;
    u_char           buf[T_FORK_LEN];
    uint64_t         cursor, last, next, key;
    sl_int_t         rc;
    sl_uint_t        got, bad, overruns, by_bytes, joins, done;
    sl_shm_t         shm;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    sl_memzero(&shm, sizeof(sl_shm_t));
    shm.size = sl_ring_size(T_FORK_DATA);
    sl_str_set(&shm.name, "ring");
    shm.log = sl_unit_log();

    CU_ASSERT_EQUAL_FATAL(sl_shm_alloc(&shm), SL_OK);

    ring = sl_ring_init(shm.addr, shm.size, T_FORK_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);

    pid = fork();
    CU_ASSERT_FATAL(pid != -1);

    if (pid == 0) {
        t_fork_writer(ring);
    }

    cursor = 0;
    last = 0;
    key = UINT64_MAX;
    got = 0;
    bad = 0;
    overruns = 0;
    by_bytes = 0;
    joins = 0;
    done = 0;

    for ( ;; ) {
        rc = sl_ring_read(ring, &cursor, &r, buf, sizeof(buf));

        if (rc == SL_OK) {
            bad += !t_fork_good(&r);
            bad += (got && r.seq <= last);
            bad += (r.seq == key && !(r.keyframe && r.track == 0));
            joins += (r.seq == key);
            key = UINT64_MAX;
            last = r.seq;
            got++;

            /*
             * Now and then a slow reader, to be overrun: by a few dozen
             * units the bytes run out first, by hundreds the index does.
             */
            if (got % 4096 == 0) {
                (void) usleep(500);

            } else if (got % 61 == 0) {
                t_spin(t_hash(got) % 100);
            }

            continue;
        }

        if (rc == SL_ABORT) {
            overruns++;
            key = UINT64_MAX;
            by_bytes += (sl_ring_next(ring) - cursor <= sl_ring_nslots(ring));

            /* an overrun is seen along with the oldest that caused it */
            bad += (sl_ring_oldest(ring) <= cursor);

            if (overruns % 2) {
                cursor = sl_ring_oldest(ring);
                continue;
            }

            /* below the next seq, join returned a keyframe */
            next = sl_ring_next(ring);
            cursor = sl_ring_join(ring, 0);
            key = (cursor < next) ? cursor : UINT64_MAX;
            continue;
        }

        if (rc != SL_AGAIN) {
            bad++;
            break;
        }

        if (done) {
            break;
        }

        /* one more pass after the writer has gone: it read all there is */
        if (waitpid(pid, &status, WNOHANG) == pid) {
            done = 1;
        }
    }

    if (!done) {
        (void) waitpid(pid, &status, 0);
    }

    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(got > 0);
    CU_ASSERT_EQUAL(last, T_FORK_UNITS - 1);
    CU_ASSERT_EQUAL(cursor, T_FORK_UNITS);
    CU_ASSERT_EQUAL(sl_ring_generation(ring), 1);

    if (getenv("SL_UNIT_VERBOSE")) {
        fprintf(stderr, "\n  ring fork: read %lu of %d, %lu overruns "
                "(about %lu by bytes), %lu joins at a keyframe\n",
                (unsigned long) got, T_FORK_UNITS, (unsigned long) overruns,
                (unsigned long) by_bytes, (unsigned long) joins);
    }

    sl_shm_free(&shm);
}


SL_UNIT_SUITE(sl_ring,
    { "layout: init, attach, sizes", test_layout },
    { "append and read in order", test_order },
    { "many small units fit", test_small_units },
    { "a large unit among small ones", test_large_unit },
    { "records across the end of the data", test_wrap },
    { "overrun by bytes", test_overrun_bytes },
    { "overrun by index", test_overrun_index },
    { "join: whole keyframes for video, next unit for audio", test_join },
    { "reset: a new source, a new generation", test_reset },
    { "limits: too large, bad track, small buffer", test_limits },
    { "forked writer, concurrent reader", test_fork })
