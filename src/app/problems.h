/* problems.h — the problem module's use cases (modules-spec §M2,
 * docs/problems.md): problem records with their typed fields (JSON = the
 * record's JSON plus "problem": {…}).  Transitions go through the generic
 * od_record_act (records.h); these are the reads, the create (through the
 * workflow's create action: who may create, the resolve clock started),
 * the edit of fields, the major review and "create from this incident". */
#ifndef OD_APP_PROBLEMS_H
#define OD_APP_PROBLEMS_H

#include "app/records.h"

/* fields: record columns impact, urgency, assignee_id, group_key and the
 * typed fields (category, description, domain, source, workaround, …) as
 * od_record_act takes them, "link": {to_id | to_ref} for a caused_by link. */
typedef struct od_problem_input {
    const char *title, *tier, *department;
    int64_t requester_id;
    bool drill;
    json_t *fields; /* borrowed, may be NULL */
} od_problem_input;

OD_NODISCARD od_err od_problem_create(od_app *a, const od_principal *who, const od_problem_input *in,
                                      json_t **out, od_error *e);
/* A problem from incident incident_id (in who's scope): linked caused_by,
 * source "incident", the incident's title unless one is given. */
OD_NODISCARD od_err od_problem_from_incident(od_app *a, const od_principal *who, int64_t incident_id,
                                             const od_problem_input *in, json_t **out, od_error *e);
/* od_problem_from_incident inside a transaction the caller began (the
 * incident group commit, app/incident_group.h): *problem_id the new
 * problem's; nothing committed or rolled back here. */
OD_NODISCARD od_err od_problem_from_incident_in(od_app *a, od_tx *tx, const od_principal *who,
                                                int64_t incident_id, const od_problem_input *in,
                                                int64_t *problem_id, od_error *e);
OD_NODISCARD od_err od_problem_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* q->kind is ignored (problems). */
OD_NODISCARD od_err od_problem_list(od_app *a, const od_principal *who, const od_record_query *q,
                                    json_t **out, od_error *e);
OD_NODISCARD od_err od_problem_update(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                      json_t *fields, json_t **out, od_error *e);
/* Files the major review (fields review, major = true) and runs the
 * workflow's file_review action, which opens the major_review approval. */
OD_NODISCARD od_err od_problem_review(od_app *a, const od_principal *who, int64_t id, int64_t version,
                                      const char *review, const char *major_reason, json_t **out,
                                      od_error *e);

/* Entries (problem_entries.c): POST adds one of kind investigation |
 * workaround | root_cause | review with text (a review also carries review:
 * {what, why, prevent, actions[]}), author who, audited, on the timeline;
 * a workaround or root-cause entry sets the typed field of that name (the
 * record's version bumped, audited record.update); 422 naming the field,
 * nothing written.  GET: newest first, the list
 * envelope. */
OD_NODISCARD od_err od_problem_entry_add(od_app *a, const od_principal *who, int64_t id, const char *kind,
                                         const char *text, json_t *review, json_t **out, od_error *e);
/* PATCH an entry: the new text (and review, for a review entry; kept when
 * absent), optionally the entry's version (409 when stale) and a reason.
 * Only the entry's author or a problem manager (403); 404 for an entry not
 * of this problem; 422 naming the field.  The text replaced is kept
 * (problem_entry_revisions, the entry's history); a workaround or root-cause
 * entry that is the newest of its kind sets the typed field again. */
typedef struct od_problem_entry_change {
    int64_t version; /* 0: any */
    const char *text;
    json_t *review; /* borrowed, may be NULL */
    const char *reason;
} od_problem_entry_change;
OD_NODISCARD od_err od_problem_entry_edit(od_app *a, const od_principal *who, int64_t id, int64_t entry_id,
                                          const od_problem_entry_change *in, json_t **out, od_error *e);
OD_NODISCARD od_err od_problem_entries(od_app *a, const od_principal *who, int64_t id, int64_t limit,
                                       int64_t offset, json_t **out, od_error *e);

#endif
