# The README's two commands: `make run` (the dashboard on http://localhost:8501) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast test-browser lint format bench load sample clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Creates the warehouse (data/warehouse.duckdb, or $$DASHBOARD_DB) and loads the sample data on first run.
run: $(VENV)/.runtime
	$(PY) -m ui.serve --server.port $(PORT) --browser.gatherUsageStats false

# The warehouse, ingest and command-line tests run a second time on a shared DuckLake warehouse, in a
# throw-away PostgreSQL the tests start (tests/lake_support.py; skipped without PostgreSQL unless
# REQUIRE_POSTGRES=1, as CI sets).
# pytest-xdist runs the test files in three processes (a file's tests stay together, so its module fixtures
# are built once): the browser tests wait on Chromium and the app server, and a third process fills those
# waits (measured on 2 cores: the first pass took 23:56 with three, 25:18 with two).
# --durations: the slowest tests, printed at the end of each pass, to keep the CI run under 30 minutes.
XDIST ?= -n 3 --dist loadfile --durations=15
# The DuckLake pass's waits are PostgreSQL's, on the same cores: two processes (6:10 with three, 5:49 with two),
# each taking the next test rather than the next file (7 files of unequal length: 5:42 against 6:16 by file).
LAKE_XDIST ?= -n 2 --dist load --durations=10

test: $(VENV)/.dev
	$(PY) -m pytest $(XDIST)
	$(PY) -m pytest $(LAKE_XDIST) --warehouse=ducklake

# The same suite split in two: everything but the browser, and only the browser tests (Chromium driving
# `streamlit run`; screenshots and the axe-core report land in screenshots/).
test-fast: $(VENV)/.dev
	$(PY) -m pytest $(XDIST) -m "not browser"
	$(PY) -m pytest $(LAKE_XDIST) --warehouse=ducklake

test-browser: $(VENV)/.dev
	$(PY) -m pytest -m browser

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.dev
	$(PY) -m bench

# How many visitors one server holds (10, 25, 50 at once), measured on the server: bench/load_results.md.
load: $(VENV)/.dev
	$(PY) -m bench.load

# Regenerate the bundled sample files (deterministic: same seed, same bytes).
sample: $(VENV)/.runtime
	$(PY) -m analytics.sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache screenshots bench/work
