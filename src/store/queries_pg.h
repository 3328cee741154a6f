/* queries_pg.h — PostgreSQL dialect overrides of named queries.
 *
 * How it works: queries.h (and the lists it includes) hold the one portable
 * text of every statement.  An entry X(NAME, "sql") in OD_QUERY_PG_LIST
 * replaces the text of OD_Q_NAME on PostgreSQL only; every other query runs
 * its portable text there.  store_pg.c then treats both alike, once at
 * start:
 *  - `?` becomes `$1, $2, …` (outside string literals);
 *  - the word LIKE becomes ILIKE: SQLite's LIKE ignores ASCII case,
 *    PostgreSQL's does not, and every LIKE of opsdesk is a search (keep it
 *    so; `ESCAPE '\'` works the same in both);
 *  - `LIMIT ?` and `OFFSET ?` keep SQLite's meaning of a negative value (no
 *    limit, no offset), which PostgreSQL refuses;
 *  - od_tx_insert runs the text with ` RETURNING id` appended, so neither
 *    text carries it.
 * Savepoint statements (SAVEPOINT, RELEASE, ROLLBACK TO) are sent
 * unprepared.
 *
 * Rules for an override (lint/sql-binds checks the first two):
 *  - it binds as many parameters as its portable twin, in the same order
 *    and with the same types;
 *  - it names a query that exists, and carries no RETURNING id;
 *  - it returns the same columns with the same meaning: integers, never
 *    booleans (prefer portable SQL, e.g. CASE WHEN EXISTS … THEN 1 ELSE 0
 *    END, to an override);
 *  - only what PostgreSQL must do differently: row locks (`FOR UPDATE`,
 *    `FOR UPDATE SKIP LOCKED`, which SQLite's single writer makes
 *    unnecessary), the database clock, set-based statements.
 * Only store_pg.c includes this file (and scripts/check-sql-binds.py reads
 * it).  Add entries as lines `X(NAME, "…")` with the usual `\` ends. */
#ifndef OD_QUERIES_PG_H
#define OD_QUERIES_PG_H

#define OD_QUERY_PG_LIST(X) /* no override is needed yet */

#endif
