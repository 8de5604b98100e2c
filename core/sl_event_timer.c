/*
 * Timers in a binary min-heap: add, delete and re-arm are O(log n), the
 * next expiry is O(1).  Each event remembers its heap slot.
 */

#include <sl_config.h>
#include <sl_core.h>


static sl_event_t  **heap;
static sl_uint_t     heap_n;
static sl_uint_t     heap_alloc;


static void
sl_timer_swap(sl_uint_t a, sl_uint_t b)
{
    sl_event_t  *t;

    t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;

    heap[a]->timer_index = a;
    heap[b]->timer_index = b;
}


static void
sl_timer_up(sl_uint_t i)
{
    sl_uint_t  parent;

    while (i > 0) {
        parent = (i - 1) / 2;

        if (heap[parent]->timer_key <= heap[i]->timer_key) {
            break;
        }

        sl_timer_swap(i, parent);
        i = parent;
    }
}


static void
sl_timer_down(sl_uint_t i)
{
    sl_uint_t  l, r, min;

    for ( ;; ) {
        l = 2 * i + 1;
        r = l + 1;
        min = i;

        if (l < heap_n && heap[l]->timer_key < heap[min]->timer_key) {
            min = l;
        }

        if (r < heap_n && heap[r]->timer_key < heap[min]->timer_key) {
            min = r;
        }

        if (min == i) {
            return;
        }

        sl_timer_swap(i, min);
        i = min;
    }
}


sl_int_t
sl_event_timer_init(sl_log_t *log)
{
    /* once per process: a second call keeps the heap and its timers */
    if (heap) {
        return SL_OK;
    }

    heap_alloc = 1024;
    heap_n = 0;

    heap = sl_alloc(heap_alloc * sizeof(sl_event_t *), log);
    if (heap == NULL) {
        return SL_ERROR;
    }

    return SL_OK;
}


void
sl_event_add_timer(sl_event_t *ev, sl_msec_t timer)
{
    sl_event_t  **new;

    if (ev->timer_set) {
        sl_event_del_timer(ev);
    }

    if (heap_n == heap_alloc) {
        new = realloc(heap, 2 * heap_alloc * sizeof(sl_event_t *));
        if (new == NULL) {
            sl_log_error(SL_LOG_ALERT, ev->log, errno,
                         "timer heap realloc() failed");
            return;
        }

        heap = new;
        heap_alloc *= 2;
    }

    ev->timer_key = sl_current_msec + timer;
    ev->timer_index = heap_n;
    ev->timer_set = 1;
    heap[heap_n++] = ev;

    sl_timer_up(ev->timer_index);
}


void
sl_event_del_timer(sl_event_t *ev)
{
    sl_uint_t  i;

    if (!ev->timer_set) {
        return;
    }

    i = ev->timer_index;
    ev->timer_set = 0;
    heap_n--;

    if (i != heap_n) {
        heap[i] = heap[heap_n];
        heap[i]->timer_index = i;
        sl_timer_up(i);
        sl_timer_down(heap[i]->timer_index);
    }
}


sl_msec_t
sl_event_find_timer(void)
{
    if (heap_n == 0) {
        return SL_TIMER_INFINITE;
    }

    if (heap[0]->timer_key <= sl_current_msec) {
        return 0;
    }

    return heap[0]->timer_key - sl_current_msec;
}


void
sl_event_expire_timers(void)
{
    sl_event_t  *ev;

    while (heap_n && heap[0]->timer_key <= sl_current_msec) {
        ev = heap[0];
        sl_event_del_timer(ev);

        ev->timedout = 1;
        ev->handler(ev);
    }
}


sl_int_t
sl_event_no_timers_left(void)
{
    sl_uint_t  i;

    for (i = 0; i < heap_n; i++) {
        if (!heap[i]->cancelable) {
            return SL_AGAIN;
        }
    }

    return SL_OK;
}
