"""Domain exceptions raised by services, and their one translation to HTTP for the API."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

# Seconds a client is told to wait before resending a request the database could not serve.
DATABASE_RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    """A rule of the domain refused the request. Services raise subclasses of it."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def extra(self) -> dict[str, Any]:
        """More of the answer's body than the message, for the client to act on (none by default)."""
        return {}


class AlreadyExists(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_exists"


class PayloadTooLarge(DomainError):
    """A request larger than a documented limit; the message names the limit."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class NotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_allowed"


class TransitionNotAllowed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "transition_not_allowed"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain and Django validation errors as clear 4xx answers."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body = {exc.field: [exc.message], "code": exc.code}
        body.update(exc.extra())
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body = {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        else:
            body = {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        # The last line of defence: a value the database cannot store is the client's input.
        logger.warning("Database refused a value: %s", exc)
        return Response(
            {"detail": _("A value in the request cannot be stored (out of range or invalid characters).")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable or restarting (never the client's fault). Anything this request
        # wrote was rolled back or committed whole, so resending the same batch is safe: a committed
        # one is answered as a replay. 503 with Retry-After tells clients and proxies to retry.
        logger.error("Database unavailable: %s", exc)
        return Response(
            {
                "detail": _("The database is unavailable for a moment; send the request again later."),
                "code": "unavailable",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or _("Permission denied.")}, status=status.HTTP_403_FORBIDDEN)
    return exception_handler(exc, context)
