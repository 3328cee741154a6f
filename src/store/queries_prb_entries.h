/* queries_prb_entries.h — the statements of problem entries (migration
 * 0040; src/app/problem_entries.c). */
#ifndef OD_QUERIES_PRB_ENTRIES_H
#define OD_QUERIES_PRB_ENTRIES_H

#define OD_QUERY_LIST_PRB_ENTRIES(X)                                                                         \
    X(PRBE_INSERT, "INSERT INTO problem_entries(record_id, kind, body, review, author_id, created_at) "      \
                   "VALUES(?,?,?,?,?,?)")                                                                    \
    /* newest first (binds: record, limit, offset) */                                                        \
    X(PRBE_LIST, "SELECT e.id, e.kind, e.body, e.review, e.author_id, COALESCE(u.username, ''), "            \
                 "e.created_at FROM problem_entries e LEFT JOIN users u ON u.id = e.author_id WHERE "        \
                 "e.record_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?")                   \
    X(PRBE_COUNT, "SELECT COUNT(*) FROM problem_entries WHERE record_id = ?")                                \
    X(PRBE_REVIEWS, "SELECT COUNT(*) FROM problem_entries WHERE record_id = ? AND kind = 'review'")

#endif
