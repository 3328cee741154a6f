-- 0045: the records' text filter q (GET /api/v1/records?q=, the problem
-- list's q) reaches the record's text, not only its number and title:
-- record_texts_fts holds, per record id, a problem's description, root
-- cause and workaround, and a known error's symptoms, root cause and
-- workaround (FTS5 trigram, as records_fts of 0036: a q of 3 characters or
-- more found as a substring, Chinese without spaces alike, ASCII case
-- ignored).  One column per text, so a phrase never spans two of them.  The
-- triggers keep it in step with the typed rows; the rows already there are
-- indexed here.  SQLite only: the PostgreSQL twin
-- 0045_record_text_search.pg.sql has pg_trgm indexes instead.
CREATE VIRTUAL TABLE record_texts_fts USING fts5(body, cause, workaround, tokenize = 'trigram');
INSERT INTO record_texts_fts(rowid, body, cause, workaround)
    SELECT record_id, description, root_cause, workaround FROM problems;
INSERT INTO record_texts_fts(rowid, body, cause, workaround)
    SELECT record_id, symptoms, root_cause, workaround FROM known_errors;
CREATE TRIGGER record_texts_problem_insert AFTER INSERT ON problems BEGIN
    INSERT INTO record_texts_fts(rowid, body, cause, workaround)
        VALUES (new.record_id, new.description, new.root_cause, new.workaround);
END;
CREATE TRIGGER record_texts_problem_update AFTER UPDATE OF description, root_cause, workaround ON problems BEGIN
    DELETE FROM record_texts_fts WHERE rowid = old.record_id;
    INSERT INTO record_texts_fts(rowid, body, cause, workaround)
        VALUES (new.record_id, new.description, new.root_cause, new.workaround);
END;
CREATE TRIGGER record_texts_problem_delete AFTER DELETE ON problems BEGIN
    DELETE FROM record_texts_fts WHERE rowid = old.record_id;
END;
CREATE TRIGGER record_texts_ke_insert AFTER INSERT ON known_errors BEGIN
    INSERT INTO record_texts_fts(rowid, body, cause, workaround)
        VALUES (new.record_id, new.symptoms, new.root_cause, new.workaround);
END;
CREATE TRIGGER record_texts_ke_update AFTER UPDATE OF symptoms, root_cause, workaround ON known_errors BEGIN
    DELETE FROM record_texts_fts WHERE rowid = old.record_id;
    INSERT INTO record_texts_fts(rowid, body, cause, workaround)
        VALUES (new.record_id, new.symptoms, new.root_cause, new.workaround);
END;
CREATE TRIGGER record_texts_ke_delete AFTER DELETE ON known_errors BEGIN
    DELETE FROM record_texts_fts WHERE rowid = old.record_id;
END;
