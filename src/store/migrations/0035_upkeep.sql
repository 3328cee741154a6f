-- 0035: upkeep beyond plans and drills (seed 000 ch. 9; docs/upkeep.md).
-- risk_assessments: 运行部's periodic risk assessment of the systems (ch. 9
-- §4 技术资料保障: 运行部还应定期对系统进行风险评估，及时发现和纠正系统的潜在
-- 问题): when it was held, who assessed (a member of the policy's
-- upkeep.risk_assessment_department), its scope, findings, the risks found
-- and the actions decided.  The next one is due upkeep.risk_assessment_months
-- after the latest held_at (computed, core/upkeep.h).
-- content_feedback: feedback on training or emergency-plan content (ch. 9 §2:
-- 通过考核、演练等方式及时发现培训中存在的问题，依据这些反馈结果调整培训课程
-- 设置、培训时间计划以及培训重点): on a plan (records.kind plan) or a training
-- topic, from an assessment, a drill, ...; due upkeep.feedback_days after it
-- was recorded (due_at stored: a later policy change does not move it);
-- acted on with what was changed (courses, schedule, focus, plan, none) and
-- how.  Portable SQL: runs on SQLite and PostgreSQL 15.
CREATE TABLE risk_assessments (
    id INTEGER PRIMARY KEY,
    held_at BIGINT NOT NULL,
    assessor_id BIGINT NOT NULL REFERENCES users(id),
    department TEXT NOT NULL,
    scope TEXT NOT NULL,
    findings TEXT NOT NULL,
    risks TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX risk_assessments_held ON risk_assessments(held_at);
CREATE TABLE content_feedback (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT REFERENCES records(id),
    topic TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    change_kind TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    addressed_by BIGINT REFERENCES users(id),
    addressed_at BIGINT
);
CREATE INDEX content_feedback_open ON content_feedback(addressed_at, due_at);
