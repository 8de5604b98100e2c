/* Growable arrays allocated from a pool. */

#ifndef SL_ARRAY_H
#define SL_ARRAY_H

#include <sl_config.h>


typedef struct {
    void       *elts;
    sl_uint_t   nelts;
    size_t      size;
    sl_uint_t   nalloc;
    struct sl_pool_s  *pool;
} sl_array_t;

struct sl_array_s;

sl_array_t *sl_array_create(struct sl_pool_s *p, sl_uint_t n, size_t size);
int sl_array_init(sl_array_t *array, struct sl_pool_s *pool, sl_uint_t n,
    size_t size);
/* returns a pointer to a new zeroed element or NULL when out of memory */
void *sl_array_push(sl_array_t *a);
void *sl_array_push_n(sl_array_t *a, sl_uint_t n);

#endif /* SL_ARRAY_H */
