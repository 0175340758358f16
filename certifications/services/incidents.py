"""Writes of the incidents register and loading of the national incident grades.

An incident goes reported -> under investigation -> closed (and may be reopened for investigation).
Its grade is the one recorded; when none is recorded the figures suggest one (see
``selectors.incidents.incident_grade_suggest``), and the green-factory gate uses that suggestion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.unset import UNSET, Unset
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import Clause, Evidence, Finding
from ..models.incidents import Incident, IncidentGrade, IncidentKind, IncidentStatus
from ._common import (
    apply_fields,
    check_reference,
    check_version,
    history_by,
    next_reference,
    read_data,
    set_links,
)

GRADES_FILE = "incident-grades.yaml"
S = IncidentStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REPORTED: frozenset({S.INVESTIGATING, S.CLOSED}),
    S.INVESTIGATING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.INVESTIGATING}),
}


@transaction.atomic
def incident_grades_load() -> int:
    """Create or update the grades from the shipped data file; returns how many grades it holds."""
    count = 0
    for scheme in read_data(GRADES_FILE)["schemes"]:
        for grade in scheme["grades"]:
            IncidentGrade.objects.update_or_create(
                code=grade["code"],
                defaults={
                    "scheme": scheme["code"],
                    "scheme_name": scheme["name"],
                    "scheme_name_zh": scheme.get("name_zh", ""),
                    "kinds": ",".join(scheme["kinds"]),
                    "name": grade["name"],
                    "name_zh": grade.get("name_zh", ""),
                    "rank": grade["rank"],
                    "counts_as_major": grade["counts_as_major"],
                    "min_deaths": grade["min_deaths"],
                    "min_serious_injuries": grade["min_serious_injuries"],
                    "min_direct_loss_cny": Decimal(str(grade["min_direct_loss_cny"])),
                    "criteria": grade["criteria"],
                    "criteria_zh": grade.get("criteria_zh", ""),
                },
            )
            count += 1
    return count


def _check(incident: Incident) -> None:
    if incident.kind not in IncidentKind.values:
        raise DomainError(_("Choose a valid kind of incident."), field="kind")
    if not date_is_plausible(incident.occurred_at):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="occurred_at")
    if incident.occurred_at > timezone.now():
        raise DomainError(_("An incident cannot occur in the future."), field="occurred_at")
    if incident.direct_loss_cny is not None and incident.direct_loss_cny < 0:
        raise DomainError(_("The direct loss cannot be negative."), field="direct_loss_cny")
    grade = incident.grade
    if grade is not None and incident.kind not in grade.kind_list:
        raise DomainError(
            _("The grade %(grade)s does not apply to this kind of incident.") % {"grade": grade.local_name},
            field="grade",
        )
    if incident.closed_on is not None:
        if not date_is_plausible(incident.closed_on):
            raise DomainError(str(DATE_OUT_OF_RANGE), field="closed_on")
        if incident.closed_on < timezone.localtime(incident.occurred_at).date():
            raise DomainError(_("An incident cannot close before it occurred."), field="closed_on")


@transaction.atomic
def incident_create(
    *,
    by: User,
    kind: str,
    occurred_at: dt.datetime,
    site: Site,
    title: str,
    owner: User | None = None,
    reference: str = "",
    title_zh: str = "",
    grade: IncidentGrade | None = None,
    description: str = "",
    deaths: int = 0,
    serious_injuries: int = 0,
    minor_injuries: int = 0,
    direct_loss_cny: Decimal = Decimal(0),
    notes: str = "",
    clauses: Iterable[Clause] = (),
    evidence: Iterable[Evidence] = (),
    findings: Iterable[Finding] = (),
) -> Incident:
    """Record an incident at one site. Without a reference it gets the next INC-<year>-NNN."""
    incident = Incident(owner=owner or by, site=site)
    apply_fields(
        incident,
        {
            "kind": kind,
            "occurred_at": occurred_at,
            "title": title,
            "title_zh": title_zh,
            "grade": grade,
            "description": description,
            "deaths": deaths,
            "serious_injuries": serious_injuries,
            "minor_injuries": minor_injuries,
            "direct_loss_cny": direct_loss_cny,
            "notes": notes,
        },
    )
    _check(incident)
    year = timezone.localtime(occurred_at).year
    incident.reference = (
        check_reference(Incident, reference, None) if reference else next_reference(Incident, "INC", year)
    )
    history_by(incident, by)
    incident.save()
    set_links(incident, {"sites": [site], "clauses": clauses, "evidence": evidence, "findings": findings})
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, by: User, version: int | None, **changes: Any) -> Incident:
    """Change an incident's fields (any of incident_create's, plus investigation, root_cause,
    investigated_by and closed_on); fields left out stay. ``version`` is the one the change was made
    on: a newer stored version refuses it (EditConflict) and nothing changes."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("grade").get(pk=incident.pk)
    check_version(incident, version)
    allowed = {
        "kind", "occurred_at", "site", "title", "title_zh", "grade", "description", "deaths",
        "serious_injuries", "minor_injuries", "direct_loss_cny", "notes", "owner", "investigation",
        "root_cause", "investigated_by", "closed_on", "reference",
    }  # fmt: skip
    links: dict[str, Any] = {
        name: changes.pop(name) for name in ("clauses", "evidence", "findings") if name in changes
    }
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    reference = changes.pop("reference", UNSET)
    apply_fields(incident, changes)
    if reference is not UNSET:
        incident.reference = check_reference(Incident, reference, incident.pk)
    _check(incident)
    incident.version += 1
    history_by(incident, by)
    incident.save()
    set_links(incident, {"sites": [incident.site], **links})
    return incident


@transaction.atomic
def incident_transition(
    *, incident: Incident, status: str, by: User, closed_on: dt.date | None | Unset = UNSET
) -> Incident:
    """Move the incident on. Closing needs the investigation and its root cause."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if status not in TRANSITIONS.get(incident.status, frozenset()):
        raise TransitionNotAllowed(
            _("An incident cannot go from %(old)s to %(new)s.")
            % {"old": incident.get_status_display(), "new": status}
        )
    if status == S.CLOSED:
        if not incident.investigation.strip() or not incident.root_cause.strip():
            raise DomainError(
                _("Record the investigation and its root cause before closing the incident."),
                field="root_cause",
            )
        incident.closed_on = closed_on if closed_on is not UNSET else timezone.localdate()
        if incident.closed_on is None:
            raise DomainError(_("Give the day the incident closed."), field="closed_on")
    else:
        incident.closed_on = None
    incident.status = status
    _check(incident)
    incident.version += 1
    history_by(incident, by)
    incident.save()
    return incident
