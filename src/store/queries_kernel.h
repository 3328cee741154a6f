/* queries_kernel.h — the statements of the workflow kernel applied
 * (migration 0013; src/app/records_act.c, record_deadlines.c, problems.c):
 * a module's typed fields (problems), clock instances and their threshold
 * deadlines, approval rounds and votes, checklist instances and results,
 * and the views od_wf_decide reads. */
#ifndef OD_QUERIES_KERNEL_H
#define OD_QUERIES_KERNEL_H

#define OD_QUERY_LIST_KERNEL(X)                                                                              \
    X(PRB_GET, "SELECT reporter_contact, service_info, device_info, recorded_at, recorded_by, category, "    \
               "priority_agreed_with, description, diagnosis, domain, source, problem_manager_id, "          \
               "solving_team, partner, investigation_plan, workaround, root_cause, solution, "               \
               "solution_evidence, decision, decision_reason, major, major_reason, review, "                 \
               "suspend_reason, cancel_reason, accepted_at, planned_at, assigned_at, started_at, "           \
               "suspended_at, workaround_at, resolved_at, closed_at, closed_by, cancelled_at FROM "          \
               "problems WHERE record_id = ?")                                                               \
    X(PRB_ENSURE, "INSERT INTO problems(record_id) VALUES(?) ON CONFLICT(record_id) DO NOTHING")             \
    X(PRB_SAVE, "UPDATE problems SET reporter_contact = ?, service_info = ?, device_info = ?, recorded_at "  \
                "= ?, recorded_by = ?, category = ?, priority_agreed_with = ?, description = ?, diagnosis "  \
                "= ?, domain = ?, source = ?, problem_manager_id = ?, solving_team = ?, partner = ?, "       \
                "investigation_plan = ?, workaround = ?, root_cause = ?, solution = ?, solution_evidence "   \
                "= ?, decision = ?, decision_reason = ?, major = ?, major_reason = ?, review = ?, "          \
                "suspend_reason = ?, cancel_reason = ?, accepted_at = ?, planned_at = ?, assigned_at = ?, "  \
                "started_at = ?, suspended_at = ?, workaround_at = ?, resolved_at = ?, closed_at = ?, "      \
                "closed_by = ?, cancelled_at = ? WHERE record_id = ?")                                       \
    X(KREC_SET_FIELDS,                                                                                       \
      "UPDATE records SET impact = ?, urgency = ?, priority = ?, assignee_id = ?, group_key = "              \
      "?, updated_at = ? WHERE id = ?")                                                                      \
    X(KREC_BUMP, "UPDATE records SET updated_at = ?, version = version + 1 WHERE id = ? AND version = ?")    \
    X(KUSR_ROLES, "SELECT id, roles FROM users WHERE disabled = 0 ORDER BY id")                              \
    X(KCMT_OF_USER,                                                                                          \
      "SELECT c.key FROM committee_members m JOIN committees c ON c.id = m.committee_id WHERE "              \
      "m.user_id = ? ORDER BY c.key")                                                                        \
    X(KCMT_MEMBERS, "SELECT m.user_id FROM committee_members m JOIN committees c ON c.id = m.committee_id "  \
                    "WHERE c.key = ? ORDER BY m.user_id")                                                    \
    X(KCLK_GET, "SELECT id, target_ms, calendar, state, started_at, paused_at, paused_total_ms, "            \
                "stopped_at, due_at, breached_at, record_id, name FROM record_clocks WHERE record_id = ? "   \
                "AND name = ? ORDER BY id DESC LIMIT 1")                                                     \
    X(KCLK_BY_ID, "SELECT id, target_ms, calendar, state, started_at, paused_at, paused_total_ms, "          \
                  "stopped_at, due_at, breached_at, record_id, name FROM record_clocks WHERE id = ?")        \
    X(KCLK_OF_RECORD, "SELECT id, name FROM record_clocks WHERE record_id = ? ORDER BY id")                  \
    X(KCLK_INSERT, "INSERT INTO record_clocks(record_id, name, target_ms, calendar, state, started_at, "     \
                   "paused_at, paused_total_ms, stopped_at, due_at, breached_at) "                           \
                   "VALUES(?,?,?,?,?,?,?,?,?,?,?)")                                                          \
    X(KCLK_BREACH, "UPDATE record_clocks SET breached_at = ? WHERE id = ? AND breached_at IS NULL")          \
    X(KCLK_SAVE, "UPDATE record_clocks SET target_ms = ?, state = ?, started_at = ?, paused_at = ?, "        \
                 "paused_total_ms = ?, stopped_at = ?, due_at = ?, breached_at = ? WHERE id = ?")            \
    X(KDL_CLOCK_CANCEL,                                                                                      \
      "UPDATE deadlines SET status = 'cancelled', fire_at = NULL WHERE clock_id = ? AND status "             \
      "= 'pending'")                                                                                         \
    X(KDL_INSERT, "INSERT INTO deadlines(incident_id, record_id, clock_id, kind, due_at, fire_at) "          \
                  "VALUES(NULL,?,?,?,?,?)")                                                                  \
    X(KDL_FIRED_COUNT, "SELECT COUNT(*) FROM deadlines WHERE clock_id = ? AND kind = ? AND status NOT IN "   \
                       "('pending', 'cancelled')")                                                           \
    X(KOUT_RECORD, "UPDATE outbox SET record_id = ? WHERE cause = ? AND record_id IS NULL")                  \
    X(KDL_GET, "SELECT id, record_id, clock_id, kind, due_at, status FROM deadlines WHERE id = ?")           \
    X(KDL_OF_RECORD,                                                                                         \
      "SELECT id, kind, due_at, status, fire_at, clock_id FROM deadlines WHERE record_id = ? "               \
      "AND incident_id IS NULL ORDER BY due_at, id")                                                         \
    X(KAPR_STEPS, "SELECT s.id, s.step_key, s.approvers, r.round, r.id, s.state FROM approval_steps s JOIN " \
                  "approval_rounds r ON r.id = s.round_id WHERE r.record_id = ? ORDER BY r.round, s.id")     \
    X(KAPR_MAX_ROUND, "SELECT COALESCE(MAX(round), 0) FROM approval_rounds WHERE record_id = ?")             \
    X(KAPR_ROUND_INSERT, "INSERT INTO approval_rounds(record_id, round, state, opened_by, opened_at) "       \
                         "VALUES(?,?,'waiting',?,?)")                                                        \
    X(KAPR_STEP_INSERT,                                                                                      \
      "INSERT INTO approval_steps(round_id, step_key, ord, approvers, mode, quorum_count, "                  \
      "quorum_percent, due_at, state) VALUES(?,?,0,?,?,?,?,?,'waiting')")                                    \
    X(KAPR_ROUND_OPENER, "SELECT COALESCE(opened_by, 0) FROM approval_rounds WHERE id = ?")                  \
    X(KAPR_VOTES, "SELECT user_id, on_behalf_of, decision, comment, at FROM approval_votes WHERE step_id = " \
                  "? ORDER BY id")                                                                           \
    X(KAPR_VOTE_INSERT,                                                                                      \
      "INSERT INTO approval_votes(step_id, user_id, on_behalf_of, decision, comment, channel, "              \
      "at) VALUES(?,?,?,?,?,?,?)")                                                                           \
    X(KAPR_STEP_DECIDE, "UPDATE approval_steps SET state = ?, decided_at = ? WHERE id = ?")                  \
    X(KAPR_ROUND_CLOSE, "UPDATE approval_rounds SET state = ?, closed_at = ? WHERE id = ?")                  \
    X(KDLG_INSERT, "INSERT INTO approval_delegations(user_id, delegate_id, from_at, until_at, created_at) "  \
                   "VALUES(?,?,?,?,?)")                                                                      \
    X(KDLG_LIST,                                                                                             \
      "SELECT d.id, d.user_id, d.delegate_id, d.from_at, d.until_at, d.created_at, "                         \
      "COALESCE(u.username, ''), COALESCE(v.username, '') FROM approval_delegations d LEFT JOIN users u "    \
      "ON u.id = d.user_id LEFT JOIN users v ON v.id = d.delegate_id WHERE d.user_id = ? OR "                \
      "d.delegate_id = ? ORDER BY d.id")                                                                     \
    X(KAPR_DELEGATIONS, "SELECT user_id, delegate_id, from_at, until_at FROM approval_delegations WHERE "    \
                        "delegate_id = ? ORDER BY id")                                                       \
    X(KCKL_INSERT,                                                                                           \
      "INSERT INTO checklist_instances(record_id, phase, template_key, template_version, state, "            \
      "opened_at) VALUES(?,?,?,?,'open',?)")                                                                 \
    X(KCKL_OF_RECORD,                                                                                        \
      "SELECT id, phase, template_key, template_version, state FROM checklist_instances WHERE "              \
      "record_id = ? ORDER BY id")                                                                           \
    X(KCKL_RESULTS, "SELECT item_key, value, passed, evidence, finding FROM checklist_results WHERE "        \
                    "instance_id = ? ORDER BY id")                                                           \
    X(KCKL_RESULT_SET,                                                                                       \
      "INSERT INTO checklist_results(instance_id, item_key, value, passed, by_id, at, evidence, "            \
      "note, finding) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(instance_id, item_key) DO UPDATE "               \
      "SET value = excluded.value, passed = excluded.passed, by_id = excluded.by_id, at = "                  \
      "excluded.at, evidence = excluded.evidence, note = excluded.note, finding = "                          \
      "excluded.finding")                                                                                    \
    X(KCKL_STATE, "UPDATE checklist_instances SET state = ?, completed_at = ? WHERE id = ?")                 \
    X(KLINK_VIEW, "SELECT l.kind, COALESCE(ti.state, t.state, ''), COALESCE(t.kind, l.to_kind), l.from_id "  \
                  "FROM record_links l LEFT JOIN records t ON t.id = CASE WHEN l.from_id = ? THEN l.to_id "  \
                  "ELSE l.from_id END LEFT JOIN incidents ti ON ti.id = t.incident_id WHERE l.from_id = ? "  \
                  "OR l.to_id = ? ORDER BY l.id")                                                            \
    X(KPRB_INCIDENTS_SINCE,                                                                                  \
      "SELECT COUNT(*) FROM record_links l JOIN records f ON f.id = l.from_id WHERE l.to_id = ? "            \
      "AND l.kind = 'caused_by' AND f.kind = 'incident' AND f.created_at >= ?")

#endif
