/*
 * The auth module's table in shared memory: failures per client address
 * (brute-force lockout) and the highest nonce-count seen per Digest
 * nonce (replay detection), seen alike by every worker.  A fixed-size
 * open-addressing hash table behind a spinlock, and the pure policies
 * that decide on its entries; unit-tested.
 */

#ifndef SL_AUTH_SHM_H
#define SL_AUTH_SHM_H

#include <sl_config.h>
#include <sl_core.h>
#include <stdatomic.h>


#define SL_AUTH_SHM_KEY_LEN   64        /* a Digest nonce, whole */
#define SL_AUTH_SHM_PROBES    8         /* slots looked at per key */

typedef enum {
    SL_AUTH_SHM_FREE = 0,
    SL_AUTH_SHM_ADDR,                   /* key: sl_auth_shm_addr_key() */
    SL_AUTH_SHM_NONCE                   /* key: the nonce as sent */
} sl_auth_shm_kind_e;

/*
 * One slot.  An entry may be dropped once now >= expire: nothing in it
 * matters any more (the window and the lockout are over, the nonce is
 * stale).  For an address: count failures since start, locked until
 * until; for a nonce: count the highest nc taken, start its last use.
 */
typedef struct {
    uint32_t              hash;
    uint8_t               kind;         /* sl_auth_shm_kind_e */
    uint8_t               len;
    u_char                key[SL_AUTH_SHM_KEY_LEN];
    uint32_t              count;
    time_t                start;
    time_t                until;
    time_t                expire;
} sl_auth_shm_entry_t;

typedef struct {
    atomic_uint           lock;         /* 0 free, 1 held */
    uint32_t              nslots;
    sl_auth_shm_entry_t   slots[];
} sl_auth_shm_t;


/* bytes a table of nslots needs */
#define SL_AUTH_SHM_SIZE(nslots)                                             \
    (sizeof(sl_auth_shm_t) + (size_t) (nslots) * sizeof(sl_auth_shm_entry_t))

/*
 * Lays out an empty table in size bytes at addr (zeroed memory, as a
 * new mapping is), aligned for the entries.  NULL when size holds fewer
 * than SL_AUTH_SHM_PROBES slots.
 */
sl_auth_shm_t *sl_auth_shm_init(void *addr, size_t size);

/*
 * The spinlock: held only around lookups and updates of a few entries,
 * never across a system call, so a waiter spins and yields the CPU now
 * and then.  A worker that dies holding it (it cannot block in it) would
 * leave it held: the critical sections do not fail.
 */
void sl_auth_shm_lock(sl_auth_shm_t *t);
void sl_auth_shm_unlock(sl_auth_shm_t *t);

/*
 * The entry of (kind, key), lock held.  It is looked for in the
 * SL_AUTH_SHM_PROBES slots from the key's hash; one whose expire has
 * passed does not count.  With create, a missing entry takes the first
 * free or expired slot of those, else the one that expires soonest
 * (the oldest), and comes back zeroed but for its key; without create,
 * NULL.  len at most SL_AUTH_SHM_KEY_LEN (longer keys: NULL).
 */
sl_auth_shm_entry_t *sl_auth_shm_get(sl_auth_shm_t *t,
    sl_auth_shm_kind_e kind, const u_char *key, size_t len, time_t now,
    sl_uint_t create);

/*
 * The key of a client address: family byte and address bytes, an
 * IPv4-mapped IPv6 address as IPv4 (no port).  buf holds 17 bytes;
 * returns the length.
 */
size_t sl_auth_shm_addr_key(const struct sockaddr *sa, u_char *buf);


/* auth_max_failures, auth_failure_window and auth_lockout, in seconds */
typedef struct {
    sl_uint_t             max_failures; /* 0: no lockout */
    time_t                window;       /* seconds */
    time_t                lockout;      /* seconds */
} sl_auth_lockout_t;

/* seconds left of the lockout of an address entry at now, 0 if none */
time_t sl_auth_lockout_left(const sl_auth_shm_entry_t *e, time_t now);

/*
 * Counts a failure of the address entry e at now.  A window opens at
 * the first failure and lasts lc->window; failures are counted within
 * it and a success does not reset it.  The failure that reaches
 * lc->max_failures locks the address for lc->lockout from now and
 * starts a new window.  Returns 1 when this failure locked it, else 0.
 */
sl_uint_t sl_auth_lockout_fail(sl_auth_shm_entry_t *e,
    const sl_auth_lockout_t *lc, time_t now);

/*
 * Takes the nonce-count nc of a right Digest response with qop for the
 * nonce entry e at now; the entry expires with the nonce (at expire).
 * An nc not above the highest taken before is a replay: returns 0 and
 * leaves e alone.  Else records nc and returns 1.  (RFC 7616 §3.4:
 * the client increments nc for each request with the same nonce.)
 */
sl_uint_t sl_auth_replay_take(sl_auth_shm_entry_t *e, uint32_t nc,
    time_t now, time_t expire);

#endif /* SL_AUTH_SHM_H */
