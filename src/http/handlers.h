/* handlers.h — the route handlers (one per route), private to src/http/. */
#ifndef OD_HANDLERS_H
#define OD_HANDLERS_H

#include "http/http.h"

/* one line per group of routes reads better than clang-format's reflow */
/* clang-format off */
#define H(name) od_err od_h_##name(od_req *r);
#define OD_HANDLER_LIST(X)                                                                         \
    X(healthz) X(readyz) X(metrics) X(test_clock)                                                  \
    X(login) X(logout) X(me) X(password)                                                           \
    X(user_create) X(user_list) X(user_get) X(user_update) X(user_roles) X(user_disable) X(user_enable) \
    X(audit_list) X(audit_verify)                                                                  \
    X(ci_create) X(ci_list) X(ci_get) X(ci_patch) X(ci_relate) X(ci_impact) X(ci_verify) X(ci_unverified) \
    X(policy_categories) X(policy_table) X(grading)                                                \
    X(incident_create) X(incident_list) X(incident_get) X(incident_patch) X(incident_report)        \
    X(incident_activate) X(incident_close) X(incident_ack) X(incident_review) X(incident_md)       \
    X(incident_html) X(incident_deliveries) X(message_retry) X(cases)                                            \
    /* events */                                                                          \
    X(ingest_events) X(ingest_alertmanager) X(ingest_zabbix)                                       \
    X(event_list) X(event_get) X(event_stats) X(event_review)                                      \
    X(window_create) X(window_list) X(window_get) X(window_patch) X(window_delete)                 \
    X(apikey_create) X(apikey_list) X(apikey_revoke)
OD_HANDLER_LIST(H)
H(dashboard) /* the wall-screen summary (h_dashboard.c) */
/* notification: acknowledgement links (h_ack.c), the directory and notify test (h_notify.c) */
H(ack_page) H(ack_post) H(approve_page) H(approve_post)
H(user_notify_get) H(user_notify_put) H(me_notify_get) H(me_notify_put)
H(notify_test) H(notify_test_get)
/* the workflow kernel's records and committees (h_records.c) */
H(record_create) H(record_list) H(record_get) H(record_patch) H(record_timeline) H(record_note)
H(record_links) H(record_link_add) H(record_link_delete) H(record_cis) H(record_ci_add) H(record_ci_delete)
H(record_clocks) H(record_approvals) H(record_checklists)
H(committee_create) H(committee_list) H(committee_get) H(committee_patch) H(committee_delete)
/* the workflow kernel applied, and problems (h_problems.c) */
H(record_actions) H(record_act) H(record_vote) H(record_checklist_item)
H(record_correct_time) /* an audited correction of a workflow time (h_records.c) */
H(problem_list) H(problem_create) H(problem_get) H(problem_patch) H(problem_review) H(incident_problem)
H(delegation_create) H(delegation_list)
/* service levels: services, impact intervals, figures (h_sla.c) */
H(service_list) H(service_create) H(incident_intervals) H(incident_interval_add) H(outage_create)
H(outage_get) H(outage_correct) H(outage_approve) H(service_levels)
H(report_run_create) H(report_run_list) H(report_run_get) H(report_run_manual) H(report_run_file)
H(report_run_md) H(report_run_html) H(report_run_json) H(report_run_services_csv) H(report_run_incidents_csv)
H(report_run_xlsx) H(incident_correct_time) H(report_run_distribute) H(report_run_submit) H(report_run_return)
H(report_def_list)
/* the CMDB, continued (h_cmdb.c) */
H(ci_unrelate)
/* internal work notes on an incident (h_incidents.c) */
H(incident_note) H(incident_owner)
/* the known-error database and problem candidates (h_known_errors.c) */
H(known_error_list) H(known_error_create) H(known_error_search) H(known_error_get) H(known_error_patch)
H(incident_known_errors) H(incident_apply_known_error) H(event_known_errors)
H(problem_candidates) H(problem_candidates_scan) H(problem_candidate_accept) H(problem_candidate_dismiss)
/* emergency plans (h_plans.c) */
H(plan_list) H(plan_create) H(plan_get) H(plan_patch) H(plan_version_create) H(plan_version_get)
H(plan_overdue) H(incident_plans)
/* who a problem may be assigned to (h_problem_assignable.c) */
H(problem_assignable)
/* a problem's entries (h_problems.c) */
H(problem_entry_create) H(problem_entries) H(problem_entry_patch)
/* training records and readiness (h_training.c) */
H(training_list) H(training_create) H(readiness_get)
/* seed 000 to the letter: the handling department (h_incidents.c), desk owners
 * and vendor / customer contacts (h_contacts.c) */
H(incident_handling) H(desk_list) H(desk_owner) H(contact_list) H(contact_create) H(contact_patch)
H(contact_delete)
/* the global delivery log (h_delivery_log.c) */
H(delivery_log)
/* retiring a CI and bringing it back (h_ci_retire.c) */
H(ci_retire) H(ci_unretire) H(ci_retirements)
/* drills and the plans' activations (h_drills.c) */
H(drill_list) H(drill_create) H(drill_get) H(drill_patch) H(drill_inject) H(drill_scorecard) H(drill_overdue)
H(drill_finding) /* a drill finding turned into a follow-up record */
H(drill_score) /* a manual 1–5 score of a scorecard item */
H(incident_plan_activations) H(certificate_list) H(certificate_create)
/* risk assessments and content feedback (h_upkeep.c) */
H(risk_list) H(risk_create) H(risk_due) H(feedback_list) H(feedback_create) H(feedback_address)
/* a password reset by the system administrator (h_user_reset.c) */
H(user_reset_password)
/* training hours per person in a year (h_training.c) */
H(training_hours) H(readiness_roster)
/* training courses and sessions (h_courses.c) */
H(training_course_list) H(training_course_create) H(training_course_get) H(training_course_patch)
H(training_session_list) H(training_session_create) H(training_session_get) H(training_session_results)
#undef H
    /* clang-format on */

    /* Shared: wraps an app call result; status on success. */
    OD_NODISCARD od_err od_h_result(od_req *r, od_err rc, int status, json_t *out);

#endif
