/* problem_assignable.h — who a problem may be assigned to (docs/problems.md,
 * the problem page's assignee picker): enabled accounts holding a problem
 * role (problem_solver, problem_manager) whose department scope covers the
 * problem's department (unscoped accounts cover every one), for anyone who
 * may read the problem (operations roles cannot list accounts). */
#ifndef OD_APP_PROBLEM_ASSIGNABLE_H
#define OD_APP_PROBLEM_ASSIGNABLE_H

#include "app/app.h"

/* {items: [{id, username, display_name, department}]}, by id; 404 when the
 * problem is missing, out of who's scope or not a problem. */
OD_NODISCARD od_err od_problem_assignable(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                          od_error *e);

#endif
