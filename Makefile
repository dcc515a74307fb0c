# WRES portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Python 3.12+ found by running it (a pyenv shim for python3.13 can exist and still fail),
# preferring 3.13; pyenv's versions folder is searched as well as PATH.
define find_python
for v in 3.13 3.12; do \
  for c in python$$v $$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/$$v*/bin/python$$v 2>/dev/null | sort -rV); do \
    if "$$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
      command -v "$$c" 2>/dev/null || echo "$$c"; exit 0; \
    fi; \
  done; \
done; exit 1
endef

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	@python=$$($(find_python)) || { echo "Python 3.12 or newer is needed and none works here (tried python3.13, python3.12 and pyenv's versions)." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV)

$(STAMPS)/python: $(PY) pyproject.toml uv.lock
	@mkdir -p $(STAMPS)
	@[ -x $(UV) ] || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$$(sed -n '/^name = "uv"$$/{n;s/version = "\(.*\)"/\1/p}' uv.lock)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# nhsuk-frontend's precompiled CSS refers to /assets/...: rewritten to the copy beside it.
NHSUK_DIST := node_modules/nhsuk-frontend/dist/nhsuk
$(STAMPS)/static: $(STAMPS)/npm
	rm -rf static/vendor/nhsuk && mkdir -p static/vendor/nhsuk
	sed 's#url(/assets/#url(assets/#g' $(NHSUK_DIST)/nhsuk-frontend.min.css > static/vendor/nhsuk/nhsuk-frontend.min.css
	cp $(NHSUK_DIST)/nhsuk-frontend.min.css.map $(NHSUK_DIST)/nhsuk-frontend.min.js $(NHSUK_DIST)/nhsuk-frontend.min.js.map static/vendor/nhsuk/
	cp -r $(NHSUK_DIST)/assets static/vendor/nhsuk/assets
	@touch $@

.PHONY: setup
setup: $(STAMPS)/python $(STAMPS)/static ## Install Python and npm dependencies and build static files
	@mkdir -p var

.PHONY: run
run: setup ## Set up, load the demo data and serve the portal at http://127.0.0.1:8000 (embedded mode)
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

.PHONY: test
test: setup ## Set up and run the whole test suite (services it lacks are skipped, saying why)
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: worker
worker: setup ## Run a Celery worker (full mode: needs REDIS_URL and DATABASE_URL)
	$(VENV)/bin/celery -A wres_portal worker --loglevel=INFO --concurrency=2

.PHONY: beat
beat: setup ## Run Celery beat, the scheduler (full mode)
	$(VENV)/bin/celery -A wres_portal beat --loglevel=INFO

.PHONY: services
services: ## Install (where missing) and start PostgreSQL and Redis from Debian's packages
	bash scripts/services.sh start

.PHONY: lint
lint: setup ## ruff (lint and format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict indicators
	$(MANAGE) makemigrations --check --dry-run

.PHONY: bench
bench: setup ## Run the benchmarks in bench/ and print their figures
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

.PHONY: audit
audit: setup ## Audit the locked Python dependencies for known vulnerabilities (fails on one)
	bash scripts/audit.sh

.PHONY: fuzz
FUZZ_SECONDS ?= 30
fuzz: setup ## Fuzz the upload parser with atheris for FUZZ_SECONDS (30); fails on a finding
	@mkdir -p var/fuzz/corpus
	$(PY) scripts/fuzz_upload.py -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=var/fuzz/ var/fuzz/corpus

# The load benchmarks (not CI): gunicorn, PostgreSQL, Redis (and a Celery worker) on 127.0.0.1,
# each in its own database and Redis number; e.g. LOAD_ARGS="--reuse --duration 120".
LOAD_ARGS ?=

.PHONY: load load-dashboards load-deadline
load: load-dashboards load-deadline ## Run both load benchmarks (gunicorn + locust) and print their figures

load-dashboards: setup ## Dashboards and profiles, 100,000 published rows, 20 users (LOAD_ARGS=--reuse)
	$(PY) -u bench/load_dashboards.py $(LOAD_ARGS)

load-deadline: setup ## Deadline day: 50 users for 5 minutes, then the data check
	$(PY) -u bench/load_deadline.py $(LOAD_ARGS)

.PHONY: backup
backup: $(STAMPS)/python ## Back up the database and uploaded files to var/backups/<time>/
	bash scripts/backup.sh

.PHONY: restore
restore: $(STAMPS)/python ## Put a backup back, replacing the data: BACKUP=var/backups/<time> CONFIRM=yes
	bash scripts/restore.sh "$(BACKUP)" $(if $(filter yes,$(CONFIRM)),--yes)

.PHONY: clean
clean: ## Remove the virtual environment, node_modules, built static files and the embedded database
	rm -rf $(VENV) node_modules $(STAMPS) static/vendor staticfiles var
