/* readiness_scope.c — the readiness view's department scope (R-SEC-SYS-2;
 * docs/plans.md "Readiness"): a scoped reader sees the people of the
 * departments in its scope only, like the training list — their coverage,
 * hours and expiring certificates; see training.h. */
#include "app/training.h"
#include "store/queries.h"
#include "store/store.h"

#include <stdio.h>

od_err od_readiness_scope_users(od_tx *tx, const od_principal *who, json_t **out, od_error *e)
{
    *out = NULL;
    if (!who || who->id == 0 || who->n_scopes == 0)
        return OD_OK;
    json_t *m = json_object();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = m ? od_tx_query(tx, OD_Q_DRLI_USER_DEPTS, &r, e, OD_NOBINDS)
                  : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_principal_in_scope(who, od_rows_text(r, 1))) {
            char k[24];
            snprintf(k, sizeof k, "%lld", (long long)od_rows_int(r, 0));
            json_object_set_new(m, k, json_true());
        }
    od_rows_close(r);
    if (rc) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return OD_OK;
}

bool od_readiness_scope_has(const json_t *users, int64_t user_id)
{
    if (!users)
        return true;
    char k[24];
    snprintf(k, sizeof k, "%lld", (long long)user_id);
    return json_object_get(users, k) != NULL;
}

void od_readiness_scope_filter(const json_t *users, json_t *list)
{
    if (!users || !json_is_array(list))
        return;
    for (size_t i = json_array_size(list); i-- > 0;)
        if (!od_readiness_scope_has(
                users, (int64_t)json_integer_value(json_object_get(json_array_get(list, i), "user_id"))))
            json_array_remove(list, i);
}
