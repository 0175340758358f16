"""Green-factory schemes and evaluations are visible in the admin and never written there."""

from __future__ import annotations

import pytest

from certifications.models import Evaluation, Scheme
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_values import evaluation_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(site):
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    return evaluation_open(site=site, year=2026, scheme=scheme)


def test_an_evaluation_is_shown_in_the_admin_and_not_changed_there(admin_client, evaluation):
    url = f"/admin/certifications/evaluation/{evaluation.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "TJ-01" in page.content.decode()
    posted = admin_client.post(
        url, {"year": "2030", "scheme": evaluation.scheme_id, "site": evaluation.site_id}
    )
    assert posted.status_code == 403
    assert Evaluation.objects.get(pk=evaluation.pk).year == 2026


def test_schemes_and_evaluations_are_neither_added_nor_deleted_in_the_admin(admin_client, evaluation):
    scheme = evaluation.scheme
    responses = [
        admin_client.post(f"/admin/certifications/evaluation/{evaluation.pk}/delete/", {"post": "yes"}),
        admin_client.post(f"/admin/certifications/scheme/{scheme.pk}/delete/", {"post": "yes"}),
    ]
    assert [r.status_code for r in responses] == [403, 403]
    assert admin_client.get("/admin/certifications/scheme/add/").status_code != 200  # no add page
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()
    assert Scheme.objects.filter(pk=scheme.pk).exists()


def test_the_scheme_list_shows_the_shipped_editions(admin_client, evaluation):
    page = admin_client.get("/admin/certifications/scheme/")
    assert page.status_code == 200
    assert "GB/T 36132-2025" in page.content.decode()
    assert "GB/T 36132-2018" in page.content.decode()
