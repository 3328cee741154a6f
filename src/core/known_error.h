/* known_error.h — the known-error database's rules (research/modules-spec.md
 * §M2.6, §M2.8, §M2.12), pure: a known error's match rules (the event
 * policy's matcher syntax, core/event.h, parsed by od_matcher_parse), whether
 * a known error matches an event or an incident, the plan of a full-text
 * query (trigram index or substring scan) and the snippet shown for a hit.
 * No I/O, no clock.  The only allocation is the matchers' (free with
 * od_ke_rules_cleanup). */
#ifndef OD_KNOWN_ERROR_H
#define OD_KNOWN_ERROR_H

#include "core/event.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OD_KE_RULES_MAX OD_EVT_MATCHERS_MAX /* rules of one known error */

/* A known error's match rules: every rule must hold (AND), as a rule's
 * `match:` list in the event policy. */
typedef struct od_ke_rules {
    od_matcher m[OD_KE_RULES_MAX];
    size_t n;
} od_ke_rules;

/* Parses texts[0..n) (`name=value`, `name!=value`, `name=~"re"`,
 * `name!~"re"`) into r.  More than OD_KE_RULES_MAX: OD_E_TOO_LARGE.  A
 * rule that does not parse: OD_E_UNPROCESSABLE with field
 * "match_rules[i]" (its position, from 0) and a message naming the rule's
 * number (from 1) and why; r is then empty.  On OD_OK free with
 * od_ke_rules_cleanup. */
OD_NODISCARD od_err od_ke_rules_parse(const char *const *texts, size_t n, od_ke_rules *r, od_error *e);
void od_ke_rules_cleanup(od_ke_rules *r); /* idempotent */

/* What a known error is matched on: its rules and its CIs. */
typedef struct od_ke_target {
    const od_ke_rules *rules; /* NULL = none */
    const int64_t *cis;       /* the known error's CIs */
    size_t n_cis;
} od_ke_target;

/* Whether the known error matches an event with labels ls and CI ci_id
 * (0 = none).  A known error with neither rules nor CIs matches nothing;
 * otherwise each part it has must hold: all rules match ls, and (with CIs)
 * the event's CI is one of them. */
bool od_ke_matches_event(const od_ke_target *k, const od_labels *ls, int64_t ci_id);
/* Whether it matches an incident: with rules, they match at least one of
 * the label sets sets[0..n_sets) (the labels of the incident's events and
 * the incident's own `title` / `symptoms`); with CIs, one of them is among
 * the incident's cis[0..n_cis).  Neither rules nor CIs: no match. */
bool od_ke_matches_incident(const od_ke_target *k, const od_labels *sets, size_t n_sets, const int64_t *cis,
                            size_t n_cis);

/* ---- full-text search (shared by known errors and the case library) ---- */

#define OD_SEARCH_MIN_CHARS 3   /* a trigram index finds terms of 3 characters or more */
#define OD_SEARCH_TERMS_MAX 8   /* terms of one query */
#define OD_SEARCH_QUERY_MAX 256 /* bytes of a query */
#define OD_SEARCH_EXPR_MAX 1100 /* bytes of an expression built from a query */

typedef enum od_search_mode {
    OD_SEARCH_ALL = 0, /* empty query: every document */
    OD_SEARCH_FTS,     /* every term >= 3 characters: each term a substring, by the index */
    OD_SEARCH_LIKE     /* a term shorter than 3 characters: the whole query one substring, by a scan */
} od_search_mode;

/* The plan of query q (UTF-8): terms are split at spaces (ASCII and the
 * ideographic space U+3000).  When every term has at least
 * OD_SEARCH_MIN_CHARS characters, mode FTS and expr the FTS5 expression of
 * the terms, each in double quotes (a quote doubled): a document matches
 * when it holds every term as a substring, any ASCII case.  Otherwise mode
 * LIKE and expr the trimmed query: a document matches when it holds it as
 * one substring.  An empty (or blank) query is mode ALL.  Invalid UTF-8,
 * more than OD_SEARCH_QUERY_MAX bytes or OD_SEARCH_TERMS_MAX terms:
 * OD_E_INVALID (field "q"). */
OD_NODISCARD od_err od_search_plan(const char *q, od_search_mode *mode, char expr[OD_SEARCH_EXPR_MAX],
                                   od_error *e);

/* The snippet of body around the first term of q found (ASCII case
 * ignored): up to `ctx` characters on each side, "…" where cut, never
 * splitting a UTF-8 sequence; without a hit, body's first 2*ctx
 * characters.  Into out (n bytes, always terminated); returns out. */
char *od_search_snippet(const char *body, const char *q, size_t ctx, char *out, size_t n);

#endif
