/* report.c — the incident report (R-PIR-2) as Markdown and printable HTML
 * (R-PIR-3): time, location, cause, measures and effect, result, with the
 * levels, escalations, reports and review.  Built from the same JSON the API
 * returns, so the export never disagrees with the record. */
#include "app/incidents.h"
#include "util/clock.h"
#include "util/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    od_sbuf b;
    bool html;
} doc;

/* A time of the record as people read it, as the messages show it: Beijing
 * time with its label, "2026-11-21 16:43:05 (UTC+08:00)"; what does not
 * parse (an absent time: "") is shown as it is. */
#define BJ_MAX 40
static const char *bj(const char *iso, char out[BJ_MAX])
{
    int64_t ms;
    if (!iso || !od_time_parse(iso, &ms))
        return iso ? iso : "";
    time_t t = (time_t)((ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + 8 * 3600);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return iso;
    snprintf(out, BJ_MAX, "%04u-%02u-%02u %02u:%02u:%02u (UTC+08:00)", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
    return out;
}

static void raw(doc *d, const char *s, size_t n)
{
    od_sbuf_append(&d->b, s, n);
}

static void lit(doc *d, const char *s)
{
    raw(d, s, strlen(s));
}

/* Appends four strings (no escaping: for building a field's value). */
static void cat(doc *d, const char *a, const char *b, const char *c, const char *x)
{
    lit(d, a);
    lit(d, b);
    lit(d, c);
    lit(d, x);
}

/* Text: escaped for HTML, or Markdown-safe (line breaks kept). */
static void text(doc *d, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        if (d->html) {
            const char *rep = od_html_entity(*s);
            if (rep) {
                raw(d, rep, strlen(rep));
                continue;
            }
            if (*s == '\n') {
                raw(d, "<br>", 4);
                continue;
            }
        } else if (strchr("\\`*_[]<>|#", *s)) {
            raw(d, "\\", 1);
        }
        raw(d, s, 1);
    }
}

static void fmt(doc *d, const char *f, ...) OD_PRINTF(2, 3);
static void fmt(doc *d, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    od_sbuf_vprintf(&d->b, f, ap);
    va_end(ap);
}

static const char *js(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "—";
}

static void heading(doc *d, int level, const char *t)
{
    if (d->html) {
        fmt(d, "<h%d>", level);
        text(d, t);
        fmt(d, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            raw(d, "#", 1);
        raw(d, " ", 1);
        text(d, t);
        raw(d, "\n\n", 2);
    }
}

static void field(doc *d, const char *label, const char *value)
{
    if (d->html) {
        raw(d, "<tr><th>", 8);
        text(d, label);
        raw(d, "</th><td>", 9);
        text(d, value);
        raw(d, "</td></tr>\n", 11);
    } else {
        fmt(d, "- **%s**：", label);
        text(d, value);
        raw(d, "\n", 1);
    }
}

static void table_open(doc *d)
{
    d->html ? raw(d, "<table>\n", 8) : (void)0;
}
static void table_close(doc *d)
{
    d->html ? raw(d, "</table>\n", 9) : raw(d, "\n", 1);
}

static json_t *report_of(json_t *inc, const char *kind)
{
    size_t i;
    json_t *r, *found = NULL;
    json_array_foreach(json_object_get(inc, "reports"), i, r) if (strcmp(js(r, "kind"), kind) == 0) found = r;
    return found ? json_object_get(found, "fields") : NULL;
}

static void render(doc *d, json_t *inc)
{
    char title[512];
    snprintf(title, sizeof title, "突发事件报告 Incident report %s%s", js(inc, "number"),
             json_is_true(json_object_get(inc, "drill")) ? "（演练 DRILL）" : "");
    if (d->html)
        lit(d, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    if (d->html) {
        text(d, title);
        lit(d, "</title><style>@page{size:A4;margin:18mm}body{font-family:\"Noto Sans CJK SC\",\"Source Han "
               "Sans SC\","
               "\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",\"PingFang "
               "SC\",sans-serif;font-size:11pt;color:#111;"
               "max-width:180mm;margin:auto}h1{font-size:18pt}h2{font-size:13pt;border-bottom:1px solid "
               "#999;margin-top:"
               "1.2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:4px "
               "6px;text-align:"
               "left;vertical-align:top}th{width:32%;background:#f2f2f2}@media "
               "print{h2{break-after:avoid}tr{break-inside:"
               "avoid}}</style></head><body>\n");
    }
    heading(d, 1, title);
    heading(d, 2, "一、基本情况 Summary");
    table_open(d);
    field(d, "标题 Title", js(inc, "title"));
    char t1[BJ_MAX], t2[BJ_MAX];
    field(d, "发生时间 Detected at", bj(js(inc, "detected_at"), t1));
    field(d, "地点 Location", js(inc, "location"));
    field(d, "现象 Symptoms", js(inc, "symptoms"));
    field(d, "影响范围 Impact scope", js(inc, "impact_scope"));
    char lv[128];
    snprintf(lv, sizeof lv, "%s / %s（最高 highest %s）", js(inc, "level"), js(inc, "response_level"),
             js(inc, "highest_response_level"));
    field(d, "事件级别 / 响应级别 Level / response", lv);
    field(d, "状态 State", js(inc, "state_zh"));
    size_t i;
    json_t *v;
    doc cis = {0}; /* every CI, however long the names (no fixed buffer) */
    json_array_foreach(json_object_get(inc, "cis"), i, v)
    {
        cat(&cis, i ? "、" : "", js(v, "name"), " (", js(v, "category"));
        cat(&cis, " ", js(v, "grade"), ")", "");
    }
    d->b.oom |= cis.b.oom;
    field(d, "受影响配置项 Affected CIs", cis.b.p ? cis.b.p : "");
    free(cis.b.p);
    table_close(d);
    heading(d, 2, "二、原因 Cause");
    json_t *fin = report_of(inc, "final"), *rev = report_of(inc, "review");
    table_open(d);
    field(d, "原因 Cause", fin ? js(fin, "cause") : "—");
    field(d, "原因分析 Cause analysis", rev ? js(rev, "cause_analysis") : "—");
    table_close(d);
    heading(d, 2, "三、处理措施及效果 Measures and effect");
    table_open(d);
    field(d, "处理过程 Process", fin ? js(fin, "process") : "—");
    field(d, "采取的措施 Measures", rev ? js(rev, "measures") : "—");
    field(d, "当前状态 Current state", fin ? js(fin, "current_state") : "—");
    char mins[64] = "—";
    if (fin && json_is_integer(json_object_get(fin, "business_impact_minutes")))
        snprintf(mins, sizeof mins, "%lld 分钟 min",
                 (long long)json_integer_value(json_object_get(fin, "business_impact_minutes")));
    field(d, "业务影响时长 Business impact", mins);
    table_close(d);
    heading(d, 2, "四、结果 Result");
    table_open(d);
    field(d, "结果 Result", rev ? js(rev, "result") : "—");
    field(d, "经验教训 Lessons", rev ? js(rev, "lessons") : "—");
    field(d, "改进建议 Improvements", rev ? js(rev, "improvements") : fin ? js(fin, "improvements") : "—");
    field(d, "定级与处理流程总结 Grading and process summary", rev ? js(rev, "grading_review") : "—");
    table_close(d);
    heading(d, 2, "五、升级与时限 Escalations and deadlines");
    table_open(d);
    json_array_foreach(json_object_get(inc, "escalations"), i, v)
    {
        char k[128];
        snprintf(k, sizeof k, "升级 %s → %s", js(v, "from"), js(v, "to"));
        doc t = {0}; /* the reason may be long (a regrade's): kept whole */
        cat(&t, bj(js(v, "at"), t1), "：", js(v, "reason"), "");
        d->b.oom |= t.b.oom;
        field(d, k, t.b.p ? t.b.p : "");
        free(t.b.p);
    }
    json_array_foreach(json_object_get(inc, "deadlines"), i, v)
    {
        doc t = {0};
        cat(&t, "应于 due ", bj(js(v, "due_at"), t1), "；完成 met ", bj(js(v, "met_at"), t2));
        cat(&t, "；", json_is_true(json_object_get(v, "missed")) ? "逾期 MISSED" : "按时 on time / pending",
            "", "");
        d->b.oom |= t.b.oom;
        field(d, js(v, "kind"), t.b.p ? t.b.p : "");
        free(t.b.p);
    }
    table_close(d);
    heading(d, 2, "六、时间线 Timeline");
    table_open(d);
    json_array_foreach(json_object_get(inc, "timeline"), i, v)
    {
        char k[128];
        snprintf(k, sizeof k, "%s %s", bj(js(v, "at"), t1), js(v, "actor"));
        field(d, k, js(v, "text"));
    }
    table_close(d);
    if (d->html)
        raw(d, "</body></html>\n", 15);
}

od_err od_incident_export(od_app *a, const od_principal *who, int64_t id, const char *format, char **out,
                          od_error *e)
{
    *out = NULL;
    json_t *inc = NULL;
    od_err rc = od_incident_get(a, who, id, &inc, e);
    if (rc)
        return rc;
    doc d = {.html = strcmp(format, "html") == 0};
    render(&d, inc);
    json_decref(inc);
    if (d.b.oom || !d.b.p) {
        free(d.b.p);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    *out = d.b.p;
    return OD_OK;
}
