/* policy_load.h — read a policy file (YAML, libyaml) into an od_policy.
 * The loader starts from od_policy_new_default() and overrides every
 * section the file names; then it fills in every notification setting the
 * file leaves out (templates, desks, delivery settings) from the embedded
 * policy/default.yaml, so a loaded policy is complete and nothing else has
 * to know the defaults.  It validates everything and reports every error
 * it finds (up to OD_POLICY_DIAG_MAX) with its 1-based line.  The schema is
 * documented in docs/policy.md.  No global state: safe from any thread, and
 * od_policy_load_buffer() is the fuzz entry point (it never crashes, never
 * leaks, and bounds input size, nesting depth and string length). */
#ifndef OD_POLICY_POLICY_LOAD_H
#define OD_POLICY_POLICY_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/policy.h"
#include "util/err.h"

#define OD_POLICY_DIAG_MAX 64
#define OD_POLICY_FILE_MAX (1024 * 1024) /* bytes */
#define OD_POLICY_DEPTH_MAX 32           /* nested collections */
#define OD_POLICY_STRING_MAX (8 * 1024)  /* bytes in one scalar */

/* One finding.  line/column are 1-based; 0 when no position applies (e.g.
 * the file could not be opened). */
typedef struct od_policy_diag {
    int line;
    int column;
    char message[512]; /* room for the longest "expected one of" list of keys */
} od_policy_diag;

/* The findings of one load: the first OD_POLICY_DIAG_MAX in items[0..n),
 * and how many were found in all (total >= n). */
typedef struct od_policy_diags {
    od_policy_diag items[OD_POLICY_DIAG_MAX];
    size_t n;
    size_t total;
} od_policy_diags;

/* Load and validate the policy file at path.  On success returns OD_OK and
 * *out owns a new policy (free with od_policy_free()).  On a validation
 * error returns OD_E_INVALID, sets *out = NULL and lists every error (up to
 * OD_POLICY_DIAG_MAX) in diags.  Returns OD_E_IO if the file cannot be read
 * and OD_E_NOMEM if memory runs out (both with one diag).  diags may be NULL
 * (the findings are then dropped); it is cleared first. */
OD_NODISCARD od_err od_policy_load_file(const char *path, od_policy **out, od_policy_diags *diags);

/* As od_policy_load_file(), and when sha256 is not NULL the SHA-256 of the
 * bytes read (whatever the outcome, once the file was read): the identity
 * of the policy recorded in the audit trail. */
OD_NODISCARD od_err od_policy_load_file_sha(const char *path, od_policy **out, od_policy_diags *diags,
                                            unsigned char sha256[32]);

/* As od_policy_load_file() on the len bytes at yaml (need not be
 * NUL-terminated).  Input longer than OD_POLICY_FILE_MAX is rejected. */
OD_NODISCARD od_err od_policy_load_buffer(const char *yaml, size_t len, od_policy **out,
                                          od_policy_diags *diags);

/* Writes the findings to f, one per line, as "path:line:column: message"
 * (path may be NULL), then "... and N more" if some were dropped. */
void od_policy_diags_print(FILE *f, const char *path, const od_policy_diags *diags);

/* Writes a summary of the workflow kernel sections (one line per
 * workflow) and a warning for every business calendar whose holiday list
 * does not cover now's year or ends within 60 days (modules-spec §1.4). */
void od_policy_kernel_print(FILE *f, const od_policy *p, int64_t now);
/* The O&M report definitions (sla.reports) as `opsdesk policy check` prints them. */
void od_policy_reports_print(FILE *f, const od_policy *p);

#endif
