"""Factor sets: loading the shipped data, editing it, and a site's choice of factors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Self

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.choices import FactorKind
from accounting.models import Factor, FactorSet, SiteKpiSettings
from accounting.selectors import factors as selectors
from accounting.selectors.factors import DEFAULT_GWP_SET
from accounting.selectors.factors import FactorMissing as FactorMissing  # raised by the writes too
from greenfactory.core.dispatch import task_after_commit
from greenfactory.core.exceptions import DomainError
from greenfactory.core.history import history_user_set
from greenfactory.sites.models import Site

if TYPE_CHECKING:
    from greenfactory.accounts.models import User

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "factor_sets.yaml"


@transaction.atomic
def factor_sets_load(*, path: Path = SHIPPED) -> int:
    """Create the factor sets of a data file that are not in the database yet; returns how many.

    Sets already present are left alone, so corrections made by administrators survive a reload.
    """
    created = 0
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        if FactorSet.objects.filter(code=entry["code"]).exists():
            continue
        factor_set = FactorSet.objects.create(
            code=entry["code"], name=entry["name"], kind=FactorKind(entry["kind"]), version=entry["version"]
        )
        Factor.objects.bulk_create(
            Factor(
                factor_set=factor_set,
                key=row["key"],
                year=row["year"],
                value=Decimal(str(row["value"])),
                unit=row["unit"],
                source=row["source"],
            )
            for row in entry["factors"]
        )
        created += 1
    return created


@transaction.atomic
def factor_save(
    *, factor: Factor, value: Decimal, source: str | None = None, by: User | None = None
) -> Factor:
    """Save a factor (a new one, or a corrected value and source); its set's version goes up and
    every site's KPIs are recomputed after commit."""
    if value < 0:
        raise DomainError(_("A factor cannot be negative."), field="value")
    factor.value = value
    if source is not None:
        factor.source = source
    history_user_set(factor, by)
    factor.save()
    factor_set_touch(factor_set=factor.factor_set)
    return factor


@transaction.atomic
def factor_delete(*, factor: Factor, by: User | None = None) -> None:
    """Remove a factor; its set's version goes up and every site's KPIs are recomputed after commit."""
    factor_set = factor.factor_set
    history_user_set(factor, by)
    factor.delete()
    factor_set_touch(factor_set=factor_set)


@transaction.atomic
def factor_set_touch(*, factor_set: FactorSet) -> FactorSet:
    """A factor of the set changed: bump its version and recompute the KPIs that may use it."""
    FactorSet.objects.filter(pk=factor_set.pk).update(version=factor_set.version + 1)
    factor_set.refresh_from_db()
    task_after_commit("accounting.kpis_recompute_all")
    return factor_set


class FactorTable(selectors.FactorTable):
    """The factor table of the write paths (KPI computation, activity checks): a database without the
    default GWP set (one emptied by hand or by a test's flush) gets the shipped factor sets first."""

    @classmethod
    def for_site(cls, *, site: Site) -> Self:
        if not FactorSet.objects.filter(code=DEFAULT_GWP_SET).exists():
            factor_sets_load()
        return super().for_site(site=site)


@transaction.atomic
def site_kpi_settings_update(
    *,
    settings: SiteKpiSettings,
    grid_region: str | None = None,
    residual_region: str | None = None,
    gwp_set: FactorSet | None = None,
    combustion_method: str | None = None,
    by: User | None = None,
) -> SiteKpiSettings:
    """Change which grid region, residual factor, GWP set or combustion method a site uses (a value
    left None keeps the one set; the first save of a site's unsaved defaults stores its row); its KPIs
    are recomputed after commit."""
    if settings.pk is None:
        # Two first saves at once: the second waits, then changes the row the first one stored.
        Site.objects.select_for_update().filter(pk=settings.site_id).values_list("pk", flat=True).first()
        stored = SiteKpiSettings.objects.filter(site_id=settings.site_id).first()
        if stored is not None:
            for name in ("grid_region", "residual_region", "gwp_set_id", "combustion_method"):
                setattr(stored, name, getattr(settings, name))
            settings = stored
    if grid_region is not None:
        settings.grid_region = grid_region
    if residual_region is not None:
        settings.residual_region = residual_region
    if gwp_set is not None:
        settings.gwp_set = gwp_set
    if combustion_method is not None:
        settings.combustion_method = combustion_method
    if settings.gwp_set.kind != FactorKind.GWP:
        raise DomainError(_("Choose a set of global warming potentials."), field="gwp_set")
    history_user_set(settings, by)
    settings.save()
    site_id = settings.site_id  # only this site's figures depend on its settings
    task_after_commit("accounting.kpis_recompute_all", site_id)
    return settings
