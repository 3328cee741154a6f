/* policy_change.c — which policy is in force, and changing it while serving:
 * the audit entry of a policy whose hash differs from the last one recorded
 * (meta key "policy_sha256"), and the swap of a reloaded policy (app.h). */
#include "app/app.h"
#include "app/cluster.h"
#include "app/record_hooks.h"
#include "store/queries.h"
#include "store/store.h"
#include "util/log.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_META_KEY "policy_sha256"

void od_policy_sha_hex(const unsigned char sha[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[sha[i] >> 4];
        hex[2 * i + 1] = digits[sha[i] & 15];
    }
    hex[64] = 0;
}

od_err od_app_policy_record(od_app *a, const char *sha_hex, const char *trigger, bool *changed, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *after = NULL;
    char prev[65] = "";
    bool row = false;
    *changed = false;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT(POLICY_META_KEY)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row && od_rows_text(r, 0))
        snprintf(prev, sizeof prev, "%s", od_rows_text(r, 0));
    od_rows_close(r);
    if (rc || strcmp(prev, sha_hex) == 0)
        goto out;
    after = json_pack("{s:s, s:s, s:s, s:s?}", "sha256", sha_hex, "source", a->policy_source, "trigger",
                      trigger, "previous_sha256", prev[0] ? prev : NULL);
    if (!after) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        goto out;
    }
    od_principal sys;
    od_principal_system(&sys);
    rc = od_audit_append(tx, od_app_now(a), &sys, "policy.load", "policy", 0, NULL, after, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT(POLICY_META_KEY), OD_TEXT(sha_hex)));
    if (!rc)
        *changed = true;
out:
    json_decref(after);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

/* Readers take a->policy without a lock, each use case once or a few times;
 * the swap is one atomic pointer store, so a reader sees the old policy or
 * the new one, whole.  The old one stays allocated until od_app_free: a
 * request that took it may still be using it, and reloads are rare
 * (a few hundred bytes of rules each). */
od_err od_app_policy_replace(od_app *a, od_policy *p, const char *sha_hex, od_error *e)
{
    od_policy **grown = realloc(a->retired_policies, (a->n_retired_policies + 1) * sizeof *grown);
    if (!grown)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    a->retired_policies = grown;
    bool changed = false;
    od_err rc = od_app_policy_record(a, sha_hex, "reload", &changed, e);
    if (rc)
        return rc; /* nothing recorded: the old policy stays */
    od_policy *old = __atomic_exchange_n(&a->policy, p, __ATOMIC_ACQ_REL);
    od_due_notice_policy(p);            /* the due notices' lead and yearly drill cycle (record_hooks.h) */
    od_app_node_set_policy(a, sha_hex); /* compared with the other nodes' (cluster.c) */
    a->retired_policies[a->n_retired_policies++] = old;
    return OD_OK;
}
