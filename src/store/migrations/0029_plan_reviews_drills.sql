-- 0029: plan reviews made due by triggers, the plan version an incident's
-- activation used, and drills (应急演练; research/modules-spec.md §M7,
-- seed 000 ch. 9 §1 and §3; docs/drills.md).
-- plans: the pending trigger (drill | major_response | ci_change), when it
-- happened and when the review it calls for falls due; a review or a new
-- publication after it clears it (next_review_at is the earlier of the
-- cycle and the trigger's due time, core/plan.h od_plan_review_at).
-- incident_plan_activations: which published plan version was activated,
-- at which response level, by whom (one row per activation).
-- certificates: a person's certificate for a key position, with its expiry.
-- drills: the typed fields of records of kind drill, and the policy's
-- review_trigger_days when it was created (closing it makes its plan's
-- review due that many days later).  Portable SQL.
ALTER TABLE plans ADD COLUMN review_trigger TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN review_triggered_at BIGINT;
ALTER TABLE plans ADD COLUMN review_trigger_due_at BIGINT;

CREATE TABLE incident_plan_activations (
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    plan_id BIGINT NOT NULL REFERENCES records(id),
    plan_version INTEGER NOT NULL,
    level TEXT NOT NULL,
    activated_at BIGINT NOT NULL,
    activated_by BIGINT,
    PRIMARY KEY (incident_id, activated_at, plan_id)
);
CREATE INDEX incident_plan_activations_plan ON incident_plan_activations(plan_id);

CREATE TABLE drills (
    record_id BIGINT PRIMARY KEY REFERENCES records(id),
    plan_id BIGINT,
    drill_type TEXT NOT NULL DEFAULT 'functional',
    mode TEXT NOT NULL DEFAULT 'sandbox',
    goals TEXT NOT NULL DEFAULT '',
    scenario TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '[]',
    planned_steps TEXT NOT NULL DEFAULT '[]',
    done_steps TEXT NOT NULL DEFAULT '[]',
    evaluation TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT '',
    scheduled_at BIGINT,
    prepared_at BIGINT,
    started_at BIGINT,
    evaluated_at BIGINT,
    closed_at BIGINT,
    incident_id BIGINT,
    review_trigger_days INTEGER NOT NULL DEFAULT 30
);
CREATE INDEX drills_plan ON drills(plan_id);

-- certificates (资质证书; seed 004 §7.5.1: name, issuer, number, valid
-- until) held for a key position of the policy's readiness section: a
-- position with certificate_required counts only holders with one valid
-- now (issued_at <= now < expires_at; expires_at NULL = no expiry).
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    position TEXT NOT NULL,
    name TEXT NOT NULL,
    issuer TEXT NOT NULL DEFAULT '',
    number TEXT NOT NULL DEFAULT '',
    issued_at BIGINT NOT NULL,
    expires_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX certificates_user ON certificates(user_id, issued_at);
CREATE INDEX certificates_expires ON certificates(expires_at);
CREATE INDEX drills_incident ON drills(incident_id);
