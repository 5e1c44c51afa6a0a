#!/usr/bin/env bash
# `make bench`: the scenarios on PostgreSQL, the production database that the targets of
# design/README.md are set for, when one is reachable (as for `make test`); else on SQLite,
# saying so. BENCH_DATABASE_URL picks another database, e.g. sqlite:///var/bench.sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

url="${BENCH_DATABASE_URL:-${TEST_POSTGRES_URL:-}}"
if [ -z "$url" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then
  url="$DATABASE_URL"
fi
if [ -z "$url" ] && "$PY" -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=2).close()' 2>/dev/null; then
  url="postgres://postgres@127.0.0.1:5432/softpark"
fi
if [ -z "$url" ]; then
  echo "!!!!! PostgreSQL is not reachable: benchmarking on SQLite, whose targets are not the design's !!!!!"
  exec env -u DATABASE_URL "$PY" -m bench "$@"
fi
DATABASE_URL="$url" exec "$PY" -m bench "$@"
