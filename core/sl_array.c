/* Growable arrays allocated from a pool. */

#include <sl_config.h>
#include <sl_core.h>


sl_array_t *
sl_array_create(sl_pool_t *p, sl_uint_t n, size_t size)
{
    sl_array_t  *a;

    a = sl_palloc(p, sizeof(sl_array_t));
    if (a == NULL) {
        return NULL;
    }

    if (sl_array_init(a, p, n, size) != SL_OK) {
        return NULL;
    }

    return a;
}


int
sl_array_init(sl_array_t *array, sl_pool_t *pool, sl_uint_t n, size_t size)
{
    array->nelts = 0;
    array->size = size;
    array->nalloc = n ? n : 1;
    array->pool = pool;

    array->elts = sl_palloc(pool, array->nalloc * size);
    if (array->elts == NULL) {
        return SL_ERROR;
    }

    return SL_OK;
}


void *
sl_array_push(sl_array_t *a)
{
    return sl_array_push_n(a, 1);
}


/* a push that grows the array moves it: earlier element pointers go stale */
void *
sl_array_push_n(sl_array_t *a, sl_uint_t n)
{
    void       *elt, *new;
    sl_uint_t   nalloc;

    if (a->nelts + n > a->nalloc) {
        nalloc = 2 * sl_max(n, a->nalloc);

        new = sl_palloc(a->pool, nalloc * a->size);
        if (new == NULL) {
            return NULL;
        }

        sl_memcpy(new, a->elts, a->nelts * a->size);
        a->elts = new;
        a->nalloc = nalloc;
    }

    elt = (u_char *) a->elts + a->size * a->nelts;
    a->nelts += n;

    sl_memzero(elt, n * a->size);

    return elt;
}
