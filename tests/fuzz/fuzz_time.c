/* fuzz_time.c — the RFC 3339 parser od_time_parse().  Every accepted input
 * must format (od_time_format) to a string that parses back to the same
 * millisecond, since opsdesk stores and re-reads the formatted form. */
#include "fuzz.h"

#include "util/clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0; /* longer is never valid; keeps the fuzzer on the grammar */
    char *s = fuzz_strndup(data, size);
    int64_t ms = 0;
    if (od_time_parse(s, &ms)) {
        char buf[OD_TIME_STR_MAX];
        od_time_format(ms, buf);
        FUZZ_CHECK(strlen(buf) == 24);
        int64_t again = -1;
        if (!od_time_parse(buf, &again) || again != ms) {
            fprintf(stderr, "round trip: \"%s\" -> %lld -> \"%s\" -> %lld\n", s, (long long)ms, buf,
                    (long long)again);
            FUZZ_CHECK(!"od_time_parse(od_time_format(ms)) == ms");
        }
    }
    free(s);
    return 0;
}
