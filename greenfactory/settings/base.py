"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from greenfactory.core.logs import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "greenfactory.web.apps.GreenFactoryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_structlog",
    "greenfactory.core",
    "greenfactory.accounts",
    "greenfactory.sites",
    "metering",
    "accounting",
    "certifications",
    "greenfactory.web",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "greenfactory.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The request id (and the user) bound for every log line of this request and the tasks it sends.
    "django_structlog.middlewares.RequestMiddleware",
    "greenfactory.core.middleware.RequestIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user is known: an idle session ends, and a user who must have a second factor
    # but has not enrolled one may only enrol (API tokens and gateway keys are not sessions).
    "greenfactory.accounts.middleware.IdleSessionMiddleware",
    "greenfactory.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# /metrics answers only these networks (Prometheus scrapes the app server directly; nginx refuses the
# path); every other address gets the 404 of a page that does not exist.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])

ROOT_URLCONF = "greenfactory.urls"
WSGI_APPLICATION = "greenfactory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "greenfactory.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
# A kept connection is checked before a request reuses it: after a database restart the first request
# reconnects instead of failing on a dead connection.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("DB_CONN_HEALTH_CHECKS", default=True))
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # An unreachable database fails a request quickly (503, retry later) instead of holding it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins per user name and address before further attempts are refused for a while.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)
# A signed-in session unused for this long is signed out on its next request.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# The password step is remembered this long while the person enters their second-factor code.
LOGIN_CODE_STEP_SECONDS = env.int("LOGIN_CODE_STEP_SECONDS", default=300)
# The name authenticator apps show for the account (TOTP issuer).
OTP_TOTP_ISSUER = "Green Factory"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Empty choice in every table filter ("All" rather than a row of dashes).
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FORMAT_MODULE_PATH = ["greenfactory.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://greenfactory"),
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="green-factory@localhost")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so unauthenticated API calls get 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["greenfactory.accounts.permissions.DenyAll"],
    "DEFAULT_PARSER_CLASSES": [
        "greenfactory.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "greenfactory.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "greenfactory.core.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Green Factory API",
    "DESCRIPTION": (
        "Sites, production records and (as the product grows) evidence, audits, meter readings "
        "and KPIs. Authenticate with a session or `Authorization: Token <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["greenfactory.accounts.permissions.CanReadApiDocs"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error answers it can give, with the shared bodies of
    # greenfactory/core/openapi.py, so clients (and the schemathesis fuzz test) can rely on them.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "greenfactory.core.openapi.error_responses",
    ],
    # A certificate is recorded with an initial status and answered with any (two enums named apart).
    "ENUM_NAME_OVERRIDES": {
        # product carbon footprints
        "FootprintProductEnum": "accounting.models.footprints.FootprintProduct",
        "FootprintCoProductEnum": "accounting.api.footprints.COPRODUCT_CHOICES",
        "FootprintItemKindEnum": "accounting.models.footprints.ItemKind",
        "CertificateStatusEnum": "certifications.models.certificates.CertificateStatus",
        "CertificateInitialStatusEnum": "certifications.api.certificates.INITIAL_STATUS_CHOICES",
        "AuditStatusEnum": "certifications.models.audits.AuditStatus",
        "FootprintSourceEnum": "accounting.models.neutrality.FootprintSource",
        "FindingStatusEnum": "certifications.models.findings.FindingStatus",
        "CapaStateEnum": "certifications.models.findings.CapaState",
        # registers: obligations and permits
        "PermitKindEnum": "certifications.models.permits.PermitKind",
        "ChecklistResultEnum": "certifications.models.audits.ChecklistResult",
        "FindingClassEnum": "certifications.models.findings.FindingClass",
        "EvaluationResultEnum": "certifications.models.obligations.EvaluationResult",
        "EvaluationFindingClassEnum": "certifications.api.obligations.EVALUATION_FINDING_CLASSES",
        "ObligationSourceEnum": "certifications.models.obligations.ObligationSource",
        "ObligationStatusEnum": "certifications.models.obligations.ObligationStatus",
        "PermitStatusEnum": "certifications.models.permits.PermitStatus",
        # registers: risks and opportunities, objectives
        "RiskKindEnum": "certifications.models.risks.RiskKind",
        "RiskSourceEnum": "certifications.models.risks.RiskSource",
        "RiskStatusEnum": "certifications.models.risks.RiskStatus",
        "ObjectiveStatusEnum": "certifications.models.objectives.ObjectiveStatus",
        "FollowsEnum": "certifications.models.objectives.Follows",
        # registers: environmental aspects, OH&S hazards, incidents
        "AspectConditionEnum": "certifications.models.aspects.AspectCondition",
        "ControlLevelEnum": "certifications.models.hazards.ControlLevel",
        "IncidentKindEnum": "certifications.models.incidents.IncidentKind",
        "IncidentStatusEnum": "certifications.models.incidents.IncidentStatus",
        # audit dossiers
        "DossierKindEnum": "certifications.models.dossiers.DossierKind",
        "DossierStatusEnum": "certifications.models.dossiers.DossierStatus",
        "DossierLanguageEnum": "certifications.models.dossiers.DossierLanguage",
        # energy budgets
        "MediumEnum": "metering.choices.Medium",
        # green-factory evaluation
        "IndicatorTypeEnum": "certifications.models.green_factory.IndicatorType",
        "GateKindEnum": "certifications.models.green_factory.GateKind",
        "GateOutcomeEnum": "certifications.models.green_factory.GateOutcome",
        "ValueOriginEnum": "certifications.models.green_factory.ValueOrigin",
    },
}

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# With no broker the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("ingest"), Queue("kpi"), Queue("dossier")]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that committed its work sends the follow-up task after commit; with the broker down it
# must answer at once (the work is in the database and the sweepers pick it up), not wait for Celery's
# defaults (about 20 s of retries in the result backend, a publish retried for seconds). So: a short
# connect timeout, two quick publish retries, and no results stored for tasks nobody waits for (the
# web process would otherwise subscribe to every task's result channel). Workers keep retrying to
# reach the broker as usual.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # Unacknowledged (acks_late) tasks of a worker that died go back to the queue after this long;
    # the periodic sweepers redo their work sooner. It must stay above the longest task, the dossier
    # render's time limit (certifications.tasks.DOSSIER_TIME_LIMIT, 1800 s), or Redis hands a render
    # still running to a second worker.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_TASK_IGNORE_RESULT = True
# The health check is the one task whose answer is read (tests, monitoring).
CELERY_TASK_ANNOTATIONS = {"greenfactory.health_check": {"ignore_result": False}}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ROUTES = {
    "metering.import*": {"queue": "ingest"},
    "metering.kpi*": {"queue": "kpi"},
    "accounting.kpi*": {"queue": "kpi"},
    "accounting.rollup_changes*": {"queue": "kpi"},
    "certifications.render_dossier": {"queue": "dossier"},
}
CELERY_BEAT_SCHEDULE = {
    # A confirmed import whose message was lost is sent again (the task is idempotent).
    "metering-imports-sweep": {"task": "metering.imports_sweep", "schedule": 300.0},
    # Dirty ranges whose message was lost are consumed here (the task is idempotent).
    "metering-kpi-sweep": {"task": "metering.kpi_sweep", "schedule": 300.0},
    # Rollup changes (metering's outbox) whose message was lost become KPIs here (idempotent too).
    "accounting-rollup-changes-sweep": {"task": "accounting.rollup_changes_sweep", "schedule": 300.0},
    # Green-factory evaluations whose KPIs changed since their last fill (a lost message) are refilled.
    "certifications-green-factory-sweep": {"task": "certifications.green_factory_sweep", "schedule": 900.0},
    # Gateways silent for longer than their site's threshold become data-quality findings.
    "metering-quality-stale-gateways": {"task": "metering.quality_stale_gateways", "schedule": 900.0},
    # Readings partitions for this month and the next three (PostgreSQL; nothing to do on SQLite).
    "metering-partitions-ahead": {"task": "metering.partitions_ahead", "schedule": 6 * 3600.0},
    # Resolved and recovered task failures are forgotten after TASK_FAILURES_KEEP_DAYS.
    "core-task-failures-prune": {"task": "greenfactory.task_failures_prune", "schedule": 24 * 3600.0},
    # The daily reminder digest (evidence reviews and expiries, certificates, surveillance).
    "certifications-daily-digest": {
        "task": "certifications.reminders_daily",
        "schedule": crontab(
            hour=env.int("REMINDER_DIGEST_HOUR_UTC", default=0),
            minute=env.int("REMINDER_DIGEST_MINUTE_UTC", default=30),
        ),
    },
}

# --- Meter ingestion ------------------------------------------------------------------------------
# Largest reading batch (rows) and request body (bytes, as sent and after gzip inflation): 413 beyond.
INGEST_MAX_ROWS = env.int("INGEST_MAX_ROWS", default=50_000)
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=10 * 1024 * 1024)
INGEST_MAX_UNCOMPRESSED_BYTES = env.int("INGEST_MAX_UNCOMPRESSED_BYTES", default=40 * 1024 * 1024)
# Readings may be this far in the future (clock skew) before they are refused.
INGEST_FUTURE_TOLERANCE_SECONDS = env.int("INGEST_FUTURE_TOLERANCE_SECONDS", default=300)
# The largest reading value any meter may report, in its own unit (a corrupted register such as
# 3.4e38 is refused per row); per medium overrides as "electricity=1e10,water=1e8".
INGEST_VALUE_CEILING = env.float("INGEST_VALUE_CEILING", default=1e10)
INGEST_VALUE_CEILINGS = {
    medium: float(limit) for medium, limit in env.dict("INGEST_VALUE_CEILINGS", default={}).items()
}
# Requests per gateway key (DRF rate syntax); counted in the cache, so use a shared CACHE_URL in production.
GATEWAY_THROTTLE_RATE = env("GATEWAY_THROTTLE_RATE", default="120/min")
# Staff file imports: largest file, and rows written per step (progress is reported per step).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=5000)
# --- Evidence and certificates --------------------------------------------------------------------
# Largest evidence file accepted, in bytes (default 25 MB).
EVIDENCE_UPLOAD_MAX_BYTES = env.int("EVIDENCE_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
# Evidence expiring within this many days shows as "expiring" on the coverage page.
EVIDENCE_EXPIRY_WARNING_DAYS = env.int("EVIDENCE_EXPIRY_WARNING_DAYS", default=60)
# Reminders cover reviews, expiries, certificates and surveillance audits due within this many days.
REMINDER_LOOKAHEAD_DAYS = env.int("REMINDER_LOOKAHEAD_DAYS", default=30)
# Behind nginx: an internal location prefix (e.g. /protected/) to serve evidence files with
# X-Accel-Redirect after the permission check; empty means Django streams the file itself.
# The address printed on dossiers (QR code and link to the verification page).
DOSSIER_BASE_URL = env("DOSSIER_BASE_URL", default="http://localhost:8000")
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX", default="")
# --- Dossier seal ---------------------------------------------------------------------------------
# Directory of the internal dossier authority (root, seal and time-stamping certificates with their
# keys), created by `manage.py create_dossier_ca`; keep it outside the database and its backups.
DOSSIER_SEAL_DIR = env.path("DOSSIER_SEAL_DIR", default=VAR_DIR / "seal")
# Passphrase of the authority's keys (empty: keys stored unencrypted, readable only by their owner).
DOSSIER_SEAL_KEY_PASSWORD = env("DOSSIER_SEAL_KEY_PASSWORD", default="")
# An auditor's invitation opens this many days before the audit starts and closes this many after it ends.
PORTAL_INVITATION_GRACE_DAYS = env.int("PORTAL_INVITATION_GRACE_DAYS", default=14)
# Evidence requests one auditor may make in an hour (the portal's one write); more are refused with 429.
PORTAL_EVIDENCE_REQUESTS_PER_HOUR = env.int("PORTAL_EVIDENCE_REQUESTS_PER_HOUR", default=20)

# Where `manage.py reading_partitions archive` writes archived months of readings (gzip CSV).
READINGS_ARCHIVE_DIR = env.path("READINGS_ARCHIVE_DIR", default=VAR_DIR / "archive" / "readings")
# Failed background tasks stay in the admin until resolved; resolved and recovered ones this many days.
TASK_FAILURES_KEEP_DAYS = env.int("TASK_FAILURES_KEEP_DAYS", default=90)

# --- Logs ---------------------------------------------------------------------------------------
# One line per event with the request id of the page or API call behind it, carried into the Celery
# tasks it sends (greenfactory.core.logs). json for a log collector, plain (key=value) for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# Embedded mode runs tasks in-process: a line per task would bury what a command prints, and
# kombu's "no hostname, reverting to localhost" is about a broker this mode does not use.
# WeasyPrint logs every page of every layout pass; the dossier row carries the progress.
LOG_QUIET = {
    "celery.app.trace": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO",
    "kombu.connection": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING",
    "weasyprint.progress": "WARNING",
    "django_structlog.celery.receivers": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO",
}
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL, quiet=LOG_QUIET)
configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The client address is bound by greenfactory.core.middleware.RequestIdMiddleware from REMOTE_ADDR,
# as everywhere else in the application, not guessed from forwarding headers a client can write.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# Behind nginx, which sets X-Request-ID to its own $request_id (so nginx's access log and the
# application's lines share it); off when clients reach the application directly.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("LOG_TRUST_PROXY_REQUEST_ID", default=False)
