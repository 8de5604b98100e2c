/* The MP4 reader's boxes and sample tables: what its two files share. */

#ifndef SL_FORMAT_MP4_H
#define SL_FORMAT_MP4_H

#include <sl_config.h>
#include <sl_core.h>


#define sl_mp4_type(a, b, c, d)                                               \
    (((uint32_t) (a) << 24) | ((b) << 16) | ((c) << 8) | (d))

#define SL_MP4_FTYP  sl_mp4_type('f', 't', 'y', 'p')
#define SL_MP4_MOOV  sl_mp4_type('m', 'o', 'o', 'v')
#define SL_MP4_MDAT  sl_mp4_type('m', 'd', 'a', 't')
#define SL_MP4_FREE  sl_mp4_type('f', 'r', 'e', 'e')
#define SL_MP4_SKIP  sl_mp4_type('s', 'k', 'i', 'p')
#define SL_MP4_WIDE  sl_mp4_type('w', 'i', 'd', 'e')
#define SL_MP4_TRAK  sl_mp4_type('t', 'r', 'a', 'k')
#define SL_MP4_MDIA  sl_mp4_type('m', 'd', 'i', 'a')
#define SL_MP4_MDHD  sl_mp4_type('m', 'd', 'h', 'd')
#define SL_MP4_HDLR  sl_mp4_type('h', 'd', 'l', 'r')
#define SL_MP4_MINF  sl_mp4_type('m', 'i', 'n', 'f')
#define SL_MP4_STBL  sl_mp4_type('s', 't', 'b', 'l')
#define SL_MP4_STSD  sl_mp4_type('s', 't', 's', 'd')
#define SL_MP4_STTS  sl_mp4_type('s', 't', 't', 's')
#define SL_MP4_CTTS  sl_mp4_type('c', 't', 't', 's')
#define SL_MP4_STSS  sl_mp4_type('s', 't', 's', 's')
#define SL_MP4_STSZ  sl_mp4_type('s', 't', 's', 'z')
#define SL_MP4_STSC  sl_mp4_type('s', 't', 's', 'c')
#define SL_MP4_STCO  sl_mp4_type('s', 't', 'c', 'o')
#define SL_MP4_CO64  sl_mp4_type('c', 'o', '6', '4')
#define SL_MP4_VIDE  sl_mp4_type('v', 'i', 'd', 'e')
#define SL_MP4_SOUN  sl_mp4_type('s', 'o', 'u', 'n')
#define SL_MP4_AVC1  sl_mp4_type('a', 'v', 'c', '1')
#define SL_MP4_AVC3  sl_mp4_type('a', 'v', 'c', '3')
#define SL_MP4_AVCC  sl_mp4_type('a', 'v', 'c', 'C')
#define SL_MP4_MP4A  sl_mp4_type('m', 'p', '4', 'a')
#define SL_MP4_ESDS  sl_mp4_type('e', 's', 'd', 's')
#define SL_MP4_WAVE  sl_mp4_type('w', 'a', 'v', 'e')


typedef struct {
    uint32_t         type;
    off_t            body;             /* of the payload */
    off_t            end;
} sl_mp4_box_t;

/* a table in the file, and a cache of some of its entries */
typedef struct {
    off_t            off;              /* of entry 0 */
    uint32_t         n;
    uint16_t         esize;            /* bytes per entry */
    uint16_t         cap;              /* bytes of buf */
    uint32_t         first;            /* the first entry in buf */
    uint32_t         cached;           /* entries in buf */
    u_char          *buf;
} sl_mp4_table_t;

typedef struct {
    sl_uint_t        track;            /* in mf->tracks */
    uint32_t         timescale;
    uint32_t         nsamples;
    uint32_t         sample_size;      /* stsz: all samples, 0 varying */

    sl_mp4_table_t   stts;
    sl_mp4_table_t   ctts;
    sl_mp4_table_t   stss;
    sl_mp4_table_t   stsz;
    sl_mp4_table_t   stsc;
    sl_mp4_table_t   stco;             /* or co64, esize 8 */

    /* the cursor: the next sample */
    uint32_t         sample;
    int64_t          dts;
    int64_t          next_us;          /* dts in microseconds */
    uint32_t         stts_i;
    uint32_t         stts_left;
    uint32_t         stts_delta;
    uint32_t         ctts_i;
    uint32_t         ctts_left;
    int32_t          ctts_off;
    uint32_t         stss_i;
    uint32_t         stss_next;        /* 1-based; 0: no more */
    uint32_t         stsc_i;
    uint32_t         stsc_spc;         /* samples per chunk */
    uint32_t         stsc_next;        /* first chunk (1-based) of the next */
    uint32_t         chunk;            /* 0-based */
    uint32_t         chunk_left;       /* samples left in the chunk */
    off_t            pos;              /* of the next sample */
} sl_mp4_trak_t;

/* what open() gathers from one trak before keeping it */
typedef struct {
    uint32_t         handler;
    uint32_t         timescale;
    int64_t          duration;
    sl_media_track_t tr;
    sl_mp4_trak_t    t;
    unsigned         has_stts:1;
    unsigned         has_stsz:1;
    unsigned         has_stsc:1;
    unsigned         has_stco:1;
} sl_mp4_parse_t;


sl_int_t sl_mp4_box(sl_media_file_t *mf, off_t off, off_t end,
    sl_mp4_box_t *b);
u_char *sl_mp4_entry(sl_media_file_t *mf, sl_mp4_table_t *t, uint32_t i);
sl_int_t sl_mp4_walk(sl_media_file_t *mf, sl_mp4_box_t *parent,
    sl_mp4_parse_t *ps, sl_uint_t depth);

#endif /* SL_FORMAT_MP4_H */
