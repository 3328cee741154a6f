/* event_decision.c — decision codes and their texts; contract in
 * event_decision.h. */
#include "core/event_decision.h"
#include "core/event.h"
#include "core/policy.h"
#include "util/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *step, *text;
    int nargs;
} DEC[OD_DEC__END] = {
    [OD_DEC_DEDUP_RESOLVED] = {"dedup", "已恢复，关闭 (resolved: closed)", 0},
    [OD_DEC_DEDUP_RESOLVED_FLAPPING] = {"dedup", "已恢复，关闭 (resolved: closed)；抖动 (flapping)", 0},
    [OD_DEC_DEDUP_FIRED] = {"dedup", "再次触发 (fired again)", 0},
    [OD_DEC_DEDUP_FIRED_FLAPPING] = {"dedup", "再次触发 (fired again)；抖动 (flapping)", 0},
    [OD_DEC_DEDUP_WINDOW_OVER] = {"dedup",
                                  "维护窗口已结束，重新处理 (maintenance window over: evaluated again)", 0},
    [OD_DEC_DEDUP_NEW_RESOLVED] = {"dedup", "恢复通知，无对应告警 (resolved, never seen firing)", 0},
    [OD_DEC_DEDUP_FLAPPING] = {"dedup",
                               "抖动：{0} 次状态变化在窗口内 (flapping: {0} state changes within the window)",
                               1},
    [OD_DEC_FILTERED] = {"filter", "已过滤 (filtered)", 0},
    [OD_DEC_CLASSIFIED] = {"classify", "{c0} ({0})", 1},
    [OD_DEC_SILENCED] = {"maintenance", "维护窗口 #{0} 静默 (silenced by maintenance window #{0} {1})", 2},
    [OD_DEC_SUPPRESSED] =
        {"correlate",
         "抑制：依赖的配置项 {0} (#{1}) 已有故障 (suppressed: depends on CI {0} #{1}, which is in "
         "trouble)",
         2},
    [OD_DEC_GROUPED] = {"correlate", "归并到 #{0} 的告警（{1}）(grouped with event #{0}, {1})", 2},
    [OD_DEC_RESPOND_WEBHOOK] = {"respond", "自动响应：调用 {0} (automatic response: webhook {0})", 1},
    [OD_DEC_RESPOND_ROLE] = {"respond", "通知 {r0}（{1} 人）(alerted role {0}: {1} people)", 2},
    [OD_DEC_RESPOND_NONE] = {"respond", "无自动响应 (no response configured)", 0},
    [OD_DEC_INCIDENT_ATTACHED] = {"incident", "并入事件 {0} (attached to incident {0})", 1},
    [OD_DEC_INCIDENT_OPENED] = {"incident",
                                "登记事件 {0}，影响程度 {s1} (opened incident {0}, severity {1}, CI {2})", 3},
    [OD_DEC_INCIDENT_NO_CI] =
        {"incident",
         "未登记：未匹配到配置项，改为通知值班人员 (no incident: no CI matched; alerting a "
         "person instead)",
         0},
    [OD_DEC_INCIDENT_NO_RULE] = {"incident",
                                 "未登记：无匹配的登记规则，改为通知值班人员 (no incident: no incident rule "
                                 "matched; alerting a person instead)",
                                 0},
};

static bool known(int code)
{
    return code > 0 && code < OD_DEC__END && DEC[code].step;
}

const char *od_dec_step(int code)
{
    return known(code) ? DEC[code].step : NULL;
}

int od_dec_nargs(int code)
{
    return known(code) ? DEC[code].nargs : -1;
}

typedef struct out {
    char *p;
    size_t cap, n;
    bool full;
} out;

/* Appends whole UTF-8 characters while they fit (one byte kept for NUL). */
static void put(out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    size_t room = o->cap - 1 - o->n;
    if (n > room) {
        n = od_utf8_prefix_bytes(s, n, room);
        o->full = true;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* The Chinese name of a key argument for {c…}, {r…}, {s…}; the key itself
 * when it names nothing. */
static const char *name_zh(char kind, const char *key)
{
    int v;
    switch (kind) {
    case 'c':
        v = od_event_class_parse(key);
        return v >= 0 ? od_event_class_name_zh((od_event_class)v) : key;
    case 'r':
        v = od_role_parse(key);
        return v >= 0 ? od_role_name_zh((od_role)v) : key;
    default:
        v = od_severity_parse(key);
        return v >= 0 ? od_severity_name_zh((od_severity)v) : key;
    }
}

size_t od_dec_render(char *buf, size_t cap, int code, const od_dec_arg *args, int nargs)
{
    if (cap == 0)
        return 0;
    out o = {buf, cap, 0, false};
    const char *t = known(code) ? DEC[code].text : "?";
    while (*t) {
        const char *brace = strchr(t, '{');
        if (!brace) {
            put(&o, t, strlen(t));
            break;
        }
        put(&o, t, (size_t)(brace - t));
        const char *p = brace + 1;
        char kind = (*p == 'c' || *p == 'r' || *p == 's') ? *p++ : 0;
        if (*p >= '0' && *p <= '9' && p[1] == '}') {
            int k = *p - '0';
            if (k < nargs && args[k].s) {
                const char *v = kind ? name_zh(kind, args[k].s) : args[k].s;
                put(&o, v, strlen(v));
            } else if (k < nargs) {
                char num[24];
                int len = snprintf(num, sizeof num, "%" PRId64, args[k].i);
                put(&o, num, (size_t)len);
            }
            t = p + 2;
        } else {
            put(&o, brace, 1);
            t = brace + 1;
        }
    }
    buf[o.n] = 0;
    return o.n;
}

size_t od_dec_copy(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return 0;
    out o = {dst, cap, 0, false};
    put(&o, src, strlen(src));
    dst[o.n] = 0;
    return o.n;
}
