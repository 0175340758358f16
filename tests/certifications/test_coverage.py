"""Coverage of a standard at a site: the five states, certificate lapses, totals, gaps, query count."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from certifications import services
from certifications.models import CertificateStatus, EvidenceStatus
from certifications.selectors import coverage as coverage_selectors
from greenfactory.core.exceptions import DomainError
from tests.factories import SiteFactory, UserFactory

from .factories import TODAY, ClauseFactory, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(staff_user):
    return staff_user


def _states(standard, site, **kwargs) -> dict[str, str]:
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY, **kwargs)
    return {row.clause.number: row.state for row in report.rows if not row.is_heading}


def test_approved_evidence_without_expiry_covers_a_clause(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    assert _states(standard, site)["4.1"] == "covered"


def test_evidence_expiring_within_the_window_is_expiring(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]], expiry_date=TODAY + dt.timedelta(days=20))
    assert _states(standard, site, window_days=30)["4.1"] == "expiring"
    assert _states(standard, site, window_days=10)["4.1"] == "covered"


def test_evidence_past_its_expiry_is_expired_even_before_the_daily_job(owner, standard, clauses, site):
    make_evidence(
        owner=owner, clauses=[clauses["4.1"]], expiry_date=dt.date(2026, 5, 1), today=dt.date(2026, 4, 1)
    )
    assert _states(standard, site)["4.1"] == "expired"


def test_drafts_and_evidence_in_review_leave_a_clause_missing(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]], status=EvidenceStatus.DRAFT)
    make_evidence(owner=owner, clauses=[clauses["4.1"]], status=EvidenceStatus.IN_REVIEW)
    assert _states(standard, site)["4.1"] == "missing"


def test_one_current_item_beats_an_expired_one(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]], status=EvidenceStatus.EXPIRED)
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    assert _states(standard, site)["4.1"] == "covered"


def test_a_clause_marked_not_applicable_needs_a_justification(owner, standard, clauses, site):
    with pytest.raises(DomainError):
        services.clause_exclude(clause=clauses["5"], site=site, justification="  ", by=owner)
    services.clause_exclude(clause=clauses["5"], site=site, justification="No design at this site.", by=owner)
    assert _states(standard, site)["5"] == "not_applicable"


def test_evidence_of_another_site_does_not_count_but_organisation_wide_evidence_does(
    owner, standard, clauses, site
):
    elsewhere = SiteFactory(code="SH-02")
    make_evidence(owner=owner, clauses=[clauses["4.1"]], sites=[elsewhere])
    make_evidence(owner=owner, clauses=[clauses["4.2"]])
    states = _states(standard, site)
    assert states["4.1"] == "missing"
    assert states["4.2"] == "covered"


def test_headings_are_shown_but_not_counted(owner, standard, clauses, site):
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY)
    assert [r.clause.number for r in report.rows if r.is_heading] == ["4"]
    assert report.requirement_count == 3


def test_totals_add_up_and_the_percentage_leaves_out_not_applicable(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    services.clause_exclude(clause=clauses["5"], site=site, justification="Not relevant.", by=owner)
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY)
    assert report.totals == {"covered": 1, "expiring": 0, "expired": 0, "missing": 1, "not_applicable": 1}
    assert report.covered_percent == 50


def _certificate(standard, site, owner, status=CertificateStatus.CERTIFIED):
    certificate = services.certificate_create(
        standard=standard,
        certification_body="CQC",
        number="Q-1",
        scope="Recycling",
        sites=[site],
        owner=owner,
        by=owner,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
        status=CertificateStatus.CERTIFIED,
    )
    if status != CertificateStatus.CERTIFIED:
        services.certificate_set_status(certificate=certificate, status=status, by=owner)
    return certificate


def test_a_suspended_certificate_flags_every_applicable_clause(owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    services.clause_exclude(clause=clauses["5"], site=site, justification="Not relevant.", by=owner)
    certificate = _certificate(standard, site, owner, status=CertificateStatus.SUSPENDED)
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY)
    assert report.lapsed_certificates == [certificate]
    flagged = {r.clause.number: r.certificate_lapsed for r in report.rows}
    assert flagged["4.1"] is True
    assert flagged["5"] is False


def test_a_certificate_past_its_expiry_flags_the_clauses(owner, standard, clauses, site):
    _certificate(standard, site, owner)
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=dt.date(2028, 2, 1))
    assert report.lapsed_certificates
    assert all(r.certificate_lapsed for r in report.rows)


def test_a_valid_certificate_flags_nothing(owner, standard, clauses, site):
    _certificate(standard, site, owner)
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY)
    assert not report.lapsed_certificates
    assert not any(r.certificate_lapsed for r in report.rows)


def test_the_coverage_page_shows_states_and_the_lapse(staff_client, owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    _certificate(standard, site, owner, status=CertificateStatus.SUSPENDED)
    page = staff_client.get(f"/standards/coverage/?standard={standard.pk}&site={site.code}").content.decode()
    assert 'data-state="covered"' in page
    assert 'data-state="missing"' in page
    assert "No valid certificate backs these clauses" in page


def test_a_bad_coverage_query_is_a_form_error_not_a_500(staff_client, standard, site):
    response = staff_client.get("/standards/coverage/?standard=abc&site=nowhere")
    assert response.status_code == 200
    assert response.context["report"] is None
    assert staff_client.get("/api/v1/coverage/?standard=abc").status_code == 400


def test_the_gap_list_exports_to_excel(staff_client, owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    response = staff_client.get(f"/standards/coverage/?standard={standard.pk}&site={site.code}&export=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("Standard", "Site", "Clause", "Title", "State")
    assert [(r[2], r[4]) for r in rows[1:]] == [("4.2", "Missing"), ("5", "Missing")]


def test_marking_not_applicable_on_the_page_returns_to_the_same_coverage(
    staff_client, standard, clauses, site
):
    response = staff_client.post(
        "/standards/coverage/not-applicable/",
        {
            "clause": clauses["5"].pk,
            "site": site.code,
            "justification": "No such activity.",
            "standard": standard.pk,
            "site_code": site.code,
        },
    )
    assert response.status_code == 302
    assert f"standard={standard.pk}" in response["Location"]
    assert _states(standard, site)["5"] == "not_applicable"


def test_coverage_api_answers_rows_and_totals(staff_client, owner, standard, clauses, site):
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    body = staff_client.get(f"/api/v1/coverage/?standard={standard.pk}&site={site.code}").json()
    assert body["totals"]["covered"] == 1
    assert {r["clause"]: r["state"] for r in body["rows"]}["4.1"] == "covered"


def test_the_coverage_page_query_count_does_not_grow_with_its_data(
    staff_client, owner, standard, clauses, site, django_assert_max_num_queries
):
    url = f"/standards/coverage/?standard={standard.pk}&site={site.code}"
    make_evidence(owner=owner, clauses=[clauses["4.1"]])
    with django_assert_max_num_queries(20) as few:
        staff_client.get(url)
    more = [ClauseFactory(standard=standard, number=f"6.{n}", position=10 + n) for n in range(20)]
    for n, clause in enumerate(more):
        make_evidence(owner=UserFactory(), title=f"E{n}", clauses=[clause, clauses["4.2"]])
        if n % 3 == 0:
            services.clause_exclude(clause=clause, site=site, justification="n/a", by=owner)
    _certificate(standard, site, owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["report"].rows) == 24


def test_a_clause_shows_its_first_evidence_and_links_to_the_rest(
    staff_client, owner, standard, clauses, site
):
    for n in range(7):
        make_evidence(owner=owner, title=f"Record {n}", clauses=[clauses["4.1"]])
    make_evidence(owner=owner, title="Draft record", clauses=[clauses["4.1"]], status=EvidenceStatus.DRAFT)
    report = coverage_selectors.coverage_report(standard=standard, site=site, today=TODAY)
    row = next(r for r in report.rows if r.clause.number == "4.1")
    assert len(row.evidence) == coverage_selectors.COVERAGE_EVIDENCE_SHOWN
    assert all(e.status == EvidenceStatus.APPROVED for e in row.evidence)
    assert row.more_evidence == 3
    page = staff_client.get(f"/standards/coverage/?standard={standard.pk}&site={site.code}").content.decode()
    assert f"/evidence/?clause={clauses['4.1'].pk}&amp;site={site.code}" in page
