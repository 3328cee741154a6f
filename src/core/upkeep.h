/* upkeep.h — the upkeep of seed 000 ch. 9 that is neither a plan nor a
 * drill: 运行部's periodic risk assessment (§4 技术资料保障: "同时运行部还应
 * 定期对系统进行风险评估，及时发现和纠正系统的潜在问题") and the feedback that
 * keeps training and emergency content current (§2: "应强调培训效果的反馈
 * 机制和培训计划的更新机制，通过考核、演练等方式及时发现培训中存在的问题，
 * 依据这些反馈结果调整培训课程设置、培训时间计划以及培训重点").  The policy's
 * `upkeep:` section gives the cycle, the department and the days a feedback
 * entry must be acted on in.  Pure: no I/O, no clock, no allocation.
 * docs/upkeep.md. */
#ifndef OD_CORE_UPKEEP_H
#define OD_CORE_UPKEEP_H

#include <stdbool.h>
#include <stdint.h>

/* The risk assessment cycle in calendar months: the seed says 定期
 * (periodically) without a number; the default is the plan evaluation's
 * 每半年 (ch. 9 §1), and its bounds. */
#define OD_RISK_MONTHS 6
#define OD_RISK_MONTHS_MIN 1
#define OD_RISK_MONTHS_MAX 24
/* The days within which a feedback entry must be acted on (the content
 * adjusted, or the reason it is not), and its bounds. */
#define OD_FEEDBACK_DAYS 30
#define OD_FEEDBACK_DAYS_MIN 1
#define OD_FEEDBACK_DAYS_MAX 365

/* When the next risk assessment falls due: the last one held (held_at,
 * Unix ms; 0 = none ever recorded) plus `months` calendar months (UTC, the
 * day clamped to a shorter month, as core/plan.h).  0 when none was ever
 * held: the first one is due at once. */
int64_t od_risk_next_due(int64_t last_held, int months);

/* Whether the risk assessment is overdue at now: none ever held
 * (next_due 0), or now >= next_due (due at the instant itself, not 1 ms
 * before). */
bool od_risk_overdue(int64_t next_due, int64_t now);

/* When a feedback entry recorded at `created` must be acted on:
 * created + days (24 h each). */
int64_t od_feedback_due(int64_t created, int days);

/* Whether a feedback entry is overdue at now: not acted on
 * (addressed false) and now >= due. */
bool od_feedback_overdue(int64_t due, bool addressed, int64_t now);

/* Where a feedback entry comes from (§2: 考核, 演练; and the trainees'
 * own feedback, a real incident's response, a review). */
typedef enum od_fb_source {
    OD_FB_ASSESSMENT = 0, /* 考核 an assessment of the trainees */
    OD_FB_DRILL,          /* 演练 a drill */
    OD_FB_TRAINING,       /* 培训反馈 the trainees' feedback on a session */
    OD_FB_INCIDENT,       /* 实际应急响应 a real response */
    OD_FB_REVIEW,         /* 评估 a plan evaluation */
    OD_FB__COUNT
} od_fb_source;

const char *od_fb_source_key(od_fb_source s);     /* "assessment", ... */
const char *od_fb_source_name_zh(od_fb_source s); /* 考核, ... */
int od_fb_source_parse(const char *s);            /* -1 when unknown */

/* What a feedback entry changed when acted on (§2: 课程设置, 培训时间计划,
 * 培训重点; and the plan itself, or nothing with a reason). */
typedef enum od_fb_change {
    OD_FBC_COURSES = 0, /* 课程设置 */
    OD_FBC_SCHEDULE,    /* 培训时间计划 */
    OD_FBC_FOCUS,       /* 培训重点 */
    OD_FBC_PLAN,        /* 预案内容 */
    OD_FBC_NONE,        /* 不作调整（须说明理由） */
    OD_FBC__COUNT
} od_fb_change;

const char *od_fb_change_key(od_fb_change c);
const char *od_fb_change_name_zh(od_fb_change c);
int od_fb_change_parse(const char *s);

#endif
