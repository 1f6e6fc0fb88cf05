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

.PHONY: run test lint typecheck pytest gettext varnish install clean help serve backup restore

help:
	@echo "make run   install, migrate, load the demo data and serve it on http://$(HOST):$(PORT)/"
	@echo "make test  install the development tools, run ruff, mypy and the test suite"
	@echo "make serve the production-like stack: Varnish, gunicorn, the task worker, PostgreSQL, Redis"
	@echo "make backup / make restore FILE=backups/...dump  PostgreSQL custom-format dump and restore"

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

# The task worker runs beside the development server, on the same SQLite file: a scheduled
# statement's webhooks and e-mail alerts go out at its publish time, retries and the weekly
# digest at theirs. E-mail goes to the console.
RUN_ENV = DEBUG=true TASKS_BACKEND=database

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py loaddemo
	$(RUN_ENV) $(BIN)/python manage.py builddatasets
	$(RUN_ENV) $(BIN)/python manage.py createlocaladmin --site http://$(HOST):$(PORT)
	@$(RUN_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DEBUG=true $(BIN)/mypy .

# The translation tests check the catalogues with GNU gettext's msgfmt: installed here
# when it is missing and apt-get can (as root); without it they are skipped.
gettext:
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } || true

# Varnish in front of the app (config/varnish.vcl): Debian's package, for `make serve` and
# for the tests that run real varnishd. Installed when missing and apt-get can (as root).
varnish:
	@command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || { [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; } || true

pytest: install gettext varnish
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache staticfiles .varnish

# --- Production-like stack on this machine -------------------------------------------
# Varnish on $(HOST):$(CACHE_PORT) in front of gunicorn (2 x cores + 1 workers) on
# $(HOST):$(PORT), and the task worker, against a local PostgreSQL and Redis, as
# `docker-compose.yml` runs them, without Docker. Plain HTTP, so HTTPS=false; everything
# else as in production.
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chorus
REDIS_URL ?= redis://127.0.0.1:6379/0
CACHE_PORT ?= 6081
SECRET_KEY_FILE := .local-secret-key
SERVE_ENV = SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" DATABASE_URL="$(DATABASE_URL)" \
	REDIS_URL="$(REDIS_URL)" TASKS_BACKEND=database HTTPS=false \
	VARNISH_URL="http://$(HOST):$(CACHE_PORT)/" \
	ALLOWED_HOSTS="$(HOST),localhost" CSRF_TRUSTED_ORIGINS="http://$(HOST):$(PORT),http://$(HOST):$(CACHE_PORT)"

$(SECRET_KEY_FILE):
	umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: install varnish $(SECRET_KEY_FILE)
	@database="$(DATABASE_URL)"; name="$${database##*/}"; \
	psql "$${database%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$name'" | grep -q 1 \
		|| psql "$${database%/*}/postgres" -c "CREATE DATABASE \"$$name\""
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	$(SERVE_ENV) $(BIN)/python manage.py configuredatabase
	$(SERVE_ENV) $(BIN)/python manage.py loaddemo
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@mkdir -p .varnish && sed -e 's/.host = "web";/.host = "$(HOST)";/' \
		-e 's/.port = "8000";/.port = "$(PORT)";/' config/varnish.vcl > .varnish/default.vcl
	@$(SERVE_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	varnishd -F -j none -n "$$PWD/.varnish/work" -a $(HOST):$(CACHE_PORT) \
		-f "$$PWD/.varnish/default.vcl" -s malloc,256m -T none & cache=$$!; \
	trap 'kill $$worker $$cache 2>/dev/null; wait $$worker $$cache' EXIT INT TERM; \
	$(SERVE_ENV) WEB_CONCURRENCY=$$(( 2 * $$(nproc) + 1 )) BIND=$(HOST):$(PORT) \
		$(BIN)/gunicorn --config config/gunicorn.py config.wsgi

# --- Backup and restore ------------------------------------------------------------------
# Custom-format dumps (pg_dump -Fc): compressed, restorable table by table. The client
# tools must be the server's major version (PostgreSQL 15).
BACKUP_DIR ?= backups

backup:
	@mkdir -p $(BACKUP_DIR)
	pg_dump --format=custom --no-owner --file="$(BACKUP_DIR)/chorus-$$(date -u +%Y%m%dT%H%M%SZ).dump" "$(DATABASE_URL)"
	@ls -1t $(BACKUP_DIR)/*.dump | head -1

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/chorus-....dump" >&2; exit 1; }
	@test -f "$(FILE)" || { echo "No such file: $(FILE)" >&2; exit 1; }
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$(DATABASE_URL)" "$(FILE)"
	@# A dump does not carry the database's own settings.
	DATABASE_URL="$(DATABASE_URL)" DEBUG=true $(BIN)/python manage.py configuredatabase

# --- Benchmarks -----------------------------------------------------------------------
# `make bench` generates the benchmark data (bench/generate.py) into its own database and
# runs bench/run.py against it: the stack on loopback with Varnish, wrk per surface, the
# three floors, bench/RESULTS.md rewritten. Never part of `make test`.
BENCH_SCALE ?= standard
BENCH_SEED ?= 1
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chorus_bench$(if $(filter large,$(BENCH_SCALE)),_large,)
BENCH_DURATION ?= 10
BENCH_CONNECTIONS ?= 16

.PHONY: bench bench-data drill
bench-data: install
	@database="$(BENCH_DATABASE_URL)"; name="$${database##*/}"; \
	psql "$${database%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$name'" | grep -q 1 \
		|| psql "$${database%/*}/postgres" -c "CREATE DATABASE \"$$name\""
	DEBUG=true DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=true DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m bench.generate \
		--scale $(BENCH_SCALE) --seed $(BENCH_SEED)

# Every step runs even when one misses a target; the exit status says whether any did.
# EXPLAIN and the admin changelist have their targets at the large scale: they run there.
BENCH_CHECKS = serialisation api_answers cold_page memory $(if $(filter large,$(BENCH_SCALE)),explain changelist,)

bench: bench-data
	@status=0; \
	$(BIN)/python -m bench.run --database "$(BENCH_DATABASE_URL)" --scale $(BENCH_SCALE) \
		--duration $(BENCH_DURATION) --connections $(BENCH_CONNECTIONS) || status=1; \
	for check in $(BENCH_CHECKS); do \
		$(BIN)/python -m bench.$$check --database "$(BENCH_DATABASE_URL)" || status=1; \
	done; \
	$(MAKE) --no-print-directory bench-alerts || status=1; \
	exit $$status

# `make bench-alerts`: one statement's e-mail alerts to 100,000 confirmed subscribers,
# sent by the task worker through an SMTP sink on loopback (bench/alerts.py), in a
# database of its own.
ALERTS_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chorus_bench_alerts
ALERTS_BENCH_SUBSCRIBERS ?= 100000

.PHONY: bench-alerts
bench-alerts: install
	@database="$(ALERTS_BENCH_DATABASE_URL)"; name="$${database##*/}"; \
	psql "$${database%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$name'" | grep -q 1 \
		|| psql "$${database%/*}/postgres" -c "CREATE DATABASE \"$$name\""
	$(BIN)/python -m bench.alerts --database "$(ALERTS_BENCH_DATABASE_URL)" \
		--subscribers $(ALERTS_BENCH_SUBSCRIBERS) --redis "$(REDIS_URL)"

# `make drill`: the leak crawl, fuzzing, the XSS set in Chromium, and the load and fault
# drills (bench/drill.py), each bounded in time and requests, on loopback, against their
# own database. Exits non-zero when a target is missed.
DRILL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chorus_drill

drill: install
	$(BIN)/python -m bench.drill --database "$(DRILL_DATABASE_URL)"
