/* Byte buffers: a window [pos, last) over [start, end). */

#ifndef SL_BUF_H
#define SL_BUF_H

#include <sl_config.h>


struct sl_buf_s {
    u_char   *pos;
    u_char   *last;
    u_char   *start;
    u_char   *end;
};

#define sl_buf_size(b)   (size_t) ((b)->last - (b)->pos)
#define sl_buf_free(b)   (size_t) ((b)->end - (b)->last)

sl_buf_t *sl_create_temp_buf(struct sl_pool_s *pool, size_t size);

#endif /* SL_BUF_H */
