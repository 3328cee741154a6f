/* cli_training.c — the client's training-session commands that the generic
 * one does not fit (docs/plans.md "Courses and sessions", docs/cli.md):
 * `training session-add` turns --attendees 3,4 into [{user_id}], and
 * `training session-results ID` turns --pass, --fail, --absent and --score
 * ID=N into the attendees' results of POST …/sessions/{id}/results.  The
 * server checks everything; an id given twice is sent twice (and refused
 * there). */
#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int post_and_show(od_cli_ctx *c, const od_cli_inv *inv, const char *path, json_t *body)
{
    od_cli_answer a;
    int rc = od_cli_call(c, "POST", path, body, &a);
    json_decref(body);
    if (!rc)
        od_cli_show(c, inv->cmd, &a);
    od_cli_answer_cleanup(&a);
    return rc;
}

int od_cli_session_add(od_cli_ctx *c, const od_cli_inv *inv)
{
    json_t *body = json_deep_copy(inv->params), *att = json_array(), *v;
    size_t i;
    json_array_foreach(json_object_get(inv->local, "attendees"), i, v)
        json_array_append_new(att, json_pack("{sO}", "user_id", v));
    json_object_set_new(body, "attendees", att);
    return post_and_show(c, inv, "/api/v1/training/sessions", body);
}

int od_cli_session_results(od_cli_ctx *c, const od_cli_inv *inv)
{
    static const char *const kinds[] = {"pass", "fail", "absent"};
    json_t *att = json_array(), *scores = json_object_get(inv->local, "score"), *v;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t i;
        json_array_foreach(json_object_get(inv->local, kinds[k]), i, v)
        {
            char id[32];
            snprintf(id, sizeof id, "%lld", (long long)json_integer_value(v));
            json_t *o = json_pack("{sO sb ss}", "user_id", v, "attended", k != 2, "assessment", kinds[k]);
            const char *sc = json_string_value(json_object_get(scores, id));
            if (sc) {
                char *end = NULL;
                long n = strtol(sc, &end, 10);
                if (!*sc || *end) {
                    fprintf(c->err,
                            "错误 error: --score %s=%s: 成绩须为整数 (the score must be an integer)\n", id,
                            sc);
                    json_decref(o);
                    json_decref(att);
                    return OD_CLI_EXIT_USAGE;
                }
                json_object_set_new(o, "score", json_integer(n));
            }
            json_array_append_new(att, o);
        }
    }
    char path[128];
    int w = snprintf(path, sizeof path, "/api/v1/training/sessions/%s/results", inv->id);
    if (w < 0 || (size_t)w >= sizeof path) {
        json_decref(att);
        return OD_CLI_EXIT_USAGE;
    }
    return post_and_show(c, inv, path, json_pack("{so}", "attendees", att));
}
