/* Timers: a binary min-heap of events keyed by their expiry time. */

#ifndef SL_EVENT_TIMER_H
#define SL_EVENT_TIMER_H

#include <sl_config.h>


#define SL_TIMER_INFINITE  (sl_msec_t) -1

sl_int_t sl_event_timer_init(sl_log_t *log);
/* ms until the next timer, SL_TIMER_INFINITE when none */
sl_msec_t sl_event_find_timer(void);
void sl_event_expire_timers(void);
/* SL_OK when only cancelable timers are left (shutdown may proceed) */
sl_int_t sl_event_no_timers_left(void);

void sl_event_add_timer(sl_event_t *ev, sl_msec_t timer);
void sl_event_del_timer(sl_event_t *ev);

#endif /* SL_EVENT_TIMER_H */
