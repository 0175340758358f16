"""Product carbon footprint studies (ISO 14067): keep a draft study, its items and co-products; issue
it as a versioned, read-only result; reopen it for a new version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.choices import FactorKind
from accounting.models import FactorSet, FootprintCoProduct, FootprintItem, FootprintResult, FootprintStudy
from accounting.models.footprints import FootprintProduct, FootprintStatus
from accounting.selectors import footprints as selectors
from greenfactory.core.exceptions import AlreadyExists, DomainError, TransitionNotAllowed
from greenfactory.core.history import history_user_set
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Site

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

STUDY_FIELDS = (
    "title",
    "product",
    "unit_kind",
    "declared_unit",
    "declared_amount_t",
    "boundary",
    "period_start",
    "period_end",
    "cut_off",
    "allocation",
    "gwp_set",
    "notes",
)
ITEM_FIELDS = (
    "stage",
    "kind",
    "description",
    "quantity",
    "unit",
    "factor_kg_per_unit",
    "factor_source",
    "gas",
    "reliability",
    "completeness",
    "temporal",
    "geographical",
    "technological",
)


class StudyIssued(TransitionNotAllowed):
    """An issued study is read-only until it is reopened."""


class StudyEditConflict(DomainError):
    status_code = 409
    code = "conflict"


def _draft(study: FootprintStudy) -> FootprintStudy:
    """The study locked for a change; refused when it is issued."""
    locked = FootprintStudy.objects.select_for_update().get(pk=study.pk)
    if locked.status != FootprintStatus.DRAFT:
        raise StudyIssued(_("The study is issued: reopen it to change it."))
    return locked


def _check_study(study: FootprintStudy) -> None:
    if study.period_end < study.period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    for day in (study.period_start, study.period_end):
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise DomainError(
                _("Give a period between %(lo)s and %(hi)s.") % {"lo": EARLIEST_YEAR, "hi": LATEST_YEAR},
                field="period_start",
            )
    if study.declared_amount_t is None or study.declared_amount_t <= 0:
        raise DomainError(_("One unit holds more than 0 t of product."), field="declared_amount_t")
    if study.gwp_set.kind != FactorKind.GWP:
        raise DomainError(_("Choose a set of global warming potentials."), field="gwp_set")
    if not study.title.strip() or not study.declared_unit.strip():
        raise DomainError(_("Give the study a title and a declared or functional unit."), field="title")


@transaction.atomic
def footprint_study_create(
    *,
    site: Site,
    title: str,
    product: str,
    declared_unit: str,
    boundary: str,
    period_start: dt.date,
    period_end: dt.date,
    allocation: str,
    gwp_set: FactorSet,
    unit_kind: str = "declared",
    declared_amount_t: Decimal = Decimal(1),
    cut_off: str = "",
    notes: str = "",
    by: User | None = None,
) -> FootprintStudy:
    """Start a draft study of one product of a site over a period."""
    study = FootprintStudy(
        site=site,
        title=title,
        product=product,
        unit_kind=unit_kind,
        declared_unit=declared_unit,
        declared_amount_t=declared_amount_t,
        boundary=boundary,
        period_start=period_start,
        period_end=period_end,
        cut_off=cut_off,
        allocation=allocation,
        gwp_set=gwp_set,
        notes=notes,
        created_by=by,
    )
    _check_study(study)
    history_user_set(study, by)
    study.save()
    return study


@transaction.atomic
def footprint_study_update(
    *, study: FootprintStudy, version: int, by: User | None = None, **changes: object
) -> FootprintStudy:
    """Change a draft study's definition made on ``version`` (409 when it changed since)."""
    unknown = set(changes) - set(STUDY_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    locked = _draft(study)
    if locked.version != version:
        raise StudyEditConflict(_("Someone changed the study since you opened it: look at it again."))
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_study(locked)
    locked.version += 1
    history_user_set(locked, by)
    locked.save()
    return locked


@transaction.atomic
def footprint_study_delete(*, study: FootprintStudy, by: User | None = None) -> None:
    """Delete a draft study that was never issued (an issued result stays on record)."""
    locked = _draft(study)
    if locked.results.exists():
        raise StudyIssued(_("The study was issued before: its results stay on record."))
    history_user_set(locked, by)
    locked.delete()


def _check_item(item: FootprintItem) -> None:
    if item.quantity < 0 or item.factor_kg_per_unit < 0:
        raise DomainError(_("Quantities and factors cannot be negative."), field="quantity")
    for name in selectors.PEDIGREE_INDICATORS:
        if not 1 <= getattr(item, name) <= 5:
            raise DomainError(_("Rate data quality from 1 (best) to 5."), field=name)
    if not item.factor_source.strip():
        raise DomainError(_("Name the factor's source."), field="factor_source")


@transaction.atomic
def footprint_item_create(
    *, study: FootprintStudy, by: User | None = None, **fields: object
) -> FootprintItem:
    """Add a manual inventory item (chemicals, consumables, packaging, waste treatment...) to a draft."""
    locked = _draft(study)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    item = FootprintItem(study=locked, created_by=by, **fields)
    _check_item(item)
    history_user_set(item, by)
    item.save()
    return item


@transaction.atomic
def footprint_item_update(*, item: FootprintItem, by: User | None = None, **changes: object) -> FootprintItem:
    """Change a manual item of a draft study."""
    _draft(item.study)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(item, name, value)
    _check_item(item)
    history_user_set(item, by)
    item.save()
    return item


@transaction.atomic
def footprint_item_delete(*, item: FootprintItem, by: User | None = None) -> None:
    """Remove a manual item of a draft study."""
    _draft(item.study)
    history_user_set(item, by)
    item.delete()


@transaction.atomic
def footprint_coproduct_save(
    *,
    study: FootprintStudy,
    product: str,
    output_t: Decimal,
    price_cny_per_t: Decimal | None = None,
    avoided_kg_per_t: Decimal | None = None,
    avoided_source: str = "",
    by: User | None = None,
) -> FootprintCoProduct:
    """Enter (or correct) a co-product's output, price and avoided emissions in a draft study."""
    locked = _draft(study)
    if product == FootprintProduct.BATTERIES:
        raise DomainError(_("Batteries processed are the input, not a co-product."), field="product")
    if output_t is None or output_t <= 0:
        raise DomainError(_("The output must be more than 0 t."), field="output_t")
    for name, value in (("price_cny_per_t", price_cny_per_t), ("avoided_kg_per_t", avoided_kg_per_t)):
        if value is not None and value < 0:
            raise DomainError(_("This figure cannot be negative."), field=name)
    coproduct = FootprintCoProduct.objects.filter(
        study=locked, product=product
    ).first() or FootprintCoProduct(study=locked, product=product)
    coproduct.output_t = output_t
    coproduct.price_cny_per_t = price_cny_per_t
    coproduct.avoided_kg_per_t = avoided_kg_per_t
    coproduct.avoided_source = avoided_source
    history_user_set(coproduct, by)
    coproduct.save()
    return coproduct


@transaction.atomic
def footprint_coproduct_delete(*, coproduct: FootprintCoProduct, by: User | None = None) -> None:
    """Remove a co-product of a draft study."""
    _draft(coproduct.study)
    history_user_set(coproduct, by)
    coproduct.delete()


@transaction.atomic
def footprint_study_issue(*, study: FootprintStudy, by: User | None = None) -> FootprintResult:
    """Freeze the study's result (its method, the sensitivity table, the inventory with provenance)
    as the next version; the study is read-only until reopened. Refused when it cannot be computed."""
    locked = _draft(study)
    fresh = selectors.footprint_study_get(pk=locked.pk)
    result = selectors.footprint_result(study=fresh)
    if result["per_unit_kg"] is None:
        raise DomainError(
            _("The study cannot be issued: %(reason)s")
            % {"reason": result["not_computed"] or _("no result.")}
        )
    version = (
        FootprintResult.objects.filter(study=locked)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    if FootprintResult.objects.filter(study=locked, version=version).exists():
        raise AlreadyExists(_("This version was issued already."))
    result["version"] = version
    issued = FootprintResult.objects.create(
        study=locked, version=version, per_unit_kg=Decimal(result["per_unit_kg"]), result=result, issued_by=by
    )
    locked.status = FootprintStatus.ISSUED
    history_user_set(locked, by)
    locked.save(update_fields=["status"])
    return issued


@transaction.atomic
def footprint_study_reopen(*, study: FootprintStudy, by: User | None = None) -> FootprintStudy:
    """Make an issued study a draft again; its issued results stay as they were."""
    locked = FootprintStudy.objects.select_for_update().get(pk=study.pk)
    if locked.status != FootprintStatus.ISSUED:
        raise TransitionNotAllowed(_("Only an issued study can be reopened."))
    locked.status = FootprintStatus.DRAFT
    history_user_set(locked, by)
    locked.save(update_fields=["status"])
    return locked
