/* demo.h — the demo dataset of `opsdesk init --demo` (demo.c): people, a
 * graded CMDB with dependencies and a month of incidents, put in through
 * the real use cases.  Not for a production database. */
#ifndef OD_APP_DEMO_H
#define OD_APP_DEMO_H

#include "app/app.h"

/* Seeds the demo into a database holding only the three administrators
 * (OD_E_CONFLICT otherwise); every demo account gets `password`.  Walks
 * a->clock (made manual) from 30 days ago to now: call it on one thread,
 * before anything serves, and free the app afterwards. */
OD_NODISCARD od_err od_app_demo_seed(od_app *a, const char *password, od_error *e);

#endif
