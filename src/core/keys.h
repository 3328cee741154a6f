/* keys.h — every vocabulary of core (grades, severities, states, roles,
 * message kinds, CMDB environments …) is a table of stable keys indexed by
 * its enum; these two functions are the one way to read and parse such a
 * table.  Pure, header-only. */
#ifndef OD_CORE_KEYS_H
#define OD_CORE_KEYS_H

#include <string.h>

/* The key of value i, or "?" when i is outside the table. */
static inline const char *od_key_name(const char *const *keys, int n, int i)
{
    return i >= 0 && i < n ? keys[i] : "?";
}

/* The value whose key is s, or -1 (s NULL or unknown). */
static inline int od_key_parse(const char *const *keys, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(keys[i], s) == 0)
            return i;
    return -1;
}

#endif
