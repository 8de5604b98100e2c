/* The RTSP protocol module: confs and the per-connection state. */

#ifndef SL_RTSP_H
#define SL_RTSP_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include <sl_rtsp_parse.h>


typedef struct {
    sl_msec_t                idle_timeout;
    size_t                   max_request;     /* request head + body */
} sl_rtsp_srv_conf_t;

/* one control connection; requests on it are answered in order */
typedef struct {
    sl_connection_t         *connection;

    u_char                  *in;              /* max_request bytes */
    size_t                   in_len;

    u_char                  *out;             /* responses not yet sent */
    size_t                   out_pos;
    size_t                   out_len;

    sl_rtsp_parsed_t         req;             /* the request in progress */
    sl_streaming_request_t   sr;

    unsigned                 close_after:1;   /* after what is queued */
} sl_rtsp_connection_t;

#define SL_RTSP_OUT_SIZE     16384

void sl_rtsp_init_connection(sl_connection_t *c);

extern sl_module_t  sl_rtsp_module;

#endif /* SL_RTSP_H */
