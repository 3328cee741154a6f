/* queries_assignable.h — the problem pickers: the assignee picker
 * (src/app/problem_assignable.c: the enabled holders of the problem roles
 * with their department scopes) and the problem search of the known-error
 * form (src/app/problems.c: number or title, newest first). */
#ifndef OD_QUERIES_ASSIGNABLE_H
#define OD_QUERIES_ASSIGNABLE_H

#define OD_QUERY_LIST_ASSIGNABLE(X)                                                                          \
    X(PRB_ASSIGNABLE, "SELECT id, username, display_name, department, scopes FROM users WHERE disabled = 0 " \
                      "AND (roles & ?) != 0 ORDER BY id")

#endif
