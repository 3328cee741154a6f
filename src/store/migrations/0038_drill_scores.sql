-- 0038: a drill's participants' roles in the drill (drills.participant_roles,
-- a JSON object: user id → role key) and the manual 1–5 scores per
-- scorecard item, for the drill as a whole (user_id 0) or per participant
-- (docs/drills.md; research/modules-spec.md §M7.4), and the drill's script
-- of injects (drills.script, a JSON array of {offset_min, text}) the
-- scheduler fires into the running drill's simulated incident.  Portable SQL.
ALTER TABLE drills ADD COLUMN participant_roles TEXT NOT NULL DEFAULT '{}';
ALTER TABLE drills ADD COLUMN script TEXT NOT NULL DEFAULT '[]';

CREATE TABLE drill_scores (
    record_id BIGINT NOT NULL REFERENCES records(id),
    item TEXT NOT NULL,
    user_id BIGINT NOT NULL DEFAULT 0,
    score INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    scored_by BIGINT,
    scored_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, item, user_id)
);
