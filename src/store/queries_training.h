/* queries_training.h — the statements of training records and readiness
 * (migration 0026; src/app/training.c).  Training columns, in order
 * (TRN_GET, TRN_LIST): id, user_id, username, display_name, topic, minutes,
 * held_at, plan_id, created_by, created_at. */
#ifndef OD_QUERIES_TRAINING_H
#define OD_QUERIES_TRAINING_H

#define OD_QUERY_LIST_TRAINING(X)                                                                            \
    X(TRN_INSERT,                                                                                            \
      "INSERT INTO trainings(user_id, topic, minutes, held_at, plan_id, created_by, created_at) "            \
      "VALUES(?,?,?,?,?,?,?)")                                                                               \
    X(TRN_GET, "SELECT t.id, t.user_id, u.username, u.display_name, t.topic, t.minutes, t.held_at, "         \
               "t.plan_id, t.created_by, t.created_at FROM trainings t JOIN users u ON u.id = t.user_id "    \
               "WHERE t.id = ?")                                                                             \
    /* newest first; binds: user_id, user_id (0 = everyone), limit, offset */                                \
    X(TRN_LIST, "SELECT t.id, t.user_id, u.username, u.display_name, t.topic, t.minutes, t.held_at, "        \
                "t.plan_id, t.created_by, t.created_at FROM trainings t JOIN users u ON u.id = t.user_id "   \
                "WHERE (? = 0 OR t.user_id = ?) ORDER BY t.held_at DESC, t.id DESC LIMIT ? OFFSET ?")        \
    X(TRN_COUNT, "SELECT COUNT(*) FROM trainings WHERE (? = 0 OR user_id = ?)")                              \
    /* the user a training is for: id, disabled */                                                           \
    X(TRN_USER, "SELECT id, disabled FROM users WHERE id = ?")                                               \
    /* the record a training's plan_id names: its kind */                                                    \
    X(TRN_PLAN_KIND, "SELECT kind FROM records WHERE id = ?")                                                \
    /* readiness: every enabled user with the trainings held in [from, to],                                  \
     * one row per training (held_at, minutes NULL when none), by user */                                    \
    X(TRN_READINESS, "SELECT u.id, u.username, u.display_name, u.roles, t.held_at, t.minutes FROM users u "  \
                     "LEFT JOIN trainings t ON t.user_id = u.id AND t.held_at >= ? AND t.held_at <= ? "      \
                     "WHERE u.disabled = 0 ORDER BY u.id, t.held_at")                                        \
    /* hours per person in a year: every enabled user with the minutes of the                                \
     * trainings held in [from, to) (0 when none), by user; binds: from, to */                               \
    X(TRN_YEAR_MINUTES, "SELECT u.id, u.username, u.display_name, u.department, "                            \
                        "CAST(COALESCE(SUM(t.minutes), 0) AS BIGINT) FROM users u LEFT JOIN trainings t "    \
                        "ON t.user_id = u.id AND t.held_at >= ? AND t.held_at < ? WHERE u.disabled = 0 "     \
                        "GROUP BY u.id, u.username, u.display_name, u.department ORDER BY u.id")

#endif
