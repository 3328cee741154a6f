/* courses.h — training courses and sessions (培训课程与场次;
 * research/modules-spec.md §M7.1 course and session; seed 000 ch. 9 §2;
 * seed 004 §6.6.4, §7.5; docs/plans.md "Courses and sessions").
 * A course has a title, hours, the key positions of the policy's
 * readiness section it qualifies for, a description, how many months a
 * pass counts (validity_months) and whether it is active.  A session is
 * one holding of a course (times, trainer, location, materials,
 * attendees).  Recording a session's results writes, in the same
 * transaction, one training record (training.h) per attendee who attended
 * (the course's hours; once per session and person, so recording again
 * never doubles them) and, per pass, one certificate per position of the
 * course (certificates.c), valid from the session's start for
 * validity_months (the certificates' expiry rule, core/readiness.h); the
 * rules are core/course.h.  The
 * yearly hours and the roster (training.h) then count them. */
#ifndef OD_APP_COURSES_H
#define OD_APP_COURSES_H

#include "app/app.h"
#include "core/course.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define OD_COURSE_TITLE_MAX 200      /* characters */
#define OD_COURSE_TEXT_MAX 4000      /* description, materials: characters */
#define OD_SESSION_LOCATION_MAX 200  /* characters */
#define OD_SESSION_ATTENDEES_MAX 200 /* people per session */

/* A course's fields; has_* false = absent (create: the default; update:
 * unchanged).  positions: a borrowed JSON array of position keys or NULL. */
typedef struct od_course_input {
    const char *title; /* required on create: 1..OD_COURSE_TITLE_MAX characters */
    bool has_hours;
    double hours; /* > 0, at most OD_COURSE_HOURS_MAX, rounded to the minute */
    json_t *positions;
    const char *description; /* NULL = absent */
    bool has_validity;
    int64_t validity_months; /* 1..OD_COURSE_VALIDITY_MAX */
    bool has_active;
    bool active;
} od_course_input;

/* Creates a course (audited "training_course.create"); 422 naming the field
 * (title, hours, positions: an unknown key position or a repeated one,
 * validity_months), nothing written.  *out = the course. */
OD_NODISCARD od_err od_course_create(od_app *a, const od_principal *who, const od_course_input *in,
                                     json_t **out, od_error *e);
/* Changes the fields given (audited "training_course.update", before and
 * after); 404 for an unknown id; 422 as for create. */
OD_NODISCARD od_err od_course_update(od_app *a, const od_principal *who, int64_t id,
                                     const od_course_input *in, json_t **out, od_error *e);
OD_NODISCARD od_err od_course_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* {items, total, limit, offset}: courses by title (active_only: the active ones). */
OD_NODISCARD od_err od_course_list(od_app *a, const od_principal *who, bool active_only, int64_t limit,
                                   int64_t offset, json_t **out, od_error *e);

typedef struct od_session_input {
    int64_t course_id;     /* an active course */
    const char *starts_at; /* RFC 3339 */
    const char *ends_at;   /* RFC 3339, after starts_at */
    int64_t trainer_id;    /* an enabled user */
    const char *location;  /* NULL = "" */
    const char *materials; /* text and links, NULL = "" */
    json_t *attendees;     /* borrowed [{user_id}], enabled users, each once; NULL = none */
} od_session_input;

/* Schedules a session (audited "training_session.create"); 422 naming the
 * field otherwise, nothing written.  *out = the session with its attendees. */
OD_NODISCARD od_err od_session_create(od_app *a, const od_principal *who, const od_session_input *in,
                                      json_t **out, od_error *e);
/* The session with its attendees; 404 when unknown or, for a reader with
 * department scopes, when neither its trainer nor any attendee is of a
 * department in scope (such a reader sees the attendees in scope only). */
OD_NODISCARD od_err od_session_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* {items, total, limit, offset}: sessions (of course_id, 0 = every course),
 * the latest start first; scope as for od_session_get. */
OD_NODISCARD od_err od_session_list(od_app *a, const od_principal *who, int64_t course_id, int64_t limit,
                                    int64_t offset, json_t **out, od_error *e);
/* Records attendance and assessment (one transaction, audited
 * "training_session.results"): attendees = borrowed [{user_id, attended,
 * assessment: pass|fail|absent, score?}], each an attendee of the session,
 * once; attended requires pass or fail, not attended requires absent (the
 * default); a score 0..100 only for who attended.  Writes the training
 * records and certificates (see the top of this file); a person recorded
 * again is updated in place.  409 before the session starts; 422 naming the
 * field otherwise, nothing written.  *out = the session with its attendees,
 * plus "trainings" and "certificates": how many the session now holds. */
OD_NODISCARD od_err od_session_results(od_app *a, const od_principal *who, int64_t id, json_t *attendees,
                                       json_t **out, od_error *e);

#endif
