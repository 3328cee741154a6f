/* records.c — the record registry's use cases (records.h): create, read,
 * list, edit with optimistic concurrency, apply a decided state, links,
 * CIs, timeline.  Every write runs in one transaction with its timeline and
 * audit entries.  Decides no workflow rule (core/wf.h does). */
#include "app/records.h"
#include "app/list.h"
#include "app/records_int.h"
#include "app/records_kernel.h"
#include "core/record_kind.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX 300

json_t *od_rec_time(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms == 0 ? json_null() : json_string(od_time_format(ms, t));
}

json_t *od_rec_int_col(od_rows *r, int col)
{
    return od_rows_null(r, col) ? json_null() : json_integer(od_rows_int(r, col));
}

static json_t *time_col(od_rows *r, int col)
{
    return od_rows_null(r, col) ? json_null() : od_rec_time(od_rows_int(r, col));
}

od_err od_rec_commit(od_tx *tx, od_err rc, json_t **out, od_error *e)
{
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc && out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- one record ---- */

/* Whether who may see the record of the current row (REC_GET / REC_LIST
 * columns): an incident's record by its incident's departments. */
static bool row_visible(const od_principal *who, od_rows *r)
{
    if (!who)
        return true;
    if (!od_rows_null(r, 14))
        return od_principal_in_any_scope(who, od_rows_text(r, 20));
    return od_principal_in_scope(who, od_rows_text(r, 11));
}

static json_t *row_json(od_rows *r)
{
    int k = od_rkind_parse(od_rows_text(r, 1));
    const od_rkind_def *d = od_rkind_get((od_rkind)k);
    json_t *o =
        json_pack("{sI ss ss ss ss ss ss ss ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "kind",
                  od_rows_text(r, 1), "kind_zh", d ? d->name_zh : "", "kind_en", d ? d->name_en : "",
                  "number", od_rows_text(r, 2), "title", od_rows_text(r, 3), "state", od_rows_text(r, 4),
                  "impact", od_rows_text(r, 5), "urgency", od_rows_text(r, 6), "priority", od_rows_text(r, 7),
                  "tier", od_rows_text(r, 8), "group_key", od_rows_text(r, 10));
    json_object_set_new(o, "assignee_id", od_rec_int_col(r, 9));
    json_object_set_new(o, "department", json_string(od_rows_text(r, 11)));
    json_object_set_new(o, "requester_id", od_rec_int_col(r, 12));
    json_object_set_new(o, "created_by", od_rec_int_col(r, 13));
    json_object_set_new(o, "incident_id", od_rec_int_col(r, 14));
    json_object_set_new(o, "drill", json_boolean(od_rows_int(r, 15) != 0));
    json_object_set_new(o, "created_at", time_col(r, 16));
    json_object_set_new(o, "updated_at", time_col(r, 17));
    json_object_set_new(o, "closed_at", time_col(r, 18));
    json_object_set_new(o, "version", json_integer(od_rows_int(r, 19)));
    if (!od_rows_null(r, 14)) {
        json_t *deps = json_loads(od_rows_text(r, 20), 0, NULL);
        json_object_set_new(o, "departments", json_is_array(deps) ? deps : json_array());
        if (deps && !json_is_array(deps))
            json_decref(deps);
    }
    return o;
}

od_err od_rec_load(od_tx *tx, const od_principal *who, int64_t id, od_rec *x, od_error *e)
{
    memset(x, 0, sizeof *x);
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_REC_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && (!row || !row_visible(who, r)))
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "记录 %lld 不存在 (record %lld not found)", (long long)id,
                          (long long)id);
    if (!rc) {
        x->o = row_json(r);
        x->id = id;
        x->kind = od_rkind_parse(od_rows_text(r, 1));
        x->version = od_rows_int(r, 19);
        x->incident_id = od_rows_null(r, 14) ? 0 : od_rows_int(r, 14);
        snprintf(x->number, sizeof x->number, "%s", od_rows_text(r, 2));
        snprintf(x->state, sizeof x->state, "%s", od_rows_text(r, 4));
        if (!x->o)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    return rc;
}

void od_rec_free(od_rec *x)
{
    json_decref(x->o);
    x->o = NULL;
}

od_err od_rec_begin(od_app *a, const od_principal *who, int64_t id, od_tx **tx, od_rec *x, od_error *e)
{
    *tx = NULL;
    memset(x, 0, sizeof *x);
    od_err rc = od_tx_begin(a->store, true, tx, e);
    if (!rc)
        rc = od_rec_load(*tx, who, id, x, e);
    if (rc) {
        od_tx_rollback(*tx);
        *tx = NULL;
    }
    return rc;
}

/* ---- timeline ---- */

od_err od_record_timeline_add(od_tx *tx, int64_t id, int64_t now, const od_principal *who, const char *kind,
                              json_t *data, const char *text, od_error *e)
{
    char *d = data ? json_dumps(data, JSON_COMPACT) : NULL;
    const char *actor = who && who->id != 0 ? who->username : "system";
    od_err rc = od_tx_exec(
        tx, OD_Q_RTL_INSERT, e,
        OD_BINDS(OD_INT(id), OD_INT(now), OD_TEXT(actor), OD_TEXT(kind), OD_TEXT(text), OD_TEXT(d)));
    free(d);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_REC_TOUCH, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    return rc;
}

/* ---- create ---- */

static const char *const tiers[] = {"", "desk", "line1", "line2", "vendor"};

static bool tier_ok(const char *t)
{
    for (size_t i = 0; i < sizeof tiers / sizeof *tiers; i++)
        if (strcmp(tiers[i], t) == 0)
            return true;
    return false;
}

/* An account that exists and is not disabled (0 = none, fine). */
static od_err user_ok(od_tx *tx, int64_t uid, const char *field, od_error *e)
{
    if (uid == 0)
        return OD_OK;
    int64_t n = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_REC_USER_ACTIVE, &n, e, OD_BINDS(OD_INT(uid)));
    if (!rc && n == 0)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, field,
                          "用户 %lld 不存在或已停用 (user %lld not found or disabled)", (long long)uid,
                          (long long)uid);
    return rc;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The checks on fields create and update share (who NULL: the system). */
static od_err fields_check(od_tx *tx, const od_principal *who, const char *title, const char *tier,
                           const char *department, int64_t assignee, int64_t requester, od_error *e)
{
    if (!title || !*title)
        return od_error_set(e, OD_E_UNPROCESSABLE, "title",
                            "缺少必填字段 title (required field title is missing)");
    if (od_utf8_count(title, strlen(title)) > TITLE_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "title",
                            "标题最长 300 个字符 (title is at most 300 characters)");
    if (!tier_ok(tier))
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "tier",
            "处理层级须为 desk/line1/line2/vendor (tier must be desk, line1, line2 or vendor)");
    if (who && !od_principal_in_scope(who, department))
        return od_error_set(e, OD_E_FORBIDDEN, "department",
                            "部门 %s 不在您的权限范围内 (department %s is outside your scope)", department,
                            department);
    od_err rc = user_ok(tx, assignee, "assignee_id", e);
    if (!rc)
        rc = user_ok(tx, requester, "requester_id", e);
    return rc;
}

/* The UTC year of now. */
static int year_of(int64_t now)
{
    char t[OD_TIME_STR_MAX];
    od_time_format(now, t);
    return (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
}

od_err od_record_create_in(od_app *a, od_tx *tx, const od_principal *who, const od_record_input *in,
                           int64_t *out_id, od_error *e)
{
    *out_id = 0;
    int k = od_rkind_parse(in->kind);
    const od_rkind_def *d = od_rkind_get((od_rkind)k);
    if (!d)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "未知的记录类型 %s (unknown record kind %s); 可选 (allowed): %s", nz(in->kind),
                            nz(in->kind), od_rkind_keys());
    if (k == OD_RK_INCIDENT || !d->served)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s（%s）记录不能在此创建 (records of kind %s are not created here)", d->name_zh,
                            d->key, d->key);
    const char *dept = in->department ? in->department : (who ? who->department : "");
    od_err rc = fields_check(tx, who, in->title, nz(in->tier), dept, in->assignee_id, in->requester_id, e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a), seq = 0, id = 0;
    int year = year_of(now);
    char key[64], number[OD_RECORD_NUMBER_MAX];
    snprintf(key, sizeof key, "%s:%04d", d->key, year);
    rc = od_tx_scalar(tx, OD_Q_COUNTER_NEXT, &seq, e, OD_BINDS(OD_TEXT(key)));
    od_record_number((od_rkind)k, year, seq, number);
    const char *state = in->state && *in->state ? in->state : "new";
    int64_t creator = who ? who->id : 0;
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_REC_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(d->key), OD_TEXT(number), OD_TEXT(in->title), OD_TEXT(state),
                                   OD_TEXT(nz(in->impact)), OD_TEXT(nz(in->urgency)),
                                   OD_TEXT(nz(in->priority)), OD_TEXT(nz(in->tier)),
                                   OD_INT_NONZERO(in->assignee_id), OD_TEXT(nz(in->group_key)), OD_TEXT(dept),
                                   OD_INT_NONZERO(in->requester_id), OD_INT_NONZERO(creator), OD_NULL(),
                                   OD_BOOL(in->drill), OD_INT(now), OD_INT(now)));
    /* links made while no module served the kind, by this number */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RLINK_RESOLVE, e, OD_BINDS(OD_INT(id), OD_TEXT(d->key), OD_TEXT(number)));
    if (!rc) {
        char text[512];
        snprintf(text, sizeof text, "创建%s %s (created %s %s)", d->name_zh, number, d->name_en, number);
        rc = od_record_timeline_add(tx, id, now, who, "created", NULL, text, e);
    }
    od_rec x = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, id, &x, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "record.create", "record", id, NULL, x.o, e);
    od_rec_free(&x);
    if (!rc)
        *out_id = id;
    return rc;
}

/* The generic create of a kind with a workflow: the record's columns the
 * workflow owns (impact, urgency, assignee, group) become the create
 * action's fields; a priority its matrix computes is not set directly. */
static od_err create_by_action(od_app *a, od_tx *tx, const od_principal *who, const od_record_input *in,
                               int64_t *id, od_error *e)
{
    const od_wf_def *def = od_kernel_workflow(a->policy->kernel, in->kind);
    bool matrix = false;
    for (size_t i = 0; i < def->n_clocks; i++)
        matrix = matrix || def->clocks[i].matrix[0];
    if (matrix && in->priority && *in->priority)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "priority",
            "优先级由影响度 × 紧急度计算，不能直接设置 (the priority is computed from impact × "
            "urgency; set those)");
    json_t *fields = json_object();
    if (in->impact && *in->impact)
        json_object_set_new(fields, "impact", json_string(in->impact));
    if (in->urgency && *in->urgency)
        json_object_set_new(fields, "urgency", json_string(in->urgency));
    if (in->assignee_id)
        json_object_set_new(fields, "assignee_id", json_integer(in->assignee_id));
    if (in->group_key && *in->group_key)
        json_object_set_new(fields, "group_key", json_string(in->group_key));
    od_record_input r = {.kind = in->kind,
                         .title = in->title,
                         .tier = in->tier,
                         .department = in->department,
                         .requester_id = in->requester_id,
                         .drill = in->drill};
    od_err rc = od_record_create_act_in(a, tx, who, &r, fields, id, e);
    json_decref(fields);
    return rc;
}

od_err od_record_create(od_app *a, const od_principal *who, const od_record_input *in, json_t **out,
                        od_error *e)
{
    *out = NULL;
    int k = od_rkind_parse(in->kind);
    const od_rkind_def *d = od_rkind_get((od_rkind)k);
    if (d && !d->generic_create)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s（%s）记录不能通过通用接口创建 (records of kind %s are not created through "
                            "/api/v1/records%s)",
                            d->name_zh, d->key, d->key,
                            k == OD_RK_INCIDENT      ? ": POST /api/v1/incidents"
                            : k == OD_RK_KNOWN_ERROR ? ": POST /api/v1/known-errors"
                                                     : "");
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    /* a kind with a workflow is created by its create action, whichever
     * route asks: who may, the fields checked, priority, clocks, effects */
    bool wf = od_kernel_workflow(a->policy ? a->policy->kernel : NULL, in->kind) != NULL;
    if (wf)
        rc = create_by_action(a, tx, who, in, &id, e);
    else
        rc = od_record_create_in(a, tx, who, in, &id, e);
    od_rec x = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, id, &x, e);
    if (!rc)
        *out = x.o;
    rc = od_rec_commit(tx, rc, out, e);
    if (!rc && wf)
        od_app_committed(a, OD_COMMIT_DEADLINES);
    return rc;
}

od_err od_record_register_incident(od_tx *tx, int64_t incident_id, const char *number, const char *title,
                                   const char *state, bool drill, int64_t created_by, int64_t now,
                                   od_error *e)
{
    int64_t id = 0;
    return od_tx_insert(tx, OD_Q_REC_INSERT, &id, e,
                        OD_BINDS(OD_TEXT("incident"), OD_TEXT(number), OD_TEXT(title), OD_TEXT(state),
                                 OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_TEXT(""), OD_NULL(), OD_TEXT(""),
                                 OD_TEXT(""), OD_NULL(), OD_INT_NONZERO(created_by), OD_INT(incident_id),
                                 OD_BOOL(drill), OD_INT(now), OD_INT(now)));
}

/* ---- read ---- */

od_err od_record_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        *out = x.o;
    od_tx_rollback(tx);
    return rc;
}

/* The records' page, led by the kind, else the assignee, else the id order
 * (queries_lists.h), from below before. */
/* The text filter q (migration 0036): the full-text index for
 * OD_REC_TEXT_MIN characters or more, else a LIKE (like: q's pattern). */
#define OD_REC_TEXT_MIN 3
typedef struct rec_text {
    const char *q, *like;
} rec_text;

static od_err rec_rows(od_tx *tx, const rec_text *t, const char *k, const char *st, int64_t as,
                       const char *dep, const char *pr, int64_t before, int64_t limit, int64_t offset,
                       od_rows **r, od_error *e)
{
    if (t->like)
        return od_tx_query(tx, OD_Q_REC_LIST_LIKE, r, e,
                           OD_BINDS(OD_TEXT(t->like), OD_TEXT(t->like), OD_INT(before), OD_TEXT(k),
                                    OD_TEXT(k), OD_TEXT(st), OD_TEXT(st), OD_INT(as), OD_INT(as),
                                    OD_TEXT(dep), OD_TEXT(dep), OD_TEXT(pr), OD_TEXT(pr), OD_INT(limit),
                                    OD_INT(offset)));
    if (t->q)
        return od_tx_query(tx, OD_Q_REC_LIST_TEXT, r, e,
                           OD_BINDS(OD_TEXT(t->q), OD_INT(before), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                    OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                    OD_TEXT(pr), OD_TEXT(pr), OD_INT(limit), OD_INT(offset)));
    if (*k)
        return od_tx_query(tx, OD_Q_REC_LIST_KIND, r, e,
                           OD_BINDS(OD_TEXT(k), OD_INT(before), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                    OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                    OD_TEXT(pr), OD_TEXT(pr), OD_INT(limit), OD_INT(offset)));
    if (as)
        return od_tx_query(tx, OD_Q_REC_LIST_ASSIGNEE, r, e,
                           OD_BINDS(OD_INT(as), OD_INT(before), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                    OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                    OD_TEXT(pr), OD_TEXT(pr), OD_INT(limit), OD_INT(offset)));
    return od_tx_query(tx, OD_Q_REC_LIST, r, e,
                       OD_BINDS(OD_INT(before), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st), OD_TEXT(st), OD_INT(as),
                                OD_INT(as), OD_TEXT(dep), OD_TEXT(dep), OD_TEXT(pr), OD_TEXT(pr),
                                OD_INT(limit), OD_INT(offset)));
}

/* Their total over every page, counted to cap rows. */
static od_err rec_count(od_tx *tx, const rec_text *t, const char *k, const char *st, int64_t as,
                        const char *dep, const char *pr, int64_t cap, int64_t *total, od_error *e)
{
    if (t->like)
        return od_tx_scalar(tx, OD_Q_REC_COUNT_LIKE, total, e,
                            OD_BINDS(OD_TEXT(t->like), OD_TEXT(t->like), OD_INT(INT64_MAX), OD_TEXT(k),
                                     OD_TEXT(k), OD_TEXT(st), OD_TEXT(st), OD_INT(as), OD_INT(as),
                                     OD_TEXT(dep), OD_TEXT(dep), OD_TEXT(pr), OD_TEXT(pr), OD_INT(cap)));
    if (t->q)
        return od_tx_scalar(tx, OD_Q_REC_COUNT_TEXT, total, e,
                            OD_BINDS(OD_TEXT(t->q), OD_INT(INT64_MAX), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                     OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                     OD_TEXT(pr), OD_TEXT(pr), OD_INT(cap)));
    if (*k)
        return od_tx_scalar(tx, OD_Q_REC_COUNT_KIND, total, e,
                            OD_BINDS(OD_TEXT(k), OD_INT(INT64_MAX), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                     OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                     OD_TEXT(pr), OD_TEXT(pr), OD_INT(cap)));
    if (as)
        return od_tx_scalar(tx, OD_Q_REC_COUNT_ASSIGNEE, total, e,
                            OD_BINDS(OD_INT(as), OD_INT(INT64_MAX), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st),
                                     OD_TEXT(st), OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep),
                                     OD_TEXT(pr), OD_TEXT(pr), OD_INT(cap)));
    return od_tx_scalar(tx, OD_Q_REC_COUNT, total, e,
                        OD_BINDS(OD_INT(INT64_MAX), OD_TEXT(k), OD_TEXT(k), OD_TEXT(st), OD_TEXT(st),
                                 OD_INT(as), OD_INT(as), OD_TEXT(dep), OD_TEXT(dep), OD_TEXT(pr), OD_TEXT(pr),
                                 OD_INT(cap)));
}

od_err od_record_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out, od_error *e)
{
    *out = NULL;
    const char *k = nz(q->kind), *st = nz(q->state), *dep = nz(q->department), *pr = nz(q->priority);
    int64_t as = q->assignee_id, limit = q->limit, offset = q->offset, total = 0;
    if (*k && od_rkind_parse(k) < 0)
        return od_error_set(e, OD_E_INVALID, "kind",
                            "未知的记录类型 %s (unknown record kind %s); 可选 (allowed): %s", k, k,
                            od_rkind_keys());
    if (*pr && !(strlen(pr) == 2 && pr[0] == 'P' && pr[1] >= '1' && pr[1] <= '5'))
        return od_error_set(e, OD_E_INVALID, "priority",
                            "优先级须为 P1…P5 (priority must be one of P1, P2, P3, P4, P5): %s", pr);
    rec_text t = {0};
    char *like = NULL;
    if (q->q && *q->q) {
        if (od_utf8_count(q->q, strlen(q->q)) >= OD_REC_TEXT_MIN)
            t.q = q->q;
        else if (!(t.like = like = od_store_like_pattern(q->q)))
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        free(like);
        json_decref(items);
        return rc;
    }
    /* scoped principals: filtered here and paged over the visible rows, so
     * neither the page nor the total shows a record out of scope */
    bool scoped = who && who->id != 0 && who->n_scopes > 0;
    od_page pg = od_page_start(limit, offset);
    int64_t cap = od_list_count_cap(a, limit, offset), before = q->before_id > 0 ? q->before_id : INT64_MAX;
    if (!scoped)
        rc = rec_count(tx, &t, k, st, as, dep, pr, cap, &total, e);
    if (!rc)
        rc = rec_rows(tx, &t, k, st, as, dep, pr, before, scoped ? (int64_t)-1 : limit,
                      scoped ? (int64_t)0 : offset, &r, e);
    bool row = false;
    int64_t last = 0, n = 0;
    /* scoped: visible rows are counted up to the cap too (the page is full by then) */
    while (!rc && !(scoped && pg.seen >= cap) && !(rc = od_rows_step(r, &row)) && row)
        if (!scoped || od_page_take(&pg, row_visible(who, r))) {
            json_array_append_new(items, row_json(r));
            last = od_rows_int(r, 0);
            n++;
        }
    od_rows_close(r);
    od_tx_rollback(tx);
    free(like);
    bool estimated = scoped ? pg.seen >= cap : total >= cap;
    if (scoped)
        total = pg.seen;
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc)
        return rc;
    /* a full page may have a next one: it starts below its last id */
    if ((rc = od_list_mark(*out, estimated, "next_before_id", n >= limit ? json_integer(last) : NULL, e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- update, state ---- */

static od_err stale(od_tx *tx, int64_t id, int64_t expected, od_error *e)
{
    int64_t cur = 0;
    od_err rc = od_tx_scalar(tx, OD_Q_REC_VERSION, &cur, e, OD_BINDS(OD_INT(id)));
    if (rc == OD_E_NOT_FOUND) {
        od_error_clear(e);
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "记录 %lld 不存在 (record %lld not found)",
                            (long long)id, (long long)id);
    }
    if (rc)
        return rc;
    return od_error_set(
        e, OD_E_CONFLICT, "version",
        "记录已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the record was changed "
        "meanwhile: your version is %lld, the current version is %lld; reload and retry)",
        (long long)expected, (long long)cur, (long long)expected, (long long)cur);
}

static const char *str_field(json_t *fields, json_t *cur, const char *k)
{
    json_t *v = json_object_get(fields, k);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_null(v))
        return "";
    return json_string_value(json_object_get(cur, k));
}

static int64_t id_field(json_t *fields, json_t *cur, const char *k)
{
    json_t *v = json_object_get(fields, k);
    if (!v)
        v = json_object_get(cur, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

od_err od_record_update(od_app *a, const od_principal *who, int64_t id, int64_t version, json_t *fields,
                        json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x, y = {0};
    int64_t now = od_app_now(a);
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    if (x.kind == OD_RK_INCIDENT)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, NULL,
                          "事件记录请通过事件接口修改 (an incident's record is edited through "
                          "/api/v1/incidents/%lld)",
                          (long long)x.incident_id);
    if (!rc && x.version != version)
        rc = stale(tx, id, version, e);
    const char *title = NULL, *tier = NULL, *dept = NULL;
    int64_t assignee = 0, requester = 0;
    if (!rc) {
        title = str_field(fields, x.o, "title");
        tier = str_field(fields, x.o, "tier");
        dept = str_field(fields, x.o, "department");
        assignee = id_field(fields, x.o, "assignee_id");
        requester = id_field(fields, x.o, "requester_id");
        rc = fields_check(tx, who, title, tier, dept, assignee, requester, e);
    }
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_REC_UPDATE, e,
            OD_BINDS(OD_TEXT(title), OD_TEXT(str_field(fields, x.o, "impact")),
                     OD_TEXT(str_field(fields, x.o, "urgency")), OD_TEXT(str_field(fields, x.o, "priority")),
                     OD_TEXT(tier), OD_INT_NONZERO(assignee), OD_TEXT(str_field(fields, x.o, "group_key")),
                     OD_TEXT(dept), OD_INT_NONZERO(requester), OD_INT(now), OD_INT(id), OD_INT(version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = stale(tx, id, version, e);
    /* a kind with a workflow: impact and urgency drive its priority and clocks */
    const od_kernel *kr = a->policy ? a->policy->kernel : NULL;
    if (!rc && od_kernel_workflow(kr, json_string_value(json_object_get(x.o, "kind"))))
        rc = od_rec_wf_fields_in(a, tx, who, id, fields, str_field(NULL, x.o, "priority"), e);
    if (!rc) {
        char text[300];
        od_join j = od_join_start(text, sizeof text, ", ");
        const char *k;
        json_t *v;
        json_object_foreach(fields, k, v) od_join_add(&j, k);
        char line[2 * sizeof text + 32];
        snprintf(line, sizeof line, "修改字段：%s (updated: %s)", text, text);
        rc = od_record_timeline_add(tx, id, now, who, "updated", fields, line, e);
    }
    if (!rc)
        rc = od_rec_load(tx, NULL, id, &y, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "record.update", "record", id, x.o, y.o, e);
    od_rec_free(&x);
    if (!rc)
        *out = y.o;
    else
        od_rec_free(&y);
    return od_rec_commit(tx, rc, out, e);
}

od_err od_record_set_state(od_tx *tx, const od_principal *who, int64_t id, int64_t expected_version,
                           const char *new_state, bool closing, const char *action, int64_t now, od_error *e)
{
    if (!new_state || !*new_state)
        return od_error_set(e, OD_E_INTERNAL, "state", "empty target state");
    od_rec x = {0};
    od_err rc = od_rec_load(tx, NULL, id, &x, e);
    if (!rc && x.kind == OD_RK_INCIDENT)
        rc = od_error_set(e, OD_E_INTERNAL, NULL, "an incident's state is kept by the incident");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_REC_SET_STATE, e,
                        OD_BINDS(OD_TEXT(new_state), OD_INT_OR_NULL(now, closing), OD_INT(now), OD_INT(id),
                                 OD_INT(expected_version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = stale(tx, id, expected_version, e);
    if (!rc) {
        json_t *data =
            json_pack("{ss ss ss}", "from", x.state, "to", new_state, "action", action ? action : "");
        char text[300];
        snprintf(text, sizeof text, "状态：%s → %s (state: %s → %s)", x.state, new_state, x.state, new_state);
        rc = od_record_timeline_add(tx, id, now, who, "state", data, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.state", "record", id, NULL, data, e);
        json_decref(data);
    }
    od_rec_free(&x);
    return rc;
}

/* ---- timeline ---- */

od_err od_record_note(od_app *a, const od_principal *who, int64_t id, const char *text, json_t **out,
                      od_error *e)
{
    *out = NULL;
    if (!text || !*text)
        return od_error_set(e, OD_E_UNPROCESSABLE, "text",
                            "缺少必填字段 text (required field text is missing)");
    od_tx *tx = NULL;
    od_rec x;
    int64_t now = od_app_now(a);
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_record_timeline_add(tx, id, now, who, "note", NULL, text, e);
    json_t *entry = NULL;
    if (!rc) {
        entry = json_pack("{so ss ss ss}", "at", od_rec_time(now), "actor", who->username, "kind", "note",
                          "text", text);
        rc = od_audit_append(tx, now, who, "record.note", "record", id, NULL, entry, e);
    }
    od_rec_free(&x);
    *out = entry;
    return od_rec_commit(tx, rc, out, e);
}

static od_err timeline_fill(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    (void)who;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_RTL_LIST, &r, e, OD_BINDS(OD_INT(id), OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *t =
            json_pack("{so ss ss ss ss}", "at", od_rec_time(od_rows_int(r, 0)), "actor", od_rows_text(r, 1),
                      "kind", od_rows_text(r, 2), "text", od_rows_text(r, 3), "source", od_rows_text(r, 5));
        json_t *d = od_rows_null(r, 4) ? NULL : json_loads(od_rows_text(r, 4), 0, NULL);
        if (d)
            json_object_set_new(t, "data", d);
        json_array_append_new(items, t);
    }
    od_rows_close(r);
    return rc;
}

od_err od_record_timeline(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                          json_t **out, od_error *e)
{
    return od_rec_view(a, who, id, timeline_fill, pg, out, e);
}

#define TYPED_LIST_MAX 64
#define TYPED_ITEM_MAX 64

static od_err typed_list_error(const char *key, const char *what_zh, const char *what_en, od_error *e)
{
    return od_error_set(e, OD_E_UNPROCESSABLE, key,
                        "%s 须为%s列表，至多 64 项 (%s must be a list of at most 64 %s)", key, what_zh, key,
                        what_en);
}

od_err od_rec_check_strs(const char *key, const json_t *v, od_error *e)
{
    if (!json_is_array(v) || json_array_size(v) > TYPED_LIST_MAX)
        return typed_list_error(key, "文本", "strings", e);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *u = json_array_get(v, i);
        if (!json_is_string(u) || !*json_string_value(u) || strlen(json_string_value(u)) > TYPED_ITEM_MAX)
            return typed_list_error(key, "不超过 64 字节的非空文本", "non-empty strings of at most 64 bytes",
                                    e);
    }
    return OD_OK;
}

od_err od_rec_check_ids(const char *key, const json_t *v, const char *what_zh, const char *what_en,
                        od_error *e)
{
    if (!json_is_array(v) || json_array_size(v) > TYPED_LIST_MAX)
        return typed_list_error(key, what_zh, what_en, e);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *u = json_array_get(v, i);
        if (!json_is_integer(u) || json_integer_value(u) <= 0)
            return typed_list_error(key, what_zh, what_en, e);
    }
    return OD_OK;
}

od_err od_rec_list_typed(od_app *a, const od_principal *who, const od_record_query *q, const char *kind,
                         od_rec_decorate decorate, json_t **out, od_error *e)
{
    od_record_query kq = *q;
    kq.kind = kind;
    od_err rc = od_record_list(a, who, &kq, out, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    const json_t *items = json_object_get(*out, "items");
    int64_t now = od_app_now(a);
    for (size_t i = 0; !rc && i < json_array_size(items); i++)
        rc = decorate(tx, json_array_get(items, i), now, e);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_rec_must_be(json_t *rec, int64_t id, const char *kind, const char *what_zh, const char *what_en,
                      od_error *e)
{
    const char *k = json_string_value(json_object_get(rec, "kind"));
    if (k && strcmp(k, kind) == 0)
        return OD_OK;
    return od_error_set(e, OD_E_NOT_FOUND, NULL, "%s %lld 不存在 (%s %lld not found)", what_zh, (long long)id,
                        what_en, (long long)id);
}

od_err od_rec_get_typed(od_app *a, const od_principal *who, int64_t id, const char *kind, const char *what_zh,
                        const char *what_en, od_rec_decorate decorate, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        rc = od_rec_must_be(x.o, id, kind, what_zh, what_en, e);
    if (!rc)
        rc = decorate(tx, x.o, od_app_now(a), e);
    if (!rc) {
        *out = x.o;
        x.o = NULL;
    }
    od_rec_free(&x);
    od_tx_rollback(tx);
    return rc;
}
