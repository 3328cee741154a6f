/* drills.c — the drill module (应急演练; modules-spec §M7; docs/drills.md):
 * its typed fields (table drills, one row per record; a record without its
 * row reads as every field empty) as the workflow kernel's extension, the
 * simulated incident a running drill injects, the scorecard computed from
 * that incident's real deadlines (core/drill.h), the sandbox that keeps a
 * drill's messages to its participants, and the plans whose drill is due.
 * The lifecycle is the policy's `workflows: drill` applied by
 * records_act.c.  Closing a drill makes its plan's review due: the
 * module's post-action hook (record_hooks.h) does it, inside the closing
 * action's transaction. */
#include "app/drills.h"
#include "app/internal_events.h"
#include "app/list.h"
#include "app/plans.h"
#include "app/record_hooks.h"
#include "app/records_kernel.h"
#include "core/drill.h"
#include "core/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 8000
#define LIST_MAX 64

typedef enum dtype {
    DT_T = 0,
    DT_TIME,
    DT_UTIME,
    DT_ID,
    DT_RO_ID,
    DT_ENUM,
    DT_STRS,
    DT_IDS,
    DT_ROLES,
    DT_SCRIPT
} dtype;
typedef struct dcol {
    const char *name;
    dtype t;
    const char *const *values; /* DT_ENUM: the allowed keys, the first the default */
} dcol;

static const char *const drill_types[] = {"functional", "tabletop", "full_scale", NULL};
static const char *const drill_modes[] = {"sandbox", "live", NULL};
/* a participant's role in the drill (participant_roles: user id → role) */
static const char *const drill_roles[] = {"commander", "coordinator", "operator",
                                          "observer",  "evaluator",   NULL};
#define ROLES_TEXT "commander, coordinator, operator, observer, evaluator"

/* in the order of queries_drills.h DRL_GET / DRL_SAVE */
static const dcol dcols[] = {
    {"plan_id", DT_ID, NULL},
    {"drill_type", DT_ENUM, drill_types},
    {"mode", DT_ENUM, drill_modes},
    {"goals", DT_T, NULL},
    {"scenario", DT_T, NULL},
    {"participants", DT_IDS, NULL},
    {"planned_steps", DT_STRS, NULL},
    {"done_steps", DT_STRS, NULL},
    {"evaluation", DT_T, NULL},
    {"lessons", DT_T, NULL},
    {"scheduled_at", DT_UTIME, NULL},
    {"prepared_at", DT_TIME, NULL},
    {"started_at", DT_TIME, NULL},
    {"evaluated_at", DT_TIME, NULL},
    {"closed_at", DT_TIME, NULL},
    {"incident_id", DT_RO_ID, NULL},
    {"participant_roles", DT_ROLES, drill_roles},
    {"script", DT_SCRIPT, NULL},
};
#define SCRIPT_MAX 20
#define SCRIPT_TEXT_MAX 300
#define SCRIPT_OFFSET_MAX 1440 /* minutes: a day */
#define NCOLS (sizeof dcols / sizeof *dcols)

static const dcol *col_find(const char *k)
{
    for (size_t i = 0; i < NCOLS; i++)
        if (strcmp(dcols[i].name, k) == 0)
            return &dcols[i];
    return NULL;
}

static json_t *default_of(const dcol *c)
{
    switch (c->t) {
    case DT_T:
        return json_string("");
    case DT_ENUM:
        return json_string(c->values[0]);
    case DT_STRS:
    case DT_IDS:
    case DT_SCRIPT:
        return json_array();
    case DT_ROLES:
        return json_object();
    default:
        return json_null();
    }
}

static const char *txt(json_t *f, const char *k)
{
    const char *s = json_string_value(json_object_get(f, k));
    return s ? s : "";
}

/* An integer field, or a time given as RFC 3339 text (scheduled_at). */
static int64_t num(json_t *f, const char *k)
{
    json_t *v = json_object_get(f, k);
    int64_t ms = 0;
    if (json_is_string(v) && od_time_parse(json_string_value(v), &ms))
        return ms;
    return (int64_t)json_integer_value(v);
}

static od_err drl_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    json_t *o = json_object();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRL_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    for (size_t i = 0; !rc && i < NCOLS; i++) {
        json_t *v;
        if (!row || od_rows_null(r, (int)i))
            v = default_of(&dcols[i]);
        else if (dcols[i].t == DT_T || dcols[i].t == DT_ENUM)
            v = json_string(od_rows_text(r, (int)i));
        else if (dcols[i].t == DT_STRS || dcols[i].t == DT_IDS || dcols[i].t == DT_SCRIPT) {
            v = json_loads(od_rows_text(r, (int)i), 0, NULL);
            if (!json_is_array(v)) {
                json_decref(v);
                v = json_array();
            }
        } else if (dcols[i].t == DT_ROLES) {
            v = json_loads(od_rows_text(r, (int)i), 0, NULL);
            if (!json_is_object(v)) {
                json_decref(v);
                v = json_object();
            }
        } else
            v = json_integer(od_rows_int(r, (int)i));
        json_object_set_new(o, dcols[i].name, v);
    }
    od_rows_close(r);
    if (rc) {
        json_decref(o);
        o = NULL;
    }
    *out = o;
    return rc;
}

/* The drill's post-action hook (record_hooks.h), in the action's
 * transaction: closing a drill makes its plan's review due (seed 000 ch. 9
 * §1: "应急演练…后组织" the evaluation) by the days stored at its creation. */
/* The drill starts: each scripted inject becomes a record deadline
 * "inject:<n>" at started_at + its offset, fired once by the scheduler
 * (od_drill_inject_fire). */
static od_err schedule_script(od_tx *tx, const od_rec_act_event *ev, od_error *e)
{
    int64_t start = num(ev->fields, "started_at");
    if (start <= 0)
        start = ev->now;
    size_t i;
    json_t *it;
    od_err rc = OD_OK;
    json_array_foreach(json_object_get(ev->fields, "script"), i, it)
    {
        if (rc)
            break;
        char kind[32];
        snprintf(kind, sizeof kind, "inject:%zu", i);
        int64_t at = start + (int64_t)json_integer_value(json_object_get(it, "offset_min")) * 60000, id = 0;
        rc = od_tx_insert(tx, OD_Q_KDL_INSERT, &id, e,
                          OD_BINDS(OD_INT(ev->id), OD_NULL(), OD_TEXT(kind), OD_INT(at), OD_INT(at)));
    }
    return rc;
}

od_err od_drill_after_act(od_tx *tx, const od_rec_act_event *ev, od_error *e)
{
    if (!ev->created && ev->to && strcmp(ev->to, "running") == 0 && strcmp(ev->from, "running") != 0)
        return schedule_script(tx, ev, e);
    if (ev->created || !ev->closing)
        return OD_OK;
    int64_t plan_id = num(ev->fields, "plan_id"), closed_at = num(ev->fields, "closed_at");
    if (plan_id <= 0)
        return OD_OK;
    od_rows *r = NULL;
    bool row = false;
    int days = OD_PLAN_TRIGGER_DAYS;
    od_err rc = od_tx_query(tx, OD_Q_DRL_STORED, &r, e, OD_BINDS(OD_INT(ev->id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 1))
        days = (int)od_rows_int(r, 1);
    od_rows_close(r);
    if (!rc)
        rc = od_plan_trigger_review_days_in(tx, NULL, plan_id, OD_PLAN_TRIG_DRILL, ev->number,
                                            closed_at > 0 ? closed_at : ev->now, days, e);
    if (!rc) /* the plan's next yearly drill counts from this one */
        rc = od_plan_drill_notice_sync(tx, plan_id, e);
    return rc;
}

static bool id_listed(json_t *ids, int64_t uid)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (json_integer_value(v) == uid) return true;
    return false;
}

/* The participants a save adds must exist and be active (those stored
 * before stay, even if disabled since); every role names a participant. */
static od_err check_people(od_tx *tx, int64_t id, json_t *f, od_error *e)
{
    json_t *parts = json_object_get(f, "participants"), *was = NULL;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRL_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row && !od_rows_null(r, 5))
        was = json_loads(od_rows_text(r, 5), 0, NULL);
    od_rows_close(r);
    size_t i;
    json_t *v;
    json_array_foreach(parts, i, v)
    {
        int64_t uid = (int64_t)json_integer_value(v), disabled = -1;
        if (rc || id_listed(was, uid))
            continue;
        rc = od_tx_query(tx, OD_Q_DRLX_USER_ACTIVE, &r, e, OD_BINDS(OD_INT(uid)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row)
            disabled = od_rows_int(r, 0);
        od_rows_close(r);
        if (!rc && disabled != 0)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "participants", "参演人员 %lld %s (participant %lld %s)",
                              (long long)uid, disabled < 0 ? "不存在" : "已停用", (long long)uid,
                              disabled < 0 ? "does not exist" : "is disabled");
    }
    json_decref(was);
    const char *k;
    json_object_foreach(json_object_get(f, "participant_roles"), k, v)
    {
        if (rc)
            break;
        if (!id_listed(parts, strtoll(k, NULL, 10)))
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "participant_roles",
                              "用户 %s 不是参演人员 (user %s is not a participant)", k, k);
    }
    return rc;
}

static od_err drl_save(od_tx *tx, int64_t id, json_t *f, od_error *e)
{
    char *lists[3] = {NULL, NULL, NULL};
    static const char *const lk[3] = {"participants", "planned_steps", "done_steps"};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(f, lk[i]);
        lists[i] = json_dumps(json_is_array(v) ? v : json_array(), JSON_COMPACT);
    }
    const char *type = txt(f, "drill_type"), *mode = txt(f, "mode");
    json_t *rv = json_object_get(f, "participant_roles"), *sv = json_object_get(f, "script");
    char *roles = json_is_object(rv) ? json_dumps(rv, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *script = json_is_array(sv) ? json_dumps(sv, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    od_err rc = od_tx_exec(tx, OD_Q_DRL_ENSURE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = check_people(tx, id, f, e);
    if (!rc)
        rc =
            od_tx_exec(tx, OD_Q_DRL_SAVE, e,
                       OD_BINDS(OD_INT_NONZERO(num(f, "plan_id")), OD_TEXT(*type ? type : drill_types[0]),
                                OD_TEXT(*mode ? mode : drill_modes[0]), OD_TEXT(txt(f, "goals")),
                                OD_TEXT(txt(f, "scenario")), OD_TEXT(lists[0] ? lists[0] : "[]"),
                                OD_TEXT(lists[1] ? lists[1] : "[]"), OD_TEXT(lists[2] ? lists[2] : "[]"),
                                OD_TEXT(txt(f, "evaluation")), OD_TEXT(txt(f, "lessons")),
                                OD_INT_NONZERO(num(f, "scheduled_at")), OD_INT_NONZERO(num(f, "prepared_at")),
                                OD_INT_NONZERO(num(f, "started_at")), OD_INT_NONZERO(num(f, "evaluated_at")),
                                OD_INT_NONZERO(num(f, "closed_at")), OD_INT_NONZERO(num(f, "incident_id")),
                                OD_TEXT(roles ? roles : "{}"), OD_TEXT(script ? script : "[]"), OD_INT(id)));
    free(roles);
    free(script);
    /* the organizer's notices of the scheduled time, until the drill starts (drill_due.c) */
    if (!rc)
        rc = od_due_notice_sync(tx, id, "drill", num(f, "started_at") ? 0 : num(f, "scheduled_at"), e);
    for (int i = 0; i < 3; i++)
        free(lists[i]);
    return rc;
}

static od_err drl_check(const char *key, json_t *v, od_error *e)
{
    const dcol *c = col_find(key);
    if (!c)
        return od_error_set(e, OD_E_UNPROCESSABLE, key, "未知字段 %s (unknown field %s)", key, key);
    int64_t ms = 0;
    switch (c->t) {
    case DT_TIME:
    case DT_RO_ID:
        return od_error_set(
            e, OD_E_UNPROCESSABLE, key,
            "%s 由工作流记录，不能直接修改 (%s is recorded by the workflow, not set directly)", key, key);
    case DT_UTIME:
        if (json_is_null(v) || (json_is_string(v) && od_time_parse(json_string_value(v), &ms)))
            return OD_OK;
        return od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为 RFC 3339 时间 (%s must be an RFC 3339 time)",
                            key, key);
    case DT_T:
        if (!json_is_string(v) || strlen(json_string_value(v)) > TEXT_MAX)
            return od_error_set(e, OD_E_UNPROCESSABLE, key,
                                "%s 须为不超过 8000 字节的字符串 (%s must be a string of at most 8000 bytes)",
                                key, key);
        return OD_OK;
    case DT_ENUM:
        for (size_t i = 0; json_is_string(v) && c->values[i]; i++)
            if (strcmp(c->values[i], json_string_value(v)) == 0)
                return OD_OK;
        return od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为 %s 之一 (%s must be one of %s)", key,
                            c->values == drill_modes ? "sandbox, live" : "functional, tabletop, full_scale",
                            key,
                            c->values == drill_modes ? "sandbox, live" : "functional, tabletop, full_scale");
    case DT_ID:
        return json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0)
                   ? OD_OK
                   : od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为预案编号 (%s must be a plan id)", key,
                                  key);
    case DT_STRS:
        return od_rec_check_strs(key, v, e);
    case DT_IDS:
        return od_rec_check_ids(key, v, "用户编号", "user ids", e);
    case DT_SCRIPT: {
        bool ok = json_is_array(v) && json_array_size(v) <= SCRIPT_MAX;
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it)
        {
            json_t *off = json_object_get(it, "offset_min"), *t = json_object_get(it, "text");
            ok = ok && json_is_object(it) && json_object_size(it) == 2 && json_is_integer(off) &&
                 json_integer_value(off) >= 1 && json_integer_value(off) <= SCRIPT_OFFSET_MAX &&
                 json_is_string(t) && *json_string_value(t) &&
                 strlen(json_string_value(t)) <= SCRIPT_TEXT_MAX;
        }
        return ok ? OD_OK
                  : od_error_set(
                        e, OD_E_UNPROCESSABLE, key,
                        "%s 须为至多 20 项 {offset_min: 1–1440 分钟, text: 不超过 300 字节} (%s must be at "
                        "most 20 items of {offset_min: 1-1440 minutes, text: at most 300 bytes})",
                        key, key);
    }
    case DT_ROLES: {
        const char *k;
        json_t *r;
        bool ok = json_is_object(v) && json_object_size(v) <= LIST_MAX;
        json_object_foreach(v, k, r)
        {
            char *end = NULL;
            long long uid = strtoll(k, &end, 10);
            bool known = false;
            for (size_t i = 0; json_is_string(r) && c->values[i]; i++)
                known = known || strcmp(c->values[i], json_string_value(r)) == 0;
            ok = ok && *k && !*end && uid > 0 && known;
        }
        return ok ? OD_OK
                  : od_error_set(
                        e, OD_E_UNPROCESSABLE, key,
                        "%s 须为 {用户编号: 角色} 对象，角色为 %s 之一 (%s must be an object of user id "
                        "to role, a role one of %s)",
                        key, ROLES_TEXT, key, ROLES_TEXT);
    }
    }
    return OD_OK;
}

static const char *const drl_flags[] = {"incident_closed", NULL};

/* incident_closed: the simulated incident exists and is closed (evaluate's guard). */
static od_err drl_computed(od_tx *tx, const od_rec *x, json_t *fields, const char *urgency, int64_t now,
                           bool *flags, od_error *e)
{
    (void)x;
    (void)urgency;
    (void)now;
    int64_t inc = num(fields, "incident_id");
    flags[0] = false;
    if (inc <= 0)
        return OD_OK;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRL_INC, &r, e, OD_BINDS(OD_INT(inc)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        flags[0] = !od_rows_null(r, 2);
    od_rows_close(r);
    return rc;
}

const od_rec_ext od_drill_ext = {.kind = "drill",
                                 .load = drl_load,
                                 .save = drl_save,
                                 .check = drl_check,
                                 .computed = drl_computed,
                                 .flags = drl_flags};

/* ---- the API's view ---- */

static od_err drill_json(od_tx *tx, json_t *rec, int64_t now, od_error *e)
{
    (void)now;
    int64_t id = (int64_t)json_integer_value(json_object_get(rec, "id"));
    json_t *f = NULL;
    od_err rc = drl_load(tx, id, &f, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < NCOLS; i++)
        if (dcols[i].t == DT_TIME || dcols[i].t == DT_UTIME)
            json_object_set_new(f, dcols[i].name, od_rec_time(num(f, dcols[i].name)));
    int64_t inc = num(f, "incident_id");
    json_t *iv = json_null();
    od_rows *r = NULL;
    bool row = false;
    if (inc > 0) {
        rc = od_tx_query(tx, OD_Q_DRL_INC, &r, e, OD_BINDS(OD_INT(inc)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row)
            iv = json_pack("{sI ss ss ss}", "id", (json_int_t)inc, "number", od_rows_text(r, 4), "level",
                           od_rows_text(r, 5), "state", od_rows_text(r, 3));
        od_rows_close(r);
    }
    json_object_set_new(f, "incident", iv);
    json_t *found = NULL;
    if (!rc)
        rc = od_drill_findings_in(tx, id, &found, e);
    json_object_set_new(f, "findings", found ? found : json_array());
    json_object_set_new(rec, "drill", f);
    return rc;
}

od_err od_drill_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    return od_rec_get_typed(a, who, id, "drill", "演练", "drill", drill_json, out, e);
}

od_err od_drill_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out, od_error *e)
{
    return od_rec_list_typed(a, who, q, "drill", drill_json, out, e);
}

od_err od_drill_create(od_app *a, const od_principal *who, const od_drill_input *in, json_t **out,
                       od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    int64_t id = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    od_record_input r = {.kind = "drill", .title = in->title, .department = in->department};
    rc = od_record_create_act_in(a, tx, who, &r, in->fields, &id, e);
    /* the policy's days in force now: closing it makes its plan's review due that much later */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DRL_ENSURE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DRL_DAYS_SET, e,
                        OD_BINDS(OD_INT(a->policy->readiness.review_trigger_days), OD_INT(id)));
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc) {
        od_app_committed(a, OD_COMMIT_DEADLINES);
        rc = od_drill_get(a, who, id, out, e);
    }
    return rc;
}

od_err od_drill_update(od_app *a, const od_principal *who, int64_t id, int64_t version, json_t *fields,
                       json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = od_record_edit(a, who, id, version, "drill", fields, e);
    if (!rc)
        rc = od_drill_get(a, who, id, out, e);
    return rc;
}

od_err od_drill_inject(od_app *a, const od_principal *who, int64_t id, od_incident_input *in, json_t **out,
                       od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_rec_must_be(x.o, id, "drill", "演练", "drill", e);
    if (!rc && strcmp(x.state, "running") != 0)
        rc = od_error_set(e, OD_E_CONFLICT, "state",
                          "演练处于 %s 状态；只有进行中（running）的演练可以注入模拟事件 (the drill is %s: "
                          "only a running drill injects its simulated incident)",
                          x.state, x.state);
    json_t *f = NULL;
    if (!rc)
        rc = drl_load(tx, id, &f, e);
    if (!rc && num(f, "incident_id") > 0)
        rc = od_error_set(e, OD_E_CONFLICT, "incident_id",
                          "演练 %s 已有模拟事件 (drill %s already has its simulated incident)", x.number,
                          x.number);
    int64_t inc_id = 0, now = od_app_now(a);
    in->drill = true;
    in->drill_record_id = id; /* set before any message: the sandbox applies from the first one */
    if (!rc)
        rc = od_incident_create_in(a, tx, who, in, &inc_id, e);
    /* the registry's links: the drill simulates the incident and exercises its plan */
    int64_t inc_rec = 0, plan_id = rc ? 0 : num(f, "plan_id");
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &inc_rec, e, OD_BINDS(OD_INT(inc_id)));
    if (!rc) {
        od_link_input li = {.kind = "simulates", .to_id = inc_rec};
        rc = od_rec_link_in(tx, who, &x, &li, false, now, NULL, e);
    }
    if (!rc && plan_id > 0) {
        od_link_input li = {.kind = "exercises", .to_id = plan_id};
        rc = od_rec_link_in(tx, who, &x, &li, false, now, NULL, e);
        if (rc == OD_E_CONFLICT || rc == OD_E_NOT_FOUND || rc == OD_E_UNPROCESSABLE) {
            od_error_clear(e); /* linked already, or plan_id names no plan the actor sees: the field stays */
            rc = OD_OK;
        }
    }
    if (!rc) {
        json_t *d = json_pack("{sI}", "incident_id", (json_int_t)inc_id);
        char text[160];
        snprintf(text, sizeof text, "注入模拟事件 (simulated incident injected) #%lld", (long long)inc_id);
        rc = od_record_timeline_add(tx, id, now, who, "drill_inject", d, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "drill.inject", "record", id, NULL, d, e);
        json_decref(d);
    }
    json_decref(f);
    od_rec_free(&x);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc) {
        od_app_committed(a, OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
        rc = od_incident_get(a, who, inc_id, out, e);
    }
    return rc;
}

/* ---- the scorecard ---- */

#define SCORES_MAX 1024

static json_t *x100(int v)
{
    return v < 0 ? json_null() : json_real(v / 100.0);
}

/* The manual part (core/drill.h od_drill_manual_totals): {items: [{item,
 * score|null, note}], overall|null, participants: [{user_id, role, scores:
 * {item: n}, average|null}], scores}. */
static od_err manual_json(od_tx *tx, int64_t id, json_t *f, json_t **out, od_error *e)
{
    *out = NULL;
    od_drill_mscore *ms = calloc(SCORES_MAX, sizeof *ms);
    if (!ms)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_t *notes = json_object();
    size_t n = 0;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRLX_SCORES, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row && n < SCORES_MAX) {
        ms[n] = (od_drill_mscore){.item = od_drill_item_parse(od_rows_text(r, 0)),
                                  .user_id = od_rows_int(r, 1),
                                  .score = (int)od_rows_int(r, 2)};
        if (ms[n].user_id == 0)
            json_object_set_new(notes, od_rows_text(r, 0), json_string(od_rows_text(r, 3)));
        n++;
    }
    od_rows_close(r);
    if (rc) {
        free(ms);
        json_decref(notes);
        return rc;
    }
    od_drill_mtotals t;
    od_drill_manual_totals(ms, n, &t);
    json_t *items = json_array(), *people = json_array();
    for (int i = 0; i < OD_DI__COUNT; i++) {
        const char *k = od_drill_item_key((od_drill_item)i);
        json_t *note = json_object_get(notes, k);
        json_array_append_new(items, json_pack("{ss so ss}", "item", k, "score",
                                               t.per_item[i] ? json_integer(t.per_item[i]) : json_null(),
                                               "note", note ? json_string_value(note) : ""));
    }
    size_t i;
    json_t *v;
    json_t *roles = json_object_get(f, "participant_roles");
    json_array_foreach(json_object_get(f, "participants"), i, v)
    {
        int64_t uid = (int64_t)json_integer_value(v);
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)uid);
        json_t *sc = json_object();
        for (size_t j = 0; j < n; j++)
            if (ms[j].user_id == uid && ms[j].item >= 0)
                json_object_set_new(sc, od_drill_item_key((od_drill_item)ms[j].item),
                                    json_integer(ms[j].score));
        const char *role = json_string_value(json_object_get(roles, key));
        json_array_append_new(people, json_pack("{sI ss so so}", "user_id", (json_int_t)uid, "role",
                                                role ? role : "", "scores", sc, "average",
                                                x100(od_drill_participant_avg(ms, n, uid, NULL))));
    }
    *out = json_pack("{so so so si}", "items", items, "overall", x100(t.overall_x100), "participants", people,
                     "scores", t.scores);
    free(ms);
    json_decref(notes);
    return OD_OK;
}

#define CARD_ITEMS_MAX 512

static json_t *null_or_int(int64_t v)
{
    return v < 0 ? json_null() : json_integer(v);
}

od_err od_drill_scorecard(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        rc = od_rec_must_be(x.o, id, "drill", "演练", "drill", e);
    json_t *f = NULL;
    if (!rc)
        rc = drl_load(tx, id, &f, e);
    int64_t now = od_app_now(a), inc = rc ? 0 : num(f, "incident_id");
    int64_t detected = 0, activated = 0, first_ack = 0;
    json_t *items = json_array(), *people = json_array(), *incv = json_null();
    static od_drill_deadline dl_none;
    od_drill_deadline *dl = calloc(CARD_ITEMS_MAX, sizeof *dl);
    size_t n = 0;
    od_rows *r = NULL;
    bool row = false;
    if (!dl && !rc)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && inc > 0) {
        rc = od_tx_query(tx, OD_Q_DRL_INC, &r, e, OD_BINDS(OD_INT(inc)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row) {
            detected = od_rows_int(r, 0);
            activated = od_rows_null(r, 1) ? 0 : od_rows_int(r, 1);
            json_decref(incv);
            incv = json_pack("{sI ss ss ss}", "id", (json_int_t)inc, "number", od_rows_text(r, 4), "level",
                             od_rows_text(r, 5), "state", od_rows_text(r, 3));
        }
        od_rows_close(r);
        if (!rc)
            rc = od_tx_query(tx, OD_Q_DRL_INC_DEADLINES, &r, e, OD_BINDS(OD_INT(inc)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row && n < CARD_ITEMS_MAX) {
            int k = od_deadline_kind_parse(od_rows_text(r, 0));
            if (!od_deadline_kind_shown(k)) /* internal timers are not judged */
                continue;
            od_drill_deadline d = {.kind = k,
                                   .due_at = od_rows_int(r, 2),
                                   .met_at = od_rows_null(r, 3) ? 0 : od_rows_int(r, 3),
                                   .cancelled = strcmp(od_rows_text(r, 4), "cancelled") == 0};
            dl[n++] = d;
            json_array_append_new(items, json_pack("{ss so so so ss}", "kind", od_rows_text(r, 0),
                                                   "recipient_id", od_rec_int_col(r, 1), "due_at",
                                                   od_rec_time(d.due_at), "met_at", od_rec_time(d.met_at),
                                                   "verdict", od_drill_verdict_key(od_drill_judge(&d, now))));
        }
        od_rows_close(r);
        if (!rc)
            rc = od_tx_query(tx, OD_Q_DRL_INC_RECIPIENTS, &r, e, OD_BINDS(OD_INT(inc)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            int64_t acked = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
            if (acked && (!first_ack || acked < first_ack))
                first_ack = acked;
            json_array_append_new(people, json_pack("{sI ss ss so so}", "id", (json_int_t)od_rows_int(r, 0),
                                                    "username", od_rows_text(r, 1), "display_name",
                                                    od_rows_text(r, 2), "ack_due",
                                                    od_rec_time(od_rows_null(r, 3) ? 0 : od_rows_int(r, 3)),
                                                    "acked_at", od_rec_time(acked)));
        }
        od_rows_close(r);
    }
    od_drill_card card;
    memset(&card, 0, sizeof card);
    if (!rc) {
        const char *planned[LIST_MAX], *done[LIST_MAX];
        size_t np = 0, nd = 0, i;
        json_t *v;
        json_array_foreach(json_object_get(f, "planned_steps"), i, v) if (np < LIST_MAX) planned[np++] =
            json_string_value(v);
        json_array_foreach(json_object_get(f, "done_steps"), i, v) if (nd < LIST_MAX) done[nd++] =
            json_string_value(v);
        od_drill_score(n ? dl : &dl_none, n, now, detected, first_ack, activated, planned, np, done, nd,
                       &card);
        json_t *manual = NULL;
        rc = manual_json(tx, id, f, &manual, e);
        if (rc)
            goto done;
        *out =
            json_pack("{sI ss so so so si si si si so so so si si so}", "drill_id", (json_int_t)id, "number",
                      x.number, "incident", incv, "items", items, "participants", people, "passed",
                      card.passed, "failed", card.failed, "pending", card.pending, "not_judged",
                      card.not_judged, "score_pct", null_or_int(card.score_pct), "to_ack_ms",
                      null_or_int(card.to_ack_ms), "to_activate_ms", null_or_int(card.to_activate_ms),
                      "steps_planned", card.steps_planned, "steps_done", card.steps_done, "manual", manual);
        incv = items = people = NULL;
    }
done:
    json_decref(incv);
    json_decref(items);
    json_decref(people);
    free(dl);
    json_decref(f);
    od_rec_free(&x);
    od_tx_rollback(tx);
    return rc;
}

/* ---- the sandbox ---- */

od_err od_drill_sandbox_filter(od_tx *tx, int64_t incident_id, bool drill, json_t *users, json_t **out,
                               od_error *e)
{
    *out = NULL;
    if (!drill) {
        *out = json_incref(users);
        return OD_OK;
    }
    od_rows *r = NULL;
    bool row = false;
    json_t *parts = NULL;
    od_err rc = od_tx_query(tx, OD_Q_DRL_SANDBOX, &r, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        parts = json_loads(od_rows_text(r, 0), 0, NULL);
    od_rows_close(r);
    if (rc)
        return rc;
    if (!row) { /* no sandbox drill: a live drill reaches the real recipients, tagged */
        json_decref(parts);
        *out = json_incref(users);
        return OD_OK;
    }
    json_t *kept = json_array();
    size_t i, j;
    json_t *u, *p;
    json_array_foreach(users, i, u)
    {
        json_int_t uid = json_integer_value(json_object_get(u, "id"));
        json_array_foreach(parts, j, p) if (json_integer_value(p) == uid)
        {
            json_array_append(kept, u);
            break;
        }
    }
    json_decref(parts);
    *out = kept;
    return OD_OK;
}

/* ---- plans whose drill or review is due ---- */

static od_err drill_due_rows(od_app *a, od_tx *tx, const od_principal *who, int64_t now, int64_t limit,
                             int64_t offset, json_t *items, int64_t *total, od_error *e)
{
    json_t *cand = json_array();
    od_rows *r = NULL;
    bool row = false;
    int months = a->policy->readiness.drill_months;
    od_err rc = od_tx_query(tx, OD_Q_PLN_PUBLISHED_AT, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(cand, json_pack("{sI sI}", "id", (json_int_t)od_rows_int(r, 0), "published_at",
                                              (json_int_t)od_rows_int(r, 1)));
    od_rows_close(r);
    json_t *due = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cand, i, c)
    {
        if (rc)
            break;
        int64_t pid = num(c, "id"), last = 0;
        rc = od_tx_scalar(tx, OD_Q_DRL_LAST_CLOSED, &last, e, OD_BINDS(OD_INT(pid)));
        int64_t at = od_plan_drill_due(num(c, "published_at"), last, months);
        if (!rc && od_plan_review_due(at, now)) {
            json_object_set_new(c, "last_drill_at", json_integer(last));
            json_object_set_new(c, "drill_due_at", json_integer(at));
            /* most overdue first: insertion by due time */
            size_t k = 0;
            while (k < json_array_size(due) && num(json_array_get(due, k), "drill_due_at") <= at)
                k++;
            json_array_insert(due, k, c);
        }
    }
    *total = 0;
    json_array_foreach(due, i, c)
    {
        if (rc)
            break;
        od_rec x = {0};
        rc = od_rec_load(tx, who, num(c, "id"), &x, e);
        if (rc == OD_E_NOT_FOUND) { /* outside who's scope: neither listed nor counted */
            od_error_clear(e);
            rc = OD_OK;
        } else if (!rc) {
            if (items && *total >= offset && *total < offset + limit)
                json_array_append_new(items, json_pack("{sI ss ss so so so}", "plan_id", (json_int_t)x.id,
                                                       "number", x.number, "title",
                                                       json_string_value(json_object_get(x.o, "title")),
                                                       "published_at", od_rec_time(num(c, "published_at")),
                                                       "last_drill_at", od_rec_time(num(c, "last_drill_at")),
                                                       "drill_due_at", od_rec_time(num(c, "drill_due_at"))));
            (*total)++;
        }
        od_rec_free(&x);
    }
    json_decref(due);
    json_decref(cand);
    return rc;
}

od_err od_drill_overdue(od_app *a, const od_principal *who, int64_t limit, int64_t offset, json_t **out,
                        od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t total = 0;
    rc = drill_due_rows(a, tx, who, od_app_now(a), limit, offset, items, &total, e);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

od_err od_plan_readiness_plans(od_app *a, const od_principal *who, int64_t now, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *cand = json_array(), *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_PLN_PUBLISHED_AT, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(cand, json_integer(od_rows_int(r, 0)));
    od_rows_close(r);
    size_t i;
    json_t *v;
    json_array_foreach(cand, i, v)
    {
        if (rc)
            break;
        int64_t pid = (int64_t)json_integer_value(v), last = 0, ver = 0;
        od_rec x = {0};
        rc = od_rec_load(tx, who, pid, &x, e);
        if (rc == OD_E_NOT_FOUND) { /* outside who's scope */
            od_error_clear(e);
            rc = OD_OK;
            continue;
        }
        json_t *f = NULL;
        if (!rc)
            rc = od_plan_ext.load(tx, pid, &f, e);
        if (!rc)
            rc = od_tx_scalar(tx, OD_Q_DRL_LAST_CLOSED, &last, e, OD_BINDS(OD_INT(pid)));
        if (!rc)
            rc = od_tx_scalar(tx, OD_Q_PLN_VER_CURRENT, &ver, e, OD_BINDS(OD_INT(pid)));
        if (!rc) {
            int64_t next = num(f, "next_review_at");
            int64_t drill_at =
                od_plan_drill_due(num(f, "published_at"), last, a->policy->readiness.drill_months);
            json_array_append_new(
                items, json_pack("{sI ss ss sI so sb ss so so sb}", "id", (json_int_t)pid, "number", x.number,
                                 "title", json_string_value(json_object_get(x.o, "title")), "current_version",
                                 (json_int_t)ver, "next_review_at", od_rec_time(next), "review_due",
                                 od_plan_review_due(next, now), "review_trigger", txt(f, "review_trigger"),
                                 "last_drill_at", od_rec_time(last), "drill_due_at", od_rec_time(drill_at),
                                 "drill_due", od_plan_review_due(drill_at, now)));
        }
        json_decref(f);
        od_rec_free(&x);
    }
    od_tx_rollback(tx);
    json_decref(cand);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return OD_OK;
}

od_err od_plan_readiness_counts(od_app *a, const od_principal *who, int64_t *reviews_due, int64_t *drills_due,
                                od_error *e)
{
    *reviews_due = *drills_due = 0;
    json_t *o = NULL;
    od_err rc = od_plan_overdue(a, who, 1, 0, &o, e);
    if (!rc)
        *reviews_due = (int64_t)json_integer_value(json_object_get(o, "total"));
    json_decref(o);
    od_tx *tx = NULL;
    if (!rc)
        rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc) {
        rc = drill_due_rows(a, tx, who, od_app_now(a), 0, 0, NULL, drills_due, e);
        od_tx_rollback(tx);
    }
    return rc;
}

/* ---- manual scores ---- */

od_err od_drill_score_put(od_app *a, const od_principal *who, int64_t id, const od_drill_score_input *in,
                          json_t **out, od_error *e)
{
    *out = NULL;
    int item = od_drill_item_parse(in->item);
    if (item < 0)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "item",
            "item 须为 communication、coordination、command、handling 之一 (item must be one of "
            "communication, coordination, command, handling)");
    if (!od_drill_score_valid(in->score))
        return od_error_set(e, OD_E_UNPROCESSABLE, "score", "score 须为 1–5 的整数 (score must be 1 to 5)");
    if (in->user_id < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "user_id",
                            "user_id 须为参演人员 (user_id must be a participant)");
    od_tx *tx = NULL;
    od_rec x = {0};
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_rec_must_be(x.o, id, "drill", "演练", "drill", e);
    if (!rc && strcmp(x.state, "running") != 0 && strcmp(x.state, "evaluated") != 0)
        rc =
            od_error_set(e, OD_E_CONFLICT, "state",
                         "演练处于 %s 状态：进行中或已评估的演练才能评分 (the drill is %s: only a running or "
                         "evaluated drill is scored)",
                         x.state, x.state);
    json_t *f = NULL;
    if (!rc)
        rc = drl_load(tx, id, &f, e);
    if (!rc && in->user_id > 0 && !id_listed(json_object_get(f, "participants"), in->user_id))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "user_id",
                          "用户 %lld 不是参演人员 (user %lld is not a participant)", (long long)in->user_id,
                          (long long)in->user_id);
    int64_t now = od_app_now(a);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_DRLX_SCORE_PUT, e,
                        OD_BINDS(OD_INT(id), OD_TEXT(in->item), OD_INT(in->user_id), OD_INT(in->score),
                                 OD_TEXT(in->note ? in->note : ""), OD_INT_NONZERO(who ? who->id : 0),
                                 OD_INT(now)));
    if (!rc) {
        json_t *d = json_pack("{ss sI sI ss}", "item", in->item, "user_id", (json_int_t)in->user_id, "score",
                              (json_int_t)in->score, "note", in->note ? in->note : "");
        char text[300];
        snprintf(text, sizeof text, "评分：%s %lld 分%s (score: %s %lld)", in->item, (long long)in->score,
                 in->user_id ? "（参演人员）" : "", in->item, (long long)in->score);
        rc = od_record_timeline_add(tx, id, now, who, "drill_score", d, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "drill.score", "record", id, NULL, d, e);
        json_decref(d);
    }
    json_decref(f);
    od_rec_free(&x);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        rc = od_drill_scorecard(a, who, id, out, e);
    return rc;
}

/* ---- scripted injects ---- */

bool od_drill_inject_is_deadline(const char *kind)
{
    return kind && strncmp(kind, "inject:", 7) == 0;
}

/* Inject n of drill x as an internal event (internal_events.h): source
 * "drill", key "drill:<id>:inject:<n>", critical, summary tagged
 * 【演练】[DRILL], the simulated incident's first CI; ref: the incident. */
static od_err inject_queue(od_tx *tx, const od_rec *x, size_t n, int64_t inc, const char *text, int64_t now,
                           od_error *e)
{
    char key[96], idx[24], summary[700], ci[OD_NAME_MAX] = "";
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRLI_INC_CI, &r, e, OD_BINDS(OD_INT(inc)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        snprintf(ci, sizeof ci, "%s", od_rows_text(r, 0));
    od_rows_close(r);
    snprintf(key, sizeof key, "drill:%lld:inject:%zu", (long long)x->id, n);
    snprintf(idx, sizeof idx, "%zu", n);
    snprintf(summary, sizeof summary, "【演练】[DRILL] %s：%s", x->number, text);
    return rc ? rc
              : od_internal_event_queue(tx, OD_IEV_DRILL, key, x->id, inc, idx, "critical", summary, ci, now,
                                        e);
}

od_err od_drill_inject_fire(od_tx *tx, int64_t rec, const char *kind, int64_t now, od_error *e)
{
    size_t n = (size_t)strtoul(kind + 7, NULL, 10);
    od_rec x = {0};
    json_t *f = NULL;
    od_err rc = od_rec_load(tx, NULL, rec, &x, e);
    if (!rc)
        rc = drl_load(tx, rec, &f, e);
    json_t *it = rc ? NULL : json_array_get(json_object_get(f, "script"), n);
    const char *text = it ? json_string_value(json_object_get(it, "text")) : NULL;
    int64_t inc = rc ? 0 : num(f, "incident_id");
    bool live = !rc && text && inc > 0 && strcmp(x.state, "running") == 0;
    json_t *d = json_pack("{sI ss si sb}", "incident_id", (json_int_t)inc, "text", text ? text : "", "index",
                          (int)n, "delivered", live);
    if (live) /* queued in this claim; ingested as an event right after it (internal_events.c) */
        rc = inject_queue(tx, &x, n, inc, text, now, e);
    if (!rc) {
        char t[600];
        snprintf(t, sizeof t, "%s：%s (%s: %s)",
                 live ? "脚本注入" : "脚本注入未送达（演练未在进行或无模拟事件）", text ? text : "",
                 live ? "scripted inject" : "scripted inject not delivered", text ? text : "");
        rc = od_record_timeline_add(tx, rec, now, NULL, "drill_script", d, t, e);
    }
    json_decref(d);
    json_decref(f);
    od_rec_free(&x);
    return rc;
}
