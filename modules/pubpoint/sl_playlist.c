/* Server-side playlists: Sluice's format, M3U lists, and the play order. */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_playlist.h>


#define SL_PLAYLIST_ECHO_LEN  64    /* bytes of a value quoted in an error */

/* the keys an entry or the wrapper may have, each once */
#define SL_PLAYLIST_KEY_START     0x01
#define SL_PLAYLIST_KEY_DURATION  0x02
#define SL_PLAYLIST_KEY_TITLE     0x04


typedef struct {
    sl_pool_t            *pool;
    sl_playlist_t        *pl;
    const sl_str_t       *name;
    sl_str_t              dir;          /* the playlist's folder with its
                                           "/"; len 0: none */
    sl_array_t            entries;
    sl_uint_t             line;

    u_char               *err;
    size_t                err_size;

    sl_str_t              extinf;       /* M3U: the title of an #EXTINF */
    sl_uint_t             extinf_line;  /*   waiting for its entry, or 0 */

    unsigned              has_title:1;
    unsigned              has_loop:1;

    u_char               *sp;           /* free part of scratch */
    u_char                scratch[SL_PLAYLIST_MAX_LINE + 1];  /* the
                                           words of one line, unescaped */
    char                  echo[SL_PLAYLIST_ECHO_LEN * 4 + 4];
} sl_playlist_parse_t;

typedef struct {
    sl_str_t              key;          /* "key=value" only */
    sl_str_t              value;
    unsigned              quoted:1;
} sl_playlist_word_t;


static sl_int_t sl_playlist_statement(sl_playlist_parse_t *ps,
    const u_char *p, const u_char *eol);
static sl_int_t sl_playlist_args(sl_playlist_parse_t *ps, const u_char *p,
    const u_char *eol, const char *name, sl_playlist_word_t *arg,
    sl_uint_t *n);
static sl_int_t sl_playlist_entry(sl_playlist_parse_t *ps, const u_char *p,
    const u_char *eol, sl_playlist_word_t *location, unsigned wrapper);
static sl_int_t sl_playlist_word(sl_playlist_parse_t *ps, const u_char **pp,
    const u_char *eol, sl_uint_t kv, sl_playlist_word_t *w);
static sl_int_t sl_playlist_quoted(sl_playlist_parse_t *ps,
    const u_char **pp, const u_char *eol, sl_str_t *value);
static sl_int_t sl_playlist_m3u_line(sl_playlist_parse_t *ps,
    const u_char *p, const u_char *eol);
static sl_playlist_entry_t *sl_playlist_add(sl_playlist_parse_t *ps);
static sl_int_t sl_playlist_location(sl_playlist_parse_t *ps,
    sl_playlist_entry_t *e, const u_char *p, size_t len);
static sl_int_t sl_playlist_file_url(sl_playlist_parse_t *ps,
    sl_playlist_entry_t *e, const u_char *url, size_t len);
static sl_int_t sl_playlist_copy(sl_playlist_parse_t *ps, sl_str_t *dst,
    const u_char *p, size_t len);
static const char *sl_playlist_echo(sl_playlist_parse_t *ps,
    const u_char *p, size_t len);
static sl_int_t sl_playlist_error(sl_playlist_parse_t *ps, sl_uint_t line,
    const char *fmt, ...) sl_printf_like(3, 4);


#define sl_playlist_is_space(c)  ((c) == ' ' || (c) == '\t')

static const char  sl_playlist_bom[] = "\xef\xbb\xbf";


/*
 * The text is cut into lines at LF (a CR before the LF is dropped).
 * Every line is checked for its length and for control bytes (any but
 * TAB, so a NUL or a stray CR is an error at its line) before the
 * format looks at it.
 */
sl_playlist_t *
sl_playlist_parse(sl_pool_t *pool, const sl_str_t *name, const u_char *text,
    size_t len, u_char *err, size_t size)
{
    u_char               *slash;
    unsigned              m3u;
    sl_int_t              rc;
    const u_char         *p, *q, *end, *eol, *next;
    sl_playlist_t        *pl;
    sl_playlist_parse_t   ps;

    sl_memzero(&ps, offsetof(sl_playlist_parse_t, scratch));

    ps.pool = pool;
    ps.name = name;
    ps.err = err;
    ps.err_size = size;

    if (size) {
        err[0] = '\0';
    }

    if (len > SL_PLAYLIST_MAX_SIZE) {
        sl_playlist_error(&ps, 0, "playlist is too large (%zu bytes, "
                          "more than %d)", len, SL_PLAYLIST_MAX_SIZE);
        return NULL;
    }

    pl = sl_pcalloc(pool, sizeof(sl_playlist_t));
    if (pl == NULL) {
        goto nomem;
    }

    ps.pl = pl;
    pl->passes = 1;

    if (sl_playlist_copy(&ps, &pl->name, name->data, name->len) != SL_OK) {
        return NULL;
    }

    slash = NULL;

    for (q = pl->name.data; q < pl->name.data + pl->name.len; q++) {
        if (*q == '/') {
            slash = (u_char *) q;
        }
    }

    if (slash) {
        ps.dir.data = pl->name.data;
        ps.dir.len = slash + 1 - pl->name.data;
    }

    if (sl_array_init(&ps.entries, pool, 16, sizeof(sl_playlist_entry_t))
        != SL_OK)
    {
        goto nomem;
    }

    p = text;
    end = text + len;

    if (len >= 3 && memcmp(p, sl_playlist_bom, 3) == 0) {
        p += 3;
    }

    m3u = (end - p >= 7 && memcmp(p, "#EXTM3U", 7) == 0
           && (end - p == 7 || sl_playlist_is_space(p[7])
               || p[7] == '\r' || p[7] == '\n'));

    pl->m3u = m3u;

    for (ps.line = 1; p < end; ps.line++, p = next) {

        eol = memchr(p, '\n', end - p);

        if (eol == NULL) {
            eol = end;
            next = end;

        } else {
            next = eol + 1;
        }

        if (eol > p && eol[-1] == '\r') {
            eol--;
        }

        if (eol - p > SL_PLAYLIST_MAX_LINE) {
            sl_playlist_error(&ps, ps.line, "line too long (more than %d "
                              "bytes)", SL_PLAYLIST_MAX_LINE);
            return NULL;
        }

        for (q = p; q < eol; q++) {
            if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
                sl_playlist_error(&ps, ps.line,
                                  "unexpected control byte 0x%02x", *q);
                return NULL;
            }
        }

        if (m3u) {
            rc = sl_playlist_m3u_line(&ps, p, eol);

        } else {
            rc = sl_playlist_statement(&ps, p, eol);
        }

        if (rc != SL_OK) {
            return NULL;
        }
    }

    if (ps.extinf_line) {
        sl_playlist_error(&ps, ps.extinf_line,
                          "\"#EXTINF\" is not followed by an entry");
        return NULL;
    }

    if (ps.entries.nelts == 0) {
        sl_playlist_error(&ps, 0, "no entries");
        return NULL;
    }

    pl->entries = ps.entries.elts;
    pl->nentries = ps.entries.nelts;

    return pl;

nomem:

    sl_playlist_error(&ps, 0, "out of memory");
    return NULL;
}


sl_playlist_t *
sl_playlist_read(sl_pool_t *pool, const sl_str_t *name, u_char *err,
    size_t size)
{
    u_char         *buf;
    size_t          len;
    sl_playlist_t  *r;

    if (size) {
        err[0] = '\0';
    }

    if (sl_read_whole_file(name, SL_PLAYLIST_MAX_SIZE, "playlist", &buf,
                           &len, err, size)
        != SL_OK)
    {
        return NULL;
    }

    r = sl_playlist_parse(pool, name, buf, len, err, size);

    sl_free(buf);

    return r;
}


/*
 * A pass is [wrapper] entries... [wrapper]: index 0 and n - 1 are the
 * wrapper when there is one.  The pass counter stops at its largest
 * value instead of wrapping to 0 (only "loop;" gets that far).
 */
sl_int_t
sl_playlist_next(const sl_playlist_t *pl, sl_playlist_pos_t *pos,
    const sl_playlist_entry_t **e)
{
    sl_uint_t  n, i;

    *e = NULL;

    n = pl->nentries + (pl->wrapper ? 2 : 0);

    if (pl->nentries == 0) {
        return SL_DONE;
    }

    if (pos->index >= n) {
        pos->index = 0;

        if (pos->pass != SL_PLAYLIST_FOREVER) {
            pos->pass++;
        }
    }

    if (pl->passes != SL_PLAYLIST_FOREVER && pos->pass >= pl->passes) {
        return SL_DONE;
    }

    i = pos->index++;

    if (pl->wrapper == NULL) {
        *e = &pl->entries[i];

    } else if (i == 0 || i == n - 1) {
        *e = pl->wrapper;

    } else {
        *e = &pl->entries[i - 1];
    }

    if (pos->index == n) {
        pos->index = 0;

        if (pos->pass != SL_PLAYLIST_FOREVER) {
            pos->pass++;
        }
    }

    return SL_OK;
}


/*
 * One line of Sluice's format: blank, a comment, or one statement ended
 * by ";" (then only a comment may follow):
 *     title VALUE;
 *     loop [PASSES];
 *     wrapper LOCATION [key=value ...];
 *     LOCATION [key=value ...];
 * A keyword is only recognised unquoted: "loop"; is a file named loop.
 */
static sl_int_t
sl_playlist_statement(sl_playlist_parse_t *ps, const u_char *p,
    const u_char *eol)
{
    sl_int_t             rc, passes;
    sl_uint_t            n;
    sl_playlist_t       *pl;
    sl_playlist_word_t   w, args[2];

    pl = ps->pl;
    ps->sp = ps->scratch;

    rc = sl_playlist_word(ps, &p, eol, 0, &w);

    if (rc == SL_DECLINED) {
        return SL_OK;
    }

    if (rc == SL_DONE) {
        return sl_playlist_error(ps, ps->line, "unexpected \";\"");
    }

    if (rc != SL_OK) {
        return SL_ERROR;
    }

    if (w.quoted) {
        return sl_playlist_entry(ps, p, eol, &w, 0);
    }

    if (sl_str_eq(&w.value, "title")) {

        if (ps->has_title) {
            return sl_playlist_error(ps, ps->line, "duplicate \"title\"");
        }

        if (sl_playlist_args(ps, p, eol, "title", args, &n) != SL_OK) {
            return SL_ERROR;
        }

        if (n != 1) {
            goto invalid;
        }

        if (args[0].value.len == 0) {
            return sl_playlist_error(ps, ps->line, "empty title");
        }

        ps->has_title = 1;

        return sl_playlist_copy(ps, &pl->title, args[0].value.data,
                                args[0].value.len);
    }

    if (sl_str_eq(&w.value, "loop")) {

        if (ps->has_loop) {
            return sl_playlist_error(ps, ps->line, "duplicate \"loop\"");
        }

        if (sl_playlist_args(ps, p, eol, "loop", args, &n) != SL_OK) {
            return SL_ERROR;
        }

        ps->has_loop = 1;

        if (n == 0) {
            pl->passes = SL_PLAYLIST_FOREVER;
            return SL_OK;
        }

        if (n != 1) {
            goto invalid;
        }

        passes = sl_atoi(args[0].value.data, args[0].value.len);

        if (passes == SL_ERROR || passes == 0) {
            return sl_playlist_error(ps, ps->line, "invalid number of passes "
                                     "\"%s\" in \"loop\", it must be 1 or "
                                     "more",
                                     sl_playlist_echo(ps, args[0].value.data,
                                                      args[0].value.len));
        }

        pl->passes = passes;

        return SL_OK;
    }

    if (sl_str_eq(&w.value, "wrapper")) {

        if (pl->wrapper) {
            return sl_playlist_error(ps, ps->line, "duplicate \"wrapper\"");
        }

        rc = sl_playlist_word(ps, &p, eol, 0, &w);

        if (rc == SL_DECLINED) {
            goto semicolon;
        }

        if (rc == SL_DONE) {
            return sl_playlist_error(ps, ps->line, "invalid number of "
                                     "arguments in \"wrapper\"");
        }

        if (rc != SL_OK) {
            return SL_ERROR;
        }

        return sl_playlist_entry(ps, p, eol, &w, 1);
    }

    return sl_playlist_entry(ps, p, eol, &w, 0);

invalid:

    return sl_playlist_error(ps, ps->line, "invalid number of arguments "
                             "in \"%s\"", (char *) w.value.data);

semicolon:

    return sl_playlist_error(ps, ps->line,
                             "expecting \";\" at the end of the line");
}


/* reads the plain words up to ";": at most 2 go into arg, n counts all */
static sl_int_t
sl_playlist_args(sl_playlist_parse_t *ps, const u_char *p, const u_char *eol,
    const char *name, sl_playlist_word_t *arg, sl_uint_t *n)
{
    sl_int_t            rc;
    sl_playlist_word_t  w;

    for (*n = 0; /* void */; (*n)++) {

        rc = sl_playlist_word(ps, &p, eol, 0, &w);

        if (rc == SL_DONE) {
            return SL_OK;
        }

        if (rc == SL_DECLINED) {
            return sl_playlist_error(ps, ps->line,
                                     "expecting \";\" at the end of the line");
        }

        if (rc != SL_OK) {
            return SL_ERROR;
        }

        if (*n >= 2) {
            return sl_playlist_error(ps, ps->line, "invalid number of "
                                     "arguments in \"%s\"", name);
        }

        arg[*n] = w;
    }
}


/* the entry or wrapper at location, then its keys up to ";" */
static sl_int_t
sl_playlist_entry(sl_playlist_parse_t *ps, const u_char *p,
    const u_char *eol, sl_playlist_word_t *location, unsigned wrapper)
{
    sl_int_t              rc, ms;
    sl_uint_t             seen, key;
    sl_playlist_word_t    w;
    sl_playlist_entry_t  *e;

    if (wrapper) {
        e = sl_pcalloc(ps->pool, sizeof(sl_playlist_entry_t));
        if (e == NULL) {
            return sl_playlist_error(ps, 0, "out of memory");
        }

        e->line = ps->line;
        e->wrapper = 1;
        ps->pl->wrapper = e;

    } else {
        e = sl_playlist_add(ps);
        if (e == NULL) {
            return SL_ERROR;
        }
    }

    if (sl_playlist_location(ps, e, location->value.data,
                             location->value.len)
        != SL_OK)
    {
        return SL_ERROR;
    }

    seen = 0;

    for ( ;; ) {

        rc = sl_playlist_word(ps, &p, eol, 1, &w);

        if (rc == SL_DONE) {
            return SL_OK;
        }

        if (rc == SL_DECLINED) {
            return sl_playlist_error(ps, ps->line,
                                     "expecting \";\" at the end of the line");
        }

        if (rc != SL_OK) {
            return SL_ERROR;
        }

        if (sl_str_eq(&w.key, "start")) {
            key = SL_PLAYLIST_KEY_START;

        } else if (sl_str_eq(&w.key, "duration")) {
            key = SL_PLAYLIST_KEY_DURATION;

        } else if (sl_str_eq(&w.key, "title")) {
            key = SL_PLAYLIST_KEY_TITLE;

        } else {
            return sl_playlist_error(ps, ps->line, "unknown key \"%s\"",
                                     sl_playlist_echo(ps, w.key.data,
                                                      w.key.len));
        }

        if (seen & key) {
            return sl_playlist_error(ps, ps->line, "duplicate key \"%s\"",
                                     (char *) w.key.data);
        }

        seen |= key;

        if (w.value.len == 0) {
            return sl_playlist_error(ps, ps->line, "empty value of key "
                                     "\"%s\"", (char *) w.key.data);
        }

        if (key == SL_PLAYLIST_KEY_TITLE) {
            if (sl_playlist_copy(ps, &e->title, w.value.data, w.value.len)
                != SL_OK)
            {
                return SL_ERROR;
            }

            continue;
        }

        ms = sl_parse_time(&w.value, 0);

        if (ms == SL_ERROR || (ms == 0 && key == SL_PLAYLIST_KEY_DURATION)) {
            return sl_playlist_error(ps, ps->line, "invalid time \"%s\" in "
                                     "key \"%s\", it must be like 500ms, "
                                     "10s, 1m30s or a number of seconds%s",
                                     sl_playlist_echo(ps, w.value.data,
                                                      w.value.len),
                                     (char *) w.key.data,
                                     key == SL_PLAYLIST_KEY_DURATION
                                     ? ", more than 0" : "");
        }

        if (key == SL_PLAYLIST_KEY_START) {
            e->start = (sl_msec_t) ms;

        } else {
            e->duration = (sl_msec_t) ms;
        }
    }
}


/*
 * Reads the next word of the line [*pp, eol) into w, unescaped and
 * NUL-terminated in ps->scratch.  A word is a quoted string, or bytes
 * up to a space, TAB or ";".  With kv the word must be key=value, where
 * the value may be quoted; without, "=" means nothing.  A "#" where a
 * word would start comments out the rest of the line ("a#b" is one
 * word).  The words of a line fit in the line's length plus one byte:
 * each NUL takes the place of the separator after its word, the "=" of
 * a key or a quote, but for the last word at the end of the line.
 * Returns SL_OK, SL_DONE at ";" (after checking that only a comment
 * follows), SL_DECLINED at the end of the line, SL_ERROR.
 */
static sl_int_t
sl_playlist_word(sl_playlist_parse_t *ps, const u_char **pp,
    const u_char *eol, sl_uint_t kv, sl_playlist_word_t *w)
{
    const u_char  *p, *word, *start, *eq;

    sl_str_null(&w->key);
    sl_str_null(&w->value);
    w->quoted = 0;

    p = *pp;

    while (p < eol && sl_playlist_is_space(*p)) {
        p++;
    }

    if (p == eol || *p == '#') {
        *pp = eol;
        return SL_DECLINED;
    }

    if (*p == ';') {
        p++;

        while (p < eol && sl_playlist_is_space(*p)) {
            p++;
        }

        if (p < eol && *p != '#') {
            return sl_playlist_error(ps, ps->line,
                                     "unexpected \"%s\" after \";\"",
                                     sl_playlist_echo(ps, p, eol - p));
        }

        *pp = eol;
        return SL_DONE;
    }

    word = p;

    if (*p == '"') {

        if (kv) {
            goto expecting;
        }

        w->quoted = 1;
        *pp = p;

        return sl_playlist_quoted(ps, pp, eol, &w->value);
    }

    start = p;
    eq = NULL;

    for ( /* void */ ; p < eol; p++) {

        if (sl_playlist_is_space(*p) || *p == ';') {
            break;
        }

        if (*p == '=' && kv && eq == NULL) {
            eq = p;

            if (p + 1 < eol && p[1] == '"') {
                break;
            }

            continue;
        }

        if (*p == '"') {
            return sl_playlist_error(ps, ps->line, "unexpected quote");
        }
    }

    if (kv) {
        if (eq == NULL || eq == start) {
            goto expecting;
        }

        w->key.data = ps->sp;
        w->key.len = eq - start;
        ps->sp = sl_cpymem(ps->sp, start, w->key.len);
        *ps->sp++ = '\0';

        if (p < eol && *p == '=') {
            w->quoted = 1;
            *pp = p + 1;

            return sl_playlist_quoted(ps, pp, eol, &w->value);
        }

        start = eq + 1;
    }

    w->value.data = ps->sp;
    w->value.len = p - start;
    ps->sp = sl_cpymem(ps->sp, start, w->value.len);
    *ps->sp++ = '\0';

    *pp = p;

    return SL_OK;

expecting:

    for (p = word; p < eol && !sl_playlist_is_space(*p) && *p != ';'; p++) {
        /* void */
    }

    return sl_playlist_error(ps, ps->line, "expecting key=value, not \"%s\"",
                             sl_playlist_echo(ps, word, p - word));
}


/*
 * Reads the string quoted at **pp == '"' up to its closing quote on
 * the same line; \" and \\ are the only escapes.  After the closing
 * quote must come a space, a TAB, ";" or the end of the line.
 */
static sl_int_t
sl_playlist_quoted(sl_playlist_parse_t *ps, const u_char **pp,
    const u_char *eol, sl_str_t *value)
{
    u_char        *dst;
    const u_char  *p;

    dst = ps->sp;
    value->data = dst;

    for (p = *pp + 1; p < eol; p++) {

        if (*p == '"') {
            break;
        }

        if (*p == '\\') {
            if (p + 1 < eol && (p[1] == '"' || p[1] == '\\')) {
                *dst++ = *++p;
                continue;
            }

            return sl_playlist_error(ps, ps->line, "invalid escape in "
                                     "quoted string (only \\\" and \\\\)");
        }

        *dst++ = *p;
    }

    if (p == eol) {
        return sl_playlist_error(ps, ps->line, "unterminated quoted string");
    }

    p++;

    if (p < eol && !sl_playlist_is_space(*p) && *p != ';') {
        return sl_playlist_error(ps, ps->line,
                                 "unexpected character after closing quote");
    }

    value->len = dst - value->data;
    *dst++ = '\0';
    ps->sp = dst;

    *pp = p;

    return SL_OK;
}


/*
 * One line of an M3U list: a location, a "#" line, or blank; spaces
 * around a location are dropped, quotes and escapes mean nothing.
 * "#EXTINF:duration,title" names the next entry (the duration is the
 * player's hint and is ignored), "#PLAYLIST:title" the playlist; HLS
 * tags are refused, any other "#" line is a comment.
 */
static sl_int_t
sl_playlist_m3u_line(sl_playlist_parse_t *ps, const u_char *p,
    const u_char *eol)
{
    size_t                n;
    const u_char         *comma;
    sl_playlist_entry_t  *e;

    while (p < eol && sl_playlist_is_space(*p)) {
        p++;
    }

    while (eol > p && sl_playlist_is_space(eol[-1])) {
        eol--;
    }

    if (p == eol) {
        return SL_OK;
    }

    n = eol - p;

    if (*p == '#') {

        if (n >= 8 && memcmp(p, "#EXTINF:", 8) == 0) {

            if (ps->extinf_line) {
                return sl_playlist_error(ps, ps->extinf_line, "\"#EXTINF\" "
                                         "is not followed by an entry");
            }

            comma = memchr(p + 8, ',', n - 8);

            if (comma == NULL) {
                return sl_playlist_error(ps, ps->line, "no \",\" before the "
                                         "title in \"#EXTINF\"");
            }

            for (p = comma + 1; p < eol && sl_playlist_is_space(*p); p++) {
                /* void */
            }

            ps->extinf.data = (u_char *) p;
            ps->extinf.len = eol - p;
            ps->extinf_line = ps->line;

            return SL_OK;
        }

        if (n >= 7 && memcmp(p, "#EXT-X-", 7) == 0) {
            return sl_playlist_error(ps, ps->line, "HLS playlists are not "
                                     "supported (\"%s\")",
                                     sl_playlist_echo(ps, p, n));
        }

        if (n >= 10 && memcmp(p, "#PLAYLIST:", 10) == 0) {

            if (ps->has_title) {
                return sl_playlist_error(ps, ps->line,
                                         "duplicate \"#PLAYLIST\"");
            }

            ps->has_title = 1;

            for (p += 10; p < eol && sl_playlist_is_space(*p); p++) {
                /* void */
            }

            return sl_playlist_copy(ps, &ps->pl->title, p, eol - p);
        }

        return SL_OK;
    }

    e = sl_playlist_add(ps);
    if (e == NULL) {
        return SL_ERROR;
    }

    if (sl_playlist_location(ps, e, p, n) != SL_OK) {
        return SL_ERROR;
    }

    if (ps->extinf_line == 0) {
        return SL_OK;
    }

    ps->extinf_line = 0;

    return sl_playlist_copy(ps, &e->title, ps->extinf.data, ps->extinf.len);
}


/* a new main entry at the current line, within the limit */
static sl_playlist_entry_t *
sl_playlist_add(sl_playlist_parse_t *ps)
{
    sl_playlist_entry_t  *e;

    if (ps->entries.nelts >= SL_PLAYLIST_MAX_ENTRIES) {
        (void) sl_playlist_error(ps, ps->line, "too many entries (more "
                                 "than %d)", SL_PLAYLIST_MAX_ENTRIES);
        return NULL;
    }

    e = sl_array_push(&ps->entries);
    if (e == NULL) {
        (void) sl_playlist_error(ps, 0, "out of memory");
        return NULL;
    }

    e->line = ps->line;

    return e;
}


/*
 * A location is a URL when it starts with "scheme://": http, https,
 * rtsp and rtsps URLs are kept as written (they need a host, and no
 * spaces);
 * file:// URLs become paths.  Anything else is a path, made absolute
 * against the playlist's folder.
 */
static sl_int_t
sl_playlist_location(sl_playlist_parse_t *ps, sl_playlist_entry_t *e,
    const u_char *p, size_t len)
{
    u_char    *dst;
    size_t     i, n;
    sl_str_t   scheme;

    if (len == 0) {
        return sl_playlist_error(ps, ps->line, "empty location");
    }

    n = 0;

    if ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') {

        for (n = 1; n < len; n++) {
            if (!isalnum(p[n]) && p[n] != '+' && p[n] != '-' && p[n] != '.')
            {
                break;
            }
        }

        if (len - n < 3 || memcmp(p + n, "://", 3) != 0) {
            n = 0;
        }
    }

    if (n == 0) {

        if (p[0] == '/' || ps->dir.len == 0) {
            return sl_playlist_copy(ps, &e->url_or_path, p, len);
        }

        dst = sl_pnalloc(ps->pool, ps->dir.len + len + 1);
        if (dst == NULL) {
            return sl_playlist_error(ps, 0, "out of memory");
        }

        e->url_or_path.data = dst;
        e->url_or_path.len = ps->dir.len + len;

        dst = sl_cpymem(dst, ps->dir.data, ps->dir.len);
        dst = sl_cpymem(dst, p, len);
        *dst = '\0';

        return SL_OK;
    }

    scheme.data = (u_char *) p;
    scheme.len = n;

    if (sl_str_caseeq(&scheme, "file")) {
        return sl_playlist_file_url(ps, e, p, len);
    }

    if (!sl_str_caseeq(&scheme, "http")
        && !sl_str_caseeq(&scheme, "https")
        && !sl_str_caseeq(&scheme, "rtsp")
        && !sl_str_caseeq(&scheme, "rtsps"))
    {
        return sl_playlist_error(ps, ps->line, "unsupported URL scheme "
                                 "\"%s\"", sl_playlist_echo(ps, p, n));
    }

    if (n + 3 == len || p[n + 3] == '/') {
        goto invalid;
    }

    for (i = n + 3; i < len; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7f) {
            goto invalid;
        }
    }

    e->is_url = 1;

    return sl_playlist_copy(ps, &e->url_or_path, p, len);

invalid:

    return sl_playlist_error(ps, ps->line, "invalid URL \"%s\"",
                             sl_playlist_echo(ps, p, len));
}


/*
 * "file:///a%20b.mp3" or "file://localhost/a%20b.mp3" is the path
 * "/a b.mp3" (RFC 8089): percent escapes are decoded, and may not give
 * a control byte.
 */
static sl_int_t
sl_playlist_file_url(sl_playlist_parse_t *ps, sl_playlist_entry_t *e,
    const u_char *url, size_t len)
{
    u_char        *dst;
    sl_int_t       c;
    sl_str_t       host;
    const u_char  *p, *last;

    p = url + sizeof("file://") - 1;
    last = url + len;

    host.data = (u_char *) p;

    while (p < last && *p != '/') {
        p++;
    }

    host.len = p - host.data;

    if ((host.len && !sl_str_caseeq(&host, "localhost")) || p == last) {
        goto invalid;
    }

    dst = sl_pnalloc(ps->pool, last - p + 1);
    if (dst == NULL) {
        return sl_playlist_error(ps, 0, "out of memory");
    }

    e->url_or_path.data = dst;

    while (p < last) {

        if (*p != '%') {
            *dst++ = *p++;
            continue;
        }

        if (last - p < 3) {
            goto invalid;
        }

        c = sl_hextoi(p + 1, 2);

        if (c == SL_ERROR || c < 0x20 || c == 0x7f) {
            goto invalid;
        }

        *dst++ = (u_char) c;
        p += 3;
    }

    *dst = '\0';
    e->url_or_path.len = dst - e->url_or_path.data;

    return SL_OK;

invalid:

    return sl_playlist_error(ps, ps->line, "invalid file URL \"%s\", it must "
                             "be file:///PATH",
                             sl_playlist_echo(ps, url, len));
}


/* a NUL-terminated copy from the pool */
static sl_int_t
sl_playlist_copy(sl_playlist_parse_t *ps, sl_str_t *dst, const u_char *p,
    size_t len)
{
    dst->data = sl_pnalloc(ps->pool, len + 1);
    if (dst->data == NULL) {
        return sl_playlist_error(ps, 0, "out of memory");
    }

    sl_memcpy(dst->data, p, len);
    dst->data[len] = '\0';
    dst->len = len;

    return SL_OK;
}


/*
 * A value for an error message, NUL-terminated in ps->echo: TABs as
 * \x09, cut after SL_PLAYLIST_ECHO_LEN bytes with "...", so that a long
 * value cannot push "in FILE:LINE" out of the message.
 */
static const char *
sl_playlist_echo(sl_playlist_parse_t *ps, const u_char *p, size_t len)
{
    u_char  *q, *last;
    size_t   i;

    q = (u_char *) ps->echo;
    last = q + sizeof(ps->echo);

    for (i = 0; i < len && i < SL_PLAYLIST_ECHO_LEN; i++) {

        if (p[i] < 0x20 || p[i] == 0x7f) {
            q = sl_slprintf(q, last, "\\x%02x", p[i]);
            continue;
        }

        *q++ = p[i];
    }

    if (i < len) {
        q = sl_cpymem(q, "...", 3);
    }

    *q = '\0';

    return ps->echo;
}


/* "reason in FILE:LINE" into ps->err, or "reason in FILE" for line 0 */
static sl_int_t
sl_playlist_error(sl_playlist_parse_t *ps, sl_uint_t line, const char *fmt,
    ...)
{
    u_char   *p, *last;
    va_list   args;

    if (ps->err_size == 0) {
        return SL_ERROR;
    }

    last = ps->err + ps->err_size;

    va_start(args, fmt);
    p = sl_vslprintf(ps->err, last, fmt, args);
    va_end(args);

    if (line) {
        (void) sl_slprintf(p, last, " in " SL_STR_FMT ":%lu",
                           SL_STR_ARG(ps->name), (unsigned long) line);

    } else {
        (void) sl_slprintf(p, last, " in " SL_STR_FMT, SL_STR_ARG(ps->name));
    }

    return SL_ERROR;
}
