/* CUnit runner: runs every registered suite, exits non-zero on failure. */

#include <sl_config.h>
#include <sl_core.h>
#include <CUnit/Basic.h>
#include "sl_unit.h"


static sl_unit_suite_t  *suites;
static sl_pool_t        *pool;
static sl_log_t          log_stderr;
static sl_open_file_t    log_file = { STDERR_FILENO, sl_string("stderr") };


void
sl_unit_register(sl_unit_suite_t *suite)
{
    sl_unit_suite_t  **s;

    /* keep registration order stable: append */
    for (s = &suites; *s; s = &(*s)->next) { /* void */ }

    *s = suite;
}


sl_log_t *
sl_unit_log(void)
{
    log_stderr.log_level = SL_LOG_WARN;
    log_stderr.file_level = SL_LOG_WARN;
    log_stderr.file = &log_file;

    return &log_stderr;
}


sl_pool_t *
sl_unit_pool(void)
{
    return pool;
}


static int
sl_unit_suite_init(void)
{
    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, sl_unit_log());

    return pool == NULL;
}


static int
sl_unit_suite_cleanup(void)
{
    sl_destroy_pool(pool);
    pool = NULL;

    return 0;
}


int
main(int argc, char **argv)
{
    size_t            i;
    CU_pSuite         cs;
    unsigned int      failed;
    sl_unit_suite_t  *s;

    sl_time_init();

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 2;
    }

    for (s = suites; s; s = s->next) {

        /* "objs/sl_unit NAME" runs one suite */
        if (argc > 1 && strcmp(argv[1], s->name) != 0) {
            continue;
        }

        cs = CU_add_suite(s->name, sl_unit_suite_init, sl_unit_suite_cleanup);
        if (cs == NULL) {
            return 2;
        }

        for (i = 0; i < s->n; i++) {
            if (CU_add_test(cs, s->tests[i].name, s->tests[i].func) == NULL) {
                return 2;
            }
        }
    }

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();

    failed = CU_get_number_of_tests_failed()
             + CU_get_number_of_suites_failed();

    CU_cleanup_registry();

    return failed ? 1 : 0;
}
