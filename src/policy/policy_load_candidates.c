/* policy_load_candidates.c — the `problem_candidates:` section
 * (core/problem_rule.h; R-PRB-5, modules-spec §M2.3): per rule
 * (ci_recurrence, r1_recurrence, event_rule_recurrence) `min_incidents`
 * (2–1000), `within` (a duration, 1d–366d) and `enabled` (true/false).
 * Keys and rules left out keep their defaults. */
#include "core/problem_rule.h"
#include "policy/policy_load_int.h"

#include <stdio.h>

enum { PC_MIN, PC_WITHIN, PC_ENABLED, PC__COUNT };

static void load_rule(ctx *c, od_pcr_rule *r, const char *key, const node *v)
{
    char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    snprintf(path, sizeof path, "problem_candidates.%s", key);
    fields f = {.what = "key", .names = {"min_incidents", "within", "enabled"}, .n = PC__COUNT};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    if (f.val[PC_MIN]) {
        od_pl_sub(sub, path, "min_incidents");
        od_pl_get_int(c, f.val[PC_MIN], sub, OD_PCR_MIN_INCIDENTS_MIN, OD_PCR_MIN_INCIDENTS_MAX,
                      &r->min_incidents);
    }
    if (f.val[PC_WITHIN]) {
        od_pl_sub(sub, path, "within");
        int64_t ms = -1;
        od_pl_get_duration(c, f.val[PC_WITHIN], sub, false, &ms);
        if (ms >= 0 && (ms < OD_PCR_WINDOW_MIN_MS || ms > OD_PCR_WINDOW_MAX_MS))
            od_pl_diag(c, f.val[PC_WITHIN]->line, f.val[PC_WITHIN]->col,
                       "%s: must be from 1d to 366d (近期窗口须在 1 天到 366 天之间)", sub);
        else if (ms >= 0)
            r->window_ms = ms;
    }
    if (f.val[PC_ENABLED]) {
        od_pl_sub(sub, path, "enabled");
        od_pl_get_bool(c, f.val[PC_ENABLED], sub, &r->enabled);
    }
}

void od_pl_load_candidates(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "rule", .n = OD_PCR__COUNT};
    for (int k = 0; k < OD_PCR__COUNT; k++)
        f.names[k] = od_pcr_key(k);
    if (!od_pl_map_fields(c, v, "problem_candidates", &f))
        return;
    for (int k = 0; k < OD_PCR__COUNT; k++)
        if (f.val[k])
            load_rule(c, &pol->candidates.rule[k], od_pcr_key(k), f.val[k]);
}
