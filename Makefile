# Two commands do everything on a fresh machine with Python 3.11:
#   make build   set up, then seeds -> staging -> marts -> tests -> data-quality gate
#                -> publish (read-only copy for BI) -> dashboard
#   make test    set up, then every test (dbt data + unit tests, lint, pytest, headless browser)
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := build
# DuckDB 2.0's Python binding prints harmless "nanobind: leaked ..." lines at interpreter exit;
# they would bury the test summary, so they are filtered (exit codes are kept by pipefail).
QUIET_EXIT := 2>&1 | grep --line-buffered -v -E 'nanobind|leaked (function|instance|type|types|functions|instances)|skipped remainder|refleaks'
GATE_ARGS := $(if $(RAW_PATH),--raw-path "$(RAW_PATH)" --raw-format $(or $(FORMAT),csv))
INPUT_ARGS := $(if $(RAW_PATH),--raw-path "$(RAW_PATH)" --format $(or $(FORMAT),csv))
TARGET_ARGS := $(if $(TARGET),--target $(TARGET)) $(if $(SOURCE),--source $(SOURCE))
# TARGET=postgres without PGHOST: the libpq variables of the local server (scripts/pg_cluster.sh).
PG_ENV := $(if $(filter postgres,$(TARGET)),test -n "$$PGHOST" || eval "$$(scripts/pg_cluster.sh env)";)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp changes with the requirements and with how they are installed (SETUP_VERSION).
SETUP_VERSION := 4
STAMP := $(VENV)/.installed-$(shell (cat requirements.txt pyproject.toml; echo $(SETUP_VERSION)) | md5sum | cut -c1-12)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONPATH := $(CURDIR)

DBT := $(BIN)/dbt
# The project's command line (cs_kpi/cli.py): `.venv/bin/cs-kpi --help`.
CS_KPI := $(BIN)/cs-kpi
SCALE ?= 10
DATA_DIR ?= data/scale-$(SCALE)

.PHONY: setup build check summary validate publish slim-ci dashboard browser test lint pytest dbt-test gate-check \
	postgres postgres-stop spark-jdk help \
	seeds generate build-scale bench clean

## Set up .venv: the pinned requirements and the project (the cs-kpi command).
setup: $(STAMP)

## This list: every target with its ## comment.
help:
	@awk '/^## /{ doc = doc (doc ? "\n                   " : "") substr($$0, 4); next } \
	     /^[a-z][a-z-]*:/{ if (doc) { split($$0, t, ":"); printf "  make %-11s %s\n", t[1], doc } } \
	     { doc = "" }' $(MAKEFILE_LIST)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@# Bytecode is compiled at install (pip does this by default, uv does not): without it every
	@# dbt process re-compiles dbt from source when PYTHONDONTWRITEBYTECODE is set, as on the
	@# CI machine, which doubles the time dbt takes to start.
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	@# The project itself, editable: the `cs-kpi` command (cs_kpi/cli.py).
	@$(BIN)/uv pip install --quiet --no-deps --python $(BIN)/python -e .
	@mkdir -p warehouse/tmp
	@rm -f $(VENV)/.installed-* && touch $@
	@echo "environment ready in $(VENV)"

## Run the pipeline on the committed seeds (or RAW_PATH=DIR [FORMAT=parquet]): preflight,
## build + tests, summary, data-quality gate, publish for BI tools, dashboard.
## SOURCE=fivetran: vendor exports instead (RAW_PATH=DIR: DIR/zendesk/<table>.csv,
## DIR/shopify/<table>.csv, DIR/raw_<name>.csv; without RAW_PATH: the warehouse's tables).
## TARGET=postgres: the same on PostgreSQL (the libpq variables, else the local server of
## scripts/pg_cluster.sh: `make postgres` starts one).
## TARGET=spark: the same on an embedded Apache Spark (files in warehouse/spark/; needs a JDK:
## installed from Debian if absent).
build: setup $(if $(filter spark,$(TARGET)),spark-jdk)
	@$(PG_ENV) $(CS_KPI) build $(INPUT_ARGS) $(TARGET_ARGS) $(if $(FULL_REFRESH),--full-refresh) $(QUIET_EXIT)

## Check a raw folder before building: make check RAW_PATH=DIR [FORMAT=parquet]
check: setup
	@test -n "$(RAW_PATH)" || { echo "usage: make check RAW_PATH=DIR [FORMAT=parquet]" >&2; exit 2; }
	@$(CS_KPI) check --raw-path "$(RAW_PATH)" --format $(or $(FORMAT),csv) $(QUIET_EXIT)

## What the last build did: where every raw row went, reject reasons, headline KPIs.
summary:
	@$(CS_KPI) summary $(QUIET_EXIT)

## The data-quality gate (Great Expectations) on the built warehouse, with Data Docs HTML.
validate:
	$(CS_KPI) validate $(GATE_ARGS) $(QUIET_EXIT)

## Write-audit-publish: copy the marts to warehouse/published/ (read-only DuckDB file + Parquet),
## only if the gate passed on exactly this warehouse; atomic swap, readers are never blocked.
publish:
	@$(CS_KPI) publish $(QUIET_EXIT)

## Slim CI: build and test only the models changed since the published build (state:modified+)
## in warehouse/ci/, reading unchanged parents from the production warehouse (--defer).
## STATE=DIR: another saved manifest (default warehouse/published/state, written by publish).
slim-ci: setup
	@$(CS_KPI) slim-ci $(if $(STATE),--state "$(STATE)") $(QUIET_EXIT)

## Re-render the static dashboard from the published data alone.
dashboard:
	@$(CS_KPI) dashboard $(QUIET_EXIT)

## Debian's chromium for the dashboard's browser test. Required in CI; elsewhere the test is
## skipped when it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium (dashboard test)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null ) \
	  || { if [ "$$CI" = true ]; then echo "chromium install failed" >&2; exit 1; \
	       else echo "WARNING: no chromium; the browser test will be skipped"; fi; }; }

## Debian's JDK for the Spark target, when no java is on the PATH.
spark-jdk:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's JDK (Spark target)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; }

## Every test: SQL and Python lint, dbt data tests + unit tests, the gate, pytest (with the
## PostgreSQL tests against a throw-away local server, started here if it is not running,
## and the Spark tests on an embedded Spark).
test: setup browser postgres spark-jdk lint dbt-test gate-check pytest

## A throw-away PostgreSQL server on 127.0.0.1 (scripts/pg_cluster.sh; Debian's package is
## installed if absent). Its libpq variables: eval "$(scripts/pg_cluster.sh env)"
postgres:
	@scripts/pg_cluster.sh start >/dev/null

## Stop the throw-away PostgreSQL server and delete its files.
postgres-stop:
	@scripts/pg_cluster.sh stop

## dbt build on the seeds (every data test and unit test), then dbt docs generate.
dbt-test:
	$(DBT) build --fail-fast
	$(DBT) docs generate --quiet

## ruff on the Python, sqlfluff on models and tests.
lint:
	$(BIN)/ruff check cs_kpi tests scripts bench
	@# An empty in-memory warehouse, so the dbt templater renders the first-build branch of the
	@# incremental models on a laptop after `make build` exactly as in CI.
	CS_KPI_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models tests --processes 2 $(QUIET_EXIT)
	@# The vendor mappings are enabled only with their raw_input: linted with it.
	CS_KPI_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models/sources/zendesk models/sources/shopify models/sources/fivetran \
	  --config scripts/lint/fivetran.sqlfluff --processes 2 $(QUIET_EXIT)
	CS_KPI_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models/sources/freshdesk \
	  --config scripts/lint/freshdesk.sqlfluff $(QUIET_EXIT)

## The data-quality gate on the seeds build, without Data Docs.
gate-check:
	$(CS_KPI) validate --no-docs $(QUIET_EXIT)

# The Python tests run as two processes side by side (two cores): the Spark, vendor-export
# and defective-input tests in one, the rest in the other (about equal time in CI). Each has
# its own temporary folder.
PYTEST_SIDE := tests/python/test_spark.py tests/python/test_vendor_mappings.py tests/python/test_bad_input.py \
	tests/python/test_slim_ci.py
PYTEST_TMP := warehouse/tmp/pytest

## The Python tests (tests/python), in two parallel processes; slowest tests listed.
pytest:
	@rm -rf $(PYTEST_TMP) && mkdir -p $(PYTEST_TMP)
	@( $(BIN)/pytest -q -p no:cacheprovider --durations=8 --basetemp=$(PYTEST_TMP)/side $(PYTEST_SIDE) \
	    > $(PYTEST_TMP)/side.log 2>&1; echo $$? > $(PYTEST_TMP)/side.rc ) & \
	$(BIN)/pytest -q -p no:cacheprovider --durations=12 --basetemp=$(PYTEST_TMP)/main tests/python \
	  $(foreach test,$(PYTEST_SIDE),--ignore $(test)) $(QUIET_EXIT); main=$$?; \
	wait; echo "--- $(PYTEST_SIDE) (run alongside):"; \
	grep -v -E 'nanobind|leaked (function|instance|type|types|functions|instances)|skipped remainder|refleaks' $(PYTEST_TMP)/side.log; \
	test "$$main" = 0 && test "$$(cat $(PYTEST_TMP)/side.rc)" = 0

## Regenerate the committed seeds (scale 1) from the generator.
seeds: setup
	$(CS_KPI) generate --scale 1 --out seeds

## Larger data outside git: make generate SCALE=10 [FORMAT=parquet]
generate: setup
	$(CS_KPI) generate --scale $(SCALE) --out $(DATA_DIR) --format $(or $(FORMAT),csv)

## Build on generated data: make build-scale SCALE=10
build-scale: generate
	@$(CS_KPI) build --raw-path "$(DATA_DIR)" --format $(or $(FORMAT),csv) $(QUIET_EXIT)

SCALES ?= 1 10 100
## Benchmark (README "Benchmark"): make bench SCALES="1 10 100" [FORMAT=parquet] [POSTGRES=1] [SPARK=1]
bench: setup
	$(CS_KPI) bench --scales $(SCALES) --format $(or $(FORMAT),parquet) $(if $(POSTGRES),--postgres) $(if $(SPARK),--spark) $(QUIET_EXIT)

## Delete build outputs and the local warehouse (not the generated data).
clean:
	rm -rf target logs warehouse/*.duckdb* warehouse/*.gate.json warehouse/tmp warehouse/published warehouse/screenshots
