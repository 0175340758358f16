"""Reads of the incidents register, the grade the figures suggest, and the green-factory gate's
"no major accident or environmental incident in the last years" check."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from greenfactory.sites.models import Site

from ..models.incidents import Incident, IncidentGrade


@dataclass
class GateCheck:
    """The verdict of one gate: whether it passed, why, and the incidents that fail it."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    failing: list[Incident] = field(default_factory=list)


def incidents_for_list() -> QuerySet[Incident]:
    return Incident.objects.select_related("site", "grade", "owner", "investigated_by")


def incident_grade_suggest(
    *,
    kind: str,
    deaths: int,
    serious_injuries: int,
    direct_loss_cny: Decimal,
    grades: list[IncidentGrade] | None = None,
) -> IncidentGrade | None:
    """The highest grade of the kind's scheme any of the figures reaches, or None for a kind no
    national scheme grades (near miss, quality escape). ``grades`` saves the query when given."""
    if grades is None:
        grades = list(IncidentGrade.objects.all())
    loss = Decimal(direct_loss_cny or 0)
    candidates = sorted((g for g in grades if kind in g.kind_list), key=lambda g: g.rank, reverse=True)
    for grade in candidates:
        if (
            deaths >= grade.min_deaths
            or serious_injuries >= grade.min_serious_injuries
            or loss >= grade.min_direct_loss_cny
        ):
            return grade
    return None


def incident_effective_grade(
    incident: Incident, grades: list[IncidentGrade] | None = None
) -> IncidentGrade | None:
    """The recorded grade, or the one the figures suggest when none is recorded."""
    if incident.grade is not None:
        return incident.grade
    return incident_grade_suggest(
        kind=incident.kind,
        deaths=incident.deaths,
        serious_injuries=incident.serious_injuries,
        direct_loss_cny=incident.direct_loss_cny,
        grades=grades,
    )


def gate_window(*, until: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of the ``years`` up to ``until``."""
    try:
        start = until.replace(year=until.year - years)
    except ValueError:  # 29 February in a year without one
        start = until.replace(year=until.year - years, day=28)
    return start, until


def incident_gate(*, site: Site, until: dt.date, years: int = 3) -> GateCheck:
    """Whether the site had no incident graded major for the green-factory veto (the grade's
    ``counts_as_major``, from data) in the ``years`` up to ``until`` (the window's first and last
    days included, in the site's time zone). An incident without a recorded grade counts by the
    grade its figures suggest. ``failing`` names every incident that fails the gate."""
    start, end = gate_window(until=until, years=years)
    zone = zoneinfo.ZoneInfo(site.time_zone)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    before = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    grades = list(IncidentGrade.objects.all())
    incidents = (
        Incident.objects.filter(site=site, occurred_at__gte=since, occurred_at__lt=before)
        .select_related("grade")
        .order_by("occurred_at", "reference")
    )
    failing: list[Incident] = []
    reasons: list[str] = []
    for incident in incidents:
        grade = incident_effective_grade(incident, grades)
        if grade is None or not grade.counts_as_major:
            continue
        failing.append(incident)
        how = _("recorded") if incident.grade_id else _("suggested by its figures")
        reasons.append(
            _("%(ref)s on %(day)s is graded %(grade)s (%(how)s), which counts as major.")
            % {
                "ref": incident.reference,
                "day": incident.occurred_at.astimezone(zone).date().isoformat(),
                "grade": grade.local_name,
                "how": how,
            }
        )
    if not failing:
        reasons.append(
            _("No incident graded major at %(site)s from %(start)s to %(end)s.")
            % {"site": site.name, "start": start.isoformat(), "end": end.isoformat()}
        )
    return GateCheck(passed=not failing, reasons=reasons, failing=failing)
