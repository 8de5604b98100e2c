/*
 * CUnit glue: every suite file registers itself with SL_UNIT_SUITE, so
 * main.c needs no list.
 *
 *     static void test_x(void) { CU_ASSERT_EQUAL(...); }
 *     SL_UNIT_SUITE(sl_inet, { "parse v4", test_x }, { "match", test_y })
 */

#ifndef SL_UNIT_H
#define SL_UNIT_H

#include <sl_config.h>
#include <sl_core.h>
#include <CUnit/CUnit.h>


typedef struct {
    const char     *name;
    CU_TestFunc     func;
} sl_unit_test_t;

typedef struct sl_unit_suite_s  sl_unit_suite_t;

struct sl_unit_suite_s {
    const char             *name;
    const sl_unit_test_t   *tests;
    size_t                  n;
    sl_unit_suite_t        *next;
};

void sl_unit_register(sl_unit_suite_t *suite);

/* a pool and a log for tests; the log writes to stderr at level "warn" */
sl_pool_t *sl_unit_pool(void);
sl_log_t *sl_unit_log(void);

#define SL_UNIT_SUITE(sname, ...)                                             \
    static const sl_unit_test_t  sname##_tests[] = { __VA_ARGS__ };          \
    static sl_unit_suite_t  sname##_suite = {                                 \
        #sname, sname##_tests, sl_nelems(sname##_tests), NULL                 \
    };                                                                        \
    __attribute__((constructor)) static void                                 \
    sname##_register(void)                                                    \
    {                                                                         \
        sl_unit_register(&sname##_suite);                                     \
    }

#endif /* SL_UNIT_H */
