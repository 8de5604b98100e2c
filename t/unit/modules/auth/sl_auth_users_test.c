/* Unit tests for modules/auth/sl_auth_users.c: fields, errors, lookups. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_auth_users.h>
#include "../../sl_unit.h"


#define NAME  "/etc/sluice/users"

/* "correct horse", made with perl's crypt() (libxcrypt) */
#define YESCRYPT                                                             \
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"     \
    "tK5KU79"
#define SHA512                                                               \
    "$6$sluiceunittest$JhG4ZCk/cceZiArHV0fEq7b3Br/CMX9NlokQy401691oq8kPtDI"  \
    "3ZQ53zFoIMlpRl34YL2pcijznNhq3Aw43G."
#define SHA512_ROUNDS                                                        \
    "$6$rounds=1000$short$0e8c4VH2.9WECWJ4hEU7wwl83rldSLVuQftBmF/xkj96Wh4."  \
    "yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup.13awx1"

/* "Hello world!", the first example of Drepper's SHA-crypt spec */
#define SHA512_SPEC                                                          \
    "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJues"  \
    "I68u4OTLiBFdcbYEdFCoEOfaS35inz1"

/* MD5 and SHA-256 of "alice:Sluice:correct horse" */
#define HA1_MD5     "54a0f3eb9fa4da92aef12154b2de7efe"
#define HA1_SHA256                                                           \
    "b0bfd46f37d3ad261850853d7331935d411db45cb5ba35a2d72edb4d5b1987ba"

#define DIGEST      "md5=" HA1_MD5 ",sha256=" HA1_SHA256

/* 511 "p", the longest password that is hashed */
#define SHA512_LONG                                                          \
    "$6$longpassword$iCEWtGYfMnmo1fDJVT7Gi1wgIDjCPhD4tgHem8rBLnDC6QWwc5sQP"  \
    "tFkmX4ZZtWCj1vcwSnTdK4m0xhllTwgE1"

/* a string of 128 copies of c, a one-character string */
#define X8(c)       c c c c c c c c
#define X128(c)     X8(c) X8(c) X8(c) X8(c) X8(c) X8(c) X8(c) X8(c)          \
                    X8(c) X8(c) X8(c) X8(c) X8(c) X8(c) X8(c) X8(c)


static u_char  err[SL_AUTH_USERS_ERROR_LEN];


static sl_auth_users_t *
parse_len(sl_pool_t *pool, const char *text, size_t len)
{
    sl_str_t  name = sl_string(NAME);

    sl_memzero(err, sizeof(err));

    return sl_auth_users_parse(pool, &name, (const u_char *) text, len, err,
                               sizeof(err));
}


static sl_auth_users_t *
parse(const char *text)
{
    return parse_len(sl_unit_pool(), text, strlen(text));
}


static int
str_is(const sl_str_t *s, const char *text)
{
    return s->len == strlen(text) && memcmp(s->data, text, s->len) == 0
           && s->data[s->len] == '\0';
}


static const sl_auth_user_t *
find(const sl_auth_users_t *users, const char *name)
{
    return sl_auth_users_find(users, (const u_char *) name, strlen(name));
}


static sl_int_t
check(const sl_auth_user_t *u, const char *password)
{
    return sl_auth_users_check_password(u, (const u_char *) password,
                                        strlen(password));
}


/* parsing text fails with exactly "reason in NAME:line" */
static int
fails(const char *text, const char *reason, sl_uint_t line)
{
    char              expect[SL_AUTH_USERS_ERROR_LEN];
    sl_auth_users_t  *users;

    users = parse(text);

    if (line) {
        snprintf(expect, sizeof(expect), "%s in " NAME ":%lu", reason,
                 (unsigned long) line);

    } else {
        snprintf(expect, sizeof(expect), "%s in " NAME, reason);
    }

    if (users == NULL && strcmp((char *) err, expect) == 0) {
        return 1;
    }

    fprintf(stderr, "\n  text:   \"%s\"\n  expect: \"%s\"\n  got:    \"%s\"\n",
            text, expect, users ? "(parsed)" : (char *) err);

    return 0;
}


static void
test_example(void)
{
    sl_auth_users_t       *users;
    const sl_auth_user_t  *u;

    users = parse("# Sluice users\n"
                  "\n"
                  "alice:" YESCRYPT ":staff,editors:Sluice:" DIGEST "\n"
                  "   # indented comment\n"
                  "bob:" SHA512 "::Sluice:sha256=" HA1_SHA256 "\n"
                  "carol:::Media Server:md5=" HA1_MD5 "\n"
                  "guest::listeners::\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_TRUE(str_is(&users->name, NAME));
    CU_ASSERT_EQUAL_FATAL(users->nusers, 4);

    u = &users->users[0];
    CU_ASSERT_TRUE(str_is(&u->name, "alice"));
    CU_ASSERT_TRUE(str_is(&u->basic, YESCRYPT));
    CU_ASSERT_EQUAL_FATAL(u->ngroups, 2);
    CU_ASSERT_TRUE(str_is(&u->groups[0], "staff"));
    CU_ASSERT_TRUE(str_is(&u->groups[1], "editors"));
    CU_ASSERT_TRUE(str_is(&u->realm, "Sluice"));
    CU_ASSERT_TRUE(str_is(&u->ha1_md5, HA1_MD5));
    CU_ASSERT_TRUE(str_is(&u->ha1_sha256, HA1_SHA256));
    CU_ASSERT_EQUAL(u->line, 3);

    u = &users->users[1];
    CU_ASSERT_TRUE(str_is(&u->name, "bob"));
    CU_ASSERT_TRUE(str_is(&u->basic, SHA512));
    CU_ASSERT_EQUAL(u->ngroups, 0);
    CU_ASSERT_PTR_NULL(u->groups);
    CU_ASSERT_TRUE(str_is(&u->realm, "Sluice"));
    CU_ASSERT_EQUAL(u->ha1_md5.len, 0);
    CU_ASSERT_TRUE(str_is(&u->ha1_sha256, HA1_SHA256));
    CU_ASSERT_EQUAL(u->line, 5);

    u = &users->users[2];
    CU_ASSERT_TRUE(str_is(&u->name, "carol"));
    CU_ASSERT_EQUAL(u->basic.len, 0);
    CU_ASSERT_EQUAL(u->ngroups, 0);
    CU_ASSERT_TRUE(str_is(&u->realm, "Media Server"));
    CU_ASSERT_TRUE(str_is(&u->ha1_md5, HA1_MD5));
    CU_ASSERT_EQUAL(u->ha1_sha256.len, 0);
    CU_ASSERT_EQUAL(u->line, 6);

    /* no credentials at all: only groups, e.g. for the anonymous user */
    u = &users->users[3];
    CU_ASSERT_TRUE(str_is(&u->name, "guest"));
    CU_ASSERT_EQUAL(u->basic.len, 0);
    CU_ASSERT_EQUAL_FATAL(u->ngroups, 1);
    CU_ASSERT_TRUE(str_is(&u->groups[0], "listeners"));
    CU_ASSERT_EQUAL(u->realm.len, 0);
    CU_ASSERT_EQUAL(u->ha1_md5.len, 0);
    CU_ASSERT_EQUAL(u->ha1_sha256.len, 0);
    CU_ASSERT_EQUAL(u->line, 7);

    CU_ASSERT_PTR_EQUAL(find(users, "alice"), &users->users[0]);
    CU_ASSERT_PTR_EQUAL(find(users, "guest"), &users->users[3]);
    CU_ASSERT_EQUAL(check(find(users, "guest"), ""), SL_DECLINED);
}


static void
test_fields(void)
{
    sl_auth_users_t       *users;
    const sl_auth_user_t  *u;

    /* HA1s in either order and case, stored in lowercase */

    users = parse("a:::R:SHA256=1\n");
    CU_ASSERT_PTR_NULL(users);

    users = parse("a:::R:sha256=B0BFD46F37D3AD261850853D7331935D411DB45CB5BA"
                  "35A2D72EDB4D5B1987BA,md5=54A0F3EB9FA4DA92AEF12154B2DE7EFE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL_FATAL(users->nusers, 1);
    u = &users->users[0];
    CU_ASSERT_TRUE(str_is(&u->ha1_md5, HA1_MD5));
    CU_ASSERT_TRUE(str_is(&u->ha1_sha256, HA1_SHA256));
    CU_ASSERT_TRUE(str_is(&u->realm, "R"));

    /* every token character in names; ':' '"' '\\' are all a realm lacks */

    users = parse("Az09!#$%&'*+-.^_`|~:::x y!#;=@[]{}:md5=" HA1_MD5 "\n"
                  "u::g!#$%&'*+-.^_`|~,G2::");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL_FATAL(users->nusers, 2);
    CU_ASSERT_TRUE(str_is(&users->users[0].name, "Az09!#$%&'*+-.^_`|~"));
    CU_ASSERT_TRUE(str_is(&users->users[0].realm, "x y!#;=@[]{}"));
    CU_ASSERT_EQUAL_FATAL(users->users[1].ngroups, 2);
    CU_ASSERT_TRUE(str_is(&users->users[1].groups[0], "g!#$%&'*+-.^_`|~"));
    CU_ASSERT_TRUE(str_is(&users->users[1].groups[1], "G2"));

    /* SHA-512 with rounds= */

    users = parse("r:" SHA512_ROUNDS ":::");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_TRUE(str_is(&users->users[0].basic, SHA512_ROUNDS));

    /* names and limits at their largest */

    users = parse(X128("u") "::" X128("g") "::");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL(users->users[0].name.len, SL_AUTH_USERS_MAX_NAME);
    CU_ASSERT_EQUAL(users->users[0].groups[0].len, SL_AUTH_USERS_MAX_NAME);
}


static void
test_lines(void)
{
    sl_auth_users_t  *users;

    /* BOM, CR LF, blanks around lines, no LF at the end */

    users = parse("\xef\xbb\xbf# users\r\n"
                  "\t a::g:: \t\r\n"
                  "\r\n"
                  " \t \n"
                  "b::::");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL_FATAL(users->nusers, 2);
    CU_ASSERT_TRUE(str_is(&users->users[0].name, "a"));
    CU_ASSERT_TRUE(str_is(&users->users[0].groups[0], "g"));
    CU_ASSERT_EQUAL(users->users[0].line, 2);
    CU_ASSERT_TRUE(str_is(&users->users[1].name, "b"));
    CU_ASSERT_EQUAL(users->users[1].line, 5);

    /* no users: a table of none */

    users = parse("");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL(users->nusers, 0);
    CU_ASSERT_PTR_NULL(find(users, "a"));
    CU_ASSERT_PTR_NULL(find(users, ""));

    users = parse("# only\n\n  # comments\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL(users->nusers, 0);

    /* "#" only starts a comment at the start of a line */

    users = parse("a#b::::\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_TRUE(str_is(&users->users[0].name, "a#b"));

    CU_ASSERT_TRUE(fails("a:::: # comment\n",
                         "Digest HA1 values without a realm for user \"a\"",
                         1));

    /* the line counts go on across blank, comment and CR LF lines */

    CU_ASSERT_TRUE(fails("# 1\r\n\r\n\n a::::\r\nb\r\n",
                         "1 field instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 5));
    CU_ASSERT_TRUE(fails("\xef\xbb\xbf" "x",
                         "1 field instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 1));
}


static void
test_errors_line(void)
{
    char  line[SL_AUTH_USERS_MAX_LINE + 8];

    /* control bytes but TAB anywhere, comments too */

    CU_ASSERT_TRUE(fails("a::::\nb:\x01:::\n",
                         "unexpected control byte 0x01", 2));
    CU_ASSERT_TRUE(fails("a::::\rb::::\n", "unexpected control byte 0x0d",
                         1));
    CU_ASSERT_TRUE(fails("a::g\x7f::\n", "unexpected control byte 0x7f", 1));
    CU_ASSERT_TRUE(fails("a::::\n# a \x1b comment\n",
                         "unexpected control byte 0x1b", 2));
    CU_ASSERT_TRUE(fails("a\tb::::\n", "invalid user name \"a\tb\", it "
                         "must be letters, digits and !#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(parse_len(sl_unit_pool(), "a::::\n\0", 7) == NULL);
    CU_ASSERT_STRING_EQUAL(err, "unexpected control byte 0x00 in " NAME ":2");
    CU_ASSERT_TRUE(parse_len(sl_unit_pool(), "a:\0:::\n", 7) == NULL);
    CU_ASSERT_STRING_EQUAL(err, "unexpected control byte 0x00 in " NAME ":1");

    /* fields */

    CU_ASSERT_TRUE(fails("a:b:c:d\n", "4 fields instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 1));
    CU_ASSERT_TRUE(fails("\n\na:::::\n", "6 fields instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 3));
    CU_ASSERT_TRUE(fails("alice\n", "1 field instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 1));

    /* the line's length, after the blanks are cut */

    memset(line, 'g', sizeof(line));
    memcpy(line, "a::", 3);
    memcpy(line + SL_AUTH_USERS_MAX_LINE - 2, "::", 3);
    CU_ASSERT_EQUAL(strlen(line), SL_AUTH_USERS_MAX_LINE);
    CU_ASSERT_TRUE(fails(line, "group name \"gggggggggggggggggggggggggggg"
                         "gggggggggggggggggggggggggggggggggggg...\" for user "
                         "\"a\" is too long (more than 128 bytes)", 1));

    memcpy(line + SL_AUTH_USERS_MAX_LINE - 2, "g::", 4);
    CU_ASSERT_TRUE(fails(line, "line too long (more than 1024 bytes)", 1));

    /* comments too; the blanks around a line do not count */

    memset(line, ' ', sizeof(line));
    line[0] = '#';
    line[sizeof(line) - 1] = '\0';
    CU_ASSERT_TRUE(parse(line) != NULL);
    line[SL_AUTH_USERS_MAX_LINE - 1] = '#';
    CU_ASSERT_TRUE(parse(line) != NULL);
    line[SL_AUTH_USERS_MAX_LINE] = 'x';
    CU_ASSERT_TRUE(fails(line, "line too long (more than 1024 bytes)", 1));
}


static void
test_errors_names(void)
{
    /* user names */

    CU_ASSERT_TRUE(fails("::::\n", "empty user name", 1));
    CU_ASSERT_TRUE(fails("a::::\na b::::\n", "invalid user name \"a b\", it "
                         "must be letters, digits and !#$%&'*+-.^_`|~", 2));
    CU_ASSERT_TRUE(fails("a@b::::\n", "invalid user name \"a@b\", it "
                         "must be letters, digits and !#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(fails("\xc3\xa9::::\n", "invalid user name \"\xc3\xa9\", "
                         "it must be letters, digits and "
                         "!#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(fails("a,b::::\n", "invalid user name \"a,b\", it "
                         "must be letters, digits and !#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(fails(X128("u") "u::::\n",
                         "user name \"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
                         "uuuuuuuuuuuuuuuuuuuuuuuuuuu...\" is too long "
                         "(more than 128 bytes)", 1));

    /* duplicates: case matters, the first error in file order wins */

    CU_ASSERT_TRUE(fails("alice::::\nAlice::::\nbob::::\n\n# x\nalice::::\n",
                         "duplicate user \"alice\", first at line 1", 6));
    CU_ASSERT_TRUE(fails("a::::\na::::\nb\n",
                         "duplicate user \"a\", first at line 1", 2));
    CU_ASSERT_TRUE(fails("a::::\nb\na::::\n", "1 field instead of 5 "
                         "(name:basic-hash:groups:realm:digest)", 2));

    /* groups */

    CU_ASSERT_TRUE(fails("a::x,,y::\n",
                         "empty group name for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a::x,::\n", "empty group name for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a::,x::\n", "empty group name for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a::,::\n", "empty group name for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a::x y::\n", "invalid group name \"x y\" for "
                         "user \"a\", it must be letters, digits and "
                         "!#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(fails("a::@staff::\n", "invalid group name \"@staff\" "
                         "for user \"a\", it must be letters, digits and "
                         "!#$%&'*+-.^_`|~", 1));
    CU_ASSERT_TRUE(fails("a::x,y,x::\n",
                         "duplicate group \"x\" for user \"a\"", 1));
    CU_ASSERT_TRUE(parse("a::x,X::\n") != NULL);

    /* realms */

    CU_ASSERT_TRUE(fails("a:::Slu\"ice:md5=" HA1_MD5 "\n",
                         "invalid realm \"Slu\"ice\" for user \"a\", it must "
                         "be printable ASCII without '\"' and '\\', and no "
                         "space at either end", 1));
    CU_ASSERT_TRUE(fails("a:::Slu\\ice:md5=" HA1_MD5 "\n",
                         "invalid realm \"Slu\\ice\" for user \"a\", it must "
                         "be printable ASCII without '\"' and '\\', and no "
                         "space at either end", 1));
    CU_ASSERT_TRUE(fails("a::: Sluice:md5=" HA1_MD5 "\n",
                         "invalid realm \" Sluice\" for user \"a\", it must "
                         "be printable ASCII without '\"' and '\\', and no "
                         "space at either end", 1));
    CU_ASSERT_TRUE(fails("a:::Sluice :md5=" HA1_MD5 "\n",
                         "invalid realm \"Sluice \" for user \"a\", it must "
                         "be printable ASCII without '\"' and '\\', and no "
                         "space at either end", 1));
    CU_ASSERT_TRUE(fails("a:::S\xc3\xa9:md5=" HA1_MD5 "\n",
                         "invalid realm \"S\xc3\xa9\" for user \"a\", it "
                         "must be printable ASCII without '\"' and '\\', and "
                         "no space at either end", 1));
    CU_ASSERT_TRUE(fails("a:::" X128("r") "r:md5=" HA1_MD5,
                         "realm \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
                         "rrrrrrrrrrrrrrrrrrrrr...\" for user \"a\" is too "
                         "long (more than 128 bytes)", 1));
}


static void
test_errors_basic(void)
{
    /* not yescrypt nor SHA-512: MD5-crypt, SHA-256, bcrypt, plain text */

    CU_ASSERT_TRUE(fails("a:$1$salt$hash:::\n", "unsupported Basic hash for "
                         "user \"a\", it must be yescrypt (\"$y$...\") or "
                         "SHA-512 (\"$6$...\") in crypt(3) form", 1));
    CU_ASSERT_TRUE(fails("a:$5$salt$hash:::\n", "unsupported Basic hash for "
                         "user \"a\", it must be yescrypt (\"$y$...\") or "
                         "SHA-512 (\"$6$...\") in crypt(3) form", 1));
    CU_ASSERT_TRUE(fails("a:$2b$05$abc:::\n", "unsupported Basic hash for "
                         "user \"a\", it must be yescrypt (\"$y$...\") or "
                         "SHA-512 (\"$6$...\") in crypt(3) form", 1));
    CU_ASSERT_TRUE(fails("a:secret:::\n", "unsupported Basic hash for "
                         "user \"a\", it must be yescrypt (\"$y$...\") or "
                         "SHA-512 (\"$6$...\") in crypt(3) form", 1));
    CU_ASSERT_TRUE(fails("a:$y$:::\n", "unsupported Basic hash for "
                         "user \"a\", it must be yescrypt (\"$y$...\") or "
                         "SHA-512 (\"$6$...\") in crypt(3) form", 1));

    /* yescrypt's shape */

#define BAD_Y(hash)                                                          \
    CU_ASSERT_TRUE(fails("a:" hash ":::\n",                                  \
                         "malformed yescrypt hash for user \"a\"", 1))

    BAD_Y("$y$j9T");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$");
    BAD_Y("$y$$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU79");
    BAD_Y("$y$j9T$$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./tK5KU79");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU7");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU79x");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU7=");
    BAD_Y("$y$j9T$F5Jx5fEx_KuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU79");
    BAD_Y("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./"
          "tK5KU79$");

    /* SHA-512's shape: salt 1..16, hash 86, rounds 1000..999999999 */

#define BAD_6(hash)                                                          \
    CU_ASSERT_TRUE(fails("a:" hash ":::\n",                                  \
                         "malformed SHA-512 hash for user \"a\"", 1))

    BAD_6("$6$sluiceunittest");
    BAD_6("$6$sluiceunittest$");
    BAD_6("$6$$JhG4ZCk/cceZiArHV0fEq7b3Br/CMX9NlokQy401691oq8kPtDI3ZQ53zFoIM"
          "lpRl34YL2pcijznNhq3Aw43G.");
    BAD_6("$6$sluiceunittest170$JhG4ZCk/cceZiArHV0fEq7b3Br/CMX9NlokQy401691oq"
          "8kPtDI3ZQ53zFoIMlpRl34YL2pcijznNhq3Aw43G.");
    BAD_6("$6$sluiceunittest$JhG4ZCk/cceZiArHV0fEq7b3Br/CMX9NlokQy401691oq8k"
          "PtDI3ZQ53zFoIMlpRl34YL2pcijznNhq3Aw43G");
    BAD_6("$6$sluiceunittest$JhG4ZCk/cceZiArHV0fEq7b3Br/CMX9NlokQy401691oq8k"
          "PtDI3ZQ53zFoIMlpRl34YL2pcijznNhq3Aw43G.x");
    BAD_6("$6$rounds=$short$0e8c4VH2.9WECWJ4hEU7wwl83rldSLVuQftBmF/xkj96Wh4."
          "yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup.13awx1");
    BAD_6("$6$rounds=01000$short$0e8c4VH2.9WECWJ4hEU7wwl83rldSLVuQftBmF/xkj96"
          "Wh4.yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup.13awx1");
    BAD_6("$6$rounds=1000x$short$0e8c4VH2.9WECWJ4hEU7wwl83rldSLVuQftBmF/xkj96"
          "Wh4.yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup.13awx1");
    BAD_6("$6$rounds=1000000000$short$0e8c4VH2.9WECWJ4hEU7wwl83rldSLVuQftBmF/"
          "xkj96Wh4.yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup.13awx1");
    BAD_6("$6$rounds=1000");

    CU_ASSERT_TRUE(fails("a:$6$rounds=999$short$0e8c4VH2.9WECWJ4hEU7wwl83rldS"
                         "LVuQftBmF/xkj96Wh4.yNfDVKXLBTXD0R1YGFzxp1NCeSFbNup."
                         "13awx1:::\n", "SHA-512 hash for user \"a\" has "
                         "rounds=999, it must be 1000 to 999999999", 1));

    /* a hash is never quoted back */

    CU_ASSERT_TRUE(parse("a:$6$sluiceunittest$JhG4:::\n") == NULL);
    CU_ASSERT_PTR_NULL(strstr((char *) err, "JhG4"));
}


static void
test_errors_digest(void)
{
    CU_ASSERT_TRUE(fails("a:::Sluice:\n", "realm without Digest HA1 values "
                         "for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a::::md5=" HA1_MD5 "\n", "Digest HA1 values "
                         "without a realm for user \"a\"", 1));
    CU_ASSERT_TRUE(fails("a:::R:" HA1_MD5 "\n", "malformed Digest value \""
                         HA1_MD5 "\" for user \"a\", it must be md5=HEX or "
                         "sha256=HEX", 1));
    CU_ASSERT_TRUE(fails("a:::R:md5=" HA1_MD5 ",\n", "malformed Digest value "
                         "\"\" for user \"a\", it must be md5=HEX or "
                         "sha256=HEX", 1));
    CU_ASSERT_TRUE(fails("a:::R:sha1=" HA1_MD5 "\n", "unknown Digest "
                         "algorithm \"sha1\" for user \"a\", it must be md5 "
                         "or sha256", 1));
    CU_ASSERT_TRUE(fails("a:::R:MD5=" HA1_MD5 "\n", "unknown Digest "
                         "algorithm \"MD5\" for user \"a\", it must be md5 "
                         "or sha256", 1));
    CU_ASSERT_TRUE(fails("a:::R:=" HA1_MD5 "\n", "unknown Digest "
                         "algorithm \"\" for user \"a\", it must be md5 "
                         "or sha256", 1));
    CU_ASSERT_TRUE(fails("a:::R:md5=" HA1_MD5 ",md5=" HA1_MD5 "\n",
                         "duplicate Digest algorithm \"md5\" for user \"a\"",
                         1));
    CU_ASSERT_TRUE(fails("a:::R:md5=54a0f3eb9fa4da92aef12154b2de7ef\n",
                         "invalid md5 HA1 for user \"a\", it must be 32 hex "
                         "digits", 1));
    CU_ASSERT_TRUE(fails("a:::R:md5=54a0f3eb9fa4da92aef12154b2de7efeX\n",
                         "invalid md5 HA1 for user \"a\", it must be 32 hex "
                         "digits", 1));
    CU_ASSERT_TRUE(fails("a:::R:md5=54a0f3eb9fa4da92aef12154b2de7efg\n",
                         "invalid md5 HA1 for user \"a\", it must be 32 hex "
                         "digits", 1));
    CU_ASSERT_TRUE(fails("a:::R:sha256=" HA1_MD5 "\n",
                         "invalid sha256 HA1 for user \"a\", it must be 64 "
                         "hex digits", 1));
    CU_ASSERT_TRUE(fails("a:::R:md5=\n", "invalid md5 HA1 for user \"a\", "
                         "it must be 32 hex digits", 1));

    /* an HA1 is never quoted back */

    CU_ASSERT_TRUE(parse("a:::R:sha256=" HA1_SHA256 "0\n") == NULL);
    CU_ASSERT_PTR_NULL(strstr((char *) err, HA1_SHA256));
}


static void
test_limits(void)
{
    char              *text, *p;
    size_t             len;
    sl_uint_t          i;
    sl_pool_t         *pool;
    sl_auth_users_t   *users;

    /* the file's size, judged before anything else */

    len = SL_AUTH_USERS_MAX_SIZE + 1;
    text = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '\n', len);

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);

    CU_ASSERT_PTR_NULL(parse_len(pool, text, len));
    CU_ASSERT_STRING_EQUAL(err, "users file is too large (16777217 bytes, "
                           "more than 16777216) in " NAME);

    users = parse_len(pool, text, len - 1);
    CU_ASSERT_PTR_NOT_NULL(users);
    CU_ASSERT_EQUAL(users ? users->nusers : 1, 0);

    /* the number of users: 100,000 fine, one more is an error */

    p = text;

    for (i = 0; i < SL_AUTH_USERS_MAX_USERS + 1; i++) {
        p += sprintf(p, "u%lu::g%lu::\n", (unsigned long) i,
                     (unsigned long) i % 7);

        if (i == 0) {
            p += sprintf(p, "# a comment\n");
        }
    }

    users = parse_len(pool, text, p - text);
    CU_ASSERT_PTR_NULL(users);
    CU_ASSERT_STRING_EQUAL(err, "too many users (more than 100000) in "
                           NAME ":100002");

    p = strstr(text, "u100000:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    users = parse_len(pool, text, p - text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL_FATAL(users->nusers, SL_AUTH_USERS_MAX_USERS);

    /* every one found, at its place */

    for (i = 0; i < SL_AUTH_USERS_MAX_USERS; i++) {
        len = sprintf(text, "u%lu", (unsigned long) i);

        if (sl_auth_users_find(users, (u_char *) text, len)
            != &users->users[i])
        {
            CU_FAIL("a user not found");
            break;
        }
    }

    CU_ASSERT_TRUE(str_is(&users->users[99999].name, "u99999"));
    CU_ASSERT_EQUAL(users->users[99999].line, 100001);
    CU_ASSERT_TRUE(str_is(&users->users[99999].groups[0], "g4"));
    CU_ASSERT_PTR_NULL(find(users, "u100000"));
    CU_ASSERT_PTR_NULL(find(users, "u"));
    CU_ASSERT_PTR_NULL(find(users, "g1"));

    sl_destroy_pool(pool);
    free(text);
}


static void
test_find(void)
{
    sl_auth_users_t       *users;
    const sl_auth_user_t  *u;

    users = parse("alice::staff,editors::\n"
                  "alicia::::\n"
                  "b::::\n"
                  "Bob::::\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_EQUAL_FATAL(users->nusers, 4);

    CU_ASSERT_PTR_EQUAL(find(users, "alice"), &users->users[0]);
    CU_ASSERT_PTR_EQUAL(find(users, "alicia"), &users->users[1]);
    CU_ASSERT_PTR_EQUAL(find(users, "b"), &users->users[2]);
    CU_ASSERT_PTR_EQUAL(find(users, "Bob"), &users->users[3]);

    CU_ASSERT_PTR_NULL(find(users, "Alice"));
    CU_ASSERT_PTR_NULL(find(users, "alic"));
    CU_ASSERT_PTR_NULL(find(users, "alicex"));
    CU_ASSERT_PTR_NULL(find(users, "bob"));
    CU_ASSERT_PTR_NULL(find(users, ""));
    CU_ASSERT_PTR_NULL(sl_auth_users_find(users, (u_char *) "alice\0", 6));
    CU_ASSERT_PTR_NULL(sl_auth_users_find(NULL, (u_char *) "alice", 5));

    /* a name is matched by its bytes and length, not up to a NUL */
    CU_ASSERT_PTR_EQUAL(sl_auth_users_find(users, (u_char *) "alicex", 5),
                        &users->users[0]);

    u = &users->users[0];
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "staff", 5), 1);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "editors", 7), 1);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "Staff", 5), 0);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "staf", 4), 0);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "staffs", 6), 0);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(u, (u_char *) "", 0), 0);
    CU_ASSERT_EQUAL(sl_auth_user_in_group(&users->users[1],
                                          (u_char *) "staff", 5), 0);
}


static void
test_password(void)
{
    char                   big[SL_AUTH_USERS_MAX_PASSWORD + 2];
    sl_auth_users_t       *users;
    const sl_auth_user_t  *u;

    users = parse("y:" YESCRYPT ":::\n"
                  "s:" SHA512 ":::\n"
                  "r:" SHA512_ROUNDS ":::\n"
                  "spec:" SHA512_SPEC ":::\n"
                  "none:::Sluice:" DIGEST "\n"
                  "badparams:$y$!!$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6o"
                  "xLTQlzifSUkF8RHJ./tK5KU79:::\n");
    CU_ASSERT_PTR_NULL_FATAL(users);
    CU_ASSERT_STRING_EQUAL(err, "malformed yescrypt hash for user "
                           "\"badparams\" in " NAME ":6");

    users = parse("y:" YESCRYPT ":::\n"
                  "s:" SHA512 ":::\n"
                  "r:" SHA512_ROUNDS ":::\n"
                  "spec:" SHA512_SPEC ":::\n"
                  "none:::Sluice:" DIGEST "\n"
                  "long:" SHA512_LONG ":::\n"
                  "badparams:$y$zzzzzz$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyL"
                  "Ts6oxLTQlzifSUkF8RHJ./tK5KU79:::\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);

    /* yescrypt */

    u = find(users, "y");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_OK);
    CU_ASSERT_EQUAL(check(u, "correct horsf"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, "Correct horse"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, "correct horse "), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, "correct hors"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, ""), SL_DECLINED);

    /* the length given counts, a NUL inside never matches */
    CU_ASSERT_EQUAL(sl_auth_users_check_password(u,
                        (u_char *) "correct horse!", 13), SL_OK);
    CU_ASSERT_EQUAL(sl_auth_users_check_password(u,
                        (u_char *) "correct horse\0", 14), SL_DECLINED);

    /* SHA-512, with and without rounds= */

    u = find(users, "s");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_OK);
    CU_ASSERT_EQUAL(check(u, "correct horsE"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, "Hello world!"), SL_DECLINED);

    u = find(users, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_OK);
    CU_ASSERT_EQUAL(check(u, "wrong"), SL_DECLINED);

    u = find(users, "spec");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "Hello world!"), SL_OK);
    CU_ASSERT_EQUAL(check(u, "Hello world"), SL_DECLINED);

    /* no Basic hash: nothing matches */

    u = find(users, "none");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_DECLINED);
    CU_ASSERT_EQUAL(check(u, ""), SL_DECLINED);

    /* the longest password is hashed; one byte more is refused unhashed */

    u = find(users, "long");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    memset(big, 'p', sizeof(big));
    CU_ASSERT_EQUAL(sl_auth_users_check_password(u, (u_char *) big,
                        SL_AUTH_USERS_MAX_PASSWORD), SL_OK);
    CU_ASSERT_EQUAL(sl_auth_users_check_password(u, (u_char *) big,
                        SL_AUTH_USERS_MAX_PASSWORD - 1), SL_DECLINED);
    CU_ASSERT_EQUAL(sl_auth_users_check_password(u, (u_char *) big,
                        SL_AUTH_USERS_MAX_PASSWORD + 1), SL_DECLINED);

    /* parameters of the right shape that libxcrypt refuses */

    u = find(users, "badparams");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_ERROR);
}


static void
test_error_buffer(void)
{
    u_char            small[24];
    sl_str_t          name = sl_string(NAME);
    sl_auth_users_t  *users;

    memset(small, 'x', sizeof(small));

    users = sl_auth_users_parse(sl_unit_pool(), &name, (u_char *) "a b::::",
                                7, small, sizeof(small));
    CU_ASSERT_PTR_NULL(users);
    CU_ASSERT_EQUAL(strlen((char *) small), sizeof(small) - 1);
    CU_ASSERT_EQUAL(memcmp(small, "invalid user name \"a b\"", 23), 0);

    users = sl_auth_users_parse(sl_unit_pool(), &name, (u_char *) "a b::::",
                                7, NULL, 0);
    CU_ASSERT_PTR_NULL(users);
}


static void
test_read(void)
{
    int                    fd;
    char                   dir[] = "/tmp/sl_auth_users_XXXXXX";
    char                   path[64], expect[256];
    u_char                 rerr[SL_AUTH_USERS_ERROR_LEN];
    sl_str_t               name;
    sl_auth_users_t       *users;
    const sl_auth_user_t  *u;
    static const char      text[] = "# users\nalice:" YESCRYPT ":staff::\n";

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));

    snprintf(path, sizeof(path), "%s/users", dir);
    name.data = (u_char *) path;
    name.len = strlen(path);

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CU_ASSERT_FATAL(fd != -1);
    CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1),
                    (ssize_t) sizeof(text) - 1);
    close(fd);

    users = sl_auth_users_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NOT_NULL_FATAL(users);
    CU_ASSERT_TRUE(str_is(&users->name, path));
    u = find(users, "alice");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_EQUAL(u->line, 2);
    CU_ASSERT_EQUAL(check(u, "correct horse"), SL_OK);

    /* a parse error names the file and line */

    fd = open(path, O_WRONLY | O_TRUNC);
    CU_ASSERT_FATAL(fd != -1);
    CU_ASSERT_EQUAL(write(fd, "a::::\n\na::::\n", 13), 13);
    close(fd);

    users = sl_auth_users_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(users);
    snprintf(expect, sizeof(expect), "duplicate user \"a\", first at line 1 "
             "in %s:3", path);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    /* too large, before reading it */

    CU_ASSERT_EQUAL(truncate(path, SL_AUTH_USERS_MAX_SIZE + 1), 0);

    users = sl_auth_users_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(users);
    snprintf(expect, sizeof(expect), "users file is too large (16777217 "
             "bytes, more than 16777216) in %s", path);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    CU_ASSERT_EQUAL(unlink(path), 0);

    users = sl_auth_users_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(users);
    snprintf(expect, sizeof(expect), "open() \"%s\" failed (2: No such file "
             "or directory)", path);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    name.data = (u_char *) dir;
    name.len = strlen(dir);

    users = sl_auth_users_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(users);
    snprintf(expect, sizeof(expect), "\"%s\" is not a regular file", dir);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    CU_ASSERT_EQUAL(rmdir(dir), 0);
}


SL_UNIT_SUITE(sl_auth_users,
    { "the example", test_example },
    { "fields", test_fields },
    { "lines, comments, BOM, CR LF", test_lines },
    { "errors: line, fields", test_errors_line },
    { "errors: names, groups, realms", test_errors_names },
    { "errors: Basic hashes", test_errors_basic },
    { "errors: Digest HA1s", test_errors_digest },
    { "limits", test_limits },
    { "lookups", test_find },
    { "passwords", test_password },
    { "error buffer", test_error_buffer },
    { "reading a file", test_read })
