-- PostgreSQL twin of 0052_search_two_chars.sql (store_pg.c runs this file in
-- its place): nothing to change.  A two-character q is matched by ILIKE as
-- before; pg_trgm takes no trigram from a two-character pattern, so such a
-- query reads the table (docs/internals/lists.md "Text search").
DO $$ BEGIN END $$;
