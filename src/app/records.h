/* records.h — the workflow kernel's record registry as use cases
 * (research/modules-spec.md §1.1, §1.7; docs/internals/records.md): create,
 * read, list and edit records of every kind with optimistic concurrency,
 * their links, CIs and timeline, the read views of their clocks, approval
 * rounds and checklists, and the committees that approve.  Each public
 * function runs in one transaction and audits what it writes; the *_in
 * functions run inside a write transaction the caller owns (a module's use
 * case, the workflow integration).  State transitions are decided by the
 * kernel (od_wf_decide); od_record_set_state only applies one.
 *
 * Visibility (R-SEC-SYS-2): a record is seen by a principal whose scope
 * covers its department — an incident's record by its incident's
 * departments, as for incidents.  A record out of scope is OD_E_NOT_FOUND. */
#ifndef OD_APP_RECORDS_H
#define OD_APP_RECORDS_H

#include "app/app.h"

/* A new record.  Strings NULL = "" (state NULL = "new"; department NULL =
 * the creator's department); ids 0 = none. */
typedef struct od_record_input {
    const char *kind, *title, *state;
    const char *impact, *urgency, *priority, *tier, *group_key, *department;
    int64_t assignee_id, requester_id;
    bool drill;
} od_record_input;

/* POST /api/v1/records: kinds the generic API creates (core/record_kind.h). */
OD_NODISCARD od_err od_record_create(od_app *a, const od_principal *who, const od_record_input *in,
                                     json_t **out, od_error *e);
/* A record of any kind a module serves, except incident (registered by
 * od_record_register_incident), numbered <PREFIX>-<year>-<seq> from the
 * counters table (key "<kind>:<year>", UTC year of now); pending links made
 * to its number become active.  Timeline entry and audit entry written. */
OD_NODISCARD od_err od_record_create_in(od_app *a, od_tx *tx, const od_principal *who,
                                        const od_record_input *in, int64_t *out_id, od_error *e);
/* The record row of a newly registered incident (same number and title). */
OD_NODISCARD od_err od_record_register_incident(od_tx *tx, int64_t incident_id, const char *number,
                                                const char *title, const char *state, bool drill,
                                                int64_t created_by, int64_t now, od_error *e);

OD_NODISCARD od_err od_record_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);

/* Filters NULL/"" or 0 = any. */
typedef struct od_record_query {
    const char *kind, *state, *department;
    const char *priority; /* "P1" … "P5", or NULL / "" for any */
    int64_t assignee_id;
    int64_t limit, offset;
    int64_t before_id; /* keyset cursor: only ids below it (0 = from the newest) */
    const char *q;     /* text in the number or title (NULL / "" = any): 3 characters or more by the
                          full-text index records_fts (migration 0036), 1-2 by a LIKE */
} od_record_query;
/* {items, total, limit, offset, total_estimated, next_before_id} of the
 * records who may see, newest first. */
OD_NODISCARD od_err od_record_list(od_app *a, const od_principal *who, const od_record_query *q, json_t **out,
                                   od_error *e);

/* PATCH: fields holds any of title, impact, urgency, priority, tier,
 * group_key, department (strings), assignee_id, requester_id (integer or
 * null), shape-checked by the caller.  version must be the record's current
 * one: else OD_E_CONFLICT naming it, and nothing changes.  An incident's
 * record is edited through the incident. */
OD_NODISCARD od_err od_record_update(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                     json_t *fields, json_t **out, od_error *e);

/* Applies a state the kernel decided: the record must be at
 * expected_version (else OD_E_CONFLICT naming the current one; missing:
 * OD_E_NOT_FOUND); closing sets closed_at = now, otherwise it is cleared.
 * Writes a timeline entry (kind "state", data {from, to, action}) and an
 * audit entry "record.state"; version + 1.  Inside the caller's tx. */
OD_NODISCARD od_err od_record_set_state(od_tx *tx, const od_principal *who, int64_t id,
                                        int64_t expected_version, const char *new_state, bool closing,
                                        const char *action, int64_t now, od_error *e);

/* Corrects a workflow time of record id (recorded_at, or a field a
 * set_time effect of its kind's workflow names) to at, with a reason, on
 * the version read: 409 stale, 422 no reason / not such a time / not
 * recorded yet / in the future.  Timeline "time_corrected", audit
 * "record.correct_time" (before, after, reason).  *out: the record. */
OD_NODISCARD od_err od_record_correct_time(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                           const char *field, int64_t at, const char *reason, json_t **out,
                                           od_error *e);
/* A timeline entry on record id inside tx (text whole; data borrowed, may be NULL). */
OD_NODISCARD od_err od_record_timeline_add(od_tx *tx, int64_t id, int64_t now, const od_principal *who,
                                           const char *kind, json_t *data, const char *text, od_error *e);
/* POST .../timeline: a note by who. */
OD_NODISCARD od_err od_record_note(od_app *a, const od_principal *who, int64_t id, const char *text,
                                   json_t **out, od_error *e);
/* The page of a record's own list (timeline, links, CIs, clocks, approval
 * rounds, checklists): the envelope {items, total, limit, offset}. */
typedef struct od_record_page {
    int64_t limit, offset;
} od_record_page;

/* GET .../timeline: oldest first (an incident's own timeline included). */
OD_NODISCARD od_err od_record_timeline(od_app *a, const od_principal *who, int64_t id,
                                       const od_record_page *pg, json_t **out, od_error *e);

/* A link from record id: to a record by to_id, or by number to_ref; a
 * number of a kind no module serves yet (to_kind, or its prefix) makes a
 * pending link.  Self-links, pairs of kinds the link does not join
 * (od_rlink_check) and unknown kinds are OD_E_UNPROCESSABLE; the same link
 * twice is OD_E_CONFLICT. */
typedef struct od_link_input {
    const char *kind;
    int64_t to_id;
    const char *to_ref, *to_kind;
} od_link_input;
OD_NODISCARD od_err od_record_link_add(od_app *a, const od_principal *who, int64_t id,
                                       const od_link_input *in, json_t **out, od_error *e);
OD_NODISCARD od_err od_record_link_delete(od_app *a, const od_principal *who, int64_t id, int64_t link_id,
                                          od_error *e);
/* Links out of and into the record; the far side of a link out of
 * the reader's scope shows only its id and kind. */
OD_NODISCARD od_err od_record_links(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                                    json_t **out, od_error *e);

OD_NODISCARD od_err od_record_ci_add(od_app *a, const od_principal *who, int64_t id, int64_t ci_id,
                                     const char *role, json_t **out, od_error *e);
/* role NULL/"" = every role of the CI on the record. */
OD_NODISCARD od_err od_record_ci_delete(od_app *a, const od_principal *who, int64_t id, int64_t ci_id,
                                        const char *role, od_error *e);
OD_NODISCARD od_err od_record_cis(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                                  json_t **out, od_error *e);

/* Read views of what the kernel writes: clocks; approval rounds with steps
 * and votes; checklist instances with results. */
OD_NODISCARD od_err od_record_clocks(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                                     json_t **out, od_error *e);
OD_NODISCARD od_err od_record_approvals(od_app *a, const od_principal *who, int64_t id,
                                        const od_record_page *pg, json_t **out, od_error *e);
OD_NODISCARD od_err od_record_checklists(od_app *a, const od_principal *who, int64_t id,
                                         const od_record_page *pg, json_t **out, od_error *e);

/* ---- committees (§1.7) ---- */
/* body: key (create only), name_zh, name_en, chair_id, deputies [ids],
 * members [ids], quorum — shape-checked by the caller.  The chair,
 * deputies and members are distinct active accounts; quorum is 1..their
 * number.  Create: 409 on a key in use. */
OD_NODISCARD od_err od_committee_create(od_app *a, const od_principal *who, json_t *body, json_t **out,
                                        od_error *e);
OD_NODISCARD od_err od_committee_update(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                        json_t **out, od_error *e);
OD_NODISCARD od_err od_committee_delete(od_app *a, const od_principal *who, int64_t id, od_error *e);
OD_NODISCARD od_err od_committee_get(od_app *a, int64_t id, json_t **out, od_error *e);
OD_NODISCARD od_err od_committee_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e);

/* ---- the workflow kernel applied (records_act.c; docs/internals/kernel.md) ---- */

/* The action bar: {items: [{key, to, name_zh, name_en, allowed, refusal:
 * {status, message, what} | null, needs_reason}]} (od_wf_available) for
 * who on record id.  A kind without a workflow is OD_E_UNPROCESSABLE. */
OD_NODISCARD od_err od_record_actions(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                      od_error *e);
/* Applies `action` in one write transaction: version must be current
 * (OD_E_CONFLICT), the request's fields (record columns impact, urgency,
 * assignee_id, group_key; the module's typed fields; "link": {to_id |
 * to_ref [, to_kind]} for a link effect) are set, the priority computed
 * from the workflow's matrix, od_wf_decide asked — its refusal is the error
 * (403 naming the authority, 409 naming the missing step) and nothing
 * changes — then the state, every effect, the clocks and their threshold
 * deadlines, timeline and audit.  *out = the record as od_record_get. */
OD_NODISCARD od_err od_record_act(od_app *a, const od_principal *who, int64_t id, const char *action,
                                  int64_t version, const char *reason, json_t *fields, json_t **out,
                                  od_error *e);

/* A vote on the current round's step (od_appr_check_vote). */
typedef struct od_vote_input {
    const char *step, *decision, *comment;
    int64_t on_behalf_of; /* 0 = for oneself */
} od_vote_input;
/* *out = the approvals view (od_record_approvals, first page). */
OD_NODISCARD od_err od_record_vote(od_app *a, const od_principal *who, int64_t id, int64_t round_id,
                                   const od_vote_input *in, json_t **out, od_error *e);
/* Records an item's result on checklist instance checklist_id of record
 * id (judged by od_cl_judge; the instance's completeness kept); *out = the
 * checklists view. */
OD_NODISCARD od_err od_record_checklist_set(od_app *a, const od_principal *who, int64_t id,
                                            int64_t checklist_id, const char *item_key, json_t *value,
                                            const char *note, const char *finding, json_t **out, od_error *e);

/* Approval delegations (modules-spec §1.5): who lets delegate_id vote on
 * their behalf in [from_ms, until_ms).  The delegate is another active
 * account; from < until (422 otherwise).  Audit "approval.delegate". */
OD_NODISCARD od_err od_delegation_create(od_app *a, const od_principal *who, int64_t delegate_id,
                                         int64_t from_ms, int64_t until_ms, json_t **out, od_error *e);
/* The delegations given by or to who, oldest first, in the list envelope. */
OD_NODISCARD od_err od_delegation_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset,
                                       json_t **out, od_error *e);

/* Deciding an approval from a message (modules-spec §1.5): the one-time
 * link the dispatcher minted for an approver (/approve/<token>). */
typedef enum od_apl_state {
    OD_APL_READY,   /* valid: the recipient may decide step `step` */
    OD_APL_DONE,    /* decided now */
    OD_APL_USED,    /* the link has decided before */
    OD_APL_EXPIRED, /* past its expiry (the acknowledgement links' lifetime) */
    OD_APL_UNKNOWN,
    OD_APL_CLOSED,  /* nothing waits for this recipient's decision any more */
    OD_APL_REFUSED, /* the vote was refused (message: why); the link stays unused */
    OD_APL_LIMITED, /* too many failed lookups from this address */
    OD_APL_STALE,   /* the link's step was re-submitted as a new round since */
} od_apl_state;
typedef struct od_apl_info {
    od_apl_state st;
    char number[64], title[256], username[64], step[64], step_zh[128], step_en[128];
    char decision[16];
    char message[300]; /* REFUSED: the refusal, bilingual */
    int status;        /* REFUSED: the HTTP status of the refusal */
    int64_t at;        /* when decided (DONE, USED) */
    int64_t expires_at;
    int retry_after;     /* seconds (LIMITED) */
    char step_state[16]; /* CLOSED, STALE: the state of the link's step ("accepted", …) */
    unsigned decisions;  /* READY: the decisions the step allows (bit 1u << od_appr_decision) */
    unsigned comment_on; /* READY: the decisions that need a comment */
} od_apl_info;

/* Looks the link with this token up and, when decision is not NULL
 * ("approve", "reject", "more_info", "abstain"), votes as the link's
 * recipient on the step the link names (links minted before migration 0036:
 * the first waiting step of the record they approve), channel "link"; a
 * decided step is CLOSED, one re-submitted since STALE.  Marks the
 * link used, in one transaction; a refused vote (self-approval, a missing
 * comment, …) writes nothing and leaves the link usable.  Unknown and
 * expired tokens count as failures of addr in the app's limiter, as for
 * acknowledgement links.  The outcome is in *info; errors are store
 * failures only. */
OD_NODISCARD od_err od_appr_link_use(od_app *a, const char *token, const char *addr, const char *decision,
                                     const char *comment, od_apl_info *info, od_error *e);

#endif
