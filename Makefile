# The commands of the README: `make serve`, `make check` (the quick loop) and `make test` (the full
# run CI does). Each installs what it is missing first, and only that (scripts/bootstrap PART).
SHELL := /bin/bash
SWIFT ?= swift
# The server links the Swift runtime and Foundation statically: one file to deploy, and only the
# pages it uses are mapped (idle RSS 29 MB against 35 MB with the shared libraries).
RELEASE = $(SWIFT) build -c release --product swiftrack -Xswiftc -static-stdlib
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: bootstrap build serve seed check test test-all unit unit-here compat compat-postgres compat-mysql compat-replicas compat-mlflow bench bench-replicas bench-soak clean

# Everything (building, the full test run, the benchmarks' Python).
bootstrap:
	@scripts/bootstrap

build:
	@scripts/bootstrap build
	$(RELEASE)

serve: build
	.build/release/swiftrack server --backend-store-uri sqlite:///mlruns/mlflow.db \
		--artifacts-destination ./mlruns/artifacts --host $(HOST) --port $(PORT)

# Demo data for the UIs, into the server `make serve` runs (another terminal).
seed:
	@scripts/bootstrap python
	$(PYTHON) scripts/seed-demo --tracking-uri http://$(HOST):$(PORT)

# The quick loop before a commit: the lint pass (scripts/lint), a debug build with the tests (which
# also embeds web/ through the EmbedWeb build-tool plugin), then `swift test` on SQLite only: the
# database variables and CI are taken out of its environment, so the PostgreSQL, MariaDB and LDAP
# suites skip themselves and no server is started. 28 to 41 s on this 2-core machine with a warm
# build, as other builds load it (lint 18 s, the 734 unit tests 19 to 28 s; December 2026); a
# cold debug build adds about 8 min.
check:
	@scripts/bootstrap check
	scripts/lint
	$(SWIFT) build --build-tests
	env -u CI -u SWIFTRACK_TEST_POSTGRES_URI -u SWIFTRACK_TEST_MYSQL_URI -u SWIFTRACK_TEST_LDAP_URI \
		-u SWIFTRACK_TEST_POSTGRES_DIR -u SWIFTRACK_TEST_MYSQL_DIR $(SWIFT) test --skip-build

# Beside throwaway PostgreSQL, MariaDB and LDAP servers (scripts/with-databases): the unit and store
# contract tests (Swift Testing) on all three engines, the compat suite against the built binary
# on SQLite, PostgreSQL and MariaDB and through nginx to two replicas, and once against a real
# `mlflow server` (check mode) to prove it describes MLflow. scripts/test-passes runs the passes
# in the stages of TEST_STAGES (a `+` joins passes that run at once: the MLflow check-mode pass
# runs `mlflow server` on SQLite and restarts no shared server, so it runs beside `swift test`,
# which is mostly compiling; the engine passes follow one at a time, since the SQLite pass restarts
# the database servers the others use); each compat
# pass runs its tests on COMPAT_WORKERS pytest-xdist workers, then the serial ones alone
# (scripts/compat-pass). Every pass's log is kept in .build/test-logs/NAME.log; `make test` fails
# when any pass fails.
TEST_STAGES ?= unit-here+compat-mlflow compat compat-postgres compat-mysql compat-replicas
COMPAT_WORKERS ?= 2
export COMPAT_WORKERS
test:
	@scripts/bootstrap test
	$(RELEASE)
	scripts/with-databases env MAKE=$(MAKE) scripts/test-passes $(TEST_STAGES)

# The passes one after another in one make, as before scripts/test-passes (run under
# scripts/with-databases).
test-all:
	$(SWIFT) test
	$(MAKE) compat
	$(MAKE) compat-postgres
	$(MAKE) compat-mysql
	$(MAKE) compat-replicas
	$(MAKE) compat-mlflow

# `swift test` beside the servers that scripts/with-databases already started.
unit-here:
	$(SWIFT) test

unit: bootstrap
	scripts/with-databases $(SWIFT) test

compat: bootstrap
	SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack scripts/compat-pass compat

# The compat suite with the server on PostgreSQL / MariaDB (run under scripts/with-databases).
compat-postgres: bootstrap
	SWIFTRACK_COMPAT_ENGINE=postgres SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack scripts/compat-pass compat

# The tracking, registry and artifact tests through nginx (TLS) to two replicas on one PostgreSQL
# database (compat/topology.py, the compose blueprint's shape from plain processes).
REPLICA_SUITE = compat/test_experiments.py compat/test_runs.py compat/test_metrics.py compat/test_search.py \
	compat/test_registry.py compat/test_registry_models.py compat/test_logged_models.py compat/test_artifacts.py \
	compat/test_tutorial.py
compat-replicas: bootstrap
	SWIFTRACK_COMPAT_TARGET=replicas SWIFTRACK_COMPAT_ENGINE=postgres SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack \
		scripts/compat-pass $(REPLICA_SUITE)

compat-mysql: bootstrap
	SWIFTRACK_COMPAT_ENGINE=mysql SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack scripts/compat-pass compat

# Beside `swift test` in `make test`, so one worker by default: the compile takes the other core.
COMPAT_MLFLOW_WORKERS ?= 1
compat-mlflow: bootstrap
	SWIFTRACK_COMPAT_TARGET=mlflow COMPAT_WORKERS=$(COMPAT_MLFLOW_WORKERS) scripts/compat-pass compat

# Side by side with mlflow server and FastTrackML on SQLite and PostgreSQL, driven by wrk
# (bench/run.py); writes docs/BENCHMARKS.md's "Side by side" section and docs/bench-chart.png.
# `make bench BENCH_ARGS=--quick` for a smoke run.
bench: bootstrap
	$(RELEASE)
	bench/setup
	bench/.venv/bin/python bench/run.py $(BENCH_ARGS)

# 1, 2 and 3 Swiftrack replicas behind nginx on one PostgreSQL database, wrk through the proxy
# (bench/replicas.py); writes docs/BENCHMARKS.md's replicas section. About 6 min with the defaults.
# `make bench-replicas BENCH_ARGS="--replicas 1,2 --duration 3 --warmup 0"` for a smoke run.
bench-replicas: bootstrap
	$(RELEASE)
	bench/setup
	bench/.venv/bin/python bench/replicas.py $(BENCH_ARGS)

# One server under the mixed workload at 64 connections for an hour, a wrk window per minute
# (bench/soak.py); writes the soak section and docs/soak-chart.png. `BENCH_ARGS="--engine postgres"`
# for PostgreSQL, `BENCH_ARGS="--minutes 2"` for a smoke run.
bench-soak: bootstrap
	$(RELEASE)
	bench/setup
	bench/.venv/bin/python bench/soak.py $(BENCH_ARGS)

clean:
	rm -rf .build
