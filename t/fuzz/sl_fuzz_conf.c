/*
 * libFuzzer target for the configuration lexer and parser: any bytes
 * are lexed, then parsed with a few test modules; a configuration that
 * parses is dumped, parsed again from its dump and must dump the same.
 * The test modules are the unit tests' (t/unit/core/sl_conf_fixture.c).
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_conf_token.h>
#include "../unit/core/sl_conf_fixture.h"


/* the test modules without sl_conf_module: the fuzzer includes no files */
static sl_module_t  *fz_modules[] = {
    &t_core_module, &t_stream_module, &t_smod_module, NULL
};

static sl_open_file_t  fz_log_file = { -1, sl_string("none") };
static sl_log_t        fz_log = { .log_level = SL_LOG_STDERR,
                                  .file = &fz_log_file };


/* parses text into a fresh cycle built in pool; 0 on success */
static int
fz_parse(sl_pool_t *pool, sl_cycle_t *cycle, void **conf_ctx,
    const u_char *text, size_t len)
{
    sl_str_t   name = sl_string("fuzz.conf");
    sl_conf_t  cf;

    if (t_conf_setup(cycle, &cf, conf_ctx, pool, &fz_log) == NULL) {
        return -1;
    }

    cycle->modules = fz_modules;
    cycle->modules_n = 3;
    sl_str_set(&cycle->conf_prefix, "/prefix/conf/");

    return sl_conf_parse_buffer(&cf, &name, text, len) == SL_CONF_OK ? 0 : -1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_str_t          dump1, dump2;
    sl_uint_t         line;
    sl_pool_t        *pool;
    sl_cycle_t        cycle;
    sl_conf_token_t   tok;
    sl_conf_lexer_t   lx;
    void             *conf_ctx[T_CONF_CTX_N];

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, &fz_log);
    if (pool == NULL) {
        return 0;
    }

    /* the lexer alone: lines never go back, words are terminated */

    sl_conf_lexer_init(&lx, data, size);
    line = 1;

    for ( ;; ) {
        switch (sl_conf_lexer_next(&lx, &tok, pool)) {

        case SL_CONF_TOKEN_EOF:
        case SL_CONF_TOKEN_ERROR:
            goto parse;

        case SL_CONF_TOKEN_WORD:
            if (tok.value.data[tok.value.len] != '\0') {
                abort();
            }

            /* fall through */

        default:
            if (tok.line < line) {
                abort();
            }

            line = tok.line;
        }
    }

parse:

    sl_reset_pool(pool);

    if (fz_parse(pool, &cycle, conf_ctx, data, size) != 0) {
        goto done;
    }

    /* what parses dumps to a configuration that reads back the same */

    if (sl_conf_dump_cycle(&cycle, &dump1) != SL_OK) {
        goto done;
    }

    if (fz_parse(pool, &cycle, conf_ctx, dump1.data, dump1.len) != 0) {
        fprintf(stderr, "dump does not parse:\n%.*s\n", SL_STR_ARG(&dump1));
        abort();
    }

    if (sl_conf_dump_cycle(&cycle, &dump2) != SL_OK) {
        goto done;
    }

    if (dump1.len != dump2.len
        || memcmp(dump1.data, dump2.data, dump1.len) != 0)
    {
        fprintf(stderr, "dump differs:\n%.*s\n---\n%.*s\n",
                SL_STR_ARG(&dump1), SL_STR_ARG(&dump2));
        abort();
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
