"""The data structure of the yearly ISO 14064-1 GHG inventory: what ``ghg_inventory`` returns and the
page, the Excel export, the API and the dossier render. Plain dataclasses with Decimal figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from accounting.formulas import CUMULATIVE
from accounting.models.inventory import EmissionSource, RecalculationKind
from accounting.selectors.kpis import q6
from greenfactory.core.choices import choice_label
from greenfactory.core.time import months_add
from metering.choices import Medium

CATEGORIES = (1, 2, 3, 4, 5, 6)
CATEGORY_LABELS = {
    "1": gettext_lazy("1 · Direct emissions (scope 1)"),
    "2": gettext_lazy("2 · Imported energy (scope 2, location-based)"),
    "3": gettext_lazy("3 · Transport"),
    "4": gettext_lazy("4 · Products used by the organisation"),
    "5": gettext_lazy("5 · Use of the organisation's products"),
    "6": gettext_lazy("6 · Other indirect emissions"),
}
GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
_PFCS = {"CF4", "C2F6", "C3F8", "C4F10", "C5F12", "C6F14", "c-C4F8"}
SOURCE_CATEGORY = {
    EmissionSource.STATIONARY_COMBUSTION: 1,
    EmissionSource.REFRIGERANTS: 1,
    EmissionSource.IMPORTED_ELECTRICITY: 2,
    EmissionSource.IMPORTED_HEAT: 2,
    EmissionSource.CATEGORY3: 3,
    EmissionSource.CATEGORY4: 4,
    EmissionSource.CATEGORY5: 5,
    EmissionSource.CATEGORY6: 6,
}
FUELS = (Medium.NATURAL_GAS, Medium.DIESEL, Medium.GASOLINE, Medium.LPG)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def gas_family(gas: str) -> str:
    """The reporting gas (group) of a GWP-set key: HFC-32 -> HFCs, CF4 -> PFCs, SF6 -> SF6."""
    if gas in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return gas
    if gas.upper().startswith("HFC"):
        return "HFCs"
    if gas.upper().startswith("PFC") or gas in _PFCS:
        return "PFCs"
    return "HFCs" if gas.upper().startswith("R-") else gas


def recalculation_trigger_label(trigger: str) -> str:
    """What made a base year need recalculating: a kind of change, or all kinds together."""
    if trigger == CUMULATIVE:
        return gettext("the changes of every kind together")
    return choice_label(RecalculationKind, trigger)


# --- The data structure ---------------------------------------------------------------------------------


@dataclass
class BoundarySite:
    code: str
    name: str
    included: bool
    share_pct: Decimal
    note: str
    name_zh: str = ""


@dataclass
class CategoryRow:
    category: int
    included: bool
    justification: str
    tco2e: Decimal  # what the KPIs hold for the category, at the sites' shares
    reported_tco2e: Decimal | None  # None when the category is outside the reporting boundary


@dataclass
class RefrigerantRow:
    gas: str
    kg: Decimal
    gwp: Decimal
    tco2e: Decimal
    components: dict[str, Decimal]  # reporting gas -> tCO2e


@dataclass
class SourceRow:
    source: str
    category: int
    included: bool
    activity: list[tuple[str, Decimal, str]]  # (medium, quantity, unit)
    tco2e: Decimal
    uncertainty_pct: Decimal
    basis: str
    uncertainty_tco2e: Decimal = _ZERO  # ± tCO2e: emissions x uncertainty
    basis_zh: str = ""

    def __post_init__(self) -> None:
        self.uncertainty_tco2e = self.tco2e * self.uncertainty_pct / _HUNDRED


@dataclass
class FactorUsed:
    set_code: str
    set_name: str
    version: int
    key: str
    year: int
    value: Decimal
    unit: str
    source: str
    set_name_zh: str = ""
    source_zh: str = ""
    key_label: str = ""  # the key in words, in the language it was read in


@dataclass
class RecalculationRow:
    date: dt.date
    kind: str
    effect_tco2e: Decimal
    share_pct: Decimal
    reason: str


@dataclass
class RecalculationKindRow:
    """One kind of change (structural, method, error): its events summed, judged on its own."""

    kind: str
    change_tco2e: Decimal
    share_pct: Decimal
    triggers: bool  # this kind (one of its events, or their sum) reaches the threshold


@dataclass
class BaseYear:
    year: int
    total_tco2e: Decimal
    threshold_pct: Decimal
    events: list[RecalculationRow]
    change_tco2e: Decimal  # every change with its sign: what a restatement adds
    change_pct: Decimal
    recalculate: bool
    restated_tco2e: Decimal
    kinds: list[RecalculationKindRow] = field(default_factory=list)
    cumulative_pct: Decimal = _ZERO  # the kinds' shares added up (kinds never cancel each other)
    triggered_by: list[str] = field(default_factory=list)  # kinds, or "cumulative"


@dataclass
class MonthCoverage:
    """A month of the year with fewer days of data than it has (none, or some)."""

    month: dt.date
    days_with_data: int
    days: int


@dataclass
class Inventory:
    organisation_code: str
    organisation_name: str
    year: int
    start: dt.date
    end: dt.date
    consolidation: str
    boundary_note: str
    sites: list[BoundarySite]
    categories: list[CategoryRow]
    gases: dict[int, dict[str, Decimal]]  # category 1 and 2 -> reporting gas -> tCO2e
    refrigerants: list[RefrigerantRow]
    scope1_tco2e: Decimal
    scope2_location_tco2e: Decimal
    scope2_market_tco2e: Decimal
    electricity_kwh: Decimal
    green_kwh: Decimal
    certificates_kwh: Decimal
    total_tco2e: Decimal  # categories in the reporting boundary, scope 2 location-based
    total_market_tco2e: Decimal  # the same with scope 2 market-based
    kpi_total_tco2e: Decimal  # every category, as the KPI API sums it
    sources: list[SourceRow]
    combined_uncertainty_pct: Decimal | None
    factors: list[FactorUsed]
    gwp_sets: list[str]
    combustion_methods: list[str]
    grid: list[dict]
    residual: list[dict]
    base_year: BaseYear | None
    months_with_data: int  # months with any data, however few days
    unsplit_gases: dict[int, Decimal] = field(default_factory=dict)  # categories 3-6: CO2e, not by gas
    days_with_data: int = 0  # days of the year with data (the most at any counted site, month by month)
    days: int = 0  # days in the year
    incomplete_months: list[MonthCoverage] = field(default_factory=list)
    gwp_set_names: list[dict[str, str]] = field(default_factory=list)  # name, name_zh of each GWP set

    @property
    def complete(self) -> bool:
        """Whether every day of the year has data: otherwise the totals are not the year's."""
        return self.days_with_data >= self.days

    def as_dict(self) -> dict:
        """JSON-ready: decimals as strings with six places."""
        return {**_jsonable(asdict(self)), "complete": self.complete}


def year_coverage(*, month_days: dict[dt.date, int], start: dt.date, end: dt.date) -> dict:
    """How many days of the year have data (``month_days``: first of month -> days with data), and
    the months that lack some: a year or month with fewer days of data than it has is not a year's
    or month's total, and is marked as such."""
    months = []
    month = start
    while month <= end:
        following = months_add(month, 1)
        days, found = (following - month).days, month_days.get(month, 0)
        if found < days:
            months.append(MonthCoverage(month=month, days_with_data=found, days=days))
        month = following
    return {
        "days_with_data": sum(month_days.values()),
        "days": (end - start).days + 1,
        "incomplete_months": months,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(q6(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
