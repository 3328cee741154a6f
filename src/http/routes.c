/* routes.c — the route table: method, path, permission, handler.  The
 * dispatcher (server.c) authenticates and checks the permission for every
 * route from this table; docs/api/openapi.yaml lists the same routes (a test
 * compares them). */
#include "http/handlers.h"

#define P(x) OD_PERM_##x
const od_route od_routes[] = {
    {"GET", "/healthz", P(PUBLIC), od_h_healthz, "liveness and database check"},
    {"GET", "/metrics", P(PUBLIC), od_h_metrics, "Prometheus metrics"},
    {"POST", "/api/v1/test/clock", P(TEST_CLOCK), od_h_test_clock, "set or advance the test clock"},
    {"POST", "/api/v1/auth/login", P(PUBLIC), od_h_login, "sign in"},
    {"POST", "/api/v1/auth/logout", P(AUTHENTICATED), od_h_logout, "revoke the session"},
    {"GET", "/api/v1/auth/me", P(AUTHENTICATED), od_h_me, "who am I"},
    {"POST", "/api/v1/auth/password", P(AUTHENTICATED), od_h_password, "change own password"},
    {"POST", "/api/v1/users", P(USER_WRITE), od_h_user_create, "create an account"},
    {"GET", "/api/v1/users", P(USER_READ), od_h_user_list, "list accounts"},
    {"GET", "/api/v1/users/{id}", P(USER_READ), od_h_user_get, "one account"},
    {"PATCH", "/api/v1/users/{id}", P(USER_WRITE), od_h_user_update, "edit contact data"},
    {"PUT", "/api/v1/users/{id}/roles", P(ROLE_ASSIGN), od_h_user_roles, "assign roles and scopes"},
    {"POST", "/api/v1/users/{id}/disable", P(USER_WRITE), od_h_user_disable, "disable an account"},
    {"POST", "/api/v1/users/{id}/enable", P(USER_WRITE), od_h_user_enable, "enable an account"},
    {"GET", "/api/v1/audit", P(AUDIT_READ), od_h_audit_list, "read the audit trail"},
    {"GET", "/api/v1/audit/verify", P(AUDIT_READ), od_h_audit_verify, "verify the audit chain"},
    {"POST", "/api/v1/cis", P(CI_WRITE), od_h_ci_create, "create a CI"},
    {"GET", "/api/v1/cis", P(CI_READ), od_h_ci_list, "list CIs"},
    {"GET", "/api/v1/cis/unverified", P(CI_READ), od_h_ci_unverified, "CIs not verified in the period"},
    {"GET", "/api/v1/cis/{id}", P(CI_READ), od_h_ci_get, "one CI with relations"},
    {"PATCH", "/api/v1/cis/{id}", P(CI_WRITE), od_h_ci_patch, "edit a CI"},
    {"POST", "/api/v1/cis/{id}/relations", P(CI_WRITE), od_h_ci_relate, "add a relation"},
    {"GET", "/api/v1/cis/{id}/impact", P(CI_READ), od_h_ci_impact, "CIs that depend on it, transitively"},
    {"POST", "/api/v1/cis/{id}/verify", P(CI_WRITE), od_h_ci_verify, "mark verified (inventory review)"},
    {"GET", "/api/v1/policy/categories", P(POLICY_READ), od_h_policy_categories, "categories, grades, guidance"},
    {"GET", "/api/v1/policy/table", P(POLICY_READ), od_h_policy_table, "the quick-reference table"},
    {"GET", "/api/v1/grading", P(POLICY_READ), od_h_grading, "grade a CI and severity (速查表)"},
    {"POST", "/api/v1/incidents", P(INCIDENT_CREATE), od_h_incident_create, "register an incident"},
    {"GET", "/api/v1/incidents", P(INCIDENT_READ), od_h_incident_list, "list incidents"},
    {"GET", "/api/v1/incidents/{id}", P(INCIDENT_READ), od_h_incident_get, "one incident"},
    {"PATCH", "/api/v1/incidents/{id}", P(INCIDENT_REPORT), od_h_incident_patch, "regrade"},
    {"POST", "/api/v1/incidents/{id}/reports", P(INCIDENT_REPORT), od_h_incident_report, "submit a report"},
    {"POST", "/api/v1/incidents/{id}/activate", P(INCIDENT_LEAD), od_h_incident_activate, "activate the plan"},
    {"POST", "/api/v1/incidents/{id}/close", P(INCIDENT_LEAD), od_h_incident_close, "close"},
    {"POST", "/api/v1/incidents/{id}/ack", P(INCIDENT_READ), od_h_incident_ack, "acknowledge as a recipient"},
    {"POST", "/api/v1/incidents/{id}/review", P(INCIDENT_REVIEW), od_h_incident_review, "post-incident review"},
    {"GET", "/api/v1/incidents/{id}/report.md", P(INCIDENT_READ), od_h_incident_md, "report as Markdown"},
    {"GET", "/api/v1/incidents/{id}/report.html", P(INCIDENT_READ), od_h_incident_html, "report as HTML"},
    {"GET", "/api/v1/incidents/{id}/deliveries", P(INCIDENT_READ), od_h_incident_deliveries,
     "delivery attempts of the incident's messages"},
    {"GET", "/api/v1/cases", P(INCIDENT_READ), od_h_cases, "search the case library"},
    {"GET", "/api/v1/dashboard", P(INCIDENT_READ), od_h_dashboard, "wall-screen summary (态势总览)"},
    {NULL, NULL, 0, NULL, NULL},
};
#undef P
