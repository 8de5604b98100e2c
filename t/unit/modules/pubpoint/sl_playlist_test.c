/* Unit tests for modules/pubpoint/sl_playlist.c: formats, errors, order. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_playlist.h>
#include "../../sl_unit.h"


#define NAME  "/etc/sluice/radio.playlist"


static u_char  err[SL_PLAYLIST_ERROR_LEN];


static sl_playlist_t *
parse_named(const char *name, const char *text, size_t len)
{
    sl_str_t  s;

    s.data = (u_char *) name;
    s.len = strlen(name);

    sl_memzero(err, sizeof(err));

    return sl_playlist_parse(sl_unit_pool(), &s, (const u_char *) text, len,
                             err, sizeof(err));
}


static sl_playlist_t *
parse(const char *text)
{
    return parse_named(NAME, text, strlen(text));
}


static int
str_is(const sl_str_t *s, const char *text)
{
    return s->len == strlen(text) && memcmp(s->data, text, s->len) == 0
           && s->data[s->len] == '\0';
}


/* parsing text fails with exactly "reason in NAME:line" */
static int
fails(const char *text, const char *reason, sl_uint_t line)
{
    char            expect[SL_PLAYLIST_ERROR_LEN];
    sl_playlist_t  *pl;

    pl = parse(text);

    if (line) {
        snprintf(expect, sizeof(expect), "%s in " NAME ":%lu", reason,
                 (unsigned long) line);

    } else {
        snprintf(expect, sizeof(expect), "%s in " NAME, reason);
    }

    if (pl == NULL && strcmp((char *) err, expect) == 0) {
        return 1;
    }

    fprintf(stderr, "\n  text:   \"%s\"\n  expect: \"%s\"\n  got:    \"%s\"\n",
            text, expect, pl ? "(parsed)" : (char *) err);

    return 0;
}


/* the play order as one letter per entry (the first of its title) */
static void
order(const sl_playlist_t *pl, sl_playlist_pos_t *pos, char *out,
    size_t steps)
{
    size_t                      i;
    const sl_playlist_entry_t  *e;

    for (i = 0; i < steps; i++) {
        if (sl_playlist_next(pl, pos, &e) != SL_OK) {
            CU_ASSERT_PTR_NULL(e);
            break;
        }

        out[i] = (char) e->title.data[0];
    }

    out[i] = '\0';
}


static void
test_example(void)
{
    sl_playlist_t        *pl;
    sl_playlist_entry_t  *e;

    pl = parse("# Sluice Radio\n"
               "\n"
               "title \"Sluice Radio\";      # default StreamTitle\n"
               "loop;\n"
               "wrapper ads/station-id.mp3 duration=10s;\n"
               "songs/a.mp3 title=\"Artist - Song A\";\n"
               "songs/b.ts start=30s duration=1m;\n"
               "http://origin.example/feed.mp3 duration=5m title=\"Relay\";\n"
               "rtsp://origin.example/live duration=30s;\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_STRING_EQUAL(err, "");

    CU_ASSERT_TRUE(str_is(&pl->name, NAME));
    CU_ASSERT_TRUE(str_is(&pl->title, "Sluice Radio"));
    CU_ASSERT_EQUAL(pl->passes, SL_PLAYLIST_FOREVER);
    CU_ASSERT_FALSE(pl->m3u);
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 4);

    e = pl->wrapper;
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_TRUE(str_is(&e->url_or_path, "/etc/sluice/ads/station-id.mp3"));
    CU_ASSERT_FALSE(e->is_url);
    CU_ASSERT_TRUE(e->wrapper);
    CU_ASSERT_EQUAL(e->start, 0);
    CU_ASSERT_EQUAL(e->duration, 10000);
    CU_ASSERT_EQUAL(e->title.len, 0);
    CU_ASSERT_EQUAL(e->line, 5);

    e = &pl->entries[0];
    CU_ASSERT_TRUE(str_is(&e->url_or_path, "/etc/sluice/songs/a.mp3"));
    CU_ASSERT_TRUE(str_is(&e->title, "Artist - Song A"));
    CU_ASSERT_FALSE(e->is_url);
    CU_ASSERT_FALSE(e->wrapper);
    CU_ASSERT_EQUAL(e->start, 0);
    CU_ASSERT_EQUAL(e->duration, 0);
    CU_ASSERT_EQUAL(e->line, 6);

    e = &pl->entries[1];
    CU_ASSERT_TRUE(str_is(&e->url_or_path, "/etc/sluice/songs/b.ts"));
    CU_ASSERT_EQUAL(e->start, 30000);
    CU_ASSERT_EQUAL(e->duration, 60000);
    CU_ASSERT_EQUAL(e->title.len, 0);
    CU_ASSERT_EQUAL(e->line, 7);

    e = &pl->entries[2];
    CU_ASSERT_TRUE(str_is(&e->url_or_path, "http://origin.example/feed.mp3"));
    CU_ASSERT_TRUE(e->is_url);
    CU_ASSERT_EQUAL(e->duration, 300000);
    CU_ASSERT_TRUE(str_is(&e->title, "Relay"));
    CU_ASSERT_EQUAL(e->line, 8);

    e = &pl->entries[3];
    CU_ASSERT_TRUE(str_is(&e->url_or_path, "rtsp://origin.example/live"));
    CU_ASSERT_TRUE(e->is_url);
    CU_ASSERT_EQUAL(e->duration, 30000);
    CU_ASSERT_EQUAL(e->line, 9);
}


static void
test_keys(void)
{
    sl_playlist_t  *pl;

    /* every time form sl_parse_time takes, keys in any order */
    pl = parse("a.mp3 duration=500ms start=90;\n"
               "b.mp3 start=1m30s title=x duration=1h;\n"
               "c.mp3 start=0 title=\"\";\n");

    CU_ASSERT_PTR_NULL(pl);
    CU_ASSERT_STRING_EQUAL(err, "empty value of key \"title\" in " NAME ":3");

    pl = parse("a.mp3 duration=500ms start=90;\n"
               "b.mp3\tstart=1m30s   title=x duration=1h ;\n"
               "c.mp3 start=0;\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 3);
    CU_ASSERT_EQUAL(pl->entries[0].start, 90000);
    CU_ASSERT_EQUAL(pl->entries[0].duration, 500);
    CU_ASSERT_EQUAL(pl->entries[1].start, 90000);
    CU_ASSERT_EQUAL(pl->entries[1].duration, 3600000);
    CU_ASSERT_TRUE(str_is(&pl->entries[1].title, "x"));
    CU_ASSERT_EQUAL(pl->entries[2].start, 0);
    CU_ASSERT_EQUAL(pl->passes, 1);
    CU_ASSERT_PTR_NULL(pl->wrapper);
    CU_ASSERT_EQUAL(pl->title.len, 0);

    CU_ASSERT_TRUE(fails("a.mp3 foo=1;", "unknown key \"foo\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3;\nb.mp3;\nc.mp3;\nd.mp3 Start=1s;",
                         "unknown key \"Start\"", 4));
    CU_ASSERT_TRUE(fails("a.mp3 start=1s start=2s;",
                         "duplicate key \"start\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3 title=a title=\"b\";",
                         "duplicate key \"title\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3 start=;", "empty value of key \"start\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3 start=1.5s;",
                         "invalid time \"1.5s\" in key \"start\", it must be "
                         "like 500ms, 10s, 1m30s or a number of seconds", 1));
    CU_ASSERT_TRUE(fails("a.mp3 start=30s1m;",
                         "invalid time \"30s1m\" in key \"start\", it must "
                         "be like 500ms, 10s, 1m30s or a number of seconds",
                         1));
    CU_ASSERT_TRUE(fails("a.mp3 duration=-5s;",
                         "invalid time \"-5s\" in key \"duration\", it must "
                         "be like 500ms, 10s, 1m30s or a number of seconds, "
                         "more than 0", 1));
    CU_ASSERT_TRUE(fails("a.mp3 duration=0s;",
                         "invalid time \"0s\" in key \"duration\", it must "
                         "be like 500ms, 10s, 1m30s or a number of seconds, "
                         "more than 0", 1));
    CU_ASSERT_TRUE(fails("a.mp3 start=99999999999999999999;",
                         "invalid time \"99999999999999999999\" in key "
                         "\"start\", it must be like 500ms, 10s, 1m30s or a "
                         "number of seconds", 1));
    CU_ASSERT_TRUE(fails("a.mp3 b.mp3;",
                         "expecting key=value, not \"b.mp3\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3 =1s;", "expecting key=value, not \"=1s\"",
                         1));
    CU_ASSERT_TRUE(fails("a.mp3 \"title\"=x;",
                         "expecting key=value, not \"\"title\"=x\"", 1));
}


static void
test_statements(void)
{
    sl_playlist_t  *pl;

    pl = parse("loop 3;\ntitle Radio;\na.mp3;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->passes, 3);
    CU_ASSERT_TRUE(str_is(&pl->title, "Radio"));

    pl = parse("loop 1;\na.mp3;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->passes, 1);

    /* a keyword quoted is a file; a keyword's value may hold "=" */
    pl = parse("\"loop\";\n\"title\" title=t;\ntitle a=b;\n"
               "wrapper \"wrapper\" start=1s;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->passes, 1);
    CU_ASSERT_TRUE(str_is(&pl->title, "a=b"));
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 2);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, "/etc/sluice/loop"));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "/etc/sluice/title"));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].title, "t"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl->wrapper);
    CU_ASSERT_TRUE(str_is(&pl->wrapper->url_or_path,
                          "/etc/sluice/wrapper"));
    CU_ASSERT_EQUAL(pl->wrapper->start, 1000);

    CU_ASSERT_TRUE(fails("a.mp3;\nloop 0;", "invalid number of passes \"0\" "
                         "in \"loop\", it must be 1 or more", 2));
    CU_ASSERT_TRUE(fails("loop x;", "invalid number of passes \"x\" "
                         "in \"loop\", it must be 1 or more", 1));
    CU_ASSERT_TRUE(fails("loop -1;", "invalid number of passes \"-1\" "
                         "in \"loop\", it must be 1 or more", 1));
    CU_ASSERT_TRUE(fails("loop 2 3;",
                         "invalid number of arguments in \"loop\"", 1));
    CU_ASSERT_TRUE(fails("loop 2 3 4;",
                         "invalid number of arguments in \"loop\"", 1));
    CU_ASSERT_TRUE(fails("loop;\nloop;", "duplicate \"loop\"", 2));
    CU_ASSERT_TRUE(fails("title;", "invalid number of arguments in \"title\"",
                         1));
    CU_ASSERT_TRUE(fails("title a b;",
                         "invalid number of arguments in \"title\"", 1));
    CU_ASSERT_TRUE(fails("title \"\";", "empty title", 1));
    CU_ASSERT_TRUE(fails("title a;\n\n# x\ntitle b;", "duplicate \"title\"",
                         4));
    CU_ASSERT_TRUE(fails("wrapper;",
                         "invalid number of arguments in \"wrapper\"", 1));
    CU_ASSERT_TRUE(fails("wrapper", "expecting \";\" at the end of the line",
                         1));
    CU_ASSERT_TRUE(fails("wrapper a.mp3;\nb.mp3;\nwrapper c.mp3;",
                         "duplicate \"wrapper\"", 3));
    CU_ASSERT_TRUE(fails("wrapper a.mp3 foo=bar;", "unknown key \"foo\"",
                         1));

    /* title="x" at the top is not a keyword with a value */
    CU_ASSERT_TRUE(fails("title=\"x\";", "unexpected quote", 1));
}


static void
test_semicolons(void)
{
    sl_playlist_t  *pl;

    pl = parse("a.mp3;# comment\nb.mp3 ; # comment\n  c.mp3;  \n\t\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->nentries, 3);
    CU_ASSERT_TRUE(str_is(&pl->entries[2].url_or_path,
                          "/etc/sluice/c.mp3"));

    /* "#" inside a word is part of it */
    pl = parse("a#1.mp3;\nhttp://h/x#y;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path,
                          "/etc/sluice/a#1.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "http://h/x#y"));

    CU_ASSERT_TRUE(fails("a.mp3;\nb.mp3\nc.mp3;",
                         "expecting \";\" at the end of the line", 2));
    CU_ASSERT_TRUE(fails("a.mp3 # no semicolon",
                         "expecting \";\" at the end of the line", 1));
    CU_ASSERT_TRUE(fails("a.mp3 start=1s",
                         "expecting \";\" at the end of the line", 1));
    CU_ASSERT_TRUE(fails("title x",
                         "expecting \";\" at the end of the line", 1));
    CU_ASSERT_TRUE(fails("a.mp3; b.mp3;",
                         "unexpected \"b.mp3;\" after \";\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3;;", "unexpected \";\" after \";\"", 1));
    CU_ASSERT_TRUE(fails("a.mp3;\n  ;", "unexpected \";\"", 2));
}


static void
test_quoting(void)
{
    sl_playlist_t  *pl;

    pl = parse("\"My Songs/a b;c.mp3\" title=\"say \\\"hi\\\" \\\\ o/\";\n"
               "title \"it's \\\"here\\\"\";\n"
               "\"/abs/x.mp3\"\ttitle=\"\t# not a comment;\";\n"
               "b.mp3 title=O'Neil;\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 3);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path,
                          "/etc/sluice/My Songs/a b;c.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[0].title, "say \"hi\" \\ o/"));
    CU_ASSERT_TRUE(str_is(&pl->title, "it's \"here\""));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "/abs/x.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].title, "\t# not a comment;"));
    CU_ASSERT_TRUE(str_is(&pl->entries[2].title, "O'Neil"));

    /* quotes do not go across lines */
    CU_ASSERT_TRUE(fails("a.mp3;\n\"b.mp3\n\";", "unterminated quoted string",
                         2));
    CU_ASSERT_TRUE(fails("a.mp3 title=\"x;", "unterminated quoted string",
                         1));
    CU_ASSERT_TRUE(fails("a.mp3 title=\"x\\\";", "unterminated quoted string",
                         1));
    CU_ASSERT_TRUE(fails("a.mp3 title=\"a\\nb\";",
                         "invalid escape in quoted string (only \\\" and "
                         "\\\\)", 1));
    CU_ASSERT_TRUE(fails("\"a.mp3\"x;",
                         "unexpected character after closing quote", 1));
    CU_ASSERT_TRUE(fails("a.mp3 title=\"a\"b;",
                         "unexpected character after closing quote", 1));
    CU_ASSERT_TRUE(fails("a\"b.mp3;", "unexpected quote", 1));
    CU_ASSERT_TRUE(fails("a.mp3 title=a\"b\";", "unexpected quote", 1));
    CU_ASSERT_TRUE(fails("\"\";", "empty location", 1));
}


static void
test_paths(void)
{
    sl_playlist_t  *pl;

    pl = parse("a.mp3;\n/srv/b.mp3;\n../shared/c.mp3;\n./d.mp3;\n"
               "file:///srv/My%20Music/e%3b.mp3;\n"
               "FILE://localhost/f.mp3;\n"
               "C:\\\\music\\\\g.mp3;\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 7);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, "/etc/sluice/a.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "/srv/b.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[2].url_or_path,
                          "/etc/sluice/../shared/c.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[3].url_or_path,
                          "/etc/sluice/./d.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[4].url_or_path,
                          "/srv/My Music/e;.mp3"));
    CU_ASSERT_FALSE(pl->entries[4].is_url);
    CU_ASSERT_TRUE(str_is(&pl->entries[5].url_or_path, "/f.mp3"));
    CU_ASSERT_FALSE(pl->entries[5].is_url);

    /* backslashes outside quotes are bytes of the name */
    CU_ASSERT_TRUE(str_is(&pl->entries[6].url_or_path,
                          "/etc/sluice/C:\\\\music\\\\g.mp3"));

    /* the folder is the name's up to its last "/" */
    pl = parse_named("/radio.playlist", "a.mp3;", 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, "/a.mp3"));

    pl = parse_named("lists/r.playlist", "a.mp3;", 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, "lists/a.mp3"));

    pl = parse_named("r.playlist", "a.mp3;", 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, "a.mp3"));

    CU_ASSERT_TRUE(fails("file://server/a.mp3;",
                         "invalid file URL \"file://server/a.mp3\", it must "
                         "be file:///PATH", 1));
    CU_ASSERT_TRUE(fails("file://;", "invalid file URL \"file://\", it must "
                         "be file:///PATH", 1));
    CU_ASSERT_TRUE(fails("file:///a%2.mp3;", "invalid file URL "
                         "\"file:///a%2.mp3\", it must be file:///PATH", 1));
    CU_ASSERT_TRUE(fails("file:///a%zz.mp3;", "invalid file URL "
                         "\"file:///a%zz.mp3\", it must be file:///PATH", 1));
    CU_ASSERT_TRUE(fails("file:///a%00.mp3;", "invalid file URL "
                         "\"file:///a%00.mp3\", it must be file:///PATH", 1));
    CU_ASSERT_TRUE(fails("file:///a%0a.mp3;", "invalid file URL "
                         "\"file:///a%0a.mp3\", it must be file:///PATH", 1));
}


static void
test_urls(void)
{
    sl_playlist_t  *pl;

    pl = parse("https://h:8443/a?b=c&d=e;\nRTSP://h/live;\n"
               "\"http://h/a;b\";\nhttp:relative;\nrtsps://h/tls;\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 5);
    CU_ASSERT_TRUE(str_is(&pl->entries[4].url_or_path, "rtsps://h/tls"));
    CU_ASSERT_TRUE(pl->entries[4].is_url);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path,
                          "https://h:8443/a?b=c&d=e"));
    CU_ASSERT_TRUE(pl->entries[0].is_url);
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "RTSP://h/live"));
    CU_ASSERT_TRUE(pl->entries[1].is_url);
    CU_ASSERT_TRUE(str_is(&pl->entries[2].url_or_path, "http://h/a;b"));
    CU_ASSERT_TRUE(pl->entries[2].is_url);

    /* no "://": a file */
    CU_ASSERT_TRUE(str_is(&pl->entries[3].url_or_path,
                          "/etc/sluice/http:relative"));
    CU_ASSERT_FALSE(pl->entries[3].is_url);

    CU_ASSERT_TRUE(fails("ftp://h/a.mp3;", "unsupported URL scheme \"ftp\"",
                         1));
    CU_ASSERT_TRUE(fails("a.mp3;\nmms+x://h/a;",
                         "unsupported URL scheme \"mms+x\"", 2));
    CU_ASSERT_TRUE(fails("http://;", "invalid URL \"http://\"", 1));
    CU_ASSERT_TRUE(fails("http:///a;", "invalid URL \"http:///a\"", 1));
    CU_ASSERT_TRUE(fails("\"http://h/a b\";", "invalid URL \"http://h/a b\"",
                         1));
    CU_ASSERT_TRUE(fails("\"http://h/a\tb\";",
                         "invalid URL \"http://h/a\\x09b\"", 1));
}


static void
test_bytes(void)
{
    sl_playlist_t  *pl;

    /* a UTF-8 byte order mark, CR LF, no LF after the last line */
    pl = parse("\xef\xbb\xbftitle \"Caf\xc3\xa9\";\r\na.mp3;\r\n\r\nb.mp3;");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->title, "Caf\xc3\xa9"));
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 2);
    CU_ASSERT_EQUAL(pl->entries[1].line, 4);
    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path, "/etc/sluice/b.mp3"));

    pl = parse_named(NAME, "a.mp3;\nb\0.mp3;", 14);
    CU_ASSERT_PTR_NULL(pl);
    CU_ASSERT_STRING_EQUAL(err, "unexpected control byte 0x00 in " NAME ":2");

    CU_ASSERT_TRUE(fails("a.mp3;\r\r\n", "unexpected control byte 0x0d", 1));
    CU_ASSERT_TRUE(fails("a.mp3;\rb.mp3;", "unexpected control byte 0x0d",
                         1));
    CU_ASSERT_TRUE(fails("# \x1b[31m\n", "unexpected control byte 0x1b", 1));
    CU_ASSERT_TRUE(fails("a.mp3;\n\nb.mp3 title=\"\x7f\";",
                         "unexpected control byte 0x7f", 3));

    /* a long value is cut in the message, which keeps FILE:LINE */
    CU_ASSERT_TRUE(fails("a.mp3 "
                         "k0123456789012345678901234567890123456789"
                         "01234567890123456789012345678901234567890=1;",
                         "unknown key \"k0123456789012345678901234567890"
                         "12345678901234567890123456789012...\"", 1));
}


static void
test_empty(void)
{
    CU_ASSERT_TRUE(fails("", "no entries", 0));
    CU_ASSERT_TRUE(fails("\xef\xbb\xbf", "no entries", 0));
    CU_ASSERT_TRUE(fails("# nothing\n\n   \n", "no entries", 0));
    CU_ASSERT_TRUE(fails("title t;\nloop;\nwrapper w.mp3;\n", "no entries",
                         0));
    CU_ASSERT_TRUE(fails("#EXTM3U\n#EXTINF:1,x\n", "\"#EXTINF\" is not "
                         "followed by an entry", 2));
    CU_ASSERT_TRUE(fails("#EXTM3U\n# only comments\n", "no entries", 0));
}


static void
test_m3u(void)
{
    sl_playlist_t  *pl;

    pl = parse("\xef\xbb\xbf#EXTM3U\r\n"
               "#PLAYLIST: Sluice Radio \r\n"
               "#EXTINF:123,Artist - Song A\r\n"
               "songs/a.mp3\r\n"
               "\r\n"
               "# a comment; #EXTVLCOPT and the like are comments too\r\n"
               "#EXTVLCOPT:network-caching=1000\r\n"
               "  songs/b c.mp3  \r\n"
               "#EXTINF:-1 tvg-id=\"r\",\r\n"
               "http://origin.example/feed.mp3\r\n"
               "#EXTINF:0,  \"Quoted\" title \\ \r\n"
               "file:///srv/a%20b.mp3\r\n"
               "/srv/\"odd\";name.mp3\r\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(pl->m3u);
    CU_ASSERT_EQUAL(pl->passes, 1);
    CU_ASSERT_PTR_NULL(pl->wrapper);
    CU_ASSERT_TRUE(str_is(&pl->title, "Sluice Radio"));
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 5);

    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path,
                          "/etc/sluice/songs/a.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[0].title, "Artist - Song A"));
    CU_ASSERT_EQUAL(pl->entries[0].duration, 0);
    CU_ASSERT_EQUAL(pl->entries[0].line, 4);

    CU_ASSERT_TRUE(str_is(&pl->entries[1].url_or_path,
                          "/etc/sluice/songs/b c.mp3"));
    CU_ASSERT_EQUAL(pl->entries[1].title.len, 0);
    CU_ASSERT_EQUAL(pl->entries[1].line, 8);

    CU_ASSERT_TRUE(str_is(&pl->entries[2].url_or_path,
                          "http://origin.example/feed.mp3"));
    CU_ASSERT_TRUE(pl->entries[2].is_url);
    CU_ASSERT_EQUAL(pl->entries[2].title.len, 0);

    CU_ASSERT_TRUE(str_is(&pl->entries[3].url_or_path, "/srv/a b.mp3"));
    CU_ASSERT_TRUE(str_is(&pl->entries[3].title, "\"Quoted\" title \\"));

    CU_ASSERT_TRUE(str_is(&pl->entries[4].url_or_path,
                          "/srv/\"odd\";name.mp3"));
    CU_ASSERT_EQUAL(pl->entries[4].title.len, 0);

    /* "#EXTM3U" must be the whole first word of the first line */
    CU_ASSERT_TRUE(fails("#EXTM3Ux\na.mp3\n",
                         "expecting \";\" at the end of the line", 2));
    CU_ASSERT_TRUE(fails("\n#EXTM3U\na.mp3\n",
                         "expecting \";\" at the end of the line", 3));

    pl = parse("#EXTM3U url-tvg=\"x\"\na.mp3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(pl->m3u);
    CU_ASSERT_EQUAL(pl->nentries, 1);

    CU_ASSERT_TRUE(fails("#EXTM3U\n#EXTINF:10 no comma\na.mp3\n",
                         "no \",\" before the title in \"#EXTINF\"", 2));
    CU_ASSERT_TRUE(fails("#EXTM3U\n#EXTINF:1,a\n#EXTINF:2,b\nb.mp3\n",
                         "\"#EXTINF\" is not followed by an entry", 2));
    CU_ASSERT_TRUE(fails("#EXTM3U\n#PLAYLIST:a\n#PLAYLIST:b\nb.mp3\n",
                         "duplicate \"#PLAYLIST\"", 3));
    CU_ASSERT_TRUE(fails("#EXTM3U\n#EXT-X-TARGETDURATION:6\nseg0.ts\n",
                         "HLS playlists are not supported "
                         "(\"#EXT-X-TARGETDURATION:6\")", 2));
    CU_ASSERT_TRUE(fails("#EXTM3U\na.mp3\nftp://h/b.mp3\n",
                         "unsupported URL scheme \"ftp\"", 3));
    CU_ASSERT_TRUE(fails("#EXTM3U\na.mp3\n\x01\n",
                         "unexpected control byte 0x01", 3));
}


static void
test_order(void)
{
    char                        out[64];
    sl_playlist_t              *pl;
    sl_playlist_pos_t           pos;
    const sl_playlist_entry_t  *e;

    /* once, no wrapper; after the end it stays at the end */
    pl = parse("a title=A;\nb title=B;\nc title=C;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 10);
    CU_ASSERT_STRING_EQUAL(out, "ABC");
    CU_ASSERT_EQUAL(pos.pass, 1);
    CU_ASSERT_EQUAL(pos.index, 0);

    e = pl->entries;
    CU_ASSERT_EQUAL(sl_playlist_next(pl, &pos, &e), SL_DONE);
    CU_ASSERT_PTR_NULL(e);

    /* the wrapper before and after the pass */
    pl = parse("a title=A;\nwrapper w title=W;\nb title=B;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 10);
    CU_ASSERT_STRING_EQUAL(out, "WABW");

    /* the first step gives the wrapper itself */
    sl_memzero(&pos, sizeof(pos));
    CU_ASSERT_EQUAL(sl_playlist_next(pl, &pos, &e), SL_OK);
    CU_ASSERT_PTR_EQUAL(e, pl->wrapper);
    CU_ASSERT_EQUAL(sl_playlist_next(pl, &pos, &e), SL_OK);
    CU_ASSERT_PTR_EQUAL(e, &pl->entries[0]);

    /* passes */
    pl = parse("loop 3;\na title=A;\nb title=B;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 20);
    CU_ASSERT_STRING_EQUAL(out, "ABABAB");

    pl = parse("loop 2;\nwrapper w title=W;\na title=A;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 20);
    CU_ASSERT_STRING_EQUAL(out, "WAWWAW");

    /* forever: the pattern holds for as long as one cares to look */
    pl = parse("loop;\nwrapper w title=W;\na title=A;\nb title=B;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 12);
    CU_ASSERT_STRING_EQUAL(out, "WABWWABWWABW");
    CU_ASSERT_EQUAL(pos.pass, 3);

    pos.pass = SL_PLAYLIST_FOREVER - 1;
    order(pl, &pos, out, 12);
    CU_ASSERT_STRING_EQUAL(out, "WABWWABWWABW");
    CU_ASSERT_EQUAL(pos.pass, SL_PLAYLIST_FOREVER);

    pl = parse("loop;\na title=A;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    sl_memzero(&pos, sizeof(pos));
    order(pl, &pos, out, 5);
    CU_ASSERT_STRING_EQUAL(out, "AAAAA");
}


/* a position kept across a reload to a shorter playlist */
static void
test_order_reload(void)
{
    char                out[64];
    sl_playlist_t      *pl;
    sl_playlist_pos_t   pos;

    pl = parse("loop 2;\na title=A;\nb title=B;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);

    pos.pass = 0;
    pos.index = 7;
    order(pl, &pos, out, 10);
    CU_ASSERT_STRING_EQUAL(out, "AB");

    pos.pass = 0;
    pos.index = 1;
    order(pl, &pos, out, 10);
    CU_ASSERT_STRING_EQUAL(out, "BAB");

    pos.pass = 1;
    pos.index = 2;
    order(pl, &pos, out, 10);
    CU_ASSERT_STRING_EQUAL(out, "");
}


/* text of n lines "e.mp3;\n" (or M3U's "e.mp3\n") */
static char *
entries(sl_uint_t n, sl_uint_t m3u)
{
    char       *text, *p;
    sl_uint_t   i;

    text = sl_pnalloc(sl_unit_pool(), 8 + n * 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);

    p = text;

    if (m3u) {
        p = (char *) sl_cpymem(p, "#EXTM3U\n", 8);
    }

    for (i = 0; i < n; i++) {
        p = (char *) sl_cpymem(p, m3u ? "e.mp3\n" : "e.mp3;\n", m3u ? 6 : 7);
    }

    *p = '\0';

    return text;
}


static void
test_limits(void)
{
    char           *text;
    size_t          len;
    sl_playlist_t  *pl;

    pl = parse(entries(SL_PLAYLIST_MAX_ENTRIES, 0));
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->nentries, SL_PLAYLIST_MAX_ENTRIES);
    CU_ASSERT_EQUAL(pl->entries[SL_PLAYLIST_MAX_ENTRIES - 1].line,
                    SL_PLAYLIST_MAX_ENTRIES);
    CU_ASSERT_TRUE(str_is(&pl->entries[SL_PLAYLIST_MAX_ENTRIES - 1]
                          .url_or_path, "/etc/sluice/e.mp3"));

    CU_ASSERT_TRUE(fails(entries(SL_PLAYLIST_MAX_ENTRIES + 1, 0),
                         "too many entries (more than 10000)", 10001));
    CU_ASSERT_TRUE(fails(entries(SL_PLAYLIST_MAX_ENTRIES + 1, 1),
                         "too many entries (more than 10000)", 10002));

    /* the wrapper is not a main entry */
    text = entries(SL_PLAYLIST_MAX_ENTRIES, 0);
    len = strlen(text);
    CU_ASSERT_PTR_NOT_NULL(parse_named(NAME, text, len));

    /* 4096 bytes on a line, without its CR LF; one more is too many */

    len = SL_PLAYLIST_MAX_LINE + 16;
    text = sl_pnalloc(sl_unit_pool(), len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);

    sl_memcpy(text, "a.mp3;\n", 7);
    memset(text + 7, 'x', SL_PLAYLIST_MAX_LINE - 1);
    text[7 + SL_PLAYLIST_MAX_LINE - 1] = ';';
    sl_memcpy(text + 7 + SL_PLAYLIST_MAX_LINE, "\r\n", 3);

    pl = parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->entries[1].url_or_path.len,
                    sizeof("/etc/sluice/") - 1 + SL_PLAYLIST_MAX_LINE - 1);

    /* the longest line of words, none followed by a separator */
    memset(text + 7, 'x', SL_PLAYLIST_MAX_LINE);
    text[7 + SL_PLAYLIST_MAX_LINE] = '\0';
    CU_ASSERT_TRUE(fails(text, "expecting \";\" at the end of the line", 2));

    text[7 + SL_PLAYLIST_MAX_LINE - 1] = ';';
    text[7 + SL_PLAYLIST_MAX_LINE] = ';';
    text[7 + SL_PLAYLIST_MAX_LINE + 1] = '\0';
    CU_ASSERT_TRUE(fails(text, "line too long (more than 4096 bytes)", 2));

    /* 1 MB: a file of comments and one entry, then one byte more */

    len = SL_PLAYLIST_MAX_SIZE;
    text = sl_pnalloc(sl_unit_pool(), len + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);

    memset(text, '\n', len);
    text[0] = '#';
    sl_memcpy(text + len - 7, "z.mp3;\n", 7);

    pl = parse_named(NAME, text, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(pl->nentries, 1);
    CU_ASSERT_EQUAL(pl->entries[0].line, len - 7);

    text[len] = '\n';
    pl = parse_named(NAME, text, len + 1);
    CU_ASSERT_PTR_NULL(pl);
    CU_ASSERT_STRING_EQUAL(err, "playlist is too large (1048577 bytes, "
                           "more than 1048576) in " NAME);
}


/* the error goes into a small buffer cut, and into none at all */
static void
test_error_buffer(void)
{
    u_char          small[12];
    sl_str_t        name = sl_string(NAME);
    sl_playlist_t  *pl;

    memset(small, 'x', sizeof(small));

    pl = sl_playlist_parse(sl_unit_pool(), &name, (u_char *) "a.mp3", 5,
                           small, sizeof(small));
    CU_ASSERT_PTR_NULL(pl);
    CU_ASSERT_STRING_EQUAL(small, "expecting \"");

    pl = sl_playlist_parse(sl_unit_pool(), &name, (u_char *) "a.mp3", 5,
                           NULL, 0);
    CU_ASSERT_PTR_NULL(pl);
}


static void
test_read(void)
{
    int             fd;
    char            dir[] = "/tmp/sl_playlist_XXXXXX";
    char            path[64], expect[128];
    u_char          rerr[SL_PLAYLIST_ERROR_LEN];
    sl_str_t        name;
    sl_playlist_t  *pl;
    static const char  text[] = "title T;\nsub/a.mp3 duration=1s;\n";

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));

    snprintf(path, sizeof(path), "%s/r.playlist", dir);
    name.data = (u_char *) path;
    name.len = strlen(path);

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CU_ASSERT_FATAL(fd != -1);
    CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1),
                    (ssize_t) sizeof(text) - 1);
    close(fd);

    pl = sl_playlist_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(str_is(&pl->title, "T"));
    CU_ASSERT_EQUAL_FATAL(pl->nentries, 1);
    CU_ASSERT_EQUAL(pl->entries[0].duration, 1000);

    snprintf(expect, sizeof(expect), "%s/sub/a.mp3", dir);
    CU_ASSERT_TRUE(str_is(&pl->entries[0].url_or_path, expect));

    /* a parse error names the file and line */

    fd = open(path, O_WRONLY | O_TRUNC);
    CU_ASSERT_FATAL(fd != -1);
    CU_ASSERT_EQUAL(write(fd, "a.mp3;\nb.mp3 x=1;\n", 18), 18);
    close(fd);

    pl = sl_playlist_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(pl);
    snprintf(expect, sizeof(expect), "unknown key \"x\" in %s:2", path);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    /* too large, before reading it */

    CU_ASSERT_EQUAL(truncate(path, SL_PLAYLIST_MAX_SIZE + 1), 0);

    pl = sl_playlist_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(pl);
    snprintf(expect, sizeof(expect), "playlist is too large (1048577 bytes, "
             "more than 1048576) in %s", path);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    CU_ASSERT_EQUAL(unlink(path), 0);

    pl = sl_playlist_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(pl);
    snprintf(expect, sizeof(expect), "open() \"%s\" failed (%d: %s)", path,
             ENOENT, strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    name.data = (u_char *) dir;
    name.len = strlen(dir);

    pl = sl_playlist_read(sl_unit_pool(), &name, rerr, sizeof(rerr));
    CU_ASSERT_PTR_NULL(pl);
    snprintf(expect, sizeof(expect), "\"%s\" is not a regular file", dir);
    CU_ASSERT_STRING_EQUAL(rerr, expect);

    CU_ASSERT_EQUAL(rmdir(dir), 0);
}


SL_UNIT_SUITE(sl_playlist,
    { "the example", test_example },
    { "keys and times", test_keys },
    { "title, loop, wrapper", test_statements },
    { "semicolons and comments", test_semicolons },
    { "quoting", test_quoting },
    { "relative paths, file URLs", test_paths },
    { "URLs", test_urls },
    { "BOM, CR LF, control bytes", test_bytes },
    { "no entries", test_empty },
    { "M3U", test_m3u },
    { "play order", test_order },
    { "play order after a reload", test_order_reload },
    { "limits", test_limits },
    { "error buffer", test_error_buffer },
    { "reading a file", test_read })
