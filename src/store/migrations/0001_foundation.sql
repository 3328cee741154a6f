-- 0001: accounts, sessions, audit trail, graded CMDB (R-SEC-SYS-1…3, R-CI-1…5).
-- Portable SQL.  The PostgreSQL backend maps "INTEGER PRIMARY KEY" to BIGSERIAL.  Times are ms since the epoch (UTC).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    pw_hash TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    roles BIGINT NOT NULL DEFAULT 0,
    scopes TEXT NOT NULL DEFAULT '[]',
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE cis (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    grade TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT 'production',
    location TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '{}',
    last_verified_at BIGINT,
    verified_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cis_category_grade ON cis(category, grade);
CREATE INDEX cis_department ON cis(department);

CREATE TABLE ci_relations (
    id INTEGER PRIMARY KEY,
    source_id BIGINT NOT NULL REFERENCES cis(id),
    type TEXT NOT NULL,
    target_id BIGINT NOT NULL REFERENCES cis(id),
    created_at BIGINT NOT NULL,
    UNIQUE (source_id, type, target_id)
);
CREATE INDEX ci_relations_target ON ci_relations(target_id);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
