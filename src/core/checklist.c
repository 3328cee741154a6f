/* checklist.c — verdicts and completeness of checklists (checklist.h).
 * Pure: no I/O, no clock, no allocation, no state. */
#include "core/checklist.h"

#include <string.h>

static const char *const type_keys[OD_CL__TYPES] = {"check", "number", "text", "choice", "evidence"};
static const char *const fail_keys[OD_CL_FAIL__COUNT] = {"none", "finding", "event", "incident", "problem"};

const char *od_cl_type_key(od_cl_type t)
{
    return (unsigned)t < OD_CL__TYPES ? type_keys[t] : "?";
}

int od_cl_type_parse(const char *s)
{
    for (int i = 0; i < OD_CL__TYPES; i++)
        if (s && strcmp(s, type_keys[i]) == 0)
            return i;
    return -1;
}

const char *od_cl_on_fail_key(od_cl_on_fail f)
{
    return (unsigned)f < OD_CL_FAIL__COUNT ? fail_keys[f] : "?";
}

int od_cl_on_fail_parse(const char *s)
{
    for (int i = 0; i < OD_CL_FAIL__COUNT; i++)
        if (s && strcmp(s, fail_keys[i]) == 0)
            return i;
    return -1;
}

od_cl_verdict od_cl_judge(const od_cl_item *it, const od_cl_result *r)
{
    switch (it->type) {
    case OD_CL_CHECK:
        return r->checked ? OD_CL_PASS : OD_CL_FAIL;
    case OD_CL_NUMBER:
        if (r->number != r->number) /* NaN */
            return OD_CL_FAIL;
        if ((it->has_min && r->number < it->min) || (it->has_max && r->number > it->max))
            return OD_CL_FAIL;
        return OD_CL_PASS;
    case OD_CL_TEXT:
        return r->text && r->text[0] ? OD_CL_PASS : OD_CL_FAIL;
    case OD_CL_CHOICE:
        for (size_t i = 0; r->text && i < it->n_options; i++)
            if (strcmp(r->text, it->options[i]) == 0)
                return (it->fail_on & (1u << i)) ? OD_CL_FAIL : OD_CL_PASS;
        return OD_CL_FAIL;
    case OD_CL_EVIDENCE:
        return r->evidence ? OD_CL_PASS : OD_CL_FAIL;
    default:
        return OD_CL_FAIL;
    }
}

static const od_cl_result *result_of(const od_cl_result *results, size_t n, const char *key)
{
    const od_cl_result *found = NULL; /* the latest result counts */
    for (size_t i = 0; i < n; i++)
        if (results[i].item && strcmp(results[i].item, key) == 0)
            found = &results[i];
    return found;
}

bool od_cl_complete(const od_cl_template *t, const od_cl_result *results, size_t n, const char **missing,
                    const char **why)
{
    for (size_t i = 0; i < t->n_items; i++) {
        const od_cl_item *it = &t->items[i];
        const od_cl_result *r = result_of(results, n, it->key);
        const char *w = NULL;
        if (!r && it->required)
            w = "required";
        else if (r && od_cl_judge(it, r) == OD_CL_FAIL && !r->finding)
            w = "finding";
        if (w) {
            if (missing)
                *missing = it->key;
            if (why)
                *why = w;
            return false;
        }
    }
    return true;
}
