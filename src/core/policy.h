/* policy.h — the policy as data: categories and grades, the response matrix,
 * limits, recipients, authorities, password and login rules.  Pure types and
 * lookups; no I/O (the YAML loader is src/policy/policy_load.c).  A policy is
 * immutable once loaded and may be shared by all threads.
 *
 * Ordering convention: for grades, severities and response levels, a lower
 * enum value is the higher (more serious) level.  "Take the higher" = min. */
#ifndef OD_POLICY_H
#define OD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/report_def.h"
#include "core/problem_rule.h"

typedef enum od_grade { OD_GRADE_L1 = 0, OD_GRADE_L2, OD_GRADE_L3, OD_GRADE_NG, OD_GRADE__COUNT } od_grade;
typedef enum od_severity { OD_SEV_SEVERE = 0, OD_SEV_MODERATE, OD_SEV_MINOR, OD_SEV__COUNT } od_severity;
typedef enum od_resp { OD_RESP_R1 = 0, OD_RESP_R2, OD_RESP_R3, OD_RESP_NG, OD_RESP__COUNT } od_resp;

/* Stable role keys (R-SEC-SYS-2).  Order never changes; add at the end. */
typedef enum od_role {
    OD_ROLE_MONITORING_ENGINEER = 0,
    OD_ROLE_OPS_ENGINEER,
    OD_ROLE_OPS_SECTION_HEAD,
    OD_ROLE_OPS_DEPARTMENT_HEAD,
    OD_ROLE_DEPARTMENT_HEAD,
    OD_ROLE_OPS_LEADER,
    OD_ROLE_EMERGENCY_LEADERSHIP,
    OD_ROLE_LIAISON,
    OD_ROLE_SERVICE_DESK,
    OD_ROLE_PROBLEM_MANAGER,
    OD_ROLE_CHANGE_MANAGER,
    OD_ROLE_CAB_MEMBER,
    OD_ROLE_SYSTEM_ADMIN,
    OD_ROLE_SECURITY_ADMIN,
    OD_ROLE_AUDITOR,
    /* the workflow kernel's modules (research/modules-spec.md §1.7) */
    OD_ROLE_BUDGET_HOLDER,
    OD_ROLE_REQUEST_APPROVER,
    OD_ROLE_FULFILLER_LINE1,
    OD_ROLE_FULFILLER_LINE2,
    OD_ROLE_VENDOR_LIAISON,
    OD_ROLE_PROBLEM_SOLVER,
    OD_ROLE_CHANGE_INITIATOR,
    OD_ROLE_CHANGE_IMPLEMENTER,
    OD_ROLE_CHANGE_SUPERVISOR,
    OD_ROLE_INFOSEC_MANAGER,
    OD_ROLE_IT_MANAGER,
    OD_ROLE_SEC_ASSESSOR,
    OD_ROLE_SYS_HARDENER,
    OD_ROLE_SEC_VERIFIER,
    OD_ROLE_RISK_OWNER,
    OD_ROLE_TRAINER,
    /* 应急工程小组 (seed 000 ch. 7 §1 item 6, ch. 8 §2, ch. 9) */
    OD_ROLE_EMERGENCY_ENGINEERING,
    OD_ROLE__COUNT
} od_role;

/* A set of roles: bit (1 << od_role).  64 bits, stored as users.roles
 * (BIGINT): a role's bit never changes, so stored sets keep their meaning
 * when roles are added.  Bit 63 stays unused (the sign of the column). */
typedef uint64_t od_roleset;
#define OD_ROLEBIT(r) ((od_roleset)1 << (r))
#define OD_ROLES_ALL ((od_roleset)(((od_roleset)1 << OD_ROLE__COUNT) - 1))
_Static_assert(OD_ROLE__COUNT <= 63, "od_roleset holds at most 63 roles");

/* Key <-> enum.  *_parse return -1 for an unknown key. */
const char *od_grade_key(od_grade g);       /* "L1".."NG" */
const char *od_severity_key(od_severity s); /* "severe","moderate","minor" */
const char *od_resp_key(od_resp r);         /* "R1".."NG" */
const char *od_role_key(od_role r);         /* "ops_engineer" ... */
const char *od_grade_name_zh(od_grade g);   /* "一级" ... "非等级" */
const char *od_severity_name_zh(od_severity s);
const char *od_resp_name_zh(od_resp r);
const char *od_role_name_zh(od_role r);
const char *od_role_name_en(od_role r); /* "Problem manager" ... */
int od_grade_parse(const char *s);
int od_severity_parse(const char *s);
int od_resp_parse(const char *s);
int od_role_parse(const char *s);

#define OD_KEY_MAX 48
#define OD_NAME_MAX 128

/* A CI category and the grades it allows (R-CI-2), with the seed's grading
 * guidance per grade (R-CI-3).  Strings are owned by the policy. */
typedef struct od_category {
    char key[OD_KEY_MAX];
    char name_zh[OD_NAME_MAX];
    char name_en[OD_NAME_MAX];
    unsigned grades_allowed;         /* bit (1u << od_grade) */
    char *principle;                 /* 分级原则, may be NULL */
    char *guidance[OD_GRADE__COUNT]; /* per-grade rule text, NULL if none */
} od_category;

/* Who receives the first report for one incident level (R-NOT-1).  Roles
 * resolve to users; owning_department_heads adds users holding
 * department_head whose department owns an affected CI; department_heads_of
 * adds the heads (department_head) of these named departments whatever the
 * incident concerns — seed 000 ch. 7 §2.1 item 6: the heads of 运行部,
 * 技术部 and 客服部 join the bridge on every L1, L2 and L3 alarm. */
#define OD_FIXED_DEPTS_MAX 8
#define OD_FIXED_DEPT_LEN 64
typedef struct od_recipients {
    od_roleset roles;
    bool owning_department_heads;
    size_t n_heads_of;
    char heads_of[OD_FIXED_DEPTS_MAX][OD_FIXED_DEPT_LEN];
} od_recipients;

/* Who does what in an incident where seed 000 names a person or a role and
 * the product must choose a reading (the `duties:` section; docs/policy.md
 * "Duties").  Pure data; the rules are in core/duties.h. */
typedef enum od_closure_by {
    OD_CLOSE_BY_ACTIVATOR = 0, /* the person who activated the plan at the highest level reached */
    OD_CLOSE_BY_AUTHORITY,     /* any holder of that level's activation role */
    OD_CLOSE_BY__COUNT
} od_closure_by;
/* Who of a level's first-report recipients owes the acknowledgement
 * (join the conference bridge within acknowledgement.within; seed 000
 * ch. 7 §2.1 item 6). */
typedef enum od_ack_reading {
    OD_ACK_NAMED_ROLES = 0, /* the roles item 6 names (duties.ack_roles) */
    OD_ACK_ALL_RECIPIENTS,  /* every recipient of the level's first report */
    OD_ACK__COUNT
} od_ack_reading;
typedef struct od_duties {
    od_closure_by closure_by;       /* ch. 7 §2.4 */
    od_roleset confirm_roles;       /* who confirms or sets the response level (ch. 7 §2.1 item 1) */
    od_roleset later_report_roles;  /* who files the second, progress and final reports (item 7) */
    unsigned register_alert_levels; /* grades whose registration alerts the desks at once (ch. 7 §1 item 2) */
    od_roleset first_report_overdue_roles; /* told when a first report is missed */
    od_roleset reachable_roles;       /* must have a mobile number: 24-hour reachability (ch. 7 §1 item 6) */
    od_roleset review_to_roles;       /* the handling report is submitted to them (ch. 8 §2) */
    bool activation_in_report_window; /* activation due within the level's report window (ch. 7 §1 item 2) */
    /* response levels (bit 1 << od_resp) whose plan must be activated before
     * the incident is resolved; at the others the final report may follow
     * the second one (the light path of ch. 7 §1 item 6 for 非等级) */
    unsigned activation_required;
    /* the department that handles an incident unless registered otherwise;
     * it leads the post-incident review (ch. 8 §1) */
    char handling_department[128];
    /* grades on which vendor / customer contacts of an affected CI are told
     * with the first report, unless a contact names its own (ch. 9 §4) */
    unsigned contact_levels;
    /* who owes the acknowledgement on an acknowledgement.levels alarm
     * (ch. 7 §2.1 item 6): the holders of ack_roles, or every recipient */
    od_ack_reading ack_required;
    od_roleset ack_roles;
    /* told when a recipient's reminders are exhausted without an
     * acknowledgement: they phone the person (ch. 7 §2.1 item 6) */
    od_roleset ack_overdue_roles;
} od_duties;

typedef struct od_password_policy {
    int min_length;
    bool require_upper, require_lower, require_digit, require_special;
} od_password_policy;

typedef struct od_login_policy {
    int max_failures; /* failures within window before lockout */
    int64_t window_ms;
    int64_t lockout_ms;
    int64_t session_ttl_ms;
    /* login.initial_password_change: an account created by an administrator
     * (and a bootstrap administrator) changes its password at first sign-in.
     * OD_PWCHANGE_AUTO (key absent): on, except on a test-clock server. */
    enum { OD_PWCHANGE_AUTO = 0, OD_PWCHANGE_ON, OD_PWCHANGE_OFF } initial_password_change;
} od_login_policy;

/* ---- notification: templates, desks, delivery ----
 * Message kinds with a template in the policy (`templates:`), languages,
 * reporting desks (R-NOT-3) and delivery settings (`notify:`).  Empty
 * strings / zero values mean "not set in the file": the loader
 * (src/policy/) then fills in the embedded policy/default.yaml's value.
 * Fixed-size arrays so that od_policy needs no extra freeing. */
typedef enum od_msg_kind {
    OD_MSG_FIRST = 0,         /* 首报 first report (R-NOT-2) */
    OD_MSG_SECOND,            /* 续报 second report */
    OD_MSG_PROGRESS,          /* 进展报告 progress report (R-NOT-5) */
    OD_MSG_FINAL,             /* 终报 final report */
    OD_MSG_ESCALATION,        /* 升级通知 escalation (R-ESC-3) */
    OD_MSG_REMINDER,          /* 未确认提醒 acknowledgement reminder (R-NOT-4) */
    OD_MSG_PROGRESS_REMINDER, /* 进展报告提醒 progress-report reminder (R-NOT-5) */
    OD_MSG_EVENT_ALERT,       /* 告警通知 an event alerts a person (R-EVT-2 step 6) */
    OD_MSG_OPENED,            /* 自动登记通知 an event opened an incident; first report due */
    OD_MSG_REGISTERED,        /* 登记报警 an L1/L2 incident was registered: the desks report now */
    OD_MSG_FIRST_OVERDUE,     /* 首报逾期 the first report missed its deadline: the section head and up */
    OD_MSG_REVIEW,            /* 处理报告 the post-incident report, submitted to the leadership group */
    OD_MSG_HANDLING_CHANGED, /* 处理部门变更 the handling department changed: both departments' heads */
    OD_MSG_CONTACT,          /* 厂商/客户通知 a vendor or key-customer contact of an affected CI */
    OD_MSG_ACK_OVERDUE,      /* 确认逾期 reminders exhausted: duties.ack_overdue_to phone the person */
    OD_MSG__COUNT
} od_msg_kind;
typedef enum od_lang { OD_LANG_ZH = 0, OD_LANG_EN, OD_LANG__COUNT } od_lang;
#define OD_TPL_SUBJECT_MAX 256
#define OD_TPL_BODY_MAX 2048
typedef struct od_msg_template {
    char subject[OD_TPL_SUBJECT_MAX]; /* "" = not set */
    char body[OD_TPL_BODY_MAX];
} od_msg_template;
#define OD_DESK_MAX 8
typedef struct od_desk {
    char key[OD_KEY_MAX];      /* "monitoring", "ops_security" */
    char name_zh[OD_NAME_MAX]; /* 客服部监控服务科 */
    char name_en[OD_NAME_MAX]; /* monitoring desk */
    char phone[32]; /* its dedicated mobile (专用手机, seed 000 ch. 7 §2.1 item 3); "" = not set */
} od_desk;
/* Contact channels a user may be reached on (bits of level_channels). */
enum { OD_CONTACT_SMS = 1u, OD_CONTACT_EMAIL = 2u, OD_CONTACT_BOT = 4u };
typedef struct od_notify_policy {
    od_msg_template templates[OD_MSG__COUNT][OD_LANG__COUNT];
    od_desk desks[OD_DESK_MAX];
    size_t n_desks;               /* 0 = the default desks */
    char system_desk[OD_KEY_MAX]; /* desk of messages the system sends ("" = default) */
    int max_attempts;             /* sends before a message is failed (0 = default) */
    int64_t ack_link_ttl_ms;      /* acknowledgement link lifetime (0 = default) */
    /* default channels per incident level (OD_CONTACT_* bits; 0 = default) */
    unsigned level_channels[OD_GRADE__COUNT];
    char drill_tag[OD_LANG__COUNT][64]; /* {{drill}} of a drill incident ("" = default) */
    bool drill_tag_set;
    /* seed 000 ch. 7 §2.1 item 6: the emergency conference bridge to call
     * into and the designated place to go to ({{bridge}}, {{place}}; "" =
     * not set) */
    char bridge[128];
    char place[128];
} od_notify_policy;

/* Service-level targets (R-SLA-1, seed 004 table 3.1.7; the `sla:` policy
 * section, core/service_level.h uses them). */
typedef struct od_sla_targets {
    int32_t availability_ppm;      /* 995000 = 99.5 % (parts per million) */
    int64_t response_ms;           /* 30 min: first engagement after detection */
    int64_t restore_ms[2];         /* [0] ordinary 2 h, [1] major 8 h */
    unsigned major_responses;      /* bit (1u << od_resp): a fault is major when its highest
                                      response level is one of these (R1) */
    int32_t degraded_permille;     /* weight of degraded time in downtime (0) */
    int32_t budget_alert_permille; /* remaining monthly budget below this → alert (500) */
    /* O&M report review and distribution (modules-spec §1.10; sla.report_review) */
    int32_t report_reviewer;      /* od_role that reviews a filed report (ops_department_head) */
    int64_t report_review_ms;     /* review due this long after filing (2 days) */
    int64_t report_file_ms;       /* a generated draft is to be filed within this (2 days) */
    od_roleset report_recipients; /* roles a reviewed report is distributed to */
    /* the hours the platform's availability is measured in (sla.platform_calendar):
     * "" = 24x7, else the key of one of the policy's calendars */
    char platform_calendar[OD_KEY_MAX];
    /* the O&M report definitions (sla.reports; core/report_def.h): what a
     * report has, when it is generated, who reviews it and receives it */
    od_report_def reports[OD_RDEF_MAX];
    size_t n_reports;
} od_sla_targets;

/* A key position (关键岗位; seed 000 ch. 9): the roles that may hold it and
 * how many qualified people it needs (`readiness: positions:`). */
#define OD_POSITION_MAX 32
#define OD_POSITION_KEY_LEN 64
#define OD_POSITION_NAME_LEN 128
typedef struct od_position {
    char key[OD_POSITION_KEY_LEN];
    char name_zh[OD_POSITION_NAME_LEN];
    char name_en[OD_POSITION_NAME_LEN];
    od_roleset roles;
    int min_qualified;
    /* a holder needs a valid certificate for the position (seed 004 §7.5.1) */
    bool certificate_required;
} od_position;
typedef struct od_readiness_policy {
    int annual_hours; /* seed 004 §7.5.2: 48 */
    /* emergency plans (core/plan.h): the review cycle of a new plan, months
     * (seed 000 ch. 9 §1: 6); the days a triggered review falls due in (30);
     * the months within which every published plan is drilled (12) */
    int plan_review_months;
    int review_trigger_days;
    int drill_months;
    /* the days before a review, a yearly drill or a scheduled drill falls
     * due that its owner is told (core/drill.h; 14, 1..365) */
    int notice_lead_days;
    size_t n_positions;
    od_position positions[OD_POSITION_MAX];
} od_readiness_policy;

/* The `upkeep:` section (core/upkeep.h; seed 000 ch. 9 §2, §4): the risk
 * assessment's cycle and department, and the days a feedback entry on
 * training or plan content must be acted on in. */
typedef struct od_upkeep_policy {
    int risk_months;           /* calendar months between risk assessments */
    char risk_department[128]; /* who assesses (运行部) */
    int feedback_days;         /* a feedback entry is acted on within */
} od_upkeep_policy;

typedef struct od_policy {
    char *name; /* free text, e.g. "seed 000 default" */
    od_category *categories;
    size_t n_categories;
    /* R-INC-1: description of each severity (zh), per object class. */
    char *severity_desc[OD_SEV__COUNT];
    /* R-INC-3 */
    od_resp matrix[OD_GRADE__COUNT][OD_SEV__COUNT];
    /* R-ESC-1: handling limit per response level; 0 = none */
    int64_t handling_limit_ms[OD_RESP__COUNT];
    /* R-NOT-1 */
    int64_t first_report_ms[OD_GRADE__COUNT];
    od_recipients first_report_recipients[OD_GRADE__COUNT];
    /* R-NOT-4: levels whose recipients must acknowledge, and the window */
    unsigned ack_levels; /* bit (1u << od_grade) */
    int64_t ack_window_ms;
    int64_t renotify_every_ms; /* re-notify unacknowledged recipients */
    int renotify_max;          /* at most this many reminders per recipient; 0 = no cap */
    /* R-NOT-5: progress cadence per response level; 0 = none */
    int64_t progress_every_ms[OD_RESP__COUNT];
    int64_t progress_remind_before_ms;
    /* R-ACT-1, R-CLOSE-1 */
    od_role activation_role[OD_RESP__COUNT];
    /* who does what where seed 000 allows two readings (`duties:`) */
    od_duties duties;
    od_password_policy password;
    od_login_policy login;
    /* Notification: message templates, reporting desks, delivery
     * (policy file sections `templates:` and `notify:`; see od_notify_policy). */
    od_notify_policy notify;
    /* R-EVT-1…4: the `events:` section (core/event.h); NULL = the
     * built-in defaults (od_event_policy_new_default) */
    struct od_event_policy *events;
    /* The workflow kernel's sections (`calendars:`, `workflows:`,
     * `clocks:`, `priority_matrices:`, `approvals:`, `checklists:`;
     * core/wf.h); NULL only in od_policy_new_default() — the loader always
     * sets it (the file's sections, the rest from policy/default.yaml). */
    struct od_kernel *kernel;
    /* R-SLA-1: the `sla:` section (defaults: seed 004 table 3.1.7) */
    od_sla_targets sla;
    /* The `readiness:` section (core/readiness.h; seed 000 ch. 9, seed 004
     * §7.4.2 two per key position, §7.5.2 48 hours): key positions and the annual training hours. */
    od_readiness_policy readiness;
    /* The `upkeep:` section (core/upkeep.h): risk assessments, content feedback. */
    od_upkeep_policy upkeep;
    /* The `problem_candidates:` section (core/problem_rule.h; R-PRB-5). */
    od_pcr_policy candidates;
} od_policy;

/* The seed's defaults (seed 000), without categories' guidance text.  Used
 * by tests and as the base the YAML loader overrides.  Caller frees with
 * od_policy_free().  Returns NULL on allocation failure. */
od_policy *od_policy_new_default(void);
void od_policy_free(od_policy *p);

/* Category by key, NULL if unknown. */
const od_category *od_policy_category(const od_policy *p, const char *key);
bool od_category_allows(const od_category *c, od_grade g);

#endif
