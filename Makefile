# Green Factory. `make demo` runs the demo plant; `make test` runs the whole suite (two processes;
# PYTEST_ARGS="-n 0" for one).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test faults lint format messages bench stack stack-stop clean

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

# The production-like stack without containers, against this machine's PostgreSQL and Redis
# (DATABASE_URL and CELERY_BROKER_URL must be set): the demo, gunicorn, one Celery worker per queue
# group with the options of deploy/compose.yaml, and beat, in the background with their logs and
# pids under var/stack/. `make stack-stop` stops them.
STACK := var/stack
stack: $(VENV)/.runtime
	@test -n "$$DATABASE_URL" && test -n "$$CELERY_BROKER_URL" || { echo "set DATABASE_URL and CELERY_BROKER_URL"; exit 2; }
	@! ls $(STACK)/*.pid >/dev/null 2>&1 || { echo "already running: make stack-stop"; exit 2; }
	mkdir -p $(STACK)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_standards
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 GUNICORN_BIND=$(HOST):$(PORT) GUNICORN_WORKERS=2 $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py \
	  --daemon --pid $(STACK)/web.pid --access-logfile $(STACK)/web.log --error-logfile $(STACK)/web.log \
	  greenfactory.wsgi:application
	$(VENV)/bin/celery -A greenfactory worker -Q default,ingest --hostname=default,ingest@%h --loglevel=INFO \
	  --detach --pidfile=$(CURDIR)/$(STACK)/worker-default.pid --logfile=$(CURDIR)/$(STACK)/worker-default.log
	$(VENV)/bin/celery -A greenfactory worker -Q kpi --hostname=kpi@%h --loglevel=INFO \
	  --detach --pidfile=$(CURDIR)/$(STACK)/worker-kpi.pid --logfile=$(CURDIR)/$(STACK)/worker-kpi.log
	$(VENV)/bin/celery -A greenfactory worker -Q dossier --hostname=dossier@%h --loglevel=INFO \
	  --concurrency=1 --max-tasks-per-child=1 \
	  --detach --pidfile=$(CURDIR)/$(STACK)/worker-dossier.pid --logfile=$(CURDIR)/$(STACK)/worker-dossier.log
	$(VENV)/bin/celery -A greenfactory beat --loglevel=INFO --schedule $(CURDIR)/$(STACK)/celerybeat-schedule \
	  --detach --pidfile=$(CURDIR)/$(STACK)/beat.pid --logfile=$(CURDIR)/$(STACK)/beat.log
	@echo "Serving on http://$(HOST):$(PORT)/ (logs in $(STACK)/; make stack-stop stops it)"

# Stops what `make stack` started (each process by the pid it recorded; workers finish their task).
stack-stop:
	@for pidfile in $(STACK)/*.pid; do \
	  [ -e "$$pidfile" ] || continue; \
	  pid=$$(cat "$$pidfile"); echo "stopping $$(basename "$$pidfile" .pid) ($$pid)"; \
	  kill -TERM "$$pid" 2>/dev/null || rm -f "$$pidfile"; \
	done
	@for _ in $$(seq 1 60); do ls $(STACK)/*.pid >/dev/null 2>&1 || exit 0; sleep 1; done; \
	  echo "still running after 60 s: $$(ls $(STACK)/*.pid)"; exit 1

clean:
	rm -rf var/db.sqlite3 var/media var/static var/e2e
