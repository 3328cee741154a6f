/* utf8.c — UTF-8 validation, counting and boundary-safe truncation.
 * See utf8.h for the contract.  Pure functions; no globals. */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length of a well-formed sequence starting at s[i], or 0 if ill-formed. */
static size_t seq_len(const unsigned char *s, size_t len, size_t i)
{
    unsigned char c = s[i];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len - i < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if (!is_cont(s[i + k]))
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return n;
}

bool od_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = seq_len(u, len, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Start of the character at or before position i: a well-formed sequence
 * that begins at most 3 bytes back and covers i; otherwise i itself. */
static size_t char_start(const unsigned char *s, size_t len, size_t i)
{
    for (size_t back = 1; back <= 3 && back <= i; back++) {
        if (!is_cont(s[i - back])) {
            size_t n = seq_len(s, len, i - back);
            return n > back ? i - back : i;
        }
    }
    return i;
}

size_t od_utf8_prefix_bytes(const char *s, size_t len, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    if (max >= len)
        return len;
    if (!is_cont(u[max]))
        return max;
    return char_start(u, len, max);
}

/* Bytes taken by the character at s[i]: a well-formed sequence, or 1. */
static size_t char_len(const unsigned char *s, size_t len, size_t i)
{
    size_t n = seq_len(s, len, i);
    return n ? n : 1;
}

size_t od_utf8_count(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 0;
    for (size_t i = 0; i < len; i += char_len(u, len, i))
        chars++;
    return chars;
}

size_t od_utf8_prefix_chars(const char *s, size_t len, size_t max_chars)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (size_t chars = 0; i < len && chars < max_chars; chars++)
        i += char_len(u, len, i);
    return i;
}

/* Measure s[0..len) in unit. */
static size_t measure(const char *s, size_t len, od_utf8_unit unit)
{
    return unit == OD_UTF8_BYTES ? len : od_utf8_count(s, len);
}

/* Longest boundary-respecting prefix of s[0..len) within budget units. */
static size_t prefix(const char *s, size_t len, size_t budget, od_utf8_unit unit)
{
    return unit == OD_UTF8_BYTES ? od_utf8_prefix_bytes(s, len, budget)
                                 : od_utf8_prefix_chars(s, len, budget);
}

od_err od_utf8_truncate(const char *s, size_t limit, od_utf8_unit unit, const char *link, char **out,
                        od_error *e)
{
    size_t len = s ? strlen(s) : 0;
    size_t link_len = link ? strlen(link) : 0;
    char suffix[4096 + 8];
    size_t suffix_len = 0;

    *out = NULL;
    if (!s)
        s = "";
    if (measure(s, len, unit) > limit) {
        /* Candidates, best first: "…\n<link>", "…", "". */
        const char *ell = OD_UTF8_ELLIPSIS;
        size_t ell_len = strlen(ell);
        if (link_len > 0 && link_len <= 4096) {
            memcpy(suffix, ell, ell_len);
            suffix[ell_len] = '\n';
            memcpy(suffix + ell_len + 1, link, link_len);
            suffix_len = ell_len + 1 + link_len;
            if (measure(suffix, suffix_len, unit) > limit)
                suffix_len = 0;
        }
        if (suffix_len == 0) {
            memcpy(suffix, ell, ell_len);
            suffix_len = measure(ell, ell_len, unit) <= limit ? ell_len : 0;
        }
        len = prefix(s, len, limit - measure(suffix, suffix_len, unit), unit);
    }
    char *r = malloc(len + suffix_len + 1);
    if (!r)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory truncating text");
    memcpy(r, s, len);
    if (suffix_len)
        memcpy(r + len, suffix, suffix_len);
    r[len + suffix_len] = '\0';
    *out = r;
    return OD_OK;
}

od_err od_utf8_sanitize(const char *s, char **out, od_error *e)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u);
    char *r = malloc(len * 3 + 1); /* each bad byte becomes 3 bytes */
    size_t o = 0;
    *out = NULL;
    if (!r)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < len;) {
        size_t n = seq_len(u, len, i);
        if (n) {
            memcpy(r + o, u + i, n);
            o += n;
            i += n;
        } else {
            memcpy(r + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    r[o] = '\0';
    *out = r;
    return OD_OK;
}
