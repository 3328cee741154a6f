/* known_error.c — match rules, matching and the search plan of the
 * known-error database; see known_error.h.  Pure. */
#include "core/known_error.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

od_err od_ke_rules_parse(const char *const *texts, size_t n, od_ke_rules *r, od_error *e)
{
    memset(r, 0, sizeof *r);
    if (n > OD_KE_RULES_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "match_rules", "最多 %d 条匹配规则 (at most %d match rules)",
                            OD_KE_RULES_MAX, OD_KE_RULES_MAX);
    for (size_t i = 0; i < n; i++) {
        od_error why = {0};
        if (od_matcher_parse(&r->m[i], texts[i], &why) != OD_OK) {
            od_ke_rules_cleanup(r);
            char field[32];
            snprintf(field, sizeof field, "match_rules[%zu]", i);
            return od_error_set(e, OD_E_UNPROCESSABLE, field,
                                "第 %zu 条匹配规则无效：%s (match rule %zu is invalid)", i + 1, why.message,
                                i + 1);
        }
        r->n = i + 1;
    }
    return OD_OK;
}

void od_ke_rules_cleanup(od_ke_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n && i < OD_KE_RULES_MAX; i++)
        od_matcher_cleanup(&r->m[i]);
    r->n = 0;
}

static bool has_rules(const od_ke_target *k)
{
    return k->rules && k->rules->n > 0;
}

static bool ci_in(const int64_t *v, size_t n, int64_t ci)
{
    for (size_t i = 0; ci != 0 && i < n; i++)
        if (v[i] == ci)
            return true;
    return false;
}

bool od_ke_matches_event(const od_ke_target *k, const od_labels *ls, int64_t ci_id)
{
    if (!has_rules(k) && k->n_cis == 0)
        return false;
    if (k->n_cis > 0 && !ci_in(k->cis, k->n_cis, ci_id))
        return false;
    return !has_rules(k) || od_matchers_match(k->rules->m, k->rules->n, ls);
}

bool od_ke_matches_incident(const od_ke_target *k, const od_labels *sets, size_t n_sets, const int64_t *cis,
                            size_t n_cis)
{
    if (!has_rules(k) && k->n_cis == 0)
        return false;
    if (k->n_cis > 0) {
        bool any = false;
        for (size_t i = 0; i < n_cis && !any; i++)
            any = ci_in(k->cis, k->n_cis, cis[i]);
        if (!any)
            return false;
    }
    if (!has_rules(k))
        return true;
    for (size_t i = 0; i < n_sets; i++)
        if (od_matchers_match(k->rules->m, k->rules->n, &sets[i]))
            return true;
    return false;
}

/* ---- search ---- */

/* Length of the space at s (ASCII space, tab, U+3000), 0 if none. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

od_err od_search_plan(const char *q, od_search_mode *mode, char expr[OD_SEARCH_EXPR_MAX], od_error *e)
{
    *mode = OD_SEARCH_ALL;
    expr[0] = 0;
    q = q ? q : "";
    size_t len = strlen(q);
    if (len > OD_SEARCH_QUERY_MAX)
        return od_error_set(e, OD_E_INVALID, "q", "搜索词最长 %d 字节 (a query is at most %d bytes)",
                            OD_SEARCH_QUERY_MAX, OD_SEARCH_QUERY_MAX);
    if (!od_utf8_valid(q, len))
        return od_error_set(e, OD_E_INVALID, "q", "搜索词须为 UTF-8 (the query must be UTF-8)");
    /* trim */
    const char *b = q, *end = q + len;
    size_t s;
    while (b < end && (s = space_at(b)) > 0)
        b += s;
    while (end > b) {
        if (end - b >= 1 && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
            end--;
        else if (end - b >= 3 && space_at(end - 3) == 3)
            end -= 3;
        else
            break;
    }
    if (b == end)
        return OD_OK;
    /* terms */
    const char *ts[OD_SEARCH_TERMS_MAX];
    size_t tl[OD_SEARCH_TERMS_MAX], nt = 0;
    bool all_long = true;
    for (const char *p = b; p < end;) {
        if ((s = space_at(p)) > 0) {
            p += s;
            continue;
        }
        const char *t = p;
        while (p < end && space_at(p) == 0)
            p++;
        if (nt == OD_SEARCH_TERMS_MAX)
            return od_error_set(e, OD_E_INVALID, "q", "搜索词最多 %d 个 (at most %d terms)",
                                OD_SEARCH_TERMS_MAX, OD_SEARCH_TERMS_MAX);
        ts[nt] = t;
        tl[nt] = (size_t)(p - t);
        if (od_utf8_count(t, tl[nt]) < OD_SEARCH_MIN_CHARS)
            all_long = false;
        nt++;
    }
    size_t o = 0;
    if (!all_long) {
        *mode = OD_SEARCH_LIKE;
        memcpy(expr, b, (size_t)(end - b));
        expr[end - b] = 0;
        return OD_OK;
    }
    *mode = OD_SEARCH_FTS;
    for (size_t i = 0; i < nt; i++) {
        if (i > 0)
            expr[o++] = ' ';
        expr[o++] = '"';
        for (size_t j = 0; j < tl[i]; j++) {
            if (ts[i][j] == '"')
                expr[o++] = '"';
            expr[o++] = ts[i][j];
        }
        expr[o++] = '"';
    }
    expr[o] = 0; /* at most 2 * 256 + 3 * 8 bytes */
    return OD_OK;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The first place in body of t[0..n), ASCII case ignored, or NULL. */
static const char *find_ci(const char *body, const char *t, size_t n)
{
    if (n == 0)
        return NULL;
    for (const char *p = body; *p; p++) {
        size_t j = 0;
        while (j < n && p[j] && lower((unsigned char)p[j]) == lower((unsigned char)t[j]))
            j++;
        if (j == n)
            return p;
    }
    return NULL;
}

/* Start of the character ctx characters before p (not before body). */
static const char *back_chars(const char *body, const char *p, size_t ctx)
{
    while (p > body && ctx > 0) {
        p--;
        while (p > body && ((unsigned char)*p & 0xC0) == 0x80)
            p--;
        ctx--;
    }
    return p;
}

char *od_search_snippet(const char *body, const char *q, size_t ctx, char *out, size_t n)
{
    if (n == 0)
        return out;
    out[0] = 0;
    body = body ? body : "";
    q = q ? q : "";
    const char *hit = NULL;
    size_t hit_len = 0;
    /* the first term of q that occurs */
    for (const char *p = q; *p && !hit;) {
        size_t s = space_at(p);
        if (s > 0) {
            p += s;
            continue;
        }
        const char *t = p;
        while (*p && space_at(p) == 0)
            p++;
        hit = find_ci(body, t, (size_t)(p - t));
        hit_len = (size_t)(p - t);
    }
    const char *from = hit ? back_chars(body, hit, ctx) : body;
    const char *after = hit ? hit + hit_len : body;
    size_t rest = strlen(after);
    size_t keep = od_utf8_prefix_chars(after, rest, hit ? ctx : 2 * ctx);
    const char *to = after + keep;
    size_t o = 0;
    if (from > body && o + 3 < n) {
        memcpy(out + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    size_t len = (size_t)(to - from);
    if (o + len >= n)
        len = od_utf8_prefix_bytes(from, len, n - o - 1);
    memcpy(out + o, from, len);
    o += len;
    if (*to && o + 3 < n) {
        memcpy(out + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    out[o] = 0;
    return out;
}
