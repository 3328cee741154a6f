-- PostgreSQL twin of 0043_ci_search.sql (store_pg.c runs this file in its
-- place): the CI list's text filter q by pg_trgm GIN indexes on the columns
-- it reads (cis.name has one since 0030).  The list statements' PostgreSQL
-- texts (queries_pg.h CI_LIST_TEXT, CI_COUNT_TEXT) match ILIKE '%q%',
-- which these indexes serve for a q of 3 characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cis_location_trgm ON cis USING gin (location gin_trgm_ops);
CREATE INDEX cis_department_trgm ON cis USING gin (department gin_trgm_ops);
CREATE INDEX cis_attributes_trgm ON cis USING gin (attributes gin_trgm_ops);
