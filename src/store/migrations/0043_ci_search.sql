-- 0043: the CI list's text filter q by a full-text index instead of a scan
-- (docs/internals/lists.md "Text search of CIs"): cis_q_fts holds the four
-- columns the CI list's q reads (name, location, department, attributes),
-- FTS5 with the trigram tokenizer as 0030: a q of 3 characters or more is
-- found as a substring, Chinese without spaces alike.  External content on
-- cis; the triggers keep it in step with every write.  The list keeps its
-- LIKE terms as residual terms, so the matches are exactly today's.  The
-- PostgreSQL twin is 0043_ci_search.pg.sql (pg_trgm indexes).
CREATE VIRTUAL TABLE cis_q_fts USING fts5(name, location, department, attributes, content = 'cis',
    content_rowid = 'id', tokenize = 'trigram');
INSERT INTO cis_q_fts(cis_q_fts) VALUES ('rebuild');
CREATE TRIGGER cis_q_fts_insert AFTER INSERT ON cis BEGIN
    INSERT INTO cis_q_fts(rowid, name, location, department, attributes)
        VALUES (new.id, new.name, new.location, new.department, new.attributes);
END;
CREATE TRIGGER cis_q_fts_delete AFTER DELETE ON cis BEGIN
    INSERT INTO cis_q_fts(cis_q_fts, rowid, name, location, department, attributes)
        VALUES ('delete', old.id, old.name, old.location, old.department, old.attributes);
END;
CREATE TRIGGER cis_q_fts_update AFTER UPDATE OF name, location, department, attributes ON cis BEGIN
    INSERT INTO cis_q_fts(cis_q_fts, rowid, name, location, department, attributes)
        VALUES ('delete', old.id, old.name, old.location, old.department, old.attributes);
    INSERT INTO cis_q_fts(rowid, name, location, department, attributes)
        VALUES (new.id, new.name, new.location, new.department, new.attributes);
END;
