/* report_due.c — the dashboard's report-tile rule (see report_due.h). */
#include "core/report_due.h"

#include <string.h>

static const char *const STATES[OD_RPT_STATE__COUNT] = {"draft", "filed", "reviewed", "distributed"};
static const char *const TODOS[OD_RPT_TODO__COUNT] = {"none", "unfiled_overdue", "unreviewed_overdue",
                                                      "undistributed"};

const char *od_report_state_key(od_report_state s)
{
    return (unsigned)s < OD_RPT_STATE__COUNT ? STATES[s] : "?";
}

int od_report_state_parse(const char *s)
{
    for (int i = 0; s && i < OD_RPT_STATE__COUNT; i++)
        if (!strcmp(s, STATES[i]))
            return i;
    return -1;
}

const char *od_report_todo_key(od_report_todo t)
{
    return (unsigned)t < OD_RPT_TODO__COUNT ? TODOS[t] : "?";
}

od_report_todo od_report_todo_at(od_report_state s, int64_t file_due_at, int64_t review_due_at,
                                 bool superseded, int64_t now)
{
    switch (s) {
    case OD_RPT_DRAFT:
        return !superseded && file_due_at != OD_NO_TIME && now >= file_due_at ? OD_RPT_TODO_UNFILED_OVERDUE
                                                                              : OD_RPT_TODO_NONE;
    case OD_RPT_FILED:
        return review_due_at != OD_NO_TIME && now >= review_due_at ? OD_RPT_TODO_UNREVIEWED_OVERDUE
                                                                   : OD_RPT_TODO_NONE;
    case OD_RPT_REVIEWED:
        return OD_RPT_TODO_UNDISTRIBUTED;
    default:
        return OD_RPT_TODO_NONE;
    }
}
