/* checklist_texts.c — a checklist's item texts with their placeholders
 * expanded when it opens (records_kernel.h od_rec_checklist_texts;
 * core/placeholder.h): from the record's view, its priority and its CIs'
 * names, kept on the instance as {item key: [zh, en]}. */
#include "app/records_kernel.h"
#include "core/placeholder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vars {
    const json_t *view;
    const char *priority;
    char ci_name[256], ci_names[1024];
} vars;

static const char *lookup(void *ctx, const char *name)
{
    vars *v = ctx;
    if (strcmp(name, "ci.name") == 0)
        return v->ci_name;
    if (strcmp(name, "ci.names") == 0)
        return v->ci_names;
    if (strcmp(name, "record.priority") == 0)
        return v->priority ? v->priority : "";
    if (strncmp(name, "record.", 7) == 0 && od_ph_known(name, strlen(name))) {
        const char *s = json_string_value(json_object_get(v->view, name + 7));
        return s ? s : "";
    }
    return NULL;
}

static bool has_placeholder(const od_cl_template *t)
{
    for (size_t i = 0; i < t->n_items; i++)
        if (strstr(t->items[i].text_zh, "{{") || strstr(t->items[i].text_en, "{{"))
            return true;
    return false;
}

/* The names of the record's CIs: the first, and all "、"-separated (cut
 * on a character boundary when long). */
static od_err ci_names(od_tx *tx, int64_t rec, vars *v, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    size_t k = 0;
    od_err rc = od_tx_query(tx, OD_Q_CKLT_CI_NAMES, &r, e, OD_BINDS(OD_INT(rec)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        const char *name = od_rows_text(r, 0);
        if (!v->ci_name[0]) {
            char tmp[sizeof v->ci_name];
            od_ph_expand(name, NULL, NULL, tmp, sizeof tmp); /* a copy cut on a character boundary */
            memcpy(v->ci_name, tmp, sizeof tmp);
        }
        char part[sizeof v->ci_names];
        snprintf(part, sizeof part, "%s%s", k ? "、" : "", name);
        char joined[sizeof v->ci_names * 2];
        snprintf(joined, sizeof joined, "%s%s", v->ci_names, part);
        od_ph_expand(joined, NULL, NULL, v->ci_names, sizeof v->ci_names);
        k++;
    }
    od_rows_close(r);
    return rc;
}

od_err od_rec_checklist_texts(od_tx *tx, int64_t instance_id, const od_cl_template *t, int64_t rec,
                              const json_t *view, const char *priority, od_error *e)
{
    if (!t || !has_placeholder(t))
        return OD_OK;
    vars v = {.view = view, .priority = priority};
    od_err rc = ci_names(tx, rec, &v, e);
    if (rc)
        return rc;
    json_t *texts = json_object();
    for (size_t i = 0; i < t->n_items; i++) {
        char zh[2 * OD_NAME_MAX], en[2 * OD_NAME_MAX];
        od_ph_expand(t->items[i].text_zh, lookup, &v, zh, sizeof zh);
        od_ph_expand(t->items[i].text_en, lookup, &v, en, sizeof en);
        json_object_set_new(texts, t->items[i].key, json_pack("[ss]", zh, en));
    }
    char *s = json_dumps(texts, JSON_COMPACT);
    json_decref(texts);
    rc = s ? od_tx_exec(tx, OD_Q_CKLT_SET, e, OD_BINDS(OD_TEXT(s), OD_INT(instance_id)))
           : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    free(s);
    return rc;
}
