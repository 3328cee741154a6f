/* calendar_import.h — `opsdesk calendar import FILE`: a yearly list of
 * public holidays and 调休 make-up working days, as the State Council
 * publishes it each autumn, parsed into a calendar's special days, and
 * what importing it would change.  Formats:
 *   YAML  a list of {date: 2027-01-01, to: 2027-01-03, type: holiday,
 *         name: 元旦} (the `days:` entries of a policy calendar), or a
 *         mapping with that list under `days:`;
 *   CSV   one day a line: date,type[,name] — '#' comments, blank lines and
 *         a header line "date,type,name" are skipped.
 * Findings come with their line like the policy loader's.  No global state;
 * od_calendar_import_buffer() is a fuzz entry point. */
#ifndef OD_POLICY_CALENDAR_IMPORT_H
#define OD_POLICY_CALENDAR_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "core/calendar.h"
#include "policy/policy_load.h"

#define OD_CAL_IMPORT_MAX (64 * 1024) /* bytes */

/* Parses len bytes at buf into out->days and out->years (out is cleared
 * first).  OD_E_INVALID with every finding in diags (may be NULL),
 * OD_E_TOO_LARGE past OD_CAL_IMPORT_MAX, OD_E_NOMEM. */
OD_NODISCARD od_err od_calendar_import_buffer(const char *buf, size_t len, od_calendar *out,
                                              od_policy_diags *diags);

/* Writes to f what importing imp into cur would change — each day added or
 * changed, and each day of cur in one of imp's years that imp no longer
 * lists (the import replaces whole years) — and returns how many. */
size_t od_calendar_import_diff(FILE *f, const od_calendar *cur, const od_calendar *imp);

#endif
