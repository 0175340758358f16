"""Writes for organisations, sites and production records. Each writes the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import AlreadyExists

from .models import Organisation, ProductionRecord, Site


def _save(instance, *, by) -> None:
    instance._history_user = by
    instance.full_clean()
    instance.save()


@transaction.atomic
def organisation_create(*, name: str, code: str, by=None) -> Organisation:
    """Create an organisation with a unique code."""
    organisation = Organisation(name=name, code=code)
    _save(organisation, by=by)
    return organisation


@transaction.atomic
def site_create(*, organisation: Organisation, by=None, **fields) -> Site:
    """Create a site; ``fields`` are the Site model's editable fields (name, code, time_zone, ...)."""
    site = Site(organisation=organisation, **fields)
    _save(site, by=by)
    return site


@transaction.atomic
def site_update(*, site: Site, by=None, **fields) -> Site:
    """Change a site's editable fields."""
    for name, value in fields.items():
        setattr(site, name, value)
    _save(site, by=by)
    return site


@transaction.atomic
def production_record_create(
    *,
    site: Site,
    period_start: dt.date,
    period_end: dt.date,
    material: str,
    kind: str,
    tonnes: Decimal,
    note: str = "",
    by=None,
) -> ProductionRecord:
    """Record tonnes for a site and period. The same site, period, material and kind twice is refused."""
    record = ProductionRecord(
        site=site,
        period_start=period_start,
        period_end=period_end,
        material=material.strip(),
        kind=kind,
        tonnes=tonnes,
        note=note,
        created_by=by,
    )
    _check_unique(record)
    try:
        with transaction.atomic():
            _save(record, by=by)
    except IntegrityError as exc:  # a concurrent request won the race
        raise AlreadyExists(_duplicate_message()) from exc
    return record


@transaction.atomic
def production_record_update(*, record: ProductionRecord, by=None, **fields) -> ProductionRecord:
    """Change a production record; the audit trail keeps the previous values."""
    for name, value in fields.items():
        setattr(record, name, value.strip() if name == "material" else value)
    _check_unique(record)
    _save(record, by=by)
    return record


@transaction.atomic
def production_record_delete(*, record: ProductionRecord, by=None) -> None:
    """Delete a production record; the audit trail keeps what it was and who deleted it."""
    record._history_user = by
    record.delete()


def _duplicate_message() -> str:
    return _("A record for this site, period, material and kind already exists.")


def _check_unique(record: ProductionRecord) -> None:
    clash = ProductionRecord.objects.filter(
        site=record.site,
        period_start=record.period_start,
        period_end=record.period_end,
        material=record.material,
        kind=record.kind,
    ).exclude(pk=record.pk)
    if clash.exists():
        raise AlreadyExists(_duplicate_message())
