# Health content API. `make help` lists the targets; every target bootstraps .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
CONTENT_DB ?= data/content.db
RATE_LIMIT ?= 600
ALLOW_PRIVATE_WEBHOOKS ?= false
export HOST PORT WORKERS CONTENT_DB RATE_LIMIT ALLOW_PRIVATE_WEBHOOKS
ifdef WEBHOOK_RETRY_SCHEDULE
export WEBHOOK_RETRY_SCHEDULE
endif

.DEFAULT_GOAL := help
.PHONY: help run test lint seed schema token bench browser screenshots mutants clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## Serve on http://$(HOST):$(PORT) (creates and seeds $(CONTENT_DB) when missing)
	$(BIN)/python -m service prepare
	$(BIN)/granian --interface asgi --factory --host $(HOST) --port $(PORT) \
		--workers $(WORKERS) service.asgi:app

test: $(STAMP) browser ## Run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check service schema seed tests bench
	$(BIN)/ruff format --check service schema seed tests bench
	$(BIN)/mypy

seed: $(STAMP) ## Create $(CONTENT_DB) if needed and load the seed article (idempotent)
	$(BIN)/python -m service seed

schema: $(STAMP) ## Write the content model's JSON Schema to schema/content.schema.json
	$(BIN)/python -m service schema > schema/content.schema.json

token: $(STAMP) ## Create an API token: make token NAME=alice ROLE=editor
	@$(BIN)/python -m service tokens create --name "$(NAME)" --role "$(ROLE)"

bench: $(STAMP) ## Benchmark the server against a bare-ASGI baseline with wrk (writes bench/results.md)
	$(BIN)/python bench/run.py

mutants: $(STAMP) ## Mutation-test auth, workflow rules and sanitizing (config: [tool.mutmut])
	$(BIN)/mutmut run; status=$$?; $(BIN)/mutmut results; exit $$status

browser: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

screenshots: $(STAMP) browser ## Write PNGs of the web app's pages to docs/screenshots/ (real server, chromium)
	$(BIN)/python -m tests.e2e.screenshots

clean: ## Remove the virtualenv and caches (keeps data/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
