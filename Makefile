# Chorus: `make run` serves the demo on SQLite; `make test` runs lint, types and the suite.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Python 3.12 or newer: `python3` when it is new enough, else pyenv's 3.13 where pyenv exists.
PYTHON := $(shell \
	if python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		command -v python3; \
	elif command -v pyenv >/dev/null 2>&1 && prefix=$$(pyenv prefix 3.13 2>/dev/null) \
		&& "$$prefix/bin/python3" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "$$prefix/bin/python3"; \
	fi)

.PHONY: run test lint typecheck pytest install clean help

help:
	@echo "make run   install, migrate, load the demo data and serve it on http://$(HOST):$(PORT)/"
	@echo "make test  install the development tools, run ruff, mypy and the test suite"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Chorus needs Python 3.12 or newer: put it on PATH as python3, or install 3.13 with pyenv." >&2; \
		exit 1; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py loaddemo
	DEBUG=true $(BIN)/python manage.py createlocaladmin
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DEBUG=true $(BIN)/mypy .

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache staticfiles
