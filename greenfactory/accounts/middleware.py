"""Session rules applied on every request: idle sessions end, and a second factor is enforced.

Both act on session sign-ins only: API tokens and gateway keys are authenticated by the API views,
after this middleware, and are not affected.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .second_factor import second_factor_required
from .services import has_second_factor

LAST_ACTIVITY_SESSION_KEY = "gf_last_activity"
# Pages a user who must enrol a second factor may still open.
ENROLMENT_ALLOWED = frozenset(
    {"second_factor_enrol", "recovery_codes", "logout", "set_language", "login", "login_code"}
)


def now_seconds() -> float:
    """Seconds since the epoch; one place for tests to move the clock."""
    return time.time()


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def activity_mark(request) -> None:
    """Start the idle clock of a session that has just signed in (user_logged_in)."""
    if hasattr(request, "session"):
        request.session[LAST_ACTIVITY_SESSION_KEY] = now_seconds()


class IdleSessionMiddleware:
    """Sign out a session that made no request for SESSION_IDLE_TIMEOUT_SECONDS.

    The clock starts at sign-in; the last activity is written to the session at most once a minute
    (or a tenth of the timeout), so a busy session does not write on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
            now = now_seconds()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if isinstance(last, int | float) and now - last > timeout:
                logout(request)
                messages.info(request, _("You were signed out after a time without activity. Sign in again."))
                if not _is_api(request):
                    return redirect_to_login(request.get_full_path())
            elif not isinstance(last, int | float) or now - last >= min(60, timeout / 10):
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A signed-in user who must use a second factor and has not signed in with one may do nothing
    but enrol: without an authenticator they are sent to enrolment; with one (a session that skipped
    the code step, or a requirement that arrived during the session) they sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not second_factor_required(user):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in ENROLMENT_ALLOWED:
            return self.get_response(request)
        if has_second_factor(user):
            logout(request)
            messages.info(request, _("Your account signs in with a second factor. Sign in again."))
            if _is_api(request):
                return self.get_response(request)
            return redirect_to_login(request.get_full_path())
        if _is_api(request):
            return JsonResponse(
                {"detail": _("Set up a second factor before using the API with this session.")},
                status=403,
            )
        messages.warning(request, _("Your account must sign in with a second factor. Set it up now."))
        return redirect("second_factor_enrol")
