/* readiness.h — the rules of training and readiness (培训与岗位就绪;
 * research/modules-spec.md §M7, seed 000 ch. 9: two qualified people for
 * every key position; seed 004 §7.5.2: 48 training hours per person a
 * year).  A training counts for twelve calendar months (UTC) from its date:
 * from the instant itself until 1 ms before the same instant twelve months
 * later.  A person is qualified for a key position when they hold one of the
 * position's roles and have at least one training that counts now (the
 * "role + a training in 12 months" reading; docs/plans.md).  The annual
 * hours are the hours of the trainings that count now (a rolling twelve
 * months).  Pure: no I/O, no clock, no allocation. */
#ifndef OD_CORE_READINESS_H
#define OD_CORE_READINESS_H

#include "core/authz.h"

#include <stdbool.h>
#include <stdint.h>

/* How long a training counts, calendar months. */
#define OD_TRAINING_WINDOW_MONTHS 12
/* Seed 004 §7.5.2: hours of training per person a year. */
#define OD_READINESS_ANNUAL_HOURS 48
/* Seed 000 ch. 9: qualified people per key position. */
#define OD_READINESS_MIN_QUALIFIED 2
/* Bounds the policy accepts. */
#define OD_READINESS_ANNUAL_HOURS_MAX 2000
#define OD_READINESS_MIN_QUALIFIED_MAX 100
/* One training's length, minutes (more than a day is not one training). */
#define OD_TRAINING_MINUTES_MAX (24 * 60)

/* Whether a training held at `at` counts at `now`: at <= now and now is
 * before at + 12 calendar months. */
bool od_training_counts(int64_t at, int64_t now);

/* A lower bound on the dates of the trainings that count at now (now - 13
 * months): a store query may read from here and filter with
 * od_training_counts. */
int64_t od_training_window_floor(int64_t now);

/* Whether a person with `roles` whose latest training is at `last_at`
 * (0 = none) is qualified at now for a position open to `position_roles`. */
bool od_readiness_qualified(od_roleset roles, od_roleset position_roles, int64_t last_at, int64_t now);

/* Certificates (资质证书; seed 004 §7.5.1: name, issuer, number, valid
 * until): a certificate for a position is valid from its issue instant until
 * 1 ms before its expiry (at expires_at it no longer is); expires_at 0 =
 * no expiry. */
bool od_cert_valid(int64_t issued_at, int64_t expires_at, int64_t now);
/* Whether a valid certificate expires within `days` days of now (a warning:
 * modules-spec §M7.6, 30 days): valid now and expires_at - now <= days. */
bool od_cert_expiring(int64_t issued_at, int64_t expires_at, int64_t now, int days);
/* A position that requires a certificate: qualified (od_readiness_qualified)
 * and holding a valid certificate for it (has_valid_cert). */
bool od_readiness_qualified_cert(od_roleset roles, od_roleset position_roles, int64_t last_at,
                                 bool require_cert, bool has_valid_cert, int64_t now);
#define OD_CERT_EXPIRING_DAYS 30

/* Whether a position with n qualified people is a gap (n < min). */
bool od_readiness_gap(int64_t n_qualified, int min_qualified);

/* Whether `minutes` of training in the window fall short of `annual_hours`. */
bool od_readiness_hours_short(int64_t minutes, int annual_hours);

#endif
