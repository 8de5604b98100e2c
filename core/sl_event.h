/*
 * Events: one epoll instance per worker.  Connections are registered
 * once, edge-triggered, for both directions; listening sockets are
 * level-triggered.  Handlers run from sl_process_events_and_timers().
 */

#ifndef SL_EVENT_H
#define SL_EVENT_H

#include <sl_config.h>


struct sl_event_s {
    void                 *data;          /* the connection */
    sl_event_handler_pt   handler;
    sl_log_t             *log;

    sl_msec_t             timer_key;     /* when the timer fires */
    sl_uint_t             timer_index;   /* slot in the timer heap */

    sl_queue_t            queue;         /* posted events */

    unsigned              write:1;
    unsigned              accept:1;
    unsigned              active:1;      /* registered with epoll */
    unsigned              ready:1;
    unsigned              eof:1;
    unsigned              error:1;
    unsigned              timedout:1;
    unsigned              timer_set:1;
    unsigned              posted:1;
    unsigned              closed:1;
    unsigned              cancelable:1;  /* timer does not hold shutdown */
    unsigned              instance:1;    /* stale-event guard */
};

typedef struct {
    sl_int_t              connections;
} sl_event_conf_t;

/* posted events run after the epoll batch (accepts first) */
extern sl_queue_t  sl_posted_events;

#define sl_post_event(ev, q)                                                  \
    do {                                                                      \
        if (!(ev)->posted) {                                                  \
            (ev)->posted = 1;                                                 \
            sl_queue_insert_tail(q, &(ev)->queue);                            \
        }                                                                     \
    } while (0)

#define sl_delete_posted_event(ev)                                            \
    do {                                                                      \
        (ev)->posted = 0;                                                     \
        sl_queue_remove(&(ev)->queue);                                        \
    } while (0)

void sl_event_process_posted(sl_queue_t *posted);

/* both directions, edge-triggered, once per connection */
sl_int_t sl_event_add_conn(sl_connection_t *c);
sl_int_t sl_event_del_conn(sl_connection_t *c);
/* a listening connection, level-triggered, read only */
sl_int_t sl_event_add_listen(sl_connection_t *c);
sl_int_t sl_event_del_listen(sl_connection_t *c);

void sl_process_events_and_timers(sl_cycle_t *cycle);
void sl_event_accept(sl_event_t *ev);
/* the worker's listening connections start / stop accepting */
sl_int_t sl_enable_accept_events(sl_cycle_t *cycle);
void sl_close_listening_events(sl_cycle_t *cycle);

extern sl_module_t  sl_events_module;
extern sl_module_t  sl_event_core_module;
extern sl_uint_t    sl_event_flags;

#endif /* SL_EVENT_H */
