/* Cached time, updated once per event loop turn. */

#include <sl_config.h>
#include <sl_core.h>


volatile sl_msec_t  sl_current_msec;
volatile time_t     sl_time_sec;

sl_str_t            sl_cached_err_log_time;
sl_str_t            sl_cached_http_time;

static u_char       err_log_time[sizeof("1970/09/28 12:00:00")];
static u_char       http_time[sizeof("Mon, 28 Sep 1970 06:00:00 GMT")];



void
sl_time_init(void)
{
    sl_cached_err_log_time.len = sizeof(err_log_time) - 1;
    sl_cached_err_log_time.data = err_log_time;
    sl_cached_http_time.len = sizeof(http_time) - 1;
    sl_cached_http_time.data = http_time;

    sl_time_update();
}


/* not async-signal-safe: called from the loops only, never a handler */
void
sl_time_update(void)
{
    time_t           sec;
    struct tm        tm;
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    sl_current_msec = (sl_msec_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

    sec = time(NULL);
    if (sec == sl_time_sec) {
        return;
    }

    sl_time_sec = sec;

    localtime_r(&sec, &tm);
    (void) strftime((char *) err_log_time, sizeof(err_log_time),
                    "%Y/%m/%d %H:%M:%S", &tm);

    (void) sl_http_time(http_time, sec);
}


/* RFC 1123 date, as RTSP and HTTP Date: headers want; returns the end */
u_char *
sl_http_time(u_char *buf, time_t t)
{
    struct tm  tm;

    gmtime_r(&t, &tm);

    /* the process never calls setlocale(): day and month names are C's */
    return buf + strftime((char *) buf, sizeof(http_time),
                          "%a, %d %b %Y %H:%M:%S GMT", &tm);
}
