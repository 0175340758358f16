"""Green-factory schemes (loading, validation, export) and evaluation scores and gate."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.exceptions import ImportRejected
from certifications.exports.green_factory import scheme_yaml
from certifications.models import (
    Certificate,
    CertificateStatus,
    Evaluation,
    GateOutcome,
    GateResult,
    IncidentKind,
    Indicator,
    IndicatorValue,
    PermitKind,
    Scheme,
    Standard,
    ValueOrigin,
)
from certifications.parsers.green_factory_rows import parse_scheme_yaml
from certifications.selectors.green_factory import band_for, evaluation_score, indicator_score
from certifications.selectors.green_factory_gate import GATE_CHECKS, evaluation_gate, gate_passed
from certifications.services import incidents as incident_services
from certifications.services import permits as permit_services
from certifications.services.green_factory import scheme_load_text, schemes_load_shipped

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def schemes(db):
    return {s.edition: s for s in schemes_load_shipped()}


@pytest.fixture
def scheme(schemes):
    return schemes["2025"]


def _indicator(scheme, code):
    return Indicator.objects.get(scheme=scheme, code=code)


# --- loading -------------------------------------------------------------------------------------


def test_the_2025_scheme_has_five_first_level_groups_in_chinese_first(scheme):
    first_level = list(
        scheme.groups.filter(parent=None).order_by("position").values_list("name_zh", flat=True)
    )
    assert first_level == ["能源低碳化", "资源高效化", "生产洁净化", "产品绿色化", "用地集约化"]
    renewable = _indicator(scheme, "1.3.1")
    assert renewable.group.parent.name_zh == "能源低碳化"
    assert renewable.source == "renewable_share"
    assert len(renewable.bands["rows"]) == 4
    assert "unverified" in scheme.source


def test_the_2025_group_weights_are_the_third_party_reading(scheme):
    score = evaluation_score(evaluation=_evaluation(scheme, 2026), compare=False)
    assert [g.weight for g in score.groups] == [D(30), D(30), D(16), D(16), D(8)]
    assert score.weight == D(100)


def test_the_2018_scheme_has_six_groups(schemes):
    names = list(schemes["2018"].groups.filter(parent=None).values_list("name_zh", flat=True))
    assert names == ["基础设施", "管理体系", "能源与资源投入", "产品", "环境排放", "绩效"]


def test_loading_again_upgrades_in_place_and_keeps_values(scheme, site):
    evaluation = _evaluation(scheme, 2026, site=site)
    indicator = _indicator(scheme, "2.2")
    IndicatorValue.objects.create(evaluation=evaluation, indicator=indicator, value=D(90))
    text = scheme_yaml(scheme).replace("name_en: Industrial water reuse rate", "name_en: Water reuse")
    scheme_load_text(text=text)
    indicator.refresh_from_db()
    assert indicator.name_en == "Water reuse"
    assert Scheme.objects.filter(code="GB/T 36132-2025").count() == 1
    assert IndicatorValue.objects.get(evaluation=evaluation).indicator_id == indicator.pk


def test_the_yaml_export_loads_back_unchanged(scheme):
    before = scheme_yaml(scheme)
    data, problems = parse_scheme_yaml(before)
    assert problems == []
    scheme_load_text(text=before)
    assert scheme_yaml(Scheme.objects.get(pk=scheme.pk)) == before


def test_the_management_command_loads_both_editions(db, capsys):
    call_command("load_green_factory_schemes")
    out = capsys.readouterr().out
    assert "GB/T 36132-2025: 14 indicators, 7 gate items." in out
    assert "GB/T 36132-2018" in out


BAD = """code: X-1
edition: '1'
title: Broken
source: test
groups:
- code: '1'
  name_zh: 组
  indicators:
  - code: '1.1'
    name_zh: 指标
    type: higher_better
    weight: ten
    baseline: '5'
    leading: '5'
    colour: red
"""


def test_a_broken_scheme_file_names_each_line_and_key_and_loads_nothing(db):
    with pytest.raises(ImportRejected) as caught:
        scheme_load_text(text=BAD)
    messages = [str(p) for p in caught.value.problems]
    assert "line 12, weight: “ten” is not a number." in messages
    assert "line 14, leading: must differ from the baseline value." in messages
    assert "line 15, colour: unknown field." in messages
    assert not Scheme.objects.exists()


def test_a_qualitative_indicator_without_cases_and_a_bad_type_are_refused(db):
    text = BAD.replace("type: higher_better", "type: qualitative").replace("weight: ten", "weight: '2'")
    _data, problems = parse_scheme_yaml(
        text.replace("    leading: '5'\n", "").replace("    colour: red\n", "")
    )
    assert [str(p) for p in problems] == ["line 9, cases: a qualitative indicator needs its cases."]
    _data, problems = parse_scheme_yaml(BAD.replace("higher_better", "bigger"))
    assert any(str(p).startswith("line 11, type: must be one of") for p in problems)


def test_invalid_yaml_names_its_line(db):
    _data, problems = parse_scheme_yaml("code: [unclosed\ntitle: x\n")
    assert len(problems) == 1
    assert problems[0].location.startswith("line ")


# --- scoring -------------------------------------------------------------------------------------


def _evaluation(scheme, year, *, site=None, energy=None):
    from tests.factories import SiteFactory

    site = site or SiteFactory()
    return Evaluation.objects.create(site=site, year=year, scheme=scheme, annual_energy_tce=energy)


def test_the_domain_vector_renewable_share_in_the_smallest_band(scheme):
    renewable = _indicator(scheme, "1.3.1")
    score = indicator_score(indicator=renewable, value=D(30), band_value=D(2000))
    assert (score.baseline, score.leading) == (D(18), D(55))
    assert round(score.points, 3) == D("2.595")
    assert score.full_marks_value == D(55)


@pytest.mark.parametrize(
    ("energy", "baseline", "leading"),
    [
        (D("2999.999"), D(18), D(55)),
        (D(3000), D(15), D(45)),
        (D("4999.99"), D(15), D(45)),
        (D(5000), D(12), D(35)),
        (D(9999), D(12), D(35)),
        (D(10000), D(8), D(25)),
        (D(250000), D(8), D(25)),
    ],
)
def test_renewable_bands_at_their_edges(scheme, energy, baseline, leading):
    found_b, found_l, _band = band_for(_indicator(scheme, "1.3.1"), energy)
    assert (found_b, found_l) == (baseline, leading)


def test_a_banded_indicator_without_the_annual_energy_scores_nothing(scheme):
    score = indicator_score(indicator=_indicator(scheme, "1.3.1"), value=D(60), band_value=None)
    assert score.points == 0
    assert score.leading is None


@pytest.mark.parametrize(
    ("value", "points"),
    [(D(60), D(0)), (D(70), D(0)), (D(50), D(5)), (D(40), D(10)), (D(30), D(10))],
)
def test_lower_is_better_energy_per_unit(scheme, value, points):
    # B 60 kgce/t, L 40 kgce/t, weight 10; the DOMAIN vector plant's 53.189 kgce/t is in between
    assert indicator_score(indicator=_indicator(scheme, "1.1.1"), value=value).points == points


def test_the_domain_energy_vector_scores_between_baseline_and_leading(scheme):
    score = indicator_score(indicator=_indicator(scheme, "1.1.1"), value=D("53.189"))
    assert round(score.points, 4) == D("3.4055")


@pytest.mark.parametrize(("count", "points"), [(D(0), D(0)), (D(4), D(2)), (D(8), D(4)), (D(12), D(4))])
def test_the_platform_functions_count(scheme, count, points):
    assert indicator_score(indicator=_indicator(scheme, "1.4.1"), value=count).points == points


@pytest.mark.parametrize(("case", "points"), [("A", D(8)), ("B", D(4)), ("C", D(0)), ("", D(0))])
def test_qualitative_cases(scheme, case, points):
    assert indicator_score(indicator=_indicator(scheme, "3.1"), value=None, case=case).points == points


def test_group_and_total_points_with_what_if_and_last_year(scheme, site):
    last = _evaluation(scheme, 2025, site=site, energy=D(2000))
    this = _evaluation(scheme, 2026, site=site, energy=D(2000))
    IndicatorValue.objects.create(evaluation=last, indicator=_indicator(scheme, "1.1.1"), value=D(60))
    IndicatorValue.objects.create(evaluation=this, indicator=_indicator(scheme, "1.1.1"), value=D(50))
    IndicatorValue.objects.create(evaluation=this, indicator=_indicator(scheme, "1.3.1"), value=D(30))
    IndicatorValue.objects.create(
        evaluation=this, indicator=_indicator(scheme, "3.1"), case="B", origin=ValueOrigin.MANUAL
    )

    score = evaluation_score(evaluation=this)
    energy_group = score.groups[0]
    assert round(energy_group.points, 3) == D("7.595")  # 5 + 2.595
    assert round(score.total, 3) == D("11.595")  # + 4 for case B
    assert score.last_year is not None
    assert score.last_year.total == 0
    by_code = {s.indicator.code: s for s in score.indicators()}
    assert by_code["1.1.1"].change == D(5)

    what_if = evaluation_score(evaluation=this, what_if={_indicator(scheme, "1.1.1").pk: D(40)})
    assert round(what_if.groups[0].points, 3) == D("12.595")
    assert IndicatorValue.objects.get(evaluation=this, indicator__code="1.1.1").value == D(50)


def test_the_score_query_count_does_not_grow_with_the_indicators(scheme, schemes, site):
    small = _evaluation(schemes["2018"], 2026)
    large = _evaluation(scheme, 2026, site=site)
    for evaluation in (small, large):
        for indicator in evaluation.scheme.indicators.all():
            IndicatorValue.objects.create(evaluation=evaluation, indicator=indicator, value=D(1))
    counts = []
    for evaluation in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            evaluation_score(evaluation=evaluation)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- gate ----------------------------------------------------------------------------------------


def _certificate(site, code, *, status=CertificateStatus.CERTIFIED, expires=dt.date(2028, 1, 1)):
    from tests.factories import UserFactory

    standard = Standard.objects.filter(code=code).order_by("-sort_key").first()
    certificate = Certificate.objects.create(
        standard=standard,
        certification_body="CQC",
        number=f"N-{code}",
        scope="Recycling",
        status=status,
        issued_on=dt.date(2025, 1, 1),
        expires_on=expires,
        owner=UserFactory(),
    )
    certificate.sites.add(site)
    return certificate


@pytest.fixture
def certified_site(shipped, site):
    for code in ("ISO 9001", "ISO 14001", "ISO 50001", "ISO 45001"):
        _certificate(site, code)
    return site


def test_the_gate_reads_certificates_permits_and_incidents_and_leaves_manual_items_to_record(
    scheme, certified_site
):
    evaluation = _evaluation(scheme, 2026, site=certified_site)
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert [checks[c].outcome for c in ("G1", "G2", "G3", "G4")] == [GateOutcome.PASSED] * 4
    # No discharge permit recorded: the permits register fails the item and says so.
    assert checks["G5"].outcome == GateOutcome.FAILED
    assert "Discharge permit is recorded for" in checks["G5"].reason
    # No incident at all: the incidents register passes the item.
    assert checks["G6"].outcome == GateOutcome.PASSED
    assert checks["G7"].outcome == GateOutcome.UNDECIDED
    assert checks["G7"].reason == "Not decided: record the result by hand."
    assert gate_passed(list(checks.values())) is False

    from tests.factories import UserFactory

    staff = UserFactory()
    permit_services.permit_create(
        by=staff,
        reference="PMT-001",
        title="Pollutant discharge permit",
        kind=PermitKind.DISCHARGE,
        number="91120116MA05XXXX001P",
        issuer="Binhai ecology bureau",
        issued_on=dt.date(2024, 3, 1),
        expires_on=dt.date(2029, 2, 28),
        owner=staff,
    )
    for item in scheme.gate_items.filter(kind="manual"):
        GateResult.objects.create(evaluation=evaluation, item=item, outcome=GateOutcome.PASSED)
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert checks["G5"].outcome == GateOutcome.PASSED
    assert gate_passed(list(checks.values())) is True

    # A larger (较大) accident two years ago fails the gate, and the reason names it.
    incident_services.incident_grades_load()
    incident = incident_services.incident_create(
        by=staff,
        kind=IncidentKind.SAFETY_ACCIDENT,
        occurred_at=dt.datetime(2024, 12, 3, 10, tzinfo=dt.UTC),
        site=certified_site,
        title="Fire in the storage yard",
        deaths=3,
    )
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert checks["G6"].outcome == GateOutcome.FAILED
    assert incident.reference in checks["G6"].reason
    assert gate_passed(list(checks.values())) is False


def test_a_lapsed_certificate_fails_the_gate_and_is_named(scheme, certified_site):
    evaluation = _evaluation(scheme, 2026, site=certified_site)
    Certificate.objects.filter(standard__code="ISO 50001").update(expires_on=dt.date(2026, 12, 1))
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert checks["G3"].outcome == GateOutcome.FAILED
    assert checks["G3"].reason == "Certificate lapsed: ISO 50001:2018 N-ISO 50001 (Expired)."
    assert gate_passed(list(checks.values())) is False


def test_a_missing_certificate_fails_its_item(scheme, shipped, site):
    evaluation = _evaluation(scheme, 2026, site=site)
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert checks["G1"].reason == "No certificate of ISO 9001 covers this site."


def test_the_permit_check_is_a_plug_point(scheme, certified_site, monkeypatch):
    from certifications.selectors.green_factory_gate import GateCheck

    def permits(context, item):
        return GateCheck(item, GateOutcome.FAILED, "Discharge permit expired")

    monkeypatch.setitem(GATE_CHECKS, "permit", permits)
    evaluation = _evaluation(scheme, 2026, site=certified_site)
    checks = {c.item.code: c for c in evaluation_gate(evaluation=evaluation, today=TODAY)}
    assert checks["G5"].reason == "Discharge permit expired"
    assert gate_passed(list(checks.values())) is False
