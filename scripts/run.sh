#!/usr/bin/env bash
# `make run`: migrate, load demo data, start a task worker beside the development server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"

"$PY" manage.py migrate --no-input
"$PY" manage.py seed_demo | tee var/demo-logins.txt

"$PY" manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM

echo
echo "softpark is serving on http://127.0.0.1:8000/  (admin: /admin/, API docs: /api/v1/docs/)"
grep "Admin login" var/demo-logins.txt
"$PY" manage.py runserver 127.0.0.1:8000
