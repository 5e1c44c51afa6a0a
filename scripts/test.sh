#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one is reachable.
# Under CI=true an unreachable PostgreSQL is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# The admin's browser test (tests/e2e) drives Debian's chromium (/usr/bin/chromium): install it
# when it is missing and we may (root with apt-get), so the suite passes on a machine that never
# ran .ci/run; otherwise stop at once with the one line that says what to install.
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's chromium for the browser test"
    apt-get update -qq && apt-get install -y -qq chromium
  else
    echo "!!!!! $CHROMIUM is missing: run 'sudo apt-get install -y chromium' (the admin's browser test drives it), then make test again !!!!!" >&2
    exit 1
  fi
fi

# The invoice PDF needs a font with Vietnamese glyphs (Debian's DejaVu), and its test renders
# it with poppler's pdftoppm and pdftotext: install them the same way when missing.
pdf_packages=()
command -v pdftoppm >/dev/null || pdf_packages+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || pdf_packages+=(fonts-dejavu-core)
if [ "${#pdf_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's ${pdf_packages[*]} for the invoice PDF and its test"
    apt-get update -qq && apt-get install -y -qq "${pdf_packages[@]}"
  else
    echo "!!!!! missing ${pdf_packages[*]}: run 'sudo apt-get install -y ${pdf_packages[*]}' (the invoice PDF and its test need them), then make test again !!!!!" >&2
    exit 1
  fi
fi

echo "==> tests on SQLite"
env -u DATABASE_URL "$PY" -m pytest "$@"

pg_url="${TEST_POSTGRES_URL:-}"
if [ -z "$pg_url" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_url="$DATABASE_URL"
fi
if [ -z "$pg_url" ]; then
  if "$PY" - <<'PYEOF'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PYEOF
  then
    pg_url="postgres://postgres@127.0.0.1:5432/softpark"
  fi
fi

if [ -z "$pg_url" ]; then
  echo "!!!!! PostgreSQL is NOT reachable (no TEST_POSTGRES_URL/DATABASE_URL, nothing on 127.0.0.1:5432): the PostgreSQL run was NOT done !!!!!"
  if [ "${CI:-}" = "true" ]; then
    exit 1
  fi
  exit 0
fi

echo "==> tests on PostgreSQL (${pg_url%%@*}@...)"
DATABASE_URL="$pg_url" "$PY" -m pytest "$@"
