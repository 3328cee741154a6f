/* fuzz_utf8.c — the UTF-8 helpers of the notification channels.  Input:
 * byte 0 = flags (bit 0: unit chars/bytes, bit 1: with link), bytes 1-2 =
 * limit (little endian, 0..65535), then the text; with a link the text is
 * split at its first 0x00 byte into body and link.  Invariants (utf8.h):
 * the truncated result is within the limit, is the input unchanged when it
 * fits, and never splits a character of valid input; sanitize yields valid
 * UTF-8; the prefix functions stay within their bounds. */
#include "fuzz.h"

#include "util/utf8.h"

static size_t units(const char *s, od_utf8_unit u)
{
    return u == OD_UTF8_BYTES ? strlen(s) : od_utf8_count(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    od_utf8_unit unit = (data[0] & 1) ? OD_UTF8_CHARS : OD_UTF8_BYTES;
    bool with_link = data[0] & 2;
    size_t limit = (size_t)data[1] | (size_t)data[2] << 8;
    const uint8_t *p = data + 3;
    size_t n = size - 3;

    /* Raw bytes (NULs included): validity and prefix bounds. */
    bool valid = od_utf8_valid((const char *)p, n);
    size_t pb = od_utf8_prefix_bytes((const char *)p, n, limit);
    FUZZ_CHECK(pb <= limit && pb <= n);
    if (valid && pb < n)
        FUZZ_CHECK((p[pb] & 0xC0) != 0x80);
    size_t pc = od_utf8_prefix_chars((const char *)p, n, limit);
    FUZZ_CHECK(pc <= n);
    FUZZ_CHECK(od_utf8_count((const char *)p, pc) <= limit);
    FUZZ_CHECK(od_utf8_count((const char *)p, n) <= n);

    char *text = fuzz_strndup(p, n);
    const char *link = NULL;
    if (with_link) {
        size_t body_len = strlen(text);
        link = body_len < n ? text + body_len + 1 : "";
    }
    char *out = NULL;
    od_error e;
    od_error_clear(&e);
    FUZZ_CHECK(od_utf8_truncate(text, limit, unit, link, &out, &e) == OD_OK);
    FUZZ_CHECK(out != NULL);
    if (units(text, unit) <= limit)
        FUZZ_CHECK(strcmp(out, text) == 0);
    else
        FUZZ_CHECK(units(out, unit) <= limit);
    if (od_utf8_valid(text, strlen(text)) && (!link || od_utf8_valid(link, strlen(link))))
        FUZZ_CHECK(od_utf8_valid(out, strlen(out)));
    free(out);

    char *clean = NULL;
    FUZZ_CHECK(od_utf8_sanitize(text, &clean, &e) == OD_OK);
    FUZZ_CHECK(od_utf8_valid(clean, strlen(clean)));
    if (od_utf8_valid(text, strlen(text)))
        FUZZ_CHECK(strcmp(clean, text) == 0);
    free(clean);
    free(text);
    return 0;
}
