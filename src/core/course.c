/* course.c — see course.h. */
#include "core/course.h"
#include "core/plan.h"

#include <string.h>

bool od_course_hours_ok(double hours, int64_t *minutes)
{
    *minutes = 0;
    if (!(hours > 0 && hours <= OD_COURSE_HOURS_MAX))
        return false;
    int64_t m = (int64_t)(hours * 60.0 + 0.5); /* to the nearest minute (hours > 0 here) */
    if (m < 1)
        return false;
    *minutes = m;
    return true;
}

bool od_course_validity_ok(int64_t months)
{
    return months >= 1 && months <= OD_COURSE_VALIDITY_MAX;
}

static bool is(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

od_course_result od_course_result_check(bool attended, const char *assessment, bool has_score, int64_t score)
{
    bool ok =
        attended ? is(assessment, "pass") || is(assessment, "fail") : !assessment || is(assessment, "absent");
    if (!ok)
        return OD_COURSE_RESULT_ASSESSMENT;
    if (has_score && (score < 0 || score > OD_SESSION_SCORE_MAX))
        return OD_COURSE_RESULT_SCORE;
    if (has_score && !attended)
        return OD_COURSE_RESULT_SCORE_ABSENT;
    return OD_COURSE_RESULT_OK;
}

bool od_course_earns_hours(bool attended)
{
    return attended;
}

bool od_course_earns_positions(bool attended, const char *assessment)
{
    return attended && is(assessment, "pass");
}

int64_t od_course_qualified_until(int64_t starts_at, int64_t months)
{
    return od_plan_add_months(starts_at, (int)months);
}
