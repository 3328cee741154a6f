/* demo_events.h — the monitoring events of `opsdesk init --demo`
 * (demo_events.c): a day of Alertmanager alerts and Zabbix problems on the
 * demo CMDB, through the real parsers and the event pipeline. */
#ifndef OD_INGEST_DEMO_EVENTS_H
#define OD_INGEST_DEMO_EVENTS_H

#include "app/app.h"

/* Ingests the demo's events over the 24 hours before `now` (a->clock must
 * be manual: od_app_demo_seed leaves it so), then sets the clock to now.
 * Run once, on one thread, after od_app_demo_seed. */
OD_NODISCARD od_err od_ingest_demo_events(od_app *a, int64_t now, od_error *e);

#endif
