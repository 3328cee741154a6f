/* incident_writer.h — the group commit of incident writes
 * (docs/internals/storm.md).  POST /api/v1/incidents (and …/reports, …/ack,
 * …/close, …/activate, …/notes, …/review, PUT …/owner,
 * …/handling-department, PATCH …/{id}, POST …/impact-intervals, …/correct-time,
 * …/apply-known-error, …/problem, /api/v1/outage-intervals/{id}/correct)
 * suspends its request and queues it here; one writer thread takes
 * everything queued (at most OD_INCW_GROUP_MAX), runs it as one transaction
 * with a savepoint per request (app/incident_group.h), and answers and
 * resumes each request after the commit. */
#ifndef OD_HTTP_INCIDENT_WRITER_H
#define OD_HTTP_INCIDENT_WRITER_H

#include "app/incident_group.h"
#include "app/incidents.h"
#include "http/http.h"

#include <stdint.h>

#define OD_INCW_GROUP_MAX 64
#define OD_INCW_QUEUE_MAX 1024 /* requests queued; beyond, the create runs on its own thread */

typedef struct od_incw od_incw;

OD_NODISCARD od_err od_incw_start(od_app *a, od_incw **out, od_error *e);
/* Queues the create of suspended request r (in is copied; its strings and
 * JSON stay r's).  false when the writer is stopping or full: r was not
 * queued (the caller runs the create itself). */
bool od_incw_submit(od_incw *w, od_req *r, const od_incident_input *in);
/* The same for an acknowledgement (R-NOT-4) of incident id by r's user. */
bool od_incw_submit_ack(od_incw *w, od_req *r, int64_t id);
/* The same for a report (R-NOT-1..2) on incident id, r's JSON body. */
bool od_incw_submit_report(od_incw *w, od_req *r, int64_t id);
/* Any member kind (app/incident_group.h): what the member writes; in, body
 * and text stay r's (borrowed until r is answered). */
typedef struct od_incw_write {
    od_inc_write_kind kind;
    const od_incident_input *in;            /* CREATE (copied) */
    int64_t target;                         /* the incident, every kind but CREATE */
    json_t *body;                           /* REPORT, REGRADE, REVIEW, INTERVAL*, CORRECT_TIME */
    int64_t plan_id;                        /* ACTIVATE (0: none named) */
    const char *text;                       /* NOTE; HANDLING: the department */
    int64_t user_id;                        /* OWNER (0: clears it) */
    const char *reason;                     /* HANDLING */
    int64_t ke_id;                          /* APPLY_KE */
    const struct od_problem_input *problem; /* PROBLEM (copied) */
} od_incw_write;
/* Queues suspended request r's write; false as od_incw_submit. */
bool od_incw_submit_write(od_incw *w, od_req *r, const od_incw_write *wr);
/* A handler's write through the group (h_incidents.c): r is suspended and
 * queued, answered with status (or the write's error) after the commit it
 * shares; when it cannot be queued (stopping, full) it runs alone on this
 * thread, in a transaction of its own.  Always OD_OK (the answer is r's). */
od_err od_h_incident_grouped(od_req *r, const od_incw_write *w, int status);
/* Group commits run so far and the requests they held (metrics). */
void od_incw_counts(od_incw *w, uint64_t *groups, uint64_t *members);
/* Answers everything queued, then stops the thread.  NULL-safe. */
void od_incw_stop(od_incw *w);

#endif
