/*
 * The live ring: one writer appends media units, readers in any process
 * copy them out and check with the slot's sequence number that the copy
 * is whole (see sl_ring.h for the contract).
 */

#include <sl_config.h>
#include <sl_core.h>


#define SL_RING_MAGIC       0x534c5247      /* "SLRG" */
#define SL_RING_ALIGN       64

#if ATOMIC_LLONG_LOCK_FREE != 2 || ATOMIC_INT_LOCK_FREE != 2
#error "the ring needs lock-free 64-bit atomics to share them across processes"
#endif


/*
 * A slot's header; the data follows.  The fields other than seq are
 * atomics too, accessed relaxed, so that a reader racing the writer
 * reads some value and learns from seq whether it is the right one.
 */
typedef struct {
    _Atomic uint64_t     seq;
    _Atomic int64_t      dts;
    _Atomic int64_t      pts;
    _Atomic uint64_t     len;
    _Atomic uint32_t     track;
    _Atomic uint32_t     flags;
} sl_ring_slot_t;

struct sl_ring_s {
    uint32_t             magic;
    uint32_t             nslots;
    uint64_t             stride;         /* bytes of a slot, header included */
    uint64_t             max_len;

    _Atomic uint64_t     write_seq;      /* seq of the next append */

    /* per track, 1 + seq of its last keyframe; 0: none yet */
    _Atomic uint64_t     key[SL_RING_MAX_TRACKS];
};


#define sl_ring_header_size()                                                 \
    sl_align(sizeof(sl_ring_t), (size_t) SL_RING_ALIGN)

#define sl_ring_stride(max_len)                                               \
    sl_align(sizeof(sl_ring_slot_t) + (max_len), (size_t) 8)

#define sl_ring_slot(ring, seq)                                               \
    ((sl_ring_slot_t *) ((u_char *) (ring) + sl_ring_header_size()            \
                         + ((seq) % (ring)->nslots) * (ring)->stride))


size_t
sl_ring_size(sl_uint_t nslots, size_t max_len)
{
    return sl_ring_header_size() + nslots * sl_ring_stride(max_len);
}


sl_ring_t *
sl_ring_init(void *block, size_t size, size_t max_len)
{
    size_t           n, i;
    sl_ring_t       *ring;
    sl_ring_slot_t  *slot;

    if (size < sl_ring_header_size() || max_len > UINT32_MAX) {
        return NULL;
    }

    n = (size - sl_ring_header_size()) / sl_ring_stride(max_len);

    if (n < 2 || n > UINT32_MAX) {
        return NULL;
    }

    ring = block;

    ring->magic = 0;
    ring->nslots = (uint32_t) n;
    ring->stride = sl_ring_stride(max_len);
    ring->max_len = max_len;

    atomic_init(&ring->write_seq, 0);

    for (i = 0; i < SL_RING_MAX_TRACKS; i++) {
        atomic_init(&ring->key[i], 0);
    }

    for (i = 0; i < n; i++) {
        slot = sl_ring_slot(ring, i);
        atomic_init(&slot->seq, SL_RING_BUSY);
        atomic_init(&slot->dts, 0);
        atomic_init(&slot->pts, 0);
        atomic_init(&slot->len, 0);
        atomic_init(&slot->track, 0);
        atomic_init(&slot->flags, 0);
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
    return ring->nslots;
}


size_t
sl_ring_max_len(sl_ring_t *ring)
{
    return ring->max_len;
}


/*
 * Seqlock write: busy mark, release fence, record, then the seq and
 * write_seq with release, so that a reader which sees write_seq past
 * seq sees the whole record, and a reader which copied any byte of the
 * new record sees the slot's seq changed.
 */
sl_int_t
sl_ring_append(sl_ring_t *ring, const sl_media_unit_t *u)
{
    uint64_t         seq;
    sl_ring_slot_t  *slot;

    if (u->len > ring->max_len || u->track >= SL_RING_MAX_TRACKS) {
        return SL_ERROR;
    }

    seq = atomic_load_explicit(&ring->write_seq, memory_order_relaxed);
    slot = sl_ring_slot(ring, seq);

    atomic_store_explicit(&slot->seq, SL_RING_BUSY, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);

    atomic_store_explicit(&slot->dts, u->dts, memory_order_relaxed);
    atomic_store_explicit(&slot->pts, u->pts, memory_order_relaxed);
    atomic_store_explicit(&slot->len, u->len, memory_order_relaxed);
    atomic_store_explicit(&slot->track, (uint32_t) u->track,
                          memory_order_relaxed);
    atomic_store_explicit(&slot->flags, u->keyframe ? SL_RING_KEYFRAME : 0,
                          memory_order_relaxed);

    if (u->len) {
        sl_memcpy((u_char *) (slot + 1), u->data, u->len);
    }

    atomic_store_explicit(&slot->seq, seq, memory_order_release);
    atomic_store_explicit(&ring->write_seq, seq + 1, memory_order_release);

    if (u->keyframe) {
        atomic_store_explicit(&ring->key[u->track], seq + 1,
                              memory_order_release);
    }

    return SL_OK;
}


uint64_t
sl_ring_next(sl_ring_t *ring)
{
    return atomic_load_explicit(&ring->write_seq, memory_order_acquire);
}


uint64_t
sl_ring_oldest(sl_ring_t *ring)
{
    uint64_t  w;

    w = sl_ring_next(ring);

    return (w < ring->nslots) ? 0 : w - ring->nslots + 1;
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
 * Seqlock read.  The payload copy may race the writer (the bytes are
 * plain memory); whatever it copied is thrown away unless the slot's seq
 * is still *cursor after the acquire fence.
 */
sl_int_t
sl_ring_read(sl_ring_t *ring, uint64_t *cursor, sl_ring_unit_t *u,
    u_char *buf, size_t size)
{
    size_t           len;
    uint64_t         w, seq;
    uint32_t         flags;
    sl_ring_slot_t  *slot;

    seq = *cursor;
    w = atomic_load_explicit(&ring->write_seq, memory_order_acquire);

    if (seq >= w) {
        return (seq == w) ? SL_AGAIN : SL_ERROR;
    }

    if (w - seq > ring->nslots) {
        return SL_ABORT;
    }

    slot = sl_ring_slot(ring, seq);

    if (atomic_load_explicit(&slot->seq, memory_order_acquire) != seq) {
        return SL_ABORT;
    }

    len = atomic_load_explicit(&slot->len, memory_order_relaxed);
    u->dts = atomic_load_explicit(&slot->dts, memory_order_relaxed);
    u->pts = atomic_load_explicit(&slot->pts, memory_order_relaxed);
    u->track = atomic_load_explicit(&slot->track, memory_order_relaxed);
    flags = atomic_load_explicit(&slot->flags, memory_order_relaxed);

    if (len <= size && len <= ring->max_len && len) {
        sl_memcpy(buf, (u_char *) (slot + 1), len);
    }

    atomic_thread_fence(memory_order_acquire);

    if (atomic_load_explicit(&slot->seq, memory_order_relaxed) != seq) {
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
