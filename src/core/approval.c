/* approval.c — step outcomes, vote validation and rounds (approval.h).
 * Pure: no I/O, no clock, no allocation, no state. */
#include "core/approval.h"

#include <string.h>

static const char *const decision_keys[OD_VOTE__COUNT] = {"approve", "reject", "more_info", "abstain"};
static const char *const outcome_keys[] = {"waiting", "accepted", "refused"};
static const char *const mode_keys[] = {"any", "all", "quorum_count", "quorum_percent"};

const char *od_appr_decision_key(od_appr_decision d)
{
    return (unsigned)d < OD_VOTE__COUNT ? decision_keys[d] : "?";
}

int od_appr_decision_parse(const char *s)
{
    for (int i = 0; i < OD_VOTE__COUNT; i++)
        if (s && strcmp(s, decision_keys[i]) == 0)
            return i;
    return -1;
}

const char *od_appr_outcome_key(od_appr_outcome o)
{
    return (unsigned)o < 3 ? outcome_keys[o] : "?";
}

const char *od_appr_mode_key(od_appr_mode m)
{
    return (unsigned)m < 4 ? mode_keys[m] : "?";
}

int od_appr_required(const od_appr_rule *r, size_t n_approvers)
{
    int n = (int)n_approvers, req;
    switch (r->mode) {
    case OD_APPR_ALL:
        req = n;
        break;
    case OD_APPR_QUORUM_COUNT:
        req = r->quorum < n ? r->quorum : n;
        break;
    case OD_APPR_QUORUM_PERCENT:
        req = (n * r->quorum + 99) / 100;
        break;
    default:
        req = 1;
    }
    return req < 1 ? 1 : req;
}

static int64_t counts_for(const od_appr_vote *v)
{
    return v->on_behalf_of ? v->on_behalf_of : v->user_id;
}

/* The latest vote of the current round that counts for approver u. */
static const od_appr_vote *latest(const od_appr_step *s, int64_t u)
{
    const od_appr_vote *found = NULL;
    for (size_t i = 0; i < s->n_votes; i++)
        if (s->votes[i].round == s->round && counts_for(&s->votes[i]) == u)
            found = &s->votes[i];
    return found;
}

od_appr_outcome od_appr_step_outcome(const od_appr_step *s)
{
    if (s->n_approvers == 0)
        return OD_APPR_REFUSED;
    int approved = 0, undecided = 0, rejected = 0;
    for (size_t i = 0; i < s->n_approvers; i++) {
        const od_appr_vote *v = latest(s, s->approvers[i]);
        if (!v || v->decision == OD_VOTE_MORE_INFO)
            undecided++;
        else if (v->decision == OD_VOTE_APPROVE)
            approved++;
        else if (v->decision == OD_VOTE_REJECT)
            rejected++;
    }
    int req = od_appr_required(&s->rule, s->n_approvers);
    if (approved >= req)
        return OD_APPR_ACCEPTED;
    /* any: whichever approver answers first decides, a rejection too */
    if (s->rule.mode == OD_APPR_ANY && rejected > 0)
        return OD_APPR_REFUSED;
    return approved + undecided >= req ? OD_APPR_WAITING : OD_APPR_REFUSED;
}

od_appr_outcome od_appr_overall(const od_appr_outcome *steps, size_t n)
{
    bool waiting = false;
    for (size_t i = 0; i < n; i++) {
        if (steps[i] == OD_APPR_REFUSED)
            return OD_APPR_REFUSED;
        if (steps[i] == OD_APPR_WAITING)
            waiting = true;
    }
    return waiting ? OD_APPR_WAITING : OD_APPR_ACCEPTED;
}

static bool is_approver(const od_appr_step *s, int64_t u)
{
    for (size_t i = 0; i < s->n_approvers; i++)
        if (s->approvers[i] == u)
            return true;
    return false;
}

static od_appr_refusal refuse(od_appr_refusal r, const char *text, const char **msg)
{
    if (msg)
        *msg = text;
    return r;
}

od_appr_refusal od_appr_check_vote(const od_appr_step *s, const od_appr_delegation *dl, size_t n_dl,
                                   int64_t requester_id, const od_appr_vote *v, int64_t now, const char **msg)
{
    if (msg)
        *msg = "";
    if (v->round != s->round)
        return refuse(OD_APPR_ROUND_STALE, "审批轮次已变更 (the approval round has changed)", msg);
    if (od_appr_step_outcome(s) != OD_APPR_WAITING)
        return refuse(OD_APPR_STEP_DECIDED, "该审批步骤已有结论 (this approval step is already decided)",
                      msg);
    if ((unsigned)v->decision >= OD_VOTE__COUNT ||
        (s->rule.decisions_allowed && !(s->rule.decisions_allowed & (1u << v->decision))))
        return refuse(OD_APPR_DECISION_NOT_ALLOWED,
                      "该步骤不允许此决定 (this step does not allow that decision)", msg);
    int64_t u = counts_for(v);
    if (requester_id && (v->user_id == requester_id || u == requester_id))
        return refuse(OD_APPR_SELF_APPROVAL,
                      "申请人不能审批自己的申请 (the requester cannot approve their own record)", msg);
    if (!is_approver(s, u))
        return refuse(OD_APPR_NOT_APPROVER, "不是该步骤的审批人 (not an approver of this step)", msg);
    if (v->on_behalf_of && v->on_behalf_of != v->user_id) {
        bool ok = false;
        for (size_t i = 0; i < n_dl && !ok; i++)
            ok = dl[i].from_user == v->on_behalf_of && dl[i].to_user == v->user_id && now >= dl[i].from_ms &&
                 now < dl[i].until_ms;
        if (!ok)
            return refuse(OD_APPR_NO_DELEGATION, "当前没有有效的代理授权 (no delegation valid now)", msg);
    }
    if ((s->rule.comment_required_on & (1u << v->decision)) && !v->has_comment)
        return refuse(OD_APPR_COMMENT_REQUIRED, "此决定需要填写意见 (this decision needs a comment)", msg);
    const od_appr_vote *prev = latest(s, u);
    if (prev && prev->decision != OD_VOTE_MORE_INFO)
        return refuse(OD_APPR_ALREADY_VOTED, "本轮已投票 (already voted in this round)", msg);
    return OD_APPR_OK;
}

od_err od_appr_refusal_err(od_appr_refusal r)
{
    switch (r) {
    case OD_APPR_OK:
        return OD_OK;
    case OD_APPR_NOT_APPROVER:
    case OD_APPR_SELF_APPROVAL:
    case OD_APPR_NO_DELEGATION:
        return OD_E_FORBIDDEN;
    case OD_APPR_COMMENT_REQUIRED:
    case OD_APPR_DECISION_NOT_ALLOWED:
        return OD_E_UNPROCESSABLE;
    default:
        return OD_E_CONFLICT;
    }
}

int od_appr_round_for_submit(int current_round, od_appr_outcome current)
{
    if (current_round <= 0)
        return 1;
    return current == OD_APPR_WAITING ? current_round : current_round + 1;
}

static int64_t work_add(const od_calendar *cal, int64_t t, int64_t ms)
{
    if (t == OD_NO_TIME)
        return OD_NO_TIME;
    if (cal)
        return od_cal_add(cal, t, ms);
    return ms > OD_NO_TIME - t ? OD_NO_TIME : t + ms;
}

od_appr_times od_appr_times_of(int64_t opened_at, int64_t due_ms, int64_t remind_after_ms,
                               int64_t escalate_after_ms, const od_calendar *cal)
{
    int64_t due = due_ms > 0 ? due_ms : OD_APPR_DUE_DEFAULT_MS;
    od_appr_times t = {.due_at = work_add(cal, opened_at, due)};
    t.remind_at = remind_after_ms > 0 ? work_add(cal, opened_at, remind_after_ms) : t.due_at;
    t.escalate_at =
        escalate_after_ms > 0 ? work_add(cal, opened_at, escalate_after_ms) : work_add(cal, t.due_at, due);
    return t;
}
