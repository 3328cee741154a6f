/* h_training.c — handlers of training records and readiness
 * (/api/v1/trainings, /api/v1/readiness; research/modules-spec.md §M7,
 * docs/plans.md "Training and readiness").  Shape checks here; rules in
 * app/training.h. */
#include "app/training.h"
#include "http/handlers.h"

#include <stdint.h>
#include <stdlib.h>

od_err od_h_training_list(od_req *r)
{
    int64_t limit, offset, user_id = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    rc = od_req_query_id(r, "user_id", &user_id);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = od_training_list(r->app, &r->who, user_id, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_create(od_req *r)
{
    static const od_field f[] = {
        {"user_id", OD_JT_INT, true, 0},  {"topic", OD_JT_TEXT, true, OD_TRAINING_TOPIC_MAX},
        {"hours", OD_JT_NUMBER, true, 0}, {"held_at", OD_JT_TIME, true, 0},
        {"plan_id", OD_JT_INT, false, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    json_t *out = NULL;
    od_training_input in = {.user_id = od_req_int(r, "user_id", 0),
                            .topic = od_req_str(r, "topic"),
                            .hours = json_number_value(od_req_get(r, "hours")),
                            .held_at = od_req_str(r, "held_at"),
                            .plan_id = od_req_int(r, "plan_id", 0)};
    rc = od_training_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_readiness_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_readiness_get(r->app, &r->who, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_training_hours(od_req *r)
{
    int64_t limit, offset;
    od_err rc = od_req_page(r, &limit, &offset);
    if (rc)
        return rc;
    const char *y = od_req_query(r, "year"); /* absent: the current year */
    char *end = NULL;
    long v = y ? strtol(y, &end, 10) : 0;
    if (y && (!*y || *end || v < OD_TRAINING_YEAR_MIN || v > OD_TRAINING_YEAR_MAX))
        return od_error_set(
            &r->err, OD_E_INVALID, "year", "year 须为 %d 到 %d 的年份 (year must be a year from %d to %d)",
            OD_TRAINING_YEAR_MIN, OD_TRAINING_YEAR_MAX, OD_TRAINING_YEAR_MIN, OD_TRAINING_YEAR_MAX);
    json_t *out = NULL;
    rc = od_training_hours(r->app, &r->who, (int)v, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_readiness_roster(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_readiness_roster(r->app, &r->who, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
