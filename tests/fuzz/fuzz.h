/* fuzz.h — shared by the libFuzzer targets in tests/fuzz/ and the replay
 * driver.  Each fuzz_<name>.c defines LLVMFuzzerTestOneInput(); built with
 * clang -fsanitize=fuzzer it is a libFuzzer binary, linked with replay_main.c
 * (any compiler) it replays a corpus once for `make test`.  A failed
 * invariant calls FUZZ_CHECK, which aborts so both drivers report a crash. */
#ifndef OD_FUZZ_H
#define OD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                            \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            fprintf(stderr, "%s:%d: %s: invariant failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
            abort();                                                                                \
        }                                                                                           \
    } while (0)

/* A NUL-terminated copy of data[0..size) (the caller frees).  Aborts on OOM:
 * an allocation failure in the harness is not a finding. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = 0;
    return s;
}

#endif
