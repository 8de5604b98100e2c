/*
 * MP3 tags and frame checks: what the MP3 reader and parser share (the
 * frame header itself is core's sl_media_mpa_header).
 */

#ifndef SL_FORMAT_MP3_H
#define SL_FORMAT_MP3_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_MP3_MAX_FRAME      2881           /* layer II, 160 kbit/s, 8 kHz */

/* the fields that stay fixed in a stream: sync, version, layer, rate */
#define SL_MP3_SAME_MASK      0xfffe0c00


/* what a Xing, Info or VBRI tag in the first frame tells */
typedef struct {
    uint32_t         frames;           /* 0 unknown */
    uint32_t         bytes;            /* 0 unknown */
    size_t           toc;              /* of the Xing TOC in the frame; 0 */
    unsigned         cbr:1;            /* an Info tag */
} sl_mp3_vbr_t;


sl_int_t sl_mp3_valid(uint32_t h, uint32_t ref, sl_media_mpa_header_t *fh);
size_t sl_mp3_id3v2(const u_char *p, size_t len);
sl_uint_t sl_mp3_vbr_tag(const sl_media_mpa_header_t *fh, const u_char *p,
    size_t len, sl_mp3_vbr_t *vbr);

sl_int_t sl_mp3_parse_init(sl_media_parser_t *p);
sl_int_t sl_mp3_parse(sl_media_parser_t *p, sl_media_unit_t *mu);

#endif /* SL_FORMAT_MP3_H */
