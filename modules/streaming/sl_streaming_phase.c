/*
 * Running a request through the phases.  Protocol modules call these;
 * they never decide access, authentication or limits themselves.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>


void
sl_streaming_init_request(sl_streaming_request_t *r, sl_connection_t *c)
{
    sl_streaming_core_srv_conf_t  *cscf;

    cscf = c->listening->servers;

    r->connection = c;
    r->log = c->log;
    r->main_conf = cscf->ctx->main_conf;
    r->srv_conf = cscf->ctx->srv_conf;
    r->pp_conf = cscf->ctx->pp_conf;
    r->phase = SL_STREAMING_ACCESS_PHASE;
    r->phase_handler = 0;
    r->status = 0;
    r->secure = (c->ssl != NULL);
}


/*
 * Runs the handlers from where r stopped (r->phase, r->phase_handler),
 * so that a handler that returned SL_AGAIN is called again on resume.
 */
sl_int_t
sl_streaming_run_phases(sl_streaming_request_t *r)
{
    sl_int_t                        rc;
    sl_streaming_handler_pt        *h;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_get_module_main_conf(r, sl_streaming_core_module);

    while (r->phase < SL_STREAMING_LOG_PHASE) {
        h = cmcf->phases[r->phase].handlers.elts;

        if (r->phase_handler >= cmcf->phases[r->phase].handlers.nelts) {
            r->phase++;
            r->phase_handler = 0;
            continue;
        }

        rc = h[r->phase_handler](r);

        switch (rc) {

        case SL_DECLINED:
            r->phase_handler++;
            break;

        case SL_OK:
            r->phase++;
            r->phase_handler = 0;
            break;

        case SL_AGAIN:
            return SL_AGAIN;

        case SL_ERROR:
            r->status = 500;
            return 500;

        default:
            r->status = rc;
            return rc;
        }
    }

    return SL_OK;
}


sl_int_t
sl_streaming_add_header_out(sl_streaming_request_t *r, const u_char *lines,
    size_t len)
{
    u_char  *p;

    if (len == 0) {
        return SL_OK;
    }

    p = sl_pnalloc(r->pool, r->headers_out.len + len);
    if (p == NULL) {
        return SL_ERROR;
    }

    if (r->headers_out.len) {
        sl_memcpy(p, r->headers_out.data, r->headers_out.len);
    }

    sl_memcpy(p + r->headers_out.len, lines, len);

    r->headers_out.data = p;
    r->headers_out.len += len;

    return SL_OK;
}


void
sl_streaming_log_request(sl_streaming_request_t *r)
{
    sl_uint_t                       i;
    sl_streaming_handler_pt        *h;
    sl_streaming_core_main_conf_t  *cmcf;

    cmcf = sl_streaming_get_module_main_conf(r, sl_streaming_core_module);

    h = cmcf->phases[SL_STREAMING_LOG_PHASE].handlers.elts;

    for (i = 0; i < cmcf->phases[SL_STREAMING_LOG_PHASE].handlers.nelts; i++) {
        (void) h[i](r);
    }
}
