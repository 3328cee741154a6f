/* calendar.h — working-time calendars for clocks (modules-spec §1.4):
 * 24x7, or weekly working hours (up to OD_CAL_PERIODS_MAX periods a day,
 * e.g. 09:00–12:00 and 13:30–17:30) with a list of public holidays and
 * 调休 make-up working days imported per year.  Pure: no I/O, no clock, no
 * allocation; a calendar is a plain value the policy owns.
 *
 * Time zone: a fixed offset from UTC in minutes (Asia/Shanghai = +480).
 * China has had no daylight saving time since 1991, so a fixed offset is
 * exact for the calendars this serves; a zone with DST needs one calendar
 * per offset period (not supported).
 *
 * A 调休 working day (type OD_CAL_WORKDAY) works the hours of the first
 * weekday that has working hours (Monday for the business calendar); a
 * holiday has no working hours whatever its weekday.
 *
 * Limits: OD_CAL_DAYS_MAX special days, OD_CAL_YEARS_MAX loaded years.  A
 * computation walks at most OD_CAL_SCAN_DAYS days; a calendar without any
 * working time in that span returns OD_NO_TIME. */
#ifndef OD_CORE_CALENDAR_H
#define OD_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"

#define OD_CAL_PERIODS_MAX 4
#define OD_CAL_DAYS_MAX 160
#define OD_CAL_YEARS_MAX 8
#define OD_CAL_SCAN_DAYS (366 * 3)
#define OD_CAL_WARN_DAYS 60 /* warn this many days before the last loaded year ends */
#define OD_DAY_MS (24LL * 3600 * 1000)
#ifndef OD_NO_TIME
#define OD_NO_TIME INT64_MAX
#endif

typedef enum od_cal_day_type { OD_CAL_HOLIDAY = 0, OD_CAL_WORKDAY } od_cal_day_type;

/* A working period inside one local day, in minutes since local midnight:
 * [start_min, end_min), 0 <= start < end <= 1440. */
typedef struct od_cal_period {
    int start_min, end_min;
} od_cal_period;

typedef struct od_cal_day {
    int32_t day; /* local days since 1970-01-01 (od_cal_days_from_civil) */
    od_cal_day_type type;
    char name[64]; /* 春节 … ("" if none) */
} od_cal_day;

typedef struct od_calendar {
    char key[OD_KEY_MAX];
    char name_zh[OD_NAME_MAX], name_en[OD_NAME_MAX];
    bool always; /* 24x7: every instant is working time; the rest is ignored */
    int utc_offset_min;
    od_cal_period week[7][OD_CAL_PERIODS_MAX]; /* [0] = Monday … [6] = Sunday */
    int n_periods[7];
    od_cal_day days[OD_CAL_DAYS_MAX]; /* sorted by day, unique */
    size_t n_days;
    int years[OD_CAL_YEARS_MAX]; /* years whose holiday list is loaded */
    size_t n_years;
    int line; /* in the policy file, for messages */
} od_calendar;

/* The built-in 24x7 calendar (key "24x7"). */
void od_cal_init_24x7(od_calendar *c);

/* Civil date <-> days since 1970-01-01 (proleptic Gregorian). */
int32_t od_cal_days_from_civil(int y, int m, int d);
void od_cal_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Weekday of a day number: 0 = Monday … 6 = Sunday. */
int od_cal_weekday(int32_t day);

/* Adds a special day, keeping days sorted; replaces the type and name of
 * a day already listed.  Returns false when the list is full. */
bool od_cal_add_day(od_calendar *c, int32_t day, od_cal_day_type type, const char *name);
/* The working periods of local day `day` (holidays and 调休 applied). */
int od_cal_day_periods(const od_calendar *c, int32_t day, const od_cal_period **out);
/* Working ms of a normal working day: the hours of the first weekday with
 * working hours (510 min = 30 600 000 ms for 09:00–17:30); 24 h for 24x7;
 * 0 when the week has no working hours. */
int64_t od_cal_day_ms(const od_calendar *c);

/* Whether instant t is working time. */
bool od_cal_is_working(const od_calendar *c, int64_t t);
/* The instant at which `work_ms` of working time have passed since t.
 * A start outside working time counts from the next working period;
 * work_ms = 0 returns t itself.  Ends exactly at a period's end when the
 * amount fills it (Fri 18:00 + 510 min with 09:00–17:30 = next working
 * day 17:30).  OD_NO_TIME when there is not enough working time within
 * OD_CAL_SCAN_DAYS, or on overflow; work_ms < 0 is treated as 0. */
int64_t od_cal_add(const od_calendar *c, int64_t t, int64_t work_ms);
/* Working ms in [a, b); 0 when b <= a. */
int64_t od_cal_between(const od_calendar *c, int64_t a, int64_t b);
/* od_cal_add(t, n × od_cal_day_ms()): "N business days". */
int64_t od_cal_add_days(const od_calendar *c, int64_t t, int n);

/* Holiday lists: whether `year` is loaded, and the warning to show at now. */
bool od_cal_year_loaded(const od_calendar *c, int year);
typedef enum od_cal_coverage {
    OD_CAL_COVERED = 0, /* this year loaded, and the next or > 60 days left */
    OD_CAL_ENDING_SOON, /* within OD_CAL_WARN_DAYS of the end of the last loaded year */
    OD_CAL_NOT_LOADED   /* the current year has no list */
} od_cal_coverage;
/* A 24x7 calendar is always OD_CAL_COVERED (it needs no list).  The
 * warning starts OD_CAL_WARN_DAYS (60) days before the end of the last
 * loaded year of a run of consecutive years starting with now's local
 * year: with 2026 loaded, from 2026-11-02 00:00 local (60 days left).
 * *days_left (may be NULL) gets the days until that year's end. */
od_cal_coverage od_cal_coverage_at(const od_calendar *c, int64_t now, int *days_left);

#endif
