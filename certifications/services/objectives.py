"""Keeping the objectives register: objectives with their measure and target, following a site KPI
or recorded by hand, and the progress entries of manual objectives. Every change is in the audit
trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site

from ..models import Direction, Follows, KpiFigure, Objective, ObjectiveProgress, ObjectiveStatus, Standard
from ..parsers.registers import (
    CellInvalid,
    Column,
    Lookups,
    choice,
    date,
    decimal,
    entry_columns,
    notes_column,
    sites,
    text,
)
from ._common import UNSET, Unset, history_by, link_given, locked_for_change
from .register_import import RegisterTable
from .risks import standards_cell, standards_write

# The fields people edit, in the order they read them.
OBJECTIVE_FIELDS = (
    "reference",
    "title",
    "title_zh",
    "measure",
    "baseline",
    "target",
    "unit",
    "direction",
    "starts_on",
    "due_on",
    "status",
    "follows",
    "kpi",
    "kpi_site",
    "owner",
    "notes",
)


def _check(objective: Objective) -> None:
    objective.reference = objective.reference.strip()
    objective.title = objective.title.strip()
    if not objective.reference:
        raise DomainError(_("Give the objective a reference."), field="reference")
    if not objective.title:
        raise DomainError(_("Say what the objective is."), field="title")
    if Objective.objects.filter(reference=objective.reference).exclude(pk=objective.pk).exists():
        raise DomainError(_("Another objective has this reference."), field="reference")
    if objective.due_on < objective.starts_on:
        raise DomainError(_("The due date cannot come before the period starts."), field="due_on")
    if objective.follows == Follows.KPI:
        if not objective.kpi:
            raise DomainError(_("Choose the KPI the objective follows."), field="kpi")
        if objective.kpi_site is None:
            raise DomainError(_("Choose the site whose KPI the objective follows."), field="kpi_site")
    else:
        objective.kpi, objective.kpi_site = "", None
    if objective.baseline is not None and objective.baseline != objective.target:
        wrong = (
            objective.target > objective.baseline
            if objective.direction == Direction.LOWER
            else objective.target < objective.baseline
        )
        if wrong:
            raise DomainError(
                _("With this direction the target must improve on the baseline."), field="target"
            )


def _save(objective: Objective, by: User) -> None:
    _check(objective)
    history_by(objective, by)
    objective.full_clean(validate_unique=False, validate_constraints=False)
    objective.save()


def _links(objective: Objective, **links: Any) -> None:
    link_given(objective, **links)


@transaction.atomic
def objective_create(
    *,
    by: User,
    reference: str,
    title: str,
    measure: str,
    target: Decimal,
    direction: str,
    starts_on: dt.date,
    due_on: dt.date,
    owner: User,
    title_zh: str = "",
    baseline: Decimal | None = None,
    unit: str = "",
    status: str = "active",
    follows: str = Follows.MANUAL,
    kpi: str = "",
    kpi_site: Site | None = None,
    notes: str = "",
    standards: Iterable[Standard] = (),
    sites: Iterable[Site] = (),
    clauses: Iterable[Any] = (),
    evidence: Iterable[Any] = (),
) -> Objective:
    """Record an objective; one following a KPI needs the figure and the site."""
    objective = Objective(
        reference=reference,
        title=title,
        title_zh=title_zh.strip(),
        measure=measure,
        baseline=baseline,
        target=target,
        unit=unit,
        direction=direction,
        starts_on=starts_on,
        due_on=due_on,
        owner=owner,
        status=status,
        follows=follows,
        kpi=kpi,
        kpi_site=kpi_site,
        notes=notes,
    )
    _save(objective, by)
    _links(objective, standards=standards, sites=sites, clauses=clauses, evidence=evidence)
    return objective


@transaction.atomic
def objective_update(
    *,
    objective: Objective,
    by: User,
    version: int | None,
    standards: Iterable[Standard] | Unset = UNSET,
    sites: Iterable[Site] | Unset = UNSET,
    clauses: Iterable[Any] | Unset = UNSET,
    evidence: Iterable[Any] | Unset = UNSET,
    **changes: Any,
) -> Objective:
    """Change an objective made from ``version``; if someone saved it since, nothing is saved."""
    objective = locked_for_change(
        objective,
        version=version,
        changes=changes,
        allowed=OBJECTIVE_FIELDS,
        message=_("The objective changed since you opened it; nothing was saved. Reload it and try again."),
    )
    _save(objective, by)
    _links(objective, standards=standards, sites=sites, clauses=clauses, evidence=evidence)
    return objective


@transaction.atomic
def progress_add(
    *, objective: Objective, by: User, recorded_on: dt.date, value: Decimal, note: str = ""
) -> ObjectiveProgress:
    """Record a value of the measure; an objective following a KPI takes its values from the KPI."""
    if objective.follows != Follows.MANUAL:
        raise DomainError(
            _("This objective follows a KPI; its progress is read from the KPI."), field="value"
        )
    if recorded_on < objective.starts_on:
        raise DomainError(_("The date lies before the objective's period."), field="recorded_on")
    row = ObjectiveProgress(
        objective=objective, recorded_on=recorded_on, value=value, note=note.strip(), recorded_by=by
    )
    history_by(row, by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def progress_delete(*, row: ObjectiveProgress, by: User) -> None:
    history_by(row, by)
    row.delete()


# --- spreadsheet import and export ------------------------------------------------------------------


def _site_cell(value: object, lookups: Lookups) -> Site | None:
    found = sites(value, lookups)
    if len(found) > 1:
        raise CellInvalid(_("One site only."))
    return found[0] if found else None


def _ignored(value: object, lookups: Lookups) -> None:
    """A column the export writes for people and the import reads past (worked out, not kept)."""
    return None


def _objective_columns() -> tuple[Column, ...]:
    current = lambda e, name: getattr(getattr(e, "current", None), name, None)  # noqa: E731
    return (
        *entry_columns(),
        Column("standards", gettext_lazy("Standards"), standards_cell, standards_write),
        Column("measure", gettext_lazy("Measure"), text(300), lambda e: e.measure, required=True),
        Column("baseline", gettext_lazy("Baseline"), decimal(), lambda e: e.baseline),
        Column("target", gettext_lazy("Target"), decimal(), lambda e: e.target, required=True),
        Column("unit", gettext_lazy("Unit"), text(30), lambda e: e.unit),
        Column(
            "direction",
            gettext_lazy("Direction"),
            choice(Direction.choices),
            lambda e: e.direction,
            required=True,
        ),
        Column("starts_on", gettext_lazy("Period start"), date, lambda e: e.starts_on, required=True),
        Column("due_on", gettext_lazy("Due"), date, lambda e: e.due_on, required=True),
        Column("status", gettext_lazy("Status"), choice(ObjectiveStatus.choices), lambda e: e.status),
        Column("follows", gettext_lazy("Follows"), choice(Follows.choices), lambda e: e.follows),
        Column("kpi", gettext_lazy("KPI"), choice(KpiFigure.choices), lambda e: e.kpi),
        Column(
            "kpi_site", gettext_lazy("KPI site"), _site_cell, lambda e: e.kpi_site.code if e.kpi_site else ""
        ),
        Column("current", gettext_lazy("Current value"), _ignored, lambda e: current(e, "value")),
        Column("progress", gettext_lazy("Progress (%)"), _ignored, lambda e: current(e, "percent")),
        notes_column(),
    )


def _objective_line_save(*, values: dict[str, Any], existing: Objective | None, by: User) -> Objective:
    values = {k: v for k, v in values.items() if k not in ("current", "progress")}
    for name in ("status", "follows"):
        if not values.get(name):
            values.pop(name, None)
    links = {name: values.pop(name) for name in ("sites", "clauses", "standards") if name in values}
    if existing is None:
        return objective_create(by=by, **values, **links)
    return objective_update(objective=existing, by=by, version=None, **values, **links)


def objective_table() -> RegisterTable:
    return RegisterTable(
        model=Objective,
        columns=_objective_columns(),
        save=_objective_line_save,
        filename="objectives",
        sheet=gettext_lazy("Objectives"),
    )
