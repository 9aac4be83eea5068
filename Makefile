# Two commands matter on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Every target here is the local demo or development: the fixed demo key, plain HTTP,
# no second factor (see settings.DEMO). Production sets its own environment.
export CCHC_DEMO ?= true

.PHONY: install run serve load test lint format bench bench-both mutate worker system-packages

install: $(STAMP) node_modules/.installed system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

# Debian packages for browser tests (chromium) and DOCX->PDF (LibreOffice).
system-packages:
	@bash scripts/system-packages.sh

# The background worker (report generation) runs beside the web server and stops with it.
run: install
	$(BIN)/cchc migrate --noinput
	$(BIN)/cchc collectstatic --noinput -v0
	$(BIN)/cchc load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C stops)"
	@mkdir -p var; $(BIN)/cchc worker >> var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn cchc.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --log-level warning

# Production on one machine (README, "Deployment"): checks the environment and names what is
# missing, migrates, collects static files, then gunicorn with WEB_CONCURRENCY workers
# (default 2 × CPUs + 1) on CCHC_BIND (default 127.0.0.1:$(PORT)) beside the worker.
serve: export CCHC_DEMO := false
serve: install
	$(BIN)/python -m cchc.ops.serve

# PYTEST_ARGS narrows a run (CI runs the browser journeys once, on SQLite; they test pages,
# not the database). The tests run in one process per core (pytest-xdist; TEST_WORKERS=0
# runs them in this one), each with its own test database; an idle worker takes queued
# tests from a busy one, so the few long tests do not leave a core waiting.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r src -ll
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Mutation testing of timeliness, access, permissions, the audit chain, the rates and the
# XLSX writer ([tool.mutmut] in pyproject.toml); slow, not run in CI. Prints the score.
# Its own virtualenv without the project installed: the editable install would otherwise
# be imported instead of the mutated copy in mutants/src.
MUTATE_VENV := .venv-mutate
mutate: install
	test -x $(MUTATE_VENV)/bin/python || $(PY) -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/pip install -q '.[dev]' mutmut==3.8.1
	$(MUTATE_VENV)/bin/pip uninstall -q -y cchc
	mkdir -p mutants/src
	PYTHONPATH=$(CURDIR)/mutants/src $(MUTATE_VENV)/bin/mutmut run || true
	@$(MUTATE_VENV)/bin/mutmut results --all true | awk '/: killed/{k++} /: survived/{s++} \
	  /: (timeout|suspicious|no tests|segfault)/{o++} END {t=k+s+o; \
	  printf "mutation score: %d of %d mutants killed (%.0f %%); %d survived, %d other\n", \
	  k, t, t ? 100*k/t : 0, s, o}'

# Issue 14's scale: ten years of plans (measured with this year alone, then with all ten).
BENCH_YEARS ?= 10
bench: install
	$(BIN)/python -m cchc.demo.bench --years $(BENCH_YEARS)

# The same on SQLite and on PostgreSQL (DATABASE_URL, else the local server's `bench`).
bench-both: install
	$(BIN)/python -m cchc.demo.bench_both --years $(BENCH_YEARS)

# Locust against gunicorn with several workers on PostgreSQL (DATABASE_URL's server, in a
# database <name>_load), then a check that every update and file said saved is stored.
LOAD_USERS ?= 100
LOAD_TIME ?= 5m
load: install
	$(BIN)/python -m cchc.demo.load --users $(LOAD_USERS) --time $(LOAD_TIME)
