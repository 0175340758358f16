"""Settings for the test suite: SQLite and eager Celery unless DATABASE_URL/CELERY_BROKER_URL say otherwise."""

import os
import re
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, STATIC_ROOT, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process even with a broker; tests marked for a real worker override this.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Serve static files straight from the source folders (no collectstatic needed here).
# The demo creates a throwaway dossier authority; tests keep theirs out of the checkout's var/.
DOSSIER_SEAL_DIR = Path(tempfile.mkdtemp(prefix="gf-test-seal-"))

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Under pytest-xdist each test process (gw0, gw1, ...) has its own database; it gets its own Redis
# database too, so a real Celery worker started by one process never takes another's tasks.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if CELERY_BROKER_URL.startswith("redis") and _XDIST_WORKER.startswith("gw"):
    CELERY_BROKER_URL = re.sub(r"(/\d*)?$", f"/{1 + int(_XDIST_WORKER[2:])}", CELERY_BROKER_URL, count=1)
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
