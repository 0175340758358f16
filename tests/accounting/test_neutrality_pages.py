"""Carbon-neutrality pages as compliance staff use them: the register with filters and exports, the
programme's page with its status table and claim panel, the forms, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounting.models import CarbonCredit, NeutralityClaim, NeutralityProgramme, ReductionTarget
from accounting.services import neutrality as service
from accounting.services import neutrality_claims as claims_service

from .neutrality_helpers import entered, programme, retire

pytestmark = pytest.mark.django_db

BASE = "/kpis/neutrality/"


def _neutral_programme(site):
    """Base 2024 1,000 t; 2026 800 t with 20 t removed and 780 t of credits: balance 0."""
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2026, "800", removals="20")
    retire(prog, period, 1, 780)
    return prog, period


def test_the_register_lists_programmes_filters_and_exports(staff_client, site):
    prog = programme(site.organisation)
    programme(site.organisation, reference="CN-2")
    page = staff_client.get(BASE).content.decode()
    assert f'href="{BASE}{prog.pk}/">CN-1</a>' in page
    assert "ISO 14068-1:2023" in page
    filtered = staff_client.get(BASE, {"q": "CN-2"}).content.decode()
    assert "CN-2" in filtered
    assert ">CN-1</a>" not in filtered
    csv = b"".join(staff_client.get(BASE, {"q": "CN-1", "export": "csv"}).streaming_content).decode()
    assert "CN-1" in csv
    assert "CN-2" not in csv
    xlsx = staff_client.get(BASE, {"export": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["CN-1", "CN-2"]


def test_a_year_out_of_range_in_the_filters_is_left_out_instead_of_failing(staff_client, site):
    prog = programme(site.organisation, target_date=dt.date(2030, 12, 31))
    response = staff_client.get(BASE, {"target_year": "99999"})
    assert response.status_code == 200
    assert f'href="{BASE}{prog.pk}/">CN-1</a>' in response.content.decode()
    assert ">CN-1</a>" not in staff_client.get(BASE, {"target_year": "2031"}).content.decode()


def test_the_programme_page_shows_the_status_table_and_the_missing_requirements(
    staff_client, site, staff_user
):
    prog, period = _neutral_programme(site)
    claims_service.claim_create(
        programme=prog,
        period=period,
        kind="achieved",
        verification="self",
        statement="Neutral in 2026.",
        by=staff_user,
    )
    page = staff_client.get(f"{BASE}{prog.pk}/").content.decode()
    assert 'class="table-wrap"><table class="table" id="neutrality-status"' in page
    row = page[page.index('id="period-2026"') :].split("</tr>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", c.split(">", 1)[1]).replace(",", "").strip() for c in row.split("<td")[1:]
    ]
    # year, base, reductions, footprint, removals, credits, balance (with its badge)
    assert cells == ["2026", "1000", "200", "800", "20", "780", "0 neutral"]
    # each period's source is listed under the table
    sources = page[page.index('id="period-sources"') :].split("</dl>")[0]
    assert f"<dt>2026</dt><dd>{period.get_source_display()}: {period.source_note}</dd>" in sources
    assert "The claim cannot be made yet" in page
    assert page.count("Evidence missing:") == len(claims_service.DEFAULT_REQUIREMENTS)


def test_making_a_claim_with_missing_evidence_is_refused_on_the_page_and_changes_nothing(
    staff_client, site, staff_user
):
    prog, period = _neutral_programme(site)
    claim = claims_service.claim_create(
        programme=prog,
        period=period,
        kind="achieved",
        verification="self",
        statement="x",
        requirements=["Verification statement"],
    )
    response = staff_client.post(f"{BASE}claims/{claim.pk}/make/")
    assert response.status_code == 409
    assert "Evidence missing for: Verification statement." in response.content.decode()
    assert NeutralityClaim.objects.get().status == "draft"
    requirement = claim.requirements.get()
    staff_client.post(f"{BASE}requirements/{requirement.pk}/evidence/", {"evidence_reference": "EV-0007"})
    response = staff_client.post(f"{BASE}claims/{claim.pk}/make/")
    assert response.status_code == 302
    assert NeutralityClaim.objects.get().status == "made"
    statement = staff_client.get(f"{BASE}claims/{claim.pk}/statement/")
    rows = dict(
        load_workbook(BytesIO(statement.content))["Neutrality statement"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert rows["Balance (tCO2e)"] == 0
    assert rows["Reductions against the base (tCO2e)"] == 200
    assert rows["Status"] == "Made"


def test_the_programme_form_creates_and_a_bad_one_keeps_what_was_typed(staff_client, site):
    data = {
        "reference": "CN-9",
        "title": "Plant neutral",
        "organisation": site.organisation.code,
        "subject": "organisation",
        "boundary": "Tianjin plant",
        "base_year": "2024",
        "target_date": "2023-12-31",
    }
    response = staff_client.post(f"{BASE}new/", data)
    assert response.status_code == 400
    assert "The target date comes after the base period." in response.content.decode()
    assert 'value="Plant neutral"' in response.content.decode()
    assert not NeutralityProgramme.objects.exists()
    response = staff_client.post(f"{BASE}new/", {**data, "target_date": "2030-12-31"})
    prog = NeutralityProgramme.objects.get()
    assert response["Location"] == f"{BASE}{prog.pk}/"


def test_a_target_with_a_gap_over_five_years_is_refused_on_its_form(staff_client, site):
    prog = programme(site.organisation, target_date=dt.date(2040, 1, 1))
    data = {
        "description": "Down 60 %",
        "target_year": "2036",
        "reduction_percent": "60",
        "milestone_1_year": "2029",
        "milestone_1_percent": "25",
    }
    response = staff_client.post(f"{BASE}{prog.pk}/targets/", data)
    assert response.status_code == 400
    assert "at most 5 years apart" in response.content.decode()
    assert not ReductionTarget.objects.exists()
    response = staff_client.post(
        f"{BASE}{prog.pk}/targets/", {**data, "milestone_2_year": "2032", "milestone_2_percent": "40"}
    )
    assert response.status_code == 302
    assert list(ReductionTarget.objects.get().milestones.values_list("year", flat=True)) == [2029, 2032]


def test_an_overlapping_credit_batch_is_refused_on_its_form(staff_client, site):
    prog, period = _neutral_programme(site)
    other = programme(site.organisation, reference="CN-X")
    other_period = entered(other, 2026, "500")
    data = {
        "period": str(other_period.pk),
        "registry": "gold_standard",
        "serial_prefix": "GS1-1-CN-GS1234-12-2024-",
        "serial_start": "700",
        "serial_end": "900",
        "project": "Biogas",
        "standard": "GS",
        "kind": "reduction",
        "vintage": "2024",
        "retired_on": "2026-03-01",
        "evidence_reference": "GS retirement 9",
    }
    response = staff_client.post(f"{BASE}{other.pk}/credits/", data)
    assert response.status_code == 409
    assert "overlap the batch retired for CN-1" in response.content.decode()
    assert CarbonCredit.objects.count() == 1
    response = staff_client.post(f"{BASE}{other.pk}/credits/", {**data, "serial_start": "781"})
    assert response.status_code == 302
    assert CarbonCredit.objects.get(programme=other).quantity_tco2e == 120


def test_the_programme_workbook_has_the_plan_periods_credits_and_claims(staff_client, site, staff_user):
    prog, period = _neutral_programme(site)
    service.target_create(
        programme=prog, description="Down 30 %", target_year=2029, reduction_percent=Decimal(30)
    )
    service.action_create(
        programme=prog,
        title="Heat pumps",
        owner=staff_user,
        start_date=dt.date(2025, 1, 1),
        due_date=dt.date(2025, 12, 1),
    )
    response = staff_client.get(f"{BASE}{prog.pk}/", {"export": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Programme", "Targets", "Actions", "Periods", "Credits", "Claims"]
    periods = list(book["Periods"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5], r[9]) for r in periods] == [
        (2024, 0, 1000),
        (2026, 200, 0),
    ]  # base period: nothing offset


def test_auditors_see_no_programme_and_cannot_write(auditor_client, site):
    prog = programme(site.organisation)
    assert auditor_client.get(f"{BASE}{prog.pk}/").status_code == 403
    assert auditor_client.post(f"{BASE}{prog.pk}/periods/", {"year": "2025"}).status_code == 403
    assert not prog.periods.exists()


def test_an_edit_made_on_an_older_version_is_refused_and_changes_nothing(staff_client, site):
    prog = programme(site.organisation)
    form = {
        "title": "Renamed",
        "boundary": "Tianjin plant",
        "target_date": "2031-12-31",
        "offsetting_strategy": "",
        "version": "1",
    }
    assert staff_client.post(f"{BASE}{prog.pk}/edit/", form).status_code == 302
    response = staff_client.post(f"{BASE}{prog.pk}/edit/", {**form, "title": "Again"})
    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()
    assert NeutralityProgramme.objects.get().title == "Renamed"


def test_a_milestone_that_falls_outside_the_target_is_refused_on_the_programme_page(staff_client, site):
    prog = programme(site.organisation)
    target = service.target_create(
        programme=prog, description="Down 30 %", target_year=2029, reduction_percent=Decimal(30)
    )
    response = staff_client.post(
        f"{BASE}targets/{target.pk}/milestones/", {"year": "2031", "reduction_percent": "10"}
    )
    assert response.status_code == 400
    assert "falls between the base period and the target year" in response.content.decode()
    assert not target.milestones.exists()
    response = staff_client.post(
        f"{BASE}targets/{target.pk}/milestones/", {"year": "2027", "reduction_percent": "10"}
    )
    assert response.status_code == 302
    assert list(target.milestones.values_list("year", flat=True)) == [2027]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_programme_page_reads_in_as_many_queries_whatever_it_holds(staff_client, site, staff_user):
    """One of each (target, action, claim), then three more of each and another period with credits:
    the same number of queries."""
    prog, period = _neutral_programme(site)

    def add(n, on):
        service.target_create(
            programme=prog, description=f"Target {n}", target_year=2029, reduction_percent=Decimal(30)
        )
        service.action_create(
            programme=prog,
            title=f"Action {n}",
            owner=staff_user,
            start_date=dt.date(2026, 1, 1),
            due_date=dt.date(2026, 2, 1),
        )
        claims_service.claim_create(
            programme=prog, period=on, kind="committed", verification="self", statement="b"
        )

    add(0, period)
    url = f"{BASE}{prog.pk}/"
    few = _queries(staff_client, url)
    later = entered(prog, 2027, "700")
    retire(prog, later, 1001, 1700)
    for n in range(1, 4):
        add(n, later)
    assert _queries(staff_client, url) == few
