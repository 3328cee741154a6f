/* template.c — "{{name}}" rendering with optional JSON-string escaping.
 * Output grows in a bounded buffer; nothing here reads global state. */
#include "util/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sbuf.h"
#include "util/utf8.h"

/* Appends within OD_TEMPLATE_MAX bytes of output (NUL excluded). */
static od_err buf_put(od_sbuf *b, const char *s, size_t n, od_error *e)
{
    if (n > OD_TEMPLATE_MAX - b->n)
        return od_error_set(e, OD_E_TOO_LARGE, NULL, "rendered template exceeds %d bytes", OD_TEMPLATE_MAX);
    if (!od_sbuf_reserve(b, n))
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory rendering template");
    od_sbuf_append(b, s, n);
    return OD_OK;
}

static od_err put_json_escaped(od_sbuf *b, const char *v, od_error *e)
{
    od_err rc = OD_OK;
    size_t len = strlen(v);
    for (size_t i = 0; i < len && !rc;) {
        unsigned char c = (unsigned char)v[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            rc = buf_put(b, esc, 2, e);
            i++;
        } else if (c < 0x20) {
            const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (named) {
                rc = buf_put(b, named, 2, e);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                rc = buf_put(b, esc, 6, e);
            }
            i++;
        } else if (c < 0x80) {
            size_t j = i;
            while (j < len && (unsigned char)v[j] >= 0x20 && (unsigned char)v[j] < 0x80 && v[j] != '"' &&
                   v[j] != '\\')
                j++;
            rc = buf_put(b, v + i, j - i, e);
            i = j;
        } else {
            uint32_t cp;
            size_t n = od_utf8_decode(v + i, len - i, &cp); /* 1: an ill-formed byte */
            if (n > 1) {
                rc = buf_put(b, v + i, n, e);
                i += n;
            } else {
                rc = buf_put(b, "\\ufffd", 6, e);
                i++;
            }
        }
    }
    return rc;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* Parses the placeholder that starts after "{{" at *pp; on success copies the
 * name into name[] and moves *pp past "}}". */
static od_err parse_name(const char **pp, char name[OD_TEMPLATE_NAME_MAX + 1], od_error *e)
{
    const char *p = *pp;
    size_t n = 0;
    while (*p == ' ')
        p++;
    while (name_char(*p)) {
        if (n == OD_TEMPLATE_NAME_MAX)
            return od_error_set(e, OD_E_INVALID, "template", "placeholder name longer than %d characters",
                                OD_TEMPLATE_NAME_MAX);
        name[n++] = *p++;
    }
    name[n] = '\0';
    while (*p == ' ')
        p++;
    if (p[0] != '}' || p[1] != '}') {
        if (*p == '\0' || (p[0] == '}' && p[1] == '\0'))
            return od_error_set(e, OD_E_INVALID, "template", "unterminated \"{{\" in template");
        return od_error_set(e, OD_E_INVALID, "template", "bad character in template placeholder");
    }
    if (n == 0)
        return od_error_set(e, OD_E_INVALID, "template", "empty template placeholder");
    *pp = p + 2;
    return OD_OK;
}

od_err od_template_render(const char *tpl, od_template_lookup lookup, void *ctx, bool json_escape, char **out,
                          od_error *e)
{
    od_err rc = OD_OK;
    od_sbuf b = {0};
    *out = NULL;
    if (!tpl || !lookup)
        return od_error_set(e, OD_E_INVALID, "template", "no template");
    rc = buf_put(&b, "", 0, e);
    for (const char *p = tpl; *p && !rc;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            rc = buf_put(&b, p, strlen(p), e);
            break;
        }
        rc = buf_put(&b, p, (size_t)(open - p), e);
        if (rc)
            break;
        char name[OD_TEMPLATE_NAME_MAX + 1];
        p = open + 2;
        rc = parse_name(&p, name, e);
        if (rc)
            break;
        const char *v = lookup(ctx, name);
        if (!v) {
            rc = od_error_set(e, OD_E_INVALID, "template", "unknown template placeholder \"%s\"", name);
            break;
        }
        rc = json_escape ? put_json_escaped(&b, v, e) : buf_put(&b, v, strlen(v), e);
    }
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    return OD_OK;
}
