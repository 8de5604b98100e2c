/* MPEG-TS basics shared by the reader and the muxer: timestamps, CRC. */

#include <sl_config.h>
#include <sl_core.h>


static uint32_t  sl_ts_crc_table[256];


int64_t
sl_ts_timestamp(const u_char *p)
{
    return ((int64_t) ((p[0] >> 1) & 0x07) << 30) | ((int64_t) p[1] << 22)
           | ((int64_t) (p[2] >> 1) << 15) | ((int64_t) p[3] << 7)
           | (p[4] >> 1);
}


u_char *
sl_ts_write_timestamp(u_char *p, sl_uint_t prefix, int64_t t)
{
    t &= SL_TS_PTS_WRAP - 1;

    /* 3, 15 and 15 bits, each followed by a marker bit */
    p[0] = (u_char) ((prefix << 4) | ((t >> 29) & 0x0e) | 1);
    p[1] = (u_char) (t >> 22);
    p[2] = (u_char) (((t >> 14) & 0xfe) | 1);
    p[3] = (u_char) (t >> 7);
    p[4] = (u_char) (((t << 1) & 0xfe) | 1);

    return p + 5;
}


/* the table is built on first use: 1 KB, no init hook needed */
uint32_t
sl_ts_crc32(const u_char *p, size_t len)
{
    uint32_t   crc, c;
    sl_uint_t  i, k;

    if (sl_ts_crc_table[1] == 0) {
        for (i = 0; i < 256; i++) {
            c = (uint32_t) i << 24;

            for (k = 0; k < 8; k++) {
                c = (c & 0x80000000) ? (c << 1) ^ 0x04c11db7 : c << 1;
            }

            sl_ts_crc_table[i] = c;
        }
    }

    crc = 0xffffffff;

    while (len--) {
        crc = (crc << 8) ^ sl_ts_crc_table[(crc >> 24) ^ *p++];
    }

    return crc;
}
