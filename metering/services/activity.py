"""Activity data without meters: recorded and removed here, and the site's KPIs refreshed after."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from greenfactory.core.exceptions import DomainError

from ..models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from ..units import UnitError, canonical_unit
from .factors import FactorMissing, FactorTable

ActivityModel = (
    type[RefrigerantRefill] | type[FuelDelivery] | type[GreenCertificateRetirement] | type[Scope3Activity]
)
ACTIVITY_MODELS = (RefrigerantRefill, FuelDelivery, GreenCertificateRetirement, Scope3Activity)


class ActivityInvalid(DomainError):
    """Activity data the KPIs could not use (unknown gas, a unit that does not measure the fuel)."""


def refresh_after_commit(*, site, day: dt.date) -> None:
    from ..tasks import kpi_site_refresh

    zone = zoneinfo.ZoneInfo(site.time_zone)
    start = dt.datetime.combine(day.replace(day=1), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=32), dt.time(), tzinfo=zone).replace(day=1)
    transaction.on_commit(lambda: kpi_site_refresh.delay(site.pk, start.isoformat(), end.isoformat()))


def _check(instance) -> None:
    if isinstance(instance, RefrigerantRefill):
        try:
            FactorTable.for_site(site=instance.site).gwp(instance.gas)
        except FactorMissing as exc:
            raise ActivityInvalid(exc.message, field="gas") from exc
    if isinstance(instance, FuelDelivery) and instance.fuel:
        try:
            canonical_unit(medium=instance.fuel, unit=instance.unit)
        except UnitError as exc:
            raise ActivityInvalid(str(exc), field="unit") from exc
    if isinstance(instance, GreenCertificateRetirement) and not 2000 <= instance.vintage <= 2100:
        raise ActivityInvalid(_("The vintage must be a year."), field="vintage")


@transaction.atomic
def activity_create(*, model: ActivityModel, site, by=None, **fields):
    """Record one row of activity data for a site; the KPIs of its month are recomputed after commit."""
    instance = model(site=site, created_by=by, **fields)
    _check(instance)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ActivityInvalid("; ".join(exc.messages)) from exc
    instance._history_user = by
    instance.save()
    refresh_after_commit(site=site, day=instance.date)
    return instance


@transaction.atomic
def activity_delete(*, instance, by=None) -> None:
    """Remove a row of activity data; the KPIs of its month are recomputed after commit."""
    instance._history_user = by
    site, day = instance.site, instance.date
    instance.delete()
    refresh_after_commit(site=site, day=day)


class ActivityImportInvalid(DomainError):
    """Rows of an activity import that cannot be recorded; nothing was written."""

    def __init__(self, message: str, *, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


@transaction.atomic
def activity_import(*, form_class, rows: list[dict], by=None) -> int:
    """Record every row of a file (each checked by the kind's form), or none: one bad row refuses
    the file and every error is listed with its line. Returns the number of rows recorded."""
    errors: list[str] = []
    valid = []
    for line, row in enumerate(rows, start=2):
        form = form_class(data={k: "" if v is None else str(v) for k, v in row.items()})
        if not form.is_valid():
            errors += [f"{line}: {field}: {'; '.join(messages)}" for field, messages in form.errors.items()]
            continue
        valid.append((line, form.cleaned_data))
    if not errors:
        for line, data in valid:
            data = dict(data)
            try:
                activity_create(model=form_class._meta.model, site=data.pop("site"), by=by, **data)
            except DomainError as exc:
                errors.append(f"{line}: {exc.field or ''}: {exc.message}")
    if errors:
        raise ActivityImportInvalid(_("Nothing was imported; correct these rows."), errors=errors)
    if not valid:
        raise ActivityImportInvalid(_("The file holds no rows."), errors=[])
    return len(valid)
