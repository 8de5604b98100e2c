/* Intrusive doubly linked lists (nginx's ngx_queue_t shape). */

#ifndef SL_QUEUE_H
#define SL_QUEUE_H

#include <stddef.h>


typedef struct sl_queue_s  sl_queue_t;

struct sl_queue_s {
    sl_queue_t  *prev;
    sl_queue_t  *next;
};

#define sl_queue_init(q)       do { (q)->prev = q; (q)->next = q; } while (0)
#define sl_queue_empty(h)      ((h) == (h)->prev)
#define sl_queue_head(h)       (h)->next
#define sl_queue_last(h)       (h)->prev
#define sl_queue_sentinel(h)   (h)
#define sl_queue_next(q)       (q)->next
#define sl_queue_prev(q)       (q)->prev
#define sl_queue_data(q, type, link)                                          \
    (type *) ((u_char *) q - offsetof(type, link))

#define sl_queue_insert_head(h, x)                                            \
    do {                                                                      \
        (x)->next = (h)->next; (x)->next->prev = x;                           \
        (x)->prev = h; (h)->next = x;                                         \
    } while (0)

#define sl_queue_insert_tail(h, x)                                            \
    do {                                                                      \
        (x)->prev = (h)->prev; (x)->prev->next = x;                           \
        (x)->next = h; (h)->prev = x;                                         \
    } while (0)

#define sl_queue_remove(x)                                                    \
    do {                                                                      \
        (x)->next->prev = (x)->prev; (x)->prev->next = (x)->next;             \
        (x)->prev = NULL; (x)->next = NULL;                                   \
    } while (0)

#endif /* SL_QUEUE_H */
