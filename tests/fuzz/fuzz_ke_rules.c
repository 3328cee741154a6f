/* fuzz_ke_rules.c — the known-error database's new input (core/known_error.h):
 * the input is split at newlines into at most 17 match rules (one more than
 * the cap) for od_ke_rules_parse, and the whole input is also a search query
 * for od_search_plan and the text for od_search_snippet.  Invariants: a
 * refused rule set is empty and names match_rules[i] with i in range (or the
 * cap); an accepted one matches a fixed label set without crashing; a plan
 * is ALL only for a blank query, FTS only when every term has 3 characters
 * or more, and its expression fits; a snippet is valid UTF-8 within its
 * buffer. */
#include "fuzz.h"

#include "core/known_error.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = fuzz_strndup(data, size);
    /* rules: one per line */
    const char *rules[OD_KE_RULES_MAX + 1];
    size_t n = 0;
    char *copy = fuzz_strndup(data, size);
    for (char *p = copy; n <= OD_KE_RULES_MAX && p;) {
        rules[n++] = p;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl++ = 0;
        p = nl;
    }
    od_ke_rules r;
    od_error e = {0};
    od_err rc = od_ke_rules_parse(rules, n, &r, &e);
    if (rc == OD_OK) {
        FUZZ_CHECK(r.n == n);
        od_label lv[] = {{"alertname", "DiskFull"}, {"instance", "db-1"}, {"title", "故障"}};
        od_labels ls = {lv, 3};
        int64_t cis[] = {1, 2};
        od_ke_target k = {.rules = &r, .cis = cis, .n_cis = 2};
        (void)od_ke_matches_event(&k, &ls, 2);
        (void)od_ke_matches_incident(&k, &ls, 1, cis, 2);
        od_ke_rules_cleanup(&r);
    } else {
        FUZZ_CHECK(r.n == 0);
        FUZZ_CHECK(rc == OD_E_UNPROCESSABLE || rc == OD_E_TOO_LARGE);
        if (rc == OD_E_UNPROCESSABLE) {
            unsigned i = 0;
            FUZZ_CHECK(sscanf(e.field, "match_rules[%u]", &i) == 1 && i < n);
        }
        FUZZ_CHECK(e.message[0]);
    }
    free(copy);
    /* the search plan and the snippet */
    od_search_mode mode;
    char expr[OD_SEARCH_EXPR_MAX];
    od_error pe = {0};
    if (od_search_plan(s, &mode, expr, &pe) == OD_OK) {
        FUZZ_CHECK(strlen(expr) < OD_SEARCH_EXPR_MAX);
        if (mode == OD_SEARCH_ALL)
            FUZZ_CHECK(expr[0] == 0);
        else
            FUZZ_CHECK(expr[0] != 0);
        if (mode == OD_SEARCH_FTS)
            FUZZ_CHECK(expr[0] == '"');
    } else
        FUZZ_CHECK(strcmp(pe.field, "q") == 0);
    char snip[64];
    od_search_snippet(s, s, 10, snip, sizeof snip);
    FUZZ_CHECK(strlen(snip) < sizeof snip);
    if (od_utf8_valid(s, strlen(s)))
        FUZZ_CHECK(od_utf8_valid(snip, strlen(snip)));
    free(s);
    return 0;
}
