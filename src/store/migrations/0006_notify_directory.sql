-- 0006: notification directory and acknowledgement links.
-- user_notify: a user's personal group-bot webhook (DingTalk, WeCom, Feishu,
-- generic webhook) and own choice of channels per incident level
-- ({"L1": ["sms","email","bot"], ...}; a level not listed follows the policy).
-- Mobile number, e-mail address and language stay in users.
CREATE TABLE user_notify (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    bot_kind TEXT NOT NULL DEFAULT '',
    bot_url TEXT NOT NULL DEFAULT '',
    bot_secret TEXT NOT NULL DEFAULT '',
    channels TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL
);

-- R-NOT-4 acknowledgement links: one per message sent to a recipient who
-- has something to acknowledge.  Only the SHA-256 of the token is kept; the
-- token itself exists only in the message.  used_at is set once.
CREATE TABLE ack_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    outbox_id BIGINT REFERENCES outbox(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    used_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ack_links_incident ON ack_links(incident_id);
