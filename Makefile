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
CDN_PORT ?= 8080
PURGER_PORT ?= 8090
REPLICA_URL ?= data/replica
NODE_TOOLS := tests/typescript
NODE_STAMP := $(NODE_TOOLS)/node_modules/.installed
export HOST PORT WORKERS CONTENT_DB RATE_LIMIT ALLOW_PRIVATE_WEBHOOKS REPLICA_URL
ifdef REPLICATION_LAG_LIMIT
export REPLICATION_LAG_LIMIT
endif
ifdef WEBHOOK_RETRY_SCHEDULE
export WEBHOOK_RETRY_SCHEDULE
endif

.DEFAULT_GOAL := help
.PHONY: help run run-cdn run-replicated test lint seed schema token bench bench-replication \
	mutants browser varnish node-tools screenshots clean

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

run-cdn: $(STAMP) varnish ## Serve through Varnish on :$(CDN_PORT), purged on publish (API on :$(PORT))
	CDN_PORT=$(CDN_PORT) PURGER_PORT=$(PURGER_PORT) deploy/varnish/run-cdn.sh

run-replicated: $(STAMP) ## Serve as `make run`, with Litestream replicating $(CONTENT_DB) to $(REPLICA_URL)
	$(BIN)/python -m service replicate

test: $(STAMP) browser varnish node-tools ## Run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff, mypy and the import contracts (the layers)
	$(BIN)/ruff check service schema seed tests bench
	$(BIN)/ruff format --check service schema seed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

seed: $(STAMP) ## Create $(CONTENT_DB) if needed and load the seed article (idempotent)
	$(BIN)/python -m service seed

schema: $(STAMP) ## Write the content model's JSON Schema to schema/content.schema.json
	$(BIN)/python -m service schema > schema/content.schema.json

token: $(STAMP) ## Create an API token: make token NAME=alice ROLE=editor
	@$(BIN)/python -m service tokens create --name "$(NAME)" --role "$(ROLE)"

bench: $(STAMP) varnish ## Benchmark the server against a bare-ASGI baseline with wrk (writes bench/results.md)
	$(BIN)/python bench/run.py

bench-replication: $(STAMP) ## Litestream lag under write load and restore time for 10,000 articles
	$(BIN)/python bench/replication.py

mutants: $(STAMP) ## Mutation-test auth, workflow rules and sanitizing (config: [tool.mutmut])
	$(BIN)/mutmut run; status=$$?; $(BIN)/mutmut results; exit $$status

browser: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

varnish: ## Install Debian's varnish and varnish-modules (xkey) when missing
	@{ command -v varnishd || test -x /usr/sbin/varnishd; } >/dev/null 2>&1 && test -n "$$(find /usr/lib -name libvmod_xkey.so -print -quit)" \
		|| { apt-get update -qq && apt-get install -y -qq varnish varnish-modules >/dev/null; }

node-tools: $(NODE_STAMP) ## Install the TypeScript tools the type tests use, as pinned in tests/typescript/package-lock.json

$(NODE_STAMP): $(NODE_TOOLS)/package-lock.json $(NODE_TOOLS)/package.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix $(NODE_TOOLS) --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

screenshots: $(STAMP) browser ## Write PNGs of the web app's pages to docs/screenshots/ (real server, chromium)
	$(BIN)/python -m tests.e2e.screenshots

clean: ## Remove the virtualenv and caches (keeps data/)
	rm -rf $(VENV) $(NODE_TOOLS)/node_modules .pytest_cache .mypy_cache .ruff_cache mutants
