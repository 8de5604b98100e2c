/*
 * Unit tests for shared memory zones: declaration conflicts with
 * file:line, takeover by name, size and tag from one cycle to the next,
 * rollback of a failed cycle, and sharing with a forked child.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"

#include <sys/wait.h>


#define T_MARK  "zone written by its first cycle"


static char             t_tag1, t_tag2;
static sl_uint_t        t_inits, t_fail_init;
static sl_log_t         t_log;
static sl_open_file_t   t_log_file;


/* a cycle with an empty zone list, and a parser on it at file:line */
static sl_cycle_t *
t_cycle(sl_conf_t *cf, sl_conf_file_t *cfile)
{
    sl_cycle_t  *cycle;

    cycle = sl_pcalloc(sl_unit_pool(), sizeof(sl_cycle_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(cycle);
    CU_ASSERT_FATAL(sl_array_init(&cycle->shm_zones, sl_unit_pool(), 1,
                                  sizeof(sl_shm_zone_t *)) == SL_OK);
    cycle->log = sl_unit_log();

    sl_memzero(cf, sizeof(sl_conf_t));
    sl_memzero(cfile, sizeof(sl_conf_file_t));
    sl_str_set(&cfile->file.name, "/etc/sluice/sluice.conf");
    cfile->line = 7;

    cf->cycle = cycle;
    cf->pool = sl_unit_pool();
    cf->log = sl_unit_log();
    cf->conf_file = cfile;

    return cycle;
}


/* a new mapping gets the mark; a taken-over one must still hold it */
static sl_int_t
t_init(sl_shm_zone_t *zone, void *old_data)
{
    t_inits++;

    if (t_fail_init) {
        return SL_ERROR;
    }

    if (old_data == NULL) {
        CU_ASSERT_EQUAL(zone->shm.addr[0], 0);
        strcpy((char *) zone->shm.addr, T_MARK);

    } else {
        CU_ASSERT_PTR_EQUAL(old_data, zone->shm.addr);
        CU_ASSERT_STRING_EQUAL((char *) zone->shm.addr, T_MARK);
    }

    zone->data = zone->shm.addr;

    return SL_OK;
}


static sl_shm_zone_t *
t_add(sl_conf_t *cf, const char *name, size_t size, void *tag)
{
    sl_str_t        s;
    sl_shm_zone_t  *zone;

    s.data = (u_char *) name;
    s.len = strlen(name);

    zone = sl_shm_zone_add(cf, &s, size, tag);

    if (zone != NULL) {
        zone->init = t_init;
    }

    return zone;
}


static void
t_log_open(sl_conf_t *cf)
{
    FILE  *f;

    f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);

    t_log_file.fd = dup(fileno(f));
    fclose(f);
    sl_str_set(&t_log_file.name, "test log");
    t_log.log_level = SL_LOG_NOTICE;
    t_log.file_level = SL_LOG_NOTICE;
    t_log.file = &t_log_file;

    cf->log = &t_log;
}


static void
t_log_check(const char *expect)
{
    char     text[1024];
    ssize_t  n;

    n = pread(t_log_file.fd, text, sizeof(text) - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    CU_ASSERT(ftruncate(t_log_file.fd, 0) == 0);
    CU_ASSERT(lseek(t_log_file.fd, 0, SEEK_SET) == 0);

    if (strstr(text, expect) == NULL) {
        fprintf(stderr, "\n  expected \"%s\"\n  got \"%s\"\n", expect, text);
        CU_FAIL("error message");
    }
}


static void
test_add(void)
{
    sl_conf_t        cf;
    sl_cycle_t      *cycle;
    sl_conf_file_t   cfile;
    sl_shm_zone_t   *a, *b;

    cycle = t_cycle(&cf, &cfile);
    t_log_open(&cf);

    a = t_add(&cf, "live", 65536, &t_tag1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a->shm.size, 65536);
    CU_ASSERT_PTR_NULL(a->shm.addr);
    CU_ASSERT_PTR_EQUAL(a->tag, &t_tag1);

    /* the same declaration again is the same zone */
    CU_ASSERT_PTR_EQUAL(t_add(&cf, "live", 65536, &t_tag1), a);

    b = t_add(&cf, "stats", 4096, &t_tag1);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_PTR_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL(cycle->shm_zones.nelts, 2);

    CU_ASSERT_PTR_NULL(t_add(&cf, "live", 8192, &t_tag1));
    t_log_check("the size 8192 of shared memory zone \"live\" conflicts with "
                "already declared size 65536 in /etc/sluice/sluice.conf:7");

    cfile.line = 9;
    CU_ASSERT_PTR_NULL(t_add(&cf, "live", 65536, &t_tag2));
    t_log_check("the shared memory zone \"live\" is already declared for "
                "another use in /etc/sluice/sluice.conf:9");

    CU_ASSERT_PTR_NULL(t_add(&cf, "empty", 0, &t_tag1));
    t_log_check("zero size of shared memory zone \"empty\" in ");

    CU_ASSERT_EQUAL(cycle->shm_zones.nelts, 2);

    close(t_log_file.fd);
}


static void
test_match(void)
{
    sl_conf_t        cf, ocf;
    sl_cycle_t      *old;
    sl_conf_file_t   cfile, ocfile;
    sl_shm_zone_t   *oa, *ob, *oc, *a, *b, *c, *d;

    old = t_cycle(&ocf, &ocfile);
    oa = t_add(&ocf, "a", 4096, &t_tag1);
    ob = t_add(&ocf, "b", 4096, &t_tag1);
    oc = t_add(&ocf, "c", 4096, &t_tag1);

    (void) t_cycle(&cf, &cfile);
    a = t_add(&cf, "a", 4096, &t_tag1);
    b = t_add(&cf, "b", 8192, &t_tag1);
    c = t_add(&cf, "c", 4096, &t_tag2);
    d = t_add(&cf, "d", 4096, &t_tag1);

    /* only mapped zones are offered */
    CU_ASSERT_PTR_NULL(sl_shm_zone_match(old, a));

    oa->shm.addr = (u_char *) "x";
    ob->shm.addr = (u_char *) "x";
    oc->shm.addr = (u_char *) "x";

    CU_ASSERT_PTR_EQUAL(sl_shm_zone_match(old, a), oa);
    CU_ASSERT_PTR_NULL(sl_shm_zone_match(old, b));     /* size */
    CU_ASSERT_PTR_NULL(sl_shm_zone_match(old, c));     /* tag */
    CU_ASSERT_PTR_NULL(sl_shm_zone_match(old, d));     /* name */
}


/*
 * Three generations as sl_init_cycle runs them: the second takes over
 * "a" and maps a new "b" (its size changed); a third that fails leaves
 * the second's mappings alone; destroying the first unmaps only what
 * nobody took.
 */
static void
test_reload(void)
{
    sl_conf_t        cf0, cf1, cf2;
    sl_cycle_t      *empty, *c0, *c1, *c2;
    sl_conf_file_t   f0, f1, f2;
    sl_shm_zone_t   *a0, *b0, *a1, *b1, *a2;

    empty = t_cycle(&cf0, &f0);

    c0 = t_cycle(&cf0, &f0);
    a0 = t_add(&cf0, "a", 4096, &t_tag1);
    b0 = t_add(&cf0, "b", 4096, &t_tag1);

    t_inits = 0;
    CU_ASSERT_EQUAL_FATAL(sl_shm_zones_init(c0, empty), SL_OK);
    sl_shm_zones_commit(c0);
    CU_ASSERT_EQUAL(t_inits, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a0->shm.addr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b0->shm.addr);

    c1 = t_cycle(&cf1, &f1);
    a1 = t_add(&cf1, "a", 4096, &t_tag1);
    b1 = t_add(&cf1, "b", 8192, &t_tag1);

    CU_ASSERT_EQUAL_FATAL(sl_shm_zones_init(c1, c0), SL_OK);
    CU_ASSERT_EQUAL(t_inits, 4);
    CU_ASSERT_PTR_EQUAL(a1->shm.addr, a0->shm.addr);
    CU_ASSERT_PTR_EQUAL(a1->previous, a0);
    CU_ASSERT_PTR_NOT_NULL(b1->shm.addr);
    CU_ASSERT_PTR_NOT_EQUAL(b1->shm.addr, b0->shm.addr);
    CU_ASSERT_PTR_NULL(b1->previous);

    /* not committed yet: the old cycle still owns "a" */
    CU_ASSERT_PTR_NOT_NULL(a0->shm.addr);

    sl_shm_zones_commit(c1);
    CU_ASSERT_PTR_NULL(a0->shm.addr);
    CU_ASSERT_PTR_NULL(a1->previous);
    CU_ASSERT_PTR_NOT_NULL(b0->shm.addr);

    sl_shm_zones_free(c0);                 /* sl_destroy_cycle(c0) */
    CU_ASSERT_PTR_NULL(b0->shm.addr);
    CU_ASSERT_STRING_EQUAL((char *) a1->shm.addr, T_MARK);

    /* a third cycle fails in a new zone's init after taking "a" over */
    c2 = t_cycle(&cf2, &f2);
    a2 = t_add(&cf2, "a", 4096, &t_tag1);
    (void) t_add(&cf2, "e", 4096, &t_tag1);

    CU_ASSERT_EQUAL_FATAL(sl_shm_zones_init(c2, c1), SL_OK);
    CU_ASSERT_PTR_EQUAL(a2->shm.addr, a1->shm.addr);
    sl_shm_zones_free(c2);                 /* init_module failed */
    CU_ASSERT_PTR_NOT_NULL(a1->shm.addr);

    c2 = t_cycle(&cf2, &f2);
    a2 = t_add(&cf2, "a", 4096, &t_tag1);
    (void) t_add(&cf2, "e", 4096, &t_tag1);
    t_fail_init = 1;
    CU_ASSERT_EQUAL(sl_shm_zones_init(c2, c1), SL_ERROR);
    t_fail_init = 0;
    sl_shm_zones_free(c2);
    CU_ASSERT_PTR_NULL(a2->shm.addr);
    CU_ASSERT_PTR_EQUAL(a1->data, a1->shm.addr);
    CU_ASSERT_STRING_EQUAL((char *) a1->shm.addr, T_MARK);

    sl_shm_zones_free(c1);
    CU_ASSERT_PTR_NULL(a1->shm.addr);
    CU_ASSERT_PTR_NULL(b1->shm.addr);
}


/* a mapping made before fork is the same memory in both processes */
static void
test_fork(void)
{
    int        status;
    pid_t      pid;
    sl_shm_t   shm;

    sl_memzero(&shm, sizeof(sl_shm_t));
    shm.size = 3 * 4096 + 100;
    sl_str_set(&shm.name, "forked");
    shm.log = sl_unit_log();

    CU_ASSERT_EQUAL_FATAL(sl_shm_alloc(&shm), SL_OK);
    CU_ASSERT_EQUAL(shm.addr[shm.size - 1], 0);

    pid = fork();
    CU_ASSERT_FATAL(pid != -1);

    if (pid == 0) {
        strcpy((char *) shm.addr, "written by the child");
        shm.addr[shm.size - 1] = 0x5a;
        _exit(0);
    }

    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    CU_ASSERT_STRING_EQUAL((char *) shm.addr, "written by the child");
    CU_ASSERT_EQUAL(shm.addr[shm.size - 1], 0x5a);

    sl_shm_free(&shm);
    CU_ASSERT_PTR_NULL(shm.addr);
}


SL_UNIT_SUITE(sl_shmem,
    { "add: same zone, size and tag conflicts", test_add },
    { "match: name, size, tag, mapped", test_match },
    { "reload: takeover, commit, rollback", test_reload },
    { "fork: the child's writes are seen", test_fork })
