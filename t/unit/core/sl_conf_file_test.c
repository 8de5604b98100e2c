/* Unit tests for the configuration parser, setters, include and dump. */

#include <sl_config.h>
#include <sl_core.h>
#include "../sl_unit.h"
#include "sl_conf_fixture.h"


/* the test fixture: one cycle, one parser, one log file per parse */

static char             t_dir[64];
static sl_cycle_t       t_cycle;
static sl_conf_t        t_cf;
static void            *t_conf_ctx[T_CONF_CTX_N];
static sl_log_t         t_log;
static sl_open_file_t   t_log_file;
static char             t_log_text[65536];


static t_core_conf_t *
t_core_conf(void)
{
    return t_conf_ctx[1];
}


static void
t_dir_init(void)
{
    if (t_dir[0]) {
        return;
    }

    strcpy(t_dir, "/tmp/sl_conf_test.XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(t_dir));
}


static void
t_write(const char *name, const char *text)
{
    FILE  *f;
    char   path[256];

    t_dir_init();
    snprintf(path, sizeof(path), "%s/%s", t_dir, name);

    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}


/* a fresh cycle and parser with unset test confs */
static void
t_reset(void)
{
    static u_char  conf_prefix[128];

    t_dir_init();

    CU_ASSERT_PTR_NOT_NULL_FATAL(t_conf_setup(&t_cycle, &t_cf, t_conf_ctx,
                                              sl_unit_pool(), &t_log));

    snprintf((char *) conf_prefix, sizeof(conf_prefix), "%s/", t_dir);
    t_cycle.conf_prefix.data = conf_prefix;
    t_cycle.conf_prefix.len = strlen((char *) conf_prefix);

    t_log_file.fd = -1;
    sl_str_set(&t_log_file.name, "test log");
    t_log.log_level = SL_LOG_NOTICE;
    t_log.file_level = SL_LOG_NOTICE;
    t_log.file = &t_log_file;
}


static void
t_log_open(void)
{
    char  path[256];

    snprintf(path, sizeof(path), "%s/log", t_dir);
    t_log_file.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CU_ASSERT_FATAL(t_log_file.fd != -1);
}


/* reads what was logged into t_log_text */
static void
t_log_close(void)
{
    ssize_t  n;

    n = pread(t_log_file.fd, t_log_text, sizeof(t_log_text) - 1, 0);
    t_log_text[n > 0 ? n : 0] = '\0';
    close(t_log_file.fd);
    t_log_file.fd = -1;
}


/* writes text as main.conf and parses it; returns the parser's result */
static char *
t_parse(const char *text)
{
    char      *rv;
    char       path[256];
    sl_str_t   name;

    t_reset();
    t_write("main.conf", text);

    snprintf(path, sizeof(path), "%s/main.conf", t_dir);
    name.data = (u_char *) sl_pstrdup(sl_unit_pool(),
                                      &(sl_str_t) { strlen(path),
                                                    (u_char *) path });
    name.len = strlen(path);

    t_log_open();
    rv = sl_conf_parse(&t_cf, &name);
    t_log_close();

    return rv;
}


/*
 * Checks that the log holds exactly one line and that it ends with msg,
 * where each "%s" stands for the test folder.
 */
static void
t_check_error(const char *msg, int line)
{
    char    expect[1024], *nl;
    size_t  elen, llen;

    (void) snprintf(expect, sizeof(expect), msg, t_dir, t_dir);

    nl = strchr(t_log_text, '\n');
    CU_ASSERT_PTR_NOT_NULL(nl);

    if (nl == NULL) {
        return;
    }

    CU_ASSERT_EQUAL(nl[1], '\0');

    elen = strlen(expect);
    llen = nl - t_log_text;

    if (llen < elen || memcmp(nl - elen, expect, elen) != 0) {
        fprintf(stderr, "\n  line %d: expected \"...%s\"\n  got \"%.*s\"\n",
                line, expect, (int) llen, t_log_text);
        CU_FAIL("error message");
    }
}

#define t_error(text, msg)                                                    \
    do {                                                                      \
        CU_ASSERT_PTR_EQUAL(t_parse(text), SL_CONF_ERROR);                    \
        t_check_error(msg, __LINE__);                                         \
    } while (0)

#define t_ok(text)                                                            \
    do {                                                                      \
        CU_ASSERT_PTR_EQUAL(t_parse(text), SL_CONF_OK);                       \
        if (t_log_text[0]) {                                                  \
            fprintf(stderr, "\n  line %d: logged %s", __LINE__, t_log_text);  \
            CU_FAIL("unexpected log");                                        \
        }                                                                     \
    } while (0)


static void
test_setters(void)
{
    sl_str_t       *s;
    t_core_conf_t  *cc;

    t_ok("# every slot setter\n"
         "t_flag on;\n"
         "t_num 42;\n"
         "t_size 8m;\n"
         "t_msec 1m30s;\n"
         "t_sec 2h;\n"
         "t_enum SLOW;\n"
         "t_mask read exec;\n"
         "t_str \"hello world\";\n"
         "t_list a;\n"
         "t_list 'b c';\n"
         "t_words x y z;\n"
         "t_path logs/a.log;\n"
         "t_cv /media/$1.mp3;\n"
         "t_bounded 100;\n"
         "t_atleast 10;\n"
         "t_bsize 1m;\n"
         "t_btime 1s;\n"
         "t_bsec 1m;\n");

    cc = t_core_conf();

    CU_ASSERT_EQUAL(cc->flag, 1);
    CU_ASSERT_EQUAL(cc->num, 42);
    CU_ASSERT_EQUAL(cc->size, 8 * 1024 * 1024);
    CU_ASSERT_EQUAL(cc->msec, 90000);
    CU_ASSERT_EQUAL(cc->sec, 7200);
    CU_ASSERT_EQUAL(cc->mode, 2);
    CU_ASSERT_EQUAL(cc->mask, 0x05);
    CU_ASSERT_TRUE(sl_str_eq(&cc->str, "hello world"));
    CU_ASSERT_EQUAL_FATAL(cc->list->nelts, 2);
    s = cc->list->elts;
    CU_ASSERT_TRUE(sl_str_eq(&s[0], "a"));
    CU_ASSERT_TRUE(sl_str_eq(&s[1], "b c"));
    CU_ASSERT_EQUAL_FATAL(cc->words->nelts, 3);
    s = cc->words->elts;
    CU_ASSERT_TRUE(sl_str_eq(&s[2], "z"));
    CU_ASSERT_TRUE(sl_str_eq(&cc->path, "/prefix/logs/a.log"));
    CU_ASSERT_EQUAL(cc->path.data[cc->path.len], '\0');
    CU_ASSERT_TRUE(sl_str_eq(&cc->cv->value, "/media/$1.mp3"));
    CU_ASSERT_EQUAL(cc->bounded, 100);
    CU_ASSERT_EQUAL(cc->atleast, 10);
    CU_ASSERT_EQUAL(cc->bsize, 1024 * 1024);
    CU_ASSERT_EQUAL(cc->btime, 1000);
    CU_ASSERT_EQUAL(cc->bsec, 60);

    t_ok("t_flag OFF; t_path /abs/p; t_mask all; t_enum auto;");
    cc = t_core_conf();
    CU_ASSERT_EQUAL(cc->flag, 0);
    CU_ASSERT_TRUE(sl_str_eq(&cc->path, "/abs/p"));
    CU_ASSERT_EQUAL(cc->mask, 0x07);
    CU_ASSERT_EQUAL(cc->mode, 3);

    /* an unset slot stays unset */
    CU_ASSERT_EQUAL(cc->num, SL_CONF_UNSET);
    CU_ASSERT_EQUAL(cc->size, SL_CONF_UNSET_SIZE);
    CU_ASSERT_PTR_NULL(cc->str.data);

    /* a repeated bitmask value warns but works */
    CU_ASSERT_PTR_EQUAL(t_parse("t_mask read read;"), SL_CONF_OK);
    t_check_error("duplicate value \"read\" in \"t_mask\" directive "
                  "in %s/main.conf:1", __LINE__);
}


static void
test_setter_errors(void)
{
    t_error("t_flag yes;",
            "invalid value \"yes\" in \"t_flag\" directive, "
            "it must be \"on\" or \"off\" in %s/main.conf:1");
    t_error("\n\nt_num 12x;",
            "invalid value \"12x\" in \"t_num\" directive, "
            "it must be a number in %s/main.conf:3");
    t_error("t_num -1;",
            "invalid value \"-1\" in \"t_num\" directive, "
            "it must be a number in %s/main.conf:1");
    t_error("t_size 4t;",
            "invalid value \"4t\" in \"t_size\" directive, "
            "it must be a size (like 512, 4k, 8m or 1g) in %s/main.conf:1");
    t_error("t_msec 1y;",
            "invalid value \"1y\" in \"t_msec\" directive, "
            "it must be a time (like 500ms, 30s, 5m or 1h30m) "
            "in %s/main.conf:1");
    t_error("t_sec 500ms;",
            "invalid value \"500ms\" in \"t_sec\" directive, "
            "it must be a time in seconds (like 30s, 5m or 1h) "
            "in %s/main.conf:1");
    t_error("t_enum medium;",
            "invalid value \"medium\" in \"t_enum\" directive, "
            "it must be \"fast\", \"slow\" or \"auto\" in %s/main.conf:1");
    t_error("t_mask read none;",
            "invalid value \"none\" in \"t_mask\" directive, it must be "
            "\"all\", \"read\", \"write\" or \"exec\" in %s/main.conf:1");
    t_error("t_cv $x;",
            "invalid value \"$x\" in \"t_cv\" directive, "
            "invalid capture reference, only $1..$9 are known in "
            "%s/main.conf:1");
    t_error("t_path '';",
            "invalid value \"\" in \"t_path\" directive, "
            "it must be a path in %s/main.conf:1");

    /* bounds */
    t_error("t_bounded 0;",
            "invalid value \"0\" in \"t_bounded\" directive, "
            "it must be between 1 and 100 in %s/main.conf:1");
    t_error("t_bounded\n101;",
            "invalid value \"101\" in \"t_bounded\" directive, "
            "it must be between 1 and 100 in %s/main.conf:1");
    t_error("t_atleast 9;",
            "invalid value \"9\" in \"t_atleast\" directive, "
            "it must be at least 10 in %s/main.conf:1");
    t_error("t_bsize 2m;",
            "invalid value \"2m\" in \"t_bsize\" directive, "
            "it must be between 1k and 1m in %s/main.conf:1");
    t_error("t_btime 999ms;",
            "invalid value \"999ms\" in \"t_btime\" directive, "
            "it must be between 1s and 1h in %s/main.conf:1");
    t_error("t_bsec 2m;",
            "invalid value \"2m\" in \"t_bsec\" directive, "
            "it must be between 1s and 1m in %s/main.conf:1");
}


static void
test_duplicates(void)
{
    static const char  *dups[] = {
        "t_flag on;", "t_num 1;", "t_size 1k;", "t_msec 1s;", "t_sec 1s;",
        "t_enum fast;", "t_mask read;", "t_str a;", "t_path a;", "t_cv a;",
        "t_bounded 5;", NULL
    };
    const char  **d;
    char          text[256], msg[256], *sp;

    for (d = dups; *d; d++) {
        snprintf(text, sizeof(text), "%s\n%s\n", *d, *d);

        sp = strchr(*d, ' ');
        snprintf(msg, sizeof(msg), "\"%.*s\" directive is duplicate "
                 "in %%s/main.conf:2", (int) (sp - *d), *d);

        CU_ASSERT_PTR_EQUAL(t_parse(text), SL_CONF_ERROR);
        t_check_error(msg, __LINE__);
    }

    /* arrays collect */
    t_ok("t_list a; t_list b; t_words c d; t_words e;");
    CU_ASSERT_EQUAL(t_core_conf()->list->nelts, 2);
    CU_ASSERT_EQUAL(t_core_conf()->words->nelts, 3);

    /* a block setter's own message */
    t_error("tstream { }\ntstream { }",
            "\"tstream\" directive is duplicate in %s/main.conf:2");
}


static void
test_dispatch_errors(void)
{
    t_error("t_num 1;\nnope 1 2;\n",
            "unknown directive \"nope\" in %s/main.conf:2");
    t_error("tstream {\n    t_num 1;\n}\n",
            "\"t_num\" directive is not allowed here in %s/main.conf:2");
    t_error("tstream {\n    tonly_srv on;\n}\n",
            "\"tonly_srv\" directive is not allowed here in %s/main.conf:2");
    t_error("tval 1;",
            "\"tval\" directive is not allowed here in %s/main.conf:1");
    t_error("tstream { tserver { tserver { } } }",
            "\"tserver\" directive is not allowed here in %s/main.conf:1");
    t_error("t_num;",
            "invalid number of arguments in \"t_num\" directive "
            "in %s/main.conf:1");
    t_error("t_num 1\n   2;",
            "invalid number of arguments in \"t_num\" directive "
            "in %s/main.conf:1");
    t_error("t_flag;",
            "invalid number of arguments in \"t_flag\" directive "
            "in %s/main.conf:1");
    t_error("t_flag on off;",
            "invalid number of arguments in \"t_flag\" directive "
            "in %s/main.conf:1");
    t_error("t_noargs x;",
            "invalid number of arguments in \"t_noargs\" directive "
            "in %s/main.conf:1");
    t_error("t_take13 a b;",
            "invalid number of arguments in \"t_take13\" directive "
            "in %s/main.conf:1");
    t_error("t_2more a;",
            "invalid number of arguments in \"t_2more\" directive "
            "in %s/main.conf:1");
    t_error("t_mask;",
            "invalid number of arguments in \"t_mask\" directive "
            "in %s/main.conf:1");
    t_error("t_take13 1 2 3 4 5 6 7 8 9;",
            "invalid number of arguments in \"t_take13\" directive "
            "in %s/main.conf:1");
    t_error("\ntstream;",
            "directive \"tstream\" has no opening \"{\" in %s/main.conf:2");
    t_error("t_num 1 {",
            "directive \"t_num\" is not terminated by \";\" "
            "in %s/main.conf:1");
    t_error("t_num 1;\n}\n", "unexpected \"}\" in %s/main.conf:2");
    t_error("t_num 1 }", "unexpected \"}\" in %s/main.conf:1");
    t_error("t_num 1;\n;", "unexpected \";\" in %s/main.conf:2");
    t_error("{", "unexpected \"{\" in %s/main.conf:1");
    t_error("t_num 1;\nt_num\n",
            "unexpected end of file, expecting \";\" or \"}\" "
            "in %s/main.conf:2");
    t_error("tstream {\n    tval 1;\n",
            "unexpected end of file, expecting \"}\" in %s/main.conf:2");
    t_error("tstream {\n  tserver {\n  }",
            "unexpected end of file, expecting \"}\" in %s/main.conf:3");
    t_error("t_str \"abc;\n\n",
            "unexpected end of file, expecting closing quote "
            "in %s/main.conf:1");
    t_error("t_str ab\"c\";", "unexpected quote in %s/main.conf:1");
    t_error("\nt_str 'a'b;",
            "unexpected character after closing quote in %s/main.conf:2");
    t_error("t_msg x;", "\"t_msg\" directive says hello in %s/main.conf:1");

    /* a control byte in a name stays on the one error line */
    t_error("\"a\nb\";", "unknown directive \"a\\nb\" in %s/main.conf:1");
}


static void
test_custom_arity(void)
{
    t_ok("t_noargs; t_take13 a; t_take13 a b c; t_2more a b c d; t_any;");
    CU_ASSERT_EQUAL(t_core_conf()->calls, 5);
    CU_ASSERT_EQUAL(t_core_conf()->nargs, 0);

    t_ok("t_any 1 2 3 4 5 6 7 8 9 10;");
    CU_ASSERT_EQUAL(t_core_conf()->nargs, 10);
}


static void
test_nesting(void)
{
    char    text[1024];
    size_t  i;

    t_ok("t_nest { t_nest { t_num 1; } }");
    CU_ASSERT_EQUAL(t_core_conf()->num, 1);

    text[0] = '\0';

    for (i = 0; i < SL_CONF_MAX_BLOCK_DEPTH + 1; i++) {
        strcat(text, "t_nest{");
    }

    t_error(text, "blocks nested too deeply (more than 64 levels) "
                  "in %s/main.conf:1");
}


static void
test_handler(void)
{
    sl_str_t  *s;

    t_types_n = 0;

    t_ok("t_types {\n    video/mp4 mp4;\n    audio/mpeg mp3;\n}\nt_num 3;");
    CU_ASSERT_EQUAL(t_types_n, 2);
    CU_ASSERT_EQUAL(t_core_conf()->num, 3);

    s = t_core_conf()->types->elts;
    CU_ASSERT_TRUE(sl_str_eq(&s[3], "mp3"));

    t_error("t_types {\n a b c;\n}",
            "needs a pair in %s/main.conf:2");
    t_error("t_types {\n a {\n}",
            "unexpected \"{\" in %s/main.conf:2");
}


static void
test_include(void)
{
    char       dir[128];
    sl_str_t  *s;

    t_reset();

    snprintf(dir, sizeof(dir), "%s/conf.d", t_dir);
    CU_ASSERT(mkdir(dir, 0755) == 0 || errno == EEXIST);

    t_write("conf.d/b.conf", "t_list b;\n");
    t_write("conf.d/a.conf", "t_list a1;\nt_list a2;\n");
    t_write("conf.d/c.txt", "t_list never;\n");
    t_write("one.conf", "t_num 7;\n");

    t_ok("t_list first;\ninclude conf.d/*.conf;\ninclude one.conf;\n"
         "include nothing/*.conf;\nt_list last;\n");

    CU_ASSERT_EQUAL_FATAL(t_core_conf()->list->nelts, 5);
    s = t_core_conf()->list->elts;
    CU_ASSERT_TRUE(sl_str_eq(&s[0], "first"));
    CU_ASSERT_TRUE(sl_str_eq(&s[1], "a1"));
    CU_ASSERT_TRUE(sl_str_eq(&s[2], "a2"));
    CU_ASSERT_TRUE(sl_str_eq(&s[3], "b"));
    CU_ASSERT_TRUE(sl_str_eq(&s[4], "last"));
    CU_ASSERT_EQUAL(t_core_conf()->num, 7);

    /* include works inside blocks too */
    t_write("srv.conf", "tval 9;\n");
    t_ok("tstream {\n    tserver { include srv.conf; }\n}\n");

    /* errors name the file and line where they are */
    t_error("\ninclude missing.conf;",
            "open() \"%s/missing.conf\" failed (2: No such file or directory)"
            " in %s/main.conf:2");

    t_write("bad.conf", "t_num 1;\n\nbogus;\n");
    t_error("include bad.conf;",
            "unknown directive \"bogus\" in %s/bad.conf:3");

    t_write("open.conf", "tstream {\n");
    t_error("include open.conf;\n}\n",
            "unexpected end of file, expecting \"}\" in %s/open.conf:1");

    t_write("close.conf", "}\n");
    t_error("tstream {\ninclude close.conf;\n}\n",
            "unexpected \"}\" in %s/close.conf:1");

    t_write("self.conf", "t_num 1;\ninclude self.conf;\n");
    t_error("include self.conf;",
            "include recursion: \"%s/self.conf\" is already being parsed "
            "in %s/self.conf:2");

    t_write("ra.conf", "include rb.conf;\n");
    t_write("rb.conf", "\ninclude ra.conf;\n");
    t_error("include ra.conf;",
            "include recursion: \"%s/ra.conf\" is already being parsed "
            "in %s/rb.conf:2");

    t_error("include main.conf;",
            "include recursion: \"%s/main.conf\" is already being parsed "
            "in %s/main.conf:1");

    t_error("include conf.d;", "\"%s/conf.d\" is not a regular file "
                               "in %s/main.conf:1");
}


static void
test_include_depth(void)
{
    int   i;
    char  name[32], text[64];

    t_reset();

    for (i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "d%d.conf", i);
        snprintf(text, sizeof(text), "include d%d.conf;\n", i + 1);
        t_write(name, text);
    }

    t_write("d20.conf", "t_num 1;\n");

    t_error("include d1.conf;",
            "includes nested too deeply (more than 16 levels) "
            "in %s/d16.conf:1");

    t_ok("include d5.conf;");
    CU_ASSERT_EQUAL(t_core_conf()->num, 1);
}


static void
test_param(void)
{
    sl_str_t  text;

    t_reset();
    t_log_open();
    sl_str_set(&text, "t_num 5; t_flag on;");
    CU_ASSERT_PTR_EQUAL(sl_conf_param(&t_cf, &text), SL_CONF_OK);
    t_log_close();
    CU_ASSERT_EQUAL(t_core_conf()->num, 5);
    CU_ASSERT_EQUAL(t_log_text[0], '\0');

    t_log_open();
    sl_str_set(&text, "t_num 6;");
    CU_ASSERT_PTR_EQUAL(sl_conf_param(&t_cf, &text), SL_CONF_ERROR);
    t_log_close();
    t_check_error("\"t_num\" directive is duplicate in command line",
                  __LINE__);

    t_reset();
    t_log_open();
    sl_str_set(&text, "");
    CU_ASSERT_PTR_EQUAL(sl_conf_param(&t_cf, &text), SL_CONF_OK);
    sl_str_set(&text, "t_num 1");
    CU_ASSERT_PTR_EQUAL(sl_conf_param(&t_cf, &text), SL_CONF_ERROR);
    t_log_close();
    t_check_error("unexpected end of file, expecting \";\" or \"}\" "
                  "in command line", __LINE__);

    /* no file: no location */
    t_reset();
    t_log_open();
    sl_conf_log_error(SL_LOG_EMERG, &t_cf, ENOENT, "x %d", 1);
    t_log_close();
    t_check_error("x 1 (2: No such file or directory)", __LINE__);
    CU_ASSERT_PTR_NULL(strstr(t_log_text, " in "));
}


static void
test_merge(void)
{
    t_ctx_t            *ctx, **server;
    t_smod_srv_conf_t  *scf;
    t_smod_main_conf_t *mcf;

    t_ok("tstream {\n"
         "    tval 5;\n"
         "    tserver { tval 7; tonly_srv on; }\n"
         "    tserver { tlabel inner; }\n"
         "    ttimeout 10s;\n"
         "}\n");

    ctx = t_conf_ctx[2];
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    mcf = ctx->main_conf[0];
    CU_ASSERT_EQUAL_FATAL(mcf->servers->nelts, 2);
    server = mcf->servers->elts;

    /* outer level: set values and defaults */
    scf = ctx->srv_conf[0];
    CU_ASSERT_EQUAL(scf->val, 5);
    CU_ASSERT_EQUAL(scf->timeout, 10000);
    CU_ASSERT_TRUE(sl_str_eq(&scf->label, "default"));

    /* inner overrides */
    scf = server[0]->srv_conf[0];
    CU_ASSERT_EQUAL(scf->val, 7);
    CU_ASSERT_EQUAL(scf->only, 1);
    CU_ASSERT_EQUAL(scf->timeout, 10000);     /* set after the server */

    /* inner inherits */
    scf = server[1]->srv_conf[0];
    CU_ASSERT_EQUAL(scf->val, 5);
    CU_ASSERT_EQUAL(scf->only, 0);
    CU_ASSERT_TRUE(sl_str_eq(&scf->label, "inner"));

    /* the macros alone */
    {
        sl_int_t   v = SL_CONF_UNSET, pv = 3, dv = SL_CONF_UNSET;
        size_t     s = SL_CONF_UNSET_SIZE, ps = SL_CONF_UNSET_SIZE;
        sl_uint_t  u = 4, pu = 9;
        void      *p = SL_CONF_UNSET_PTR, *pp = SL_CONF_UNSET_PTR;
        sl_str_t   str = sl_null_string, pstr = sl_string("outer");

        sl_conf_merge_value(v, pv, 1);
        CU_ASSERT_EQUAL(v, 3);
        sl_conf_merge_value(dv, v, 1);
        CU_ASSERT_EQUAL(dv, 3);
        sl_conf_merge_size_value(s, ps, 512);
        CU_ASSERT_EQUAL(s, 512);
        sl_conf_merge_uint_value(u, pu, 1);
        CU_ASSERT_EQUAL(u, 4);
        sl_conf_merge_ptr_value(p, pp, NULL);
        CU_ASSERT_PTR_NULL(p);
        sl_conf_merge_str_value(str, pstr, "x");
        CU_ASSERT_TRUE(sl_str_eq(&str, "outer"));
        sl_str_null(&pstr);
        sl_str_null(&str);
        sl_conf_merge_str_value(str, pstr, "x");
        CU_ASSERT_TRUE(sl_str_eq(&str, "x"));
    }
}


static const char  t_dump_conf[] =
    "t_flag on;\n"
    "t_num 42;\n"
    "t_size 3072;\n"
    "t_msec 1h30m;\n"
    "t_sec 86400;\n"
    "t_enum slow;\n"
    "t_mask write read;\n"
    "t_str \"say \\\"hi\\\"\\n\";\n"
    "t_list a;\n"
    "t_list 'b;c';\n"
    "t_words x '' y;\n"
    "t_path /var/log/x.log;\n"
    "t_cv ${1}/$2;\n"
    "t_bsize 64k;\n"
    "t_btime 1500ms;\n"
    "t_noargs;\n"
    "include nothing/*.none;\n"
    "tstream {\n"
    "    tval 5;\n"
    "    tserver { tval 7; tonly_srv on; }\n"
    "    tserver { tlabel '#x' ; }\n"
    "}\n";

static const char  t_dump_expect[] =
    "t_flag on;\n"
    "t_num 42;\n"
    "t_size 3k;\n"
    "t_msec 90m;\n"
    "t_sec 1d;\n"
    "t_enum slow;\n"
    "t_mask read write;\n"
    "t_str \"say \\\"hi\\\"\\n\";\n"
    "t_list a;\n"
    "t_list \"b;c\";\n"
    "t_words x \"\" y;\n"
    "t_path /var/log/x.log;\n"
    "t_cv \"${1}/$2\";\n"
    "t_bsize 64k;\n"
    "t_btime 1500ms;\n"
    "tstream {\n"
    "    tval 5;\n"
    "    ttimeout 1m;\n"
    "    tlabel default;\n"
    "    tserver {\n"
    "        tval 7;\n"
    "        ttimeout 1m;\n"
    "        tlabel default;\n"
    "        tonly_srv on;\n"
    "    }\n"
    "    tserver {\n"
    "        tval 5;\n"
    "        ttimeout 1m;\n"
    "        tlabel \"#x\";\n"
    "        tonly_srv off;\n"
    "    }\n"
    "}\n";


static void
test_dump(void)
{
    sl_str_t  out, again;
    char     *first;

    t_ok(t_dump_conf);

    CU_ASSERT_EQUAL_FATAL(sl_conf_dump_cycle(&t_cycle, &out), SL_OK);

    first = strndup((char *) out.data, out.len);

    CU_ASSERT_STRING_EQUAL(first, t_dump_expect);

    if (strcmp(first, t_dump_expect) != 0) {
        fprintf(stderr, "\n--- dump:\n%s--- expected:\n%s", first,
                t_dump_expect);
    }

    /* "#x" is quoted: a bare # would start a comment */
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "tlabel \"#x\";"));

    /* the dump reads back to the same configuration */
    t_ok(first);
    CU_ASSERT_EQUAL_FATAL(sl_conf_dump_cycle(&t_cycle, &again), SL_OK);
    CU_ASSERT_EQUAL(again.len, out.len);
    CU_ASSERT_EQUAL(memcmp(again.data, first, out.len), 0);

    free(first);

    /* nothing set: nothing printed */
    t_ok("# empty\n");
    CU_ASSERT_EQUAL_FATAL(sl_conf_dump_cycle(&t_cycle, &out), SL_OK);
    CU_ASSERT_EQUAL(out.len, 0);
}


static void
test_print_units(void)
{
    u_char  buf[32], *p;

#define print_is(call, expect)                                                \
    p = call; *p = '\0'; CU_ASSERT_STRING_EQUAL((char *) buf, expect)

    print_is(sl_conf_print_size(buf, buf + 32, 0), "0");
    print_is(sl_conf_print_size(buf, buf + 32, 1000), "1000");
    print_is(sl_conf_print_size(buf, buf + 32, 4096), "4k");
    print_is(sl_conf_print_size(buf, buf + 32, 8 << 20), "8m");
    print_is(sl_conf_print_size(buf, buf + 32, 1 << 30), "1g");
    print_is(sl_conf_print_time(buf, buf + 32, 0, 0), "0s");
    print_is(sl_conf_print_time(buf, buf + 32, 500, 0), "500ms");
    print_is(sl_conf_print_time(buf, buf + 32, 30000, 0), "30s");
    print_is(sl_conf_print_time(buf, buf + 32, 90000, 0), "90s");
    print_is(sl_conf_print_time(buf, buf + 32, 604800000, 0), "1w");
    print_is(sl_conf_print_time(buf, buf + 32, 90, 1), "90s");
    print_is(sl_conf_print_time(buf, buf + 32, 7200, 1), "2h");

#undef print_is
}


static void
test_full_name(void)
{
    sl_str_t  name;

    t_reset();

    sl_str_set(&name, "logs/error.log");
    CU_ASSERT_EQUAL(sl_conf_full_name(&t_cycle, &name, 0), SL_OK);
    CU_ASSERT_TRUE(sl_str_eq(&name, "/prefix/logs/error.log"));

    sl_str_set(&name, "/abs");
    CU_ASSERT_EQUAL(sl_conf_full_name(&t_cycle, &name, 1), SL_OK);
    CU_ASSERT_TRUE(sl_str_eq(&name, "/abs"));

    sl_str_set(&t_cycle.prefix, "/noslash");
    sl_str_set(&name, "x");
    CU_ASSERT_EQUAL(sl_conf_full_name(&t_cycle, &name, 0), SL_OK);
    CU_ASSERT_TRUE(sl_str_eq(&name, "/noslash/x"));
}


/*
 * A 10 MB configuration parses whole: 400,000 directives, every one kept.
 * (How fast is the benchmark's business, not a unit test's.)
 */
static void
test_large(void)
{
    FILE            *f;
    char             path[256];
    sl_str_t         name;
    sl_uint_t        i;

    t_reset();
    snprintf(path, sizeof(path), "%s/large.conf", t_dir);

    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);

    for (i = 0; i < 400000; i++) {
        fprintf(f, "t_list value%07lu; # comment\n", (unsigned long) i);
    }

    fclose(f);

    name.data = (u_char *) path;
    name.len = strlen(path);

    t_log_open();
    CU_ASSERT_PTR_EQUAL(sl_conf_parse(&t_cf, &name), SL_CONF_OK);
    t_log_close();

    CU_ASSERT_EQUAL(t_core_conf()->list->nelts, 400000);

    unlink(path);
}


SL_UNIT_SUITE(sl_conf_file,
    { "slot setters", test_setters },
    { "setter errors and bounds", test_setter_errors },
    { "duplicates", test_duplicates },
    { "dispatch errors with file:line", test_dispatch_errors },
    { "argument counts", test_custom_arity },
    { "nested blocks", test_nesting },
    { "block handler", test_handler },
    { "include, globs, recursion", test_include },
    { "include depth", test_include_depth },
    { "-g and no location", test_param },
    { "merge outer into inner", test_merge },
    { "dump and read back", test_dump },
    { "unit printing", test_print_units },
    { "full names", test_full_name },
    { "10 MB file", test_large })
