/* duties.h — who may do what in an incident, where seed 000 names a person
 * (the policy's `duties:` section, core/policy.h od_duties): the activation
 * of the plan for a raised level and the closure by the leader who
 * activated it (ch. 7 §2.2, §2.4), who confirms the response level and
 * files the later reports (ch. 7 §2.1 items 1 and 7), which desk sends a
 * report (item 2), who is told at registration and when a first report is
 * missed (ch. 7 §1 item 2), and who must be reachable around the clock
 * (ch. 7 §1 item 6).  Pure: no I/O, no clock, no allocation.
 * docs/policy.md "Duties". */
#ifndef OD_CORE_DUTIES_H
#define OD_CORE_DUTIES_H

#include "core/incident.h"
#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdint.h>

/* No plan activated yet (the `activated` argument below). */
#define OD_NOT_ACTIVATED (-1)

/* R-ACT-1, seed 000 ch. 7 §2.2 with ch. 6 §3: an activated incident whose
 * response level `current` is now more serious than the level its plan was
 * activated at (`activated`, an od_resp or OD_NOT_ACTIVATED) awaits the
 * decision of the new level's authority: it may be activated again, at
 * `current`.  False in any other state, at the same or a lower level, and
 * for out-of-range values. */
bool od_reactivation_allowed(od_inc_state state, od_resp current, int activated);

/* R-CLOSE-1, seed 000 ch. 7 §2.4 "由决定突发事件应急响应预案的启动的领导授权发布
 * 突发事件关闭": may the person (`who_id`, holding `roles`) close an incident
 * whose highest response level reached is `highest`, whose plan was last
 * activated at `activated` by `activated_by`?
 *  - always: the person holds the activation role of `highest`;
 *  - closure_by activator, and the plan was activated at `highest`: the
 *    person is also the one who activated it;
 *  - the plan was activated at a lower level and nobody activated the
 *    higher one (the level rose after the activation): the authority of
 *    `highest` alone (there is no activator of that plan).
 * OD_OK, or OD_E_FORBIDDEN with a message naming who may close (Chinese
 * first).  e may be NULL. */
OD_NODISCARD od_err od_close_check(const od_policy *p, od_resp highest, int activated, int64_t activated_by,
                                   int64_t who_id, od_roleset roles, od_error *e);

/* Seed 000 ch. 7 §2.1 item 1 (附录1.9): the response level is confirmed or
 * set (second report, a regrade of the response level) only by a holder of
 * duties.confirm_roles.  OD_OK or OD_E_FORBIDDEN. */
OD_NODISCARD od_err od_confirm_check(const od_policy *p, od_roleset roles, od_error *e);

/* Seed 000 ch. 8 §1: an incident's handling department — the one its
 * registration named, else duties.handling_department. */
const char *od_handling_department(const od_policy *p, const char *registered);

/* Seed 000 ch. 8 §1: the post-incident review is led by the handling
 * department: filed only by a member of it (reviewer_dept equal to the
 * incident's handling department, od_handling_department).  OD_OK or
 * OD_E_FORBIDDEN naming the department. */
OD_NODISCARD od_err od_review_check(const od_policy *p, const char *registered, const char *reviewer_dept,
                                    od_error *e);

/* Seed 000 ch. 8 §1 with ch. 7 §2.2: changing the handling department after
 * registration.  The department leads the review, so the change is the
 * decision of the leader over the response: a holder of the activation
 * role of the highest response level reached (who also closes it).
 * `registered` is the incident's stored department ("" = the policy's),
 * `to` the new one.  Order: OD_E_CONFLICT once the review is filed (state
 * reviewed), OD_E_FORBIDDEN naming the role, OD_E_UNPROCESSABLE (field
 * department) for an empty name or the current department.  OD_OK. */
OD_NODISCARD od_err od_handling_change_check(const od_policy *p, od_inc_state state, od_resp highest,
                                             od_roleset roles, const char *registered, const char *to,
                                             od_error *e);

/* Seed 000 ch. 7 §2.1 item 7: the first report by the monitoring engineer
 * or the operations engineer (the route's permission says who); the
 * second, progress and final reports by a holder of
 * duties.later_report_roles.  OD_OK, OD_E_FORBIDDEN, or OD_E_INVALID for
 * an action that is no report. */
OD_NODISCARD od_err od_report_author_check(const od_policy *p, od_inc_action report, od_roleset roles,
                                           od_error *e);

/* Seed 000 ch. 7 §2.1 items 2, 7 and 8 (R-NOT-3): the desk a report goes
 * through is not the reporter's choice.  The first report: the desk of
 * the reporter's department — "monitoring" (客服部监控服务科) for a
 * monitoring engineer, "ops_security" (运行部安全保障科) otherwise; a person
 * holding both the monitoring and another reporting role may name either.
 * Every later report: "ops_security".  `asked` (NULL or "" = not named)
 * must be that desk.  *desk gets the key (a static string).  OD_OK, or
 * OD_E_UNPROCESSABLE (field "desk") naming the desk. */
OD_NODISCARD od_err od_report_desk(od_inc_action report, od_roleset roles, const char *asked,
                                   const char **desk, od_error *e);

/* Seed 000 ch. 7 §1 item 2 (R-NOT-1): registering an incident of this
 * level alerts the reporting desks at once. */
bool od_register_alerts(const od_policy *p, od_grade level);

/* Seed 000 ch. 7 §1 item 6: a holder of duties.reachable_roles must be
 * reachable around the clock; without a mobile number (has_phone false)
 * the person is flagged. */
bool od_unreachable_24h(const od_policy *p, od_roleset roles, bool has_phone);

/* Seed 000 ch. 7 §1 item 2 ("立刻 … 响应预案启动") with §2.1 item 4: once
 * the response level is confirmed (second report) or raised past an
 * activated plan at `from_ms`, the plan of `level` is due within the report
 * window of that level's recipients (R1, R2: 5 min; R3, NG: 10 min by
 * default) when duties.activation_in_report_window; else OD_NO_TIME. */
int64_t od_activation_due(const od_policy *p, od_resp level, int64_t from_ms);

/* Whether the plan of response level `level` must be activated before the
 * incident is resolved (duties.activation_required; an unknown level: yes). */
bool od_activation_required(const od_policy *p, od_resp level);

/* The lifecycle of od_inc_transition with the light path: at a response
 * level whose activation is not required, the final report also moves a
 * confirmed incident to resolved (no plan activated).  Else as
 * od_inc_transition (the same refusals). */
OD_NODISCARD od_err od_inc_transition_at(const od_policy *p, od_resp level, od_inc_state from,
                                         od_inc_action a, od_inc_state *to, od_error *e);

/* Seed 000 ch. 7 §2.1 item 6 (R-NOT-4): whether a first-report recipient
 * holding `roles` owes the acknowledgement (join the conference bridge) on
 * an alarm of `level`: the level is one of acknowledgement.levels, and
 * duties.ack_required is all_recipients or the person holds one of
 * duties.ack_roles (named_roles: the department heads, the 运行部 section
 * heads and the liaisons the item names; the leaders it does not name are
 * told and may acknowledge, but owe nothing). */
bool od_ack_owed(const od_policy *p, od_grade level, od_roleset roles);

/* Acknowledgement readings by key: "named_roles", "all_recipients"; -1 for
 * another. */
const char *od_ack_reading_key(od_ack_reading r);
int od_ack_reading_parse(const char *s);

/* Closure readings by key: "activator", "authority"; -1 for another. */
const char *od_closure_by_key(od_closure_by c);
int od_closure_by_parse(const char *s);

#endif
