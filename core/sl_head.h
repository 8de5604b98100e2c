/*
 * Message heads of the text protocols (RTSP, HTTP): lines, token
 * characters and "Name: value" fields, with the caps both parsers apply.
 * Pure: no I/O, no logging.
 */

#ifndef SL_HEAD_H
#define SL_HEAD_H

#include <sl_config.h>


#define SL_HEAD_MAX_FIELDS   255      /* as hardened RTSP stacks cap */
#define SL_HEAD_MAX_NAME     512
#define SL_HEAD_MAX_VALUE    2048

typedef struct {
    sl_str_t   name;
    sl_str_t   value;
} sl_head_field_t;

/* RFC 9110 §5.6.2 token characters: methods and field names */
sl_uint_t sl_head_is_tchar(u_char ch);

/*
 * Finds the end of the line that starts at p: returns the position of
 * its LF, with *eol set to where the line's text ends (before CR LF or
 * LF).  NULL when no LF follows yet.  A CR not followed by LF, or a NUL,
 * is malformed: *bad is set.
 */
const u_char *sl_head_line_end(const u_char *p, const u_char *last,
    const u_char **eol, sl_uint_t *bad);

/*
 * Parses the field line [p, eol) into f (pointers into the line, the
 * value without surrounding blanks).  NULL on success, else why it was
 * refused: folding (a line starting with a blank), no name or colon,
 * a name or value over the caps.
 */
const char *sl_head_field(const u_char *p, const u_char *eol,
    sl_head_field_t *f);

/* the value of the first field named name (case-insensitive), or NULL */
const sl_str_t *sl_head_find(const sl_head_field_t *f, sl_uint_t n,
    const char *name);

#endif /* SL_HEAD_H */
