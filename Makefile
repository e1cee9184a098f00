# hrtool: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
EMPLOYEES ?= 600
TEST_WORKERS ?= 2

.PHONY: run test test-sqlite browser-test bench bench-pg load lint clean assets venv

## make run: create the environment, migrate, load demo data, serve on http://127.0.0.1:$(PORT)
## with one job worker beside the web server (Ctrl+C stops both)
run: venv assets
	$(BIN)/hrtool db upgrade
	$(BIN)/hrtool bootstrap --employees $(EMPLOYEES)
	@echo "Serving hrtool on http://127.0.0.1:$(PORT) with a job worker (Ctrl+C stops both)"
	scripts/run-dev $(PORT)

## make test: everything the tests need, then the whole suite on SQLite and on PostgreSQL
test: venv assets
	scripts/run-tests -n $(TEST_WORKERS)

## make test-sqlite: the quick loop while developing
test-sqlite: venv assets
	HRTOOL_TEST_PASSES=sqlite scripts/run-tests -n $(TEST_WORKERS)

## make browser-test: only the headless Chromium journeys (screenshots in artifacts/screenshots/)
browser-test: venv assets
	$(BIN)/pytest tests/browser -p no:logging

## make bench: hrtool at 1,000, 10,000 and 100,000 employees on SQLite, each figure as a ratio
## against a baseline in the same run (table printed; figures in artifacts/bench/sqlite.json)
bench: venv
	$(BIN)/python -m benchmarks.bench

## make bench-pg: the same on a throwaway PostgreSQL server (artifacts/bench/postgresql.json)
bench-pg: venv
	scripts/bench-pg

## make load: 50 simulated users for 60 s against gunicorn (4 workers) and 2 job workers on loopback,
## while one more HR officer imports 100,000 rows and issues a 500-letter batch through the pages
## on a throwaway PostgreSQL server, the production layout (LOAD_ARGS= for SQLite, whose single
## writer makes sign-ins wait while the import commits; LOAD_ARGS="--postgres --redis" for the
## queue on a throwaway redis-server; DATABASE_URL=... LOAD_ARGS= for yours). Bounded and
## self-stopping; prints requests, errors, p50/p95 per kind and the long work's outcome; exit 1 on
## any error or unfinished job. Not part of `make test`.
LOAD_ARGS ?= --postgres
load: venv
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

## make lint: ruff; mypy over the whole package (domain and services at --strict's flags, setup.cfg);
## no function above radon grade C without a `# radon:` reason (scripts/check-complexity)
lint: venv
	$(BIN)/ruff check hrtool tests benchmarks scripts
	$(BIN)/mypy hrtool
	$(BIN)/python scripts/check-complexity

venv: $(VENV)/.installed
$(VENV)/.installed: setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hrtool needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# GOV.UK Frontend's Sass, JavaScript and images come from npm at setup, never committed.
assets: static/dist/.built
static/dist/.built: package.json package-lock.json static/src/hrtool.scss scripts/build-assets.mjs
	npm ci --include=dev --no-audit --no-fund
	npm run build
	touch $@

clean:
	rm -rf $(VENV) node_modules static/dist artifacts .pytest_cache
