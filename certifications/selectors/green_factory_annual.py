"""The annual dynamic-management form of a listed green factory: the year's figures the yearly filing
asks for, on one page and in one workbook, each with where it comes from.

Nothing is computed here that the dashboard or the evaluation does not already show: energy,
emissions, water and production are the site's stored KPIs for the calendar year (``kpi_series``, the
dashboard's read path), the indicators are the evaluation's values as stored (automatic with their
provenance, or entered by hand with the reason), and the basic requirements are the gate as it
stands today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounting.selectors.kpis import TOTAL, KpiBucket, kpi_series, kpis_computed_at
from accounting.units import KPI_UNIT
from metering.choices import Medium

from ..models import Evaluation, GateOutcome, ValueOrigin
from .green_factory import EvaluationScore, evaluation_score, provenance_summary
from .green_factory_gate import GateCheck, evaluation_gate, gate_passed, gate_verdict_label


@dataclass
class AnnualRow:
    code: str  # stable key of the figure (tests, exports, the API)
    label: str
    value: Decimal | str | None
    unit: str
    source: str  # where the figure comes from, in words

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, Decimal)


@dataclass
class AnnualSection:
    key: str
    title: str
    rows: list[AnnualRow] = field(default_factory=list)
    source: str = ""  # the source most of its rows share (the page says it once)


@dataclass
class AnnualForm:
    evaluation: Evaluation
    sections: list[AnnualSection]
    complete: bool  # every day of the year has KPIs
    days_with_data: int
    days: int


def _kpi_source(bucket: KpiBucket | None, computed_at: dt.datetime | None) -> str:
    if bucket is None:
        return _("No KPIs are stored for this site and year.")
    found: dict[str, str] = {}
    for row in bucket.factors:
        found.update({str(k): str(v) for k, v in (row.get("sets") or {}).items()})
    sets = ", ".join(f"{k} {v}" for k, v in sorted(found.items()))
    text = _("Site KPIs %(start)s to %(end)s, %(with)s of %(days)s days with data") % {
        "start": bucket.start.isoformat(),
        "end": bucket.end.isoformat(),
        "with": bucket.days_with_data,
        "days": bucket.days,
    }
    if sets:
        text += "; " + _("factor sets %(sets)s") % {"sets": sets}
    if computed_at is not None:
        text += "; " + _("KPIs computed at %(at)s") % {"at": computed_at.strftime("%Y-%m-%d %H:%M")}
    return text


def _energy_section(bucket: KpiBucket | None, source: str) -> AnnualSection:
    section = AnnualSection("energy", _("Energy"), source=source)
    if bucket is None:
        section.rows.append(AnnualRow("tce", _("Comprehensive energy consumption"), None, "tce", source))
        return section
    f, totals = bucket.figures, bucket.as_dict()
    section.rows.append(AnnualRow("tce", _("Comprehensive energy consumption"), f["tce"], "tce", source))
    for medium, quantity in sorted(bucket.consumption.items()):
        if medium == Medium.WATER:
            continue  # with production and water below
        label = str(Medium(medium).label) if medium in Medium.values else medium
        section.rows.append(
            AnnualRow(f"consumption.{medium}", label, quantity, KPI_UNIT.get(medium, ""), source)
        )
    share = totals["renewable_share"]
    section.rows.append(
        AnnualRow(
            "renewable_share",
            _("Renewable share of electricity"),
            Decimal(share) * 100 if share is not None else None,
            "%",
            source,
        )
    )
    kgce = totals["kgce_per_t"]
    section.rows.append(
        AnnualRow(
            "kgce_per_t",
            _("Energy per tonne processed"),
            Decimal(kgce) if kgce is not None else None,
            "kgce/t",
            source,
        )
    )
    return section


def _emissions_section(bucket: KpiBucket | None, source: str) -> AnnualSection:
    section = AnnualSection("emissions", _("Greenhouse-gas emissions"), source=source)
    if bucket is None:
        return section
    f, totals = bucket.figures, bucket.as_dict()
    for code, label in (
        ("scope1_tco2e", _("Scope 1 (direct)")),
        ("scope2_location_tco2e", _("Scope 2, location-based")),
        ("scope2_market_tco2e", _("Scope 2, market-based")),
    ):
        section.rows.append(AnnualRow(code, label, f[code], "tCO2e", source))
    section.rows.append(
        AnnualRow("total_tco2e", _("Total, categories 1 to 6"), bucket.total_tco2e, "tCO2e", source)
    )
    per_t = totals["tco2e_per_t"]
    section.rows.append(
        AnnualRow(
            "tco2e_per_t",
            _("Emissions per tonne processed"),
            Decimal(per_t) if per_t is not None else None,
            "tCO2e/t",
            source,
        )
    )
    return section


def _resources_section(bucket: KpiBucket | None, source: str) -> AnnualSection:
    section = AnnualSection("resources", _("Production and water"), source=source)
    if bucket is None:
        return section
    f, totals = bucket.figures, bucket.as_dict()
    section.rows.append(AnnualRow("processed_t", _("Tonnes processed"), f["processed_t"], "t", source))
    section.rows.append(AnnualRow("water_m3", _("Water intake"), f["water_m3"], "m3", source))
    per_t = totals["water_m3_per_t"]
    section.rows.append(
        AnnualRow(
            "water_m3_per_t",
            _("Water intake per tonne processed"),
            Decimal(per_t) if per_t is not None else None,
            "m3/t",
            source,
        )
    )
    return section


def _evaluation_section(score: EvaluationScore, gate: list[GateCheck]) -> AnnualSection:
    section = AnnualSection("evaluation", _("Self-evaluation"))
    section.rows.append(
        AnnualRow("score", _("Total score"), score.total, _("of %(max)s") % {"max": score.weight}, "")
    )
    section.rows.append(
        AnnualRow("gate", _("Basic requirements (gate)"), gate_verdict_label(gate_passed(gate)), "", "")
    )
    for check in gate:
        section.rows.append(
            AnnualRow(
                f"gate.{check.item.code}",
                _named(check.item.name_zh, check.item.name_en),
                str(GateOutcome(check.outcome).label),
                "",
                check.reason,
            )
        )
    for entry in score.indicators():
        stored = entry.entry
        if stored is None:
            source = _("No value")
        elif stored.origin == ValueOrigin.AUTOMATIC:
            source = _summary(stored.provenance)
        else:
            source = _("Entered by hand: %(reason)s") % {"reason": stored.reason}
        value: Decimal | str | None = entry.value if entry.value is not None else (entry.case or None)
        section.rows.append(
            AnnualRow(
                f"indicator.{entry.indicator.code}",
                _named(entry.indicator.name_zh, entry.indicator.name_en),
                value,
                entry.indicator.unit,
                source,
            )
        )
    return section


def _named(zh: str, en: str) -> str:
    """The standard's own (Chinese) name first, its English translation beside it."""
    return f"{zh} · {en}" if en else zh


def _area(text: str | None) -> str:
    if not text:
        return "–"
    shown = f"{Decimal(text):,f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def _summary(provenance: dict) -> str:
    summary = provenance_summary(provenance)
    if summary["functions"] is not None:
        return _("%(count)s of %(of)s functions provided") % {
            "count": summary["functions"],
            "of": summary["functions_of"],
        }
    if summary["land_area_m2"]:
        return _("Site master data: floor area %(floor)s m² on %(land)s m² of land") % {
            "floor": _area(summary["floor_area_m2"]),
            "land": _area(summary["land_area_m2"]),
        }
    text = _("From measured data")
    if summary["start"]:
        text += ": " + _("%(start)s to %(end)s, %(with)s of %(days)s days with data") % {
            "start": summary["start"],
            "end": summary["end"],
            "with": summary["days_with_data"],
            "days": summary["days"],
        }
    if summary["factor_sets"]:
        text += "; " + _("factor sets %(sets)s") % {"sets": summary["factor_sets"]}
    return text


def annual_form(*, evaluation: Evaluation, today: dt.date) -> AnnualForm:
    """The evaluation's year as the annual form reports it. A constant number of queries whatever
    the number of indicators and meters."""
    start, end = dt.date(evaluation.year, 1, 1), dt.date(evaluation.year, 12, 31)
    buckets = kpi_series(site=evaluation.site, start=start, end=end, granularity=TOTAL, with_meters=False)
    bucket = buckets[0] if buckets else None
    source = _kpi_source(bucket, kpis_computed_at(site=evaluation.site, start=start, end=end))
    score = evaluation_score(evaluation=evaluation)
    gate = evaluation_gate(evaluation=evaluation, today=today)
    return AnnualForm(
        evaluation=evaluation,
        sections=[
            _energy_section(bucket, source),
            _emissions_section(bucket, source),
            _resources_section(bucket, source),
            _evaluation_section(score, gate),
        ],
        complete=bucket.complete if bucket else False,
        days_with_data=bucket.days_with_data if bucket else 0,
        days=(end - start).days + 1,
    )
