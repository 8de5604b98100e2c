/* Unit tests for core/sl_inet.c: parsing, CIDR matching, printing. */

#include <sl_config.h>
#include <sl_core.h>
#include <sys/un.h>
#include "sl_unit.h"


#define S(text)  (const u_char *) text, sizeof(text) - 1


static sl_int_t
cidr(const char *text, sl_cidr_t *c)
{
    sl_str_t  s;

    s.data = (u_char *) text;
    s.len = strlen(text);

    return sl_ptocidr(&s, c);
}


static struct sockaddr *
sa4(const char *text, struct sockaddr_in *sin)
{
    sl_memzero(sin, sizeof(struct sockaddr_in));
    sin->sin_family = AF_INET;
    CU_ASSERT_FATAL(inet_pton(AF_INET, text, &sin->sin_addr) == 1);

    return (struct sockaddr *) sin;
}


static struct sockaddr *
sa6(const char *text, struct sockaddr_in6 *sin6)
{
    sl_memzero(sin6, sizeof(struct sockaddr_in6));
    sin6->sin6_family = AF_INET6;
    CU_ASSERT_FATAL(inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1);

    return (struct sockaddr *) sin6;
}


/* does client (v4 or v6 text) match rule */
static sl_int_t
match(const char *client, const char *rule)
{
    sl_int_t             rc;
    sl_cidr_t            c;
    struct sockaddr     *sa;
    struct sockaddr_in   sin;
    struct sockaddr_in6  sin6;

    rc = cidr(rule, &c);
    CU_ASSERT(rc == SL_OK || rc == SL_DONE);

    sa = strchr(client, ':') ? sa6(client, &sin6) : sa4(client, &sin);

    return sl_cidr_match(sa, &c);
}


static void
test_inet_addr_valid(void)
{
    static const char  *valid[] = {
        "0.0.0.0", "127.0.0.1", "255.255.255.254", "10.0.0.255",
        "192.168.100.200", "1.2.3.4", "8.8.8.8", "199.99.9.0",
    };

    sl_uint_t   i;
    in_addr_t   a, b;

    for (i = 0; i < sl_nelems(valid); i++) {
        a = sl_inet_addr((const u_char *) valid[i], strlen(valid[i]));
        CU_ASSERT_FATAL(inet_pton(AF_INET, valid[i], &b) == 1);
        CU_ASSERT_EQUAL(a, b);
    }

    CU_ASSERT_EQUAL(sl_inet_addr(S("127.0.0.1")), htonl(0x7f000001));
    CU_ASSERT_EQUAL(sl_inet_addr(S("255.255.255.255")), INADDR_NONE);

    /* length bounds the text, what follows does not matter */
    CU_ASSERT_EQUAL(sl_inet_addr((const u_char *) "1.2.3.45", 7),
                    htonl(0x01020304));
}


static void
test_inet_addr_invalid(void)
{
    static const char  *invalid[] = {
        "", ".", "...", "1", "1.2", "1.2.3", "1.2.3.4.5", "1.2.3.",
        ".1.2.3", "1..2.3", "1.2.3.4.", "256.0.0.0", "1.2.3.256",
        "1.2.3.999", "1.2.3.1000", "01.2.3.4", "1.2.3.04", "1.2.3.00",
        "0x1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "+1.2.3.4",
        "1.2.3.a", "a.b.c.d", "1.2.3.4/8", "1.2.3.4:80", "::1",
        "1,2,3,4", "4294967295", "1.2.3.4\n",
    };

    sl_uint_t  i;

    for (i = 0; i < sl_nelems(invalid); i++) {
        CU_ASSERT_EQUAL(sl_inet_addr((const u_char *) invalid[i],
                                     strlen(invalid[i])),
                        INADDR_NONE);
    }

    /* an embedded NUL is refused */
    CU_ASSERT_EQUAL(sl_inet_addr((const u_char *) "1.2.3.4\0", 8),
                    INADDR_NONE);
    CU_ASSERT_EQUAL(sl_inet_addr((const u_char *) "1.2\0.3.4", 8),
                    INADDR_NONE);
}


static void
test_inet6_addr_valid(void)
{
    static const char  *valid[] = {
        "::", "::1", "1::", "1::2", "::ffff:1.2.3.4", "::1.2.3.4",
        "::ffff:0:0", "2001:db8::1", "2001:DB8::A:b:C",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "2001:db8:0:0:0:ff00:42:8329", "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::3:4:5:6:7:8",
        "1:2:3:4:5:6::8", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5::1.2.3.4",
        "::0.0.0.0", "fe80::", "ff02::1:ff00:1",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
        "0:0:0:0:0:0:0:0", "a:b:c:d:e:f:0:1",
        "::abcd", "abcd::", "64:ff9b::192.0.2.33",
    };

    u_char     a[16];
    sl_uint_t  i;
    u_char     b[16];

    for (i = 0; i < sl_nelems(valid); i++) {
        sl_memzero(a, 16);
        CU_ASSERT_EQUAL(sl_inet6_addr((const u_char *) valid[i],
                                      strlen(valid[i]), a), SL_OK);
        CU_ASSERT_FATAL(inet_pton(AF_INET6, valid[i], b) == 1);
        CU_ASSERT(memcmp(a, b, 16) == 0);
    }

    CU_ASSERT_EQUAL(sl_inet6_addr(S("::ffff:10.1.2.3"), a), SL_OK);
    CU_ASSERT(a[10] == 0xff && a[11] == 0xff && a[12] == 10 && a[15] == 3);
}


static void
test_inet6_addr_invalid(void)
{
    static const char  *invalid[] = {
        "", ":", ":::", "::::", "1", "1:", ":1", "1:2", "1::2::3",
        "::1::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:",
        ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "1::2:3:4:5:6:7:8", "12345::", "::12345", "g::", "::g",
        "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4",
        "::1.2.3", "::1.2.3.4.5", "::256.0.0.1", "::01.2.3.4",
        "::1.2.3.4:1", "1.2.3.4::", "::ffff:1.2.3.4/8", "[::1]",
        "::1%eth0", " ::1", "::1 ", "1:::2", "::ffff:", "fe80:::",
        "::-1", "::+1", "0x1::", "1.2.3.4", "::1.2.3.4:", "::a.2.3.4",
        "::ffff:1.2.3.4.", ":::1", "1:2:3:4:5:6:7:8:1.2.3.4",
        "::ffff:1.2..3", "::1\n",
    };

    u_char     a[16];
    sl_uint_t  i;

    for (i = 0; i < sl_nelems(invalid); i++) {
        if (sl_inet6_addr((const u_char *) invalid[i], strlen(invalid[i]),
                          a)
            != SL_ERROR)
        {
            fprintf(stderr, "accepted \"%s\"\n", invalid[i]);
            CU_FAIL("invalid IPv6 accepted");
        }
    }

    CU_ASSERT_EQUAL(sl_inet6_addr((const u_char *) "::1\0", 4, a), SL_ERROR);
}


static void
test_ptocidr_v4(void)
{
    sl_cidr_t  c;

    CU_ASSERT_EQUAL(cidr("10.0.0.0/8", &c), SL_OK);
    CU_ASSERT_EQUAL(c.family, AF_INET);
    CU_ASSERT_EQUAL(c.u.in.addr, htonl(0x0a000000));
    CU_ASSERT_EQUAL(c.u.in.mask, htonl(0xff000000));

    CU_ASSERT_EQUAL(cidr("192.0.2.1", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in.mask, 0xffffffff);
    CU_ASSERT_EQUAL(c.u.in.addr, htonl(0xc0000201));

    CU_ASSERT_EQUAL(cidr("192.0.2.1/32", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in.mask, 0xffffffff);

    CU_ASSERT_EQUAL(cidr("0.0.0.0/0", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in.mask, 0);
    CU_ASSERT_EQUAL(c.u.in.addr, 0);

    CU_ASSERT_EQUAL(cidr("172.16.0.0/12", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in.mask, htonl(0xfff00000));

    CU_ASSERT_EQUAL(cidr("128.0.0.0/1", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in.mask, htonl(0x80000000));

    /* host bits set: cleared, SL_DONE */
    CU_ASSERT_EQUAL(cidr("10.1.2.3/8", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in.addr, htonl(0x0a000000));
    CU_ASSERT_EQUAL(cidr("1.2.3.4/0", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in.addr, 0);
    CU_ASSERT_EQUAL(cidr("192.0.2.255/31", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in.addr, htonl(0xc00002fe));

    CU_ASSERT_EQUAL(cidr("10.0.0.0/33", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/-1", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/+8", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/08", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/8/8", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/8 ", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/1000", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0.0/255.0.0.0", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("10.0.0/8", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("/8", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("/", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("all", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("localhost", &c), SL_ERROR);
}


static void
test_ptocidr_v6(void)
{
    sl_cidr_t  c;
    u_char     mask[16];

    CU_ASSERT_EQUAL(cidr("2001:db8::/32", &c), SL_OK);
    CU_ASSERT_EQUAL(c.family, AF_INET6);
    sl_memzero(mask, 16);
    mask[0] = mask[1] = mask[2] = mask[3] = 0xff;
    CU_ASSERT(memcmp(c.u.in6.mask.s6_addr, mask, 16) == 0);

    CU_ASSERT_EQUAL(cidr("::1", &c), SL_OK);
    memset(mask, 0xff, 16);
    CU_ASSERT(memcmp(c.u.in6.mask.s6_addr, mask, 16) == 0);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[15], 1);

    CU_ASSERT_EQUAL(cidr("::1/128", &c), SL_OK);
    CU_ASSERT(memcmp(c.u.in6.mask.s6_addr, mask, 16) == 0);

    CU_ASSERT_EQUAL(cidr("::/0", &c), SL_OK);
    sl_memzero(mask, 16);
    CU_ASSERT(memcmp(c.u.in6.mask.s6_addr, mask, 16) == 0);

    CU_ASSERT_EQUAL(cidr("fe80::/10", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in6.mask.s6_addr[0], 0xff);
    CU_ASSERT_EQUAL(c.u.in6.mask.s6_addr[1], 0xc0);
    CU_ASSERT_EQUAL(c.u.in6.mask.s6_addr[2], 0);

    CU_ASSERT_EQUAL(cidr("::ffff:10.0.0.0/104", &c), SL_OK);
    CU_ASSERT_EQUAL(c.u.in6.mask.s6_addr[12], 0xff);
    CU_ASSERT_EQUAL(c.u.in6.mask.s6_addr[13], 0);

    /* host bits */
    CU_ASSERT_EQUAL(cidr("2001:db8::1/32", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[15], 0);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[0], 0x20);
    CU_ASSERT_EQUAL(cidr("fe80::1:2/127", &c), SL_OK);
    CU_ASSERT_EQUAL(cidr("fe80::1:3/127", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[15], 2);
    CU_ASSERT_EQUAL(cidr("ffff::/1", &c), SL_DONE);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[0], 0x80);
    CU_ASSERT_EQUAL(c.u.in6.addr.s6_addr[1], 0);

    CU_ASSERT_EQUAL(cidr("::/129", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("::1/200", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("::/", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("::1/064", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("[::1]/128", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("1::2::3/64", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("::1%lo/128", &c), SL_ERROR);
    CU_ASSERT_EQUAL(cidr("2001:db8::/ 32", &c), SL_ERROR);
}


static void
test_cidr_match_v4(void)
{
    CU_ASSERT_EQUAL(match("10.1.2.3", "10.0.0.0/8"), SL_OK);
    CU_ASSERT_EQUAL(match("11.1.2.3", "10.0.0.0/8"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("192.0.2.1", "192.0.2.1"), SL_OK);
    CU_ASSERT_EQUAL(match("192.0.2.2", "192.0.2.1"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("192.0.2.2", "192.0.2.1/31"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("192.0.2.1", "192.0.2.0/31"), SL_OK);
    CU_ASSERT_EQUAL(match("172.31.255.255", "172.16.0.0/12"), SL_OK);
    CU_ASSERT_EQUAL(match("172.32.0.0", "172.16.0.0/12"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("1.2.3.4", "0.0.0.0/0"), SL_OK);
    CU_ASSERT_EQUAL(match("255.255.255.255", "0.0.0.0/0"), SL_OK);
    CU_ASSERT_EQUAL(match("200.0.0.1", "128.0.0.0/1"), SL_OK);
    CU_ASSERT_EQUAL(match("127.0.0.1", "128.0.0.0/1"), SL_DECLINED);
}


static void
test_cidr_match_v6(void)
{
    CU_ASSERT_EQUAL(match("2001:db8::1", "2001:db8::/32"), SL_OK);
    CU_ASSERT_EQUAL(match("2001:db9::1", "2001:db8::/32"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::1", "::1"), SL_OK);
    CU_ASSERT_EQUAL(match("::2", "::1"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::1", "::/0"), SL_OK);
    CU_ASSERT_EQUAL(match("fe80::1", "fe80::/10"), SL_OK);
    CU_ASSERT_EQUAL(match("febf::1", "fe80::/10"), SL_OK);
    CU_ASSERT_EQUAL(match("fec0::1", "fe80::/10"), SL_DECLINED);

    /* families do not mix */
    CU_ASSERT_EQUAL(match("::1", "0.0.0.0/0"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("2001:db8::1", "127.0.0.1"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("127.0.0.1", "::/0"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("127.0.0.1", "::1"), SL_DECLINED);

    /* IPv4-compatible (deprecated) is not IPv4-mapped */
    CU_ASSERT_EQUAL(match("::127.0.0.1", "127.0.0.1"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::127.0.0.1", "::/0"), SL_OK);
}


static void
test_cidr_match_mapped(void)
{
    /* a mapped client is an IPv4 client */
    CU_ASSERT_EQUAL(match("::ffff:10.1.2.3", "10.0.0.0/8"), SL_OK);
    CU_ASSERT_EQUAL(match("::ffff:11.1.2.3", "10.0.0.0/8"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::ffff:127.0.0.1", "127.0.0.1"), SL_OK);
    CU_ASSERT_EQUAL(match("::ffff:1.2.3.4", "0.0.0.0/0"), SL_OK);
    CU_ASSERT_EQUAL(match("::ffff:1.2.3.4", "::/0"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::ffff:1.2.3.4", "::/8"), SL_DECLINED);

    /* rules inside ::ffff:0:0/96 name IPv4 clients, mapped or not */
    CU_ASSERT_EQUAL(match("10.9.8.7", "::ffff:10.0.0.0/104"), SL_OK);
    CU_ASSERT_EQUAL(match("11.9.8.7", "::ffff:10.0.0.0/104"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("::ffff:10.9.8.7", "::ffff:10.0.0.0/104"), SL_OK);
    CU_ASSERT_EQUAL(match("::ffff:11.9.8.7", "::ffff:10.0.0.0/104"),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(match("1.2.3.4", "::ffff:0:0/96"), SL_OK);
    CU_ASSERT_EQUAL(match("1.2.3.4", "::ffff:1.2.3.4"), SL_OK);
    CU_ASSERT_EQUAL(match("1.2.3.5", "::ffff:1.2.3.4"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("1.2.3.4", "::ffff:0:0/95"), SL_DECLINED);
    CU_ASSERT_EQUAL(match("1.2.3.4", "::fffe:0:0/96"), SL_DECLINED);
}


static void
test_cidr_match_other_family(void)
{
    sl_cidr_t           c;
    struct sockaddr_un  sun;

    sl_memzero(&sun, sizeof(sun));
    sun.sun_family = AF_UNIX;

    CU_ASSERT_EQUAL(cidr("0.0.0.0/0", &c), SL_OK);
    CU_ASSERT_EQUAL(sl_cidr_match((struct sockaddr *) &sun, &c),
                    SL_DECLINED);
    CU_ASSERT_EQUAL(cidr("::/0", &c), SL_OK);
    CU_ASSERT_EQUAL(sl_cidr_match((struct sockaddr *) &sun, &c),
                    SL_DECLINED);
}


static void
test_cidr_ntop(void)
{
    u_char     text[SL_CIDR_STRLEN];
    size_t     n;
    sl_cidr_t  c;

#define CIDR_NTOP(in, expect)                                                 \
    CU_ASSERT(cidr(in, &c) != SL_ERROR);                                      \
    n = sl_cidr_ntop(&c, text, sizeof(text));                                 \
    CU_ASSERT_EQUAL(n, sizeof(expect) - 1);                                   \
    CU_ASSERT(memcmp(text, expect, n) == 0)

    CIDR_NTOP("10.0.0.0/8", "10.0.0.0/8");
    CIDR_NTOP("10.1.2.3/8", "10.0.0.0/8");
    CIDR_NTOP("192.0.2.1", "192.0.2.1");
    CIDR_NTOP("192.0.2.1/32", "192.0.2.1");
    CIDR_NTOP("0.0.0.0/0", "0.0.0.0/0");
    CIDR_NTOP("192.0.2.0/31", "192.0.2.0/31");
    CIDR_NTOP("2001:DB8:0::/32", "2001:db8::/32");
    CIDR_NTOP("::1", "::1");
    CIDR_NTOP("::/0", "::/0");
    CIDR_NTOP("fe80::/10", "fe80::/10");
    CIDR_NTOP("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104");
    CIDR_NTOP("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127",
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");

#undef CIDR_NTOP

    n = sl_cidr_ntop(&c, text, 4);
    CU_ASSERT_EQUAL(n, 4);

    c.family = AF_UNIX;
    CU_ASSERT_EQUAL(sl_cidr_ntop(&c, text, sizeof(text)), 0);
}


static sl_int_t
addr_port(const char *text, sl_addr_t *a)
{
    sl_str_t  s;

    s.data = (u_char *) text;
    s.len = strlen(text);

    return sl_parse_addr_port(&s, a);
}


static void
test_parse_addr_port(void)
{
    sl_addr_t             a;
    struct sockaddr_in   *sin;
    struct sockaddr_in6  *sin6;

    sin = (struct sockaddr_in *) &a.sockaddr;
    sin6 = (struct sockaddr_in6 *) &a.sockaddr;

    CU_ASSERT_EQUAL(addr_port("8554", &a), SL_OK);
    CU_ASSERT_EQUAL(sin->sin_family, AF_INET);
    CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_ANY));
    CU_ASSERT_EQUAL(sin->sin_port, htons(8554));
    CU_ASSERT_EQUAL(a.socklen, sizeof(struct sockaddr_in));
    CU_ASSERT(a.name.len == 4 && memcmp(a.name.data, "8554", 4) == 0);

    CU_ASSERT_EQUAL(addr_port("127.0.0.1:8554", &a), SL_OK);
    CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CU_ASSERT_EQUAL(sl_inet_get_port((struct sockaddr *) sin), 8554);

    CU_ASSERT_EQUAL(addr_port("*:1", &a), SL_OK);
    CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_ANY));
    CU_ASSERT_EQUAL(sl_inet_get_port((struct sockaddr *) sin), 1);

    CU_ASSERT_EQUAL(addr_port("localhost:65535", &a), SL_OK);
    CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CU_ASSERT_EQUAL(sl_inet_get_port((struct sockaddr *) sin), 65535);

    CU_ASSERT_EQUAL(addr_port("LocalHost:554", &a), SL_OK);
    CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));

    CU_ASSERT_EQUAL(addr_port("[::1]:8554", &a), SL_OK);
    CU_ASSERT_EQUAL(sin6->sin6_family, AF_INET6);
    CU_ASSERT_EQUAL(a.socklen, sizeof(struct sockaddr_in6));
    CU_ASSERT(memcmp(&sin6->sin6_addr, &in6addr_loopback, 16) == 0);
    CU_ASSERT_EQUAL(sin6->sin6_port, htons(8554));

    CU_ASSERT_EQUAL(addr_port("[::]:8554", &a), SL_OK);
    CU_ASSERT(memcmp(&sin6->sin6_addr, &in6addr_any, 16) == 0);

    CU_ASSERT_EQUAL(addr_port("[::ffff:127.0.0.1]:80", &a), SL_OK);
    CU_ASSERT_EQUAL(sin6->sin6_addr.s6_addr[15], 1);

    CU_ASSERT_EQUAL(addr_port("[2001:db8::7]:8554", &a), SL_OK);
}


static void
test_parse_addr_port_invalid(void)
{
    static const char  *invalid[] = {
        "", "0", "65536", "99999", "123456", "-1", "+80", "08554", "80a",
        " 80", "80 ", ":80", "*", "*:", "*:0", "127.0.0.1", "127.0.0.1:",
        "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80:80", "1.2.3:80",
        "256.0.0.1:80", "localhost", "localhost:", "localhostx:80",
        "example.com:80", "::1:8554", "[::1]", "[::1]:", "[::1]8554",
        "[::1]:0", "[::1]:65536", "[]:80", "[::1:80", "::1]:80",
        "[1::2::3]:80", "[::1]]:80", "[[::1]]:80", "[127.0.0.1]:80",
        "**:80", "[::1%lo]:80", "[::1] :80", "127.0.0.1 :80",
    };

    sl_uint_t  i;
    sl_addr_t  a;

    for (i = 0; i < sl_nelems(invalid); i++) {
        if (addr_port(invalid[i], &a) != SL_ERROR) {
            fprintf(stderr, "accepted \"%s\"\n", invalid[i]);
            CU_FAIL("invalid listen address accepted");
        }
    }
}


static void
test_sock_ntop(void)
{
    u_char     text[SL_SOCKADDR_STRLEN];
    size_t     n;
    sl_addr_t  a;

#define NTOP(addr, port, expect)                                              \
    CU_ASSERT_EQUAL_FATAL(addr_port(addr, &a), SL_OK);                        \
    n = sl_sock_ntop((struct sockaddr *) &a.sockaddr, a.socklen, text,        \
                     sizeof(text), port);                                     \
    CU_ASSERT_EQUAL(n, sizeof(expect) - 1);                                   \
    CU_ASSERT(memcmp(text, expect, n) == 0)

    NTOP("127.0.0.1:8554", 1, "127.0.0.1:8554");
    NTOP("127.0.0.1:8554", 0, "127.0.0.1");
    NTOP("8554", 1, "0.0.0.0:8554");
    NTOP("[::1]:8554", 1, "[::1]:8554");
    NTOP("[::1]:8554", 0, "::1");
    NTOP("[::]:554", 1, "[::]:554");
    NTOP("[2001:DB8:0:0:0:0:0:7]:65535", 1, "[2001:db8::7]:65535");
    NTOP("[::ffff:10.0.0.1]:80", 0, "::ffff:10.0.0.1");
    NTOP("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", 1,
         "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");

#undef NTOP

    /* truncated to the room given, never past it */
    CU_ASSERT_EQUAL(addr_port("[::1]:8554", &a), SL_OK);
    memset(text, 'x', sizeof(text));
    n = sl_sock_ntop((struct sockaddr *) &a.sockaddr, a.socklen, text, 5, 1);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT(memcmp(text, "[::1]x", 6) == 0);

    n = sl_sock_ntop((struct sockaddr *) &a.sockaddr, a.socklen, text, 0, 1);
    CU_ASSERT_EQUAL(n, 0);

    /* a short socklen is refused */
    n = sl_sock_ntop((struct sockaddr *) &a.sockaddr,
                     sizeof(struct sockaddr_in), text, sizeof(text), 1);
    CU_ASSERT_EQUAL(n, 0);
}


static void
test_cmp_sockaddr(void)
{
    sl_addr_t  a, b;

#define CMP(x, y, port)                                                       \
    sl_cmp_sockaddr((struct sockaddr *) &(x).sockaddr, (x).socklen,           \
                    (struct sockaddr *) &(y).sockaddr, (y).socklen, port)

    CU_ASSERT_EQUAL(addr_port("127.0.0.1:80", &a), SL_OK);
    CU_ASSERT_EQUAL(addr_port("localhost:80", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 1), SL_OK);

    CU_ASSERT_EQUAL(addr_port("127.0.0.1:81", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 1), SL_DECLINED);
    CU_ASSERT_EQUAL(CMP(a, b, 0), SL_OK);

    CU_ASSERT_EQUAL(addr_port("127.0.0.2:80", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 0), SL_DECLINED);

    CU_ASSERT_EQUAL(addr_port("[::ffff:127.0.0.1]:80", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 1), SL_DECLINED);

    CU_ASSERT_EQUAL(addr_port("[::1]:80", &a), SL_OK);
    CU_ASSERT_EQUAL(addr_port("[0:0::1]:80", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 1), SL_OK);
    CU_ASSERT_EQUAL(addr_port("[::1]:81", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 1), SL_DECLINED);
    CU_ASSERT_EQUAL(CMP(a, b, 0), SL_OK);
    CU_ASSERT_EQUAL(addr_port("[::2]:80", &b), SL_OK);
    CU_ASSERT_EQUAL(CMP(a, b, 0), SL_DECLINED);

#undef CMP

    CU_ASSERT_EQUAL(sl_inet_get_port((struct sockaddr *) &a.sockaddr), 80);
}


SL_UNIT_SUITE(sl_inet,
    { "inet_addr valid", test_inet_addr_valid },
    { "inet_addr invalid", test_inet_addr_invalid },
    { "inet6_addr valid", test_inet6_addr_valid },
    { "inet6_addr invalid", test_inet6_addr_invalid },
    { "ptocidr v4", test_ptocidr_v4 },
    { "ptocidr v6", test_ptocidr_v6 },
    { "cidr_match v4", test_cidr_match_v4 },
    { "cidr_match v6", test_cidr_match_v6 },
    { "cidr_match v4-mapped", test_cidr_match_mapped },
    { "cidr_match other family", test_cidr_match_other_family },
    { "cidr_ntop", test_cidr_ntop },
    { "parse_addr_port", test_parse_addr_port },
    { "parse_addr_port invalid", test_parse_addr_port_invalid },
    { "sock_ntop", test_sock_ntop },
    { "cmp_sockaddr", test_cmp_sockaddr })
