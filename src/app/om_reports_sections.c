/* om_reports_sections.c — the sections later modules add to an O&M report
 * (modules-spec §M4.5 "each later module adds its section"): counts read
 * from the tables those modules already have, for the report's period
 * [from, to).  Problems (§M2): opened, closed, cancelled in the period,
 * open at its end, known errors added.  Plans (§M7): plans whose review
 * date lies before the period's end (as stored when the report is
 * generated), plans reviewed in the period, drill incidents detected in
 * it.  Read only; the drills module's own records are not read here. */
#include "app/om_reports.h"

#define SET(obj, key) json_object_set_new((obj), (key), json_integer((json_int_t)n))

od_err od_report_module_sections(od_app *a, int64_t from, int64_t to, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *p = json_object(), *pl = json_object();
    int64_t n = 0;
    if (!(rc = od_tx_scalar(tx, OD_Q_OMR_PRB_OPENED, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(p, "opened");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_PRB_CLOSED, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(p, "closed");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_PRB_CANCELLED, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(p, "cancelled");
    if (!rc &&
        !(rc = od_tx_scalar(tx, OD_Q_OMR_PRB_OPEN_AT, &n, e, OD_BINDS(OD_INT(to), OD_INT(to), OD_INT(to)))))
        SET(p, "open_at_end");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_KE_ADDED, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(p, "known_errors_added");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_PLN_OVERDUE, &n, e, OD_BINDS(OD_INT(to)))))
        SET(pl, "reviews_overdue");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_PLN_REVIEWED, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(pl, "reviewed");
    if (!rc && !(rc = od_tx_scalar(tx, OD_Q_OMR_DRILL_INCIDENTS, &n, e, OD_BINDS(OD_INT(from), OD_INT(to)))))
        SET(pl, "drill_incidents");
    od_tx_rollback(tx);
    if (rc) {
        json_decref(p);
        json_decref(pl);
        return rc;
    }
    *out = json_pack("{so so}", "problems", p, "plans", pl);
    return OD_OK;
}
