# Two commands for people: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
BUN_VERSION := 1.4.5
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
export PORT

.PHONY: run test bench setup migrate seed chromium clean

setup: $(VENV)/.installed .tools/node_modules/.bin/bun

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

.tools/node_modules/.bin/bun:
	mkdir -p .tools
	cd .tools && npm install --no-audit --no-fund --silent bun@$(BUN_VERSION)

migrate: setup
	mkdir -p data
	$(BIN)/reflex db migrate

seed: migrate
	$(BIN)/python -m pixmania_incidents seed --if-empty

run: seed
	@$(BIN)/python -m pixmania_incidents accounts
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y chromium >/dev/null || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null); \
	else $(BIN)/playwright install chromium; fi

test: setup chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup chromium
	$(BIN)/python -m bench

clean:
	rm -rf .web data .states
