# twilio_assets: `make demo` and `make test` are the two commands; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: install prepare demo dev lint test schema docs psql pg-start pg-stop sandbox celery-demo clean

# The virtualenv, rebuilt whenever pyproject.toml changes (exact pins live there). Python's venv seeds
# the pip and setuptools it bundles (pip 23.2, setuptools 65.5 on 3.11, with known vulnerabilities):
# they are raised to these pins, the newest in the package registry when set, before anything else.
PIP_VERSION := 26.3
SETUPTOOLS_VERSION := 84.2.1
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check 'pip==$(PIP_VERSION)' 'setuptools==$(SETUPTOOLS_VERSION)'
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,celery,k8s]'
	touch $@

install: $(VENV)/.installed

## prepare: dbt sources from the instance settings, then the dbt manifest Dagster loads (no database needed)
prepare: install
	$(BIN)/python -m twilio_assets.dbt.prepare

## demo: set everything up, sync every sandbox day into PostgreSQL, print warehouse vs sandbox counts
demo: install
	$(BIN)/python -m twilio_assets.localdev.demo

## dev: the Dagster UI (and dbt docs) on the same embedded PostgreSQL and sandbox
dev: install
	$(BIN)/python -m twilio_assets.localdev.dev

## lint: ruff (lint and format) and mypy, all clean
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## test: lint, then the whole test suite (starts its own PostgreSQL and sandbox)
test: prepare lint
	$(BIN)/python -m pytest

## docs: build the dbt docs site (with the warehouse's catalog when it is reachable) and serve it on :8580
docs: prepare
	@if [ -z "$$PGHOST$$PGPORT$$PGDATABASE" ]; then \
	  $(BIN)/python -m twilio_assets.localdev.postgres start >/dev/null && \
	  eval "$$($(BIN)/python -m twilio_assets.localdev.postgres env)"; fi; \
	  exec $(BIN)/python -m twilio_assets.dbt.docs --port 8580

## psql: a psql shell on the warehouse
psql: install
	@if [ -z "$$PGHOST$$PGPORT$$PGDATABASE" ]; then \
	  $(BIN)/python -m twilio_assets.localdev.postgres start >/dev/null && \
	  eval "$$($(BIN)/python -m twilio_assets.localdev.postgres env)"; fi; exec psql

pg-start: install
	$(BIN)/python -m twilio_assets.localdev.postgres start

pg-stop: install
	$(BIN)/python -m twilio_assets.localdev.postgres stop

## celery-demo: the sync job's steps on Celery workers with a local Redis broker (needs: apt-get install redis-server)
celery-demo: prepare
	$(BIN)/python -m twilio_assets.localdev.celery_demo --workers 1 2

## schema: regenerate the visual schema (docs/twilio_schema.svg and .pdf) from the catalogue and the dbt relationships
schema: install
	$(BIN)/python -m twilio_assets.schema_diagram

## sandbox: the Twilio sandbox alone, in the foreground (flags: make sandbox ARGS="--help")
sandbox: install
	$(BIN)/python -m twilio_assets.sandbox $(ARGS)

clean: pg-stop
	rm -rf $(VENV) dbt_project/target dbt_project/logs
