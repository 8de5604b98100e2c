/*
 * Shared memory zones: declaration at config time, mapping and takeover
 * across reloads in sl_init_cycle.
 */

#include <sl_config.h>
#include <sl_core.h>

#include <sys/mman.h>


sl_int_t
sl_shm_alloc(sl_shm_t *shm)
{
    void  *p;

    p = mmap(NULL, shm->size, PROT_READ | PROT_WRITE,
             MAP_ANONYMOUS | MAP_SHARED, -1, 0);

    if (p == MAP_FAILED) {
        sl_log_error(SL_LOG_EMERG, shm->log, errno,
                     "mmap(MAP_ANONYMOUS|MAP_SHARED, %zu) for zone \"%.*s\" "
                     "failed", shm->size, SL_STR_ARG(&shm->name));
        shm->addr = NULL;
        return SL_ERROR;
    }

    shm->addr = p;

    return SL_OK;
}


void
sl_shm_free(sl_shm_t *shm)
{
    if (shm->addr == NULL) {
        return;
    }

    if (munmap(shm->addr, shm->size) == -1) {
        sl_log_error(SL_LOG_ALERT, shm->log, errno,
                     "munmap(%p, %zu) for zone \"%.*s\" failed",
                     (void *) shm->addr, shm->size, SL_STR_ARG(&shm->name));
    }

    shm->addr = NULL;
}


sl_shm_zone_t *
sl_shm_zone_add(sl_conf_t *cf, const sl_str_t *name, size_t size, void *tag)
{
    sl_uint_t       i;
    sl_shm_zone_t  *zone, **zp;

    zp = cf->cycle->shm_zones.elts;

    for (i = 0; i < cf->cycle->shm_zones.nelts; i++) {
        zone = zp[i];

        if (zone->shm.name.len != name->len
            || sl_strncmp(zone->shm.name.data, name->data, name->len) != 0)
        {
            continue;
        }

        if (zone->tag != tag) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "the shared memory zone \"%.*s\" is already "
                              "declared for another use",
                              SL_STR_ARG(name));
            return NULL;
        }

        if (zone->shm.size != size) {
            sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                              "the size %zu of shared memory zone \"%.*s\" "
                              "conflicts with already declared size %zu",
                              size, SL_STR_ARG(name), zone->shm.size);
            return NULL;
        }

        return zone;
    }

    if (size == 0) {
        sl_conf_log_error(SL_LOG_EMERG, cf, 0,
                          "zero size of shared memory zone \"%.*s\"",
                          SL_STR_ARG(name));
        return NULL;
    }

    zone = sl_pcalloc(cf->pool, sizeof(sl_shm_zone_t));
    zp = sl_array_push(&cf->cycle->shm_zones);

    if (zone == NULL || zp == NULL) {
        return NULL;
    }

    zone->shm.name.data = sl_pstrdup(cf->pool, name);
    if (zone->shm.name.data == NULL) {
        return NULL;
    }

    zone->shm.name.len = name->len;
    zone->shm.size = size;
    zone->shm.log = cf->cycle->log;
    zone->tag = tag;

    *zp = zone;

    return zone;
}


sl_shm_zone_t *
sl_shm_zone_match(sl_cycle_t *old, sl_shm_zone_t *zone)
{
    sl_uint_t       i;
    sl_shm_zone_t  *oz, **ozp;

    ozp = old->shm_zones.elts;

    for (i = 0; i < old->shm_zones.nelts; i++) {
        oz = ozp[i];

        if (oz->shm.addr != NULL
            && oz->tag == zone->tag
            && oz->shm.size == zone->shm.size
            && oz->shm.name.len == zone->shm.name.len
            && sl_strncmp(oz->shm.name.data, zone->shm.name.data,
                          zone->shm.name.len) == 0)
        {
            return oz;
        }
    }

    return NULL;
}


sl_int_t
sl_shm_zones_init(sl_cycle_t *cycle, sl_cycle_t *old)
{
    void           *old_data;
    sl_uint_t       i;
    sl_shm_zone_t  *zone, *oz, **zp;

    zp = cycle->shm_zones.elts;

    for (i = 0; i < cycle->shm_zones.nelts; i++) {
        zone = zp[i];
        zone->shm.log = cycle->log;

        oz = sl_shm_zone_match(old, zone);

        if (oz != NULL) {
            zone->shm.addr = oz->shm.addr;
            zone->previous = oz;
            old_data = oz->data;

        } else {
            if (sl_shm_alloc(&zone->shm) != SL_OK) {
                return SL_ERROR;
            }

            old_data = NULL;
        }

        if (zone->init == NULL) {
            sl_log_error(SL_LOG_EMERG, cycle->log, 0,
                         "shared memory zone \"%.*s\" has no init",
                         SL_STR_ARG(&zone->shm.name));
            return SL_ERROR;
        }

        if (zone->init(zone, old_data) != SL_OK) {
            return SL_ERROR;
        }
    }

    return SL_OK;
}


void
sl_shm_zones_commit(sl_cycle_t *cycle)
{
    sl_uint_t       i;
    sl_shm_zone_t  *zone, **zp;

    zp = cycle->shm_zones.elts;

    for (i = 0; i < cycle->shm_zones.nelts; i++) {
        zone = zp[i];

        if (zone->previous != NULL) {
            zone->previous->shm.addr = NULL;
            zone->previous->data = NULL;
            zone->previous = NULL;
        }
    }
}


void
sl_shm_zones_free(sl_cycle_t *cycle)
{
    sl_uint_t       i;
    sl_shm_zone_t  *zone, **zp;

    zp = cycle->shm_zones.elts;

    for (i = 0; i < cycle->shm_zones.nelts; i++) {
        zone = zp[i];

        if (zone->previous != NULL) {
            /* still the old cycle's mapping */
            zone->shm.addr = NULL;
            zone->previous = NULL;
            continue;
        }

        sl_shm_free(&zone->shm);
    }
}
