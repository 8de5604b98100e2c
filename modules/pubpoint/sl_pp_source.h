/*
 * Sources a broadcast point runs itself: playlists (sl_pp_playlist.c);
 * pulled URLs have sl_pp_pull.h.
 */

#ifndef SL_PP_SOURCE_H
#define SL_PP_SOURCE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include <sl_playlist.h>
#include <sl_pp_pull.h>


typedef struct sl_pp_player_s  sl_pp_player_t;

/* "source playlist FILE", as the configuration leaves it (read-only) */
typedef struct {
    sl_playlist_t            *pl;
    sl_pp_pull_conf_t       **pulls;    /* of each URL entry, by index;
                                           [pl->nentries]: the wrapper's */
} sl_pp_player_conf_t;


/*
 * With the configuration: reads the playlist file (an absolute path)
 * and configures the pull of each URL entry, its host resolved now.
 * SL_OK, or SL_ERROR logged with the playlist's FILE:LINE.
 */
sl_int_t sl_pp_player_configure(sl_conf_t *cf, const sl_str_t *file,
    sl_pp_player_conf_t *pc);
/* starts playing the playlist into lv; NULL (logged) */
sl_pp_player_t *sl_pp_player_start(sl_cycle_t *cycle, sl_live_t *lv,
    const sl_pp_player_conf_t *pc);
void sl_pp_player_stop(sl_pp_player_t *pp);

#endif /* SL_PP_SOURCE_H */
