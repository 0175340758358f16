"""Activity data without meters: recorded and removed here, and the site's KPIs refreshed after."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.services.factors import FactorMissing, FactorTable
from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.core.spans import spans_cover_by
from greenfactory.core.tabular import TableRow
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


@transaction.atomic
def activity_create(
    *,
    model: ActivityModel,
    site: Site,
    by: User | None = None,
    factors: FactorTable | None = None,
    refresh: bool = True,
    **fields: Any,
) -> Activity:
    """Record one row of activity data for a site; the KPIs of its month are recomputed after commit
    (``refresh=False``: the caller recomputes, as an import does once for all its rows)."""
    instance = model(site=site, created_by=by, **fields)
    _check(instance, factors)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ActivityInvalid("; ".join(exc.messages)) from exc
    history_user_set(instance, by)
    instance.save()
    if refresh:
        refresh_after_commit(site=site, day=instance.date)
    return instance


@transaction.atomic
def activity_delete(*, instance: Activity, by: User | None = None) -> None:
    """Remove a row of activity data; the KPIs of its month are recomputed after commit."""
    history_user_set(instance, by)
    site, day = instance.site, instance.date
    instance.delete()
    refresh_after_commit(site=site, day=day)


class ActivityImportInvalid(DomainError):
    """Rows of an activity import that cannot be recorded; nothing was written."""

    def __init__(self, message: str, *, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


@transaction.atomic
def activity_import(
    *, form_class: type[forms.ModelForm[Activity]], rows: list[dict], by: User | None = None
) -> int:
    """Record every row of a file (each checked by the kind's form), or none: one bad row refuses
    the file and every error is listed with its line. Returns the number of rows recorded."""
    errors: list[str] = []
    valid = []
    for position, row in enumerate(rows, start=2):
        line = row.line if isinstance(row, TableRow) else position  # rows read from a file know their line
        form = form_class(data={k: "" if v is None else str(v) for k, v in row.items()})
        if not form.is_valid():
            # An ErrorList yields its messages as text (the stubs type its items as ValidationError too).
            errors += [
                f"{line}: {field}: {'; '.join(str(m) for m in messages)}"
                for field, messages in form.errors.items()
            ]
            continue
        valid.append((line, form.cleaned_data))
    if not errors:
        # One factor table per site for the checks, and one KPI refresh per site for the months
        # the file covers, rather than one of each per row.
        tables: dict[int, FactorTable] = {}
        sites: dict[int, Site] = {}
        recorded: list[tuple[int, dt.date, dt.date]] = []
        for line, data in valid:
            data = dict(data)
            site = data.pop("site")
            if site.pk not in tables:
                tables[site.pk] = FactorTable.for_site(site=site)
            try:
                activity_create(
                    model=form_class._meta.model,
                    site=site,
                    by=by,
                    factors=tables[site.pk],
                    refresh=False,
                    **data,
                )
            except DomainError as exc:
                errors.append(f"{line}: {exc.field or ''}: {exc.message}")
                continue
            sites[site.pk] = site
            recorded.append((site.pk, data["date"], data["date"]))
        if not errors:
            for site_id, span in spans_cover_by(recorded).items():
                refresh_after_commit(site=sites[site_id], day=span.start, last=span.end)
    if errors:
        raise ActivityImportInvalid(_("Nothing was imported; correct these rows."), errors=errors)
    if not valid:
        raise ActivityImportInvalid(_("The file holds no rows."), errors=[])
    return len(valid)
