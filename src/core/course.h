/* course.h — the rules of training courses and their sessions' results
 * (培训课程与场次; research/modules-spec.md §M7.1, §M7.3; docs/plans.md
 * "Courses and sessions"; R-PLAN-3): a course's hours (more than 0, at most
 * 200, rounded to the minute, at least one minute), its validity in months
 * (1..120), an attendee's result (attended: pass or fail; not attended:
 * absent; a score 0..100 only for who attended), what a result earns (hours
 * for who attended, the course's positions for a pass) and until when a
 * pass qualifies (the session's start plus validity_months calendar months,
 * exclusive — core/plan.h od_plan_add_months).  Pure: no I/O, no clock, no
 * allocation. */
#ifndef OD_CORE_COURSE_H
#define OD_CORE_COURSE_H

#include <stdbool.h>
#include <stdint.h>

#define OD_COURSE_HOURS_MAX 200       /* one course's hours */
#define OD_COURSE_VALIDITY_MAX 120    /* months */
#define OD_COURSE_VALIDITY_DEFAULT 12 /* modules-spec §M7.3: 12 months per course */
#define OD_SESSION_SCORE_MAX 100

/* Whether hours is a course's length: > 0, <= OD_COURSE_HOURS_MAX and at
 * least one minute once rounded; *minutes = the rounded minutes (0 when
 * not). */
bool od_course_hours_ok(double hours, int64_t *minutes);
/* Whether months is a course's validity: 1..OD_COURSE_VALIDITY_MAX. */
bool od_course_validity_ok(int64_t months);

/* The verdict on one attendee's result. */
typedef enum od_course_result {
    OD_COURSE_RESULT_OK = 0,
    OD_COURSE_RESULT_ASSESSMENT,  /* assessment unknown or not matching attendance */
    OD_COURSE_RESULT_SCORE,       /* score outside 0..OD_SESSION_SCORE_MAX */
    OD_COURSE_RESULT_SCORE_ABSENT /* a score for who did not attend */
} od_course_result;
/* assessment: "pass", "fail" or "absent" (NULL = not given: "absent" for
 * who did not attend, refused for who did); has_score: a score is given. */
od_course_result od_course_result_check(bool attended, const char *assessment, bool has_score, int64_t score);
/* What a (checked) result earns: hours for who attended; the course's
 * positions for a pass. */
bool od_course_earns_hours(bool attended);
bool od_course_earns_positions(bool attended, const char *assessment);
/* The instant a pass of a session starting at starts_at stops qualifying:
 * starts_at + months calendar months (valid until 1 ms before). */
int64_t od_course_qualified_until(int64_t starts_at, int64_t months);

#endif
