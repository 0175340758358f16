"""Incidents: the national grades (from data) at their edges, the workflow, and the green-factory
gate's "no major incident in the last three years"."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from certifications.exceptions import EditConflict
from certifications.models import Incident, IncidentGrade, IncidentKind, IncidentStatus
from certifications.selectors.incidents import GateCheck, incident_gate, incident_grade_suggest
from certifications.services import incidents as services
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from tests.factories import SiteFactory

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
K = IncidentKind


@pytest.fixture
def grades(db):
    services.incident_grades_load()
    return {g.code: g for g in IncidentGrade.objects.all()}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def record(*, site, by, kind=K.NEAR_MISS, day=dt.date(2025, 5, 1), **extra) -> Incident:
    return services.incident_create(
        by=by, kind=kind, occurred_at=at(day, extra.pop("hour", 10)), site=site, title="Incident", **extra
    )


def suggest(kind, deaths=0, injuries=0, loss="0"):
    grade = incident_grade_suggest(
        kind=kind, deaths=deaths, serious_injuries=injuries, direct_loss_cny=Decimal(loss)
    )
    return grade.name_zh if grade else None


def test_loading_grades_twice_keeps_eight_grades(grades):
    assert services.incident_grades_load() == 8
    assert IncidentGrade.objects.count() == 8
    assert grades["ps_larger"].counts_as_major
    assert not grades["ps_general"].counts_as_major


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "expected"),
    [
        (0, 0, "0", "一般事故"),
        (2, 9, "9999999.99", "一般事故"),
        (3, 0, "0", "较大事故"),
        (0, 10, "0", "较大事故"),
        (0, 0, "10000000", "较大事故"),
        (9, 49, "49999999.99", "较大事故"),
        (10, 0, "0", "重大事故"),
        (0, 50, "0", "重大事故"),
        (0, 0, "50000000", "重大事故"),
        (29, 99, "99999999.99", "重大事故"),
        (30, 0, "0", "特别重大事故"),
        (0, 100, "0", "特别重大事故"),
        (0, 0, "100000000", "特别重大事故"),
    ],
)
def test_production_safety_grade_from_the_figures(grades, deaths, injuries, loss, expected):
    assert suggest(K.SAFETY_ACCIDENT, deaths, injuries, loss) == expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        ("4999999.99", "一般突发环境事件"),
        ("5000000", "较大突发环境事件"),
        ("19999999.99", "较大突发环境事件"),
        ("20000000", "重大突发环境事件"),
        ("100000000", "特别重大突发环境事件"),
    ],
)
def test_environmental_grade_from_the_loss(grades, loss, expected):
    assert suggest(K.ENVIRONMENTAL, loss=loss) == expected


def test_near_misses_and_quality_escapes_have_no_national_grade(grades):
    assert suggest(K.NEAR_MISS, deaths=5) is None
    assert suggest(K.QUALITY_ESCAPE, loss="1000000000") is None


def test_a_grade_of_another_scheme_is_refused_and_nothing_is_stored(grades, site, staff_user):
    with pytest.raises(DomainError) as error:
        record(site=site, by=staff_user, kind=K.ENVIRONMENTAL, grade=grades["ps_general"])
    assert error.value.field == "grade"
    assert not Incident.objects.exists()


def test_create_numbers_the_incident_and_links_its_site(grades, site, staff_user):
    first = record(site=site, by=staff_user)
    second = record(site=site, by=staff_user, day=dt.date(2025, 6, 1))
    assert (first.reference, second.reference) == ("INC-2025-001", "INC-2025-002")
    assert list(first.sites.all()) == [site]
    assert first.history.first().history_user == staff_user


def test_future_incidents_are_refused(grades, site, staff_user):
    with pytest.raises(DomainError) as error:
        record(site=site, by=staff_user, day=timezone.localdate() + dt.timedelta(days=2))
    assert error.value.field == "occurred_at"


def test_an_edit_from_an_old_version_changes_nothing(grades, site, staff_user):
    incident = record(site=site, by=staff_user)
    services.incident_update(incident=incident, by=staff_user, version=1, title="Pack dropped")
    with pytest.raises(EditConflict) as error:
        services.incident_update(incident=incident, by=staff_user, version=1, title="Other")
    incident.refresh_from_db()
    assert (incident.title, incident.version, error.value.current_version) == ("Pack dropped", 2, 2)


def test_closing_needs_the_root_cause(grades, site, staff_user):
    incident = record(site=site, by=staff_user)
    services.incident_transition(incident=incident, status=IncidentStatus.INVESTIGATING, by=staff_user)
    with pytest.raises(DomainError):
        services.incident_transition(incident=incident, status=IncidentStatus.CLOSED, by=staff_user)
    incident.refresh_from_db()
    services.incident_update(
        incident=incident,
        by=staff_user,
        version=incident.version,
        investigation="Interviewed the crew.",
        root_cause="Forklift tines not guarded.",
        investigated_by=staff_user,
    )
    closed = services.incident_transition(
        incident=incident, status=IncidentStatus.CLOSED, by=staff_user, closed_on=dt.date(2025, 5, 20)
    )
    assert (closed.status, closed.closed_on) == ("closed", dt.date(2025, 5, 20))
    with pytest.raises(TransitionNotAllowed):
        services.incident_transition(incident=closed, status=IncidentStatus.REPORTED, by=staff_user)


# --- the gate -----------------------------------------------------------------------------------

UNTIL = dt.date(2026, 6, 30)


def test_the_gate_passes_with_near_misses_and_a_general_accident(grades, site, staff_user):
    record(site=site, by=staff_user)
    record(site=site, by=staff_user, kind=K.SAFETY_ACCIDENT, deaths=1, grade=grades["ps_general"])
    check = incident_gate(site=site, until=UNTIL)
    assert isinstance(check, GateCheck)
    assert check.passed
    assert check.failing == []
    assert "2023-06-30" in check.reasons[0]
    assert "2026-06-30" in check.reasons[0]


def test_a_recorded_major_grade_fails_the_gate_and_is_named(grades, site, staff_user):
    bad = record(site=site, by=staff_user, kind=K.ENVIRONMENTAL, grade=grades["env_larger"])
    check = incident_gate(site=site, until=UNTIL)
    assert not check.passed
    assert check.failing == [bad]
    assert bad.reference in check.reasons[0]
    assert "Larger environmental emergency" in check.reasons[0]


def test_an_ungraded_accident_counts_by_its_figures(grades, site, staff_user):
    bad = record(site=site, by=staff_user, kind=K.SAFETY_ACCIDENT, deaths=3)
    check = incident_gate(site=site, until=UNTIL)
    assert check.failing == [bad]
    assert "suggested by its figures" in check.reasons[0]


def test_the_window_includes_its_first_and_last_day_in_the_site_time_zone(grades, site, staff_user):
    major = {"kind": K.SAFETY_ACCIDENT, "grade": grades["ps_major"]}
    on_first = record(site=site, by=staff_user, day=dt.date(2023, 6, 30), hour=0, **major)
    record(site=site, by=staff_user, day=dt.date(2023, 6, 29), hour=23, **major)
    on_last = record(site=site, by=staff_user, day=dt.date(2026, 6, 30), hour=23, **major)
    record(site=site, by=staff_user, day=dt.date(2026, 7, 1), hour=0, **major)
    check = incident_gate(site=site, until=UNTIL)
    assert check.failing == [on_first, on_last]
    assert incident_gate(site=site, until=dt.date(2029, 7, 2)).passed


def test_a_major_incident_at_another_site_does_not_fail_this_one(grades, site, staff_user):
    other = SiteFactory(code="SH-01", name="Shanghai")
    record(site=other, by=staff_user, kind=K.SAFETY_ACCIDENT, grade=grades["ps_major"])
    assert incident_gate(site=site, until=UNTIL).passed
    assert not incident_gate(site=other, until=UNTIL).passed


def test_the_window_from_29_february(grades, site, staff_user):
    record(
        site=site, by=staff_user, kind=K.SAFETY_ACCIDENT, day=dt.date(2021, 2, 28), grade=grades["ps_larger"]
    )
    assert not incident_gate(site=site, until=dt.date(2024, 2, 29)).passed
    assert incident_gate(site=site, until=dt.date(2024, 2, 29), years=2).passed
