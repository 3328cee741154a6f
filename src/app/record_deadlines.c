/* record_deadlines.c — deadlines of records that are not incidents
 * (migration 0013: incident_id NULL): a clock's 50/75/100 % thresholds and
 * the `schedule` effect's rows, fired by the incident scheduler's claim
 * (od_incident_fire_next: claimed and fired in one transaction, FOR UPDATE
 * SKIP LOCKED on PostgreSQL), so each fires exactly once across restarts
 * and nodes. */
#include "app/om_reports.h"
#include "app/record_hooks.h"
#include "app/records_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t col_or(od_rows *r, int c, int64_t dflt)
{
    return od_rows_null(r, c) ? dflt : od_rows_int(r, c);
}

static od_sla_state state_parse(const char *s)
{
    for (int i = OD_SLA_NONE; i <= OD_SLA_CANCELLED; i++)
        if (strcmp(od_sla_state_key((od_sla_state)i), s) == 0)
            return (od_sla_state)i;
    return OD_SLA_NONE;
}

/* A clock threshold: the 100 % one records the breach (frozen). */
static od_err fire_threshold(const od_policy *p, od_tx *tx, int64_t rec, int64_t clock_id, const char *kind,
                             int64_t now, od_error *e)
{
    char name[OD_KEY_MAX] = "";
    int pct = 0;
    const char *c1 = kind + strlen("clock:"), *c2 = strrchr(kind, ':');
    if (c2 > c1) {
        snprintf(name, sizeof name, "%.*s", (int)(c2 - c1), c1);
        pct = (int)strtol(c2 + 1, NULL, 10);
    }
    od_rows *r = NULL;
    bool row = false;
    od_sla_clock k = {0};
    od_err rc = od_tx_query(tx, OD_Q_KCLK_BY_ID, &r, e, OD_BINDS(OD_INT(clock_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row)
        k = (od_sla_clock){.target_ms = col_or(r, 1, 0),
                           .state = state_parse(od_rows_text(r, 3)),
                           .started_at = col_or(r, 4, 0),
                           .paused_at = col_or(r, 5, 0),
                           .paused_total_ms = col_or(r, 6, 0),
                           .stopped_at = col_or(r, 7, 0),
                           .due_at = col_or(r, 8, OD_NO_TIME),
                           .breached_at = col_or(r, 9, 0)};
    od_rows_close(r);
    if (rc || !row)
        return rc;
    bool breached = false;
    if (pct >= 100) {
        bool was = k.breached_at != 0;
        breached = od_sla_observe(&k, now);
        if (breached && !was)
            rc = od_tx_exec(tx, OD_Q_KCLK_BREACH, e, OD_BINDS(OD_INT(k.breached_at), OD_INT(clock_id)));
    }
    /* the notification template of the threshold, for the timeline */
    const char *tpl = "";
    const od_wf_template *wt = NULL;
    const od_kernel *kr = p ? p->kernel : NULL;
    for (size_t w = 0; kr && w < kr->n_workflows; w++)
        for (size_t i = 0; i < kr->workflows[w]->n_clocks; i++) {
            const od_wf_clock_def *d = &kr->workflows[w]->clocks[i];
            for (size_t t = 0; strcmp(d->name, name) == 0 && t < d->n_thresholds; t++)
                if (d->thresholds[t] == pct && *d->on_threshold[t]) {
                    tpl = d->on_threshold[t];
                    wt = od_wf_template_find(kr->workflows[w], tpl);
                }
        }
    if (!rc) {
        json_t *data =
            json_pack("{ss si sb ss}", "clock", name, "percent", pct, "breached", breached, "template", tpl);
        char text[300];
        if (pct >= 100)
            snprintf(text, sizeof text, "时钟 %s 已超时 (clock %s breached)", name, name);
        else
            snprintf(text, sizeof text, "时钟 %s 已用 %d%% (clock %s at %d%%)", name, pct, name, pct);
        rc = od_record_timeline_add(tx, rec, now, NULL, "threshold", data, text, e);
        json_decref(data);
        if (!rc && *tpl) {
            char zh[160], en[160];
            if (wt) { /* the workflow's text for it */
                snprintf(zh, sizeof zh, "%s", wt->text_zh);
                snprintf(en, sizeof en, "%s", wt->text_en[0] ? wt->text_en : wt->text_zh);
            } else if (pct >= 100) {
                snprintf(zh, sizeof zh, "时钟 %s 已超时", name);
                snprintf(en, sizeof en, "clock %s breached", name);
            } else {
                snprintf(zh, sizeof zh, "时钟 %s 已用 %d%%", name, pct);
                snprintf(en, sizeof en, "clock %s at %d%%", name, pct);
            }
            rc = od_rec_notify(tx, p, rec, tpl, zh, en, 0, now, e);
        }
    }
    return rc;
}

od_err od_record_fire_deadline(const od_policy *p, od_tx *tx, int64_t id, int64_t now, const char *node,
                               bool *fired, od_error *e)
{
    *fired = false;
    od_rows *r = NULL;
    bool row = false;
    int64_t rec = 0, clock_id = 0;
    char kind[128] = "", status[16] = "";
    od_err rc = od_tx_query(tx, OD_Q_KDL_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        rec = col_or(r, 1, 0);
        clock_id = col_or(r, 2, 0);
        snprintf(kind, sizeof kind, "%s", od_rows_text(r, 3));
        snprintf(status, sizeof status, "%s", od_rows_text(r, 5));
    }
    od_rows_close(r);
    if (rc || !row || strcmp(status, "pending") != 0)
        return rc;
    /* claim: only while fire_at is still set (another node, a restart) */
    rc = od_tx_exec(tx, OD_Q_DL_FIRED, e, OD_BINDS(OD_TEXT("fired"), OD_TEXT(node), OD_INT(id)));
    if (rc || od_tx_changes(tx) != 1)
        return rc;
    if (rec && clock_id && strncmp(kind, "clock:", 6) == 0)
        rc = fire_threshold(p, tx, rec, clock_id, kind, now, e);
    else if (!rec && od_report_deadline_kind(kind)) /* an O&M report's filing or review deadline */
        rc = od_report_fire_deadline(p, tx, kind, now, e);
    else if (rec && od_rec_appr_is_deadline(kind))
        rc = od_rec_appr_fire(p, tx, rec, kind, now, e);
    else if (rec && od_due_notice_is_deadline(kind)) /* a plan review's or a drill's due notice */
        rc = od_due_notice_fire(p, tx, id, rec, kind, now, e);
    else if (rec && od_drill_inject_is_deadline(kind)) /* a drill's scripted inject */
        rc = od_drill_inject_fire(tx, rec, kind, now, e);
    else if (rec) {
        json_t *data = json_pack("{ss}", "deadline", kind);
        char text[300];
        snprintf(text, sizeof text, "到期提醒：%s (reminder due: %s)", kind, kind);
        rc = od_record_timeline_add(tx, rec, now, NULL, "reminder", data, text, e);
        json_decref(data);
    }
    *fired = rc == OD_OK;
    return rc;
}
