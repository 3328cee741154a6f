/* dashboard.c — the wall-screen summary (态势总览; see dashboard.h).
 * Three queries (queries_dashboard.h) in one read transaction.  The counts
 * come grouped by the database (level, response level, drill, day, and the
 * incidents' departments), so that the reader's scopes apply here group by
 * group, the same rule as the incident list (an incident is visible when one
 * of its departments is in scope), without a row per incident.  Bounded: at
 * most OPEN_ROWS_MAX and DETECTED_ROWS_MAX groups and OD_DASH_DEADLINES_MAX
 * deadlines per list. */
#include "app/dashboard.h"
#include "app/drills.h"
#include "app/upkeep.h"
#include "app/om_reports.h"
#include "core/incident.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OPEN_ROWS_MAX 100000
#define DETECTED_ROWS_MAX 200000
#define DAY_MS (86400LL * 1000)

static json_t *counts_new(void)
{
    json_t *o = json_pack("{si s{} s{} s{}}", "total", 0, "by_level", "by_response", "matrix");
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        json_object_set_new(json_object_get(o, "by_level"), od_grade_key((od_grade)g), json_integer(0));
        json_t *row = json_object();
        for (int r = 0; r < OD_RESP__COUNT; r++)
            json_object_set_new(row, od_resp_key((od_resp)r), json_integer(0));
        json_object_set_new(json_object_get(o, "matrix"), od_grade_key((od_grade)g), row);
    }
    for (int r = 0; r < OD_RESP__COUNT; r++)
        json_object_set_new(json_object_get(o, "by_response"), od_resp_key((od_resp)r), json_integer(0));
    return o;
}

static void bump(json_t *obj, const char *key, int64_t n)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        json_integer_set(v, json_integer_value(v) + n);
}

static void count_open(json_t *c, const char *level, const char *resp, int64_t n)
{
    bump(c, "total", n);
    bump(json_object_get(c, "by_level"), level, n);
    bump(json_object_get(c, "by_response"), resp, n);
    bump(json_object_get(json_object_get(c, "matrix"), level), resp, n);
}

static od_err open_counts(od_tx *tx, const od_principal *who, json_t *real, json_t *drill, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_DASH_OPEN, &r, e, OD_BINDS(OD_INT((int64_t)OPEN_ROWS_MAX)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_principal_in_any_scope(who, od_rows_text(r, 3)))
            count_open(od_rows_int(r, 2) ? drill : real, od_rows_text(r, 0), od_rows_text(r, 1),
                       od_rows_int(r, 4));
    od_rows_close(r);
    return rc;
}

static json_t *deadline_json(od_rows *r, int64_t now)
{
    char t[OD_TIME_STR_MAX];
    int64_t due = od_rows_int(r, 1);
    json_t *rcpt = od_rows_null(r, 3)
                       ? json_null()
                       : json_pack("{sI ss ss}", "id", (json_int_t)od_rows_int(r, 3), "username",
                                   od_rows_text(r, 11), "display_name", od_rows_text(r, 12));
    return json_pack("{ss ss sI sb sb so s{sI ss ss ss ss}}", "kind", od_rows_text(r, 0), "due_at",
                     od_time_format(due, t), "due_ms", (json_int_t)due, "missed",
                     od_deadline_state_at(due, 0, now) == OD_DLS_MISSED, "drill", od_rows_int(r, 9) != 0,
                     "recipient", rcpt, "incident", "id", (json_int_t)od_rows_int(r, 4), "number",
                     od_rows_text(r, 5), "title", od_rows_text(r, 6), "level", od_rows_text(r, 7),
                     "response_level", od_rows_text(r, 8));
}

/* The deadlines due in [from, to), earliest first, into list until it holds
 * OD_DASH_DEADLINES_MAX: the missed ones (due before now) and the upcoming
 * ones are read by two walks of the index, each stopping when its list is
 * full. */
static od_err deadlines_in(od_tx *tx, const od_principal *who, int64_t now, int64_t from, int64_t to,
                           json_t *list, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_DASH_DEADLINES, &r, e,
                            OD_BINDS(OD_INT(from), OD_INT(to), OD_INT((int64_t)OPEN_ROWS_MAX)));
    bool row = false;
    while (!rc && json_array_size(list) < OD_DASH_DEADLINES_MAX && !(rc = od_rows_step(r, &row)) && row) {
        /* which deadlines people see, and when one is missed: core/incident.h */
        if (!od_deadline_kind_shown(od_deadline_kind_parse(od_rows_text(r, 0))) ||
            !od_principal_in_any_scope(who, od_rows_text(r, 10)))
            continue;
        json_array_append_new(list, deadline_json(r, now));
    }
    od_rows_close(r);
    return rc;
}

static od_err deadlines(od_tx *tx, const od_principal *who, int64_t now, json_t *missed, json_t *upcoming,
                        od_error *e)
{
    /* missed: due before now (od_deadline_state_at) */
    od_err rc = deadlines_in(tx, who, now, INT64_MIN, now, missed, e);
    if (!rc)
        rc = deadlines_in(tx, who, now, now, INT64_MAX, upcoming, e);
    return rc;
}

/* Local midnight (tz_minutes east of UTC) of the day holding ms. */
static int64_t day_start(int64_t ms, int tz_minutes)
{
    int64_t off = (int64_t)tz_minutes * 60000, local = ms + off;
    int64_t d = local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);
    return d * DAY_MS - off;
}

static od_err per_day(od_tx *tx, const od_principal *who, const od_dashboard_opts *o, int64_t now,
                      json_t *out, json_t *drill_days, od_error *e)
{
    int64_t to = day_start(now, o->tz_minutes) + DAY_MS, from = to - (int64_t)o->days * DAY_MS;
    json_t *days = json_array(), *by_level = json_object();
    json_int_t counts[OD_GRADE__COUNT][OD_DASH_DAYS_MAX] = {{0}}, drills[OD_DASH_DAYS_MAX] = {0};
    od_rows *r = NULL;
    od_err rc =
        od_tx_query(tx, OD_Q_DASH_DETECTED, &r, e,
                    OD_BINDS(OD_INT(from), OD_INT(from), OD_INT(to), OD_INT((int64_t)DETECTED_ROWS_MAX)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t idx = od_rows_int(r, 0), n = od_rows_int(r, 4);
        int g = od_grade_parse(od_rows_text(r, 1));
        if (idx < 0 || idx >= o->days || g < 0 || !od_principal_in_any_scope(who, od_rows_text(r, 3)))
            continue;
        if (od_rows_int(r, 2))
            drills[idx] += n;
        else
            counts[g][idx] += n;
    }
    od_rows_close(r);
    for (int d = 0; d < o->days; d++) {
        char t[OD_TIME_STR_MAX];
        od_time_format(from + (int64_t)d * DAY_MS + (int64_t)o->tz_minutes * 60000, t);
        t[10] = 0; /* the local date: YYYY-MM-DD */
        json_array_append_new(days, json_string(t));
        json_array_append_new(drill_days, json_integer(drills[d]));
    }
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        json_t *a = json_array();
        for (int d = 0; d < o->days; d++)
            json_array_append_new(a, json_integer(counts[g][d]));
        json_object_set_new(by_level, od_grade_key((od_grade)g), a);
    }
    json_object_set_new(out, "days", days);
    json_object_set_new(out, "by_level", by_level);
    return rc;
}

od_err od_dashboard(od_app *a, const od_principal *who, const od_dashboard_opts *o, json_t **out, od_error *e)
{
    *out = NULL;
    if (o->days < 1 || o->days > OD_DASH_DAYS_MAX)
        return od_error_set(e, OD_E_INVALID, "days", "days 须在 1 到 %d 之间 (days must be 1 to %d)",
                            OD_DASH_DAYS_MAX, OD_DASH_DAYS_MAX);
    if (o->tz_minutes < -840 || o->tz_minutes > 840)
        return od_error_set(e, OD_E_INVALID, "tz",
                            "tz 须在 -840 到 840 分钟之间 (tz must be -840 to 840 minutes)");
    int64_t now = od_app_now(a);
    char t[OD_TIME_STR_MAX];
    json_t *res = json_pack("{ss sI si si so s{so so} s{s[] s[]} s{}}", "now", od_time_format(now, t),
                            "now_ms", (json_int_t)now, "tz_minutes", o->tz_minutes, "days", o->days, "open",
                            counts_new(), "drills", "open", counts_new(), "per_day", json_array(),
                            "deadlines", "missed", "upcoming", "per_day");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = open_counts(tx, who, json_object_get(res, "open"),
                         json_object_get(json_object_get(res, "drills"), "open"), e);
    json_t *dl = json_object_get(res, "deadlines");
    if (!rc)
        rc = deadlines(tx, who, now, json_object_get(dl, "missed"), json_object_get(dl, "upcoming"), e);
    if (!rc)
        rc = per_day(tx, who, o, now, json_object_get(res, "per_day"),
                     json_object_get(json_object_get(res, "drills"), "per_day"), e);
    /* O&M reports past their filing or review deadline, reviewed ones not distributed
     * (docs/service-levels.md) */
    int64_t unfiled = 0, unreviewed = 0, undistributed = 0;
    if (!rc)
        rc = od_report_dashboard_counts(tx, a->policy, now, &unfiled, &unreviewed, &undistributed, e);
    if (!rc)
        json_object_set_new(res, "reports",
                            json_pack("{sI sI sI}", "unfiled_overdue", (json_int_t)unfiled,
                                      "unreviewed_overdue", (json_int_t)unreviewed, "undistributed",
                                      (json_int_t)undistributed));
    /* seed 000 ch. 9 §4, §2: the risk assessment due, feedback not acted on in time (docs/upkeep.md) */
    bool risk_overdue = false;
    int64_t risk_due = 0, fb_overdue = 0;
    if (!rc)
        rc = od_upkeep_counts(tx, a->policy, now, &risk_overdue, &risk_due, &fb_overdue, e);
    if (!rc)
        json_object_set_new(res, "upkeep",
                            json_pack("{sb so sI}", "risk_assessment_overdue", risk_overdue,
                                      "risk_assessment_due_at",
                                      risk_due ? json_string(od_time_format(risk_due, t)) : json_null(),
                                      "feedback_overdue", (json_int_t)fb_overdue));
    od_tx_rollback(tx);
    /* emergency plans whose review or yearly drill is due (docs/drills.md) */
    int64_t reviews = 0, drills = 0;
    if (!rc)
        rc = od_plan_readiness_counts(a, who, &reviews, &drills, e);
    if (!rc)
        json_object_set_new(
            res, "plans",
            json_pack("{sI sI}", "review_due", (json_int_t)reviews, "drill_due", (json_int_t)drills));
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return OD_OK;
}
