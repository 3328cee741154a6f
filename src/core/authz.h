/* authz.h — permissions and which roles hold them (R-SEC-SYS-2: least
 * privilege, separation of the three administrators).  The route table names
 * one permission per route; the dispatcher asks od_roles_allow() once.
 * Pure, thread-safe. */
#ifndef OD_AUTHZ_H
#define OD_AUTHZ_H

#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>

typedef enum od_perm {
    OD_PERM_PUBLIC = 0,     /* no authentication */
    OD_PERM_AUTHENTICATED,  /* any signed-in user */
    OD_PERM_USER_READ,
    OD_PERM_USER_WRITE,     /* create, disable accounts (system_admin) */
    OD_PERM_ROLE_ASSIGN,    /* roles and scopes (security_admin) */
    OD_PERM_AUDIT_READ,     /* auditor */
    OD_PERM_CONFIG_WRITE,   /* configuration (system_admin) */
    OD_PERM_CI_READ,
    OD_PERM_CI_WRITE,
    OD_PERM_POLICY_READ,
    OD_PERM_INCIDENT_READ,
    OD_PERM_INCIDENT_CREATE,
    OD_PERM_INCIDENT_REPORT,
    OD_PERM_INCIDENT_LEAD,  /* activate / close; the level's authority is checked by the rule */
    OD_PERM_INCIDENT_REVIEW,
    OD_PERM_TEST_CLOCK,     /* test mode only */
    /* issue 5: event management */
    OD_PERM_EVENT_READ,     /* events, decisions, statistics, review, maintenance windows */
    OD_PERM_EVENT_WRITE,    /* maintenance windows (silence) */
    OD_PERM_APIKEY_ADMIN,   /* ingestion API keys (system_admin) */
    OD_PERM_INGEST,         /* event ingestion: an integration API key only, never a user */
    OD_PERM__COUNT
} od_perm;

const char *od_perm_key(od_perm p);
/* True if a holder of `roles` has permission p (PUBLIC and AUTHENTICATED
 * are always true here; authentication is checked by the caller). */
bool od_roles_allow(od_roleset roles, od_perm p);
/* The roles holding p, for messages. */
od_roleset od_perm_roles(od_perm p);

/* The three administrators (system_admin, security_admin, auditor) are
 * mutually exclusive on one account.  OD_E_CONFLICT with the reason. */
od_err od_roles_check_separation(od_roleset roles, od_error *e);

#endif
