/* queries_account.h — the initial-password flag of an account
 * (app/accounts.c, migration 0022, docs/accounts.md "First sign-in"). */
#ifndef OD_QUERIES_ACCOUNT_H
#define OD_QUERIES_ACCOUNT_H

#define OD_QUERY_LIST_ACCOUNT(X)                                                                             \
    X(USER_MUST_CHANGE_SET, "UPDATE users SET must_change_password = ? WHERE id = ?")                        \
    X(USER_MUST_CHANGE_GET, "SELECT must_change_password FROM users WHERE id = ?")

#endif
