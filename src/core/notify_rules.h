/* notify_rules.h — who is told and on which channels, as pure rules over
 * plain values (no I/O, no allocation): the recipients a policy names
 * (R-NOT-1), limited to people whose department scope covers the incident
 * (R-SEC-SYS-2), and the channels a person is reached on (R-NOT-7).  Used
 * alike by incident messages and event alerts (src/app/notify_out.c). */
#ifndef OD_CORE_NOTIFY_RULES_H
#define OD_CORE_NOTIFY_RULES_H

#include "core/policy.h"

#include <stdbool.h>
#include <stddef.h>

/* The in-app inbox: the channel of a person reachable on no other.  A bit
 * beside OD_CONTACT_SMS/EMAIL/BOT (core/policy.h). */
#define OD_CONTACT_INBOX 8u

/* Who a message is for, by role: `anywhere` roles whatever the holder's
 * department; `own_department` roles only when the holder's department is
 * one of the departments concerned (those owning an affected CI). */
typedef struct od_audience {
    od_roleset anywhere;
    od_roleset own_department;
    /* `named_department` roles only when the holder's department is one of
     * `named` (the heads of 运行部, 技术部 and 客服部, seed 000 ch. 7 §2.1
     * item 6), whatever the incident concerns; pointers into the policy */
    od_roleset named_department;
    size_t n_named;
    const char *named[OD_FIXED_DEPTS_MAX];
} od_audience;

/* Every role an audience may select (the candidates to look at). */
od_roleset od_audience_roles(const od_audience *a);

/* R-NOT-1: the audience of a level's first report, as the policy names it:
 * its roles, plus heads of the owning departments when it says so, plus the
 * heads of the departments it names (department_heads_of).  The audience
 * points into *r, which must outlive it. */
od_audience od_first_report_audience(const od_recipients *r);

/* Who is told at once that an event opened an incident (seed 000 ch. 7
 * §2.1 items 1-2: the monitoring desk and the operations engineers find
 * and report it): every monitoring engineer, and the operations engineers
 * of the departments concerned. */
od_audience od_incident_opened_audience(void);

/* Seed 000 ch. 7 §2.1 items 7-8 (R-NOT-2, R-NOT-5): a progress or final
 * report goes to everyone an earlier report or alarm of the incident
 * reached.  Given the outbox kind of an earlier message of the incident,
 * true when the person it reached is owed the later reports: a report
 * (first, second, progress, final), an escalation alarm or a change of the
 * handling department (its new heads follow the incident).  Not a reminder
 * (it only repeats one of those, or asks the owner for a report) nor the
 * "opened" notice (it asks the monitoring desk and the engineers to file
 * the first report; it is no report).  Anything else or NULL: false. */
bool od_later_reports_reach(const char *outbox_kind);

/* A candidate recipient: the roles held, the department, and the
 * departments the person's access is limited to (none = not limited). */
typedef struct od_person {
    od_roleset roles;
    const char *department;
    const char *const *scopes;
    size_t n_scopes;
} od_person;

/* R-SEC-SYS-2: a person limited to some departments may learn of an
 * incident (or an event) only when one of its departments is in scope;
 * an unlimited person of any.  No departments: only unlimited people. */
bool od_scope_covers(const od_person *u, const char *const *departments, size_t n_departments);

/* R-NOT-1 with R-SEC-SYS-2: u receives a message for `a` about something
 * concerning `departments` when u holds an `anywhere` role, or an
 * `own_department` role and u's department is one of them, or a
 * `named_department` role and u's department is one of a->named; and u's
 * scope covers them. */
bool od_recipient_selected(const od_audience *a, const od_person *u, const char *const *departments,
                           size_t n_departments);

/* A person's addresses and own choice (R-NOT-7).  choice: the OD_CONTACT_*
 * set the person chose for this level in the directory, or -1 when the
 * person made no choice (then the policy's set for the level applies). */
typedef struct od_contact {
    bool phone, email, bot;
    int choice;
} od_contact;

/* R-NOT-7: the channels (OD_CONTACT_* bits) a message reaches the person
 * on: the person's choice for the level, else the policy's; of those, the
 * ones the person has an address for; none left → OD_CONTACT_INBOX only. */
unsigned od_contact_channels(unsigned policy_channels, const od_contact *c);

/* A channel word of the directory ("sms", "email", "bot") → its bit; 0 for
 * anything else. */
unsigned od_contact_parse(const char *word);

#endif
