/* incident.c — the incident rules of seed 000 (REQUIREMENTS §2–§5): grading
 * and the 速查表 explanation, escalation by time, deadlines, authorities and
 * the lifecycle state machine.  Every value comes from the od_policy passed
 * in; the only constants here are keys, names and the lifecycle table.
 * Pure: no I/O, no clock, no allocation, no state — safe from any thread.
 * Callers: src/app/ use cases, the scheduler (through app/), and the tests
 * in tests/unit/test_core_*.c.
 *
 * Lifecycle (R-CLOSE-2), the table `transitions` below:
 *
 *   detected --first_report--> reported --second_report--> confirmed
 *                                 |                             |
 *                                 |                         activate
 *                                 |                             v
 *   reviewed <--review-- closed <--close-- resolved <--final_report-- activated
 *
 *   non-moving:  progress_report  in reported, confirmed, activated
 *                ack, regrade     in detected, reported, confirmed, activated
 *   anything else is OD_E_CONFLICT naming the missing step (zh first, then en).
 */
#include "core/incident.h"
#include "core/keys.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

/* ---- small helpers ---- */

static bool grade_ok(od_grade g)
{
    return (unsigned)g < OD_GRADE__COUNT;
}
static bool resp_ok(od_resp r)
{
    return (unsigned)r < OD_RESP__COUNT;
}

/* a + b, saturating to OD_NO_TIME / INT64_MIN instead of overflowing. */
static int64_t add_sat(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

/* ---- grading (R-INC-2…6) ---- */

od_err od_incident_level(const od_grade *grades, size_t n, od_grade *out)
{
    if (n == 0 || !grades || !out)
        return OD_E_UNPROCESSABLE;
    od_grade best = OD_GRADE__COUNT;
    for (size_t i = 0; i < n; i++) {
        if (!grade_ok(grades[i]))
            return OD_E_INVALID;
        if (grades[i] < best) /* lower enum = higher grade (就高) */
            best = grades[i];
    }
    *out = best;
    return OD_OK;
}

od_err od_incident_level_hi(const od_grade *cis, size_t n_cis, const od_grade *cands, size_t n_cands,
                            od_grade *out, bool *provisional)
{
    if (!out || !provisional || (n_cis == 0 && n_cands == 0))
        return OD_E_UNPROCESSABLE;
    od_grade by_ci = OD_GRADE__COUNT, by_cand = OD_GRADE__COUNT;
    od_err rc = n_cis ? od_incident_level(cis, n_cis, &by_ci) : OD_OK;
    if (!rc && n_cands)
        rc = od_incident_level(cands, n_cands, &by_cand);
    if (rc)
        return rc;
    *provisional = by_cand < by_ci; /* lower enum = higher grade */
    *out = *provisional ? by_cand : by_ci;
    return OD_OK;
}

/* An out-of-range level is graded L1 and an out-of-range or negative
 * severity as severe/provisional: when in doubt, take the higher (R-INC-4). */
void od_grade_incident(const od_policy *p, od_grade level, int severity, od_grading *out)
{
    memset(out, 0, sizeof *out);
    if (!grade_ok(level))
        level = OD_GRADE_L1;
    out->level = level;
    if (severity < 0 || severity >= OD_SEV__COUNT) {
        out->severity = OD_SEV_SEVERE;
        out->severity_provisional = true;
    } else {
        out->severity = (od_severity)severity;
    }
    od_resp r = p->matrix[level][out->severity];
    if (!resp_ok(r))
        r = OD_RESP_R1;
    out->response = r;
    out->handling_limit_ms = p->handling_limit_ms[r];
    out->first_report_ms = p->first_report_ms[level];
    out->recipients = p->first_report_recipients[level];
    out->ack_required = (p->ack_levels & (1u << level)) != 0;
    out->ack_window_ms = out->ack_required ? p->ack_window_ms : 0;
    out->activation_role = p->activation_role[r];
    out->progress_every_ms = p->progress_every_ms[r];
}

/* ---- the 速查表 explanation ---- */

/* Duration in the largest exact unit, zh and en ("2小时" / "2 h"). */
static void fmt_dur(int64_t ms, char *zh, size_t nzh, char *en, size_t nen)
{
    long long v = (long long)ms;
    if (v > 0 && v % 3600000 == 0) {
        snprintf(zh, nzh, "%lld小时", v / 3600000);
        snprintf(en, nen, "%lld h", v / 3600000);
    } else if (v > 0 && v % 60000 == 0) {
        snprintf(zh, nzh, "%lld分钟", v / 60000);
        snprintf(en, nen, "%lld min", v / 60000);
    } else if (v > 0 && v % 1000 == 0) {
        snprintf(zh, nzh, "%lld秒", v / 1000);
        snprintf(en, nen, "%lld s", v / 1000);
    } else {
        snprintf(zh, nzh, "%lld毫秒", v);
        snprintf(en, nen, "%lld ms", v);
    }
}

/* Append to buf (size cap) at *len; stops quietly at the end of buf. */
static void append(char *buf, size_t cap, size_t *len, const char *s1, const char *s2, const char *s3)
{
    if (*len >= cap - 1)
        return;
    int w = snprintf(buf + *len, cap - *len, "%s%s%s", s1, s2, s3);
    if (w < 0)
        return;
    *len += (size_t)w;
    if (*len >= cap) {
        *len = cap - 1;
        buf[od_utf8_complete(buf, strlen(buf))] = '\0';
        *len = strlen(buf);
    }
}

static void recipients_text(const od_recipients *rc, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    append(buf, cap, &len, "首报对象：", "", "");
    bool first = true;
    for (int r = 0; r < OD_ROLE__COUNT; r++) {
        if (!(rc->roles & OD_ROLEBIT(r)))
            continue;
        append(buf, cap, &len, first ? "" : "、", od_role_name_zh((od_role)r), " (");
        append(buf, cap, &len, od_role_key((od_role)r), ")", "");
        first = false;
    }
    if (rc->owning_department_heads) {
        append(buf, cap, &len, first ? "" : "、", "受影响配置项所属部门负责人", " (department_head)");
        first = false;
    }
    for (size_t i = 0; i < rc->n_heads_of && i < OD_FIXED_DEPTS_MAX; i++) {
        append(buf, cap, &len, first ? "" : "、", rc->heads_of[i], "负责人 (department_head)");
        first = false;
    }
    if (first)
        append(buf, cap, &len, "无 (none)", "", "");
}

typedef struct explain_ctx {
    od_rule_line *out;
    size_t cap, n;
} explain_ctx;

/* The next line to fill, or NULL once the caller's array is full (the line
 * is still counted). */
static od_rule_line *next_line(explain_ctx *x, const char *field, const char *req)
{
    od_rule_line *l = x->n < x->cap ? &x->out[x->n] : NULL;
    x->n++;
    if (l) {
        l->field = field;
        l->req = req;
        l->text[0] = '\0';
    }
    return l;
}

static void explain_grading(const od_grading *g, explain_ctx *x)
{
    const char *gk = od_grade_key(g->level), *gz = od_grade_name_zh(g->level);
    const char *rk = od_resp_key(g->response), *rz = od_resp_name_zh(g->response);
    od_rule_line *l = next_line(x, "level", "R-INC-2");
    if (l)
        snprintf(l->text, sizeof l->text,
                 "事件级别为%s：取受影响配置项的最高等级 (incident level %s: the highest grade of "
                 "the affected CIs)",
                 gz, gk);
    l = next_line(x, "response_level", "R-INC-3");
    if (l)
        snprintf(l->text, sizeof l->text, "%s × %s → %s (%s × %s → %s)", gz, od_severity_name_zh(g->severity),
                 rz, gk, od_severity_key(g->severity), rk);
    if (g->severity_provisional) {
        l = next_line(x, "severity_provisional", "R-INC-4");
        if (l)
            snprintf(l->text, sizeof l->text,
                     "影响程度未知，按就高原则暂定为严重 (severity not yet known: provisionally "
                     "severe, take the higher)");
    }
}

static void explain_limits(const od_grading *g, explain_ctx *x)
{
    char zh[32], en[32];
    const char *gk = od_grade_key(g->level), *gz = od_grade_name_zh(g->level);
    const char *rk = od_resp_key(g->response), *rz = od_resp_name_zh(g->response);
    od_rule_line *l = next_line(x, "handling_limit_minutes", "R-ESC-1");
    if (l && g->handling_limit_ms > 0) {
        fmt_dur(g->handling_limit_ms, zh, sizeof zh, en, sizeof en);
        snprintf(l->text, sizeof l->text,
                 "%s处理时限%s，超时按时间升级 (%s handling limit %s; escalated by time)", rz, zh, rk, en);
    } else if (l) {
        snprintf(l->text, sizeof l->text,
                 "%s无处理时限，不按时间升级 (%s: no handling limit, no escalation by time)", rz, rk);
    }
    l = next_line(x, "first_report_minutes", "R-NOT-1");
    if (l) {
        fmt_dur(g->first_report_ms, zh, sizeof zh, en, sizeof en);
        snprintf(l->text, sizeof l->text,
                 "%s事件须在发现后%s内首报 (%s: first report within %s of detection)", gz, zh, gk, en);
    }
    l = next_line(x, "recipients", "R-NOT-1");
    if (l)
        recipients_text(&g->recipients, l->text, sizeof l->text);
}

static void explain_followup(const od_grading *g, explain_ctx *x)
{
    char zh[32], en[32];
    const char *gk = od_grade_key(g->level), *gz = od_grade_name_zh(g->level);
    const char *rk = od_resp_key(g->response), *rz = od_resp_name_zh(g->response);
    od_rule_line *l = next_line(x, "ack_window_minutes", "R-NOT-4");
    if (l && g->ack_required) {
        fmt_dur(g->ack_window_ms, zh, sizeof zh, en, sizeof en);
        snprintf(l->text, sizeof l->text,
                 "%s事件的接收人须在%s内确认 (%s: recipients must acknowledge within %s)", gz, zh, gk, en);
    } else if (l) {
        snprintf(l->text, sizeof l->text, "%s事件无需确认 (%s: no acknowledgement required)", gz, gk);
    }
    l = next_line(x, "progress_every_minutes", "R-NOT-5");
    if (l && g->progress_every_ms > 0) {
        fmt_dur(g->progress_every_ms, zh, sizeof zh, en, sizeof en);
        snprintf(l->text, sizeof l->text, "%s每%s报告一次处理进展 (%s: progress report every %s)", rz, zh, rk,
                 en);
    } else if (l) {
        snprintf(l->text, sizeof l->text, "%s无需定期进展报告 (%s: no progress reports)", rz, rk);
    }
    l = next_line(x, "activation_role", "R-ACT-1");
    if (l)
        snprintf(l->text, sizeof l->text,
                 "%s预案由%s启动，并由其授权关闭 (%s plan activated, and closure authorized, by "
                 "%s)",
                 rz, od_role_name_zh(g->activation_role), rk, od_role_key(g->activation_role));
}

/* The grading already holds every value taken from the policy, so the
 * lines are built from g alone; p is part of the contract for rules that
 * may need more of the policy later. */
size_t od_grading_explain(const od_policy *p, const od_grading *g, od_rule_line *out, size_t cap)
{
    (void)p;
    explain_ctx x = {out, out ? cap : 0, 0};
    explain_grading(g, &x);
    explain_limits(g, &x);
    explain_followup(g, &x);
    return x.n;
}

/* ---- escalation by time (R-ESC-1…3) ---- */

int64_t od_handling_deadline(const od_policy *p, od_resp base, int64_t detected_ms)
{
    if (!resp_ok(base) || p->handling_limit_ms[base] <= 0)
        return OD_NO_TIME;
    return add_sat(detected_ms, p->handling_limit_ms[base]);
}

od_resp od_clock_after_raise(od_resp clock, od_resp set)
{
    if (!resp_ok(set))
        return clock;
    if (!resp_ok(clock))
        return set;
    return set < clock ? set : clock; /* a lower value is more serious */
}

/* The time at which the rule raises an incident of `base` to k:
 * deadline - now <= limit(k)  <=>  now >= deadline - limit(k).
 * OD_NO_TIME when k has no limit or base has no deadline. */
static int64_t step_at(const od_policy *p, od_resp base, od_resp k, int64_t detected_ms)
{
    int64_t deadline = od_handling_deadline(p, base, detected_ms);
    if (deadline == OD_NO_TIME || p->handling_limit_ms[k] <= 0)
        return OD_NO_TIME;
    return add_sat(deadline, -p->handling_limit_ms[k]);
}

od_resp od_escalation_level_at(const od_policy *p, od_resp base, int64_t detected_ms, int64_t now_ms)
{
    if (!resp_ok(base))
        return base;
    /* most serious first: the first k whose step time has come wins */
    for (int k = OD_RESP_R1; k < (int)base; k++) {
        int64_t at = step_at(p, base, (od_resp)k, detected_ms);
        if (at != OD_NO_TIME && now_ms >= at)
            return (od_resp)k;
    }
    return base;
}

/* level_at only grows more serious with time, so the answer is the earliest
 * step time among the levels more serious than both `current` and `base`.
 * A `current` less serious than `base` is treated as `base`. */
int64_t od_escalation_next_at(const od_policy *p, od_resp base, od_resp current, int64_t detected_ms)
{
    if (!resp_ok(base) || !resp_ok(current))
        return OD_NO_TIME;
    od_resp top = current < base ? current : base;
    int64_t best = OD_NO_TIME;
    for (int k = OD_RESP_R1; k < (int)top; k++) {
        int64_t at = step_at(p, base, (od_resp)k, detected_ms);
        if (at < best)
            best = at;
    }
    return best;
}

/* ---- deadlines (R-NOT-1, R-NOT-4, R-NOT-5, R-NOT-6) ---- */

static const char *const dl_keys[OD_DL__COUNT] = {
    "first_report", "ack", "progress", "handling", "escalation", "progress_remind", "renotify", "activation",
};

const char *od_deadline_kind_key(od_deadline_kind k)
{
    return od_key_name(dl_keys, OD_DL__COUNT, (int)k);
}

int od_deadline_kind_parse(const char *s)
{
    return od_key_parse(dl_keys, OD_DL__COUNT, s);
}

bool od_deadline_kind_shown(int k)
{
    return k == OD_DL_FIRST_REPORT || k == OD_DL_ACK || k == OD_DL_PROGRESS || k == OD_DL_HANDLING ||
           k == OD_DL_ACTIVATION;
}

od_deadline_state od_deadline_state_at(int64_t due_ms, int64_t met_ms, int64_t now_ms)
{
    if (met_ms != 0)
        return met_ms <= due_ms ? OD_DLS_MET : OD_DLS_MET_LATE;
    return now_ms > due_ms ? OD_DLS_MISSED : OD_DLS_PENDING;
}

int64_t od_first_report_due(const od_policy *p, od_grade level, int64_t detected_ms)
{
    if (!grade_ok(level))
        level = OD_GRADE_L1;
    return add_sat(detected_ms, p->first_report_ms[level]);
}

int64_t od_ack_due(const od_policy *p, od_grade level, int64_t notified_ms)
{
    if (!grade_ok(level) || !(p->ack_levels & (1u << level)))
        return OD_NO_TIME;
    return add_sat(notified_ms, p->ack_window_ms);
}

int64_t od_progress_due(const od_policy *p, od_resp r, int64_t since_ms)
{
    if (!resp_ok(r) || p->progress_every_ms[r] <= 0)
        return OD_NO_TIME;
    return add_sat(since_ms, p->progress_every_ms[r]);
}

int64_t od_progress_due_after_escalation(const od_policy *p, od_resp to, int64_t current_due, int64_t now_ms)
{
    int64_t d = od_progress_due(p, to, now_ms);
    return d < current_due ? d : current_due;
}

/* ---- authorities (R-ACT-1, R-CLOSE-1) ---- */

/* An out-of-range level asks for the R1 authority (the highest). */
od_role od_activation_role(const od_policy *p, od_resp r)
{
    return p->activation_role[resp_ok(r) ? r : OD_RESP_R1];
}

static bool holds(od_roleset roles, od_role r)
{
    return (unsigned)r < OD_ROLE__COUNT && (roles & OD_ROLEBIT(r)) != 0;
}

bool od_may_activate(const od_policy *p, od_resp current, od_roleset roles)
{
    return holds(roles, od_activation_role(p, current));
}

bool od_may_close(const od_policy *p, od_resp highest_reached, od_roleset roles)
{
    return holds(roles, od_activation_role(p, highest_reached));
}

/* ---- lifecycle (R-CLOSE-2) ---- */

static const char *const state_keys[OD_INC__COUNT] = {
    "detected", "reported", "confirmed", "activated", "resolved", "closed", "reviewed",
};
static const char *const state_zh[OD_INC__COUNT] = {
    "已发现", "已上报", "已确认", "已启动", "已解决", "已关闭", "已复盘",
};
static const char *const action_keys[OD_IA__COUNT] = {
    "first_report", "second_report", "activate", "progress_report", "final_report",
    "close",        "review",        "ack",      "regrade",
};
/* What doing the action is called, for messages ("不能再…" / "before …"). */
static const char *const action_zh[OD_IA__COUNT] = {
    "提交首报", "提交第二次上报", "启动应急预案", "提交进展报告", "提交终报",
    "关闭事件", "提交复盘报告",   "确认收到",     "调整级别",
};
static const char *const action_en[OD_IA__COUNT] = {
    "the first report",         "the second report",  "plan activation",
    "a progress report",        "the final report",   "closure",
    "the post-incident review", "an acknowledgement", "regrading",
};
/* The step that moves an incident out of each state (the missing one). */
static const char *const next_step_zh[OD_INC__COUNT] = {
    "提交首报", "提交第二次上报确认响应级别", "启动应急预案", "提交终报", "授权关闭事件", "提交复盘报告", "",
};
static const char *const next_step_en[OD_INC__COUNT] = {
    "the first report",
    "the second report confirming the response level",
    "plan activation",
    "the final report",
    "authorized closure",
    "the post-incident review",
    "",
};
static const char *const state_en[OD_INC__COUNT] = {
    "detected", "reported", "confirmed", "activated", "resolved", "closed", "reviewed",
};

typedef struct od_inc_transition_row {
    od_inc_state from;
    od_inc_action action;
    od_inc_state to;
} od_inc_transition_row;

static const od_inc_transition_row transitions[] = {
    /* the moves */
    {OD_INC_DETECTED, OD_IA_FIRST_REPORT, OD_INC_REPORTED},
    {OD_INC_REPORTED, OD_IA_SECOND_REPORT, OD_INC_CONFIRMED},
    {OD_INC_CONFIRMED, OD_IA_ACTIVATE, OD_INC_ACTIVATED},
    {OD_INC_ACTIVATED, OD_IA_FINAL_REPORT, OD_INC_RESOLVED},
    {OD_INC_RESOLVED, OD_IA_CLOSE, OD_INC_CLOSED},
    {OD_INC_CLOSED, OD_IA_REVIEW, OD_INC_REVIEWED},
    /* progress reports while reported and unresolved (R-NOT-5) */
    {OD_INC_REPORTED, OD_IA_PROGRESS_REPORT, OD_INC_REPORTED},
    {OD_INC_CONFIRMED, OD_IA_PROGRESS_REPORT, OD_INC_CONFIRMED},
    {OD_INC_ACTIVATED, OD_IA_PROGRESS_REPORT, OD_INC_ACTIVATED},
    /* acknowledgements (R-NOT-4) and regrading (R-INC-4) before resolved */
    {OD_INC_DETECTED, OD_IA_ACK, OD_INC_DETECTED},
    {OD_INC_REPORTED, OD_IA_ACK, OD_INC_REPORTED},
    {OD_INC_CONFIRMED, OD_IA_ACK, OD_INC_CONFIRMED},
    {OD_INC_ACTIVATED, OD_IA_ACK, OD_INC_ACTIVATED},
    {OD_INC_DETECTED, OD_IA_REGRADE, OD_INC_DETECTED},
    {OD_INC_REPORTED, OD_IA_REGRADE, OD_INC_REPORTED},
    {OD_INC_CONFIRMED, OD_IA_REGRADE, OD_INC_CONFIRMED},
    {OD_INC_ACTIVATED, OD_IA_REGRADE, OD_INC_ACTIVATED},
};
#define N_TRANSITIONS (sizeof transitions / sizeof transitions[0])

const char *od_inc_state_key(od_inc_state s)
{
    return od_key_name(state_keys, OD_INC__COUNT, (int)s);
}

const char *od_inc_state_name_zh(od_inc_state s)
{
    return (unsigned)s < OD_INC__COUNT ? state_zh[s] : "?";
}

const char *od_inc_action_key(od_inc_action a)
{
    return od_key_name(action_keys, OD_IA__COUNT, (int)a);
}

int od_inc_state_parse(const char *s)
{
    return od_key_parse(state_keys, OD_INC__COUNT, s);
}

bool od_inc_state_open(od_inc_state s)
{
    return (unsigned)s < OD_INC_RESOLVED;
}

/* The earliest state in which the table allows `a`. */
static od_inc_state earliest_from(od_inc_action a)
{
    od_inc_state best = OD_INC__COUNT;
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].action == a && transitions[i].from < best)
            best = transitions[i].from;
    return best;
}

/* Why `a` is refused in `from`: the step still missing, the state being
 * past it (resolved and after), or the step having been done already. */
static od_err refuse(od_inc_state from, od_inc_action a, od_error *e)
{
    od_inc_state need = earliest_from(a);
    if (from < need)
        return od_error_set(e, OD_E_CONFLICT, "state", "需要先%s，才能%s (%s is required first, before %s)",
                            next_step_zh[from], action_zh[a], next_step_en[from], action_en[a]);
    if (!od_inc_state_open(from))
        return od_error_set(e, OD_E_CONFLICT, "state",
                            "事件%s，不能再%s (already %s: %s is no longer allowed)", state_zh[from],
                            action_zh[a], state_en[from], action_en[a]);
    return od_error_set(e, OD_E_CONFLICT, "state", "已%s，不能重复 (already done: %s; the incident is %s)",
                        action_zh[a], action_en[a], state_en[from]);
}

od_err od_inc_transition(od_inc_state from, od_inc_action a, od_inc_state *to, od_error *e)
{
    if ((unsigned)from >= OD_INC__COUNT)
        return od_error_set(e, OD_E_INVALID, "state", "未知状态 (unknown state)");
    if ((unsigned)a >= OD_IA__COUNT)
        return od_error_set(e, OD_E_INVALID, "action", "未知操作 (unknown action)");
    for (size_t i = 0; i < N_TRANSITIONS; i++) {
        if (transitions[i].from == from && transitions[i].action == a) {
            if (to)
                *to = transitions[i].to;
            return OD_OK;
        }
    }
    return refuse(from, a, e);
}

/* ---- recipients by response level, regrading, report kinds ---- */

od_grade od_resp_recipient_level(od_resp r)
{
    switch (r) {
    case OD_RESP_R1:
        return OD_GRADE_L1;
    case OD_RESP_R2:
        return OD_GRADE_L2;
    case OD_RESP_R3:
        return OD_GRADE_L3;
    default:
        return OD_GRADE_NG;
    }
}

bool od_regrade_needs_reason(od_grade old_level, od_grade new_level, od_resp old_resp, od_resp new_resp)
{
    return new_level > old_level || new_resp > old_resp;
}

static const char *const first_req[] = {"location", "symptoms", "impact_scope"};
static const char *const second_req[] = {"response_level", "system_impact", "estimated_recovery_at"};
static const char *const progress_req[] = {"text"};
/* the final report's business_impact_minutes is derived from the incident's
 * impact intervals when it has any (app/incident_reports.c), else optional */
static const char *const final_req[] = {"cause", "process", "current_state", "improvements"};
static const od_report_kind report_kinds[] = {
    {"first", OD_IA_FIRST_REPORT, first_req, 3},
    {"second", OD_IA_SECOND_REPORT, second_req, 3},
    {"progress", OD_IA_PROGRESS_REPORT, progress_req, 1},
    {"final", OD_IA_FINAL_REPORT, final_req, 4},
};

const od_report_kind *od_report_kind_find(const char *key)
{
    for (size_t i = 0; key && i < sizeof report_kinds / sizeof report_kinds[0]; i++)
        if (strcmp(report_kinds[i].key, key) == 0)
            return &report_kinds[i];
    return NULL;
}

/* ---- catching up with a periodic deadline ---- */

od_deadline_plan od_deadline_fire_plan(od_deadline_kind k, int64_t due, int64_t every, int64_t now)
{
    od_deadline_plan pl = {0, OD_NO_TIME, OD_NO_TIME, due, false};
    /* the latest slot that has passed at now */
    int64_t edge = od_deadline_kind_shown(k) ? now - 1 : now;
    if (due == OD_NO_TIME || due > edge)
        return pl;
    if (every <= 0) {
        pl.missed = 1;
        pl.first_missed = pl.last_missed = due;
        pl.next_due = OD_NO_TIME;
        return pl;
    }
    /* slots due + i·every with slot <= edge: i = 0 … (edge - due) / every */
    int64_t n = (edge - due) / every + 1;
    pl.missed = n;
    pl.first_missed = due;
    pl.last_missed = due + (n - 1) * every;
    pl.catch_up = n > 1;
    pl.next_due = n > 1 ? add_sat(now, every) : add_sat(due, every);
    return pl;
}
