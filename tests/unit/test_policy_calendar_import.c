/* test_policy_calendar_import.c — `opsdesk calendar import`'s parser and
 * diff (modules-spec §1.4: the holiday and 调休 list imported per year):
 * CSV with comments and a header, YAML as a list or under `days:`, ranges,
 * every refusal with its line, the size cap, and the diff (added, changed,
 * and dropped within an imported year; other years untouched). */
#include "policy/calendar_import.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static od_calendar cal;
static od_policy_diags diags;

static od_err parse(const char *s)
{
    return od_calendar_import_buffer(s, strlen(s), &cal, &diags);
}

static void test_csv(void **st)
{
    (void)st;
    assert_int_equal(parse("# 2027 国务院办公厅通知\n"
                           "date,type,name\n"
                           "\n"
                           "2027-01-01, holiday, 元旦\r\n"
                           "2027-02-20,workday,春节调休\n"
                           "2028-01-01,holiday\n"),
                     OD_OK);
    assert_int_equal(cal.n_days, 3);
    assert_int_equal(cal.days[0].day, od_cal_days_from_civil(2027, 1, 1));
    assert_string_equal(cal.days[0].name, "元旦");
    assert_int_equal(cal.days[1].type, OD_CAL_WORKDAY);
    assert_string_equal(cal.days[2].name, "");
    assert_int_equal(cal.n_years, 2);
    assert_true(od_cal_year_loaded(&cal, 2027) && od_cal_year_loaded(&cal, 2028));
}

static void test_yaml(void **st)
{
    (void)st;
    assert_int_equal(parse("- {date: 2027-10-01, to: 2027-10-07, type: holiday, name: 国庆节}\n"
                           "- {date: 2027-10-09, type: workday}\n"),
                     OD_OK);
    assert_int_equal(cal.n_days, 8);
    assert_int_equal(parse("days:\n  - {date: 2027-01-01, type: holiday}\n"), OD_OK);
    assert_int_equal(cal.n_days, 1);
}

static void test_refusals(void **st)
{
    (void)st;
    static const struct {
        const char *text;
        int line;
        const char *says;
    } rows[] = {
        {"2027-02-29,holiday\n", 1, "YYYY-MM-DD"},
        {"2027-01-01,holiday\n2027-01-02,off\n", 2, "holiday or workday"},
        {"2027-01-01\n", 1, "holiday or workday"},
        {"# nothing\n", 1, "no days"},
        {"", 1, "no days"},
        {"- {date: 2027-01-01, type: holiday}\n- {date: 2027-1-2, type: holiday}\n", 2, "YYYY-MM-DD"},
        {"- {date: 2027-01-05, to: 2027-01-01, type: holiday}\n", 1, "not before the start"},
        {"days: 5\n", 1, "expected a list"},
        {"years: [2027]\n", 1, "unknown key 'years'"},
        {"- [unclosed\n", 1, "YAML syntax error"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(parse(rows[i].text), OD_E_INVALID);
        bool found = false;
        for (size_t j = 0; j < diags.n && !found; j++)
            found = diags.items[j].line == rows[i].line && strstr(diags.items[j].message, rows[i].says);
        if (!found)
            fail_msg("row %zu: no finding at line %d with \"%s\" (first: %d %s)", i, rows[i].line,
                     rows[i].says, diags.n ? diags.items[0].line : -1,
                     diags.n ? diags.items[0].message : "-");
    }
    char *big = malloc(OD_CAL_IMPORT_MAX + 2);
    assert_non_null(big);
    memset(big, '#', OD_CAL_IMPORT_MAX + 1);
    assert_int_equal(od_calendar_import_buffer(big, OD_CAL_IMPORT_MAX + 1, &cal, &diags), OD_E_TOO_LARGE);
    free(big);
    assert_int_equal(od_calendar_import_buffer(NULL, 0, &cal, NULL), OD_E_INVALID);
}

static void test_diff(void **st)
{
    (void)st;
    od_calendar cur = {0};
    od_cal_add_day(&cur, od_cal_days_from_civil(2026, 10, 1), OD_CAL_HOLIDAY, "国庆节");
    od_cal_add_day(&cur, od_cal_days_from_civil(2027, 1, 1), OD_CAL_HOLIDAY, "元旦");
    od_cal_add_day(&cur, od_cal_days_from_civil(2027, 1, 2), OD_CAL_HOLIDAY, "元旦");
    assert_int_equal(parse("2027-01-01,holiday,元旦\n2027-01-03,holiday,元旦\n2027-02-20,workday,春节调休\n"),
                     OD_OK);
    char out[1024] = "";
    FILE *f = fmemopen(out, sizeof out, "w");
    assert_non_null(f);
    size_t n = od_calendar_import_diff(f, &cur, &cal);
    fclose(f);
    /* + 01-03, + 02-20, - 01-02; 2026 untouched, 01-01 unchanged */
    assert_int_equal(n, 3);
    assert_non_null(strstr(out, "+ 2027-01-03"));
    assert_non_null(strstr(out, "+ 2027-02-20 上班 workday"));
    assert_non_null(strstr(out, "- 2027-01-02"));
    assert_null(strstr(out, "2026-10-01"));
    assert_int_equal(parse("2027-01-01,workday,调休\n"), OD_OK);
    f = fmemopen(out, sizeof out, "w");
    n = od_calendar_import_diff(f, &cur, &cal);
    fclose(f);
    assert_int_equal(n, 2); /* ~ 01-01, - 01-02 */
    assert_non_null(strstr(out, "~ 2027-01-01"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_csv), cmocka_unit_test(test_yaml),
                                       cmocka_unit_test(test_refusals), cmocka_unit_test(test_diff)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
