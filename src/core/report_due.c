/* report_due.c — O&M report run states, moves and the dashboard's report
 * tile rule (see report_due.h). */
#include "core/report_due.h"

#include <string.h>

static const char *const STATES[OD_RPT_STATE__COUNT] = {"draft", "under_review", "filed", "distributed"};
static const char *const ACTIONS[OD_RPT_ACTION__COUNT] = {"submit", "return", "file", "distribute"};

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

const char *od_report_action_key(od_report_action a)
{
    return (unsigned)a < OD_RPT_ACTION__COUNT ? ACTIONS[a] : "?";
}

static od_report_step refuse(int status, const char *what)
{
    return (od_report_step){.status = status, .to = OD_RPT_STATE__COUNT, .what = what};
}

od_report_step od_report_step_of(od_report_state from, od_report_action a, const od_report_actor *x)
{
    switch (a) {
    case OD_RPT_SUBMIT:
        if (from != OD_RPT_DRAFT)
            return refuse(409, "state");
        if (!x->sections_complete)
            return refuse(422, "sections");
        return (od_report_step){.status = 0, .to = OD_RPT_UNDER_REVIEW, .what = NULL};
    case OD_RPT_RETURN:
        if (from != OD_RPT_UNDER_REVIEW)
            return refuse(409, "state");
        if (!x->reviewer)
            return refuse(403, "reviewer");
        if (!x->note)
            return refuse(422, "note");
        return (od_report_step){.status = 0, .to = OD_RPT_DRAFT, .what = NULL};
    case OD_RPT_FILE:
        if (from != OD_RPT_UNDER_REVIEW)
            return refuse(409, "state");
        if (!x->reviewer)
            return refuse(403, "reviewer");
        if (x->author) /* actor_not: the reviewer is not the author */
            return refuse(403, "author");
        return (od_report_step){.status = 0, .to = OD_RPT_FILED, .what = NULL};
    case OD_RPT_DISTRIBUTE:
        if (from != OD_RPT_FILED)
            return refuse(409, "state");
        if (!x->lead)
            return refuse(403, "lead");
        return (od_report_step){.status = 0, .to = OD_RPT_DISTRIBUTED, .what = NULL};
    default:
        return refuse(409, "state");
    }
}

unsigned od_report_todo_at(od_report_state s, int64_t file_due_at, int64_t review_due_at, bool superseded,
                           int64_t now)
{
    unsigned t = 0;
    if ((s == OD_RPT_DRAFT || s == OD_RPT_UNDER_REVIEW) && !superseded && file_due_at != OD_NO_TIME &&
        now >= file_due_at)
        t |= OD_RPT_TODO_UNFILED_OVERDUE;
    if (s == OD_RPT_UNDER_REVIEW && review_due_at != OD_NO_TIME && now >= review_due_at)
        t |= OD_RPT_TODO_UNREVIEWED_OVERDUE;
    if (s == OD_RPT_FILED)
        t |= OD_RPT_TODO_UNDISTRIBUTED;
    return t;
}
