/* sbuf.h — a growing string buffer for text built piece by piece (metrics,
 * reports, the rows and answers of event ingestion).  Allocation failure sets `oom` and later appends are
 * ignored, so callers check once at the end.  Not thread-safe (one owner). */
#ifndef OD_SBUF_H
#define OD_SBUF_H

#include "util/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct od_sbuf {
    char *p; /* NUL-terminated once anything was appended; the caller frees */
    size_t n, cap;
    bool oom;
} od_sbuf;

/* room for extra more bytes and a NUL; false (and oom set) if there is none */
bool od_sbuf_reserve(od_sbuf *b, size_t extra);

/* inline: event ingestion appends a few bytes at a time, millions a second */
static inline void od_sbuf_append(od_sbuf *b, const char *s, size_t n)
{
    if ((b->oom || n >= b->cap - b->n) && !od_sbuf_reserve(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void od_sbuf_puts(od_sbuf *b, const char *s);
void od_sbuf_printf(od_sbuf *b, const char *fmt, ...) OD_PRINTF(2, 3);
void od_sbuf_vprintf(od_sbuf *b, const char *fmt, va_list ap) OD_PRINTF(2, 0);
void od_sbuf_int(od_sbuf *b, int64_t v);
/* s[0..n) as a JSON string, byte for byte as jansson writes one (JSON_COMPACT,
 * UTF-8 kept): quote, backslash, \b \f \n \r \t, other control characters as
 * \u00XX (upper case), other bytes as they are */
void od_sbuf_json(od_sbuf *b, const char *s, size_t n);
/* The HTML entity that stands for c in text and quoted attributes (< > & " '),
 * or NULL when c stands for itself. */
const char *od_html_entity(char c);
/* s (NULL: nothing) escaped for HTML text and quoted attributes */
void od_sbuf_html(od_sbuf *b, const char *s);
void od_sbuf_json_str(od_sbuf *b, const char *s);
/* empty again, keeping the memory (and clearing oom) */
void od_sbuf_reset(od_sbuf *b);

#endif
