# Two commands for people: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
#: Every package pinned with its hashes (`make lock` refreshes it from pyproject.toml).
LOCK := requirements.lock
BUN_VERSION := 1.4.5
#: The accessibility test injects axe-core into every page (tests/e2e/test_accessibility.py).
AXE_VERSION := 4.14.1
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
export PORT

.PHONY: run test check lock bench setup migrate seed system-deps clean

setup: $(VENV)/.installed .tools/node_modules/.bin/bun .tools/node_modules/axe-core/axe.min.js

# The locked packages (hashes checked), then the project itself without resolving anything.
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --quiet --output-file $(LOCK)

.tools/node_modules/.bin/bun:
	mkdir -p .tools
	cd .tools && npm install --no-audit --no-fund --silent bun@$(BUN_VERSION)

.tools/node_modules/axe-core/axe.min.js:
	mkdir -p .tools
	cd .tools && npm install --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

migrate: setup
	mkdir -p data
	$(BIN)/reflex db migrate

seed: migrate
	$(BIN)/python -m pixmania_incidents seed --if-empty

run: seed
	@$(BIN)/python -m pixmania_incidents accounts
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

system-deps:  # Chromium for the browser tests, pdftoppm to read the return-label barcode back, nginx for the production recipe
	@missing=""; command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y $$missing >/dev/null || (apt-get update >/dev/null && apt-get install -y $$missing >/dev/null); \
	elif echo "$$missing" | grep -q chromium; then $(BIN)/playwright install chromium; fi

# The gates: lint and format, the architecture contract (layers and areas), types (pure layers strict, services).
check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: check system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup system-deps
	$(BIN)/python -m bench

clean:
	rm -rf .web data .states
