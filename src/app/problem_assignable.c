/* problem_assignable.c — see problem_assignable.h. */
#include "app/problem_assignable.h"
#include "app/problems.h"
#include "core/authz.h"

od_err od_problem_assignable(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *p = NULL;
    od_err rc = od_problem_get(a, who, id, &p, e); /* 404 out of scope or not a problem */
    json_decref(p);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    od_rows *r = NULL;
    bool row = false;
    json_t *items = json_array();
    rc = od_tx_query(tx, OD_Q_USERS_WITH_ROLE, &r, e,
                     OD_BINDS(OD_INT((int64_t)(OD_ROLEBIT(OD_ROLE_PROBLEM_SOLVER) |
                                               OD_ROLEBIT(OD_ROLE_PROBLEM_MANAGER)))));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, json_pack("{sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                               "username", od_rows_text(r, 1), "display_name",
                                               od_rows_text(r, 2), "department", od_rows_text(r, 3)));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so}", "items", items);
    return OD_OK;
}
