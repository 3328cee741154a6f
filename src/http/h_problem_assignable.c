/* h_problem_assignable.c — GET /api/v1/problems/{id}/assignable (the
 * problem page's assignee picker); the rule in app/problem_assignable.h. */
#include "app/problem_assignable.h"
#include "http/handlers.h"

od_err od_h_problem_assignable(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_problem_assignable(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
