"""Reads of factor sets: a site's KPI settings and the table of factors its KPIs use.

Reads never write: a site without stored settings gets unsaved defaults (the data migration stored a
row for every site that existed; ``site_kpi_settings_update`` stores the others on their first save).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Self

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounting.choices import GridRegion
from accounting.formulas import blend_gwp
from accounting.models import Factor, FactorSet, SiteKpiSettings
from accounting.units import KPI_UNIT
from greenfactory.core.choices import choice_label
from greenfactory.core.exceptions import DomainError
from greenfactory.core.localized import local_text
from greenfactory.sites.models import Site
from metering.choices import Medium
from metering.units import canonical_unit, conversion_factor

DEFAULT_GWP_SET = "gwp-ar5"
# The sets a site's KPI computation may read, besides the site's GWP set.
KPI_FACTOR_SETS = frozenset(
    {"gbt2589", "fuel-properties", "china-guideline", "ipcc-2006", "grid-cn", "refrigerant-blends"}
)


class FactorMissing(DomainError):
    """A KPI needs a factor that no factor set holds."""


def site_kpi_settings(*, site: Site) -> SiteKpiSettings:
    """The site's KPI settings, or unsaved defaults (North China grid, AR5, China method) when it has
    none stored yet. One or two queries; never writes."""
    stored = SiteKpiSettings.objects.select_related("gwp_set").filter(site=site).first()
    if stored is not None:
        return stored
    defaults = SiteKpiSettings(site=site)
    gwp = FactorSet.objects.filter(code=DEFAULT_GWP_SET).first()
    if gwp is not None:
        defaults.gwp_set = gwp
    return defaults


def factors_used_labelled(*, used: list[dict]) -> list[dict]:
    """The factors a period's KPIs used (``KpiBucket.factors``), with region and factor-set names (in
    the page's language) beside their codes. One query."""
    codes = {f["gwp"] for f in used} | {code for f in used for code in f.get("sets", {})}
    names = {code: local_text(named) for code, named in factor_set_names(codes=codes).items()}
    return [
        {
            **f,
            "grid": {**f["grid"], "label": choice_label(GridRegion, f["grid"]["region"])},
            "residual": {**f["residual"], "label": choice_label(GridRegion, f["residual"]["region"])},
            "gwp_name": names.get(f["gwp"], f["gwp"]),
            "set_names": [(names.get(code, code), version) for code, version in f.get("sets", {}).items()],
        }
        for f in used
    ]


SHIPPED_FACTOR_SETS = Path(__file__).resolve().parent.parent / "data" / "factor_sets.yaml"
SHIPPED_UNCERTAINTIES = Path(__file__).resolve().parent.parent / "data" / "uncertainty_defaults.yaml"


@functools.cache
def _shipped_chinese() -> dict[tuple, dict[str, str]]:
    """English text -> Chinese text of the shipped data, per (what, set code or source, ...)."""
    found: dict[tuple, dict[str, str]] = {}
    for entry in yaml.safe_load(SHIPPED_FACTOR_SETS.read_text(encoding="utf-8")):
        found[("set", entry["code"])] = {entry["name"]: entry.get("name_zh", "")}
        for row in entry["factors"]:
            found[("source", entry["code"], row["key"], row["year"])] = {
                row["source"]: row.get("source_zh", "")
            }
    for entry in yaml.safe_load(SHIPPED_UNCERTAINTIES.read_text(encoding="utf-8")):
        found[("basis", entry["source"])] = {entry["basis"]: entry.get("basis_zh", "")}
    return found


def shipped_chinese(*, english: str, what: str, of: tuple) -> str:
    """The Chinese text shipped for a factor set's name (``what="set"``, of=(code,)), a factor's
    source (``"source"``, (code, key, year)) or an uncertainty basis (``"basis"``, (source,)); empty
    when there is none or the English text is no longer the shipped one (an administrator's
    correction is never shown beside a stale translation)."""
    return _shipped_chinese().get((what, *of), {}).get(english, "")


def factor_set_names(*, codes: set[str]) -> dict[str, dict[str, str]]:
    """Name and shipped Chinese name of each factor set. One query."""
    return {
        code: {"name": name, "name_zh": shipped_chinese(english=name, what="set", of=(code,))}
        for code, name in FactorSet.objects.filter(code__in=codes).values_list("code", "name")
    }


_FUEL_PARAMETERS = {
    "ncv": gettext_lazy("net calorific value"),
    "cc": gettext_lazy("carbon content per unit of heat"),
    "of": gettext_lazy("oxidation factor"),
    "co2": gettext_lazy("CO2 emission factor"),
    "density": gettext_lazy("density"),
    "enthalpy": gettext_lazy("enthalpy"),
}
_OTHER_CARRIERS = {"raw_coal": gettext_lazy("Raw coal")}


def factor_key_label(*, set_code: str, key: str) -> str:
    """A factor's key in words (``diesel.ncv`` -> "Diesel, net calorific value"), in the page's
    language; gases (CO2, HFC-134a) are their own names. An unknown key is shown as it is."""
    if ":" in key:  # a blend's component: R-410A:HFC-32
        blend, component = key.split(":", 1)
        return _("%(blend)s: mass fraction of %(component)s") % {"blend": blend, "component": component}
    if set_code == "grid-cn":
        return choice_label(GridRegion, key)
    carrier, _dot, parameter = key.partition(".")
    carrier_label = (
        str(_OTHER_CARRIERS[carrier]) if carrier in _OTHER_CARRIERS else choice_label(Medium, carrier)
    )
    if not parameter:
        return carrier_label
    if parameter not in _FUEL_PARAMETERS:
        return key
    return _("%(carrier)s, %(parameter)s") % {
        "carrier": carrier_label,
        "parameter": _FUEL_PARAMETERS[parameter],
    }


@dataclass
class FactorTable:
    """All factors a site's KPI computation may need, loaded in one query, with lookups that record
    which set, version, key and year each figure used."""

    settings: SiteKpiSettings
    values: dict[tuple[str, str], dict[int, Decimal]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_site(cls, *, site: Site) -> Self:
        settings = site_kpi_settings(site=site)
        if settings.gwp_set_id is None:
            raise FactorMissing(_("No GWP set “%(code)s”.") % {"code": DEFAULT_GWP_SET})
        codes = {*KPI_FACTOR_SETS, settings.gwp_set.code}
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
        fractions = self.blend_fractions(gas)
        if not fractions:
            raise FactorMissing(_("No GWP for “%(gas)s” in %(code)s.") % {"gas": gas, "code": code})
        gwp = {component: self.get(code, component) for component in fractions}
        return blend_gwp(mass_fractions=fractions, gwp=gwp)

    def blend_fractions(self, gas: str) -> dict[str, Decimal]:
        """A refrigerant blend's components and mass fractions (latest year); empty for a pure gas."""
        return {
            key.split(":", 1)[1]: by_year[max(by_year)]
            for (set_code, key), by_year in self.values.items()
            if set_code == "refrigerant-blends" and key.startswith(f"{gas}:")
        }

    def known_gases(self) -> list[str]:
        code = self.settings.gwp_set.code
        gases = {key for (set_code, key) in self.values if set_code == code}
        gases |= {key.split(":")[0] for (set_code, key) in self.values if set_code == "refrigerant-blends"}
        return sorted(gases)


def _dec(value: float) -> Decimal:
    return Decimal(repr(round(float(value), 9)))


def to_kpi_unit(*, medium: str, unit: str, quantity: Decimal, factors: FactorTable) -> Decimal:
    """Convert a quantity of a medium to its KPI unit (pint, then density or enthalpy from factors)."""
    canonical = canonical_unit(medium=medium, unit=unit)
    quantity = quantity * _dec(conversion_factor(unit=unit, to=canonical))
    target = KPI_UNIT[medium]
    if canonical == target:
        return quantity
    if canonical == "L":  # liquid fuels by volume -> kg
        return quantity * factors.get("fuel-properties", f"{medium}.density")
    if canonical == "t":  # steam by mass -> GJ
        return quantity * factors.get("fuel-properties", f"{medium}.enthalpy")
    return quantity * _dec(conversion_factor(unit=canonical, to=target))
