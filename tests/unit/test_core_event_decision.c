/* test_core_event_decision.c — decision codes (core/event_decision.h,
 * R-EVT-1…4 "the rule that decided each step"): every code renders the text
 * the pipeline wrote before the codes (its printf format, kept here as the
 * reference, with the Chinese names the pipeline passed, now derived from
 * the stored keys) and belongs to its step; the stored numbers are pinned;
 * arguments missing or repeated, keys that name nothing, unknown codes, and
 * cutting at a UTF-8 character boundary. */
#include "core/event.h"
#include "core/event_decision.h"
#include "core/policy.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_every_code_renders_the_old_text(void **state)
{
    (void)state;
    char old[OD_DEC_TEXT_MAX], got[OD_DEC_TEXT_MAX];
    static const struct {
        int code;
        const char *step;
        od_dec_arg args[OD_DEC_ARGS_MAX];
        int nargs;
    } rows[] = {
        {OD_DEC_DEDUP_RESOLVED, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_RESOLVED_FLAPPING, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_FIRED, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_FIRED_FLAPPING, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_WINDOW_OVER, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_NEW_RESOLVED, "dedup", {{0}}, 0},
        {OD_DEC_DEDUP_FLAPPING, "dedup", {{.i = 7}}, 1},
        {OD_DEC_FILTERED, "filter", {{0}}, 0},
        {OD_DEC_CLASSIFIED, "classify", {{.s = "exception"}}, 1},
        {OD_DEC_SILENCED, "maintenance", {{.i = 12}, {.s = "周末变更"}}, 2},
        {OD_DEC_SUPPRESSED, "correlate", {{.s = "db-1"}, {.i = 9000000000LL}}, 2},
        {OD_DEC_GROUPED, "correlate", {{.i = 42}, {.s = "alertname=HighCPU"}}, 2},
        {OD_DEC_RESPOND_WEBHOOK, "respond", {{.s = "restart-web"}}, 1},
        {OD_DEC_RESPOND_ROLE, "respond", {{.s = "ops_engineer"}, {.i = 3}}, 2},
        {OD_DEC_RESPOND_NONE, "respond", {{0}}, 0},
        {OD_DEC_INCIDENT_ATTACHED, "incident", {{.s = "INC-20261121-0001"}}, 1},
        {OD_DEC_INCIDENT_OPENED,
         "incident",
         {{.s = "INC-20261121-0002"}, {.s = "severe"}, {.s = "core-switch-1"}},
         3},
        {OD_DEC_INCIDENT_NO_CI, "incident", {{0}}, 0},
        {OD_DEC_INCIDENT_NO_RULE, "incident", {{0}}, 0},
    };
    assert_int_equal(N(rows), OD_DEC__END - 1); /* every code */
    for (size_t i = 0; i < N(rows); i++) {
        const od_dec_arg *a = rows[i].args;
        switch (rows[i].code) { /* the formats the pipeline used before the codes */
        case OD_DEC_DEDUP_RESOLVED:
            snprintf(old, sizeof old, "%s%s", "已恢复，关闭 (resolved: closed)", "");
            break;
        case OD_DEC_DEDUP_RESOLVED_FLAPPING:
            snprintf(old, sizeof old, "%s%s", "已恢复，关闭 (resolved: closed)", "；抖动 (flapping)");
            break;
        case OD_DEC_DEDUP_FIRED:
            snprintf(old, sizeof old, "%s%s", "再次触发 (fired again)", "");
            break;
        case OD_DEC_DEDUP_FIRED_FLAPPING:
            snprintf(old, sizeof old, "%s%s", "再次触发 (fired again)", "；抖动 (flapping)");
            break;
        case OD_DEC_DEDUP_WINDOW_OVER:
            snprintf(old, sizeof old, "维护窗口已结束，重新处理 (maintenance window over: evaluated again)");
            break;
        case OD_DEC_DEDUP_NEW_RESOLVED:
            snprintf(old, sizeof old, "恢复通知，无对应告警 (resolved, never seen firing)");
            break;
        case OD_DEC_DEDUP_FLAPPING:
            snprintf(old, sizeof old,
                     "抖动：%d 次状态变化在窗口内 (flapping: %d state changes within the window)",
                     (int)a[0].i, (int)a[0].i);
            break;
        case OD_DEC_FILTERED:
            snprintf(old, sizeof old, "已过滤 (filtered)");
            break;
        case OD_DEC_CLASSIFIED:
            snprintf(old, sizeof old, "%s (%s)", od_event_class_name_zh(OD_EVC_EXCEPTION), a[0].s);
            break;
        case OD_DEC_SILENCED:
            snprintf(old, sizeof old, "维护窗口 #%lld 静默 (silenced by maintenance window #%lld %s)",
                     (long long)a[0].i, (long long)a[0].i, a[1].s);
            break;
        case OD_DEC_SUPPRESSED:
            snprintf(old, sizeof old,
                     "抑制：依赖的配置项 %s (#%lld) 已有故障 (suppressed: depends on CI %s #%lld, which is "
                     "in trouble)",
                     a[0].s, (long long)a[1].i, a[0].s, (long long)a[1].i);
            break;
        case OD_DEC_GROUPED:
            snprintf(old, sizeof old, "归并到 #%lld 的告警（%s）(grouped with event #%lld, %s)",
                     (long long)a[0].i, a[1].s, (long long)a[0].i, a[1].s);
            break;
        case OD_DEC_RESPOND_WEBHOOK:
            snprintf(old, sizeof old, "自动响应：调用 %s (automatic response: webhook %s)", a[0].s, a[0].s);
            break;
        case OD_DEC_RESPOND_ROLE:
            snprintf(old, sizeof old, "通知 %s（%d 人）(alerted role %s: %d people)",
                     od_role_name_zh(OD_ROLE_OPS_ENGINEER), (int)a[1].i, a[0].s, (int)a[1].i);
            break;
        case OD_DEC_RESPOND_NONE:
            snprintf(old, sizeof old, "无自动响应 (no response configured)");
            break;
        case OD_DEC_INCIDENT_ATTACHED:
            snprintf(old, sizeof old, "并入事件 %s (attached to incident %s)", a[0].s, a[0].s);
            break;
        case OD_DEC_INCIDENT_OPENED:
            snprintf(old, sizeof old, "登记事件 %s，影响程度 %s (opened incident %s, severity %s, CI %s)",
                     a[0].s, od_severity_name_zh(OD_SEV_SEVERE), a[0].s, a[1].s, a[2].s);
            break;
        case OD_DEC_INCIDENT_NO_CI:
            snprintf(old, sizeof old,
                     "未登记：未匹配到配置项，改为通知值班人员 (no incident: no CI matched; alerting a "
                     "person instead)");
            break;
        case OD_DEC_INCIDENT_NO_RULE:
            snprintf(old, sizeof old,
                     "未登记：无匹配的登记规则，改为通知值班人员 (no incident: no incident rule matched; "
                     "alerting a "
                     "person instead)");
            break;
        default:
            fail_msg("code %d has no reference", rows[i].code);
        }
        size_t n = od_dec_render(got, sizeof got, rows[i].code, a, rows[i].nargs);
        assert_string_equal(got, old);
        assert_int_equal(n, strlen(old));
        assert_string_equal(od_dec_step(rows[i].code), rows[i].step);
        assert_int_equal(od_dec_nargs(rows[i].code), rows[i].nargs);
    }
}

/* The numbers are in stored rows: they must never move. */
static void test_stored_numbers_are_pinned(void **state)
{
    (void)state;
    assert_int_equal(OD_DEC_DEDUP_RESOLVED, 1);
    assert_int_equal(OD_DEC_DEDUP_FLAPPING, 7);
    assert_int_equal(OD_DEC_FILTERED, 8);
    assert_int_equal(OD_DEC_CLASSIFIED, 9);
    assert_int_equal(OD_DEC_SILENCED, 10);
    assert_int_equal(OD_DEC_SUPPRESSED, 11);
    assert_int_equal(OD_DEC_GROUPED, 12);
    assert_int_equal(OD_DEC_RESPOND_WEBHOOK, 13);
    assert_int_equal(OD_DEC_RESPOND_ROLE, 14);
    assert_int_equal(OD_DEC_RESPOND_NONE, 15);
    assert_int_equal(OD_DEC_INCIDENT_ATTACHED, 16);
    assert_int_equal(OD_DEC_INCIDENT_OPENED, 17);
    assert_int_equal(OD_DEC_INCIDENT_NO_RULE, 19);
}

static void test_unknown_codes_and_missing_arguments(void **state)
{
    (void)state;
    char out[64];
    const int unknown[] = {0, -1, OD_DEC__END, 1000};
    for (size_t i = 0; i < N(unknown); i++) {
        assert_null(od_dec_step(unknown[i]));
        assert_int_equal(od_dec_nargs(unknown[i]), -1);
        assert_int_equal(od_dec_render(out, sizeof out, unknown[i], NULL, 0), 1);
        assert_string_equal(out, "?");
    }
    /* fewer arguments than the template names: those render as "" */
    char big[160];
    const od_dec_arg one[] = {{.s = "#7"}};
    od_dec_render(big, sizeof big, OD_DEC_GROUPED, one, 1);
    assert_string_equal(big, "归并到 ##7 的告警（）(grouped with event ##7, )");
    od_dec_render(out, sizeof out, OD_DEC_CLASSIFIED, NULL, 0);
    assert_string_equal(out, " ()");
    /* an integer argument where a string was expected renders its number */
    const od_dec_arg num[] = {{.i = -5}};
    od_dec_render(out, sizeof out, OD_DEC_CLASSIFIED, num, 1);
    assert_string_equal(out, "-5 (-5)");
    /* a key that names no class, role or severity renders as itself */
    const od_dec_arg bad[] = {{.s = "nope"}, {.i = 2}};
    od_dec_render(out, sizeof out, OD_DEC_CLASSIFIED, bad, 1);
    assert_string_equal(out, "nope (nope)");
    od_dec_render(big, sizeof big, OD_DEC_RESPOND_ROLE, bad, 2);
    assert_string_equal(big, "通知 nope（2 人）(alerted role nope: 2 people)");
    const od_dec_arg sev[] = {{.s = "INC-1"}, {.s = "nope"}, {.s = "db"}};
    od_dec_render(big, sizeof big, OD_DEC_INCIDENT_OPENED, sev, 3);
    assert_string_equal(big, "登记事件 INC-1，影响程度 nope (opened incident INC-1, severity nope, CI db)");
    assert_int_equal(od_dec_render(out, 0, OD_DEC_FILTERED, NULL, 0), 0);
}

/* Cut to the buffer, never inside a UTF-8 character. */
static void test_cut_at_a_character_boundary(void **state)
{
    (void)state;
    const char *full = "已过滤 (filtered)"; /* 3 three-byte characters, then ASCII */
    char out[32];
    for (size_t cap = 1; cap <= strlen(full) + 1; cap++) {
        memset(out, 'x', sizeof out);
        size_t n = od_dec_render(out, cap, OD_DEC_FILTERED, NULL, 0);
        size_t want = cap - 1 < 9 ? (cap - 1) / 3 * 3 : cap - 1; /* whole characters only */
        assert_int_equal(n, want);
        assert_int_equal(out[n], 0);
        assert_memory_equal(out, full, n);
    }
    char dst[8];
    assert_int_equal(od_dec_copy(dst, sizeof dst, "监控工程师"), 6); /* 7 bytes of room: 2 characters */
    assert_string_equal(dst, "监控");
    assert_int_equal(od_dec_copy(dst, sizeof dst, "ops"), 3);
    assert_string_equal(dst, "ops");
    assert_int_equal(od_dec_copy(dst, 0, "ops"), 0);
    /* arguments are copied as they are, placeholders in them included */
    const od_dec_arg a[] = {{.i = 1}, {.s = "{c0}"}};
    char big[128];
    od_dec_render(big, sizeof big, OD_DEC_SILENCED, a, 2);
    assert_string_equal(big, "维护窗口 #1 静默 (silenced by maintenance window #1 {c0})");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_renders_the_old_text),
        cmocka_unit_test(test_stored_numbers_are_pinned),
        cmocka_unit_test(test_unknown_codes_and_missing_arguments),
        cmocka_unit_test(test_cut_at_a_character_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
