/* password.h — the password policy check (R-SEC-SYS-1).  Pure. */
#ifndef OD_PASSWORD_H
#define OD_PASSWORD_H

#include "core/policy.h"
#include "util/err.h"

/* OD_OK, or OD_E_UNPROCESSABLE (field "password") with a message listing
 * every rule the password breaks, Chinese first. */
OD_NODISCARD od_err od_password_check(const od_password_policy *pp, const char *pw, od_error *e);

#endif
