"""The green-factory pages: the evaluations list, an evaluation with its gate, groups and indicators
filled from measured data, hand entry with evidence and its conflicts, what-if values that save
nothing, refilling, the Excel export, the scheme pages and loading a scheme file."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from certifications.models import (
    CertificateStatus,
    Evaluation,
    GateOutcome,
    GateResult,
    Indicator,
    IndicatorValue,
    Scheme,
    Standard,
    ValueOrigin,
)
from certifications.services import certificates as certificate_services
from certifications.services.green_factory import scheme_load_text, schemes_load_shipped
from certifications.services.green_factory_fill import evaluation_fill
from certifications.services.green_factory_values import evaluation_open, indicator_value_override
from metering.choices import Medium, MeterKind
from tests.accounting.kpi_helpers import march_plant
from tests.metering.helpers import ingest, meter

from .factories import make_evidence

pytestmark = pytest.mark.django_db

MARCH = {"start": "2025-03-01T00:00:00+08:00", "end": "2025-04-01T00:00:00+08:00"}


@pytest.fixture
def scheme(db):
    return next(s for s in schemes_load_shipped() if s.edition == "2025")


@pytest.fixture
def plant(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        march_plant(site)
        meter(site, "W-01", Medium.WATER, "m3", MeterKind.INTERVAL)
        ingest(site, [{"meter": "W-01", **MARCH, "value": 6000}])
    return site


@pytest.fixture
def evidence(staff_user, plant):
    return make_evidence(owner=staff_user, title="Water reuse loop flow records", sites=[plant])


@pytest.fixture
def evaluation(plant, scheme, staff_user, evidence):
    """2025 filled from the March KPIs, with last year (2024) filed by hand to compare with."""
    previous = evaluation_open(site=plant, year=2024, scheme=scheme)
    _enter(previous, "2.2", staff_user, evidence, value=D("83"))
    current = evaluation_open(site=plant, year=2025, scheme=scheme)
    evaluation_fill(evaluation=current)
    return Evaluation.objects.get(pk=current.pk)


def _indicator(scheme, code) -> Indicator:
    return Indicator.objects.get(scheme=scheme, code=code)


def _enter(evaluation, code, user, evidence, *, value=None, case="", version=None):
    return indicator_value_override(
        evaluation=evaluation, indicator=_indicator(evaluation.scheme, code), value=value, case=case,
        reason="Read from the loop's flow meters", evidence=[evidence], version=version, by=user,
    )  # fmt: skip


def _url(evaluation) -> str:
    return reverse("green-factory-evaluation", args=[evaluation.pk])


def _row(html: str, anchor: str) -> str:
    """The table row with the id ``anchor``."""
    match = re.search(rf'<tr id="{re.escape(anchor)}".*?</tr>', html, re.S)
    assert match, anchor
    return match.group(0)


def _group_points(html: str, code: str) -> str:
    match = re.search(rf'id="group-{re.escape(code)}" data-points="([^"]+)"', html)
    assert match, code
    return match.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_list_shows_each_evaluation_with_score_gate_and_refresh_and_opens_one(
    staff_client, evaluation, scheme, plant
):
    page = staff_client.get(reverse("area-green-factory"))
    html = page.content.decode()
    assert "Tianjin plant" in html
    assert "GB/T 36132-2025" in html
    assert "/ 100" in html  # the scheme's maximum
    assert "Failed" in html  # no certificates recorded: the gate fails
    answer = staff_client.post(
        reverse("green-factory-evaluation-open"), {"site": plant.pk, "year": 2026, "scheme": scheme.pk}
    )
    opened = Evaluation.objects.get(site=plant, year=2026)
    assert answer["Location"] == _url(opened)
    assert opened.scheme == scheme
    assert opened.refreshed_at is not None  # filled at once: 2026 has no KPIs, and says so
    assert opened.fill_notes["1.1.1"] == "no_kpis"


def test_opening_with_a_bad_year_is_a_form_error_and_opens_nothing(staff_client, plant, scheme):
    answer = staff_client.post(
        reverse("green-factory-evaluation-open"), {"site": plant.pk, "year": 1999, "scheme": scheme.pk}
    )
    assert answer.status_code == 400
    assert "greater than or equal to 2000" in answer.content.decode()
    assert not Evaluation.objects.exists()


def test_the_evaluation_shows_measured_values_with_provenance_points_and_last_year(staff_client, evaluation):
    html = staff_client.get(_url(evaluation)).content.decode()
    energy = IndicatorValue.objects.get(evaluation=evaluation, indicator__code="1.1.1")
    assert energy.origin == ValueOrigin.AUTOMATIC
    row = _text(_row(html, f"ind-{energy.indicator_id}"))
    assert f"{energy.value:.3f}".rstrip("0").rstrip(".") in row
    assert "kgce/t" in row
    assert "From measured data" in row
    assert "2025-01-01 to 2025-12-31, 31 of 365 days with data" in row
    assert "factor sets" in row
    assert "Full provenance" in row
    assert "40 kgce/t" in row  # the value for full marks: L
    # water reuse has no measured source this year: no value; last year it had 83 % (2.00 points)
    reuse = _text(_row(html, f"ind-{_indicator(evaluation.scheme, '2.2').pk}"))
    assert "No value" in reuse
    assert "2.00" in reuse
    assert "-2.00" in reuse
    assert "Last year (2024): 2.00 points" in _text(html)
    assert "unverified" in html  # the scheme's stated source


def test_a_value_missing_from_the_measured_data_says_why(staff_client, scheme, site):
    evaluation = evaluation_open(site=site, year=2025, scheme=scheme)
    evaluation_fill(evaluation=evaluation)
    html = staff_client.get(_url(evaluation)).content.decode()
    row = _text(_row(html, f"ind-{_indicator(scheme, '1.1.1').pk}"))
    assert "No KPIs are stored for this site and year." in row


def test_entering_a_value_by_hand_stores_it_with_reason_and_evidence_and_changes_the_scores(
    staff_client, staff_user, evaluation, evidence
):
    reuse = _indicator(evaluation.scheme, "2.2")
    url = reverse("green-factory-value", args=[evaluation.pk, reuse.pk])
    before = _group_points(staff_client.get(_url(evaluation)).content.decode(), "2")
    form = staff_client.get(url).content.decode()
    assert "Water reuse loop flow records" in form  # the site's evidence is offered
    answer = staff_client.post(
        url, {"value": "87.5", "reason": "Loop meters read monthly", "evidence": [evidence.pk], "version": ""}
    )
    assert answer.status_code == 302
    stored = IndicatorValue.objects.get(evaluation=evaluation, indicator=reuse)
    assert (stored.value, stored.origin, stored.reason) == (
        D("87.5"),
        ValueOrigin.MANUAL,
        "Loop meters read monthly",
    )
    assert list(stored.evidence.all()) == [evidence]
    html = staff_client.get(_url(evaluation)).content.decode()
    assert D(_group_points(html, "2")) == D(before) + 5  # (87.5 - 80) / (95 - 80) * 10
    assert "5.00" in _row(html, f"ind-{reuse.pk}")


def test_a_qualitative_case_entered_by_hand_scores_its_share(staff_client, evaluation, evidence):
    pollutants = _indicator(evaluation.scheme, "3.1")
    url = reverse("green-factory-value", args=[evaluation.pk, pollutants.pk])
    answer = staff_client.post(url, {"case": "B", "reason": "Monitoring report", "evidence": [evidence.pk]})
    assert answer.status_code == 302
    stored = IndicatorValue.objects.get(evaluation=evaluation, indicator=pollutants)
    assert (stored.case, stored.value) == ("B", None)
    row = _text(_row(staff_client.get(_url(evaluation)).content.decode(), f"ind-{pollutants.pk}"))
    assert "4.00 / 8" in row  # case B earns half the weight


def test_a_measured_figure_is_shown_beside_a_value_entered_by_hand(
    staff_client, staff_user, evaluation, evidence
):
    automatic = IndicatorValue.objects.get(evaluation=evaluation, indicator__code="2.1")
    _enter(evaluation, "2.1", staff_user, evidence, value=D("1.2"), version=automatic.version)
    evaluation_fill(evaluation=evaluation)
    measured = IndicatorValue.objects.get(evaluation=evaluation, indicator__code="2.1").provenance["measured"]
    row = _text(
        _row(
            staff_client.get(_url(evaluation)).content.decode(),
            f"ind-{_indicator(evaluation.scheme, '2.1').pk}",
        )
    )
    assert f"Measured figure beside it: {measured['value']} m3/t" in row
    assert "Entered by hand" in row


def test_a_stale_version_is_refused_with_a_clear_message_keeping_the_input(
    staff_client, staff_user, evaluation, evidence
):
    reuse = _indicator(evaluation.scheme, "2.2")
    _enter(evaluation, "2.2", staff_user, evidence, value=D("90"))  # someone else, meanwhile
    answer = staff_client.post(
        reverse("green-factory-value", args=[evaluation.pk, reuse.pk]),
        {"value": "85", "reason": "My reading", "evidence": [evidence.pk], "version": ""},
    )
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Someone changed this value since you opened it" in html
    assert 'value="85"' in html
    assert "My reading" in html
    assert IndicatorValue.objects.get(evaluation=evaluation, indicator=reuse).value == D("90")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"value": "abc", "reason": "r"}, "Enter a number."),
        ({"value": "85", "reason": ""}, "This field is required."),
        ({"value": "85", "reason": "r", "with_evidence": False}, "This field is required."),
    ],
)
def test_bad_hand_entries_are_form_errors_and_store_nothing(
    staff_client, evaluation, evidence, body, message
):
    reuse = _indicator(evaluation.scheme, "2.2")
    data = {k: v for k, v in body.items() if k != "with_evidence"}
    if body.get("with_evidence", True):
        data["evidence"] = [evidence.pk]
    answer = staff_client.post(reverse("green-factory-value", args=[evaluation.pk, reuse.pk]), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not IndicatorValue.objects.filter(evaluation=evaluation, indicator=reuse).exists()


def test_a_what_if_shows_the_changed_points_not_saved_and_stores_nothing(staff_client, evaluation):
    reuse = _indicator(evaluation.scheme, "2.2")
    stored = list(IndicatorValue.objects.order_by("pk").values_list("pk", "value", "version"))
    html = staff_client.get(_url(evaluation), {"indicator": reuse.pk, "value": "95"}).content.decode()
    assert "Not saved" in html
    indicator, group, total = (_text(_row(html, f"what-if-{n}")) for n in ("indicator", "group", "total"))
    assert indicator.split()[-2:] == ["0.00", "10.00"]
    before, after = (D(x) for x in group.split()[-2:])
    assert after - before == 10
    total_before, total_after = (D(x) for x in total.split()[-2:])
    assert total_after - total_before == 10
    assert list(IndicatorValue.objects.order_by("pk").values_list("pk", "value", "version")) == stored


def test_a_what_if_with_a_bad_value_is_a_form_error(staff_client, evaluation):
    reuse = _indicator(evaluation.scheme, "2.2")
    answer = staff_client.get(_url(evaluation), {"indicator": reuse.pk, "value": "lots"})
    assert answer.status_code == 200
    assert "Enter a number in the indicator&#x27;s unit." in answer.content.decode()


def test_the_gate_fails_and_names_the_certificate_when_a_required_one_lapses(
    staff_client, staff_user, evaluation, plant, shipped
):
    certificate = certificate_services.certificate_create(
        standard=Standard.objects.filter(code="ISO 9001").order_by("-sort_key").first(),
        number="Q-1", certification_body="CQC", scope="Recycling", issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2099, 1, 1), sites=[plant], status=CertificateStatus.CERTIFIED,
        owner=staff_user, by=staff_user,
    )  # fmt: skip
    held = _text(_row(staff_client.get(_url(evaluation)).content.decode(), "gate-G1"))
    assert "Passed" in held
    assert "Q-1" in held
    certificate_services.certificate_set_status(
        certificate=certificate, status=CertificateStatus.SUSPENDED, by=staff_user
    )
    html = staff_client.get(_url(evaluation)).content.decode()
    lapsed = _text(_row(html, "gate-G1"))
    assert "Failed" in lapsed
    assert "Certificate lapsed" in lapsed
    assert "Q-1 (Suspended)" in lapsed
    assert "Gate failed: no title whatever the score" in html


def test_a_manual_gate_item_is_recorded_with_evidence_and_a_pass_without_is_refused(
    staff_client, evaluation, evidence
):
    item = evaluation.scheme.gate_items.get(code="G7")
    url = reverse("green-factory-gate-result", args=[evaluation.pk, item.pk])
    refused = staff_client.post(url, {"outcome": "passed", "note": "Listed"})
    assert refused.status_code == 400
    assert "Attach the evidence the item passes on." in refused.content.decode()
    assert not GateResult.objects.exists()
    staff_client.post(url, {"outcome": "passed", "note": "On the 2024 list", "evidence": [evidence.pk]})
    result = GateResult.objects.get(evaluation=evaluation, item=item)
    assert (result.outcome, result.note) == (GateOutcome.PASSED, "On the 2024 list")
    assert "On the 2024 list" in _row(staff_client.get(_url(evaluation)).content.decode(), "gate-G7")


def test_a_gate_item_decided_by_a_register_cannot_be_recorded_by_hand(staff_client, evaluation, evidence):
    item = evaluation.scheme.gate_items.get(code="G1")
    answer = staff_client.post(
        reverse("green-factory-gate-result", args=[evaluation.pk, item.pk]),
        {"outcome": "passed", "evidence": [evidence.pk]},
    )
    assert answer.status_code == 400
    assert not GateResult.objects.exists()


def test_refill_takes_the_measured_data_now(staff_client, plant, scheme):
    evaluation = evaluation_open(site=plant, year=2025, scheme=scheme)
    assert not IndicatorValue.objects.filter(evaluation=evaluation).exists()
    answer = staff_client.post(reverse("green-factory-evaluation-refill", args=[evaluation.pk]))
    assert answer["Location"] == _url(evaluation)
    filled = IndicatorValue.objects.filter(evaluation=evaluation, origin=ValueOrigin.AUTOMATIC)
    assert {v.indicator.code for v in filled.select_related("indicator")} >= {"1.1.1", "2.1"}
    assert Evaluation.objects.get(pk=evaluation.pk).refreshed_at is not None


def test_the_excel_export_holds_indicators_groups_gate_and_total(
    staff_client, staff_user, evaluation, evidence
):
    _enter(evaluation, "2.2", staff_user, evidence, value=D("87.5"))
    answer = staff_client.get(_url(evaluation), {"export": "xlsx"})
    book = load_workbook(BytesIO(answer.content))
    indicators = {row[1]: row for row in book["Indicators"].iter_rows(min_row=2, values_only=True)}
    reuse = indicators["2.2"]
    assert (D(str(reuse[4])), reuse[5], reuse[6], reuse[8]) == (
        D("87.5"),
        "%",
        "Entered by hand",
        "Read from the loop's flow meters",
    )
    assert (D(str(reuse[9])), D(str(reuse[10])), D(str(reuse[12]))) == (D(80), D(95), D(5))
    energy = indicators["1.1.1"]
    assert energy[6] == "From measured data"
    assert "31 of 365 days with data" in energy[7]
    groups = {row[0]: row for row in book["Groups"].iter_rows(min_row=2, values_only=True)}
    assert D(str(groups["2"][4])) >= 5
    assert D(str(groups["2"][5])) == 30
    gate = {row[0]: row[3] for row in book["Gate"].iter_rows(min_row=2, values_only=True)}
    assert gate["G1"] == "Failed"
    assert gate["G7"] == "Not decided"
    summary = dict(book["Evaluation"].iter_rows(min_row=2, values_only=True))
    total = sum((D(str(r[12])) for r in indicators.values()), D(0))
    assert D(str(summary["Total score"])).quantize(D("0.0001")) == total.quantize(D("0.0001"))
    assert summary["Gate"] == "Gate failed: no title whatever the score"


def _scheme_with(indicators: int) -> Scheme:
    rows = "\n".join(
        f"      - {{code: '1.{n}', name_zh: 指标{n}, type: higher_better, unit: '%', weight: 1, "
        f"baseline: 0, leading: 100}}"
        for n in range(indicators)
    )
    text = f"""code: TEST-{indicators}
edition: '2025'
title: Test scheme
source: A test
gate:
  - {{code: G1, kind: manual, name_zh: 名录}}
groups:
  - code: '1'
    name_zh: 组
    indicators:
{rows}
"""
    return scheme_load_text(text=text)


def _page_queries(client, site, year, indicators) -> int:
    evaluation = evaluation_open(site=site, year=year, scheme=_scheme_with(indicators))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(evaluation)).status_code == 200
    return len(queries)


def test_the_evaluation_page_query_count_does_not_grow_with_the_indicators(
    staff_client, site, django_assert_max_num_queries
):
    few = _page_queries(staff_client, site, 2024, 2)
    many = _page_queries(staff_client, site, 2026, 30)
    assert many == few
    url = _url(Evaluation.objects.get(year=2026))
    with django_assert_max_num_queries(few):
        staff_client.get(url)


def test_the_scheme_pages_show_the_tree_with_bands_and_source_and_download_both_files(staff_client, scheme):
    html = staff_client.get(reverse("green-factory-scheme-list")).content.decode()
    assert "GB/T 36132-2025" in html
    assert "GB/T 36132-2018" in html
    detail = staff_client.get(reverse("green-factory-scheme", args=[scheme.pk])).content.decode()
    assert "能源低碳化" in detail
    assert "unverified" in detail
    assert "…–3000: B 18, L 55" in detail  # the renewable share's band below 3,000 tce
    assert "ISO 9001" in detail
    yaml_file = staff_client.get(reverse("green-factory-scheme", args=[scheme.pk]), {"export": "yaml"})
    assert "code: GB/T 36132-2025" in yaml_file.content.decode()
    book = load_workbook(
        BytesIO(
            staff_client.get(reverse("green-factory-scheme", args=[scheme.pk]), {"export": "xlsx"}).content
        )
    )
    assert "Indicators" in book.sheetnames


def test_loading_a_scheme_file_lists_its_problems_by_line_and_loads_nothing(staff_client, db):
    bad = SimpleUploadedFile("s.yaml", b"code: X\nedition: '2025'\ngroups: 5\n")
    answer = staff_client.post(reverse("green-factory-scheme-import"), {"file": bad})
    assert answer.status_code == 400
    assert 'id="problems"' in answer.content.decode()
    assert not Scheme.objects.exists()
    good = SimpleUploadedFile("s.yaml", _scheme_yaml_text().encode())
    answer = staff_client.post(reverse("green-factory-scheme-import"), {"file": good})
    loaded = Scheme.objects.get(code="TEST-UP")
    assert answer["Location"] == reverse("green-factory-scheme", args=[loaded.pk])


def _scheme_yaml_text() -> str:
    return """code: TEST-UP
edition: '2025'
title: Uploaded
source: A test
gate: []
groups:
  - code: '1'
    name_zh: 组
    indicators:
      - {code: '1.1', name_zh: 指标, type: higher_better, unit: '%', weight: 5, baseline: 0, leading: 10}
"""


def test_auditors_see_no_green_factory_page(auditor_client, evaluation):
    assert auditor_client.get(_url(evaluation)).status_code == 403
    assert auditor_client.get(reverse("area-green-factory")).status_code == 403
