-- 0021: emergency plans (应急预案; research/modules-spec.md §M7, seed 000
-- ch. 9): the typed fields of records of kind plan (scope, owner, review
-- cycle and the workflow's times; next_review_at is computed from the later
-- of published_at and reviewed_at plus review_months) and the plan's
-- versions: Markdown as written, HTML rendered once at creation.  A version
-- row is never rewritten: only published_at is stamped, once, when the plan
-- is published with it.  Portable SQL.
CREATE TABLE plans (
    record_id BIGINT PRIMARY KEY REFERENCES records(id),
    owner_id BIGINT,
    scope_classes TEXT NOT NULL DEFAULT '[]',
    scope_ci_ids TEXT NOT NULL DEFAULT '[]',
    scope_services TEXT NOT NULL DEFAULT '[]',
    review_months INTEGER NOT NULL DEFAULT 6,
    evaluation TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    evaluated_at BIGINT,
    approved_at BIGINT,
    published_at BIGINT,
    reviewed_at BIGINT,
    next_review_at BIGINT
);
CREATE INDEX plans_next_review ON plans(next_review_at);

CREATE TABLE plan_versions (
    record_id BIGINT NOT NULL REFERENCES records(id),
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    published_at BIGINT,
    PRIMARY KEY (record_id, number)
);
