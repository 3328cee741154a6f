/* fuzz_config.c — the server configuration file parser,
 * od_config_load_buffer(), on arbitrary bytes with a table of every kind
 * of key.  Invariants: a configuration comes back exactly when OD_OK is
 * returned, with no finding; every item names a key of the table, a boolean
 * item is "true", values are NUL-terminated and within the size cap; the
 * findings are bounded and their messages NUL-terminated; no leak. */
#include "fuzz.h"

#include "policy/config_file.h"

static const od_config_key keys[] = {
    {"db", OD_CONFIG_VALUE},           {"listen", OD_CONFIG_VALUE},        {"tls-cert", OD_CONFIG_VALUE},
    {"trusted-proxy", OD_CONFIG_LIST}, {"metrics-public", OD_CONFIG_BOOL}, {"test-clock", OD_CONFIG_BOOL},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    od_policy_diags *d = malloc(sizeof *d);
    if (!d)
        abort();
    od_config *c = NULL;
    od_err rc = od_config_load_buffer((const char *)data, size, keys, N_KEYS, &c, d);
    FUZZ_CHECK((rc == OD_OK) == (c != NULL));
    FUZZ_CHECK(d->n <= OD_POLICY_DIAG_MAX && d->n <= d->total);
    FUZZ_CHECK(rc == OD_OK ? d->total == 0 : d->n > 0);
    for (size_t i = 0; i < d->n; i++)
        FUZZ_CHECK(memchr(d->items[i].message, 0, sizeof d->items[i].message) != NULL);
    for (size_t i = 0; c && i < c->n; i++) {
        FUZZ_CHECK(c->items[i].key < N_KEYS);
        FUZZ_CHECK(strlen(c->items[i].value) < 4096 && c->items[i].line >= 1);
        if (keys[c->items[i].key].kind == OD_CONFIG_BOOL)
            FUZZ_CHECK(strcmp(c->items[i].value, "true") == 0);
    }
    od_config_free(c);
    free(d);
    return 0;
}
