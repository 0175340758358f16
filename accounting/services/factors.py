"""Factor sets: loading the shipped data, editing it, and the factors a site's KPIs use."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.choices import FactorKind
from accounting.models import Factor, FactorSet, SiteKpiSettings
from greenfactory.core.exceptions import DomainError

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "factor_sets.yaml"
DEFAULT_GWP_SET = "gwp-ar5"


class FactorMissing(DomainError):
    """A KPI needs a factor that no factor set holds."""


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
def factor_save(*, factor: Factor, value: Decimal, source: str | None = None, by=None) -> Factor:
    """Save a factor (a new one, or a corrected value and source); its set's version goes up and
    every site's KPIs are recomputed after commit."""
    if value < 0:
        raise DomainError(_("A factor cannot be negative."), field="value")
    factor.value = value
    if source is not None:
        factor.source = source
    factor.save()
    factor_set_touch(factor_set=factor.factor_set)
    return factor


@transaction.atomic
def factor_set_touch(*, factor_set: FactorSet) -> FactorSet:
    """A factor of the set changed: bump its version and recompute the KPIs that may use it."""
    from accounting.tasks import kpis_recompute_all

    FactorSet.objects.filter(pk=factor_set.pk).update(version=factor_set.version + 1)
    factor_set.refresh_from_db()
    transaction.on_commit(lambda: kpis_recompute_all.delay())
    return factor_set


def site_kpi_settings(*, site) -> SiteKpiSettings:
    """The site's KPI settings, created with the defaults on first use."""
    settings = SiteKpiSettings.objects.select_related("gwp_set").filter(site=site).first()
    if settings is not None:
        return settings
    gwp = FactorSet.objects.filter(code=DEFAULT_GWP_SET).first()
    if gwp is None:
        factor_sets_load()
        gwp = FactorSet.objects.get(code=DEFAULT_GWP_SET)
    settings, _created = SiteKpiSettings.objects.get_or_create(site=site, defaults={"gwp_set": gwp})
    return settings


@dataclass
class FactorTable:
    """All factors a site's KPI computation may need, loaded in one query, with lookups that record
    which set, version, key and year each figure used."""

    settings: SiteKpiSettings
    values: dict[tuple[str, str], dict[int, Decimal]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_site(cls, *, site) -> FactorTable:
        settings = site_kpi_settings(site=site)
        codes = {
            "gbt2589",
            "fuel-properties",
            "china-guideline",
            "ipcc-2006",
            "grid-cn",
            "refrigerant-blends",
        }
        codes.add(settings.gwp_set.code)
        table = cls(settings=settings)
        for code, version, key, year, value in Factor.objects.filter(factor_set__code__in=codes).values_list(
            "factor_set__code", "factor_set__version", "key", "year", "value"
        ):
            table.values.setdefault((code, key), {})[year] = value
            table.versions[code] = version
        return table

    def get(self, code: str, key: str, year: int | None = None) -> Decimal:
        """The factor for ``year`` (the latest year not after it, else the earliest), or FactorMissing."""
        by_year = self.values.get((code, key))
        if not by_year:
            raise FactorMissing(
                _("No factor “%(key)s” in the factor set “%(code)s”.") % {"key": key, "code": code}
            )
        return by_year[self.year_of(code, key, year)]

    def year_of(self, code: str, key: str, year: int | None) -> int:
        years = sorted(self.values.get((code, key), {}))
        if year is None:
            return years[-1]
        earlier = [y for y in years if y <= year]
        return earlier[-1] if earlier else years[0]

    def has(self, code: str, key: str) -> bool:
        return (code, key) in self.values

    def gwp(self, gas: str) -> Decimal:
        """GWP of a gas, or of a blend by mass fraction (refrigerant-blends set)."""
        code = self.settings.gwp_set.code
        if self.has(code, gas):
            return self.get(code, gas)
        fractions = {
            key.split(":", 1)[1]: by_year[max(by_year)]
            for (set_code, key), by_year in self.values.items()
            if set_code == "refrigerant-blends" and key.startswith(f"{gas}:")
        }
        if not fractions:
            raise FactorMissing(_("No GWP for “%(gas)s” in %(code)s.") % {"gas": gas, "code": code})
        from accounting.formulas import blend_gwp

        gwp = {component: self.get(code, component) for component in fractions}
        return blend_gwp(mass_fractions=fractions, gwp=gwp)

    def known_gases(self) -> list[str]:
        code = self.settings.gwp_set.code
        gases = {key for (set_code, key) in self.values if set_code == code}
        gases |= {key.split(":")[0] for (set_code, key) in self.values if set_code == "refrigerant-blends"}
        return sorted(gases)


@transaction.atomic
def site_kpi_settings_update(*, settings: SiteKpiSettings, by=None, **fields) -> SiteKpiSettings:
    """Change which grid region, residual factor, GWP set or combustion method a site uses; its
    KPIs are recomputed after commit."""
    from accounting.tasks import kpis_recompute_all

    for name, value in fields.items():
        setattr(settings, name, value)
    if settings.gwp_set.kind != FactorKind.GWP:
        raise DomainError(_("Choose a set of global warming potentials."), field="gwp_set")
    settings._history_user = by
    settings.save()
    site_id = settings.site_id  # only this site's figures depend on its settings
    transaction.on_commit(lambda: kpis_recompute_all.delay(site_id))
    return settings
