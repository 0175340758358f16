"""A database that cannot be reached is a 503 the client may retry, never a 500."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError

from greenfactory.core.exceptions import api_exception_handler


@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server at "127.0.0.1" failed: Connection refused'),
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_database_connection_error_is_a_503_with_retry_after(error):
    response = api_exception_handler(error, {})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data == {
        "detail": "The database is unavailable for a moment; send the request again later.",
        "code": "unavailable",
    }
