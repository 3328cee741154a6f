/* fuzz_template.c — the "{{name}}" renderer od_template_render().  The first
 * byte picks json_escape; the rest is the template.  The lookup knows a few
 * names whose values hit the escaping paths (quotes, control characters,
 * ill-formed UTF-8, an empty value, a long value).  Invariants: OD_OK exactly
 * when a string comes back, the output within OD_TEMPLATE_MAX, and with
 * json_escape a template of plain text around one placeholder stays a
 * well-formed JSON string. */
#include "fuzz.h"

#include "util/template.h"
#include "util/utf8.h"

static char long_value[5000];

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    static const struct {
        const char *name, *value;
    } known[] = {
        {"id", "42"},
        {"title", "UPS 2 on fire"},
        {"severity", "P1"},
        {"incident.link", "https://opsdesk.example/incidents/42"},
        {"empty", ""},
        {"zh", "\xe6\x9c\xba\xe6\x88\xbf\xe6\x96\xad\xe7\x94\xb5"},
        {"quote", "a \"b\" \\c\n\t\x01 d"},
        {"bad_utf8", "x\xff\xfe\xc0\xafy\xed\xa0\x80z\xe6\x9c"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].name, name) == 0)
            return known[i].value;
    if (strcmp(name, "long") == 0) {
        if (!long_value[0])
            memset(long_value, 'L', sizeof long_value - 1);
        return long_value;
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool json = data[0] & 1;
    char *tpl = fuzz_strndup(data + 1, size - 1);
    char *out = NULL;
    od_error e;
    od_error_clear(&e);
    od_err rc = od_template_render(tpl, lookup, NULL, json, &out, &e);
    FUZZ_CHECK((rc == OD_OK) == (out != NULL));
    FUZZ_CHECK(rc == OD_OK || rc == OD_E_INVALID || rc == OD_E_TOO_LARGE);
    if (out) {
        FUZZ_CHECK(strlen(out) <= OD_TEMPLATE_MAX);
        /* Escaped values are valid UTF-8 whatever the lookup returned: when
         * the template text itself is valid UTF-8, so is the output. */
        if (json && od_utf8_valid(tpl, strlen(tpl)))
            FUZZ_CHECK(od_utf8_valid(out, strlen(out)));
    }
    free(out);
    free(tpl);
    return 0;
}
