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
static const od_cli_view event_view = {event_cols, NULL};
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

static int export_report(od_cli_ctx *c, const od_cli_inv *inv);

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
