/* calendar_import.c — the yearly holiday list parser and its diff
 * (calendar_import.h).  YAML goes through the policy loader's tree and its
 * `days:` reader, so one syntax serves both; CSV is split by hand (three
 * plain columns, no quoting). */
#include "policy/calendar_import.h"
#include "policy/policy_load_int.h"

#include <string.h>

/* Where the first character that is not space or part of a comment
 * line is (len if none). */
static size_t first_meaningful(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (buf[i] == '#') {
            while (i < len && buf[i] != '\n')
                i++;
        } else if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n') {
            i++;
        } else {
            return i;
        }
    }
    return len;
}

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    while (s[a] == ' ' || s[a] == '\t')
        a++;
    memmove(s, s + a, n - a + 1);
}

static void parse_csv(ctx *c, const char *buf, size_t len, od_calendar *out)
{
    size_t i = 0;
    int line = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        line++;
        char row[256];
        size_t n = j - i;
        if (n >= sizeof row) {
            od_pl_diag(c, line, 1, "行太长 (line longer than %zu bytes)", sizeof row - 1);
            i = j + 1;
            continue;
        }
        memcpy(row, buf + i, n);
        row[n] = '\0';
        i = j + 1;
        if (memchr(row, '\0', n)) {
            od_pl_diag(c, line, 1, "含有 NUL 字节 (contains a NUL byte)");
            continue;
        }
        trim(row);
        if (!row[0] || row[0] == '#' || strncmp(row, "date,", 5) == 0)
            continue;
        char *col[3] = {row, NULL, NULL};
        for (int k = 1; k < 3; k++) {
            char *comma = col[k - 1] ? strchr(col[k - 1], ',') : NULL;
            if (comma) {
                *comma = '\0';
                col[k] = comma + 1;
            }
        }
        for (int k = 0; k < 3; k++)
            if (col[k])
                trim(col[k]);
        int32_t day;
        int year;
        if (!od_pl_parse_date(col[0], &day, &year)) {
            od_pl_diag(c, line, 1, "日期应为 YYYY-MM-DD (a date is YYYY-MM-DD)");
            continue;
        }
        od_cal_day_type type;
        if (col[1] && strcmp(col[1], "holiday") == 0)
            type = OD_CAL_HOLIDAY;
        else if (col[1] && strcmp(col[1], "workday") == 0)
            type = OD_CAL_WORKDAY;
        else {
            od_pl_diag(c, line, 12, "类型应为 holiday 或 workday (type must be holiday or workday)");
            continue;
        }
        if (!od_cal_add_day(out, day, type, col[2])) {
            od_pl_diag(c, line, 1, "特殊日期超过 %d 个 (more than %d special days)", OD_CAL_DAYS_MAX,
                       OD_CAL_DAYS_MAX);
            return;
        }
        if (!od_cal_year_loaded(out, year) && out->n_years < OD_CAL_YEARS_MAX)
            out->years[out->n_years++] = year;
    }
}

od_err od_calendar_import_buffer(const char *buf, size_t len, od_calendar *out, od_policy_diags *diags)
{
    od_policy_diags local;
    ctx c = {diags ? diags : &local, false};
    c.d->n = c.d->total = 0;
    memset(out, 0, sizeof *out);
    if (len > OD_CAL_IMPORT_MAX) {
        od_pl_diag(&c, 1, 1, "文件大于 %d 字节 (file larger than %d bytes)", OD_CAL_IMPORT_MAX,
                   OD_CAL_IMPORT_MAX);
        return OD_E_TOO_LARGE;
    }
    if (!buf)
        len = 0;
    size_t at = first_meaningful(buf ? buf : "", len);
    bool csv = at < len &&
               ((buf[at] >= '0' && buf[at] <= '9') || (len - at >= 5 && memcmp(buf + at, "date,", 5) == 0));
    if (csv) {
        parse_csv(&c, buf, len, out);
    } else {
        node *root = od_pl_build_tree(&c, buf ? buf : "", len);
        if (!root || od_pl_is_null(root)) {
            od_pl_node_free(root);
            if (c.nomem)
                return OD_E_NOMEM;
            if (!c.d->total)
                od_pl_diag(&c, 1, 1, "文件中没有日期 (no days in the file)");
            return OD_E_INVALID;
        }
        const node *list = root;
        if (root->kind == N_MAP) {
            fields f = {.what = "key", .names = {"days"}, .n = 1};
            list = od_pl_map_fields(&c, root, "import", &f) ? f.val[0] : NULL;
            if (!f.val[0] && !c.d->total)
                od_pl_diag(&c, root->line, root->col, "缺少 days 列表 (missing the days: list)");
        }
        if (list)
            od_pl_load_days(&c, out, list, "days");
        od_pl_node_free(root);
    }
    if (!c.d->total && out->n_days == 0)
        od_pl_diag(&c, 1, 1, "文件中没有日期 (no days in the file)");
    if (c.nomem)
        return OD_E_NOMEM;
    return c.d->total ? OD_E_INVALID : OD_OK;
}

static const char *type_zh_en(od_cal_day_type t)
{
    return t == OD_CAL_HOLIDAY ? "休息 holiday" : "上班 workday";
}

size_t od_calendar_import_diff(FILE *f, const od_calendar *cur, const od_calendar *imp)
{
    size_t changes = 0;
    for (size_t i = 0; i < imp->n_days; i++) {
        const od_cal_day *d = &imp->days[i];
        const od_cal_day *old = NULL;
        for (size_t j = 0; j < cur->n_days && !old; j++)
            if (cur->days[j].day == d->day)
                old = &cur->days[j];
        int y, m, dd;
        od_cal_civil_from_days(d->day, &y, &m, &dd);
        if (!old) {
            fprintf(f, "+ %04d-%02d-%02d %s %s\n", y, m, dd, type_zh_en(d->type), d->name);
            changes++;
        } else if (old->type != d->type || strcmp(old->name, d->name) != 0) {
            fprintf(f, "~ %04d-%02d-%02d %s %s (原 was %s %s)\n", y, m, dd, type_zh_en(d->type), d->name,
                    type_zh_en(old->type), old->name);
            changes++;
        }
    }
    for (size_t j = 0; j < cur->n_days; j++) {
        const od_cal_day *d = &cur->days[j];
        int y, m, dd;
        od_cal_civil_from_days(d->day, &y, &m, &dd);
        if (!od_cal_year_loaded(imp, y))
            continue;
        bool kept = false;
        for (size_t i = 0; i < imp->n_days && !kept; i++)
            kept = imp->days[i].day == d->day;
        if (!kept) {
            fprintf(f, "- %04d-%02d-%02d %s %s\n", y, m, dd, type_zh_en(d->type), d->name);
            changes++;
        }
    }
    return changes;
}
