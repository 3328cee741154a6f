/* queries_courses.h — the statements of training courses and sessions
 * (migration 0042; src/app/courses.c).  Portable SQL.
 * Course columns, in order (CRS_GET, CRS_LIST): id, title, minutes,
 * positions (JSON array of keys), description, validity_months, active,
 * created_by, created_at, updated_at.
 * Session columns (SES_GET, SES_LIST, SES_ALL): id, course_id, course
 * title, course minutes, starts_at, ends_at, trainer_id, trainer username,
 * trainer display_name, location, materials, results_at, results_by,
 * created_by, created_at, attendee count, trainer department.
 * Attendee columns (ATT_LIST): user_id, username, display_name, department,
 * attended, assessment, score. */
#ifndef OD_QUERIES_COURSES_H
#define OD_QUERIES_COURSES_H

#define OD_QUERY_LIST_COURSES(X)                                                                             \
    X(CRS_INSERT, "INSERT INTO training_courses(title, minutes, positions, description, validity_months, "   \
                  "active, created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?)")                   \
    X(CRS_GET, "SELECT id, title, minutes, positions, description, validity_months, active, created_by, "    \
               "created_at, updated_at FROM training_courses WHERE id = ?")                                  \
    /* binds: active_only, limit, offset; by title, then id */                                               \
    X(CRS_LIST, "SELECT id, title, minutes, positions, description, validity_months, active, created_by, "   \
                "created_at, updated_at FROM training_courses WHERE (? = 0 OR active = 1) "                  \
                "ORDER BY title, id LIMIT ? OFFSET ?")                                                       \
    X(CRS_COUNT, "SELECT COUNT(*) FROM training_courses WHERE (? = 0 OR active = 1)")                        \
    /* binds: title, minutes, positions, description, validity_months, active,                               \
     * updated_at, id */                                                                                     \
    X(CRS_UPDATE, "UPDATE training_courses SET title = ?, minutes = ?, positions = ?, description = ?, "     \
                  "validity_months = ?, active = ?, updated_at = ? WHERE id = ?")                            \
    X(SES_INSERT, "INSERT INTO training_sessions(course_id, starts_at, ends_at, trainer_id, location, "      \
                  "materials, created_by, created_at) VALUES(?,?,?,?,?,?,?,?)")                              \
    X(SES_GET,                                                                                               \
      "SELECT s.id, s.course_id, c.title, c.minutes, s.starts_at, s.ends_at, s.trainer_id, u.username, "     \
      "u.display_name, s.location, s.materials, s.results_at, s.results_by, s.created_by, s.created_at, "    \
      "(SELECT COUNT(*) FROM training_attendees a WHERE a.session_id = s.id), u.department "                 \
      "FROM training_sessions s JOIN training_courses c ON c.id = s.course_id JOIN users u ON "              \
      "u.id = s.trainer_id "                                                                                 \
      "WHERE s.id = ?")                                                                                      \
    /* newest first; binds: course_id, course_id (0 = every course), limit, offset */                        \
    X(SES_LIST,                                                                                              \
      "SELECT s.id, s.course_id, c.title, c.minutes, s.starts_at, s.ends_at, s.trainer_id, u.username, "     \
      "u.display_name, s.location, s.materials, s.results_at, s.results_by, s.created_by, s.created_at, "    \
      "(SELECT COUNT(*) FROM training_attendees a WHERE a.session_id = s.id), u.department "                 \
      "FROM training_sessions s JOIN training_courses c ON c.id = s.course_id JOIN users u ON "              \
      "u.id = s.trainer_id "                                                                                 \
      "WHERE (? = 0 OR s.course_id = ?) ORDER BY s.starts_at DESC, s.id DESC "                               \
      "LIMIT ? OFFSET ?")                                                                                    \
    X(SES_COUNT, "SELECT COUNT(*) FROM training_sessions WHERE (? = 0 OR course_id = ?)")                    \
    /* a scoped reader's list: every session of course_id (0 = all), newest first */                         \
    X(SES_ALL,                                                                                               \
      "SELECT s.id, s.course_id, c.title, c.minutes, s.starts_at, s.ends_at, s.trainer_id, u.username, "     \
      "u.display_name, s.location, s.materials, s.results_at, s.results_by, s.created_by, s.created_at, "    \
      "(SELECT COUNT(*) FROM training_attendees a WHERE a.session_id = s.id), u.department "                 \
      "FROM training_sessions s JOIN training_courses c ON c.id = s.course_id JOIN users u ON "              \
      "u.id = s.trainer_id "                                                                                 \
      "WHERE (? = 0 OR s.course_id = ?) ORDER BY s.starts_at DESC, s.id DESC")                               \
    /* the departments of the attendees of every session (scoped readers) */                                 \
    X(SES_ATT_DEPTS, "SELECT a.session_id, u.department FROM training_attendees a JOIN users u ON "          \
                     "u.id = a.user_id")                                                                     \
    /* binds: results_at, results_by, id */                                                                  \
    X(SES_RESULTS_MARK, "UPDATE training_sessions SET results_at = ?, results_by = ? WHERE id = ?")          \
    X(ATT_INSERT, "INSERT INTO training_attendees(session_id, user_id) VALUES(?,?)")                         \
    X(ATT_LIST, "SELECT a.user_id, u.username, u.display_name, u.department, a.attended, a.assessment, "     \
                "a.score FROM training_attendees a JOIN users u ON u.id = a.user_id WHERE "                  \
                "a.session_id = ? ORDER BY a.user_id")                                                       \
    /* binds: attended, assessment, score (NULL = none), session_id, user_id */                              \
    X(ATT_SET, "UPDATE training_attendees SET attended = ?, assessment = ?, score = ? WHERE "                \
               "session_id = ? AND user_id = ?")                                                             \
    /* the training record of an attendee who attended: one per session and                                  \
     * person, so recording results again updates it, never adds hours;                                      \
     * binds: user_id, topic, minutes, held_at, created_by, created_at, session_id */                        \
    X(TRN_SES_UPSERT, "INSERT INTO trainings(user_id, topic, minutes, held_at, created_by, created_at, "     \
                      "session_id) VALUES(?,?,?,?,?,?,?) ON CONFLICT(session_id, user_id) DO UPDATE SET "    \
                      "topic = excluded.topic, minutes = excluded.minutes, held_at = excluded.held_at")      \
    /* binds: session_id, user_id */                                                                         \
    X(TRN_SES_DELETE, "DELETE FROM trainings WHERE session_id = ? AND user_id = ?")                          \
    /* a session's certificate for one position of a passed course; binds:                                   \
     * user_id, position, name, number, issued_at, expires_at, created_by,                                   \
     * created_at, session_id */                                                                             \
    X(CERT_SES_INSERT,                                                                                       \
      "INSERT INTO certificates(user_id, position, name, issuer, number, issued_at, "                        \
      "expires_at, created_by, created_at, session_id) VALUES(?,?,?,'opsdesk',?,?,?,?,?,?)")                 \
    /* binds: session_id, user_id */                                                                         \
    X(CERT_SES_DELETE, "DELETE FROM certificates WHERE session_id = ? AND user_id = ?")                      \
    /* the count of a session's certificates (tests, the results answer); binds: session_id */               \
    X(CERT_SES_COUNT, "SELECT COUNT(*) FROM certificates WHERE session_id = ?")

#endif
