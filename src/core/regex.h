/* regex.h — the regular expressions of label matchers: RE2 (Debian
 * libre2), whose matching time is linear in the subject and whose compiled
 * size is bounded (bench/results.md "Window matchers": POSIX regcomp took
 * seconds and hundreds of MB on nested counted repetition).  Syntax is RE2's,
 * the one Alertmanager (Go regexp) uses.  A compiled regex is immutable and
 * reference-counted: matchers that share one (the compiled-window cache and
 * the ingestion batch that copied its matchers) each hold a reference.
 * Thread-safe: matching and ref/unref may run on any thread. */
#ifndef OD_REGEX_H
#define OD_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct od_regex od_regex;

/* Compiled program memory a pattern may take; a pattern over it is refused. */
#define OD_REGEX_MAX_MEM (1 << 20)

/* Compiles `pattern` (RE2 syntax, matched against the whole subject).
 * NULL on error, with a short English reason in err (RE2's words) — a
 * syntax error, a counted repetition over 1000 (nested ones multiply), or a
 * program over OD_REGEX_MAX_MEM — or "out of memory". */
od_regex *od_regex_new(const char *pattern, char *err, size_t errlen);
/* A new reference to r (r may be NULL). */
od_regex *od_regex_ref(od_regex *r);
/* Drops a reference (NULL-safe); the last one frees. */
void od_regex_unref(od_regex *r);
/* True when the whole of s matches (^(?:pattern)$). */
bool od_regex_full_match(const od_regex *r, const char *s);

#ifdef __cplusplus
}
#endif

#endif
