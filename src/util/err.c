/* err.c — names and HTTP statuses of od_err codes, and the od_error setter. */
#include "err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int http;
} err_table[] = {
    [OD_OK] = {"ok", 200},
    [OD_E_INVALID] = {"invalid", 400},
    [OD_E_UNPROCESSABLE] = {"unprocessable", 422},
    [OD_E_UNAUTH] = {"unauthenticated", 401},
    [OD_E_FORBIDDEN] = {"forbidden", 403},
    [OD_E_NOT_FOUND] = {"not_found", 404},
    [OD_E_CONFLICT] = {"conflict", 409},
    [OD_E_TOO_LARGE] = {"too_large", 413},
    [OD_E_RATE_LIMIT] = {"rate_limited", 429},
    [OD_E_NOMEM] = {"out_of_memory", 500},
    [OD_E_STORE] = {"store_error", 500},
    [OD_E_IO] = {"io_error", 500},
    [OD_E_INTERNAL] = {"internal", 500},
    [OD_E_UNAVAILABLE] = {"unavailable", 503},
    [OD_E_METHOD] = {"method_not_allowed", 405},
    [OD_E_MEDIA_TYPE] = {"unsupported_media_type", 415},
    [OD_E_RETRY] = {"retry", 503},
    [OD_E_PW_CHANGE] = {"password_change_required", 403},
};
_Static_assert(sizeof err_table / sizeof err_table[0] == OD_E__COUNT, "err_table out of sync with od_err");

const char *od_err_str(od_err code)
{
    if ((unsigned)code >= OD_E__COUNT)
        return "unknown";
    return err_table[code].name;
}

int od_err_http(od_err code)
{
    if ((unsigned)code >= OD_E__COUNT)
        return 500;
    return err_table[code].http;
}

void od_error_clear(od_error *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not one (a stray continuation byte, a truncated, overlong or surrogate
 * sequence, a code point over U+10FFFF).  s is NUL-terminated, and a NUL is
 * never a continuation byte, so the reads stop at the end. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char b = s[0];
    if (b < 0x80)
        return 1;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;
    if (b >= 0xc2 && b <= 0xdf)
        n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
        n = 3;
        if (b == 0xe0)
            lo = 0xa0;
        else if (b == 0xed)
            hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4;
        if (b == 0xf0)
            lo = 0x90;
        else if (b == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

/* Copies src into dst (cap bytes with the NUL) as valid UTF-8: a byte that
 * starts no valid sequence becomes U+FFFD, and the text is cut before the
 * first character that does not fit whole.  Messages echo input (a field
 * name, a URL-decoded path), and the answer's JSON encoder refuses invalid
 * UTF-8: a byte cut inside "字" once left a 400 with an empty body. */
static void utf8_copy(char *dst, size_t cap, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    while (*s) {
        size_t n = utf8_seq(s);
        const char *from = n ? (const char *)s : "\xef\xbf\xbd";
        size_t len = n ? n : 3;
        if (o + len >= cap)
            break;
        memcpy(dst + o, from, len);
        o += len;
        s += n ? n : 1;
    }
    dst[o] = 0;
}

od_err od_error_vset(od_error *e, od_err code, const char *field, const char *fmt, va_list ap)
{
    if (!e || e->code != OD_OK)
        return code;
    e->code = code;
    /* Formatted with room to spare: every input byte yields at least one
     * output byte, so the message fills before this buffer's cut is reached. */
    char text[OD_ERR_MSG_MAX * 2];
    vsnprintf(text, sizeof text, fmt, ap);
    utf8_copy(e->message, sizeof e->message, text);
    if (field)
        utf8_copy(e->field, sizeof e->field, field);
    return code;
}

od_err od_error_set(od_error *e, od_err code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_error_vset(e, code, field, fmt, ap);
    va_end(ap);
    return code;
}
