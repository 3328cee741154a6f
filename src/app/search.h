/* search.h — the one full-text search of opsdesk's libraries, shared by
 * the known-error database and the case library (research/modules-spec.md
 * §M2.8, R-PIR-2): documents (source, ref_id, body) in search_docs, found
 * by the plan core/known_error.h od_search_plan makes of a query — every
 * term of 3 characters or more a substring, by the trigram index (SQLite
 * FTS5 trigram; PostgreSQL pg_trgm), else the whole query one substring by
 * a scan.  Chinese without spaces matches substrings alike.  Runs inside
 * the caller's transaction. */
#ifndef OD_APP_SEARCH_H
#define OD_APP_SEARCH_H

#include "app/app.h"

#define OD_SEARCH_SOURCE_KE "known_error"
#define OD_SEARCH_SOURCE_CASE "case"

/* The documents of one source that match a query, by ref_id ascending. */
typedef struct od_search_hits {
    int64_t *ids;
    char **snippets; /* each around the first term found */
    size_t n;
    bool all; /* the query was empty: every document matches (ids empty) */
} od_search_hits;

/* Replaces the document (source, ref_id) by body. */
OD_NODISCARD od_err od_search_index(od_tx *tx, const char *source, int64_t ref_id, const char *body,
                                    od_error *e);
/* Runs query q over source; OD_E_INVALID (field "q") on a query
 * od_search_plan refuses.  Free with od_search_hits_free. */
OD_NODISCARD od_err od_search_run(od_tx *tx, const char *source, const char *q, od_search_hits *out,
                                  od_error *e);
/* Whether id is a hit (always, for an empty query); *snippet (may be NULL)
 * is then its snippet ("" for an empty query), borrowed. */
bool od_search_hit(const od_search_hits *h, int64_t id, const char **snippet);
void od_search_hits_free(od_search_hits *h);

#endif
