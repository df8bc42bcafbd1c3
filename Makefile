# The README's commands. `make run` and `make test` work from a fresh clone: they create the virtual environment
# and install the pinned dependencies themselves (again only when a requirements file changed).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PYTEST_ARGS ?=

# make test-pg: the same suite on PostgreSQL, with the real Redis for the service tests.
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wmr_ci
PG_BROKER_URL ?= redis://127.0.0.1:6379/15

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help
.PHONY: help venv run test test-pg lint e2e prod-local bench loadtest backup messages compiled-messages

help:
	@echo "make run         the app with a demo clinic on http://127.0.0.1:8000 (SQLite, Celery eager)"
	@echo "make test        the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make test-pg     the whole test suite on PostgreSQL ($(PG_DATABASE_URL)) with Redis"
	@echo "make lint        ruff check + ruff format --check"
	@echo "make e2e         the browser journeys only (Debian's /usr/bin/chromium)"
	@echo "make prod-local  gunicorn + Celery worker + beat on the local PostgreSQL and Redis (http://127.0.0.1:8001)"
	@echo "make bench       the benchmark suite (PostgreSQL, 1k/10k/50k stays; BENCH_ARGS=...), bench/results/"
	@echo "make loadtest    50 users for 60 s against gunicorn + PostgreSQL ($(LOADTEST_DATABASE_URL)), report in bench/results/"
	@echo "make backup      manage.py backup of the configured database into backups/ (restore: docs/operations.md)"
	@echo "make messages    update and compile the German translation"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

venv: $(STAMP)

# The .mo files are committed; recompile one only when its .po is newer and msgfmt (Debian: gettext) is there.
compiled-messages: $(MO_FILES)

locale/%.mo: locale/%.po
	@if command -v msgfmt >/dev/null 2>&1; then \
		echo "msgfmt $<"; msgfmt --check-format -o $@ $<; \
	else \
		echo "msgfmt not found (apt-get install gettext): using the committed $@"; \
	fi

run: venv compiled-messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: venv compiled-messages
	$(PY) -m pytest -rfEs $(PYTEST_ARGS)

test-pg:
	DATABASE_URL=$(PG_DATABASE_URL) CELERY_BROKER_URL=$(PG_BROKER_URL) $(MAKE) --no-print-directory test

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

e2e: venv compiled-messages
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

prod-local: venv compiled-messages
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" scripts/prod-local

# The benchmark suite (bench/README.md): PostgreSQL at 1k, 10k and 50k stays by default, e.g.
# make bench BENCH_ARGS="--database sqlite --sizes 1000"; report in bench/results/bench-<database>.md
BENCH_ARGS ?=

bench: venv compiled-messages
	$(PY) -m bench $(BENCH_ARGS)

# The load test (docs/operations.md): its own database, migrated and given the demo clinic; locust from
# requirements-bench.txt, installed into the virtual environment when missing.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wmr_load
LOADTEST_ARGS ?=

loadtest: venv compiled-messages
	@$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --disable-pip-version-check --quiet -r requirements-bench.txt
	$(PY) bench/loadtest/run.py --database-url $(LOADTEST_DATABASE_URL) $(LOADTEST_ARGS)

backup: venv
	$(PY) manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR),)

messages: venv
	$(PY) manage.py makemessages -l de --ignore=.venv --ignore=staticfiles --ignore=static --ignore=node_modules
	$(PY) manage.py compilemessages -l de --ignore=.venv --ignore=staticfiles
