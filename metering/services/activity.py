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
