"""Reads of compliance obligations: the register with each entry's last evaluation, the status
filters (the status is derived from dates and the successor link), and the evaluations due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import ComplianceEvaluation, Obligation, ObligationStatus


def obligation_list() -> QuerySet[Obligation]:
    """Every obligation with its links, its permit and the date of its latest evaluation."""
    return (
        Obligation.objects.select_related("owner", "superseded_by", "permit")
        .prefetch_related("sites")
        .annotate(last_evaluated_on=Max("evaluations__evaluated_on"))
        .order_by("reference")
    )


def obligation_status_q(status: str, today: dt.date) -> Q:
    """The obligations whose derived status (``Obligation.status_on``) is ``status``."""
    superseded = Q(superseded_by__isnull=False)
    repealed = ~superseded & Q(repealed_on__lte=today)
    if status == ObligationStatus.SUPERSEDED:
        return superseded
    if status == ObligationStatus.REPEALED:
        return repealed
    return ~superseded & ~Q(repealed_on__lte=today)


def obligation_detail(*, pk: int) -> Obligation:
    evaluations = ComplianceEvaluation.objects.select_related(
        "evaluated_by", "finding__capa"
    ).prefetch_related("evidence")
    return (
        obligation_list()
        .prefetch_related(
            "clauses__standard",
            "evidence",
            "findings",
            "supersedes",
            Prefetch("evaluations", queryset=evaluations),
        )
        .get(pk=pk)
    )


def next_evaluation_due(obligation: Obligation) -> dt.date | None:
    """For an obligation from ``obligation_list`` (annotated with its last evaluation)."""
    return obligation.next_evaluation_due(getattr(obligation, "last_evaluated_on", None))


@dataclass(frozen=True)
class EvaluationDue:
    obligation: Obligation
    due_on: dt.date


def evaluations_due(*, horizon: dt.date, today: dt.date | None = None) -> list[EvaluationDue]:
    """Obligations in force whose next evaluation falls on or before ``horizon``, soonest first."""
    today = today or timezone.localdate()
    rows = obligation_list().filter(obligation_status_q(ObligationStatus.IN_FORCE, today))
    due = []
    for ob in rows:
        day = next_evaluation_due(ob)
        if day is not None and day <= horizon:
            due.append(EvaluationDue(ob, day))
    return sorted(due, key=lambda d: (d.due_on, d.obligation.reference))
