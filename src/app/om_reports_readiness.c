/* om_reports_readiness.c — the O&M report's readiness section (应急准备;
 * seed 000 ch. 9: plans reviewed every six months and drilled every year;
 * seed 004 §7.4.2: 48 training hours a person a year; research/modules-spec.md
 * §M7 "readiness ... as a report section"; R-PLAN-1..3).  Its items, each a
 * count over the report's period [from, to) or the state at its end:
 * published plans, of them current, review due within the notice lead,
 * review overdue; drills closed in the period and the mean of their manual
 * whole-drill scores (hundredths); published plans whose yearly drill is
 * due at the end; enabled people short of the annual training hours over
 * the twelve months before the end; key positions below two qualified
 * people at the end (the duty roster's rule, seed 000 ch. 9).  And a table:
 * per plan published before the end, its last drill closed before the end,
 * its date and its whole-drill manual score.  The lead, the drill cycle and
 * the annual hours are the policy's in force (record_hooks.h
 * od_readiness_in_force). */
#include "app/om_reports_readiness.h"
#include "app/record_hooks.h"
#include "app/training.h"
#include "core/plan.h"
#include "util/clock.h"

#define DAY_MS 86400000LL

static int64_t lead_end(int64_t to)
{
    int lead, months, hours;
    od_readiness_in_force(&lead, &months, &hours);
    return to + (int64_t)lead * DAY_MS;
}

static od_err published(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMRR_PUBLISHED, n, e, OD_BINDS(OD_INT(to)));
}
static od_err current(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMRR_CURRENT, n, e, OD_BINDS(OD_INT(to), OD_INT(lead_end(to))));
}
static od_err due_soon(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMRR_DUE_SOON, n, e, OD_BINDS(OD_INT(to), OD_INT(to), OD_INT(lead_end(to))));
}
static od_err overdue(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMRR_OVERDUE, n, e, OD_BINDS(OD_INT(to), OD_INT(to)));
}
static od_err drills_closed(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMRR_DRILLS_CLOSED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err drill_score(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMRR_SCORE_X100, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err drill_due(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    int lead, months, hours;
    od_readiness_in_force(&lead, &months, &hours);
    int64_t cut = od_plan_add_months(to, -months);
    return od_tx_scalar(tx, OD_Q_OMRR_DRILL_DUE, n, e, OD_BINDS(OD_INT(cut), OD_INT(cut), OD_INT(to)));
}
static od_err hours_short(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    int lead, months, hours;
    od_readiness_in_force(&lead, &months, &hours);
    return od_tx_scalar(
        tx, OD_Q_OMRR_HOURS_SHORT, n, e,
        OD_BINDS(OD_INT(od_plan_add_months(to, -12)), OD_INT(to), OD_INT((int64_t)hours * 60)));
}

const od_report_item od_readiness_report_items[OD_READINESS_REPORT_ITEMS] = {
    {"plans_published", "已发布预案 (plans published)", published},
    {"plans_current", "复审未到期预案 (plans with their review not due)", current},
    {"reviews_due_soon", "复审即将到期预案 (plans with their review due soon)", due_soon},
    {"reviews_overdue", "复审已逾期预案 (plans with their review overdue)", overdue},
    {"drills_closed", "完成演练 (drills closed)", drills_closed},
    {"drill_score_x100", "演练人工评分均值×100 (mean manual drill score ×100)", drill_score},
    {"yearly_drill_due", "年度演练到期预案 (plans whose yearly drill is due)", drill_due},
    {"training_short", "培训学时不足人员 (people short of the annual training hours)", hours_short},
    {"positions_below_two", "合格人员不足两人的关键岗位 (key positions below two qualified people)", NULL},
};

const od_report_detail od_readiness_report_detail = {
    "plans",
    "各预案上次演练 (last drill per plan)",
    5,
    {"预案 (plan)", "名称 (title)", "上次演练 (last drill)", "关闭时间 (closed at)", "评分×100 (score ×100)"},
    {"number", "title", "drill_number", "drill_closed_at", "drill_score_x100"},
};

static json_t *int_or_null(od_rows *r, int col)
{
    return od_rows_null(r, col) ? json_null() : json_integer((json_int_t)od_rows_int(r, col));
}

od_err od_readiness_report_fill(od_app *a, od_tx *tx, int64_t from, int64_t to, json_t *sec, od_error *e)
{
    (void)from;
    /* the duty roster's code at the end (the rule of GET /api/v1/readiness/roster) */
    json_t *roster = NULL, *p;
    od_err rc = od_readiness_roster_at(tx, a->policy, to, &roster, e);
    if (rc)
        return rc;
    int64_t below = 0;
    size_t i;
    json_array_foreach(json_object_get(roster, "positions"), i, p) below +=
        json_is_true(json_object_get(p, "below_two"));
    json_decref(roster);
    json_object_set_new(sec, "positions_below_two", json_integer((json_int_t)below));

    json_t *plans = json_array();
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_OMRR_PLAN_DRILLS, &r, e, OD_BINDS(OD_INT(to), OD_INT(to)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char t[OD_TIME_STR_MAX];
        json_t *o = json_object();
        json_object_set_new(o, "plan_id", json_integer((json_int_t)od_rows_int(r, 0)));
        json_object_set_new(o, "number", json_string(od_rows_text(r, 1)));
        json_object_set_new(o, "title", json_string(od_rows_text(r, 2)));
        json_object_set_new(o, "drill_number",
                            od_rows_null(r, 3) ? json_null() : json_string(od_rows_text(r, 3)));
        json_object_set_new(o, "drill_closed_at",
                            od_rows_null(r, 4) ? json_null()
                                               : json_string(od_time_format(od_rows_int(r, 4), t)));
        json_object_set_new(o, "drill_score_x100", int_or_null(r, 5));
        json_array_append_new(plans, o);
    }
    od_rows_close(r);
    if (rc) {
        json_decref(plans);
        return rc;
    }
    json_object_set_new(sec, "plans", plans);
    return OD_OK;
}
