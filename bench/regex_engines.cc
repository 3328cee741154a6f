// regex_engines.cc — compile and match cost of the maintenance-window matcher
// engines: glibc POSIX ERE (regcomp, the engine before), RE2 and PCRE2 (JIT,
// with match and depth limits).  Not a test: `bench/regex_engines.sh` builds
// and runs it; figures in bench/results.md ("Window matchers").
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>
#include <regex.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

static double now_ms()
{
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

struct Case {
    const char *name, *pattern;
    std::string subject;
};

static void posix(const Case &c)
{
    std::string src = "^(" + std::string(c.pattern) + ")$";
    regex_t re;
    double t0 = now_ms();
    int rc = regcomp(&re, src.c_str(), REG_EXTENDED | REG_NOSUB);
    double t1 = now_ms();
    if (rc) {
        std::printf("| %s | posix | refused (%.2f ms) | - |\n", c.name, t1 - t0);
        return;
    }
    int m = regexec(&re, c.subject.c_str(), 0, nullptr, 0);
    double t2 = now_ms();
    std::printf("| %s | posix | %.3f ms | %.3f ms (%s) |\n", c.name, t1 - t0, t2 - t1, m == 0 ? "match" : "no");
    regfree(&re);
}

static void with_re2(const Case &c)
{
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(1 << 20);
    double t0 = now_ms();
    RE2 re(c.pattern, o);
    double t1 = now_ms();
    if (!re.ok()) {
        std::printf("| %s | re2 | refused (%.3f ms): %s | - |\n", c.name, t1 - t0, re.error().c_str());
        return;
    }
    bool m = RE2::FullMatch(c.subject, re);
    double t2 = now_ms();
    std::printf("| %s | re2 | %.3f ms | %.3f ms (%s) |\n", c.name, t1 - t0, t2 - t1, m ? "match" : "no");
}

static void pcre(const Case &c)
{
    int err;
    PCRE2_SIZE off;
    std::string src = "^(?:" + std::string(c.pattern) + ")$";
    double t0 = now_ms();
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src.c_str(), PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, nullptr);
    if (re)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    double t1 = now_ms();
    if (!re) {
        PCRE2_UCHAR msg[128];
        pcre2_get_error_message(err, msg, sizeof msg);
        std::printf("| %s | pcre2 | refused (%.3f ms): %s | - |\n", c.name, t1 - t0, (const char *)msg);
        return;
    }
    pcre2_match_context *mc = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(mc, 100000);
    pcre2_set_depth_limit(mc, 1000);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, nullptr);
    int m = pcre2_match(re, (PCRE2_SPTR)c.subject.c_str(), c.subject.size(), 0, 0, md, mc);
    double t2 = now_ms();
    const char *r = m >= 0 ? "match" : m == PCRE2_ERROR_NOMATCH ? "no" : m == PCRE2_ERROR_MATCHLIMIT ? "MATCH LIMIT: answer unknown" : "error";
    std::printf("| %s | pcre2 | %.3f ms | %.3f ms (%s) |\n", c.name, t1 - t0, t2 - t1, r);
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    pcre2_code_free(re);
}

int main()
{
    std::string a30(30, 'a'), a1k(1000, 'a');
    std::vector<Case> cs = {
        {"normal db-[0-9]+", "db-[0-9]+|core-.*", "core-db-A"},
        {"(a+)+$ on a*30!", "(a+)+", a30 + "!"},
        {"(a|aa)+ on a*30!", "(a|aa)+", a30 + "!"},
        {"(.*a){20} on a*1000!", "(.*a){20}", a1k + "!"},
        {"(a*)*b on a*1000", "(a*)*b", a1k},
        {"((a{1,50}){1,50}){1,50} on a*30!", "((a{1,50}){1,50}){1,50}", a30 + "!"},
        {"(a{1,100}){1,100} on a*1000", "(a{1,100}){1,100}", a1k},
        {"a{1000} on a*1000", "a{1000}", a1k},
        {"(x+x+)+y on x*1000", "(x+x+)+y", std::string(1000, 'x')},
    };
    std::printf("| case | engine | compile | one match |\n| --- | --- | --- | --- |\n");
    for (auto &c : cs) {
        with_re2(c);
        pcre(c);
        std::fflush(stdout);
    }
    for (auto &c : cs) {
        if (std::string(c.name).find("{1,50}){1,50}") != std::string::npos)
            continue; /* takes seconds and hundreds of MB: measured once below */
        posix(c);
        std::fflush(stdout);
    }
    posix(cs[5]);
    return 0;
}
