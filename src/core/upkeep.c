/* upkeep.c — see upkeep.h. */
#include "core/upkeep.h"
#include "core/plan.h"

#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

int64_t od_risk_next_due(int64_t last_held, int months)
{
    if (last_held <= 0)
        return 0;
    return od_plan_add_months(last_held, months);
}

bool od_risk_overdue(int64_t next_due, int64_t now)
{
    return next_due == 0 || now >= next_due;
}

int64_t od_feedback_due(int64_t created, int days)
{
    return created + (int64_t)days * DAY_MS;
}

bool od_feedback_overdue(int64_t due, bool addressed, int64_t now)
{
    return !addressed && now >= due;
}

static const char *const src_keys[OD_FB__COUNT] = {"assessment", "drill", "training", "incident", "review"};
static const char *const src_zh[OD_FB__COUNT] = {"考核", "演练", "培训反馈", "实际应急响应", "评估"};
static const char *const chg_keys[OD_FBC__COUNT] = {"courses", "schedule", "focus", "plan", "none"};
static const char *const chg_zh[OD_FBC__COUNT] = {"课程设置", "培训时间计划", "培训重点", "预案内容",
                                                  "不作调整"};

static int parse(const char *const *keys, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(keys[i], s) == 0)
            return i;
    return -1;
}

const char *od_fb_source_key(od_fb_source s)
{
    return (unsigned)s < OD_FB__COUNT ? src_keys[s] : "";
}
const char *od_fb_source_name_zh(od_fb_source s)
{
    return (unsigned)s < OD_FB__COUNT ? src_zh[s] : "";
}
int od_fb_source_parse(const char *s)
{
    return parse(src_keys, OD_FB__COUNT, s);
}
const char *od_fb_change_key(od_fb_change c)
{
    return (unsigned)c < OD_FBC__COUNT ? chg_keys[c] : "";
}
const char *od_fb_change_name_zh(od_fb_change c)
{
    return (unsigned)c < OD_FBC__COUNT ? chg_zh[c] : "";
}
int od_fb_change_parse(const char *s)
{
    return parse(chg_keys, OD_FBC__COUNT, s);
}
