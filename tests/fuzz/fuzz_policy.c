/* fuzz_policy.c — the policy YAML loader, od_policy_load_buffer(), on
 * arbitrary bytes.  Invariants: a policy comes back exactly when OD_OK is
 * returned; the findings are bounded and their messages NUL-terminated; no
 * leak (the policy is freed). */
#include "fuzz.h"

#include "policy/policy_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    od_policy_diags *d = malloc(sizeof *d);
    if (!d)
        abort();
    od_policy *p = NULL;
    od_err rc = od_policy_load_buffer((const char *)data, size, &p, d);
    FUZZ_CHECK((rc == OD_OK) == (p != NULL));
    FUZZ_CHECK(d->n <= OD_POLICY_DIAG_MAX && d->n <= d->total);
    FUZZ_CHECK(rc == OD_OK || d->n > 0);
    for (size_t i = 0; i < d->n; i++)
        FUZZ_CHECK(memchr(d->items[i].message, 0, sizeof d->items[i].message) != NULL);
    od_policy_free(p);
    free(d);
    return 0;
}
