/* test_core_sla_multical.c — an incident whose impact intervals are on
 * services with different calendars (R-SLA-1, R-SLA-2; modules-spec §M4.2
 * "each service with an availability target and calendar"), by table: the
 * working time of the union of several calendars' hours
 * (od_cal_between_any) — one calendar is od_cal_between, overlapping hours
 * count once, a 24x7 calendar makes it wall time, different UTC offsets,
 * holidays of one calendar only, a weekend, days in between, boundaries
 * 1 ms before and at an opening and a closing — and the incident clocks
 * (response, restore, MTTR) on the union: met at the target and breached
 * 1 ms past it, against the first service's calendar alone for contrast;
 * handling (seed 000) stays wall time.
 *
 * Calendars: B, the business calendar of policy/default.yaml (Mon–Fri
 * 09:00–17:30 UTC+8, the 2026 list: 05-05 a holiday); E, an evening desk
 * every day 17:00–22:00 UTC+8 without holidays; U, Mon–Fri 09:00–17:00
 * UTC+0 (17:00–01:00 Beijing time). */
#include "cal_fixture.h"
#include "core/service_level.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static od_calendar B, E, U, W;

/* 2026-05-DD hh:mm (UTC+8) + ms; 05-13 is a Wednesday */
static int64_t may(int d, int h, int mi, int64_t ms)
{
    return loc(2026, 5, d, h, mi) + ms;
}

static int setup(void **state)
{
    (void)state;
    cal_business(&B, false);
    memset(&E, 0, sizeof E);
    memcpy(E.key, "evening", 8);
    E.utc_offset_min = 480;
    for (int w = 0; w < 7; w++) {
        E.week[w][0] = (od_cal_period){17 * 60, 22 * 60};
        E.n_periods[w] = 1;
    }
    memset(&U, 0, sizeof U);
    memcpy(U.key, "utc", 4);
    for (int w = 0; w < 5; w++) {
        U.week[w][0] = (od_cal_period){9 * 60, 17 * 60};
        U.n_periods[w] = 1;
    }
    od_cal_init_24x7(&W);
    return 0;
}

static void test_between_any(void **state)
{
    (void)state;
    const struct {
        const char *name;
        const od_calendar *c[3];
        size_t n;
        int64_t a, b, want;
    } rows[] = {
        {"none", {&B}, 0, may(13, 0, 0, 0), may(14, 0, 0, 0), 0},
        {"empty span", {&B, &E}, 2, may(13, 12, 0, 0), may(13, 12, 0, 0), 0},
        {"reversed span", {&B, &E}, 2, may(13, 12, 0, 0), may(13, 11, 0, 0), 0},
        {"one calendar: B's Wednesday", {&B}, 1, may(13, 0, 0, 0), may(14, 0, 0, 0), 510 * MIN_MS},
        {"B and E on a Wednesday: 09:00-22:00",
         {&B, &E},
         2,
         may(13, 0, 0, 0),
         may(14, 0, 0, 0),
         13 * HOUR_MS},
        {"the same calendar twice counts once",
         {&B, &B},
         2,
         may(13, 0, 0, 0),
         may(14, 0, 0, 0),
         510 * MIN_MS},
        {"B and E from Wed 10:00 to 23:00", {&B, &E}, 2, may(13, 10, 0, 0), may(13, 23, 0, 0), 12 * HOUR_MS},
        {"order does not matter", {&E, &B}, 2, may(13, 10, 0, 0), may(13, 23, 0, 0), 12 * HOUR_MS},
        {"Saturday: E only", {&B, &E}, 2, may(16, 10, 0, 0), may(16, 23, 0, 0), 5 * HOUR_MS},
        {"B's holiday (05-05): E only", {&B, &E}, 2, may(5, 10, 0, 0), may(5, 23, 0, 0), 5 * HOUR_MS},
        {"Fri 16:00 to Mon 10:00", {&B, &E}, 2, may(15, 16, 0, 0), may(18, 10, 0, 0), 17 * HOUR_MS},
        {"1 ms before E closes", {&B, &E}, 2, may(13, 22, 0, -1), may(13, 22, 0, 0), 1},
        {"at E's closing", {&B, &E}, 2, may(13, 22, 0, 0), may(13, 22, 0, 1), 0},
        {"1 ms before B opens", {&B, &E}, 2, may(13, 9, 0, -1), may(13, 9, 0, 0), 0},
        {"at B's opening", {&B, &E}, 2, may(13, 9, 0, 0), may(13, 9, 0, 1), 1},
        {"another offset: B and U on Wednesday (Beijing day)",
         {&B, &U},
         2,
         may(13, 0, 0, 0),
         may(14, 0, 0, 0),
         16 * HOUR_MS},
        {"three calendars", {&B, &E, &U}, 3, may(13, 0, 0, 0), may(14, 0, 0, 0), 16 * HOUR_MS},
        {"with a 24x7 service: wall time",
         {&B, &W},
         2,
         may(16, 10, 0, 0),
         may(16, 23, 0, 7),
         13 * HOUR_MS + 7},
        {"a NULL calendar: wall time", {&B, NULL}, 2, may(16, 10, 0, 0), may(16, 11, 0, 0), HOUR_MS},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t got = od_cal_between_any(rows[i].c, rows[i].n, rows[i].a, rows[i].b);
        if (got != rows[i].want)
            fail_msg("%s: got %lld, want %lld", rows[i].name, (long long)got, (long long)rows[i].want);
    }
    /* one calendar is exactly od_cal_between, over many spans */
    for (int64_t a = may(1, 0, 0, 0); a < may(20, 0, 0, 0); a += 7 * HOUR_MS + 13 * MIN_MS) {
        const od_calendar *one[1] = {&B};
        assert_int_equal(od_cal_between_any(one, 1, a, a + 61 * HOUR_MS),
                         od_cal_between(&B, a, a + 61 * HOUR_MS));
    }
}

static void test_incident_clocks(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    const int64_t wed1700 = may(13, 17, 0, 0);
    struct {
        const char *name;
        od_sl_incident i;
        od_sl_metric m;
        int64_t now;
        od_sl_verdict want;
        int64_t elapsed;
    } rows[] = {
        /* restore 2 h: B alone is 17:00-17:30 + Thu 09:00-10:30; with E it runs on to 19:00 */
        {"restore on B and E: met at Wed 19:00",
         {.detected_at = wed1700,
          .restored_at = may(13, 19, 0, 0),
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESTORE,
         may(20, 0, 0, 0),
         OD_SLV_MET,
         2 * HOUR_MS},
        {"restore on B and E: breached 1 ms later",
         {.detected_at = wed1700,
          .restored_at = may(13, 19, 0, 1),
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESTORE,
         may(20, 0, 0, 0),
         OD_SLV_BREACHED,
         2 * HOUR_MS + 1},
        {"restore on B alone: the same restoration is 2 h at Thu 10:30",
         {.detected_at = wed1700,
          .restored_at = may(14, 10, 30, 0),
          .highest_response = OD_RESP_R3,
          .cal = &B},
         OD_SL_RESTORE,
         may(20, 0, 0, 0),
         OD_SLV_MET,
         2 * HOUR_MS},
        {"restore on B and E: Thu 10:30 is breached",
         {.detected_at = wed1700,
          .restored_at = may(14, 10, 30, 0),
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESTORE,
         may(20, 0, 0, 0),
         OD_SLV_BREACHED,
         5 * HOUR_MS + 90 * MIN_MS},
        {"restore pending at the target (not restored)",
         {.detected_at = wed1700,
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESTORE,
         may(13, 19, 0, 0),
         OD_SLV_PENDING,
         2 * HOUR_MS},
        {"restore breached 1 ms past (not restored)",
         {.detected_at = wed1700,
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESTORE,
         may(13, 19, 0, 1),
         OD_SLV_BREACHED,
         2 * HOUR_MS + 1},
        /* response 30 min on a Saturday: B has no hours, E opens at 17:00 */
        {"response on B and E, Saturday: met at 17:30",
         {.detected_at = may(16, 12, 0, 0),
          .engaged_at = may(16, 17, 30, 0),
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESPONSE,
         may(20, 0, 0, 0),
         OD_SLV_MET,
         30 * MIN_MS},
        {"response on B and E, Saturday: breached at 17:30 + 1 ms",
         {.detected_at = may(16, 12, 0, 0),
          .engaged_at = may(16, 17, 30, 1),
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESPONSE,
         may(20, 0, 0, 0),
         OD_SLV_BREACHED,
         30 * MIN_MS + 1},
        {"one service on 24x7: wall time",
         {.detected_at = may(16, 12, 0, 0),
          .engaged_at = may(16, 12, 30, 1),
          .cal = &B,
          .also = (const od_calendar *const[]){&W},
          .n_also = 1},
         OD_SL_RESPONSE,
         may(20, 0, 0, 0),
         OD_SLV_BREACHED,
         30 * MIN_MS + 1},
        {"no first calendar: the others are ignored (wall time)",
         {.detected_at = may(16, 12, 0, 0),
          .engaged_at = may(16, 12, 30, 0),
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_RESPONSE,
         may(20, 0, 0, 0),
         OD_SLV_MET,
         30 * MIN_MS},
        /* handling (seed 000, R3 8 h) stays wall time whatever the calendars */
        {"handling is wall time",
         {.detected_at = wed1700,
          .resolved_at = may(14, 1, 0, 1),
          .initial_response = OD_RESP_R3,
          .highest_response = OD_RESP_R3,
          .cal = &B,
          .also = (const od_calendar *const[]){&E},
          .n_also = 1},
         OD_SL_HANDLING,
         may(20, 0, 0, 0),
         OD_SLV_BREACHED,
         8 * HOUR_MS + 1},
    };
    for (size_t r = 0; r < N(rows); r++) {
        const od_sl_incident *i = &rows[r].i;
        int64_t done = rows[r].m == OD_SL_RESPONSE  ? i->engaged_at
                       : rows[r].m == OD_SL_RESTORE ? i->restored_at
                                                    : i->resolved_at;
        int64_t got = od_sl_elapsed(i, rows[r].m, i->detected_at, done ? done : rows[r].now);
        od_sl_verdict v = od_sl_verdict_of(i, p, rows[r].m, rows[r].now);
        if (got != rows[r].elapsed || v != rows[r].want)
            fail_msg("%s: elapsed %lld (want %lld), verdict %s (want %s)", rows[r].name, (long long)got,
                     (long long)rows[r].elapsed, od_sl_verdict_key(v), od_sl_verdict_key(rows[r].want));
    }
    /* MTTR over two incidents: one on B and E (2 h), one on B alone (2 h) */
    od_sl_incident two[2] = {rows[0].i, rows[2].i};
    int64_t scratch[2];
    od_sl_stats s = od_sl_measure_of(two, 2, OD_SL_MTTR, -1, -1, scratch);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.mean_ms, 2 * HOUR_MS);
    assert_int_equal(s.max_ms, 2 * HOUR_MS);
    od_policy_free(p);
}

/* More than 8 calendars on one incident: every one counts (no limit).
 * Calendar k (k = 0 … 11) works one hour a day, 06:00+k – 07:00+k UTC+8,
 * each two hours apart from the next (k even: the odd ones are shifted by
 * one hour and merge with their neighbours), so the union of n calendars
 * is known by hand. */
static void test_many_calendars(void **state)
{
    (void)state;
    static od_calendar C[12];
    const od_calendar *ptr[12];
    for (int k = 0; k < 12; k++) {
        memset(&C[k], 0, sizeof C[k]);
        C[k].key[0] = (char)('a' + k);
        C[k].utc_offset_min = 480;
        for (int w = 0; w < 7; w++) {
            C[k].week[w][0] = (od_cal_period){(6 + k) * 60, (7 + k) * 60};
            C[k].n_periods[w] = 1;
        }
        ptr[k] = &C[k];
    }
    const struct {
        const char *name;
        size_t n;
        int64_t a, b, want;
    } rows[] = {
        {"8 calendars: 06:00-14:00", 8, may(13, 0, 0, 0), may(14, 0, 0, 0), 8 * HOUR_MS},
        {"9 calendars: the ninth counts (06:00-15:00)", 9, may(13, 0, 0, 0), may(14, 0, 0, 0), 9 * HOUR_MS},
        {"12 calendars: 06:00-18:00", 12, may(13, 0, 0, 0), may(14, 0, 0, 0), 12 * HOUR_MS},
        {"12 calendars over two days", 12, may(13, 0, 0, 0), may(15, 0, 0, 0), 24 * HOUR_MS},
        {"12 calendars, 1 ms before the twelfth closes", 12, may(13, 17, 0, 0), may(13, 18, 0, -1),
         HOUR_MS - 1},
        {"12 calendars, at the twelfth's closing", 12, may(13, 17, 0, 0), may(13, 18, 0, 0), HOUR_MS},
        {"12 calendars, after the closing counts nothing", 12, may(13, 18, 0, 0), may(13, 23, 0, 0), 0},
        {"10 calendars: 1 ms before the tenth opens", 10, may(13, 15, 0, -1), may(13, 15, 0, 0), 1},
        {"10 calendars: at the tenth's closing", 10, may(13, 16, 0, 0), may(13, 16, 30, 0), 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t got = od_cal_between_any(ptr, rows[i].n, rows[i].a, rows[i].b);
        if (got != rows[i].want)
            fail_msg("%s: got %lld, want %lld", rows[i].name, (long long)got, (long long)rows[i].want);
        /* the incident's clock on cal = C[0] and also = the others, the same union */
        od_sl_incident inc = {.cal = ptr[0], .also = ptr + 1, .n_also = rows[i].n - 1};
        got = od_sl_elapsed(&inc, OD_SL_RESTORE, rows[i].a, rows[i].b);
        if (got != rows[i].want)
            fail_msg("%s (incident): got %lld, want %lld", rows[i].name, (long long)got,
                     (long long)rows[i].want);
    }
    /* restore of an incident detected 06:00 on 12 calendars: 2 h of working time at 08:00; the
     * ninth calendar's hour (14:00-15:00) is counted for MTTR */
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    od_sl_incident inc = {.detected_at = may(13, 6, 0, 0),
                          .restored_at = may(13, 15, 0, 0),
                          .highest_response = OD_RESP_R3,
                          .cal = ptr[0],
                          .also = ptr + 1,
                          .n_also = 11};
    assert_int_equal(od_sl_elapsed(&inc, OD_SL_RESTORE, inc.detected_at, inc.restored_at), 9 * HOUR_MS);
    assert_int_equal(od_sl_verdict_of(&inc, p, OD_SL_RESTORE, 0), OD_SLV_BREACHED);
    inc.restored_at = may(13, 8, 0, 0);
    assert_int_equal(od_sl_verdict_of(&inc, p, OD_SL_RESTORE, 0), OD_SLV_MET);
    inc.restored_at = may(13, 8, 0, 1);
    assert_int_equal(od_sl_verdict_of(&inc, p, OD_SL_RESTORE, 0), OD_SLV_BREACHED);
    od_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_between_any),
        cmocka_unit_test(test_incident_clocks),
        cmocka_unit_test(test_many_calendars),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
