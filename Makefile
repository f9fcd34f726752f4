# Two commands for a fresh machine with Python 3.11+ and make:
#   make run   – install, migrate, load the demo data and serve http://127.0.0.1:8000/
#   make test  – install the development tools, lint and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test bench soak audit lint format install install-dev translations messages lock check-migrations clean help

help:
	@echo "make run    – start the portal with demo data on http://$(HOST):$(PORT)/"
	@echo "make serve  – production: migrate, collect static files, run gunicorn (docs/deploy.md)"
	@echo "make test   – lint and run the whole test suite (DATABASE_URL picks the database)"
	@echo "make bench  – pages under load, saves, reports, imports and exports: one table"
	@echo "make soak   – 10 minutes of mixed traffic with PostgreSQL and Redis stopped on the way"
	@echo "make audit  – Lighthouse, axe-core and the Nu HTML checker on the demo portal"
	@echo "make lock   – re-lock exact dependency versions after editing pyproject.toml"

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

# Stamps make the install step run again only when a lock file changes.
$(VENV)/.installed-base: requirements/base.txt | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

translations: install
	DEBUG=true $(PY) manage.py compiletranslations

run: export DEBUG ?= true
run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/admin/) – Ctrl+C to stop"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production (docs/deploy.md): settings from the environment only (SECRET_KEY, ALLOWED_HOSTS,
# DATABASE_URL…), gunicorn sized by portal/gunicorn.conf.py on HOST:PORT. With several app
# servers, MIGRATE=false on all but the one that migrates.
MIGRATE ?= true
serve: translations
	@if [ "$(MIGRATE)" != false ]; then $(PY) manage.py migrate --noinput; fi
	$(PY) manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) exec $(VENV)/bin/gunicorn --config portal/gunicorn.conf.py portal.wsgi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install
	DEBUG=false SECRET_KEY=migrations-check ALLOWED_HOSTS=localhost \
		$(PY) manage.py makemigrations --check --dry-run

test: install-dev translations lint check-migrations
	$(VENV)/bin/pytest

# Benchmarks as in production (docs/performance.md): DEBUG off, gunicorn with
# portal/gunicorn.conf.py, PostgreSQL and Redis, loaded by wrk. Databases of their own
# (dropped and refilled: the pages' with the demo and 500 articles, the imports' empty) and a
# Redis database of its own (emptied). Prints one table; exits non-zero when a goal is missed.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_DATABASE_URL ?= $(BENCH_PG)/portal_bench
BENCH_DATA_DATABASE_URL ?= $(BENCH_PG)/portal_bench_data
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
BENCH_SECONDS ?= 10
BENCH_ENV := DEBUG=false SECRET_KEY=bench-only-throwaway-key ALLOWED_HOSTS=127.0.0.1 \
	SECURE_COOKIES=false STATIC_ROOT=$(CURDIR)/var/bench/static MEDIA_ROOT=$(CURDIR)/var/bench/media \
	LOG_LEVEL=WARNING
bench: install translations
	mkdir -p var/bench
	$(BENCH_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(PY) manage.py loadbench --recreate --seconds $(BENCH_SECONDS) --output var/bench/pages.json
	$(BENCH_ENV) DATABASE_URL=$(BENCH_DATA_DATABASE_URL) \
		$(PY) manage.py bench --recreate --pages var/bench/pages.json

# Load and faults (docs/performance.md): SOAK_SECONDS of mixed traffic by SOAK_CLIENTS clients
# against gunicorn as in production, on loopback, with a PostgreSQL and a Redis of its own that it
# stops and starts on the way (never the machine's). Exits non-zero on an unexpected 5xx or
# anything acknowledged and lost.
SOAK_SECONDS ?= 600
SOAK_CLIENTS ?= 50
soak: install translations
	mkdir -p var/soak
	DEBUG=false SECRET_KEY=soak-only-throwaway-key ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=false \
		STATIC_ROOT=$(CURDIR)/var/soak/static MEDIA_ROOT=$(CURDIR)/var/soak/media LOG_LEVEL=WARNING \
		$(PY) manage.py soak --seconds $(SOAK_SECONDS) --clients $(SOAK_CLIENTS)

# Accessibility, HTML and speed audit of the demo portal served as in production (DEBUG off,
# gunicorn, whitenoise serving the collected static files; the uploads served and text gzipped as
# the web server in front would) on a database of its own under var/.
# Tools pinned in package.json/package-lock.json; Chromium is Debian's, never a download.
AUDIT_DATABASE_URL ?= sqlite:///$(CURDIR)/var/audit.sqlite3
AUDIT_ENV := DATABASE_URL=$(AUDIT_DATABASE_URL) DEBUG=false SECRET_KEY=audit-only-throwaway-key \
	ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=false
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

audit: install-dev translations node_modules/.installed
	mkdir -p var
	rm -f var/audit.sqlite3 var/audit.sqlite3-wal var/audit.sqlite3-shm
	$(AUDIT_ENV) $(PY) manage.py migrate --noinput -v0
	$(AUDIT_ENV) $(PY) manage.py load_demo >/dev/null
	$(AUDIT_ENV) $(PY) manage.py collectstatic --noinput --clear -v0
	@port=$$($(PY) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	$(AUDIT_ENV) $(VENV)/bin/gunicorn 'portal.management.commands.audit:wsgi_front_server()' --bind 127.0.0.1:$$port --workers 1 --threads 4 \
		--log-level warning >var/audit-server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; \
	for _ in $$(seq 1 60); do \
		curl -fsS -o /dev/null http://127.0.0.1:$$port/healthz 2>/dev/null && break; \
		kill -0 $$pid 2>/dev/null || { cat var/audit-server.log; exit 1; }; sleep 0.5; \
	done; \
	curl -fsS -o /dev/null http://127.0.0.1:$$port/healthz || { cat var/audit-server.log; exit 1; }; \
	$(AUDIT_ENV) $(PY) manage.py audit --base-url http://127.0.0.1:$$port

# Re-extract message ids after changing strings; then translate locale/vi/LC_MESSAGES/django.po.
messages: install
	DEBUG=true $(PY) manage.py makemessages -l vi --no-obsolete --add-location file \
		--ignore=$(VENV) --ignore=var --ignore=node_modules

lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements/base.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
