"""The incidents register as a spreadsheet: its columns for the generic register import and export
(``services.register_import``). A line's ``site`` holds exactly one site code; ``occurred_on`` is the
day (recorded at noon in the site's time zone, the hour rarely being in plant spreadsheets); ``grade``
is a grade code of incident-grades.yaml or its English or Chinese name."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError

from ..models.incidents import Incident, IncidentGrade, IncidentKind
from ..parsers import registers as cells
from ..parsers.registers import Column, entry_columns, notes_column
from . import incidents as services
from .register_import import RegisterTable


def _grade_of(name: str) -> IncidentGrade | None:
    if not name:
        return None
    wanted = name.strip().lower()
    for grade in IncidentGrade.objects.all():
        if wanted in {grade.code.lower(), grade.name.lower(), grade.name_zh.lower()}:
            return grade
    raise DomainError(_("No incident grade is called %(name)s.") % {"name": name}, field="grade")


def _save(*, values: dict[str, Any], existing: Incident | None, by: User) -> Incident:
    sites = values.pop("sites", None)
    if sites is not None:
        if len(sites) != 1:
            raise DomainError(_("Give exactly one site code."), field="sites")
        values["site"] = sites[0]
    if "grade" in values:
        values["grade"] = _grade_of(values["grade"])
    day = values.pop("occurred_on", None)
    if day is not None:
        site = values.get("site") or (existing.site if existing else None)
        zone = zoneinfo.ZoneInfo(site.time_zone if site else timezone.get_current_timezone_name())
        values["occurred_at"] = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    if values.get("owner") is None:
        values.pop("owner", None)
    if existing is not None:
        return services.incident_update(incident=existing, by=by, version=None, **values)
    for name in ("site", "occurred_at", "kind"):
        if not values.get(name):
            raise DomainError(
                _("This field is required."), field=name if name != "occurred_at" else "occurred_on"
            )
    return services.incident_create(by=by, **values)


def _local_date(incident: Incident) -> dt.date:
    return timezone.localtime(incident.occurred_at, zoneinfo.ZoneInfo(incident.site.time_zone)).date()


INCIDENT_TABLE = RegisterTable(
    model=Incident,
    columns=(
        *entry_columns(),
        Column(
            "kind", gettext_lazy("Kind"), cells.choice(IncidentKind.choices), lambda e: e.kind, required=True
        ),
        Column("occurred_on", gettext_lazy("Occurred on"), cells.date, _local_date, required=True),
        Column("grade", gettext_lazy("Grade"), cells.text(200), lambda e: e.grade.code if e.grade else ""),
        Column("deaths", gettext_lazy("Deaths"), cells.integer(0, 100000), lambda e: e.deaths),
        Column(
            "serious_injuries",
            gettext_lazy("Serious injuries"),
            cells.integer(0, 100000),
            lambda e: e.serious_injuries,
        ),
        Column(
            "minor_injuries",
            gettext_lazy("Minor injuries"),
            cells.integer(0, 100000),
            lambda e: e.minor_injuries,
        ),
        Column(
            "direct_loss_cny",
            gettext_lazy("Direct loss (CNY)"),
            cells.decimal(14, 2),
            lambda e: e.direct_loss_cny,
        ),
        Column("description", gettext_lazy("Description"), cells.text(), lambda e: e.description),
        Column("root_cause", gettext_lazy("Root cause"), cells.text(), lambda e: e.root_cause),
        notes_column(),
    ),  # fmt: skip
    save=_save,
    filename="incidents",
    sheet=gettext_lazy("Incidents"),
)
