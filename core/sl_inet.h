/* IPv4/IPv6 addresses: parsing, printing, CIDR matching. */

#ifndef SL_INET_H
#define SL_INET_H

#include <sl_config.h>


#define SL_INET_ADDRSTRLEN   (sizeof("255.255.255.255") - 1)
#define SL_INET6_ADDRSTRLEN                                                   \
    (sizeof("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") - 1)
#define SL_SOCKADDR_STRLEN   (SL_INET6_ADDRSTRLEN + sizeof("[]:65535") - 1)
#define SL_CIDR_STRLEN       (SL_INET6_ADDRSTRLEN + sizeof("/128") - 1)

typedef struct {
    sl_uint_t      family;       /* AF_INET, AF_INET6 */
    union {
        struct {
            in_addr_t        addr;    /* network order */
            in_addr_t        mask;
        } in;
        struct {
            struct in6_addr  addr;
            struct in6_addr  mask;
        } in6;
    } u;
} sl_cidr_t;

typedef struct {
    struct sockaddr_storage  sockaddr;
    socklen_t                socklen;
    sl_str_t                 name;     /* as written */
} sl_addr_t;

/* "a.b.c.d" -> address in network order, INADDR_NONE if malformed */
in_addr_t sl_inet_addr(const u_char *text, size_t len);
/* textual IPv6 (with optional embedded IPv4) into 16 bytes; SL_OK/SL_ERROR */
sl_int_t sl_inet6_addr(const u_char *p, size_t len, u_char *addr);

/*
 * "10.0.0.0/8", "2001:db8::/32", "192.0.2.1", "::1".  Returns SL_OK,
 * SL_DONE when bits outside the mask were set (they are cleared, the
 * caller warns) or SL_ERROR.
 */
sl_int_t sl_ptocidr(const sl_str_t *text, sl_cidr_t *cidr);

/*
 * SL_OK when sa is inside cidr, else SL_DECLINED.  An IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is compared as IPv4 against IPv4 rules.
 */
sl_int_t sl_cidr_match(const struct sockaddr *sa, const sl_cidr_t *cidr);

/*
 * "10.0.0.0/8", "2001:db8::/32"; a full mask prints the address alone
 * ("192.0.2.1", "::1").  Returns the length written (at most len, not
 * terminated), 0 for an unknown family.
 */
size_t sl_cidr_ntop(const sl_cidr_t *cidr, u_char *text, size_t len);

/*
 * Listen address: "8554", "127.0.0.1:8554", "*:8554", "[::1]:8554",
 * "[::]:8554", "localhost:8554".  No DNS.  SL_OK or SL_ERROR.
 */
sl_int_t sl_parse_addr_port(const sl_str_t *text, sl_addr_t *addr);

/* "127.0.0.1", "[::1]" with port ":8554" when port != 0; returns length */
size_t sl_sock_ntop(const struct sockaddr *sa, socklen_t socklen,
    u_char *text, size_t len, sl_uint_t port);
/* address and port equal (SL_OK) or not (SL_DECLINED) */
sl_int_t sl_cmp_sockaddr(const struct sockaddr *sa1, socklen_t slen1,
    const struct sockaddr *sa2, socklen_t slen2, sl_uint_t cmp_port);
in_port_t sl_inet_get_port(const struct sockaddr *sa);

#endif /* SL_INET_H */
