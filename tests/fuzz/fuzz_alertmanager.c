/* fuzz_alertmanager.c — the Alertmanager webhook payload (POST /api/v1/integrations/alertmanager) as the
 * server parses it; the harness and its invariants are in fuzz_ingest.h. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest(data, size, od_ingest_parse_alertmanager, "alerts");
}
