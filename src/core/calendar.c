/* calendar.c — working-time arithmetic over 24x7 and business calendars
 * (calendar.h).  Every computation walks local days from the start instant,
 * taking each day's working periods (weekly hours, holidays, 调休 working
 * days) and their overlap with the interval; it never walks further than
 * OD_CAL_SCAN_DAYS.  Pure: no I/O, no clock, no allocation, no state. */
#include "core/calendar.h"

#include <string.h>

#define MIN_MS 60000LL

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* a + b for b >= 0, OD_NO_TIME on overflow. */
static int64_t add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? OD_NO_TIME : a + b;
}

void od_cal_init_24x7(od_calendar *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->key, "24x7", 5);
    memcpy(c->name_zh, "7×24小时", sizeof "7×24小时");
    memcpy(c->name_en, "24x7", 5);
    c->always = true;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int32_t od_cal_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void od_cal_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    int64_t zz = (int64_t)z + 719468;
    int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    int64_t doe = zz - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int od_cal_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    return (int)(((int64_t)day % 7 + 7 + 3) % 7);
}

static const od_cal_day *find_day(const od_calendar *c, int32_t day)
{
    size_t lo = 0, hi = c->n_days;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_days && c->days[lo].day == day ? &c->days[lo] : NULL;
}

bool od_cal_add_day(od_calendar *c, int32_t day, od_cal_day_type type, const char *name)
{
    size_t i = 0;
    while (i < c->n_days && c->days[i].day < day)
        i++;
    if (i == c->n_days || c->days[i].day != day) {
        if (c->n_days >= OD_CAL_DAYS_MAX)
            return false;
        memmove(&c->days[i + 1], &c->days[i], (c->n_days - i) * sizeof c->days[0]);
        c->n_days++;
    }
    od_cal_day *d = &c->days[i];
    memset(d, 0, sizeof *d);
    d->day = day;
    d->type = type;
    if (name) {
        size_t n = strnlen(name, sizeof d->name - 1);
        memcpy(d->name, name, n);
    }
    return true;
}

/* The weekday whose hours a 调休 working day works: the first with hours. */
static int workday_pattern(const od_calendar *c)
{
    for (int w = 0; w < 7; w++)
        if (c->n_periods[w] > 0)
            return w;
    return 0;
}

static const od_cal_period full_day = {0, 1440};

int od_cal_day_periods(const od_calendar *c, int32_t day, const od_cal_period **out)
{
    if (c->always) {
        *out = &full_day;
        return 1;
    }
    const od_cal_day *s = find_day(c, day);
    int w = od_cal_weekday(day);
    if (s && s->type == OD_CAL_HOLIDAY) {
        *out = NULL;
        return 0;
    }
    if (s && s->type == OD_CAL_WORKDAY)
        w = workday_pattern(c);
    *out = c->week[w];
    return c->n_periods[w];
}

int64_t od_cal_day_ms(const od_calendar *c)
{
    if (c->always)
        return OD_DAY_MS;
    int w = workday_pattern(c);
    int64_t ms = 0;
    for (int i = 0; i < c->n_periods[w]; i++)
        ms += (int64_t)(c->week[w][i].end_min - c->week[w][i].start_min) * MIN_MS;
    return ms;
}

static int64_t off_ms(const od_calendar *c)
{
    return (int64_t)c->utc_offset_min * MIN_MS;
}

bool od_cal_is_working(const od_calendar *c, int64_t t)
{
    if (c->always)
        return true;
    int64_t local = t + off_ms(c);
    int32_t day = (int32_t)floor_div(local, OD_DAY_MS);
    int64_t min_ms = local - (int64_t)day * OD_DAY_MS;
    const od_cal_period *p;
    int n = od_cal_day_periods(c, day, &p);
    for (int i = 0; i < n; i++)
        if (min_ms >= p[i].start_min * MIN_MS && min_ms < p[i].end_min * MIN_MS)
            return true;
    return false;
}

int64_t od_cal_add(const od_calendar *c, int64_t t, int64_t work_ms)
{
    if (work_ms <= 0)
        return t;
    if (c->always)
        return add_sat(t, work_ms);
    if (t > INT64_MAX / 2 || t < INT64_MIN / 2)
        return OD_NO_TIME;
    int64_t remaining = work_ms;
    int32_t day0 = (int32_t)floor_div(t + off_ms(c), OD_DAY_MS);
    for (int32_t i = 0; i < OD_CAL_SCAN_DAYS; i++) {
        int32_t day = day0 + i;
        int64_t base = (int64_t)day * OD_DAY_MS - off_ms(c); /* local midnight, UTC */
        const od_cal_period *p;
        int n = od_cal_day_periods(c, day, &p);
        for (int k = 0; k < n; k++) {
            int64_t ps = base + p[k].start_min * MIN_MS, pe = base + p[k].end_min * MIN_MS;
            if (pe <= t)
                continue;
            int64_t s = ps > t ? ps : t;
            if (remaining <= pe - s)
                return s + remaining;
            remaining -= pe - s;
        }
    }
    return OD_NO_TIME;
}

int64_t od_cal_between(const od_calendar *c, int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    if (c->always)
        return b - a;
    if (a < INT64_MIN / 2 || b > INT64_MAX / 2)
        return 0;
    int32_t d0 = (int32_t)floor_div(a + off_ms(c), OD_DAY_MS);
    int32_t d1 = (int32_t)floor_div(b + off_ms(c), OD_DAY_MS);
    int64_t sum = 0;
    for (int32_t day = d0; day <= d1; day++) {
        int64_t base = (int64_t)day * OD_DAY_MS - off_ms(c);
        const od_cal_period *p;
        int n = od_cal_day_periods(c, day, &p);
        for (int k = 0; k < n; k++) {
            int64_t s = base + p[k].start_min * MIN_MS, e = base + p[k].end_min * MIN_MS;
            if (s < a)
                s = a;
            if (e > b)
                e = b;
            if (e > s)
                sum += e - s;
        }
    }
    return sum;
}

int64_t od_cal_add_days(const od_calendar *c, int64_t t, int n)
{
    int64_t day = od_cal_day_ms(c);
    if (n <= 0)
        return t;
    if (day == 0)
        return OD_NO_TIME;
    return od_cal_add(c, t, (int64_t)n * day);
}

bool od_cal_year_loaded(const od_calendar *c, int year)
{
    for (size_t i = 0; i < c->n_years; i++)
        if (c->years[i] == year)
            return true;
    return false;
}

od_cal_coverage od_cal_coverage_at(const od_calendar *c, int64_t now, int *days_left)
{
    if (days_left)
        *days_left = 0;
    if (c->always)
        return OD_CAL_COVERED;
    int32_t today = (int32_t)floor_div(now + off_ms(c), OD_DAY_MS);
    int y, m, d;
    od_cal_civil_from_days(today, &y, &m, &d);
    if (!od_cal_year_loaded(c, y))
        return OD_CAL_NOT_LOADED;
    int last = y;
    while (od_cal_year_loaded(c, last + 1))
        last++;
    int left = od_cal_days_from_civil(last + 1, 1, 1) - today;
    if (days_left)
        *days_left = left;
    return left <= OD_CAL_WARN_DAYS ? OD_CAL_ENDING_SOON : OD_CAL_COVERED;
}
