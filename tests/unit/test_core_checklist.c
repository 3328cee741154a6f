/* test_core_checklist.c — checklist verdicts and completeness
 * (modules-spec §1.6), by table: each item type passing and failing (a
 * number 1 ms… one unit below / at / above its bounds, NaN, an unknown or
 * failing choice, empty text, missing evidence), and checklist_complete
 * (every required item answered, every failed item with a finding —
 * glpi#17306, zammad#4886). */
#include "core/checklist.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static od_cl_template tpl;

static void setup_tpl(void)
{
    memset(&tpl, 0, sizeof tpl);
    memcpy(tpl.key, "inspection", 11);
    od_cl_item *it = tpl.items;
    it[0] = (od_cl_item){
        .key = "power_ok", .type = OD_CL_CHECK, .required = true, .on_fail = OD_CL_FAIL_INCIDENT};
    it[1] = (od_cl_item){.key = "temp",
                         .type = OD_CL_NUMBER,
                         .required = true,
                         .unit = "°C",
                         .has_min = true,
                         .min = 18,
                         .has_max = true,
                         .max = 27,
                         .on_fail = OD_CL_FAIL_FINDING};
    it[2] = (od_cl_item){.key = "note", .type = OD_CL_TEXT};
    it[3] = (od_cl_item){.key = "ups",
                         .type = OD_CL_CHOICE,
                         .required = true,
                         .n_options = 3,
                         .fail_on = 1u << 2,
                         .options = {"normal", "on_battery", "fault"}};
    it[4] = (od_cl_item){.key = "photo", .type = OD_CL_EVIDENCE, .required = false};
    tpl.n_items = 5;
}

static void test_judge(void **state)
{
    (void)state;
    setup_tpl();
    static const struct {
        int item;
        od_cl_result r;
        od_cl_verdict want;
    } rows[] = {
        {0, {.checked = true}, OD_CL_PASS},      {0, {.checked = false}, OD_CL_FAIL},
        {1, {.number = 17.999}, OD_CL_FAIL},     {1, {.number = 18}, OD_CL_PASS},
        {1, {.number = 27}, OD_CL_PASS},         {1, {.number = 27.001}, OD_CL_FAIL},
        {2, {.text = "ok"}, OD_CL_PASS},         {2, {.text = ""}, OD_CL_FAIL},
        {2, {.text = NULL}, OD_CL_FAIL},         {3, {.text = "normal"}, OD_CL_PASS},
        {3, {.text = "on_battery"}, OD_CL_PASS}, {3, {.text = "fault"}, OD_CL_FAIL},
        {3, {.text = "unknown"}, OD_CL_FAIL},    {3, {.text = NULL}, OD_CL_FAIL},
        {4, {.evidence = true}, OD_CL_PASS},     {4, {.evidence = false}, OD_CL_FAIL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_cl_judge(&tpl.items[rows[i].item], &rows[i].r), rows[i].want);
    od_cl_result nan_r = {.number = NAN};
    assert_int_equal(od_cl_judge(&tpl.items[1], &nan_r), OD_CL_FAIL);
    od_cl_item open_ended = {.type = OD_CL_NUMBER, .has_min = true, .min = 0};
    od_cl_result big = {.number = 1e300};
    assert_int_equal(od_cl_judge(&open_ended, &big), OD_CL_PASS);
}

static void test_complete(void **state)
{
    (void)state;
    setup_tpl();
    static const struct {
        const char *why;
        od_cl_result r[6];
        size_t n;
        bool complete;
        const char *missing, *reason;
    } rows[] = {
        /* clang-format off */
        {"all pass", {{"power_ok", true, 0, NULL, false, false}, {"temp", false, 22, NULL, false, false}, {"ups", false, 0, "normal", false, false}}, 3, true, NULL, NULL},
        {"a required item missing", {{"power_ok", true, 0, NULL, false, false}, {"ups", false, 0, "normal", false, false}}, 2, false, "temp", "required"},
        {"nothing", {{0}}, 0, false, "power_ok", "required"},
        {"a failure without finding", {{"power_ok", true, 0, NULL, false, false}, {"temp", false, 30, NULL, false, false}, {"ups", false, 0, "normal", false, false}}, 3, false, "temp", "finding"},
        {"a failure with finding", {{"power_ok", true, 0, NULL, false, false}, {"temp", false, 30, NULL, false, true}, {"ups", false, 0, "normal", false, false}}, 3, true, NULL, NULL},
        {"an optional failed item needs a finding too", {{"power_ok", true, 0, NULL, false, false}, {"temp", false, 20, NULL, false, false}, {"ups", false, 0, "normal", false, false}, {"photo", false, 0, NULL, false, false}}, 4, false, "photo", "finding"},
        {"the latest result counts", {{"power_ok", false, 0, NULL, false, false}, {"power_ok", true, 0, NULL, false, false}, {"temp", false, 20, NULL, false, false}, {"ups", false, 0, "on_battery", false, false}}, 4, true, NULL, NULL},
        {"choice fault, finding recorded", {{"power_ok", true, 0, NULL, false, false}, {"temp", false, 20, NULL, false, false}, {"ups", false, 0, "fault", false, true}}, 3, true, NULL, NULL},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *missing = NULL, *why = NULL;
        bool ok = od_cl_complete(&tpl, rows[i].r, rows[i].n, &missing, &why);
        if (ok != rows[i].complete)
            fail_msg("%s: complete %d", rows[i].why, ok);
        if (!ok) {
            assert_string_equal(missing, rows[i].missing);
            assert_string_equal(why, rows[i].reason);
        }
    }
    assert_int_equal(od_cl_type_parse("evidence"), OD_CL_EVIDENCE);
    assert_int_equal(od_cl_type_parse("photo"), -1);
    assert_int_equal(od_cl_on_fail_parse("problem"), OD_CL_FAIL_PROBLEM);
    assert_string_equal(od_cl_on_fail_key(OD_CL_FAIL_EVENT), "event");
    assert_string_equal(od_cl_type_key(OD_CL_CHOICE), "choice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_judge), cmocka_unit_test(test_complete)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
