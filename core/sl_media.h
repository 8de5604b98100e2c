/*
 * The media layer's interfaces: tracks, media units, and the readers
 * that turn files into them.  A reader turns a file into timed media
 * units (access units with decode and presentation times, a keyframe
 * flag and a track) and can seek to a time.  Readers read through
 * sl_media_read_at(), so the same code reads a file with pread() or a
 * buffer in memory (unit tests and fuzzing).  A format that can also be
 * streamed parses a byte stream into the same units (sl_media_parser.h).
 * Readers and RTP payload formats are modules of type SL_MEDIA_MODULE
 * (modules/format, modules/rtp); protocol modules find them here, never
 * directly.
 */

#ifndef SL_MEDIA_H
#define SL_MEDIA_H

#include <sl_config.h>
#include <sl_core.h>


#define SL_MEDIA_MAX_TRACKS   8
#define SL_MEDIA_BUF_SIZE     (64 * 1024)     /* pread window */

typedef enum {
    SL_CODEC_NONE = 0,
    SL_CODEC_MPA,           /* MPEG-1/2 audio layer I-III (MP3) */
    SL_CODEC_AAC,           /* raw AAC frames, config = AudioSpecificConfig */
    SL_CODEC_H264,          /* AVCC access units, config = avcC */
    SL_CODEC_MP2T           /* runs of whole 188-byte TS packets */
} sl_codec_e;

typedef struct {
    sl_codec_e       codec;
    uint32_t         timescale;        /* units of dts/pts per second */
    int64_t          duration;         /* in timescale units, -1 unknown */
    uint32_t         bitrate;          /* bits per second, 0 unknown */

    uint32_t         sample_rate;      /* audio */
    uint32_t         channels;
    uint32_t         width;            /* video */
    uint32_t         height;

    u_char          *config;           /* avcC or AudioSpecificConfig */
    size_t           config_len;
    uint32_t         nal_length_size;  /* H.264: 1, 2 or 4 */

    void            *rtp;              /* received over RTP: what the
                                          payload format took from the
                                          SDP for its depacketizer */
} sl_media_track_t;

/*
 * One access unit.  data stays valid until the next read or seek on the
 * file.  For SL_CODEC_MPA one frame with its header; SL_CODEC_AAC one raw
 * frame; SL_CODEC_H264 the NAL units of one picture, each prefixed by its
 * length in nal_length_size bytes (as MP4 stores them); SL_CODEC_MP2T
 * whole TS packets timed by the PCR.
 */
typedef struct {
    sl_uint_t        track;
    int64_t          dts;              /* track timescale */
    int64_t          pts;
    int64_t          duration;         /* 0 when unknown */
    unsigned         keyframe:1;
    u_char          *data;
    size_t           len;
} sl_media_unit_t;

typedef struct sl_media_file_s    sl_media_file_t;
typedef struct sl_media_parser_s  sl_media_parser_t;     /* sl_media_parser.h */

typedef struct {
    const char      *name;             /* "mp3", "mpegts", "mp4" */
    const char     **extensions;       /* lower case, NULL ended */
    const char     **content_types;    /* of a stream, NULL ended; or NULL */
    size_t           window;           /* pread window while playing, 0:
                                          SL_MEDIA_BUF_SIZE */

    /* how likely (0..100) the first bytes are this format */
    sl_uint_t      (*probe)(const u_char *head, size_t len);

    /*
     * Reads the headers (and the index) and fills mf->tracks, ntracks
     * and duration_msec; positions at the start.  SL_OK, or SL_ERROR
     * with mf->error set to a static reason ("no audio frame found").
     */
    sl_int_t       (*open)(sl_media_file_t *mf);

    /*
     * Positions so that the next read returns, for every track, the unit
     * at or before msec from which decoding can start (a keyframe for
     * video).  Sets mf->start_msec to that point.  SL_OK or SL_ERROR.
     */
    sl_int_t       (*seek)(sl_media_file_t *mf, int64_t msec);

    /*
     * The next unit, in increasing dts across tracks (interleaved the
     * way they must be sent).  SL_OK, SL_DONE at the end, SL_ERROR on a
     * malformed file (mf->error set).  Never reads outside the file.
     */
    sl_int_t       (*read)(sl_media_file_t *mf, sl_media_unit_t *mu);

    /*
     * Streams, NULL when the format cannot be parsed from a stream.
     * parse_init sets up p->priv for a new stream: allocates it from
     * p->pool the first time (SL_ERROR when out of memory), clears it
     * on a reset (never fails then).  parse cuts the next unit out of
     * the bytes fed, p->pos to p->last (see sl_media_parser.h): SL_OK
     * with mu filled (its data in the buffer, consumed), or SL_AGAIN
     * when more bytes are needed; garbage is dropped as it is found.
     */
    sl_int_t       (*parse_init)(sl_media_parser_t *p);
    sl_int_t       (*parse)(sl_media_parser_t *p, sl_media_unit_t *mu);
} sl_format_t;

struct sl_media_file_s {
    sl_fd_t              fd;           /* SL_INVALID_FILE: in memory */
    const u_char        *mem;
    off_t                size;
    sl_pool_t           *pool;         /* the reader's state lives here */
    sl_log_t            *log;

    const sl_format_t   *format;
    sl_media_track_t     tracks[SL_MEDIA_MAX_TRACKS];
    sl_uint_t            ntracks;
    int64_t              duration_msec;     /* -1 unknown */
    int64_t              start_msec;        /* after a seek */
    const char          *error;

    void                *priv;         /* the reader's */

    u_char              *buf;          /* pread window */
    size_t               buf_cap;      /* its size */
    off_t                buf_off;
    size_t               buf_len;
    size_t               window;       /* preferred size, 0: the largest */
};

/*
 * The pread window: thousands of sessions each read a file, so while they
 * play the window is as small as the format allows (sl_format_t.window);
 * a read longer than it grows it to SL_MEDIA_BUF_SIZE for a while.
 */
void sl_media_set_window(sl_media_file_t *mf, size_t size);
#define sl_media_window(mf)                                                   \
    ((mf)->window ? (mf)->window : (size_t) SL_MEDIA_BUF_SIZE)

/*
 * Makes len bytes at off readable at *p (a pointer into the file's
 * window or into memory), reading with pread() when needed; len must be
 * at most SL_MEDIA_BUF_SIZE.  Returns the number of bytes available
 * (fewer than len only at the end of the file), or SL_ERROR on a read
 * error (logged).
 */
ssize_t sl_media_read_at(sl_media_file_t *mf, off_t off, size_t len,
    u_char **p);

/*
 * Opens path (fd given) or mem: picks the reader by probing the first
 * bytes, the extension breaking ties; SL_OK, SL_DECLINED for an unknown
 * format (415), SL_ERROR for a malformed file (mf->error).
 */
sl_int_t sl_media_open(sl_media_file_t *mf, const sl_str_t *path);

/* closes the file (the reader's state goes with mf->pool) */
void sl_media_close(sl_media_file_t *mf);

/* the reader of a name ("mp3"); NULL when unknown */
const sl_format_t *sl_media_format(const char *name);

/* the n-th compiled-in reader, NULL past the last */
const sl_format_t *sl_media_nth_format(sl_uint_t n);

/* ctx of an SL_MEDIA_MODULE: what it provides (either may be NULL) */
typedef struct {
    const sl_format_t              *format;
    const struct sl_rtp_payload_s  *payload;
} sl_media_module_t;

#define SL_MEDIA_MODULE      0x4944454d     /* "MEDI" */

/* big-endian helpers for readers and packetizers */
#define sl_media_be16(p)  (uint16_t) (((p)[0] << 8) | (p)[1])
#define sl_media_be24(p)  (uint32_t) (((p)[0] << 16) | ((p)[1] << 8) | (p)[2])
#define sl_media_be32(p)                                                      \
    (uint32_t) (((uint32_t) (p)[0] << 24) | ((p)[1] << 16) | ((p)[2] << 8)   \
                | (p)[3])
#define sl_media_be64(p)                                                      \
    (((uint64_t) sl_media_be32(p) << 32) | sl_media_be32((p) + 4))

/* an H.264 NAL unit: its bytes, without length prefix or start code */
typedef struct {
    const u_char    *data;
    size_t           len;
} sl_media_nal_t;

#define SL_MEDIA_AVCC_MAX_SETS  (31 + 255)     /* SPS and PPS counts */

/*
 * The parameter sets of the avcC in tr->config (ISO/IEC 14496-15
 * §5.3.3.1): every SPS, then every PPS.  Fills nals (at most max) with
 * pointers into the config and returns how many, or -1 when the avcC is
 * missing or malformed.
 */
sl_int_t sl_media_avcc_sets(const sl_media_track_t *tr, sl_media_nal_t *nals,
    sl_uint_t max);

/* an MPEG audio frame header, decoded */
typedef struct {
    uint32_t         bitrate;          /* bits per second */
    uint32_t         sample_rate;
    uint32_t         len;              /* bytes, header included */
    uint32_t         spf;              /* samples per frame */
    uint32_t         channels;
    uint32_t         side;             /* layer III side info size */
    unsigned         lsf:1;            /* MPEG-2 or 2.5 */
} sl_media_mpa_header_t;

/*
 * Decodes the 4-byte MPEG audio frame header h (ISO/IEC 11172-3
 * §2.4.1.3, ISO/IEC 13818-3; MPEG-2.5 is the unofficial extension with
 * version bits 00): the MP3 reader and the MPA depacketizer both split
 * frames by it.  SL_OK with *fh filled, or SL_ERROR for no sync, a
 * reserved version, layer, bitrate or sample rate, and free format
 * (bitrate index 0), which has no frame length in its header.
 */
sl_int_t sl_media_mpa_header(uint32_t h, sl_media_mpa_header_t *fh);

/* dts in track units to milliseconds and back, without overflow */
int64_t sl_media_to_msec(int64_t t, uint32_t timescale);
int64_t sl_media_from_msec(int64_t msec, uint32_t timescale);

#endif /* SL_MEDIA_H */
