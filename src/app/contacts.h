/* contacts.h — the reporting desks' owners (seed 000 ch. 7 §2.1 item 3:
 * 接口负责人) and the vendor and key-customer contacts (ch. 9 §4: 厂商、
 * 重要客户的重要联系方式), kept per CI or service.  One transaction each,
 * audited.  docs/contacts.md. */
#ifndef OD_APP_CONTACTS_H
#define OD_APP_CONTACTS_H

#include "app/app.h"

#include <jansson.h>

/* The policy's desks, each with its owner (or null) and the flags
 * owner_missing / owner_unreachable (no mobile). */
OD_NODISCARD od_err od_desk_list(od_app *a, const od_principal *who, int64_t limit, int64_t offset,
                                 json_t **out, od_error *e);
/* Sets (user_id > 0) or clears (0) the owner of desk `key`: an enabled
 * account that may report incidents.  Answers the desk. */
OD_NODISCARD od_err od_desk_owner_set(od_app *a, const od_principal *who, const char *key, int64_t user_id,
                                      json_t **out, od_error *e);

/* Contacts: ci_id 0 = any, kind NULL/"" = any. */
OD_NODISCARD od_err od_contact_list(od_app *a, const od_principal *who, int64_t ci_id, const char *kind,
                                    int64_t limit, int64_t offset, json_t **out, od_error *e);
OD_NODISCARD od_err od_contact_create(od_app *a, const od_principal *who, json_t *body, json_t **out,
                                      od_error *e);
OD_NODISCARD od_err od_contact_patch(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                     json_t **out, od_error *e);
OD_NODISCARD od_err od_contact_delete(od_app *a, const od_principal *who, int64_t id, od_error *e);

/* Seed 000 ch. 9 §4, inside the caller's transaction: the incident
 * `incident_id` now touches more (an impact interval put a service in it);
 * once its first report is out, the contacts it reaches and that were not
 * told yet are told, from the system desk.  Before the first report: nothing
 * (they are told with it). */
OD_NODISCARD od_err od_incident_contacts_recheck(od_tx *tx, const od_policy *p, int64_t incident_id,
                                                 int64_t now, od_error *e);

#endif
