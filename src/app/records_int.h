/* records_int.h — private to the record registry's use cases (records.c,
 * records_links.c, committees.c): the loaded record and shared helpers.
 * Every function runs inside the caller's transaction.  Nothing here is for
 * other modules (they use records.h). */
#ifndef OD_APP_RECORDS_INT_H
#define OD_APP_RECORDS_INT_H

#include "app/records.h"
#include "core/record_kind.h"
#include "util/join.h"

/* A record as loaded by od_rec_load. */
typedef struct od_rec {
    json_t *o; /* the API's view of the record (owned) */
    int64_t id, version, incident_id;
    int kind; /* od_rkind, -1 for a kind no longer known */
    char number[OD_RECORD_NUMBER_MAX];
    char state[64];
} od_rec;

/* Loads record id; OD_E_NOT_FOUND when missing or out of who's scope (who
 * NULL = no scope check).  Free with od_rec_free. */
OD_NODISCARD od_err od_rec_load(od_tx *tx, const od_principal *who, int64_t id, od_rec *x, od_error *e);
void od_rec_free(od_rec *x);
/* OD_OK if rec (a record's JSON) is of kind, else OD_E_NOT_FOUND naming
 * record id by the module's names (what_zh, what_en). */
OD_NODISCARD od_err od_rec_must_be(json_t *rec, int64_t id, const char *kind, const char *what_zh,
                                   const char *what_en, od_error *e);
/* A module's GET: record id of kind for who, in one read transaction, with
 * its typed part added by decorate(tx, record JSON, now). */
typedef od_err (*od_rec_decorate)(od_tx *tx, json_t *rec, int64_t now, od_error *e);
OD_NODISCARD od_err od_rec_get_typed(od_app *a, const od_principal *who, int64_t id, const char *kind,
                                     const char *what_zh, const char *what_en, od_rec_decorate decorate,
                                     json_t **out, od_error *e);
/* A typed field's lists (at most 64 items), 422 naming key otherwise:
 * non-empty strings of at most 64 bytes, or positive ids (what_zh /
 * what_en name them, e.g. "用户编号" / "user ids"). */
OD_NODISCARD od_err od_rec_check_strs(const char *key, const json_t *v, od_error *e);
OD_NODISCARD od_err od_rec_check_ids(const char *key, const json_t *v, const char *what_zh,
                                     const char *what_en, od_error *e);
/* A module's list: od_record_list of kind for who, each item with its typed
 * part added by decorate, read in one read transaction. */
OD_NODISCARD od_err od_rec_list_typed(od_app *a, const od_principal *who, const od_record_query *q,
                                      const char *kind, od_rec_decorate decorate, json_t **out, od_error *e);
/* Begins a write transaction and loads record id for who (od_rec_load); on
 * an error nothing is left open. */
OD_NODISCARD od_err od_rec_begin(od_app *a, const od_principal *who, int64_t id, od_tx **tx, od_rec *x,
                                 od_error *e);
/* Commits on !rc, else rolls back; on any error *out (when out) is freed and NULL. */
OD_NODISCARD od_err od_rec_commit(od_tx *tx, od_err rc, json_t **out, od_error *e);
/* RFC 3339 or null (0). */
json_t *od_rec_time(int64_t ms);
/* An integer column or null. */
json_t *od_rec_int_col(od_rows *r, int col);

/* A link from record x (od_record_link_add's rules) inside tx; reverse_ok:
 * when the kind does not join x to the other record but joins the other
 * record to x (an incident caused_by this problem), the link is made that
 * way.  Timeline entries on both records and an audit entry.  *out (may be
 * NULL) = the link. */
OD_NODISCARD od_err od_rec_link_in(od_tx *tx, const od_principal *who, const od_rec *x,
                                   const od_link_input *in, bool reverse_ok, int64_t now, json_t **out,
                                   od_error *e);

/* A read view of record id for who (in scope, else OD_E_NOT_FOUND), in one
 * read transaction: fn fills every item (a record's own rows, few), and
 * *out is the page pg of them in the list envelope (app/list.h). */
typedef od_err (*od_rec_view_fn)(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e);
OD_NODISCARD od_err od_rec_view(od_app *a, const od_principal *who, int64_t id, od_rec_view_fn fn,
                                const od_record_page *pg, json_t **out, od_error *e);

#endif
