# The two commands of the README: `make serve` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
# The server links the Swift runtime and Foundation statically: one file to deploy, and only the
# pages it uses are mapped (idle RSS 29 MB against 35 MB with the shared libraries).
RELEASE = $(SWIFT) build -c release --product swiftrack -Xswiftc -static-stdlib
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: bootstrap build serve seed test test-all unit compat compat-postgres compat-mysql compat-replicas compat-mlflow bench clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(RELEASE)

serve: build
	.build/release/swiftrack server --backend-store-uri sqlite:///mlruns/mlflow.db \
		--artifacts-destination ./mlruns/artifacts --host $(HOST) --port $(PORT)

# Demo data for the UIs, into the server `make serve` runs (another terminal).
seed: bootstrap
	$(PYTHON) scripts/seed-demo --tracking-uri http://$(HOST):$(PORT)

# Beside throwaway PostgreSQL and MariaDB servers (scripts/with-databases): the unit and store
# contract tests (Swift Testing) on all three engines, the compat suite against the built binary
# on SQLite, PostgreSQL and MariaDB, then once against a real `mlflow server` (check mode) to
# prove it describes MLflow.
test: bootstrap
	$(RELEASE)
	scripts/with-databases $(MAKE) test-all

test-all:
	$(SWIFT) test
	$(MAKE) compat
	$(MAKE) compat-postgres
	$(MAKE) compat-mysql
	$(MAKE) compat-replicas
	$(MAKE) compat-mlflow

unit: bootstrap
	scripts/with-databases $(SWIFT) test

compat: bootstrap
	SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack $(PYTHON) -m pytest compat

# The compat suite with the server on PostgreSQL / MariaDB (run under scripts/with-databases).
compat-postgres: bootstrap
	SWIFTRACK_COMPAT_ENGINE=postgres SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack $(PYTHON) -m pytest compat

# The tracking, registry and artifact tests through nginx (TLS) to two replicas on one PostgreSQL
# database (compat/topology.py, the compose blueprint's shape from plain processes).
REPLICA_SUITE = compat/test_experiments.py compat/test_runs.py compat/test_metrics.py compat/test_search.py \
	compat/test_registry.py compat/test_registry_models.py compat/test_logged_models.py compat/test_artifacts.py \
	compat/test_tutorial.py
compat-replicas: bootstrap
	SWIFTRACK_COMPAT_TARGET=replicas SWIFTRACK_COMPAT_ENGINE=postgres SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack \
		$(PYTHON) -m pytest $(REPLICA_SUITE)

compat-mysql: bootstrap
	SWIFTRACK_COMPAT_ENGINE=mysql SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack $(PYTHON) -m pytest compat

compat-mlflow: bootstrap
	SWIFTRACK_COMPAT_TARGET=mlflow $(PYTHON) -m pytest compat

# Side by side with mlflow server and FastTrackML (bench/run.py); writes docs/BENCHMARKS.md's
# "Side by side" section and docs/bench-chart.png. `make bench BENCH_ARGS=--quick` for a smoke run.
bench: bootstrap
	$(RELEASE)
	bench/setup
	$(SWIFT) build -c release --package-path bench/loadgen
	bench/.venv/bin/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build
