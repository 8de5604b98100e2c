/*
 * Unit tests for modules/auth/sl_auth_module.c: the authorize ACLs and
 * which Digest uri names a request.
 */

#include <sl_config.h>
#include <sl_core.h>
#include "../../sl_unit.h"

#if (SL_HAVE_AUTH_MODULE)

#include <sl_auth.h>


static sl_array_t *
rules_make(const char *spec[], sl_uint_t n)
{
    sl_uint_t        i;
    sl_array_t      *a;
    sl_auth_rule_t  *rule;

    a = sl_array_create(sl_unit_pool(), 4, sizeof(sl_auth_rule_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);

    /* "r alice", "w @staff" */
    for (i = 0; i < n; i++) {
        rule = sl_array_push(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(rule);

        rule->access = spec[i][0] == 'w' ? SL_STREAMING_WRITE
                                         : SL_STREAMING_READ;
        rule->group = (spec[i][2] == '@');
        rule->name.data = (u_char *) spec[i] + 2 + rule->group;
        rule->name.len = strlen(spec[i]) - 2 - rule->group;
    }

    return a;
}


static const sl_auth_users_t *
users_make(void)
{
    u_char                  err[SL_AUTH_USERS_ERROR_LEN];
    sl_str_t                name = sl_string("users");
    const char             *text = "alice::staff,ops::\n"
                                   "bob::::\n"
                                   "carol::staffers::\n";
    sl_auth_users_t        *users;

    users = sl_auth_users_parse(sl_unit_pool(), &name, (u_char *) text,
                                strlen(text), err, sizeof(err));
    if (users == NULL) {
        CU_FAIL_FATAL((char *) err);
    }

    return users;
}


static sl_uint_t
allows(const sl_array_t *rules, sl_uint_t access, const char *user)
{
    sl_str_t                 s;
    const sl_auth_user_t    *u;
    const sl_auth_users_t   *users;

    /* the unit pool may go between tests: a table per call */
    users = users_make();

    s.data = (u_char *) user;
    s.len = strlen(user);
    u = sl_auth_users_find(users, s.data, s.len);

    return sl_auth_acl_allows(rules, access, &s, u);
}


static void
test_no_rules(void)
{
    const char  *none[1] = { NULL };
    sl_array_t  *empty;

    empty = rules_make(none, 0);

    CU_ASSERT_EQUAL(allows(NULL, SL_STREAMING_READ, "alice"), 1);
    CU_ASSERT_EQUAL(allows(NULL, SL_STREAMING_WRITE, ""), 1);
    CU_ASSERT_EQUAL(allows(empty, SL_STREAMING_WRITE, "bob"), 1);
}


static void
test_users_and_groups(void)
{
    const char  *spec[] = { "r bob", "r @staff", "w alice" };
    sl_array_t  *rules;

    rules = rules_make(spec, 3);

    /* read: bob by name, alice by group; carol's group only starts so */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "bob"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "alice"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "carol"), 0);

    /* names are case-sensitive and whole */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "Bob"), 0);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "bo"), 0);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "bobby"), 0);

    /* write: a rule of the other access never counts */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_WRITE, "alice"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_WRITE, "bob"), 0);

    /* nobody authenticated: refused where rules exist */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, ""), 0);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_WRITE, ""), 0);
}


static void
test_one_access_only(void)
{
    const char  *spec[] = { "w encoder" };
    sl_array_t  *rules;

    rules = rules_make(spec, 1);

    /* no read rule: every reader may, even one not in the users file */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "bob"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "guest"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_WRITE, "encoder"), 1);
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_WRITE, "alice"), 0);
}


static void
test_group_needs_record(void)
{
    const char  *spec[] = { "r @staff", "r guest" };
    sl_array_t  *rules;
    sl_str_t     s = sl_string("alice");

    rules = rules_make(spec, 2);

    /* a group is known from the users file only: no record, no group */
    CU_ASSERT_EQUAL(sl_auth_acl_allows(rules, SL_STREAMING_READ, &s, NULL),
                    0);
    /* an anonymous_user name matches by name */
    CU_ASSERT_EQUAL(allows(rules, SL_STREAMING_READ, "guest"), 1);
}


static sl_uint_t
uri_matches(const char *uri, const char *target, const char *base)
{
    sl_str_t  u, t, b;

    u.data = (u_char *) uri;
    u.len = strlen(uri);
    t.data = (u_char *) target;
    t.len = strlen(target);
    b.data = (u_char *) base;
    b.len = strlen(base);

    return sl_auth_digest_uri_matches(&u, &t, &b);
}


static void
test_digest_uri(void)
{
    const char  *setup = "rtsp://h/vod/a.mp3/trackID=0";
    const char  *base = "rtsp://h/vod/a.mp3/";

    /* the target as sent, byte for byte (ffmpeg, GStreamer, curl) */
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp3", "rtsp://h/vod/a.mp3",
                                ""), 1);
    CU_ASSERT_EQUAL(uri_matches("*", "*", ""), 1);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp3/", "rtsp://h/vod/a.mp3",
                                ""), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/A.mp3", "rtsp://h/vod/a.mp3",
                                ""), 0);
    CU_ASSERT_EQUAL(uri_matches(setup, setup, base), 1);

    /* a track's SETUP signed with the Content-Base (live555), or with
       the presentation's URL before it */
    CU_ASSERT_EQUAL(uri_matches(base, setup, base), 1);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp3", setup, base), 1);

    /* not without a base, nor another presentation, a part or a parent */
    CU_ASSERT_EQUAL(uri_matches(base, setup, ""), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/b.mp3/", setup, base), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp", setup, base), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/", setup, base), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp3//", setup, base), 0);
    CU_ASSERT_EQUAL(uri_matches("rtsp://h/vod/a.mp3/trackID=1", setup,
                                base), 0);
    CU_ASSERT_EQUAL(uri_matches("", "/trackID=0", "/"), 0);
}


SL_UNIT_SUITE(sl_auth_module,
    { "no rules", test_no_rules },
    { "users and groups", test_users_and_groups },
    { "one access only", test_one_access_only },
    { "groups need the users file", test_group_needs_record },
    { "digest uri", test_digest_uri })

#endif /* SL_HAVE_AUTH_MODULE */
