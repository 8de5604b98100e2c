/* MPEG-TS packets, PSI and the clock: what the TS reader and parser share. */

#ifndef SL_FORMAT_MPEGTS_H
#define SL_FORMAT_MPEGTS_H

#include <sl_config.h>
#include <sl_core.h>


/* packet sizes, the clock and PID fields are core's (sl_ts.h) */
#define SL_TS_UNIT_PACKETS   7             /* 1316 bytes, one RTP payload */
#define SL_TS_NO_PID         0x2000
#define SL_TS_MAX_RATE       ((double) (1 << 22))    /* ticks per byte */


/* one sample of the clock: a PCR, or a PTS/DTS when there is no PCR */
typedef struct {
    off_t            pos;       /* the byte it times */
    off_t            pkt;       /* the packet carrying it */
    int64_t          raw;       /* as coded, in 27 MHz ticks, modulo WRAP */
    int64_t          t;         /* ticks since the first sample */
} sl_ts_clock_t;

/* what the PSI (ISO/IEC 13818-1 §2.4.4) and a first look tell */
typedef struct {
    uint16_t         pmt_pid;
    uint16_t         pcr_pid;
    uint16_t         video_pid;
    uint16_t         audio_pid;
    uint16_t         pcr_seen_pid;   /* first PID seen carrying a PCR */
    uint16_t         pes_seen_pid;   /* first PID seen with a PTS */
    unsigned         have_pmt:1;
    unsigned         h264:1;         /* the video's stream_type is 0x1b */
} sl_ts_psi_t;


/* random_access_indicator in the adaptation field (§2.4.3.5) */
#define sl_ts_rai(p)                                                          \
    (((p)[3] & 0x20) && (p)[4] > 0 && ((p)[5] & SL_TS_AF_RANDOM_ACCESS))


sl_uint_t sl_ts_pcr(const u_char *p, int64_t *raw);
uint16_t sl_ts_pat(const u_char *p);
sl_int_t sl_ts_pmt(const u_char *p, sl_ts_psi_t *psi);
sl_uint_t sl_ts_random_access(const u_char *p, sl_uint_t rai,
    sl_uint_t h264);
double sl_ts_rate(int64_t ticks, off_t bytes);
int64_t sl_ts_clock_step(const sl_ts_clock_t *a, const sl_ts_clock_t *c,
    double rate);

sl_int_t sl_ts_parse_init(sl_media_parser_t *p);
sl_int_t sl_ts_parse(sl_media_parser_t *p, sl_media_unit_t *mu);

#endif /* SL_FORMAT_MPEGTS_H */
