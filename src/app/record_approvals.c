/* record_approvals.c — what happens around an approval step besides the
 * votes (records_act.c): its due time, the request to the approvers when it
 * opens, the reminder at due and the escalation after it (modules-spec
 * §1.5: `due`, `remind_after`, `escalate_after`, `escalate_to`).  The times
 * are core's (od_appr_times_of); the two deadlines are rows of the
 * deadlines table, fired by the incident scheduler's claim
 * (od_record_fire_deadline), so each fires exactly once across restarts and
 * nodes; a decided step cancels them, and a deadline of a step decided
 * meanwhile fires as nothing.  Runs inside the caller's transaction. */
#include "app/records_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDS_MAX 64

static void dl_kinds(int64_t step_id, char remind[64], char escalate[64])
{
    snprintf(remind, 64, "approval:%lld:remind", (long long)step_id);
    snprintf(escalate, 64, "approval:%lld:escalate", (long long)step_id);
}

bool od_rec_appr_is_deadline(const char *kind)
{
    return kind && strncmp(kind, "approval:", 9) == 0;
}

static void add_id(json_t *users, int64_t uid)
{
    if (uid <= 0)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(users, i, v) if (json_integer_value(json_object_get(v, "id")) == uid) return;
    json_array_append_new(users, json_pack("{sI}", "id", (json_int_t)uid));
}

static const od_calendar *step_calendar(const od_kernel *k, const od_wf_approval_def *d)
{
    const od_calendar *cal = od_kernel_calendar(k, d->due_calendar[0] ? d->due_calendar : "24x7");
    return cal ? cal : od_kernel_calendar(k, "24x7");
}

od_err od_rec_appr_opened(od_tx *tx, const od_policy *p, int64_t rec, int64_t step_id,
                          const od_wf_approval_def *d, json_t *approvers, int64_t opener, int64_t now,
                          od_error *e)
{
    const od_kernel *k = p ? p->kernel : NULL;
    od_appr_times t =
        od_appr_times_of(now, d->due_ms, d->remind_after_ms, d->escalate_after_ms, step_calendar(k, d));
    char remind[64], escalate[64];
    dl_kinds(step_id, remind, escalate);
    od_err rc = OD_OK;
    if (t.due_at != OD_NO_TIME)
        rc = od_tx_exec(tx, OD_Q_APR_STEP_DUE, e, OD_BINDS(OD_INT(t.due_at), OD_INT(step_id)));
    int64_t id = 0;
    if (!rc && t.remind_at != OD_NO_TIME)
        rc = od_tx_insert(
            tx, OD_Q_KDL_INSERT, &id, e,
            OD_BINDS(OD_INT(rec), OD_NULL(), OD_TEXT(remind), OD_INT(t.remind_at), OD_INT(t.remind_at)));
    if (!rc && t.escalate_at != OD_NO_TIME)
        rc = od_tx_insert(tx, OD_Q_KDL_INSERT, &id, e,
                          OD_BINDS(OD_INT(rec), OD_NULL(), OD_TEXT(escalate), OD_INT(t.escalate_at),
                                   OD_INT(t.escalate_at)));
    /* the request to the approvers */
    od_rec x = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, rec, &x, e);
    json_t *users = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(approvers, i, v) if ((int64_t)json_integer_value(v) != opener)
        add_id(users, (int64_t)json_integer_value(v));
    if (!rc) {
        char zh[300], en[300];
        snprintf(zh, sizeof zh, "请审批：%s", d->name_zh[0] ? d->name_zh : d->key);
        snprintf(en, sizeof en, "approval requested: %s", d->name_en[0] ? d->name_en : d->key);
        rc = od_rec_notify_to(tx, p, &x, "approval.requested", zh, en, users, now, e);
    }
    json_decref(users);
    od_rec_free(&x);
    return rc;
}

od_err od_rec_appr_decided(od_tx *tx, int64_t rec, int64_t step_id, od_error *e)
{
    char remind[64], escalate[64];
    dl_kinds(step_id, remind, escalate);
    return od_tx_exec(tx, OD_Q_APR_DL_CANCEL, e, OD_BINDS(OD_INT(rec), OD_TEXT(remind), OD_TEXT(escalate)));
}

/* ---- firing ---- */

typedef struct step_info {
    char key[OD_KEY_MAX], state[16], mode[32];
    int round;
    int64_t opener, rec;
    int64_t approvers[IDS_MAX];
    size_t n_approvers;
    int64_t pending[IDS_MAX]; /* approvers who have not answered */
    size_t n_pending;
} step_info;

static od_err step_read(od_tx *tx, int64_t step_id, step_info *s, bool *found, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_APR_STEP_GET, &r, e, OD_BINDS(OD_INT(step_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    *found = row;
    if (!rc && row) {
        snprintf(s->key, sizeof s->key, "%s", od_rows_text(r, 0));
        json_t *a = json_loads(od_rows_text(r, 1), 0, NULL);
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) if (json_is_integer(v) && s->n_approvers < IDS_MAX)
            s->approvers[s->n_approvers++] = (int64_t)json_integer_value(v);
        json_decref(a);
        snprintf(s->state, sizeof s->state, "%s", od_rows_text(r, 2));
        s->round = (int)od_rows_int(r, 3);
        s->opener = od_rows_int(r, 4);
        s->rec = od_rows_int(r, 5);
        snprintf(s->mode, sizeof s->mode, "%s", od_rows_text(r, 6));
    }
    od_rows_close(r);
    if (rc || !row)
        return rc;
    /* who has answered: a latest vote other than more_info (the votes of a
     * step row are all of its round) */
    int64_t answered[IDS_MAX];
    bool decisive[IDS_MAX];
    size_t n = 0;
    rc = od_tx_query(tx, OD_Q_KAPR_VOTES, &r, e, OD_BINDS(OD_INT(step_id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t u = od_rows_null(r, 1) ? od_rows_int(r, 0) : od_rows_int(r, 1);
        bool d = strcmp(od_rows_text(r, 2), "more_info") != 0;
        size_t j = 0;
        while (j < n && answered[j] != u)
            j++;
        if (j == n && n < IDS_MAX)
            answered[n++] = u;
        if (j < n)
            decisive[j] = d;
    }
    od_rows_close(r);
    for (size_t i = 0; i < s->n_approvers; i++) {
        bool done = false;
        for (size_t j = 0; j < n; j++)
            done = done || (answered[j] == s->approvers[i] && decisive[j]);
        if (!done)
            s->pending[s->n_pending++] = s->approvers[i];
    }
    return rc;
}

/* The users escalate_to names, into users. */
static od_err resolve_who(od_tx *tx, const od_rec *x, const od_wf_who *w, json_t *users, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = OD_OK;
    if (w->kind == OD_WHO_ROLE) {
        int role = od_role_parse(w->key);
        rc = od_tx_query(tx, OD_Q_KUSR_ROLES, &r, e, OD_NOBINDS);
        while (!rc && role >= 0 && !(rc = od_rows_step(r, &row)) && row)
            if ((od_roleset)od_rows_int(r, 1) & OD_ROLEBIT(role))
                add_id(users, od_rows_int(r, 0));
        od_rows_close(r);
    } else if (w->kind == OD_WHO_COMMITTEE) {
        rc = od_tx_query(tx, OD_Q_APR_CMT_HEADS, &r, e, OD_BINDS(OD_TEXT(w->key), OD_TEXT(w->key)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            add_id(users, od_rows_int(r, 0));
        od_rows_close(r);
    } else if (w->kind == OD_WHO_FIELD) {
        /* a user field of the record or of its module: <name>_id */
        char col[OD_KEY_MAX + 4];
        snprintf(col, sizeof col, "%s_id", w->key);
        json_t *v = json_object_get(x->o, col);
        json_t *ext = NULL;
        const od_rec_ext *xe = od_rec_ext_of(json_string_value(json_object_get(x->o, "kind")));
        if (!json_is_integer(v) && xe) {
            rc = xe->load(tx, x->id, &ext, e);
            v = json_object_get(ext, col);
        }
        if (json_is_integer(v))
            add_id(users, (int64_t)json_integer_value(v));
        json_decref(ext);
    }
    return rc;
}

/* escalate_to superior: for each approver who has not answered, the
 * department heads (department_head, ops_department_head) of their
 * department; an approver without a department has none. */
static od_err superiors(od_tx *tx, const step_info *s, json_t *users, od_error *e)
{
    const od_roleset heads = OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD) | OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD);
    od_err rc = OD_OK;
    for (size_t i = 0; !rc && i < s->n_pending; i++) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_APR_SUPERIORS, &r, e, OD_BINDS(OD_INT(s->pending[i])));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if ((od_roleset)od_rows_int(r, 1) & heads)
                add_id(users, od_rows_int(r, 0));
        od_rows_close(r);
    }
    return rc;
}

/* Whom an escalation goes to: escalate_to, else the heads of the step's
 * committees and the substitutes (valid now) of who has not answered. */
static od_err escalation_targets(od_tx *tx, const od_wf_approval_def *d, const od_rec *x, const step_info *s,
                                 int64_t now, json_t *users, od_error *e)
{
    od_err rc = OD_OK;
    for (size_t i = 0; d && !rc && i < d->n_escalate_to; i++)
        rc = d->escalate_to[i].kind == OD_WHO_SUPERIOR ? superiors(tx, s, users, e)
                                                       : resolve_who(tx, x, &d->escalate_to[i], users, e);
    if (rc || (d && d->n_escalate_to))
        return rc;
    for (size_t i = 0; d && !rc && i < d->n_approvers; i++)
        if (d->approvers[i].kind == OD_WHO_COMMITTEE)
            rc = resolve_who(tx, x, &d->approvers[i], users, e);
    for (size_t i = 0; !rc && i < s->n_pending; i++) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_APR_SUBSTITUTES, &r, e,
                         OD_BINDS(OD_INT(s->pending[i]), OD_INT(now), OD_INT(now)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            add_id(users, od_rows_int(r, 0));
        od_rows_close(r);
    }
    return rc;
}

static bool has(const int64_t *ids, size_t n, int64_t u)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == u)
            return true;
    return false;
}

/* The escalation: targets notified; in mode any those who are no approver
 * yet become approvers (one more person who can answer changes nothing
 * else there).  The opener is never a target (self-approval). */
static od_err escalate(od_tx *tx, const od_policy *p, const od_wf_approval_def *d, od_rec *x, step_info *s,
                       int64_t step_id, int64_t now, json_t *data, od_error *e)
{
    json_t *all = json_array(), *users = json_array(), *added = json_array();
    od_err rc = escalation_targets(tx, d, x, s, now, all, e);
    size_t i;
    json_t *v;
    json_array_foreach(all, i, v)
    {
        int64_t u = (int64_t)json_integer_value(json_object_get(v, "id"));
        if (u == s->opener)
            continue;
        add_id(users, u);
        if (strcmp(s->mode, "any") == 0 && !has(s->approvers, s->n_approvers, u) &&
            s->n_approvers < IDS_MAX) {
            s->approvers[s->n_approvers++] = u;
            json_array_append_new(added, json_integer(u));
        }
    }
    if (!rc && json_array_size(added)) {
        json_t *a = json_array();
        for (size_t j = 0; j < s->n_approvers; j++)
            json_array_append_new(a, json_integer(s->approvers[j]));
        char *aj = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        rc = aj ? od_tx_exec(tx, OD_Q_APR_STEP_APPROVERS, e, OD_BINDS(OD_TEXT(aj), OD_INT(step_id)))
                : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        free(aj);
    }
    json_t *ids = json_array();
    json_array_foreach(users, i, v) json_array_append(ids, json_object_get(v, "id"));
    json_object_set_new(data, "to", ids);
    json_object_set_new(data, "added_approvers", added);
    if (!rc && json_array_size(users)) {
        char zh[300], en[300];
        snprintf(zh, sizeof zh, "审批已超时升级：%s（第 %d 轮）", d ? d->name_zh : s->key, s->round);
        snprintf(en, sizeof en, "approval overdue, escalated: %s (round %d)", d ? d->name_en : s->key,
                 s->round);
        rc = od_rec_notify_to(tx, p, x, "approval.escalated", zh, en, users, now, e);
    }
    json_decref(all);
    json_decref(users);
    return rc;
}

od_err od_rec_appr_fire(const od_policy *p, od_tx *tx, int64_t rec, const char *kind, int64_t now,
                        od_error *e)
{
    char *end = NULL;
    int64_t step_id = strtoll(kind + 9, &end, 10);
    bool is_remind = end && strcmp(end, ":remind") == 0, is_escalate = end && strcmp(end, ":escalate") == 0;
    if (step_id <= 0 || (!is_remind && !is_escalate))
        return OD_OK; /* not ours: nothing to do */
    step_info *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    bool found = false;
    od_err rc = step_read(tx, step_id, s, &found, e);
    if (rc || !found || s->rec != rec || strcmp(s->state, "waiting") != 0) {
        free(s); /* decided meanwhile: nothing to remind of */
        return rc;
    }
    const od_wf_approval_def *d = od_kernel_approval(p ? p->kernel : NULL, s->key);
    od_rec x = {0};
    rc = od_rec_load(tx, NULL, rec, &x, e);
    json_t *data = json_pack("{ss sI si}", "step", s->key, "step_id", (json_int_t)step_id, "round", s->round);
    char text[400];
    const char *zh = d ? d->name_zh : s->key, *en = d ? d->name_en : s->key;
    if (!rc && is_remind) {
        json_t *users = json_array(), *ids = json_array();
        for (size_t i = 0; i < s->n_pending; i++) {
            if (s->pending[i] == s->opener)
                continue; /* the opener cannot decide their own round */
            add_id(users, s->pending[i]);
            json_array_append_new(ids, json_integer(s->pending[i]));
        }
        json_object_set_new(data, "to", ids);
        char wz[300], we[300];
        snprintf(wz, sizeof wz, "审批已到期，请尽快处理：%s（第 %d 轮）", zh, s->round);
        snprintf(we, sizeof we, "approval due, please decide: %s (round %d)", en, s->round);
        if (json_array_size(users))
            rc = od_rec_notify_to(tx, p, &x, "approval.reminder", wz, we, users, now, e);
        json_decref(users);
        snprintf(text, sizeof text, "审批到期提醒：%s（第 %d 轮）(approval reminder: %s, round %d)", zh,
                 s->round, en, s->round);
        if (!rc)
            rc = od_record_timeline_add(tx, rec, now, NULL, "approval_reminder", data, text, e);
    } else if (!rc) {
        rc = escalate(tx, p, d, &x, s, step_id, now, data, e);
        if (!rc && json_array_size(json_object_get(data, "to")) == 0)
            snprintf(text, sizeof text,
                     "审批超时：%s（第 %d 轮），没有可升级的对象 (approval overdue: %s, round %d; nobody to "
                     "escalate to)",
                     zh, s->round, en, s->round);
        else
            snprintf(text, sizeof text, "审批超时已升级：%s（第 %d 轮）(approval escalated: %s, round %d)",
                     zh, s->round, en, s->round);
        if (!rc)
            rc = od_record_timeline_add(tx, rec, now, NULL, "approval_escalation", data, text, e);
    }
    json_decref(data);
    od_rec_free(&x);
    free(s);
    return rc;
}
