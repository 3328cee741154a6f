-- 0004: the notification dispatcher.
-- bot_outbox: one copy of each incident message per configured group bot
-- (DingTalk, WeCom, Feishu, webhook).  Kept apart from `outbox` because a bot
-- has no recipient: UNIQUE(cause, recipient_id, channel) would treat NULL
-- recipients as distinct.  Here (cause, channel_name) is the key.
CREATE TABLE bot_outbox (
    id INTEGER PRIMARY KEY,
    cause TEXT NOT NULL,
    incident_id BIGINT REFERENCES incidents(id),
    channel_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    desk TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (cause, channel_name)
);
CREATE INDEX bot_outbox_pending ON bot_outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX bot_outbox_incident ON bot_outbox(incident_id);

-- Every send attempt of an outbox or bot_outbox row (R-NOT-7): exactly one
-- of outbox_id / bot_id is set.  status: sent | retry | failed | interrupted.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    outbox_id BIGINT REFERENCES outbox(id),
    bot_id BIGINT REFERENCES bot_outbox(id),
    incident_id BIGINT,
    at BIGINT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    vendor_code TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_outbox ON deliveries(outbox_id);
CREATE INDEX deliveries_bot ON deliveries(bot_id);
CREATE INDEX deliveries_incident ON deliveries(incident_id);
