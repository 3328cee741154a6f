/* cmdb_vocab.c — the CMDB vocabularies (R-CI-1); see cmdb_vocab.h. */
#include "cmdb_vocab.h"
#include "core/keys.h"

#include <string.h>

static const char *const envs[OD_CI_ENV__COUNT] = {[OD_CI_ENV_PRODUCTION] = "production",
                                                   [OD_CI_ENV_SAME_CITY_BACKUP] = "same_city_backup",
                                                   [OD_CI_ENV_SAME_ROOM_BACKUP] = "same_room_backup",
                                                   [OD_CI_ENV_TEST] = "test",
                                                   [OD_CI_ENV_TRAINING] = "training"};
static const char *const rels[OD_CI_REL__COUNT] = {[OD_CI_REL_RUNS_ON] = "runs_on",
                                                   [OD_CI_REL_DEPENDS_ON] = "depends_on",
                                                   [OD_CI_REL_BACKS_UP] = "backs_up",
                                                   [OD_CI_REL_CONNECTS_TO] = "connects_to"};

const char *od_ci_env_key(od_ci_env v)
{
    return od_key_name(envs, OD_CI_ENV__COUNT, (int)v);
}
const char *od_ci_rel_key(od_ci_rel v)
{
    return od_key_name(rels, OD_CI_REL__COUNT, (int)v);
}
int od_ci_env_parse(const char *s)
{
    return od_key_parse(envs, OD_CI_ENV__COUNT, s);
}
int od_ci_rel_parse(const char *s)
{
    return od_key_parse(rels, OD_CI_REL__COUNT, s);
}
const char *od_ci_env_keys(void)
{
    return "production, same_city_backup, same_room_backup, test, training";
}
const char *od_ci_rel_keys(void)
{
    return "runs_on, depends_on, backs_up, connects_to";
}
