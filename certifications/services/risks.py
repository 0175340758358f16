"""Keeping the risks and opportunities register: entries rated on the matrix (data), and their
actions with the evaluation of their effectiveness. Every change is in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError
from greenfactory.sites.models import Site

from ..models import Effectiveness, RiskAction, RiskKind, RiskOpportunity, RiskSource, RiskStatus, Standard
from ..models.risks import risk_matrix
from ..parsers.registers import (
    LIST_SEPARATORS,
    CellInvalid,
    Column,
    Lookups,
    choice,
    date,
    entry_columns,
    integer,
    notes_column,
    text,
)
from ._common import UNSET, Unset, history_by, link_given, locked_for_change
from .register_import import RegisterTable

_FIELDS = (
    "reference",
    "title",
    "title_zh",
    "kind",
    "source",
    "context",
    "description",
    "likelihood",
    "consequence",
    "status",
    "review_on",
    "owner",
    "notes",
)


def _rate(entry: RiskOpportunity) -> None:
    """Score and band from the matrix; a level off the scale is refused naming its field."""
    matrix = risk_matrix()
    for name, scale in (("likelihood", matrix.likelihood), ("consequence", matrix.consequence)):
        levels = [x.level for x in scale]
        if getattr(entry, name) not in levels:
            raise DomainError(
                _("Choose a level from %(low)s to %(high)s.") % {"low": min(levels), "high": max(levels)},
                field=name,
            )
    entry.score = matrix.score(likelihood=entry.likelihood, consequence=entry.consequence)
    entry.band = matrix.band_of(entry.score).code


def _save(entry: RiskOpportunity, by: User) -> None:
    entry.reference = entry.reference.strip()
    entry.title = entry.title.strip()
    if not entry.reference:
        raise DomainError(_("Give the entry a reference."), field="reference")
    if not entry.title:
        raise DomainError(_("Give the entry a title."), field="title")
    clash = RiskOpportunity.objects.filter(reference=entry.reference).exclude(pk=entry.pk)
    if clash.exists():
        raise DomainError(_("Another entry has this reference."), field="reference")
    _rate(entry)
    history_by(entry, by)
    entry.full_clean(validate_unique=False)
    entry.save()


def _links(
    entry: RiskOpportunity, *, standards: Any, sites: Any, clauses: Any = UNSET, evidence: Any = UNSET
) -> None:
    link_given(entry, standards=standards, sites=sites, clauses=clauses, evidence=evidence)


@transaction.atomic
def risk_create(
    *,
    by: User,
    reference: str,
    title: str,
    kind: str,
    source: str,
    likelihood: int,
    consequence: int,
    owner: User,
    title_zh: str = "",
    context: str = "",
    description: str = "",
    status: str = "open",
    review_on: dt.date | None = None,
    notes: str = "",
    standards: Iterable[Standard] = (),
    sites: Iterable[Site] = (),
    clauses: Iterable[Any] = (),
    evidence: Iterable[Any] = (),
) -> RiskOpportunity:
    """Record a risk or an opportunity, rated on the matrix."""
    entry = RiskOpportunity(
        reference=reference,
        title=title,
        title_zh=title_zh.strip(),
        kind=kind,
        source=source,
        context=context,
        description=description,
        likelihood=likelihood,
        consequence=consequence,
        owner=owner,
        status=status,
        review_on=review_on,
        notes=notes,
    )
    _save(entry, by)
    _links(entry, standards=standards, sites=sites, clauses=clauses, evidence=evidence)
    return entry


@transaction.atomic
def risk_update(
    *,
    entry: RiskOpportunity,
    by: User,
    version: int | None,
    standards: Iterable[Standard] | Unset = UNSET,
    sites: Iterable[Site] | Unset = UNSET,
    clauses: Iterable[Any] | Unset = UNSET,
    evidence: Iterable[Any] | Unset = UNSET,
    **changes: Any,
) -> RiskOpportunity:
    """Change an entry made from ``version``; if someone saved it since, nothing is saved."""
    entry = locked_for_change(
        entry,
        version=version,
        changes=changes,
        allowed=_FIELDS,
        message=_("The entry changed since you opened it; nothing was saved. Reload it and try again."),
    )
    _save(entry, by)
    _links(entry, standards=standards, sites=sites, clauses=clauses, evidence=evidence)
    return entry


def _check_action(action: RiskAction) -> None:
    if not action.action.strip():
        raise DomainError(_("Say what the action is."), field="action")
    if action.evaluated_on and action.effectiveness == Effectiveness.NOT_EVALUATED:
        raise DomainError(_("Say how effective the action was."), field="effectiveness")
    if action.effectiveness != Effectiveness.NOT_EVALUATED:
        if action.done_on is None:
            raise DomainError(_("An action is evaluated once it is done."), field="effectiveness")
        if action.evaluated_on is None:
            raise DomainError(_("Give the date of the evaluation."), field="evaluated_on")
        if action.evaluated_on < action.done_on:
            raise DomainError(
                _("The evaluation cannot come before the action was done."), field="evaluated_on"
            )


@transaction.atomic
def risk_action_add(
    *,
    entry: RiskOpportunity,
    by: User,
    action: str,
    owner: User,
    due_on: dt.date | None = None,
    done_on: dt.date | None = None,
    effectiveness: str = Effectiveness.NOT_EVALUATED,
    evaluated_on: dt.date | None = None,
    notes: str = "",
) -> RiskAction:
    row = RiskAction(
        entry=entry,
        action=action.strip(),
        owner=owner,
        due_on=due_on,
        done_on=done_on,
        effectiveness=effectiveness,
        evaluated_on=evaluated_on,
        notes=notes,
    )
    _check_action(row)
    history_by(row, by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def risk_action_update(*, row: RiskAction, by: User, **changes: Any) -> RiskAction:
    """Record that an action is done, or how effective it proved."""
    allowed = {"action", "owner", "due_on", "done_on", "effectiveness", "evaluated_on", "notes"}
    if set(changes) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(changes) - allowed)}")
    row = RiskAction.objects.select_for_update().get(pk=row.pk)
    for name, value in changes.items():
        if value is not UNSET:
            setattr(row, name, value)
    _check_action(row)
    history_by(row, by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def risk_action_delete(*, row: RiskAction, by: User) -> None:
    history_by(row, by)
    row.delete()


# --- spreadsheet import and export ------------------------------------------------------------------


def standards_cell(value: object, lookups: Lookups) -> list[Standard]:
    """Standards by code ("ISO 9001; ISO 14001"): the current edition of each."""
    names = [n for n in LIST_SEPARATORS.split(str(value or "").strip()) if n]
    found = []
    for name in names:
        standard = Standard.objects.filter(code__iexact=name).order_by("-edition").first()
        if standard is None:
            raise CellInvalid(_("No standard has the code %(code)s.") % {"code": name})
        found.append(standard)
    return found


def standards_write(entry: Any) -> str:
    return "; ".join(s.code for s in entry.standards.all())


def _ignored(value: object, lookups: Lookups) -> None:
    """A column the export writes for people and the import reads past (worked out, not kept)."""
    return None


def _risk_columns() -> tuple[Column, ...]:
    return (
        *entry_columns(),
        Column("kind", gettext_lazy("Kind"), choice(RiskKind.choices), lambda e: e.kind, required=True),
        Column("standards", gettext_lazy("Standards"), standards_cell, standards_write),
        Column(
            "source", gettext_lazy("Source"), choice(RiskSource.choices), lambda e: e.source, required=True
        ),
        Column("context", gettext_lazy("Issue or need"), text(), lambda e: e.context),
        Column("description", gettext_lazy("Description"), text(), lambda e: e.description),
        Column(
            "likelihood", gettext_lazy("Likelihood"), integer(1, 100), lambda e: e.likelihood, required=True
        ),
        Column(
            "consequence",
            gettext_lazy("Consequence"),
            integer(1, 100),
            lambda e: e.consequence,
            required=True,
        ),
        Column("score", gettext_lazy("Score"), _ignored, lambda e: e.score),
        Column("rating", gettext_lazy("Rating"), _ignored, lambda e: e.band_label),
        Column("status", gettext_lazy("Status"), choice(RiskStatus.choices), lambda e: e.status),
        Column("review_on", gettext_lazy("Next review"), date, lambda e: e.review_on),
        notes_column(),
    )


def _risk_line_save(*, values: dict[str, Any], existing: RiskOpportunity | None, by: User) -> RiskOpportunity:
    values = {k: v for k, v in values.items() if k not in ("score", "rating")}
    if not values.get("status"):
        values.pop("status", None)
    links = {name: values.pop(name) for name in ("sites", "clauses", "standards") if name in values}
    if existing is None:
        return risk_create(by=by, **values, **links)
    return risk_update(entry=existing, by=by, version=None, **values, **links)


def risk_table() -> RegisterTable:
    return RegisterTable(
        model=RiskOpportunity,
        columns=_risk_columns(),
        save=_risk_line_save,
        filename="risks-opportunities",
        sheet=gettext_lazy("Risks and opportunities"),
    )
