/* sbuf.c — growing string buffer. */
#include "sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool od_sbuf_reserve(od_sbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (extra >= SIZE_MAX - b->n) {
        b->oom = true;
        return false;
    }
    if (b->n + extra + 1 <= b->cap)
        return true;
    /* from 256 bytes, doubled: event ingestion keeps one buffer per request
     * until it is answered */
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->n + extra + 1) {
        if (nc > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        nc *= 2;
    }
    char *np = realloc(b->p, nc);
    if (!np) {
        b->oom = true;
        return false;
    }
    b->p = np;
    b->cap = nc;
    return true;
}

void od_sbuf_puts(od_sbuf *b, const char *s)
{
    od_sbuf_append(b, s, strlen(s));
}

const char *od_html_entity(char c)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

void od_sbuf_html(od_sbuf *b, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        const char *rep = od_html_entity(*s);
        if (rep)
            od_sbuf_puts(b, rep);
        else
            od_sbuf_append(b, s, 1);
    }
}

void od_sbuf_vprintf(od_sbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int m = vsnprintf(NULL, 0, fmt, ap);
    if (m >= 0 && od_sbuf_reserve(b, (size_t)m)) {
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

void od_sbuf_int(od_sbuf *b, int64_t v)
{
    char t[24];
    int k = snprintf(t, sizeof t, "%lld", (long long)v);
    od_sbuf_append(b, t, (size_t)k);
}

void od_sbuf_json(od_sbuf *b, const char *s, size_t n)
{
    if (!od_sbuf_reserve(b, n + 2))
        return;
    od_sbuf_append(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        od_sbuf_append(b, s + run, i - run);
        char esc[8];
        switch (ch) {
        case '"':
            od_sbuf_append(b, "\\\"", 2);
            break;
        case '\\':
            od_sbuf_append(b, "\\\\", 2);
            break;
        case '\b':
            od_sbuf_append(b, "\\b", 2);
            break;
        case '\f':
            od_sbuf_append(b, "\\f", 2);
            break;
        case '\n':
            od_sbuf_append(b, "\\n", 2);
            break;
        case '\r':
            od_sbuf_append(b, "\\r", 2);
            break;
        case '\t':
            od_sbuf_append(b, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", ch);
            od_sbuf_append(b, esc, 6);
        }
        run = i + 1;
    }
    od_sbuf_append(b, s + run, n - run);
    od_sbuf_append(b, "\"", 1);
}

void od_sbuf_json_str(od_sbuf *b, const char *s)
{
    od_sbuf_json(b, s, strlen(s));
}

void od_sbuf_reset(od_sbuf *b)
{
    b->n = 0;
    b->oom = false;
    if (b->p)
        b->p[0] = 0;
}
