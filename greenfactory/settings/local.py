"""The embedded default for one machine: SQLite under var/, eager Celery, debug on."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import STATIC_ROOT, env

DEBUG = env.bool("DEBUG", default=True)
# A local-only key; production.py refuses to start without SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the source folders (no collectstatic needed here).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Reminder e-mails land as files under var/mail/ on a demo machine, not in the terminal.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(Path(STATIC_ROOT).parent / "mail"))
