# The two commands a newcomer needs: `make run` and `make test` (see README.md).
# Everything else here supports them.

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# The first Python 3.12+ on this machine: python3.14 … python3.12, a new enough python3,
# or one installed by pyenv. Override with `make run PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	  "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	    && { command -v "$$candidate" || echo "$$candidate"; } && break; \
	done)

.PHONY: run test lint format migrations-check bench bench-mixed bench-desk bench-figures bench-places db-start db-stop db-status clean help

help:
	@echo "make run     - set up everything and serve the archive on http://127.0.0.1:$(PORT)"
	@echo "make test    - lint, check migrations and run the whole test suite"
	@echo "make db-stop - stop the embedded PostgreSQL under .data/"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 or newer is needed and none was found (tried python3.14, python3.13,"; \
	  echo "python3.12, python3 and pyenv's versions). Install one, e.g. 'apt install python3.12"; \
	  echo "python3.12-venv' or 'brew install python@3.12', then run make again, or point to it:"; \
	  echo "    make run PYTHON=/path/to/python3.12"; \
	  exit 1; \
	fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput
	DEBUG=$${DEBUG:-1} $(MANAGE) load_gazetteer
	DEBUG=$${DEBUG:-1} $(MANAGE) load_seed --if-empty
	DEBUG=$${DEBUG:-1} $(MANAGE) ensure_admin --url http://127.0.0.1:$(PORT)/admin/
	@[ -n "$$DATABASE_URL" ] || echo "The embedded PostgreSQL keeps running after you stop the server; 'make db-stop' stops it."
	DEBUG=$${DEBUG:-1} $(MANAGE) runserver 127.0.0.1:$(PORT)

# Tests need no secret of their own; this one exists only so settings load with DEBUG off.
test: export SECRET_KEY ?= test-only-not-a-secret
test: $(VENV)/.installed lint migrations-check
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: export SECRET_KEY ?= test-only-not-a-secret
migrations-check: $(VENV)/.installed
	$(MANAGE) makemigrations --check --dry-run

# The search benchmark beside Datasette (bench/README.md). BENCH_N sets the corpus size.
bench: $(VENV)/.installed .venv-bench/.installed
	$(PY) bench/run.py

# Many readers at once, with locust, against the database `make bench` loaded (bench/mixed.py).
# BENCH_USERS and BENCH_SECONDS bound the run (10 users for 60 s).
bench-mixed: $(VENV)/.installed .venv-bench/.installed
	$(PY) bench/mixed.py

.venv-bench/.installed: requirements-bench.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -r requirements-bench.txt
	touch $@

# The editors' article list beside the readers', against the database `make bench` loaded
# (bench/desk.py).
bench-desk: $(VENV)/.installed
	$(PY) bench/desk.py

# Pages that keep figures, right after a change of the archive and with them kept, against
# the database `make bench` loaded (bench/figures.py).
bench-figures: $(VENV)/.installed
	$(PY) bench/figures.py

# Place pages against the seed archive (bench/places.py).
bench-places: $(VENV)/.installed
	$(PY) bench/places.py

db-start: $(VENV)/.installed
	$(PY) -m config.database start

db-stop:
	@if [ -x $(PY) ]; then $(PY) -m config.database stop; else echo "Nothing to stop."; fi

db-status: $(VENV)/.installed
	$(PY) -m config.database status

clean: db-stop
	rm -rf $(VENV) .venv-bench .data staticfiles .pytest_cache .ruff_cache test-artifacts
