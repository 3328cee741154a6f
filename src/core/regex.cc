// regex.cc — the RE2 shim behind core/regex.h: the only C++ in opsdesk,
// kept to these few lines so that everything else stays C11.  No exception
// leaves it (allocation failures become NULL).
#include "core/regex.h"

#include <re2/re2.h>

#include <atomic>
#include <cstdio>
#include <new>

struct od_regex {
    std::atomic<int> refs;
    RE2 re;
    od_regex(const char *p, const RE2::Options &o) : refs(1), re(p, o) {}
};

od_regex *od_regex_new(const char *pattern, char *err, size_t errlen)
{
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(OD_REGEX_MAX_MEM);
    od_regex *r = nullptr;
    try {
        r = new od_regex(pattern ? pattern : "", o);
    } catch (...) {
        std::snprintf(err, errlen, "out of memory");
        return nullptr;
    }
    if (!r->re.ok()) {
        std::snprintf(err, errlen, "%s", r->re.error().c_str());
        delete r;
        return nullptr;
    }
    return r;
}

od_regex *od_regex_ref(od_regex *r)
{
    if (r)
        r->refs.fetch_add(1, std::memory_order_relaxed);
    return r;
}

void od_regex_unref(od_regex *r)
{
    if (r && r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        delete r;
}

bool od_regex_full_match(const od_regex *r, const char *s)
{
    try {
        return r && RE2::FullMatch(s ? s : "", r->re);
    } catch (...) {
        return false;
    }
}
