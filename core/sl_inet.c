/* IPv4/IPv6 address parsing, printing and CIDR matching. */

#include <sl_config.h>
#include <sl_core.h>


static sl_int_t sl_inet_parse4(const u_char *p, size_t len, u_char *addr);
static sl_int_t sl_inet_parse_prefix(const u_char *p, size_t len,
    sl_uint_t max);
static sl_int_t sl_inet_parse_port(const u_char *p, size_t len);
static sl_uint_t sl_inet6_is_v4mapped(const struct in6_addr *a);
static sl_uint_t sl_inet6_cidr_is_v4mapped(const sl_cidr_t *cidr);
static sl_int_t sl_inet6_match(const struct in6_addr *a,
    const sl_cidr_t *cidr);


/*
 * Strict dotted quad: exactly four decimal parts of 1..3 digits, each
 * 0..255, no leading zeros ("010" is refused: inet_aton would read it
 * as octal), nothing before or after.  Writes 4 bytes in network order.
 */
static sl_int_t
sl_inet_parse4(const u_char *p, size_t len, u_char *addr)
{
    size_t     i;
    sl_uint_t  octet, digits, parts;

    octet = 0;
    digits = 0;
    parts = 0;

    for (i = 0; i < len; i++) {

        if (p[i] >= '0' && p[i] <= '9') {

            if (digits == 1 && octet == 0) {
                return SL_ERROR;            /* leading zero */
            }

            octet = octet * 10 + (p[i] - '0');

            if (octet > 255) {
                return SL_ERROR;
            }

            digits++;
            continue;
        }

        if (p[i] == '.' && digits > 0 && parts < 3) {
            addr[parts++] = (u_char) octet;
            octet = 0;
            digits = 0;
            continue;
        }

        return SL_ERROR;
    }

    if (parts != 3 || digits == 0) {
        return SL_ERROR;
    }

    addr[3] = (u_char) octet;

    return SL_OK;
}


in_addr_t
sl_inet_addr(const u_char *text, size_t len)
{
    in_addr_t  addr;

    if (sl_inet_parse4(text, len, (u_char *) &addr) != SL_OK) {
        return INADDR_NONE;
    }

    return addr;
}


/*
 * The text forms of RFC 4291 §2.2: eight groups of 1..4 hex digits
 * separated by ":", one "::" standing for one or more zero groups, and
 * an optional dotted quad in place of the last two groups.  No zone
 * ("%eth0"), no brackets, no spaces.  Writes 16 bytes to addr only on
 * success.
 */
sl_int_t
sl_inet6_addr(const u_char *p, size_t len, u_char *addr)
{
    u_char     words[16];
    size_t     i, start;
    sl_int_t   gap;
    sl_uint_t  n, word, digits, c;

    if (len == 0) {
        return SL_ERROR;
    }

    n = 0;                      /* bytes of words written */
    gap = -1;                   /* where "::" stands, in bytes */
    i = 0;

    if (p[0] == ':') {
        if (len < 2 || p[1] != ':') {
            return SL_ERROR;
        }

        gap = 0;
        i = 2;
    }

    while (i < len) {

        start = i;
        word = 0;
        digits = 0;

        while (i < len && digits < 5) {
            c = p[i] | 0x20;

            if (p[i] >= '0' && p[i] <= '9') {
                word = word * 16 + (p[i] - '0');

            } else if (c >= 'a' && c <= 'f') {
                word = word * 16 + (c - 'a' + 10);

            } else {
                break;
            }

            digits++;
            i++;
        }

        if (i < len && p[i] == '.') {

            /* the embedded IPv4 address takes the rest of the text */

            if (n > 12) {
                return SL_ERROR;
            }

            if (sl_inet_parse4(&p[start], len - start, &words[n]) != SL_OK) {
                return SL_ERROR;
            }

            n += 4;
            break;
        }

        if (digits == 0 || digits > 4 || n == 16) {
            return SL_ERROR;
        }

        words[n++] = (u_char) (word >> 8);
        words[n++] = (u_char) (word & 0xff);

        if (i == len) {
            break;
        }

        if (p[i] != ':') {
            return SL_ERROR;
        }

        if (++i == len) {
            return SL_ERROR;                /* "1:" */
        }

        if (p[i] == ':') {
            if (gap != -1) {
                return SL_ERROR;            /* a second "::" */
            }

            gap = (sl_int_t) n;
            i++;
        }
    }

    if (gap == -1) {
        if (n != 16) {
            return SL_ERROR;
        }

        sl_memcpy(addr, words, 16);
        return SL_OK;
    }

    if (n > 14) {
        return SL_ERROR;            /* "::" must stand for a group */
    }

    sl_memzero(addr, 16);
    sl_memcpy(addr, words, (size_t) gap);
    sl_memcpy(addr + 16 - (n - gap), &words[gap], n - gap);

    return SL_OK;
}


/* "0".."max", no sign, no leading zero; SL_ERROR otherwise */
static sl_int_t
sl_inet_parse_prefix(const u_char *p, size_t len, sl_uint_t max)
{
    size_t     i;
    sl_uint_t  n;

    if (len == 0 || len > 3 || (len > 1 && p[0] == '0')) {
        return SL_ERROR;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return SL_ERROR;
        }

        n = n * 10 + (p[i] - '0');
    }

    return n > max ? SL_ERROR : (sl_int_t) n;
}


sl_int_t
sl_ptocidr(const sl_str_t *text, sl_cidr_t *cidr)
{
    u_char           *p, *slash, m;
    size_t            len, alen, i;
    sl_int_t          shift, rc;
    in_addr_t         a4, m4;
    struct in6_addr   a6, m6;
    sl_uint_t         family;

    p = text->data;
    len = text->len;

    slash = (len > 0) ? memchr(p, '/', len) : NULL;
    alen = slash ? (size_t) (slash - p) : len;

    sl_memzero(cidr, sizeof(sl_cidr_t));

    if (alen > 0 && memchr(p, ':', alen) != NULL) {
        family = AF_INET6;
        shift = 128;

        if (sl_inet6_addr(p, alen, a6.s6_addr) != SL_OK) {
            return SL_ERROR;
        }

    } else {
        family = AF_INET;
        shift = 32;

        if (sl_inet_parse4(p, alen, (u_char *) &a4) != SL_OK) {
            return SL_ERROR;
        }
    }

    if (slash) {
        shift = sl_inet_parse_prefix(slash + 1, len - alen - 1,
                                     (sl_uint_t) shift);
        if (shift == SL_ERROR) {
            return SL_ERROR;
        }
    }

    rc = SL_OK;
    cidr->family = family;

    if (family == AF_INET) {
        m4 = shift ? htonl((uint32_t) 0xffffffff << (32 - shift)) : 0;

        if (a4 & ~m4) {
            a4 &= m4;
            rc = SL_DONE;
        }

        cidr->u.in.addr = a4;
        cidr->u.in.mask = m4;

        return rc;
    }

    for (i = 0; i < 16; i++) {
        if (shift >= 8) {
            m = 0xff;
            shift -= 8;

        } else {
            m = (u_char) (0xff00 >> shift);
            shift = 0;
        }

        m6.s6_addr[i] = m;

        if (a6.s6_addr[i] & ~m) {
            a6.s6_addr[i] &= m;
            rc = SL_DONE;
        }
    }

    cidr->u.in6.addr = a6;
    cidr->u.in6.mask = m6;

    return rc;
}


static sl_uint_t
sl_inet6_is_v4mapped(const struct in6_addr *a)
{
    static const u_char  prefix[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    return memcmp(a->s6_addr, prefix, 12) == 0;
}


/* an IPv6 rule inside ::ffff:0:0/96: it names IPv4 clients only */
static sl_uint_t
sl_inet6_cidr_is_v4mapped(const sl_cidr_t *cidr)
{
    sl_uint_t  i;

    for (i = 0; i < 12; i++) {
        if (cidr->u.in6.mask.s6_addr[i] != 0xff) {
            return 0;
        }
    }

    return sl_inet6_is_v4mapped(&cidr->u.in6.addr);
}


static sl_int_t
sl_inet6_match(const struct in6_addr *a, const sl_cidr_t *cidr)
{
    sl_uint_t  i;

    for (i = 0; i < 16; i++) {
        if ((a->s6_addr[i] & cidr->u.in6.mask.s6_addr[i])
            != cidr->u.in6.addr.s6_addr[i])
        {
            return SL_DECLINED;
        }
    }

    return SL_OK;
}


/*
 * An IPv4 client, or an IPv6 client whose address is IPv4-mapped (a
 * dual-stack "[::]" listener), is treated as the same IPv4 client: it
 * matches IPv4 rules and IPv6 rules inside ::ffff:0:0/96, never wider
 * IPv6 rules such as ::/0.  Other IPv6 clients match IPv6 rules only.
 */
sl_int_t
sl_cidr_match(const struct sockaddr *sa, const sl_cidr_t *cidr)
{
    in_addr_t                   addr;
    struct in6_addr             mapped;
    const struct sockaddr_in6  *sin6;

    switch (sa->sa_family) {

    case AF_INET:
        addr = ((const struct sockaddr_in *) sa)->sin_addr.s_addr;
        break;

    case AF_INET6:
        sin6 = (const struct sockaddr_in6 *) sa;

        if (!sl_inet6_is_v4mapped(&sin6->sin6_addr)) {
            if (cidr->family != AF_INET6) {
                return SL_DECLINED;
            }

            return sl_inet6_match(&sin6->sin6_addr, cidr);
        }

        sl_memcpy(&addr, &sin6->sin6_addr.s6_addr[12], 4);
        break;

    default:
        return SL_DECLINED;
    }

    if (cidr->family == AF_INET) {
        return ((addr & cidr->u.in.mask) == cidr->u.in.addr) ? SL_OK
                                                             : SL_DECLINED;
    }

    if (cidr->family != AF_INET6 || !sl_inet6_cidr_is_v4mapped(cidr)) {
        return SL_DECLINED;
    }

    sl_memzero(&mapped, sizeof(struct in6_addr));
    mapped.s6_addr[10] = 0xff;
    mapped.s6_addr[11] = 0xff;
    sl_memcpy(&mapped.s6_addr[12], &addr, 4);

    return sl_inet6_match(&mapped, cidr);
}


size_t
sl_cidr_ntop(const sl_cidr_t *cidr, u_char *text, size_t len)
{
    char           buf[SL_CIDR_STRLEN + 1];
    size_t         n;
    const u_char  *mask;
    sl_uint_t      i, bits, max;

    switch (cidr->family) {

    case AF_INET:
        mask = (const u_char *) &cidr->u.in.mask;
        max = 4;

        if (inet_ntop(AF_INET, &cidr->u.in.addr, buf, sizeof(buf)) == NULL) {
            return 0;
        }

        break;

    case AF_INET6:
        mask = cidr->u.in6.mask.s6_addr;
        max = 16;

        if (inet_ntop(AF_INET6, &cidr->u.in6.addr, buf, sizeof(buf)) == NULL) {
            return 0;
        }

        break;

    default:
        return 0;
    }

    bits = 0;

    for (i = 0; i < max; i++) {
        bits += (sl_uint_t) __builtin_popcount(mask[i]);
    }

    n = strlen(buf);

    if (bits != max * 8) {
        (void) snprintf(buf + n, sizeof(buf) - n, "/%u", (unsigned) bits);
        n = strlen(buf);
    }

    n = sl_min(n, len);
    sl_memcpy(text, buf, n);

    return n;
}


/* "1".."65535", digits only, no leading zero */
static sl_int_t
sl_inet_parse_port(const u_char *p, size_t len)
{
    size_t     i;
    sl_int_t   port;

    if (len == 0 || len > 5 || p[0] == '0') {
        return SL_ERROR;
    }

    port = 0;

    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return SL_ERROR;
        }

        port = port * 10 + (p[i] - '0');
    }

    return (port > 65535) ? SL_ERROR : port;
}


/*
 * [ADDR:]PORT of "listen": ADDR is a dotted quad, "*" (any IPv4),
 * "localhost" (127.0.0.1) or a bracketed IPv6 address; a bare PORT
 * means 0.0.0.0.  Nothing is resolved.  addr->name points into text.
 */
sl_int_t
sl_parse_addr_port(const sl_str_t *text, sl_addr_t *addr)
{
    u_char               *p, *last, *colon;
    size_t                len;
    sl_int_t              port;
    in_addr_t             in;
    struct sockaddr_in   *sin;
    struct sockaddr_in6  *sin6;

    p = text->data;
    len = text->len;
    last = p + len;

    sl_memzero(addr, sizeof(sl_addr_t));

    if (len == 0) {
        return SL_ERROR;
    }

    if (p[0] == '[') {
        colon = (u_char *) memchr(p, ']', len);

        if (colon == NULL || colon + 1 == last || colon[1] != ':') {
            return SL_ERROR;
        }

        port = sl_inet_parse_port(colon + 2, (size_t) (last - colon - 2));
        if (port == SL_ERROR) {
            return SL_ERROR;
        }

        sin6 = (struct sockaddr_in6 *) &addr->sockaddr;

        if (sl_inet6_addr(p + 1, (size_t) (colon - p - 1),
                          sin6->sin6_addr.s6_addr)
            != SL_OK)
        {
            return SL_ERROR;
        }

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((in_port_t) port);
        addr->socklen = sizeof(struct sockaddr_in6);
        addr->name = *text;

        return SL_OK;
    }

    colon = (u_char *) memrchr(p, ':', len);

    if (colon == NULL) {
        port = sl_inet_parse_port(p, len);
        in = htonl(INADDR_ANY);

    } else {
        port = sl_inet_parse_port(colon + 1, (size_t) (last - colon - 1));
        len = (size_t) (colon - p);

        if (len == 1 && p[0] == '*') {
            in = htonl(INADDR_ANY);

        } else if (len == sizeof("localhost") - 1
                   && sl_strncasecmp(p, (u_char *) "localhost", len) == 0)
        {
            in = htonl(INADDR_LOOPBACK);

        } else if (sl_inet_parse4(p, len, (u_char *) &in) != SL_OK) {
            return SL_ERROR;
        }
    }

    if (port == SL_ERROR) {
        return SL_ERROR;
    }

    sin = (struct sockaddr_in *) &addr->sockaddr;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((in_port_t) port);
    sin->sin_addr.s_addr = in;
    addr->socklen = sizeof(struct sockaddr_in);
    addr->name = *text;

    return SL_OK;
}


/*
 * Prints sa into text (at most len bytes, not terminated): "a.b.c.d"
 * or an IPv6 address, with ":port" (and brackets around IPv6) when port
 * is set.  Returns the length written, 0 for an unknown family.
 */
size_t
sl_sock_ntop(const struct sockaddr *sa, socklen_t socklen, u_char *text,
    size_t len, sl_uint_t port)
{
    u_char                      *p, *last;
    char                         buf[INET6_ADDRSTRLEN];
    size_t                       n;
    const void                  *a;
    const struct sockaddr_in    *sin;
    const struct sockaddr_in6   *sin6;

    p = text;
    last = text + len;

    switch (sa->sa_family) {

    case AF_INET:
        if (socklen < (socklen_t) sizeof(struct sockaddr_in)) {
            return 0;
        }

        sin = (const struct sockaddr_in *) sa;
        a = &sin->sin_addr;
        break;

    case AF_INET6:
        if (socklen < (socklen_t) sizeof(struct sockaddr_in6)) {
            return 0;
        }

        sin6 = (const struct sockaddr_in6 *) sa;
        a = &sin6->sin6_addr;
        break;

    default:
        return 0;
    }

    if (inet_ntop(sa->sa_family, a, buf, sizeof(buf)) == NULL) {
        return 0;
    }

    if (port && sa->sa_family == AF_INET6 && p < last) {
        *p++ = '[';
    }

    n = sl_min(strlen(buf), (size_t) (last - p));
    p = sl_cpymem(p, buf, n);

    if (port) {
        if (sa->sa_family == AF_INET6 && p < last) {
            *p++ = ']';
        }

        n = (size_t) snprintf(buf, sizeof(buf), ":%u",
                              (unsigned) sl_inet_get_port(sa));
        n = sl_min(n, (size_t) (last - p));
        p = sl_cpymem(p, buf, n);
    }

    return (size_t) (p - text);
}


sl_int_t
sl_cmp_sockaddr(const struct sockaddr *sa1, socklen_t slen1,
    const struct sockaddr *sa2, socklen_t slen2, sl_uint_t cmp_port)
{
    const struct sockaddr_in   *sin1, *sin2;
    const struct sockaddr_in6  *sin61, *sin62;

    if (sa1->sa_family != sa2->sa_family) {
        return SL_DECLINED;
    }

    switch (sa1->sa_family) {

    case AF_INET:
        if (slen1 < (socklen_t) sizeof(struct sockaddr_in)
            || slen2 < (socklen_t) sizeof(struct sockaddr_in))
        {
            return SL_DECLINED;
        }

        sin1 = (const struct sockaddr_in *) sa1;
        sin2 = (const struct sockaddr_in *) sa2;

        if (cmp_port && sin1->sin_port != sin2->sin_port) {
            return SL_DECLINED;
        }

        if (sin1->sin_addr.s_addr != sin2->sin_addr.s_addr) {
            return SL_DECLINED;
        }

        return SL_OK;

    case AF_INET6:
        if (slen1 < (socklen_t) sizeof(struct sockaddr_in6)
            || slen2 < (socklen_t) sizeof(struct sockaddr_in6))
        {
            return SL_DECLINED;
        }

        sin61 = (const struct sockaddr_in6 *) sa1;
        sin62 = (const struct sockaddr_in6 *) sa2;

        if (cmp_port && sin61->sin6_port != sin62->sin6_port) {
            return SL_DECLINED;
        }

        if (memcmp(&sin61->sin6_addr, &sin62->sin6_addr, 16) != 0) {
            return SL_DECLINED;
        }

        return SL_OK;

    default:
        return SL_DECLINED;
    }
}


/* the port in host order, 0 for a family without ports */
in_port_t
sl_inet_get_port(const struct sockaddr *sa)
{
    switch (sa->sa_family) {

    case AF_INET:
        return ntohs(((const struct sockaddr_in *) sa)->sin_port);

    case AF_INET6:
        return ntohs(((const struct sockaddr_in6 *) sa)->sin6_port);

    default:
        return 0;
    }
}
