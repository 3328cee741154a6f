/* cli_problems.c — the client's workflow-record commands that the generic
 * one does not fit (docs/problems.md, docs/drills.md, docs/cli.md): `problem
 * create` and `drill create` put their field options under the body's
 * "fields"; `problem act ID ACTION` (and `drill act`) reads the record's
 * version, then applies the workflow action with it. */
#include "cli/cli_int.h"

#include <stdio.h>
#include <string.h>

/* The answer as the command shows it (--json, or its view). */
static int show(od_cli_ctx *c, const od_cli_inv *inv, int rc, od_cli_answer *a)
{
    if (!rc)
        od_cli_show(c, inv->cmd, a);
    od_cli_answer_cleanup(a);
    return rc;
}

/* POST path with title and department at the top of the body, every other
 * option under "fields" (a workflow record's typed fields). */
static int create_with_fields(od_cli_ctx *c, const od_cli_inv *inv, const char *path)
{
    json_t *body = json_object(), *fields = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(inv->params, k, v)
    {
        if (strcmp(k, "title") == 0 || strcmp(k, "department") == 0)
            json_object_set(body, k, v);
        else
            json_object_set(fields, k, v);
    }
    json_object_set_new(body, "fields", fields);
    od_cli_answer a;
    int rc = od_cli_call(c, "POST", path, body, &a);
    json_decref(body);
    return show(c, inv, rc, &a);
}

int od_cli_problem_create(od_cli_ctx *c, const od_cli_inv *inv)
{
    return create_with_fields(c, inv, "/api/v1/problems");
}

int od_cli_drill_create(od_cli_ctx *c, const od_cli_inv *inv)
{
    return create_with_fields(c, inv, "/api/v1/drills");
}

int od_cli_problem_act(od_cli_ctx *c, const od_cli_inv *inv)
{
    char path[256];
    od_cli_answer a;
    int w = snprintf(path, sizeof path, "/api/v1/records/%s", inv->id);
    if (w < 0 || (size_t)w >= sizeof path)
        return OD_CLI_EXIT_USAGE;
    int rc = od_cli_call(c, "GET", path, NULL, &a);
    json_t *version = rc ? NULL : json_incref(json_object_get(a.json, "version"));
    od_cli_answer_cleanup(&a);
    if (rc)
        return rc;
    json_t *body = json_deep_copy(inv->params);
    json_object_set_new(body, "version", version ? version : json_integer(0));
    w = snprintf(path, sizeof path, "/api/v1/records/%s/actions/%s", inv->id, inv->arg);
    if (w < 0 || (size_t)w >= sizeof path) {
        json_decref(body);
        return OD_CLI_EXIT_USAGE;
    }
    rc = od_cli_call(c, "POST", path, body, &a);
    json_decref(body);
    return show(c, inv, rc, &a);
}

/* `problem entry ID --kind K --text T [--what --why --prevent --actions a,b]`:
 * the review's four options go under "review" (docs/problems.md "Entries"). */
int od_cli_problem_entry(od_cli_ctx *c, const od_cli_inv *inv)
{
    static const char *const parts[] = {"what", "why", "prevent", "actions"};
    json_t *body = json_deep_copy(inv->params), *review = json_object();
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        json_t *v = json_object_get(body, parts[i]);
        if (v) {
            json_object_set(review, parts[i], v);
            json_object_del(body, parts[i]);
        }
    }
    if (json_object_size(review))
        json_object_set(body, "review", review);
    json_decref(review);
    char path[128];
    od_cli_answer a;
    int w = snprintf(path, sizeof path, "/api/v1/problems/%s/entries", inv->id);
    if (w < 0 || (size_t)w >= sizeof path) {
        json_decref(body);
        return OD_CLI_EXIT_USAGE;
    }
    int rc = od_cli_call(c, "POST", path, body, &a);
    json_decref(body);
    return show(c, inv, rc, &a);
}

/* `problem entry-edit ID ENTRY --text T [--reason R]`. */
int od_cli_problem_entry_edit(od_cli_ctx *c, const od_cli_inv *inv)
{
    char path[160];
    od_cli_answer a;
    int w = snprintf(path, sizeof path, "/api/v1/problems/%s/entries/%s", inv->id, inv->arg);
    if (w < 0 || (size_t)w >= sizeof path)
        return OD_CLI_EXIT_USAGE;
    int rc = od_cli_call(c, "PATCH", path, inv->params, &a);
    return show(c, inv, rc, &a);
}
