/* sbuf.c — growing string buffer. */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(od_sbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->n + extra + 1 <= b->cap)
        return true;
    size_t nc = (b->cap ? b->cap * 2 : 4096) + extra;
    char *np = realloc(b->p, nc);
    if (!np) {
        b->oom = true;
        return false;
    }
    b->p = np;
    b->cap = nc;
    return true;
}

void od_sbuf_append(od_sbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void od_sbuf_puts(od_sbuf *b, const char *s) { od_sbuf_append(b, s, strlen(s)); }

void od_sbuf_vprintf(od_sbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int m = vsnprintf(NULL, 0, fmt, ap);
    if (m >= 0 && reserve(b, (size_t)m)) {
        vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap2);
        b->n += (size_t)m;
    }
    va_end(ap2);
}

void od_sbuf_printf(od_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_sbuf_vprintf(b, fmt, ap);
    va_end(ap);
}
