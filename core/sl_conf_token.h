/*
 * The configuration lexer: turns text into words, ";", "{" and "}".
 * Pure: no files, no logging; errors come back as a message and a line.
 */

#ifndef SL_CONF_TOKEN_H
#define SL_CONF_TOKEN_H

#include <sl_config.h>


typedef enum {
    SL_CONF_TOKEN_WORD = 0,
    SL_CONF_TOKEN_SEMICOLON,
    SL_CONF_TOKEN_BLOCK_START,
    SL_CONF_TOKEN_BLOCK_END,
    SL_CONF_TOKEN_EOF,
    SL_CONF_TOKEN_ERROR
} sl_conf_token_e;

typedef struct {
    sl_conf_token_e   type;
    sl_str_t          value;     /* unescaped word, pool allocated */
    sl_uint_t         line;      /* where the token starts */
    unsigned          quoted:1;
} sl_conf_token_t;

typedef struct {
    const u_char     *pos;
    const u_char     *end;
    sl_uint_t         line;
    const char       *error;     /* static message when TOKEN_ERROR */
    sl_uint_t         error_line;
} sl_conf_lexer_t;

void sl_conf_lexer_init(sl_conf_lexer_t *lx, const u_char *text, size_t len);
/*
 * Reads the next token into tok (words are copied into pool with escapes
 * resolved).  Returns tok->type.  On SL_CONF_TOKEN_ERROR lx->error says
 * what was wrong ("unterminated string", "unexpected quote", ...) and
 * lx->error_line where.
 */
sl_conf_token_e sl_conf_lexer_next(sl_conf_lexer_t *lx, sl_conf_token_t *tok,
    sl_pool_t *pool);

#endif /* SL_CONF_TOKEN_H */
