#!/usr/bin/env python3
"""with_pg.py — runs a command beside a throwaway PostgreSQL (pgtmp.py).

    python3 tests/pg/with_pg.py CMD [ARGS...]

Starts a cluster, sets OPSDESK_TEST_PG_URL to its database "opsdesk", runs
CMD, stops the cluster and exits with CMD's status (77, ctest's "skipped",
when PostgreSQL 15 is not installed).  Used by ctest unit/test_store_contract_pg.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtmp  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: with_pg.py CMD [ARGS...]\n")
        return 2
    if not pgtmp.available():
        sys.stderr.write("PostgreSQL 15 is not installed (%s): skipped; scripts/deps.sh installs it\n" % pgtmp.BIN)
        return 77
    pg = pgtmp.Pg()
    try:
        pg.start()
        env = dict(os.environ, OPSDESK_TEST_PG_URL=pg.url())
        return subprocess.call(argv[1:], env=env)
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
