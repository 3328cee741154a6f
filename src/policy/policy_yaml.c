/* policy_yaml.c — the first half of the policy loader: libyaml events ->
 * a small tree of mapping / sequence / scalar nodes with 1-based line and
 * column (structural limits, aliases, multiple documents and YAML syntax
 * errors stop here with one finding), the findings themselves, and the typed
 * getters (strings, durations, integers, booleans, enums, fixed-key
 * mappings) every section parser uses (policy_load_int.h).  Nothing global;
 * every allocation is owned by the tree and freed by od_pl_node_free. */
#include "policy/policy_load_int.h"
#include "util/join.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

void od_pl_diag(ctx *c, int line, int col, const char *fmt, ...)
{
    od_policy_diags *d = c->d;
    d->total++;
    if (d->n >= OD_POLICY_DIAG_MAX)
        return;
    od_policy_diag *g = &d->items[d->n++];
    g->line = line;
    g->column = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
}

void od_pl_oom(ctx *c)
{
    if (!c->nomem)
        od_pl_diag(c, 0, 0, "out of memory");
    c->nomem = true;
}

od_err od_pl_read_file(ctx *c, const char *path, const char *what, size_t max, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        od_pl_diag(c, 0, 0, "cannot open %s file: %s", what, strerror(errno));
        return OD_E_IO;
    }
    char *b = malloc(max + 1);
    if (!b) {
        fclose(f);
        od_pl_oom(c);
        return OD_E_NOMEM;
    }
    size_t n = fread(b, 1, max + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(b);
        od_pl_diag(c, 0, 0, "cannot read %s file", what);
        return OD_E_IO;
    }
    *buf = b;
    *len = n;
    return OD_OK;
}

/* Copies user text s into out for a message: at most 40 bytes, cut on a
 * UTF-8 boundary, control characters shown as '?'. */
const char *od_pl_shown(const char *s, char out[64])
{
    size_t len = strnlen(s, 48), n = od_utf8_prefix_bytes(s, len, 40);
    for (size_t i = 0; i < n; i++) { /* a control byte is never inside a UTF-8 sequence */
        unsigned char b = (unsigned char)s[i];
        out[i] = b < 0x20 || b == 0x7F ? '?' : (char)b;
    }
    if (n < len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

/* ---- pass 1: the node tree ------------------------------------------- */

void od_pl_node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        od_pl_node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

static bool node_add(node *parent, node *kid)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
        node **k = realloc(parent->kids, cap * sizeof *k);
        if (!k)
            return false;
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    return true;
}

/* Line of a libyaml error.  The reader reports a byte offset only; errors
 * at the end of the stream are put past the last line, which we clamp to
 * the last line an editor shows. */
static int error_line(const yaml_parser_t *p, const char *buf, size_t len)
{
    int line = 1, last = 1;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (p->error == YAML_READER_ERROR && i < p->problem_offset)
            line++;
        if (i + 1 < len)
            last++;
    }
    if (p->error != YAML_READER_ERROR)
        line = p->problem_mark.line < (size_t)last ? (int)p->problem_mark.line + 1 : last;
    return line;
}

typedef struct builder {
    node *root;
    node *stack[OD_POLICY_DEPTH_MAX];
    size_t depth;
    size_t count;
    int docs;
} builder;

/* Handles one event; returns false (after reporting) to stop. */
static bool build_event(ctx *c, builder *b, const yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    nkind kind;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1) {
            od_pl_diag(c, line, col, "only one YAML document is allowed in a policy file");
            return false;
        }
        return true;
    case YAML_ALIAS_EVENT:
        od_pl_diag(c, line, col, "aliases (*name) are not supported in a policy file");
        return false;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth > 0)
            b->depth--;
        return true;
    case YAML_SCALAR_EVENT:
        kind = N_SCALAR;
        if (ev->data.scalar.length > OD_POLICY_STRING_MAX) {
            od_pl_diag(c, line, col, "string longer than %d bytes", OD_POLICY_STRING_MAX);
            return false;
        }
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
            od_pl_diag(c, line, col, "string contains a NUL character");
            return false;
        }
        break;
    case YAML_SEQUENCE_START_EVENT:
        kind = N_SEQ;
        break;
    case YAML_MAPPING_START_EVENT:
        kind = N_MAP;
        break;
    default:
        return true;
    }
    if (kind != N_SCALAR && b->depth >= OD_POLICY_DEPTH_MAX) {
        od_pl_diag(c, line, col, "nesting deeper than %d levels", OD_POLICY_DEPTH_MAX);
        return false;
    }
    if (++b->count > NODE_MAX) {
        od_pl_diag(c, line, col, "more than %d YAML nodes", NODE_MAX);
        return false;
    }
    node *n = calloc(1, sizeof *n);
    if (!n) {
        od_pl_oom(c);
        return false;
    }
    n->kind = kind;
    n->line = line;
    n->col = col;
    if (kind == N_SCALAR) {
        size_t len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                   ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        n->str = malloc(len + 1);
        if (!n->str) {
            free(n);
            od_pl_oom(c);
            return false;
        }
        if (len)
            memcpy(n->str, ev->data.scalar.value, len);
        n->str[len] = '\0';
    }
    if (b->depth == 0) {
        if (b->root) { /* cannot happen with one document; be safe */
            od_pl_node_free(n);
            od_pl_diag(c, line, col, "more than one top-level node");
            return false;
        }
        b->root = n;
    } else if (!node_add(b->stack[b->depth - 1], n)) {
        od_pl_node_free(n);
        od_pl_oom(c);
        return false;
    }
    if (kind != N_SCALAR)
        b->stack[b->depth++] = n;
    return true;
}

/* Parses buf into a tree.  Returns the root (caller frees with
 * od_pl_node_free()) or NULL after reporting why. */
node *od_pl_build_tree(ctx *c, const char *buf, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        od_pl_oom(c);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    builder b = {0};
    bool ok = true;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            if (p.error == YAML_MEMORY_ERROR) {
                od_pl_oom(c);
            } else {
                int line = error_line(&p, buf, len);
                int col = p.error == YAML_READER_ERROR ? 0 : (int)p.problem_mark.column + 1;
                od_pl_diag(c, line, col, "YAML syntax error: %s%s%s", p.context ? p.context : "",
                           p.context ? ": " : "", p.problem ? p.problem : "unknown problem");
            }
            ok = false;
            break;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        ok = build_event(c, &b, &ev);
        yaml_event_delete(&ev);
        if (!ok || end)
            break;
    }
    yaml_parser_delete(&p);
    if (!ok) {
        od_pl_node_free(b.root);
        return NULL;
    }
    return b.root;
}

/* ---- pass 2: helpers --------------------------------------------------- */

bool od_pl_is_null(const node *n)
{
    return n->kind == N_SCALAR && n->plain &&
           (n->str[0] == '\0' || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

static const char *kind_name(const node *n)
{
    if (od_pl_is_null(n))
        return "nothing";
    return n->kind == N_MAP ? "a mapping" : n->kind == N_SEQ ? "a list" : "a scalar";
}

bool od_pl_want(ctx *c, const node *n, nkind kind, const char *path)
{
    if (n->kind == kind && !od_pl_is_null(n))
        return true;
    od_pl_diag(c, n->line, n->col, "%s: expected %s, got %s", path,
               kind == N_MAP   ? "a mapping"
               : kind == N_SEQ ? "a list"
                               : "a value",
               kind_name(n));
    return false;
}

static void expected_list(const fields *f, char *buf, size_t size)
{
    od_join j = od_join_start(buf, size, ", ");
    for (size_t i = 0; i < f->n; i++)
        od_join_add(&j, f->names[i]);
}

/* Matches the keys of mapping m (at path) against f->names, filling f->key
 * and f->val; reports non-scalar, unknown and duplicate keys.  Returns
 * false (after reporting) if m is not a mapping. */
bool od_pl_map_fields(ctx *c, const node *m, const char *path, fields *f)
{
    memset(f->key, 0, sizeof f->key);
    memset(f->val, 0, sizeof f->val);
    if (!od_pl_want(c, m, N_MAP, path))
        return false;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const node *k = m->kids[i];
        char sk[64], exp[400];
        if (k->kind != N_SCALAR) {
            od_pl_diag(c, k->line, k->col, "%s: a key must be a plain string, not %s", path, kind_name(k));
            continue;
        }
        size_t j = 0;
        while (j < f->n && strcmp(f->names[j], k->str) != 0)
            j++;
        if (j == f->n) {
            expected_list(f, exp, sizeof exp);
            od_pl_diag(c, k->line, k->col, "%s: unknown %s '%s' (expected one of: %s)", path, f->what,
                       od_pl_shown(k->str, sk), exp);
        } else if (f->key[j]) {
            od_pl_diag(c, k->line, k->col, "%s: duplicate %s '%s' (first at line %d)", path, f->what,
                       od_pl_shown(k->str, sk), f->key[j]->line);
        } else {
            f->key[j] = k;
            f->val[j] = m->kids[i + 1];
        }
    }
    return true;
}

/* Reports every name in f without a value, at the line of `at`. */
bool od_pl_require_all(ctx *c, const node *at, const char *path, const fields *f)
{
    bool ok = true;
    for (size_t j = 0; j < f->n; j++) {
        if (!f->key[j]) {
            od_pl_diag(c, at->line, at->col, "%s: missing %s '%s'", path, f->what, f->names[j]);
            ok = false;
        }
    }
    return ok;
}

void od_pl_require_one(ctx *c, const node *at, const char *path, const fields *f, size_t j)
{
    if (!f->key[j])
        od_pl_diag(c, at->line, at->col, "%s: missing key '%s'", path, f->names[j]);
}

/* out = path.key, cut to PATH_MAX_LEN (paths are for messages only). */
void od_pl_sub(char *out, const char *path, const char *key)
{
    if (snprintf(out, PATH_MAX_LEN, "%s.%s", path, key) >= PATH_MAX_LEN)
        memcpy(out + PATH_MAX_LEN - 4, "...", 4);
}

/* out = path[i], cut like od_pl_sub(). */
void od_pl_idx(char *out, const char *path, size_t i)
{
    if (snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i) >= PATH_MAX_LEN)
        memcpy(out + PATH_MAX_LEN - 4, "...", 4);
}

/* A string value: non-empty, at most max-1 bytes. */
bool od_pl_get_str(ctx *c, const node *n, const char *path, size_t max, const char **out)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return false;
    size_t len = strlen(n->str);
    if (len == 0) {
        od_pl_diag(c, n->line, n->col, "%s: must not be empty", path);
        return false;
    }
    if (len >= max) {
        od_pl_diag(c, n->line, n->col, "%s: longer than %zu bytes", path, max - 1);
        return false;
    }
    *out = n->str;
    return true;
}

/* A heap copy of a string value into *slot (replacing what was there). */
void od_pl_set_text(ctx *c, const node *n, const char *path, char **slot)
{
    const char *s;
    if (!od_pl_get_str(c, n, path, OD_POLICY_STRING_MAX + 1, &s))
        return;
    char *copy = strdup(s);
    if (!copy) {
        od_pl_oom(c);
        return;
    }
    free(*slot);
    *slot = copy;
}

/* "0", "none", or a positive decimal without leading zero and one unit
 * (s, m, h, d).  Nothing else: no sign, space, fraction or mixed units. */
static bool parse_duration(const char *s, int64_t *ms)
{
    if (strcmp(s, "0") == 0 || strcmp(s, "none") == 0) {
        *ms = 0;
        return true;
    }
    if (s[0] < '1' || s[0] > '9')
        return false;
    int64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > 1000000000)
            return false;
    }
    int64_t unit;
    switch (s[i]) {
    case 's':
        unit = 1000;
        break;
    case 'm':
        unit = 60 * 1000;
        break;
    case 'h':
        unit = 3600 * 1000;
        break;
    case 'd':
        unit = 24 * 3600 * 1000;
        break;
    default:
        return false;
    }
    if (s[i + 1] != '\0' || v > DURATION_MAX_MS / unit)
        return false;
    *ms = v * unit;
    return true;
}

void od_pl_get_duration(ctx *c, const node *n, const char *path, bool allow_zero, int64_t *out)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return;
    char sv[64];
    int64_t ms;
    if (!parse_duration(n->str, &ms)) {
        od_pl_diag(c, n->line, n->col,
                   "%s: bad duration '%s' (write e.g. 30s, 5m, 2h, 1d, up to 366d; or 0 / none)", path,
                   od_pl_shown(n->str, sv));
        return;
    }
    if (ms == 0 && !allow_zero) {
        od_pl_diag(c, n->line, n->col, "%s: must be longer than 0", path);
        return;
    }
    *out = ms;
}

void od_pl_get_int(ctx *c, const node *n, const char *path, int lo, int hi, int *out)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return;
    const char *s = n->str;
    long v = 0;
    size_t i = 0;
    bool ok = s[0] >= '0' && s[0] <= '9' && !(s[0] == '0' && s[1]);
    for (; ok && s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 100000000L)
            ok = false;
        else
            v = v * 10 + (s[i] - '0');
    }
    char sv[64];
    if (!ok || v < lo || v > hi) {
        od_pl_diag(c, n->line, n->col, "%s: expected a whole number from %d to %d, got '%s'", path, lo, hi,
                   od_pl_shown(s, sv));
        return;
    }
    *out = (int)v;
}

void od_pl_get_bool(ctx *c, const node *n, const char *path, bool *out)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return;
    char sv[64];
    if (strcmp(n->str, "true") == 0)
        *out = true;
    else if (strcmp(n->str, "false") == 0)
        *out = false;
    else
        od_pl_diag(c, n->line, n->col, "%s: expected true or false, got '%s'", path, od_pl_shown(n->str, sv));
}

const char *od_pl_grade_key_i(int i)
{
    return od_grade_key((od_grade)i);
}
const char *od_pl_sev_key_i(int i)
{
    return od_severity_key((od_severity)i);
}
const char *od_pl_resp_key_i(int i)
{
    return od_resp_key((od_resp)i);
}
const char *od_pl_role_key_i(int i)
{
    return od_role_key((od_role)i);
}

/* One enum key (grade, role, ...) as a scalar; -1 after reporting. */
int od_pl_get_enum(ctx *c, const node *n, const char *path, const char *what, parse_fn parse, key_fn key,
                   int count)
{
    if (!od_pl_want(c, n, N_SCALAR, path))
        return -1;
    int v = parse(n->str);
    if (v < 0) {
        char sv[64], exp[400];
        od_join j = od_join_start(exp, sizeof exp, ", ");
        for (int i = 0; i < count; i++)
            od_join_add(&j, key(i));
        od_pl_diag(c, n->line, n->col, "%s: unknown %s '%s' (expected one of: %s)", path, what,
                   od_pl_shown(n->str, sv), exp);
    }
    return v;
}

/* A list of enum keys as a bit set; duplicates are errors.  Returns false
 * if anything was wrong (then *bits is left unchanged). */
bool od_pl_get_enum_set(ctx *c, const node *n, const char *path, const char *what, parse_fn parse, key_fn key,
                        int count, uint64_t *bits)
{
    if (n->kind == N_SEQ && n->n == 0) { /* [] */
        *bits = 0;
        return true;
    }
    if (!od_pl_want(c, n, N_SEQ, path))
        return false;
    uint64_t set = 0; /* count <= 63 (od_roleset) */
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        char ip[PATH_MAX_LEN];
        od_pl_idx(ip, path, i);
        int v = od_pl_get_enum(c, n->kids[i], ip, what, parse, key, count);
        if (v < 0) {
            ok = false;
        } else if (set & ((uint64_t)1 << v)) {
            od_pl_diag(c, n->kids[i]->line, n->kids[i]->col, "%s: %s '%s' listed twice", path, what, key(v));
            ok = false;
        } else {
            set |= (uint64_t)1 << v;
        }
    }
    if (ok)
        *bits = set;
    return ok;
}

/* ---- pass 2: sections -------------------------------------------------- */

bool od_pl_valid_cat_key(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 0; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

void od_pl_copy_fixed(char *dst, size_t size, const char *s)
{
    size_t len = strlen(s);
    if (len >= size)
        len = size - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}
