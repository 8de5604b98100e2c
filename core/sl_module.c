/* The compiled-in module registry. */

#include <sl_config.h>
#include <sl_core.h>


sl_uint_t  sl_modules_n;


sl_int_t
sl_preinit_modules(void)
{
    sl_uint_t  i;

    for (i = 0; sl_modules[i]; i++) {
        sl_modules[i]->index = i;
        sl_modules[i]->name = sl_module_names[i];
    }

    sl_modules_n = i;

    return SL_OK;
}


/* numbers the modules of a family: their slot in the family's ctx arrays */
sl_uint_t
sl_count_modules(sl_cycle_t *cycle, sl_uint_t type)
{
    sl_uint_t  i, n;

    n = 0;

    for (i = 0; cycle->modules[i]; i++) {
        if (cycle->modules[i]->type == type) {
            cycle->modules[i]->ctx_index = n++;
        }
    }

    return n;
}


sl_int_t
sl_init_modules(sl_cycle_t *cycle)
{
    sl_uint_t  i;

    for (i = 0; cycle->modules[i]; i++) {
        if (cycle->modules[i]->init_module) {
            if (cycle->modules[i]->init_module(cycle) != SL_OK) {
                return SL_ERROR;
            }
        }
    }

    return SL_OK;
}
