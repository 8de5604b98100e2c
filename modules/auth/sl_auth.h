/*
 * The auth module: the "auth*" and "authorize" directives, the
 * authentication phase (anonymous, Basic, Digest, signed URLs) and the
 * authorization phase (read/write ACLs on users and groups).
 */

#ifndef SL_AUTH_H
#define SL_AUTH_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>
#include "sl_auth_users.h"


typedef enum {
    SL_AUTH_METHOD_ANONYMOUS = 0,
    SL_AUTH_METHOD_BASIC,
    SL_AUTH_METHOD_DIGEST,
    SL_AUTH_METHOD_TOKEN,
    SL_AUTH_METHODS
} sl_auth_method_e;

/* one principal of an "authorize" line: "authorize read alice @staff" */
typedef struct {
    sl_uint_t            access;        /* SL_STREAMING_READ or WRITE */
    sl_str_t             name;          /* user, or group without "@" */
    unsigned             group:1;
} sl_auth_rule_t;

/* kept in every pp conf: streaming{}, server{} and publishing_point{} */
typedef struct {
    sl_uint_t            nmethods;      /* SL_CONF_UNSET_UINT: not set;
                                           0: "auth off" */
    sl_auth_method_e     methods[SL_AUTH_METHODS];  /* offered in order */
    sl_str_t             realm;
    sl_auth_users_t     *users;         /* SL_CONF_UNSET_PTR: not set */
    sl_str_t             anonymous_user;
    sl_int_t             basic_plaintext;
    sl_msec_t            basic_cache_time;  /* 0: every Basic request
                                               runs crypt(3) */
    sl_int_t             nonce_timeout; /* seconds */
    sl_str_t             token_secret;  /* auth_token_secret */
    sl_int_t             token_ip;      /* auth_token_ip */
    sl_str_t             token_file;    /* where "auth ... token" is, */
    sl_uint_t            token_line;    /* for the missing secret error */
    sl_array_t          *rules;         /* sl_auth_rule_t, NULL when the
                                           level has none of its own */
} sl_auth_pp_conf_t;


/*
 * Whether user (len 0: nobody authenticated; u: the users file's record
 * of that name, or NULL) may have access (SL_STREAMING_READ or WRITE)
 * under rules (may be NULL).  Only the rules of that access count: with
 * none of them, everybody may; else the user must be named, or be in a
 * group named.  Returns 1 when allowed, 0 when not.
 */
sl_uint_t sl_auth_acl_allows(const sl_array_t *rules, sl_uint_t access,
    const sl_str_t *user, const sl_auth_user_t *u);

/*
 * Whether a Digest "uri" names the request's resource (RFC 7616 §3.4.6):
 * the target as sent, or, when base is not empty (a request on an RTSP
 * track, as a SETUP), base with or without its last "/".  live555 (VLC,
 * openRTSP) signs every request with its base URL, which is our
 * Content-Base ("rtsp://h/vod/a.mp3/"), even a SETUP of
 * ".../a.mp3/trackID=0"; that names the presentation the track belongs
 * to, and no other.  Returns 1 when it matches, 0 when not.
 */
sl_uint_t sl_auth_digest_uri_matches(const sl_str_t *uri,
    const sl_str_t *target, const sl_str_t *base);

/*
 * Signed URLs (sl_auth_token_request.c): the authentication of a
 * request under "auth ... token", the directives, and the check that a
 * level offering tokens has a secret.
 */
sl_int_t sl_auth_token_authenticate(sl_streaming_request_t *r,
    sl_auth_pp_conf_t *apcf);
char *sl_auth_token_secret(sl_conf_t *cf, sl_command_t *cmd, void *conf);
void sl_auth_token_secret_dump(sl_conf_dump_t *d, sl_command_t *cmd,
    void *conf);
void sl_auth_token_where(sl_conf_t *cf, sl_auth_pp_conf_t *apcf);
char *sl_auth_token_merge(sl_conf_t *cf, sl_auth_pp_conf_t *prev,
    sl_auth_pp_conf_t *conf);

extern sl_module_t  sl_auth_module;

#endif /* SL_AUTH_H */
