"""Every energy and GHG formula of the product, implemented once (DOMAIN.md section 5).

Pure functions: factors and coefficients are arguments, never constants here, because they live in
factor sets that users can correct. Quantities that are summed and reported are Decimal; the
regression works in floats and reports floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

KG_PER_TONNE = Decimal(1000)
CO2_PER_C = Decimal(44) / Decimal(12)


# --- 1. Comprehensive energy consumption (GB/T 2589) -------------------------------------------------


def tce(*, quantity: Decimal, kgce_per_unit: Decimal) -> Decimal:
    """Tonnes of coal equivalent of one energy carrier: q * k / 1000."""
    return quantity * kgce_per_unit / KG_PER_TONNE


def tce_total(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """E_tce = sum(q_i * k_i) / 1000 over (quantity, kgce per unit) pairs."""
    return sum((q * k for q, k in items), Decimal(0)) / KG_PER_TONNE


# --- 2. Combustion CO2, China accounting-guideline method --------------------------------------------


def combustion_co2_china(
    *,
    fuel_quantity: Decimal,
    ncv_gj_per_unit: Decimal,
    carbon_tc_per_tj: Decimal,
    oxidation: Decimal,
) -> Decimal:
    """tCO2 = FC * NCV * CC * OF * 44/12, with NCV in GJ per unit of FC and CC in tC/TJ.

    For natural gas the guideline gives NCV per 10^4 Nm3: pass FC in 10^4 Nm3, or NCV per m3.
    """
    energy_tj = fuel_quantity * ncv_gj_per_unit / Decimal(1000)
    return energy_tj * carbon_tc_per_tj * oxidation * CO2_PER_C


# --- 3. Combustion CO2e, IPCC 2006 method ------------------------------------------------------------


def combustion_co2e_ipcc(
    *,
    energy_tj: Decimal,
    emission_factors_kg_per_tj: Mapping[str, Decimal],
    gwp: Mapping[str, Decimal],
) -> Decimal:
    """tCO2e = sum over gases of energy (TJ) * EF_gas (kg/TJ) * GWP_gas / 1000."""
    total = Decimal(0)
    for gas, factor in emission_factors_kg_per_tj.items():
        total += energy_tj * factor * gwp[gas]
    return total / KG_PER_TONNE


# --- 4 and 5. Scope 2 ----------------------------------------------------------------------------------


def scope2_location(*, kwh: Decimal, grid_kg_per_kwh: Decimal) -> Decimal:
    """Location-based scope 2 in tCO2: kWh * grid factor / 1000."""
    return kwh * grid_kg_per_kwh / KG_PER_TONNE


def scope2_market(*, kwh: Decimal, covered_kwh: Decimal, residual_kg_per_kwh: Decimal) -> Decimal:
    """Market-based scope 2 in tCO2: (kWh - kWh covered by certificates or contracts) * residual factor.

    Coverage beyond consumption does not make emissions negative.
    """
    uncovered = max(kwh - covered_kwh, Decimal(0))
    return uncovered * residual_kg_per_kwh / KG_PER_TONNE


# --- 6. Refrigerants ------------------------------------------------------------------------------------


def blend_gwp(*, mass_fractions: Mapping[str, Decimal], gwp: Mapping[str, Decimal]) -> Decimal:
    """GWP of a blend: sum(mass fraction * GWP of component). Fractions must add up to 1."""
    total_fraction = sum(mass_fractions.values(), Decimal(0))
    if abs(total_fraction - 1) > Decimal("0.0001"):
        raise ValueError(f"mass fractions add up to {total_fraction}, not 1")
    return sum((fraction * gwp[gas] for gas, fraction in mass_fractions.items()), Decimal(0))


def refrigerant_leak_kg(
    *,
    refills_kg: Decimal | None = None,
    stock_change_kg: Decimal | None = None,
    purchases_kg: Decimal | None = None,
    disposals_kg: Decimal | None = None,
) -> Decimal:
    """Leak = refills, or (stock at start - stock at end) + purchases - disposals."""
    if refills_kg is not None:
        return refills_kg
    if stock_change_kg is None or purchases_kg is None or disposals_kg is None:
        raise ValueError("give either refills, or stock change, purchases and disposals")
    return stock_change_kg + purchases_kg - disposals_kg


def refrigerant_co2e(*, leak_kg: Decimal, gwp_value: Decimal) -> Decimal:
    """tCO2e of a refrigerant leak: kg * GWP / 1000."""
    return leak_kg * gwp_value / KG_PER_TONNE


# --- 8. Intensities -------------------------------------------------------------------------------------


def intensity(*, numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator, or None when there is nothing to divide by (no production)."""
    if not denominator:
        return None
    return numerator / denominator


def renewable_share(*, pv_kwh: Decimal, green_kwh: Decimal, total_kwh: Decimal) -> Decimal | None:
    """(on-site PV + purchased green electricity) / total electricity, never above 1: green
    electricity or certificates beyond what was consumed cover nothing more."""
    share = intensity(numerator=pv_kwh + green_kwh, denominator=total_kwh)
    return None if share is None else min(share, Decimal(1))


# --- 9. ISO 50001 / ISO 50006 EnPI ----------------------------------------------------------------------

WEAK_MODEL_R2 = 0.75
MIN_BASELINE_PERIODS = 12


@dataclass(frozen=True)
class Regression:
    """E = intercept + sum(coefficient_i * driver_i), by ordinary least squares."""

    intercept: float
    coefficients: dict[str, float]
    r2: float
    cv_rmse: float
    periods: int

    @property
    def weak(self) -> bool:
        return self.r2 < WEAK_MODEL_R2

    def expected(self, drivers: Mapping[str, float]) -> float:
        return self.intercept + sum(c * float(drivers[name]) for name, c in self.coefficients.items())


def regression_fit(
    *, energy: Sequence[float], drivers: Mapping[str, Sequence[float]], min_periods: int = 1
) -> Regression:
    """Fit energy on the drivers. CV(RMSE) = sqrt(SSE / (n - p)) / mean(E), p counting the intercept."""
    y = np.asarray(energy, dtype=float)
    n = len(y)
    if n < min_periods:
        raise ValueError(f"a baseline needs at least {min_periods} periods; {n} given")
    names = list(drivers)
    columns = [np.ones(n)]
    for name in names:
        column = np.asarray(drivers[name], dtype=float)
        if len(column) != n:
            raise ValueError(f"driver {name} has {len(column)} values for {n} periods")
        columns.append(column)
    x = np.column_stack(columns)
    p = x.shape[1]
    if n <= p:
        raise ValueError(f"{n} periods cannot fit {p} parameters")
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ beta
    sse = float(np.sum((y - fitted) ** 2))
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - sse / sst if sst else 1.0
    cv_rmse = math.sqrt(sse / (n - p)) / float(y.mean()) if y.mean() else float("nan")
    return Regression(
        intercept=float(beta[0]),
        coefficients={name: float(b) for name, b in zip(names, beta[1:], strict=True)},
        r2=r2,
        cv_rmse=cv_rmse,
        periods=n,
    )


@dataclass(frozen=True)
class PeriodPerformance:
    expected: float
    actual: float
    savings: float
    enpi: float


def period_performance(
    *, model: Regression, drivers: Mapping[str, float], actual: float
) -> PeriodPerformance:
    """Expected from the model, savings = expected - actual, EnPI = actual / expected."""
    expected = model.expected(drivers)
    return PeriodPerformance(
        expected=expected, actual=actual, savings=expected - actual, enpi=actual / expected
    )


def cusum(savings: Iterable[float]) -> list[float]:
    """Cumulative sum of savings over time."""
    return [float(v) for v in np.cumsum(list(savings))] if savings else []


# --- 10. Base-year recalculation -----------------------------------------------------------------------


@dataclass(frozen=True)
class BaseYearCheck:
    change: Decimal
    share: Decimal
    recalculate: bool
    restated: Decimal


def base_year_check(
    *, base_total: Decimal, change: Decimal, threshold: Decimal = Decimal("0.05")
) -> BaseYearCheck:
    """Recalculate when a structural change, method change or error moves the base year by >= threshold."""
    share = abs(change) / base_total if base_total else Decimal(0)
    recalculate = share >= threshold
    return BaseYearCheck(
        change=change,
        share=share,
        recalculate=recalculate,
        restated=base_total + change if recalculate else base_total,
    )


CUMULATIVE = "cumulative"


@dataclass(frozen=True)
class BaseYearJudgement:
    """Recorded changes judged kind by kind (structural change, method change, error), and together."""

    kinds: dict[str, BaseYearCheck]  # per kind: its changes summed, judged on its own
    cumulative_share: Decimal  # the kinds' shares added up: changes of different kinds never cancel
    triggers: tuple[str, ...]  # the kinds that reach the threshold, or CUMULATIVE when only together
    recalculate: bool
    change: Decimal  # every change, with its sign: what a restatement adds
    restated: Decimal


def base_year_judge(
    *, base_total: Decimal, changes: Iterable[tuple[str, Decimal]], threshold: Decimal = Decimal("0.05")
) -> BaseYearJudgement:
    """Judge (kind, tCO2e) changes of a base year: recalculate when one change, one kind's changes or
    all kinds together move it by >= threshold. A +1,600 t acquisition is not offset by a -480 t
    method change: each kind is a different reason, and their effects are added as sizes."""
    per_kind: dict[str, Decimal] = {}
    single: dict[str, bool] = {}
    for kind, change in changes:
        per_kind[kind] = per_kind.get(kind, Decimal(0)) + change
        alone = base_year_check(base_total=base_total, change=change, threshold=threshold).recalculate
        single[kind] = single.get(kind, False) or alone
    kinds = {
        kind: base_year_check(base_total=base_total, change=change, threshold=threshold)
        for kind, change in per_kind.items()
    }
    cumulative = sum((check.share for check in kinds.values()), Decimal(0))
    triggers = tuple(kind for kind, check in kinds.items() if check.recalculate or single[kind])
    if not triggers and kinds and cumulative >= threshold:
        triggers = (CUMULATIVE,)
    net = sum(per_kind.values(), Decimal(0))
    return BaseYearJudgement(
        kinds=kinds,
        cumulative_share=cumulative,
        triggers=triggers,
        recalculate=bool(triggers),
        change=net,
        restated=base_total + net if triggers else base_total,
    )


# --- 11. Uncertainty (IPCC approach 1) ---------------------------------------------------------------------


def uncertainty_product(relative_uncertainties: Iterable[float]) -> float:
    """U of a product of quantities: sqrt(sum U_i^2), all relative (0.05 = 5 %)."""
    return math.sqrt(sum(u * u for u in relative_uncertainties))


def uncertainty_sum(items: Iterable[tuple[float, float]]) -> float:
    """Relative U of a sum of (emission, relative uncertainty): sqrt(sum (U_i * E_i)^2) / sum E_i."""
    items = list(items)
    total = sum(e for e, _ in items)
    if not total:
        return 0.0
    return math.sqrt(sum((u * e) ** 2 for e, u in items)) / abs(total)


# --- Purchased heat and steam (scope 2) -------------------------------------------------------------


def purchased_heat_co2(*, gj: Decimal, tco2_per_gj: Decimal) -> Decimal:
    """tCO2 of purchased heat or steam: GJ * factor (tCO2/GJ)."""
    return gj * tco2_per_gj


# --- Product carbon footprint (ISO 14067) ----------------------------------------------------------------


def allocation_share_mass(*, reference_t: Decimal, outputs_t: Iterable[Decimal]) -> Decimal:
    """Share of the burden carried by the reference product, by mass: m_ref / sum(m)."""
    total = sum(outputs_t, Decimal(0))
    if not total:
        raise ValueError("no output to allocate to")
    return reference_t / total


def allocation_share_economic(
    *, reference: tuple[Decimal, Decimal], outputs: Iterable[tuple[Decimal, Decimal]]
) -> Decimal:
    """Share by economic value: m_ref * p_ref / sum(m * p), over (tonnes, price per tonne) pairs."""
    total = sum((t * p for t, p in outputs), Decimal(0))
    if not total:
        raise ValueError("the outputs have no value to allocate by")
    return reference[0] * reference[1] / total


def system_expansion_burden(*, total_kg: Decimal, avoided: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Burden left on the reference product when the co-products are credited with what they avoid:
    total - sum(tonnes * avoided kgCO2e per tonne). May be negative."""
    return total_kg - sum((t * kg for t, kg in avoided), Decimal(0))


def per_declared_unit(*, allocated_kg: Decimal, reference_t: Decimal, declared_t: Decimal) -> Decimal:
    """kgCO2e per declared unit: allocated burden / tonnes of the reference product * tonnes per unit."""
    if not reference_t:
        raise ValueError("no tonnes of the reference product")
    return allocated_kg / reference_t * declared_t


def pedigree_gsd2(*, basic: float, factors: Sequence[float]) -> float:
    """Square of the geometric standard deviation of an item (ecoinvent pedigree approach):
    exp(sqrt(ln(U_b)^2 + sum ln(U_i)^2)), the U being uncertainty factors (GSD^2 contributions)."""
    return math.exp(math.sqrt(math.log(basic) ** 2 + sum(math.log(u) ** 2 for u in factors)))


def pedigree_relative_uncertainty(*, basic: float, factors: Sequence[float]) -> float:
    """The item's relative uncertainty for the sum rule of section 11: GSD^2 - 1 (0.2229 = +22.29 %),
    the distance from the median to the upper end of its 95 % interval."""
    return pedigree_gsd2(basic=basic, factors=factors) - 1


# --- 12. Carbon neutrality (ISO 14068-1:2023) -----------------------------------------------------------

MILESTONE_MAX_GAP_YEARS = 5


@dataclass(frozen=True)
class NeutralityBalance:
    """A period's standing: the base period's footprint less the reductions achieved against it (what
    the period emitted), less removals within the boundary, less retired credits. A balance of zero
    or less is neutral."""

    base_tco2e: Decimal | None
    footprint_tco2e: Decimal
    reductions_tco2e: Decimal | None
    removals_tco2e: Decimal
    credits_tco2e: Decimal
    balance_tco2e: Decimal

    @property
    def neutral(self) -> bool:
        return self.balance_tco2e <= 0


def neutrality_balance(
    *, base_tco2e: Decimal | None, footprint_tco2e: Decimal, removals_tco2e: Decimal, credits_tco2e: Decimal
) -> NeutralityBalance:
    """reductions = base - footprint; balance = base - reductions - removals - credits (which is the
    footprint less removals and credits). Without a base footprint the reductions are unknown."""
    reductions = None if base_tco2e is None else base_tco2e - footprint_tco2e
    return NeutralityBalance(
        base_tco2e=base_tco2e,
        footprint_tco2e=footprint_tco2e,
        reductions_tco2e=reductions,
        removals_tco2e=removals_tco2e,
        credits_tco2e=credits_tco2e,
        balance_tco2e=footprint_tco2e - removals_tco2e - credits_tco2e,
    )


def milestone_gaps(
    *, base_year: int, milestone_years: Iterable[int], target_year: int
) -> list[tuple[int, int]]:
    """The steps from the base year through the milestones to the target year that are longer than
    MILESTONE_MAX_GAP_YEARS, as (from, to) pairs; none when the plan's milestones are close enough."""
    years = [base_year, *sorted(milestone_years), target_year]
    return [(a, b) for a, b in zip(years, years[1:], strict=False) if b - a > MILESTONE_MAX_GAP_YEARS]
