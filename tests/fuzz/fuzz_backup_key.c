/* fuzz_backup_key.c — the backup key text forms: od_backup_key_from_text()
 * on the whole input, and od_backup_key_join() on the input split at its
 * first newline into two shares.  Invariants: a parsed key prints back
 * (od_backup_key_to_text) to a text that parses to the same key; join never
 * succeeds on two copies of one share; errors leave a NUL-terminated
 * message. */
#include "fuzz.h"

#include "store/backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2 * OD_BACKUP_KEY_TEXT_INPUT_MAX + 64)
        return 0;
    char *s = fuzz_strndup(data, size);
    od_backup_key k, k2;
    od_error e;
    od_error_clear(&e);
    if (od_backup_key_from_text(s, &k, &e) == OD_OK) {
        char text[OD_BACKUP_KEY_TEXT_MAX];
        FUZZ_CHECK(od_backup_key_to_text(&k, text) == OD_OK);
        od_error_clear(&e);
        FUZZ_CHECK(od_backup_key_from_text(text, &k2, &e) == OD_OK);
        FUZZ_CHECK(memcmp(k.key, k2.key, sizeof k.key) == 0);
    } else {
        FUZZ_CHECK(memchr(e.message, 0, sizeof e.message) != NULL);
    }

    char *nl = strchr(s, '\n');
    const char *s1 = s, *s2 = "";
    if (nl) {
        *nl = 0;
        s2 = nl + 1;
    }
    od_error_clear(&e);
    od_err rc = od_backup_key_join(s1, s2, &k, &e);
    if (rc == OD_OK)
        FUZZ_CHECK(strcmp(s1, s2) != 0);
    else
        FUZZ_CHECK(rc == OD_E_INVALID && memchr(e.message, 0, sizeof e.message) != NULL);
    od_backup_key_wipe(&k);
    od_backup_key_wipe(&k2);
    free(s);
    return 0;
}
