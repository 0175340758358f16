# Green Factory. `make demo` runs the demo plant; `make test` runs the whole suite (two processes;
# PYTEST_ARGS="-n 0" for one).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test faults lint format messages bench stack clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

demo: $(VENV)/.runtime
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev
	mkdir -p var
	$(VENV)/bin/pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)

# Only the fault injection on private PostgreSQL, Redis, gunicorn and Celery stacks (tests/faults;
# make test runs it too).
faults: $(VENV)/.dev
	mkdir -p var
	$(VENV)/bin/pytest -p no:cacheprovider -m faults tests/faults $(PYTEST_ARGS)

# ruff, the import boundaries (import-linter contracts in pyproject.toml) and mypy.
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (Debian: gettext).
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --add-location file --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

bench: $(VENV)/.dev
	@for b in bench/*.py; do [ -e "$$b" ] || { echo "no benchmarks yet"; break; }; echo "== $$b"; $(PY) $$b || exit 1; done

# The demo on PostgreSQL and Redis with a real Celery worker and beat (DATABASE_URL and
# CELERY_BROKER_URL must be set). Ctrl-C stops the server and the workers.
stack: $(VENV)/.runtime
	@test -n "$$DATABASE_URL" && test -n "$$CELERY_BROKER_URL" || { echo "set DATABASE_URL and CELERY_BROKER_URL"; exit 2; }
	$(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A greenfactory worker -Q default,ingest,kpi,dossier --loglevel=INFO & \
	$(VENV)/bin/celery -A greenfactory beat --loglevel=INFO --schedule var/celerybeat-schedule & \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf var/db.sqlite3 var/media var/static var/e2e
