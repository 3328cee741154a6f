-- 0022 — an initial password must be changed at first sign-in: set on an
-- account an administrator creates and on the bootstrap administrators,
-- cleared by the holder's own password change (docs/accounts.md).
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
