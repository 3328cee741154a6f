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
    OD_PERM_PUBLIC = 0,    /* no authentication */
    OD_PERM_AUTHENTICATED, /* any signed-in user */
    OD_PERM_USER_READ,
    OD_PERM_USER_WRITE,   /* create, disable accounts (system_admin) */
    OD_PERM_ROLE_ASSIGN,  /* roles and scopes (security_admin) */
    OD_PERM_AUDIT_READ,   /* auditor */
    OD_PERM_CONFIG_WRITE, /* configuration (system_admin) */
    OD_PERM_CI_READ,
    OD_PERM_CI_WRITE,
    OD_PERM_POLICY_READ,
    OD_PERM_INCIDENT_READ,
    OD_PERM_INCIDENT_CREATE,
    OD_PERM_INCIDENT_REPORT,
    OD_PERM_INCIDENT_LEAD, /* activate / close; the level's authority is checked by the rule */
    OD_PERM_INCIDENT_REVIEW,
    OD_PERM_TEST_CLOCK, /* test mode only */
    /* event management */
    OD_PERM_EVENT_READ,   /* events, decisions, statistics, review, maintenance windows */
    OD_PERM_EVENT_WRITE,  /* maintenance windows (silence) */
    OD_PERM_APIKEY_ADMIN, /* ingestion API keys (system_admin) */
    OD_PERM_INGEST,       /* event ingestion: an integration API key only, never a user */
    /* the workflow kernel's records (problems, known errors, …) and committees */
    OD_PERM_RECORD_READ,
    OD_PERM_RECORD_WRITE,    /* fields, links, CIs, notes; transitions check their own authority */
    OD_PERM_COMMITTEE_READ,  /* also the administrators who keep them */
    OD_PERM_COMMITTEE_WRITE, /* system_admin */
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
OD_NODISCARD od_err od_roles_check_separation(od_roleset roles, od_error *e);

/* The three administrator roles. */
od_roleset od_admin_roles(void);

/* Acts of one account on another account (R-SEC-SYS-2, least privilege
 * among the three administrators).  The route's permission is checked
 * before; this decides what that permission may not do to WHOM. */
typedef enum od_user_act {
    OD_UA_SET_ROLES, /* assign roles (security_admin) */
    OD_UA_DISABLE,   /* disable an account (system_admin) */
    OD_UA_ENABLE,
    OD_UA_EDIT_CONTACT,   /* display name, department, phone, e-mail, language (system_admin) */
    OD_UA_SET_BOT,        /* the account's personal bot: where its alarms and ack links go */
    OD_UA_RESET_PASSWORD, /* a new temporary password, changed at the next sign-in (system_admin) */
    OD_UA__COUNT
} od_user_act;

typedef struct od_user_act_req {
    od_user_act act;
    bool self;               /* the actor acts on its own account */
    od_roleset target_roles; /* the target's roles now */
    od_roleset new_roles;    /* OD_UA_SET_ROLES: the roles asked for */
} od_user_act_req;

/* OD_OK, or OD_E_FORBIDDEN with the reason (the caller audits the refusal):
 *  - nobody changes their own roles;
 *  - an administrator role and an operational role are never held by one
 *    account, and an account that holds an administrator role is not
 *    given operational roles (the security administrator cannot give
 *    itself or the other two administrators operational power);
 *  - the system administrator cannot disable the security administrator
 *    or the auditor (it would silence its own overseers; the security
 *    administrator first removes their administrator role, an audited act
 *    of its own), nor edit their contact data;
 *  - the system administrator resets no one's password but operational
 *    accounts' and other system administrators' (the security
 *    administrator's or the auditor's would let it sign in as its overseer;
 *    theirs is reset on the server machine, `opsdesk user reset-password`),
 *    and not its own (POST /api/v1/auth/password changes it);
 *  - a personal bot is set only by its owner (PUT /api/v1/auth/me/notify):
 *    an administrator could otherwise send someone's alarms, with their
 *    acknowledgement links, to an endpoint of its choice.
 * Pure. */
OD_NODISCARD od_err od_authz_user_act(const od_user_act_req *q, od_error *e);
const char *od_user_act_key(od_user_act a);

#endif
