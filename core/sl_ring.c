/*
 * The live ring: one writer appends variable-length media units, readers
 * in any process copy them out and check with the index entry's sequence
 * number and the ring's tail that the copy is whole (see sl_ring.h for
 * the layout and the contract).
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_RING_MAGIC       0x534c5256      /* "SLRV" */
#define SL_RING_ALIGN       64

#if ATOMIC_LLONG_LOCK_FREE != 2 || ATOMIC_INT_LOCK_FREE != 2
#error "the ring needs lock-free 64-bit atomics to share them across processes"
#endif


/*
 * An index entry.  The fields other than seq are atomics too, accessed
 * relaxed, so that a reader racing the writer reads some value and
 * learns from seq whether it is the right one.
 */
typedef struct {
    _Atomic uint64_t     seq;
    _Atomic uint64_t     pos;
    _Atomic uint64_t     generation;
    _Atomic int64_t      dts;
    _Atomic int64_t      pts;
    _Atomic uint32_t     len;
    _Atomic uint32_t     track;
    _Atomic uint32_t     flags;
} sl_ring_entry_t;

struct sl_ring_s {
    uint32_t             magic;
    uint32_t             nindex;
    uint64_t             data_size;
    uint64_t             max_len;

    _Atomic uint64_t     write_seq;      /* seq of the next append */
    _Atomic uint64_t     write_pos;      /* its data's position; writer's */
    _Atomic uint64_t     tail;           /* oldest valid byte position */
    _Atomic uint64_t     oldest;         /* oldest whole seq */
    _Atomic uint64_t     generation;

    /* per track, 1 + seq of its last keyframe; 0: none yet */
    _Atomic uint64_t     key[SL_RING_MAX_TRACKS];
};


#define sl_ring_header_size()                                                 \
    sl_align(sizeof(sl_ring_t), (size_t) SL_RING_ALIGN)

#define sl_ring_index(ring)                                                   \
    ((sl_ring_entry_t *) ((u_char *) (ring) + sl_ring_header_size()))

#define sl_ring_entry(ring, seq)                                              \
    (sl_ring_index(ring) + (seq) % (ring)->nindex)

#define sl_ring_data(ring)                                                    \
    ((u_char *) (sl_ring_index(ring) + (ring)->nindex))


size_t
sl_ring_size(size_t data_bytes)
{
    size_t  n;

    n = sl_max(data_bytes / SL_RING_INDEX_RATIO, (size_t) SL_RING_MIN_INDEX);

    return sl_ring_header_size() + n * sizeof(sl_ring_entry_t) + data_bytes;
}


/*
 * nindex = avail / (ratio + entry): for a block from sl_ring_size(d)
 * with d >= SL_RING_MIN_INDEX * ratio, avail = n * (ratio + entry) + d %
 * ratio, so the division gives back n and the data exactly d.
 */
sl_ring_t *
sl_ring_init(void *block, size_t size, size_t max_len)
{
    size_t            n, i, avail, data_size;
    sl_ring_t        *ring;
    sl_ring_entry_t  *e;

    if (size < sl_ring_header_size() || max_len > UINT32_MAX) {
        return NULL;
    }

    avail = size - sl_ring_header_size();

    n = avail / (SL_RING_INDEX_RATIO + sizeof(sl_ring_entry_t));
    n = sl_max(n, (size_t) SL_RING_MIN_INDEX);

    if (n > UINT32_MAX || avail / sizeof(sl_ring_entry_t) < n) {
        return NULL;
    }

    data_size = avail - n * sizeof(sl_ring_entry_t);

    if (data_size == 0 || max_len > data_size / 2) {
        return NULL;
    }

    ring = block;

    ring->magic = 0;
    ring->nindex = (uint32_t) n;
    ring->data_size = data_size;
    ring->max_len = max_len;

    atomic_init(&ring->write_seq, 0);
    atomic_init(&ring->write_pos, 0);
    atomic_init(&ring->tail, 0);
    atomic_init(&ring->oldest, 0);
    atomic_init(&ring->generation, 0);

    for (i = 0; i < SL_RING_MAX_TRACKS; i++) {
        atomic_init(&ring->key[i], 0);
    }

    for (i = 0; i < n; i++) {
        e = sl_ring_entry(ring, i);
        atomic_init(&e->seq, SL_RING_BUSY);
        atomic_init(&e->pos, 0);
        atomic_init(&e->generation, 0);
        atomic_init(&e->dts, 0);
        atomic_init(&e->pts, 0);
        atomic_init(&e->len, 0);
        atomic_init(&e->track, 0);
        atomic_init(&e->flags, 0);
    }

    ring->magic = SL_RING_MAGIC;

    return ring;
}


sl_ring_t *
sl_ring_attach(void *block)
{
    sl_ring_t  *ring;

    ring = block;

    return (ring->magic == SL_RING_MAGIC) ? ring : NULL;
}


sl_uint_t
sl_ring_nslots(sl_ring_t *ring)
{
    return ring->nindex;
}


size_t
sl_ring_max_len(sl_ring_t *ring)
{
    return ring->max_len;
}


size_t
sl_ring_data_size(sl_ring_t *ring)
{
    return ring->data_size;
}


/*
 * Seqlock write.  Everything that tells a reader "this is gone" (oldest,
 * tail, the busy mark of the reused entry) is stored before the release
 * fence, the bytes and fields after it; then the entry's seq and
 * write_seq with release, so that a reader which sees write_seq past seq
 * sees the whole record, and a reader which copied any byte of the new
 * record sees the entry or tail changed.  oldest goes first and each
 * later mark with release, so whatever shows a reader an overrun also
 * shows it the oldest that moved past it.
 */
sl_int_t
sl_ring_append(sl_ring_t *ring, const sl_media_unit_t *u)
{
    size_t            off, n;
    u_char           *data;
    uint64_t          seq, pos, end, tail, oldest, p;
    sl_ring_entry_t  *e;

    if (u->len > ring->max_len || u->track >= SL_RING_MAX_TRACKS) {
        return SL_ERROR;
    }

    seq = atomic_load_explicit(&ring->write_seq, memory_order_relaxed);
    pos = atomic_load_explicit(&ring->write_pos, memory_order_relaxed);
    tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    oldest = atomic_load_explicit(&ring->oldest, memory_order_relaxed);

    end = pos + u->len;

    if (end > ring->data_size && end - ring->data_size > tail) {
        tail = end - ring->data_size;
    }

    /* the entry of seq - nindex is about to be reused */

    if (seq >= ring->nindex && oldest < seq - ring->nindex + 1) {
        oldest = seq - ring->nindex + 1;
    }

    /*
     * Entries from oldest to seq - 1 are still the writer's own, intact;
     * positions grow with seqs, so the first one at or past tail ends
     * the walk (seq itself at the latest: pos >= end - data_size).
     */

    while (oldest < seq) {
        p = atomic_load_explicit(&sl_ring_entry(ring, oldest)->pos,
                                 memory_order_relaxed);
        if (p >= tail) {
            break;
        }

        oldest++;
    }

    e = sl_ring_entry(ring, seq);

    atomic_store_explicit(&ring->oldest, oldest, memory_order_release);
    atomic_store_explicit(&ring->tail, tail, memory_order_release);
    atomic_store_explicit(&e->seq, SL_RING_BUSY, memory_order_release);
    atomic_thread_fence(memory_order_release);

    if (u->len) {
        data = sl_ring_data(ring);
        off = pos % ring->data_size;
        n = sl_min(u->len, ring->data_size - off);

        sl_memcpy(data + off, u->data, n);

        if (n < u->len) {
            sl_memcpy(data, u->data + n, u->len - n);
        }
    }

    atomic_store_explicit(&e->pos, pos, memory_order_relaxed);
    atomic_store_explicit(&e->len, (uint32_t) u->len, memory_order_relaxed);
    atomic_store_explicit(&e->generation,
                          atomic_load_explicit(&ring->generation,
                                               memory_order_relaxed),
                          memory_order_relaxed);
    atomic_store_explicit(&e->dts, u->dts, memory_order_relaxed);
    atomic_store_explicit(&e->pts, u->pts, memory_order_relaxed);
    atomic_store_explicit(&e->track, (uint32_t) u->track,
                          memory_order_relaxed);
    atomic_store_explicit(&e->flags, u->keyframe ? SL_RING_KEYFRAME : 0,
                          memory_order_relaxed);

    atomic_store_explicit(&e->seq, seq, memory_order_release);
    atomic_store_explicit(&ring->write_pos, end, memory_order_relaxed);
    atomic_store_explicit(&ring->write_seq, seq + 1, memory_order_release);

    if (u->keyframe) {
        atomic_store_explicit(&ring->key[u->track], seq + 1,
                              memory_order_release);
    }

    return SL_OK;
}


/*
 * The keyframes are cleared before the generation moves, so a reader
 * that sees the new generation (acquire) does not join at a keyframe of
 * the old source; a join racing the reset may still return one, and the
 * unit's own generation tells the reader.
 */
sl_int_t
sl_ring_reset(sl_ring_t *ring)
{
    uint64_t    g;
    sl_uint_t   i;

    for (i = 0; i < SL_RING_MAX_TRACKS; i++) {
        atomic_store_explicit(&ring->key[i], 0, memory_order_relaxed);
    }

    g = atomic_load_explicit(&ring->generation, memory_order_relaxed);
    atomic_store_explicit(&ring->generation, g + 1, memory_order_release);

    return SL_OK;
}


uint64_t
sl_ring_generation(sl_ring_t *ring)
{
    return atomic_load_explicit(&ring->generation, memory_order_acquire);
}


uint64_t
sl_ring_next(sl_ring_t *ring)
{
    return atomic_load_explicit(&ring->write_seq, memory_order_acquire);
}


/*
 * oldest is stored with release after write_seq of the previous append
 * and is at most the seq being appended, so it never passes a write_seq
 * loaded after it.
 */
uint64_t
sl_ring_oldest(sl_ring_t *ring)
{
    return atomic_load_explicit(&ring->oldest, memory_order_acquire);
}


uint64_t
sl_ring_join(sl_ring_t *ring, sl_int_t track)
{
    uint64_t  k;

    if (track < 0 || track >= SL_RING_MAX_TRACKS) {
        return sl_ring_next(ring);
    }

    k = atomic_load_explicit(&ring->key[track], memory_order_acquire);

    if (k != 0 && k - 1 >= sl_ring_oldest(ring)) {
        return k - 1;
    }

    return sl_ring_next(ring);
}


/*
 * Seqlock read.  The copy may race the writer (the bytes are plain
 * memory, the fields may belong to another record); len is bounded
 * before copying and pos taken modulo data_size, so a torn copy stays
 * inside the block, and whatever it copied is thrown away unless, after
 * the acquire fence, the entry's seq is still *cursor and tail has not
 * passed the record's position.
 */
sl_int_t
sl_ring_read(sl_ring_t *ring, uint64_t *cursor, sl_ring_unit_t *u,
    u_char *buf, size_t size)
{
    size_t            len, off, n;
    u_char           *data;
    uint32_t          flags;
    uint64_t          w, seq, pos;
    sl_ring_entry_t  *e;

    seq = *cursor;
    w = atomic_load_explicit(&ring->write_seq, memory_order_acquire);

    if (seq >= w) {
        return (seq == w) ? SL_AGAIN : SL_ERROR;
    }

    if (w - seq > ring->nindex) {
        return SL_ABORT;
    }

    e = sl_ring_entry(ring, seq);

    if (atomic_load_explicit(&e->seq, memory_order_acquire) != seq) {
        return SL_ABORT;
    }

    pos = atomic_load_explicit(&e->pos, memory_order_relaxed);
    len = atomic_load_explicit(&e->len, memory_order_relaxed);
    u->generation = atomic_load_explicit(&e->generation, memory_order_relaxed);
    u->dts = atomic_load_explicit(&e->dts, memory_order_relaxed);
    u->pts = atomic_load_explicit(&e->pts, memory_order_relaxed);
    u->track = atomic_load_explicit(&e->track, memory_order_relaxed);
    flags = atomic_load_explicit(&e->flags, memory_order_relaxed);

    if (len <= size && len <= ring->max_len && len) {
        data = sl_ring_data(ring);
        off = pos % ring->data_size;
        n = sl_min(len, ring->data_size - off);

        sl_memcpy(buf, data + off, n);

        if (n < len) {
            sl_memcpy(buf + n, data, len - n);
        }
    }

    atomic_thread_fence(memory_order_acquire);

    if (atomic_load_explicit(&e->seq, memory_order_acquire) != seq
        || atomic_load_explicit(&ring->tail, memory_order_acquire) > pos)
    {
        return SL_ABORT;
    }

    u->len = len;

    if (len > size || len > ring->max_len) {
        return SL_ERROR;
    }

    u->seq = seq;
    u->keyframe = (flags & SL_RING_KEYFRAME) ? 1 : 0;
    u->data = buf;

    *cursor = seq + 1;

    return SL_OK;
}
