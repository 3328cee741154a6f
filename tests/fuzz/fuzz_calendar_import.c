/* fuzz_calendar_import.c — the yearly holiday list parser,
 * od_calendar_import_buffer(), on arbitrary bytes (CSV and YAML).
 * Invariants: OD_OK exactly when nothing was found and at least one day was
 * read; the days stay sorted, unique and within the cap; the findings are
 * bounded and NUL-terminated. */
#include "fuzz.h"

#include "policy/calendar_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    od_policy_diags *d = malloc(sizeof *d);
    od_calendar *c = malloc(sizeof *c);
    if (!d || !c)
        abort();
    od_err rc = od_calendar_import_buffer((const char *)data, size, c, d);
    FUZZ_CHECK(rc == OD_OK ? d->total == 0 && c->n_days > 0 : d->n > 0 || rc == OD_E_NOMEM);
    FUZZ_CHECK(d->n <= OD_POLICY_DIAG_MAX && d->n <= d->total);
    FUZZ_CHECK(c->n_days <= OD_CAL_DAYS_MAX && c->n_years <= OD_CAL_YEARS_MAX);
    for (size_t i = 1; i < c->n_days; i++)
        FUZZ_CHECK(c->days[i - 1].day < c->days[i].day);
    for (size_t i = 0; i < d->n; i++)
        FUZZ_CHECK(memchr(d->items[i].message, 0, sizeof d->items[i].message) != NULL);
    free(c);
    free(d);
    return 0;
}
