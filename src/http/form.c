/* form.c — form-urlencoded fields, decoded and cut on a character boundary. */
#include "http/form.h"

#include <string.h>

#include "util/utf8.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes v[0..vl) into out while it fits in n - 1 bytes; returns the
 * number of bytes written and sets *cut when bytes were left over. */
static size_t decode(const char *v, size_t vl, char *out, size_t n, bool *cut)
{
    size_t k = 0, i = 0;
    *cut = false;
    while (i < vl) {
        char c = v[i];
        size_t used = 1;
        if (c == '+')
            c = ' ';
        else if (c == '%' && i + 2 < vl) {
            int hi = hex(v[i + 1]), lo = hex(v[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = (char)(hi * 16 + lo);
                used = 3;
            }
        }
        if (k + 1 >= n) {
            *cut = true;
            break;
        }
        out[k++] = c;
        i += used;
    }
    return k;
}

bool od_form_field(const char *body, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    const char *p = body, *end = body + len;
    out[0] = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
            bool cut;
            size_t k = decode(p + nl + 1, (size_t)(stop - p) - nl - 1, out, n, &cut);
            if (cut) /* never keep the first bytes of a character that did not fit */
                k = od_utf8_complete(out, k);
            out[k] = 0;
            return true;
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    return false;
}
