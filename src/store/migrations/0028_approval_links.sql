-- 0028: deciding an approval from a message (research/modules-spec.md §1.5
-- "approve from a message"): a one-time link per sent message to an
-- approver, minted by the dispatcher as the acknowledgement links are
-- (0006 ack_links): only the SHA-256 of the token is kept, with the record,
-- the approver, the expiry, and once used when, from where and what was
-- decided.  Portable SQL.
CREATE TABLE approval_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    record_id BIGINT NOT NULL REFERENCES records(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    outbox_id BIGINT REFERENCES outbox(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    used_addr TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approval_links_record ON approval_links(record_id);
