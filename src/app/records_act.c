/* records_act.c — the workflow kernel applied (modules-spec §1.3–§1.5;
 * docs/internals/kernel.md): one use case reads a record with its links,
 * approvals, checklists and clocks, fills the views, asks od_wf_decide and
 * applies the answer in the same write transaction — the new state, every
 * effect, the clock rows and their threshold deadlines, timeline and audit
 * entries.  Also the action bar (od_wf_available), approval votes and
 * checklist results.  Decides nothing itself: core/wf.c, approval.c,
 * checklist.c and sla_clock.c do. */
#include "app/records.h"
#include "app/notify_out.h"
#include "app/record_hooks.h"
#include "app/records_kernel.h"
#include "app/internal_events.h"
#include "util/log.h"
#include "core/message.h"
#include "core/record_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SET_MAX 128
#define HOLDERS_MAX 64
#define LINKS_MAX 64
#define APPR_MAX 16
#define CKL_MAX 16
#define CMT_MAX 16
#define IDS_MAX 64

static const od_rec_ext *const exts[] = {&od_problem_ext, &od_plan_ext, &od_drill_ext};

const od_rec_ext *od_rec_ext_of(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof exts / sizeof *exts; i++)
        if (strcmp(exts[i]->kind, kind) == 0)
            return exts[i];
    return NULL;
}

/* Everything one decision reads, owned here for the call. */
typedef struct act_ctx {
    od_tx *tx;
    const od_principal *who;
    const od_kernel *k;
    const od_policy *policy;
    const od_wf_def *def;
    const od_rec_ext *ext;
    od_rec x;
    json_t *ext_fields; /* owned */
    json_t *link;       /* borrowed: the request's "link" object */
    int64_t now;
    /* record columns, as the request leaves them */
    char impact[32], urgency[32], priority[8], group_key[64];
    int64_t assignee, requester, created_by;
    bool rec_changed;
    /* views */
    const char *set[SET_MAX];
    size_t n_set;
    od_wf_holder holders[HOLDERS_MAX];
    size_t n_holders;
    char hold_field[HOLDERS_MAX][OD_KEY_MAX];
    od_wf_link_view links[LINKS_MAX];
    char link_kind[LINKS_MAX][OD_KEY_MAX], link_state[LINKS_MAX][OD_KEY_MAX];
    size_t n_links;
    od_wf_approval_view appr[APPR_MAX];
    char appr_step[APPR_MAX][OD_KEY_MAX];
    size_t n_appr;
    od_wf_checklist_view ckl[CKL_MAX];
    char ckl_phase[CKL_MAX][OD_KEY_MAX];
    size_t n_ckl;
    const char *roles[64];
    size_t n_roles;
    const char *cmts[CMT_MAX];
    char cmt_key[CMT_MAX][OD_KEY_MAX];
    size_t n_cmts;
    char flag_names[8][OD_KEY_MAX];
    od_wf_record rec;
    od_wf_actor actor;
} act_ctx;

static void ctx_free(act_ctx *c)
{
    od_rec_free(&c->x);
    json_decref(c->ext_fields);
    c->ext_fields = NULL;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int64_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static void add_set(act_ctx *c, const char *name)
{
    if (c->n_set < SET_MAX)
        c->set[c->n_set++] = name;
}

static void add_holder(act_ctx *c, const char *field, int64_t uid)
{
    if (uid <= 0 || c->n_holders >= HOLDERS_MAX)
        return;
    snprintf(c->hold_field[c->n_holders], OD_KEY_MAX, "%s", field);
    c->holders[c->n_holders] = (od_wf_holder){.field = c->hold_field[c->n_holders], .user_id = uid};
    c->n_holders++;
}

/* The field name a holder column stands for: problem_manager_id →
 * problem_manager, recorded_by stays. */
static void holder_name(const char *col, char out[OD_KEY_MAX])
{
    size_t n = strlen(col);
    if (n > 3 && strcmp(col + n - 3, "_id") == 0)
        snprintf(out, OD_KEY_MAX, "%.*s", (int)(n - 3), col);
    else
        snprintf(out, OD_KEY_MAX, "%s", col);
}

/* ---- reading the record into the views ---- */

static od_err load_ctx(od_app *a, od_tx *tx, const od_principal *who, int64_t id, act_ctx *c, od_error *e)
{
    memset(c, 0, sizeof *c);
    c->tx = tx;
    c->who = who;
    c->now = od_app_now(a);
    c->policy = a->policy;
    c->k = a->policy ? a->policy->kernel : NULL;
    od_err rc = od_rec_load(tx, who, id, &c->x, e);
    if (rc)
        return rc;
    const char *kind = jstr(c->x.o, "kind");
    c->def = od_kernel_workflow(c->k, kind);
    if (!c->def)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s 类记录没有工作流 (records of kind %s have no workflow)", kind, kind);
    c->ext = od_rec_ext_of(kind);
    snprintf(c->impact, sizeof c->impact, "%s", jstr(c->x.o, "impact"));
    snprintf(c->urgency, sizeof c->urgency, "%s", jstr(c->x.o, "urgency"));
    snprintf(c->priority, sizeof c->priority, "%s", jstr(c->x.o, "priority"));
    snprintf(c->group_key, sizeof c->group_key, "%s", jstr(c->x.o, "group_key"));
    c->assignee = jint(c->x.o, "assignee_id");
    c->requester = jint(c->x.o, "requester_id");
    c->created_by = jint(c->x.o, "created_by");
    if (c->ext)
        rc = c->ext->load(tx, id, &c->ext_fields, e);
    else
        c->ext_fields = json_object();
    return rc;
}

/* The fields set and the holders, from the record columns and the
 * extension's fields (after the request's values). */
static od_err fill_fields(act_ctx *c, od_error *e)
{
    c->n_set = 0;
    c->n_holders = 0;
    static const char *const rec_text[] = {"title", "tier", "department"};
    for (size_t i = 0; i < sizeof rec_text / sizeof *rec_text; i++)
        if (*jstr(c->x.o, rec_text[i]))
            add_set(c, rec_text[i]);
    if (*c->impact)
        add_set(c, "impact");
    if (*c->urgency)
        add_set(c, "urgency");
    if (*c->priority)
        add_set(c, "priority");
    if (*c->group_key)
        add_set(c, "group_key");
    if (c->assignee)
        add_set(c, "assignee");
    if (c->requester)
        add_set(c, "requester");
    add_holder(c, "assignee", c->assignee);
    add_holder(c, "requester", c->requester);
    add_holder(c, "created_by", c->created_by);
    const char *key;
    json_t *v;
    json_object_foreach(c->ext_fields, key, v)
    {
        bool set = (json_is_string(v) && *json_string_value(v)) || json_is_integer(v) || json_is_true(v) ||
                   (json_is_array(v) && json_array_size(v) > 0);
        if (!set)
            continue;
        add_set(c, key);
        char hn[OD_KEY_MAX];
        holder_name(key, hn);
        if (strcmp(hn, key) != 0 && json_is_integer(v) && c->n_holders < HOLDERS_MAX) {
            add_holder(c, hn, (int64_t)json_integer_value(v));
            add_set(c, c->hold_field[c->n_holders - 1]);
        }
        if (json_is_array(v)) {
            size_t i;
            json_t *u;
            json_array_foreach(v, i, u) if (json_is_integer(u))
                add_holder(c, key, (int64_t)json_integer_value(u));
        }
    }
    if (c->ext && c->ext->computed && c->ext->flags) {
        bool flags[8] = {0};
        od_err rc = c->ext->computed(c->tx, &c->x, c->ext_fields, c->urgency, c->now, flags, e);
        if (rc)
            return rc;
        for (size_t i = 0; i < 8 && c->ext->flags[i]; i++)
            if (flags[i])
                add_set(c, c->ext->flags[i]);
    }
    return OD_OK;
}

static bool category_open(const od_kernel *k, const char *kind, const char *state)
{
    const od_wf_def *d = od_kernel_workflow(k, kind);
    if (d) {
        int i = od_wf_state_index(d, state);
        if (i >= 0)
            return d->states[i].category == OD_WF_OPEN || d->states[i].category == OD_WF_PENDING;
    }
    /* an incident or a kind without a workflow: open until resolved or closed */
    return strcmp(state, "closed") != 0 && strcmp(state, "resolved") != 0 &&
           strcmp(state, "cancelled") != 0 && *state;
}

static od_err fill_links(act_ctx *c, od_error *e)
{
    od_rows *r = NULL;
    int64_t id = c->x.id;
    od_err rc = od_tx_query(c->tx, OD_Q_KLINK_VIEW, &r, e, OD_BINDS(OD_INT(id), OD_INT(id), OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && c->n_links < LINKS_MAX) {
        size_t i = c->n_links++;
        snprintf(c->link_kind[i], OD_KEY_MAX, "%s", od_rows_text(r, 0));
        snprintf(c->link_state[i], OD_KEY_MAX, "%s", od_rows_text(r, 1));
        c->links[i] = (od_wf_link_view){.kind = c->link_kind[i],
                                        .state = c->link_state[i],
                                        .open = category_open(c->k, od_rows_text(r, 2), od_rows_text(r, 1))};
    }
    od_rows_close(r);
    return rc;
}

/* ---- approvals ---- */

typedef struct step_row {
    int64_t id, round_id;
    int round;
    char key[OD_KEY_MAX];
    int64_t approvers[IDS_MAX];
    size_t n_approvers;
    od_appr_vote votes[IDS_MAX];
    size_t n_votes;
    od_appr_outcome outcome;
} step_row;

static size_t parse_ids(const char *json, int64_t *out, size_t max)
{
    json_t *a = json_loads(json, 0, NULL);
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_integer(v) && n < max) out[n++] = (int64_t)json_integer_value(v);
    json_decref(a);
    return n;
}

static od_appr_rule rule_of(const od_kernel *k, const char *step)
{
    const od_wf_approval_def *d = od_kernel_approval(k, step);
    return d ? d->rule : (od_appr_rule){.mode = OD_APPR_ANY};
}

static od_err step_votes(od_tx *tx, step_row *s, od_error *e)
{
    od_rows *r = NULL;
    s->n_votes = 0;
    od_err rc = od_tx_query(tx, OD_Q_KAPR_VOTES, &r, e, OD_BINDS(OD_INT(s->id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && s->n_votes < IDS_MAX) {
        int d = od_appr_decision_parse(od_rows_text(r, 2));
        s->votes[s->n_votes++] = (od_appr_vote){.round = s->round,
                                                .user_id = od_rows_int(r, 0),
                                                .on_behalf_of = od_rows_null(r, 1) ? 0 : od_rows_int(r, 1),
                                                .decision = d < 0 ? OD_VOTE_ABSTAIN : (od_appr_decision)d,
                                                .has_comment = *od_rows_text(r, 3) != 0,
                                                .at = od_rows_int(r, 4)};
    }
    od_rows_close(r);
    return rc;
}

static od_appr_step step_view(const od_kernel *k, const step_row *s)
{
    return (od_appr_step){.rule = rule_of(k, s->key),
                          .approvers = s->approvers,
                          .n_approvers = s->n_approvers,
                          .votes = s->votes,
                          .n_votes = s->n_votes,
                          .round = s->round};
}

/* The latest step row of each step key (their rounds' outcomes), or only
 * of `only` (NULL = all) into *one. */
static od_err latest_steps(act_ctx *c, const char *only, step_row *one, bool *found, od_error *e)
{
    od_rows *r = NULL;
    step_row *rows = calloc(APPR_MAX, sizeof *rows);
    size_t n = 0;
    if (!rows)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_tx_query(c->tx, OD_Q_KAPR_STEPS, &r, e, OD_BINDS(OD_INT(c->x.id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        const char *key = od_rows_text(r, 1);
        size_t i = 0;
        while (i < n && strcmp(rows[i].key, key) != 0)
            i++;
        if (i == n) {
            if (n >= APPR_MAX)
                continue;
            n++;
        }
        step_row *s = &rows[i];
        memset(s, 0, sizeof *s);
        s->id = od_rows_int(r, 0);
        snprintf(s->key, sizeof s->key, "%s", key);
        s->n_approvers = parse_ids(od_rows_text(r, 2), s->approvers, IDS_MAX);
        s->round = (int)od_rows_int(r, 3);
        s->round_id = od_rows_int(r, 4);
    }
    od_rows_close(r);
    if (found)
        *found = false;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = step_votes(c->tx, &rows[i], e);
        od_appr_step v = step_view(c->k, &rows[i]);
        rows[i].outcome = od_appr_step_outcome(&v);
        if (only && strcmp(rows[i].key, only) == 0 && one) {
            *one = rows[i];
            *found = true;
        }
        if (!only && c->n_appr < APPR_MAX) {
            size_t j = c->n_appr++;
            snprintf(c->appr_step[j], OD_KEY_MAX, "%s", rows[i].key);
            c->appr[j] = (od_wf_approval_view){.step = c->appr_step[j], .outcome = rows[i].outcome};
        }
    }
    free(rows);
    return rc;
}

/* ---- checklists ---- */

typedef struct ckl_row {
    int64_t id;
    char phase[OD_KEY_MAX], tpl[OD_KEY_MAX], state[16];
    int version;
} ckl_row;

/* The results of instance id against template t: complete or not, with
 * the item to blame. */
static od_err ckl_judge(od_tx *tx, const od_cl_template *t, int64_t id, bool *complete, const char **missing,
                        od_error *e)
{
    od_rows *r = NULL;
    od_cl_result res[OD_CL_ITEMS_MAX];
    json_t *vals[OD_CL_ITEMS_MAX];
    char keys[OD_CL_ITEMS_MAX][OD_KEY_MAX];
    size_t n = 0;
    od_err rc = od_tx_query(tx, OD_Q_KCKL_RESULTS, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && n < OD_CL_ITEMS_MAX) {
        snprintf(keys[n], OD_KEY_MAX, "%s", od_rows_text(r, 0));
        vals[n] = json_loads(od_rows_text(r, 1), JSON_DECODE_ANY, NULL);
        json_t *v = vals[n];
        res[n] = (od_cl_result){.item = keys[n],
                                .checked = json_is_true(v),
                                .number = json_is_number(v) ? json_number_value(v) : 0,
                                .text = json_is_string(v) ? json_string_value(v) : "",
                                .evidence = json_is_string(v) && *json_string_value(v),
                                .finding = *od_rows_text(r, 4) != 0};
        n++;
    }
    od_rows_close(r);
    const char *why = NULL;
    *missing = NULL;
    if (!rc)
        *complete = t ? od_cl_complete(t, res, n, missing, &why) : false;
    for (size_t i = 0; i < n; i++)
        json_decref(vals[i]);
    return rc;
}

/* Instance id judged against template t and its state written: complete
 * (at now) or open. */
static od_err ckl_state_set(od_tx *tx, const od_cl_template *t, int64_t id, int64_t now, od_error *e)
{
    bool complete = false;
    const char *missing = NULL;
    od_err rc = ckl_judge(tx, t, id, &complete, &missing, e);
    return rc ? rc
              : od_tx_exec(tx, OD_Q_KCKL_STATE, e,
                           OD_BINDS(OD_TEXT(complete ? "complete" : "open"), OD_INT_OR_NULL(now, complete),
                                    OD_INT(id)));
}

static od_err ckl_rows(od_tx *tx, int64_t rec, ckl_row *out, size_t max, size_t *n, od_error *e)
{
    od_rows *r = NULL;
    *n = 0;
    od_err rc = od_tx_query(tx, OD_Q_KCKL_OF_RECORD, &r, e, OD_BINDS(OD_INT(rec)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        /* the latest instance of each phase */
        const char *ph = od_rows_text(r, 1);
        size_t i = 0;
        while (i < *n && strcmp(out[i].phase, ph) != 0)
            i++;
        if (i == *n) {
            if (*n >= max)
                continue;
            (*n)++;
        }
        out[i].id = od_rows_int(r, 0);
        snprintf(out[i].phase, OD_KEY_MAX, "%s", ph);
        snprintf(out[i].tpl, OD_KEY_MAX, "%s", od_rows_text(r, 2));
        out[i].version = (int)od_rows_int(r, 3);
        snprintf(out[i].state, sizeof out[i].state, "%s", od_rows_text(r, 4));
    }
    od_rows_close(r);
    return rc;
}

static od_err fill_checklists(act_ctx *c, od_error *e)
{
    ckl_row rows[CKL_MAX];
    size_t n = 0;
    od_err rc = ckl_rows(c->tx, c->x.id, rows, CKL_MAX, &n, e);
    for (size_t i = 0; !rc && i < n; i++) {
        bool complete = false;
        const char *missing;
        rc = ckl_judge(c->tx, od_kernel_checklist(c->k, rows[i].tpl), rows[i].id, &complete, &missing, e);
        snprintf(c->ckl_phase[c->n_ckl], OD_KEY_MAX, "%s", rows[i].phase);
        c->ckl[c->n_ckl] = (od_wf_checklist_view){.phase = c->ckl_phase[c->n_ckl], .complete = complete};
        c->n_ckl++;
    }
    return rc;
}

static od_err fill_actor(act_ctx *c, od_error *e)
{
    const od_principal *w = c->who;
    c->actor.user_id = w ? w->id : 0;
    c->actor.system = !w || w->id == 0;
    for (int i = 0; w && i < OD_ROLE__COUNT && c->n_roles < 64; i++)
        if (w->roles & OD_ROLEBIT(i))
            c->roles[c->n_roles++] = od_role_key((od_role)i);
    c->actor.roles = c->roles;
    c->actor.n_roles = c->n_roles;
    od_err rc = OD_OK;
    if (w && w->id) {
        od_rows *r = NULL;
        rc = od_tx_query(c->tx, OD_Q_KCMT_OF_USER, &r, e, OD_BINDS(OD_INT(w->id)));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row && c->n_cmts < CMT_MAX) {
            snprintf(c->cmt_key[c->n_cmts], OD_KEY_MAX, "%s", od_rows_text(r, 0));
            c->cmts[c->n_cmts] = c->cmt_key[c->n_cmts];
            c->n_cmts++;
        }
        od_rows_close(r);
    }
    c->actor.committees = c->cmts;
    c->actor.n_committees = c->n_cmts;
    return rc;
}

static od_err fill_views(act_ctx *c, bool reason, od_error *e)
{
    c->n_links = c->n_appr = c->n_ckl = 0;
    od_err rc = fill_fields(c, e);
    if (!rc)
        rc = fill_links(c, e);
    if (!rc)
        rc = latest_steps(c, NULL, NULL, NULL, e);
    if (!rc)
        rc = fill_checklists(c, e);
    if (!rc && c->actor.roles == NULL)
        rc = fill_actor(c, e);
    c->rec = (od_wf_record){.state = c->x.state,
                            .fields_set = c->set,
                            .n_fields_set = c->n_set,
                            .holders = c->holders,
                            .n_holders = c->n_holders,
                            .links = c->links,
                            .n_links = c->n_links,
                            .approvals = c->appr,
                            .n_approvals = c->n_appr,
                            .checklists = c->ckl,
                            .n_checklists = c->n_ckl,
                            .reason_given = reason};
    return rc;
}

/* ---- the request's fields ---- */

static od_err level_ok(const char *field, json_t *v, od_error *e)
{
    if (json_is_string(v) && (!*json_string_value(v) || od_prio_level_parse(json_string_value(v)) >= 0))
        return OD_OK;
    return od_error_set(e, OD_E_UNPROCESSABLE, field,
                        "%s 须为 high/medium/low (%s must be high, medium or low)", field, field);
}

static od_err apply_fields(act_ctx *c, json_t *fields, od_error *e)
{
    const char *key;
    json_t *v;
    od_err rc = OD_OK;
    json_object_foreach(fields, key, v)
    {
        if (strcmp(key, "impact") == 0 || strcmp(key, "urgency") == 0) {
            if ((rc = level_ok(key, v, e)))
                return rc;
            snprintf(key[0] == 'i' ? c->impact : c->urgency, sizeof c->impact, "%s", json_string_value(v));
            c->rec_changed = true;
        } else if (strcmp(key, "group_key") == 0) {
            if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof c->group_key)
                return od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为字符串 (%s must be a string)", key,
                                    key);
            snprintf(c->group_key, sizeof c->group_key, "%s", json_string_value(v));
            c->rec_changed = true;
        } else if (strcmp(key, "assignee_id") == 0) {
            if (!json_is_null(v) && !(json_is_integer(v) && json_integer_value(v) > 0))
                return od_error_set(e, OD_E_UNPROCESSABLE, key, "%s 须为用户编号 (%s must be a user id)", key,
                                    key);
            int64_t uid = json_is_null(v) ? 0 : (int64_t)json_integer_value(v), n = 1;
            if (uid && !(rc = od_tx_scalar(c->tx, OD_Q_REC_USER_ACTIVE, &n, e, OD_BINDS(OD_INT(uid)))) &&
                n == 0)
                rc = od_error_set(e, OD_E_UNPROCESSABLE, key,
                                  "用户 %lld 不存在或已停用 (user %lld not found or disabled)",
                                  (long long)uid, (long long)uid);
            if (rc)
                return rc;
            c->assignee = uid;
            c->rec_changed = true;
        } else if (strcmp(key, "link") == 0) {
            if (!json_is_object(v))
                return od_error_set(e, OD_E_UNPROCESSABLE, key,
                                    "link 须为 {to_id} 或 {to_ref} (link must be {to_id} or {to_ref})");
            c->link = v;
        } else if (c->ext && json_object_get(c->ext_fields, key)) {
            if ((rc = c->ext->check(key, v, e)))
                return rc;
            json_object_set(c->ext_fields, key, v);
        } else {
            return od_error_set(e, OD_E_UNPROCESSABLE, key, "未知字段 %s (unknown field %s)", key, key);
        }
    }
    return rc;
}

/* The priority from the workflow's first matrix-driven clock. */
static void compute_priority(act_ctx *c)
{
    for (size_t i = 0; i < c->def->n_clocks; i++) {
        const od_wf_clock_def *cd = &c->def->clocks[i];
        if (!*cd->matrix)
            continue;
        int p = od_prio_compute(od_kernel_matrix(c->k, cd->matrix), c->impact, c->urgency);
        c->priority[0] = p > 0 && p <= 5 ? 'P' : 0;
        c->priority[1] = p > 0 && p <= 5 ? (char)('0' + p) : 0;
        c->priority[2] = 0;
        return;
    }
}

static int priority_num(const char *p)
{
    return p[0] == 'P' && p[1] >= '1' && p[1] <= '5' && !p[2] ? p[1] - '0' : 0;
}

/* ---- clocks ---- */

static od_sla_state sla_state_parse(const char *s)
{
    for (int i = OD_SLA_NONE; i <= OD_SLA_CANCELLED; i++)
        if (strcmp(od_sla_state_key((od_sla_state)i), s) == 0)
            return (od_sla_state)i;
    return OD_SLA_NONE;
}

static int64_t col_or(od_rows *r, int c, int64_t dflt)
{
    return od_rows_null(r, c) ? dflt : od_rows_int(r, c);
}

/* Loads the clock of the current row (KCLK_GET / KCLK_BY_ID columns). */
static void clock_of_row(od_rows *r, od_sla_clock *k)
{
    *k = (od_sla_clock){.target_ms = col_or(r, 1, 0),
                        .state = sla_state_parse(od_rows_text(r, 3)),
                        .started_at = col_or(r, 4, 0),
                        .paused_at = col_or(r, 5, 0),
                        .paused_total_ms = col_or(r, 6, 0),
                        .stopped_at = col_or(r, 7, 0),
                        .due_at = col_or(r, 8, OD_NO_TIME),
                        .breached_at = col_or(r, 9, 0)};
}

static od_err clock_save(od_tx *tx, int64_t clock_id, const od_sla_clock *k, od_error *e)
{
    return od_tx_exec(tx, OD_Q_KCLK_SAVE, e,
                      OD_BINDS(OD_INT(k->target_ms), OD_TEXT(od_sla_state_key(k->state)),
                               OD_INT(k->started_at), OD_INT_NONZERO(k->paused_at),
                               OD_INT(k->paused_total_ms), OD_INT_NONZERO(k->stopped_at),
                               OD_INT_OR_NULL(k->due_at, k->due_at != OD_NO_TIME),
                               OD_INT_NONZERO(k->breached_at), OD_INT(clock_id)));
}

static const od_calendar *clock_cal(const od_kernel *k, const od_wf_clock_def *d)
{
    const od_calendar *cal = od_kernel_calendar(k, *d->calendar ? d->calendar : "24x7");
    return cal ? cal : od_kernel_calendar(k, "24x7");
}

od_err od_rec_clock_thresholds(od_tx *tx, const od_wf_clock_def *def, const od_calendar *cal,
                               int64_t record_id, int64_t clock_id, const od_sla_clock *k, int64_t now,
                               od_error *e)
{
    (void)now;
    od_err rc = od_tx_exec(tx, OD_Q_KDL_CLOCK_CANCEL, e, OD_BINDS(OD_INT(clock_id)));
    for (size_t i = 0; !rc && i < def->n_thresholds; i++) {
        int64_t at = od_sla_threshold_at(k, cal, def->thresholds[i]);
        if (at == OD_NO_TIME)
            continue;
        char kind[OD_KEY_MAX + 24];
        snprintf(kind, sizeof kind, "clock:%s:%d", def->name, def->thresholds[i]);
        int64_t fired = 0, did = 0;
        /* a threshold fires once per clock: one already fired is not written again */
        rc = od_tx_scalar(tx, OD_Q_KDL_FIRED_COUNT, &fired, e, OD_BINDS(OD_INT(clock_id), OD_TEXT(kind)));
        if (!rc && fired == 0)
            rc = od_tx_insert(
                tx, OD_Q_KDL_INSERT, &did, e,
                OD_BINDS(OD_INT(record_id), OD_INT(clock_id), OD_TEXT(kind), OD_INT(at), OD_INT(at)));
    }
    return rc;
}

/* Applies op to clock `name` of the record; a start creates the row. */
static od_err clock_op(act_ctx *c, const char *name, od_sla_op op, bool *touched, od_error *e)
{
    const od_wf_clock_def *d = NULL;
    for (size_t i = 0; i < c->def->n_clocks; i++)
        if (strcmp(c->def->clocks[i].name, name) == 0)
            d = &c->def->clocks[i];
    if (!d || op == OD_SLA_OP_NONE)
        return OD_OK;
    const od_calendar *cal = clock_cal(c->k, d);
    if (!cal)
        return od_error_set(e, OD_E_INTERNAL, "calendar", "calendar %s not loaded", d->calendar);
    od_rows *r = NULL;
    bool row = false;
    int64_t clock_id = 0;
    od_sla_clock k = {.due_at = OD_NO_TIME};
    od_err rc = od_tx_query(c->tx, OD_Q_KCLK_GET, &r, e, OD_BINDS(OD_INT(c->x.id), OD_TEXT(name)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        clock_id = od_rows_int(r, 0);
        clock_of_row(r, &k);
    }
    od_rows_close(r);
    if (rc)
        return rc;
    if (op == OD_SLA_OP_START && row && (k.state == OD_SLA_STOPPED || k.state == OD_SLA_CANCELLED)) {
        clock_id = 0; /* a new instance (a reopen that starts the clock again) */
        k = (od_sla_clock){.due_at = OD_NO_TIME};
    }
    if (op != OD_SLA_OP_START && !clock_id)
        return OD_OK; /* nothing to pause, stop or cancel */
    if (op == OD_SLA_OP_START)
        k.target_ms = od_wf_clock_target(d, priority_num(c->priority));
    if (od_sla_apply(&k, cal, op, c->now) != OD_OK)
        return OD_OK; /* the op does not apply to the clock's state: nothing changes */
    if (!clock_id)
        rc = od_tx_insert(
            c->tx, OD_Q_KCLK_INSERT, &clock_id, e,
            OD_BINDS(OD_INT(c->x.id), OD_TEXT(name), OD_INT(k.target_ms),
                     OD_TEXT(*d->calendar ? d->calendar : "24x7"), OD_TEXT(od_sla_state_key(k.state)),
                     OD_INT(k.started_at), OD_INT_NONZERO(k.paused_at), OD_INT(k.paused_total_ms),
                     OD_INT_NONZERO(k.stopped_at), OD_INT_OR_NULL(k.due_at, k.due_at != OD_NO_TIME),
                     OD_INT_NONZERO(k.breached_at)));
    else
        rc = clock_save(c->tx, clock_id, &k, e);
    if (!rc)
        rc = od_rec_clock_thresholds(c->tx, d, cal, c->x.id, clock_id, &k, c->now, e);
    if (!rc) {
        json_t *data = json_pack("{ss ss ss}", "clock", name, "op", od_sla_op_key(op), "state",
                                 od_sla_state_key(k.state));
        char text[200];
        snprintf(text, sizeof text, "时钟 %s：%s (clock %s: %s)", name, od_sla_op_key(op), name,
                 od_sla_op_key(op));
        rc = od_record_timeline_add(c->tx, c->x.id, c->now, c->who, "clock", data, text, e);
        json_decref(data);
    }
    *touched = true;
    return rc;
}

/* A new priority: every running or paused clock of the workflow takes its
 * new target (pause time kept, a breach stays). */
static od_err retarget(act_ctx *c, od_error *e)
{
    od_err rc = OD_OK;
    for (size_t i = 0; !rc && i < c->def->n_clocks; i++) {
        const od_wf_clock_def *d = &c->def->clocks[i];
        if (!*d->matrix)
            continue;
        od_rows *r = NULL;
        bool row = false;
        int64_t clock_id = 0;
        od_sla_clock k;
        rc = od_tx_query(c->tx, OD_Q_KCLK_GET, &r, e, OD_BINDS(OD_INT(c->x.id), OD_TEXT(d->name)));
        if (!rc)
            rc = od_rows_step(r, &row);
        if (!rc && row) {
            clock_id = od_rows_int(r, 0);
            clock_of_row(r, &k);
        }
        od_rows_close(r);
        if (rc || !row || (k.state != OD_SLA_RUNNING && k.state != OD_SLA_PAUSED))
            continue;
        int64_t target = od_wf_clock_target(d, priority_num(c->priority));
        if (target == k.target_ms)
            continue;
        const od_calendar *cal = clock_cal(c->k, d);
        if (od_sla_retarget(&k, cal, target) != OD_OK)
            continue;
        rc = clock_save(c->tx, clock_id, &k, e);
        if (!rc)
            rc = od_rec_clock_thresholds(c->tx, d, cal, c->x.id, clock_id, &k, c->now, e);
    }
    return rc;
}

/* A priority changed from `old` moves the matrix-driven clocks' targets
 * (their pause time kept).  The one rule behind editing a record through
 * its module (od_record_edit) and the generic PATCH (od_rec_wf_fields_in). */
static od_err retarget_if_changed(act_ctx *c, const char *old, od_error *e)
{
    return strcmp(old, c->priority) != 0 ? retarget(c, e) : OD_OK;
}

/* ---- effects ---- */

static od_err resolve_approvers(act_ctx *c, const od_wf_approval_def *d, json_t *out, od_error *e)
{
    od_err rc = OD_OK;
    for (size_t i = 0; !rc && i < d->n_approvers; i++) {
        const od_wf_who *w = &d->approvers[i];
        if (w->kind == OD_WHO_ROLE) {
            int role = od_role_parse(w->key);
            od_rows *r = NULL;
            bool row = false;
            rc = od_tx_query(c->tx, OD_Q_KUSR_ROLES, &r, e, OD_NOBINDS);
            while (!rc && role >= 0 && !(rc = od_rows_step(r, &row)) && row)
                if ((od_roleset)od_rows_int(r, 1) & OD_ROLEBIT(role))
                    json_array_append_new(out, json_integer(od_rows_int(r, 0)));
            od_rows_close(r);
        } else if (w->kind == OD_WHO_COMMITTEE) {
            od_rows *r = NULL;
            bool row = false;
            rc = od_tx_query(c->tx, OD_Q_KCMT_MEMBERS, &r, e, OD_BINDS(OD_TEXT(w->key)));
            while (!rc && !(rc = od_rows_step(r, &row)) && row)
                json_array_append_new(out, json_integer(od_rows_int(r, 0)));
            od_rows_close(r);
        } else if (w->kind == OD_WHO_FIELD) {
            for (size_t h = 0; h < c->n_holders; h++)
                if (strcmp(c->holders[h].field, w->key) == 0)
                    json_array_append_new(out, json_integer(c->holders[h].user_id));
        }
    }
    /* unique, in order */
    json_t *u = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(out, i, v)
    {
        bool dup = false;
        for (size_t j = 0; j < json_array_size(u); j++)
            dup = dup || json_integer_value(json_array_get(u, j)) == json_integer_value(v);
        if (!dup)
            json_array_append(u, v);
    }
    json_array_clear(out);
    json_array_extend(out, u);
    json_decref(u);
    return rc;
}

static od_err fx_open_approval(act_ctx *c, const char *step, od_error *e)
{
    const od_wf_approval_def *d = od_kernel_approval(c->k, step);
    if (!d)
        return od_error_set(e, OD_E_INTERNAL, "approval", "approval step %s not declared", step);
    step_row cur;
    bool found = false;
    od_err rc = latest_steps(c, step, &cur, &found, e);
    if (rc)
        return rc;
    if (found && cur.outcome == OD_APPR_WAITING)
        return OD_OK; /* the current round still waits: nothing to re-open */
    int64_t max_round = 0, round_id = 0, step_id = 0;
    rc = od_tx_scalar(c->tx, OD_Q_KAPR_MAX_ROUND, &max_round, e, OD_BINDS(OD_INT(c->x.id)));
    json_t *appr = json_array();
    if (!rc)
        rc = resolve_approvers(c, d, appr, e);
    if (!rc && json_array_size(appr) == 0)
        rc = od_error_set(e, OD_E_CONFLICT, step, "审批步骤 %s 没有审批人 (approval step %s has no approver)",
                          step, step);
    if (!rc)
        rc = od_tx_insert(c->tx, OD_Q_KAPR_ROUND_INSERT, &round_id, e,
                          OD_BINDS(OD_INT(c->x.id), OD_INT(max_round + 1),
                                   OD_INT_NONZERO(c->who ? c->who->id : 0), OD_INT(c->now)));
    char *aj = json_dumps(appr, JSON_COMPACT);
    bool qc = d->rule.mode == OD_APPR_QUORUM_COUNT, qp = d->rule.mode == OD_APPR_QUORUM_PERCENT;
    if (!rc)
        rc =
            od_tx_insert(c->tx, OD_Q_KAPR_STEP_INSERT, &step_id, e,
                         OD_BINDS(OD_INT(round_id), OD_TEXT(step), OD_TEXT(aj ? aj : "[]"),
                                  OD_TEXT(od_appr_mode_key(d->rule.mode)), OD_INT_OR_NULL(d->rule.quorum, qc),
                                  OD_INT_OR_NULL(d->rule.quorum, qp), OD_NULL()));
    /* its due time, reminder and escalation, and the request to the approvers */
    if (!rc)
        rc = od_rec_appr_opened(c->tx, c->policy, c->x.id, step_id, d, appr, c->who ? c->who->id : 0, c->now,
                                e);
    if (!rc) {
        json_t *data =
            json_pack("{ss sI sO}", "step", step, "round", (json_int_t)(max_round + 1), "approvers", appr);
        char text[400];
        snprintf(text, sizeof text, "提交审批：%s（第 %lld 轮）(approval requested: %s, round %lld)",
                 d->name_zh, (long long)(max_round + 1), d->name_en, (long long)(max_round + 1));
        rc = od_record_timeline_add(c->tx, c->x.id, c->now, c->who, "approval", data, text, e);
        json_decref(data);
    }
    free(aj);
    json_decref(appr);
    return rc;
}

static od_err fx_open_checklist(act_ctx *c, const char *tpl, const char *phase, od_error *e)
{
    const od_cl_template *t = od_kernel_checklist(c->k, tpl);
    if (!t)
        return od_error_set(e, OD_E_INTERNAL, "checklist", "checklist template %s not declared", tpl);
    int64_t id = 0;
    od_err rc = od_tx_insert(
        c->tx, OD_Q_KCKL_INSERT, &id, e,
        OD_BINDS(OD_INT(c->x.id), OD_TEXT(phase), OD_TEXT(tpl), OD_INT(t->version), OD_INT(c->now)));
    if (!rc)
        rc = od_rec_checklist_texts(c->tx, id, t, c->x.id, c->x.o, c->priority, e);
    if (!rc) {
        json_t *data = json_pack("{sI ss ss si}", "checklist_id", (json_int_t)id, "phase", phase, "template",
                                 tpl, "version", t->version);
        char text[400];
        snprintf(text, sizeof text, "检查单：%s (checklist: %s)", t->name_zh, t->name_en);
        rc = od_record_timeline_add(c->tx, c->x.id, c->now, c->who, "checklist", data, text, e);
        json_decref(data);
    }
    return rc;
}

static od_err fx_link(act_ctx *c, const char *kind, od_error *e)
{
    if (!c->link)
        return OD_OK; /* the request names no record to link */
    json_t *ti = json_object_get(c->link, "to_id");
    od_link_input in = {.kind = kind,
                        .to_id = json_is_integer(ti) ? (int64_t)json_integer_value(ti) : 0,
                        .to_ref = json_string_value(json_object_get(c->link, "to_ref")),
                        .to_kind = json_string_value(json_object_get(c->link, "to_kind"))};
    return od_rec_link_in(c->tx, c->who, &c->x, &in, true, c->now, NULL, e);
}

/* ---- notifications ---- */

typedef struct rec_msg {
    const char *number, *title, *what_zh, *what_en;
    bool decide_link; /* a line for the dispatcher's decide link (approval messages) */
} rec_msg;

/* People's text never holds a link position: each OD_ACK_MARK in b is
 * broken up ("{ {ack_link}}"), in place, as long as the buffer allows. */
static void defuse_mark(char *b, size_t cap)
{
    char *p = b;
    while ((p = strstr(p, OD_ACK_MARK)) && strlen(b) + 2 < cap) {
        memmove(p + 2, p + 1, strlen(p + 1) + 1);
        p[1] = ' ';
        p += 2;
    }
}

static od_err rec_render(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const rec_msg *m = arg;
    char s[600], b[1400];
    if (lang == OD_LANG_EN) {
        snprintf(s, sizeof s, "[%s] %s", m->number, m->what_en);
        snprintf(b, sizeof b, "%s %s: %s", m->number, m->title, m->what_en);
    } else {
        snprintf(s, sizeof s, "【%s】%s", m->number, m->what_zh);
        snprintf(b, sizeof b, "%s %s：%s", m->number, m->title, m->what_zh);
    }
    defuse_mark(b, sizeof b);
    if (m->decide_link) { /* the dispatcher puts this send's link here, or drops the line */
        size_t n = strlen(b);
        snprintf(b + n, sizeof b - n, "\n%s%s",
                 lang == OD_LANG_EN ? "Approve or reject: " : "审批（同意或驳回）：", OD_ACK_MARK);
    }
    *subject = strdup(s);
    *body = strdup(b);
    if (!*subject || !*body) {
        free(*subject);
        free(*body);
        *subject = *body = NULL;
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    return OD_OK;
}

static void add_uid(json_t *users, int64_t uid, int64_t actor)
{
    if (uid <= 0 || uid == actor)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(users, i, v) if (json_integer_value(json_object_get(v, "id")) == uid) return;
    json_array_append_new(users, json_pack("{sI}", "id", (json_int_t)uid));
}

od_err od_rec_notify(od_tx *tx, const od_policy *p, int64_t id, const char *tpl, const char *what_zh,
                     const char *what_en, int64_t actor, int64_t now, od_error *e)
{
    od_rec x = {0};
    od_err rc = od_rec_load(tx, NULL, id, &x, e);
    if (rc)
        return rc;
    const char *kind = jstr(x.o, "kind");
    json_t *users = json_array(), *ext = NULL;
    /* the record's people: assignee, requester, and the module's user fields */
    add_uid(users, jint(x.o, "assignee_id"), actor);
    add_uid(users, jint(x.o, "requester_id"), actor);
    const od_rec_ext *xe = od_rec_ext_of(kind);
    if (xe)
        rc = xe->load(tx, id, &ext, e);
    const char *k;
    json_t *v;
    json_object_foreach(ext, k, v)
    {
        char hn[OD_KEY_MAX];
        holder_name(k, hn);
        if (strcmp(hn, k) != 0 && json_is_integer(v))
            add_uid(users, (int64_t)json_integer_value(v), actor);
        if (json_is_array(v)) {
            size_t i;
            json_t *u;
            json_array_foreach(v, i, u) if (json_is_integer(u))
                add_uid(users, (int64_t)json_integer_value(u), actor);
        }
    }
    /* and who holds the roles of the workflow's authorities (the problem manager) */
    const od_wf_def *def = od_kernel_workflow(p ? p->kernel : NULL, kind);
    od_roleset want = 0;
    for (size_t i = 0; def && i < def->n_authorities; i++)
        for (size_t j = 0; j < def->authorities[i].n_who; j++)
            if (def->authorities[i].who[j].kind == OD_WHO_ROLE &&
                od_role_parse(def->authorities[i].who[j].key) >= 0)
                want |= OD_ROLEBIT(od_role_parse(def->authorities[i].who[j].key));
    if (!rc && want) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_KUSR_ROLES, &r, e, OD_NOBINDS);
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if ((od_roleset)od_rows_int(r, 1) & want)
                add_uid(users, od_rows_int(r, 0), actor);
        od_rows_close(r);
    }
    if (!rc)
        rc = od_rec_notify_to(tx, p, &x, tpl, what_zh, what_en, users, now, e);
    json_decref(ext);
    json_decref(users);
    od_rec_free(&x);
    return rc;
}

od_err od_rec_notify_to(od_tx *tx, const od_policy *p, const od_rec *x, const char *tpl, const char *what_zh,
                        const char *what_en, json_t *users, int64_t now, od_error *e)
{
    int64_t id = x->id;
    od_err rc = OD_OK;
    json_t *v;
    const char *prio = jstr(x->o, "priority");
    od_grade level = strcmp(prio, "P1") == 0   ? OD_GRADE_L1
                     : strcmp(prio, "P2") == 0 ? OD_GRADE_L2
                                               : OD_GRADE_L3;
    /* the template in the key: two notifications of one action (the
     * approvers', the record's people) must not collide on it */
    char cause[160];
    snprintf(cause, sizeof cause, "rec:%lld:%lld:%lld:%s", (long long)id, (long long)x->version,
             (long long)now, tpl);
    rec_msg m = {.number = x->number,
                 .title = jstr(x->o, "title"),
                 .what_zh = what_zh,
                 .what_en = what_en,
                 .decide_link = strncmp(tpl, "approval.", 9) == 0};
    od_out_msg om = {
        .cause = cause, .kind = "record", .desk = "", .level = level, .render = rec_render, .arg = &m};
    size_t queued = 0;
    if (!rc)
        rc = od_out_send(tx, p, &om, users, now, &queued, e);
    if (!rc && queued)
        rc = od_tx_exec(tx, OD_Q_KOUT_RECORD, e, OD_BINDS(OD_INT(id), OD_TEXT(cause)));
    if (!rc) {
        json_t *ids = json_array();
        size_t i;
        json_array_foreach(users, i, v) json_array_append(ids, json_object_get(v, "id"));
        json_t *data =
            json_pack("{ss so sI}", "template", tpl, "recipients", ids, "queued", (json_int_t)queued);
        char text[600];
        snprintf(text, sizeof text, "通知：%s (notification: %s)", what_zh, what_en);
        rc = od_record_timeline_add(tx, id, now, NULL, "notify", data, text, e);
        json_decref(data);
    }
    return rc;
}

static od_err fx_notify(act_ctx *c, const od_policy *p, const od_wf_action *act, const char *tpl, od_error *e)
{
    char zh[300], en[300];
    const od_wf_template *t = od_wf_template_find(c->def, tpl);
    if (t) { /* the workflow's text for it */
        snprintf(zh, sizeof zh, "%s", t->text_zh);
        snprintf(en, sizeof en, "%s", t->text_en[0] ? t->text_en : t->text_zh);
        return od_rec_notify(c->tx, p, c->x.id, tpl, zh, en, c->who ? c->who->id : 0, c->now, e);
    }
    snprintf(zh, sizeof zh, "%s（%s）", act->name_zh[0] ? act->name_zh : act->key, tpl);
    snprintf(en, sizeof en, "%s (%s)", act->name_en[0] ? act->name_en : act->key, tpl);
    return od_rec_notify(c->tx, p, c->x.id, tpl, zh, en, c->who ? c->who->id : 0, c->now, e);
}

static od_err fx_schedule(act_ctx *c, const od_wf_effect *fx, int64_t at, od_error *e)
{
    int64_t id = 0, when = at + fx->offset_ms;
    return od_tx_insert(c->tx, OD_Q_KDL_INSERT, &id, e,
                        OD_BINDS(OD_INT(c->x.id), OD_NULL(), OD_TEXT(fx->a), OD_INT(when), OD_INT(when)));
}

/* ---- the use cases ---- */

static od_err refusal_error(const od_wf_decision *d, od_err rc, od_error *e)
{
    return od_error_set(e, rc, d->refusal.what, "%s", d->refusal.message);
}

/* Applies decision d (allowed) on the loaded record: fields, state (unless
 * created: the record was created in d's target state), effects, clocks,
 * timeline and audit.  *touched: deadlines were written. */
static od_err apply_decision(act_ctx *c, const od_wf_decision *d, const char *action, const char *reason,
                             json_t *fields, int64_t version, bool created, const char *old_priority,
                             bool *touched, od_error *e)
{
    od_tx *tx = c->tx;
    const od_principal *who = c->who;
    int64_t id = c->x.id;
    bool has_reason = reason && *reason;
    char from_state[64];
    snprintf(from_state, sizeof from_state, "%s", created ? "" : c->x.state);
    const char *to = d->to >= 0 && d->to_key ? d->to_key : c->x.state;
    od_err rc = OD_OK;
    /* set_time effects and the closing actor go into the module's fields */
    for (size_t i = 0; i < d->n_effects; i++)
        if (d->effects[i]->kind == OD_FX_SET_TIME && json_object_get(c->ext_fields, d->effects[i]->a))
            json_object_set_new(c->ext_fields, d->effects[i]->a, json_integer(d->at));
    int ti = od_wf_state_index(c->def, to);
    bool closing = ti >= 0 && c->def->states[ti].category == OD_WF_CLOSED;
    if (closing && json_object_get(c->ext_fields, "closed_by"))
        json_object_set_new(c->ext_fields, "closed_by", json_integer(who ? who->id : 0));
    if (created && json_object_get(c->ext_fields, "recorded_by") && who && who->id)
        json_object_set_new(c->ext_fields, "recorded_by", json_integer(who->id));
    if (c->ext)
        rc = c->ext->save(tx, id, c->ext_fields, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KREC_SET_FIELDS, e,
                        OD_BINDS(OD_TEXT(c->impact), OD_TEXT(c->urgency), OD_TEXT(c->priority),
                                 OD_INT_NONZERO(c->assignee), OD_TEXT(c->group_key), OD_INT(c->now),
                                 OD_INT(id)));
    if (!rc && !created && strcmp(to, from_state) != 0)
        rc = od_record_set_state(tx, who, id, version, to, closing, action, c->now, e);
    else if (!rc && !created) {
        rc = od_tx_exec(tx, OD_Q_KREC_BUMP, e, OD_BINDS(OD_INT(c->now), OD_INT(id), OD_INT(version)));
        if (!rc && od_tx_changes(tx) != 1)
            rc = od_error_set(
                e, OD_E_CONFLICT, "version",
                "记录已被他人修改，请刷新后重试 (the record was changed meanwhile; reload and retry)");
    }
    if (!rc) {
        const od_wf_action *act = d->action;
        char text[600];
        snprintf(text, sizeof text, "%s%s%s (%s%s%s)", act->name_zh[0] ? act->name_zh : act->key,
                 has_reason ? "：" : "", has_reason ? reason : "", act->name_en[0] ? act->name_en : act->key,
                 has_reason ? ": " : "", has_reason ? reason : "");
        json_t *data = json_pack("{ss ss ss}", "action", action, "from", from_state, "to", to);
        if (has_reason)
            json_object_set_new(data, "reason", json_string(reason));
        if (fields && json_object_size(fields))
            json_object_set(data, "fields", fields);
        rc = od_record_timeline_add(tx, id, c->now, who, "action", data, text, e);
        if (!rc)
            rc = od_audit_append(tx, c->now, who, "record.act", "record", id, fields, data, e);
        json_decref(data);
    }
    /* a changed priority retargets the clocks before this action's own ops */
    if (!rc && !created && strcmp(old_priority, c->priority) != 0)
        rc = retarget(c, e);
    for (size_t i = 0; !rc && i < d->n_clock_ops; i++)
        rc = clock_op(c, d->clock_ops[i].clock, d->clock_ops[i].op, touched, e);
    /* the views again: an effect (approvers by field) reads the new values */
    if (!rc)
        rc = fill_fields(c, e);
    for (size_t i = 0; !rc && i < d->n_effects; i++) {
        const od_wf_effect *fx = d->effects[i];
        switch (fx->kind) {
        case OD_FX_OPEN_APPROVAL:
            rc = fx_open_approval(c, fx->a, e);
            break;
        case OD_FX_OPEN_CHECKLIST:
            rc = fx_open_checklist(c, fx->a, fx->b, e);
            break;
        case OD_FX_LINK:
            rc = fx_link(c, fx->a, e);
            break;
        case OD_FX_NOTIFY:
            rc = fx_notify(c, c->policy, d->action, fx->a, e);
            break;
        case OD_FX_SCHEDULE:
            rc = fx_schedule(c, fx, d->at, e);
            *touched = true;
            break;
        default: /* set_time applied above, clock ops in clock_ops */
            break;
        }
    }
    /* the module's post-action hook, in this transaction (record_hooks.c) */
    if (!rc) {
        od_rec_act_event ev = {.policy = c->policy,
                               .who = who,
                               .id = id,
                               .kind = jstr(c->x.o, "kind"),
                               .number = c->x.number,
                               .action = action,
                               .from = from_state,
                               .to = to,
                               .created = created,
                               .closing = closing,
                               .fields = c->ext_fields,
                               .now = d->at};
        rc = od_rec_after_act(tx, &ev, e);
    }
    return rc;
}

od_err od_record_act(od_app *a, const od_principal *who, int64_t id, const char *action, int64_t version,
                     const char *reason, json_t *fields, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    act_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        od_tx_rollback(tx);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    rc = load_ctx(a, tx, who, id, c, e);
    if (!rc && version != c->x.version)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "记录已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the record was changed "
            "meanwhile: your version is %lld, the current version is %lld; reload and retry)",
            (long long)version, (long long)c->x.version, (long long)version, (long long)c->x.version);
    char old_priority[8];
    snprintf(old_priority, sizeof old_priority, "%s", c->priority);
    if (!rc && fields)
        rc = apply_fields(c, fields, e);
    if (!rc)
        compute_priority(c);
    if (!rc)
        rc = fill_views(c, reason && *reason, e);
    od_wf_decision d;
    memset(&d, 0, sizeof d);
    if (!rc) {
        od_err dr = od_wf_decide(c->def, &c->rec, action, &c->actor, c->now, &d);
        if (dr)
            rc = refusal_error(&d, dr, e);
    }
    bool touched = false;
    if (!rc)
        rc = apply_decision(c, &d, action, reason, fields, version, false, old_priority, &touched, e);
    od_rec y = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, id, &y, e);
    if (!rc)
        *out = y.o;
    ctx_free(c);
    free(c);
    rc = od_rec_commit(tx, rc, out, e);
    /* the clocks' deadlines (touched), and any a module's save or hook
     * wrote (due notices, a drill's injects): the scheduler looks again */
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES);
    return rc;
}

od_err od_record_create_act_in(od_app *a, od_tx *tx, const od_principal *who, const od_record_input *in,
                               json_t *fields, int64_t *out_id, od_error *e)
{
    *out_id = 0;
    const od_kernel *k = a->policy ? a->policy->kernel : NULL;
    const od_wf_def *def = od_kernel_workflow(k, in->kind);
    if (!def)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s 类记录没有工作流 (records of kind %s have no workflow)", in->kind, in->kind);
    const od_wf_action *create = NULL;
    for (size_t i = 0; i < def->n_actions && !create; i++)
        if (def->actions[i].n_from == 0)
            create = &def->actions[i];
    if (!create)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s 工作流没有创建动作 (the %s workflow has no create action)", in->kind,
                            in->kind);
    /* who may create: decided on the request alone, before anything is written */
    act_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    c->tx = tx;
    c->who = who;
    c->k = k;
    c->def = def;
    c->now = od_app_now(a);
    od_err rc = fill_actor(c, e);
    od_wf_record pre = {.state = NULL};
    od_wf_decision d;
    memset(&d, 0, sizeof d);
    if (!rc) {
        od_err dr = od_wf_decide(def, &pre, create->key, &c->actor, c->now, &d);
        if (dr)
            rc = refusal_error(&d, dr, e);
    }
    od_record_input in2 = *in;
    if (!rc && d.to >= 0)
        in2.state = d.to_key;
    int64_t id = 0;
    if (!rc)
        rc = od_record_create_in(a, tx, who, &in2, &id, e);
    act_ctx *c2 = NULL;
    if (!rc && !(c2 = calloc(1, sizeof *c2)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = load_ctx(a, tx, who, id, c2, e);
    char old_priority[8] = "";
    if (!rc && fields)
        rc = apply_fields(c2, fields, e);
    if (!rc)
        compute_priority(c2);
    if (!rc)
        rc = fill_actor(c2, e);
    bool touched = false;
    if (!rc)
        rc = apply_decision(c2, &d, create->key, NULL, fields, 1, true, old_priority, &touched, e);
    if (c2)
        ctx_free(c2);
    free(c2);
    free(c);
    if (!rc)
        *out_id = id;
    return rc;
}

od_err od_record_actions(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    act_ctx *c = calloc(1, sizeof *c);
    od_wf_option *opts = calloc(OD_WF_ACTIONS_MAX, sizeof *opts);
    if (!c || !opts)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = load_ctx(a, tx, who, id, c, e);
    if (!rc)
        rc = fill_views(c, false, e);
    json_t *items = json_array();
    if (!rc) {
        size_t n = od_wf_available(c->def, &c->rec, &c->actor, c->now, opts, OD_WF_ACTIONS_MAX);
        for (size_t i = 0; i < n; i++) {
            const od_wf_action *act = opts[i].action;
            bool needs_reason = false;
            for (size_t g = 0; g < act->n_guards; g++)
                needs_reason = needs_reason || act->guards[g].kind == OD_G_REASON_REQUIRED;
            json_t *o = json_pack("{ss ss ss sb sb}", "key", act->key, "name_zh",
                                  act->name_zh[0] ? act->name_zh : act->key, "name_en",
                                  act->name_en[0] ? act->name_en : act->key, "allowed", opts[i].allowed,
                                  "needs_reason", needs_reason);
            json_object_set_new(o, "to",
                                act->to >= 0 ? json_string(c->def->states[act->to].key) : json_null());
            json_object_set_new(o, "refusal",
                                opts[i].allowed
                                    ? json_null()
                                    : json_pack("{si ss ss}", "status", od_err_http(opts[i].refusal.code),
                                                "message", opts[i].refusal.message, "what",
                                                opts[i].refusal.what));
            json_array_append_new(items, o);
        }
    }
    if (c)
        ctx_free(c);
    free(c);
    free(opts);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so}", "items", items);
    return OD_OK;
}

/* ---- approval votes ---- */

od_err od_record_vote_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, int64_t round_id,
                         const od_vote_input *in, const char *channel, od_error *e)
{
    int dec = od_appr_decision_parse(in->decision ? in->decision : "");
    if (dec < 0)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "decision",
            "decision 须为 approve/reject/more_info/abstain (decision must be approve, reject, "
            "more_info or abstain)");
    act_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = load_ctx(a, tx, who, id, c, e);
    step_row s;
    bool found = false;
    if (!rc)
        rc = latest_steps(c, in->step ? in->step : "", &s, &found, e);
    if (!rc && (!found || s.round_id != round_id)) {
        /* a step of an older round, or none: which it is decides 404 or 409 */
        if (found)
            rc = od_error_set(
                e, OD_E_CONFLICT, "round_id",
                "第 %d 轮才是当前轮次，此轮已结束 (round %d is the current one; this round is over)", s.round,
                s.round);
        else
            rc = od_error_set(e, OD_E_NOT_FOUND, "step", "审批步骤 %s 不存在 (approval step %s not found)",
                              in->step ? in->step : "", in->step ? in->step : "");
    }
    int64_t opened_by = 0;
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_KAPR_ROUND_OPENER, &opened_by, e, OD_BINDS(OD_INT(round_id)));
    od_appr_delegation dl[16];
    size_t n_dl = 0;
    if (!rc) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_KAPR_DELEGATIONS, &r, e, OD_BINDS(OD_INT(who->id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row && n_dl < 16)
            dl[n_dl++] = (od_appr_delegation){.from_user = od_rows_int(r, 0),
                                              .to_user = od_rows_int(r, 1),
                                              .from_ms = od_rows_int(r, 2),
                                              .until_ms = od_rows_int(r, 3)};
        od_rows_close(r);
    }
    if (!rc) {
        od_appr_step v = step_view(c->k, &s);
        od_appr_vote vote = {.round = s.round,
                             .user_id = who->id,
                             .on_behalf_of = in->on_behalf_of,
                             .decision = (od_appr_decision)dec,
                             .has_comment = in->comment && *in->comment,
                             .at = c->now};
        const char *msg = NULL;
        od_appr_refusal ref = od_appr_check_vote(&v, dl, n_dl, opened_by, &vote, c->now, &msg);
        if (ref != OD_APPR_OK)
            rc = od_error_set(e, od_appr_refusal_err(ref), "decision", "%s", msg ? msg : "refused");
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KAPR_VOTE_INSERT, e,
                        OD_BINDS(OD_INT(s.id), OD_INT(who->id), OD_INT_NONZERO(in->on_behalf_of),
                                 OD_TEXT(od_appr_decision_key((od_appr_decision)dec)),
                                 OD_TEXT(in->comment ? in->comment : ""), OD_TEXT(channel), OD_INT(c->now)));
    if (!rc) {
        rc = step_votes(tx, &s, e);
        od_appr_step v = step_view(c->k, &s);
        od_appr_outcome o = od_appr_step_outcome(&v);
        if (!rc && o != OD_APPR_WAITING) {
            rc = od_tx_exec(tx, OD_Q_KAPR_STEP_DECIDE, e,
                            OD_BINDS(OD_TEXT(od_appr_outcome_key(o)), OD_INT(c->now), OD_INT(s.id)));
            if (!rc)
                rc = od_tx_exec(tx, OD_Q_KAPR_ROUND_CLOSE, e,
                                OD_BINDS(OD_TEXT(od_appr_outcome_key(o)), OD_INT(c->now), OD_INT(round_id)));
            if (!rc)
                rc = od_rec_appr_decided(tx, id, s.id, e);
        }
        json_t *data =
            json_pack("{ss sI ss ss}", "step", s.key, "round", (json_int_t)s.round, "decision",
                      od_appr_decision_key((od_appr_decision)dec), "outcome", od_appr_outcome_key(o));
        if (in->on_behalf_of)
            json_object_set_new(data, "on_behalf_of", json_integer(in->on_behalf_of));
        if (strcmp(channel, "web") != 0)
            json_object_set_new(data, "channel", json_string(channel));
        char text[400];
        snprintf(text, sizeof text, "审批 %s：%s%s%s (approval %s: %s%s%s)", s.key,
                 od_appr_decision_key((od_appr_decision)dec), in->comment && *in->comment ? " — " : "",
                 in->comment ? in->comment : "", s.key, od_appr_decision_key((od_appr_decision)dec),
                 in->comment && *in->comment ? " — " : "", in->comment ? in->comment : "");
        if (!rc)
            rc = od_record_timeline_add(tx, id, c->now, who, "vote", data, text, e);
        if (!rc)
            rc = od_audit_append(tx, c->now, who, "record.vote", "record", id, NULL, data, e);
        json_decref(data);
    }
    ctx_free(c);
    free(c);
    return rc;
}

od_err od_record_vote(od_app *a, const od_principal *who, int64_t id, int64_t round_id,
                      const od_vote_input *in, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_record_vote_in(a, tx, who, id, round_id, in, "web", e);
    rc = od_rec_commit(tx, rc, NULL, e);
    if (rc)
        return rc;
    od_record_page pg = {.limit = 100, .offset = 0};
    return od_record_approvals(a, who, id, &pg, out, e);
}

/* ---- checklist results ---- */

od_err od_rec_ckl_restate(od_app *a, od_tx *tx, int64_t rec, int64_t checklist_id, int64_t now, od_error *e)
{
    ckl_row rows[CKL_MAX];
    size_t n = 0;
    od_err rc = ckl_rows(tx, rec, rows, CKL_MAX, &n, e);
    for (size_t i = 0; !rc && i < n; i++)
        if (rows[i].id == checklist_id)
            rc = ckl_state_set(tx, od_kernel_checklist(a->policy->kernel, rows[i].tpl), checklist_id, now, e);
    return rc;
}

od_err od_record_checklist_set(od_app *a, const od_principal *who, int64_t id, int64_t checklist_id,
                               const char *item_key, json_t *value, const char *note, const char *finding,
                               json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x;
    int64_t now = od_app_now(a);
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    ckl_row rows[CKL_MAX];
    size_t n = 0;
    const ckl_row *inst = NULL;
    rc = ckl_rows(tx, id, rows, CKL_MAX, &n, e);
    for (size_t i = 0; !rc && i < n; i++)
        if (rows[i].id == checklist_id)
            inst = &rows[i];
    if (!rc && !inst)
        rc = od_error_set(e, OD_E_NOT_FOUND, "checklist_id", "检查单 %lld 不存在 (checklist %lld not found)",
                          (long long)checklist_id, (long long)checklist_id);
    const od_cl_template *t = rc ? NULL : od_kernel_checklist(a->policy->kernel, inst->tpl);
    const od_cl_item *it = NULL;
    for (size_t i = 0; t && i < t->n_items; i++)
        if (strcmp(t->items[i].key, item_key) == 0)
            it = &t->items[i];
    if (!rc && !it)
        rc = od_error_set(e, OD_E_NOT_FOUND, "item_key", "检查项 %s 不存在 (checklist item %s not found)",
                          item_key, item_key);
    if (!rc) {
        bool ok = it->type == OD_CL_CHECK    ? json_is_boolean(value)
                  : it->type == OD_CL_NUMBER ? json_is_number(value)
                                             : json_is_string(value);
        if (!ok)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "value",
                              "检查项 %s 的值类型不对 (wrong value type for item %s: %s)", item_key, item_key,
                              od_cl_type_key(it->type));
    }
    if (!rc) {
        od_cl_result res = {.item = item_key,
                            .checked = json_is_true(value),
                            .number = json_is_number(value) ? json_number_value(value) : 0,
                            .text = json_is_string(value) ? json_string_value(value) : "",
                            .evidence = json_is_string(value) && *json_string_value(value),
                            .finding = finding && *finding};
        bool passed = od_cl_judge(it, &res) == OD_CL_PASS;
        char *vj = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
        rc = od_tx_exec(tx, OD_Q_KCKL_RESULT_SET, e,
                        OD_BINDS(OD_INT(checklist_id), OD_TEXT(item_key), OD_TEXT(vj ? vj : "null"),
                                 OD_BOOL(passed), OD_INT_NONZERO(who->id), OD_INT(now),
                                 OD_TEXT(it->type == OD_CL_EVIDENCE ? json_string_value(value) : ""),
                                 OD_TEXT(note ? note : ""), OD_TEXT(finding ? finding : "")));
        free(vj);
        /* a failure the person gave no finding for: what the item's on_fail opens */
        if (!rc && !passed && !(finding && *finding))
            rc = od_rec_ckl_on_fail(a, tx, &x, t, it, checklist_id, now, e);
        if (!rc)
            rc = ckl_state_set(tx, t, checklist_id, now, e);
        json_t *data = json_pack("{sI ss sb sO}", "checklist_id", (json_int_t)checklist_id, "item", item_key,
                                 "passed", passed, "value", value);
        char text[400];
        snprintf(text, sizeof text, "检查项 %s：%s (checklist item %s: %s)", it->text_zh,
                 passed ? "通过" : "未通过", it->text_en, passed ? "passed" : "failed");
        if (!rc)
            rc = od_record_timeline_add(tx, id, now, who, "checklist", data, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.checklist", "record", id, NULL, data, e);
        json_decref(data);
    }
    od_rec_free(&x);
    rc = od_rec_commit(tx, rc, NULL, e);
    if (rc)
        return rc;
    /* what a failed item opened (an incident's deadlines and first report, a record's clocks) */
    od_app_committed(a, OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
    /* the event an on_fail: event item queued: through the ingestion now
     * (what a failure leaves queued, the scheduler's next pass delivers) */
    od_error de = {0};
    if (od_internal_events_deliver(a, &de) != OD_OK)
        od_errorlog("checklist: internal events: %s", de.message);
    od_record_page pg = {.limit = 100, .offset = 0};
    return od_record_checklists(a, who, id, &pg, out, e);
}

/* ---- field edits outside an action ---- */

od_err od_record_edit(od_app *a, const od_principal *who, int64_t id, int64_t version, const char *kind,
                      json_t *fields, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    act_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        od_tx_rollback(tx);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    rc = load_ctx(a, tx, who, id, c, e);
    if (!rc && kind && strcmp(jstr(c->x.o, "kind"), kind) != 0)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "记录 %lld 不存在 (record %lld not found)", (long long)id,
                          (long long)id);
    if (!rc && version != c->x.version)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "记录已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the record was changed "
            "meanwhile: your version is %lld, the current version is %lld; reload and retry)",
            (long long)version, (long long)c->x.version, (long long)version, (long long)c->x.version);
    char old_priority[8];
    snprintf(old_priority, sizeof old_priority, "%s", c->priority);
    if (!rc)
        rc = apply_fields(c, fields, e);
    if (!rc && c->link)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "link",
                          "关联请用 /links 或动作 (links are made through /links or an action)");
    if (!rc)
        compute_priority(c);
    if (!rc && c->ext)
        rc = c->ext->save(tx, id, c->ext_fields, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KREC_SET_FIELDS, e,
                        OD_BINDS(OD_TEXT(c->impact), OD_TEXT(c->urgency), OD_TEXT(c->priority),
                                 OD_INT_NONZERO(c->assignee), OD_TEXT(c->group_key), OD_INT(c->now),
                                 OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KREC_BUMP, e, OD_BINDS(OD_INT(c->now), OD_INT(id), OD_INT(version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "记录已被他人修改，请刷新后重试 (the record was changed meanwhile; reload and retry)");
    if (!rc)
        rc = retarget_if_changed(c, old_priority, e);
    if (!rc) {
        json_t *data = json_pack("{sO}", "fields", fields);
        rc = od_record_timeline_add(tx, id, c->now, who, "update", data, "修改字段 (fields edited)", e);
        if (!rc)
            rc = od_audit_append(tx, c->now, who, "record.update", "record", id, NULL, data, e);
        json_decref(data);
    }
    ctx_free(c);
    free(c);
    rc = od_rec_commit(tx, rc, NULL, e);
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES);
    return rc;
}

od_err od_rec_wf_fields_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id, json_t *fields,
                           const char *old_priority, od_error *e)
{
    act_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = load_ctx(a, tx, who, id, c, e);
    bool matrix = false;
    for (size_t i = 0; !rc && i < c->def->n_clocks; i++)
        matrix = matrix || *c->def->clocks[i].matrix;
    if (!rc && matrix && json_object_get(fields, "priority"))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "priority",
                          "优先级由影响度 × 紧急度计算，不能直接设置 (the priority is computed from impact × "
                          "urgency; set those)");
    json_t *sub = json_object();
    const char *keys[] = {"impact", "urgency"};
    for (size_t i = 0; i < 2; i++)
        if (json_object_get(fields, keys[i]))
            json_object_set(sub, keys[i], json_object_get(fields, keys[i]));
    if (!rc)
        rc = apply_fields(c, sub, e);
    if (!rc) {
        compute_priority(c);
        rc = od_tx_exec(tx, OD_Q_KREC_SET_FIELDS, e,
                        OD_BINDS(OD_TEXT(c->impact), OD_TEXT(c->urgency), OD_TEXT(c->priority),
                                 OD_INT_NONZERO(c->assignee), OD_TEXT(c->group_key), OD_INT(c->now),
                                 OD_INT(id)));
    }
    if (!rc)
        rc = retarget_if_changed(c, old_priority, e);
    json_decref(sub);
    ctx_free(c);
    free(c);
    return rc;
}
