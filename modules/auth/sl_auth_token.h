/*
 * Signed URLs: links a web page hands out that play one path until a
 * given time, and optionally only from one client address, without a
 * password.  Pure: the HMAC, the query arguments and the check; the
 * auth module applies them to a request.  Unit-tested.
 */

#ifndef SL_AUTH_TOKEN_H
#define SL_AUTH_TOKEN_H

#include <sl_config.h>
#include <sl_core.h>


/*
 * token = base64url(HMAC-SHA256(secret, path "\n" expires [ "\n" ip ])),
 * no "=" padding, 43 characters.  path: the decoded path of the
 * publishing point or file ("/vod/a.mp3"), without the query and
 * without an RTSP track control ("/trackID=0"); expires: the decimal
 * Unix time exactly as in the URL's "expires" argument; ip: only with
 * auth_token_ip on, the client's address as text ("192.0.2.7",
 * "2001:db8::1"; an IPv4-mapped IPv6 address as IPv4).
 * A message longer than 8192 bytes (a very long path) has no token.
 * The same HMAC as 64 hex digits, either case, is taken too: VLC's RTSP
 * client lowercases a URL's query, which base64url does not survive.
 */
#define SL_AUTH_TOKEN_LEN           43
#define SL_AUTH_TOKEN_HEX_LEN       64
#define SL_AUTH_TOKEN_SECRET_MIN    16

typedef enum {
    SL_AUTH_TOKEN_OK = 0,
    SL_AUTH_TOKEN_EXPIRED,          /* authentic, but now > expires */
    SL_AUTH_TOKEN_INVALID           /* malformed, another path's, another
                                       address's, another secret's, or
                                       tampered */
} sl_auth_token_e;

/*
 * Writes the token for path, expires (text: 1 to 19 digits) and ip
 * (NULL: not bound to an address) into token (SL_AUTH_TOKEN_LEN bytes,
 * not terminated).  SL_OK, or SL_ERROR when the secret is empty or
 * OpenSSL gives no HMAC.
 */
sl_int_t sl_auth_token_make(const sl_str_t *secret, const sl_str_t *path,
    const sl_str_t *expires, const sl_str_t *ip, u_char *token);

/*
 * Checks token against path, expires and ip (NULL: none) at time now.
 * The HMAC is compared in constant time before the time is looked at,
 * so that EXPIRED is only said of the server's own tokens.
 */
sl_auth_token_e sl_auth_token_check(const sl_str_t *secret,
    const sl_str_t *path, const sl_str_t *expires, const sl_str_t *ip,
    const sl_str_t *token, time_t now);

/*
 * Finds the "expires" and "token" arguments in the query of a request
 * target as sent (the part after the first "?"; none: SL_DECLINED).
 * A value ends at "&", "#" or "/": RTSP players append a track control
 * ("/trackID=0") to a URL that has a query, and neither value may hold
 * a "/".  SL_OK when the query has a "token" argument (expires may
 * then be empty), else SL_DECLINED.
 */
sl_int_t sl_auth_token_args(const sl_str_t *uri, sl_str_t *expires,
    sl_str_t *token);

/*
 * The client's address as the HMAC sees it, into text (at least
 * SL_AUTH_TOKEN_IP_LEN bytes); returns the length.
 */
#define SL_AUTH_TOKEN_IP_LEN        INET6_ADDRSTRLEN

size_t sl_auth_token_ip(const struct sockaddr *sa, u_char *text);

#endif /* SL_AUTH_TOKEN_H */
