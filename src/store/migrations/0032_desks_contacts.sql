-- 0032: seed 000 to the letter, what was left.
-- desk_owners: the owner (接口负责人) of each reporting desk of the policy
-- (seed 000 ch. 7 §2.1 item 3: the detected incident is told to the desk
-- owner at once, who registers it and group-sends the report from the
-- desk's dedicated phone).  One owner per desk key; no row = no owner.
-- contacts: vendor (厂商) and key-customer (重要客户) contacts, kept per CI
-- or per service (ch. 9 §4 技术资料保障: 厂商、重要客户的重要联系方式, managed
-- centrally and kept current).  levels: a JSON array of the incident levels
-- on which the contact is told with the first report ('' = the policy's
-- duties.contact_levels).  A contact with no phone is flagged unreachable.
-- Portable SQL: runs on SQLite and PostgreSQL 15.
CREATE TABLE desk_owners (
    desk TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    ci_id BIGINT REFERENCES cis(id),
    service TEXT NOT NULL DEFAULT '',
    levels TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    verified_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contacts_ci ON contacts(ci_id);
CREATE INDEX contacts_kind_name ON contacts(kind, name);
