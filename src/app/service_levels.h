/* service_levels.h — service levels as use cases (R-SLA-1, R-SLA-2, R-SLA-5;
 * research/modules-spec.md §M4): services with an availability target, the
 * outage (impact) intervals of incidents or entered by hand, their audited
 * corrections and approval, and the figures of a period computed by
 * core/service_level.h.  One transaction per call; every write is audited. */
#ifndef OD_APP_SERVICE_LEVELS_H
#define OD_APP_SERVICE_LEVELS_H

#include "app/app.h"

#include <jansson.h>

#define OD_SLA_SERVICES_MAX 500     /* services listed and figured */
#define OD_SLA_INTERVALS_MAX 20000  /* outage intervals in one period */
#define OD_SLA_INCIDENTS_MAX 100000 /* incidents in one period */
#define OD_SLA_PERIOD_MAX_MS (366LL * 24 * 3600 * 1000 * 2)

/* Services.  body: {key, name, ci_id?, availability_target? ("99.5%"),
 * platform_member? (true)}.  *out: the service. */
OD_NODISCARD od_err od_service_create(od_app *a, const od_principal *who, json_t *body, json_t **out,
                                      od_error *e);
/* *out: {items:[service…], total, limit, offset}, by id. */
OD_NODISCARD od_err od_service_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e);

/* A new interval.  incident_id > 0: of that incident (source "incident"),
 * else entered by hand (source "manual", counted once approved).  body:
 * {service (key), kind (unplanned|planned|degraded), starts_at, ends_at?,
 * window_id? (planned: the approved maintenance window), note?}. */
OD_NODISCARD od_err od_outage_add(od_app *a, const od_principal *who, int64_t incident_id, json_t *body,
                                  json_t **out, od_error *e);
/* An incident's intervals by start: {items:[interval…], total, limit,
 * offset, impact_ms} where impact_ms is the business-impact duration
 * (R-NOT-2): the length of the union of its closed intervals (the first 256). */
OD_NODISCARD od_err od_outage_of_incident(od_app *a, const od_principal *who, int64_t incident_id,
                                          int64_t limit, int64_t offset, json_t **out, od_error *e);
/* One interval with its corrections. */
OD_NODISCARD od_err od_outage_get(od_app *a, int64_t id, json_t **out, od_error *e);
/* The one way to change an interval's times: body {starts_at?, ends_at?,
 * reason} (reason required); each changed field is kept with its reason
 * and the change is audited. */
OD_NODISCARD od_err od_outage_correct(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                      json_t **out, od_error *e);
/* Approves a manual interval; the approver may not be its author. */
OD_NODISCARD od_err od_outage_approve(od_app *a, const od_principal *who, int64_t id, json_t **out,
                                      od_error *e);

/* The one way to change an incident's detected_at or registered_at (the
 * times service levels are measured from, modules-spec §M4.3): body
 * {field: "detected_at"|"registered_at", value, reason}; not in the future,
 * detection not after registration; audited (incident.correct_time, with
 * the reason).  The incident's deadlines are not recomputed.  *out:
 * {id, field, old, new, reason}. */
OD_NODISCARD od_err od_incident_correct_time(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                             json_t **out, od_error *e);

/* od_outage_add, od_outage_correct and od_incident_correct_time inside a
 * transaction the caller began (the incident group commit,
 * app/incident_group.h): nothing committed or rolled back here; on error
 * *out is NULL and the caller undoes what was written. */
OD_NODISCARD od_err od_outage_add_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id,
                                     json_t *body, json_t **out, od_error *e);
OD_NODISCARD od_err od_outage_correct_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                         json_t *body, json_t **out, od_error *e);
OD_NODISCARD od_err od_incident_correct_time_in(od_app *a, od_tx *tx, const od_principal *who, int64_t id,
                                                json_t *body, json_t **out, od_error *e);

/* Inside the incident's resolution: OD_E_UNPROCESSABLE when the incident
 * affected a service (one of its CIs is a service's CI) and has no impact
 * interval. */
OD_NODISCARD od_err od_sla_check_resolution(od_tx *tx, int64_t incident_id, od_error *e);
/* The business-impact duration of an incident (R-NOT-2, R-SLA-5): the length
 * of the union of its closed impact intervals; *closed = how many there are
 * (0: none, the final report's business_impact_minutes stays typed). */
OD_NODISCARD od_err od_sla_incident_impact(od_tx *tx, int64_t incident_id, int64_t *impact_ms,
                                           int64_t *closed, od_error *e);

typedef struct od_sla_query {
    int64_t from, to;    /* [from, to) */
    const char *service; /* a service key, or NULL for every service */
} od_sla_query;
/* The figures of [from, to) (docs/service-levels.md has the shape). */
OD_NODISCARD od_err od_service_levels(od_app *a, const od_principal *who, const od_sla_query *q, json_t **out,
                                      od_error *e);

/* Budget alerts (modules-spec §M4.4): the platform's downtime so far in the
 * current Beijing-time month against the month's budget; below the policy's
 * sla.budget_alert_below share left, the ops department heads are told;
 * once the budget is spent, the ops leaders too.  Each alert goes out once a
 * month (the outbox cause names the month).  *queued (may be NULL) = outbox
 * rows written. */
OD_NODISCARD od_err od_sla_budget_alerts(od_app *a, int64_t now, size_t *queued, od_error *e);

#endif
