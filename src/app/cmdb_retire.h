/* cmdb_retire.h — retiring a CI (R-CI-1, probe-ui #16; docs/ui.md, the
 * CMDB paragraph).  A retired CI keeps its row, relations, incidents and
 * events; it is left out of the CMDB list (unless asked for), of the
 * unverified list, of new incidents and relations, and of dependency
 * suppression.  Code: src/app/cmdb.c. */
#ifndef OD_APP_CMDB_RETIRE_H
#define OD_APP_CMDB_RETIRE_H

#include "app/app.h"
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>

/* Retires CI id (CI write permission, in the actor's scope): retired_at is
 * set, audited "ci.retire" with the reason (1–500 characters, required).
 * *out: the CI.  OD_E_NOT_FOUND, OD_E_UNPROCESSABLE (reason),
 * OD_E_CONFLICT (already retired), OD_E_FORBIDDEN (scope). */
OD_NODISCARD od_err od_ci_retire(od_app *a, const od_principal *actor, int64_t id, const char *reason,
                                 json_t **out, od_error *e);

/* Brings retired CI id back into service (same permission and scope as
 * od_ci_retire): retired_at cleared (retired_reason emptied), audited
 * "ci.unretire" with the reason (1–500 characters, required; the audit
 * entry's after carries it as "reason").  *out: the CI.  OD_E_NOT_FOUND,
 * OD_E_UNPROCESSABLE (reason), OD_E_CONFLICT (not retired),
 * OD_E_FORBIDDEN (scope). */
OD_NODISCARD od_err od_ci_unretire(od_app *a, const od_principal *actor, int64_t id, const char *reason,
                                   json_t **out, od_error *e);

/* The retire / unretire history of CI id (CI read permission, in the
 * reader's scope), newest first, from the audit trail (its newest
 * OD_CI_HISTORY_MAX entries), a page of it: {items: [{"audit_id", "action":
 * "retire"|"unretire", "at", "actor_id", "actor", "actor_name" (display
 * name), "reason"}], total, limit, offset}.  OD_E_NOT_FOUND (no such CI, or
 * out of scope). */
#define OD_CI_HISTORY_MAX 10000
OD_NODISCARD od_err od_ci_retirements(od_app *a, const od_principal *who, int64_t id, int64_t limit,
                                      int64_t offset, json_t **out, od_error *e);

/* od_ci_list with the retired CIs too when include_retired. */
OD_NODISCARD od_err od_ci_list_all(od_app *a, const od_principal *actor, const char *category,
                                   const char *grade, const char *q, int64_t after_id, bool include_retired,
                                   int64_t limit, int64_t offset, json_t **out, od_error *e);

/* OD_OK when CI id is not retired (or does not exist: the caller's own
 * lookup says so); else OD_E_UNPROCESSABLE on `field`, naming the CI (its
 * stored name; `name` when it has none). */
OD_NODISCARD od_err od_ci_must_be_active(od_tx *tx, int64_t id, const char *name, const char *field,
                                         od_error *e);

#endif
