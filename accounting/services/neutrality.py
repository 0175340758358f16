"""Writing carbon-neutrality programmes (ISO 14068-1:2023): the programme, its management plan
(targets with milestones at most five years apart, actions) and the footprint of each period.
Credits and claims are written by accounting.services.neutrality_claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status

from accounting import formulas
from accounting.models import (
    FootprintResult,
    FootprintStudy,
    NeutralityAction,
    NeutralityPeriod,
    NeutralityProgramme,
    ReductionMilestone,
    ReductionTarget,
)
from accounting.models.neutrality import (
    ActionStatus,
    ClaimStatus,
    FootprintSource,
    NeutralitySubject,
    Scope2Basis,
)
from accounting.selectors.neutrality import inventory_footprint
from greenfactory.core.exceptions import AlreadyExists, DomainError, TransitionNotAllowed
from greenfactory.core.history import history_user_set
from greenfactory.core.validators import date_is_plausible, year_is_plausible

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Organisation


class NeutralityInvalid(DomainError):
    """A programme, plan, period, credit or claim that cannot be stored as given."""


def _tco2e(value: Decimal | None, *, field: str, allow_none: bool = False) -> None:
    if value is None:
        if allow_none:
            return
        raise NeutralityInvalid(_("Give a quantity in tCO2e."), field=field)
    if not value.is_finite() or value < 0:
        raise NeutralityInvalid(_("A quantity in tCO2e is a number of zero or more."), field=field)


def check_year(value: int, *, field: str) -> None:
    if not year_is_plausible(value):
        raise NeutralityInvalid(_("The year is out of range."), field=field)


def check_date(value: dt.date, *, field: str) -> None:
    if not date_is_plausible(value):
        raise NeutralityInvalid(_("The date is out of range."), field=field)


def _percent(value: Decimal, *, field: str) -> None:
    if not value.is_finite() or not Decimal(0) < value <= Decimal(100):
        raise NeutralityInvalid(_("A reduction is more than 0 and at most 100 %."), field=field)


# --- The programme --------------------------------------------------------------------------------------


def _check_programme(
    *, subject: str, product_name: str, base_year: int, target_date: dt.date, boundary: str
) -> None:
    if subject not in NeutralitySubject.values:
        raise NeutralityInvalid(_("The subject is the organisation or a product."), field="subject")
    if (subject == NeutralitySubject.PRODUCT) != bool(product_name.strip()):
        raise NeutralityInvalid(
            _("Name the product for a product's programme, and only then."), field="product_name"
        )
    if not boundary.strip():
        raise NeutralityInvalid(_("Describe the subject's boundary."), field="boundary")
    check_year(base_year, field="base_year")
    check_date(target_date, field="target_date")
    if target_date.year <= base_year:
        raise NeutralityInvalid(_("The target date comes after the base period."), field="target_date")


@transaction.atomic
def programme_create(
    *,
    reference: str,
    title: str,
    organisation: Organisation,
    boundary: str,
    base_year: int,
    target_date: dt.date,
    subject: str = NeutralitySubject.ORGANISATION,
    product_name: str = "",
    offsetting_strategy: str = "",
    formerly_pas_2060: bool = False,
    by: User | None = None,
) -> NeutralityProgramme:
    """Start a programme for the organisation or one of its products; references are unique."""
    _check_programme(
        subject=subject,
        product_name=product_name,
        base_year=base_year,
        target_date=target_date,
        boundary=boundary,
    )
    programme = NeutralityProgramme(
        reference=reference.strip(),
        title=title.strip(),
        organisation=organisation,
        subject=subject,
        product_name=product_name.strip(),
        boundary=boundary,
        base_year=base_year,
        target_date=target_date,
        offsetting_strategy=offsetting_strategy,
        formerly_pas_2060=formerly_pas_2060,
        created_by=by,
    )
    history_user_set(programme, by)
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise AlreadyExists(
            _("A programme with the reference %(ref)s exists already.") % {"ref": programme.reference},
            field="reference",
        ) from None
    return programme


class ProgrammeEditConflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "edit_conflict"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version

    def extra(self) -> dict:
        return {"current_version": self.current_version}


@transaction.atomic
def programme_update(
    *,
    programme: NeutralityProgramme,
    version: int,
    title: str,
    boundary: str,
    target_date: dt.date,
    offsetting_strategy: str,
    product_name: str,
    formerly_pas_2060: bool,
    by: User | None = None,
) -> NeutralityProgramme:
    """Change a programme opened at ``version`` (its subject and base period stay); if someone saved it
    since, nothing is saved. The milestones must still reach the new target date in steps of five years."""
    programme = NeutralityProgramme.objects.select_for_update().get(pk=programme.pk)
    if version != programme.version:
        raise ProgrammeEditConflict(
            _("The programme changed since you opened it; nothing was saved. Reload it and try again."),
            current_version=programme.version,
        )
    _check_programme(
        subject=programme.subject,
        product_name=product_name,
        base_year=programme.base_year,
        target_date=target_date,
        boundary=boundary,
    )
    programme.title = title.strip()
    programme.boundary = boundary
    programme.target_date = target_date
    programme.offsetting_strategy = offsetting_strategy
    programme.product_name = product_name.strip()
    programme.formerly_pas_2060 = formerly_pas_2060
    programme.version += 1
    history_user_set(programme, by)
    programme.save()
    return programme


# --- The management plan --------------------------------------------------------------------------------


def _check_gaps(*, base_year: int, milestone_years: Iterable[int], target_year: int) -> None:
    gaps = formulas.milestone_gaps(
        base_year=base_year, milestone_years=milestone_years, target_year=target_year
    )
    if gaps:
        steps = ", ".join(f"{a}–{b}" for a, b in gaps)
        raise NeutralityInvalid(
            _(
                "Milestones are at most %(max)s years apart, from the base period to the target year; "
                "add a milestone within %(steps)s."
            )
            % {"max": formulas.MILESTONE_MAX_GAP_YEARS, "steps": steps},
            field="milestones",
        )


@transaction.atomic
def target_create(
    *,
    programme: NeutralityProgramme,
    description: str,
    target_year: int,
    reduction_percent: Decimal,
    milestones: Sequence[tuple[int, Decimal]] = (),
    by: User | None = None,
) -> ReductionTarget:
    """A reduction target against the base period with its milestones (year, reduction %); the steps
    from the base period through the milestones to the target year are at most five years."""
    programme = NeutralityProgramme.objects.select_for_update().get(pk=programme.pk)
    if not description.strip():
        raise NeutralityInvalid(_("Describe the target."), field="description")
    check_year(target_year, field="target_year")
    _percent(reduction_percent, field="reduction_percent")
    if target_year <= programme.base_year:
        raise NeutralityInvalid(_("The target year comes after the base period."), field="target_year")
    years = [year for year, _p in milestones]
    if len(set(years)) != len(years):
        raise NeutralityInvalid(_("One milestone a year."), field="milestones")
    for year, percent in milestones:
        _milestone_check(programme=programme, target_year=target_year, year=year, percent=percent)
    _check_gaps(base_year=programme.base_year, milestone_years=years, target_year=target_year)
    target = ReductionTarget(
        programme=programme,
        description=description.strip(),
        target_year=target_year,
        reduction_percent=reduction_percent,
    )
    history_user_set(target, by)
    target.save()
    for year, percent in sorted(milestones):
        milestone = ReductionMilestone(target=target, year=year, reduction_percent=percent)
        history_user_set(milestone, by)
        milestone.save()
    return target


def _milestone_check(
    *, programme: NeutralityProgramme, target_year: int, year: int, percent: Decimal
) -> None:
    check_year(year, field="milestones")
    if not programme.base_year < year < target_year:
        raise NeutralityInvalid(
            _("A milestone falls between the base period and the target year."), field="milestones"
        )
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise NeutralityInvalid(_("A milestone's reduction is between 0 and 100 %."), field="milestones")


@transaction.atomic
def milestone_add(
    *, target: ReductionTarget, year: int, reduction_percent: Decimal, by: User | None = None
) -> ReductionMilestone:
    """Add a milestone to a target (one a year)."""
    target = ReductionTarget.objects.select_for_update().select_related("programme").get(pk=target.pk)
    _milestone_check(
        programme=target.programme, target_year=target.target_year, year=year, percent=reduction_percent
    )
    if target.milestones.filter(year=year).exists():
        raise AlreadyExists(
            _("The target has a milestone for %(year)s already.") % {"year": year}, field="year"
        )
    milestone = ReductionMilestone(target=target, year=year, reduction_percent=reduction_percent)
    history_user_set(milestone, by)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: ReductionMilestone, by: User | None = None) -> None:
    """Remove a milestone, unless that leaves more than five years between two steps of the plan."""
    target = (
        ReductionTarget.objects.select_for_update().select_related("programme").get(pk=milestone.target_id)
    )
    remaining = target.milestones.exclude(pk=milestone.pk).values_list("year", flat=True)
    _check_gaps(
        base_year=target.programme.base_year, milestone_years=remaining, target_year=target.target_year
    )
    history_user_set(milestone, by)
    milestone.delete()


@transaction.atomic
def action_create(
    *,
    programme: NeutralityProgramme,
    title: str,
    owner: User,
    start_date: dt.date,
    due_date: dt.date,
    target: ReductionTarget | None = None,
    expected_reduction_tco2e: Decimal | None = None,
    status: str = ActionStatus.PLANNED,
    by: User | None = None,
) -> NeutralityAction:
    """A reduction action of the plan, with its owner and dates."""
    if not title.strip():
        raise NeutralityInvalid(_("Name the action."), field="title")
    check_date(start_date, field="start_date")
    check_date(due_date, field="due_date")
    if due_date < start_date:
        raise NeutralityInvalid(_("The due date comes after the start."), field="due_date")
    if target is not None and target.programme_id != programme.pk:
        raise NeutralityInvalid(_("The target belongs to another programme."), field="target")
    _tco2e(expected_reduction_tco2e, field="expected_reduction_tco2e", allow_none=True)
    if status not in ActionStatus.values:
        raise NeutralityInvalid(_("Unknown status."), field="status")
    action = NeutralityAction(
        programme=programme,
        target=target,
        title=title.strip(),
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        expected_reduction_tco2e=expected_reduction_tco2e,
        status=status,
    )
    history_user_set(action, by)
    action.save()
    return action


@transaction.atomic
def action_status_set(*, action: NeutralityAction, status: str, by: User | None = None) -> NeutralityAction:
    """Move an action to planned, in progress or done."""
    if status not in ActionStatus.values:
        raise NeutralityInvalid(_("Unknown status."), field="status")
    action = NeutralityAction.objects.select_for_update().get(pk=action.pk)
    action.status = status
    history_user_set(action, by)
    action.save()
    return action


# --- Periods --------------------------------------------------------------------------------------------


def _study_footprint(
    *, programme: NeutralityProgramme, year: int, study: FootprintStudy | None
) -> tuple[Decimal, str, FootprintResult]:
    """A product's footprint of ``year`` from its footprint study: the newest issued version's burden
    allocated to the product, in tCO2e, with a note naming the study and version."""
    if programme.subject != NeutralitySubject.PRODUCT:
        raise NeutralityInvalid(
            _("A footprint study is a product's; the organisation's footprint comes from its GHG inventory."),
            field="source",
        )
    if study is None:
        raise NeutralityInvalid(_("Choose the footprint study."), field="footprint_study")
    if study.site.organisation_id != programme.organisation_id:
        raise NeutralityInvalid(_("The study is of another organisation's site."), field="footprint_study")
    if not (study.period_start.year == year == study.period_end.year):
        raise NeutralityInvalid(
            _("The study covers %(start)s to %(end)s, not the year %(year)s.")
            % {"start": study.period_start, "end": study.period_end, "year": year},
            field="footprint_study",
        )
    result = FootprintResult.objects.filter(study=study).order_by("-version").first()
    if result is None or result.result.get("allocated_kg") is None:
        raise NeutralityInvalid(
            _("The study has not been issued: issue it first, so the figure used no longer changes."),
            field="footprint_study",
        )
    tco2e = (Decimal(result.result["allocated_kg"]) / 1000).quantize(Decimal("0.001"))
    note = _(
        "Footprint study %(title)s, version %(version)s issued %(at)s: %(per_unit)s kgCO2e per %(unit)s"
    ) % {
        "title": study.title,
        "version": result.version,
        "at": result.issued_at.date().isoformat(),
        "per_unit": result.per_unit_kg,
        "unit": study.declared_unit,
    }
    return tco2e, note, result


@transaction.atomic
def period_save(
    *,
    programme: NeutralityProgramme,
    year: int,
    source: str,
    footprint_tco2e: Decimal | None = None,
    source_note: str = "",
    scope2_basis: str = Scope2Basis.MARKET,
    removals_tco2e: Decimal = Decimal(0),
    removals_note: str = "",
    footprint_study: FootprintStudy | None = None,
    by: User | None = None,
) -> NeutralityPeriod:
    """Record (or replace) the footprint of a year: from the organisation's GHG inventory of the year
    (stored as it stands now, with where it came from), from the newest issued version of a
    product's footprint study of that year (the burden allocated to the product over the study's
    period), or entered with its source. A period a claim was made on no longer changes."""
    programme = NeutralityProgramme.objects.select_for_update().get(pk=programme.pk)
    check_year(year, field="year")
    if year < programme.base_year:
        raise NeutralityInvalid(_("A period is the base period or later."), field="year")
    _tco2e(removals_tco2e, field="removals_tco2e")
    if removals_tco2e > 0 and not removals_note.strip():
        raise NeutralityInvalid(_("Say how the removals were quantified."), field="removals_note")
    footprint: Decimal
    result: FootprintResult | None = None
    if source == FootprintSource.STUDY:
        footprint, source_note, result = _study_footprint(
            programme=programme, year=year, study=footprint_study
        )
        scope2_basis = ""
    elif source == FootprintSource.INVENTORY:
        if programme.subject != NeutralitySubject.ORGANISATION:
            raise NeutralityInvalid(
                _("The GHG inventory is the organisation's; enter a product's footprint with its source."),
                field="source",
            )
        if scope2_basis not in Scope2Basis.values:
            raise NeutralityInvalid(_("Choose the scope 2 basis."), field="scope2_basis")
        footprint, source_note = inventory_footprint(
            organisation=programme.organisation, year=year, basis=scope2_basis
        )
    elif source == FootprintSource.ENTERED:
        if footprint_tco2e is None:
            raise NeutralityInvalid(_("Give a quantity in tCO2e."), field="footprint_tco2e")
        _tco2e(footprint_tco2e, field="footprint_tco2e")
        if not source_note.strip():
            raise NeutralityInvalid(_("Say where the footprint comes from."), field="source_note")
        footprint, scope2_basis = footprint_tco2e, ""
    else:
        raise NeutralityInvalid(_("Unknown footprint source."), field="source")
    period = NeutralityPeriod.objects.select_for_update().filter(programme=programme, year=year).first()
    if period is not None and period.claims.filter(status=ClaimStatus.MADE).exists():
        raise TransitionNotAllowed(
            _("A claim was made on %(year)s; its footprint no longer changes.") % {"year": year}, field="year"
        )
    if period is None:
        period = NeutralityPeriod(programme=programme, year=year)
    period.source = source
    period.scope2_basis = scope2_basis
    period.footprint_tco2e = footprint
    period.source_note = source_note.strip()[:500]
    period.footprint_result = result
    period.removals_tco2e = removals_tco2e
    period.removals_note = removals_note.strip()
    history_user_set(period, by)
    period.save()
    return period
