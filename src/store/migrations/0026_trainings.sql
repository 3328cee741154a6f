-- 0026: training records (培训记录; research/modules-spec.md §M7, seed 000
-- ch. 9, seed 004 §7.5.2): one row per person per training: the topic, its
-- length in minutes (the API speaks hours), the date it was held and,
-- optionally, the emergency plan it trained.  Qualification and annual
-- hours are computed (core/readiness.h), not stored.  Portable SQL.
CREATE TABLE trainings (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    topic TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    held_at BIGINT NOT NULL,
    plan_id BIGINT REFERENCES records(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX trainings_user_held ON trainings(user_id, held_at);
CREATE INDEX trainings_held ON trainings(held_at);
