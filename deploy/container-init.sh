#!/bin/sh
# The container stack's one-shot set-up, run before web, workers and beat start: migrate, load the
# shipped standards (idempotent), and with DEMO=1 the demo plant (well-known passwords: never on a
# real plant).
set -eu
python manage.py migrate --noinput
python manage.py load_standards
if [ "${DEMO:-0}" = "1" ]; then
  python manage.py load_demo --force
fi
python manage.py check --deploy --fail-level WARNING
