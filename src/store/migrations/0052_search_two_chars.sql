-- 0052: a text query of exactly two characters (a Chinese word such as 网络
-- or 宕机) found by an index instead of a LIKE over every incident
-- (docs/internals/lists.md "Text search"): incidents_fts2 and cis_fts2 hold
-- the same columns as incidents_fts and cis_fts, tokenized by od_bigram
-- (src/store/fts_bigram.c: every two adjacent characters one token, ASCII
-- case folded), detail=none (a two-character query is one token, so no
-- positions are kept).  The trigram tables still serve three characters or
-- more.  The triggers of 0050 are rewritten to keep both in step, deferred
-- writes included (store_sqlite.c writes the noted rows of both before the
-- commit).  The sqlite3 shell needs the tokenizer to write incidents or
-- cis: `.load /usr/lib/opsdesk/od_bigram` (docs/operations.md).  SQLite
-- only: the PostgreSQL twin changes nothing.
CREATE VIRTUAL TABLE incidents_fts2 USING fts5(number, title, symptoms, content = 'incidents',
    content_rowid = 'id', tokenize = 'od_bigram', detail = 'none');
INSERT INTO incidents_fts2(incidents_fts2) VALUES ('rebuild');
CREATE VIRTUAL TABLE cis_fts2 USING fts5(name, content = 'cis', content_rowid = 'id', tokenize = 'od_bigram',
    detail = 'none');
INSERT INTO cis_fts2(cis_fts2) VALUES ('rebuild');

DROP TRIGGER incidents_fts_insert;
DROP TRIGGER incidents_fts_delete;
DROP TRIGGER incidents_fts_update;
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
    INSERT INTO incidents_fts2(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'incidents' AND id = old.id) BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
    INSERT INTO incidents_fts2(incidents_fts2, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF number, title, symptoms ON incidents
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'incidents' AND id = old.id) BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
    INSERT INTO incidents_fts2(incidents_fts2, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
    INSERT INTO incidents_fts2(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;

DROP TRIGGER cis_fts_insert;
DROP TRIGGER cis_fts_delete;
DROP TRIGGER cis_fts_update;
CREATE TRIGGER cis_fts_insert AFTER INSERT ON cis BEGIN
    INSERT INTO cis_fts(rowid, name) VALUES (new.id, new.name);
    INSERT INTO cis_fts2(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER cis_fts_delete AFTER DELETE ON cis BEGIN
    INSERT INTO cis_fts(cis_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO cis_fts2(cis_fts2, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER cis_fts_update AFTER UPDATE OF name ON cis BEGIN
    INSERT INTO cis_fts(cis_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO cis_fts(rowid, name) VALUES (new.id, new.name);
    INSERT INTO cis_fts2(cis_fts2, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO cis_fts2(rowid, name) VALUES (new.id, new.name);
END;
