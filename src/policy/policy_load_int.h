/* policy_load_int.h — private to the policy loader (src/policy/): the YAML
 * node tree, the diagnostics context and the typed getters every section
 * parser uses (policy_yaml.c).  The sections of the notification and event
 * issues live in policy_load_notify.c and policy_load_events.c;
 * policy_load.c has the incident-rule sections and the entry points.
 * Nothing here is for other modules. */
#ifndef OD_POLICY_LOAD_INT_H
#define OD_POLICY_LOAD_INT_H

#include "core/event.h"
#include "core/message.h"
#include "policy/policy_load.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NODE_MAX 100000  /* nodes in one file */
#define CATEGORY_MAX 256 /* categories in one policy */
#define FIELD_MAX 32     /* keys of the widest fixed mapping */
#define DURATION_MAX_MS (366LL * 24 * 3600 * 1000)
#define PATH_MAX_LEN 128

typedef enum nkind { N_SCALAR, N_SEQ, N_MAP } nkind;

/* A YAML node.  N_MAP keeps keys and values alternately in kids. */
typedef struct node {
    nkind kind;
    bool plain; /* scalar written without quotes (null-able) */
    bool block; /* scalar written as a | or > block (text starts on the next line) */
    int line, col;
    char *str; /* N_SCALAR: NUL-terminated, no embedded NUL */
    struct node **kids;
    size_t n, cap;
} node;

typedef struct ctx {
    od_policy_diags *d;
    bool nomem;
} ctx;

/* Fixed-key mapping: the keys a mapping may hold, and what it found. */
typedef struct fields {
    const char *what; /* "key", "grade", "severity", ... for messages */
    const char *names[FIELD_MAX];
    size_t n;
    const node *key[FIELD_MAX];
    const node *val[FIELD_MAX];
} fields;

#define KEYS_OF(f, what_, fn, count)                                                                         \
    do {                                                                                                     \
        (f).what = (what_);                                                                                  \
        (f).n = (count);                                                                                     \
        for (size_t i_ = 0; i_ < (count); i_++)                                                              \
            (f).names[i_] = fn((int)i_);                                                                     \
    } while (0)

typedef int (*parse_fn)(const char *);
typedef const char *(*key_fn)(int);

/* The tree (policy_yaml.c): built from len bytes at buf, NULL after a
 * finding (or out of memory: c->nomem); freed with od_pl_node_free. */
node *od_pl_build_tree(ctx *c, const char *buf, size_t len);
void od_pl_node_free(node *n);
/* The bytes of the file at path (what names it in findings: "policy"):
 * at most max + 1 bytes are read, so an oversized file is seen as such.
 * *buf is the caller's to free.  OD_E_IO or OD_E_NOMEM with one finding. */
od_err od_pl_read_file(ctx *c, const char *path, const char *what, size_t max, char **buf, size_t *len);
/* A plain scalar written as nothing, ~ or null. */
bool od_pl_is_null(const node *n);
/* User text s for a message: at most 40 bytes, cut on a UTF-8 boundary,
 * control characters shown as '?'.  Returns out. */
const char *od_pl_shown(const char *s, char out[64]);
/* A heap copy of a string value into *slot (replacing what was there). */
void od_pl_set_text(ctx *c, const node *n, const char *path, char **slot);

/* Reports a finding at line:col (1-based) and goes on. */
void od_pl_diag(ctx *c, int line, int col, const char *fmt, ...) OD_PRINTF(4, 5);
void od_pl_oom(ctx *c);
bool od_pl_want(ctx *c, const node *n, nkind kind, const char *path);
bool od_pl_map_fields(ctx *c, const node *m, const char *path, fields *f);
bool od_pl_require_all(ctx *c, const node *at, const char *path, const fields *f);
void od_pl_require_one(ctx *c, const node *at, const char *path, const fields *f, size_t j);
void od_pl_sub(char *out, const char *path, const char *key);
void od_pl_idx(char *out, const char *path, size_t i);
bool od_pl_get_str(ctx *c, const node *n, const char *path, size_t max, const char **out);
void od_pl_get_duration(ctx *c, const node *n, const char *path, bool allow_zero, int64_t *out);
void od_pl_get_int(ctx *c, const node *n, const char *path, int lo, int hi, int *out);
void od_pl_get_bool(ctx *c, const node *n, const char *path, bool *out);
const char *od_pl_grade_key_i(int i);
const char *od_pl_sev_key_i(int i);
const char *od_pl_resp_key_i(int i);
const char *od_pl_role_key_i(int i);
int od_pl_get_enum(ctx *c, const node *n, const char *path, const char *what, parse_fn parse, key_fn key,
                   int count);
bool od_pl_get_enum_set(ctx *c, const node *n, const char *path, const char *what, parse_fn parse, key_fn key,
                        int count, uint64_t *bits);
bool od_pl_valid_cat_key(const char *s);
void od_pl_copy_fixed(char *dst, size_t size, const char *s);

/* the sections in their own files */
void od_pl_load_templates(ctx *c, od_policy *pol, const node *v);
void od_pl_load_notify(ctx *c, od_policy *pol, const node *v);
void od_pl_load_events(ctx *c, od_policy *pol, const node *v);
void od_pl_load_sla(ctx *c, od_policy *pol, const node *v); /* policy_load_sla.c */
/* policy_load_reports.c: sla.reports, the O&M report definitions (core/report_def.h) */
void od_pl_load_reports(ctx *c, od_policy *pol, const node *v);
/* policy_load_duties.c: the `duties:` section (core/duties.h) */
void od_pl_load_duties(ctx *c, od_policy *pol, const node *v);
/* policy_load_readiness.c: the `readiness:` section (core/readiness.h) */
void od_pl_load_readiness(ctx *c, od_policy *pol, const node *v);
void od_pl_load_upkeep(ctx *c, od_policy *pol, const node *v);
/* policy_load_candidates.c: the `problem_candidates:` section (core/problem_rule.h) */
void od_pl_load_candidates(ctx *c, od_policy *pol, const node *v);

/* The workflow kernel's sections (policy_load_kernel.c), in the order of
 * od_kernel.sections' bits. */
enum {
    OD_PL_KSEC_CALENDARS = 0,
    OD_PL_KSEC_MATRICES,
    OD_PL_KSEC_APPROVALS,
    OD_PL_KSEC_CHECKLISTS,
    OD_PL_KSEC_WORKFLOWS,
    OD_PL_KSEC_CLOCKS,
    OD_PL_KSEC__COUNT
};
struct od_kernel;
struct od_calendar;
/* A kernel with only the built-in 24x7 calendar (NULL after out of memory). */
struct od_kernel *od_pl_kernel_new(ctx *c);
/* Loads the sections present (sec[i] may be NULL) onto pol->kernel. */
void od_pl_load_kernel(ctx *c, od_policy *pol, const node *const sec[OD_PL_KSEC__COUNT]);
/* The checks across sections (unknown states, unreachable states, …) on
 * a kernel complete in itself (the embedded default's), when nothing else
 * was found.  A file's kernel is checked in od_pl_merge_kernel. */
void od_pl_check_kernel(ctx *c, const od_policy *pol);
/* Fills the sections the file left out from d (the embedded default) and
 * checks the whole again; takes what it needs out of d. */
void od_pl_merge_kernel(ctx *c, od_policy *pol, od_policy *d);
/* A list of {date, to, type, name} special days into cal (days and years). */
void od_pl_load_days(ctx *c, struct od_calendar *cal, const node *v, const char *path);
/* "YYYY-MM-DD" → days since 1970-01-01 and the year. */
bool od_pl_parse_date(const char *s, int32_t *day, int *year);

#endif
