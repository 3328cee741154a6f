/* queries_ci_retire.h — retiring a CI (migration 0031, src/app/cmdb_retire.c):
 * the row stays, with its relations and history; retired_at set once,
 * cleared when the CI is brought back into service. */
#ifndef OD_QUERIES_CI_RETIRE_H
#define OD_QUERIES_CI_RETIRE_H

#define OD_QUERY_LIST_CI_RETIRE(X)                                                                           \
    X(CI_RETIRE, "UPDATE cis SET retired_at = ?, retired_reason = ?, updated_at = ? WHERE id = ? AND "       \
                 "retired_at IS NULL")                                                                       \
    X(CI_RETIRED_AT, "SELECT retired_at, name FROM cis WHERE id = ?")                                        \
    X(CI_UNRETIRE, "UPDATE cis SET retired_at = NULL, retired_reason = '', updated_at = ? WHERE id = ? AND " \
                   "retired_at IS NOT NULL")

#endif
