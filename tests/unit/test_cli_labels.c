/* test_cli_labels.c — every column the command-line client prints carries a
 * label in Chinese first and English second (the probe of the docs found
 * `class`, `summary`, `last_seen`, `author`, `desk_name` printed as raw keys).
 * The columns are read from the client's own tables in src/cli/cli_*.c (every
 * `{"key", NULL, ...}`: a column labelled by od_cli_label), so a column added
 * later without a label fails here; the rows shown with their own keys
 * (recipients, acknowledgements, reports of GET /api/v1/incidents/{id}) are
 * listed.  Run from the source root (CTest's working directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static bool bilingual(const char *key)
{
    const char *l = od_cli_label(key);
    if (strcmp(l, key) == 0)
        return false;
    bool zh = (unsigned char)l[0] >= 0x80, en = false; /* Chinese first */
    for (const char *p = l; *p; p++)
        en |= (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
    return zh && en;
}

static size_t check_file(const char *path, size_t *bad)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        for (const char *p = line; (p = strstr(p, "{\"")) != NULL; p++) {
            const char *end = strchr(p + 2, '"');
            if (!end || strncmp(end, "\", NULL,", 8) != 0)
                continue;
            const char *third = end + 8 + strspn(end + 8, " ");
            if (strncmp(third, "NULL}", 5) != 0 && strncmp(third, "fmt_", 4) != 0)
                continue; /* a section ({"items", NULL, inc_cols}), not a column */
            char key[64];
            size_t len = (size_t)(end - (p + 2));
            if (len == 0 || len >= sizeof key)
                continue;
            memcpy(key, p + 2, len);
            key[len] = '\0';
            if (!bilingual(key)) {
                fprintf(stderr,
                        "%s: column %s has no bilingual label (od_cli_label in src/cli/cli_table.c)\n", path,
                        key);
                (*bad)++;
            }
            n++;
        }
    }
    fclose(f);
    return n;
}

static void test_every_table_column(void **state)
{
    (void)state;
    static const char *const files[] = {"src/cli/cli_cmds.c", "src/cli/cli_problems.c",
                                        "src/cli/cli_policy.c", "src/cli/cli_notify.c"};
    size_t n = 0, bad = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        n += check_file(files[i], &bad);
    assert_true(n >= 80); /* the tables were found */
    assert_int_equal(bad, 0);
}

static void test_row_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {/* recipients */ "user_id",
                                       "username",
                                       "display_name",
                                       "reason",
                                       "notified_at",
                                       "ack_due",
                                       "ack_overdue",
                                       "ack_required",
                                       "acked_at",
                                       "unreachable_24h",
                                       /* reports */ "kind",
                                       "at",
                                       "author",
                                       "author_name",
                                       "desk",
                                       "desk_name",
                                       "fields",
                                       /* deadlines */ "due_at",
                                       "met_at",
                                       "missed",
                                       "state",
                                       "recipient_id",
                                       /* an event's decisions */ "step",
                                       "rule",
                                       "result"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!bilingual(keys[i]))
            fprintf(stderr, "row key %s has no bilingual label\n", keys[i]);
        assert_true(bilingual(keys[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_table_column),
                                       cmocka_unit_test(test_row_keys)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
