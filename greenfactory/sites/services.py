"""Writes for organisations, sites and production records. Each writes the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import AlreadyExists
from greenfactory.core.history import history_user_set
from greenfactory.sites.models import Organisation, ProductionRecord, Site, SiteShift

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

_UNSET: Any = object()


def _save(instance: Organisation | Site | ProductionRecord, *, by: User | None) -> None:
    history_user_set(instance, by)
    instance.full_clean()
    instance.save()


@transaction.atomic
def organisation_create(*, name: str, code: str, by: User | None = None) -> Organisation:
    """Create an organisation with a unique code."""
    organisation = Organisation(name=name, code=code)
    _save(organisation, by=by)
    return organisation


@transaction.atomic
def site_create(
    *,
    organisation: Organisation,
    name: str,
    code: str,
    name_zh: str = "",
    time_zone: str = "Asia/Shanghai",
    address: str = "",
    land_area_m2: Decimal | None = None,
    floor_area_m2: Decimal | None = None,
    industry: str = "",
    by: User | None = None,
) -> Site:
    """Create a site (its time zone decides the buckets of its KPIs)."""
    site = Site(
        organisation=organisation,
        name=name,
        name_zh=name_zh,
        code=code,
        time_zone=time_zone,
        address=address,
        land_area_m2=land_area_m2,
        floor_area_m2=floor_area_m2,
        industry=industry,
    )
    _save(site, by=by)
    return site


@transaction.atomic
def site_update(
    *,
    site: Site,
    organisation: Organisation = _UNSET,
    name: str = _UNSET,
    name_zh: str = _UNSET,
    code: str = _UNSET,
    time_zone: str = _UNSET,
    address: str = _UNSET,
    land_area_m2: Decimal | None = _UNSET,
    floor_area_m2: Decimal | None = _UNSET,
    industry: str = _UNSET,
    by: User | None = None,
) -> Site:
    """Change the given fields of a site (those left out keep their value)."""
    changes = {
        "organisation": organisation,
        "name": name,
        "name_zh": name_zh,
        "code": code,
        "time_zone": time_zone,
        "address": address,
        "land_area_m2": land_area_m2,
        "floor_area_m2": floor_area_m2,
        "industry": industry,
    }
    for field, value in changes.items():
        if value is not _UNSET:
            setattr(site, field, value)
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
    by: User | None = None,
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
def production_record_update(
    *,
    record: ProductionRecord,
    site: Site = _UNSET,
    period_start: dt.date = _UNSET,
    period_end: dt.date = _UNSET,
    material: str = _UNSET,
    kind: str = _UNSET,
    tonnes: Decimal = _UNSET,
    note: str = _UNSET,
    by: User | None = None,
) -> ProductionRecord:
    """Change the given fields of a production record; the audit trail keeps the previous values."""
    changes = {
        "site": site,
        "period_start": period_start,
        "period_end": period_end,
        "material": material.strip() if material is not _UNSET else _UNSET,
        "kind": kind,
        "tonnes": tonnes,
        "note": note,
    }
    for field, value in changes.items():
        if value is not _UNSET:
            setattr(record, field, value)
    _check_unique(record)
    _save(record, by=by)
    return record


@transaction.atomic
def production_record_delete(*, record: ProductionRecord, by: User | None = None) -> None:
    """Delete a production record; the audit trail keeps what it was and who deleted it."""
    history_user_set(record, by)
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


@transaction.atomic
def site_shifts_set(
    *, site: Site, shifts: list[tuple[str, str, dt.time, dt.time]], by: User | None = None
) -> list[SiteShift]:
    """Replace the site's production shifts with ``shifts`` (name, weekdays, start, end), each checked."""
    SiteShift.objects.filter(site=site).delete()
    created = []
    for name, weekdays, start, end in shifts:
        shift = SiteShift(site=site, name=name, weekdays=weekdays, start=start, end=end)
        history_user_set(shift, by)
        shift.full_clean()
        shift.save()
        created.append(shift)
    return created
