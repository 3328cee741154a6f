/* training.h — training records and readiness (培训与就绪;
 * research/modules-spec.md §M7, docs/plans.md "Training and readiness"):
 * one record per person per training (topic, hours, date, optionally the
 * emergency plan trained), and the readiness view computed from them and the
 * policy's `readiness:` section with the rules of core/readiness.h. */
#ifndef OD_APP_TRAINING_H
#define OD_APP_TRAINING_H

#include "app/app.h"

#include <jansson.h>
#include <stdint.h>

#define OD_TRAINING_TOPIC_MAX 200

typedef struct od_training_input {
    int64_t user_id;
    const char *topic;   /* 1..OD_TRAINING_TOPIC_MAX characters */
    double hours;        /* > 0, at most 24, rounded to the minute */
    const char *held_at; /* RFC 3339, not after now */
    int64_t plan_id;     /* 0 = none; else a record of kind plan */
} od_training_input;

/* Records a training (one transaction, audited "training.create").
 * 422 naming the field: unknown or disabled user, empty topic, hours out of
 * range, held_at unreadable or in the future, plan_id not a plan.
 * *out = the training. */
OD_NODISCARD od_err od_training_create(od_app *a, const od_principal *who, const od_training_input *in,
                                       json_t **out, od_error *e);
/* {items, total, limit, offset}: trainings (of user_id, 0 = everyone),
 * the most recent first. */
OD_NODISCARD od_err od_training_list(od_app *a, const od_principal *who, int64_t user_id, int64_t limit,
                                     int64_t offset, json_t **out, od_error *e);
/* The readiness at now: every key position of the policy with its
 * qualified people and whether it is a gap (fewer than min_qualified), the
 * gaps, and the enabled people whose training hours in the last twelve
 * months fall short of the annual hours.  A position with
 * certificate_required counts only holders with a valid certificate for it;
 * "expiring" lists the certificates expiring within 30 days; "plans" the
 * published emergency plans with their review and yearly drill
 * (app/drills.h od_plan_readiness_plans). */
OD_NODISCARD od_err od_readiness_get(od_app *a, const od_principal *who, json_t **out, od_error *e);

/* Hours per person in a calendar year (Beijing time, seed 004 §7.4.2):
 * {year, from, to, annual_hours, items, total, limit, offset}, items =
 * every enabled person (a scoped reader: of the departments in scope only),
 * by id: {user_id, username, display_name, department, hours, short_by,
 * met}; met = hours >= annual_hours.  year OD_TRAINING_YEAR_MIN..MAX, 0 =
 * the current year. */
#define OD_TRAINING_YEAR_MIN 2000
#define OD_TRAINING_YEAR_MAX 2999
OD_NODISCARD od_err od_training_hours(od_app *a, const od_principal *who, int year, int64_t limit,
                                      int64_t offset, json_t **out, od_error *e);

/* The duty roster at now: {at, positions: [{key, name_zh, name_en,
 * min_qualified, qualified, people, gap, below_two}], gaps}, the key
 * positions of od_readiness_get with the people qualified for them (same
 * rule: role + a training that counts, and a valid certificate where
 * required); below_two = fewer than OD_READINESS_MIN_QUALIFIED (seed 000
 * ch. 9). */
OD_NODISCARD od_err od_readiness_roster(od_app *a, const od_principal *who, json_t **out, od_error *e);
/* The same roster inside tx at instant at, over everyone (no department
 * scope): the O&M report's readiness section counts its positions below
 * two at the period's end (om_reports_readiness.c). */
OD_NODISCARD od_err od_readiness_roster_at(od_tx *tx, const od_policy *p, int64_t at, json_t **out,
                                           od_error *e);

/* ---- certificates (certificates.c; seed 004 §7.5.1) ---- */
#define OD_CERT_TEXT_MAX 200
typedef struct od_certificate_input {
    int64_t user_id;
    const char *position;   /* a key position of the policy's readiness section */
    const char *name;       /* 1..200 bytes */
    const char *issuer;     /* 0..200 bytes, NULL = "" */
    const char *number;     /* 0..200 bytes, NULL = "" */
    const char *issued_at;  /* RFC 3339, not after now */
    const char *expires_at; /* RFC 3339 after issued_at, NULL = no expiry */
} od_certificate_input;
/* Records a certificate (audited "certificate.create"); 422 naming the
 * field otherwise, nothing written.  *out = the certificate. */
OD_NODISCARD od_err od_certificate_create(od_app *a, const od_principal *who, const od_certificate_input *in,
                                          json_t **out, od_error *e);
/* {items, total, limit, offset}: certificates (of user_id, 0 = everyone), newest first. */
OD_NODISCARD od_err od_certificate_list(od_app *a, const od_principal *who, int64_t user_id, int64_t limit,
                                        int64_t offset, json_t **out, od_error *e);
/* Inside tx: *valid = {"<user_id>/<position>": true} for the certificates of
 * enabled users valid at now; *expiring = those expiring within
 * OD_CERT_EXPIRING_DAYS [{user_id, username, position, name, expires_at}]. */
OD_NODISCARD od_err od_certificates_current(od_tx *tx, int64_t now, json_t **valid, json_t **expiring,
                                            od_error *e);

/* The readiness view's department scope (readiness_scope.c; R-SEC-SYS-2):
 * *users = {"<user id>": true} for the people of the departments in a
 * scoped who's scope, NULL (everyone) for an unscoped one or the system.
 * Inside tx. */
OD_NODISCARD od_err od_readiness_scope_users(od_tx *tx, const od_principal *who, json_t **users, od_error *e);
/* Whether user_id is in users (NULL: everyone is). */
bool od_readiness_scope_has(const json_t *users, int64_t user_id);
/* Removes the elements of list (objects with a "user_id") not in users. */
void od_readiness_scope_filter(const json_t *users, json_t *list);

#endif
