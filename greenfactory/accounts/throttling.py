"""Sign-in throttling: too many failures for one user name from one address lock it out for a while.

Wrong passwords and wrong second-factor codes count alike. The count lives in the default cache,
which production shares between processes (Redis), so several web workers enforce one limit.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_failures(*, username: str, address: str) -> int:
    """Failures counted for this user name and address during the current lock-out window."""
    return cache.get(_key(username, address), 0)


def login_is_locked(*, username: str, address: str) -> bool:
    return login_failures(username=username, address=address) >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, username: str, address: str) -> int:
    key = _key(username, address)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        return 1


def login_failures_clear(*, username: str, address: str) -> None:
    cache.delete(_key(username, address))
