/*
 * A single-writer, many-reader ring of variable-length media units in
 * one memory block, made to live in a shared memory zone: the worker
 * that receives a live stream appends, every worker with listeners
 * reads, and nobody locks.  A ring holds as many units as their real
 * sizes allow: thousands of 400-byte MP3 frames, or a few 256 KB H.264
 * keyframes, in the same bytes.
 *
 * Layout: a header, an index of nindex entries, a data area of
 * data_size bytes.
 *  - The header holds the geometry (nindex, data_size, max_len), the
 *    write sequence number write_seq (the seq the next append takes),
 *    write_pos (the byte position where the next record's data goes),
 *    tail (the oldest byte position still holding valid data), oldest
 *    (the oldest seq whose record is whole), the generation (bumped by
 *    sl_ring_reset()) and, per track, 1 + seq of its last keyframe.
 *  - Records' data are laid end to end at monotonically increasing
 *    64-bit byte positions (they never wrap in 2^64 bytes); the data of
 *    a record at position P is stored at data[P % data_size] and may run
 *    past the end of the area into its start (it is then copied in two
 *    parts).  Bytes at positions [tail, write_pos) are valid; tail is
 *    write_pos - data_size once that is positive (and runs ahead of
 *    write_pos during an append).
 *  - Unit number seq is described by index[seq % nindex]: {seq, pos,
 *    len, dts, pts, track, flags, generation}.
 * A record is whole while its index entry was not reused (by seq +
 * nindex) and no byte of it was overwritten (pos >= tail).  Appending
 * never blocks: it moves tail and oldest past whatever it overwrites.
 * A unit longer than max_len is rejected; max_len is at most data_size
 * / 2, so the last two units are always whole.
 *
 * Ownership: the block is the caller's (a zone's mapping); the ring
 * keeps no pointer and holds no process-local state (positions and
 * seqs, never addresses), so any process that maps the block at any
 * address can use it.  A reader's position (a sequence number, its
 * "cursor") is the reader's own, in process-local memory; the ring does
 * not know its readers.
 *
 * Memory ordering (C11 atomics, lock-free and address-free so they work
 * across processes).  An append of seq with len bytes at pos:
 *   1. computes the new tail (pos + len - data_size if that is past the
 *      old one) and the new oldest (below), stores oldest, then tail,
 *      then SL_RING_BUSY as the seq of the index entry it reuses, each
 *      with release, then issues a release fence;
 *   2. writes the data bytes and the entry's fields;
 *   3. stores the entry's seq with release, then write_pos, then
 *      write_seq with release, then the track's keyframe if the unit is
 *      one.
 * A read of seq (a seqlock):
 *   1. loads write_seq with acquire (records below it are published);
 *      write_seq - seq > nindex means the entry was reused: overrun;
 *   2. loads the entry's seq with acquire, copies its fields and its
 *      bytes out, issues an acquire fence;
 *   3. loads the entry's seq again and tail, with acquire: the copy is
 *      good only if both seq loads gave seq and tail <= pos.
 * If the copy took any byte written by a later append (its step 2), the
 * acquire fence makes that append's step 1 visible: either the entry is
 * busy or reused, or tail has passed pos.  So a torn copy is always
 * reported as an overrun, never returned.  The bytes and fields are read
 * racily while the writer may be rewriting them and the result is thrown
 * away unless the checks pass (the classic seqlock).  Records are copied
 * out to the reader's buffer (never read in place): the copy is
 * validated once, and the reader then owns stable bytes it can
 * packetize at leisure.
 *
 * oldest is maintained by the writer in step 1, before it overwrites
 * anything: the first seq at or past seq - nindex + 1 whose pos is not
 * below the new tail (positions grow with seqs, so a forward walk from
 * the previous oldest finds it; O(1) amortized per append).  Every mark
 * a reader takes for an overrun (write_seq, an entry's seq, tail) is
 * stored with release after oldest and loaded with acquire, so once a
 * read of seq returned SL_ABORT, sl_ring_oldest() is past seq: a reader
 * that skips there never goes back to a unit it has read.
 *
 * A new source (a new encoder on the publishing point) calls
 * sl_ring_reset(): seqs and positions go on (readers in other processes
 * keep valid cursors), the keyframe table is cleared (nobody joins at a
 * keyframe of the old source) and the generation is incremented.  Each
 * unit carries the generation it was appended in, so a reader sees
 * exactly at which unit the source changed (even after skipping it) and
 * re-reads the track descriptions; units of the old source stay
 * readable until overwritten.
 */

#ifndef SL_RING_H
#define SL_RING_H

#include <sl_config.h>
#include <sl_core.h>

#include <stdatomic.h>


#define SL_RING_MAX_TRACKS   8
#define SL_RING_KEYFRAME     0x01
#define SL_RING_BUSY         UINT64_MAX      /* index entry being written */

/* data bytes per index entry that sl_ring_init() and sl_ring_size() use */
#define SL_RING_INDEX_RATIO  256
#define SL_RING_MIN_INDEX    16

typedef struct sl_ring_s  sl_ring_t;

/* a unit read from the ring; data is the reader's buffer */
typedef struct {
    uint64_t         seq;
    uint64_t         generation;       /* sl_ring_generation() at append */
    sl_uint_t        track;
    int64_t          dts;
    int64_t          pts;
    unsigned         keyframe:1;
    u_char          *data;
    size_t           len;
} sl_ring_unit_t;


/*
 * Bytes of a block that sl_ring_init() lays out with exactly data_bytes
 * of data: the header, one index entry per SL_RING_INDEX_RATIO data
 * bytes (at least SL_RING_MIN_INDEX) and the data.  What a module asks
 * for its zone: data_bytes is how much media the ring keeps, e.g. a few
 * seconds at the stream's bitrate, and at least twice the largest unit.
 */
size_t sl_ring_size(size_t data_bytes);

/*
 * Lays out a ring in block (size bytes, 8-byte aligned) for units of up
 * to max_len bytes: nindex = (size - header) / (SL_RING_INDEX_RATIO +
 * an entry's size), at least SL_RING_MIN_INDEX, the rest is data.  Run
 * once, by one process, before anybody uses the ring (a zone's init with
 * no old data).  Returns block as a ring, or NULL if the block is too
 * small for the index or max_len > data_size / 2.
 */
sl_ring_t *sl_ring_init(void *block, size_t size, size_t max_len);

/* block as a ring laid out by sl_ring_init, NULL if it is not one */
sl_ring_t *sl_ring_attach(void *block);

/* nindex: at most this many units are in the ring at once */
sl_uint_t sl_ring_nslots(sl_ring_t *ring);
size_t sl_ring_max_len(sl_ring_t *ring);
size_t sl_ring_data_size(sl_ring_t *ring);

/*
 * The writer (one process at a time) appends a copy of u->data.
 * SL_OK; SL_ERROR, ring unchanged, when u->len > max_len or u->track >=
 * SL_RING_MAX_TRACKS.
 */
sl_int_t sl_ring_append(sl_ring_t *ring, const sl_media_unit_t *u);

/*
 * The writer starts a new source: the keyframe table is cleared and the
 * generation incremented (see above).  Returns SL_OK.
 */
sl_int_t sl_ring_reset(sl_ring_t *ring);

/* the current generation (acquire): 0 until the first reset */
uint64_t sl_ring_generation(sl_ring_t *ring);

/* the seq the next append takes (acquire): readers are up to date at it */
uint64_t sl_ring_next(sl_ring_t *ring);

/*
 * The oldest seq whose record is whole (its index entry and all its
 * bytes), as the writer last set it (acquire): a read of it succeeds
 * unless an append overwrites it in the meantime.  sl_ring_next() when
 * the ring is empty.
 */
uint64_t sl_ring_oldest(sl_ring_t *ring);

/*
 * Where a reader starts: track >= 0 (video) the seq of that track's last
 * keyframe in this generation if it is not older than sl_ring_oldest(),
 * or sl_ring_next() if there is none (the reader then drops units up to
 * the next keyframe); track -1 (audio only) sl_ring_next(): the next
 * unit.  Also the way to skip ahead after an overrun.
 */
uint64_t sl_ring_join(sl_ring_t *ring, sl_int_t track);

/*
 * Copies the record *cursor into buf (size bytes; sl_ring_max_len()
 * always suffices) and fills u, u->data = buf, then advances *cursor.
 * Returns
 *   SL_OK      a good copy;
 *   SL_AGAIN   nothing new: *cursor == sl_ring_next();
 *   SL_ABORT   overrun: the record's index entry or some of its bytes
 *              were overwritten before or while it was copied; *cursor
 *              is unchanged, the reader moves it (sl_ring_oldest() or
 *              sl_ring_join()) and reads again;
 *   SL_ERROR   *cursor is ahead of the writer, or buf is too small
 *              (u->len holds the size needed, *cursor is unchanged).
 */
sl_int_t sl_ring_read(sl_ring_t *ring, uint64_t *cursor, sl_ring_unit_t *u,
    u_char *buf, size_t size);

#endif /* SL_RING_H */
