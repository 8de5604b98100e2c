/*
 * Sources a broadcast point runs itself: playlists (sl_pp_playlist.c);
 * pulled URLs have sl_pp_pull.h.
 */

#ifndef SL_PP_SOURCE_H
#define SL_PP_SOURCE_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>


typedef struct sl_pp_player_s  sl_pp_player_t;

/* reads the playlist file and starts playing it into lv; NULL (logged) */
sl_pp_player_t *sl_pp_player_start(sl_cycle_t *cycle, sl_live_t *lv,
    const sl_str_t *file);
void sl_pp_player_stop(sl_pp_player_t *pp);

#endif /* SL_PP_SOURCE_H */
