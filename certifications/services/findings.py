"""Writes of findings; their corrective actions (CAPA) are in ``capa``.

A corrective action moves open -> containment done -> root cause analysed -> action plan proposed
-> plan accepted -> implemented -> effectiveness verified -> closed. A rejected plan goes back to
the analysis and a failed verification back to the action plan, each with its reason. Every change
of state goes through ``_advance``, which checks the table below and writes the step log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.unset import UNSET, Unset
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible

from ..models import (
    Audit,
    AuditStatus,
    ChecklistItem,
    ChecklistResult,
    Clause,
    CorrectiveAction,
    Evidence,
    Finding,
    FindingClass,
    FindingStatus,
)
from ..models.findings import MAJOR_DEADLINE_DAYS, NONCONFORMITIES
from ._common import history_by

# Days from raising a nonconformity to each step's default due date (capped at the finding's).
DEFAULT_STEP_DAYS = {
    "containment_due_on": 7,
    "analysis_due_on": 21,
    "plan_due_on": 30,
}
# Days to close a finding, by class, when no due date is given.
DEFAULT_DUE_DAYS = {
    FindingClass.MAJOR: MAJOR_DEADLINE_DAYS,
    FindingClass.MINOR: 60,
    FindingClass.OBSERVATION: 90,
    FindingClass.IMPROVEMENT: 90,
}
# The checklist result a finding of each class records on the item it was raised from.
ITEM_RESULT = {
    FindingClass.MAJOR: ChecklistResult.NONCONFORMITY,
    FindingClass.MINOR: ChecklistResult.NONCONFORMITY,
    FindingClass.OBSERVATION: ChecklistResult.OBSERVATION,
    FindingClass.IMPROVEMENT: ChecklistResult.IMPROVEMENT,
}


def _check_date(name: str, day: dt.date | None) -> None:
    if day is not None and not date_is_plausible(day):
        raise DomainError(str(DATE_OUT_OF_RANGE), field=name)


@transaction.atomic
def finding_raise(
    *,
    audit: Audit,
    finding_class: str,
    statement: str,
    owner: User,
    by: User,
    clauses: Iterable[Clause] = (),
    checklist_item: ChecklistItem | None = None,
    objective_evidence: str = "",
    requirement: str = "",
    evidence: Iterable[Evidence] = (),
    due_on: dt.date | None = None,
    body_deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> Finding:
    """Raise a finding in an audit under way. From a checklist item, its clauses are the item's unless
    given, and an item not yet assessed records the matching result. A nonconformity gets its
    corrective action at once; a major one raised in a certification audit carries the body's
    deadline (90 days unless given)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    today = today or timezone.localdate()
    if audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING):
        raise TransitionNotAllowed(_("Findings are raised while the audit is in progress or reporting."))
    if audit.report_signed_at is not None:
        raise TransitionNotAllowed(_("The report is signed off; no more findings can be raised."))
    if finding_class not in FindingClass.values:
        raise DomainError(_("Choose a valid class."), field="finding_class")
    if not statement.strip():
        raise DomainError(_("State the finding."), field="statement")
    if checklist_item is not None and checklist_item.audit_id != audit.pk:
        raise DomainError(_("The checklist item belongs to another audit."), field="checklist_item")
    clauses = list(clauses)
    if not clauses and checklist_item is not None:
        clauses = list(checklist_item.clauses.all())
    if not clauses:
        raise DomainError(_("Name the clause or clauses the finding is against."), field="clauses")
    standards = set(audit.standards.values_list("pk", flat=True))
    if any(c.standard_id not in standards for c in clauses):
        raise DomainError(_("A clause of the finding is not in a standard of this audit."), field="clauses")
    if finding_class == FindingClass.MAJOR and audit.is_external and body_deadline is None:
        body_deadline = today + dt.timedelta(days=MAJOR_DEADLINE_DAYS)
    if due_on is None:
        due_on = today + dt.timedelta(days=DEFAULT_DUE_DAYS[FindingClass(finding_class)])
        if body_deadline is not None:
            due_on = min(due_on, body_deadline)
    _check_date("due_on", due_on)
    _check_date("body_deadline", body_deadline)
    if due_on < today:
        raise DomainError(_("The due date cannot be in the past."), field="due_on")
    finding = Finding(
        audit=audit,
        checklist_item=checklist_item,
        reference=f"{audit.reference}-F{audit.findings.count() + 1:02d}",
        finding_class=finding_class,
        statement=statement.strip(),
        objective_evidence=objective_evidence.strip(),
        requirement=requirement.strip(),
        owner=owner,
        due_on=due_on,
        body_deadline=body_deadline,
        raised_by=by,
        raised_on=today,
    )
    history_by(finding, by)
    finding.save()
    finding.clauses.set(clauses)
    finding.evidence.set(list(evidence))
    if checklist_item is not None:
        # Read and bumped in the database: an item someone assessed meanwhile keeps their result.
        ChecklistItem.objects.filter(pk=checklist_item.pk, result=ChecklistResult.OPEN).update(
            result=ITEM_RESULT[FindingClass(finding_class)],
            version=F("version") + 1,
            updated_by=by,
            updated_at=timezone.now(),
            copied=False,
        )
    if finding_class in NONCONFORMITIES:
        _capa_create(finding=finding, by=by)
    return finding


@transaction.atomic
def finding_raise_outside_audit(
    *,
    reference: str,
    finding_class: str,
    statement: str,
    owner: User,
    by: User,
    due_on: dt.date,
    raised_on: dt.date,
    clauses: Iterable[Clause] = (),
    requirement: str = "",
    evidence: Iterable[Evidence] = (),
) -> Finding:
    """Raise a finding that no audit made (an evaluation of compliance that failed, for one): the
    caller gives its reference. A nonconformity gets its corrective action at once, as in an audit."""
    if finding_class not in FindingClass.values:
        raise DomainError(_("Choose a valid class."), field="finding_class")
    if not statement.strip():
        raise DomainError(_("State the finding."), field="statement")
    _check_date("due_on", due_on)
    if due_on < raised_on:
        raise DomainError(_("The due date cannot be in the past."), field="due_on")
    finding = Finding(
        reference=reference,
        finding_class=finding_class,
        statement=statement.strip(),
        requirement=requirement.strip()[:300],
        owner=owner,
        due_on=due_on,
        raised_by=by,
        raised_on=raised_on,
    )
    history_by(finding, by)
    finding.save()
    finding.clauses.set(list(clauses))
    finding.evidence.set(list(evidence))
    if finding_class in NONCONFORMITIES:
        _capa_create(finding=finding, by=by)
    return finding


def _capa_create(*, finding: Finding, by: User) -> CorrectiveAction:
    due = {
        name: min(finding.raised_on + dt.timedelta(days=days), finding.due_on)
        for name, days in DEFAULT_STEP_DAYS.items()
    }
    capa = CorrectiveAction(
        finding=finding,
        owner=finding.owner,
        implementation_due_on=finding.due_on,
        verification_due_on=finding.due_on,
        **due,
    )
    history_by(capa, by)
    capa.save()
    return capa


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    by: User,
    statement: str | Unset = UNSET,
    objective_evidence: str | Unset = UNSET,
    requirement: str | Unset = UNSET,
    owner: User | Unset = UNSET,
    due_on: dt.date | Unset = UNSET,
    body_deadline: dt.date | None | Unset = UNSET,
    clauses: Iterable[Clause] | Unset = UNSET,
) -> Finding:
    """Correct a finding while it is open (its class is fixed: raise another one instead)."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("audit").get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise TransitionNotAllowed(_("A closed finding can no longer change."))
    for name, value in (
        ("statement", statement),
        ("objective_evidence", objective_evidence),
        ("requirement", requirement),
    ):
        if value is not UNSET:
            setattr(finding, name, value.strip())
    if not finding.statement:
        raise DomainError(_("State the finding."), field="statement")
    if owner is not UNSET:
        finding.owner = owner
    if due_on is not UNSET:
        _check_date("due_on", due_on)
        finding.due_on = due_on
    if body_deadline is not UNSET:
        _check_date("body_deadline", body_deadline)
        finding.body_deadline = body_deadline
    history_by(finding, by)
    finding.save()
    if clauses is not UNSET:
        clauses = list(clauses)
        if not clauses:
            raise DomainError(_("Name the clause or clauses the finding is against."), field="clauses")
        # A finding from outside an audit may name any clause.
        standards = set(finding.audit.standards.values_list("pk", flat=True)) if finding.audit else None
        if standards is not None and any(c.standard_id not in standards for c in clauses):
            raise DomainError(
                _("A clause of the finding is not in a standard of this audit."), field="clauses"
            )
        finding.clauses.set(clauses)
    return finding


@transaction.atomic
def finding_close(*, finding: Finding, note: str, by: User) -> Finding:
    """Close an observation or opportunity for improvement once considered. A nonconformity closes
    with its corrective action."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise TransitionNotAllowed(_("The finding is already closed."))
    if finding.is_nonconformity:
        raise TransitionNotAllowed(_("A nonconformity closes when its corrective action is closed."))
    if not note.strip():
        raise DomainError(_("Say how the finding was considered."), field="note")
    finding.status = FindingStatus.CLOSED
    finding.closed_at = timezone.now()
    finding.closure_note = note.strip()
    history_by(finding, by)
    finding.save()
    return finding
