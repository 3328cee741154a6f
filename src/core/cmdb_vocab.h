/* cmdb_vocab.h — the CMDB's fixed vocabularies (R-CI-1): the environments a
 * configuration item runs in and the types of relations between items.
 * One list each, here; messages list them from here.  Pure. */
#ifndef OD_CMDB_VOCAB_H
#define OD_CMDB_VOCAB_H

#include <stdbool.h>

typedef enum od_ci_env {
    OD_CI_ENV_PRODUCTION = 0,
    OD_CI_ENV_SAME_CITY_BACKUP,
    OD_CI_ENV_SAME_ROOM_BACKUP,
    OD_CI_ENV_TEST,
    OD_CI_ENV_TRAINING,
    OD_CI_ENV__COUNT
} od_ci_env;

typedef enum od_ci_rel {
    OD_CI_REL_RUNS_ON = 0,
    OD_CI_REL_DEPENDS_ON,
    OD_CI_REL_BACKS_UP,
    OD_CI_REL_CONNECTS_TO,
    OD_CI_REL__COUNT
} od_ci_rel;

/* The key, or "?" out of range. */
const char *od_ci_env_key(od_ci_env v);
const char *od_ci_rel_key(od_ci_rel v);
/* The value of an exact key, or -1 (NULL, unknown, other case). */
int od_ci_env_parse(const char *s);
int od_ci_rel_parse(const char *s);
/* Every key, ", "-separated, for messages ("production, same_city_backup, …"). */
const char *od_ci_env_keys(void);
const char *od_ci_rel_keys(void);

#endif
