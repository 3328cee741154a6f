/* fuzz_placeholder.c — checklist text placeholders (core/placeholder.h):
 * od_ph_check and od_ph_expand on any input.  The first byte picks the
 * output size (1..256); the rest is the text.  Invariants: the output is
 * always terminated within its size; a text od_ph_check accepts expands
 * without a placeholder of od_ph_names left when everything fits and the
 * values have no "{{"; a valid UTF-8 text gives valid UTF-8 output. */
#include "fuzz.h"

#include "core/placeholder.h"
#include "util/utf8.h"

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "ci.name") == 0)
        return "核心交换机-01";
    if (strcmp(name, "record.number") == 0)
        return "PRB-2026-000001";
    if (strcmp(name, "record.title") == 0)
        return "";
    return od_ph_known(name, strlen(name)) ? "v" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = 1 + data[0];
    char *s = fuzz_strndup(data + 1, size - 1);
    char bad[64];
    od_ph_status st = od_ph_check(s, bad, sizeof bad);
    FUZZ_CHECK(st >= OD_PH_OK && st <= OD_PH_MALFORMED);
    FUZZ_CHECK(strlen(bad) < sizeof bad);
    FUZZ_CHECK(st != OD_PH_OK || bad[0] == 0);
    char out[257];
    memset(out, 'x', sizeof out);
    bool fit = od_ph_expand(s, lookup, NULL, out, n);
    FUZZ_CHECK(memchr(out, 0, n) != NULL);
    if (fit && st == OD_PH_OK)
        for (size_t i = 0; od_ph_names[i]; i++) {
            char ph[64];
            snprintf(ph, sizeof ph, "{{%s}}", od_ph_names[i]);
            FUZZ_CHECK(strstr(s, ph) == NULL || strstr(out, ph) == NULL);
        }
    if (od_utf8_valid(s, strlen(s)))
        FUZZ_CHECK(od_utf8_valid(out, strlen(out)));
    free(s);
    return 0;
}
