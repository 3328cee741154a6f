/* placeholder.h — placeholders in checklist item texts (modules-spec §1.6:
 * "templates with placeholders"): `{{record.number}}`, `{{ci.name}}`, …,
 * spaces allowed inside the braces (`{{ ci.name }}`).  A template's texts
 * are checked when the policy loads (an unknown placeholder, or `{{`
 * without `}}`, is refused) and expanded by the app when a checklist
 * opens.  Pure: no I/O, no clock, no allocation. */
#ifndef OD_CORE_PLACEHOLDER_H
#define OD_CORE_PLACEHOLDER_H

#include <stdbool.h>
#include <stddef.h>

/* The placeholders a checklist text may use, NULL-terminated:
 * record.number, record.title, record.kind,
 * record.department, record.priority, ci.name (the record's first CI by
 * id), ci.names (every CI's name, "、"-separated). */
extern const char *const od_ph_names[];
bool od_ph_known(const char *name, size_t len);

typedef enum od_ph_status {
    OD_PH_OK = 0,
    OD_PH_UNKNOWN,   /* a placeholder not in od_ph_names (its name in bad) */
    OD_PH_UNCLOSED,  /* "{{" without a following "}}" */
    OD_PH_MALFORMED, /* "{{ }}" or a name with a character outside [a-z0-9_.] (the text in bad) */
} od_ph_status;

/* Checks every placeholder of s; on a problem, the first one's name (or
 * text), cut to n - 1 bytes, into bad (may be NULL). */
od_ph_status od_ph_check(const char *s, char *bad, size_t n);

/* The value of a placeholder; NULL = leave the placeholder as written. */
typedef const char *(*od_ph_lookup)(void *ctx, const char *name);

/* s with each well-formed placeholder replaced by lookup's value, into out
 * (n bytes, always terminated when n > 0; cut on a UTF-8 character
 * boundary).  False when the result did not fit. */
bool od_ph_expand(const char *s, od_ph_lookup lookup, void *ctx, char *out, size_t n);

#endif
