/* plans.c — the emergency-plan module (modules-spec §M7; docs/plans.md): its
 * typed fields (table plans, one row per record; a record without its row
 * reads as every field empty) as the workflow kernel's extension, the plan
 * versions (table plan_versions) and the plan use cases.  The lifecycle is
 * the policy's `workflows: plan` applied by records_act.c; the review rule
 * is core/plan.h. */
#include "app/plans.h"
#include "app/record_hooks.h"
#include "app/incidents.h"
#include "app/list.h"
#include "app/records_kernel.h"
#include "core/plan.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 8000

typedef enum ptype { PT_T = 0, PT_TIME, PT_ID, PT_INT, PT_STRS, PT_IDS, PT_RO } ptype;
typedef struct pcol {
    const char *name;
    ptype t;
} pcol;

/* in the order of queries_plans.h PLN_GET / PLN_SAVE */
static const pcol pcols[] = {
    {"owner_id", PT_ID},         {"scope_classes", PT_STRS},       {"scope_ci_ids", PT_IDS},
    {"scope_services", PT_STRS}, {"review_months", PT_INT},        {"evaluation", PT_T},
    {"review_note", PT_T},       {"evaluated_at", PT_TIME},        {"approved_at", PT_TIME},
    {"published_at", PT_TIME},   {"reviewed_at", PT_TIME},         {"next_review_at", PT_TIME},
    {"review_trigger", PT_RO},   {"review_triggered_at", PT_TIME}, {"review_trigger_due_at", PT_TIME},
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
    case PT_RO:
        return json_string("");
    case PT_INT:
        return json_integer(OD_PLAN_REVIEW_MONTHS);
    case PT_STRS:
    case PT_IDS:
        return json_array();
    default:
        return json_null();
    }
}

static od_err pln_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    json_t *o = json_object();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PLN_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    for (size_t i = 0; !rc && i < NCOLS; i++) {
        json_t *v;
        if (!row || od_rows_null(r, (int)i))
            v = default_of(pcols[i].t);
        else if (pcols[i].t == PT_T || pcols[i].t == PT_RO)
            v = json_string(od_rows_text(r, (int)i));
        else if (pcols[i].t == PT_STRS || pcols[i].t == PT_IDS) {
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

static od_err pln_save(od_tx *tx, int64_t id, json_t *f, od_error *e)
{
    int months = (int)num(f, "review_months");
    if (months < OD_PLAN_REVIEW_MONTHS_MIN || months > OD_PLAN_REVIEW_MONTHS_MAX)
        months = OD_PLAN_REVIEW_MONTHS;
    int64_t published = num(f, "published_at"), reviewed = num(f, "reviewed_at");
    int64_t trig_at = num(f, "review_triggered_at"), trig_due = num(f, "review_trigger_due_at");
    if (trig_at <= (published > reviewed ? published : reviewed)) { /* a review or publication since */
        trig_at = trig_due = 0;
        json_object_set_new(f, "review_trigger", json_string(""));
    }
    int64_t next = od_plan_review_at(published, reviewed, months, trig_at, trig_due);
    json_object_set_new(f, "next_review_at", next ? json_integer(next) : json_null());
    char *lists[3] = {NULL, NULL, NULL};
    static const char *const lk[3] = {"scope_classes", "scope_ci_ids", "scope_services"};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(f, lk[i]);
        lists[i] = json_dumps(json_is_array(v) ? v : json_array(), JSON_COMPACT);
    }
    od_err rc = od_tx_exec(tx, OD_Q_PLN_ENSURE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc =
            od_tx_exec(tx, OD_Q_PLN_SAVE, e,
                       OD_BINDS(OD_INT_NONZERO(num(f, "owner_id")), OD_TEXT(lists[0] ? lists[0] : "[]"),
                                OD_TEXT(lists[1] ? lists[1] : "[]"), OD_TEXT(lists[2] ? lists[2] : "[]"),
                                OD_INT(months), OD_TEXT(txt(f, "evaluation")), OD_TEXT(txt(f, "review_note")),
                                OD_INT_NONZERO(num(f, "evaluated_at")), OD_INT_NONZERO(num(f, "approved_at")),
                                OD_INT_NONZERO(num(f, "published_at")), OD_INT_NONZERO(num(f, "reviewed_at")),
                                OD_INT_NONZERO(next), OD_TEXT(trig_at ? txt(f, "review_trigger") : ""),
                                OD_INT_NONZERO(trig_at), OD_INT_NONZERO(trig_due), OD_INT(id)));
    /* a publication newer than every version's stamp publishes the latest
     * version (it is frozen from then on, as every version row is) */
    if (!rc && published > 0)
        rc = od_tx_exec(tx, OD_Q_PLN_VER_STAMP, e,
                        OD_BINDS(OD_INT(published), OD_INT(id), OD_INT(id), OD_INT(id), OD_INT(published)));
    /* the owner's notices of the review date (drill_due.c) */
    if (!rc)
        rc = od_due_notice_sync(tx, id, "review", next, e);
    if (!rc) /* and of its yearly drill */
        rc = od_plan_drill_notice_sync(tx, id, e);
    for (int i = 0; i < 3; i++)
        free(lists[i]);
    return rc;
}

static od_err pln_check(const char *key, json_t *v, od_error *e)
{
    const pcol *c = col_find(key);
    if (!c)
        return od_error_set(e, OD_E_UNPROCESSABLE, key, "未知字段 %s (unknown field %s)", key, key);
    switch (c->t) {
    case PT_RO:
    case PT_TIME:
        return od_error_set(
            e, OD_E_UNPROCESSABLE, key,
            "%s 由工作流记录，不能直接修改 (%s is recorded by the workflow, not set directly)", key, key);
    case PT_T:
        if (!json_is_string(v) || strlen(json_string_value(v)) > TEXT_MAX)
            return od_error_set(e, OD_E_UNPROCESSABLE, key,
                                "%s 须为不超过 8000 字节的字符串 (%s must be a string of at most 8000 bytes)",
                                key, key);
        return OD_OK;
    case PT_ID:
        return json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0)
                   ? OD_OK
                   : od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为用户编号 (%s must be a user id)", key,
                                  key);
    case PT_INT:
        if (!json_is_integer(v) || json_integer_value(v) < OD_PLAN_REVIEW_MONTHS_MIN ||
            json_integer_value(v) > OD_PLAN_REVIEW_MONTHS_MAX)
            return od_error_set(
                e, OD_E_UNPROCESSABLE, key,
                "%s 须为 1 到 24 之间的整数（月） (%s must be an integer from 1 to 24, months)", key, key);
        return OD_OK;
    case PT_STRS:
        return od_rec_check_strs(key, v, e);
    case PT_IDS:
        return od_rec_check_ids(key, v, "配置项编号", "CI ids", e);
    }
    return OD_OK;
}

static const char *const pln_flags[] = {"has_version", NULL};

static od_err pln_computed(od_tx *tx, const od_rec *x, json_t *fields, const char *urgency, int64_t now,
                           bool *flags, od_error *e)
{
    (void)fields;
    (void)urgency;
    (void)now;
    int64_t n = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_PLN_VER_COUNT, &n, e, OD_BINDS(OD_INT(x->id)));
    if (!rc)
        flags[0] = n > 0;
    return rc;
}

const od_rec_ext od_plan_ext = {.kind = "plan",
                                .load = pln_load,
                                .save = pln_save,
                                .check = pln_check,
                                .computed = pln_computed,
                                .flags = pln_flags};

/* ---- the API's view ---- */

/* A version's state: a published version is "published" while it is the
 * newest published one, "superseded" after; an unpublished version is the
 * plan's state while it is the latest, "withdrawn" once a newer one exists. */
static const char *version_state(int64_t number, int64_t latest, int64_t published_at, int64_t newest_pub,
                                 const char *plan_state)
{
    if (published_at)
        return number == newest_pub ? "published" : "superseded";
    return number == latest ? plan_state : "withdrawn";
}

static json_t *version_json(od_rows *r, int64_t latest, int64_t newest_pub, const char *plan_state, bool full)
{
    /* columns: number, [body, html,] created_at, created_by, published_at */
    int o = full ? 2 : 0;
    int64_t number = od_rows_int(r, 0);
    int64_t pub = od_rows_null(r, 3 + o) ? 0 : od_rows_int(r, 3 + o);
    json_t *v = json_pack("{sI ss so so so}", "number", (json_int_t)number, "state",
                          version_state(number, latest, pub, newest_pub, plan_state), "created_at",
                          od_rec_time(od_rows_int(r, 1 + o)), "created_by", od_rec_int_col(r, 2 + o),
                          "published_at", od_rec_time(pub));
    if (full) {
        json_object_set_new(v, "body", json_string(od_rows_text(r, 1)));
        json_object_set_new(v, "html", json_string(od_rows_text(r, 2)));
    }
    return v;
}

/* The latest version number and the newest published one. */
static od_err version_marks(od_tx *tx, int64_t id, int64_t *latest, int64_t *newest_pub, od_error *e)
{
    *latest = *newest_pub = 0;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PLN_VER_LIST, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        *latest = od_rows_int(r, 0);
        if (!od_rows_null(r, 3))
            *newest_pub = od_rows_int(r, 0);
    }
    od_rows_close(r);
    return rc;
}

/* The typed fields for people: times as RFC 3339, the versions (without
 * their text), review_due. */
static od_err plan_json(od_tx *tx, json_t *rec, int64_t now, od_error *e)
{
    int64_t id = (int64_t)json_integer_value(json_object_get(rec, "id"));
    const char *state = json_string_value(json_object_get(rec, "state"));
    json_t *f = NULL;
    od_err rc = pln_load(tx, id, &f, e);
    if (rc)
        return rc;
    int64_t next = num(f, "next_review_at");
    for (size_t i = 0; i < NCOLS; i++)
        if (pcols[i].t == PT_TIME)
            json_object_set_new(f, pcols[i].name, od_rec_time(num(f, pcols[i].name)));
    json_object_set_new(f, "review_due", json_boolean(od_plan_review_due(next, now)));
    int64_t latest = 0, newest_pub = 0;
    rc = version_marks(tx, id, &latest, &newest_pub, e);
    json_t *vs = json_array();
    od_rows *r = NULL;
    bool row = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PLN_VER_LIST, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(vs, version_json(r, latest, newest_pub, state ? state : "", false));
    od_rows_close(r);
    json_object_set_new(f, "versions", vs);
    json_object_set_new(f, "current_version", newest_pub ? json_integer(newest_pub) : json_null());
    json_object_set_new(rec, "plan", f);
    return rc;
}

static od_err must_be_plan(json_t *rec, int64_t id, od_error *e)
{
    return od_rec_must_be(rec, id, "plan", "预案", "plan", e);
}

od_err od_plan_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return od_rec_get_typed(a, who, id, "plan", "预案", "plan", plan_json, out, e);
}

od_err od_plan_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out, od_error *e)
{
    return od_rec_list_typed(a, who, q, "plan", plan_json, out, e);
}

od_err od_plan_create(od_app *a, const od_principal *who, const od_plan_input *in, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    od_record_input r = {.kind = "plan", .title = in->title, .department = in->department};
    /* a new plan's review cycle is the policy's (readiness.plan_review_months) unless given */
    json_t *fields = in->fields ? json_deep_copy(in->fields) : json_object();
    if (fields && !json_object_get(fields, "review_months"))
        json_object_set_new(fields, "review_months", json_integer(a->policy->readiness.plan_review_months));
    rc = od_record_create_act_in(a, tx, who, &r, fields, &id, e);
    json_decref(fields);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc) {
        od_app_committed(a, OD_COMMIT_DEADLINES);
        rc = od_plan_get(a, who, id, out, e);
    }
    return rc;
}

od_err od_plan_update(od_app *a, const od_principal *who, int64_t id, int64_t version, json_t *fields,
                      json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = od_record_edit(a, who, id, version, "plan", fields, e);
    if (!rc)
        rc = od_plan_get(a, who, id, out, e);
    return rc;
}

od_err od_plan_version_add(od_app *a, const od_principal *who, int64_t id, const char *body, json_t **out,
                           od_error *e)
{
    *out = NULL;
    size_t len = body ? strlen(body) : 0;
    if (len == 0 || len > OD_PLAN_BODY_MAX)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "body",
            "body 须为 1 到 200000 字节的 Markdown (body must be 1 to 200000 bytes of Markdown)");
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = must_be_plan(x.o, id, e);
    if (!rc && strcmp(x.state, "draft") != 0)
        rc = od_error_set(
            e, OD_E_CONFLICT, "state",
            "预案处于 %s 状态，版本已冻结；先执行 revise 或 rework 回到草稿 (the plan is %s: its "
            "version is frozen; revise or rework it back to draft first)",
            x.state, x.state);
    int64_t n = 0, now = od_app_now(a);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_PLN_VER_MAX, &n, e, OD_BINDS(OD_INT(id)));
    char *html = NULL;
    if (!rc) {
        n++;
        html = cmark_markdown_to_html(body, len, CMARK_OPT_SAFE);
        if (!html)
            rc = od_error_set(e, OD_E_INTERNAL, "body", "Markdown 渲染失败 (rendering the Markdown failed)");
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PLN_VER_INSERT, e,
                        OD_BINDS(OD_INT(id), OD_INT(n), OD_TEXT(body), OD_TEXT(html), OD_INT(now),
                                 OD_INT_NONZERO(who ? who->id : 0)));
    free(html);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PLN_REC_TOUCH, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    json_t *d = json_pack("{sI}", "number", (json_int_t)n);
    char text[96];
    snprintf(text, sizeof text, "预案第 %lld 版 (plan version %lld)", (long long)n, (long long)n);
    if (!rc)
        rc = od_record_timeline_add(tx, id, now, who, "plan_version", d, text, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "plan.version", "record", id, NULL, d, e);
    json_decref(d);
    od_rec_free(&x);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        rc = od_plan_version_get(a, who, id, n, out, e);
    return rc;
}

od_err od_plan_version_get(od_app *a, const od_principal *who, int64_t id, int64_t n, json_t **out,
                           od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        rc = must_be_plan(x.o, id, e);
    int64_t latest = 0, newest_pub = 0;
    if (!rc)
        rc = version_marks(tx, id, &latest, &newest_pub, e);
    od_rows *r = NULL;
    bool row = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PLN_VER_GET, &r, e, OD_BINDS(OD_INT(id), OD_INT(n)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "预案 %s 没有第 %lld 版 (plan %s has no version %lld)",
                          x.number, (long long)n, x.number, (long long)n);
    if (!rc) {
        *out = version_json(r, latest, newest_pub, x.state, true);
        json_object_set_new(*out, "plan_id", json_integer(id));
        json_object_set_new(*out, "plan_number", json_string(x.number));
    }
    od_rows_close(r);
    od_rec_free(&x);
    od_tx_rollback(tx);
    return rc;
}

od_err od_plan_overdue(od_app *a, const od_principal *who, int64_t limit, int64_t offset, json_t **out,
                       od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *ids = json_array(), *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_PLN_OVERDUE, &r, e, OD_BINDS(OD_INT(now)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(ids, json_integer(od_rows_int(r, 0)));
    od_rows_close(r);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (rc)
            break;
        od_rec x = {0};
        rc = od_rec_load(tx, who, (int64_t)json_integer_value(v), &x, e);
        if (rc == OD_E_NOT_FOUND) { /* outside who's scope: neither listed nor counted */
            od_error_clear(e);
            rc = OD_OK;
        } else if (!rc) {
            if (total >= offset && total < offset + limit) {
                rc = plan_json(tx, x.o, now, e);
                if (!rc) {
                    json_array_append_new(items, x.o);
                    x.o = NULL;
                }
            }
            total++;
        }
        od_rec_free(&x);
    }
    od_tx_rollback(tx);
    json_decref(ids);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

/* ---- the plans that apply to an incident ---- */

#define SCOPE_MAX 64

/* The strings of a JSON array (borrowed from it), at most max. */
static size_t strs_of(json_t *arr, const char **out, size_t max)
{
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(arr, i, v) if (n < max && json_is_string(v)) out[n++] = json_string_value(v);
    return n;
}

static size_t ids_of(json_t *arr, int64_t *out, size_t max)
{
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(arr, i, v) if (n < max && json_is_integer(v)) out[n++] =
        (int64_t)json_integer_value(v);
    return n;
}

od_err od_plan_for_incident(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                            int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *inc = NULL;
    od_err rc = od_incident_get(a, who, incident_id, &inc, e); /* 404 outside who's scope */
    if (rc)
        return rc;
    const char *cats[SCOPE_MAX];
    int64_t cis[SCOPE_MAX];
    size_t n_cis = 0, i;
    json_t *c;
    json_array_foreach(json_object_get(inc, "cis"), i, c) if (n_cis < SCOPE_MAX)
    {
        const char *cat = json_string_value(json_object_get(c, "category"));
        cats[n_cis] = cat ? cat : "";
        cis[n_cis++] = (int64_t)json_integer_value(json_object_get(c, "id"));
    }
    const char *level = json_string_value(json_object_get(inc, "level"));
    od_plan_incident pi = {.level = level ? level : "",
                           .ci_categories = cats,
                           .n_ci_categories = n_cis,
                           .ci_ids = cis,
                           .n_ci_ids = n_cis};
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        json_decref(inc);
        return rc;
    }
    json_t *found = json_array(), *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_PLN_PUBLISHED, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *classes = json_loads(od_rows_text(r, 1), 0, NULL),
               *ids = json_loads(od_rows_text(r, 2), 0, NULL);
        const char *pc[SCOPE_MAX];
        int64_t pids[SCOPE_MAX];
        od_plan_scope ps = {.classes = pc,
                            .n_classes = strs_of(classes, pc, SCOPE_MAX),
                            .ci_ids = pids,
                            .n_ci_ids = ids_of(ids, pids, SCOPE_MAX)};
        od_plan_match m = od_plan_applies(&ps, &pi);
        if (m != OD_PLAN_NO_MATCH)
            json_array_append_new(found, json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, 0),
                                                   "matched_by", od_plan_match_key(m)));
        json_decref(classes);
        json_decref(ids);
    }
    od_rows_close(r);
    int64_t total = 0, now = od_app_now(a);
    json_array_foreach(found, i, c)
    {
        if (rc)
            break;
        od_rec x = {0};
        rc = od_rec_load(tx, who, (int64_t)json_integer_value(json_object_get(c, "id")), &x, e);
        if (rc == OD_E_NOT_FOUND) { /* outside who's scope: neither listed nor counted */
            od_error_clear(e);
            rc = OD_OK;
        } else if (!rc) {
            if (total >= offset && total < offset + limit) {
                rc = plan_json(tx, x.o, now, e);
                if (!rc) {
                    json_object_set(x.o, "matched_by", json_object_get(c, "matched_by"));
                    json_array_append_new(items, x.o);
                    x.o = NULL;
                }
            }
            total++;
        }
        od_rec_free(&x);
    }
    od_tx_rollback(tx);
    json_decref(found);
    json_decref(inc);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
