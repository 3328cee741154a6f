/* drill_due.c — the due notices of plan reviews, plans' yearly drills and
 * scheduled drills; see record_hooks.h.  The rule (when each notice fires)
 * is core/drill.h's. */
#include "app/plans.h"
#include "app/record_hooks.h"
#include "app/records_kernel.h"
#include "core/drill.h"
#include "core/plan.h"
#include "core/readiness.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define DUE_PREFIX "due:"

/* The policy's readiness.notice_lead_days, drill_months and annual_hours
 * in force (od_due_notice_policy): the record saves that sync the notices,
 * and the O&M report's counts, see no policy (od_rec_ext.save). */
static atomic_int lead_days = OD_DUE_NOTICE_LEAD_DAYS;
static atomic_int drill_months = OD_PLAN_DRILL_MONTHS;
static atomic_int annual_hours = OD_READINESS_ANNUAL_HOURS;

void od_due_notice_policy(const od_policy *p)
{
    if (!p)
        return;
    atomic_store(&lead_days,
                 p->readiness.notice_lead_days > 0 ? p->readiness.notice_lead_days : OD_DUE_NOTICE_LEAD_DAYS);
    atomic_store(&drill_months,
                 p->readiness.drill_months > 0 ? p->readiness.drill_months : OD_PLAN_DRILL_MONTHS);
    atomic_store(&annual_hours, p->readiness.annual_hours);
}

void od_readiness_in_force(int *lead, int *months, int *hours)
{
    *lead = atomic_load(&lead_days);
    *months = atomic_load(&drill_months);
    *hours = atomic_load(&annual_hours);
}

static void notice_kind(const char *what, od_due_notice n, char out[OD_KEY_MAX])
{
    snprintf(out, OD_KEY_MAX, DUE_PREFIX "%s:%s", what, od_due_notice_key(n));
}

od_err od_due_notice_sync(od_tx *tx, int64_t rec, const char *what, int64_t due_at, od_error *e)
{
    od_err rc = OD_OK;
    for (int n = 0; !rc && n < OD_DUE__COUNT; n++) {
        char kind[OD_KEY_MAX];
        notice_kind(what, (od_due_notice)n, kind);
        od_rows *r = NULL;
        bool row = false, same = false;
        int64_t done = 0, at = od_due_notice_at((od_due_notice)n, due_at, atomic_load(&lead_days)), id = 0;
        /* a pending notice of this date at this time stays; one of another
         * date, or of another lead (the policy changed), is written again */
        rc = od_tx_query(tx, OD_Q_DRLI_DUE_PENDING, &r, e, OD_BINDS(OD_INT(rec), OD_TEXT(kind)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            same = same || (due_at > 0 && od_rows_int(r, 1) == due_at && od_rows_int(r, 2) == at);
        od_rows_close(r);
        if (rc || same)
            continue;
        rc = od_tx_exec(tx, OD_Q_DRLX_DUE_CANCEL, e, OD_BINDS(OD_INT(rec), OD_TEXT(kind)));
        if (rc || at <= 0)
            continue;
        rc = od_tx_scalar(tx, OD_Q_DRLX_DUE_DONE, &done, e,
                          OD_BINDS(OD_INT(rec), OD_TEXT(kind), OD_INT(due_at)));
        if (!rc && done == 0)
            rc = od_tx_insert(tx, OD_Q_KDL_INSERT, &id, e,
                              OD_BINDS(OD_INT(rec), OD_NULL(), OD_TEXT(kind), OD_INT(due_at), OD_INT(at)));
    }
    return rc;
}

od_err od_plan_drill_notice_sync(od_tx *tx, int64_t plan_id, od_error *e)
{
    json_t *f = NULL;
    int64_t last = 0;
    od_err rc = od_plan_ext.load(tx, plan_id, &f, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_DRL_LAST_CLOSED, &last, e, OD_BINDS(OD_INT(plan_id)));
    int64_t published = rc ? 0 : (int64_t)json_integer_value(json_object_get(f, "published_at"));
    json_decref(f);
    if (!rc) /* a plan never published has no yearly drill (od_plan_drill_due: 0) */
        rc = od_due_notice_sync(tx, plan_id, "annual",
                                od_plan_drill_due(published, last, atomic_load(&drill_months)), e);
    return rc;
}

bool od_due_notice_is_deadline(const char *kind)
{
    return kind && strncmp(kind, DUE_PREFIX, strlen(DUE_PREFIX)) == 0;
}

od_err od_due_notice_fire(const od_policy *p, od_tx *tx, int64_t id, int64_t rec, const char *kind,
                          int64_t now, od_error *e)
{
    char what[OD_KEY_MAX] = "";
    const char *w = kind + strlen(DUE_PREFIX), *c = strrchr(kind, ':');
    if (c > w)
        snprintf(what, sizeof what, "%.*s", (int)(c - w), w);
    int n = c ? od_due_notice_parse(c + 1) : -1;
    od_rows *r = NULL;
    bool row = false;
    int64_t due_at = 0;
    od_err rc = od_tx_query(tx, OD_Q_KDL_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        due_at = od_rows_int(r, 4);
    od_rows_close(r);
    od_rec x = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, rec, &x, e);
    if (rc)
        return rc;
    int64_t to = 0;
    char zh[300], en[300], at[OD_TIME_STR_MAX];
    od_time_format(due_at, at);
    if (strcmp(what, "review") == 0 || strcmp(what, "annual") == 0) { /* the plan's owner */
        json_t *f = NULL;
        rc = od_plan_ext.load(tx, rec, &f, e);
        to = rc ? 0 : (int64_t)json_integer_value(json_object_get(f, "owner_id"));
        if (to <= 0) /* no owner named: who created the plan */
            to = (int64_t)json_integer_value(json_object_get(x.o, "created_by"));
        json_decref(f);
        if (what[0] == 'a' && n == OD_DUE_SOON) { /* its yearly drill (readiness.drill_months) */
            snprintf(zh, sizeof zh, "预案的年度演练将于 %s 到期", at);
            snprintf(en, sizeof en, "the plan's yearly drill falls due at %s", at);
        } else if (what[0] == 'a') {
            snprintf(zh, sizeof zh, "预案的年度演练已到期（%s），请组织演练", at);
            snprintf(en, sizeof en, "the plan's yearly drill is due (since %s): hold a drill", at);
        } else if (n == OD_DUE_SOON) {
            snprintf(zh, sizeof zh, "预案复审将于 %s 到期", at);
            snprintf(en, sizeof en, "the plan's review falls due at %s", at);
        } else {
            snprintf(zh, sizeof zh, "预案复审已到期（%s），请组织复审", at);
            snprintf(en, sizeof en, "the plan's review is due (since %s): review it", at);
        }
    } else { /* a drill: its organizer */
        to = (int64_t)json_integer_value(json_object_get(x.o, "created_by"));
        if (n == OD_DUE_SOON) {
            snprintf(zh, sizeof zh, "演练计划于 %s 进行", at);
            snprintf(en, sizeof en, "the drill is scheduled at %s", at);
        } else {
            snprintf(zh, sizeof zh, "演练已到计划时间（%s）仍未开始", at);
            snprintf(en, sizeof en, "the drill's scheduled time (%s) has come and it has not started", at);
        }
    }
    char tpl[OD_KEY_MAX];
    snprintf(tpl, sizeof tpl, "%s", kind);
    json_t *users = json_array();
    if (to > 0)
        json_array_append_new(users, json_pack("{sI}", "id", (json_int_t)to));
    if (!rc)
        rc = od_rec_notify_to(tx, p, &x, tpl, zh, en, users, now, e);
    json_decref(users);
    od_rec_free(&x);
    return rc;
}
