"""The writes of the yearly ISO 14064-1 GHG inventory's settings: boundaries, categories, base year and
its recalculation events, source uncertainties. The inventory itself is read by
accounting.selectors.inventory.

The "set" writes upsert: saving the settings, a site's boundary entry, a category or a source's
uncertainty again changes the stored row, and a value left out keeps what is stored, or the default of
a new row (None where None is no value of the field, UNSET where it is: the base year can be cleared).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.selectors.inventory import UNCERTAINTY_DEFAULTS
from accounting.selectors.inventory_report import CATEGORIES
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.unset import UNSET, Unset
from greenfactory.sites.models import Organisation, Site

if TYPE_CHECKING:
    from greenfactory.accounts.models import User


class InventoryInvalid(DomainError):
    """An inventory setting that breaks a rule of ISO 14064-1 or of the organisation's boundary."""


@transaction.atomic
def uncertainty_defaults_load(*, path: Path = UNCERTAINTY_DEFAULTS) -> int:
    """Create the uncertainty of each source type that has none, from the shipped defaults; rows
    already present (perhaps corrected) are kept. Returns how many were created."""
    created = 0
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        _row, made = SourceUncertainty.objects.get_or_create(
            source=entry["source"],
            defaults={"percent": Decimal(str(entry["percent"])), "basis": entry["basis"]},
        )
        created += made
    return created


# --- Writing --------------------------------------------------------------------------------------------


def _save(instance: models.Model, *, by: User | None) -> None:
    history_user_set(instance, by)
    try:
        instance.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field_name, messages = next(iter(exc.message_dict.items()))
        else:
            field_name, messages = None, exc.messages
        raise InventoryInvalid("; ".join(messages), field=field_name) from exc
    instance.save()


@transaction.atomic
def inventory_settings_save(
    *,
    organisation: Organisation,
    consolidation: str | Unset = UNSET,
    boundary_note: str | Unset = UNSET,
    base_year: int | None | Unset = UNSET,
    base_year_tco2e: Decimal | None | Unset = UNSET,
    recalculation_threshold_pct: Decimal | Unset = UNSET,
    by: User | None = None,
) -> InventorySettings:
    """Create or change an organisation's consolidation approach, boundary note, base year, base-year
    total and recalculation threshold (a value left out keeps the stored one, or the default of a new
    row; the base year and its total are cleared with None)."""
    settings = InventorySettings.objects.select_for_update().filter(organisation=organisation).first()
    settings = settings or InventorySettings(organisation=organisation)
    changes: dict[str, object] = {
        "consolidation": consolidation,
        "boundary_note": boundary_note,
        "base_year": base_year,
        "base_year_tco2e": base_year_tco2e,
        "recalculation_threshold_pct": recalculation_threshold_pct,
    }
    for name, value in changes.items():
        if value is not UNSET:
            setattr(settings, name, value)
    if (settings.base_year is None) != (settings.base_year_tco2e is None):
        raise InventoryInvalid(
            _("Give the base year and its total together."),
            field="base_year_tco2e" if settings.base_year_tco2e is None else "base_year",
        )
    _save(settings, by=by)
    return settings


@transaction.atomic
def inventory_site_save(
    *,
    site: Site,
    included: bool | None = None,
    equity_share_pct: Decimal | None = None,
    note: str | None = None,
    by: User | None = None,
) -> InventorySite:
    """Put a site in or out of its organisation's boundary, with the equity share it counts at (a
    value left None keeps the stored one; a new entry is included at 100 %)."""
    # Two saves at once for the same site: the second waits and updates the first one's row.
    Site.objects.select_for_update().filter(pk=site.pk).values_list("pk", flat=True).first()
    entry = InventorySite.objects.filter(site=site).first() or InventorySite(site=site)
    if included is not None:
        entry.included = included
    if equity_share_pct is not None:
        entry.equity_share_pct = equity_share_pct
    if note is not None:
        entry.note = note
    _save(entry, by=by)
    return entry


@transaction.atomic
def inventory_site_delete(*, entry: InventorySite, by: User | None = None) -> None:
    """Remove a site's boundary entry: the site counts again at 100 % (the audit trail keeps it)."""
    history_user_set(entry, by)
    entry.delete()


@transaction.atomic
def inventory_category_save(
    *,
    organisation: Organisation,
    category: int,
    included: bool | None = None,
    justification: str | None = None,
    by: User | None = None,
) -> InventoryCategory:
    """Include or exclude an ISO 14064-1 category; an exclusion needs a justification and
    categories 1 and 2 cannot be excluded (a value left None keeps the stored one)."""
    if category not in CATEGORIES:
        raise InventoryInvalid(_("The category must be 1 to 6."), field="category")
    # Two saves at once for the same category: the second waits and updates the first one's row.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()
    entry = InventoryCategory.objects.filter(organisation=organisation, category=category).first()
    entry = entry or InventoryCategory(organisation=organisation, category=category)
    if included is not None:
        entry.included = included
    if justification is not None:
        entry.justification = justification.strip()
    _save(entry, by=by)
    return entry


@transaction.atomic
def base_year_recalculation_create(
    *,
    organisation: Organisation,
    date: dt.date,
    kind: str,
    effect_tco2e: Decimal,
    reason: str,
    by: User | None = None,
) -> BaseYearRecalculation:
    """Record a structural change, method change or error with its effect on the base year."""
    if not reason.strip():
        raise InventoryInvalid(_("Give the reason for the change."), field="reason")
    event = BaseYearRecalculation(
        organisation=organisation,
        date=date,
        kind=kind,
        effect_tco2e=effect_tco2e,
        reason=reason.strip(),
        created_by=by,
    )
    _save(event, by=by)
    return event


@transaction.atomic
def base_year_recalculation_delete(*, event: BaseYearRecalculation, by: User | None = None) -> None:
    """Remove a recalculation event recorded by mistake (the audit trail keeps it)."""
    history_user_set(event, by)
    event.delete()


@transaction.atomic
def source_uncertainty_save(
    *, row: SourceUncertainty, percent: Decimal, basis: str | None = None, by: User | None = None
) -> SourceUncertainty:
    """Correct the uncertainty of an emission source type, and what it is based on."""
    row.percent = percent
    if basis is not None:
        row.basis = basis
    _save(row, by=by)
    return row


@transaction.atomic
def source_uncertainty_set(
    *, source: str, percent: Decimal, basis: str | None = None, by: User | None = None
) -> SourceUncertainty:
    """Correct the uncertainty of an emission source type, storing its row if it has none yet."""
    row = SourceUncertainty.objects.select_for_update().filter(source=source).first()
    return source_uncertainty_save(
        row=row or SourceUncertainty(source=source), percent=percent, basis=basis, by=by
    )
