"""Bad query parameters and form input on the certification pages: a clear answer, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "/evidence/?standard=abc&clause=-1&site=nowhere&owner=nobody&status=done&expires_before=31/02/2026",
    "/evidence/?page=999999&export=csv&expires_after=yesterday",
    "/evidence/?export=xlsx&clause_number=%00",
    "/evidence/?export=pdf",
    "/standards/coverage/?standard=99999&site=TJ-01&export=xlsx",
    "/standards/999999/?export=yaml",
    "/evidence/notifications/?page=-3",
    "/api/v1/evidence/?standard=abc&expires_before=soon",
    "/api/v1/evidence/?limit=-1&offset=abc",
    "/api/v1/coverage/?standard=1&site=",
    "/api/v1/standards/1/export/?as=pdf",
]


@pytest.mark.parametrize("url", BAD_QUERIES)
def test_bad_query_parameters_never_cause_a_server_error(staff_client, site, url):
    response = staff_client.get(url)
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/evidence/new/", {"title": "", "owner": "x", "review_date": "tomorrow"}),
        ("/evidence/1/status/", {"to": "🙂"}),
        ("/standards/coverage/not-applicable/", {"clause": "x", "site": "y", "justification": ""}),
        ("/standards/certificates/new/", {"standard": "x", "sites": ["y"], "issued_on": "2025-02-30"}),
        ("/standards/certificates/surveillance/1/done/", {"done_on": "never"}),
        ("/standards/import/", {"file": "not a file"}),
    ],
)
def test_bad_form_input_never_causes_a_server_error(staff_client, site, url, data):
    response = staff_client.post(url, data)
    assert response.status_code < 500
