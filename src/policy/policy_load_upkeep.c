/* policy_load_upkeep.c — the `upkeep:` section (core/policy.h
 * od_upkeep_policy, core/upkeep.h; seed 000 ch. 9 §2, §4):
 * risk_assessment_months (1–24, default 6), risk_assessment_department
 * (non-empty, default 运行部) and feedback_days (1–365, default 30).  Keys
 * left out keep their default. */
#include "core/upkeep.h"
#include "policy/policy_load_int.h"

enum { UK_MONTHS, UK_DEPT, UK_FEEDBACK, UK__COUNT };

void od_pl_load_upkeep(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"risk_assessment_months", "risk_assessment_department", "feedback_days"},
                .n = UK__COUNT};
    if (!od_pl_map_fields(c, v, "upkeep", &f))
        return;
    od_upkeep_policy *u = &pol->upkeep;
    if (f.val[UK_MONTHS])
        od_pl_get_int(c, f.val[UK_MONTHS], "upkeep.risk_assessment_months", OD_RISK_MONTHS_MIN,
                      OD_RISK_MONTHS_MAX, &u->risk_months);
    if (f.val[UK_FEEDBACK])
        od_pl_get_int(c, f.val[UK_FEEDBACK], "upkeep.feedback_days", OD_FEEDBACK_DAYS_MIN,
                      OD_FEEDBACK_DAYS_MAX, &u->feedback_days);
    const char *s;
    if (f.val[UK_DEPT] && od_pl_get_str(c, f.val[UK_DEPT], "upkeep.risk_assessment_department",
                                        sizeof u->risk_department, &s)) {
        if (!*s)
            od_pl_diag(c, f.val[UK_DEPT]->line, f.val[UK_DEPT]->col,
                       "upkeep.risk_assessment_department: name a department");
        else
            od_pl_copy_fixed(u->risk_department, sizeof u->risk_department, s);
    }
}
