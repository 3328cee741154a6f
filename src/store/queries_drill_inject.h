/* queries_drill_inject.h — a drill's scripted injects (src/app/drills.c;
 * queued as internal events, queries_ievq.h, migration 0049) and the due
 * notices' pending rows (drill_due.c). */
#ifndef OD_QUERIES_DRILL_INJECT_H
#define OD_QUERIES_DRILL_INJECT_H

#define OD_QUERY_LIST_DRILL_INJECT(X)                                                                        \
    /* the name of the first CI of incident ? (NULL row when none) */                                        \
    X(DRLI_INC_CI, "SELECT c.name FROM incident_cis ic JOIN cis c ON c.id = ic.ci_id WHERE "                 \
                   "ic.incident_id = ? ORDER BY c.id LIMIT 1")                                               \
    /* due notices (drill_due.c): the pending ones of record ? and kind ?: id, due_at, fire_at */            \
    /* the readiness view's scope (readiness_scope.c): every user's department */                            \
    X(DRLI_USER_DEPTS, "SELECT id, department FROM users")                                                   \
    X(DRLI_DUE_PENDING, "SELECT id, due_at, fire_at FROM deadlines WHERE record_id = ? AND incident_id IS "  \
                        "NULL AND kind = ? AND status = 'pending'")

#endif
