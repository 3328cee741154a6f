/* problem_assignable.c — see problem_assignable.h.  The list is narrowed
 * to the accounts whose department scope covers the problem's department
 * (an account without scopes covers every department; a problem of no
 * department only those), so nobody is offered who could not see it. */
#include "app/problem_assignable.h"
#include "app/problems.h"
#include "core/authz.h"
#include "core/scope.h"

#include <stdio.h>
#include <string.h>

#define SCOPES_MAX 32

/* Whether the scopes (a JSON array of departments) cover dept. */
static bool covers(const char *scopes_json, const char *dept)
{
    json_t *a = json_loads(scopes_json, 0, NULL);
    const char *depts[SCOPES_MAX];
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && n < SCOPES_MAX) depts[n++] = json_string_value(v);
    od_scope s = {.everything = n == 0, .n = n, .depts = depts};
    bool ok = od_scope_allows(&s, dept);
    json_decref(a);
    return ok;
}

od_err od_problem_assignable(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *p = NULL;
    od_err rc = od_problem_get(a, who, id, &p, e); /* 404 out of scope or not a problem */
    char dept[OD_DEPT_MAX] = "";
    if (!rc) {
        const char *d = json_string_value(json_object_get(p, "department"));
        snprintf(dept, sizeof dept, "%s", d ? d : "");
    }
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
    rc = od_tx_query(tx, OD_Q_PRB_ASSIGNABLE, &r, e,
                     OD_BINDS(OD_INT((int64_t)(OD_ROLEBIT(OD_ROLE_PROBLEM_SOLVER) |
                                               OD_ROLEBIT(OD_ROLE_PROBLEM_MANAGER)))));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (covers(od_rows_text(r, 4), dept))
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
