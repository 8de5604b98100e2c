/* Memory pools. */

#include <sl_config.h>
#include <sl_core.h>


static void *sl_palloc_small(sl_pool_t *pool, size_t size, sl_uint_t align);
static void *sl_palloc_block(sl_pool_t *pool, size_t size);
static void *sl_palloc_large(sl_pool_t *pool, size_t size);


void *
sl_alloc(size_t size, sl_log_t *log)
{
    void  *p;

    p = malloc(size);
    if (p == NULL && log) {
        sl_log_error(SL_LOG_EMERG, log, errno, "malloc(%zu) failed", size);
    }

    return p;
}


void *
sl_calloc(size_t size, sl_log_t *log)
{
    void  *p;

    p = sl_alloc(size, log);
    if (p) {
        sl_memzero(p, size);
    }

    return p;
}


sl_pool_t *
sl_create_pool(size_t size, sl_log_t *log)
{
    sl_pool_t  *p;

    if (size < sizeof(sl_pool_t) + SL_POOL_MIN_SIZE) {
        size = sizeof(sl_pool_t) + SL_POOL_MIN_SIZE;
    }

    p = sl_alloc(size, log);
    if (p == NULL) {
        return NULL;
    }

    p->block.last = (u_char *) p + sizeof(sl_pool_t);
    p->block.end = (u_char *) p + size;
    p->block.next = NULL;
    p->block.failed = 0;

    size -= sizeof(sl_pool_t);
    p->max = sl_min(size, (size_t) 4096);
    p->current = &p->block;
    p->large = NULL;
    p->cleanup = NULL;
    p->log = log;

    return p;
}


void
sl_destroy_pool(sl_pool_t *pool)
{
    sl_pool_cleanup_t  *c;
    sl_pool_large_t    *l;
    sl_pool_block_t    *b, *n;

    for (c = pool->cleanup; c; c = c->next) {
        if (c->handler) {
            c->handler(c->data);
        }
    }

    for (l = pool->large; l; l = l->next) {
        sl_free(l->alloc);
    }

    for (b = pool->block.next; b; b = n) {
        n = b->next;
        sl_free(b);
    }

    sl_free(pool);
}


/* frees large blocks and extra blocks, keeps the pool itself */
void
sl_reset_pool(sl_pool_t *pool)
{
    sl_pool_large_t  *l;
    sl_pool_block_t  *b, *n;

    for (l = pool->large; l; l = l->next) {
        sl_free(l->alloc);
    }

    for (b = pool->block.next; b; b = n) {
        n = b->next;
        sl_free(b);
    }

    pool->block.last = (u_char *) pool + sizeof(sl_pool_t);
    pool->block.next = NULL;
    pool->block.failed = 0;
    pool->current = &pool->block;
    pool->large = NULL;
}


void *
sl_palloc(sl_pool_t *pool, size_t size)
{
    if (size <= pool->max) {
        return sl_palloc_small(pool, size, 1);
    }

    return sl_palloc_large(pool, size);
}


void *
sl_pnalloc(sl_pool_t *pool, size_t size)
{
    if (size <= pool->max) {
        return sl_palloc_small(pool, size, 0);
    }

    return sl_palloc_large(pool, size);
}


void *
sl_pcalloc(sl_pool_t *pool, size_t size)
{
    void  *p;

    p = sl_palloc(pool, size);
    if (p) {
        sl_memzero(p, size);
    }

    return p;
}


static void *
sl_palloc_small(sl_pool_t *pool, size_t size, sl_uint_t align)
{
    u_char           *m;
    sl_pool_block_t  *b;

    for (b = pool->current; b; b = b->next) {
        m = b->last;

        if (align) {
            m = sl_align_ptr(m, SL_ALIGNMENT);
        }

        if (m <= b->end && (size_t) (b->end - m) >= size) {
            b->last = m + size;
            return m;
        }
    }

    return sl_palloc_block(pool, size);
}


static void *
sl_palloc_block(sl_pool_t *pool, size_t size)
{
    u_char           *m;
    size_t            psize;
    sl_pool_block_t  *b, *new;

    psize = (size_t) (pool->block.end - (u_char *) pool);

    m = sl_alloc(psize, pool->log);
    if (m == NULL) {
        return NULL;
    }

    new = (sl_pool_block_t *) m;
    new->end = m + psize;
    new->next = NULL;
    new->failed = 0;

    m = sl_align_ptr(m + sizeof(sl_pool_block_t), SL_ALIGNMENT);
    new->last = m + size;

    /* a block that failed often stops being searched first */
    for (b = pool->current; b->next; b = b->next) {
        if (b->failed++ > 4) {
            pool->current = b->next;
        }
    }

    b->next = new;

    return m;
}


static void *
sl_palloc_large(sl_pool_t *pool, size_t size)
{
    void             *p;
    sl_pool_large_t  *large;

    p = sl_alloc(size, pool->log);
    if (p == NULL) {
        return NULL;
    }

    large = sl_palloc_small(pool, sizeof(sl_pool_large_t), 1);
    if (large == NULL) {
        sl_free(p);
        return NULL;
    }

    large->alloc = p;
    large->next = pool->large;
    pool->large = large;

    return p;
}


sl_int_t
sl_pfree(sl_pool_t *pool, void *p)
{
    sl_pool_large_t  *l;

    for (l = pool->large; l; l = l->next) {
        if (p == l->alloc) {
            sl_free(l->alloc);
            l->alloc = NULL;
            return SL_OK;
        }
    }

    return SL_DECLINED;
}


u_char *
sl_pstrdup(sl_pool_t *pool, const sl_str_t *src)
{
    u_char  *dst;

    dst = sl_pnalloc(pool, src->len + 1);
    if (dst == NULL) {
        return NULL;
    }

    sl_memcpy(dst, src->data, src->len);
    dst[src->len] = '\0';

    return dst;
}


sl_pool_cleanup_t *
sl_pool_cleanup_add(sl_pool_t *p, size_t size)
{
    sl_pool_cleanup_t  *c;

    c = sl_palloc(p, sizeof(sl_pool_cleanup_t));
    if (c == NULL) {
        return NULL;
    }

    if (size) {
        c->data = sl_palloc(p, size);
        if (c->data == NULL) {
            return NULL;
        }

    } else {
        c->data = NULL;
    }

    c->handler = NULL;
    c->next = p->cleanup;
    p->cleanup = c;

    return c;
}
