/* h_courses.c — handlers of training courses and sessions
 * (/api/v1/training/courses, /api/v1/training/sessions; research/modules-spec.md
 * §M7.1, docs/plans.md "Courses and sessions").  Shape checks here; rules in
 * app/courses.h. */
#include "app/courses.h"
#include "http/handlers.h"

#include <stdint.h>
#include <string.h>

od_err od_h_training_course_list(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    const char *act = od_req_query(r, "active");
    if (act && strcmp(act, "true") && strcmp(act, "false"))
        return od_error_set(&r->err, OD_E_INVALID, "active",
                            "active 须为 true 或 false (active must be true or false)");
    json_t *out = NULL;
    rc = od_course_list(r->app, &r->who, act && strcmp(act, "true") == 0, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field course_fields[] = {{"title", OD_JT_TEXT, false, OD_COURSE_TITLE_MAX},
                                         {"hours", OD_JT_NUMBER, false, 0},
                                         {"positions", OD_JT_ARRAY, false, 32},
                                         {"description", OD_JT_TEXT, false, OD_COURSE_TEXT_MAX},
                                         {"validity_months", OD_JT_INT, false, 0},
                                         {"active", OD_JT_BOOL, false, 0},
                                         {0}};

static od_course_input course_input(od_req *r)
{
    json_t *h = od_req_get(r, "hours"), *v = od_req_get(r, "validity_months"), *a = od_req_get(r, "active");
    return (od_course_input){.title = od_req_str(r, "title"),
                             .has_hours = h != NULL,
                             .hours = json_number_value(h),
                             .positions = od_req_get(r, "positions"),
                             .description = od_req_str(r, "description"),
                             .has_validity = v != NULL,
                             .validity_months = json_integer_value(v),
                             .has_active = a != NULL,
                             .active = json_is_true(a)};
}

od_err od_h_training_course_create(od_req *r)
{
    od_err rc = od_req_fields(r, course_fields);
    if (rc)
        return rc;
    od_course_input in = course_input(r);
    json_t *out = NULL;
    rc = od_course_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_training_course_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_course_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_course_patch(od_req *r)
{
    od_err rc = od_req_fields(r, course_fields);
    if (rc)
        return rc;
    od_course_input in = course_input(r);
    json_t *out = NULL;
    rc = od_course_update(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_session_list(od_req *r)
{
    int64_t limit, offset, course_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    rc = od_req_query_id(r, "course_id", &course_id);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_session_list(r->app, &r->who, course_id, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_session_create(od_req *r)
{
    static const od_field f[] = {{"course_id", OD_JT_INT, true, 0},
                                 {"starts_at", OD_JT_TIME, true, 0},
                                 {"ends_at", OD_JT_TIME, true, 0},
                                 {"trainer_id", OD_JT_INT, true, 0},
                                 {"location", OD_JT_TEXT, false, OD_SESSION_LOCATION_MAX},
                                 {"materials", OD_JT_TEXT, false, OD_COURSE_TEXT_MAX},
                                 {"attendees", OD_JT_ARRAY, false, OD_SESSION_ATTENDEES_MAX},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_session_input in = {.course_id = od_req_int(r, "course_id", 0),
                           .starts_at = od_req_str(r, "starts_at"),
                           .ends_at = od_req_str(r, "ends_at"),
                           .trainer_id = od_req_int(r, "trainer_id", 0),
                           .location = od_req_str(r, "location"),
                           .materials = od_req_str(r, "materials"),
                           .attendees = od_req_get(r, "attendees")};
    json_t *out = NULL;
    rc = od_session_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_training_session_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_session_get(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_session_results(od_req *r)
{
    static const od_field f[] = {{"attendees", OD_JT_ARRAY, true, OD_SESSION_ATTENDEES_MAX}, {0}};
    od_err rc = od_req_fields(r, f);
    json_t *out = NULL;
    if (!rc)
        rc = od_session_results(r->app, &r->who, r->ids[0], od_req_get(r, "attendees"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
