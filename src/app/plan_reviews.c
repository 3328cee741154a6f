/* plan_reviews.c — what makes an emergency plan's review due before its
 * cycle ends (seed 000 ch. 9 §1 "评估工作每半年或应急演练、重大应急响应工作后
 * 组织"; modules-spec §M7.3; docs/drills.md): a drill of the plan closing, an
 * incident in the plan's scope closing after its response reached R1, a
 * change to a CI in the plan's scope; and the plan version an incident's
 * activation used.  Every function here runs inside the caller's write
 * transaction (the drill, incident or CI use case), so the trigger is
 * written with the change that caused it.  The rules are core/plan.h. */
#include "app/plans.h"
#include "app/incidents.h"
#include "app/list.h"
#include "app/records_kernel.h"
#include "core/plan.h"

#include <stdio.h>
#include <string.h>

#define SCOPE_MAX 64

static int64_t num(json_t *f, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(f, k));
}

od_err od_plan_trigger_review_in(od_app *a, od_tx *tx, const od_principal *who, int64_t plan_id,
                                 od_plan_trigger t, const char *cause, int64_t now, od_error *e)
{
    return od_plan_trigger_review_days_in(tx, who, plan_id, t, cause, now,
                                          a->policy->readiness.review_trigger_days, e);
}

od_err od_plan_trigger_review_days_in(od_tx *tx, const od_principal *who, int64_t plan_id, od_plan_trigger t,
                                      const char *cause, int64_t now, int days, od_error *e)
{
    json_t *f = NULL;
    od_err rc = od_plan_ext.load(tx, plan_id, &f, e);
    if (rc)
        return rc;
    int64_t published = num(f, "published_at"), reviewed = num(f, "reviewed_at");
    if (!published) { /* nothing to review before a first publication */
        json_decref(f);
        return OD_OK;
    }
    int64_t base = published > reviewed ? published : reviewed;
    int64_t due = od_plan_trigger_due(now, days);
    int64_t old_at = num(f, "review_triggered_at"), old_due = num(f, "review_trigger_due_at");
    bool pending = old_at > base && old_due > 0;
    if (!pending || due < old_due) { /* an earlier pending trigger keeps its sooner due time */
        json_object_set_new(f, "review_trigger", json_string(od_plan_trigger_key(t)));
        json_object_set_new(f, "review_triggered_at", json_integer(now > base ? now : base + 1));
        json_object_set_new(f, "review_trigger_due_at", json_integer(due));
        rc = od_plan_ext.save(tx, plan_id, f, e);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_PLN_REC_TOUCH, e, OD_BINDS(OD_INT(now), OD_INT(plan_id)));
    }
    json_t *d = json_pack("{ss ss sI}", "trigger", od_plan_trigger_key(t), "cause", cause ? cause : "",
                          "due_at", (json_int_t)(pending && old_due <= due ? old_due : due));
    char text[256];
    snprintf(text, sizeof text, "需要复审预案：%s %s (review due: %s %s)",
             t == OD_PLAN_TRIG_DRILL            ? "演练"
             : t == OD_PLAN_TRIG_MAJOR_RESPONSE ? "一级响应"
                                                : "配置项变更",
             cause ? cause : "", od_plan_trigger_key(t), cause ? cause : "");
    if (!rc)
        rc = od_record_timeline_add(tx, plan_id, now, who, "plan_review_due", d, text, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "plan.review_trigger", "record", plan_id, NULL, d, e);
    json_decref(d);
    json_decref(f);
    return rc;
}

/* The ids of the plans ever published that apply to incident id (core/plan.h
 * od_plan_applies), into `found` ({"id", "matched_by"} each). */
od_err od_plan_matching_in(od_tx *tx, int64_t incident_id, json_t *found, od_error *e)
{
    const char *cats[SCOPE_MAX];
    int64_t cis[SCOPE_MAX];
    size_t n = 0;
    json_t *catv = json_array();
    char level[8] = "";
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PLN_INC_CIS, &r, e, OD_BINDS(OD_INT(incident_id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row && n < SCOPE_MAX) {
        cis[n] = od_rows_int(r, 0);
        json_array_append_new(catv, json_string(od_rows_text(r, 1)));
        n++;
    }
    od_rows_close(r);
    for (size_t i = 0; i < n; i++)
        cats[i] = json_string_value(json_array_get(catv, i));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PLN_INC_LEVEL, &r, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        snprintf(level, sizeof level, "%s", od_rows_text(r, 0));
    if (!rc)
        od_rows_close(r);
    od_plan_incident pi = {
        .level = level, .ci_categories = cats, .n_ci_categories = n, .ci_ids = cis, .n_ci_ids = n};
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PLN_PUBLISHED, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *classes = json_loads(od_rows_text(r, 1), 0, NULL),
               *ids = json_loads(od_rows_text(r, 2), 0, NULL);
        const char *pc[SCOPE_MAX];
        int64_t pids[SCOPE_MAX];
        size_t nc = 0, ni = 0, i;
        json_t *v;
        json_array_foreach(classes, i, v) if (nc < SCOPE_MAX && json_is_string(v)) pc[nc++] =
            json_string_value(v);
        json_array_foreach(ids, i, v) if (ni < SCOPE_MAX && json_is_integer(v)) pids[ni++] =
            (int64_t)json_integer_value(v);
        od_plan_scope ps = {.classes = pc, .n_classes = nc, .ci_ids = pids, .n_ci_ids = ni};
        od_plan_match m = od_plan_applies(&ps, &pi);
        if (m != OD_PLAN_NO_MATCH)
            json_array_append_new(found, json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 0),
                                                   "matched_by", od_plan_match_key(m)));
        json_decref(classes);
        json_decref(ids);
    }
    od_rows_close(r);
    json_decref(catv);
    return rc;
}

od_err od_plan_review_on_incident_close_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id,
                                           const char *number, int64_t now, od_error *e)
{
    json_t *found = json_array();
    od_err rc = od_plan_matching_in(tx, incident_id, found, e);
    size_t i;
    json_t *v;
    json_array_foreach(found, i, v) if (!rc) rc =
        od_plan_trigger_review_in(a, tx, who, num(v, "id"), OD_PLAN_TRIG_MAJOR_RESPONSE, number, now, e);
    json_decref(found);
    return rc;
}

od_err od_plan_review_on_ci_change_in(od_app *a, od_tx *tx, const od_principal *who, int64_t ci_id,
                                      const char *ci_name, int64_t now, od_error *e)
{
    json_t *hit = json_array();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PLN_PUBLISHED, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *ids = json_loads(od_rows_text(r, 2), 0, NULL);
        size_t i;
        json_t *v;
        bool in = false;
        json_array_foreach(ids, i, v) in = in || (int64_t)json_integer_value(v) == ci_id;
        if (in)
            json_array_append_new(hit, json_integer(od_rows_int(r, 0)));
        json_decref(ids);
    }
    od_rows_close(r);
    char cause[160];
    snprintf(cause, sizeof cause, "CI %lld %s", (long long)ci_id, ci_name ? ci_name : "");
    size_t i;
    json_t *v;
    json_array_foreach(hit, i, v) if (!rc) rc = od_plan_trigger_review_in(
        a, tx, who, (int64_t)json_integer_value(v), OD_PLAN_TRIG_CI_CHANGE, cause, now, e);
    json_decref(hit);
    return rc;
}

od_err od_plan_activation_in(od_tx *tx, const od_principal *who, int64_t incident_id, int64_t plan_id,
                             const char *level, int64_t now, od_error *e)
{
    od_rec x = {0};
    od_err rc = od_rec_load(tx, who, plan_id, &x, e);
    if (rc == OD_E_NOT_FOUND) {
        od_error_clear(e);
        return od_error_set(e, OD_E_UNPROCESSABLE, "plan_id", "预案 %lld 不存在 (no plan %lld)",
                            (long long)plan_id, (long long)plan_id);
    }
    const char *kind = rc ? NULL : json_string_value(json_object_get(x.o, "kind"));
    if (!rc && (!kind || strcmp(kind, "plan") != 0))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "plan_id", "记录 %s 不是预案 (record %s is not a plan)",
                          x.number, x.number);
    int64_t ver = 0;
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_PLN_VER_CURRENT, &ver, e, OD_BINDS(OD_INT(plan_id)));
    if (!rc && ver <= 0)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "plan_id",
                          "预案 %s 没有已发布的版本，不能启动 (plan %s has no published version to activate)",
                          x.number, x.number);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PLN_ACT_INSERT, e,
                        OD_BINDS(OD_INT(incident_id), OD_INT(plan_id), OD_INT(ver), OD_TEXT(level),
                                 OD_INT(now), OD_INT_NONZERO(who ? who->id : 0)));
    json_t *d = rc ? NULL
                   : json_pack("{sI sI ss ss}", "incident_id", (json_int_t)incident_id, "version",
                               (json_int_t)ver, "level", level, "plan", x.number);
    if (!rc) {
        char text[160];
        snprintf(text, sizeof text, "第 %lld 版被事件启动 (version %lld activated by an incident, %s)",
                 (long long)ver, (long long)ver, level);
        rc = od_record_timeline_add(tx, plan_id, now, who, "plan_activated", d, text, e);
    }
    json_decref(d);
    od_rec_free(&x);
    return rc;
}

od_err od_plan_activations(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                           int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *inc = NULL;
    od_err rc = od_incident_get(a, who, incident_id, &inc, e); /* 404 outside who's scope */
    json_decref(inc);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    int64_t total = 0;
    rc = od_tx_scalar(tx, OD_Q_PLN_ACT_COUNT, &total, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PLN_ACT_LIST, &r, e,
                         OD_BINDS(OD_INT(incident_id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(
            items, json_pack("{sI ss ss sI ss so so}", "plan_id", (json_int_t)od_rows_int(r, 0),
                             "plan_number", od_rows_text(r, 1), "plan_title", od_rows_text(r, 2), "version",
                             (json_int_t)od_rows_int(r, 3), "level", od_rows_text(r, 4), "activated_at",
                             od_rec_time(od_rows_int(r, 5)), "activated_by", od_rec_int_col(r, 6)));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
