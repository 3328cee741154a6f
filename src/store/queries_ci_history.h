/* queries_ci_history.h — a CI's retirements and returns to service, read
 * from the audit trail (the audit entries "ci.retire" / "ci.unretire" that
 * src/app/cmdb.c writes), newest first, by audit(entity, entity_id, id)
 * (migration 0034).  The person's display name comes along. */
#ifndef OD_QUERIES_CI_HISTORY_H
#define OD_QUERIES_CI_HISTORY_H

#define OD_QUERY_LIST_CI_HISTORY(X)                                                                          \
    /* binds: CI id, limit */                                                                                \
    X(CI_RETIRE_HISTORY,                                                                                     \
      "SELECT a.id, a.at, a.actor_id, a.actor, a.action, a.after_json, u.display_name FROM audit a "         \
      "LEFT JOIN users u ON u.id = a.actor_id WHERE a.entity = 'ci' AND a.entity_id = ? AND a.action IN "    \
      "('ci.retire', 'ci.unretire') ORDER BY a.id DESC LIMIT ?")

#endif
