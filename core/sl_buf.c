/* Byte buffers. */

#include <sl_config.h>
#include <sl_core.h>


sl_buf_t *
sl_create_temp_buf(sl_pool_t *pool, size_t size)
{
    sl_buf_t  *b;

    b = sl_palloc(pool, sizeof(sl_buf_t));
    if (b == NULL) {
        return NULL;
    }

    b->start = sl_palloc(pool, size);
    if (b->start == NULL) {
        return NULL;
    }

    b->pos = b->start;
    b->last = b->start;
    b->end = b->start + size;

    return b;
}
