/* fuzz_events.c — opsdesk's own event format (POST /api/v1/events) as the server parses it; the harness and
 * its invariants are in fuzz_ingest.h. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest(data, size, od_ingest_parse_events, NULL);
}
