/* om_reports_sections.c — the sections later modules add to an O&M report
 * (modules-spec §M4.5 "each later module adds its section"): counts read
 * from the tables those modules already have, for the report's period
 * [from, to).  Problems (§M2): opened, closed, cancelled in the period,
 * open at its end, known errors added.  Plans (§M7): plans whose review
 * date lies before the period's end (as stored when the report is
 * generated), plans reviewed in the period, drill incidents detected in
 * it.  Read only; the drills module's own records are not read here. */
#include "app/om_reports.h"

typedef struct count_q {
    const char *key;
    od_query q;
    int binds; /* 1: (to); 2: (from, to); 3: (to, to, to) */
} count_q;

static od_err count(od_tx *tx, const count_q *c, int64_t from, int64_t to, json_t *into, od_error *e)
{
    int64_t n = 0;
    od_err rc;
    if (c->binds == 1)
        rc = od_tx_scalar(tx, c->q, &n, e, OD_BINDS(OD_INT(to)));
    else if (c->binds == 2)
        rc = od_tx_scalar(tx, c->q, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
    else
        rc = od_tx_scalar(tx, c->q, &n, e, OD_BINDS(OD_INT(to), OD_INT(to), OD_INT(to)));
    if (!rc)
        json_object_set_new(into, c->key, json_integer((json_int_t)n));
    return rc;
}

od_err od_report_module_sections(od_app *a, int64_t from, int64_t to, json_t **out, od_error *e)
{
    static const count_q problems[] = {
        {"opened", OD_Q_OMR_PRB_OPENED, 2},           {"closed", OD_Q_OMR_PRB_CLOSED, 2},
        {"cancelled", OD_Q_OMR_PRB_CANCELLED, 2},     {"open_at_end", OD_Q_OMR_PRB_OPEN_AT, 3},
        {"known_errors_added", OD_Q_OMR_KE_ADDED, 2},
    };
    static const count_q plans[] = {
        {"reviews_overdue", OD_Q_OMR_PLN_OVERDUE, 1},
        {"reviewed", OD_Q_OMR_PLN_REVIEWED, 2},
        {"drill_incidents", OD_Q_OMR_DRILL_INCIDENTS, 2},
    };
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *p = json_object(), *pl = json_object();
    for (size_t i = 0; !rc && i < sizeof problems / sizeof problems[0]; i++)
        rc = count(tx, &problems[i], from, to, p, e);
    for (size_t i = 0; !rc && i < sizeof plans / sizeof plans[0]; i++)
        rc = count(tx, &plans[i], from, to, pl, e);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(p);
        json_decref(pl);
        return rc;
    }
    *out = json_pack("{so so}", "problems", p, "plans", pl);
    return OD_OK;
}
