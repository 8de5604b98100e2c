/*
 * MPEG-TS (ISO/IEC 13818-1) basics that the reader (modules/format) and
 * the muxer (core/sl_ts_mux) share: packet constants, header fields,
 * PES timestamps and the CRC of PSI sections.
 */

#ifndef SL_TS_H
#define SL_TS_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_TS_PACKET         188
#define SL_TS_SYNC           0x47
#define SL_TS_NULL_PID       0x1fff

#define SL_TS_CLOCK          27000000      /* PCR ticks per second */
#define SL_TS_WRAP           ((int64_t) 300 << 33)   /* of the PCR */
#define SL_TS_PTS_WRAP       ((int64_t) 1 << 33)     /* of PTS and DTS */

/* the adaptation field's flags (§2.4.3.4) */
#define SL_TS_AF_DISCONTINUITY   0x80
#define SL_TS_AF_RANDOM_ACCESS   0x40
#define SL_TS_AF_PCR             0x10

#define sl_ts_pid(p)  (uint16_t) ((((p)[1] & 0x1f) << 8) | (p)[2])
#define sl_ts_pusi(p)  ((p)[1] & 0x40)

/* a 33-bit PTS or DTS at p, 5 bytes (§2.4.3.7) */
int64_t sl_ts_timestamp(const u_char *p);

/*
 * Writes t (modulo 2^33) as a PTS or DTS at p: prefix is the 4 bits
 * before it ('0010' PTS alone, '0011' PTS before a DTS, '0001' DTS);
 * returns p + 5.
 */
u_char *sl_ts_write_timestamp(u_char *p, sl_uint_t prefix, int64_t t);

/*
 * The CRC_32 of PSI sections (§2.4.4.10, Annex A): polynomial
 * 0x04c11db7, initial value 0xffffffff, no reflection, no final xor.
 * Over a whole section, its CRC_32 field included, it is 0.
 */
uint32_t sl_ts_crc32(const u_char *p, size_t len);

#endif /* SL_TS_H */
