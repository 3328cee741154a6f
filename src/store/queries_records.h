/* queries_records.h — the statements of the workflow kernel's record
 * registry (migration 0012; src/app/records.c, committees.c): records,
 * their links, CIs, timeline, and the read views of clocks, approval rounds
 * and checklists; committees.  A record of kind incident shows its
 * incident's live state, title and departments (the incident tables stay
 * the source of truth for them).  Record columns, in order (app/records.c
 * rec_json): id, kind, number, title, state, impact, urgency, priority,
 * tier, assignee_id, group_key, department, requester_id, created_by,
 * incident_id, drill, created_at, updated_at, closed_at, version, the
 * incident's departments. */
#ifndef OD_QUERIES_RECORDS_H
#define OD_QUERIES_RECORDS_H

#define OD_QUERY_LIST_RECORDS(X)                                                                             \
    X(REC_INSERT, "INSERT INTO records(kind, number, title, state, impact, urgency, priority, tier, "        \
                  "assignee_id, group_key, department, requester_id, created_by, incident_id, drill, "       \
                  "created_at, updated_at, version) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)")            \
    X(REC_GET, "SELECT r.id, r.kind, r.number, COALESCE(i.title, r.title), COALESCE(i.state, r.state), "     \
               "r.impact, r.urgency, r.priority, r.tier, r.assignee_id, r.group_key, r.department, "         \
               "r.requester_id, r.created_by, r.incident_id, r.drill, r.created_at, "                        \
               "COALESCE(i.updated_at, r.updated_at), COALESCE(i.closed_at, r.closed_at), r.version, "       \
               "COALESCE(i.departments, '') FROM records r LEFT JOIN incidents i ON i.id = r.incident_id "   \
               "WHERE r.id = ?")                                                                             \
    X(REC_OF_INCIDENT, "SELECT id FROM records WHERE incident_id = ?")                                       \
    X(REC_BY_NUMBER, "SELECT r.id, r.kind FROM records r WHERE r.number = ?")                                \
    X(REC_UPDATE, "UPDATE records SET title = ?, impact = ?, urgency = ?, priority = ?, tier = ?, "          \
                  "assignee_id = ?, group_key = ?, department = ?, requester_id = ?, updated_at = ?, "       \
                  "version = version + 1 WHERE id = ? AND version = ?")                                      \
    X(REC_SET_STATE, "UPDATE records SET state = ?, closed_at = ?, updated_at = ?, version = version + 1 "   \
                     "WHERE id = ? AND version = ?")                                                         \
    X(REC_VERSION, "SELECT version FROM records WHERE id = ?")                                               \
    X(REC_TOUCH, "UPDATE records SET updated_at = ? WHERE id = ?")                                           \
    X(REC_USER_ACTIVE, "SELECT COUNT(*) FROM users WHERE id = ? AND disabled = 0")                           \
    /* links: both directions of one record, with each side's number, title and scope */                     \
    X(RLINK_INSERT, "INSERT INTO record_links(from_id, to_id, kind, to_kind, to_ref, state, created_by, "    \
                    "created_at) VALUES(?,?,?,?,?,?,?,?)")                                                   \
    X(RLINK_LIST, "SELECT l.id, l.from_id, l.to_id, l.kind, l.to_kind, l.to_ref, l.state, l.created_by, "    \
                  "l.created_at, f.kind, f.number, COALESCE(fi.title, f.title), f.department, "              \
                  "COALESCE(fi.departments, ''), t.number, COALESCE(ti.title, t.title), t.department, "      \
                  "COALESCE(ti.departments, ''), COALESCE(ti.state, t.state) FROM record_links l "           \
                  "JOIN records f ON f.id = l.from_id LEFT JOIN incidents fi ON fi.id = f.incident_id "      \
                  "LEFT JOIN records t ON t.id = l.to_id LEFT JOIN incidents ti ON ti.id = t.incident_id "   \
                  "WHERE l.from_id = ? OR l.to_id = ? ORDER BY l.id")                                        \
    X(RLINK_GET, "SELECT id, from_id, to_id, kind, to_kind, to_ref, state FROM record_links WHERE id = ?")   \
    X(RLINK_DELETE, "DELETE FROM record_links WHERE id = ? AND from_id = ?")                                 \
    /* a record of a kind now served takes over the pending links made to its number */                      \
    X(RLINK_RESOLVE, "UPDATE record_links SET to_id = ?, state = 'active' WHERE state = 'pending' AND "      \
                     "to_kind = ? AND to_ref = ?")                                                           \
    /* CIs: the record's own, and for an incident record its incident's (role affected) */                   \
    X(RCI_INSERT, "INSERT INTO record_cis(record_id, ci_id, role, created_by, created_at) "                  \
                  "VALUES(?,?,?,?,?) ON CONFLICT(record_id, ci_id, role) DO NOTHING")                        \
    X(RCI_DELETE, "DELETE FROM record_cis WHERE record_id = ? AND ci_id = ? AND (? = '' OR role = ?)")       \
    X(RCI_LIST, "SELECT c.id, c.name, c.category, c.grade, c.department, rc.role, 'record' AS src "          \
                "FROM record_cis rc JOIN cis c ON c.id = rc.ci_id WHERE rc.record_id = ? UNION ALL "         \
                "SELECT c.id, c.name, c.category, c.grade, c.department, 'affected', 'incident' "            \
                "FROM records r JOIN incident_cis ic ON ic.incident_id = r.incident_id JOIN cis c "          \
                "ON c.id = ic.ci_id WHERE r.id = ? ORDER BY 1, 6, 7")                                        \
    X(RCI_CI_DEPT, "SELECT department FROM cis WHERE id = ?")                                                \
    /* timeline: the record's own entries, and for an incident record its incident's */                      \
    X(RTL_INSERT, "INSERT INTO record_timeline(record_id, at, actor, kind, text, data) "                     \
                  "VALUES(?,?,?,?,?,?)")                                                                     \
    X(RTL_LIST, "SELECT at, actor, kind, text, data, 'record' AS src, id FROM record_timeline WHERE "        \
                "record_id = ? UNION ALL SELECT t.at, t.actor, t.kind, t.text, t.data, 'incident', t.id "    \
                "FROM incident_timeline t JOIN records r ON r.incident_id = t.incident_id WHERE r.id = ? "   \
                "ORDER BY 1, 6, 7")                                                                          \
    /* read views of what the kernel's effects write */                                                      \
    X(RCLK_LIST, "SELECT id, name, target_ms, calendar, state, started_at, paused_at, paused_total_ms, "     \
                 "stopped_at, due_at, breached_at FROM record_clocks WHERE record_id = ? ORDER BY id")       \
    X(APR_ROUNDS, "SELECT id, round, state, opened_by, opened_at, closed_at FROM approval_rounds WHERE "     \
                  "record_id = ? ORDER BY round")                                                            \
    X(APR_STEPS, "SELECT s.id, s.round_id, s.step_key, s.ord, s.approvers, s.mode, s.quorum_count, "         \
                 "s.quorum_percent, s.due_at, s.state, s.decided_at FROM approval_steps s JOIN "             \
                 "approval_rounds r ON r.id = s.round_id WHERE r.record_id = ? ORDER BY r.round, s.ord, "    \
                 "s.id")                                                                                     \
    X(APR_VOTES, "SELECT v.step_id, v.user_id, COALESCE(u.username, ''), v.on_behalf_of, v.decision, "       \
                 "v.comment, v.channel, v.at FROM approval_votes v JOIN approval_steps s ON s.id = "         \
                 "v.step_id JOIN approval_rounds r ON r.id = s.round_id LEFT JOIN users u ON u.id = "        \
                 "v.user_id WHERE r.record_id = ? ORDER BY v.id")                                            \
    X(CKL_INSTANCES, "SELECT id, phase, template_key, template_version, state, opened_at, completed_at, "    \
                     "texts FROM checklist_instances WHERE record_id = ? ORDER BY id")                       \
    X(CKL_RESULTS, "SELECT x.instance_id, x.item_key, x.value, x.passed, x.by_id, x.at, x.evidence, "        \
                   "x.finding_record_id, x.note, x.finding FROM checklist_results x JOIN "                   \
                   "checklist_instances i ON i.id = x.instance_id WHERE i.record_id = ? ORDER BY x.id")      \
    /* committees (§1.7) */                                                                                 \
    X(CMT_INSERT, "INSERT INTO committees(key, name_zh, name_en, chair_id, quorum, created_at, "             \
                  "updated_at) VALUES(?,?,?,?,?,?,?)")                                                       \
    X(CMT_GET, "SELECT id, key, name_zh, name_en, chair_id, quorum, created_at, updated_at FROM "            \
               "committees WHERE id = ?")                                                                    \
    X(CMT_LIST, "SELECT id FROM committees ORDER BY id LIMIT ? OFFSET ?")                                    \
    X(CMT_COUNT, "SELECT COUNT(*) FROM committees")                                                          \
    X(CMT_UPDATE, "UPDATE committees SET name_zh = ?, name_en = ?, chair_id = ?, quorum = ?, "               \
                  "updated_at = ? WHERE id = ?")                                                             \
    X(CMT_DELETE, "DELETE FROM committees WHERE id = ?")                                                     \
    X(CMT_MEMBERS_CLEAR, "DELETE FROM committee_members WHERE committee_id = ?")                             \
    X(CMT_MEMBER_INSERT, "INSERT INTO committee_members(committee_id, user_id, role) VALUES(?,?,?)")         \
    X(CMT_MEMBERS, "SELECT m.user_id, u.username, u.display_name, m.role FROM committee_members m "          \
                   "JOIN users u ON u.id = m.user_id WHERE m.committee_id = ? ORDER BY CASE m.role "         \
                   "WHEN 'chair' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, m.user_id")

#endif
