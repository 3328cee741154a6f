/* scope.h — department scope (R-SEC-SYS-2: role-based access scoped by
 * organisation unit): whether a principal with a list of departments may
 * see or act on a record of a department, or on a record spanning several
 * (an incident).  The caller parses; this decides.  Pure, thread-safe. */
#ifndef OD_SCOPE_H
#define OD_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

/* A principal's scope.  everything: the system itself, or an account
 * without scopes (n == 0).  depts are borrowed. */
typedef struct od_scope {
    bool everything;
    size_t n;
    const char *const *depts;
} od_scope;

/* True if the scope covers `department` (NULL counts as ""): exact,
 * case-sensitive names. */
bool od_scope_allows(const od_scope *s, const char *department);
/* True if the scope covers any one of departments[0..n) (an incident's
 * departments); a record of no department is seen only by an unscoped
 * principal. */
bool od_scope_allows_any(const od_scope *s, const char *const *departments, size_t n);

#endif
