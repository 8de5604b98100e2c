/*
 * The MPEG-TS muxer (ISO/IEC 13818-1): media units in, 188-byte
 * transport packets out, one PES per unit; for HTTP listeners of a live
 * stream and for .ts archives.  One program: the PAT, the PMT on PID
 * SL_TS_MUX_PMT_PID, track i on PID SL_TS_MUX_PID + i.  H.264 goes as an
 * Annex B byte stream (stream_type 0x1b), AAC with an ADTS header on
 * every frame (0x0f), MPEG audio as it is (0x03, 0x04 below 32 kHz).
 * Pure: no I/O and no clock, every time comes from the units.
 */

#ifndef SL_TS_MUX_H
#define SL_TS_MUX_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_TS_MUX_PMT_PID    0x1000
#define SL_TS_MUX_PID        0x100          /* of track 0 */

/*
 * PTS and DTS are the units' times in 90 kHz plus this, the PCR their
 * DTS without it: the time a decoder holds a unit before decoding it
 * (0.7 s, as most muxers do).
 */
#define SL_TS_MUX_DELAY      63000

typedef struct sl_ts_mux_s  sl_ts_mux_t;

/*
 * A muxer for tracks (copied: the tracks and their configs need not
 * outlive the call), allocated from pool.  NULL when a track cannot be
 * muxed: SL_CODEC_MP2T (callers pass those packets through), H.264 with
 * a nal_length_size other than 1, 2 or 4, AAC whose AudioSpecificConfig
 * an ADTS header cannot carry, no timescale, more than
 * SL_MEDIA_MAX_TRACKS tracks; or when out of memory.
 */
sl_ts_mux_t *sl_ts_mux_create(sl_pool_t *pool, const sl_media_track_t *tracks,
    sl_uint_t ntracks);

/* an upper bound of the bytes sl_ts_mux_write() writes for len bytes */
size_t sl_ts_mux_bound(sl_ts_mux_t *m, size_t len);

/*
 * Writes the unit as one PES into p, which has room for
 * sl_ts_mux_bound(m, mu->len) bytes, and returns the end of the packets
 * written (nothing is written past it): a PAT and a PMT first when
 * due (at the start, after sl_ts_mux_reset(), before every H.264
 * keyframe, every 100 ms without video), a packet carrying only a PCR
 * when one is due and the unit is not of the PCR's PID.  A unit it
 * cannot carry (empty, of no track, malformed H.264 length prefixes, an
 * AAC frame too long for ADTS) writes nothing: p is returned.
 */
u_char *sl_ts_mux_write(sl_ts_mux_t *m, const sl_media_unit_t *mu, u_char *p);

/* a PAT and a PMT go before the next unit (a listener joins) */
void sl_ts_mux_reset(sl_ts_mux_t *m);

#endif /* SL_TS_MUX_H */
