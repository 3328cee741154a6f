/* policy_load_sla.c — the `sla:` section of the policy file (R-SLA-1, seed
 * 004 table 3.1.7; modules-spec §M4.2) onto od_policy.sla: availability
 * target, acceptance calendar, response and restore targets, the major-fault
 * mapping, the weight of degraded time and the budget alert share.  Every
 * key is optional (the seed's values stay); a bad value is a finding with its
 * line, so `opsdesk policy check` refuses it.  Schema: docs/service-levels.md. */
#include "core/service_level.h"
#include "core/wf.h"
#include "policy/policy_load_int.h"

#include <stdio.h>
#include <string.h>

enum {
    SK_AVAIL,
    SK_ACCEPT,
    SK_RESPONSE,
    SK_RESTORE,
    SK_MAJOR,
    SK_DEGRADED,
    SK_BUDGET,
    SK_REVIEW,
    SK_PLATFORM_CAL,
    SK_REPORTS,
    SK__COUNT
};

static void get_percent(ctx *c, const node *n, const char *path, int64_t lo_ppm, int64_t *out)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return;
    char sv[64];
    if (!od_percent_parse(n->str, lo_ppm, out))
        od_pl_diag(c, n->line, n->col,
                   "%s: bad percentage '%s' (write e.g. 99.5%%, between %lld%% and 100%%)", path,
                   od_pl_shown(n->str, sv), (long long)(lo_ppm / 10000));
}

static void load_restore(ctx *c, od_sla_targets *t, const node *k, const node *v)
{
    fields f = {.what = "key", .names = {"ordinary", "major"}, .n = 2};
    if (!od_pl_map_fields(c, v, "sla.restore_target", &f))
        return;
    od_pl_require_all(c, k, "sla.restore_target", &f);
    if (f.val[0])
        od_pl_get_duration(c, f.val[0], "sla.restore_target.ordinary", false, &t->restore_ms[0]);
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "sla.restore_target.major", false, &t->restore_ms[1]);
    if (f.val[0] && f.val[1] && t->restore_ms[1] < t->restore_ms[0])
        od_pl_diag(
            c, f.val[1]->line, f.val[1]->col,
            "sla.restore_target.major: shorter than the ordinary target (a major fault gets more time)");
}

static void load_major(ctx *c, od_sla_targets *t, const node *v)
{
    fields f = {.what = "key", .names = {"highest_response"}, .n = 1};
    if (!od_pl_map_fields(c, v, "sla.major_fault", &f) || !f.val[0])
        return;
    uint64_t bits = 0;
    if (od_pl_get_enum_set(c, f.val[0], "sla.major_fault.highest_response", "response level", od_resp_parse,
                           od_pl_resp_key_i, OD_RESP__COUNT, &bits))
        t->major_responses = (unsigned)bits;
}

/* sla.report_review: {reviewer: ROLE, within: DURATION, recipients: [ROLE…],
 * file_within: DURATION}
 * (modules-spec §1.10: a filed O&M report's reviewer, review deadline and
 * distribution list). */
static void load_review(ctx *c, od_sla_targets *t, const node *v)
{
    fields f = {.what = "key", .names = {"reviewer", "within", "recipients", "file_within"}, .n = 4};
    if (!od_pl_map_fields(c, v, "sla.report_review", &f))
        return;
    if (f.val[0]) {
        int role = od_pl_get_enum(c, f.val[0], "sla.report_review.reviewer", "role", od_role_parse,
                                  od_pl_role_key_i, OD_ROLE__COUNT);
        if (role >= 0)
            t->report_reviewer = role;
    }
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "sla.report_review.within", false, &t->report_review_ms);
    if (f.val[3])
        od_pl_get_duration(c, f.val[3], "sla.report_review.file_within", false, &t->report_file_ms);
    if (f.val[2]) {
        uint64_t bits = 0;
        if (od_pl_get_enum_set(c, f.val[2], "sla.report_review.recipients", "role", od_role_parse,
                               od_pl_role_key_i, OD_ROLE__COUNT, &bits)) {
            if (!bits)
                od_pl_diag(c, f.val[2]->line, f.val[2]->col,
                           "sla.report_review.recipients: no recipients (list at least one role)");
            else
                t->report_recipients = (od_roleset)bits;
        }
    }
}

void od_pl_load_sla(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"availability_target", "acceptance", "response_target", "restore_target",
                          "major_fault", "degraded_weight", "budget_alert_below", "report_review",
                          "platform_calendar", "reports"},
                .n = SK__COUNT};
    if (!od_pl_map_fields(c, v, "sla", &f))
        return;
    od_sla_targets *t = &pol->sla;
    int64_t x;
    if (f.val[SK_AVAIL]) {
        x = t->availability_ppm;
        get_percent(c, f.val[SK_AVAIL], "sla.availability_target", 500000, &x);
        t->availability_ppm = (int32_t)x;
    }
    if (f.val[SK_ACCEPT]) {
        const char *s = NULL;
        char sv[64];
        if (od_pl_get_str(c, f.val[SK_ACCEPT], "sla.acceptance", 16, &s) && strcmp(s, "24x7") != 0)
            od_pl_diag(c, f.val[SK_ACCEPT]->line, f.val[SK_ACCEPT]->col,
                       "sla.acceptance: '%s' is not supported (only 24x7, seed 004 table 3.1.7)",
                       od_pl_shown(s, sv));
    }
    if (f.val[SK_RESPONSE])
        od_pl_get_duration(c, f.val[SK_RESPONSE], "sla.response_target", false, &t->response_ms);
    if (f.val[SK_RESTORE])
        load_restore(c, t, f.key[SK_RESTORE], f.val[SK_RESTORE]);
    if (f.val[SK_MAJOR])
        load_major(c, t, f.val[SK_MAJOR]);
    if (f.val[SK_DEGRADED]) {
        x = (int64_t)t->degraded_permille * 1000;
        get_percent(c, f.val[SK_DEGRADED], "sla.degraded_weight", 0, &x);
        t->degraded_permille = (int32_t)(x / 1000);
    }
    if (f.val[SK_BUDGET]) {
        x = (int64_t)t->budget_alert_permille * 1000;
        get_percent(c, f.val[SK_BUDGET], "sla.budget_alert_below", 0, &x);
        t->budget_alert_permille = (int32_t)(x / 1000);
    }
    if (f.val[SK_REVIEW])
        load_review(c, t, f.val[SK_REVIEW]);
    if (f.val[SK_PLATFORM_CAL]) { /* 24x7 (the default) or one of `calendars:` (loaded before sla) */
        const char *s = NULL;
        char sv[64];
        if (od_pl_get_str(c, f.val[SK_PLATFORM_CAL], "sla.platform_calendar", OD_KEY_MAX - 1, &s)) {
            if (!od_kernel_calendar(pol->kernel, s) && strcmp(s, "24x7") != 0)
                od_pl_diag(c, f.val[SK_PLATFORM_CAL]->line, f.val[SK_PLATFORM_CAL]->col,
                           "sla.platform_calendar: 未知日历 '%s' (unknown calendar '%s': 24x7 or one of "
                           "calendars)",
                           od_pl_shown(s, sv), od_pl_shown(s, sv));
            else
                snprintf(t->platform_calendar, sizeof t->platform_calendar, "%s", strcmp(s, "24x7") ? s : "");
        }
    }
    if (f.val[SK_REPORTS]) /* after report_review and platform_calendar: the definitions default to them */
        od_pl_load_reports(c, pol, f.val[SK_REPORTS]);
}
