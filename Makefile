# InterviewOS — the two commands a new machine needs:
#   make run    build the SPA (if present) and the backend, then serve both on http://localhost:8080
#   make test   every test tier: Rust on SQLite and PostgreSQL, OpenAPI drift, frontend, browser e2e, contract
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
FRONTEND := frontend
HAS_FRONTEND := $(wildcard $(FRONTEND)/package.json)
BIN := target/debug/interviewos

.PHONY: help run build backend frontend test test-rust test-sqlite test-postgres test-frontend test-e2e test-contract \
        lint fmt openapi bench eval tools clean stop-postgres

help:
	@echo "make run        build and serve API + SPA on http://localhost:8080 (SQLite, offline grader, email outbox)"
	@echo "make test       run every test tier (installs/starts PostgreSQL and Chromium when run as root)"
	@echo "make lint       cargo fmt --check, clippy -D warnings, frontend lint + typecheck"
	@echo "make openapi    regenerate openapi.yaml (and the SPA's client types) from the code"
	@echo "make bench      load benchmark against a release build on PostgreSQL (see docs/performance.md)"
	@echo "make eval       grading accuracy on the labelled answer pairs (offline grader, or OPENAI_* to measure a model)"

tools:
	@command -v $(CARGO) >/dev/null || { echo "error: cargo not found — install Rust (https://rustup.rs)"; exit 1; }
	@if [ -n "$(HAS_FRONTEND)" ]; then command -v npm >/dev/null || { echo "error: npm not found — install Node.js 20+"; exit 1; }; fi

frontend: tools
ifneq ($(HAS_FRONTEND),)
	cd $(FRONTEND) && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build
endif

backend: tools
	$(CARGO) build --locked -p interviewos

build: frontend backend

run: build
	@echo "InterviewOS on http://localhost:8080 (API docs at /docs). Ctrl-C to stop."
	$(BIN) serve

openapi: tools
	$(CARGO) run --quiet --locked -p interviewos -- export-openapi > openapi.yaml
ifneq ($(HAS_FRONTEND),)
	cd $(FRONTEND) && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run gen:api
endif

lint: tools
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
ifneq ($(HAS_FRONTEND),)
	cd $(FRONTEND) && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run lint && npm run typecheck
endif

fmt:
	$(CARGO) fmt --all

# nextest runs each test in its own process (fast, isolated); plain cargo test is the fallback.
NEXTEST := $(shell $(CARGO) nextest --version >/dev/null 2>&1 && echo yes)
ifeq ($(NEXTEST),yes)
RUST_TEST = $(CARGO) nextest run --workspace --locked --no-fail-fast
else
RUST_TEST = $(CARGO) test --workspace --locked --no-fail-fast
endif

test-sqlite: tools
	@echo "== Rust tests on SQLite =="
	env -u TEST_DATABASE_URL $(RUST_TEST)

test-postgres: tools
	@echo "== Rust tests on PostgreSQL =="
	url="$${TEST_DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then url="$$(scripts/ensure-postgres.sh)"; fi; \
	TEST_DATABASE_URL="$$url" $(RUST_TEST)

test-rust: test-sqlite test-postgres

test-frontend: tools
ifneq ($(HAS_FRONTEND),)
	@echo "== Frontend: lint, typecheck, unit tests, build =="
	cd $(FRONTEND) && npm ci --no-audit --no-fund && npm run gen:api && git diff --exit-code -- src/api/schema.d.ts \
	  || { echo "error: frontend/src/api/schema.d.ts is stale — run 'make openapi' and commit"; exit 1; }
	cd $(FRONTEND) && npm run lint && npm run typecheck && npm test && npm run build
else
	@echo "(no frontend yet: skipping)"
endif

test-e2e: backend
ifneq ($(HAS_FRONTEND),)
	@echo "== Browser end-to-end (Playwright + Debian Chromium) =="
	scripts/ensure-chromium.sh
	cd $(FRONTEND) && INTERVIEWOS_BIN=$(CURDIR)/$(BIN) npm run e2e
else
	@echo "(no frontend yet: skipping e2e)"
endif

test-contract: backend
	@if [ -x scripts/contract-test.sh ]; then scripts/contract-test.sh $(CURDIR)/$(BIN); else echo "(no contract test yet)"; fi

test: test-rust test-frontend test-e2e test-contract
	@echo "All test tiers passed."

stop-postgres:
	scripts/stop-postgres.sh

bench:
	scripts/bench.sh

# Pairwise grading accuracy on grader/eval/ (tuning and held-out splits), per pair type and category, for
# the configured grader: the offline rubric grader, or the OpenAI-compatible server given OPENAI_API_KEY,
# OPENAI_BASE_URL and OPENAI_MODEL. A release build: the offline grader's timings are the real ones.
eval: tools
	$(CARGO) build --release --locked -p interviewos
	APP_ENV=$${APP_ENV:-test} target/release/interviewos eval

clean:
	$(CARGO) clean
	rm -rf $(FRONTEND)/node_modules $(FRONTEND)/dist .tmp
