/* om_reports_xlsx.c — an O&M report run as an XLSX workbook (R-SLA-6;
 * modules-spec §1.10) with libxlsxwriter: sheet 可用率 availability (the
 * platform, then each service), sheet 事件 incidents (one row per incident
 * with its three verdicts), sheet 人工章节 manual.  Numbers are cells of
 * type number and hold the same values as the JSON (ppm, milliseconds).
 * libxlsxwriter 1.1.4 writes only to a file: a private temporary file is
 * written, read back and removed. */
#include "app/om_reports.h"

#include <xlsxwriter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void num_or_blank(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, json_t *v)
{
    if (json_is_integer(v))
        worksheet_write_number(ws, r, c, (double)json_integer_value(v), NULL);
    else if (json_is_real(v))
        worksheet_write_number(ws, r, c, json_real_value(v), NULL);
}

static void header(lxw_worksheet *ws, lxw_format *bold, const char *const *cols, int n)
{
    for (int i = 0; i < n; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, cols[i], bold);
    worksheet_set_column(ws, 0, (lxw_col_t)(n - 1), 18, NULL);
}

static void availability_sheet(lxw_workbook *wb, lxw_format *bold, json_t *sl)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "可用率 availability");
    static const char *const cols[] = {"service",      "name",       "availability_%", "availability_ppm",
                                       "unplanned_ms", "planned_ms", "degraded_ms",    "downtime_ms",
                                       "outages",      "budget_ms",  "remaining_ms",   "year_remaining_ms",
                                       "met"};
    header(ws, bold, cols, 13);
    json_t *rows = json_array();
    json_array_append_new(rows,
                          json_pack("{ss ss sO}", "key", "platform", "name", "平台 platform", "availability",
                                    json_object_get(json_object_get(sl, "platform"), "availability")));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sl, "services"), i, s) json_array_append(rows, s);
    json_array_foreach(rows, i, s)
    {
        lxw_row_t r = (lxw_row_t)(i + 1);
        json_t *av = json_object_get(s, "availability");
        worksheet_write_string(ws, r, 0, str(s, "key"), NULL);
        worksheet_write_string(ws, r, 1, str(s, "name"), NULL);
        num_or_blank(ws, r, 2, json_object_get(av, "availability"));
        num_or_blank(ws, r, 3, json_object_get(av, "availability_ppm"));
        num_or_blank(ws, r, 4, json_object_get(av, "unplanned_ms"));
        num_or_blank(ws, r, 5, json_object_get(av, "planned_ms"));
        num_or_blank(ws, r, 6, json_object_get(av, "degraded_ms"));
        num_or_blank(ws, r, 7, json_object_get(av, "downtime_ms"));
        num_or_blank(ws, r, 8, json_object_get(av, "outages"));
        num_or_blank(ws, r, 9, json_object_get(av, "period_budget_ms"));
        num_or_blank(ws, r, 10, json_object_get(av, "period_remaining_ms"));
        num_or_blank(ws, r, 11, json_object_get(json_object_get(av, "budget"), "remaining_ms"));
        worksheet_write_boolean(ws, r, 12, json_is_true(json_object_get(av, "met")), NULL);
    }
    json_decref(rows);
}

static void incidents_sheet(lxw_workbook *wb, lxw_format *bold, json_t *sl)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "事件 incidents");
    static const char *const cols[] = {"number",   "title",      "level",   "major",       "response_ms",
                                       "response", "restore_ms", "restore", "handling_ms", "handling"};
    header(ws, bold, cols, 10);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(json_object_get(sl, "incidents"), "items"), i, s)
    {
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, r, 0, str(s, "number"), NULL);
        worksheet_write_string(ws, r, 1, str(s, "title"), NULL);
        worksheet_write_string(ws, r, 2, str(s, "level"), NULL);
        worksheet_write_boolean(ws, r, 3, json_is_true(json_object_get(s, "major")), NULL);
        static const char *const m[] = {"response", "restore", "handling"};
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(s, m[k]);
            num_or_blank(ws, r, (lxw_col_t)(4 + 2 * k), json_object_get(v, "ms"));
            worksheet_write_string(ws, r, (lxw_col_t)(5 + 2 * k), str(v, "verdict"), NULL);
        }
    }
    json_t *inc = json_object_get(sl, "incidents");
    lxw_row_t r = (lxw_row_t)json_array_size(json_object_get(inc, "items")) + 2;
    static const char *const st[] = {"mtta", "mttr"};
    for (int k = 0; k < 2; k++, r++) {
        json_t *v = json_object_get(inc, st[k]);
        worksheet_write_string(ws, r, 0, k ? "MTTR mean_ms" : "MTTA mean_ms", bold);
        num_or_blank(ws, r, 1, json_object_get(v, "mean_ms"));
        worksheet_write_string(ws, r, 2, "median_ms", NULL);
        num_or_blank(ws, r, 3, json_object_get(v, "median_ms"));
        worksheet_write_string(ws, r, 4, "p90_ms", NULL);
        num_or_blank(ws, r, 5, json_object_get(v, "p90_ms"));
    }
}

static void manual_sheet(lxw_workbook *wb, lxw_format *bold, json_t *run)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "人工章节 manual");
    static const char *const cols[] = {"section", "text"};
    header(ws, bold, cols, 2);
    worksheet_set_column(ws, 1, 1, 80, NULL);
    const char *key;
    json_t *v;
    lxw_row_t r = 1;
    json_object_foreach(json_object_get(run, "manual"), key, v)
    {
        worksheet_write_string(ws, r, 0, key, NULL);
        worksheet_write_string(ws, r, 1, json_is_string(v) ? json_string_value(v) : "", NULL);
        r++;
    }
}

/* The sections of later modules (om_reports_sections.c): module, item, count. */
static void modules_sheet(lxw_workbook *wb, lxw_format *bold, json_t *mods)
{
    if (!json_is_object(mods))
        return;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "问题与预案 modules");
    static const char *const cols[] = {"module", "item", "count"};
    header(ws, bold, cols, 3);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    const char *mod, *key;
    json_t *sec, *v;
    lxw_row_t r = 1;
    json_object_foreach(mods, mod, sec)
    {
        json_object_foreach(sec, key, v)
        {
            if (json_is_array(v))
                continue; /* a section's table of rows (e.g. per plan): not a count */
            worksheet_write_string(ws, r, 0, mod, NULL);
            worksheet_write_string(ws, r, 1, key, NULL);
            num_or_blank(ws, r, 2, v);
            r++;
        }
    }
}

od_err od_report_xlsx(json_t *run, char **out, size_t *len, od_error *e)
{
    *out = NULL;
    *len = 0;
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/opsdesk-report-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return od_error_set(e, OD_E_IO, NULL, "无法创建临时文件 (cannot create a temporary file)");
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        return od_error_set(e, OD_E_IO, NULL, "无法生成 XLSX (cannot write the workbook)");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    json_t *sl = json_object_get(json_object_get(run, "snapshot"), "service_levels");
    availability_sheet(wb, bold, sl);
    incidents_sheet(wb, bold, sl);
    manual_sheet(wb, bold, run);
    modules_sheet(wb, bold, json_object_get(json_object_get(run, "snapshot"), "modules"));
    lxw_error le = workbook_close(wb);
    FILE *f = le == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
    od_err rc = OD_OK;
    if (!f) {
        rc = od_error_set(e, OD_E_IO, NULL, "无法生成 XLSX (cannot write the workbook)");
    } else {
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = n > 0 ? malloc((size_t)n) : NULL;
        if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            rc = od_error_set(e, OD_E_IO, NULL, "无法读取 XLSX (cannot read the workbook back)");
        } else {
            *out = buf;
            *len = (size_t)n;
        }
        fclose(f);
    }
    unlink(path);
    return rc;
}
