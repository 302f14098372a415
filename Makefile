# firstask — the two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/firstask_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: run serve install install-dev test lint format messages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -qq --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) bin/requirements.py | $(PIP) install -qq -r /dev/stdin
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) bin/requirements.py dev | $(PIP) install -qq -r /dev/stdin
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, start the embedded PostgreSQL (var/pgdata), migrate, load the demo and serve
## it with a Celery worker and beat; Ctrl-C stops everything it started.
run: install
	mkdir -p var
	$(PY) bin/devserver.py --host $(HOST) --port $(PORT)

## make test: set up what the suite needs (bin/test-setup: missing Debian packages, PostgreSQL and
## Redis started when down), install the dev dependencies, then the linters (ruff, djLint), the
## migration and catalogue checks, and the whole suite.
test: export SECRET_KEY ?= test-only-secret-key-not-for-production
test: export TEST_DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export TEST_REDIS_URL ?= $(TEST_REDIS_URL)
test: | $(PY)
	PY=$(PY) bin/test-setup
	$(MAKE) --no-print-directory install-dev  # after test-setup: python-ldap builds on its headers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint --quiet .
	. var/test-env.sh && DATABASE_URL=$${DATABASE_URL%/*}/postgres DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py compilemessages_py --check
	. var/test-env.sh && $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the catalogues after changing UI text, then translate the new entries.
messages: install-dev
	DEBUG=1 $(PY) manage.py makemessages_all
	DEBUG=1 $(PY) manage.py compilemessages_py

## make bench: seed BENCH_CASES cases (default 1,000,000) into BENCH_DATABASE_URL, count queries,
## load gunicorn with locust at 8 and 32 users, write bench/RESULTS.md (see bench/README.md).
BENCH_CASES ?= 1000000
BENCH_ARGS ?=
bench: install-dev
	$(PY) bench/run.py --cases $(BENCH_CASES) $(BENCH_ARGS)

clean:
	-$(PY) bin/pgembed.py stop
	rm -rf var/pgdata var/test-pgdata var/cache var/media var/celerybeat-schedule* staticfiles
