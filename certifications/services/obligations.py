"""Writes of compliance obligations and their evaluations of compliance.

A failed evaluation raises a finding outside any audit (reference ``EVAL-<obligation>-<n>``, a minor
nonconformity unless told otherwise) whose corrective action runs through the CAPA workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import AlreadyExists, DomainError
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site

from ..models import (
    Clause,
    ComplianceEvaluation,
    EvaluationResult,
    Evidence,
    FindingClass,
    Obligation,
    ObligationSource,
    Permit,
)
from ._common import check_version, history_by
from .findings import finding_raise_outside_audit

# Fields an obligation is created and edited with (besides its links).
OBLIGATION_FIELDS = (
    "reference",
    "title",
    "title_zh",
    "source_type",
    "issuer",
    "article",
    "effective_on",
    "repealed_on",
    "processes",
    "review_months",
    "superseded_by",
    "permit",
    "owner",
    "notes",
)


def _check(ob: Obligation) -> None:
    if not ob.reference.strip():
        raise DomainError(_("Give the obligation a reference."), field="reference")
    if not ob.title.strip():
        raise DomainError(_("Give the obligation a title."), field="title")
    if ob.source_type not in ObligationSource.values:
        raise DomainError(_("Choose a valid source."), field="source_type")
    for name in ("effective_on", "repealed_on"):
        day = getattr(ob, name)
        if day is not None and not date_is_plausible(day):
            raise DomainError(str(DATE_OUT_OF_RANGE), field=name)
    if ob.effective_on and ob.repealed_on and ob.repealed_on < ob.effective_on:
        raise DomainError(_("The repeal date cannot be before the effective date."), field="repealed_on")
    if not ob.review_months or ob.review_months < 1 or ob.review_months > 120:
        raise DomainError(_("The review frequency is 1 to 120 months."), field="review_months")
    if ob.superseded_by_id is not None and ob.superseded_by_id == ob.pk:
        raise DomainError(_("An obligation cannot supersede itself."), field="superseded_by")
    if ob.permit_id is not None and ob.source_type != ObligationSource.PERMIT_CONDITION:
        raise DomainError(_("Only a permit condition belongs to a permit."), field="permit")
    if ob.source_type == ObligationSource.PERMIT_CONDITION and ob.permit_id is None:
        raise DomainError(_("Name the permit this condition belongs to."), field="permit")
    clash = Obligation.objects.filter(reference=ob.reference).exclude(pk=ob.pk)
    if clash.exists():
        raise AlreadyExists(_("Another obligation has this reference."), field="reference")


def _set_links(ob: Obligation, links: dict[str, Any]) -> None:
    for name in ("sites", "clauses", "evidence"):
        if links.get(name) is not None:
            getattr(ob, name).set(list(links[name]))


@transaction.atomic
def obligation_create(
    *,
    by: User,
    reference: str,
    title: str,
    source_type: str,
    owner: User,
    title_zh: str = "",
    issuer: str = "",
    article: str = "",
    effective_on: dt.date | None = None,
    repealed_on: dt.date | None = None,
    processes: str = "",
    review_months: int = 12,
    superseded_by: Obligation | None = None,
    permit: Permit | None = None,
    notes: str = "",
    sites: Iterable[Site] | None = None,
    clauses: Iterable[Clause] | None = None,
    evidence: Iterable[Evidence] | None = None,
) -> Obligation:
    """Record an obligation. A permit condition names its permit."""
    ob = Obligation(
        reference=reference.strip(),
        title=title.strip(),
        title_zh=title_zh.strip(),
        source_type=source_type,
        issuer=issuer.strip(),
        article=article.strip(),
        effective_on=effective_on,
        repealed_on=repealed_on,
        processes=processes.strip(),
        review_months=review_months,
        superseded_by=superseded_by,
        permit=permit,
        owner=owner,
        notes=notes.strip(),
    )
    _check(ob)
    history_by(ob, by)
    ob.save()
    _set_links(ob, {"sites": sites, "clauses": clauses, "evidence": evidence})
    return ob


@transaction.atomic
def obligation_update(
    *,
    obligation: Obligation,
    by: User,
    version: int | None = None,
    sites: Iterable[Site] | None = None,
    clauses: Iterable[Clause] | None = None,
    evidence: Iterable[Evidence] | None = None,
    **values: Any,
) -> Obligation:
    """Change an obligation from the version the editor saw; an older version changes nothing
    (EditConflict). ``values`` are fields of OBLIGATION_FIELDS; those left out stay."""
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    check_version(
        ob,
        version,
        _("The obligation changed since you opened it; nothing was saved. Reload it and try again."),
    )
    for name, value in values.items():
        if name not in OBLIGATION_FIELDS:
            raise TypeError(name)
        setattr(ob, name, value.strip() if isinstance(value, str) else value)
    if ob.superseded_by_id is not None and _supersession_loops(ob):
        raise DomainError(_("The successor chain would come back to this obligation."), field="superseded_by")
    _check(ob)
    ob.version += 1
    history_by(ob, by)
    ob.save()
    _set_links(ob, {"sites": sites, "clauses": clauses, "evidence": evidence})
    return ob


def _supersession_loops(ob: Obligation) -> bool:
    seen = {ob.pk}
    current = ob.superseded_by_id
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = Obligation.objects.filter(pk=current).values_list("superseded_by_id", flat=True).first()
    return False


@transaction.atomic
def evaluation_record(
    *,
    obligation: Obligation,
    by: User,
    evaluated_on: dt.date,
    result: str,
    notes: str = "",
    evidence: Iterable[Evidence] = (),
    finding_statement: str = "",
    finding_owner: User | None = None,
    finding_due_on: dt.date | None = None,
    finding_class: str = FindingClass.MINOR,
    today: dt.date | None = None,
) -> ComplianceEvaluation:
    """Record an evaluation of compliance. When not compliant, a finding is raised with the owner and
    due date given (both required) and the notes as its statement unless one is given."""
    today = today or timezone.localdate()
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if result not in EvaluationResult.values:
        raise DomainError(_("Choose a valid result."), field="result")
    if not date_is_plausible(evaluated_on):
        raise DomainError(str(DATE_OUT_OF_RANGE), field="evaluated_on")
    if evaluated_on > today:
        raise DomainError(_("An evaluation cannot be dated in the future."), field="evaluated_on")
    evaluation = ComplianceEvaluation(
        obligation=obligation, evaluated_on=evaluated_on, result=result, evaluated_by=by, notes=notes.strip()
    )
    if result == EvaluationResult.NOT_COMPLIANT:
        evaluation.finding = _raise_finding(
            obligation=obligation,
            by=by,
            statement=finding_statement.strip() or notes.strip(),
            owner=finding_owner,
            due_on=finding_due_on,
            finding_class=finding_class,
            today=today,
        )
    history_by(evaluation, by)
    evaluation.save()
    evaluation.evidence.set(list(evidence))
    return evaluation


def _raise_finding(
    *,
    obligation: Obligation,
    by: User,
    statement: str,
    owner: User | None,
    due_on: dt.date | None,
    finding_class: str,
    today: dt.date,
) -> Any:
    if not statement:
        raise DomainError(_("Say what is not compliant."), field="finding_statement")
    if owner is None:
        raise DomainError(_("Name who owns the corrective action."), field="finding_owner")
    if due_on is None:
        raise DomainError(_("Give the finding a due date."), field="finding_due_on")
    n = obligation.evaluations.exclude(finding=None).count() + 1
    finding = finding_raise_outside_audit(
        reference=f"EVAL-{obligation.reference[:28]}-{n}",
        finding_class=finding_class,
        statement=statement,
        owner=owner,
        by=by,
        due_on=due_on,
        raised_on=today,
        clauses=obligation.clauses.all(),
        requirement=f"{obligation.title_zh or obligation.title} {obligation.article}".strip(),
    )
    obligation.findings.add(finding)
    return finding


def _import_save(*, values: dict[str, Any], existing: Obligation | None, by: User) -> Obligation:
    """One spreadsheet line: a new obligation, or a change of the one with its reference."""
    links = {name: values.pop(name) for name in ("sites", "clauses") if name in values}
    if values.get("review_months") is None:
        values.pop("review_months", None)
    for name in ("effective_on", "repealed_on"):
        if name in values and values[name] is None and existing is None:
            values.pop(name)
    if existing is None:
        return obligation_create(by=by, **values, **links)
    values.pop("reference", None)
    return obligation_update(obligation=existing, by=by, **values, **links)


def obligation_table() -> Any:
    """The obligations register's import table (``register_import.import_register``)."""
    from ..parsers.obligations import obligation_columns
    from .register_import import RegisterTable

    return RegisterTable(
        model=Obligation,
        columns=obligation_columns(),
        save=_import_save,
        filename="obligations",
        sheet=_("Obligations"),
    )
