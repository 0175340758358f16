"""Production: PostgreSQL, Redis, gunicorn behind nginx. Refuses to start without its secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOG_LEVEL, LOG_QUIET, env, logging_config

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SECRET_KEY and ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sign-in lockouts and gateway rate limits are counted in the cache, so every web process must share
# it: CACHE_URL when set, else the plant's Redis (REDIS_URL), never each process's own memory.
_CACHE_URL = env("CACHE_URL", default="") or env("REDIS_URL", default="redis://127.0.0.1:6379/1")
CACHES = {"default": env.cache_url_config(_CACHE_URL)}

# A log collector reads one JSON object per line; LOG_FORMAT=plain for reading them by eye.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL, quiet=LOG_QUIET)
# nginx (deploy/nginx) sets X-Request-ID itself, so its access log and these lines share the id.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("LOG_TRUST_PROXY_REQUEST_ID", default=True)
