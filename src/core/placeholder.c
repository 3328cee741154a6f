/* placeholder.c — checklist text placeholders (placeholder.h). */
#include "core/placeholder.h"

#include <string.h>

const char *const od_ph_names[] = {"record.number",   "record.title", "record.kind", "record.department",
                                   "record.priority", "ci.name",      "ci.names",    NULL};

#define NAME_MAX_LEN 48

bool od_ph_known(const char *name, size_t len)
{
    for (size_t i = 0; od_ph_names[i]; i++)
        if (strlen(od_ph_names[i]) == len && memcmp(od_ph_names[i], name, len) == 0)
            return true;
    return false;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* One placeholder at p ("{{"): its name [*name, *name + *len) and its end
 * (after "}}") in *end.  OD_PH_UNCLOSED or OD_PH_MALFORMED otherwise. */
static od_ph_status parse_one(const char *p, const char **name, size_t *len, const char **end)
{
    const char *q = p + 2;
    while (*q == ' ')
        q++;
    const char *n0 = q;
    while (name_char(*q))
        q++;
    const char *n1 = q;
    while (*q == ' ')
        q++;
    const char *close = strstr(p + 2, "}}");
    if (!close)
        return OD_PH_UNCLOSED;
    *name = n0;
    *len = (size_t)(n1 - n0);
    *end = close + 2;
    if (q != close || n1 == n0 || *len > NAME_MAX_LEN)
        return OD_PH_MALFORMED;
    return OD_PH_OK;
}

static void put_bad(char *bad, size_t n, const char *s, size_t len)
{
    if (!bad || !n)
        return;
    if (len > n - 1)
        len = n - 1;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) /* a character boundary */
        len--;
    memcpy(bad, s, len);
    bad[len] = 0;
}

od_ph_status od_ph_check(const char *s, char *bad, size_t n)
{
    if (bad && n)
        bad[0] = 0;
    for (const char *p = s ? strstr(s, "{{") : NULL; p; p = strstr(p, "{{")) {
        const char *name, *end;
        size_t len;
        od_ph_status st = parse_one(p, &name, &len, &end);
        if (st == OD_PH_UNCLOSED) {
            put_bad(bad, n, p, strlen(p));
            return st;
        }
        if (st == OD_PH_MALFORMED) {
            put_bad(bad, n, p, (size_t)(end - p));
            return st;
        }
        if (!od_ph_known(name, len)) {
            put_bad(bad, n, name, len);
            return OD_PH_UNKNOWN;
        }
        p = end;
    }
    return OD_PH_OK;
}

/* Appends [s, s + len) to out at *k; false when it does not fit (then what
 * fits, cut on a character boundary). */
static bool append(char *out, size_t n, size_t *k, const char *s, size_t len)
{
    bool fits = *k + len < n;
    if (!fits) {
        len = n - 1 - *k;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(out + *k, s, len);
    *k += len;
    out[*k] = 0;
    return fits;
}

bool od_ph_expand(const char *s, od_ph_lookup lookup, void *ctx, char *out, size_t n)
{
    if (!n)
        return false;
    size_t k = 0;
    out[0] = 0;
    s = s ? s : "";
    const char *p = s;
    for (const char *h = strstr(p, "{{"); h; h = strstr(p, "{{")) {
        const char *name, *end;
        size_t len;
        od_ph_status st = parse_one(h, &name, &len, &end);
        if (st == OD_PH_UNCLOSED)
            break;
        const char *v = NULL;
        char key[NAME_MAX_LEN + 1];
        if (st == OD_PH_OK) {
            memcpy(key, name, len);
            key[len] = 0;
            v = lookup ? lookup(ctx, key) : NULL;
        }
        if (!append(out, n, &k, p, (size_t)(h - p)))
            return false;
        if (!(v ? append(out, n, &k, v, strlen(v)) : append(out, n, &k, h, (size_t)(end - h))))
            return false;
        p = end;
    }
    return append(out, n, &k, p, strlen(p));
}
