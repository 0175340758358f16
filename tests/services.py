"""Skip-or-fail for tests that need a service: they skip with a reason, unless GF_REQUIRE_SERVICES=1."""

from __future__ import annotations

import os

import pytest


def services_required() -> bool:
    return os.environ.get("GF_REQUIRE_SERVICES", "") == "1"


def need(available: bool, reason: str) -> None:
    """Call at the start of a test: skip when the service is absent, or fail when it is required."""
    if available:
        return
    if services_required():
        pytest.fail(f"GF_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)
