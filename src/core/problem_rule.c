/* problem_rule.c — the proactive problem candidate rules (problem_rule.h).
 * Pure. */
#include "core/problem_rule.h"

#include <stddef.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

static const char *const keys[OD_PCR__COUNT] = {"ci_recurrence", "r1_recurrence", "event_rule_recurrence"};

void od_pcr_defaults(od_pcr_policy *p)
{
    p->rule[OD_PCR_CI] = (od_pcr_rule){true, 3, 30 * DAY_MS};
    p->rule[OD_PCR_R1] = (od_pcr_rule){true, 2, 90 * DAY_MS};
    p->rule[OD_PCR_EVENT_RULE] = (od_pcr_rule){true, 3, 30 * DAY_MS};
}

const char *od_pcr_key(int k)
{
    return k >= 0 && k < OD_PCR__COUNT ? keys[k] : NULL;
}

int od_pcr_parse(const char *s)
{
    for (int k = 0; s && k < OD_PCR__COUNT; k++)
        if (strcmp(s, keys[k]) == 0)
            return k;
    return -1;
}

int64_t od_pcr_window_from(const od_pcr_rule *r, int64_t now)
{
    return now - r->window_ms;
}

bool od_pcr_in_window(const od_pcr_rule *r, int64_t at, int64_t now)
{
    return at >= od_pcr_window_from(r, now) && at <= now;
}

bool od_pcr_fires(const od_pcr_rule *r, int64_t count)
{
    return r->enabled && count >= r->min_incidents;
}

int64_t od_pcr_window_days(const od_pcr_rule *r)
{
    return r->window_ms / DAY_MS;
}
