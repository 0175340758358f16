"""Retired carbon credits and carbon-neutrality claims (ISO 14068-1:2023): a serial is retired once,
across programmes, and a claim is made only when every requirement has evidence and the period meets
the standard's order (reductions, then removals, then credits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounting.models import (
    CarbonCredit,
    ClaimRequirement,
    CreditSerialBlock,
    NeutralityClaim,
    NeutralityPeriod,
    NeutralityProgramme,
)
from accounting.models.neutrality import (
    ClaimKind,
    ClaimStatus,
    ClaimVerification,
    CreditKind,
    CreditQuality,
    CreditRegistry,
)
from accounting.selectors.neutrality import claim_check
from accounting.services.neutrality import NeutralityInvalid, check_date, check_year
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.history import history_user_set

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

# The requirements a new claim starts with; staff add their own and attach the evidence of each.
DEFAULT_REQUIREMENTS = (
    "Footprint of the period quantified and verified",
    "Management plan with reduction targets approved by top management",
    "Retirement statements of the credits from their registries",
    "Public neutrality statement",
)


class CreditSerialsTaken(DomainError):
    """Some of the serials were already retired (for this programme or another)."""

    status_code = status.HTTP_409_CONFLICT
    code = "serials_taken"


class ClaimBlocked(DomainError):
    """The claim cannot be made yet; the message lists what is missing."""

    status_code = status.HTTP_409_CONFLICT
    code = "claim_blocked"

    def __init__(self, message: str, *, missing: list[str], problems: list[str]) -> None:
        super().__init__(message)
        self.missing = missing
        self.problems = problems

    def extra(self) -> dict:
        return {"missing_requirements": self.missing, "problems": self.problems}


# --- Credits --------------------------------------------------------------------------------------------


def _check_credit(
    *,
    registry: str,
    kind: str,
    quality_criteria: Sequence[str],
    serial_start: int,
    serial_end: int,
    quantity_tco2e: int | None,
    vintage: int,
    retired_on: dt.date,
    evidence_reference: str,
    project: str,
    standard: str,
) -> None:
    if registry not in CreditRegistry.values:
        raise NeutralityInvalid(_("Unknown registry."), field="registry")
    if kind not in CreditKind.values:
        raise NeutralityInvalid(_("A credit is a reduction or a removal."), field="kind")
    unknown = set(quality_criteria) - set(CreditQuality.values)
    if unknown:
        raise NeutralityInvalid(_("Unknown quality criteria."), field="quality_criteria")
    if serial_start < 1 or serial_end < serial_start or serial_end >= 2**63 - 1:
        raise NeutralityInvalid(_("The last serial is the first one or after it."), field="serial_end")
    count = serial_end - serial_start + 1
    if quantity_tco2e is not None and quantity_tco2e != count:
        raise NeutralityInvalid(
            _("%(count)s serials are %(count)s tCO2e, not %(quantity)s.")
            % {"count": count, "quantity": quantity_tco2e},
            field="quantity_tco2e",
        )
    check_year(vintage, field="vintage")
    check_date(retired_on, field="retired_on")
    if vintage > retired_on.year:
        raise NeutralityInvalid(_("Credits are retired in their vintage year or later."), field="vintage")
    if not evidence_reference.strip():
        raise NeutralityInvalid(_("Give the registry's retirement statement."), field="evidence_reference")
    if not project.strip() or not standard.strip():
        raise NeutralityInvalid(_("Name the project and its standard or methodology."), field="project")


def _free_block(*, registry: str, prefix: str, start: int, end: int) -> CreditSerialBlock:
    """The registry's serial block, locked for this transaction, if none of ``start``-``end`` was
    retired from it yet (by any programme)."""
    CreditSerialBlock.objects.get_or_create(registry=registry, prefix=prefix)
    block = CreditSerialBlock.objects.select_for_update().get(registry=registry, prefix=prefix)
    clash = (
        CarbonCredit.objects.filter(block=block, serial_start__lte=end, serial_end__gte=start)
        .select_related("programme")
        .first()
    )
    if clash is not None:
        raise CreditSerialsTaken(
            _("Serials %(start)s to %(end)s overlap the batch retired for %(programme)s (%(range)s).")
            % {
                "start": f"{prefix}{start}",
                "end": f"{prefix}{end}",
                "programme": clash.programme.reference,
                "range": clash.serial_range,
            },
            field="serial_start",
        )
    return block


@transaction.atomic
def credit_retire(
    *,
    programme: NeutralityProgramme,
    period: NeutralityPeriod,
    registry: str,
    serial_prefix: str,
    serial_start: int,
    serial_end: int,
    project: str,
    standard: str,
    kind: str,
    vintage: int,
    retired_on: dt.date,
    evidence_reference: str,
    quality_criteria: Sequence[str] = (),
    quantity_tco2e: int | None = None,
    note: str = "",
    by: User | None = None,
) -> CarbonCredit:
    """Record a batch of credits retired for a period: serials ``serial_prefix`` + ``serial_start`` to
    ``serial_end``, a tonne each. The block's row is locked, so a serial is retired once whatever
    programme asks; an overlap with a batch already recorded is refused with the batch it hits."""
    if period.programme_id != programme.pk:
        raise NeutralityInvalid(_("The period belongs to another programme."), field="period")
    _check_credit(
        registry=registry,
        kind=kind,
        quality_criteria=quality_criteria,
        serial_start=serial_start,
        serial_end=serial_end,
        quantity_tco2e=quantity_tco2e,
        vintage=vintage,
        retired_on=retired_on,
        evidence_reference=evidence_reference,
        project=project,
        standard=standard,
    )
    count = serial_end - serial_start + 1
    block = _free_block(registry=registry, prefix=serial_prefix.strip(), start=serial_start, end=serial_end)
    credit = CarbonCredit(
        programme=programme,
        period=period,
        block=block,
        registry=registry,
        project=project.strip(),
        standard=standard.strip(),
        kind=kind,
        vintage=vintage,
        serial_start=serial_start,
        serial_end=serial_end,
        quantity_tco2e=count,
        retired_on=retired_on,
        quality_criteria=sorted(set(quality_criteria)),
        evidence_reference=evidence_reference.strip(),
        note=note.strip(),
        created_by=by,
    )
    history_user_set(credit, by)
    try:
        with transaction.atomic():
            credit.save()
    except IntegrityError:
        raise CreditSerialsTaken(
            _("Some of these serials were retired already."), field="serial_start"
        ) from None
    return credit


# --- Claims ---------------------------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    programme: NeutralityProgramme,
    period: NeutralityPeriod,
    kind: str,
    verification: str,
    statement: str,
    verifier: str = "",
    requirements: Sequence[str] | None = None,
    by: User | None = None,
) -> NeutralityClaim:
    """A draft claim for a period, with the requirements it rests on (the default list when none
    are given)."""
    if period.programme_id != programme.pk:
        raise NeutralityInvalid(_("The period belongs to another programme."), field="period")
    if kind not in ClaimKind.values:
        raise NeutralityInvalid(_("A claim is achieved or committed."), field="kind")
    if verification not in ClaimVerification.values:
        raise NeutralityInvalid(_("Unknown verification."), field="verification")
    if verification != ClaimVerification.SELF and not verifier.strip():
        raise NeutralityInvalid(_("Name the body that validates or verifies the claim."), field="verifier")
    if not statement.strip():
        raise NeutralityInvalid(_("Write the claim's statement."), field="statement")
    claim = NeutralityClaim(
        programme=programme,
        period=period,
        kind=kind,
        verification=verification,
        verifier=verifier.strip(),
        statement=statement.strip(),
    )
    history_user_set(claim, by)
    claim.save()
    titles = DEFAULT_REQUIREMENTS if requirements is None else requirements
    for title in titles:
        if title.strip():
            requirement_add(claim=claim, title=title, by=by)
    return claim


def _draft(claim_pk: int) -> NeutralityClaim:
    claim = NeutralityClaim.objects.select_for_update().get(pk=claim_pk)
    if claim.status != ClaimStatus.DRAFT:
        raise TransitionNotAllowed(_("The claim is no longer a draft."))
    return claim


@transaction.atomic
def requirement_add(
    *, claim: NeutralityClaim, title: str, evidence_reference: str = "", by: User | None = None
) -> ClaimRequirement:
    """Record something the draft claim rests on, with its evidence when known."""
    claim = _draft(claim.pk)
    if not title.strip():
        raise NeutralityInvalid(_("Name the requirement."), field="title")
    requirement = ClaimRequirement(
        claim=claim, title=title.strip()[:300], evidence_reference=evidence_reference.strip()
    )
    history_user_set(requirement, by)
    requirement.save()
    return requirement


@transaction.atomic
def requirement_evidence_set(
    *, requirement: ClaimRequirement, evidence_reference: str, by: User | None = None
) -> ClaimRequirement:
    """Attach (or clear, with "") the evidence of a draft claim's requirement."""
    _draft(requirement.claim_id)
    requirement = ClaimRequirement.objects.select_for_update().get(pk=requirement.pk)
    requirement.evidence_reference = evidence_reference.strip()
    history_user_set(requirement, by)
    requirement.save()
    return requirement


@transaction.atomic
def claim_make(*, claim: NeutralityClaim, by: User | None = None) -> NeutralityClaim:
    """Make a draft claim, if every requirement has its evidence and the period meets ISO 14068-1
    (reductions against the base period, then removals and credits); otherwise ClaimBlocked names
    what is missing and nothing changes."""
    claim = _draft(claim.pk)
    NeutralityPeriod.objects.select_for_update().filter(pk=claim.period_id).first()
    check = claim_check(claim=claim)
    if not check.ready:
        missing = [r.title for r in check.missing]
        parts = list(check.problems)
        if missing:
            parts.append(_("Evidence missing for: %(list)s.") % {"list": "; ".join(missing)})
        raise ClaimBlocked(
            _("The claim cannot be made yet. %(reasons)s") % {"reasons": " ".join(parts)},
            missing=missing,
            problems=check.problems,
        )
    claim.status = ClaimStatus.MADE
    claim.made_at = timezone.now()
    claim.made_by = by
    history_user_set(claim, by)
    claim.save()
    return claim


@transaction.atomic
def claim_withdraw(*, claim: NeutralityClaim, by: User | None = None) -> NeutralityClaim:
    """Withdraw a claim that was made."""
    claim = NeutralityClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.MADE:
        raise TransitionNotAllowed(_("Only a claim that was made can be withdrawn."))
    claim.status = ClaimStatus.WITHDRAWN
    history_user_set(claim, by)
    claim.save()
    return claim
