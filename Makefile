# Retour: `make run` to try it, `make test` to check it. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ORDERS ?= 10000
DEMO_SEED ?= 1
DEMO_RETURNS ?= 1000
# PostgreSQL for the second test run: DATABASE_URL when it names PostgreSQL, else the local server.
PG_TEST_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/retour)
RUN_ENV := DEBUG=1 RETOUR_DATA_DIR=$(CURDIR)/var DATABASE_URL=sqlite:///$(CURDIR)/var/retour.sqlite3
TEST_ENV := SECRET_KEY=test-secret-key DEBUG=0 RETOUR_DATA_DIR=$(CURDIR)/var/test PYTHONHASHSEED=0
# The integration tests run in TEST_WORKERS processes (pytest-xdist; auto: one per CPU), each on a database
# of its own (pytest-django names them test_..._gw0, _gw1...); a test file stays in one process, so its
# module fixtures are made once. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
# The browser tests drive Debian's chromium package by its path (Playwright downloads no browser).
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install install-test run serve migrate demo messages lint typecheck test test-unit test-sqlite \
        test-postgres test-e2e browser bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Retour needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Both French catalogues, compiled together (compilemessages reads every LOCALE_PATHS directory): Retour's
# own, and locale_vendor's for third-party apps, written by hand.
src/retour/locale/fr/LC_MESSAGES/django.mo src/retour/locale_vendor/fr/LC_MESSAGES/django.mo &: \
  src/retour/locale/fr/LC_MESSAGES/django.po src/retour/locale_vendor/fr/LC_MESSAGES/django.po | $(VENV)/.installed
	cd src/retour && DEBUG=1 ../../$(BIN)/retour compilemessages --ignore '.venv' >/dev/null

install: $(VENV)/.installed src/retour/locale/fr/LC_MESSAGES/django.mo ## Create .venv and install Retour

install-test: install $(VENV)/.installed-test ## Install Retour with the test tools

migrate: install ## Create or upgrade the embedded SQLite database (var/retour.sqlite3)
	@mkdir -p var
	$(RUN_ENV) $(BIN)/retour migrate --no-input

demo: migrate ## Load the demo store (DEMO_ORDERS, DEMO_SEED, DEMO_RETURNS past requests, returns in every state, a year of past returns)
	$(RUN_ENV) $(BIN)/retour demo --orders $(DEMO_ORDERS) --seed $(DEMO_SEED) --returns $(DEMO_RETURNS) --lifecycle --history

run: demo ## Install, migrate, load the demo store, start the web server and the worker
	@echo
	@echo "  Retour is starting:"
	@echo "    shopper portal   http://$(HOST):$(PORT)/   (an order number and its email: see 'Shopper portal' above)"
	@echo "    back office      http://$(HOST):$(PORT)/admin/   (admin / retour-demo)"
	@echo "    API docs         http://$(HOST):$(PORT)/api/docs"
	@echo "    receive parcels  http://$(HOST):$(PORT)/backoffice/returns/receive/   (warehouse)"
	@echo "    policy what-if   http://$(HOST):$(PORT)/backoffice/policies/simulate/"
	@echo "    help center      http://$(HOST):$(PORT)/help/   (analytics: /backoffice/help/analytics/)"
	@echo "    demo staff       agent, warehouse, finance   (password: retour-demo)"
	@echo "    seller portal    http://$(HOST):$(PORT)/seller/   (a seller's code: atelier-durand, at risk, nordic-gear, ... / retour-demo)"
	@echo "    emails, tasks    var/worker.log   (the worker's log, with every email it sends)"
	@echo "  Press Ctrl+C to stop the server and the worker."
	@echo
# Ctrl+C reaches make, this shell and (in their own process group) neither server nor worker: the shell
# stops both with one SIGTERM each and waits for them, so the worker finishes the task it is running (a
# second signal would cut it short) and nothing is left behind. The server stopping by itself (its port is
# taken) stops the worker too.
	@set -m; $(RUN_ENV) $(BIN)/retour worker >>var/worker.log 2>&1 & worker=$$!; \
	  $(RUN_ENV) $(BIN)/retour runserver --noreload $(HOST):$(PORT) & server=$$!; set +m; \
	  stop() { trap - INT TERM EXIT; kill -TERM $$server $$worker 2>/dev/null; wait $$server $$worker 2>/dev/null; }; \
	  trap 'stop; echo; echo "  Retour stopped: the web server and the worker have exited."; exit 0' INT TERM; \
	  trap stop EXIT; \
	  wait $$server

# The production server: gunicorn, WEB_WORKERS processes of WEB_THREADS threads; each process holds at most
# DATABASE_POOL_SIZE PostgreSQL connections. Set SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS first.
WEB_WORKERS ?= 2
WEB_THREADS ?= 8
serve: install ## Serve in production (retour serve: migrate, static files, gunicorn; set SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS)
	$(BIN)/retour serve --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --threads $(WEB_THREADS)

messages: install ## Extract translatable strings into the French catalogue
	cd src/retour && DEBUG=1 ../../$(BIN)/retour makemessages -l fr --no-obsolete --add-location file --ignore '.venv'

lint: install-test ## ruff, and the import contracts of .importlinter (lint-imports)
	$(BIN)/ruff check src tests bench
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

typecheck: install-test ## mypy with django-stubs
	$(TEST_ENV) $(BIN)/mypy src

test-unit: install-test ## Unit tests (no database)
	$(TEST_ENV) $(BIN)/pytest tests/unit -q

test-sqlite: install-test ## Integration tests on SQLite
	$(TEST_ENV) DATABASE_URL=sqlite:///$(CURDIR)/var/test/retour.sqlite3 $(BIN)/pytest tests/integration -q $(XDIST)

test-postgres: install-test ## Integration tests on PostgreSQL (skipped when none is reachable, unless REQUIRE_POSTGRES=1)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  $(TEST_ENV) DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest tests/integration -q $(XDIST); \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
	  echo "PostgreSQL is not reachable at $(PG_TEST_URL), and REQUIRE_POSTGRES=1" >&2; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(PG_TEST_URL): integration tests ran on SQLite only."; \
	fi

browser: ## Install Debian's Chromium for the browser tests if it is missing (apt-get, as root or with sudo)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Chromium is missing at $(CHROMIUM) and there is no apt-get here: install Chromium and run" \
	       "make test CHROMIUM=/path/to/chromium" >&2; exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then as_root=; \
	elif command -v sudo >/dev/null 2>&1; then as_root=sudo; \
	else \
	  echo "Chromium is missing at $(CHROMIUM): the browser tests need it. Run 'apt-get install -y chromium'" \
	       "as root (there is no sudo here), or make test CHROMIUM=/path/to/chromium" >&2; exit 1; \
	fi; \
	echo "Installing Debian's chromium package for the browser tests"; \
	install="$$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"; \
	$$install || { $$as_root apt-get update && $$install; } || \
	  { echo "Could not install chromium with apt-get (see above)" >&2; exit 1; }; \
	if [ ! -x "$(CHROMIUM)" ]; then echo "chromium is installed but $(CHROMIUM) is missing" >&2; exit 1; fi

test-e2e: install-test browser ## Browser tests (Playwright driving Chromium) against a live server, on SQLite
	$(TEST_ENV) CHROMIUM=$(CHROMIUM) DATABASE_URL=sqlite:///$(CURDIR)/var/test/retour.sqlite3 $(BIN)/pytest tests/e2e -q

test: lint typecheck test-unit test-sqlite test-postgres test-e2e ## Lint, type-check, every test on SQLite and PostgreSQL, browser tests

# Every benchmark in bench/ at a small size, for a quick check: a few minutes in all. Each prints the
# command that reproduces it; bench/README.md gives the full-size commands behind docs/benchmarks.md.
# BENCH_DATABASES=sqlite leaves PostgreSQL out.
BENCH_DATABASES ?= sqlite,postgresql
bench: install-test browser ## Run every benchmark at a small size (full sizes: bench/README.md)
	$(TEST_ENV) $(BIN)/python bench/import_orders.py --lines 20000 --databases $(BENCH_DATABASES)
	$(TEST_ENV) $(BIN)/python bench/policy.py --cases 20000 --repeat 3
	$(TEST_ENV) $(BIN)/python bench/policy_simulator.py --requests 20000 --orders 1000 --databases $(BENCH_DATABASES)
	$(TEST_ENV) $(BIN)/python bench/helpcenter_quality.py --articles 1000 --latency-queries 200
	$(TEST_ENV) $(BIN)/python bench/portal_flow.py --runs 1 --orders 100
	@if [[ "$(BENCH_DATABASES)" == *postgresql* ]]; then \
	  $(BIN)/python -m pip install --quiet -e '.[bench]' && \
	  $(BIN)/python bench/load_locust.py --users 5 --api-clients 1 --seconds 15 --baseline-seconds 5 --orders 1000; \
	fi

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
