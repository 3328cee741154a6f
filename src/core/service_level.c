/* service_level.c — the service-level figures of service_level.h: span
 * union and clipping, availability with planned windows, overruns, drills
 * and degraded weight, downtime budgets, incident verdicts, statistics and
 * tallies.  Pure (the contract is in the header). */
#include "core/service_level.h"

#include "core/calendar.h"
#include "core/report_def.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_keys[OD_OUTAGE__COUNT] = {"unplanned", "planned", "degraded"};
static const char *const metric_keys[OD_SL__COUNT] = {"response", "restore", "handling"};
static const char *const verdict_keys[OD_SLV__COUNT] = {"na", "pending", "met", "breached"};

const char *od_outage_kind_key(od_outage_kind k)
{
    return (unsigned)k < OD_OUTAGE__COUNT ? kind_keys[k] : "?";
}

int od_outage_kind_parse(const char *s)
{
    for (int i = 0; s && i < OD_OUTAGE__COUNT; i++)
        if (!strcmp(s, kind_keys[i]))
            return i;
    return -1;
}

const char *od_sl_metric_key(od_sl_metric m)
{
    return (unsigned)m < OD_SL__COUNT ? metric_keys[m] : "?";
}

const char *od_sl_verdict_key(od_sl_verdict v)
{
    return (unsigned)v < OD_SLV__COUNT ? verdict_keys[v] : "?";
}

/* ---- spans ----------------------------------------------------------- */

static int span_cmp(const void *x, const void *y)
{
    const od_span *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->end < b->end ? -1 : a->end > b->end;
}

size_t od_span_union(od_span *s, size_t n, int64_t a, int64_t b)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* clip, drop the empty ones */
        int64_t st = s[i].start > a ? s[i].start : a;
        int64_t en = s[i].end < b ? s[i].end : b;
        if (en > st)
            s[k++] = (od_span){st, en};
    }
    if (k > 1)
        qsort(s, k, sizeof *s, span_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && s[i].start <= s[m - 1].end) {
            if (s[i].end > s[m - 1].end)
                s[m - 1].end = s[i].end;
        } else {
            s[m++] = s[i];
        }
    }
    return m;
}

int64_t od_span_union_ms(od_span *s, size_t n, int64_t a, int64_t b)
{
    size_t m = od_span_union(s, n, a, b);
    int64_t t = 0;
    for (size_t i = 0; i < m; i++)
        t += s[i].end - s[i].start;
    return t;
}

size_t od_outage_unplanned_parts(const od_outage *o, od_span out[2])
{
    if (o->drill || o->end <= o->start)
        return 0;
    if (o->kind == OD_OUTAGE_UNPLANNED) {
        out[0] = (od_span){o->start, o->end};
        return 1;
    }
    if (o->kind != OD_OUTAGE_PLANNED)
        return 0;
    if (o->win_end <= o->win_start) { /* no approved window: all unplanned */
        out[0] = (od_span){o->start, o->end};
        return 1;
    }
    size_t k = 0;
    if (o->start < o->win_start) /* started before the window */
        out[k++] = (od_span){o->start, o->end < o->win_start ? o->end : o->win_start};
    if (o->end > o->win_end) /* overrun */
        out[k++] = (od_span){o->start > o->win_end ? o->start : o->win_end, o->end};
    return k;
}

/* ---- availability ---------------------------------------------------- */

/* The length of [s, e) that counts: wall time, or the working time of a
 * calendar that is not 24x7 (a service's hours, modules-spec §M4.2). */
static int64_t counted(const od_calendar *cal, int64_t s, int64_t e)
{
    if (e <= s)
        return 0;
    return cal && !cal->always ? od_cal_between(cal, s, e) : e - s;
}

static int64_t counted_union(const od_calendar *cal, od_span *spans, size_t n, int64_t a, int64_t b,
                             size_t *nonempty)
{
    size_t k = od_span_union(spans, n, a, b), m = 0;
    int64_t total = 0;
    for (size_t i = 0; i < k; i++) {
        int64_t len = counted(cal, spans[i].start, spans[i].end);
        total += len;
        m += len > 0;
    }
    if (nonempty)
        *nonempty = m;
    return total;
}

od_err od_availability(const od_outage *o, size_t n, int64_t a, int64_t b, const od_sla_targets *t,
                       od_span *scratch, size_t scratch_cap, od_avail *out)
{
    return od_availability_cal(o, n, a, b, NULL, t, scratch, scratch_cap, out);
}

od_err od_availability_cal(const od_outage *o, size_t n, int64_t a, int64_t b, const od_calendar *cal,
                           const od_sla_targets *t, od_span *scratch, size_t scratch_cap, od_avail *out)
{
    memset(out, 0, sizeof *out);
    if (b < a || scratch_cap < 3 * n)
        return OD_E_INVALID;
    int64_t T = counted(cal, a, b);
    out->period_ms = T;
    /* unplanned time: scratch[0..k); an outage wholly outside the service's
     * hours is no outage (it counts nothing) */
    size_t k = 0, nu = 0;
    for (size_t i = 0; i < n; i++)
        k += od_outage_unplanned_parts(&o[i], &scratch[k]);
    out->unplanned_ms = counted_union(cal, scratch, k, a, b, &nu);
    size_t kd = od_span_union(scratch, k, a, b); /* the same disjoint spans, again at the front */
    out->outages = nu;
    /* unplanned ∪ degraded, to count degraded time not already unplanned */
    size_t kp = 0;
    od_span *planned = scratch + 2 * n;
    for (size_t i = 0; i < n; i++) {
        if (o[i].drill || o[i].end <= o[i].start)
            continue;
        if (o[i].kind == OD_OUTAGE_DEGRADED) {
            scratch[kd++] = (od_span){o[i].start, o[i].end};
        } else if (o[i].kind == OD_OUTAGE_PLANNED && o[i].win_end > o[i].win_start) {
            int64_t st = o[i].start > o[i].win_start ? o[i].start : o[i].win_start;
            int64_t en = o[i].end < o[i].win_end ? o[i].end : o[i].win_end;
            if (en > st)
                planned[kp++] = (od_span){st, en};
        }
    }
    int64_t both = counted_union(cal, scratch, kd, a, b, NULL);
    out->degraded_ms = both - out->unplanned_ms;
    out->planned_ms = counted_union(cal, planned, kp, a, b, NULL);
    out->downtime_ms = out->unplanned_ms + out->degraded_ms * t->degraded_permille / 1000;
    if (out->downtime_ms > T)
        out->downtime_ms = T;
    /* floor(1e6 × (T − U) / T) without overflow for periods up to decades */
    out->avail_ppm = T ? (int64_t)((__int128)(T - out->downtime_ms) * 1000000 / T) : 1000000;
    out->mtbf_ms = nu ? (T - out->downtime_ms) / (int64_t)nu : OD_NO_TIME;
    out->met = out->avail_ppm >= t->availability_ppm;
    return OD_OK;
}

int64_t od_budget_ms(int64_t period_ms, int32_t target_ppm)
{
    if (period_ms <= 0 || target_ppm >= 1000000)
        return 0;
    return (int64_t)((__int128)period_ms * (1000000 - target_ppm) / 1000000);
}

void od_period_bounds(int year, int month, int utc_offset_min, int64_t *start, int64_t *end)
{
    int m0 = month ? month : 1;
    int y1 = month ? (month == 12 ? year + 1 : year) : year + 1;
    int m1 = month ? (month == 12 ? 1 : month + 1) : 1;
    int64_t off = (int64_t)utc_offset_min * 60000;
    *start = (int64_t)od_cal_days_from_civil(year, m0, 1) * OD_DAY_MS - off;
    *end = (int64_t)od_cal_days_from_civil(y1, m1, 1) * OD_DAY_MS - off;
}

bool od_percent_parse(const char *s, int64_t lo_ppm, int64_t *ppm)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, decimals = 0;
    const char *p = s ? s : "";
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 3)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (!digits)
        return false;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
            if (decimals >= 4)
                return false;
            frac = frac * 10 + (*p - '0');
        }
        if (!decimals)
            return false;
    }
    while (*p == ' ')
        p++;
    if (*p == '%')
        p++;
    if (*p)
        return false;
    for (int i = decimals; i < 4; i++)
        frac *= 10;
    int64_t v = whole * 10000 + frac;
    if (v < lo_ppm || v > 1000000)
        return false;
    *ppm = v;
    return true;
}

/* ---- incidents ------------------------------------------------------- */

bool od_sl_is_major(const od_sl_incident *i, const od_sla_targets *t)
{
    return (unsigned)i->highest_response < OD_RESP__COUNT && (t->major_responses >> i->highest_response) & 1u;
}

int64_t od_sl_target_ms(const od_sl_incident *i, const od_policy *p, od_sl_metric m)
{
    switch (m) {
    case OD_SL_RESPONSE:
        return p->sla.response_ms;
    case OD_SL_RESTORE:
        return p->sla.restore_ms[od_sl_is_major(i, &p->sla) ? 1 : 0];
    case OD_SL_HANDLING:
        return (unsigned)i->initial_response < OD_RESP__COUNT ? p->handling_limit_ms[i->initial_response] : 0;
    default:
        return 0;
    }
}

/* The calendar c of x[0..nx) followed by y[0..ny). */
static const od_calendar *cal_at(const od_calendar *const *x, size_t nx, const od_calendar *const *y,
                                 size_t c)
{
    return c < nx ? x[c] : y[c - nx];
}

/* od_cal_between_any of the calendars x[0..nx) and y[0..ny) together. */
static int64_t between_union(const od_calendar *const *x, size_t nx, const od_calendar *const *y, size_t ny,
                             int64_t a, int64_t b)
{
    size_t n = nx + ny;
    if (!n || b <= a)
        return 0;
    for (size_t c = 0; c < n; c++)
        if (!cal_at(x, nx, y, c) || cal_at(x, nx, y, c)->always)
            return b - a;
    if (n == 1)
        return od_cal_between(cal_at(x, nx, y, 0), a, b);
    /* per UTC day: each calendar's working periods of the (at most three) local days that overlap
     * it, added to the day's disjoint union and merged again, one calendar at a time, so any
     * number of calendars fits (the union of a day holds at most OD_SL_DAY_SPANS_MAX spans) */
    od_span sp[OD_SL_DAY_SPANS_MAX + 3 * OD_CAL_PERIODS_MAX];
    int64_t total = 0;
    int64_t w = a >= 0 ? a / OD_DAY_MS * OD_DAY_MS : -((-a + OD_DAY_MS - 1) / OD_DAY_MS) * OD_DAY_MS;
    for (int guard = 0; w < b && guard <= OD_CAL_SCAN_DAYS * 2; w += OD_DAY_MS, guard++) {
        int64_t lo = w > a ? w : a, hi = w + OD_DAY_MS < b ? w + OD_DAY_MS : b;
        size_t k = 0;
        for (size_t c = 0; c < n; c++) {
            const od_calendar *cal = cal_at(x, nx, y, c);
            int64_t off = (int64_t)cal->utc_offset_min * 60000, lw = w + off;
            int64_t l0 = lw >= 0 ? lw / OD_DAY_MS : -((-lw + OD_DAY_MS - 1) / OD_DAY_MS);
            for (int64_t ld = l0 - 1; ld <= l0 + 1; ld++) {
                const od_cal_period *per = NULL;
                int np = od_cal_day_periods(cal, (int32_t)ld, &per);
                for (int q = 0; q < np && k < sizeof sp / sizeof sp[0]; q++)
                    sp[k++] = (od_span){ld * OD_DAY_MS - off + per[q].start_min * 60000LL,
                                        ld * OD_DAY_MS - off + per[q].end_min * 60000LL};
            }
            k = od_span_union(sp, k, lo, hi); /* the day's union so far: disjoint, in order */
        }
        for (size_t q = 0; q < k; q++)
            total += sp[q].end - sp[q].start;
    }
    return total;
}

int64_t od_cal_between_any(const od_calendar *const *cals, size_t n, int64_t a, int64_t b)
{
    return between_union(cals, n, NULL, 0, a, b);
}

int64_t od_sl_elapsed(const od_sl_incident *i, od_sl_metric m, int64_t from, int64_t to)
{
    if (m != OD_SL_HANDLING && i->cal && !i->cal->always) {
        if (to <= from)
            return 0;
        if (!i->n_also)
            return od_cal_between(i->cal, from, to);
        return between_union(&i->cal, 1, i->also, i->n_also, from, to); /* any number of calendars */
    }
    return to - from;
}

od_sl_verdict od_sl_verdict_of(const od_sl_incident *i, const od_policy *p, od_sl_metric m, int64_t now)
{
    int64_t target = od_sl_target_ms(i, p, m);
    if (i->drill || target <= 0)
        return OD_SLV_NA;
    int64_t done = m == OD_SL_RESPONSE ? i->engaged_at : m == OD_SL_RESTORE ? i->restored_at : i->resolved_at;
    if (done)
        return od_sl_elapsed(i, m, i->detected_at, done) <= target ? OD_SLV_MET : OD_SLV_BREACHED;
    return od_sl_elapsed(i, m, i->detected_at, now) <= target ? OD_SLV_PENDING : OD_SLV_BREACHED;
}

static int i64_cmp(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

od_sl_stats od_sl_stats_of(int64_t *v, size_t n)
{
    od_sl_stats s = {.n = n};
    if (!n)
        return s;
    qsort(v, n, sizeof *v, i64_cmp);
    __int128 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    __int128 q = sum / (__int128)n;
    if (sum < 0 && q * (__int128)n != sum)
        q--; /* floor, not truncation */
    s.mean_ms = (int64_t)q;
    if (n % 2) {
        s.median_ms = v[n / 2];
    } else {
        __int128 two = (__int128)v[n / 2 - 1] + v[n / 2];
        __int128 h = two / 2;
        if (two < 0 && h * 2 != two)
            h--;
        s.median_ms = (int64_t)h;
    }
    size_t rank = (9 * n + 9) / 10; /* ceil(0.9 n), ≥ 1 */
    s.p90_ms = v[rank - 1];
    s.max_ms = v[n - 1];
    return s;
}

od_sl_stats od_sl_measure_of(const od_sl_incident *v, size_t n, od_sl_measure m, int level, int category,
                             int64_t *scratch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].drill || (level >= 0 && (int)v[i].level != level) ||
            (category >= 0 && v[i].category != category))
            continue;
        int64_t at = m == OD_SL_MTTA ? v[i].engaged_at : v[i].restored_at;
        if (at)
            scratch[k++] =
                od_sl_elapsed(&v[i], m == OD_SL_MTTA ? OD_SL_RESPONSE : OD_SL_RESTORE, v[i].detected_at, at);
    }
    return od_sl_stats_of(scratch, k);
}

void od_sl_tally(const od_sl_incident *v, size_t n, const od_policy *p, od_sl_metric m, int64_t now,
                 od_sl_group by, size_t groups, int counts[][OD_SLV__COUNT])
{
    memset(counts, 0, groups * sizeof counts[0]);
    for (size_t i = 0; i < n; i++) {
        if (v[i].drill)
            continue;
        long g = by == OD_SLG_LEVEL      ? (long)v[i].level
                 : by == OD_SLG_CATEGORY ? v[i].category
                 : by == OD_SLG_TIER     ? v[i].tier
                                         : 0;
        if (g < 0 || (size_t)g >= groups)
            continue;
        counts[g][od_sl_verdict_of(&v[i], p, m, now)]++;
    }
}

/* ---- O&M reports ------------------------------------------------------ */

static const char *const report_keys[OD_REPORT__COUNT] = {"weekly", "monthly"};

const char *od_report_kind_key(od_report_kind k)
{
    return (unsigned)k < OD_REPORT__COUNT ? report_keys[k] : "?";
}

int od_report_kind_parse(const char *s)
{
    for (int i = 0; s && i < OD_REPORT__COUNT; i++)
        if (!strcmp(s, report_keys[i]))
            return i;
    return -1;
}

void od_report_period_at(od_report_kind k, int64_t now, int utc_offset_min, int64_t *start, int64_t *end,
                         int64_t *gen_at)
{
    /* the built-in weekly and monthly definitions (core/report_def.c) on a 24x7 calendar */
    od_report_def defs[OD_RDEF_MAX];
    od_report_defs_default(defs);
    od_report_def_period_at(&defs[k == OD_REPORT_MONTHLY ? 1 : 0], NULL, now, utc_offset_min, start, end,
                            gen_at);
}
