/*
 * Shared memory zones: anonymous shared mappings created by the master
 * for a cycle, before the workers fork, and matched by name across
 * reloads as nginx does.
 */

#ifndef SL_SHMEM_H
#define SL_SHMEM_H

#include <sl_config.h>
#include <sl_core.h>


typedef struct sl_shm_zone_s  sl_shm_zone_t;

/*
 * Called once the zone is mapped, before init_module.  old_data is the
 * data pointer of the previous cycle's zone when the mapping was taken
 * over from it (the memory then holds what the old cycle left there),
 * NULL for a new, zeroed mapping.  Sets zone->data; SL_OK or SL_ERROR
 * (logged by the callback), which fails the cycle.
 */
typedef sl_int_t (*sl_shm_zone_init_pt)(sl_shm_zone_t *zone, void *old_data);

typedef struct {
    u_char               *addr;       /* NULL: not mapped */
    size_t                size;
    sl_str_t              name;
    sl_log_t             *log;
} sl_shm_t;

struct sl_shm_zone_s {
    void                 *data;       /* the owner's, set by init */
    sl_shm_t              shm;
    sl_shm_zone_init_pt   init;
    void                 *tag;        /* the module that declared it */

    /* during sl_init_cycle: the old cycle's zone whose mapping this took */
    sl_shm_zone_t        *previous;
};


/* mmap(MAP_SHARED|MAP_ANONYMOUS) of shm->size zeroed bytes; SL_OK/ERROR */
sl_int_t sl_shm_alloc(sl_shm_t *shm);
void sl_shm_free(sl_shm_t *shm);

/*
 * Declares a zone in cf->cycle, or returns the one declared before with
 * the same name, size and tag.  Another size or tag under the same name
 * is logged with file:line and returns NULL.  The caller sets init (and
 * may set data) on the zone returned; name is copied.
 */
sl_shm_zone_t *sl_shm_zone_add(sl_conf_t *cf, const sl_str_t *name,
    size_t size, void *tag);

/* the zone of old whose mapping zone can take (same name, size, tag) */
sl_shm_zone_t *sl_shm_zone_match(sl_cycle_t *old, sl_shm_zone_t *zone);

/*
 * Maps every zone of cycle: takes over the mapping of old's matching
 * zone (marking it in zone->previous, old itself unchanged) or maps a
 * new one, then calls init.  On SL_ERROR (logged) the caller runs
 * sl_shm_zones_free(cycle), which leaves old's mappings alone.
 */
sl_int_t sl_shm_zones_init(sl_cycle_t *cycle, sl_cycle_t *old);

/* the cycle is committed: old cycles' zones taken over are theirs no more */
void sl_shm_zones_commit(sl_cycle_t *cycle);

/* unmaps the cycle's own mappings (not those still previous's) */
void sl_shm_zones_free(sl_cycle_t *cycle);

#endif /* SL_SHMEM_H */
