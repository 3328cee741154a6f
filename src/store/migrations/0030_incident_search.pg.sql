-- PostgreSQL twin of 0030_incident_search.sql (store_pg.c runs this file in
-- its place): the incident list's text filter q by pg_trgm GIN indexes (the
-- extension 0014 already creates) on the incident's number, title and
-- symptoms and on the CI's name.  The list statements' PostgreSQL texts
-- (queries_pg.h INC_LIST_TEXT, INC_COUNT_TEXT) search them with ILIKE
-- '%q%', which these indexes serve for a q of 3 characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX incidents_number_trgm ON incidents USING gin (number gin_trgm_ops);
CREATE INDEX incidents_title_trgm ON incidents USING gin (title gin_trgm_ops);
CREATE INDEX incidents_symptoms_trgm ON incidents USING gin (symptoms gin_trgm_ops);
CREATE INDEX cis_name_trgm ON cis USING gin (name gin_trgm_ops);

-- The case library newest first (CASE_SEARCH orders by created_at): a page
-- is a walk of this index, not a sort of every case.
CREATE INDEX cases_created ON cases(created_at);
