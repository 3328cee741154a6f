/* queries_prb_entries.h — the statements of problem entries (migration
 * 0040, edits and revisions 0044; src/app/problem_entries.c). */
#ifndef OD_QUERIES_PRB_ENTRIES_H
#define OD_QUERIES_PRB_ENTRIES_H

#define OD_QUERY_LIST_PRB_ENTRIES(X)                                                                         \
    X(PRBE_INSERT, "INSERT INTO problem_entries(record_id, kind, body, review, author_id, created_at) "      \
                   "VALUES(?,?,?,?,?,?)")                                                                    \
    /* newest first (binds: record, limit, offset) */                                                        \
    X(PRBE_LIST,                                                                                             \
      "SELECT e.id, e.kind, e.body, e.review, e.author_id, COALESCE(u.username, ''), "                       \
      "e.created_at, e.version, e.edited_at, v.username FROM problem_entries e LEFT JOIN users u "           \
      "ON u.id = e.author_id LEFT JOIN users v ON v.id = e.edited_by WHERE e.record_id = ? ORDER "           \
      "BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?")                                                    \
    X(PRBE_COUNT, "SELECT COUNT(*) FROM problem_entries WHERE record_id = ?")                                \
    X(PRBE_REVIEWS, "SELECT COUNT(*) FROM problem_entries WHERE record_id = ? AND kind = 'review'")          \
    /* one entry of a record, the columns of PRBE_LIST (binds: entry, record) */                             \
    X(PRBE_GET, "SELECT e.id, e.kind, e.body, e.review, e.author_id, COALESCE(u.username, ''), "             \
                "e.created_at, e.version, e.edited_at, v.username FROM problem_entries e LEFT JOIN users u " \
                "ON u.id = e.author_id LEFT JOIN users v ON v.id = e.edited_by WHERE e.id = ? AND "          \
                "e.record_id = ?")                                                                           \
    /* the newest entry of a kind (binds: record, kind) */                                                   \
    X(PRBE_NEWEST_OF, "SELECT id FROM problem_entries WHERE record_id = ? AND kind = ? ORDER BY "            \
                      "created_at DESC, id DESC LIMIT 1")                                                    \
    /* an edit (migration 0044): the text replaced kept first, then the entry */                             \
    X(PRBE_REV_INSERT, "INSERT INTO problem_entry_revisions(entry_id, record_id, version, body, review, "    \
                       "replaced_by, replaced_at, reason) VALUES(?,?,?,?,?,?,?,?)")                          \
    X(PRBE_UPDATE, "UPDATE problem_entries SET body = ?, review = ?, version = version + 1, edited_at = ?, " \
                   "edited_by = ? WHERE id = ? AND version = ?")                                             \
    /* the texts a record's entries had, per entry oldest first (binds: record) */                           \
    X(PRBE_REVS, "SELECT r.entry_id, r.version, r.body, r.review, u.username, r.replaced_at, r.reason "      \
                 "FROM problem_entry_revisions r LEFT JOIN users u ON u.id = r.replaced_by WHERE "           \
                 "r.record_id = ? ORDER BY r.entry_id, r.version")

#endif
