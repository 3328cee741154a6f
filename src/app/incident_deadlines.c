/* incident_deadlines.c — escalation and deadlines (R-ESC-1…3, R-NOT-4…6):
 * raising the response level, the time rule, and the scheduler's handler
 * for one due deadline row.  Internal deadline kinds (escalation,
 * progress_remind, renotify) are timers; the others are shown to people. */
#include "app/sched_metrics.h"
#include "app/records_kernel.h"
#include "app/cluster.h"
#include "app/incidents_int.h"
#include "core/duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_err od_inc_schedule_escalation(od_tx *tx, const od_policy *p, const inc *x, od_error *e)
{
    od_err rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e,
                           OD_BINDS(OD_INT(x->id), OD_TEXT(od_deadline_kind_key(OD_DL_ESCALATION))));
    if (rc || !od_inc_state_open(x->state))
        return rc;
    int64_t next = od_escalation_next_at(p, x->base, x->cur, x->detected);
    return od_incident_deadline_add(tx, x->id, OD_DL_ESCALATION, 0, next, next, e);
}

od_err od_inc_set_levels(od_tx *tx, const inc *x, int64_t now, od_error *e)
{
    return od_tx_exec(tx, OD_Q_INC_SET_LEVELS, e,
                      OD_BINDS(OD_TEXT(od_grade_key(x->level)), OD_TEXT(od_severity_key(x->sev)),
                               OD_BOOL(x->prov), OD_TEXT(od_resp_key(x->base)), OD_TEXT(od_resp_key(x->cur)),
                               OD_TEXT(od_resp_key(x->highest)),
                               OD_INT_NONZERO(x->deadline == OD_NO_TIME ? (int64_t)0 : x->deadline),
                               OD_INT(x->first_due), OD_TEXT(inc_str(x, "departments")), OD_INT(now),
                               OD_INT(x->id)));
}

od_err od_inc_set_clock(od_tx *tx, const od_policy *p, inc *x, od_resp clock, od_error *e)
{
    x->base = clock;
    x->deadline = od_handling_deadline(p, clock, x->detected);
    od_err rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("handling")));
    if (!rc)
        rc = od_incident_deadline_add(tx, x->id, OD_DL_HANDLING, 0, x->deadline,
                                      x->deadline == OD_NO_TIME ? OD_NO_TIME : x->deadline + 1, e);
    return rc;
}

/* A level confirmed above the current one runs on its own clock, from
 * detection (core od_clock_after_raise): the deadline moves, and a
 * confirmation late enough escalates further at once, as a late
 * registration does. */
od_err od_inc_raise_to(od_tx *tx, const od_policy *p, inc *x, od_resp to, int64_t now,
                       const od_principal *who, const char *reason, od_error *e)
{
    if (to >= x->cur)
        return OD_OK;
    od_resp clock = od_clock_after_raise(x->base, to);
    od_err rc = clock == x->base ? OD_OK : od_inc_set_clock(tx, p, x, clock, e);
    if (!rc)
        rc = od_inc_raise_level(tx, p, x, to, now, who, reason, e);
    if (!rc)
        rc = od_inc_escalate_by_time(tx, p, x, now, e);
    return rc;
}

/* Raises x->cur to `to` (more serious), records it, notifies the new level's
 * recipients (those of incident level Lk for Rk), shortens the progress
 * cadence; the closing authority follows highest_response. */
od_err od_inc_raise_level(od_tx *tx, const od_policy *p, inc *x, od_resp to, int64_t now,
                          const od_principal *who, const char *reason, od_error *e)
{
    if (to >= x->cur)
        return OD_OK;
    od_resp from = x->cur;
    x->cur = to;
    if (to < x->highest)
        x->highest = to;
    char cause[96];
    od_err rc = od_inc_set_levels(tx, x, now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_ESC_INSERT, e,
                        OD_BINDS(OD_INT(x->id), OD_TEXT(od_resp_key(from)), OD_TEXT(od_resp_key(to)),
                                 OD_INT(now), OD_TEXT(reason)));
    if (!rc)
        rc = od_inc_timeline(tx, x->id, now, who, "escalation", NULL, e,
                             "响应级别由 %s 升至 %s：%s (response raised %s → %s)", od_resp_name_zh(from),
                             od_resp_name_zh(to), reason, od_resp_key(from), od_resp_key(to));
    /* R-ESC-3: the recipients of Rk are those of incident level Lk; one
     * message per person (the join notice to new recipients carries the
     * ack request) */
    od_grade lk = od_resp_recipient_level(to);
    snprintf(cause, sizeof cause, "inc:%lld:esc:%s", (long long)x->id, od_resp_key(to));
    char join[112];
    snprintf(join, sizeof join, "%s:join", cause);
    msgspec m = {.kind = OD_MSG_ESCALATION, .from_level = od_resp_key(from), .reason = reason};
    if (!rc)
        rc = od_incident_escalation_notify(tx, p, x, lk, join, cause, &m, now, e);
    /* R-NOT-5: shorter progress cadence from now on */
    if (!rc && x->state != OD_INC_DETECTED) {
        od_rows *r = NULL;
        int64_t due = OD_NO_TIME;
        rc = od_tx_query(tx, OD_Q_DL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (strcmp(od_rows_text(r, 1), "progress") == 0 && strcmp(od_rows_text(r, 5), "pending") == 0)
                due = od_rows_int(r, 3);
        od_rows_close(r);
        int64_t nd = od_progress_due_after_escalation(p, to, due, now);
        if (!rc && nd != due) {
            rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("progress")));
            if (!rc)
                rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("progress_remind")));
            if (!rc)
                rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS, 0, nd, nd + 1, e);
            if (!rc && nd != OD_NO_TIME)
                rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS_REMIND, 0, nd,
                                              nd - p->progress_remind_before_ms, e);
        }
    }
    /* seed 000 ch. 7 §2.2: a plan activated at a lower level awaits the new
     * level's authority, within the report window (core/duties.h) */
    int64_t ad = x->state == OD_INC_ACTIVATED ? od_activation_due(p, to, now) : OD_NO_TIME;
    if (!rc && ad != OD_NO_TIME) {
        rc = od_tx_exec(tx, OD_Q_DL_CANCEL, e, OD_BINDS(OD_INT(x->id), OD_TEXT("activation")));
        if (!rc)
            rc = od_incident_deadline_add(tx, x->id, OD_DL_ACTIVATION, 0, ad, ad + 1, e);
    }
    if (!rc)
        rc = od_inc_schedule_escalation(tx, p, x, e);
    return rc;
}

/* Applies the time rule at `now` (late registration, scheduler). */
od_err od_inc_escalate_by_time(od_tx *tx, const od_policy *p, inc *x, int64_t now, od_error *e)
{
    if (!od_inc_state_open(x->state))
        return OD_OK;
    od_resp lvl = od_escalation_level_at(p, x->base, x->detected, now);
    if (lvl >= x->cur)
        return od_inc_schedule_escalation(tx, p, x, e);
    char reason[256];
    int64_t left = x->deadline == OD_NO_TIME ? 0 : (x->deadline - now) / MIN_MS;
    /* people read it in the timeline and in the SMS: Chinese, levels by name */
    snprintf(reason, sizeof reason, "剩余处理时间 %lld 分钟，不超过%s（%s）的处理时限 %lld 分钟",
             (long long)left, od_resp_name_zh(lvl), od_resp_key(lvl),
             (long long)(p->handling_limit_ms[lvl] / MIN_MS));
    return od_inc_raise_level(tx, p, x, lvl, now, NULL, reason, e);
}

/* ---- the scheduler's handler ---- */

/* The cadence of a periodic deadline kind for this incident; 0 = one-shot. */
static int64_t period_of(const od_policy *p, const inc *x, int kind)
{
    if (kind == OD_DL_PROGRESS) {
        int64_t every = od_progress_due(p, x->cur, 0);
        return every == OD_NO_TIME ? 0 : every;
    }
    if (kind == OD_DL_RENOTIFY)
        return p->renotify_every_ms > 0 ? p->renotify_every_ms : 0;
    return 0;
}

/* A progress deadline has come: one slot missed is recorded as itself and
 * the next is due one cadence later (the grid is kept); a run of slots
 * missed (a late registration, a server down, a jump of the clock) is one
 * record naming how many and between which times, with one reminder, and
 * the cadence starts again from now (od_deadline_fire_plan).  The run is
 * counted at the cadence of the current response level. */
static od_err progress_missed(od_tx *tx, const od_policy *p, const inc *x, int64_t deadline_id, int64_t due,
                              int64_t now, od_error *e)
{
    od_principal sys;
    od_principal_system(&sys);
    int64_t every = period_of(p, x, OD_DL_PROGRESS);
    bool open = od_inc_state_open(x->state);
    od_deadline_plan pl = od_deadline_fire_plan(OD_DL_PROGRESS, due, every, now);
    char t1[OD_MSG_TIME_MAX], t2[OD_MSG_TIME_MAX];
    od_err rc;
    if (open && pl.catch_up) {
        json_t *data = json_pack("{sI sI sI}", "missed", (json_int_t)pl.missed, "first_due",
                                 (json_int_t)pl.first_missed, "last_due", (json_int_t)pl.last_missed);
        od_msg_time(pl.first_missed, t1);
        od_msg_time(pl.last_missed, t2);
        rc =
            od_inc_timeline(tx, x->id, now, &sys, "deadline_missed", data, e,
                            "错过 %lld 次进展报告，%s 至 %s (missed %lld progress reports between %s and %s)",
                            (long long)pl.missed, t1, t2, (long long)pl.missed, t1, t2);
        json_decref(data);
    } else {
        rc = od_inc_timeline(tx, x->id, now, &sys, "deadline_missed", NULL, e,
                             "逾期：进展报告应于 %s 前完成 (missed: progress due %s)", od_msg_time(due, t1),
                             t1);
    }
    if (rc || !open)
        return rc;
    int64_t nd = every > 0 ? pl.next_due : OD_NO_TIME;
    rc =
        od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS, 0, nd, nd == OD_NO_TIME ? OD_NO_TIME : nd + 1, e);
    if (!rc && nd != OD_NO_TIME)
        rc = od_incident_deadline_add(tx, x->id, OD_DL_PROGRESS_REMIND, 0, nd,
                                      nd - p->progress_remind_before_ms, e);
    if (!rc && pl.catch_up) {
        /* the one reminder of a caught-up run, for the next report, to the
         * people who file it (seed 000 ch. 7 §2.1 item 8) */
        char cause[96];
        snprintf(cause, sizeof cause, "inc:%lld:remind:%lld", (long long)x->id, (long long)deadline_id);
        rc = od_incident_progress_remind(tx, p, x, cause, nd, now, e);
    }
    return rc;
}

/* A deadline row as the scheduler fires it. */
typedef struct dl_row {
    int64_t id, inc_id, recipient, due, fire;
    int kind; /* od_deadline_kind, or -1 */
} dl_row;

/* One due row being handled: where the clock is and where it is going in
 * this step (see od_incident_fire_deadline). */
typedef struct fire_ctx {
    od_tx *tx;
    const od_policy *p;
    inc x; /* the row's incident */
    dl_row d;
    int64_t now, horizon;
    const char *node; /* the firing node (deadlines.fired_by), NULL when not serving */
} fire_ctx;

/* Marks row id fired (status), by this node: exactly one row must change,
 * else another transaction fired it and nothing of this one is kept. */
static od_err mark_fired(fire_ctx *f, const char *status, od_error *e)
{
    od_err rc =
        od_tx_exec(f->tx, OD_Q_DL_FIRED, e, OD_BINDS(OD_TEXT(status), OD_TEXT(f->node), OD_INT(f->d.id)));
    if (!rc && od_tx_changes(f->tx) != 1)
        rc =
            od_error_set(e, OD_E_CONFLICT, NULL, "期限 %lld 已由别处处理 (deadline %lld was fired elsewhere)",
                         (long long)f->d.id, (long long)f->d.id);
    return rc;
}

/* Loads deadline row id; *found false when it is gone. */
static od_err dl_row_load(od_tx *tx, int64_t id, dl_row *d, bool *found, od_error *e)
{
    od_rows *r = NULL;
    *d = (dl_row){.id = id, .kind = -1};
    *found = false;
    od_err rc = od_tx_query(tx, OD_Q_DL_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, found);
    if (*found) {
        d->inc_id = od_rows_int(r, 1);
        d->kind = od_deadline_kind_parse(od_rows_text(r, 2));
        d->recipient = od_rows_null(r, 3) ? 0 : od_rows_int(r, 3);
        d->due = od_rows_int(r, 4);
        d->fire = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
    }
    od_rows_close(r);
    return rc;
}

/* The name people read for a deadline kind in a timeline entry. */
static const char *kind_name_zh(od_deadline_kind k)
{
    switch (k) {
    case OD_DL_ACK:
        return "接收确认";
    case OD_DL_FIRST_REPORT:
        return "首报";
    case OD_DL_HANDLING:
        return "处理";
    case OD_DL_PROGRESS:
        return "进展报告";
    case OD_DL_ACTIVATION:
        return "应急预案启动";
    default:
        return od_deadline_kind_key(k);
    }
}

/* " 王建国 " — the display name (else username) of user id, for a missed
 * acknowledgement that names whose it was; "" when the account is gone. */
static od_err person_label(od_tx *tx, int64_t id, char *buf, size_t cap, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    buf[0] = '\0';
    od_err rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        const char *dn = od_rows_text(r, 2);
        snprintf(buf, cap, "（%s）", dn && *dn ? dn : od_rows_text(r, 1));
    }
    od_rows_close(r);
    return rc;
}

/* R-NOT-6: a missed first report, handling or ack deadline is recorded
 * and shown; a missed ack re-notifies (R-NOT-4). */
static od_err fire_missed(fire_ctx *f, od_error *e)
{
    od_tx *tx = f->tx;
    const od_policy *p = f->p;
    inc *x = &f->x;
    const dl_row *d = &f->d;
    int64_t now = f->now, horizon = f->horizon;
    od_principal sys;
    od_principal_system(&sys);
    char t[OD_MSG_TIME_MAX], who[OD_NAME_MAX + 4] = "";
    od_err rc = d->recipient ? person_label(tx, d->recipient, who, sizeof who, e) : OD_OK;
    if (!rc)
        rc = od_inc_timeline(tx, x->id, now, &sys, "deadline_missed", NULL, e,
                             "逾期：%s%s应于 %s 前完成 (missed: %s%s due %s)",
                             kind_name_zh((od_deadline_kind)d->kind), who, od_msg_time(d->due, t),
                             od_deadline_kind_key((od_deadline_kind)d->kind), who, t);
    if (!rc && d->kind == OD_DL_ACK && od_inc_state_open(x->state)) {
        /* R-NOT-4: re-notify who has not acknowledged, again every
         * renotify_every; when the clock jumps past more than one of
         * those in this step, once at the end of the jump instead */
        int64_t ev = p->renotify_every_ms;
        if (ev > 0 && horizon > now && od_deadline_fire_plan(OD_DL_RENOTIFY, now, ev, horizon).catch_up)
            rc = od_incident_deadline_add(tx, x->id, OD_DL_RENOTIFY, d->recipient, horizon, horizon, e);
        else
            rc = od_incident_renotify(tx, p, x, d->recipient, now, e);
    }
    /* seed 000 ch. 7 §1 item 2: a missed first report waits for nobody —
     * the section head and up are told (duties.first_report_overdue) */
    if (!rc && d->kind == OD_DL_FIRST_REPORT && x->state == OD_INC_DETECTED)
        rc = od_incident_first_overdue_notify(tx, p, x, d->due, now, e);
    return rc;
}

/* R-NOT-4: re-notifies a recipient who has still not acknowledged; a
 * caught-up run is one re-notification, the next one every later. */
static od_err fire_renotify(fire_ctx *f, od_error *e)
{
    od_tx *tx = f->tx;
    inc *x = &f->x;
    const dl_row *d = &f->d;
    od_rows *rr = NULL;
    bool acked = true;
    od_err rc = od_tx_query(tx, OD_Q_RCP_GET, &rr, e, OD_BINDS(OD_INT(x->id), OD_INT(d->recipient)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(rr, &row)) && row)
        acked = !od_rows_null(rr, 1);
    od_rows_close(rr);
    if (!rc && !acked && od_inc_state_open(x->state))
        rc = od_incident_renotify(tx, f->p, x, d->recipient, f->now, e);
    return rc;
}

/* R-NOT-5: remind the owner before a progress report is due; a reminder
 * for a report already past due at the horizon is not sent (the missed
 * report is recorded, with its own reminder). */
static od_err fire_progress_remind(fire_ctx *f, od_error *e)
{
    inc *x = &f->x;
    const dl_row *d = &f->d;
    if (!od_inc_state_open(x->state) || f->horizon > d->due)
        return OD_OK;
    char cause[96];
    snprintf(cause, sizeof cause, "inc:%lld:remind:%lld", (long long)x->id, (long long)d->id);
    return od_incident_progress_remind(f->tx, f->p, x, cause, d->due, f->now, e);
}

/* True when incident x was resolved at or before the due time of the
 * people-facing deadline d (first report, handling, acknowledgement,
 * progress): such a deadline ends with the incident instead of being missed
 * after it.  A row due before the resolution and fired late (the clock
 * jumped over both) was missed while the incident was open, and is. */
static bool ended_with_incident(const inc *x, const dl_row *d)
{
    if (od_inc_state_open(x->state))
        return false;
    if (d->kind != OD_DL_ACK && d->kind != OD_DL_FIRST_REPORT && d->kind != OD_DL_HANDLING &&
        d->kind != OD_DL_PROGRESS && d->kind != OD_DL_ACTIVATION)
        return false;
    json_t *res = json_object_get(x->row, "resolved_at");
    return !json_is_integer(res) || json_integer_value(res) <= d->due;
}

/* Handles the due row d of incident x; *done = the state the row ends in
 * ("done", "missed"), NULL when the handler has already set it. */
static od_err fire_kind(fire_ctx *f, const char **done, od_error *e)
{
    od_tx *tx = f->tx;
    const od_policy *p = f->p;
    inc *x = &f->x;
    const dl_row *d = &f->d;
    int64_t now = f->now, horizon = f->horizon;
    od_err rc = OD_OK;
    *done = "done";
    int64_t every = period_of(p, x, d->kind);
    if (horizon > now && every > 0 && od_inc_state_open(x->state) &&
        od_deadline_fire_plan((od_deadline_kind)d->kind, d->due, every, horizon).catch_up) {
        /* the clock jumps to `horizon` in this step and nobody can act in
         * between: the run of slots is caught up once there, not replayed */
        *done = NULL;
        rc = od_tx_exec(tx, OD_Q_DL_POSTPONE, e, OD_BINDS(OD_INT(horizon), OD_INT(d->id)));
        if (!rc && od_tx_changes(tx) != 1)
            rc = od_error_set(e, OD_E_CONFLICT, NULL,
                              "期限 %lld 已由别处处理 (deadline %lld was fired elsewhere)", (long long)d->id,
                              (long long)d->id);
        return rc;
    }
    if (ended_with_incident(x, d)) {
        /* the incident was resolved before this was due: the deadline ended
         * with it, nothing is missed, nobody is told */
        *done = "ended";
        return OD_OK;
    }
    switch (d->kind) {
    case OD_DL_ESCALATION:
        /* escalation to the level the time rule gives at now: one record
         * however many steps passed (od_escalation_level_at), idempotent */
        rc = mark_fired(f, "done", e);
        if (!rc)
            rc = od_inc_escalate_by_time(tx, p, x, now, e);
        *done = NULL;
        break;
    case OD_DL_PROGRESS:
        *done = "missed";
        rc = progress_missed(tx, p, x, d->id, d->due, now, e);
        break;
    case OD_DL_FIRST_REPORT:
    case OD_DL_HANDLING:
    case OD_DL_ACK:
    case OD_DL_ACTIVATION:
        *done = "missed";
        rc = fire_missed(f, e);
        break;
    case OD_DL_RENOTIFY:
        rc = fire_renotify(f, e);
        break;
    case OD_DL_PROGRESS_REMIND:
        rc = fire_progress_remind(f, e);
        break;
    default:
        break;
    }
    return rc;
}

/* The next due row at now (fire_at <= now), locked on PostgreSQL (SKIP
 * LOCKED: a row another node holds is passed over); *found false if none. */
static od_err dl_claim_next(od_tx *tx, int64_t now, dl_row *d, bool *found, od_error *e)
{
    od_rows *r = NULL;
    *d = (dl_row){.kind = -1};
    *found = false;
    od_err rc = od_tx_query(tx, OD_Q_DL_NEXT_DUE, &r, e, OD_BINDS(OD_INT(now)));
    if (!rc)
        rc = od_rows_step(r, found);
    if (*found) {
        d->id = od_rows_int(r, 0);
        d->inc_id = od_rows_int(r, 1);
        d->fire = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
    }
    od_rows_close(r);
    return rc;
}

od_err od_incident_fire_next(od_app *a, int64_t now, int64_t horizon, int64_t *id, bool *fired, od_error *e)
{
    *id = 0;
    *fired = false;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    /* due by the database clock (SQLite: the node's own); a manual test
     * clock is the one time every node shares */
    if (!a->clock.manual && !(rc = od_tx_scalar(tx, OD_Q_DB_NOW, &now, e, OD_BINDS(OD_INT(now)))) &&
        horizon < now)
        horizon = now;
    const char *node = od_app_node_id(a);
    fire_ctx f = {.tx = tx, .p = a->policy, .now = now, .horizon = horizon, .node = *node ? node : NULL};
    bool found = false;
    if (!rc)
        rc = dl_claim_next(tx, now, &f.d, &found, e);
    if (rc || !found) {
        od_tx_rollback(tx);
        return rc;
    }
    *id = f.d.id;
    if (f.d.inc_id == 0) { /* a record's deadline (a clock threshold, a schedule effect) */
        rc = od_record_fire_deadline(a->policy, tx, *id, now, f.node, fired, e);
        if (!rc && *fired)
            rc = od_tx_commit(tx, e);
        else
            od_tx_rollback(tx);
        *fired = *fired && rc == OD_OK;
        if (*fired)
            od_sched_lag_observe(now - f.d.fire);
        return rc;
    }
    /* the incident first (every writer of one incident waits here), then
     * the row again: still due, as it is now under the locks */
    rc = od_inc_load_locked(tx, f.d.inc_id, &f.x, e);
    if (!rc)
        rc = dl_row_load(tx, *id, &f.d, &found, e);
    if (rc || !found || !f.d.fire || f.d.fire > now) { /* gone, or no longer due */
        od_inc_free(&f.x);
        od_tx_rollback(tx);
        return rc;
    }
    const char *done = NULL;
    int64_t fire_at = f.d.fire; /* as claimed: firing may move it on */
    rc = fire_kind(&f, &done, e);
    if (!rc && done)
        rc = mark_fired(&f, done, e);
    od_inc_free(&f.x);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    *fired = rc == OD_OK;
    if (*fired)
        od_sched_lag_observe(now - fire_at);
    return rc;
}
