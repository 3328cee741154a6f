-- 0050: the full-text entries of new incidents and records written once per
-- transaction instead of once per member of a group commit
-- (docs/internals/storm.md "Full-text entries once per group").  FTS5
-- writes the entries it holds in memory to a new index segment at every
-- savepoint and at every statement that may roll back, so a group commit
-- of incident creates (a savepoint per member, inserts with triggers) wrote
-- one segment per member and per table.  A transaction that calls
-- od_tx_defer_search puts the row search_defer(on_ = 1) (it never outlives
-- the transaction: the store removes it before the commit); while it is
-- there, the insert triggers note the new row in search_pending, and just
-- before the commit the store writes every noted row's entries from the row
-- as it is then (one statement per index) and empties both tables.  The
-- update and delete triggers leave a noted row alone (it has no entry yet;
-- its entry is written from its final text, or not at all once deleted).
-- Without the flag row (every other transaction, the sqlite3 shell) the
-- triggers index at once, as before.  SQLite only: the PostgreSQL twin
-- 0050_search_deferred.pg.sql changes nothing (pg_trgm indexes).
CREATE TABLE search_defer (on_ INTEGER PRIMARY KEY CHECK (on_ = 1));
CREATE TABLE search_pending (
    tbl TEXT NOT NULL,
    id INTEGER NOT NULL,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;

DROP TRIGGER incidents_fts_insert;
DROP TRIGGER incidents_fts_delete;
DROP TRIGGER incidents_fts_update;
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;
CREATE TRIGGER incidents_fts_insert_deferred AFTER INSERT ON incidents WHEN EXISTS (SELECT 1 FROM search_defer)
BEGIN
    INSERT OR IGNORE INTO search_pending(tbl, id) VALUES ('incidents', new.id);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'incidents' AND id = old.id) BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF number, title, symptoms ON incidents
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'incidents' AND id = old.id) BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, number, title, symptoms)
        VALUES ('delete', old.id, old.number, old.title, old.symptoms);
    INSERT INTO incidents_fts(rowid, number, title, symptoms) VALUES (new.id, new.number, new.title, new.symptoms);
END;

DROP TRIGGER records_fts_insert;
DROP TRIGGER records_fts_delete;
DROP TRIGGER records_fts_update;
CREATE TRIGGER records_fts_insert AFTER INSERT ON records WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT INTO records_fts(rowid, number, title) VALUES (new.id, new.number, new.title);
END;
CREATE TRIGGER records_fts_insert_deferred AFTER INSERT ON records WHEN EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT OR IGNORE INTO search_pending(tbl, id) VALUES ('records', new.id);
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'records' AND id = old.id) BEGIN
    INSERT INTO records_fts(records_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF number, title ON records
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'records' AND id = old.id) BEGIN
    INSERT INTO records_fts(records_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
    INSERT INTO records_fts(rowid, number, title) VALUES (new.id, new.number, new.title);
END;
