/* test_core_service_level.c — the service-level figures (R-SLA-1, R-SLA-2,
 * R-SLA-5; modules-spec §M4.3), by table: span union and clipping
 * (overlaps, touching spans, containment, period edges 1 ms before and at),
 * planned time inside and outside its approved window (overrun), drills
 * never counting, degraded weight, availability in ppm against 99.5 %, the
 * yearly budget (43.8 h, 43.92 h in a leap year), the response / restore /
 * handling verdicts 1 ms before and at their targets, mean / median / p90,
 * and tallies by level, category and tier. */
#include "cal_fixture.h"
#include "core/service_level.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_union(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        od_span in[4];
        size_t n;
        int64_t a, b;
        size_t out_n;
        od_span out[4];
    } rows[] = {
        {"empty", {{0, 0}}, 0, 0, 100, 0, {{0, 0}}},
        {"one inside", {{10, 20}}, 1, 0, 100, 1, {{10, 20}}},
        {"overlap", {{10, 30}, {20, 40}}, 2, 0, 100, 1, {{10, 40}}},
        {"touching merge", {{10, 20}, {20, 30}}, 2, 0, 100, 1, {{10, 30}}},
        {"disjoint unsorted", {{50, 60}, {10, 20}}, 2, 0, 100, 2, {{10, 20}, {50, 60}}},
        {"contained", {{10, 90}, {20, 30}, {40, 50}}, 3, 0, 100, 1, {{10, 90}}},
        {"clip left", {{-50, 10}}, 1, 0, 100, 1, {{0, 10}}},
        {"clip right", {{90, 150}}, 1, 0, 100, 1, {{90, 100}}},
        {"ends 1 ms after a", {{-50, 1}}, 1, 0, 100, 1, {{0, 1}}},
        {"ends at a", {{-50, 0}}, 1, 0, 100, 0, {{0, 0}}},
        {"starts 1 ms before b", {{99, 150}}, 1, 0, 100, 1, {{99, 100}}},
        {"starts at b", {{100, 150}}, 1, 0, 100, 0, {{0, 0}}},
        {"empty and reversed dropped", {{30, 30}, {40, 35}, {1, 2}}, 3, 0, 100, 1, {{1, 2}}},
        {"covers period", {{-10, 200}, {5, 6}}, 2, 0, 100, 1, {{0, 100}}},
        {"three chain", {{1, 5}, {4, 8}, {7, 9}, {20, 21}}, 4, 0, 100, 2, {{1, 9}, {20, 21}}},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_span s[4];
        memcpy(s, rows[i].in, sizeof s);
        size_t m = od_span_union(s, rows[i].n, rows[i].a, rows[i].b);
        if (m != rows[i].out_n)
            fail_msg("%s: %zu spans, want %zu", rows[i].name, m, rows[i].out_n);
        for (size_t j = 0; j < m; j++) {
            if (s[j].start != rows[i].out[j].start || s[j].end != rows[i].out[j].end)
                fail_msg("%s: span %zu", rows[i].name, j);
        }
    }
}

static void test_unplanned_parts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        od_outage o;
        size_t n;
        od_span out[2];
    } rows[] = {
        {"unplanned", {10, 20, OD_OUTAGE_UNPLANNED, false, 0, 0}, 1, {{10, 20}}},
        {"drill unplanned", {10, 20, OD_OUTAGE_UNPLANNED, true, 0, 0}, 0, {{0, 0}}},
        {"degraded", {10, 20, OD_OUTAGE_DEGRADED, false, 0, 0}, 0, {{0, 0}}},
        {"planned no window", {10, 20, OD_OUTAGE_PLANNED, false, 0, 0}, 1, {{10, 20}}},
        {"planned inside", {10, 20, OD_OUTAGE_PLANNED, false, 10, 20}, 0, {{0, 0}}},
        {"planned overrun 1 ms", {10, 21, OD_OUTAGE_PLANNED, false, 10, 20}, 1, {{20, 21}}},
        {"planned early 1 ms", {9, 20, OD_OUTAGE_PLANNED, false, 10, 20}, 1, {{9, 10}}},
        {"planned both sides", {5, 25, OD_OUTAGE_PLANNED, false, 10, 20}, 2, {{5, 10}, {20, 25}}},
        {"planned after window", {30, 40, OD_OUTAGE_PLANNED, false, 10, 20}, 1, {{30, 40}}},
        {"planned before window", {1, 5, OD_OUTAGE_PLANNED, false, 10, 20}, 1, {{1, 5}}},
        {"planned drill overrun", {10, 30, OD_OUTAGE_PLANNED, true, 10, 20}, 0, {{0, 0}}},
        {"empty", {10, 10, OD_OUTAGE_UNPLANNED, false, 0, 0}, 0, {{0, 0}}},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_span out[2] = {{0, 0}, {0, 0}};
        size_t n = od_outage_unplanned_parts(&rows[i].o, out);
        if (n != rows[i].n)
            fail_msg("%s: %zu parts, want %zu", rows[i].name, n, rows[i].n);
        for (size_t j = 0; j < n; j++)
            if (out[j].start != rows[i].out[j].start || out[j].end != rows[i].out[j].end)
                fail_msg("%s: part %zu", rows[i].name, j);
    }
}

static od_sla_targets targets(void)
{
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    od_sla_targets t = p->sla;
    od_policy_free(p);
    return t;
}

/* The month of the acceptance example (modules-spec §10 S5 style): June
 * 2026 has 720 h; 3.5 h of unplanned downtime → 99.5138… % → 995138 ppm. */
static void test_availability(void **state)
{
    (void)state;
    od_sla_targets t = targets();
    int64_t a, b;
    od_period_bounds(2026, 6, 480, &a, &b);
    assert_int_equal(b - a, 720 * HOUR_MS);
    assert_int_equal(a, loc(2026, 6, 1, 0, 0));
    const int64_t d1 = loc(2026, 6, 3, 10, 0), d2 = loc(2026, 6, 10, 2, 0);
    static struct {
        const char *name;
        od_outage o[4];
        size_t n;
        int32_t degraded_permille;
        int64_t unplanned, planned, degraded, downtime, ppm;
        size_t outages;
        bool met;
    } rows[] = {
        {"none", {{0}}, 0, 0, 0, 0, 0, 0, 1000000, 0, true},
        {"3.5 h in two",
         {{0}},
         2,
         0,
         3 * HOUR_MS + 30 * MIN_MS,
         0,
         0,
         3 * HOUR_MS + 30 * MIN_MS,
         995138,
         2,
         true},
        {"overlapping counted once", {{0}}, 3, 0, 2 * HOUR_MS, 0, 0, 2 * HOUR_MS, 997222, 1, true},
        {"3.6 h = 99.5 % exactly",
         {{0}},
         1,
         0,
         3 * HOUR_MS + 36 * MIN_MS,
         0,
         0,
         3 * HOUR_MS + 36 * MIN_MS,
         995000,
         1,
         true},
        {"3.6 h + 1 ms breaches",
         {{0}},
         1,
         0,
         3 * HOUR_MS + 36 * MIN_MS + 1,
         0,
         0,
         3 * HOUR_MS + 36 * MIN_MS + 1,
         994999,
         1,
         false},
        {"planned in window + overrun",
         {{0}},
         1,
         0,
         30 * MIN_MS,
         2 * HOUR_MS,
         0,
         30 * MIN_MS,
         999305,
         1,
         true},
        {"drill never counts", {{0}}, 2, 0, 0, 0, 0, 0, 1000000, 0, true},
        {"degraded weight 0", {{0}}, 1, 0, 0, 0, 2 * HOUR_MS, 0, 1000000, 0, true},
        {"degraded weight 0.5, overlap",
         {{0}},
         2,
         500,
         HOUR_MS,
         0,
         HOUR_MS,
         HOUR_MS + 30 * MIN_MS,
         997916,
         1,
         true},
        {"clipped to the month", {{0}}, 2, 0, 2 * HOUR_MS, 0, 0, 2 * HOUR_MS, 997222, 2, true},
    };
    /* fill the outages (they depend on the period) */
    rows[1].o[0] = (od_outage){d1, d1 + 2 * HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[1].o[1] = (od_outage){d2, d2 + 90 * MIN_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[2].o[0] = (od_outage){d1, d1 + HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[2].o[1] = (od_outage){d1 + 30 * MIN_MS, d1 + 2 * HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[2].o[2] = (od_outage){d1 + 10 * MIN_MS, d1 + 20 * MIN_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[3].o[0] = (od_outage){d1, d1 + 3 * HOUR_MS + 36 * MIN_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[4].o[0] = (od_outage){d1, d1 + 3 * HOUR_MS + 36 * MIN_MS + 1, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[5].o[0] =
        (od_outage){d1, d1 + 2 * HOUR_MS + 30 * MIN_MS, OD_OUTAGE_PLANNED, false, d1, d1 + 2 * HOUR_MS};
    rows[6].o[0] = (od_outage){d1, d1 + 5 * HOUR_MS, OD_OUTAGE_UNPLANNED, true, 0, 0};
    rows[6].o[1] = (od_outage){d2, d2 + 5 * HOUR_MS, OD_OUTAGE_PLANNED, true, d2, d2 + HOUR_MS};
    rows[7].o[0] = (od_outage){d1, d1 + 2 * HOUR_MS, OD_OUTAGE_DEGRADED, false, 0, 0};
    rows[8].o[0] = (od_outage){d1, d1 + HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[8].o[1] = (od_outage){d1 + 30 * MIN_MS, d1 + 2 * HOUR_MS, OD_OUTAGE_DEGRADED, false, 0, 0};
    rows[9].o[0] = (od_outage){a - HOUR_MS, a + HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    rows[9].o[1] = (od_outage){b - HOUR_MS, b + 5 * HOUR_MS, OD_OUTAGE_UNPLANNED, false, 0, 0};
    for (size_t i = 0; i < N(rows); i++) {
        od_span scratch[12];
        od_avail r;
        t.degraded_permille = rows[i].degraded_permille;
        assert_int_equal(od_availability(rows[i].o, rows[i].n, a, b, &t, scratch, N(scratch), &r), OD_OK);
        if (r.unplanned_ms != rows[i].unplanned || r.planned_ms != rows[i].planned ||
            r.degraded_ms != rows[i].degraded || r.downtime_ms != rows[i].downtime ||
            r.avail_ppm != rows[i].ppm || r.outages != rows[i].outages || r.met != rows[i].met)
            fail_msg("%s: U=%lld P=%lld D=%lld down=%lld ppm=%lld outages=%zu met=%d", rows[i].name,
                     (long long)r.unplanned_ms, (long long)r.planned_ms, (long long)r.degraded_ms,
                     (long long)r.downtime_ms, (long long)r.avail_ppm, r.outages, r.met);
        if (r.outages)
            assert_int_equal(r.mtbf_ms, (r.period_ms - r.downtime_ms) / (int64_t)r.outages);
        else
            assert_int_equal(r.mtbf_ms, OD_NO_TIME);
    }
    od_span s[3];
    od_avail r;
    od_outage one = {d1, d1 + 1, OD_OUTAGE_UNPLANNED, false, 0, 0};
    assert_int_equal(od_availability(&one, 1, b, a, &t, s, 3, &r), OD_E_INVALID);
    assert_int_equal(od_availability(&one, 1, a, b, &t, s, 2, &r), OD_E_INVALID);
    /* the empty period is fully available */
    assert_int_equal(od_availability(&one, 1, a, a, &t, s, 3, &r), OD_OK);
    assert_int_equal(r.avail_ppm, 1000000);
}

/* An outage across the period edge: 1 ms before a counts nothing, at a the
 * first ms counts. */
static void test_period_edges(void **state)
{
    (void)state;
    od_sla_targets t = targets();
    int64_t a, b;
    od_period_bounds(2026, 2, 480, &a, &b);
    assert_int_equal(b - a, 28 * 24 * HOUR_MS);
    static const struct {
        int64_t start_off, end_off; /* relative to a (rel_b: relative to b) */
        bool rel_b;
        int64_t counted;
    } rows[] = {
        {-HOUR_MS, 0, false, 0},       /* ends at a */
        {-HOUR_MS, 1, false, 1},       /* ends 1 ms after a */
        {-1, HOUR_MS, false, HOUR_MS}, /* starts 1 ms before a */
        {0, HOUR_MS, false, HOUR_MS},  /* starts at a */
        {-1, HOUR_MS, true, 1},        /* starts 1 ms before b */
        {0, HOUR_MS, true, 0},         /* starts at b */
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t base = rows[i].rel_b ? b : a;
        od_outage o = {base + rows[i].start_off, base + rows[i].end_off, OD_OUTAGE_UNPLANNED, false, 0, 0};
        od_span s[3];
        od_avail r;
        assert_int_equal(od_availability(&o, 1, a, b, &t, s, 3, &r), OD_OK);
        if (r.unplanned_ms != rows[i].counted)
            fail_msg("row %zu: %lld", i, (long long)r.unplanned_ms);
    }
}

static void test_budget(void **state)
{
    (void)state;
    static const struct {
        int year, month;
        int32_t ppm;
        int64_t period, budget;
    } rows[] = {
        {2026, 0, 995000, 8760 * HOUR_MS, 43 * HOUR_MS + 48 * MIN_MS},             /* 43.8 h */
        {2028, 0, 995000, 8784 * HOUR_MS, 43 * HOUR_MS + 55 * MIN_MS + 12 * 1000}, /* 43.92 h */
        {2100, 0, 995000, 8760 * HOUR_MS, 43 * HOUR_MS + 48 * MIN_MS},             /* not leap */
        {2000, 0, 995000, 8784 * HOUR_MS, 43 * HOUR_MS + 55 * MIN_MS + 12 * 1000}, /* leap */
        {2026, 6, 995000, 720 * HOUR_MS, 3 * HOUR_MS + 36 * MIN_MS},               /* 3.6 h */
        {2028, 2, 995000, 696 * HOUR_MS, 3 * HOUR_MS + 28 * MIN_MS + 48 * 1000},   /* 29 days */
        {2026, 12, 999000, 744 * HOUR_MS, 44 * MIN_MS + 38 * 1000 + 400},          /* 99.9 % */
        {2026, 1, 1000000, 744 * HOUR_MS, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t a, b;
        od_period_bounds(rows[i].year, rows[i].month, 480, &a, &b);
        assert_int_equal(b - a, rows[i].period);
        if (od_budget_ms(b - a, rows[i].ppm) != rows[i].budget)
            fail_msg("row %zu: %lld", i, (long long)od_budget_ms(b - a, rows[i].ppm));
    }
    int64_t a, b;
    od_period_bounds(2026, 0, 480, &a, &b);
    assert_int_equal(a, loc(2026, 1, 1, 0, 0));
    assert_int_equal(b, loc(2027, 1, 1, 0, 0));
    od_period_bounds(2026, 12, 480, &a, &b);
    assert_int_equal(a, loc(2026, 12, 1, 0, 0));
    assert_int_equal(b, loc(2027, 1, 1, 0, 0));
    assert_int_equal(od_budget_ms(0, 995000), 0);
}

/* Each verdict 1 ms before, at and 1 ms after its target; pending until
 * the target and breached 1 ms after it. */
static void test_verdicts(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    const int64_t d = loc(2026, 6, 3, 10, 0);
    static const struct {
        const char *name;
        od_sl_metric m;
        od_resp initial, highest;
        int64_t done_off; /* 0 = not done */
        int64_t now_off;
        bool drill;
        od_sl_verdict v;
    } rows[] = {
        {"response 1 ms before", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 30 * MIN_MS - 1, 0, false,
         OD_SLV_MET},
        {"response at", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 30 * MIN_MS, 0, false, OD_SLV_MET},
        {"response 1 ms after", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 30 * MIN_MS + 1, 0, false,
         OD_SLV_BREACHED},
        {"response pending at", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 0, 30 * MIN_MS, false,
         OD_SLV_PENDING},
        {"response open past", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 0, 30 * MIN_MS + 1, false,
         OD_SLV_BREACHED},
        {"restore ordinary at", OD_SL_RESTORE, OD_RESP_R2, OD_RESP_R2, 2 * HOUR_MS, 0, false, OD_SLV_MET},
        {"restore ordinary after", OD_SL_RESTORE, OD_RESP_R2, OD_RESP_R2, 2 * HOUR_MS + 1, 0, false,
         OD_SLV_BREACHED},
        {"restore major at", OD_SL_RESTORE, OD_RESP_R2, OD_RESP_R1, 8 * HOUR_MS, 0, false, OD_SLV_MET},
        {"restore major after", OD_SL_RESTORE, OD_RESP_R2, OD_RESP_R1, 8 * HOUR_MS + 1, 0, false,
         OD_SLV_BREACHED},
        {"restore major open", OD_SL_RESTORE, OD_RESP_R1, OD_RESP_R1, 0, 8 * HOUR_MS, false, OD_SLV_PENDING},
        {"handling R1 at", OD_SL_HANDLING, OD_RESP_R1, OD_RESP_R1, 2 * HOUR_MS, 0, false, OD_SLV_MET},
        {"handling R1 after", OD_SL_HANDLING, OD_RESP_R1, OD_RESP_R1, 2 * HOUR_MS + 1, 0, false,
         OD_SLV_BREACHED},
        {"handling R3 before", OD_SL_HANDLING, OD_RESP_R3, OD_RESP_R1, 8 * HOUR_MS - 1, 0, false, OD_SLV_MET},
        {"handling initial level", OD_SL_HANDLING, OD_RESP_R2, OD_RESP_R1, 4 * HOUR_MS + 1, 0, false,
         OD_SLV_BREACHED},
        {"handling NG", OD_SL_HANDLING, OD_RESP_NG, OD_RESP_NG, 99 * HOUR_MS, 0, false, OD_SLV_NA},
        {"drill", OD_SL_RESPONSE, OD_RESP_R3, OD_RESP_R3, 99 * HOUR_MS, 0, true, OD_SLV_NA},
    };
    for (size_t i = 0; i < N(rows); i++) {
        od_sl_incident inc = {.detected_at = d,
                              .initial_response = rows[i].initial,
                              .highest_response = rows[i].highest,
                              .drill = rows[i].drill};
        int64_t done = rows[i].done_off ? d + rows[i].done_off : 0;
        if (rows[i].m == OD_SL_RESPONSE)
            inc.engaged_at = done;
        else if (rows[i].m == OD_SL_RESTORE)
            inc.restored_at = done;
        else
            inc.resolved_at = done;
        od_sl_verdict v = od_sl_verdict_of(&inc, p, rows[i].m, d + rows[i].now_off);
        if (v != rows[i].v)
            fail_msg("%s: %s", rows[i].name, od_sl_verdict_key(v));
    }
    /* the major-fault mapping is policy: with R1 and R2 major, R2 gets 8 h */
    p->sla.major_responses = (1u << OD_RESP_R1) | (1u << OD_RESP_R2);
    od_sl_incident inc = {.detected_at = d, .restored_at = d + 3 * HOUR_MS, .highest_response = OD_RESP_R2};
    assert_int_equal(od_sl_verdict_of(&inc, p, OD_SL_RESTORE, d), OD_SLV_MET);
    assert_true(od_sl_is_major(&inc, &p->sla));
    od_policy_free(p);
}

static void test_stats(void **state)
{
    (void)state;
    static const struct {
        int64_t v[10];
        size_t n;
        int64_t mean, median, p90, max;
    } rows[] = {
        {{0}, 0, 0, 0, 0, 0},
        {{7}, 1, 7, 7, 7, 7},
        {{3, 1}, 2, 2, 2, 3, 3},
        {{1, 2, 4}, 3, 2, 2, 4, 4},
        {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 10, 55, 55, 90, 100},
        {{100, 90, 80, 70, 60, 50, 40, 30, 20}, 9, 60, 60, 100, 100},
        {{5, 5, 5, 5, 5, 5, 5, 5, 5, 6}, 10, 5, 5, 5, 6},
        {{-3, -2}, 2, -3, -3, -2, -2},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v[10];
        memcpy(v, rows[i].v, sizeof v);
        od_sl_stats s = od_sl_stats_of(v, rows[i].n);
        if (s.n != rows[i].n || s.mean_ms != rows[i].mean || s.median_ms != rows[i].median ||
            s.p90_ms != rows[i].p90 || s.max_ms != rows[i].max)
            fail_msg("row %zu: mean %lld median %lld p90 %lld max %lld", i, (long long)s.mean_ms,
                     (long long)s.median_ms, (long long)s.p90_ms, (long long)s.max_ms);
    }
}

/* MTTA, MTTR by level and category, and tallies by level, category, tier. */
static void test_measures_and_tally(void **state)
{
    (void)state;
    od_policy *p = od_policy_new_default();
    assert_non_null(p);
    const int64_t d = loc(2026, 6, 3, 10, 0);
    const od_sl_incident v[] = {
        /* level, cat, tier: L2 / 0 / 1 — acked 10 min, restored 1 h */
        {d, d + 10 * MIN_MS, d + HOUR_MS, d + HOUR_MS, OD_GRADE_L2, OD_RESP_R2, OD_RESP_R2, 0, 1, false, NULL,
         NULL, 0},
        /* L3 / 1 / 1 — acked 20 min, restored 3 h (breach: ordinary) */
        {d, d + 20 * MIN_MS, d + 3 * HOUR_MS, d + 3 * HOUR_MS, OD_GRADE_L3, OD_RESP_R3, OD_RESP_R3, 1, 1,
         false, NULL, NULL, 0},
        /* L3 / 1 / 2 — acked 40 min (breach), restored 2 h */
        {d, d + 40 * MIN_MS, d + 2 * HOUR_MS, d + 2 * HOUR_MS, OD_GRADE_L3, OD_RESP_R3, OD_RESP_R3, 1, 2,
         false, NULL, NULL, 0},
        /* L1 / 0 / 0 — not acked, open: pending at d + 10 min */
        {d, 0, 0, 0, OD_GRADE_L1, OD_RESP_R1, OD_RESP_R1, 0, 0, false, NULL, NULL, 0},
        /* a drill: never counts */
        {d, d + 99 * MIN_MS, d + 9 * HOUR_MS, d + 9 * HOUR_MS, OD_GRADE_L3, OD_RESP_R3, OD_RESP_R3, 1, 1,
         true, NULL, NULL, 0},
    };
    int64_t scratch[N(v)];
    od_sl_stats s = od_sl_measure_of(v, N(v), OD_SL_MTTA, -1, -1, scratch);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.mean_ms, 70 * MIN_MS / 3);
    assert_int_equal(s.median_ms, 20 * MIN_MS);
    assert_int_equal(s.p90_ms, 40 * MIN_MS);
    s = od_sl_measure_of(v, N(v), OD_SL_MTTR, OD_GRADE_L3, -1, scratch);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.mean_ms, 150 * MIN_MS);
    s = od_sl_measure_of(v, N(v), OD_SL_MTTR, -1, 0, scratch);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.mean_ms, HOUR_MS);
    s = od_sl_measure_of(v, N(v), OD_SL_MTTR, OD_GRADE_L1, -1, scratch);
    assert_int_equal(s.n, 0);

    int c[OD_GRADE__COUNT][OD_SLV__COUNT];
    const int64_t now = d + 10 * MIN_MS;
    od_sl_tally(v, N(v), p, OD_SL_RESTORE, now, OD_SLG_LEVEL, OD_GRADE__COUNT, c);
    assert_int_equal(c[OD_GRADE_L3][OD_SLV_BREACHED], 1);
    assert_int_equal(c[OD_GRADE_L3][OD_SLV_MET], 1);
    assert_int_equal(c[OD_GRADE_L2][OD_SLV_MET], 1);
    assert_int_equal(c[OD_GRADE_L1][OD_SLV_PENDING], 1);
    od_sl_tally(v, N(v), p, OD_SL_RESPONSE, now, OD_SLG_ALL, 1, c);
    assert_int_equal(c[0][OD_SLV_MET], 2);
    assert_int_equal(c[0][OD_SLV_BREACHED], 1);
    assert_int_equal(c[0][OD_SLV_PENDING], 1);
    assert_int_equal(c[0][OD_SLV_NA], 0);
    od_sl_tally(v, N(v), p, OD_SL_RESPONSE, d + 31 * MIN_MS, OD_SLG_CATEGORY, 2, c);
    assert_int_equal(c[0][OD_SLV_BREACHED], 1); /* the open L1 is now past 30 min */
    assert_int_equal(c[0][OD_SLV_MET], 1);
    assert_int_equal(c[1][OD_SLV_BREACHED], 1);
    assert_int_equal(c[1][OD_SLV_MET], 1);
    od_sl_tally(v, N(v), p, OD_SL_RESTORE, now, OD_SLG_TIER, 2, c); /* tier 2 out of range: skipped */
    assert_int_equal(c[1][OD_SLV_MET] + c[1][OD_SLV_BREACHED], 2);
    assert_int_equal(c[0][OD_SLV_PENDING], 1);
    assert_int_equal(c[0][OD_SLV_MET] + c[0][OD_SLV_BREACHED] + c[0][OD_SLV_NA], 0);
    od_policy_free(p);
}

static void test_keys(void **state)
{
    (void)state;
    for (int k = 0; k < OD_OUTAGE__COUNT; k++)
        assert_int_equal(od_outage_kind_parse(od_outage_kind_key((od_outage_kind)k)), k);
    assert_int_equal(od_outage_kind_parse("down"), -1);
    assert_int_equal(od_outage_kind_parse(NULL), -1);
    assert_string_equal(od_sl_metric_key(OD_SL_RESTORE), "restore");
    assert_string_equal(od_sl_verdict_key(OD_SLV_BREACHED), "breached");
}

/* The scheduled report in force: 1 ms before and at Monday 08:00 / the 1st
 * 08:00 Beijing time, across a year's end. */
static void test_report_period(void **state)
{
    (void)state;
    static const struct {
        od_report_kind k;
        int y, mo, d, h, mi;
        int64_t delta;   /* added to the local time */
        int gy, gmo, gd; /* the generation day (08:00) */
        int sy, smo, sd; /* period start (00:00) */
    } rows[] = {
        {OD_REPORT_WEEKLY, 2027, 6, 7, 8, 0, 0, 2027, 6, 7, 2027, 5, 31},
        {OD_REPORT_WEEKLY, 2027, 6, 7, 8, 0, -1, 2027, 5, 31, 2027, 5, 24},
        {OD_REPORT_WEEKLY, 2027, 6, 13, 23, 59, 0, 2027, 6, 7, 2027, 5, 31},
        {OD_REPORT_WEEKLY, 2027, 6, 14, 0, 0, 0, 2027, 6, 7, 2027, 5, 31},
        {OD_REPORT_WEEKLY, 2027, 1, 4, 8, 0, 0, 2027, 1, 4, 2026, 12, 28},
        {OD_REPORT_WEEKLY, 2027, 1, 4, 8, 0, -1, 2026, 12, 28, 2026, 12, 21},
        {OD_REPORT_MONTHLY, 2027, 7, 1, 8, 0, 0, 2027, 7, 1, 2027, 6, 1},
        {OD_REPORT_MONTHLY, 2027, 7, 1, 8, 0, -1, 2027, 6, 1, 2027, 5, 1},
        {OD_REPORT_MONTHLY, 2027, 7, 31, 23, 59, 0, 2027, 7, 1, 2027, 6, 1},
        {OD_REPORT_MONTHLY, 2027, 1, 1, 8, 0, 0, 2027, 1, 1, 2026, 12, 1},
        {OD_REPORT_MONTHLY, 2027, 1, 1, 8, 0, -1, 2026, 12, 1, 2026, 11, 1},
        {OD_REPORT_MONTHLY, 2028, 3, 1, 8, 0, 0, 2028, 3, 1, 2028, 2, 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t start, end, gen;
        int64_t now = loc(rows[i].y, rows[i].mo, rows[i].d, rows[i].h, rows[i].mi) + rows[i].delta;
        od_report_period_at(rows[i].k, now, 480, &start, &end, &gen);
        int64_t want_gen = loc(rows[i].gy, rows[i].gmo, rows[i].gd, 8, 0);
        if (gen != want_gen || start != loc(rows[i].sy, rows[i].smo, rows[i].sd, 0, 0) ||
            end != loc(rows[i].gy, rows[i].gmo, rows[i].gd, 0, 0))
            fail_msg("row %zu", i);
    }
    assert_int_equal(od_report_kind_parse("weekly"), OD_REPORT_WEEKLY);
    assert_int_equal(od_report_kind_parse("monthly"), OD_REPORT_MONTHLY);
    assert_int_equal(od_report_kind_parse("daily"), -1);
    assert_string_equal(od_report_kind_key(OD_REPORT_MONTHLY), "monthly");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_union),        cmocka_unit_test(test_unplanned_parts),
        cmocka_unit_test(test_availability), cmocka_unit_test(test_period_edges),
        cmocka_unit_test(test_budget),       cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_stats),        cmocka_unit_test(test_measures_and_tally),
        cmocka_unit_test(test_keys),         cmocka_unit_test(test_report_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
