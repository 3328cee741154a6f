/* cli_cmds.c — the client's commands as data: for each, the route it calls,
 * its options (flag → JSON key, kind, required) and how its answer is
 * printed (column specs).  Adding a command is adding a row here; the
 * parser and printer in cli.c and cli_table.c are shared by all.  The API
 * contracts are those of docs/api/openapi.yaml. */
#include "cli/cli_int.h"

#include <stdlib.h>
#include <string.h>

#define R OD_CLI_REQUIRED
#define L OD_CLI_LOCAL

/* ---- formatters ---- */

/* A deadline's state: met (on time or late), missed, or pending. */
static char *fmt_deadline(const json_t *row, const char *key)
{
    (void)key;
    bool met = json_is_string(json_object_get(row, "met_at"));
    bool missed = json_is_true(json_object_get(row, "missed"));
    const char *s = met      ? (missed ? "迟交 met late" : "已完成 met")
                    : missed ? "已超时 missed"
                             : "待完成 pending";
    return strdup(s);
}

/* ---- views ---- */

static const od_cli_col ci_fields[] = {
    {"id", NULL, NULL},
    {"name", NULL, NULL},
    {"category", NULL, NULL},
    {"grade", NULL, NULL},
    {"grade_guidance", NULL, NULL},
    {"department", NULL, NULL},
    {"environment", NULL, NULL},
    {"location", NULL, NULL},
    {"attributes", NULL, NULL},
    {"last_verified_at", NULL, NULL},
    {"verified_by", NULL, NULL},
    {"created_at", NULL, NULL},
    {"updated_at", NULL, NULL},
    {"retired_at", NULL, NULL},
    {"retired_reason", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col ci_cols[] = {
    {"id", NULL, NULL},         {"name", NULL, NULL},
    {"category", NULL, NULL},   {"grade", NULL, NULL},
    {"department", NULL, NULL}, {"environment", NULL, NULL},
    {"location", NULL, NULL},   {"last_verified_at", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col rel_cols[] = {
    {"id", NULL, NULL},        {"source_id", NULL, NULL},   {"source_name", NULL, NULL}, {"type", NULL, NULL},
    {"target_id", NULL, NULL}, {"target_name", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section ci_sections[] = {
    {"relations", "关系 Relations", rel_cols},
    {NULL, NULL, NULL},
};
static const od_cli_view ci_view = {ci_fields, ci_sections};
static const od_cli_section ci_list_sections[] = {{"items", NULL, ci_cols}, {NULL, NULL, NULL}};
static const od_cli_view ci_list_view = {NULL, ci_list_sections};

static const od_cli_col rel_fields[] = {
    {"id", NULL, NULL},        {"source_id", NULL, NULL}, {"type", NULL, NULL},
    {"target_id", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view rel_view = {rel_fields, NULL};

static const od_cli_col impact_fields[] = {
    {"ci.id", "配置项 CI", NULL},         {"ci.name", NULL, NULL}, {"ci.grade", NULL, NULL},
    {"count", "受影响数 Impacted", NULL}, {NULL, NULL, NULL},
};
static const od_cli_col impact_cols[] = {
    {"id", NULL, NULL},    {"name", NULL, NULL}, {"category", NULL, NULL}, {"grade", NULL, NULL},
    {"depth", NULL, NULL}, {"via", NULL, NULL},  {"relation", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section impact_sections[] = {
    {"impacted", "受影响的配置项 Impacted CIs", impact_cols},
    {NULL, NULL, NULL},
};
static const od_cli_view impact_view = {impact_fields, impact_sections};

static const od_cli_col unverified_fields[] = {
    {"period", NULL, NULL},
    {"since", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section unverified_sections[] = {
    {"items", "未核实 Not verified", ci_cols},
    {NULL, NULL, NULL},
};
static const od_cli_view unverified_view = {unverified_fields, unverified_sections};

static const od_cli_col user_fields[] = {
    {"id", NULL, NULL},         {"username", NULL, NULL},   {"display_name", NULL, NULL},
    {"department", NULL, NULL}, {"phone", NULL, NULL},      {"email", NULL, NULL},
    {"roles", NULL, NULL},      {"scopes", NULL, NULL},     {"disabled", NULL, NULL},
    {"lang", NULL, NULL},       {"created_at", NULL, NULL}, {"updated_at", NULL, NULL},
    {"expires_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_col user_cols[] = {
    {"id", NULL, NULL},    {"username", NULL, NULL}, {"display_name", NULL, NULL}, {"department", NULL, NULL},
    {"roles", NULL, NULL}, {"scopes", NULL, NULL},   {"disabled", NULL, NULL},     {NULL, NULL, NULL},
};
static const od_cli_view user_view = {user_fields, NULL};
static const od_cli_section user_list_sections[] = {{"items", NULL, user_cols}, {NULL, NULL, NULL}};
static const od_cli_view user_list_view = {NULL, user_list_sections};

static const od_cli_col inc_fields[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"drill", NULL, NULL},
    {"level", NULL, NULL},
    {"severity", NULL, NULL},
    {"severity_provisional", NULL, NULL},
    {"response_level", NULL, NULL},
    {"ci_ids", NULL, NULL},
    {"detected_at", NULL, NULL},
    {"handling_deadline", NULL, NULL},
    {"first_report_due", NULL, NULL},
    {"location", NULL, NULL},
    {"symptoms", NULL, NULL},
    {"impact_scope", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col inc_cols[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"level", NULL, NULL},
    {"severity", NULL, NULL},
    {"response_level", NULL, NULL},
    {"handling_deadline", NULL, NULL},
    {"drill", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col deadline_cols[] = {
    {"kind", NULL, NULL},   {"due_at", NULL, NULL},
    {"met_at", NULL, NULL}, {"missed", "结果 Result", fmt_deadline},
    {NULL, NULL, NULL},
};
static const od_cli_col escalation_cols[] = {
    {"from", NULL, NULL}, {"to", NULL, NULL}, {"at", NULL, NULL}, {"reason", NULL, NULL}, {NULL, NULL, NULL},
};
/* Recipients, acknowledgements and reports are shown with the columns
 * their rows carry (NULL cols), so new fields appear without a change. */
static const od_cli_section inc_sections[] = {
    {"deadlines", "期限 Deadlines", deadline_cols},
    {"escalations", "升级 Escalations", escalation_cols},
    {"recipients", "报告对象 Recipients", NULL},
    {"acks", "确认 Acknowledgements", NULL},
    {"reports", "报告 Reports", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view inc_view = {inc_fields, inc_sections};
static const od_cli_view inc_brief_view = {inc_fields, NULL};
static const od_cli_section inc_list_sections[] = {{"items", NULL, inc_cols}, {NULL, NULL, NULL}};
static const od_cli_view inc_list_view = {NULL, inc_list_sections};

/* the event shape of GET /api/v1/events (docs/events.md) */
static const od_cli_col event_cols[] = {
    {"id", NULL, NULL},        {"source", NULL, NULL},   {"status", NULL, NULL},  {"state", NULL, NULL},
    {"class", NULL, NULL},     {"severity", NULL, NULL}, {"summary", NULL, NULL}, {"count", NULL, NULL},
    {"last_seen", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section event_list_sections[] = {{"items", NULL, event_cols}, {NULL, NULL, NULL}};
static const od_cli_view event_list_view = {NULL, event_list_sections};
/* the rule behind each step of the pipeline (docs/events.md), in order */
static const od_cli_col decision_cols[] = {
    {"step", NULL, NULL}, {"rule", NULL, NULL}, {"result", NULL, NULL},
    {"at", NULL, NULL},   {NULL, NULL, NULL},
};
static const od_cli_section event_sections[] = {
    {"decisions", "判定 Decisions", decision_cols},
    {NULL, NULL, NULL},
};
static const od_cli_view event_view = {event_cols, event_sections};
static const od_cli_col window_fields[] = {
    {"id", NULL, NULL},      {"name", NULL, NULL},       {"starts_at", NULL, NULL},
    {"ends_at", NULL, NULL}, {"ci", NULL, NULL},         {"matchers", NULL, NULL},
    {"comment", NULL, NULL}, {"created_by", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view window_view = {window_fields, NULL};
/* known errors (docs/known-errors.md) */
static const od_cli_col ke_fields[] = {
    {"id", NULL, NULL},         {"number", NULL, NULL},
    {"title", NULL, NULL},      {"state", NULL, NULL},
    {"published", NULL, NULL},  {"symptoms", NULL, NULL},
    {"root_cause", NULL, NULL}, {"workaround", NULL, NULL},
    {"solution", NULL, NULL},   {"problem_number", NULL, NULL},
    {"ci_ids", NULL, NULL},     {"match_rules", NULL, NULL},
    {"uses", NULL, NULL},       {"department", NULL, NULL},
    {"version", NULL, NULL},    {"updated_at", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view ke_view = {ke_fields, NULL};
static const od_cli_col ke_cols[] = {
    {"id", NULL, NULL},         {"number", NULL, NULL}, {"title", NULL, NULL}, {"state", NULL, NULL},
    {"workaround", NULL, NULL}, {"uses", NULL, NULL},   {NULL, NULL, NULL},
};
static const od_cli_section ke_list_sections[] = {{"items", NULL, ke_cols}, {NULL, NULL, NULL}};
static const od_cli_view ke_list_view = {NULL, ke_list_sections};
static const od_cli_col ke_hit_cols[] = {
    {"id", NULL, NULL},    {"number", NULL, NULL},  {"title", NULL, NULL},
    {"state", NULL, NULL}, {"snippet", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section ke_hit_sections[] = {{"items", NULL, ke_hit_cols}, {NULL, NULL, NULL}};
static const od_cli_view ke_hit_view = {NULL, ke_hit_sections};

/* ---- options ---- */

/* The vocabularies the client checks before asking; the same keys as core's
 * (tests/unit/test_cli_vocab.c compares them). */
const char OD_CLI_GRADES[] = "L1|L2|L3|NG";
const char OD_CLI_RESPS[] = "R1|R2|R3|NG";
const char OD_CLI_SEVERITIES[] = "severe|moderate|minor";

static const od_cli_opt o_none[] = {{NULL, NULL, 0, 0, NULL, NULL}};
static const od_cli_opt o_page[] = {
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_login[] = {
    {"--user", "username", OD_CLI_STR, R, NULL, "NAME"},
    {"--password-stdin", "password_stdin", OD_CLI_FLAG, L, NULL, NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ci_add[] = {
    {"--name", "name", OD_CLI_STR, R, NULL, "NAME"},
    {"--category", "category", OD_CLI_STR, R, NULL, "CATEGORY"},
    {"--grade", "grade", OD_CLI_STR, R, OD_CLI_GRADES, NULL},
    {"--department", "department", OD_CLI_STR, 0, NULL, "DEPT"},
    {"--environment", "environment", OD_CLI_STR, 0, NULL, "ENV"},
    {"--location", "location", OD_CLI_STR, 0, NULL, "LOCATION"},
    {"--attr", "attributes", OD_CLI_KV, 0, NULL, "KEY=VALUE"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ci_list[] = {
    {"--category", "category", OD_CLI_STR, 0, NULL, "CATEGORY"},
    {"--grade", "grade", OD_CLI_STR, 0, OD_CLI_GRADES, NULL},
    {"-q", "q", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ci_relate[] = {
    {"--type", "type", OD_CLI_STR, R, NULL, "depends_on"},
    {"--target", "target_id", OD_CLI_INT, R, NULL, "ID"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ci_reason[] = {
    {"--reason", "reason", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_col ci_history_cols[] = {
    {"at", NULL, NULL},    {"action", NULL, NULL}, {"actor_name", NULL, NULL},
    {"actor", NULL, NULL}, {"reason", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section ci_history_sections[] = {{"items", NULL, ci_history_cols}, {NULL, NULL, NULL}};
static const od_cli_view ci_history_view = {NULL, ci_history_sections};
static const od_cli_opt o_ci_unverified[] = {
    {"--period", "period", OD_CLI_STR, 0, "week|month", NULL},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_user_add[] = {
    {"--username", "username", OD_CLI_STR, R, NULL, "NAME"},
    {"--password", "password", OD_CLI_STR, L, NULL, "PASSWORD"},
    {"--password-stdin", "password_stdin", OD_CLI_FLAG, L, NULL, NULL},
    {"--display-name", "display_name", OD_CLI_STR, 0, NULL, "NAME"},
    {"--department", "department", OD_CLI_STR, 0, NULL, "DEPT"},
    {"--phone", "phone", OD_CLI_STR, 0, NULL, "PHONE"},
    {"--email", "email", OD_CLI_STR, 0, NULL, "EMAIL"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_user_roles[] = {
    {"--set", "roles", OD_CLI_LIST, R, NULL, "ROLE,ROLE"},
    {"--scopes", "scopes", OD_CLI_LIST, 0, NULL, "DEPT,DEPT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_passwd[] = {
    {"--password-stdin", "password_stdin", OD_CLI_FLAG, L, NULL, NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_new[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TITLE"},
    {"--ci", "ci_ids", OD_CLI_INTLIST, R, NULL, "ID,ID"},
    {"--severity", "severity", OD_CLI_STR, 0, OD_CLI_SEVERITIES, NULL},
    {"--detected-at", "detected_at", OD_CLI_STR, 0, NULL, "RFC3339"},
    {"--location", "location", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--symptoms", "symptoms", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--impact-scope", "impact_scope", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--drill", "drill", OD_CLI_FLAG, 0, NULL, NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_list[] = {
    {"--state", "state", OD_CLI_STR, 0, NULL, "STATE"},
    {"--level", "level", OD_CLI_STR, 0, OD_CLI_GRADES, NULL},
    {"--response-level", "response_level", OD_CLI_STR, 0, OD_CLI_RESPS, NULL},
    {"-q", "q", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--drill", "drill", OD_CLI_BOOL, 0, "true|false", NULL},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_report[] = {
    {"--kind", "kind", OD_CLI_STR, R, "first|second|progress|final", NULL},
    {"--location", "location", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--symptoms", "symptoms", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--impact-scope", "impact_scope", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--response-level", "response_level", OD_CLI_STR, 0, OD_CLI_RESPS, NULL},
    {"--system-impact", "system_impact", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--estimated-recovery-at", "estimated_recovery_at", OD_CLI_STR, 0, NULL, "RFC3339"},
    {"--text", "text", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--cause", "cause", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--process", "process", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--current-state", "current_state", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--business-impact-minutes", "business_impact_minutes", OD_CLI_INT, 0, NULL, "N"},
    {"--improvements", "improvements", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_review[] = {
    {"--cause-analysis", "cause_analysis", OD_CLI_STR, R, NULL, "TEXT"},
    {"--lessons", "lessons", OD_CLI_STR, R, NULL, "TEXT"},
    {"--improvements", "improvements", OD_CLI_STR, R, NULL, "TEXT"},
    {"--measures", "measures", OD_CLI_STR, R, NULL, "TEXT"},
    {"--result", "result", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_regrade[] = {
    {"--severity", "severity", OD_CLI_STR, 0, OD_CLI_SEVERITIES, NULL},
    {"--ci", "ci_ids", OD_CLI_INTLIST, 0, NULL, "ID,ID"},
    {"--response-level", "response_level", OD_CLI_STR, 0, OD_CLI_RESPS, NULL},
    {"--reason", "reason", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_inc_export[] = {
    {"--format", "format", OD_CLI_STR, R | L, "md|html", NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_grade[] = {
    {"--ci", "ci_id", OD_CLI_INT, 0, NULL, "ID"},
    {"--category", "category", OD_CLI_STR, 0, NULL, "CATEGORY"},
    {"--grade", "grade", OD_CLI_STR, 0, OD_CLI_GRADES, NULL},
    {"--severity", "severity", OD_CLI_STR, R, OD_CLI_SEVERITIES, NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_event_list[] = {
    {"--status", "status", OD_CLI_STR, 0, "firing|resolved|open|closed|filtered|silenced|suppressed|handled",
     NULL},
    {"--class", "class", OD_CLI_STR, 0, "info|warning|exception|none", NULL},
    {"--source", "source", OD_CLI_STR, 0, NULL, "SOURCE"},
    {"--ci", "ci", OD_CLI_STR, 0, NULL, "ID|NAME"},
    {"-q", "q", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ke_list[] = {
    {"--published", "published", OD_CLI_STR, 0, "true|false", NULL},
    {"--ci", "ci", OD_CLI_INT, 0, NULL, "ID"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ke_search[] = {
    {"-q", "q", OD_CLI_STR, 0, NULL, "TEXT"},         {"--ci", "ci", OD_CLI_INT, 0, NULL, "ID"},
    {"--event", "event", OD_CLI_INT, 0, NULL, "ID"},  {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"}, {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_ke_create[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TITLE"},
    {"--symptoms", "symptoms", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--root-cause", "root_cause", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--workaround", "workaround", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--solution", "solution", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--problem", "problem_id", OD_CLI_INT, 0, NULL, "ID"},
    {"--ci", "ci_ids", OD_CLI_INTLIST, 0, NULL, "ID,ID"},
    {"--rules", "match_rules", OD_CLI_LIST, 0, NULL, "MATCHER,MATCHER"},
    {"--publish", "published", OD_CLI_FLAG, 0, NULL, NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_event_silence[] = {
    {"--ci", "ci_id", OD_CLI_INT, R, NULL, "ID"},
    {"--start", "starts_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--end", "ends_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--reason", "comment", OD_CLI_STR, R, NULL, "TEXT"},
    {"--name", "name", OD_CLI_STR, 0, NULL, "NAME"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

/* notification */
static const od_cli_opt o_notify_test[] = {
    {"--channel", "channel", OD_CLI_STR, R, NULL, "NAME"},
    {"--to", "to", OD_CLI_STR, 0, NULL, "ADDRESS"},
    {"--wait", "wait", OD_CLI_INT, L, NULL, "SECONDS"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_user_notify[] = {
    {"--bot-kind", "bot_kind", OD_CLI_STR, 0, NULL, "dingtalk|wecom|feishu|webhook|\"\""},
    {"--bot-url", "bot_url", OD_CLI_STR, 0, NULL, "URL"},
    {"--bot-secret-stdin", "bot_secret_stdin", OD_CLI_FLAG, L, NULL, NULL},
    {"--channel", "channels", OD_CLI_KV, 0, NULL, "LEVEL=sms,email,bot"},
    {"--lang", "lang", OD_CLI_STR, 0, "zh-CN|en", NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_col notify_fields[] = {
    {"user_id", NULL, NULL},     {"phone", NULL, NULL},       {"email", NULL, NULL},
    {"lang", NULL, NULL},        {"bot.kind", NULL, NULL},    {"bot.url", NULL, NULL},
    {"channels.L1", "L1", NULL}, {"channels.L2", "L2", NULL}, {"channels.L3", "L3", NULL},
    {"channels.NG", "NG", NULL}, {NULL, NULL, NULL},
};
static const od_cli_view notify_view = {notify_fields, NULL};

/* problems (docs/problems.md) */
static const od_cli_col problem_cols[] = {
    {"id", NULL, NULL},       {"number", NULL, NULL},      {"title", NULL, NULL},      {"state", NULL, NULL},
    {"priority", NULL, NULL}, {"assignee_id", NULL, NULL}, {"updated_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_col problem_fields[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"impact", NULL, NULL},
    {"urgency", NULL, NULL},
    {"priority", NULL, NULL},
    {"assignee_id", NULL, NULL},
    {"department", NULL, NULL},
    {"version", NULL, NULL},
    {"problem.category", "分类 Category", NULL},
    {"problem.domain", "领域 Domain", NULL},
    {"problem.description", "描述 Description", NULL},
    {"problem.workaround", "临时方案 Workaround", NULL},
    {"problem.workaround_required", "须临时方案 Workaround required", NULL},
    {"problem.root_cause", "根本原因 Root cause", NULL},
    {"problem.solution", "解决方案 Solution", NULL},
    {"problem.major", "重大问题 Major", NULL},
    {"problem.recorded_at", "记录时间 Recorded at", NULL},
    {"problem.resolved_at", "解决时间 Resolved at", NULL},
    {"closed_at", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view problem_view = {problem_fields, NULL};
static const od_cli_section problem_list_sections[] = {{"items", NULL, problem_cols}, {NULL, NULL, NULL}};
static const od_cli_view problem_list_view = {NULL, problem_list_sections};
static const od_cli_opt o_problem_list[] = {
    {"--state", "state", OD_CLI_STR, 0, NULL, "STATE"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_problem_create[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TEXT"},
    {"--impact", "impact", OD_CLI_STR, 0, "high|medium|low", NULL},
    {"--urgency", "urgency", OD_CLI_STR, 0, "high|medium|low", NULL},
    {"--category", "category", OD_CLI_STR, 0, NULL, "PATH"},
    {"--domain", "domain", OD_CLI_STR, 0, "network|host|middleware|database|application|other", NULL},
    {"--description", "description", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--department", "department", OD_CLI_STR, 0, NULL, "DEPT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_problem_act[] = {
    {"--reason", "reason", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
/* problem entries (docs/problems.md "Entries") */
static const od_cli_col problem_entry_cols[] = {
    {"id", NULL, NULL},
    {"kind_zh", "类型 Kind", NULL},
    {"author", "作者 Author", NULL},
    {"created_at", NULL, NULL},
    {"version", NULL, NULL},
    {"edited_by", "修改人 Edited by", NULL},
    {"text", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col problem_entry_fields[] = {
    {"id", NULL, NULL},
    {"kind_zh", "类型 Kind", NULL},
    {"author", "作者 Author", NULL},
    {"created_at", NULL, NULL},
    {"version", NULL, NULL},
    {"edited_by", "修改人 Edited by", NULL},
    {"edited_at", "修改时间 Edited at", NULL},
    {"text", NULL, NULL},
    {"review.what", "发生了什么 What happened", NULL},
    {"review.why", "原因 Why", NULL},
    {"review.prevent", "如何防止 Prevention", NULL},
    {"review.actions", "改进措施 Actions", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section problem_entry_sections[] = {{"items", NULL, problem_entry_cols},
                                                        {NULL, NULL, NULL}};
static const od_cli_view problem_entries_view = {NULL, problem_entry_sections};
static const od_cli_view problem_entry_view = {problem_entry_fields, NULL};
static const od_cli_opt o_problem_entry[] = {
    {"--kind", "kind", OD_CLI_STR, R, "investigation|workaround|root_cause|review", NULL},
    {"--text", "text", OD_CLI_STR, R, NULL, "TEXT"},
    {"--what", "what", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--why", "why", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--prevent", "prevent", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--actions", "actions", OD_CLI_LIST, 0, NULL, "A,B"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_problem_entry_edit[] = {
    {"--text", "text", OD_CLI_STR, R, NULL, "TEXT"},
    {"--reason", "reason", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--version", "version", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

/* drills (docs/drills.md) */
static const od_cli_col drill_cols[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"drill.mode", "模式 Mode", NULL},
    {"drill.scheduled_at", "计划时间 Scheduled", NULL},
    {"updated_at", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col drill_fields[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"department", NULL, NULL},
    {"version", NULL, NULL},
    {"drill.plan_id", "预案 Plan", NULL},
    {"drill.drill_type", "类型 Type", NULL},
    {"drill.mode", "模式 Mode", NULL},
    {"drill.goals", "目标 Goals", NULL},
    {"drill.scenario", "场景 Scenario", NULL},
    {"drill.participants", "参演人员 Participants", NULL},
    {"drill.scheduled_at", "计划时间 Scheduled at", NULL},
    {"drill.started_at", "开始时间 Started at", NULL},
    {"drill.incident.number", "模拟事件 Simulated incident", NULL},
    {"drill.evaluation", "评估 Evaluation", NULL},
    {"drill.lessons", "经验教训 Lessons", NULL},
    {"drill.closed_at", "关闭时间 Closed at", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view drill_view = {drill_fields, NULL};
static const od_cli_section drill_list_sections[] = {{"items", NULL, drill_cols}, {NULL, NULL, NULL}};
static const od_cli_view drill_list_view = {NULL, drill_list_sections};
static const od_cli_col card_fields[] = {
    {"number", NULL, NULL},
    {"incident.number", "模拟事件 Simulated incident", NULL},
    {"passed", "达标 Passed", NULL},
    {"failed", "未达标 Failed", NULL},
    {"pending", "未到期 Pending", NULL},
    {"score_pct", "得分 Score %", NULL},
    {"to_ack_ms", "确认用时 To acknowledge (ms)", NULL},
    {"to_activate_ms", "启动用时 To activate (ms)", NULL},
    {"steps_done", "已完成步骤 Steps done", NULL},
    {"steps_planned", "计划步骤 Steps planned", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col card_cols[] = {
    {"kind", NULL, NULL},   {"recipient_id", NULL, NULL}, {"due_at", NULL, NULL},
    {"met_at", NULL, NULL}, {"verdict", NULL, NULL},      {NULL, NULL, NULL},
};
static const od_cli_section card_sections[] = {{"items", "期限 Deadlines", card_cols}, {NULL, NULL, NULL}};
static const od_cli_view card_view = {card_fields, card_sections};
static const od_cli_col drill_due_cols[] = {
    {"plan_id", NULL, NULL},       {"number", NULL, NULL},       {"title", NULL, NULL},
    {"last_drill_at", NULL, NULL}, {"drill_due_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section drill_due_sections[] = {{"items", NULL, drill_due_cols}, {NULL, NULL, NULL}};
static const od_cli_view drill_due_view = {NULL, drill_due_sections};
static const od_cli_opt o_drill_create[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TEXT"},
    {"--plan", "plan_id", OD_CLI_INT, 0, NULL, "PLAN_ID"},
    {"--type", "drill_type", OD_CLI_STR, 0, "functional|tabletop|full_scale", NULL},
    {"--mode", "mode", OD_CLI_STR, 0, "sandbox|live", NULL},
    {"--goals", "goals", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--scenario", "scenario", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--participants", "participants", OD_CLI_INTLIST, 0, NULL, "UID,UID"},
    {"--steps", "planned_steps", OD_CLI_LIST, 0, NULL, "STEP,STEP"},
    {"--at", "scheduled_at", OD_CLI_STR, 0, NULL, "RFC3339"},
    {"--department", "department", OD_CLI_STR, 0, NULL, "DEPT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_drill_inject[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TEXT"},
    {"--ci", "ci_ids", OD_CLI_INTLIST, 0, NULL, "CI_ID,CI_ID"},
    {"--severity", "severity", OD_CLI_STR, 0, "severe|moderate|minor", NULL},
    {"--location", "location", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--symptoms", "symptoms", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--impact-scope", "impact_scope", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

static const od_cli_opt o_drill_finding[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TEXT"},
    {"--kind", "kind", OD_CLI_STR, 0, "problem", NULL},
    {"--description", "description", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_drill_score[] = {
    {"--item", "item", OD_CLI_STR, R, "communication|coordination|command|handling", NULL},
    {"--score", "score", OD_CLI_INT, R, NULL, "1-5"},
    {"--user", "user_id", OD_CLI_INT, 0, NULL, "UID"},
    {"--note", "note", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_col finding_fields[] = {
    {"id", NULL, NULL},    {"number", NULL, NULL},     {"kind", NULL, NULL},         {"title", NULL, NULL},
    {"state", NULL, NULL}, {"department", NULL, NULL}, {"requester_id", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view finding_view = {finding_fields, NULL};

/* plans, training and readiness (docs/plans.md) */
static const od_cli_col plan_cols[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"plan.current_version", "现行版本 Version", NULL},
    {"plan.next_review_at", "下次复审 Next review", NULL},
    {"plan.review_due", "复审到期 Review due", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col plan_fields[] = {
    {"id", NULL, NULL},
    {"number", NULL, NULL},
    {"title", NULL, NULL},
    {"state", NULL, NULL},
    {"department", NULL, NULL},
    {"version", NULL, NULL},
    {"plan.owner_id", "负责人 Owner", NULL},
    {"plan.current_version", "现行版本 Version", NULL},
    {"plan.review_months", "复审周期（月）Review months", NULL},
    {"plan.published_at", "发布时间 Published at", NULL},
    {"plan.reviewed_at", "复审时间 Reviewed at", NULL},
    {"plan.next_review_at", "下次复审 Next review", NULL},
    {"plan.review_due", "复审到期 Review due", NULL},
    {"plan.review_trigger", "复审触发 Review trigger", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view plan_view = {plan_fields, NULL};
static const od_cli_section plan_list_sections[] = {{"items", NULL, plan_cols}, {NULL, NULL, NULL}};
static const od_cli_view plan_list_view = {NULL, plan_list_sections};
static const od_cli_col training_cols[] = {
    {"id", NULL, NULL},    {"username", NULL, NULL}, {"topic", NULL, NULL},
    {"hours", NULL, NULL}, {"held_at", NULL, NULL},  {NULL, NULL, NULL},
};
static const od_cli_section training_sections[] = {{"items", NULL, training_cols}, {NULL, NULL, NULL}};
static const od_cli_view training_view = {NULL, training_sections};
static const od_cli_col cert_cols[] = {
    {"id", NULL, NULL},     {"username", NULL, NULL},  {"position", NULL, NULL},   {"name", NULL, NULL},
    {"number", NULL, NULL}, {"issued_at", NULL, NULL}, {"expires_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section cert_sections[] = {{"items", NULL, cert_cols}, {NULL, NULL, NULL}};
static const od_cli_view cert_list_view = {NULL, cert_sections};
static const od_cli_col cert_fields[] = {
    {"id", NULL, NULL},        {"username", NULL, NULL},   {"position", NULL, NULL},
    {"name", NULL, NULL},      {"issuer", NULL, NULL},     {"number", NULL, NULL},
    {"issued_at", NULL, NULL}, {"expires_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view cert_view = {cert_fields, NULL};
static const od_cli_col ready_pos_cols[] = {
    {"key", NULL, NULL}, {"min_qualified", NULL, NULL},        {"qualified", NULL, NULL},
    {"gap", NULL, NULL}, {"certificate_required", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_col ready_plan_cols[] = {
    {"number", NULL, NULL},     {"current_version", NULL, NULL}, {"next_review_at", NULL, NULL},
    {"review_due", NULL, NULL}, {"drill_due_at", NULL, NULL},    {"drill_due", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section ready_sections[] = {{"positions", "关键岗位 Key positions", ready_pos_cols},
                                                {"plans", "应急预案 Plans", ready_plan_cols},
                                                {NULL, NULL, NULL}};
static const od_cli_view ready_view = {NULL, ready_sections};
static const od_cli_opt o_user_page[] = {
    {"--user", "user_id", OD_CLI_INT, 0, NULL, "USER_ID"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_cert_add[] = {
    {"--user", "user_id", OD_CLI_INT, R, NULL, "USER_ID"},
    {"--position", "position", OD_CLI_STR, R, NULL, "KEY"},
    {"--name", "name", OD_CLI_STR, R, NULL, "TEXT"},
    {"--issuer", "issuer", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--number", "number", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--issued", "issued_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--expires", "expires_at", OD_CLI_STR, 0, NULL, "RFC3339"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

/* training courses and sessions, hours and roster (docs/plans.md "Courses and sessions") */
static const od_cli_col course_cols[] = {
    {"id", NULL, NULL},        {"title", NULL, NULL},           {"hours", NULL, NULL},
    {"positions", NULL, NULL}, {"validity_months", NULL, NULL}, {"active", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section course_sections[] = {{"items", NULL, course_cols}, {NULL, NULL, NULL}};
static const od_cli_view course_list_view = {NULL, course_sections};
static const od_cli_col course_fields[] = {
    {"id", NULL, NULL},
    {"title", NULL, NULL},
    {"hours", NULL, NULL},
    {"positions", NULL, NULL},
    {"validity_months", NULL, NULL},
    {"active", NULL, NULL},
    {"description", "说明 Description", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_view course_view = {course_fields, NULL};
static const od_cli_col session_cols[] = {
    {"id", NULL, NULL},
    {"course_title", NULL, NULL},
    {"hours", NULL, NULL},
    {"starts_at", NULL, NULL},
    {"trainer_username", NULL, NULL},
    {"location", NULL, NULL},
    {"attendee_count", NULL, NULL},
    {"results_at", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section session_sections[] = {{"items", NULL, session_cols}, {NULL, NULL, NULL}};
static const od_cli_view session_list_view = {NULL, session_sections};
static const od_cli_col session_fields[] = {
    {"id", NULL, NULL},           {"course_title", NULL, NULL},
    {"hours", NULL, NULL},        {"starts_at", NULL, NULL},
    {"ends_at", NULL, NULL},      {"trainer_username", NULL, NULL},
    {"location", NULL, NULL},     {"materials", "资料 Materials", NULL},
    {"results_at", NULL, NULL},   {"trainings", NULL, NULL},
    {"certificates", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_col attendee_cols[] = {
    {"user_id", NULL, NULL},  {"username", NULL, NULL},   {"display_name", NULL, NULL},
    {"attended", NULL, NULL}, {"assessment", NULL, NULL}, {"score", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section attendee_sections[] = {{"attendees", "学员 Attendees", attendee_cols},
                                                   {NULL, NULL, NULL}};
static const od_cli_view session_view = {session_fields, attendee_sections};
static const od_cli_col hours_cols[] = {
    {"user_id", NULL, NULL},    {"username", NULL, NULL}, {"display_name", NULL, NULL},
    {"department", NULL, NULL}, {"hours", NULL, NULL},    {"short_by", NULL, NULL},
    {"met", NULL, NULL},        {NULL, NULL, NULL},
};
static const od_cli_section hours_sections[] = {{"items", NULL, hours_cols}, {NULL, NULL, NULL}};
static const od_cli_view hours_view = {NULL, hours_sections};
static const od_cli_col roster_cols[] = {
    {"key", NULL, NULL},    {"name_zh", NULL, NULL}, {"min_qualified", NULL, NULL}, {"qualified", NULL, NULL},
    {"people", NULL, NULL}, {"gap", NULL, NULL},     {"below_two", NULL, NULL},     {NULL, NULL, NULL},
};
static const od_cli_section roster_sections[] = {{"positions", "关键岗位值守 Key positions", roster_cols},
                                                 {NULL, NULL, NULL}};
static const od_cli_view roster_view = {NULL, roster_sections};
static const od_cli_opt o_course_list[] = {
    {"--active", "active", OD_CLI_BOOL, 0, "true|false", NULL},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_course_add[] = {
    {"--title", "title", OD_CLI_STR, R, NULL, "TEXT"},
    {"--hours", "hours", OD_CLI_INT, R, NULL, "N"},
    {"--positions", "positions", OD_CLI_LIST, 0, NULL, "KEY,KEY"},
    {"--description", "description", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--validity-months", "validity_months", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_session_list[] = {
    {"--course", "course_id", OD_CLI_INT, 0, NULL, "COURSE_ID"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_session_add[] = {
    {"--course", "course_id", OD_CLI_INT, R, NULL, "COURSE_ID"},
    {"--starts", "starts_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--ends", "ends_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--trainer", "trainer_id", OD_CLI_INT, R, NULL, "USER_ID"},
    {"--location", "location", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--materials", "materials", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--attendees", "attendees", OD_CLI_INTLIST, L, NULL, "USER_ID,USER_ID"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_session_results[] = {
    {"--pass", "pass", OD_CLI_INTLIST, L, NULL, "USER_ID,USER_ID"},
    {"--fail", "fail", OD_CLI_INTLIST, L, NULL, "USER_ID,USER_ID"},
    {"--absent", "absent", OD_CLI_INTLIST, L, NULL, "USER_ID,USER_ID"},
    {"--score", "score", OD_CLI_KV, L, NULL, "USER_ID=SCORE"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_hours[] = {
    {"--year", "year", OD_CLI_INT, 0, NULL, "YYYY"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

/* upkeep: risk assessments and content feedback (docs/upkeep.md) */
static const od_cli_col risk_cols[] = {
    {"id", NULL, NULL},    {"held_at", NULL, NULL}, {"username", NULL, NULL}, {"scope", NULL, NULL},
    {"risks", NULL, NULL}, {"actions", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section risk_sections[] = {{"items", NULL, risk_cols}, {NULL, NULL, NULL}};
static const od_cli_view risk_list_view = {NULL, risk_sections};
static const od_cli_col risk_fields[] = {
    {"id", NULL, NULL},         {"held_at", NULL, NULL}, {"username", NULL, NULL},
    {"department", NULL, NULL}, {"scope", NULL, NULL},   {"findings", NULL, NULL},
    {"risks", NULL, NULL},      {"actions", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view risk_view = {risk_fields, NULL};
static const od_cli_col risk_due_fields[] = {
    {"department", NULL, NULL},  {"cycle_months", NULL, NULL}, {"last_held_at", NULL, NULL},
    {"next_due_at", NULL, NULL}, {"overdue", NULL, NULL},      {NULL, NULL, NULL},
};
static const od_cli_view risk_due_view = {risk_due_fields, NULL};
static const od_cli_col fb_cols[] = {
    {"id", NULL, NULL},     {"plan_number", NULL, NULL}, {"topic", NULL, NULL},     {"source_zh", NULL, NULL},
    {"due_at", NULL, NULL}, {"overdue", NULL, NULL},     {"change_zh", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section fb_sections[] = {{"items", NULL, fb_cols}, {NULL, NULL, NULL}};
static const od_cli_view fb_list_view = {NULL, fb_sections};
static const od_cli_col fb_fields[] = {
    {"id", NULL, NULL},           {"plan_number", NULL, NULL}, {"topic", NULL, NULL},
    {"source_zh", NULL, NULL},    {"text", NULL, NULL},        {"due_at", NULL, NULL},
    {"overdue", NULL, NULL},      {"change_zh", NULL, NULL},   {"resolution", NULL, NULL},
    {"addressed_at", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view fb_view = {fb_fields, NULL};
static const od_cli_opt o_risk_add[] = {
    {"--held", "held_at", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--scope", "scope", OD_CLI_STR, R, NULL, "TEXT"},
    {"--findings", "findings", OD_CLI_STR, R, NULL, "TEXT"},
    {"--risks", "risks", OD_CLI_STR, R, NULL, "TEXT"},
    {"--actions", "actions", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_fb_list[] = {
    {"--open", "open", OD_CLI_BOOL, 0, NULL, "true|false"},
    {"--plan", "plan_id", OD_CLI_INT, 0, NULL, "PLAN_ID"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_fb_add[] = {
    {"--plan", "plan_id", OD_CLI_INT, 0, NULL, "PLAN_ID"},
    {"--topic", "topic", OD_CLI_STR, 0, NULL, "TEXT"},
    {"--source", "source", OD_CLI_STR, R, "assessment|drill|training|incident|review", NULL},
    {"--text", "text", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_fb_address[] = {
    {"--change", "change", OD_CLI_STR, R, "courses|schedule|focus|plan|none", NULL},
    {"--resolution", "resolution", OD_CLI_STR, R, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

static int export_report(od_cli_ctx *c, const od_cli_inv *inv);
static int export_om_report(od_cli_ctx *c, const od_cli_inv *inv);

/* service levels and O&M reports (docs/service-levels.md) */
static const od_cli_opt o_sla_show[] = {
    {"--from", "from", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--to", "to", OD_CLI_STR, R, NULL, "RFC3339"},
    {"--service", "service", OD_CLI_STR, 0, NULL, "KEY"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_col sla_fields[] = {
    {"from", "起 From", NULL},
    {"to", "止 To", NULL},
    {"platform.availability.availability", "平台可用率 Platform availability %", NULL},
    {"platform.availability.unplanned_ms", "非计划停机 Unplanned ms", NULL},
    {"platform.availability.period_remaining_ms", "期间预算剩余 Budget left ms", NULL},
    {"platform.availability.budget.remaining_ms", "年度预算剩余 Year budget left ms", NULL},
    {"incidents.total", "事件 Incidents", NULL},
    {"incidents.response.breached", "响应超时 Response breaches", NULL},
    {"incidents.restore.breached", "恢复超时 Restore breaches", NULL},
    {"incidents.handling.breached", "处置超时 Handling breaches", NULL},
    {"incidents.mtta.mean_ms", "MTTA ms", NULL},
    {"incidents.mttr.mean_ms", "MTTR ms", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_col sla_service_cols[] = {
    {"key", NULL, NULL},
    {"name", NULL, NULL},
    {"availability.availability", "可用率 Availability %", NULL},
    {"availability.unplanned_ms", "非计划停机 Unplanned ms", NULL},
    {"availability.met", "达标 Met", NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section sla_sections[] = {{"services", "服务 Services", sla_service_cols},
                                              {NULL, NULL, NULL}};
static const od_cli_view sla_view = {sla_fields, sla_sections};
static const od_cli_col svc_cols[] = {
    {"id", NULL, NULL},
    {"key", NULL, NULL},
    {"name", NULL, NULL},
    {"availability_target", NULL, NULL},
    {"platform_member", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section svc_sections[] = {{"items", NULL, svc_cols}, {NULL, NULL, NULL}};
static const od_cli_view svc_list_view = {NULL, svc_sections};
static const od_cli_opt o_report_generate[] = {
    {"--kind", "kind", OD_CLI_STR, R, NULL, "KIND"}, /* the policy's definitions (sla.reports) */
    {"--at", "at", OD_CLI_STR, 0, NULL, "RFC3339"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_report_list[] = {
    {"--kind", "kind", OD_CLI_STR, 0, NULL, "KIND"},
    {"--limit", "limit", OD_CLI_INT, 0, NULL, "N"},
    {"--offset", "offset", OD_CLI_INT, 0, NULL, "N"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_col run_fields[] = {
    {"id", NULL, NULL},     {"number", NULL, NULL},       {"kind", NULL, NULL},       {"version", NULL, NULL},
    {"state", NULL, NULL},  {"period_start", NULL, NULL}, {"period_end", NULL, NULL}, {"missing", NULL, NULL},
    {"sha256", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_view run_view = {run_fields, NULL};
static const od_cli_col run_cols[] = {
    {"id", NULL, NULL},           {"number", NULL, NULL}, {"state", NULL, NULL}, {"version", NULL, NULL},
    {"period_start", NULL, NULL}, {"sha256", NULL, NULL}, {NULL, NULL, NULL},
};
static const od_cli_section run_sections[] = {{"items", NULL, run_cols}, {NULL, NULL, NULL}};
static const od_cli_view run_list_view = {NULL, run_sections};
/* the policy's report definitions (GET /api/v1/reports/definitions) */
static const od_cli_col rdef_cols[] = {
    {"key", NULL, NULL},
    {"code", NULL, NULL},
    {"title.zh", "标题 Title", NULL},
    {"title.en", "英文标题 English title", NULL},
    {"period", NULL, NULL},
    {"schedule.on", "生成日 Generated on", NULL},
    {"schedule.at", "生成时刻 Generated at", NULL},
    {"required", NULL, NULL},
    {"file_within_minutes", NULL, NULL},
    {"reviewer", NULL, NULL},
    {"recipients", NULL, NULL},
    {NULL, NULL, NULL},
};
static const od_cli_section rdef_sections[] = {{"items", NULL, rdef_cols}, {NULL, NULL, NULL}};
static const od_cli_view rdef_list_view = {NULL, rdef_sections};
static const od_cli_opt o_report_review[] = {
    {"--note", "note", OD_CLI_STR, 0, NULL, "TEXT"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
static const od_cli_opt o_report_export[] = {
    {"--format", "format", OD_CLI_STR, R | L, "md|html|json|xlsx|services.csv|incidents.csv", NULL},
    {NULL, NULL, 0, 0, NULL, NULL},
};

#define Q OD_CLI_QUERY
#define P (OD_CLI_QUERY | OD_CLI_PAGED)

const od_cli_cmd od_cli_cmds[] = {
    {"login", NULL, "POST", "/api/v1/auth/login", OD_CLI_NOAUTH, o_login, NULL, od_cli_login,
     "登录并保存会话 log in and save the session (password: --password-stdin, $OPSDESK_PASSWORD or prompt)"},
    {"logout", NULL, "POST", "/api/v1/auth/logout", 0, o_none, NULL, od_cli_logout,
     "注销并删除会话 log out and delete the saved session"},
    {"whoami", NULL, "GET", "/api/v1/auth/me", 0, o_none, &user_view, NULL, "当前用户 who am I"},

    {"ci", "add", "POST", "/api/v1/cis", 0, o_ci_add, &ci_view, NULL, "登记配置项 register a CI"},
    {"ci", "list", "GET", "/api/v1/cis", P, o_ci_list, &ci_list_view, NULL, "配置项列表 list CIs"},
    {"ci", "show", "GET", "/api/v1/cis/{id}", 0, o_none, &ci_view, NULL,
     "配置项详情 show a CI and its relations"},
    {"ci", "relate", "POST", "/api/v1/cis/{id}/relations", 0, o_ci_relate, &rel_view, NULL,
     "添加关系 relate a CI to another (ID depends_on TARGET)"},
    {"ci", "impact", "GET", "/api/v1/cis/{id}/impact", 0, o_none, &impact_view, NULL,
     "影响分析 CIs that depend on this one, transitively"},
    {"ci", "verify", "POST", "/api/v1/cis/{id}/verify", 0, o_none, &ci_view, NULL,
     "核实配置项 mark a CI verified"},
    {"ci", "unverified", "GET", "/api/v1/cis/unverified", P, o_ci_unverified, &unverified_view, NULL,
     "未核实清单 CIs not verified this week/month"},
    {"ci", "retire", "POST", "/api/v1/cis/{id}/retire", 0, o_ci_reason, &ci_view, NULL,
     "退役配置项 retire a CI (kept in history; --reason required)"},
    {"ci", "unretire", "POST", "/api/v1/cis/{id}/unretire", 0, o_ci_reason, &ci_view, NULL,
     "恢复使用配置项 bring a retired CI back into service (--reason required)"},
    {"ci", "retirements", "GET", "/api/v1/cis/{id}/retirements", 0, o_none, &ci_history_view, NULL,
     "退役与恢复记录 who retired a CI or brought it back, when, why"},

    {"user", "add", "POST", "/api/v1/users", 0, o_user_add, &user_view, od_cli_user_add,
     "创建用户 create a user (password: --password-stdin, --password or prompt)"},
    {"user", "list", "GET", "/api/v1/users", P, o_page, &user_list_view, NULL, "用户列表 list users"},
    {"user", "show", "GET", "/api/v1/users/{id}", 0, o_none, &user_view, NULL, "用户详情 show a user"},
    {"user", "roles", "PUT", "/api/v1/users/{id}/roles", 0, o_user_roles, &user_view, NULL,
     "设置角色与范围 set a user's roles and scopes"},
    {"user", "disable", "POST", "/api/v1/users/{id}/disable", 0, o_none, &user_view, NULL,
     "停用用户 disable a user"},
    {"user", "enable", "POST", "/api/v1/users/{id}/enable", 0, o_none, &user_view, NULL,
     "启用用户 enable a user"},
    {"user", "passwd", "POST", "/api/v1/auth/password", 0, o_passwd, NULL, od_cli_passwd,
     "修改本人密码 change your own password (old and new: prompt, or two lines on stdin)"},

    {"incident", "new", "POST", "/api/v1/incidents", 0, o_inc_new, &inc_brief_view, NULL,
     "登记事件 register an incident"},
    {"incident", "list", "GET", "/api/v1/incidents", P, o_inc_list, &inc_list_view, NULL,
     "事件列表 list incidents"},
    {"incident", "show", "GET", "/api/v1/incidents/{id}", 0, o_none, &inc_view, NULL,
     "事件详情 show an incident: levels, deadlines, escalations, recipients, acks, reports"},
    {"incident", "report", "POST", "/api/v1/incidents/{id}/reports", 0, o_inc_report, &inc_brief_view, NULL,
     "提交报告 file a report (first, second, progress, final)"},
    {"incident", "ack", "POST", "/api/v1/incidents/{id}/ack", 0, o_none, &inc_brief_view, NULL,
     "确认收到 acknowledge as a recipient"},
    {"incident", "activate", "POST", "/api/v1/incidents/{id}/activate", 0, o_none, &inc_brief_view, NULL,
     "启动响应 activate the response"},
    {"incident", "close", "POST", "/api/v1/incidents/{id}/close", 0, o_none, &inc_brief_view, NULL,
     "关闭事件 close the incident"},
    {"incident", "review", "POST", "/api/v1/incidents/{id}/review", 0, o_inc_review, &inc_brief_view, NULL,
     "事后复盘 post-incident review"},
    {"incident", "regrade", "PATCH", "/api/v1/incidents/{id}", 0, o_inc_regrade, &inc_brief_view, NULL,
     "重新定级 regrade (severity, CIs, response level) with a reason"},
    {"incident", "export", "GET", "/api/v1/incidents/{id}/report", OD_CLI_RAW, o_inc_export, NULL,
     export_report, "导出事件报告 print the incident report as Markdown or HTML"},

    {"grade", NULL, "GET", "/api/v1/grading", Q, o_grade, NULL, od_cli_grade,
     "定级查询 grade: --ci ID or --category C --grade G, with --severity"},
    {"policy", "table", "GET", "/api/v1/policy/table", 0, o_none, NULL, od_cli_policy_table,
     "速查表 the quick-reference table of the loaded policy"},

    {"event", "list", "GET", "/api/v1/events", P, o_event_list, &event_list_view, NULL,
     "事件告警列表 list events"},
    {"event", "show", "GET", "/api/v1/events/{id}", 0, o_none, &event_view, NULL, "告警详情 show an event"},
    {"event", "silence", "POST", "/api/v1/maintenance-windows", 0, o_event_silence, &window_view, NULL,
     "维护窗口静默 silence events of CIs during a maintenance window"},
    {"notify", "test", "POST", "/api/v1/notify/test", 0, o_notify_test, NULL, od_cli_notify_test,
     "发送测试消息并显示尝试记录 send a test message over a configured channel and print the attempt log"},
    {"user", "notify", "PUT", "/api/v1/users/{id}/notify", 0, o_user_notify, &notify_view, od_cli_user_notify,
     "设置通知：个人机器人、各级别渠道、语言 set a user's personal bot, channels per level, language"},
    {"user", "notify-show", "GET", "/api/v1/users/{id}/notify", 0, o_none, &notify_view, NULL,
     "查看通知设置 show a user's notification settings"},
    {"problem", "list", "GET", "/api/v1/problems", P, o_problem_list, &problem_list_view, NULL,
     "问题列表 list problems"},
    {"problem", "show", "GET", "/api/v1/problems/{id}", 0, o_none, &problem_view, NULL,
     "问题详情 show a problem with its typed fields"},
    {"problem", "create", "POST", "/api/v1/problems", 0, o_problem_create, &problem_view,
     od_cli_problem_create, "新建问题 create a problem (priority from impact × urgency)"},
    {"problem", "act", "POST", "/api/v1/records/{id}/actions/{action}", 0, o_problem_act, &problem_view,
     od_cli_problem_act,
     "执行工作流动作 apply a workflow action (accept, assign, start, suspend, resolve, close, …)"},
    {"problem", "entries", "GET", "/api/v1/problems/{id}/entries", P, o_page, &problem_entries_view, NULL,
     "问题的调查与复盘条目 a problem's entries, newest first"},
    {"problem", "entry", "POST", "/api/v1/problems/{id}/entries", 0, o_problem_entry, &problem_entry_view,
     od_cli_problem_entry,
     "添加条目 add an entry (a workaround or root cause sets the problem's field; a review needs --what "
     "--why --prevent --actions)"},
    {"problem", "entry-edit", "PATCH", "/api/v1/problems/{id}/entries/{entry}", 0, o_problem_entry_edit,
     &problem_entry_view, od_cli_problem_entry_edit,
     "修改条目 edit an entry (its author or the problem manager; the old text is kept)"},
    {"drill", "list", "GET", "/api/v1/drills", P, o_problem_list, &drill_list_view, NULL,
     "演练列表 list drills"},
    {"drill", "show", "GET", "/api/v1/drills/{id}", 0, o_none, &drill_view, NULL,
     "演练详情 show a drill with its typed fields"},
    {"drill", "create", "POST", "/api/v1/drills", 0, o_drill_create, &drill_view, od_cli_drill_create,
     "计划演练 schedule a drill (sandbox: only the participants are told)"},
    {"drill", "act", "POST", "/api/v1/records/{id}/actions/{action}", 0, o_problem_act, &drill_view,
     od_cli_problem_act, "演练步骤 apply a workflow action (prepare, start, evaluate, close)"},
    {"drill", "inject", "POST", "/api/v1/drills/{id}/inject", 0, o_drill_inject, &inc_brief_view, NULL,
     "注入模拟事件 open a running drill's simulated incident (real notification path, 【演练】)"},
    {"drill", "scorecard", "GET", "/api/v1/drills/{id}/scorecard", 0, o_none, &card_view, NULL,
     "演练评分卡 a drill's scorecard: each deadline met or missed"},
    {"drill", "overdue", "GET", "/api/v1/drills/overdue", P, o_page, &drill_due_view, NULL,
     "演练到期的预案 plans whose yearly drill is due"},
    {"drill", "finding", "POST", "/api/v1/drills/{id}/findings", 0, o_drill_finding, &finding_view, NULL,
     "演练发现生成后续记录 a drill finding turned into its follow-up problem"},
    {"drill", "score", "PUT", "/api/v1/drills/{id}/scores", 0, o_drill_score, &card_view, NULL,
     "演练人工评分 a manual 1-5 score of a scorecard item, for the drill or a participant (--user)"},
    {"plan", "list", "GET", "/api/v1/plans", P, o_problem_list, &plan_list_view, NULL,
     "应急预案列表 list emergency plans"},
    {"plan", "show", "GET", "/api/v1/plans/{id}", 0, o_none, &plan_view, NULL,
     "预案详情 show a plan: versions, review cycle and trigger"},
    {"plan", "overdue", "GET", "/api/v1/plans/overdue", P, o_page, &plan_list_view, NULL,
     "复审到期的预案 plans whose review is due"},
    {"training", "list", "GET", "/api/v1/trainings", P, o_user_page, &training_view, NULL,
     "培训记录 list training records"},
    {"training", "certs", "GET", "/api/v1/certificates", P, o_user_page, &cert_list_view, NULL,
     "岗位资质证书 list certificates held for key positions"},
    {"training", "cert-add", "POST", "/api/v1/certificates", 0, o_cert_add, &cert_view, NULL,
     "记录资质证书 record a certificate for a key position"},
    {"training", "readiness", "GET", "/api/v1/readiness", 0, o_none, &ready_view, NULL,
     "准备度 key positions covered, plans' reviews and drills"},
    {"training", "courses", "GET", "/api/v1/training/courses", P, o_course_list, &course_list_view, NULL,
     "培训课程 list training courses"},
    {"training", "course-add", "POST", "/api/v1/training/courses", 0, o_course_add, &course_view, NULL,
     "新建培训课程 create a course (--positions: key positions a pass qualifies for)"},
    {"training", "sessions", "GET", "/api/v1/training/sessions", P, o_session_list, &session_list_view, NULL,
     "培训场次 list training sessions"},
    {"training", "session", "GET", "/api/v1/training/sessions/{id}", 0, o_none, &session_view, NULL,
     "培训场次详情 show a session with its attendees"},
    {"training", "session-add", "POST", "/api/v1/training/sessions", 0, o_session_add, &session_view,
     od_cli_session_add, "安排培训场次 schedule a session (--attendees: user ids)"},
    {"training", "session-results", "POST", "/api/v1/training/sessions/{id}/results", 0, o_session_results,
     &session_view, od_cli_session_results,
     "记录出勤与考核 record attendance and assessment (--pass, --fail, --absent, --score ID=N)"},
    {"training", "hours", "GET", "/api/v1/training/hours", P, o_hours, &hours_view, NULL,
     "年度学时 training hours per person in a year against 48"},
    {"training", "roster", "GET", "/api/v1/readiness/roster", 0, o_none, &roster_view, NULL,
     "关键岗位值守 the qualified people per key position (fewer than two flagged)"},
    {"upkeep", "risk-list", "GET", "/api/v1/risk-assessments", P, o_page, &risk_list_view, NULL,
     "系统风险评估记录 list risk assessments"},
    {"upkeep", "risk-add", "POST", "/api/v1/risk-assessments", 0, o_risk_add, &risk_view, NULL,
     "记录系统风险评估（运行部） record a risk assessment (the policy's department)"},
    {"upkeep", "risk-due", "GET", "/api/v1/risk-assessments/due", 0, o_none, &risk_due_view, NULL,
     "下次风险评估到期 when the next risk assessment is due"},
    {"upkeep", "feedback-list", "GET", "/api/v1/content-feedback", P, o_fb_list, &fb_list_view, NULL,
     "培训与预案内容反馈 feedback on training and plan content"},
    {"upkeep", "feedback-add", "POST", "/api/v1/content-feedback", 0, o_fb_add, &fb_view, NULL,
     "记录内容反馈 record feedback (--plan or --topic)"},
    {"upkeep", "feedback-address", "POST", "/api/v1/content-feedback/{id}/address", 0, o_fb_address, &fb_view,
     NULL, "处理内容反馈 act on a feedback entry: what changed and how"},
    {"sla", "show", "GET", "/api/v1/service-levels", Q, o_sla_show, &sla_view, NULL,
     "服务级别指标 availability, budget, breaches, MTTA/MTTR of [--from, --to)"},
    {"sla", "services", "GET", "/api/v1/services", P, o_page, &svc_list_view, NULL, "服务列表 list services"},
    {"sla", "report-generate", "POST", "/api/v1/reports/runs", 0, o_report_generate, &run_view, NULL,
     "生成运维报告 generate an O&M report of a kind the policy defines: weekly, monthly, quarterly, annual … "
     "(next version)"},
    {"sla", "reports", "GET", "/api/v1/reports/runs", P, o_report_list, &run_list_view, NULL,
     "运维报告列表 list O&M report runs"},
    {"sla", "report-file", "POST", "/api/v1/reports/runs/{id}/file", 0, o_report_review, &run_view, NULL,
     "审核并归档运维报告 file a report under review (the policy's reviewer role, not its author; frozen, "
     "hash "
     "audited)"},
    {"sla", "report-export", "GET", "/api/v1/reports/runs/{id}/report", OD_CLI_RAW, o_report_export, NULL,
     export_om_report, "导出运维报告 print a report as md, html, json, csv, or write xlsx to stdout"},
    {"sla", "report-distribute", "POST", "/api/v1/reports/runs/{id}/distribute", 0, o_none, &run_view, NULL,
     "分发已归档的运维报告 distribute a filed report to the policy's recipients"},
    {"sla", "report-submit", "POST", "/api/v1/reports/runs/{id}/submit", 0, o_none, &run_view, NULL,
     "提交运维报告审核 submit a draft report for review"},
    {"sla", "report-return", "POST", "/api/v1/reports/runs/{id}/return", 0, o_report_review, &run_view, NULL,
     "退回审核中的运维报告 return a report under review to draft (--note required)"},
    /* the same commands as `opsdesk report …` (modules-spec §M4: report generate|list|file|export) */
    {"report", "generate", "POST", "/api/v1/reports/runs", 0, o_report_generate, &run_view, NULL,
     "生成运维报告 generate an O&M report (--kind weekly|monthly|quarterly|annual …, the policy's "
     "sla.reports)"},
    {"report", "list", "GET", "/api/v1/reports/runs", P, o_report_list, &run_list_view, NULL,
     "运维报告列表 list O&M report runs"},
    {"report", "submit", "POST", "/api/v1/reports/runs/{id}/submit", 0, o_none, &run_view, NULL,
     "提交运维报告审核 submit a draft report for review"},
    {"report", "file", "POST", "/api/v1/reports/runs/{id}/file", 0, o_report_review, &run_view, NULL,
     "审核并归档运维报告 file a report under review (frozen, hash audited)"},
    {"report", "export", "GET", "/api/v1/reports/runs/{id}/report", OD_CLI_RAW, o_report_export, NULL,
     export_om_report, "导出运维报告 print a report as md, html, json, csv, or write xlsx to stdout"},
    {"report", "definitions", "GET", "/api/v1/reports/definitions", P, o_page, &rdef_list_view, NULL,
     "运维报告定义 list the policy's O&M report definitions (sla.reports)"},
    {"ke", "list", "GET", "/api/v1/known-errors", P, o_ke_list, &ke_list_view, NULL,
     "已知错误列表 list known errors"},
    {"ke", "show", "GET", "/api/v1/known-errors/{id}", 0, o_none, &ke_view, NULL,
     "已知错误详情 show a known error"},
    {"ke", "search", "GET", "/api/v1/known-errors/search", P, o_ke_search, &ke_hit_view, NULL,
     "检索已知错误（中英文全文） search known errors (Chinese and English full text)"},
    {"ke", "create", "POST", "/api/v1/known-errors", 0, o_ke_create, &ke_view, NULL,
     "新建已知错误 create a known error (--rules: matchers, comma-separated)"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

/* `incident export ID --format md|html`: GET …/report.md or …/report.html,
 * printed as it comes (--json does not apply). */
static int export_report(od_cli_ctx *c, const od_cli_inv *inv)
{
    const char *fmt = json_string_value(json_object_get(inv->local, "format"));
    char path[256];
    od_cli_answer a;
    int w = snprintf(path, sizeof path, "/api/v1/incidents/%s/report.%s", inv->id, fmt);
    if (w < 0 || (size_t)w >= sizeof path)
        return OD_CLI_EXIT_USAGE;
    int rc = od_cli_call(c, "GET", path, NULL, &a);
    if (!rc) {
        fwrite(a.body, 1, a.len, c->out);
        if (a.len && a.body[a.len - 1] != '\n')
            fputc('\n', c->out);
    }
    od_cli_answer_cleanup(&a);
    return rc;
}

/* `sla report-export ID --format F`: GET …/report.F (…/services.csv,
 * …/incidents.csv), written to stdout as it comes (XLSX too). */
static int export_om_report(od_cli_ctx *c, const od_cli_inv *inv)
{
    const char *fmt = json_string_value(json_object_get(inv->local, "format"));
    char path[256];
    od_cli_answer a;
    bool table = strstr(fmt, ".csv") != NULL;
    int w = snprintf(path, sizeof path, "/api/v1/reports/runs/%s/%s%s", inv->id, table ? "" : "report.", fmt);
    if (w < 0 || (size_t)w >= sizeof path)
        return OD_CLI_EXIT_USAGE;
    int rc = od_cli_call(c, "GET", path, NULL, &a);
    if (!rc)
        fwrite(a.body, 1, a.len, c->out);
    od_cli_answer_cleanup(&a);
    return rc;
}
