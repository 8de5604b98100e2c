/*
 * libFuzzer target for the playlist parser (modules/pubpoint/
 * sl_playlist.c): the input is the file.  A playlist that parses must
 * hold only what the format allows, give the play order of its passes,
 * and read back the same when written out again in Sluice's format.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_playlist.h>


#define SL_FUZZ_NAME        "/pl/fuzz.playlist"
#define SL_FUZZ_MAX_PASSES  3


static void
sl_fuzz_check(int ok, const char *what)
{
    if (ok) {
        return;
    }

    fprintf(stderr, "sl_fuzz_playlist: %s\n", what);
    abort();
}


static int
sl_fuzz_str_eq(const sl_str_t *a, const sl_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}


static void
sl_fuzz_check_str(const sl_str_t *s, sl_uint_t empty_ok, const char *what)
{
    size_t  i;

    sl_fuzz_check(s->len > 0 || empty_ok, what);
    sl_fuzz_check(s->len == 0 || s->data[s->len] == '\0', what);

    for (i = 0; i < s->len; i++) {
        sl_fuzz_check(s->data[i] == '\t'
                      || (s->data[i] >= 0x20 && s->data[i] != 0x7f), what);
    }
}


static void
sl_fuzz_check_entry(const sl_playlist_entry_t *e, sl_uint_t wrapper)
{
    sl_fuzz_check_str(&e->url_or_path, 0, "location");
    sl_fuzz_check_str(&e->title, 1, "title");
    sl_fuzz_check(e->wrapper == wrapper, "wrapper flag");
    sl_fuzz_check(e->line > 0, "line");

    if (e->is_url) {
        sl_fuzz_check(sl_strncasecmp(e->url_or_path.data,
                                     (u_char *) "http://", 7) == 0
                      || sl_strncasecmp(e->url_or_path.data,
                                        (u_char *) "https://", 8) == 0
                      || sl_strncasecmp(e->url_or_path.data,
                                        (u_char *) "rtsp://", 7) == 0
                      || sl_strncasecmp(e->url_or_path.data,
                                        (u_char *) "rtsps://", 8) == 0,
                      "URL scheme");

    } else {
        sl_fuzz_check(e->url_or_path.data[0] == '/', "path not absolute");
    }
}


/* the first passes, item by item, against [wrapper] entries [wrapper] */
static void
sl_fuzz_order(const sl_playlist_t *pl)
{
    sl_uint_t                   pass, i, n;
    sl_playlist_pos_t           pos;
    const sl_playlist_entry_t  *e, *want;

    sl_memzero(&pos, sizeof(sl_playlist_pos_t));

    n = pl->nentries + (pl->wrapper ? 2 : 0);

    for (pass = 0; pass < SL_FUZZ_MAX_PASSES; pass++) {

        if (pl->passes != SL_PLAYLIST_FOREVER && pass >= pl->passes) {
            sl_fuzz_check(sl_playlist_next(pl, &pos, &e) == SL_DONE
                          && e == NULL, "not done after the last pass");
            return;
        }

        for (i = 0; i < n; i++) {
            if (pl->wrapper == NULL) {
                want = &pl->entries[i];

            } else if (i == 0 || i == n - 1) {
                want = pl->wrapper;

            } else {
                want = &pl->entries[i - 1];
            }

            sl_fuzz_check(sl_playlist_next(pl, &pos, &e) == SL_OK
                          && e == want, "play order");
        }
    }
}


/* appends s between quotes, escaping '"' and '\\' */
static u_char *
sl_fuzz_quote(u_char *p, const sl_str_t *s)
{
    size_t  i;

    *p++ = '"';

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '"' || s->data[i] == '\\') {
            *p++ = '\\';
        }

        *p++ = s->data[i];
    }

    *p++ = '"';

    return p;
}


static u_char *
sl_fuzz_write_entry(u_char *p, const sl_playlist_entry_t *e)
{
    if (e->wrapper) {
        p = sl_cpymem(p, "wrapper ", 8);
    }

    p = sl_fuzz_quote(p, &e->url_or_path);

    if (e->start) {
        p += sprintf((char *) p, " start=%llums",
                     (unsigned long long) e->start);
    }

    if (e->duration) {
        p += sprintf((char *) p, " duration=%llums",
                     (unsigned long long) e->duration);
    }

    if (e->title.len) {
        p = sl_cpymem(p, " title=", 7);
        p = sl_fuzz_quote(p, &e->title);
    }

    return sl_cpymem(p, ";\n", 2);
}


/*
 * Writes pl out in Sluice's format into a pool buffer: NULL when a
 * line would be longer than the format allows (a long location with a
 * long title may be fine in M3U and too long once quoted and escaped).
 */
static u_char *
sl_fuzz_write(sl_pool_t *pool, const sl_playlist_t *pl, size_t *len)
{
    u_char     *buf, *p, *line;
    size_t      size;
    sl_uint_t   i;

    size = 64 + 2 * pl->title.len;

    for (i = 0; i < pl->nentries; i++) {
        size += 96 + 2 * (pl->entries[i].url_or_path.len
                          + pl->entries[i].title.len);
    }

    if (pl->wrapper) {
        size += 96 + 2 * (pl->wrapper->url_or_path.len
                          + pl->wrapper->title.len);
    }

    buf = sl_pnalloc(pool, size);
    if (buf == NULL) {
        return NULL;
    }

    p = buf;

    if (pl->title.len) {
        p = sl_cpymem(p, "title ", 6);
        p = sl_fuzz_quote(p, &pl->title);
        p = sl_cpymem(p, ";\n", 2);
    }

    if (pl->passes == SL_PLAYLIST_FOREVER) {
        p = sl_cpymem(p, "loop;\n", 6);

    } else if (pl->passes != 1) {
        p += sprintf((char *) p, "loop %lu;\n", (unsigned long) pl->passes);
    }

    if (pl->wrapper) {
        line = p;
        p = sl_fuzz_write_entry(p, pl->wrapper);

        if (p - line - 1 > SL_PLAYLIST_MAX_LINE) {
            return NULL;
        }
    }

    for (i = 0; i < pl->nentries; i++) {
        line = p;
        p = sl_fuzz_write_entry(p, &pl->entries[i]);

        if (p - line - 1 > SL_PLAYLIST_MAX_LINE) {
            return NULL;
        }
    }

    sl_fuzz_check((size_t) (p - buf) <= size, "write overflow");

    *len = p - buf;

    return *len <= SL_PLAYLIST_MAX_SIZE ? buf : NULL;
}


static void
sl_fuzz_same_entry(const sl_playlist_entry_t *a, const sl_playlist_entry_t *b)
{
    sl_fuzz_check(sl_fuzz_str_eq(&a->url_or_path, &b->url_or_path)
                  && sl_fuzz_str_eq(&a->title, &b->title)
                  && a->start == b->start && a->duration == b->duration
                  && a->is_url == b->is_url && a->wrapper == b->wrapper,
                  "entry differs after writing it out");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char          err[SL_PLAYLIST_ERROR_LEN], *text;
    size_t          len;
    sl_str_t        name = sl_string(SL_FUZZ_NAME);
    sl_uint_t       i;
    sl_pool_t      *pool;
    sl_playlist_t  *pl, *again;

    pool = sl_create_pool(SL_POOL_DEFAULT_SIZE, NULL);
    if (pool == NULL) {
        return 0;
    }

    pl = sl_playlist_parse(pool, &name, data, size, err, sizeof(err));

    if (pl == NULL) {
        sl_fuzz_check(strstr((char *) err, " in " SL_FUZZ_NAME) != NULL,
                      "error without the file name");
        goto done;
    }

    sl_fuzz_check(pl->nentries >= 1
                  && pl->nentries <= SL_PLAYLIST_MAX_ENTRIES, "nentries");
    sl_fuzz_check(pl->passes >= 1, "passes");
    sl_fuzz_check_str(&pl->title, 1, "playlist title");

    for (i = 0; i < pl->nentries; i++) {
        sl_fuzz_check_entry(&pl->entries[i], 0);
        sl_fuzz_check(i == 0 || pl->entries[i].line > pl->entries[i - 1].line,
                      "lines go back");
    }

    if (pl->wrapper) {
        sl_fuzz_check(!pl->m3u, "wrapper in M3U");
        sl_fuzz_check_entry(pl->wrapper, 1);
    }

    sl_fuzz_order(pl);

    text = sl_fuzz_write(pool, pl, &len);
    if (text == NULL) {
        goto done;
    }

    again = sl_playlist_parse(pool, &name, text, len, err, sizeof(err));

    if (again == NULL) {
        fprintf(stderr, "written out, does not parse: %s\n%.*s\n", err,
                (int) len, text);
        abort();
    }

    sl_fuzz_check(sl_fuzz_str_eq(&pl->title, &again->title)
                  && pl->passes == again->passes
                  && pl->nentries == again->nentries
                  && (pl->wrapper == NULL) == (again->wrapper == NULL),
                  "playlist differs after writing it out");

    for (i = 0; i < pl->nentries; i++) {
        sl_fuzz_same_entry(&pl->entries[i], &again->entries[i]);
    }

    if (pl->wrapper) {
        sl_fuzz_same_entry(pl->wrapper, again->wrapper);
    }

done:

    sl_destroy_pool(pool);

    return 0;
}
