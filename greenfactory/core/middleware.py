"""Request hygiene applied before any view runs."""

from __future__ import annotations

import structlog
from django.http import JsonResponse
from django.utils.translation import gettext as _

from greenfactory.core.logs import current_request_id


class RejectNulCharactersMiddleware:
    """Answer 400 to a request whose path, query or form fields carry NUL characters.

    No field of the product can hold one, and PostgreSQL refuses them in text: refusing them here
    gives the client a clear reason instead of a database error. JSON bodies are checked by
    ``greenfactory.core.parsers.JSONParser``; raw uploads by their own parsers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return JsonResponse(
                {"detail": _("The request contains a NUL character, which no field accepts.")}, status=400
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        # Multipart uploads are left to their views, which refuse oversized bodies before reading them.
        if content_type.startswith("application/x-www-form-urlencoded"):
            return any("\x00" in value for _, values in request.POST.lists() for value in values)
        return False


class RequestIdMiddleware:
    """Bind the client address for the request's log lines and answer the request id in
    ``X-Request-ID``, so a user reporting a problem (or nginx's access log) points at the lines.

    Runs after django-structlog's ``RequestMiddleware``, which binds ``request_id``.
    """

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        structlog.contextvars.bind_contextvars(ip=request.META.get("REMOTE_ADDR", ""))
        response = self.get_response(request)
        request_id = current_request_id()
        if request_id and self.header not in response:
            response[self.header] = request_id
        return response
