/* Archiving a broadcast point's live stream to files (sl_pp_archive.c). */

#ifndef SL_PP_ARCHIVE_H
#define SL_PP_ARCHIVE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>


typedef struct sl_pp_archive_s  sl_pp_archive_t;

/*
 * Archives what lv's source writes: files named strftime(pattern) plus
 * ".mp3" or ".ts", a new one past max_duration or max_size (0: no
 * limit).  Sets lv's taps.  NULL on no memory.
 */
sl_pp_archive_t *sl_pp_archive_create(sl_conf_t *cf, sl_live_t *lv,
    const sl_str_t *pattern, sl_msec_t max_duration, off_t max_size);

#endif /* SL_PP_ARCHIVE_H */
