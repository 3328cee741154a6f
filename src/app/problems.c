/* problems.c — the problem module (modules-spec §M2; docs/problems.md):
 * its typed fields (table problems, one row per record; a record without
 * its row reads as every field empty) as the workflow kernel's extension,
 * and the problem use cases: list, create (through the workflow's create
 * action), read, edit, file a major review, create from an incident.  The
 * lifecycle is the policy's `workflows: problem` applied by records_act.c. */
#include "app/problems.h"
#include "app/list.h"
#include "app/records_kernel.h"
#include "util/utf8.h"
#include "core/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 8000

typedef enum ptype { PT_T = 0, PT_TIME, PT_ID, PT_BOOL, PT_IDS } ptype;
typedef struct pcol {
    const char *name;
    ptype t;
} pcol;

static const pcol pcols[] = {
    {"reporter_contact", PT_T},
    {"service_info", PT_T},
    {"device_info", PT_T},
    {"recorded_at", PT_TIME},
    {"recorded_by", PT_ID},
    {"category", PT_T},
    {"priority_agreed_with", PT_ID},
    {"description", PT_T},
    {"diagnosis", PT_T},
    {"domain", PT_T},
    {"source", PT_T},
    {"problem_manager_id", PT_ID},
    {"solving_team", PT_IDS},
    {"partner", PT_T},
    {"investigation_plan", PT_T},
    {"workaround", PT_T},
    {"root_cause", PT_T},
    {"solution", PT_T},
    {"solution_evidence", PT_T},
    {"decision", PT_T},
    {"decision_reason", PT_T},
    {"major", PT_BOOL},
    {"major_reason", PT_T},
    {"review", PT_T},
    {"suspend_reason", PT_T},
    {"cancel_reason", PT_T},
    {"accepted_at", PT_TIME},
    {"planned_at", PT_TIME},
    {"assigned_at", PT_TIME},
    {"started_at", PT_TIME},
    {"suspended_at", PT_TIME},
    {"workaround_at", PT_TIME},
    {"resolved_at", PT_TIME},
    {"closed_at", PT_TIME},
    {"closed_by", PT_ID},
    {"cancelled_at", PT_TIME},
};
#define NCOLS (sizeof pcols / sizeof *pcols)

static const pcol *col_find(const char *k)
{
    for (size_t i = 0; i < NCOLS; i++)
        if (strcmp(pcols[i].name, k) == 0)
            return &pcols[i];
    return NULL;
}

static json_t *default_of(ptype t)
{
    switch (t) {
    case PT_T:
        return json_string("");
    case PT_BOOL:
        return json_false();
    case PT_IDS:
        return json_array();
    default:
        return json_null();
    }
}

static od_err prb_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    json_t *o = json_object();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PRB_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    for (size_t i = 0; !rc && i < NCOLS; i++) {
        json_t *v;
        if (!row || od_rows_null(r, (int)i))
            v = default_of(pcols[i].t);
        else if (pcols[i].t == PT_T)
            v = json_string(od_rows_text(r, (int)i));
        else if (pcols[i].t == PT_BOOL)
            v = json_boolean(od_rows_int(r, (int)i) != 0);
        else if (pcols[i].t == PT_IDS) {
            v = json_loads(od_rows_text(r, (int)i), 0, NULL);
            if (!json_is_array(v)) {
                json_decref(v);
                v = json_array();
            }
        } else
            v = json_integer(od_rows_int(r, (int)i));
        json_object_set_new(o, pcols[i].name, v);
    }
    od_rows_close(r);
    if (rc) {
        json_decref(o);
        o = NULL;
    }
    *out = o;
    return rc;
}

static const char *txt(json_t *f, const char *k)
{
    const char *s = json_string_value(json_object_get(f, k));
    return s ? s : "";
}

static int64_t num(json_t *f, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(f, k));
}

static od_err prb_save(od_tx *tx, int64_t id, json_t *f, od_error *e)
{
    json_t *team = json_object_get(f, "solving_team");
    char *ids = json_is_array(team) ? json_dumps(team, JSON_COMPACT) : NULL;
    od_err rc = od_tx_exec(tx, OD_Q_PRB_ENSURE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_PRB_SAVE, e,
            OD_BINDS(
                OD_TEXT(txt(f, "reporter_contact")), OD_TEXT(txt(f, "service_info")),
                OD_TEXT(txt(f, "device_info")),
                OD_INT_OR_NULL(num(f, "recorded_at"), json_is_integer(json_object_get(f, "recorded_at"))),
                OD_INT_OR_NULL(num(f, "recorded_by"), json_is_integer(json_object_get(f, "recorded_by"))),
                OD_TEXT(txt(f, "category")),
                OD_INT_OR_NULL(num(f, "priority_agreed_with"),
                               json_is_integer(json_object_get(f, "priority_agreed_with"))),
                OD_TEXT(txt(f, "description")), OD_TEXT(txt(f, "diagnosis")), OD_TEXT(txt(f, "domain")),
                OD_TEXT(txt(f, "source")),
                OD_INT_OR_NULL(num(f, "problem_manager_id"),
                               json_is_integer(json_object_get(f, "problem_manager_id"))),
                OD_TEXT(ids ? ids : "[]"), OD_TEXT(txt(f, "partner")), OD_TEXT(txt(f, "investigation_plan")),
                OD_TEXT(txt(f, "workaround")), OD_TEXT(txt(f, "root_cause")), OD_TEXT(txt(f, "solution")),
                OD_TEXT(txt(f, "solution_evidence")), OD_TEXT(txt(f, "decision")),
                OD_TEXT(txt(f, "decision_reason")), OD_BOOL(json_is_true(json_object_get(f, "major"))),
                OD_TEXT(txt(f, "major_reason")), OD_TEXT(txt(f, "review")), OD_TEXT(txt(f, "suspend_reason")),
                OD_TEXT(txt(f, "cancel_reason")),
                OD_INT_OR_NULL(num(f, "accepted_at"), json_is_integer(json_object_get(f, "accepted_at"))),
                OD_INT_OR_NULL(num(f, "planned_at"), json_is_integer(json_object_get(f, "planned_at"))),
                OD_INT_OR_NULL(num(f, "assigned_at"), json_is_integer(json_object_get(f, "assigned_at"))),
                OD_INT_OR_NULL(num(f, "started_at"), json_is_integer(json_object_get(f, "started_at"))),
                OD_INT_OR_NULL(num(f, "suspended_at"), json_is_integer(json_object_get(f, "suspended_at"))),
                OD_INT_OR_NULL(num(f, "workaround_at"), json_is_integer(json_object_get(f, "workaround_at"))),
                OD_INT_OR_NULL(num(f, "resolved_at"), json_is_integer(json_object_get(f, "resolved_at"))),
                OD_INT_OR_NULL(num(f, "closed_at"), json_is_integer(json_object_get(f, "closed_at"))),
                OD_INT_OR_NULL(num(f, "closed_by"), json_is_integer(json_object_get(f, "closed_by"))),
                OD_INT_OR_NULL(num(f, "cancelled_at"), json_is_integer(json_object_get(f, "cancelled_at"))),
                OD_INT(id)));
    free(ids);
    return rc;
}

static const char *const domains[] = {"network",     "host",  "middleware", "database",
                                      "application", "other", NULL};
static const char *const sources[] = {"incident", "event_rule", "proactive",      "desk",
                                      "partner",  "inspection", "change_failure", NULL};
static const char *const decisions[] = {"fix", "workaround_only", NULL};
static const char *const suspend_reasons[] = {"vendor", "change_window", "observation", "other", NULL};
static const char *const cancel_reasons[] = {"duplicate", "not_a_problem", NULL};

static od_err one_of(const char *key, json_t *v, const char *const *allowed, od_error *e)
{
    const char *s = json_string_value(v);
    if (!*s)
        return OD_OK;
    char list[200] = "";
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(allowed[i], s) == 0)
            return OD_OK;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", allowed[i]);
    }
    return od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 的取值不对 (%s must be one of: %s)", key, key, list);
}

static od_err prb_check(const char *key, json_t *v, od_error *e)
{
    const pcol *c = col_find(key);
    if (!c)
        return od_error_set(e, OD_E_UNPROCESSABLE, key, "未知字段 %s (unknown field %s)", key, key);
    if (c->t == PT_TIME || strcmp(key, "recorded_by") == 0 || strcmp(key, "closed_by") == 0)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, key,
            "%s 由工作流记录，不能直接修改 (%s is recorded by the workflow, not set directly)", key, key);
    switch (c->t) {
    case PT_T:
        if (!json_is_string(v) || od_utf8_count(json_string_value(v), json_string_length(v)) > TEXT_MAX)
            return od_error_set(
                e, OD_E_UNPROCESSABLE, key,
                "%s 须为不超过 8000 个字符的字符串 (%s must be a string of at most 8000 characters)", key,
                key);
        if (strcmp(key, "domain") == 0)
            return one_of(key, v, domains, e);
        if (strcmp(key, "source") == 0)
            return one_of(key, v, sources, e);
        if (strcmp(key, "decision") == 0)
            return one_of(key, v, decisions, e);
        if (strcmp(key, "suspend_reason") == 0)
            return one_of(key, v, suspend_reasons, e);
        if (strcmp(key, "cancel_reason") == 0)
            return one_of(key, v, cancel_reasons, e);
        return OD_OK;
    case PT_BOOL:
        return json_is_boolean(v) ? OD_OK
                                  : od_error_set(e, OD_E_UNPROCESSABLE, key,
                                                 "%s 须为布尔值 (%s must be a boolean)", key, key);
    case PT_ID:
        return json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0)
                   ? OD_OK
                   : od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为用户编号 (%s must be a user id)", key,
                                  key);
    case PT_IDS: {
        size_t i;
        json_t *u;
        if (!json_is_array(v) || json_array_size(v) > 32)
            return od_error_set(e, OD_E_UNPROCESSABLE, key,
                                "%s 须为用户编号列表 (%s must be a list of user ids)", key, key);
        json_array_foreach(
            v, i, u) if (!json_is_integer(u) ||
                         json_integer_value(u) <=
                             0) return od_error_set(e, OD_E_UNPROCESSABLE, key,
                                                    "%s 须为用户编号列表 (%s must be a list of user ids)",
                                                    key, key);
        return OD_OK;
    }
    default:
        return OD_OK;
    }
}

static const char *const prb_flags[] = {"workaround_required", "review_entry", NULL};

static od_err prb_computed(od_tx *tx, const od_rec *x, json_t *fields, const char *urgency, int64_t now,
                           bool *flags, od_error *e)
{
    (void)fields;
    int64_t n = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_KPRB_INCIDENTS_SINCE, &n, e,
                             OD_BINDS(OD_INT(x->id), OD_INT(od_prb_recur_since(now))));
    if (!rc)
        flags[0] = od_prb_workaround_required(urgency, n);
    /* review_entry: a review entry exists (problem_entries.c; the close
     * guard of a major problem) */
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_PRBE_REVIEWS, &n, e, OD_BINDS(OD_INT(x->id)));
    if (!rc)
        flags[1] = n > 0;
    return rc;
}

const od_rec_ext od_problem_ext = {.kind = "problem",
                                   .load = prb_load,
                                   .save = prb_save,
                                   .check = prb_check,
                                   .computed = prb_computed,
                                   .flags = prb_flags};

/* ---- the API's view ---- */

/* The typed fields for people: times as RFC 3339, plus workaround_required. */
static od_err problem_json(od_tx *tx, json_t *rec, int64_t now, od_error *e)
{
    int64_t id = (int64_t)json_integer_value(json_object_get(rec, "id"));
    json_t *f = NULL;
    od_err rc = prb_load(tx, id, &f, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < NCOLS; i++)
        if (pcols[i].t == PT_TIME) {
            json_t *v = json_object_get(f, pcols[i].name);
            json_object_set_new(f, pcols[i].name,
                                od_rec_time(json_is_integer(v) ? json_integer_value(v) : 0));
        }
    od_rec x = {.id = id};
    bool flags[2] = {false, false};
    rc = prb_computed(tx, &x, f, json_string_value(json_object_get(rec, "urgency")), now, flags, e);
    json_object_set_new(f, "workaround_required", json_boolean(flags[0]));
    json_object_set_new(rec, "problem", f);
    return rc;
}

od_err od_problem_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return od_rec_get_typed(a, who, id, "problem", "问题", "problem", problem_json, out, e);
}

od_err od_problem_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out,
                       od_error *e)
{
    return od_rec_list_typed(a, who, q, "problem", problem_json, out, e); /* q: records_fts (0036) */
}

static od_err create_in(od_app *a, od_tx *tx, const od_principal *who, const od_problem_input *in,
                        int64_t *id, od_error *e)
{
    od_record_input r = {.kind = "problem",
                         .title = in->title,
                         .tier = in->tier,
                         .department = in->department,
                         .requester_id = in->requester_id,
                         .drill = in->drill};
    return od_record_create_act_in(a, tx, who, &r, in->fields, id, e);
}

static od_err answer(od_app *a, const od_principal *who, od_tx *tx, od_err rc, int64_t id, json_t **out,
                     od_error *e)
{
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc) {
        od_app_committed(a, OD_COMMIT_DEADLINES);
        rc = od_problem_get(a, who, id, out, e);
    }
    return rc;
}

od_err od_problem_create(od_app *a, const od_principal *who, const od_problem_input *in, json_t **out,
                         od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = create_in(a, tx, who, in, &id, e);
    return answer(a, who, tx, rc, id, out, e);
}

od_err od_problem_from_incident(od_app *a, const od_principal *who, int64_t incident_id,
                                const od_problem_input *in, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_problem_from_incident_in(a, tx, who, incident_id, in, &id, e);
    return answer(a, who, tx, rc, id, out, e);
}

od_err od_problem_from_incident_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id,
                                   const od_problem_input *in, int64_t *problem_id, od_error *e)
{
    *problem_id = 0;
    int64_t id = 0, rec = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &rec, e, OD_BINDS(OD_INT(incident_id)));
    if (rc == OD_E_NOT_FOUND) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "事件 %lld 不存在 (incident %lld not found)",
                          (long long)incident_id, (long long)incident_id);
    }
    od_rec x = {0};
    if (!rc)
        rc = od_rec_load(tx, who, rec, &x, e); /* in the creator's scope, or 404 */
    json_t *fields = in->fields ? json_deep_copy(in->fields) : json_object();
    if (!rc) {
        json_object_set_new(fields, "link", json_pack("{sI}", "to_id", (json_int_t)rec));
        if (!json_object_get(fields, "source"))
            json_object_set_new(fields, "source", json_string("incident"));
    }
    od_problem_input in2 = *in;
    in2.fields = fields;
    if (!in2.title || !*in2.title)
        in2.title = json_string_value(json_object_get(x.o, "title"));
    if (!rc)
        rc = create_in(a, tx, who, &in2, &id, e);
    /* the incident's CIs are the problem's, role affected */
    int64_t cis[64];
    size_t n_cis = 0;
    if (!rc) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_INC_CI_LIST, &r, e, OD_BINDS(OD_INT(incident_id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (n_cis < sizeof cis / sizeof *cis)
                cis[n_cis++] = od_rows_int(r, 0);
        od_rows_close(r);
    }
    for (size_t i = 0; !rc && i < n_cis; i++)
        rc = od_tx_exec(tx, OD_Q_RCI_INSERT, e,
                        OD_BINDS(OD_INT(id), OD_INT(cis[i]), OD_TEXT("affected"),
                                 OD_INT_NONZERO(who ? who->id : 0), OD_INT(od_app_now(a))));
    json_decref(fields);
    od_rec_free(&x);
    if (!rc)
        *problem_id = id;
    return rc;
}

od_err od_problem_update(od_app *a, const od_principal *who, int64_t id, int64_t version, json_t *fields,
                         json_t **out, od_error *e)
{
    *out = NULL;
    /* an edit is the workflow's field update: fields set through the same
     * checks as an action, priority and clocks kept in step */
    od_err rc = od_record_edit(a, who, id, version, "problem", fields, e);
    if (!rc)
        rc = od_problem_get(a, who, id, out, e);
    return rc;
}

od_err od_problem_review(od_app *a, const od_principal *who, int64_t id, int64_t version, const char *review,
                         const char *major_reason, json_t **out, od_error *e)
{
    *out = NULL;
    if (!review || !*review)
        return od_error_set(e, OD_E_UNPROCESSABLE, "review",
                            "缺少必填字段 review (required field review is missing)");
    json_t *fields = json_pack("{ss sb}", "review", review, "major", 1);
    if (major_reason && *major_reason)
        json_object_set_new(fields, "major_reason", json_string(major_reason));
    json_t *rec = NULL;
    od_err rc = od_record_act(a, who, id, "file_review", version, NULL, fields, &rec, e);
    json_decref(fields);
    json_decref(rec);
    if (!rc)
        rc = od_problem_get(a, who, id, out, e);
    return rc;
}
