/*
 * Memory pools: many small allocations freed together, plus cleanup
 * handlers run when the pool is destroyed.
 */

#ifndef SL_PALLOC_H
#define SL_PALLOC_H

#include <sl_config.h>


#define SL_POOL_DEFAULT_SIZE   (16 * 1024)
#define SL_POOL_MIN_SIZE       256

typedef void (*sl_pool_cleanup_pt)(void *data);

typedef struct sl_pool_cleanup_s  sl_pool_cleanup_t;

struct sl_pool_cleanup_s {
    sl_pool_cleanup_pt   handler;
    void                *data;
    sl_pool_cleanup_t   *next;
};

typedef struct sl_pool_large_s  sl_pool_large_t;

struct sl_pool_large_s {
    sl_pool_large_t     *next;
    void                *alloc;
};

typedef struct sl_pool_block_s  sl_pool_block_t;

struct sl_pool_block_s {
    u_char              *last;
    u_char              *end;
    sl_pool_block_t     *next;
    sl_uint_t            failed;
};

struct sl_pool_s {
    sl_pool_block_t      block;     /* first block, data follows the pool */
    size_t               max;       /* larger requests go to the large list */
    sl_pool_block_t     *current;
    sl_pool_large_t     *large;
    sl_pool_cleanup_t   *cleanup;
    struct sl_log_s     *log;
};


void *sl_alloc(size_t size, struct sl_log_s *log);
void *sl_calloc(size_t size, struct sl_log_s *log);
#define sl_free  free

sl_pool_t *sl_create_pool(size_t size, struct sl_log_s *log);
void sl_destroy_pool(sl_pool_t *pool);
void sl_reset_pool(sl_pool_t *pool);

void *sl_palloc(sl_pool_t *pool, size_t size);     /* aligned */
void *sl_pnalloc(sl_pool_t *pool, size_t size);    /* unaligned */
void *sl_pcalloc(sl_pool_t *pool, size_t size);
sl_int_t sl_pfree(sl_pool_t *pool, void *p);        /* large blocks only */
u_char *sl_pstrdup(sl_pool_t *pool, const sl_str_t *src);

/* adds a cleanup (size > 0 allocates its data) run at destroy time */
sl_pool_cleanup_t *sl_pool_cleanup_add(sl_pool_t *p, size_t size);

#endif /* SL_PALLOC_H */
