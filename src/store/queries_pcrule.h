/* queries_pcrule.h — the proactive candidate rule event_rule_recurrence
 * (R-PRB-5; core/problem_rule.h): incidents opened by one event rule of the
 * policy's events.incidents (events.incident_rule names the rule of the
 * event that opened or joined the incident) registered in a window, drills
 * excluded.  Binds: from, now[, min | rule]. */
#ifndef OD_QUERIES_PCRULE_H
#define OD_QUERIES_PCRULE_H

#define OD_QUERY_LIST_PCRULE(X)                                                                              \
    X(PC_RULE_COUNTS, "SELECT e.incident_rule, COUNT(DISTINCT i.id) FROM incidents i JOIN events e ON "      \
                      "e.incident_id = i.id WHERE i.registered_at >= ? AND i.registered_at <= ? AND "        \
                      "i.drill = 0 AND e.incident_rule IS NOT NULL AND e.incident_rule <> '' GROUP BY "      \
                      "e.incident_rule HAVING COUNT(DISTINCT i.id) >= ? ORDER BY e.incident_rule")           \
    X(PC_RULE_INCIDENTS, "SELECT DISTINCT i.id, i.registered_at FROM incidents i JOIN events e ON "          \
                         "e.incident_id = i.id WHERE i.registered_at >= ? AND i.registered_at <= ? AND "     \
                         "i.drill = 0 AND e.incident_rule = ? ORDER BY i.id")                                \
    X(PC_RULE_CIS,                                                                                           \
      "SELECT DISTINCT ic.ci_id FROM incidents i JOIN events e ON e.incident_id = i.id JOIN "                \
      "incident_cis ic ON ic.incident_id = i.id WHERE i.registered_at >= ? AND i.registered_at "             \
      "<= ? AND i.drill = 0 AND e.incident_rule = ? ORDER BY ic.ci_id")

#endif
