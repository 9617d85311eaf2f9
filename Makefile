# Two commands do everything on a fresh machine with Python 3.11:
#   make build   set up, then seeds -> staging -> marts -> tests -> data-quality gate
#   make test    set up, then every test (dbt data + unit tests, lint, pytest)
SHELL := /bin/bash
.DEFAULT_GOAL := build

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | md5sum | cut -c1-12)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONPATH := $(CURDIR)

DBT := $(BIN)/dbt
SCALE ?= 10
DATA_DIR ?= data/scale-$(SCALE)

.PHONY: setup build pipeline summary test lint pytest dbt-test seeds generate build-scale clean

setup: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	@mkdir -p warehouse/tmp
	@rm -f $(VENV)/.installed-* && touch $@
	@echo "environment ready in $(VENV)"

## Run the pipeline on the committed seeds: load, build, test, summarise.
build: setup pipeline

pipeline:
	$(DBT) build --fail-fast
	@$(MAKE) --no-print-directory summary

summary:
	@$(BIN)/python -m cs_kpi.summary

## Every test: dbt data tests + unit tests, SQL and Python lint, pytest.
test: setup lint dbt-test pytest

dbt-test:
	$(DBT) build --fail-fast
	$(DBT) docs generate --quiet

lint:
	$(BIN)/ruff check cs_kpi tests scripts
	$(BIN)/sqlfluff lint models tests --processes 2

pytest:
	$(BIN)/pytest -q tests/python

## Regenerate the committed seeds (scale 1) from the generator.
seeds: setup
	$(BIN)/python -m cs_kpi.datagen --scale 1 --out seeds

## Larger data outside git: make generate SCALE=10 [FORMAT=parquet]
generate: setup
	$(BIN)/python -m cs_kpi.datagen --scale $(SCALE) --out $(DATA_DIR) --format $(or $(FORMAT),csv)

## Build on generated data: make build-scale SCALE=10
build-scale: generate
	$(DBT) build --vars '{raw_path: $(DATA_DIR), raw_format: $(or $(FORMAT),csv)}'
	@$(BIN)/python -m cs_kpi.summary

clean:
	rm -rf target logs warehouse/*.duckdb* warehouse/tmp
