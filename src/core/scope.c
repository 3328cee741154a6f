/* scope.c — department scope decisions (R-SEC-SYS-2); see scope.h. */
#include "scope.h"

#include <string.h>

bool od_scope_allows(const od_scope *s, const char *department)
{
    if (s->everything)
        return true;
    const char *d = department ? department : "";
    for (size_t i = 0; i < s->n; i++)
        if (s->depts[i] && strcmp(s->depts[i], d) == 0)
            return true;
    return false;
}

bool od_scope_allows_any(const od_scope *s, const char *const *departments, size_t n)
{
    if (s->everything)
        return true;
    for (size_t i = 0; i < n; i++)
        if (od_scope_allows(s, departments[i]))
            return true;
    return false;
}
