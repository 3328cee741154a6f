/* incident_group.h — incident writes sharing one commit ("writes that share
 * commits"; docs/internals/storm.md): creates, reports, acknowledgements,
 * closures, plan activations, regrades, work notes, owner and handling
 * department changes and post-incident reviews.  A group of creates runs in
 * one write transaction, each member after its own savepoint: a member that
 * fails is rolled back to it (its audit entries dropped, so the chain stays
 * gapless) and answered with its error, the others commit together, with one
 * fsync. */
#ifndef OD_INCIDENT_GROUP_H
#define OD_INCIDENT_GROUP_H

#include "app/incidents.h"

/* What a member writes. */
typedef enum od_inc_write_kind {
    OD_INC_WRITE_CREATE,   /* od_incident_create_in(in) */
    OD_INC_WRITE_ACK,      /* od_incident_ack_in(target) */
    OD_INC_WRITE_REPORT,   /* od_incident_report_in(target, body) */
    OD_INC_WRITE_CLOSE,    /* od_incident_close_in(target) */
    OD_INC_WRITE_ACTIVATE, /* od_incident_activate_in(target, plan_id) */
    OD_INC_WRITE_REGRADE,  /* od_incident_regrade_in(target, body) */
    OD_INC_WRITE_NOTE,     /* od_incident_note_in(target, text) */
    OD_INC_WRITE_OWNER,    /* od_incident_owner_in(target, user_id) */
    OD_INC_WRITE_HANDLING, /* od_incident_handling_in(target, text, reason) */
    OD_INC_WRITE_REVIEW,   /* od_incident_review_in(target, body) */
    /* the writes below answer with *out (what the write returns), not the
     * incident */
    OD_INC_WRITE_INTERVAL,         /* od_outage_add_in(target, body) */
    OD_INC_WRITE_INTERVAL_CORRECT, /* od_outage_correct_in(target: the interval, body) */
    OD_INC_WRITE_CORRECT_TIME,     /* od_incident_correct_time_in(target, body) */
    OD_INC_WRITE_APPLY_KE,         /* od_ke_apply_in(target, ke_id) */
    /* id: the new problem's, not the incident's */
    OD_INC_WRITE_PROBLEM, /* od_problem_from_incident_in(target, problem) */
} od_inc_write_kind;

/* One write: who and in are the caller's (borrowed until the call
 * returns); rc, err and id (the incident's, PROBLEM: the problem's; 0 on
 * error) are set by
 * od_incident_create_group.  The caller reads the incident
 * (od_incident_get) after the call, on whichever thread answers. */
typedef struct od_inc_create_member {
    od_inc_write_kind kind;
    const od_principal *who;
    const od_incident_input *in; /* CREATE */
    int64_t target;              /* every kind but CREATE: the incident */
    json_t *body;       /* REPORT, REGRADE, REVIEW, INTERVAL*, CORRECT_TIME: the request (borrowed) */
    int64_t plan_id;    /* ACTIVATE: the plan named, 0 = none */
    const char *text;   /* NOTE: the note; HANDLING: the department (borrowed) */
    int64_t user_id;    /* OWNER: the new owner, 0 = none */
    const char *reason; /* HANDLING: why (borrowed) */
    int64_t ke_id;      /* APPLY_KE: the known error */
    const struct od_problem_input *problem; /* PROBLEM (borrowed) */
    od_err rc;
    od_error *err;
    int64_t id;
    json_t *out; /* INTERVAL*, CORRECT_TIME, APPLY_KE: the answer (owned by the caller after the call) */
} od_inc_create_member;

/* R-NOT-4: who acknowledges incident id, inside tx (the group commit's
 * member; od_incident_ack is the same in a transaction of its own). */
OD_NODISCARD od_err od_incident_ack_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                       od_error *e);
/* R-NOT-1..2: a report on incident id, inside tx (od_incident_report is the
 * same in a transaction of its own). */
OD_NODISCARD od_err od_incident_report_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                          json_t *body, od_error *e);

/* R-CLOSE-1: closes incident id, inside tx (od_incident_close is the same in
 * a transaction of its own). */
OD_NODISCARD od_err od_incident_close_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                         od_error *e);
/* R-ACT-1: activates the plan of incident id (plan_id 0: none named),
 * inside tx (od_incident_activate_plan in a transaction of its own). */
OD_NODISCARD od_err od_incident_activate_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                            int64_t plan_id, od_error *e);
/* Regrades incident id (body as od_incident_regrade's), inside tx. */
OD_NODISCARD od_err od_incident_regrade_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                           json_t *body, od_error *e);
/* A work note on incident id (as od_incident_note), inside tx. */
OD_NODISCARD od_err od_incident_note_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                        const char *text, od_error *e);

/* Sets the owner of incident id (user_id 0 clears it; as
 * od_incident_set_owner), inside tx. */
OD_NODISCARD od_err od_incident_owner_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                         int64_t user_id, od_error *e);
/* Changes the handling department of incident id with a reason (as
 * od_incident_set_handling), inside tx. */
OD_NODISCARD od_err od_incident_handling_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                            const char *department, const char *reason, od_error *e);
/* R-PIR-1..2: the post-incident review of incident id (as
 * od_incident_review), inside tx. */
OD_NODISCARD od_err od_incident_review_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                          json_t *body, od_error *e);

/* The loaded row of incident id (the columns by name; NULL ones as null),
 * inside tx: OD_E_NOT_FOUND as od_incident_get when it does not exist or
 * lies outside who's scope.  *row: new, the caller's. */
OD_NODISCARD od_err od_incident_row_in(od_tx *tx, const od_principal *who, int64_t id, json_t **row,
                                       od_error *e);

/* Runs the n members as one group (n >= 1).  A store error of the group
 * (begin, a savepoint, the commit) is every member's error; PostgreSQL's
 * OD_E_RETRY runs the whole group again (a few times). */
void od_incident_create_group(od_app *a, od_inc_create_member *m, size_t n);

#endif
