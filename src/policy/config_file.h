/* config_file.h — the server's configuration file (/etc/opsdesk/opsdesk.yaml
 * or --config FILE; docs/configuration.md): one YAML mapping whose keys are
 * the command-line options without the leading dashes, '-' written '_'
 * (--tls-cert FILE is `tls_cert: FILE`).  The caller gives the keys it
 * knows; an unknown or duplicate key, a value of the wrong shape, or a YAML
 * error is a finding with its line and column (od_policy_diags, the policy
 * loader's), and the whole file is refused.  Parsed by the policy loader's
 * libyaml tree (policy_yaml.c).  No global state; od_config_load_buffer is
 * the fuzz entry point. */
#ifndef OD_POLICY_CONFIG_FILE_H
#define OD_POLICY_CONFIG_FILE_H

#include "policy/policy_load.h"

#include <stdbool.h>
#include <stddef.h>

#define OD_CONFIG_FILE_MAX (64 * 1024) /* bytes */
#define OD_CONFIG_LIST_MAX 64          /* values of one list key */

typedef enum od_config_kind {
    OD_CONFIG_VALUE, /* one scalar: a string or a number */
    OD_CONFIG_BOOL,  /* true or false (an option without a value) */
    OD_CONFIG_LIST,  /* a scalar or a list of scalars (a repeatable option) */
} od_config_kind;

/* A key the caller knows: name in option form without dashes ("tls-cert";
 * the file writes it tls_cert). */
typedef struct od_config_key {
    const char *name;
    od_config_kind kind;
} od_config_key;

/* One value: keys[key] of the table given to the loader; a boolean false is
 * left out, true has value "true"; a list gives one item per element, in
 * order. */
typedef struct od_config_item {
    size_t key;
    char *value;
    int line;
} od_config_item;

typedef struct od_config {
    od_config_item *items;
    size_t n;
} od_config;

/* Parses len bytes at buf (need not be NUL-terminated).  OD_OK and *out, or
 * OD_E_INVALID (or OD_E_NOMEM) with the findings in d and *out NULL. */
OD_NODISCARD od_err od_config_load_buffer(const char *buf, size_t len, const od_config_key *keys,
                                          size_t n_keys, od_config **out, od_policy_diags *d);
/* As od_config_load_buffer on the file at path; OD_E_IO if unreadable. */
OD_NODISCARD od_err od_config_load_file(const char *path, const od_config_key *keys, size_t n_keys,
                                        od_config **out, od_policy_diags *d);
void od_config_free(od_config *c);

#endif
