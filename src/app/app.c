/* app.c — the application context and principal helpers. */
#include "app/app.h"
#include "app/cluster.h"
#include "app/event_keys.h"
#include "app/events.h"
#include "app/limiter.h"
#include "app/pwpool.h"
#include "app/record_hooks.h"
#include "core/scope.h"
#include "util/log.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

od_err od_app_new(od_store *store, od_policy *policy, const char *policy_source, bool manual_clock,
                  od_app **out, od_error *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return od_error_set(e, OD_E_INTERNAL, NULL, "libsodium init failed");
    od_app *a = calloc(1, sizeof *a);
    if (!a)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    a->store = store;
    a->policy = policy;
    od_due_notice_policy(policy); /* the due notices' lead and yearly drill cycle (record_hooks.h) */
    a->policy_source = strdup(policy_source ? policy_source : "");
    if (manual_clock)
        od_clock_init_manual(&a->clock, od_clock_now(NULL));
    else
        od_clock_init_system(&a->clock);
    a->limiter = od_limiter_new();
    if (!a->limiter || !a->policy_source) {
        od_app_free(a);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    /* Cheap password hashes only for test databases and test servers:
     * a production server never honours OPSDESK_PWHASH_COST, only one started
     * with --test-clock (refused off loopback) or `init --test-clock`. */
    const char *cost = getenv("OPSDESK_PWHASH_COST");
    bool want_min = cost && strcmp(cost, "min") == 0;
    a->pwhash_cost = (want_min && manual_clock) ? 1 : 0;
    if (want_min && !manual_clock)
        od_warn(
            "OPSDESK_PWHASH_COST=min 被忽略，仅在 --test-clock 下生效 (OPSDESK_PWHASH_COST=min ignored: only "
            "honoured with --test-clock)");
    od_err rc = od_auth_prepare(a, e);
    if (!rc)
        rc = od_pwpool_start(0, 0, &a->pwpool, e);
    if (rc) {
        a->store = NULL; /* the caller still owns store and policy on failure */
        a->policy = NULL;
        od_app_free(a);
        return rc;
    }
    *out = a;
    return OD_OK;
}

void od_app_free(od_app *a)
{
    if (!a)
        return;
    od_pwpool_free(a->pwpool);
    od_limiter_free(a->limiter);
    free(a->dummy_hash);
    od_event_keys_free(a->event_keys);
    od_event_caches_free(a->event_caches);
    od_app_node_free(a);
    od_store_close(a->store);
    od_policy_free(a->policy);
    for (size_t i = 0; i < a->n_retired_policies; i++)
        od_policy_free(a->retired_policies[i]);
    free(a->retired_policies);
    free(a->policy_source);
    free(a);
}

int64_t od_app_now(const od_app *a)
{
    return od_clock_now(&a->clock);
}

void od_principal_system(od_principal *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->username, sizeof p->username, "system");
}

/* The principal's scope as core takes it (pointers into p). */
static od_scope scope_of(const od_principal *p, const char *buf[OD_SCOPES_MAX])
{
    int n = p->n_scopes < 0 ? 0 : (p->n_scopes > OD_SCOPES_MAX ? OD_SCOPES_MAX : p->n_scopes);
    for (int i = 0; i < n; i++)
        buf[i] = p->scopes[i];
    return (od_scope){.everything = p->id == 0 || n == 0, .n = (size_t)n, .depts = buf};
}

bool od_principal_in_any_scope(const od_principal *p, const char *departments_json)
{
    if (!p)
        return true;
    const char *buf[OD_SCOPES_MAX];
    od_scope sc = scope_of(p, buf);
    if (sc.everything)
        return true;
    json_t *deps = json_loads(departments_json ? departments_json : "[]", 0, NULL);
    size_t n = json_is_array(deps) ? json_array_size(deps) : 0;
    const char **names = n ? calloc(n, sizeof *names) : NULL;
    size_t k = 0;
    for (size_t i = 0; names && i < n; i++) {
        const char *v = json_string_value(json_array_get(deps, i));
        if (v)
            names[k++] = v;
    }
    bool ok = od_scope_allows_any(&sc, names, k);
    free(names);
    json_decref(deps);
    return ok;
}

bool od_principal_in_scope(const od_principal *p, const char *department)
{
    const char *buf[OD_SCOPES_MAX];
    od_scope sc = scope_of(p, buf);
    return od_scope_allows(&sc, department);
}
