"""A green-factory self-evaluation as a dossier: the gate with its verdict, every scored indicator
with its value, points, origin, reason and evidence, the year's KPIs and the evidence manifest."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from certifications.models import Dossier, DossierKind, DossierStatus, Evaluation
from certifications.selectors.green_factory import evaluation_score
from certifications.services import dossiers as dossier_services
from certifications.services.green_factory import schemes_load_shipped
from certifications.services.green_factory_fill import evaluation_fill
from certifications.services.green_factory_values import evaluation_open, indicator_value_override
from greenfactory.core.exceptions import DomainError
from tests.accounting.kpi_helpers import march_plant

from .factories import make_evidence
from .test_dossiers import pdf_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(site, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
    scheme = next(s for s in schemes_load_shipped() if s.edition == "2025")
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    evaluation_fill(evaluation=evaluation)
    evidence = make_evidence(owner=staff_user, title="Reuse loop flow records", sites=[site])
    indicator_value_override(
        evaluation=evaluation,
        indicator=scheme.indicators.get(code="2.2"),
        value=D("86.5"),
        case="",
        reason="Reuse loop meters are not connected",
        evidence=[evidence],
        version=None,
        by=staff_user,
    )
    return Evaluation.objects.get(pk=evaluation.pk)


def _words(dossier: Dossier) -> str:
    return " ".join("\n".join(text_of(pdf_of(dossier))).split())


def test_the_evaluation_dossier_holds_the_gate_the_scores_and_the_cited_evidence(
    evaluation, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_request(
            kind=DossierKind.GREEN, evaluation=evaluation, language="en", by=staff_user
        )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    assert (dossier.site, dossier.period_start.isoformat(), dossier.period_end.isoformat()) == (
        evaluation.site,
        "2025-01-01",
        "2025-12-31",
    )
    words = _words(dossier)
    for heading in (
        "Green-factory evaluation dossier",
        "Basic requirements (the gate)",
        "Scored indicators",
        "Energy and emissions for the period",
        "Evidence register",
        "Appendix: evidence manifest",
    ):
        assert heading in words, heading
    assert "Clause coverage" not in words
    score = evaluation_score(evaluation=evaluation)
    assert f"{score.total:.2f} / {score.weight:.0f} points" in words
    assert "86.5" in words
    assert "Reason: Reuse loop meters are not connected" in words
    assert "Evidence: Reuse loop flow records" in words
    # The manifest lists the cited evidence's revisions with their hashes, and nothing else.
    assert {(r["title"], r["evidence_id"]) for r in dossier.manifest["revisions"]} == {
        ("Reuse loop flow records", evaluation.values.get(indicator__code="2.2").evidence.get().pk)
    }
    assert all(len(r["sha256"]) == 64 for r in dossier.manifest["revisions"])
    assert dossier.subject_label == f"Green-factory self-evaluation 2025 · {evaluation.site}"


def test_a_second_request_is_the_next_version_of_the_same_subject(evaluation, staff_user):
    first = dossier_services.dossier_request(
        kind=DossierKind.GREEN, evaluation=evaluation, language="en", by=staff_user
    )
    second = dossier_services.dossier_request(
        kind=DossierKind.GREEN, evaluation=evaluation, language="zh-hans", by=staff_user
    )
    assert (first.version, second.version) == (1, 2)
    assert first.subject_key == second.subject_key == f"green:{evaluation.pk}"


def test_an_evaluation_dossier_needs_its_evaluation(site, staff_user):
    with pytest.raises(DomainError, match="Choose the green-factory evaluation"):
        dossier_services.dossier_request(kind=DossierKind.GREEN, site=site, language="en", by=staff_user)
    assert not Dossier.objects.exists()


def test_the_evaluation_page_issues_a_dossier(evaluation, staff_client, django_capture_on_commit_callbacks):
    page = staff_client.get(
        reverse("green-factory-evaluation", kwargs={"pk": evaluation.pk})
    ).content.decode()
    assert 'id="issue-dossier"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("dossier-request-evaluation", kwargs={"pk": evaluation.pk}), {"language": "zh-hans"}
        )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossier-detail", kwargs={"pk": dossier.pk})
    assert (dossier.kind, dossier.evaluation, dossier.language) == ("green", evaluation, "zh-hans")
    assert dossier.status == DossierStatus.COMPLETE, dossier.error
    words = _words(dossier)
    assert "绿色工厂" in words
    assert "评价年份 2025" in words
    assert "2,025" not in words


def test_a_bad_language_issues_nothing(evaluation, staff_client):
    response = staff_client.post(
        reverse("dossier-request-evaluation", kwargs={"pk": evaluation.pk}), {"language": "fr"}
    )
    assert response.status_code == 302
    assert not Dossier.objects.exists()
    missing = staff_client.post(
        reverse("dossier-request-evaluation", kwargs={"pk": evaluation.pk + 999}), {"language": "en"}
    )
    assert missing.status_code == 404


def test_the_api_requests_an_evaluation_dossier(evaluation, staff_client):
    response = staff_client.post(
        "/api/v1/dossiers/",
        {"kind": "green", "evaluation": evaluation.pk, "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["evaluation"], body["version"]) == ("green", evaluation.pk, 1)
    refused = staff_client.post(
        "/api/v1/dossiers/", {"kind": "green", "language": "en"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "evaluation" in refused.json()
    assert Dossier.objects.count() == 1
