/* policy_load.c — the policy file loader.  Two passes:
 *   1. build_tree(): libyaml events -> a small tree of mapping / sequence /
 *      scalar nodes with 1-based line and column.  Structural limits (size,
 *      depth, string length, node count), aliases, multiple documents and
 *      YAML syntax errors stop here with one finding.
 *   2. load_*(): walk the tree onto a copy of od_policy_new_default(),
 *      validating as it goes; every semantic error is reported and the walk
 *      goes on, so one run lists them all.
 * Nothing global; every allocation is owned by the tree or the policy and
 * freed on every path.  The schema is in docs/policy.md. */
#include "app/policy_load_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

/* Copies user text s into out for a message: at most 40 bytes, cut on a
 * UTF-8 boundary, control characters shown as '?'. */
static const char *shown(const char *s, char out[64])
{
    size_t i = 0, o = 0;
    while (s[i] && o < 40) {
        unsigned char ch = (unsigned char)s[i];
        size_t w = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
        if (o + w > 40)
            break;
        for (size_t k = 0; k < w; k++) {
            unsigned char b = (unsigned char)s[i + k];
            if (b == 0) { /* truncated sequence at end of string */
                out[o] = '\0';
                return out;
            }
            out[o++] = (w == 1 && (b < 0x20 || b == 0x7F)) ? '?' : (char)b;
        }
        i += w;
    }
    if (s[i] && o + 3 < 64) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* ---- pass 1: the node tree ------------------------------------------- */

static void node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        node_free(n->kids[i]);
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
            node_free(n);
            od_pl_diag(c, line, col, "more than one top-level node");
            return false;
        }
        b->root = n;
    } else if (!node_add(b->stack[b->depth - 1], n)) {
        node_free(n);
        od_pl_oom(c);
        return false;
    }
    if (kind != N_SCALAR)
        b->stack[b->depth++] = n;
    return true;
}

/* Parses buf into a tree.  Returns the root (caller frees with
 * node_free()) or NULL after reporting why. */
static node *build_tree(ctx *c, const char *buf, size_t len)
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
        node_free(b.root);
        return NULL;
    }
    return b.root;
}

/* ---- pass 2: helpers --------------------------------------------------- */

static bool is_null(const node *n)
{
    return n->kind == N_SCALAR && n->plain &&
           (n->str[0] == '\0' || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

static const char *kind_name(const node *n)
{
    if (is_null(n))
        return "nothing";
    return n->kind == N_MAP ? "a mapping" : n->kind == N_SEQ ? "a list" : "a scalar";
}

bool od_pl_want(ctx *c, const node *n, nkind kind, const char *path)
{
    if (n->kind == kind && !is_null(n))
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
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", f->names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
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
        char sk[64], exp[160];
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
                       shown(k->str, sk), exp);
        } else if (f->key[j]) {
            od_pl_diag(c, k->line, k->col, "%s: duplicate %s '%s' (first at line %d)", path, f->what,
                       shown(k->str, sk), f->key[j]->line);
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
static void set_text(ctx *c, const node *n, const char *path, char **slot)
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
                   shown(n->str, sv));
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
                   shown(s, sv));
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
        od_pl_diag(c, n->line, n->col, "%s: expected true or false, got '%s'", path, shown(n->str, sv));
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
        size_t o = 0;
        exp[0] = '\0';
        for (int i = 0; i < count && o < sizeof exp; i++) {
            int w = snprintf(exp + o, sizeof exp - o, "%s%s", i ? ", " : "", key(i));
            if (w < 0)
                break;
            o += (size_t)w;
        }
        od_pl_diag(c, n->line, n->col, "%s: unknown %s '%s' (expected one of: %s)", path, what,
                   shown(n->str, sv), exp);
    }
    return v;
}

/* A list of enum keys as a bit set; duplicates are errors.  Returns false
 * if anything was wrong (then *bits is left unchanged). */
bool od_pl_get_enum_set(ctx *c, const node *n, const char *path, const char *what, parse_fn parse, key_fn key,
                        int count, uint32_t *bits)
{
    if (n->kind == N_SEQ && n->n == 0) { /* [] */
        *bits = 0;
        return true;
    }
    if (!od_pl_want(c, n, N_SEQ, path))
        return false;
    uint32_t set = 0;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        char ip[PATH_MAX_LEN];
        od_pl_idx(ip, path, i);
        int v = od_pl_get_enum(c, n->kids[i], ip, what, parse, key, count);
        if (v < 0) {
            ok = false;
        } else if (set & (1u << v)) {
            od_pl_diag(c, n->kids[i]->line, n->kids[i]->col, "%s: %s '%s' listed twice", path, what, key(v));
            ok = false;
        } else {
            set |= 1u << v;
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

enum { CF_KEY, CF_NAME_ZH, CF_NAME_EN, CF_GRADES, CF_PRINCIPLE, CF_GUIDANCE, CF__COUNT };

static void load_guidance(ctx *c, od_category *cat, const node *v, const char *path, bool grades_ok)
{
    fields f;
    KEYS_OF(f, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!f.val[g])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, od_grade_key((od_grade)g));
        if (grades_ok && !(cat->grades_allowed & (1u << g))) {
            od_pl_diag(c, f.key[g]->line, f.key[g]->col,
                       "%s: guidance for grade %s, which the category does not allow", path,
                       od_grade_key((od_grade)g));
            continue;
        }
        set_text(c, f.val[g], p, &cat->guidance[g]);
    }
}

static void load_category(ctx *c, od_category *cat, const node *item, const char *path)
{
    fields f = {.what = "key",
                .names = {"key", "name_zh", "name_en", "grades", "principle", "guidance"},
                .n = CF__COUNT};
    if (!od_pl_map_fields(c, item, path, &f))
        return;
    char p[PATH_MAX_LEN];
    const char *s;
    for (size_t j = 0; j < CF__COUNT; j++)
        if (j != CF_NAME_EN && j != CF_PRINCIPLE && j != CF_GUIDANCE)
            od_pl_require_one(c, item, path, &f, j);
    if (f.val[CF_KEY]) {
        od_pl_sub(p, path, "key");
        if (od_pl_get_str(c, f.val[CF_KEY], p, OD_KEY_MAX, &s)) {
            char sv[64];
            if (od_pl_valid_cat_key(s))
                od_pl_copy_fixed(cat->key, sizeof cat->key, s);
            else
                od_pl_diag(c, f.val[CF_KEY]->line, f.val[CF_KEY]->col,
                           "%s: '%s' must start with a-z and hold only a-z, 0-9 and _", p, shown(s, sv));
        }
    }
    if (f.val[CF_NAME_ZH]) {
        od_pl_sub(p, path, "name_zh");
        if (od_pl_get_str(c, f.val[CF_NAME_ZH], p, OD_NAME_MAX, &s))
            od_pl_copy_fixed(cat->name_zh, sizeof cat->name_zh, s);
    }
    if (f.val[CF_NAME_EN] && !is_null(f.val[CF_NAME_EN])) {
        od_pl_sub(p, path, "name_en");
        if (od_pl_get_str(c, f.val[CF_NAME_EN], p, OD_NAME_MAX, &s))
            od_pl_copy_fixed(cat->name_en, sizeof cat->name_en, s);
    }
    bool grades_ok = false;
    if (f.val[CF_GRADES]) {
        uint32_t bits = 0;
        od_pl_sub(p, path, "grades");
        if (od_pl_get_enum_set(c, f.val[CF_GRADES], p, "grade", od_grade_parse, od_pl_grade_key_i,
                               OD_GRADE__COUNT, &bits)) {
            if (bits == 0)
                od_pl_diag(c, f.val[CF_GRADES]->line, f.val[CF_GRADES]->col,
                           "%s: a category must allow at least one grade", p);
            cat->grades_allowed = bits;
            grades_ok = bits != 0;
        }
    }
    if (f.val[CF_PRINCIPLE] && !is_null(f.val[CF_PRINCIPLE])) {
        od_pl_sub(p, path, "principle");
        set_text(c, f.val[CF_PRINCIPLE], p, &cat->principle);
    }
    if (f.val[CF_GUIDANCE] && !is_null(f.val[CF_GUIDANCE])) {
        od_pl_sub(p, path, "guidance");
        load_guidance(c, cat, f.val[CF_GUIDANCE], p, grades_ok);
    }
}

static void free_categories(od_category *cats, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cats[i].principle);
        for (int g = 0; g < OD_GRADE__COUNT; g++)
            free(cats[i].guidance[g]);
    }
    free(cats);
}

/* R-CI-2, R-CI-3: the list replaces the default categories. */
static void load_categories(ctx *c, od_policy *pol, const node *v)
{
    if (!od_pl_want(c, v, N_SEQ, "categories"))
        return;
    if (v->n == 0) {
        od_pl_diag(c, v->line, v->col, "categories: at least one category is required");
        return;
    }
    if (v->n > CATEGORY_MAX) {
        od_pl_diag(c, v->line, v->col, "categories: more than %d categories", CATEGORY_MAX);
        return;
    }
    od_category *cats = calloc(v->n, sizeof *cats);
    if (!cats) {
        od_pl_oom(c);
        return;
    }
    free_categories(pol->categories, pol->n_categories);
    pol->categories = cats;
    pol->n_categories = v->n;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN];
        od_pl_idx(p, "categories", i);
        load_category(c, &cats[i], v->kids[i], p);
        for (size_t j = 0; j < i && cats[i].key[0]; j++) {
            if (strcmp(cats[j].key, cats[i].key) == 0) {
                od_pl_diag(c, v->kids[i]->line, v->kids[i]->col,
                           "%s: duplicate category key '%s' (first at line %d)", p, cats[i].key,
                           v->kids[j]->line);
                break;
            }
        }
    }
}

enum { SC_APP, SC_PLATFORM, SC_ENV, SC__COUNT };
static const char *const sev_class_zh[SC__COUNT] = {"应用", "基础平台", "环境"};

/* One severity description: a string, or a mapping by object class that is
 * joined as "应用：…\n基础平台：…\n环境：…" (R-INC-1). */
static void load_severity_desc(ctx *c, const node *v, const char *path, char **slot)
{
    if (v->kind == N_SCALAR) {
        set_text(c, v, path, slot);
        return;
    }
    fields f = {.what = "object class", .names = {"application", "platform", "environment"}, .n = SC__COUNT};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    const char *part[SC__COUNT] = {0};
    size_t total = 1;
    bool ok = true;
    for (size_t j = 0; j < SC__COUNT; j++) {
        if (!f.val[j])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, f.names[j]);
        if (!od_pl_get_str(c, f.val[j], p, OD_POLICY_STRING_MAX + 1, &part[j]))
            ok = false;
        else
            total += strlen(sev_class_zh[j]) + strlen("：") + strlen(part[j]) + 1;
    }
    if (!ok)
        return;
    if (total == 1) {
        od_pl_diag(c, v->line, v->col, "%s: give at least one of application, platform, environment", path);
        return;
    }
    char *s = malloc(total);
    if (!s) {
        od_pl_oom(c);
        return;
    }
    size_t o = 0;
    for (size_t j = 0; j < SC__COUNT; j++) {
        if (!part[j])
            continue;
        int w = snprintf(s + o, total - o, "%s%s：%s", o ? "\n" : "", sev_class_zh[j], part[j]);
        if (w > 0)
            o += (size_t)w;
    }
    free(*slot);
    *slot = s;
}

static void load_severities(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields f;
    KEYS_OF(f, "severity", od_pl_sev_key_i, OD_SEV__COUNT);
    if (!od_pl_map_fields(c, v, "severities", &f))
        return;
    od_pl_require_all(c, k, "severities", &f);
    for (int s = 0; s < OD_SEV__COUNT; s++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "severities", f.names[s]);
        if (f.val[s])
            load_severity_desc(c, f.val[s], p, &pol->severity_desc[s]);
    }
}

/* R-INC-3: every grade x severity cell. */
static void load_matrix(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields fg;
    KEYS_OF(fg, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, "response_matrix", &fg))
        return;
    od_pl_require_all(c, k, "response_matrix", &fg);
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!fg.val[g])
            continue;
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "response_matrix", fg.names[g]);
        fields fs;
        KEYS_OF(fs, "severity", od_pl_sev_key_i, OD_SEV__COUNT);
        if (!od_pl_map_fields(c, fg.val[g], p, &fs))
            continue;
        od_pl_require_all(c, fg.key[g], p, &fs);
        for (int s = 0; s < OD_SEV__COUNT; s++) {
            if (!fs.val[s])
                continue;
            char ps[PATH_MAX_LEN];
            od_pl_sub(ps, p, fs.names[s]);
            int r = od_pl_get_enum(c, fs.val[s], ps, "response level", od_resp_parse, od_pl_resp_key_i,
                                   OD_RESP__COUNT);
            if (r >= 0)
                pol->matrix[g][s] = (od_resp)r;
        }
    }
}

/* A mapping R1..NG -> duration, all four required. */
static void load_resp_durations(ctx *c, const node *k, const node *v, const char *path,
                                int64_t out[OD_RESP__COUNT])
{
    fields f;
    KEYS_OF(f, "response level", od_pl_resp_key_i, OD_RESP__COUNT);
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    od_pl_require_all(c, k, path, &f);
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, path, f.names[r]);
        if (f.val[r])
            od_pl_get_duration(c, f.val[r], p, true, &out[r]);
    }
}

enum { FR_WITHIN, FR_RECIPIENTS, FR_OWNING, FR__COUNT };

/* R-NOT-1: deadline and recipients of the first report, per grade. */
static void load_first_report(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields fg;
    KEYS_OF(fg, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
    if (!od_pl_map_fields(c, v, "first_report", &fg))
        return;
    od_pl_require_all(c, k, "first_report", &fg);
    for (int g = 0; g < OD_GRADE__COUNT; g++) {
        if (!fg.val[g])
            continue;
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        od_pl_sub(p, "first_report", fg.names[g]);
        fields f = {
            .what = "key", .names = {"within", "recipients", "owning_department_heads"}, .n = FR__COUNT};
        if (!od_pl_map_fields(c, fg.val[g], p, &f))
            continue;
        od_pl_require_one(c, fg.key[g], p, &f, FR_WITHIN);
        od_pl_require_one(c, fg.key[g], p, &f, FR_RECIPIENTS);
        od_recipients rc = {0, false};
        bool ok = true;
        if (f.val[FR_WITHIN]) {
            od_pl_sub(q, p, "within");
            od_pl_get_duration(c, f.val[FR_WITHIN], q, false, &pol->first_report_ms[g]);
        }
        if (f.val[FR_OWNING]) {
            od_pl_sub(q, p, "owning_department_heads");
            od_pl_get_bool(c, f.val[FR_OWNING], q, &rc.owning_department_heads);
        }
        if (f.val[FR_RECIPIENTS]) {
            od_pl_sub(q, p, "recipients");
            ok = od_pl_get_enum_set(c, f.val[FR_RECIPIENTS], q, "role", od_role_parse, od_pl_role_key_i,
                                    OD_ROLE__COUNT, &rc.roles);
            if (ok && rc.roles == 0 && !rc.owning_department_heads)
                od_pl_diag(c, f.val[FR_RECIPIENTS]->line, f.val[FR_RECIPIENTS]->col,
                           "%s: no recipients (list at least one role)", q);
            pol->first_report_recipients[g] = rc;
        }
    }
}

enum { AK_LEVELS, AK_WITHIN, AK_RENOTIFY, AK__COUNT };

/* R-NOT-4 */
static void load_ack(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"levels", "within", "renotify_every"}, .n = AK__COUNT};
    if (!od_pl_map_fields(c, v, "acknowledgement", &f))
        return;
    if (f.val[AK_LEVELS]) {
        uint32_t bits;
        if (od_pl_get_enum_set(c, f.val[AK_LEVELS], "acknowledgement.levels", "grade", od_grade_parse,
                               od_pl_grade_key_i, OD_GRADE__COUNT, &bits))
            pol->ack_levels = bits;
    }
    if (f.val[AK_WITHIN])
        od_pl_get_duration(c, f.val[AK_WITHIN], "acknowledgement.within", false, &pol->ack_window_ms);
    if (f.val[AK_RENOTIFY])
        od_pl_get_duration(c, f.val[AK_RENOTIFY], "acknowledgement.renotify_every", true,
                           &pol->renotify_every_ms);
}

/* R-NOT-5 */
static void load_progress(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"every", "remind_before"}, .n = 2};
    if (!od_pl_map_fields(c, v, "progress_reports", &f))
        return;
    if (f.val[0])
        load_resp_durations(c, f.key[0], f.val[0], "progress_reports.every", pol->progress_every_ms);
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "progress_reports.remind_before", true,
                           &pol->progress_remind_before_ms);
}

/* R-ACT-1, R-CLOSE-1 */
static void load_activation(ctx *c, od_policy *pol, const node *k, const node *v)
{
    fields f;
    KEYS_OF(f, "response level", od_pl_resp_key_i, OD_RESP__COUNT);
    if (!od_pl_map_fields(c, v, "activation", &f))
        return;
    od_pl_require_all(c, k, "activation", &f);
    for (int r = 0; r < OD_RESP__COUNT; r++) {
        char p[PATH_MAX_LEN];
        od_pl_sub(p, "activation", f.names[r]);
        if (!f.val[r])
            continue;
        int role = od_pl_get_enum(c, f.val[r], p, "role", od_role_parse, od_pl_role_key_i, OD_ROLE__COUNT);
        if (role >= 0)
            pol->activation_role[r] = (od_role)role;
    }
}

static const char *const char_class_keys[] = {"upper", "lower", "digit", "special"};
static const char *class_key_i(int i)
{
    return (unsigned)i < 4 ? char_class_keys[i] : "?";
}
static int class_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(char_class_keys[i], s) == 0)
            return i;
    return -1;
}

/* R-SEC-SYS-1 */
static void load_password(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"min_length", "require"}, .n = 2};
    if (!od_pl_map_fields(c, v, "password", &f))
        return;
    if (f.val[0])
        od_pl_get_int(c, f.val[0], "password.min_length", 1, 1024, &pol->password.min_length);
    uint32_t bits;
    if (f.val[1] && od_pl_get_enum_set(c, f.val[1], "password.require", "character class", class_parse,
                                       class_key_i, 4, &bits)) {
        pol->password.require_upper = bits & 1u;
        pol->password.require_lower = bits & 2u;
        pol->password.require_digit = bits & 4u;
        pol->password.require_special = bits & 8u;
    }
}

/* R-SEC-SYS-1: login rate limit and sessions. */
static void load_login(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key", .names = {"max_failures", "window", "lockout", "session_ttl"}, .n = 4};
    if (!od_pl_map_fields(c, v, "login", &f))
        return;
    if (f.val[0])
        od_pl_get_int(c, f.val[0], "login.max_failures", 1, 1000000, &pol->login.max_failures);
    if (f.val[1])
        od_pl_get_duration(c, f.val[1], "login.window", false, &pol->login.window_ms);
    if (f.val[2])
        od_pl_get_duration(c, f.val[2], "login.lockout", false, &pol->login.lockout_ms);
    if (f.val[3])
        od_pl_get_duration(c, f.val[3], "login.session_ttl", false, &pol->login.session_ttl_ms);
}

enum {
    TK_VERSION,
    TK_NAME,
    TK_CATEGORIES,
    TK_SEVERITIES,
    TK_MATRIX,
    TK_LIMITS,
    TK_FIRST,
    TK_ACK,
    TK_PROGRESS,
    TK_ACTIVATION,
    TK_PASSWORD,
    TK_LOGIN,
    TK_TEMPLATES,
    TK_NOTIFY, /* issue 4 */
    TK_EVENTS, /* issue 5 */
    TK__COUNT
};

static void load_root(ctx *c, od_policy *pol, const node *root)
{
    fields f = {.what = "key",
                .names = {"version", "name", "categories", "severities", "response_matrix", "handling_limits",
                          "first_report", "acknowledgement", "progress_reports", "activation", "password",
                          "login", "templates", "notify", "events"},
                .n = TK__COUNT};
    if (!od_pl_map_fields(c, root, "policy", &f))
        return;
    if (f.val[TK_VERSION]) {
        int version = 0;
        od_pl_get_int(c, f.val[TK_VERSION], "version", 1, 1, &version);
    }
    if (f.val[TK_NAME])
        set_text(c, f.val[TK_NAME], "name", &pol->name);
    if (f.val[TK_CATEGORIES])
        load_categories(c, pol, f.val[TK_CATEGORIES]);
    if (f.val[TK_SEVERITIES])
        load_severities(c, pol, f.key[TK_SEVERITIES], f.val[TK_SEVERITIES]);
    if (f.val[TK_MATRIX])
        load_matrix(c, pol, f.key[TK_MATRIX], f.val[TK_MATRIX]);
    if (f.val[TK_LIMITS])
        load_resp_durations(c, f.key[TK_LIMITS], f.val[TK_LIMITS], "handling_limits", pol->handling_limit_ms);
    if (f.val[TK_FIRST])
        load_first_report(c, pol, f.key[TK_FIRST], f.val[TK_FIRST]);
    if (f.val[TK_ACK])
        load_ack(c, pol, f.val[TK_ACK]);
    if (f.val[TK_PROGRESS])
        load_progress(c, pol, f.val[TK_PROGRESS]);
    if (f.val[TK_ACTIVATION])
        load_activation(c, pol, f.key[TK_ACTIVATION], f.val[TK_ACTIVATION]);
    if (f.val[TK_PASSWORD])
        load_password(c, pol, f.val[TK_PASSWORD]);
    if (f.val[TK_LOGIN])
        load_login(c, pol, f.val[TK_LOGIN]);
    if (f.val[TK_TEMPLATES])
        od_pl_load_templates(c, pol, f.val[TK_TEMPLATES]);
    if (f.val[TK_NOTIFY])
        od_pl_load_notify(c, pol, f.val[TK_NOTIFY]);
    if (f.val[TK_EVENTS]) /* issue 5 */
        od_pl_load_events(c, pol, f.val[TK_EVENTS]);
}

/* ---- entry points ------------------------------------------------------ */

/* Orders the kept findings by position (stable), so they read like the file
 * even though sections are checked in a fixed order. */
static void sort_diags(od_policy_diags *d)
{
    for (size_t i = 1; i < d->n; i++) {
        od_policy_diag t = d->items[i];
        size_t j = i;
        while (j > 0 && (d->items[j - 1].line > t.line ||
                         (d->items[j - 1].line == t.line && d->items[j - 1].column > t.column))) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = t;
    }
}

od_err od_policy_load_buffer(const char *yaml, size_t len, od_policy **out, od_policy_diags *diags)
{
    od_policy_diags local;
    ctx c = {diags ? diags : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    *out = NULL;
    if (len > OD_POLICY_FILE_MAX) {
        od_pl_diag(&c, 1, 1, "policy file larger than %d bytes", OD_POLICY_FILE_MAX);
        return OD_E_INVALID;
    }
    if (!yaml && len)
        return OD_E_INVALID;
    node *root = build_tree(&c, yaml ? yaml : "", len);
    if (!root) {
        if (c.nomem)
            return OD_E_NOMEM;
        if (c.d->total == 0)
            od_pl_diag(&c, 1, 1, "empty policy file");
        return OD_E_INVALID;
    }
    if (is_null(root)) {
        od_pl_diag(&c, 1, 1, "empty policy file");
        node_free(root);
        return OD_E_INVALID;
    }
    od_policy *pol = od_policy_new_default();
    if (!pol) {
        node_free(root);
        od_pl_oom(&c);
        return OD_E_NOMEM;
    }
    load_root(&c, pol, root);
    node_free(root);
    if (c.nomem || c.d->total) {
        sort_diags(c.d);
        od_policy_free(pol);
        return c.nomem ? OD_E_NOMEM : OD_E_INVALID;
    }
    *out = pol;
    return OD_OK;
}

od_err od_policy_load_file(const char *path, od_policy **out, od_policy_diags *diags)
{
    od_policy_diags local;
    ctx c = {diags ? diags : &local, false};
    c.d->n = 0;
    c.d->total = 0;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        od_pl_diag(&c, 0, 0, "cannot open policy file: %s", strerror(errno));
        return OD_E_IO;
    }
    /* one byte more than the cap, so an oversized file is seen as such */
    char *buf = malloc(OD_POLICY_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        od_pl_oom(&c);
        return OD_E_NOMEM;
    }
    size_t len = fread(buf, 1, OD_POLICY_FILE_MAX + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        od_pl_diag(&c, 0, 0, "cannot read policy file");
        return OD_E_IO;
    }
    od_err rc = od_policy_load_buffer(buf, len, out, diags);
    free(buf);
    return rc;
}

void od_policy_diags_print(FILE *f, const char *path, const od_policy_diags *diags)
{
    for (size_t i = 0; i < diags->n; i++) {
        const od_policy_diag *g = &diags->items[i];
        fprintf(f, "%s%s%d:%d: %s\n", path ? path : "", path ? ":" : "", g->line, g->column, g->message);
    }
    if (diags->total > diags->n)
        fprintf(f, "... and %zu more\n", diags->total - diags->n);
}
