/* Umbrella header: return codes, forward type names and every core header. */

#ifndef SL_CORE_H
#define SL_CORE_H

#include <sl_config.h>


typedef struct sl_module_s      sl_module_t;
typedef struct sl_conf_s        sl_conf_t;
typedef struct sl_cycle_s       sl_cycle_t;
typedef struct sl_pool_s        sl_pool_t;
typedef struct sl_log_s         sl_log_t;
typedef struct sl_open_file_s   sl_open_file_t;
typedef struct sl_command_s     sl_command_t;
typedef struct sl_file_s        sl_file_t;
typedef struct sl_event_s       sl_event_t;
typedef struct sl_connection_s  sl_connection_t;
typedef struct sl_listening_s   sl_listening_t;
typedef struct sl_buf_s         sl_buf_t;
typedef struct sl_conf_dump_s   sl_conf_dump_t;

typedef void (*sl_event_handler_pt)(sl_event_t *ev);
typedef void (*sl_connection_handler_pt)(sl_connection_t *c);


#define SL_OK          0
#define SL_ERROR      -1
#define SL_AGAIN      -2
#define SL_BUSY       -3
#define SL_DONE       -4
#define SL_DECLINED   -5
#define SL_ABORT      -6


#include <sl_string.h>
#include <sl_array.h>
#include <sl_queue.h>
#include <sl_palloc.h>
#include <sl_buf.h>
#include <sl_times.h>
#include <sl_log.h>
#include <sl_file.h>
#include <sl_inet.h>
#include <sl_url.h>
#include <sl_regex.h>
#include <sl_conf_file.h>
#include <sl_module.h>
#include <sl_event.h>
#include <sl_event_timer.h>
#include <sl_connection.h>
#include <sl_ssl.h>
#include <sl_shmem.h>
#include <sl_cycle.h>
#include <sl_process.h>
#include <sl_media.h>
#include <sl_media_parser.h>
#include <sl_ring.h>
#include <sl_rtp.h>
#include <sl_rtp_depack.h>
#include <sl_ts.h>
#include <sl_ts_mux.h>


#define SLUICE_VERSION      "0.1.0"
#define SLUICE_VER          "Sluice/" SLUICE_VERSION
#define SLUICE_VAR          "SLUICE"      /* env var: inherited listening fds */

#endif /* SL_CORE_H */
