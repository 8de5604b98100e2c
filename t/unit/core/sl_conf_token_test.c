/* Unit tests for core/sl_conf_token.c: the configuration lexer. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_conf_token.h>
#include "../sl_unit.h"


/*
 * Lexes text and writes every token as "W(word)@line", ";", "{", "}",
 * "EOF@line" or "ERR(message)@line", space separated.
 */
static const char *
lex(const char *text, size_t len)
{
    u_char           *p, *last;
    sl_conf_token_t   tok;
    sl_conf_lexer_t   lx;
    static u_char     out[4096];

    p = out;
    last = out + sizeof(out);
    *p = '\0';

    sl_conf_lexer_init(&lx, (const u_char *) text, len);

    for ( ;; ) {
        switch (sl_conf_lexer_next(&lx, &tok, sl_unit_pool())) {

        case SL_CONF_TOKEN_WORD:
            CU_ASSERT_EQUAL(tok.value.data[tok.value.len], '\0');
            p = sl_slprintf(p, last, "%s(" SL_STR_FMT ")@%lu ",
                            tok.quoted ? "Q" : "W", SL_STR_ARG(&tok.value),
                            (unsigned long) tok.line);
            break;

        case SL_CONF_TOKEN_SEMICOLON:
            p = sl_slprintf(p, last, "; ");
            break;

        case SL_CONF_TOKEN_BLOCK_START:
            p = sl_slprintf(p, last, "{ ");
            break;

        case SL_CONF_TOKEN_BLOCK_END:
            p = sl_slprintf(p, last, "} ");
            break;

        case SL_CONF_TOKEN_EOF:
            sl_slprintf(p, last, "EOF@%lu", (unsigned long) tok.line);
            return (const char *) out;

        default:
            CU_ASSERT_PTR_NOT_NULL(lx.error);
            CU_ASSERT_EQUAL(lx.error_line, tok.line);
            sl_slprintf(p, last, "ERR(%s)@%lu", lx.error,
                        (unsigned long) tok.line);

            /* errors are sticky */
            CU_ASSERT_EQUAL(sl_conf_lexer_next(&lx, &tok, sl_unit_pool()),
                            SL_CONF_TOKEN_ERROR);
            return (const char *) out;
        }
    }
}


#define lex_is(text, expect)                                                  \
    CU_ASSERT_STRING_EQUAL(lex(text, sizeof(text) - 1), expect)


static void
test_words(void)
{
    lex_is("", "EOF@1");
    lex_is("   \t\r\n", "EOF@1");
    lex_is("a", "W(a)@1 EOF@1");
    lex_is("worker_processes 4;",
           "W(worker_processes)@1 W(4)@1 ; EOF@1");
    lex_is("events {\n    worker_connections 1024;\n}\n",
           "W(events)@1 { W(worker_connections)@2 W(1024)@2 ; } EOF@3");
    lex_is("a;b{c}d", "W(a)@1 ; W(b)@1 { W(c)@1 } W(d)@1 EOF@1");
    lex_is("a\n\n\nb", "W(a)@1 W(b)@4 EOF@4");
    lex_is("a\r\nb\r\n", "W(a)@1 W(b)@2 EOF@2");
    lex_is("x 1m30s 4k", "W(x)@1 W(1m30s)@1 W(4k)@1 EOF@1");
}


static void
test_comments(void)
{
    lex_is("# only a comment", "EOF@1");
    lex_is("a; # comment ; { }\nb;", "W(a)@1 ; W(b)@2 ; EOF@2");
    lex_is("a#b;", "W(a#b)@1 ; EOF@1");
    lex_is("a;#x\n#y\n\nb", "W(a)@1 ; W(b)@4 EOF@4");
    lex_is("\"#not a comment\"", "Q(#not a comment)@1 EOF@1");
}


static void
test_quotes(void)
{
    lex_is("\"a b\"", "Q(a b)@1 EOF@1");
    lex_is("'a b'", "Q(a b)@1 EOF@1");
    lex_is("\"\"", "Q()@1 EOF@1");
    lex_is("\"it's\" 'say \"hi\"'", "Q(it's)@1 Q(say \"hi\")@1 EOF@1");
    lex_is("\"a\\\"b\"", "Q(a\"b)@1 EOF@1");
    lex_is("'a\\'b'", "Q(a'b)@1 EOF@1");
    lex_is("\"a\\\\b\"", "Q(a\\b)@1 EOF@1");
    lex_is("\"a\\tb\\nc\\rd\"", "Q(a\tb\nc\rd)@1 EOF@1");
    lex_is("\"\\d+\\.x\"", "Q(\\d+\\.x)@1 EOF@1");
    lex_is("\"a;{}\";", "Q(a;{})@1 ; EOF@1");
    lex_is("\"a\"{", "Q(a)@1 { EOF@1");
    lex_is("\"a\"}", "Q(a)@1 } EOF@1");
    lex_is("\"line\none\"\nb", "Q(line\none)@1 W(b)@3 EOF@3");
    lex_is("x \"a\\\\\"", "W(x)@1 Q(a\\)@1 EOF@1");
}


static void
test_escapes(void)
{
    lex_is("a\\ b", "W(a\\ b)@1 EOF@1");
    lex_is("a\\;b;", "W(a\\;b)@1 ; EOF@1");
    lex_is("a\\\"b", "W(a\"b)@1 EOF@1");
    lex_is("a\\'b", "W(a'b)@1 EOF@1");
    lex_is("a\\\\b", "W(a\\b)@1 EOF@1");
    lex_is("a\\tb", "W(a\tb)@1 EOF@1");
    lex_is("^/live/(\\d+)\\.sdp$", "W(^/live/(\\d+)\\.sdp$)@1 EOF@1");
    lex_is("a\\", "W(a\\)@1 EOF@1");
    lex_is("${1}/x;", "W(${1}/x)@1 ; EOF@1");
    lex_is("/v/${2}.mp3}", "W(/v/${2}.mp3)@1 } EOF@1");
    lex_is("a{b", "W(a)@1 { W(b)@1 EOF@1");
}


static void
test_errors(void)
{
    lex_is("a \"bc",
           "W(a)@1 ERR(unexpected end of file, expecting closing quote)@1");
    lex_is("a;\n\n'b\nc\n",
           "W(a)@1 ; ERR(unexpected end of file, expecting closing quote)@3");
    lex_is("\"abc\\\"",
           "ERR(unexpected end of file, expecting closing quote)@1");
    lex_is("a\nab\"c\"", "W(a)@1 ERR(unexpected quote)@2");
    lex_is("x'", "ERR(unexpected quote)@1");
    lex_is("\"a\"b", "ERR(unexpected character after closing quote)@1");
    lex_is("\n'a\nb'c", "ERR(unexpected character after closing quote)@3");
    lex_is("'a'#", "ERR(unexpected character after closing quote)@1");

    CU_ASSERT_STRING_EQUAL(lex("a\0b", 3), "ERR(unexpected NUL byte)@1");
    CU_ASSERT_STRING_EQUAL(lex("a;\n\0", 4),
                           "W(a)@1 ; ERR(unexpected NUL byte)@2");
    CU_ASSERT_STRING_EQUAL(lex("\"a\0\"", 4), "ERR(unexpected NUL byte)@1");
    CU_ASSERT_STRING_EQUAL(lex("#a\0\n", 4), "ERR(unexpected NUL byte)@1");
    CU_ASSERT_STRING_EQUAL(lex("a\\\0", 3), "ERR(unexpected NUL byte)@1");
}


/* every byte string of up to three bytes from a hostile alphabet */
static void
test_robust(void)
{
    size_t          i, n, len;
    u_char          text[4];
    sl_conf_token_t tok;
    sl_conf_lexer_t lx;
    sl_uint_t       steps;
    static const u_char  alphabet[] = "a \n\"'\\;{}#$\0\r";

    n = sizeof(alphabet);   /* with the final NUL twice: fine */

    for (i = 0; i < n * n * n; i++) {
        text[0] = alphabet[i % n];
        text[1] = alphabet[(i / n) % n];
        text[2] = alphabet[(i / n / n) % n];

        for (len = 0; len <= 3; len++) {
            sl_conf_lexer_init(&lx, text, len);

            for (steps = 0; steps < 10; steps++) {
                if (sl_conf_lexer_next(&lx, &tok, sl_unit_pool())
                    >= SL_CONF_TOKEN_EOF)
                {
                    break;
                }
            }

            CU_ASSERT_TRUE(steps < 10);
        }
    }
}


SL_UNIT_SUITE(sl_conf_token,
    { "words, lines", test_words },
    { "comments", test_comments },
    { "quotes", test_quotes },
    { "escapes", test_escapes },
    { "errors with their line", test_errors },
    { "short hostile inputs", test_robust })
