/* approval.h — the approval engine's rules (modules-spec §1.5): the
 * outcome of one step from its approvers and votes (GLPI's
 * ITIL_ValidationStep::getStatus logic), the overall outcome of a record's
 * steps, the validation of a new vote (self-approval, comments, delegation
 * with a date range, non-approvers, second votes) and approval rounds.
 * The app resolves approvers (role, committee, record field) to user ids
 * before asking.  Pure: no I/O, no clock, no allocation.
 *
 * Outcome of a step with n approvers, of whom `a` approved and `w` have not
 * decided yet (no vote, or more_info as their latest vote), and required
 * r approvals (any: 1, all: n, quorum count: min(count, n), quorum
 * percent: ceil(n × percent / 100), at least 1):
 *   accepted  when a >= r;
 *   waiting   when a + w >= r (still reachable);
 *   refused   otherwise (rejections and abstentions made it unreachable).
 * Mode any is "the first answer decides": one rejection refuses the step
 * as one approval accepts it (ServiceNow's "anyone approves or rejects").
 * A step without approvers is refused (nobody can approve it). */
#ifndef OD_CORE_APPROVAL_H
#define OD_CORE_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "util/err.h"

#define OD_APPROVERS_MAX 64
#define OD_VOTES_MAX 128

typedef enum od_appr_mode {
    OD_APPR_ANY = 0,
    OD_APPR_ALL,
    OD_APPR_QUORUM_COUNT,
    OD_APPR_QUORUM_PERCENT
} od_appr_mode;
typedef enum od_appr_decision {
    OD_VOTE_APPROVE = 0,
    OD_VOTE_REJECT,
    OD_VOTE_MORE_INFO,
    OD_VOTE_ABSTAIN,
    OD_VOTE__COUNT
} od_appr_decision;
typedef enum od_appr_outcome { OD_APPR_WAITING = 0, OD_APPR_ACCEPTED, OD_APPR_REFUSED } od_appr_outcome;

const char *od_appr_decision_key(od_appr_decision d); /* "approve" … */
int od_appr_decision_parse(const char *s);
const char *od_appr_outcome_key(od_appr_outcome o); /* "waiting" … */
const char *od_appr_mode_key(od_appr_mode m);

/* A step's rule (policy data; approvers are resolved by the app). */
typedef struct od_appr_rule {
    od_appr_mode mode;
    int quorum;                   /* count, or percent 1..100 */
    unsigned decisions_allowed;   /* bit (1u << od_appr_decision); 0 = all */
    unsigned comment_required_on; /* bit (1u << od_appr_decision) */
} od_appr_rule;

typedef struct od_appr_vote {
    int round;
    int64_t user_id;      /* who voted */
    int64_t on_behalf_of; /* the approver it counts for; 0 = user_id itself */
    od_appr_decision decision;
    bool has_comment;
    int64_t at;
} od_appr_vote;

/* A substitute: `to` may vote for `from` in [from_ms, until_ms). */
typedef struct od_appr_delegation {
    int64_t from_user, to_user;
    int64_t from_ms, until_ms;
} od_appr_delegation;

/* One step as the app read it. */
typedef struct od_appr_step {
    od_appr_rule rule;
    const int64_t *approvers; /* resolved user ids, unique */
    size_t n_approvers;
    const od_appr_vote *votes; /* all rounds, in order cast */
    size_t n_votes;
    int round; /* the current round (od_appr_round) */
} od_appr_step;

/* Approvals needed to accept the step (see above). */
int od_appr_required(const od_appr_rule *r, size_t n_approvers);
/* The step's outcome counting only the current round's votes; an
 * approver's latest vote counts. */
od_appr_outcome od_appr_step_outcome(const od_appr_step *s);
/* The record's: refused if any step is, waiting if any waits, else
 * accepted (also for n = 0). */
od_appr_outcome od_appr_overall(const od_appr_outcome *steps, size_t n);

/* Why a vote is refused. */
typedef enum od_appr_refusal {
    OD_APPR_OK = 0,
    OD_APPR_NOT_APPROVER,         /* 403: the voter (or whom it is for) is no approver */
    OD_APPR_SELF_APPROVAL,        /* 403: the requester approves their own record */
    OD_APPR_NO_DELEGATION,        /* 403: on behalf of someone without a delegation valid now */
    OD_APPR_COMMENT_REQUIRED,     /* 422: reject / more_info without a comment */
    OD_APPR_DECISION_NOT_ALLOWED, /* 422: the step does not allow this decision */
    OD_APPR_ALREADY_VOTED,        /* 409: a second vote in the round (after more_info one may vote again) */
    OD_APPR_STEP_DECIDED,         /* 409: the step is already accepted or refused */
    OD_APPR_ROUND_STALE,          /* 409: a vote for another round than the current */
} od_appr_refusal;

/* Validates vote v (v->round must be the current round) at now for a
 * record whose requester is requester_id (0 = none).  Returns OD_APPR_OK or
 * the first reason; *msg (may be NULL) gets a bilingual sentence. */
od_appr_refusal od_appr_check_vote(const od_appr_step *s, const od_appr_delegation *dl, size_t n_dl,
                                   int64_t requester_id, const od_appr_vote *v, int64_t now,
                                   const char **msg);
/* HTTP-facing code for a refusal (OD_OK for OD_APPR_OK). */
od_err od_appr_refusal_err(od_appr_refusal r);

/* Rounds: the round a (re-)submission opens.  No votes yet (round 0) →
 * round 1; the current round waiting → the same round (nothing to
 * re-open); refused or accepted → current + 1, the old round's votes kept
 * and no longer counted. */
int od_appr_round_for_submit(int current_round, od_appr_outcome current);

/* Deadlines of an approval step opened at `opened_at` (modules-spec §1.5,
 * §M4 "approval step due"), in working time on calendar cal (NULL =
 * 24×7):
 *   due_at      opened + due (⚑ 24 h when the policy gives none);
 *   remind_at   opened + remind_after, or due_at without one: a reminder
 *               to the approvers who have not answered;
 *   escalate_at opened + escalate_after, or one more `due` after due_at
 *               without one (the spec's reminder after 1 business day,
 *               escalation after 2).
 * A time the calendar cannot reach is OD_NO_TIME (nothing to schedule). */
#define OD_APPR_DUE_DEFAULT_MS (24 * 3600 * 1000LL)
typedef struct od_appr_times {
    int64_t due_at, remind_at, escalate_at;
} od_appr_times;
od_appr_times od_appr_times_of(int64_t opened_at, int64_t due_ms, int64_t remind_after_ms,
                               int64_t escalate_after_ms, const od_calendar *cal);

#endif
