# The two commands of the README: `make serve` and `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: bootstrap build serve test unit compat compat-mlflow bench clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release

serve: build
	.build/release/swiftrack server --backend-store-uri sqlite:///mlruns/mlflow.db \
		--artifacts-destination ./mlruns/artifacts --host $(HOST) --port $(PORT)

# Unit tests (Swift Testing), then the compat suite against the built binary, then the same
# suite once against a real `mlflow server` (check mode) to prove it describes MLflow.
test: bootstrap
	$(SWIFT) build -c release
	$(SWIFT) test
	$(MAKE) compat
	$(MAKE) compat-mlflow

unit: bootstrap
	$(SWIFT) test

compat: bootstrap
	SWIFTRACK_BIN=$(CURDIR)/.build/release/swiftrack $(PYTHON) -m pytest compat

compat-mlflow: bootstrap
	SWIFTRACK_COMPAT_TARGET=mlflow $(PYTHON) -m pytest compat

# Side by side with mlflow server and FastTrackML (bench/run.py); writes docs/BENCHMARKS.md's
# "Side by side" section and docs/bench-chart.png. `make bench BENCH_ARGS=--quick` for a smoke run.
bench: bootstrap
	$(SWIFT) build -c release
	bench/setup
	$(SWIFT) build -c release --package-path bench/loadgen
	bench/.venv/bin/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build
