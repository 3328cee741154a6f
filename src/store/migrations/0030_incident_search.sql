-- 0030: the incident list's text filter q by a full-text index instead of a
-- scan (docs/internals/lists.md "Text search"): incidents_fts holds the
-- number, title and symptoms of every incident, cis_fts every CI's name (an
-- incident also matches by the name of one of its CIs), both FTS5 tables
-- with the trigram tokenizer (SQLite 3.34 or later): a query of 3
-- characters or more is found as a substring, Chinese without spaces alike,
-- ASCII case ignored.  External content tables: the text stays in incidents
-- and cis, the triggers keep the index in step with every write.  The
-- PostgreSQL twin is 0030_incident_search.pg.sql (pg_trgm indexes).
CREATE VIRTUAL TABLE incidents_fts USING fts5(number, title, symptoms, content = 'incidents',
    content_rowid = 'id', tokenize = 'trigram');
INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild');
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF number, title, symptoms ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;

CREATE VIRTUAL TABLE cis_fts USING fts5(name, content = 'cis', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO cis_fts(cis_fts) VALUES ('rebuild');
CREATE TRIGGER cis_fts_insert AFTER INSERT ON cis BEGIN
    INSERT INTO cis_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER cis_fts_delete AFTER DELETE ON cis BEGIN
    INSERT INTO cis_fts(cis_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER cis_fts_update AFTER UPDATE OF name ON cis BEGIN
    INSERT INTO cis_fts(cis_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO cis_fts(rowid, name) VALUES (new.id, new.name);
END;

-- The case library newest first (CASE_SEARCH orders by created_at): a page
-- is a walk of this index, not a sort of every case.
CREATE INDEX cases_created ON cases(created_at);
