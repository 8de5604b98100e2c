/*
 * A single-writer, many-reader ring of media units in one memory block,
 * made to live in a shared memory zone: the worker that receives a live
 * stream appends, every worker with listeners reads, and nobody locks.
 *
 * Layout: a header (slot count, slot size, the write sequence number and
 * the last keyframe of each track), then nslots fixed-size slots.  Unit
 * number seq lives in slot seq % nslots as a record {seq, track, dts,
 * pts, flags, len, data}; len varies up to max_len, a longer unit is
 * rejected.  Appending never blocks: it overwrites the oldest record.
 *
 * Ownership: the block is the caller's (a zone's mapping); the ring
 * keeps no pointer and holds no process-local state, so any process that
 * maps the block at any address can use it.  A reader's position (a
 * sequence number, its "cursor") is the reader's own, in process-local
 * memory; the ring does not know its readers.
 *
 * Memory ordering (C11 atomics, lock-free and address-free so they work
 * across processes):
 *  - the writer marks the slot busy (seq = SL_RING_BUSY), issues a
 *    release fence, writes the record, stores the slot's seq with
 *    release, then the ring's write_seq with release;
 *  - a reader loads write_seq with acquire (records below it are
 *    published), loads the slot's seq with acquire, copies the record
 *    out, issues an acquire fence and loads the slot's seq again: the
 *    copy is good only if both loads gave the seq it expected (seqlock).
 *    Since one slot holds a given seq only once, a changed seq always
 *    means the record was overwritten while being copied: a torn copy is
 *    reported as an overrun, never returned.
 * Records are copied out to the reader's buffer (never read in place):
 * the copy is validated once, and the reader then owns stable bytes it
 * can packetize at leisure.
 */

#ifndef SL_RING_H
#define SL_RING_H

#include <sl_config.h>
#include <sl_core.h>

#include <stdatomic.h>


#define SL_RING_MAX_TRACKS   8
#define SL_RING_KEYFRAME     0x01
#define SL_RING_BUSY         UINT64_MAX      /* slot being written */

typedef struct sl_ring_s  sl_ring_t;

/* a unit read from the ring; data is the reader's buffer */
typedef struct {
    uint64_t         seq;
    sl_uint_t        track;
    int64_t          dts;
    int64_t          pts;
    unsigned         keyframe:1;
    u_char          *data;
    size_t           len;
} sl_ring_unit_t;


/* bytes a ring of nslots slots of up to max_len data bytes takes */
size_t sl_ring_size(sl_uint_t nslots, size_t max_len);

/*
 * Lays out a ring in block (size bytes, 8-byte aligned) for units of up
 * to max_len bytes, with as many slots as fit (at least 2).  Run once, by
 * one process, before anybody uses the ring (a zone's init with no old
 * data).  Returns block as a ring, or NULL if fewer than 2 slots fit.
 */
sl_ring_t *sl_ring_init(void *block, size_t size, size_t max_len);

/* block as a ring laid out by sl_ring_init, NULL if it is not one */
sl_ring_t *sl_ring_attach(void *block);

sl_uint_t sl_ring_nslots(sl_ring_t *ring);
size_t sl_ring_max_len(sl_ring_t *ring);

/*
 * The writer (one process at a time) appends a copy of u->data.
 * SL_OK; SL_ERROR, ring unchanged, when u->len > max_len or u->track >=
 * SL_RING_MAX_TRACKS.
 */
sl_int_t sl_ring_append(sl_ring_t *ring, const sl_media_unit_t *u);

/* the seq the next append takes (acquire): readers are up to date at it */
uint64_t sl_ring_next(sl_ring_t *ring);

/*
 * The oldest seq a reader can expect to read: one past the record the
 * next append overwrites.
 */
uint64_t sl_ring_oldest(sl_ring_t *ring);

/*
 * Where a reader starts: track >= 0 (video) the seq of that track's last
 * keyframe still in the ring, or sl_ring_next() if there is none (the
 * reader then drops units up to the next keyframe); track -1 (audio
 * only) sl_ring_next(): the next unit.  Also the way to skip ahead after
 * an overrun.
 */
uint64_t sl_ring_join(sl_ring_t *ring, sl_int_t track);

/*
 * Copies the record *cursor into buf (size bytes; sl_ring_max_len()
 * always suffices) and fills u, u->data = buf, then advances *cursor.
 * Returns
 *   SL_OK      a good copy;
 *   SL_AGAIN   nothing new: *cursor == sl_ring_next();
 *   SL_ABORT   overrun: the record was overwritten before or while it
 *              was copied; *cursor is unchanged, the reader moves it
 *              (sl_ring_oldest() or sl_ring_join()) and reads again;
 *   SL_ERROR   *cursor is ahead of the writer, or buf is too small
 *              (u->len holds the size needed, *cursor is unchanged).
 */
sl_int_t sl_ring_read(sl_ring_t *ring, uint64_t *cursor, sl_ring_unit_t *u,
    u_char *buf, size_t size);

#endif /* SL_RING_H */
