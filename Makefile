PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint format bench serve schema install install-dev clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: migrate the embedded SQLite database, load demo data, serve on 127.0.0.1:8000
run: install
	./scripts/run.sh

## make test: the whole suite on SQLite, then on PostgreSQL when reachable
test: install-dev
	./scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	./scripts/bench.sh $(SCENARIOS)

## make schema: regenerate docs/openapi.yaml, the committed API contract (a test compares them)
schema: install
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

## make serve: production-style (gunicorn, config/gunicorn.py: 2 workers of 128 threads); set
## SECRET_KEY, DATABASE_URL, ...
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v 0
	$(VENV)/bin/gunicorn config.wsgi:application --config config/gunicorn.py --bind $${BIND:-127.0.0.1:8000}

clean:
	rm -rf $(VENV) var/*.sqlite3 static
