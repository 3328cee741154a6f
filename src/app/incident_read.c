/* incident_read.c — reading incidents: one incident with its CIs,
 * deadlines, escalations, recipients, reports, timeline and messages; the
 * list (scope-filtered, paginated) and the case library search. */
#include "app/incidents_int.h"
#include "core/duties.h"
#include "app/list.h"
#include "app/search.h"
#include "core/known_error.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- read ---- */

static json_t *time_or_null(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms == OD_NO_TIME || ms == 0 ? json_null() : json_string(od_time_format(ms, t));
}

static json_t *row_time(const inc *x, const char *k)
{
    json_t *v = json_object_get(x->row, k);
    return json_is_integer(v) ? time_or_null((int64_t)json_integer_value(v)) : json_null();
}

/* The incident's own columns, the roles that may activate and close it. */
static json_t *json_record(const od_policy *p, const inc *x)
{
    json_t *o = json_pack("{sI ss ss ss ss ss ss sb ss ss ss sb}", "id", (json_int_t)x->id, "number",
                          inc_str(x, "number"), "title", inc_str(x, "title"), "state", inc_str(x, "state"),
                          "state_zh", od_inc_state_name_zh(x->state), "level", od_grade_key(x->level),
                          "severity", od_severity_key(x->sev), "severity_provisional", x->prov,
                          "response_level", od_resp_key(x->cur), "base_response_level", od_resp_key(x->base),
                          "highest_response_level", od_resp_key(x->highest), "drill", x->drill);
    json_object_set_new(o, "handling_deadline", time_or_null(x->deadline));
    json_object_set_new(o, "first_report_due", time_or_null(x->first_due));
    json_object_set_new(o, "detected_at", time_or_null(x->detected));
    static const char *const tcols[] = {"registered_at", "activated_at", "resolved_at",
                                        "closed_at",     "reviewed_at",  "updated_at"};
    for (size_t i = 0; i < sizeof tcols / sizeof *tcols; i++)
        json_object_set_new(o, tcols[i], row_time(x, tcols[i]));
    json_object_set_new(o, "location", json_string(inc_str(x, "location")));
    json_object_set_new(o, "symptoms", json_string(inc_str(x, "symptoms")));
    json_object_set_new(o, "impact_scope", json_string(inc_str(x, "impact_scope")));
    json_object_set_new(o, "activation_role", json_string(od_role_key(od_activation_role(p, x->cur))));
    json_object_set_new(o, "closing_role", json_string(od_role_key(od_activation_role(p, x->highest))));
    return o;
}

static od_err json_cis(od_tx *tx, const od_policy *p, const inc *x, json_t *o, od_error *e)
{
    od_rows *r = NULL;
    json_t *cis = json_array();
    json_object_set_new(o, "cis", cis);
    od_err rc = od_tx_query(tx, OD_Q_INC_CI_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(cis, json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "name",
                                             od_rows_text(r, 1), "category", od_rows_text(r, 2), "grade",
                                             od_rows_text(r, 3), "department", od_rows_text(r, 4)));
    od_rows_close(r);
    if (rc)
        return rc;
    /* seed 000 ch. 7 §2.2, §2.4: the level the plan was last activated at
     * (null: not activated) and whether the new level's authority may
     * activate again after an escalation (core/duties.h) */
    rc = od_tx_query(tx, OD_Q_INC_ACTIVATION_GET, &r, e, OD_BINDS(OD_INT(x->id)));
    int lv = OD_NOT_ACTIVATED;
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
        lv = od_resp_parse(od_rows_text(r, 0));
    od_rows_close(r);
    json_object_set_new(o, "activated_level", lv >= 0 ? json_string(od_resp_key((od_resp)lv)) : json_null());
    json_object_set_new(o, "reactivation_due", json_boolean(od_reactivation_allowed(x->state, x->cur, lv)));
    /* the light path: whether this level's plan must be activated before the
     * final report (duties.activation_required, docs/policy.md) */
    json_object_set_new(o, "activation_required", json_boolean(od_activation_required(p, x->cur)));
    /* seed 000 ch. 7 §1 item 3: a level taken from candidates (就高) */
    int64_t lp = 0;
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_INC_LEVEL_PROV_GET, &lp, e, OD_BINDS(OD_INT(x->id)));
    json_object_set_new(o, "level_provisional", json_boolean(lp != 0));
    /* seed 000 ch. 8 §1: the handling department, which leads the review */
    if (!rc)
        rc = od_tx_query(tx, OD_Q_INC_HANDLING_GET, &r, e, OD_BINDS(OD_INT(x->id)));
    const char *hd = "";
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 0))
        hd = od_rows_text(r, 0);
    json_object_set_new(o, "handling_department", json_string(od_handling_department(p, hd)));
    od_rows_close(r);
    return rc;
}

/* When a resolved (or later) incident was resolved; 0 while it is open. */
static int64_t resolved_at(const inc *x)
{
    json_t *res = json_object_get(x->row, "resolved_at");
    return !od_inc_state_open(x->state) && json_is_integer(res) ? json_integer_value(res) : 0;
}

/* One visible deadline row with met/missed at now.  A deadline ends with
 * its incident: once the incident is resolved (at `resolved`, else 0), a
 * deadline not met and not yet due at the resolution is "ended", neither
 * pending nor missed, and stops counting. */
static json_t *json_deadline(od_rows *r, int64_t now, int64_t resolved)
{
    int64_t due = od_rows_int(r, 3), met = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
    bool ended = strcmp(od_rows_text(r, 5), "ended") == 0 || (resolved && !met && due >= resolved);
    od_deadline_state ds = od_deadline_state_at(due, met, resolved && !met ? resolved : now);
    json_t *d = json_pack("{ss so so sb ss}", "kind", od_rows_text(r, 1), "due_at", time_or_null(due),
                          "met_at", time_or_null(met), "missed",
                          !ended && (ds == OD_DLS_MISSED || ds == OD_DLS_MET_LATE), "state",
                          ended                  ? "ended"
                          : ds == OD_DLS_PENDING ? "pending"
                          : ds == OD_DLS_MET     ? "met"
                          : ds == OD_DLS_MISSED  ? "missed"
                                                 : "met_late");
    if (!od_rows_null(r, 2))
        json_object_set_new(d, "recipient_id", json_integer(od_rows_int(r, 2)));
    return d;
}

/* Deadlines: visible ones with met/missed, and the next escalation. */
static od_err json_deadlines(od_tx *tx, const inc *x, int64_t now, json_t *o, od_error *e)
{
    od_rows *r = NULL;
    json_t *dls = json_array();
    int64_t next_esc = OD_NO_TIME, resolved = resolved_at(x);
    od_err rc = od_tx_query(tx, OD_Q_DL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int k = od_deadline_kind_parse(od_rows_text(r, 1));
        const char *st = od_rows_text(r, 5);
        if (k == OD_DL_ESCALATION) {
            if (strcmp(st, "pending") == 0)
                next_esc = od_rows_int(r, 3);
            continue;
        }
        if (!od_deadline_kind_shown(k) || strcmp(st, "cancelled") == 0)
            continue;
        json_array_append_new(dls, json_deadline(r, now, resolved));
    }
    od_rows_close(r);
    json_object_set_new(o, "deadlines", dls);
    json_object_set_new(o, "next_escalation_at", time_or_null(next_esc));
    return rc;
}

static od_err json_escalations(od_tx *tx, const inc *x, json_t *esc, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_ESC_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(esc,
                              json_pack("{ss ss so ss}", "from", od_rows_text(r, 0), "to", od_rows_text(r, 1),
                                        "at", time_or_null(od_rows_int(r, 2)), "reason", od_rows_text(r, 3)));
    od_rows_close(r);
    return rc;
}

/* The recipients with their acknowledgement state, and the acks alone. */
static od_err json_recipients(od_tx *tx, const inc *x, int64_t now, json_t *rcp, json_t *acks, od_error *e)
{
    int64_t end = resolved_at(x);
    if (end && end < now) /* an acknowledgement not due at the resolution is not overdue after it */
        now = end;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_RCP_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t due = od_rows_null(r, 5) ? OD_NO_TIME : od_rows_int(r, 5);
        int64_t acked = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
        json_t *u = json_pack("{sI ss ss ss so so so}", "user_id", (json_int_t)od_rows_int(r, 0), "username",
                              od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "reason",
                              od_rows_text(r, 3), "notified_at", time_or_null(od_rows_int(r, 4)), "ack_due",
                              time_or_null(due), "acked_at", time_or_null(acked));
        /* seed 000 ch. 7 §2.1 item 6 (duties.ack_required): whether this
         * person owes the acknowledgement, or is told only */
        json_object_set_new(u, "ack_required", json_boolean(due != OD_NO_TIME));
        json_object_set_new(u, "ack_overdue", json_boolean(due != OD_NO_TIME && !acked && now > due));
        json_array_append_new(rcp, u);
        if (acked)
            json_array_append_new(acks, json_pack("{sI ss so}", "user_id", (json_int_t)od_rows_int(r, 0),
                                                  "username", od_rows_text(r, 1), "at", time_or_null(acked)));
    }
    od_rows_close(r);
    return rc;
}

/* Seed 000 ch. 7 §1 item 6: each recipient who must be reachable around
 * the clock and has no mobile number is flagged (unreachable_24h). */
static od_err json_reachability(od_tx *tx, const od_policy *p, json_t *rcp, od_error *e)
{
    od_err rc = OD_OK;
    size_t i;
    json_t *u;
    json_array_foreach(rcp, i, u)
    {
        bool bad = false;
        if (!rc)
            rc = od_user_unreachable(tx, p, (int64_t)json_integer_value(json_object_get(u, "user_id")), &bad,
                                     e);
        json_object_set_new(u, "unreachable_24h", json_boolean(bad));
    }
    return rc;
}

/* The display name of the account in column `name_col` (people read names,
 * not usernames), else the username of column `user_col` (the system, an
 * account without a display name). */
static json_t *person_name(od_rows *r, int name_col, int user_col)
{
    const char *n = od_rows_null(r, name_col) ? NULL : od_rows_text(r, name_col);
    return json_string(n && *n ? n : od_rows_text(r, user_col));
}

static od_err json_reports(od_tx *tx, const od_policy *p, const inc *x, json_t *reps, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_REP_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *body = json_loads(od_rows_text(r, 4), 0, NULL);
        char dn[2 * OD_NAME_MAX + 8];
        json_t *rep = json_pack(
            "{ss so ss ss ss so}", "kind", od_rows_text(r, 0), "at", time_or_null(od_rows_int(r, 1)),
            "author", od_rows_text(r, 2), "desk", od_rows_text(r, 3), "desk_name",
            od_incident_desk_name(p, od_rows_text(r, 3), dn), "fields", body ? body : json_object());
        json_object_set_new(rep, "author_name", person_name(r, 5, 2));
        json_array_append_new(reps, rep);
    }
    od_rows_close(r);
    return rc;
}

static od_err json_timeline(od_tx *tx, const inc *x, json_t *tl, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_TL_LIST, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *t = json_pack("{so ss ss ss}", "at", time_or_null(od_rows_int(r, 0)), "actor",
                              od_rows_text(r, 1), "kind", od_rows_text(r, 2), "text", od_rows_text(r, 3));
        json_object_set_new(t, "actor_name", person_name(r, 5, 1));
        json_array_append_new(tl, t);
    }
    od_rows_close(r);
    return rc;
}

static od_err json_messages(od_tx *tx, const inc *x, json_t *msgs, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_OUTBOX_OF_INC, &r, e, OD_BINDS(OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(
            msgs, json_pack("{sI ss sI ss ss ss ss sI so}", "id", (json_int_t)od_rows_int(r, 0), "cause",
                            od_rows_text(r, 1), "recipient_id", (json_int_t)od_rows_int(r, 2), "channel",
                            od_rows_text(r, 3), "kind", od_rows_text(r, 5), "desk", od_rows_text(r, 6),
                            "status", od_rows_text(r, 8), "attempts", (json_int_t)od_rows_int(r, 9),
                            "created_at", time_or_null(od_rows_int(r, 10))));
    od_rows_close(r);
    return rc;
}

/* R-NOT-7: messages that failed after the policy's attempt limit, with the last error. */
static od_err json_failed(od_tx *tx, const od_policy *p, const inc *x, json_t *failed, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_NTF_FAILED_OF_INC, &r, e, OD_BINDS(OD_INT(x->id), OD_INT(x->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char dn[2 * OD_NAME_MAX + 8];
        json_t *f = json_pack(
            "{ss sI ss ss ss ss sI ss ss}", "queue", od_rows_text(r, 0), "id", (json_int_t)od_rows_int(r, 1),
            "channel", od_rows_text(r, 3), "kind", od_rows_text(r, 4), "desk", od_rows_text(r, 5),
            "desk_name", od_incident_desk_name(p, od_rows_text(r, 5), dn), "attempts",
            (json_int_t)od_rows_int(r, 6), "error", od_rows_text(r, 7), "cause", od_rows_text(r, 8));
        json_object_set_new(f, "recipient_id",
                            od_rows_null(r, 2) ? json_null() : json_integer(od_rows_int(r, 2)));
        json_array_append_new(failed, f);
    }
    od_rows_close(r);
    return rc;
}

/* What only the full view has: escalations, recipients, acks, reports,
 * timeline, messages and failed messages. */
static od_err json_history(od_tx *tx, const od_policy *p, const inc *x, int64_t now, json_t *o, od_error *e)
{
    json_t *esc = json_array(), *rcp = json_array(), *acks = json_array(), *reps = json_array(),
           *tl = json_array(), *msgs = json_array(), *failed = json_array();
    json_object_set_new(o, "escalations", esc);
    json_object_set_new(o, "recipients", rcp);
    json_object_set_new(o, "acks", acks);
    json_object_set_new(o, "reports", reps);
    json_object_set_new(o, "timeline", tl);
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "failed_messages", failed);
    od_err rc = json_escalations(tx, x, esc, e);
    if (!rc)
        rc = json_recipients(tx, x, now, rcp, acks, e);
    if (!rc)
        rc = json_reachability(tx, p, rcp, e);
    if (!rc)
        rc = json_reports(tx, p, x, reps, e);
    if (!rc)
        rc = json_timeline(tx, x, tl, e);
    if (!rc)
        rc = json_messages(tx, x, msgs, e);
    if (!rc)
        rc = json_failed(tx, p, x, failed, e);
    return rc;
}

/* The incident as the API shows it: the list's summary, or with full the
 * whole history as well.  On success *out is new, else nothing. */
static od_err incident_json(od_app *a, od_tx *tx, const inc *x, bool full, json_t **out, od_error *e)
{
    int64_t now = od_app_now(a);
    json_t *o = json_record(a->policy, x);
    od_err rc = json_cis(tx, a->policy, x, o, e);
    if (!rc)
        rc = od_inc_owner_json(tx, x->id, o, e);
    if (!rc)
        rc = json_deadlines(tx, x, now, o, e);
    if (!rc && full)
        rc = json_history(tx, a->policy, x, now, o, e);
    if (rc)
        json_decref(o);
    else
        *out = o;
    return rc;
}

od_err od_incident_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    inc x;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_inc_load(tx, who, id, &x, e);
    if (!rc)
        rc = incident_json(a, tx, &x, true, out, e);
    od_inc_free(&x);
    od_tx_rollback(tx);
    return rc;
}

/* The filters of the incident list, bound after the leading key and cursor
 * of INC_LIST* / INC_COUNT* (queries_lists.h). */
typedef struct inc_filter {
    const char *st, *lv, *rs, *qq, *like;
    int64_t drill, before;
    int64_t mine, me, owned; /* awaiting my acknowledgement, my id, owned by me */
    bool like_only;          /* a sorted list: q is a residual LIKE whatever its length */
    int text_min;            /* od_store_text_index_min */
} inc_filter;

/* The index a list leads with: the full-text index for a text q of
 * od_store_text_index_min characters or more (INC_LIST_TEXT: shorter ones
 * are residual LIKE terms), else state, else level, else the id order. */
enum { INC_BY_ID, INC_BY_STATE, INC_BY_LEVEL, INC_BY_RESP, INC_BY_TEXT, INC_BY_MINE, INC_BY_OWNED };

/* The filter that leads: the full-text index, else the acknowledgements
 * owed or the owner (few rows each), else state, level, response level. */
static int inc_lead(const inc_filter *f)
{
    if (!f->like_only && *f->qq && od_utf8_count(f->qq, strlen(f->qq)) >= (size_t)f->text_min)
        return INC_BY_TEXT;
    if (f->mine)
        return INC_BY_MINE;
    if (f->owned)
        return INC_BY_OWNED;
    return *f->st ? INC_BY_STATE : *f->lv ? INC_BY_LEVEL : *f->rs ? INC_BY_RESP : INC_BY_ID;
}

static od_err inc_rows(od_tx *tx, const inc_filter *f, int64_t limit, int64_t offset, od_rows **r,
                       od_error *e)
{
    switch (inc_lead(f)) {
    case INC_BY_TEXT:
        return od_tx_query(tx, OD_Q_INC_LIST_TEXT, r, e,
                           OD_BINDS(OD_TEXT(f->qq), OD_TEXT(f->qq), OD_INT(f->before), OD_TEXT(f->st),
                                    OD_TEXT(f->st), OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs),
                                    OD_TEXT(f->rs), OD_INT(f->drill), OD_INT(f->drill), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case INC_BY_MINE:
        return od_tx_query(tx, OD_Q_INC_LIST_MINE, r, e,
                           OD_BINDS(OD_INT(f->me), OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case INC_BY_OWNED:
        return od_tx_query(tx, OD_Q_INC_LIST_OWNED, r, e,
                           OD_BINDS(OD_INT(f->me), OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case INC_BY_STATE:
        return od_tx_query(tx, OD_Q_INC_LIST_STATE, r, e,
                           OD_BINDS(OD_TEXT(f->st), OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case INC_BY_LEVEL:
        return od_tx_query(tx, OD_Q_INC_LIST_LEVEL, r, e,
                           OD_BINDS(OD_TEXT(f->lv), OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case INC_BY_RESP:
        return od_tx_query(tx, OD_Q_INC_LIST_RESP, r, e,
                           OD_BINDS(OD_TEXT(f->rs), OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    default:
        return od_tx_query(tx, OD_Q_INC_LIST, r, e,
                           OD_BINDS(OD_INT(f->before), OD_TEXT(f->st), OD_TEXT(f->st), OD_TEXT(f->lv),
                                    OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs), OD_INT(f->drill),
                                    OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine), OD_INT(f->me),
                                    OD_INT(f->owned), OD_INT(f->me), OD_INT(limit), OD_INT(offset)));
    }
}

/* The total of every page (the cursor left out), counted to cap rows.
 * By the leading index alone when no other filter is given (no row read);
 * else the residual filters read each row counted, and cap is the smaller
 * od_list_count_cap_rows (inc_count_reads_rows). */
static bool inc_count_reads_rows(const inc_filter *f)
{
    bool others = f->drill != -1 || f->mine || f->owned;
    if (inc_lead(f) == INC_BY_TEXT)
        return others || *f->st || *f->lv || *f->rs;
    if (others || *f->qq)
        return true;
    return *f->rs ? *f->st || *f->lv : *f->st && *f->lv;
}

static od_err inc_count(od_tx *tx, const inc_filter *f, int64_t cap, int64_t *total, od_error *e)
{
    /* the leading filter alone: its index answers without reading a row */
    if (!inc_count_reads_rows(f)) {
        if (inc_lead(f) == INC_BY_TEXT)
            return od_tx_scalar(tx, OD_Q_INC_COUNT_TEXT_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->qq), OD_TEXT(f->qq), OD_INT(cap)));
        if (*f->rs)
            return od_tx_scalar(tx, OD_Q_INC_COUNT_RESP_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->rs), OD_INT(cap)));
        if (*f->st)
            return od_tx_scalar(tx, OD_Q_INC_COUNT_STATE_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->st), OD_INT(cap)));
        if (*f->lv)
            return od_tx_scalar(tx, OD_Q_INC_COUNT_LEVEL_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->lv), OD_INT(cap)));
        return od_tx_scalar(tx, OD_Q_INC_COUNT_ALL, total, e, OD_BINDS(OD_INT(cap)));
    }
    switch (inc_lead(f)) {
    case INC_BY_TEXT:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_TEXT, total, e,
                            OD_BINDS(OD_TEXT(f->qq), OD_TEXT(f->qq), OD_INT(INT64_MAX), OD_TEXT(f->st),
                                     OD_TEXT(f->st), OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs),
                                     OD_TEXT(f->rs), OD_INT(f->drill), OD_INT(f->drill), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    case INC_BY_MINE:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_MINE, total, e,
                            OD_BINDS(OD_INT(f->me), OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st),
                                     OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                     OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    case INC_BY_OWNED:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_OWNED, total, e,
                            OD_BINDS(OD_INT(f->me), OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st),
                                     OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                     OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    case INC_BY_STATE:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_STATE, total, e,
                            OD_BINDS(OD_TEXT(f->st), OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st),
                                     OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                     OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    case INC_BY_LEVEL:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_LEVEL, total, e,
                            OD_BINDS(OD_TEXT(f->lv), OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st),
                                     OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                     OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    case INC_BY_RESP:
        return od_tx_scalar(tx, OD_Q_INC_COUNT_RESP, total, e,
                            OD_BINDS(OD_TEXT(f->rs), OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st),
                                     OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                     OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                     OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    default:
        return od_tx_scalar(tx, OD_Q_INC_COUNT, total, e,
                            OD_BINDS(OD_INT(INT64_MAX), OD_TEXT(f->st), OD_TEXT(f->st), OD_TEXT(f->lv),
                                     OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs), OD_INT(f->drill),
                                     OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine), OD_INT(f->me),
                                     OD_INT(f->owned), OD_INT(f->me), OD_INT(cap)));
    }
}

/* The orders other than the default (id, newest first): each walks one
 * index from a keyset cursor (key, id) (queries_inc_sort.h). */
enum { SORT_DEFAULT, SORT_ID_ASC, SORT_DET_DESC, SORT_DET_ASC, SORT_LVL_ASC, SORT_LVL_DESC };

typedef struct inc_cursor {
    int sort;
    int64_t key, id; /* the key of the id and detection sorts */
    char lv[8];      /* the key of the level sorts */
} inc_cursor;

static od_err inc_sort_parse(const od_incident_query *qry, inc_cursor *c, od_error *e)
{
    static const char *const names[] = {"-id", "id", "-detected_at", "detected_at", "level", "-level"};
    const char *s = qry->sort && *qry->sort ? qry->sort : "-id", *after = qry->after ? qry->after : "";
    memset(c, 0, sizeof *c);
    c->sort = -1;
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            c->sort = i;
    if (c->sort < 0)
        return od_error_set(
            e, OD_E_INVALID, "sort",
            "sort 须为 -id、id、-detected_at、detected_at、level 或 -level (sort must be -id, id, "
            "-detected_at, detected_at, level or -level)");
    if (c->sort == SORT_DEFAULT && *after)
        return od_error_set(
            e, OD_E_INVALID, "after",
            "按编号倒序（默认排序）时用 before_id 翻页 (the default order pages by before_id)");
    if (c->sort != SORT_DEFAULT && qry->before_id > 0)
        return od_error_set(e, OD_E_INVALID, "before_id",
                            "按列排序时用 after 翻页 (a list sorted by a column pages by after)");
    /* no cursor: from the first row of the order */
    c->key = c->sort == SORT_DET_DESC ? INT64_MAX : c->sort == SORT_DET_ASC ? INT64_MIN : 0;
    c->id = c->sort == SORT_DET_DESC || c->sort == SORT_LVL_DESC ? INT64_MAX
            : c->sort == SORT_DET_ASC                            ? INT64_MIN
                                                                 : 0;
    snprintf(c->lv, sizeof c->lv, "%s", c->sort == SORT_LVL_DESC ? "ZZZZ" : "");
    if (!*after)
        return OD_OK;
    const char *dot = strrchr(after, '.');
    char *end = NULL;
    bool ok = dot && dot != after && dot[1] && strlen(after) < 64;
    if (ok) {
        errno = 0;
        long long id = strtoll(dot + 1, &end, 10);
        ok = !errno && *end == '\0' && id >= 0 && dot[1] >= '0' && dot[1] <= '9';
        c->id = id;
    }
    if (ok && (c->sort == SORT_LVL_ASC || c->sort == SORT_LVL_DESC)) {
        size_t n = (size_t)(dot - after);
        ok = n < sizeof c->lv;
        if (ok) {
            memcpy(c->lv, after, n);
            c->lv[n] = '\0';
            ok = od_grade_parse(c->lv) >= 0;
        }
    } else if (ok) {
        char num[64];
        memcpy(num, after, (size_t)(dot - after));
        num[dot - after] = '\0';
        errno = 0;
        long long k = strtoll(num, &end, 10);
        const char *d = num[0] == '-' ? num + 1 : num; /* digits only: no sign but a minus, no blank */
        ok = !errno && *end == '\0' && *d >= '0' && *d <= '9' &&
             (c->sort != SORT_ID_ASC || (k >= 0 && k == c->id));
        c->key = k;
    }
    if (!ok)
        return od_error_set(
            e, OD_E_INVALID, "after",
            "after 须为上一页的 next_after (after must be the next_after of the page before)");
    return OD_OK;
}

static od_err inc_sorted_rows(od_tx *tx, const inc_filter *f, const inc_cursor *c, int64_t limit,
                              int64_t offset, od_rows **r, od_error *e)
{
    switch (c->sort) {
    case SORT_ID_ASC:
        return od_tx_query(tx, OD_Q_INC_SORT_ID_ASC, r, e,
                           OD_BINDS(OD_INT(c->key), OD_INT(c->id), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case SORT_DET_DESC:
        return od_tx_query(tx, OD_Q_INC_SORT_DETECTED_DESC, r, e,
                           OD_BINDS(OD_INT(c->key), OD_INT(c->id), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case SORT_DET_ASC:
        return od_tx_query(tx, OD_Q_INC_SORT_DETECTED_ASC, r, e,
                           OD_BINDS(OD_INT(c->key), OD_INT(c->id), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    case SORT_LVL_ASC:
        return od_tx_query(tx, OD_Q_INC_SORT_LEVEL_ASC, r, e,
                           OD_BINDS(OD_TEXT(c->lv), OD_INT(c->id), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    default: /* SORT_LVL_DESC */
        return od_tx_query(tx, OD_Q_INC_SORT_LEVEL_DESC, r, e,
                           OD_BINDS(OD_TEXT(c->lv), OD_INT(c->id), OD_TEXT(f->st), OD_TEXT(f->st),
                                    OD_TEXT(f->lv), OD_TEXT(f->lv), OD_TEXT(f->rs), OD_TEXT(f->rs),
                                    OD_INT(f->drill), OD_INT(f->drill), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_INT(f->mine),
                                    OD_INT(f->me), OD_INT(f->owned), OD_INT(f->me), OD_INT(limit),
                                    OD_INT(offset)));
    }
}

od_err od_incident_list(od_app *a, const od_principal *who, const od_incident_query *qry, json_t **out,
                        od_error *e)
{
    *out = NULL;
    inc_filter f = {qry->state ? qry->state : "",
                    qry->level ? qry->level : "",
                    qry->response ? qry->response : "",
                    qry->q ? qry->q : "",
                    NULL,
                    qry->drill,
                    qry->before_id > 0 ? qry->before_id : INT64_MAX,
                    0,
                    0,
                    0,
                    false,
                    od_store_text_index_min(a->store)};
    int64_t limit = qry->limit, offset = qry->offset;
    inc_cursor cur;
    od_err src = inc_sort_parse(qry, &cur, e);
    if (src)
        return src;
    f.like_only = cur.sort != SORT_DEFAULT;
    /* awaiting my acknowledgement: open incidents where who is a recipient
     * who has not acknowledged (the "待我处理" list) */
    f.mine = qry->awaiting_my_ack ? 1 : 0;
    f.me = who ? who->id : 0;
    f.owned = qry->owned_by_me ? 1 : 0;
    char *like = od_store_like_pattern(f.qq);
    if (!like)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    f.like = like;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0;
    bool estimated = false;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        free(like);
        json_decref(items);
        return rc;
    }
    /* scoped principals: rows filtered here and paginated over the visible
     * ones (as od_ci_list), so neither the page nor the total counts an
     * incident they may not see */
    bool scoped = who && who->id != 0 && who->n_scopes > 0;
    int64_t cap = od_list_count_cap(a, limit, offset);
    if (!scoped) {
        int64_t ccap = inc_count_reads_rows(&f) ? od_list_count_cap_rows(a, limit, offset) : cap;
        rc = inc_count(tx, &f, ccap, &total, e);
        estimated = total >= ccap;
    }
    int64_t ids[500];
    od_page pg = od_page_start(limit < 500 ? limit : 500, offset);
    int n = 0;
    if (!rc && cur.sort == SORT_DEFAULT)
        rc = inc_rows(tx, &f, scoped ? (int64_t)-1 : limit, scoped ? (int64_t)0 : offset, &r, e);
    else if (!rc)
        rc = inc_sorted_rows(tx, &f, &cur, scoped ? (int64_t)-1 : limit, scoped ? (int64_t)0 : offset, &r, e);
    bool row = false;
    char last_key[32] = "";
    /* scoped: visible rows are counted up to the cap too (the page is full by then) */
    while (!rc && !(scoped && pg.seen >= cap) && !(rc = od_rows_step(r, &row)) && row)
        if (scoped ? od_page_take(&pg, od_principal_in_any_scope(who, od_rows_text(r, 1))) : n < 500) {
            ids[n++] = od_rows_int(r, 0);
            if (cur.sort == SORT_LVL_ASC || cur.sort == SORT_LVL_DESC)
                snprintf(last_key, sizeof last_key, "%s", od_rows_text(r, 2));
            else if (cur.sort != SORT_DEFAULT)
                snprintf(last_key, sizeof last_key, "%lld", (long long)od_rows_int(r, 2));
        }
    if (scoped) {
        total = pg.seen;
        estimated = pg.seen >= cap;
    }
    od_rows_close(r);
    for (int i = 0; !rc && i < n; i++) {
        inc x;
        json_t *o = NULL;
        rc = od_inc_load(tx, NULL, ids[i], &x, e);
        if (rc)
            break;
        rc = incident_json(a, tx, &x, false, &o, e);
        if (o)
            json_array_append_new(items, o);
        od_inc_free(&x);
    }
    od_tx_rollback(tx);
    free(like);
    /* a full page may have a next one: it starts below its last id (after
     * its last (key, id) in a sorted list) */
    json_t *next = NULL;
    if (!rc && n > 0 && n >= limit && cur.sort == SORT_DEFAULT)
        next = json_integer(ids[n - 1]);
    else if (!rc && n > 0 && n >= limit)
        next = json_sprintf("%s.%lld", last_key, (long long)ids[n - 1]);
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc) {
        json_decref(next);
        return rc;
    }
    if ((rc = od_list_mark(*out, estimated, cur.sort == SORT_DEFAULT ? "next_before_id" : "next_after", next,
                           e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The case library's rows of one statement into items: for a scoped
 * reader only those in its scopes, paged here (pg); else every row. */
static od_err case_rows(od_rows *r, const od_principal *who, bool scoped, od_page *pg, json_t *items)
{
    bool row = false;
    od_err rc;
    while (!(rc = od_rows_step(r, &row)) && row) {
        if (scoped && !od_page_take(pg, od_principal_in_any_scope(who, od_rows_text(r, 10))))
            continue;
        json_t *cats = json_loads(od_rows_text(r, 5), 0, NULL),
               *names = json_loads(od_rows_text(r, 6), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{sI ss ss ss ss so so ss sb so}", "incident_id", (json_int_t)od_rows_int(r, 0),
                      "number", od_rows_text(r, 1), "title", od_rows_text(r, 2), "level", od_rows_text(r, 3),
                      "highest_response_level", od_rows_text(r, 4), "categories", cats ? cats : json_array(),
                      "ci_names", names ? names : json_array(), "cause", od_rows_text(r, 7), "drill",
                      (int)od_rows_int(r, 8), "filed_at", time_or_null(od_rows_int(r, 9))));
    }
    return rc;
}

od_err od_cases_search(od_app *a, const od_principal *who, const od_case_query *qry, json_t **out,
                       od_error *e)
{
    const char *lv = qry->level ? qry->level : "", *cat = qry->category ? qry->category : "";
    int64_t limit = qry->limit, offset = qry->offset;
    od_search_mode mode = OD_SEARCH_ALL;
    char expr[OD_SEARCH_EXPR_MAX];
    od_err rc = od_search_plan(qry->q, &mode, expr, e);
    if (rc)
        return rc;
    /* the text as the statement binds it: the FTS5 expression, a LIKE
     * pattern of the whole query, or no text ("" and "%") */
    char *tlike = od_store_like_pattern(mode == OD_SEARCH_LIKE ? expr : "");
    char *clike = od_store_like_pattern(cat);
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    rc = !clike || !tlike ? od_error_set(e, OD_E_NOMEM, NULL, "out of memory")
                          : od_tx_begin(a->store, false, &tx, e);
    int64_t total = 0;
    /* the text query is served by the full-text index shared with the known
     * errors (queries_cases.h): one statement gives the page and one the
     * total; a scoped reader's page and total are taken here over the
     * matches it may see (as od_incident_list) */
    bool scoped = who && who->id != 0 && who->n_scopes > 0;
    const char *text = mode == OD_SEARCH_FTS ? expr : tlike;
    int64_t lim = scoped ? (int64_t)-1 : limit, off = scoped ? (int64_t)0 : offset;
    /* the total (a scoped reader's is counted below), then the rows; the
     * incident's departments are read only for a scoped reader */
    if (!rc && mode == OD_SEARCH_ALL) {
        if (!scoped)
            rc = od_tx_scalar(
                tx, OD_Q_CASE_COUNT, &total, e,
                OD_BINDS(OD_TEXT(""), OD_TEXT("%"), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(cat), OD_TEXT(clike)));
        if (!rc)
            rc = od_tx_query(tx, OD_Q_CASE_SEARCH, &r, e,
                             OD_BINDS(OD_INT(scoped ? 1 : 0), OD_TEXT(""), OD_TEXT("%"), OD_TEXT(lv),
                                      OD_TEXT(lv), OD_TEXT(cat), OD_TEXT(clike), OD_INT(lim), OD_INT(off)));
    } else if (!rc && mode == OD_SEARCH_FTS) {
        if (!scoped)
            rc =
                od_tx_scalar(tx, OD_Q_CASE_COUNT_FTS, &total, e,
                             OD_BINDS(OD_TEXT(text), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(cat), OD_TEXT(clike)));
        if (!rc)
            rc = od_tx_query(tx, OD_Q_CASE_SEARCH_FTS, &r, e,
                             OD_BINDS(OD_TEXT(text), OD_INT(scoped ? 1 : 0), OD_TEXT(lv), OD_TEXT(lv),
                                      OD_TEXT(cat), OD_TEXT(clike), OD_INT(lim), OD_INT(off)));
    } else if (!rc) {
        if (!scoped)
            rc =
                od_tx_scalar(tx, OD_Q_CASE_COUNT_LIKE, &total, e,
                             OD_BINDS(OD_TEXT(text), OD_TEXT(lv), OD_TEXT(lv), OD_TEXT(cat), OD_TEXT(clike)));
        if (!rc)
            rc = od_tx_query(tx, OD_Q_CASE_SEARCH_LIKE, &r, e,
                             OD_BINDS(OD_TEXT(text), OD_INT(scoped ? 1 : 0), OD_TEXT(lv), OD_TEXT(lv),
                                      OD_TEXT(cat), OD_TEXT(clike), OD_INT(lim), OD_INT(off)));
    }
    od_page pg = od_page_start(limit, offset);
    if (!rc)
        rc = case_rows(r, who, scoped, &pg, items);
    od_rows_close(r);
    od_tx_rollback(tx);
    free(clike);
    free(tlike);
    if (scoped)
        total = pg.seen;
    return od_list_done(rc, items, total, limit, offset, out, e);
}
