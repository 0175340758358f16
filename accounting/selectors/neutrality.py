"""Reads of carbon-neutrality programmes: the register, a programme with its plan, periods, credits and
claims, each period's standing (accounting.formulas.neutrality_balance), the footprint the GHG
inventory gives a year, and what a claim still lacks before it can be made."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from accounting import formulas
from accounting.models import (
    CarbonCredit,
    ClaimRequirement,
    NeutralityClaim,
    NeutralityPeriod,
    NeutralityProgramme,
    ReductionTarget,
)
from accounting.models.neutrality import ClaimKind, CreditKind, Scope2Basis
from accounting.selectors.inventory import ghg_inventory
from greenfactory.sites.models import Organisation

_ZERO = Decimal(0)


def programme_list() -> QuerySet[NeutralityProgramme]:
    """Every programme with its organisation and the counts the register shows."""
    return (
        NeutralityProgramme.objects.select_related("organisation")
        .annotate(period_count=Count("periods", distinct=True), credit_count=Count("credits", distinct=True))
        .order_by("reference")
    )


def programme_get(*, pk: int) -> NeutralityProgramme:
    """A programme with its plan, periods, credits and claims (raises DoesNotExist)."""
    return (
        NeutralityProgramme.objects.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=ReductionTarget.objects.prefetch_related("milestones").order_by("target_year", "pk"),
            ),
            "actions__owner",
            "actions__target",
            Prefetch("periods", queryset=NeutralityPeriod.objects.order_by("year")),
            Prefetch("credits", queryset=CarbonCredit.objects.select_related("block", "period")),
            Prefetch(
                "claims",
                queryset=NeutralityClaim.objects.select_related("period", "made_by").prefetch_related(
                    "requirements"
                ),
            ),
        )
        .get(pk=pk)
    )


def claim_get(*, pk: int) -> NeutralityClaim:
    return (
        NeutralityClaim.objects.select_related("programme", "period")
        .prefetch_related("requirements")
        .get(pk=pk)
    )


def requirement_get(*, pk: int) -> ClaimRequirement:
    return ClaimRequirement.objects.select_related("claim__programme").get(pk=pk)


def target_get(*, pk: int) -> ReductionTarget:
    return ReductionTarget.objects.select_related("programme").prefetch_related("milestones").get(pk=pk)


def credit_list() -> QuerySet[CarbonCredit]:
    return CarbonCredit.objects.select_related("programme", "period", "block").order_by("retired_on", "pk")


def period_credits(*, period: NeutralityPeriod) -> QuerySet[CarbonCredit]:
    return (
        CarbonCredit.objects.filter(period=period)
        .select_related("block", "period")
        .order_by("retired_on", "pk")
    )


def claim_list() -> QuerySet[NeutralityClaim]:
    return (
        NeutralityClaim.objects.select_related("programme", "period", "made_by")
        .prefetch_related("requirements")
        .order_by("programme__reference", "period__year", "pk")
    )


def inventory_footprint(*, organisation: Organisation, year: int, basis: str) -> tuple[Decimal, str]:
    """The organisation's footprint of a year from its GHG inventory, in the boundary and with the
    scope 2 basis given, and a note that says where it came from."""
    inventory = ghg_inventory(organisation=organisation, year=year)
    market = basis == Scope2Basis.MARKET
    total = inventory.total_market_tco2e if market else inventory.total_tco2e
    note = _("GHG inventory %(year)s (ISO 14064-1), %(basis)s, %(days)s of %(all)s days with data") % {
        "year": year,
        "basis": Scope2Basis(basis).label,
        "days": inventory.days_with_data,
        "all": inventory.days,
    }
    return total, note


@dataclass
class PeriodStatus:
    period: NeutralityPeriod
    balance: formulas.NeutralityBalance
    credits_reduction_tco2e: Decimal
    credits_removal_tco2e: Decimal

    @property
    def year(self) -> int:
        return self.period.year


def _credit_totals(periods: list[NeutralityPeriod]) -> dict[tuple[int, str], Decimal]:
    rows = (
        CarbonCredit.objects.filter(period__in=periods)
        .values("period_id", "kind")
        .annotate(total=Sum("quantity_tco2e"))
        .order_by()
    )
    return {(r["period_id"], r["kind"]): Decimal(r["total"] or 0) for r in rows}


def period_statuses(*, programme: NeutralityProgramme) -> list[PeriodStatus]:
    """Every period of the programme, oldest first, with its standing against the base period."""
    periods = sorted(programme.periods.all(), key=lambda p: p.year)
    base = next((p for p in periods if p.year == programme.base_year), None)
    credits = _credit_totals(periods)
    out = []
    for period in periods:
        reduction = credits.get((period.pk, CreditKind.REDUCTION), _ZERO)
        removal = credits.get((period.pk, CreditKind.REMOVAL), _ZERO)
        out.append(
            PeriodStatus(
                period=period,
                balance=formulas.neutrality_balance(
                    base_tco2e=base.footprint_tco2e if base is not None else None,
                    footprint_tco2e=period.footprint_tco2e,
                    removals_tco2e=period.removals_tco2e,
                    credits_tco2e=reduction + removal,
                ),
                credits_reduction_tco2e=reduction,
                credits_removal_tco2e=removal,
            )
        )
    return out


def period_status(*, period: NeutralityPeriod) -> PeriodStatus:
    programme = NeutralityProgramme.objects.prefetch_related("periods").get(pk=period.programme_id)
    return next(s for s in period_statuses(programme=programme) if s.period.pk == period.pk)


@dataclass
class ClaimCheck:
    """What stands between a claim and its being made: the requirements without evidence, and the
    rules of ISO 14068-1 the period does not meet yet."""

    missing: list[ClaimRequirement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing and not self.problems


def claim_check(
    *, claim: NeutralityClaim, statuses: list[PeriodStatus] | None = None, has_targets: bool | None = None
) -> ClaimCheck:
    """Reductions against the base period come first (an offset-only claim is refused); an
    "achieved" claim needs the period's balance at zero or below, a "committed" one a reduction
    target in the plan; and every requirement recorded for the claim needs its evidence. A page that
    checks several claims of one programme passes its ``statuses`` and ``has_targets`` once."""
    check = ClaimCheck(missing=[r for r in claim.requirements.all() if not r.has_evidence])
    if not claim.requirements.all():
        check.problems.append(_("Record at least one requirement the claim rests on."))
    status = next((s for s in statuses or [] if s.period.pk == claim.period_id), None)
    if status is None:
        status = period_status(period=claim.period)
    reductions = status.balance.reductions_tco2e
    if reductions is None:
        check.problems.append(
            _("Record the footprint of the base period %(year)s: reductions are measured against it.")
            % {"year": claim.programme.base_year}
        )
    elif reductions <= 0:
        check.problems.append(
            _(
                "No reduction against the base period: a claim that rests on offsets alone is not "
                "allowed (reductions first, then removals, then credits)."
            )
        )
    if claim.kind == ClaimKind.ACHIEVED and not status.balance.neutral:
        check.problems.append(
            _("%(left)s tCO2e of the period are neither removed nor offset.")
            % {"left": f"{status.balance.balance_tco2e.normalize():f}"}
        )
    if has_targets is None:
        has_targets = claim.programme.targets.exists()
    if claim.kind == ClaimKind.COMMITTED and not has_targets:
        check.problems.append(_("A commitment needs a reduction target in the management plan."))
    return check
