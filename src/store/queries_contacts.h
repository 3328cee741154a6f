/* queries_contacts.h — the statements of the reporting desks' owners and of
 * the vendor and key-customer contacts (migration 0032; src/app/desks.c,
 * src/app/contacts.c).  Contact columns, in order (CONTACT_GET,
 * CONTACT_LIST, CONTACT_OF_INC): id, kind, name, organisation, phone, email,
 * ci_id, ci name, service, levels, note, verified_at, created_at,
 * updated_at.  Portable SQL: both backends run them as written. */
#ifndef OD_QUERIES_CONTACTS_H
#define OD_QUERIES_CONTACTS_H

#define OD_QUERY_LIST_CONTACTS(X)                                                                            \
    /* desk owners: desk, user id, username, display name, phone, disabled, set_by, set_at */                \
    X(DESK_OWNER_LIST, "SELECT d.desk, d.user_id, u.username, u.display_name, u.phone, u.disabled, "         \
                       "d.set_by, d.set_at FROM desk_owners d JOIN users u ON u.id = d.user_id "             \
                       "ORDER BY d.desk")                                                                    \
    X(DESK_OWNER_PUT, "INSERT INTO desk_owners(desk, user_id, set_by, set_at) VALUES(?,?,?,?) "              \
                      "ON CONFLICT(desk) DO UPDATE SET user_id = excluded.user_id, "                         \
                      "set_by = excluded.set_by, set_at = excluded.set_at")                                  \
    X(DESK_OWNER_DELETE, "DELETE FROM desk_owners WHERE desk = ?")                                           \
    X(CONTACT_INSERT, "INSERT INTO contacts(kind, name, organisation, phone, email, ci_id, service, "        \
                      "levels, note, verified_at, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")  \
    X(CONTACT_UPDATE, "UPDATE contacts SET kind = ?, name = ?, organisation = ?, phone = ?, email = ?, "     \
                      "ci_id = ?, service = ?, levels = ?, note = ?, verified_at = ?, updated_at = ? "       \
                      "WHERE id = ?")                                                                        \
    X(CONTACT_DELETE, "DELETE FROM contacts WHERE id = ?")                                                   \
    X(CONTACT_GET, "SELECT c.id, c.kind, c.name, c.organisation, c.phone, c.email, c.ci_id, ci.name, "       \
                   "c.service, c.levels, c.note, c.verified_at, c.created_at, c.updated_at FROM contacts c " \
                   "LEFT JOIN cis ci ON ci.id = c.ci_id "                                                    \
                   "WHERE c.id = ?")                                                                         \
    /* binds: ci_id, ci_id (0 = any), kind, kind ('' = any) */                                               \
    X(CONTACT_LIST, "SELECT c.id, c.kind, c.name, c.organisation, c.phone, c.email, c.ci_id, ci.name, "      \
                    "c.service, c.levels, c.note, c.verified_at, c.created_at, c.updated_at FROM contacts "  \
                    "c LEFT JOIN cis ci ON ci.id = c.ci_id "                                                 \
                    "WHERE (? = 0 OR c.ci_id = ?) AND (? = '' OR c.kind = ?) ORDER BY c.kind, c.name, c.id") \
    /* the contacts of an incident's CIs */                                                                  \
    X(CONTACT_OF_INC, "SELECT c.id, c.kind, c.name, c.organisation, c.phone, c.email, c.ci_id, ci.name, "    \
                      "c.service, c.levels, c.note, c.verified_at, c.created_at, c.updated_at FROM "         \
                      "incident_cis ic JOIN contacts c ON c.ci_id = ic.ci_id "                               \
                      "JOIN cis ci ON ci.id = c.ci_id WHERE ic.incident_id = ? ORDER BY c.id")               \
    /* the contacts kept only per service (no CI) whose service, by key or                                   \
     * name, the incident touches: the service's CI is affected, or an                                       \
     * outage interval of the service is the incident's; column 7 is the                                     \
     * service (binds: incident id, incident id) */                                                          \
    X(CONTACT_OF_INC_SERVICES,                                                                               \
      "SELECT c.id, c.kind, c.name, c.organisation, c.phone, c.email, c.ci_id, c.service, c.service, "       \
      "c.levels, c.note, c.verified_at, c.created_at, c.updated_at FROM contacts c "                         \
      "WHERE c.ci_id IS NULL AND c.service <> '' AND EXISTS (SELECT 1 FROM services s "                      \
      "WHERE (s.key = c.service OR s.name = c.service) AND (s.ci_id IN (SELECT ic.ci_id FROM "               \
      "incident_cis ic WHERE ic.incident_id = ?) OR s.id IN (SELECT o.service_id FROM "                      \
      "outage_intervals o WHERE o.incident_id = ?))) ORDER BY c.id")                                         \
    X(CONTACT_CI_EXISTS, "SELECT COUNT(*) FROM cis WHERE id = ?")                                            \
    /* whether a contact was told already (its outbox rows, by cause) */                                     \
    X(CONTACT_TOLD, "SELECT COUNT(*) FROM outbox WHERE cause = ?")

#endif
