/* Cached wall-clock and monotonic time, updated once per event loop turn. */

#ifndef SL_TIMES_H
#define SL_TIMES_H

#include <sl_config.h>


extern volatile sl_msec_t  sl_current_msec;     /* monotonic, ms */
extern volatile time_t     sl_time_sec;         /* wall clock, s */
extern sl_str_t            sl_cached_err_log_time;  /* 2026/11/25 14:49:22 */
extern sl_str_t            sl_cached_http_time;     /* RFC 1123 date */

void sl_time_init(void);
void sl_time_update(void);
u_char *sl_http_time(u_char *buf, time_t t);

#endif /* SL_TIMES_H */
