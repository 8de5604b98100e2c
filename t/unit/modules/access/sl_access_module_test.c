/* Unit tests for modules/access: directives, merging, rule evaluation. */

#include <sl_config.h>
#include <sl_core.h>
#include "sl_unit.h"

#if (SL_HAVE_ACCESS_MODULE)

#include <sl_streaming.h>
#include <sl_access.h>
#include <sys/un.h>


static sl_log_t        test_log;
static sl_open_file_t  test_log_file;


/* a log that writes at "error" into a temporary file read back by tests */
static sl_log_t *
log_open(void)
{
    FILE  *f;

    f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);

    test_log_file.fd = dup(fileno(f));
    (void) fclose(f);
    CU_ASSERT_FATAL(test_log_file.fd != -1);

    sl_str_set(&test_log_file.name, "test");

    sl_memzero(&test_log, sizeof(sl_log_t));
    test_log.log_level = SL_LOG_ERR;
    test_log.file_level = SL_LOG_ERR;
    test_log.file = &test_log_file;

    return &test_log;
}


/* what was logged since log_open(), NUL terminated */
static const char *
log_text(void)
{
    static char  buf[4096];
    ssize_t      n;

    n = pread(test_log_file.fd, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = '\0';

    return buf;
}


static void
log_close(void)
{
    (void) close(test_log_file.fd);
    test_log_file.fd = -1;
}


/* a bare parser: the unit pool and the test log */
static sl_conf_t *
bare_conf(sl_conf_t *cf)
{
    sl_memzero(cf, sizeof(sl_conf_t));
    cf->pool = sl_unit_pool();
    cf->log = &test_log;

    return cf;
}


static sl_access_pp_conf_t *
create_conf(void)
{
    sl_conf_t               cf;
    sl_streaming_module_t  *ctx;

    ctx = sl_access_module.ctx;

    return ctx->create_pp_conf(bare_conf(&cf));
}


static void
merge_conf(sl_access_pp_conf_t *prev, sl_access_pp_conf_t *conf)
{
    sl_conf_t               cf;
    sl_streaming_module_t  *ctx;

    ctx = sl_access_module.ctx;

    CU_ASSERT_PTR_NULL(ctx->merge_pp_conf(bare_conf(&cf), prev, conf));
}


/* runs "name value;" against conf through the module's table */
static char *
directive(sl_access_pp_conf_t *conf, const char *name, const char *value)
{
    sl_str_t      *arg;
    sl_conf_t      cf;
    sl_array_t    *args;
    sl_command_t  *cmd;

    args = sl_array_create(sl_unit_pool(), 2, sizeof(sl_str_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);

    arg = sl_array_push(args);
    arg->data = (u_char *) name;
    arg->len = strlen(name);

    arg = sl_array_push(args);
    arg->data = (u_char *) value;
    arg->len = strlen(value);

    bare_conf(&cf);
    cf.args = args;
    cf.name = (char *) name;

    for (cmd = sl_access_module.commands; cmd->name.len; cmd++) {
        if (sl_str_eq(&cmd->name, name)) {
            CU_ASSERT(cmd->type & SL_STREAMING_MAIN_CONF);
            CU_ASSERT(cmd->type & SL_STREAMING_SRV_CONF);
            CU_ASSERT(cmd->type & SL_STREAMING_PP_CONF);
            CU_ASSERT(cmd->type & SL_CONF_TAKE1);
            CU_ASSERT_EQUAL(cmd->conf, SL_STREAMING_PP_CONF_OFFSET);

            return cmd->set(&cf, cmd, conf);
        }
    }

    CU_FAIL("no such directive");

    return SL_CONF_ERROR;
}


static sl_access_pp_conf_t *
conf_of(const char *rules[])
{
    sl_uint_t             i;
    sl_access_pp_conf_t  *conf;

    conf = create_conf();
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);

    for (i = 0; rules[i]; i += 2) {
        CU_ASSERT_PTR_NULL(directive(conf, rules[i], rules[i + 1]));
    }

    return conf;
}


/* runs the phase handler for a client at addr ("10.0.0.1", "::1") */
static sl_int_t
check(sl_access_pp_conf_t *conf, const char *addr)
{
    void                    **pp_conf;
    sl_uint_t                 n;
    sl_connection_t           c;
    struct sockaddr_in       *sin;
    struct sockaddr_in6      *sin6;
    sl_streaming_request_t    r;

    sl_memzero(&c, sizeof(sl_connection_t));
    c.addr_text.data = (u_char *) addr;
    c.addr_text.len = strlen(addr);
    c.log = &test_log;

    if (strchr(addr, ':')) {
        sin6 = (struct sockaddr_in6 *) &c.sockaddr;
        sin6->sin6_family = AF_INET6;
        CU_ASSERT_FATAL(inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1);
        c.socklen = sizeof(struct sockaddr_in6);

    } else {
        sin = (struct sockaddr_in *) &c.sockaddr;
        sin->sin_family = AF_INET;
        CU_ASSERT_FATAL(inet_pton(AF_INET, addr, &sin->sin_addr) == 1);
        c.socklen = sizeof(struct sockaddr_in);
    }

    n = sl_access_module.ctx_index + 1;
    pp_conf = sl_pcalloc(sl_unit_pool(), n * sizeof(void *));
    CU_ASSERT_PTR_NOT_NULL_FATAL(pp_conf);
    pp_conf[sl_access_module.ctx_index] = conf;

    sl_memzero(&r, sizeof(sl_streaming_request_t));
    r.connection = &c;
    r.pool = sl_unit_pool();
    r.log = &test_log;
    r.pp_conf = pp_conf;

    return sl_access_handler(&r);
}


static void
test_access_no_rules(void)
{
    sl_access_pp_conf_t  *conf;

    log_open();

    conf = create_conf();
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    CU_ASSERT_PTR_NULL(conf->rules);

    CU_ASSERT_EQUAL(check(conf, "10.0.0.1"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "::1"), SL_DECLINED);
    CU_ASSERT_STRING_EQUAL(log_text(), "");

    log_close();
}


static void
test_access_first_match(void)
{
    static const char  *rules[] = {
        "deny", "10.0.0.1",
        "allow", "10.0.0.0/8",
        "allow", "2001:db8::/32",
        "deny", "all",
        NULL
    };

    sl_access_pp_conf_t  *conf;

    log_open();

    conf = conf_of(rules);
    CU_ASSERT_EQUAL_FATAL(conf->rules->nelts, 4);

    CU_ASSERT_EQUAL(check(conf, "10.0.0.2"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "10.255.255.255"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "2001:db8::5"), SL_DECLINED);
    CU_ASSERT_STRING_EQUAL(log_text(), "");

    CU_ASSERT_EQUAL(check(conf, "10.0.0.1"), 403);
    CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "access forbidden by rule"));

    CU_ASSERT_EQUAL(check(conf, "11.0.0.1"), 403);
    CU_ASSERT_EQUAL(check(conf, "::1"), 403);
    CU_ASSERT_EQUAL(check(conf, "2001:db9::5"), 403);
    CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "access forbidden by rule"));

    /* a dual-stack listener: mapped clients follow the IPv4 rules */
    CU_ASSERT_EQUAL(check(conf, "::ffff:10.0.0.2"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "::ffff:10.0.0.1"), 403);
    CU_ASSERT_EQUAL(check(conf, "::ffff:11.0.0.1"), 403);

    log_close();
}


static void
test_access_families(void)
{
    static const char  *deny6[] = { "deny", "::/0", NULL };
    static const char  *deny4[] = { "deny", "0.0.0.0/0", NULL };
    static const char  *mapped[] = { "deny", "::ffff:192.0.2.0/120", NULL };
    static const char  *allow[] = {
        "allow", "all", "deny", "all", NULL
    };

    sl_access_pp_conf_t  *conf;

    log_open();

    /* ::/0 names IPv6 clients only */
    conf = conf_of(deny6);
    CU_ASSERT_EQUAL(check(conf, "2001:db8::1"), 403);
    CU_ASSERT_EQUAL(check(conf, "::1"), 403);
    CU_ASSERT_EQUAL(check(conf, "127.0.0.1"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "::ffff:127.0.0.1"), SL_DECLINED);

    /* 0.0.0.0/0 names every IPv4 client, mapped or not */
    conf = conf_of(deny4);
    CU_ASSERT_EQUAL(check(conf, "127.0.0.1"), 403);
    CU_ASSERT_EQUAL(check(conf, "::ffff:127.0.0.1"), 403);
    CU_ASSERT_EQUAL(check(conf, "::1"), SL_DECLINED);

    /* a v4-mapped rule names IPv4 clients */
    conf = conf_of(mapped);
    CU_ASSERT_EQUAL(check(conf, "192.0.2.9"), 403);
    CU_ASSERT_EQUAL(check(conf, "::ffff:192.0.2.9"), 403);
    CU_ASSERT_EQUAL(check(conf, "192.0.3.9"), SL_DECLINED);

    conf = conf_of(allow);
    CU_ASSERT_EQUAL(check(conf, "192.0.2.9"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(conf, "::1"), SL_DECLINED);

    log_close();
}


static void
test_access_inherit(void)
{
    static const char  *main_rules[] = { "deny", "192.0.2.0/24", NULL };
    static const char  *pp_rules[] = { "allow", "192.0.2.7", NULL };

    sl_access_pp_conf_t  *mcf, *srv, *pp, *pp2;

    log_open();

    mcf = conf_of(main_rules);
    srv = create_conf();
    pp = conf_of(pp_rules);
    pp2 = create_conf();

    merge_conf(mcf, srv);
    merge_conf(srv, pp);
    merge_conf(srv, pp2);

    /* no rules of its own: the outer ones */
    CU_ASSERT_PTR_EQUAL(srv->rules, mcf->rules);
    CU_ASSERT_PTR_EQUAL(pp2->rules, mcf->rules);
    CU_ASSERT_EQUAL(check(srv, "192.0.2.8"), 403);
    CU_ASSERT_EQUAL(check(pp2, "192.0.2.8"), 403);
    CU_ASSERT_EQUAL(check(pp2, "192.0.3.8"), SL_DECLINED);

    /* rules of its own: none of the outer ones */
    CU_ASSERT_EQUAL(pp->rules->nelts, 1);
    CU_ASSERT_EQUAL(check(pp, "192.0.2.7"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(pp, "192.0.2.8"), SL_DECLINED);

    log_close();
}


static void
test_access_directive_errors(void)
{
    static const char  *invalid[] = {
        "", "ALL", "none", "10.0.0.0/33", "10.0.0.256", "::/129",
        "localhost", "10.0.0.1:80", "[::1]", "10.0.0.0/", "2001:db8::/32 ",
        "*",
    };

    sl_uint_t             i;
    sl_access_pp_conf_t  *conf;

    log_open();

    conf = create_conf();
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_PTR_EQUAL(directive(conf, "allow", invalid[i]),
                            SL_CONF_ERROR);
        CU_ASSERT_PTR_EQUAL(directive(conf, "deny", invalid[i]),
                            SL_CONF_ERROR);
    }

    CU_ASSERT(conf->rules == NULL || conf->rules->nelts == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(log_text(),
        "invalid value \"10.0.0.0/33\" in \"allow\" directive, it must be "
        "an address, a CIDR or \"all\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(log_text(),
        "invalid value \"ALL\" in \"deny\" directive"));

    log_close();
}


static void
test_access_host_bits(void)
{
    sl_access_pp_conf_t     *conf;
    const sl_access_rule_t  *rule;

    log_open();
    test_log.log_level = SL_LOG_WARN;
    test_log.file_level = SL_LOG_WARN;

    conf = create_conf();
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);

    /* accepted with a warning; the rule is the network */
    CU_ASSERT_PTR_NULL(directive(conf, "deny", "10.1.2.3/8"));
    CU_ASSERT_PTR_NOT_NULL(strstr(log_text(),
        "low address bits of 10.1.2.3/8 are meaningless"));

    rule = conf->rules->elts;
    CU_ASSERT_EQUAL(rule->cidr.u.in.addr, htonl(0x0a000000));
    CU_ASSERT(rule->deny);
    CU_ASSERT(!rule->all);

    CU_ASSERT_EQUAL(check(conf, "10.200.0.1"), 403);
    CU_ASSERT_EQUAL(check(conf, "11.0.0.0"), SL_DECLINED);

    log_close();
}


static void
test_access_find_rule(void)
{
    static const char  *rules[] = {
        "allow", "127.0.0.1", "deny", "::1", "allow", "all", NULL
    };

    struct sockaddr_in       sin;
    struct sockaddr_un       sun;
    sl_access_pp_conf_t     *conf;
    const sl_access_rule_t  *rule;

    log_open();

    conf = conf_of(rules);
    rule = conf->rules->elts;

    sl_memzero(&sin, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    CU_ASSERT_PTR_EQUAL(sl_access_find_rule(conf->rules,
                                            (struct sockaddr *) &sin),
                        &rule[0]);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
    CU_ASSERT_PTR_EQUAL(sl_access_find_rule(conf->rules,
                                            (struct sockaddr *) &sin),
                        &rule[2]);

    /* "all" is every family */
    sl_memzero(&sun, sizeof(sun));
    sun.sun_family = AF_UNIX;
    CU_ASSERT_PTR_EQUAL(sl_access_find_rule(conf->rules,
                                            (struct sockaddr *) &sun),
                        &rule[2]);

    CU_ASSERT_PTR_NULL(sl_access_find_rule(NULL, (struct sockaddr *) &sin));

    log_close();
}


static void
test_access_dump(void)
{
    static const char  *rules[] = {
        "allow", "10.1.2.3/8",
        "deny", "192.0.2.1",
        "allow", "2001:DB8::/32",
        "deny", "all",
        NULL
    };

    u_char                buf[1024];
    char                 *text, *p;
    sl_command_t         *cmd;
    sl_conf_dump_t        d;
    sl_access_pp_conf_t  *conf, *empty;

    log_open();

    conf = conf_of(rules);
    empty = create_conf();

    sl_memzero(&d, sizeof(sl_conf_dump_t));
    d.pool = sl_unit_pool();
    d.start = buf;
    d.pos = buf;
    d.end = buf + sizeof(buf);

    for (cmd = sl_access_module.commands; cmd->name.len; cmd++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(cmd->dump);
        cmd->dump(&d, cmd, conf);
        cmd->dump(&d, cmd, empty);
    }

    text = sl_pnalloc(sl_unit_pool(), (size_t) (d.pos - d.start) + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    sl_memcpy(text, d.start, (size_t) (d.pos - d.start));
    text[d.pos - d.start] = '\0';

    /* every rule once, in config order, effective (host bits cleared) */
    p = strstr(text, "allow 10.0.0.0/8;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p = strstr(p, "deny 192.0.2.1;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p = strstr(p, "allow 2001:db8::/32;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p = strstr(p, "deny all;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(strstr(p + 1, "allow"));
    CU_ASSERT_PTR_NULL(strstr(p + 1, "deny"));

    log_close();
}


SL_UNIT_SUITE(sl_access_module,
    { "no rules", test_access_no_rules },
    { "first match wins", test_access_first_match },
    { "address families", test_access_families },
    { "inheritance", test_access_inherit },
    { "directive errors", test_access_directive_errors },
    { "host bits", test_access_host_bits },
    { "find rule", test_access_find_rule },
    { "dump", test_access_dump })

#endif
