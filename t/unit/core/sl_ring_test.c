/*
 * Unit tests for the live ring: order, wrap-around, overrun and skip,
 * late joiners, limits, and a forked writer racing a reader through
 * shared memory.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"

#include <sched.h>
#include <sys/wait.h>


#define T_MAX_LEN     200
#define T_FORK_UNITS  50000
#define T_FORK_SLOTS  32
#define T_FORK_LEN    1024


static uint64_t  t_block[4096];


/* a ring of exactly nslots slots of T_MAX_LEN bytes in t_block */
static sl_ring_t *
t_ring(sl_uint_t nslots)
{
    sl_ring_t  *ring;

    sl_memzero(t_block, sizeof(t_block));
    CU_ASSERT_FATAL(sl_ring_size(nslots, T_MAX_LEN) <= sizeof(t_block));

    ring = sl_ring_init(t_block, sl_ring_size(nslots, T_MAX_LEN), T_MAX_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), nslots);
    CU_ASSERT_EQUAL(sl_ring_max_len(ring), T_MAX_LEN);

    return ring;
}


/* FNV-1a */
static uint32_t
t_sum(const u_char *p, size_t len)
{
    uint32_t  h;

    for (h = 2166136261u; len; len--) {
        h = (h ^ *p++) * 16777619u;
    }

    return h;
}


/*
 * Unit number n: its number in the first 8 bytes, bytes derived from n,
 * an FNV sum of the rest in the last 4; track n % 2, keyframe per gop
 * on track 0.
 */
static void
t_unit(sl_media_unit_t *u, u_char *buf, uint64_t n, size_t max, sl_uint_t gop)
{
    size_t    i, len;
    uint32_t  sum;

    len = 12 + (n * 7919) % (max - 11);

    sl_memcpy(buf, &n, 8);

    for (i = 8; i < len - 4; i++) {
        buf[i] = (u_char) (n * 31 + i);
    }

    sum = t_sum(buf, len - 4);
    sl_memcpy(buf + len - 4, &sum, 4);

    sl_memzero(u, sizeof(sl_media_unit_t));
    u->track = n % 2;
    u->dts = (int64_t) n * 10;
    u->pts = u->dts + 5;
    u->keyframe = (u->track == 0 && (n / 2) % gop == 0);
    u->data = buf;
    u->len = len;
}


/* 1 if r is unit n intact */
static int
t_good(const sl_ring_unit_t *r, uint64_t n, sl_uint_t gop)
{
    uint64_t  m;
    uint32_t  sum;

    if (r->len < 12 || r->seq != n) {
        return 0;
    }

    sl_memcpy(&m, r->data, 8);
    sl_memcpy(&sum, r->data + r->len - 4, 4);

    return m == n
           && sum == t_sum(r->data, r->len - 4)
           && r->len == 12 + (n * 7919) % (T_MAX_LEN - 11)
           && r->track == n % 2
           && r->dts == (int64_t) n * 10
           && r->pts == r->dts + 5
           && r->keyframe == (r->track == 0 && (n / 2) % gop == 0);
}


static void
t_append(sl_ring_t *ring, uint64_t n, sl_uint_t gop)
{
    u_char           buf[T_MAX_LEN];
    sl_media_unit_t  u;

    t_unit(&u, buf, n, T_MAX_LEN, gop);
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_OK);
}


static void
test_layout(void)
{
    sl_ring_t  *ring;

    sl_memzero(t_block, sizeof(t_block));
    CU_ASSERT_PTR_NULL(sl_ring_attach(t_block));

    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, 16, T_MAX_LEN));
    CU_ASSERT_PTR_NULL(sl_ring_init(t_block, sl_ring_size(1, T_MAX_LEN),
                                    T_MAX_LEN));

    ring = sl_ring_init(t_block, sl_ring_size(5, T_MAX_LEN) + 10, T_MAX_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(sl_ring_nslots(ring), 5);
    CU_ASSERT_PTR_EQUAL(sl_ring_attach(t_block), ring);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 0);
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 0);
}


static void
test_order(void)
{
    u_char           buf[T_MAX_LEN];
    uint64_t         n, cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(8);
    cursor = 0;

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_AGAIN);

    for (n = 0; n < 5; n++) {
        t_append(ring, n, 3);
    }

    CU_ASSERT_EQUAL(sl_ring_next(ring), 5);

    for (n = 0; n < 5; n++) {
        CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                        SL_OK);
        CU_ASSERT(t_good(&r, n, 3));
        CU_ASSERT_PTR_EQUAL(r.data, buf);
        CU_ASSERT_EQUAL(cursor, n + 1);
    }

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_AGAIN);
    CU_ASSERT_EQUAL(cursor, 5);

    cursor = 6;
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_ERROR);
}


/* a reader that keeps up reads every unit across many wraps */
static void
test_wrap(void)
{
    u_char           buf[T_MAX_LEN];
    uint64_t         n, cursor;
    sl_uint_t        bad;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(8);
    cursor = 0;
    bad = 0;

    for (n = 0; n < 100; n++) {
        t_append(ring, n, 4);

        if (n % 3 == 2) {
            while (sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)) == SL_OK) {
                bad += !t_good(&r, r.seq, 4);
            }
        }
    }

    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(cursor, 99);

    /* exactly nslots behind is still readable */
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)), SL_OK);
    CU_ASSERT(t_good(&r, 99, 4));

    for (n = 100; n < 108; n++) {
        t_append(ring, n, 4);
    }

    for (n = 100; n < 108; n++) {
        CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                        SL_OK);
        CU_ASSERT(t_good(&r, n, 4));
    }
}


static void
test_overrun(void)
{
    u_char           buf[T_MAX_LEN];
    uint64_t         n, cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(8);
    cursor = 0;

    for (n = 0; n < 9; n++) {
        t_append(ring, n, 100);
    }

    /* unit 0 was overwritten by unit 8 */
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_ABORT);
    CU_ASSERT_EQUAL(cursor, 0);

    /* skip to the oldest: unit 1 is next to go, 2 is the oldest safe */
    CU_ASSERT_EQUAL(sl_ring_oldest(ring), 2);
    cursor = sl_ring_oldest(ring);
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)), SL_OK);
    CU_ASSERT(t_good(&r, 2, 100));

    /* far behind */
    for (n = 9; n < 40; n++) {
        t_append(ring, n, 100);
    }

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_ABORT);
    CU_ASSERT_EQUAL(cursor, 3);

    cursor = sl_ring_oldest(ring);
    CU_ASSERT_EQUAL(cursor, 33);

    for (n = 33; n < 40; n++) {
        CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                        SL_OK);
        CU_ASSERT(t_good(&r, n, 100));
    }

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)),
                    SL_AGAIN);
}


/* video joins at its last keyframe, audio only at the next unit */
static void
test_join(void)
{
    u_char           buf[T_MAX_LEN];
    uint64_t         n, cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;

    ring = t_ring(16);

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 0);
    CU_ASSERT_EQUAL(sl_ring_join(ring, -1), 0);

    /* keyframes on track 0 at units 0, 8, 16 (gop 4: every 4th of track 0) */
    for (n = 0; n < 12; n++) {
        t_append(ring, n, 4);
    }

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 8);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 1), 12);      /* no keyframe there */
    CU_ASSERT_EQUAL(sl_ring_join(ring, -1), 12);
    CU_ASSERT_EQUAL(sl_ring_join(ring, 99), 12);

    cursor = sl_ring_join(ring, 0);
    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)), SL_OK);
    CU_ASSERT(r.keyframe);
    CU_ASSERT_EQUAL(r.track, 0);
    CU_ASSERT(t_good(&r, 8, 4));

    for (n = 12; n < 17; n++) {
        t_append(ring, n, 4);
    }

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 16);
    CU_ASSERT_EQUAL(sl_ring_join(ring, -1), 17);

    /* a gop longer than the ring: the keyframe is gone, wait for the next */
    for (n = 17; n < 40; n++) {
        t_append(ring, n, 100);
    }

    CU_ASSERT_EQUAL(sl_ring_join(ring, 0), 40);
}


static void
test_limits(void)
{
    u_char           buf[T_MAX_LEN + 1], small[16];
    uint64_t         cursor;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;
    sl_media_unit_t  u;

    ring = t_ring(4);

    sl_memzero(&u, sizeof(sl_media_unit_t));
    sl_memzero(buf, sizeof(buf));
    u.data = buf;

    u.len = T_MAX_LEN + 1;
    CU_ASSERT_EQUAL(sl_ring_append(ring, &u), SL_ERROR);
    CU_ASSERT_EQUAL(sl_ring_next(ring), 0);

    u.len = T_MAX_LEN;
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
    CU_ASSERT_EQUAL(r.len, T_MAX_LEN);
    CU_ASSERT_EQUAL(cursor, 0);

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, buf, sizeof(buf)), SL_OK);
    CU_ASSERT_EQUAL(r.len, T_MAX_LEN);
    CU_ASSERT_EQUAL(r.track, SL_RING_MAX_TRACKS - 1);

    CU_ASSERT_EQUAL(sl_ring_read(ring, &cursor, &r, small, sizeof(small)),
                    SL_OK);
    CU_ASSERT_EQUAL(r.len, 0);
}


/*
 * A forked writer appends T_FORK_UNITS units into a ring in a shared
 * mapping as fast as it can while this process reads: every unit read
 * is intact and numbered as its seq, seqs only increase, and an overrun
 * skips to the oldest unit.
 */
static void
test_fork(void)
{
    int              status;
    pid_t            pid;
    u_char           buf[T_FORK_LEN], wbuf[T_FORK_LEN];
    uint64_t         n, cursor, last;
    sl_int_t         rc;
    sl_uint_t        got, bad, overruns, done;
    sl_shm_t         shm;
    sl_ring_t       *ring;
    sl_ring_unit_t   r;
    sl_media_unit_t  u;

    sl_memzero(&shm, sizeof(sl_shm_t));
    shm.size = sl_ring_size(T_FORK_SLOTS, T_FORK_LEN);
    sl_str_set(&shm.name, "ring");
    shm.log = sl_unit_log();

    CU_ASSERT_EQUAL_FATAL(sl_shm_alloc(&shm), SL_OK);

    ring = sl_ring_init(shm.addr, shm.size, T_FORK_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);

    pid = fork();
    CU_ASSERT_FATAL(pid != -1);

    if (pid == 0) {
        for (n = 0; n < T_FORK_UNITS; n++) {
            t_unit(&u, wbuf, n, T_MAX_LEN, 10);

            if (sl_ring_append(ring, &u) != SL_OK) {
                _exit(1);
            }

            if (n % 256 == 0) {
                sched_yield();
            }
        }

        _exit(0);
    }

    cursor = 0;
    last = 0;
    got = 0;
    bad = 0;
    overruns = 0;
    done = 0;

    for ( ;; ) {
        rc = sl_ring_read(ring, &cursor, &r, buf, sizeof(buf));

        if (rc == SL_OK) {
            bad += !t_good(&r, r.seq, 10);
            bad += (got && r.seq <= last);
            last = r.seq;
            got++;

            /* now and then a slow reader, to be overrun */
            if (got % 4096 == 0) {
                (void) usleep(500);
            }

            continue;
        }

        if (rc == SL_ABORT) {
            overruns++;
            cursor = sl_ring_oldest(ring);
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

    if (getenv("SL_UNIT_VERBOSE")) {
        fprintf(stderr, "\n  ring fork: read %lu of %d, %lu overruns\n",
                (unsigned long) got, T_FORK_UNITS, (unsigned long) overruns);
    }

    sl_shm_free(&shm);
}


SL_UNIT_SUITE(sl_ring,
    { "layout: init, attach, sizes", test_layout },
    { "append and read in order", test_order },
    { "wrap-around", test_wrap },
    { "overrun detected, skip to oldest", test_overrun },
    { "join: last keyframe for video, next unit for audio", test_join },
    { "limits: too large, bad track, small buffer", test_limits },
    { "forked writer, concurrent reader", test_fork })
