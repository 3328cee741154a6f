/* wf.c — the workflow kernel's decisions (wf.h): one function decides any
 * action of any record kind from its declared states, `who`, guards and
 * effects; clock triggers; the action bar; key tables and lookups of the
 * kernel policy sections.  Pure: no I/O, no clock, no state; the only
 * allocation is freeing the workflows the loader handed over
 * (od_kernel_free).
 *
 * Order of checks in od_wf_decide, so the most telling refusal wins:
 *   1. the action exists (404), 2. the record is in one of its `from`
 *   states (409 naming them), 3. `who` (403 naming the roles), 4. the
 *   `authority` and `actor_not` guards (403), 5. the other guards in their
 *   declared order (409 naming the field, step, phase or link). */
#include "core/wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const category_keys[OD_WF__CATEGORIES] = {"open", "pending", "resolved", "closed"};
static const char *const guard_keys[OD_G__COUNT] = {
    "fields_required", "approval_complete", "checklist_complete", "link_exists",
    "no_open_links",   "reason_required",   "actor_not",          "authority"};
static const char *const effect_keys[OD_FX__COUNT] = {"set_time", "clock",  "open_approval", "open_checklist",
                                                      "link",     "notify", "schedule"};
/* modules-spec §1.7: the committees a `who` may name */
static const char *const committee_keys[] = {"cab",
                                             "ecab",
                                             "it_exec_committee",
                                             "senior_management",
                                             "emergency_leadership",
                                             "emergency_engineering",
                                             "infosec_leadership",
                                             "emergency_working_group"};
static const char *const level_keys[OD_PRIO_LEVELS] = {"high", "medium", "low"};

#define COUNT(a) (sizeof(a) / sizeof *(a))

static int find_key(const char *const *keys, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(keys[i], s) == 0)
            return (int)i;
    return -1;
}

const char *od_wf_category_key(od_wf_category c)
{
    return (unsigned)c < OD_WF__CATEGORIES ? category_keys[c] : "?";
}
int od_wf_category_parse(const char *s)
{
    return find_key(category_keys, OD_WF__CATEGORIES, s);
}
const char *od_wf_guard_key(od_wf_guard_kind g)
{
    return (unsigned)g < OD_G__COUNT ? guard_keys[g] : "?";
}
int od_wf_guard_parse(const char *s)
{
    return find_key(guard_keys, OD_G__COUNT, s);
}
const char *od_wf_effect_key(od_wf_effect_kind e)
{
    return (unsigned)e < OD_FX__COUNT ? effect_keys[e] : "?";
}
int od_wf_effect_parse(const char *s)
{
    return find_key(effect_keys, OD_FX__COUNT, s);
}
bool od_wf_role_known(const char *key)
{
    return od_role_parse(key) >= 0;
}
bool od_wf_committee_known(const char *key)
{
    return find_key(committee_keys, COUNT(committee_keys), key) >= 0;
}
int od_prio_level_parse(const char *s)
{
    return find_key(level_keys, OD_PRIO_LEVELS, s);
}

int od_prio_compute(const od_prio_matrix *m, const char *impact, const char *urgency)
{
    int i = od_prio_level_parse(impact), u = od_prio_level_parse(urgency);
    return i < 0 || u < 0 ? 0 : m->cell[i][u];
}

/* ---- the kernel policy ---- */

void od_kernel_free(od_kernel *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n_workflows; i++)
        free(k->workflows[i]);
    free(k);
}

const od_wf_def *od_kernel_workflow(const od_kernel *k, const char *kind)
{
    for (size_t i = 0; k && kind && i < k->n_workflows; i++)
        if (strcmp(k->workflows[i]->kind, kind) == 0)
            return k->workflows[i];
    return NULL;
}
const od_calendar *od_kernel_calendar(const od_kernel *k, const char *key)
{
    for (size_t i = 0; k && key && i < k->n_calendars; i++)
        if (strcmp(k->calendars[i].key, key) == 0)
            return &k->calendars[i];
    return NULL;
}
const od_prio_matrix *od_kernel_matrix(const od_kernel *k, const char *key)
{
    for (size_t i = 0; k && key && i < k->n_matrices; i++)
        if (strcmp(k->matrices[i].key, key) == 0)
            return &k->matrices[i];
    return NULL;
}
const od_wf_approval_def *od_kernel_approval(const od_kernel *k, const char *key)
{
    for (size_t i = 0; k && key && i < k->n_approvals; i++)
        if (strcmp(k->approvals[i].key, key) == 0)
            return &k->approvals[i];
    return NULL;
}
const od_cl_template *od_kernel_checklist(const od_kernel *k, const char *key)
{
    for (size_t i = 0; k && key && i < k->n_checklists; i++)
        if (strcmp(k->checklists[i].key, key) == 0)
            return &k->checklists[i];
    return NULL;
}

int od_wf_state_index(const od_wf_def *d, const char *key)
{
    for (size_t i = 0; key && i < d->n_states; i++)
        if (strcmp(d->states[i].key, key) == 0)
            return (int)i;
    return -1;
}

const od_wf_action *od_wf_action_find(const od_wf_def *d, const char *key)
{
    for (size_t i = 0; key && i < d->n_actions; i++)
        if (strcmp(d->actions[i].key, key) == 0)
            return &d->actions[i];
    return NULL;
}

/* ---- views ---- */

static bool has_str(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], s) == 0)
            return true;
    return false;
}

static bool field_set(const od_wf_record *r, const char *f)
{
    return has_str(r->fields_set, r->n_fields_set, f);
}

static bool holds_field(const od_wf_record *r, const char *field, int64_t user)
{
    for (size_t i = 0; user && i < r->n_holders; i++)
        if (r->holders[i].user_id == user && r->holders[i].field && strcmp(r->holders[i].field, field) == 0)
            return true;
    return false;
}

static bool who_matches(const od_wf_who *w, const od_wf_record *r, const od_wf_actor *a)
{
    switch (w->kind) {
    case OD_WHO_ROLE:
        return has_str(a->roles, a->n_roles, w->key);
    case OD_WHO_COMMITTEE:
        return has_str(a->committees, a->n_committees, w->key);
    case OD_WHO_FIELD:
        return holds_field(r, w->key, a->user_id);
    case OD_WHO_SYSTEM:
        return a->system;
    case OD_WHO_SUPERIOR:
        return false;
    }
    return false;
}

static bool any_who(const od_wf_who *w, size_t n, const od_wf_record *r, const od_wf_actor *a)
{
    for (size_t i = 0; i < n; i++)
        if (who_matches(&w[i], r, a))
            return true;
    return false;
}

/* "problem_manager / field:assignee" into out. */
static void who_list(const od_wf_who *w, size_t n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        const char *pre = w[i].kind == OD_WHO_COMMITTEE ? "committee:"
                          : w[i].kind == OD_WHO_FIELD   ? "field:"
                                                        : "";
        int k = snprintf(out + len, size - len, "%s%s%s", i ? " / " : "", pre,
                         w[i].kind == OD_WHO_SYSTEM     ? "system"
                         : w[i].kind == OD_WHO_SUPERIOR ? "superior"
                                                        : w[i].key);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

static od_err refusal_set(od_wf_refusal *f, od_err code, const char *what)
{
    f->code = code;
    snprintf(f->what, sizeof f->what, "%s", what ? what : "");
    return code;
}

/* Fills the refusal (code, what is named, the bilingual message) and
 * evaluates to code. */
#define refuse(f, code, what, ...)                                                                           \
    (snprintf((f)->message, sizeof(f)->message, __VA_ARGS__), refusal_set((f), (code), (what)))

/* ---- guards ---- */

static const od_wf_link_view *find_link(const od_wf_record *r, const char *kind, const char *state)
{
    for (size_t i = 0; i < r->n_links; i++) {
        const od_wf_link_view *l = &r->links[i];
        if (l->kind && strcmp(l->kind, kind) == 0 && (!state || (l->state && strcmp(l->state, state) == 0)))
            return l;
    }
    return NULL;
}

/* Evaluates one guard; fills f and returns its code when it fails. */
static od_err guard_check(const od_wf_def *def, const od_wf_guard *g, const od_wf_record *r,
                          const od_wf_actor *a, od_wf_refusal *f)
{
    const char *a0 = g->n_args ? g->args[0] : "";
    switch (g->kind) {
    case OD_G_FIELDS_REQUIRED:
        for (size_t i = 0; i < g->n_args; i++)
            if (!field_set(r, g->args[i]))
                return refuse(f, OD_E_CONFLICT, g->args[i], "缺少必填字段：%s (missing required field: %s)",
                              g->args[i], g->args[i]);
        return OD_OK;
    case OD_G_APPROVAL_COMPLETE:
        for (size_t i = 0; i < r->n_approvals; i++)
            if (r->approvals[i].step && strcmp(r->approvals[i].step, a0) == 0 &&
                r->approvals[i].outcome == OD_APPR_ACCEPTED)
                return OD_OK;
        return refuse(f, OD_E_CONFLICT, a0, "审批步骤尚未通过：%s (approval step not accepted: %s)", a0, a0);
    case OD_G_CHECKLIST_COMPLETE:
        for (size_t i = 0; i < r->n_checklists; i++)
            if (r->checklists[i].phase && strcmp(r->checklists[i].phase, a0) == 0 &&
                r->checklists[i].complete)
                return OD_OK;
        return refuse(f, OD_E_CONFLICT, a0, "检查单未完成：%s (checklist not complete: %s)", a0, a0);
    case OD_G_LINK_EXISTS: {
        const char *st = g->n_args > 1 ? g->args[1] : NULL;
        if (find_link(r, a0, st))
            return OD_OK;
        return refuse(f, OD_E_CONFLICT, a0, "缺少关联：%s%s%s (missing link: %s%s%s)", a0, st ? " → " : "",
                      st ? st : "", a0, st ? " in state " : "", st ? st : "");
    }
    case OD_G_NO_OPEN_LINKS:
        for (size_t i = 0; i < r->n_links; i++)
            if (r->links[i].kind && strcmp(r->links[i].kind, a0) == 0 && r->links[i].open)
                return refuse(f, OD_E_CONFLICT, a0,
                              "仍有未关闭的关联记录：%s (linked records still open: %s)", a0, a0);
        return OD_OK;
    case OD_G_REASON_REQUIRED:
        if (r->reason_given)
            return OD_OK;
        return refuse(f, OD_E_CONFLICT, "reason", "需要填写原因 (a reason is required)");
    case OD_G_ACTOR_NOT:
        if (!holds_field(r, a0, a->user_id))
            return OD_OK;
        return refuse(f, OD_E_FORBIDDEN, a0,
                      "职责分离：操作人不能是本记录的 %s (segregation of duties: the actor must not be the "
                      "record's %s)",
                      a0, a0);
    case OD_G_AUTHORITY:
        for (size_t i = 0; i < def->n_authorities; i++) {
            const od_wf_authority *au = &def->authorities[i];
            if (strcmp(au->key, a0) != 0)
                continue;
            if (any_who(au->who, au->n_who, r, a))
                return OD_OK;
            char who[192];
            who_list(au->who, au->n_who, who, sizeof who);
            return refuse(f, OD_E_FORBIDDEN, a0, "需要权限 %s：%s (authority %s required: %s)", a0, who, a0,
                          who);
        }
        return refuse(f, OD_E_FORBIDDEN, a0, "未定义的权限：%s (unknown authority: %s)", a0, a0);
    default:
        return refuse(f, OD_E_INTERNAL, "", "未知的条件 (unknown guard)");
    }
}

static bool applies(const od_wf_guard *g, const od_wf_record *r)
{
    return !g->when[0] || field_set(r, g->when);
}

static bool is_403_guard(const od_wf_guard *g)
{
    return g->kind == OD_G_AUTHORITY || g->kind == OD_G_ACTOR_NOT;
}

/* An any_group: holds when one member holds (a member whose `when` does
 * not apply holds).  On failure the message names every member and
 * `what` the first member's. */
static od_err group_check(const od_wf_def *def, const od_wf_action *act, int group, const od_wf_record *r,
                          const od_wf_actor *a, od_wf_refusal *f)
{
    char names[256], first[OD_KEY_MAX] = "";
    size_t len = 0;
    names[0] = '\0';
    od_err last = OD_E_CONFLICT;
    for (size_t i = 0; i < act->n_guards; i++) {
        const od_wf_guard *g = &act->guards[i];
        if (g->any_group != group)
            continue;
        od_wf_refusal tmp = {0};
        if (!applies(g, r) || (last = guard_check(def, g, r, a, &tmp)) == OD_OK)
            return OD_OK;
        if (!first[0])
            snprintf(first, sizeof first, "%s", tmp.what);
        int k = snprintf(names + len, sizeof names - len, "%s%s(%s)", len ? " | " : "",
                         od_wf_guard_key(g->kind), tmp.what);
        if (k > 0 && (size_t)k < sizeof names - len)
            len += (size_t)k;
    }
    return refuse(f, last, first, "需满足以下之一：%s (one of these is needed: %s)", names, names);
}

static bool group_seen_before(const od_wf_action *act, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (act->guards[j].any_group == act->guards[i].any_group)
            return true;
    return false;
}

/* Runs the guards of one pass (403 kinds, or the rest). */
static od_err guards_pass(const od_wf_def *def, const od_wf_action *act, const od_wf_record *r,
                          const od_wf_actor *a, bool pass403, od_wf_refusal *f)
{
    for (size_t i = 0; i < act->n_guards; i++) {
        const od_wf_guard *g = &act->guards[i];
        if (g->any_group > 0) {
            /* a group runs in the second pass, at its first member */
            if (pass403 || group_seen_before(act, i))
                continue;
            od_err rc = group_check(def, act, g->any_group, r, a, f);
            if (rc)
                return rc;
            continue;
        }
        if (is_403_guard(g) != pass403 || !applies(g, r))
            continue;
        od_err rc = guard_check(def, g, r, a, f);
        if (rc)
            return rc;
    }
    return OD_OK;
}

/* ---- clocks ---- */

static bool in_list(const char (*list)[OD_KEY_MAX], size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

od_sla_op od_wf_clock_trigger(const od_wf_clock_def *c, const char *from, const char *action, const char *to)
{
    bool moved = !from || !to || strcmp(from, to) != 0;
    bool enter = moved; /* a state trigger fires on entering it */
    if (in_list(c->start_on, c->n_start, action) || (enter && in_list(c->start_on, c->n_start, to)))
        return OD_SLA_OP_START;
    if (in_list(c->cancel_on, c->n_cancel, action) || (enter && in_list(c->cancel_on, c->n_cancel, to)))
        return OD_SLA_OP_CANCEL;
    if (in_list(c->stop_on, c->n_stop, action) || (enter && in_list(c->stop_on, c->n_stop, to)))
        return OD_SLA_OP_STOP;
    bool was = in_list(c->pause_in, c->n_pause, from), now = in_list(c->pause_in, c->n_pause, to);
    if (!was && now)
        return OD_SLA_OP_PAUSE;
    if (was && !now && from)
        return OD_SLA_OP_RESUME;
    return OD_SLA_OP_NONE;
}

int64_t od_wf_clock_target(const od_wf_clock_def *c, int priority)
{
    if (!c->matrix[0])
        return c->fixed_ms;
    return priority >= 1 && priority <= OD_PRIO_MAX ? c->by_priority[priority - 1] : 0;
}

/* ---- deciding ---- */

static bool from_ok(const od_wf_def *def, const od_wf_action *act, const char *state)
{
    if (!state)
        return act->n_from == 0;
    for (size_t i = 0; i < act->n_from; i++)
        if (strcmp(def->states[act->from[i]].key, state) == 0)
            return true;
    return false;
}

static od_err state_refusal(const od_wf_def *def, const od_wf_action *act, const char *state,
                            od_wf_refusal *f)
{
    if (!state)
        return refuse(f, OD_E_CONFLICT, "", "记录尚未创建，不能执行 %s (the record does not exist yet: %s)",
                      act->key, act->key);
    if (act->n_from == 0)
        return refuse(f, OD_E_CONFLICT, state, "记录已存在 (the record already exists)");
    char need[256];
    size_t len = 0;
    need[0] = '\0';
    for (size_t i = 0; i < act->n_from; i++) {
        int k =
            snprintf(need + len, sizeof need - len, "%s%s", i ? " / " : "", def->states[act->from[i]].key);
        if (k < 0 || (size_t)k >= sizeof need - len)
            break;
        len += (size_t)k;
    }
    return refuse(f, OD_E_CONFLICT, def->states[act->from[0]].key,
                  "当前状态 %s 不能执行 %s，需先处于：%s (%s is not possible in state %s; it needs: %s)",
                  state, act->key, need, act->key, state, need);
}

static od_err check_action(const od_wf_def *def, const od_wf_action *act, const od_wf_record *r,
                           const od_wf_actor *a, od_wf_refusal *f)
{
    memset(f, 0, sizeof *f);
    if (!from_ok(def, act, r->state))
        return state_refusal(def, act, r->state, f);
    if (act->n_who && !any_who(act->who, act->n_who, r, a)) {
        char who[192];
        who_list(act->who, act->n_who, who, sizeof who);
        return refuse(f, OD_E_FORBIDDEN, act->who[0].kind == OD_WHO_SYSTEM ? "system" : act->who[0].key,
                      "只有 %s 可以执行 %s (only %s may %s)", who, act->key, who, act->key);
    }
    od_err rc = guards_pass(def, act, r, a, true, f);
    if (!rc)
        rc = guards_pass(def, act, r, a, false, f);
    return rc;
}

od_err od_wf_decide(const od_wf_def *def, const od_wf_record *rec, const char *action,
                    const od_wf_actor *actor, int64_t now, od_wf_decision *out)
{
    memset(out, 0, sizeof *out);
    out->to = -1;
    const od_wf_action *act = od_wf_action_find(def, action);
    if (!act)
        return refuse(&out->refusal, OD_E_NOT_FOUND, action ? action : "",
                      "未知的操作：%s (unknown action: %s)", action ? action : "", action ? action : "");
    od_err rc = check_action(def, act, rec, actor, &out->refusal);
    if (rc)
        return rc;
    int cur = rec->state ? od_wf_state_index(def, rec->state) : -1;
    out->action = act;
    out->to = act->to >= 0 ? act->to : cur;
    if (out->to < 0)
        return refuse(&out->refusal, OD_E_INTERNAL, "", "操作没有目标状态 (the action has no target state)");
    out->to_key = def->states[out->to].key;
    out->at = now;
    for (size_t i = 0; i < act->n_effects; i++)
        out->effects[out->n_effects++] = &act->effects[i];
    for (size_t i = 0; i < def->n_clocks; i++) {
        od_sla_op op = od_wf_clock_trigger(&def->clocks[i], rec->state, act->key, out->to_key);
        if (op != OD_SLA_OP_NONE)
            out->clock_ops[out->n_clock_ops++] = (od_wf_clock_op){def->clocks[i].name, op};
    }
    for (size_t i = 0; i < act->n_effects; i++)
        if (act->effects[i].kind == OD_FX_CLOCK)
            out->clock_ops[out->n_clock_ops++] = (od_wf_clock_op){act->effects[i].a, act->effects[i].op};
    return OD_OK;
}

size_t od_wf_available(const od_wf_def *def, const od_wf_record *rec, const od_wf_actor *actor, int64_t now,
                       od_wf_option *out, size_t max)
{
    (void)now;
    size_t n = 0;
    for (size_t i = 0; i < def->n_actions && n < max; i++) {
        const od_wf_action *act = &def->actions[i];
        if (!from_ok(def, act, rec->state))
            continue;
        out[n].action = act;
        out[n].allowed = check_action(def, act, rec, actor, &out[n].refusal) == OD_OK;
        n++;
    }
    return n;
}

const od_wf_template *od_wf_template_find(const od_wf_def *d, const char *key)
{
    for (size_t i = 0; d && key && i < d->n_templates; i++)
        if (strcmp(d->templates[i].key, key) == 0)
            return &d->templates[i];
    return NULL;
}
