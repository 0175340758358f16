"""Activity data without meters: recorded, corrected and removed here, and the site's KPIs refreshed
after.

Each kind's values are a typed, keyword-only value object (``RefrigerantRefillValues`` ...): the one
create, update and import services take them, whatever the kind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services.factors import FactorMissing, FactorTable
from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.spans import spans_cover_by
from greenfactory.core.time import months_around
from greenfactory.core.validators import year_is_plausible
from metering.units import UnitError, canonical_unit

if TYPE_CHECKING:
    from greenfactory.accounts.models import User
    from greenfactory.sites.models import Site

ActivityModel = (
    type[RefrigerantRefill] | type[FuelDelivery] | type[GreenCertificateRetirement] | type[Scope3Activity]
)
Activity = RefrigerantRefill | FuelDelivery | GreenCertificateRetirement | Scope3Activity
ACTIVITY_MODELS = (RefrigerantRefill, FuelDelivery, GreenCertificateRetirement, Scope3Activity)


@dataclass(frozen=True, kw_only=True)
class RefrigerantRefillValues:
    """Refrigerant put back into a piece of equipment (kg of a gas of the GWP set, or a blend)."""

    model: ClassVar[type[RefrigerantRefill]] = RefrigerantRefill
    date: dt.date
    equipment: str
    gas: str
    kg: Decimal
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class FuelDeliveryValues:
    """Fuel bought and burnt without a meter, in a unit that measures the fuel."""

    model: ClassVar[type[FuelDelivery]] = FuelDelivery
    date: dt.date
    fuel: str
    quantity: Decimal
    unit: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class GreenCertificateValues:
    """Green electricity certificates retired for the site, of a vintage year."""

    model: ClassVar[type[GreenCertificateRetirement]] = GreenCertificateRetirement
    date: dt.date
    kwh: Decimal
    vintage: int
    certificate_ref: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Scope3ActivityValues:
    """Indirect activity with its own emission factor (ISO 14064-1 categories 3 to 6)."""

    model: ClassVar[type[Scope3Activity]] = Scope3Activity
    date: dt.date
    category: int
    description: str
    quantity: Decimal
    unit: str
    factor_kg_per_unit: Decimal
    factor_source: str
    note: str = ""


ActivityValues = RefrigerantRefillValues | FuelDeliveryValues | GreenCertificateValues | Scope3ActivityValues
_VALUES: dict[ActivityModel, type[ActivityValues]] = {
    values.model: values
    for values in (RefrigerantRefillValues, FuelDeliveryValues, GreenCertificateValues, Scope3ActivityValues)
}


def activity_values(*, model: ActivityModel, data: Mapping[str, Any]) -> ActivityValues:
    """The values of a row of ``model`` from a form's or serializer's cleaned data, its site left out
    (a key that names no value of the kind raises TypeError)."""
    return _VALUES[model](**data)


def _fields(values: ActivityValues) -> dict[str, Any]:
    return {field.name: getattr(values, field.name) for field in dataclasses.fields(values)}


class ActivityInvalid(DomainError):
    """Activity data the KPIs could not use (unknown gas, a unit that does not measure the fuel)."""


def refresh_after_commit(*, site: Site, day: dt.date, last: dt.date | None = None) -> None:
    """After commit, recompute the site's KPIs of the months from ``day`` to ``last`` (or ``day``'s)."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    start, end = months_around(
        *(dt.datetime.combine(d, dt.time(), tzinfo=zone) for d in (day, last or day)), zone=zone
    )
    task_after_commit("accounting.kpi_site_refresh", site.pk, start.isoformat(), end.isoformat())


def _check(instance: Activity, factors: FactorTable | None = None) -> None:
    if isinstance(instance, RefrigerantRefill):
        try:
            (factors or FactorTable.for_site(site=instance.site)).gwp(instance.gas)
        except FactorMissing as exc:
            raise ActivityInvalid(exc.message, field="gas") from exc
    if isinstance(instance, FuelDelivery) and instance.fuel:
        try:
            canonical_unit(medium=instance.fuel, unit=instance.unit)
        except UnitError as exc:
            raise ActivityInvalid(str(exc), field="unit") from exc
    if isinstance(instance, GreenCertificateRetirement) and not year_is_plausible(instance.vintage):
        raise ActivityInvalid(_("The vintage must be a year."), field="vintage")


def _record(instance: Activity, *, by: User | None, factors: FactorTable | None = None) -> None:
    _check(instance, factors)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ActivityInvalid("; ".join(exc.messages)) from exc
    history_user_set(instance, by)
    instance.save()


@transaction.atomic
def activity_create(
    *,
    site: Site,
    values: ActivityValues,
    by: User | None = None,
    factors: FactorTable | None = None,
    refresh: bool = True,
) -> Activity:
    """Record one row of activity data for a site; the KPIs of its month are recomputed after commit
    (``refresh=False``: the caller recomputes, as an import does once for all its rows)."""
    instance = values.model(site=site, created_by=by, **_fields(values))
    _record(instance, by=by, factors=factors)
    if refresh:
        refresh_after_commit(site=site, day=instance.date)
    return instance


@transaction.atomic
def activity_update(*, activity: Activity, values: ActivityValues, by: User | None = None) -> Activity:
    """Correct a row of activity data with the checks of ``activity_create`` (its site and author stay);
    the KPIs of its month, and of the month it moved from, are recomputed after commit. Answers the
    stored row; ``activity`` itself is left as it was given."""
    if not isinstance(activity, values.model):
        raise TypeError(f"{type(values).__name__} are not the values of a {type(activity).__name__}")
    rows = type(activity)._default_manager.select_for_update(of=("self",)).select_related("site")
    stored = rows.get(pk=activity.pk)
    before = stored.date
    for name, value in _fields(values).items():
        setattr(stored, name, value)
    _record(stored, by=by)
    refresh_after_commit(site=stored.site, day=stored.date)
    if (before.year, before.month) != (stored.date.year, stored.date.month):
        refresh_after_commit(site=stored.site, day=before)
    return stored


@transaction.atomic
def activity_delete(*, instance: Activity, by: User | None = None) -> None:
    """Remove a row of activity data; the KPIs of its month are recomputed after commit."""
    history_user_set(instance, by)
    site, day = instance.site, instance.date
    instance.delete()
    refresh_after_commit(site=site, day=day)


class ActivityImportInvalid(DomainError):
    """Rows of an activity import that cannot be recorded; nothing was written."""

    def __init__(self, message: str | None = None, *, errors: list[str]) -> None:
        super().__init__(message or _("Nothing was imported; correct these rows."))
        self.errors = errors


@dataclass(frozen=True)
class ActivityRow:
    """A row of an import file: its line in the file (the header is line 1), its site and values."""

    line: int
    site: Site
    values: ActivityValues


@transaction.atomic
def activity_import(*, rows: Sequence[ActivityRow], by: User | None = None) -> int:
    """Record every row of a file, or none: one row the checks refuse refuses the file and every
    refusal is listed with its line. Returns the number of rows recorded."""
    if not rows:
        raise ActivityImportInvalid(_("The file holds no rows."), errors=[])
    errors: list[str] = []
    # One factor table per site for the checks, and one KPI refresh per site for the months the
    # file covers, rather than one of each per row.
    tables: dict[int, FactorTable] = {}
    sites: dict[int, Site] = {}
    recorded: list[tuple[int, dt.date, dt.date]] = []
    for row in rows:
        site = row.site
        if site.pk not in tables:
            tables[site.pk] = FactorTable.for_site(site=site)
        try:
            instance = activity_create(
                site=site, values=row.values, by=by, factors=tables[site.pk], refresh=False
            )
        except DomainError as exc:
            errors.append(f"{row.line}: {exc.field or ''}: {exc.message}")
            continue
        sites[site.pk] = site
        recorded.append((site.pk, instance.date, instance.date))
    if errors:
        raise ActivityImportInvalid(errors=errors)
    for site_id, span in spans_cover_by(recorded).items():
        refresh_after_commit(site=sites[site_id], day=span.start, last=span.end)
    return len(rows)
