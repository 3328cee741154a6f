/* cli_table.c — the one printer of the client: an aligned table for an
 * array of JSON objects and a "label  value" view for one object, both
 * driven by column specs (JSON key, header).  Widths count terminal
 * columns, so Chinese text (two columns a character) stays aligned.  Table
 * cells are cut at CELL_MAX columns; detail fields are printed whole.
 * Bilingual labels of the API's keys live in one table here.  No state. */
#include "cli/cli_int.h"
#include "util/sbuf.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 48    /* widest table cell, in terminal columns */
#define KEY_MAX 128    /* longest dotted path segment */
#define TEXT_MAX 65536 /* longest value rendered for people */

static const struct {
    const char *key, *label;
} labels[] = {
    {"id", "编号 ID"},
    {"number", "单号 Number"},
    {"name", "名称 Name"},
    {"name_zh", "中文名 Name"},
    {"title", "标题 Title"},
    {"category", "类别 Category"},
    {"grade", "等级 Grade"},
    {"department", "部门 Department"},
    {"environment", "环境 Environment"},
    {"location", "位置 Location"},
    {"attributes", "属性 Attributes"},
    {"created_at", "创建时间 Created"},
    {"updated_at", "更新时间 Updated"},
    {"last_verified_at", "最近核实 Last verified"},
    {"verified_by", "核实人 Verified by"},
    {"grade_guidance", "定级说明 Grade guidance"},
    {"type", "类型 Type"},
    {"source_id", "源编号 Source ID"},
    {"source_name", "源名称 Source"},
    {"target_id", "目标编号 Target ID"},
    {"target_name", "目标名称 Target"},
    {"depth", "深度 Depth"},
    {"via", "经由 Via"},
    {"relation", "关系 Relation"},
    {"count", "数量 Count"},
    {"total", "总数 Total"},
    {"period", "周期 Period"},
    {"since", "起始 Since"},
    {"username", "用户名 Username"},
    {"display_name", "姓名 Display name"},
    {"phone", "电话 Phone"},
    {"email", "邮箱 Email"},
    {"roles", "角色 Roles"},
    {"scopes", "范围 Scopes"},
    {"disabled", "已停用 Disabled"},
    {"lang", "语言 Language"},
    {"expires_at", "过期时间 Expires"},
    {"state", "状态 State"},
    {"level", "事件级别 Level"},
    {"severity", "严重程度 Severity"},
    {"severity_provisional", "暂定 Provisional"},
    {"response_level", "响应级别 Response"},
    {"handling_deadline", "处置时限 Handling deadline"},
    {"first_report_due", "首报期限 First report due"},
    {"detected_at", "发现时间 Detected"},
    {"symptoms", "现象 Symptoms"},
    {"impact_scope", "影响范围 Impact scope"},
    {"drill", "演练 Drill"},
    {"ci_ids", "配置项 CIs"},
    {"kind", "种类 Kind"},
    {"due_at", "期限 Due"},
    {"met_at", "完成时间 Met"},
    {"missed", "超时 Missed"},
    {"from", "从 From"},
    {"to", "到 To"},
    {"at", "时间 At"},
    {"reason", "原因 Reason"},
    {"user_id", "用户编号 User ID"},
    {"role", "角色 Role"},
    {"acked_at", "确认时间 Acked"},
    {"text", "内容 Text"},
    {"handling_limit_minutes", "处置时限(分) Handling limit (min)"},
    {"first_report_within_minutes", "首报时限(分) First report (min)"},
    {"progress_every_minutes", "进展间隔(分) Progress every (min)"},
    {"recipient_roles", "报告对象 Recipients"},
    {"activation_role", "启动权限 Activation"},
    {"activation_role_zh", "启动权限 Activation"},
    {"ack_required", "需确认 Ack required"},
    {"ack_within_minutes", "确认时限(分) Ack within (min)"},
    {"severe", "严重 severe"},
    {"moderate", "中等 moderate"},
    {"minor", "轻微 minor"},
    {"source", "来源 Source"},
    {"message", "消息 Message"},
    {"status", "状态 Status"},
    {"ci_id", "配置项 CI"},
    {"starts_at", "开始 Starts"},
    {"ends_at", "结束 Ends"},
    {"by", "提交人 By"},
    {"user", "用户 User"},
    {"timeline", "时间线 Timeline"},
    {"class", "事件分类 Class"},
    {"summary", "摘要 Summary"},
    {"first_seen", "首次出现 First seen"},
    {"last_seen", "最近出现 Last seen"},
    {"step", "步骤 Step"},
    {"rule", "规则 Rule"},
    {"result", "结果 Result"},
    {"author", "上报人 Author"},
    {"author_name", "上报人姓名 Author name"},
    {"desk", "上报接口 Desk"},
    {"desk_name", "上报接口名称 Desk name"},
    {"fields", "报告内容 Fields"},
    {"ack_due", "确认期限 Ack due"},
    {"ack_overdue", "确认逾期 Ack overdue"},
    {"ack_required", "须确认 Ack required"},
    {"scope", "范围 Scope"},
    {"findings", "发现 Findings"},
    {"risks", "风险 Risks"},
    {"actions", "措施 Actions"},
    {"cycle_months", "周期（月） Cycle (months)"},
    {"last_held_at", "上次评估 Last held"},
    {"next_due_at", "下次到期 Next due"},
    {"overdue", "已逾期 Overdue"},
    {"plan_number", "预案编号 Plan number"},
    {"source_zh", "来源 Source"},
    {"change_zh", "调整内容 Change"},
    {"resolution", "处理说明 Resolution"},
    {"addressed_at", "处理时间 Addressed"},
    {"notified_at", "通知时间 Notified"},
    {"unreachable_24h", "无法24小时联系 Unreachable 24h"},
    {"recipient_id", "接收人编号 Recipient ID"},
    {"assignee_id", "处理人编号 Assignee ID"},
    {"requester_id", "提出人编号 Requester ID"},
    {"availability_target", "可用率目标 Availability target"},
    {"ci", "配置项 CI"},
    {"closed_at", "关闭时间 Closed"},
    {"comment", "说明 Comment"},
    {"created_by", "创建人 Created by"},
    {"impact", "影响 Impact"},
    {"urgency", "紧急程度 Urgency"},
    {"priority", "优先级 Priority"},
    {"key", "键 Key"},
    {"match_rules", "匹配规则 Match rules"},
    {"matchers", "匹配器 Matchers"},
    {"missing", "缺少 Missing"},
    {"period_start", "周期开始 Period start"},
    {"period_end", "周期结束 Period end"},
    {"platform_member", "平台成员 Platform member"},
    {"problem_number", "问题单号 Problem"},
    {"published", "已发布 Published"},
    {"root_cause", "根因 Root cause"},
    {"workaround", "临时解决办法 Workaround"},
    {"solution", "永久解决方案 Solution"},
    {"snippet", "片段 Snippet"},
    {"uses", "使用次数 Uses"},
    {"version", "版本 Version"},
    {"verdict", "结论 Verdict"},
    {"plan_id", "预案 Plan"},
    {"last_drill_at", "上次演练 Last drill"},
    {"drill_due_at", "演练到期 Drill due at"},
    {"drill_due", "演练到期 Drill due"},
    {"topic", "主题 Topic"},
    {"hours", "学时 Hours"},
    {"held_at", "举办时间 Held at"},
    {"position", "岗位 Position"},
    {"issued_at", "发证时间 Issued at"},
    {"issuer", "发证机构 Issuer"},
    {"min_qualified", "最少合格人数 Min. qualified"},
    {"qualified", "合格人数 Qualified"},
    {"gap", "缺口 Gap"},
    {"certificate_required", "需证书 Certificate required"},
    {"positions", "关键岗位 Positions"},
    {"validity_months", "有效期（月）Validity months"},
    {"active", "启用 Active"},
    {"course_title", "课程 Course"},
    {"trainer_username", "讲师 Trainer"},
    {"attendee_count", "学员数 Attendees"},
    {"results_at", "结果记录时间 Results at"},
    {"attended", "出席 Attended"},
    {"assessment", "考核 Assessment"},
    {"score", "成绩 Score"},
    {"short_by", "差额学时 Short by"},
    {"met", "达标 Met"},
    {"people", "合格人员 Qualified people"},
    {"below_two", "少于两人 Below two"},
    {"trainings", "培训记录数 Trainings"},
    {"certificates", "证书数 Certificates"},
    {"current_version", "当前版本 Current version"},
    {"next_review_at", "下次复审 Next review"},
    {"review_due", "复审到期 Review due"},
    {"url", "地址 URL"},
    {"sha256", "哈希 SHA-256"},
    {"retired_at", "退役时间 Retired at"},
    {"retired_reason", "退役原因 Retirement reason"},
    {"audit_id", "审计编号 Audit ID"},
    {"action", "操作 Action"},
    {"actor", "操作人 Actor"},
    {"actor_name", "操作人姓名 Actor name"},
    {"code", "编号代码 Code"},
    {"required", "必填章节 Required sections"},
    {"file_within_minutes", "归档期限(分钟) File within (min)"},
    {"reviewer", "审核角色 Reviewer"},
    {"recipients", "分发角色 Recipients"},
};

const char *od_cli_label(const char *key)
{
    const char *dot = strrchr(key, '.');
    if (dot)
        key = dot + 1; /* "ci.name" is labelled as "name" */
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].key, key) == 0)
            return labels[i].label;
    return key;
}

const json_t *od_cli_get(const json_t *obj, const char *path)
{
    char seg[KEY_MAX];
    const json_t *v = obj;
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof seg)
            return NULL;
        memcpy(seg, path, n);
        seg[n] = '\0';
        v = json_is_object(v) ? json_object_get(v, seg) : NULL;
        path += n + (dot ? 1 : 0);
    }
    return v;
}

/* ---- a bounded string builder: od_sbuf cut at TEXT_MAX on a character ---- */

typedef struct sb {
    od_sbuf buf;
    bool cut; /* TEXT_MAX reached */
} sb;

static void sb_add(sb *b, const char *s, size_t n)
{
    if (b->cut || !s)
        return;
    if (b->buf.n + n > TEXT_MAX) {
        n = od_utf8_prefix_bytes(s, n, TEXT_MAX - b->buf.n);
        b->cut = true;
    }
    od_sbuf_append(&b->buf, s, n);
}

static void sb_str(sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static char *sb_done(sb *b)
{
    return b->buf.p && !b->buf.oom ? b->buf.p : (free(b->buf.p), strdup(""));
}

static void add_value(sb *b, const json_t *v, int depth);

/* An object for people: "中文(key)" for {key,name_zh}, else "k=v, …". */
static void add_object(sb *b, const json_t *v, int depth)
{
    const json_t *key = json_object_get(v, "key"), *zh = json_object_get(v, "name_zh");
    if (json_is_string(key) && json_is_string(zh)) {
        sb_str(b, json_string_value(zh));
        sb_str(b, "(");
        sb_str(b, json_string_value(key));
        sb_str(b, ")");
        return;
    }
    const char *k;
    json_t *item;
    bool first = true;
    json_object_foreach((json_t *)(uintptr_t)v, k, item)
    {
        if (!first)
            sb_str(b, ", ");
        first = false;
        sb_str(b, k);
        sb_str(b, "=");
        add_value(b, item, depth + 1);
    }
}

static void add_value(sb *b, const json_t *v, int depth)
{
    char num[64];
    if (depth > 8) {
        sb_str(b, "…");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_STRING:
        sb_add(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        sb_str(b, num);
        break;
    case JSON_REAL:
        snprintf(num, sizeof num, "%g", json_real_value(v));
        sb_str(b, num);
        break;
    case JSON_TRUE:
        sb_str(b, "是 yes");
        break;
    case JSON_FALSE:
        sb_str(b, "否 no");
        break;
    case JSON_NULL:
        sb_str(b, "-");
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                sb_str(b, ", ");
            add_value(b, json_array_get(v, i), depth + 1);
        }
        if (json_array_size(v) == 0)
            sb_str(b, "-");
        break;
    case JSON_OBJECT:
        add_object(b, v, depth);
        break;
    }
}

char *od_cli_text(const json_t *v)
{
    sb b = {0};
    if (!v)
        return strdup("-");
    add_value(&b, v, 0);
    return sb_done(&b);
}

/* ---- display width ---- */

/* Terminal columns of a code point: East Asian wide and fullwidth forms
 * take two, combining marks none. */
static int cp_width(uint32_t c)
{
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F))
        return 0;
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
        (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
        (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
        (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

size_t od_cli_width(const char *s)
{
    size_t w = 0, len = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        i += od_utf8_decode(s + i, len - i, &cp);
        w += (size_t)cp_width(cp);
    }
    return w;
}

/* A table cell: control characters become spaces and text wider than
 * CELL_MAX columns is cut with "…".  Takes s, returns it (maybe moved). */
static char *cell_clean(char *s)
{
    size_t w = 0, cut = 0, len = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            s[i] = ' ';
        i += od_utf8_decode(s + i, len - i, &cp);
        w += (size_t)cp_width(cp);
        if (w <= CELL_MAX - 1)
            cut = i;
    }
    if (w <= CELL_MAX)
        return s;
    char *ns = realloc(s, cut + 4);
    if (!ns) {
        s[cut] = '\0';
        return s;
    }
    memcpy(ns + cut, "\xE2\x80\xA6", 4);
    return ns;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static size_t ncols(const od_cli_col *cols)
{
    size_t n = 0;
    while (cols[n].key)
        n++;
    return n;
}

/* The text of one cell or field; an empty text shows as "-". */
static char *cell(const json_t *row, const od_cli_col *col)
{
    char *s = col->fmt ? col->fmt(row, col->key) : od_cli_text(od_cli_get(row, col->key));
    if (s && !s[0]) {
        free(s);
        s = strdup("-");
    }
    return s;
}

/* Columns from the keys of objs[0..n), in first-seen order, ending with a
 * {NULL} row (caller frees the array; keys are borrowed from the objects). */
static od_cli_col *auto_cols(const json_t *const *objs, size_t n_objs)
{
    size_t cap = 16, n = 0;
    od_cli_col *cols = calloc(cap, sizeof *cols);
    for (size_t i = 0; cols && i < n_objs; i++) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)(uintptr_t)objs[i], k, v)
        {
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(cols[j].key, k) == 0;
            if (seen)
                continue;
            if (n + 1 >= cap) {
                od_cli_col *nc = realloc(cols, cap * 2 * sizeof *cols);
                if (!nc)
                    break;
                cols = nc;
                cap *= 2;
            }
            cols[n++] = (od_cli_col){k, NULL, NULL};
        }
    }
    if (cols)
        cols[n] = (od_cli_col){NULL, NULL, NULL};
    return cols;
}

/* auto_cols over the object rows of a JSON array. */
static od_cli_col *auto_cols_of(const json_t *rows)
{
    size_t n = json_array_size(rows);
    const json_t **objs = calloc(n ? n : 1, sizeof *objs);
    if (!objs)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (json_is_object(json_array_get(rows, i)))
            objs[k++] = json_array_get(rows, i);
    od_cli_col *cols = auto_cols(objs, k);
    free(objs);
    return cols;
}

void od_cli_print_table(FILE *out, const json_t *rows, const od_cli_col *cols)
{
    od_cli_col *owned = NULL;
    if (!json_is_array(rows))
        return;
    if (!cols)
        cols = owned = auto_cols_of(rows);
    if (!cols)
        return;
    size_t nc = ncols(cols), nr = json_array_size(rows);
    size_t *w = calloc(nc ? nc : 1, sizeof *w);
    char **cells = calloc(nc * nr + 1, sizeof *cells);
    if (!w || !cells)
        goto out;
    for (size_t j = 0; j < nc; j++)
        w[j] = od_cli_width(cols[j].header ? cols[j].header : od_cli_label(cols[j].key));
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            char *s = cell(json_array_get(rows, i), &cols[j]);
            if (s) {
                s = cell_clean(s);
                size_t cw = od_cli_width(s);
                w[j] = cw > w[j] ? cw : w[j];
            }
            cells[i * nc + j] = s;
        }
    for (size_t j = 0; j < nc; j++) {
        const char *h = cols[j].header ? cols[j].header : od_cli_label(cols[j].key);
        fputs(h, out);
        if (j + 1 < nc)
            pad(out, w[j] - od_cli_width(h) + 2);
    }
    fputc('\n', out);
    for (size_t i = 0; i < nr; i++) {
        for (size_t j = 0; j < nc; j++) {
            const char *s = cells[i * nc + j] ? cells[i * nc + j] : "?";
            fputs(s, out);
            if (j + 1 < nc)
                pad(out, w[j] - od_cli_width(s) + 2);
        }
        fputc('\n', out);
    }
out:
    if (cells)
        for (size_t i = 0; i < nc * nr; i++)
            free(cells[i]);
    free(cells);
    free(w);
    free(owned);
}

/* "label  value" lines; continuation lines of multi-line values are
 * indented under the value.  Returns how many lines were printed. */
static size_t print_fields(FILE *out, const json_t *root, const od_cli_col *fields)
{
    size_t printed = 0;
    size_t lw = 0;
    for (const od_cli_col *f = fields; f->key; f++) {
        const char *h = f->header ? f->header : od_cli_label(f->key);
        if (od_cli_get(root, f->key) && od_cli_width(h) > lw)
            lw = od_cli_width(h);
    }
    for (const od_cli_col *f = fields; f->key; f++) {
        const char *h = f->header ? f->header : od_cli_label(f->key);
        if (!od_cli_get(root, f->key))
            continue;
        char *s = cell(root, f);
        fputs(h, out);
        pad(out, lw - od_cli_width(h) + 2);
        for (const char *p = s ? s : "?"; *p; p++) {
            fputc(*p, out);
            if (*p == '\n')
                pad(out, lw + 2);
        }
        fputc('\n', out);
        free(s);
        printed++;
    }
    return printed;
}

void od_cli_print_view(FILE *out, const json_t *root, const od_cli_view *view)
{
    bool any = false;
    if (view->fields)
        any = print_fields(out, root, view->fields) > 0;
    for (const od_cli_section *s = view->sections; s && s->key; s++) {
        const json_t *rows = s->key[0] ? od_cli_get(root, s->key) : root;
        if (!json_is_array(rows))
            continue;
        if (any)
            fputc('\n', out);
        any = true;
        if (s->title)
            fprintf(out, "%s (%zu)\n", s->title, json_array_size(rows));
        if (json_array_size(rows) == 0) {
            fputs("  (无 none)\n", out);
            continue;
        }
        od_cli_print_table(out, rows, s->cols);
    }
    if (!any && json_is_object(root)) {
        od_cli_col *fields = auto_cols(&root, 1);
        if (fields)
            print_fields(out, root, fields);
        free(fields);
    }
}

void od_cli_print_json(FILE *out, const json_t *v)
{
    if (json_dumpf(v, out, JSON_INDENT(2) | JSON_ENCODE_ANY) == 0)
        fputc('\n', out);
}
