/*
 * Basic passwords that passed crypt(3), remembered for a while.  RTSP
 * players send the same Basic header with every request (DESCRIBE, each
 * SETUP, PLAY, every keep-alive), and a yescrypt check costs some 20 ms
 * of a worker's loop: without a memory, a thousand players starting at
 * once would stall a worker for over a minute.
 *
 * A worker keeps a direct-mapped table of SL_AUTH_BASIC_CACHE_SLOTS
 * entries, each HMAC-SHA256(key, stored-hash NUL password) with the time
 * until which it holds.  The key is random, made at the first use in
 * each process, so the table holds nothing a password can be found from
 * faster than from the users file's hashes; the stored hash is in the
 * MAC, so a changed password (a new hash after a reload) never matches
 * an old entry.  Only passwords that passed are entered; a wrong one
 * always costs its crypt(3), as a guesser should pay.
 */

#ifndef SL_AUTH_BASIC_CACHE_H
#define SL_AUTH_BASIC_CACHE_H

#include <sl_config.h>
#include <sl_core.h>
#include "sl_auth_users.h"


#define SL_AUTH_BASIC_CACHE_SLOTS  1024         /* 40 KB per worker */


/*
 * 1 when password, for u's stored hash, passed within the last entry's
 * lifetime (now < its end), else 0 (also when no key could be made).
 */
sl_uint_t sl_auth_basic_cache_find(const sl_auth_user_t *u,
    const u_char *password, size_t len, sl_msec_t now);

/* remembers that password passed for u's stored hash until now + valid */
void sl_auth_basic_cache_add(const sl_auth_user_t *u, const u_char *password,
    size_t len, sl_msec_t now, sl_msec_t valid);

#endif /* SL_AUTH_BASIC_CACHE_H */
