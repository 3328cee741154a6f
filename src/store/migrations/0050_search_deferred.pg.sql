-- PostgreSQL twin of 0050_search_deferred.sql (store_pg.c runs this file in
-- its place): nothing to change.  pg_trgm's GIN indexes take their entries
-- with each row (and collect them in their pending list, fastupdate), so
-- od_tx_defer_search is a no-op there.
DO $$ BEGIN END $$;
