/* checklist.h — checklist templates and results (modules-spec §1.6): an
 * item of type check, number{unit,min,max}, text, choice{options, fail_on}
 * or evidence passes or fails by its result, and checklist_complete holds
 * when every required item has a result and every failed item has a
 * finding or action recorded.  Templates are policy data (versioned);
 * results are what the app read from the checklist instance.  Pure: no
 * I/O, no clock, no allocation.  Limits: OD_CL_ITEMS_MAX items per
 * template, OD_CL_OPTIONS_MAX options per choice item. */
#ifndef OD_CORE_CHECKLIST_H
#define OD_CORE_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"

#define OD_CL_ITEMS_MAX 32
#define OD_CL_OPTIONS_MAX 8
#define OD_CL_TEMPLATES_MAX 16

typedef enum od_cl_type {
    OD_CL_CHECK = 0,
    OD_CL_NUMBER,
    OD_CL_TEXT,
    OD_CL_CHOICE,
    OD_CL_EVIDENCE,
    OD_CL__TYPES
} od_cl_type;
typedef enum od_cl_on_fail {
    OD_CL_FAIL_NONE = 0,
    OD_CL_FAIL_FINDING,
    OD_CL_FAIL_EVENT,
    OD_CL_FAIL_INCIDENT,
    OD_CL_FAIL_PROBLEM,
    OD_CL_FAIL__COUNT
} od_cl_on_fail;

const char *od_cl_type_key(od_cl_type t);
int od_cl_type_parse(const char *s);
const char *od_cl_on_fail_key(od_cl_on_fail f);
int od_cl_on_fail_parse(const char *s);

typedef struct od_cl_item {
    char key[OD_KEY_MAX];
    char text_zh[OD_NAME_MAX], text_en[OD_NAME_MAX];
    od_cl_type type;
    bool required;
    od_cl_on_fail on_fail;
    /* on_fail: {create: KIND, link: LINK}: a failure creates a record of
     * KIND through its workflow's create action, linked <checked record>
     * LINK <created record>; "" = none */
    char fail_create[OD_KEY_MAX], fail_link[OD_KEY_MAX];
    /* severity: the severity of the incident a failure opens (on_fail:
     * incident): od_severity + 1; 0 = not declared (the policy's lowest) */
    int fail_severity;
    char unit[16];
    bool has_min, has_max;
    double min, max;
    char options[OD_CL_OPTIONS_MAX][OD_KEY_MAX];
    size_t n_options;
    unsigned fail_on; /* bit i: options[i] is a failing answer */
} od_cl_item;

typedef struct od_cl_template {
    char key[OD_KEY_MAX];
    int version;
    char name_zh[OD_NAME_MAX], name_en[OD_NAME_MAX];
    od_cl_item items[OD_CL_ITEMS_MAX];
    size_t n_items;
    int line;
} od_cl_template;

/* One item's result, as recorded. */
typedef struct od_cl_result {
    const char *item; /* item key */
    bool checked;     /* check */
    double number;    /* number */
    const char *text; /* text, or the chosen option's key (choice) */
    bool evidence;    /* evidence: a file is attached */
    bool finding;     /* a finding / follow-up action is recorded for a failure */
} od_cl_result;

typedef enum od_cl_verdict { OD_CL_PASS = 0, OD_CL_FAIL } od_cl_verdict;

/* Pass or fail of one result against its item: check unchecked fails; a
 * number outside [min, max] (NaN included) fails; empty text fails; a
 * choice that is unknown or in fail_on fails; evidence missing fails. */
od_cl_verdict od_cl_judge(const od_cl_item *it, const od_cl_result *r);

/* Whether the results complete the template; when not, *missing (may be
 * NULL) names the first item to blame and *why is "required" (no result)
 * or "finding" (failed without a finding). */
bool od_cl_complete(const od_cl_template *t, const od_cl_result *results, size_t n, const char **missing,
                    const char **why);

#endif
