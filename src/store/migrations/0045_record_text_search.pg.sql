-- PostgreSQL twin of 0045_record_text_search.sql (store_pg.c runs this file
-- in its place): the records' text filter q reaches a problem's
-- description, root cause and workaround and a known error's symptoms, root
-- cause and workaround by pg_trgm GIN indexes on those columns (built here
-- for the rows already there).  The list statements' PostgreSQL texts
-- (queries_pg.h REC_LIST_TEXT, REC_COUNT_TEXT) match ILIKE '%q%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX problems_description_trgm ON problems USING gin (description gin_trgm_ops);
CREATE INDEX problems_root_cause_trgm ON problems USING gin (root_cause gin_trgm_ops);
CREATE INDEX problems_workaround_trgm ON problems USING gin (workaround gin_trgm_ops);
CREATE INDEX known_errors_symptoms_trgm ON known_errors USING gin (symptoms gin_trgm_ops);
CREATE INDEX known_errors_root_cause_trgm ON known_errors USING gin (root_cause gin_trgm_ops);
CREATE INDEX known_errors_workaround_trgm ON known_errors USING gin (workaround gin_trgm_ops);
