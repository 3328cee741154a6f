/* problem.c — see problem.h. */
#include "core/problem.h"

#include <string.h>

int64_t od_prb_recur_since(int64_t now)
{
    return now - OD_PRB_RECUR_WINDOW_MS;
}

bool od_prb_workaround_required(const char *urgency, int64_t recent_incidents)
{
    return (urgency && strcmp(urgency, "high") == 0) || recent_incidents >= OD_PRB_RECUR_COUNT;
}
