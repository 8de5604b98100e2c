/* The configuration lexer: words, quoted strings, ";", "{", "}". */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_conf_token.h>


static sl_conf_token_e sl_conf_lexer_error(sl_conf_lexer_t *lx,
    sl_conf_token_t *tok, const char *error, sl_uint_t line);
static sl_conf_token_e sl_conf_lexer_word(sl_conf_lexer_t *lx,
    sl_conf_token_t *tok, sl_pool_t *pool);
static sl_conf_token_e sl_conf_lexer_quoted(sl_conf_lexer_t *lx,
    sl_conf_token_t *tok, sl_pool_t *pool);


#define sl_conf_is_space(c)                                                   \
    ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')


void
sl_conf_lexer_init(sl_conf_lexer_t *lx, const u_char *text, size_t len)
{
    lx->pos = text;
    lx->end = text + len;
    lx->line = 1;
    lx->error = NULL;
    lx->error_line = 0;
}


/*
 * The grammar, byte by byte:
 *   - spaces, tabs, CR and LF separate tokens; each LF counts a line;
 *   - "#" at the start of a token comments out the rest of the line
 *     ("a#b" is one word);
 *   - ";", "{" and "}" are tokens of their own and end a word, except
 *     "{" right after "$" and the "}" closing it, which belong to the
 *     word ("${1}");
 *   - a quote at the start of a token opens a string that runs to the
 *     same unescaped quote, across lines; after it must come a space,
 *     ";", "{", "}" or the end (quotes inside a word are an error);
 *   - a backslash makes the next byte part of the word; \" \' \\ \n \r
 *     \t are replaced by the byte they name, any other pair is kept as
 *     is, so regexes keep "\d" and "\.";
 *   - a NUL byte anywhere is an error.
 * An error is sticky: every later call returns it again.
 */
sl_conf_token_e
sl_conf_lexer_next(sl_conf_lexer_t *lx, sl_conf_token_t *tok, sl_pool_t *pool)
{
    u_char  ch;

    tok->value.len = 0;
    tok->value.data = NULL;
    tok->quoted = 0;

    if (lx->error) {
        tok->type = SL_CONF_TOKEN_ERROR;
        tok->line = lx->error_line;
        return SL_CONF_TOKEN_ERROR;
    }

    for ( ;; ) {

        if (lx->pos >= lx->end) {
            tok->type = SL_CONF_TOKEN_EOF;
            tok->line = lx->line;

            /* the end of a file ending with a newline is its last line */
            if (lx->line > 1 && lx->end[-1] == '\n') {
                tok->line--;
            }

            return SL_CONF_TOKEN_EOF;
        }

        ch = *lx->pos;

        if (ch == '\n') {
            lx->line++;
            lx->pos++;
            continue;
        }

        if (sl_conf_is_space(ch)) {
            lx->pos++;
            continue;
        }

        if (ch == '#') {
            while (lx->pos < lx->end && *lx->pos != '\n') {
                if (*lx->pos == '\0') {
                    return sl_conf_lexer_error(lx, tok, "unexpected NUL byte",
                                               lx->line);
                }

                lx->pos++;
            }

            continue;
        }

        break;
    }

    tok->line = lx->line;

    switch (ch) {

    case ';':
        lx->pos++;
        tok->type = SL_CONF_TOKEN_SEMICOLON;
        return tok->type;

    case '{':
        lx->pos++;
        tok->type = SL_CONF_TOKEN_BLOCK_START;
        return tok->type;

    case '}':
        lx->pos++;
        tok->type = SL_CONF_TOKEN_BLOCK_END;
        return tok->type;

    case '"':
    case '\'':
        return sl_conf_lexer_quoted(lx, tok, pool);

    case '\0':
        return sl_conf_lexer_error(lx, tok, "unexpected NUL byte", lx->line);

    default:
        return sl_conf_lexer_word(lx, tok, pool);
    }
}


static sl_conf_token_e
sl_conf_lexer_error(sl_conf_lexer_t *lx, sl_conf_token_t *tok,
    const char *error, sl_uint_t line)
{
    lx->error = error;
    lx->error_line = line;

    tok->type = SL_CONF_TOKEN_ERROR;
    tok->line = line;
    tok->value.len = 0;
    tok->value.data = NULL;

    return SL_CONF_TOKEN_ERROR;
}


/* resolves the escape at p[0] == '\\', p + 1 < end; returns bytes used */
static size_t
sl_conf_lexer_unescape(const u_char *p, u_char **dst)
{
    switch (p[1]) {

    case '"':
    case '\'':
    case '\\':
        *(*dst)++ = p[1];
        return 2;

    case 'n':
        *(*dst)++ = '\n';
        return 2;

    case 'r':
        *(*dst)++ = '\r';
        return 2;

    case 't':
        *(*dst)++ = '\t';
        return 2;

    default:
        *(*dst)++ = p[0];
        *(*dst)++ = p[1];
        return 2;
    }
}


/*
 * Copies start..end, resolving escapes, into a NUL-terminated word from
 * pool and leaves lx->pos at end; out of memory is an error at line.
 */
static sl_conf_token_e
sl_conf_lexer_copy(sl_conf_lexer_t *lx, sl_conf_token_t *tok,
    sl_pool_t *pool, const u_char *start, const u_char *end, sl_uint_t line)
{
    u_char  *dst;

    dst = sl_pnalloc(pool, (end - start) + 1);
    if (dst == NULL) {
        lx->pos = end;
        return sl_conf_lexer_error(lx, tok, "out of memory", line);
    }

    tok->value.data = dst;

    for (lx->pos = start; lx->pos < end; /* void */) {

        if (*lx->pos == '\\' && lx->pos + 1 < end) {
            lx->pos += sl_conf_lexer_unescape(lx->pos, &dst);
            continue;
        }

        *dst++ = *lx->pos++;
    }

    *dst = '\0';

    tok->value.len = dst - tok->value.data;
    tok->type = SL_CONF_TOKEN_WORD;

    return SL_CONF_TOKEN_WORD;
}


static sl_conf_token_e
sl_conf_lexer_word(sl_conf_lexer_t *lx, sl_conf_token_t *tok,
    sl_pool_t *pool)
{
    sl_uint_t      variable, braces, line;
    const u_char  *start, *p;

    start = lx->pos;
    line = lx->line;
    variable = 0;
    braces = 0;

    /* first pass: find the end and check the bytes */

    for (p = start; p < lx->end; p++) {

        if (*p == '\0') {
            lx->pos = p;
            return sl_conf_lexer_error(lx, tok, "unexpected NUL byte", line);
        }

        if (*p == '\\') {
            if (p + 1 < lx->end) {
                p++;

                if (*p == '\0') {
                    lx->pos = p;
                    return sl_conf_lexer_error(lx, tok,
                                               "unexpected NUL byte", line);
                }

                if (*p == '\n') {
                    line++;
                }
            }

            variable = 0;
            continue;
        }

        if (*p == '{' && variable) {
            braces = 1;
            variable = 0;
            continue;
        }

        variable = (*p == '$');

        if (*p == '}' && braces) {
            braces = 0;
            continue;
        }

        if (sl_conf_is_space(*p) || *p == ';' || *p == '{' || *p == '}') {
            break;
        }

        if (*p == '"' || *p == '\'') {
            lx->pos = p;
            return sl_conf_lexer_error(lx, tok, "unexpected quote", line);
        }
    }

    /* second pass: copy, resolving escapes */

    if (sl_conf_lexer_copy(lx, tok, pool, start, p, line)
        != SL_CONF_TOKEN_WORD)
    {
        return SL_CONF_TOKEN_ERROR;
    }

    lx->line = line;

    return SL_CONF_TOKEN_WORD;
}


static sl_conf_token_e
sl_conf_lexer_quoted(sl_conf_lexer_t *lx, sl_conf_token_t *tok,
    sl_pool_t *pool)
{
    u_char         quote;
    sl_uint_t      line;
    const u_char  *start, *p;

    quote = *lx->pos;
    start = lx->pos + 1;
    line = lx->line;

    for (p = start; p < lx->end; p++) {

        if (*p == '\0') {
            lx->pos = p;
            return sl_conf_lexer_error(lx, tok, "unexpected NUL byte", line);
        }

        if (*p == '\n') {
            line++;
            continue;
        }

        if (*p == '\\' && p + 1 < lx->end) {
            p++;

            if (*p == '\0') {
                lx->pos = p;
                return sl_conf_lexer_error(lx, tok, "unexpected NUL byte",
                                           line);
            }

            if (*p == '\n') {
                line++;
            }

            continue;
        }

        if (*p == quote) {
            break;
        }
    }

    if (p >= lx->end) {
        lx->pos = p;
        return sl_conf_lexer_error(lx, tok,
                                   "unexpected end of file, "
                                   "expecting closing quote", lx->line);
    }

    /* p is the closing quote: what follows must end the token */

    if (p + 1 < lx->end
        && !sl_conf_is_space(p[1])
        && p[1] != ';' && p[1] != '{' && p[1] != '}')
    {
        lx->pos = p + 1;
        return sl_conf_lexer_error(lx, tok,
                                   "unexpected character after closing quote",
                                   line);
    }

    if (sl_conf_lexer_copy(lx, tok, pool, start, p, line)
        != SL_CONF_TOKEN_WORD)
    {
        return SL_CONF_TOKEN_ERROR;
    }

    lx->pos = p + 1;
    lx->line = line;

    tok->quoted = 1;

    return SL_CONF_TOKEN_WORD;
}
