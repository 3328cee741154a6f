/* incident_group.c — incident writes sharing one commit; contract in
 * incident_group.h. */
#include "app/incident_group.h"
#include "app/audit.h"
#include "app/incidents_int.h"
#include "app/known_errors.h"
#include "app/problems.h"
#include "app/service_levels.h"

#include <stdlib.h>
#include <string.h>

#define GROUP_ATTEMPTS 3

/* Every member not yet failed gets the group's error. */
static void group_fail(od_inc_create_member *m, size_t n, od_err rc, const od_error *ge)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(m[i].out);
        m[i].out = NULL;
        if (m[i].rc)
            continue;
        m[i].rc = rc;
        *m[i].err = *ge;
        if (!m[i].err->code)
            m[i].err->code = rc;
    }
}

/* One member's write inside tx (after its savepoint). */
static od_err member_run(od_app *a, od_tx *tx, od_inc_create_member *m, int64_t *id)
{
    switch (m->kind) {
    case OD_INC_WRITE_CREATE:
        return od_incident_create_in(a, tx, m->who, m->in, id, m->err);
    case OD_INC_WRITE_ACK:
        return od_incident_ack_in(a, tx, m->who, m->target, m->err);
    case OD_INC_WRITE_REPORT:
        return od_incident_report_in(a, tx, m->who, m->target, m->body, m->err);
    case OD_INC_WRITE_CLOSE:
        return od_incident_close_in(a, tx, m->who, m->target, m->err);
    case OD_INC_WRITE_ACTIVATE:
        return od_incident_activate_in(a, tx, m->who, m->target, m->plan_id, m->err);
    case OD_INC_WRITE_REGRADE:
        return od_incident_regrade_in(a, tx, m->who, m->target, m->body, m->err);
    case OD_INC_WRITE_NOTE:
        return od_incident_note_in(a, tx, m->who, m->target, m->text, m->err);
    case OD_INC_WRITE_OWNER:
        return od_incident_owner_in(a, tx, m->who, m->target, m->user_id, m->err);
    case OD_INC_WRITE_HANDLING:
        return od_incident_handling_in(a, tx, m->who, m->target, m->text, m->reason, m->err);
    case OD_INC_WRITE_REVIEW:
        return od_incident_review_in(a, tx, m->who, m->target, m->body, m->err);
    case OD_INC_WRITE_INTERVAL:
        return od_outage_add_in(a, tx, m->who, m->target, m->body, &m->out, m->err);
    case OD_INC_WRITE_INTERVAL_CORRECT:
        return od_outage_correct_in(a, tx, m->who, m->target, m->body, &m->out, m->err);
    case OD_INC_WRITE_CORRECT_TIME:
        return od_incident_correct_time_in(a, tx, m->who, m->target, m->body, &m->out, m->err);
    case OD_INC_WRITE_APPLY_KE:
        return od_ke_apply_in(a, tx, m->who, m->target, m->ke_id, &m->out, m->err);
    case OD_INC_WRITE_PROBLEM:
        return od_problem_from_incident_in(a, tx, m->who, m->target, m->problem, id, m->err);
    }
    return od_error_set(m->err, OD_E_INTERNAL, NULL, "unknown incident write");
}

/* One attempt: one transaction, a savepoint per member.  Returns the
 * group's own error (then nothing of any member was written). */
static od_err attempt(od_app *a, od_inc_create_member *m, int64_t *ids, size_t n, od_error *ge)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, ge);
    if (rc)
        return rc;
    /* the members' full-text entries written once, at the commit */
    rc = od_tx_defer_search(tx, ge);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t mark = od_audit_mark(tx);
        rc = od_tx_exec(tx, OD_Q_EV_SP_BEGIN, ge, OD_NOBINDS);
        if (rc)
            break;
        ids[i] = m[i].kind == OD_INC_WRITE_CREATE ? 0 : m[i].target;
        m[i].rc = member_run(a, tx, &m[i], &ids[i]);
        if (m[i].rc == OD_E_RETRY) { /* PostgreSQL: the whole transaction is lost */
            rc = OD_E_RETRY;
            *ge = *m[i].err;
            break;
        }
        if (m[i].rc) { /* this member alone is undone */
            if (!m[i].err->code)
                m[i].err->code = m[i].rc;
            json_decref(m[i].out);
            m[i].out = NULL;
            od_audit_rewind(tx, mark);
            rc = od_tx_exec(tx, OD_Q_EV_SP_ROLLBACK, ge, OD_NOBINDS);
        }
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_EV_SP_RELEASE, ge, OD_NOBINDS);
    }
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, ge);
}

void od_incident_create_group(od_app *a, od_inc_create_member *m, size_t n)
{
    int64_t *ids = calloc(n, sizeof *ids);
    od_error ge = {0};
    od_err rc = ids ? OD_OK : od_error_set(&ge, OD_E_NOMEM, NULL, "out of memory");
    for (int k = 1; !rc; k++) {
        for (size_t i = 0; i < n; i++) {
            m[i].rc = OD_OK;
            memset(m[i].err, 0, sizeof *m[i].err);
            m[i].id = 0;
            json_decref(m[i].out); /* a retried attempt answers anew */
            m[i].out = NULL;
        }
        memset(&ge, 0, sizeof ge);
        rc = attempt(a, m, ids, n, &ge);
        if (rc != OD_E_RETRY || k == GROUP_ATTEMPTS)
            break;
        rc = OD_OK;
    }
    if (rc) {
        group_fail(m, n, rc, &ge);
        free(ids);
        return;
    }
    od_app_committed(a, OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
    for (size_t i = 0; i < n; i++)
        if (!m[i].rc)
            m[i].id = ids[i];
    free(ids);
}

od_err od_incident_row_in(od_tx *tx, const od_principal *who, int64_t id, json_t **row, od_error *e)
{
    *row = NULL;
    inc x;
    od_err rc = od_inc_load(tx, who, id, &x, e);
    if (rc)
        return rc;
    *row = json_incref(x.row);
    od_inc_free(&x);
    return OD_OK;
}
