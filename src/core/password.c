/* password.c — password policy check (R-SEC-SYS-1): length in characters
 * (UTF-8 code points), upper, lower, digit, special. */
#include "password.h"

#include "util/join.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

od_err od_password_check(const od_password_policy *pp, const char *pw, od_error *e)
{
    int upper = 0, lower = 0, digit = 0, special = 0;
    pw = pw ? pw : "";
    size_t chars = od_utf8_count(pw, strlen(pw));
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (isupper(*p))
            upper = 1;
        else if (islower(*p))
            lower = 1;
        else if (isdigit(*p))
            digit = 1;
        else if (*p >= 0x21 && *p < 0x7F)
            special = 1;
    }
    char zh[256], en[256];
    od_join zj = od_join_start(zh, sizeof zh, "、"), ej = od_join_start(en, sizeof en, ", ");
#define MISS(cond, z, en_)                                                                                   \
    if (cond) {                                                                                              \
        od_join_add(&zj, z);                                                                                 \
        od_join_add(&ej, en_);                                                                               \
    }
    char zlen[64], elen[64];
    snprintf(zlen, sizeof zlen, "至少%d个字符", pp->min_length);
    snprintf(elen, sizeof elen, "at least %d characters", pp->min_length);
    MISS(pp->min_length > 0 && chars < (size_t)pp->min_length, zlen, elen)
    MISS(pp->require_upper && !upper, "大写字母", "an upper-case letter")
    MISS(pp->require_lower && !lower, "小写字母", "a lower-case letter")
    MISS(pp->require_digit && !digit, "数字", "a digit")
    MISS(pp->require_special && !special, "特殊字符", "a special character")
#undef MISS
    if (zj.n == 0)
        return OD_OK;
    return od_error_set(e, OD_E_UNPROCESSABLE, "password", "密码须包含：%s (password needs %s)", zh, en);
}
