"""The certifications API as a whole: who may read it, and its OpenAPI schema."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/api/v1/standards/",
    "/api/v1/clauses/",
    "/api/v1/clause-mappings/",
    "/api/v1/evidence/",
    "/api/v1/evidence-revisions/",
    "/api/v1/clause-exclusions/",
    "/api/v1/certificates/",
    "/api/v1/reminders/",
]


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("staff", True), ("auditor", False), ("gateway", False), ("anonymous", False)],
)
def test_who_may_read_the_certifications_api(role_clients, url, role, allowed):
    response = role_clients[role].get(url)
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code in (401, 403)


def test_the_openapi_schema_documents_the_certifications_endpoints(staff_client):
    schema = staff_client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/evidence/",
        "/api/v1/coverage/",
        "/api/v1/standards/import/",
        "/api/v1/certificates/",
    ):
        assert path in schema["paths"]
