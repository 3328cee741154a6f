/* config_file.c — the server's configuration file (config_file.h): the
 * policy loader's YAML tree (policy_yaml.c), then one pass over the top
 * mapping that matches every key against the caller's table. */
#include "policy/config_file.h"
#include "policy/policy_load_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 4096 /* bytes of one value */

void od_config_free(od_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].value);
    free(c->items);
    free(c);
}

/* The table index of file key k (tls_cert for "tls-cert"), or n_keys. */
static size_t key_index(const char *k, const od_config_key *keys, size_t n_keys)
{
    for (size_t i = 0; i < n_keys; i++) {
        const char *a = keys[i].name, *b = k;
        while (*a && *b && (*a == *b || (*a == '-' && *b == '_')) && *b != '-')
            a++, b++;
        if (!*a && !*b)
            return i;
    }
    return n_keys;
}

static void add(ctx *c, od_config *cfg, size_t key, const char *value, int line)
{
    if (c->nomem)
        return;
    od_config_item *it = realloc(cfg->items, (cfg->n + 1) * sizeof *it);
    char *v = it ? strdup(value) : NULL;
    if (it)
        cfg->items = it;
    if (!v) {
        od_pl_oom(c);
        return;
    }
    cfg->items[cfg->n++] = (od_config_item){.key = key, .value = v, .line = line};
}

static void one_value(ctx *c, od_config *cfg, const od_config_key *k, size_t ki, const node *v)
{
    char path[PATH_MAX_LEN];
    const char *s = NULL;
    char name[64];
    snprintf(name, sizeof name, "%s", k->name);
    for (char *q = name; *q; q++)
        *q = *q == '-' ? '_' : *q;
    od_pl_sub(path, "config", name);
    if (k->kind == OD_CONFIG_BOOL) {
        bool b = false;
        size_t before = c->d->total;
        od_pl_get_bool(c, v, path, &b);
        if (c->d->total == before && b)
            add(c, cfg, ki, "true", v->line);
        return;
    }
    if (k->kind == OD_CONFIG_LIST && v->kind == N_SEQ) {
        if (v->n == 0 || v->n > OD_CONFIG_LIST_MAX) {
            od_pl_diag(c, v->line, v->col, "%s: 须为 1..%d 项 (expected 1..%d items)", path,
                       OD_CONFIG_LIST_MAX, OD_CONFIG_LIST_MAX);
            return;
        }
        for (size_t i = 0; i < v->n; i++) {
            char ip[PATH_MAX_LEN];
            od_pl_idx(ip, path, i);
            if (od_pl_get_str(c, v->kids[i], ip, VALUE_MAX, &s))
                add(c, cfg, ki, s, v->kids[i]->line);
        }
        return;
    }
    if (od_pl_get_str(c, v, path, VALUE_MAX, &s))
        add(c, cfg, ki, s, v->line);
}

od_err od_config_load_buffer(const char *buf, size_t len, const od_config_key *keys, size_t n_keys,
                             od_config **out, od_policy_diags *d)
{
    od_policy_diags local;
    ctx c = {d ? d : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    *out = NULL;
    if (len > OD_CONFIG_FILE_MAX) {
        od_pl_diag(&c, 0, 0, "配置文件超过 %d 字节 (configuration file over %d bytes)", OD_CONFIG_FILE_MAX,
                   OD_CONFIG_FILE_MAX);
        return OD_E_INVALID;
    }
    od_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) {
        od_pl_oom(&c);
        return OD_E_NOMEM;
    }
    node *root = od_pl_build_tree(&c, buf, len);
    const node **seen = calloc(n_keys + 1, sizeof *seen);
    if (!seen)
        od_pl_oom(&c);
    /* an empty file (or only comments) sets nothing */
    if (root && seen && !od_pl_is_null(root) && od_pl_want(&c, root, N_MAP, "config")) {
        for (size_t i = 0; i + 1 < root->n; i += 2) {
            const node *k = root->kids[i];
            char sk[64];
            size_t ki = k->kind == N_SCALAR ? key_index(k->str, keys, n_keys) : n_keys;
            if (k->kind != N_SCALAR)
                od_pl_diag(&c, k->line, k->col, "config: 键须为字符串 (a key must be a plain string)");
            else if (ki == n_keys)
                od_pl_diag(
                    &c, k->line, k->col,
                    "未知配置项 %s：键名为命令行选项去掉 -- 并把 - 写作 _ (unknown key %s: keys are the "
                    "command-line options without -- and with _ for -, docs/configuration.md)",
                    od_pl_shown(k->str, sk), sk);
            else if (seen[ki])
                od_pl_diag(&c, k->line, k->col,
                           "重复的配置项 %s，首次在第 %d 行 (duplicate key %s, first at line %d)",
                           od_pl_shown(k->str, sk), seen[ki]->line, sk, seen[ki]->line);
            else {
                seen[ki] = k;
                one_value(&c, cfg, &keys[ki], ki, root->kids[i + 1]);
            }
        }
    }
    free(seen);
    od_pl_node_free(root);
    if (c.nomem || c.d->total) {
        od_config_free(cfg);
        return c.nomem ? OD_E_NOMEM : OD_E_INVALID;
    }
    *out = cfg;
    return OD_OK;
}

od_err od_config_load_file(const char *path, const od_config_key *keys, size_t n_keys, od_config **out,
                           od_policy_diags *d)
{
    od_policy_diags local;
    ctx c = {d ? d : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    od_err rc = od_pl_read_file(&c, path, "configuration", OD_CONFIG_FILE_MAX, &buf, &len);
    if (!rc)
        rc = od_config_load_buffer(buf, len, keys, n_keys, out, d);
    free(buf);
    return rc;
}
