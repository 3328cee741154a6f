/* cal_fixture.h — calendars shared by the kernel's unit tests: the
 * business calendar (Mon–Fri 09:00–17:30, UTC+8) with the 2026 holiday and
 * 调休 list of the State Council notice as policy/default.yaml carries it,
 * a two-period variant (09:00–12:00, 13:30–17:30), and local-time helpers. */
#ifndef TEST_CAL_FIXTURE_H
#define TEST_CAL_FIXTURE_H

#include "core/calendar.h"

#include <string.h>

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)

/* Local (UTC+8) wall time → UTC ms. */
static inline int64_t loc(int y, int mo, int d, int h, int mi)
{
    return (int64_t)od_cal_days_from_civil(y, mo, d) * OD_DAY_MS + (h * 60 + mi) * MIN_MS - 8 * HOUR_MS;
}

static inline void add_range(od_calendar *c, int y, int m, int d0, int d1, od_cal_day_type t)
{
    for (int d = d0; d <= d1; d++)
        od_cal_add_day(c, od_cal_days_from_civil(y, m, d), t, "");
}

static inline void cal_business(od_calendar *c, bool two_periods)
{
    memset(c, 0, sizeof *c);
    memcpy(c->key, "business", 9);
    c->utc_offset_min = 480;
    for (int w = 0; w < 5; w++) {
        if (two_periods) {
            c->week[w][0] = (od_cal_period){9 * 60, 12 * 60};
            c->week[w][1] = (od_cal_period){13 * 60 + 30, 17 * 60 + 30};
            c->n_periods[w] = 2;
        } else {
            c->week[w][0] = (od_cal_period){9 * 60, 17 * 60 + 30};
            c->n_periods[w] = 1;
        }
    }
    add_range(c, 2026, 1, 1, 3, OD_CAL_HOLIDAY);   /* 元旦 */
    add_range(c, 2026, 1, 4, 4, OD_CAL_WORKDAY);   /* Sunday */
    add_range(c, 2026, 2, 15, 23, OD_CAL_HOLIDAY); /* 春节 */
    add_range(c, 2026, 2, 14, 14, OD_CAL_WORKDAY); /* Saturday */
    add_range(c, 2026, 2, 28, 28, OD_CAL_WORKDAY); /* Saturday */
    add_range(c, 2026, 4, 4, 6, OD_CAL_HOLIDAY);   /* 清明 */
    add_range(c, 2026, 5, 1, 5, OD_CAL_HOLIDAY);   /* 劳动节 */
    add_range(c, 2026, 5, 9, 9, OD_CAL_WORKDAY);
    add_range(c, 2026, 6, 19, 19, OD_CAL_HOLIDAY); /* 端午 */
    add_range(c, 2026, 9, 25, 25, OD_CAL_HOLIDAY); /* 中秋 */
    add_range(c, 2026, 9, 20, 20, OD_CAL_WORKDAY);
    add_range(c, 2026, 10, 1, 7, OD_CAL_HOLIDAY); /* 国庆 */
    add_range(c, 2026, 10, 10, 10, OD_CAL_WORKDAY);
    c->years[c->n_years++] = 2026;
}

#endif
