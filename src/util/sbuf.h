/* sbuf.h — a growing string buffer for text built piece by piece (metrics,
 * reports).  Allocation failure sets `oom` and later appends are ignored, so
 * callers check once at the end.  Not thread-safe (one owner). */
#ifndef OD_SBUF_H
#define OD_SBUF_H

#include "util/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct od_sbuf {
    char *p; /* NUL-terminated once anything was appended; the caller frees */
    size_t n, cap;
    bool oom;
} od_sbuf;

void od_sbuf_append(od_sbuf *b, const char *s, size_t n);
void od_sbuf_puts(od_sbuf *b, const char *s);
void od_sbuf_printf(od_sbuf *b, const char *fmt, ...) OD_PRINTF(2, 3);
void od_sbuf_vprintf(od_sbuf *b, const char *fmt, va_list ap) OD_PRINTF(2, 0);

#endif
