/* cli.c — the client's front: finds the command in od_cli_cmds, parses its
 * options by their specs into a JSON object, resolves server and token
 * (flag > environment > saved session > default), and runs the generic
 * command or the command's own handler.  Invariant: the session's token is
 * only sent to the server it was issued by.  Called once by main.c. */
#include "cli/cli_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX 8192

static const char *const globals_help =
    "全局选项 global options: --server URL (默认 $OPSDESK_SERVER / 登录时的服务器 / " OD_CLI_DEFAULT_SERVER
    ")\n"
    "  --token TOKEN ($OPSDESK_TOKEN)   --json (原样输出 JSON, print the raw JSON answer)\n";

/* ---- lookup ---- */

static bool has_verbs(const char *group)
{
    for (const od_cli_cmd *c = od_cli_cmds; c->group; c++)
        if (strcmp(c->group, group) == 0 && c->verb)
            return true;
    return false;
}

static bool known_group(const char *group)
{
    for (const od_cli_cmd *c = od_cli_cmds; c->group; c++)
        if (strcmp(c->group, group) == 0)
            return true;
    return false;
}

static const od_cli_cmd *find_cmd(const char *group, const char *verb)
{
    for (const od_cli_cmd *c = od_cli_cmds; c->group; c++)
        if (strcmp(c->group, group) == 0 && (c->verb ? verb && strcmp(c->verb, verb) == 0 : verb == NULL))
            return c;
    return NULL;
}

/* A global option at argv[*i]: returns 1 and advances *i past its value,
 * 0 if argv[*i] is not one, -1 if its value is missing. */
static int global_opt(int argc, char **argv, int *i, od_cli_ctx *c, const char **server, const char **token)
{
    const char *a = argv[*i];
    if (strcmp(a, "--json") == 0) {
        if (c)
            c->json = true;
        return 1;
    }
    const char **dst = strcmp(a, "--server") == 0 ? server : strcmp(a, "--token") == 0 ? token : NULL;
    if (strncmp(a, "--server=", 9) == 0 || strncmp(a, "--token=", 8) == 0) {
        const char *v = strchr(a, '=') + 1;
        if (a[2] == 's' && server)
            *server = v;
        else if (a[2] == 't' && token)
            *token = v;
        return 1;
    }
    if (strcmp(a, "--server") != 0 && strcmp(a, "--token") != 0)
        return 0;
    if (*i + 1 >= argc)
        return -1;
    (*i)++;
    if (dst)
        *dst = argv[*i];
    return 1;
}

bool od_cli_handles(int argc, char **argv)
{
    int i = 0;
    while (i < argc && global_opt(argc, argv, &i, NULL, NULL, NULL) == 1)
        i++;
    if (i >= argc || !known_group(argv[i]))
        return false;
    if (strcmp(argv[i], "policy") == 0)
        return i + 1 < argc && strcmp(argv[i + 1], "table") == 0;
    return true;
}

/* ---- usage ---- */

static void cmd_usage(FILE *out, const od_cli_cmd *c)
{
    fprintf(out, "  opsdesk %s%s%s", c->group, c->verb ? " " : "", c->verb ? c->verb : "");
    if (c->path && strstr(c->path, "{id}"))
        fputs(" ID", out);
    if (c->path && strstr(c->path, "{action}"))
        fputs(" ACTION", out);
    if (c->path && strstr(c->path, "{entry}"))
        fputs(" ENTRY", out);
    for (const od_cli_opt *o = c->opts; o && o->name; o++) {
        bool req = o->flags & OD_CLI_REQUIRED;
        const char *meta = o->choices ? o->choices : o->meta ? o->meta : "VALUE";
        fprintf(out, " %s%s", req ? "" : "[", o->name);
        if (o->kind != OD_CLI_FLAG)
            fprintf(out, " %s", meta);
        if (o->kind == OD_CLI_KV)
            fputs(" ...", out);
        fputs(req ? "" : "]", out);
    }
    fprintf(out, "\n      %s\n", c->summary);
}

void od_cli_usage(FILE *out)
{
    fputs("客户端命令 client commands:\n", out);
    for (const od_cli_cmd *c = od_cli_cmds; c->group; c++)
        cmd_usage(out, c);
    fputs(globals_help, out);
}

static void group_usage(FILE *out, const char *group)
{
    fputs("用法 usage:\n", out);
    for (const od_cli_cmd *c = od_cli_cmds; c->group; c++)
        if (strcmp(c->group, group) == 0)
            cmd_usage(out, c);
    fputs(globals_help, out);
}

/* ---- option values ---- */

/* Parses a decimal integer in [min, INT64_MAX]; false on anything else. */
static bool parse_int(const char *s, long long min, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || s[0] == ' ' || s[0] == '+')
        return false;
    *out = v;
    return true;
}

static int usage_err(const od_cli_ctx *c, const od_cli_cmd *cmd, const char *fmt, ...) OD_PRINTF(3, 4);

/* Prints a usage error and the command's synopsis; returns exit code 2. */
static int usage_err(const od_cli_ctx *c, const od_cli_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("用法错误 usage error: ", c->err);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
    if (cmd)
        cmd_usage(c->err, cmd);
    return OD_CLI_EXIT_USAGE;
}

static bool in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

/* Splits "a,b,c" into a JSON array of strings or integers (≥ 1). */
static json_t *split_list(const char *v, bool ints)
{
    json_t *arr = json_array();
    char item[1024];
    for (const char *p = v; arr && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        long long n = 0;
        if (len >= sizeof item)
            goto bad;
        memcpy(item, p, len);
        item[len] = '\0';
        if (len > 0) {
            json_t *j = ints ? (parse_int(item, 1, &n) ? json_integer(n) : NULL) : json_string(item);
            if (!j || json_array_append_new(arr, j) != 0)
                goto bad;
        } else if (ints) {
            goto bad;
        }
        p += len + (comma ? 1 : 0);
    }
    return arr;
bad:
    json_decref(arr);
    return NULL;
}

/* Turns the text of one option into its JSON value in dst. */
static int set_opt(const od_cli_ctx *c, const od_cli_cmd *cmd, const od_cli_opt *o, const char *v,
                   json_t *dst)
{
    long long n = 0;
    json_t *j = NULL;
    if (o->kind != OD_CLI_KV && json_object_get(dst, o->key))
        return usage_err(c, cmd, "%s 重复 (given twice)", o->name);
    if (o->choices && !in_choices(o->choices, v))
        return usage_err(c, cmd, "%s 取值应为 (must be one of) %s", o->name, o->choices);
    switch (o->kind) {
    case OD_CLI_STR:
        j = json_string(v);
        if (!j)
            return usage_err(c, cmd, "%s 不是有效的 UTF-8 (is not valid UTF-8)", o->name);
        break;
    case OD_CLI_INT:
        if (!parse_int(v, 0, &n))
            return usage_err(c, cmd, "%s 需要非负整数 (needs a non-negative integer), got '%s'", o->name, v);
        j = json_integer(n);
        break;
    case OD_CLI_FLAG:
        j = json_true();
        break;
    case OD_CLI_BOOL:
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return usage_err(c, cmd, "%s 取值应为 (must be) true|false, got '%s'", o->name, v);
        j = json_boolean(v[0] == 't');
        break;
    case OD_CLI_LIST:
    case OD_CLI_INTLIST:
        j = split_list(v, o->kind == OD_CLI_INTLIST);
        if (!j)
            return usage_err(c, cmd, "%s 列表无效 (bad list) '%s'", o->name, v);
        break;
    case OD_CLI_KV: {
        const char *eq = strchr(v, '=');
        char k[256];
        if (!eq || eq == v || (size_t)(eq - v) >= sizeof k)
            return usage_err(c, cmd, "%s 需要 key=value (needs key=value), got '%s'", o->name, v);
        memcpy(k, v, (size_t)(eq - v));
        k[eq - v] = '\0';
        json_t *obj = json_object_get(dst, o->key);
        if (!obj) {
            obj = json_object();
            if (!obj || json_object_set_new(dst, o->key, obj) != 0)
                return OD_CLI_EXIT_REFUSED;
        }
        json_t *sv = json_string(eq + 1);
        if (!sv || json_object_set_new(obj, k, sv) != 0)
            return usage_err(c, cmd, "%s 不是有效的 UTF-8 (is not valid UTF-8)", o->name);
        return OD_CLI_EXIT_OK;
    }
    }
    if (!j || json_object_set_new(dst, o->key, j) != 0)
        return OD_CLI_EXIT_REFUSED;
    return OD_CLI_EXIT_OK;
}

static const od_cli_opt *find_opt(const od_cli_cmd *cmd, const char *name, size_t len)
{
    for (const od_cli_opt *o = cmd->opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

typedef struct globals {
    const char *server, *token;
} globals;

/* Parses argv[i..] for cmd into inv and the global options. */
static int parse_args(od_cli_ctx *c, const od_cli_cmd *cmd, int argc, char **argv, int i, od_cli_inv *inv,
                      globals *g)
{
    bool wants_id = cmd->path && strstr(cmd->path, "{id}");
    /* the second positional: an ACTION key, or an ENTRY id (a positive integer) */
    bool entry = cmd->path && strstr(cmd->path, "{entry}");
    bool wants_arg = cmd->path && (strstr(cmd->path, "{action}") || entry);
    for (; i < argc; i++) {
        const char *a = argv[i];
        int gr = global_opt(argc, argv, &i, c, &g->server, &g->token);
        if (gr < 0)
            return usage_err(c, cmd, "%s 缺少取值 (needs a value)", a);
        if (gr > 0)
            continue;
        if (a[0] == '-' && a[1]) {
            const char *eq = strchr(a, '=');
            size_t len = eq && a[1] == '-' ? (size_t)(eq - a) : strlen(a);
            const od_cli_opt *o = find_opt(cmd, a, len);
            if (!o)
                return usage_err(c, cmd, "未知选项 (unknown option) %s", a);
            const char *v = "true";
            if (o->kind != OD_CLI_FLAG) {
                if (eq && len < strlen(a))
                    v = eq + 1;
                else if (i + 1 < argc)
                    v = argv[++i];
                else
                    return usage_err(c, cmd, "%s 缺少取值 (needs a value)", o->name);
            } else if (eq && len < strlen(a)) {
                return usage_err(c, cmd, "%s 不带取值 (takes no value)", o->name);
            }
            int rc = set_opt(c, cmd, o, v, (o->flags & OD_CLI_LOCAL) ? inv->local : inv->params);
            if (rc)
                return rc;
            continue;
        }
        long long id = 0;
        if (wants_id && inv->id && wants_arg && !inv->arg && entry) {
            if (!parse_int(a, 1, &id))
                return usage_err(c, cmd, "ENTRY 必须是正整数 (ENTRY must be a positive integer), got '%s'",
                                 a);
            inv->arg = a;
            continue;
        }
        if (wants_id && inv->id && wants_arg && !inv->arg) {
            for (const char *k = a; *k; k++)
                if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
                    return usage_err(c, cmd, "ACTION 须为小写键 (ACTION must be a lower-case key), got '%s'",
                                     a);
            inv->arg = a;
            continue;
        }
        if (!wants_id || inv->id)
            return usage_err(c, cmd, "多余的参数 (unexpected argument) '%s'", a);
        if (!parse_int(a, 1, &id))
            return usage_err(c, cmd, "ID 必须是正整数 (ID must be a positive integer), got '%s'", a);
        inv->id = a;
    }
    if (wants_id && !inv->id)
        return usage_err(c, cmd, "缺少 ID (missing ID)");
    if (wants_arg && !inv->arg)
        return entry ? usage_err(c, cmd, "缺少 ENTRY (missing ENTRY)")
                     : usage_err(c, cmd, "缺少 ACTION (missing ACTION)");
    for (const od_cli_opt *o = cmd->opts; o && o->name; o++)
        if ((o->flags & OD_CLI_REQUIRED) &&
            !json_object_get((o->flags & OD_CLI_LOCAL) ? inv->local : inv->params, o->key))
            return usage_err(c, cmd, "缺少必需选项 (missing required option) %s", o->name);
    return OD_CLI_EXIT_OK;
}

/* ---- server and token ---- */

static char *dup_base(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    return strndup(url, n);
}

static bool same_server(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    while (na > 0 && a[na - 1] == '/')
        na--;
    while (nb > 0 && b[nb - 1] == '/')
        nb--;
    return na == nb && strncmp(a, b, na) == 0;
}

/* Fills c->server and c->token: flag, then environment, then the saved
 * session (whose token goes only to its own server), then the default. */
static int resolve(od_cli_ctx *c, const globals *g)
{
    const char *env_server = getenv("OPSDESK_SERVER"), *env_token = getenv("OPSDESK_TOKEN");
    json_t *sess = od_cli_session_load();
    const char *s_server = json_string_value(json_object_get(sess, "server"));
    const char *s_token = json_string_value(json_object_get(sess, "token"));
    const char *server = g->server;
    if (!server && env_server && env_server[0])
        server = env_server;
    if (!server)
        server = s_server ? s_server : OD_CLI_DEFAULT_SERVER;
    const char *token = g->token;
    if (!token && env_token && env_token[0])
        token = env_token;
    if (!token && s_token && s_server && same_server(s_server, server))
        token = s_token;
    c->server = dup_base(server);
    c->token = token ? strdup(token) : NULL;
    json_decref(sess);
    if (!c->server || (token && !c->token)) {
        fputs("错误 error: 内存不足 (out of memory)\n", c->err);
        return OD_CLI_EXIT_REFUSED;
    }
    if (strncmp(c->server, "http://", 7) != 0 && strncmp(c->server, "https://", 8) != 0) {
        fprintf(c->err,
                "用法错误 usage error: 服务器地址须以 http:// 或 https:// 开头 (server URL must start with "
                "http:// or https://): %s\n",
                c->server);
        return OD_CLI_EXIT_USAGE;
    }
    return OD_CLI_EXIT_OK;
}

/* ---- the generic command ---- */

/* Writes "/api/…/ID/…" for cmd into buf. */
static bool build_path(const od_cli_inv *inv, char *buf, size_t n)
{
    const char *p = inv->cmd->path, *mark = strstr(p, "{id}");
    int w = mark ? snprintf(buf, n, "%.*s%s%s", (int)(mark - p), p, inv->id, mark + 4)
                 : snprintf(buf, n, "%s", p);
    return w > 0 && (size_t)w < n;
}

/* Appends params as a query string ("?k=v&…"). */
bool od_cli_build_query(const json_t *params, char *buf, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)(uintptr_t)params, k, v)
    {
        char *text = json_is_boolean(v) ? strdup(json_is_true(v) ? "true" : "false") : NULL;
        if (!text && json_is_array(v)) {
            /* lists go as "a,b" */
            size_t len = 0;
            text = calloc(1, 1);
            for (size_t i = 0; text && i < json_array_size(v); i++) {
                char *t = od_cli_text(json_array_get(v, i));
                char *nt = t ? realloc(text, len + strlen(t) + 2) : NULL;
                if (nt) {
                    len += (size_t)snprintf(nt + len, strlen(t) + 2, "%s%s", i ? "," : "", t);
                    text = nt;
                } else {
                    free(text);
                    text = NULL;
                }
                free(t);
            }
        } else if (!text) {
            text = od_cli_text(v);
        }
        bool ok = text && od_cli_query_add(buf, n, k, text);
        free(text);
        if (!ok)
            return false;
    }
    return true;
}

void od_cli_show(const od_cli_ctx *c, const od_cli_cmd *cmd, const od_cli_answer *a)
{
    if (c->json && a->json) {
        od_cli_print_json(c->out, a->json);
        return;
    }
    if ((cmd->flags & OD_CLI_RAW) || c->json || !a->json) {
        fwrite(a->body, 1, a->len, c->out);
        if (a->len && a->body[a->len - 1] != '\n')
            fputc('\n', c->out);
        return;
    }
    if (cmd->view)
        od_cli_print_view(c->out, a->json, cmd->view);
    else
        fputs("成功 ok\n", c->out);
    const json_t *total = json_object_get(a->json, "total");
    if ((cmd->flags & OD_CLI_PAGED) && json_is_integer(total))
        fprintf(c->out, "共 %" JSON_INTEGER_FORMAT " 条 (total %" JSON_INTEGER_FORMAT ", shown %zu)\n",
                json_integer_value(total), json_integer_value(total),
                json_array_size(json_object_get(a->json, "items")));
}

int od_cli_generic(od_cli_ctx *c, const od_cli_inv *inv)
{
    const od_cli_cmd *cmd = inv->cmd;
    char path[QUERY_MAX] = "";
    od_cli_answer a;
    if (!build_path(inv, path, sizeof path) ||
        ((cmd->flags & OD_CLI_QUERY) && !od_cli_build_query(inv->params, path, sizeof path)))
        return usage_err(c, cmd, "参数过长 (arguments too long)");
    bool get = strcmp(cmd->method, "GET") == 0;
    int rc = od_cli_call(c, cmd->method, path, get || (cmd->flags & OD_CLI_QUERY) ? NULL : inv->params, &a);
    if (!rc)
        od_cli_show(c, cmd, &a);
    od_cli_answer_cleanup(&a);
    return rc;
}

/* ---- the entry point ---- */

static int run(od_cli_ctx *c, int argc, char **argv)
{
    globals g = {0};
    od_cli_inv inv = {0};
    int i = 0, rc;
    while (i < argc && (rc = global_opt(argc, argv, &i, c, &g.server, &g.token)) != 0) {
        if (rc < 0)
            return usage_err(c, NULL, "%s 缺少取值 (needs a value)", argv[i]);
        i++;
    }
    if (i >= argc || !known_group(argv[i])) {
        if (i < argc)
            fprintf(c->err, "用法错误 usage error: 未知命令 (unknown command) '%s'\n", argv[i]);
        od_cli_usage(c->err);
        return OD_CLI_EXIT_USAGE;
    }
    const char *group = argv[i++];
    const char *verb = NULL;
    while (i < argc && (rc = global_opt(argc, argv, &i, c, &g.server, &g.token)) != 0) {
        if (rc < 0)
            return usage_err(c, NULL, "%s 缺少取值 (needs a value)", argv[i]);
        i++;
    }
    if (has_verbs(group)) {
        if (i >= argc || argv[i][0] == '-' || strcmp(argv[i], "help") == 0) {
            bool help = i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
                                     strcmp(argv[i], "help") == 0);
            group_usage(help ? c->out : c->err, group);
            return help ? OD_CLI_EXIT_OK : OD_CLI_EXIT_USAGE;
        }
        verb = argv[i++];
    }
    inv.cmd = find_cmd(group, verb);
    if (!inv.cmd) {
        fprintf(c->err, "用法错误 usage error: 未知命令 (unknown command) '%s %s'\n", group, verb);
        group_usage(c->err, group);
        return OD_CLI_EXIT_USAGE;
    }
    for (int j = i; j < argc; j++)
        if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
            cmd_usage(c->out, inv.cmd);
            fputs(globals_help, c->out);
            return OD_CLI_EXIT_OK;
        }
    inv.params = json_object();
    inv.local = json_object();
    rc = inv.params && inv.local ? parse_args(c, inv.cmd, argc, argv, i, &inv, &g) : OD_CLI_EXIT_REFUSED;
    if (!rc)
        rc = resolve(c, &g);
    if (!rc)
        rc = inv.cmd->run ? inv.cmd->run(c, &inv) : od_cli_generic(c, &inv);
    json_decref(inv.params);
    json_decref(inv.local);
    return rc;
}

int od_cli_run(int argc, char **argv)
{
    od_cli_ctx c = {.out = stdout, .err = stderr};
    if (!od_cli_http_init()) {
        fputs("错误 error: 无法初始化 libcurl (cannot start libcurl)\n", stderr);
        return OD_CLI_EXIT_REFUSED;
    }
    int rc = run(&c, argc, argv);
    if (fflush(c.out) != 0 && !rc)
        rc = OD_CLI_EXIT_REFUSED;
    free(c.server);
    free(c.token);
    od_cli_http_cleanup();
    return rc;
}
