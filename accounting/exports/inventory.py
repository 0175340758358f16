"""The GHG inventory workbook: one sheet per section of the ISO 14064-1 report, built from the same
``Inventory`` the page and the API show.

The inventory page's download calls it; the dossier will attach the same workbook. The sheets are
written by greenfactory.core.exports, so text a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounting.models.inventory import ConsolidationApproach, EmissionSource, RecalculationKind
from accounting.selectors.inventory_report import (
    CATEGORY_LABELS,
    GASES,
    Inventory,
    recalculation_trigger_label,
)
from greenfactory.core.choices import choice_label
from greenfactory.core.exports import Sheet, xlsx_file_response, xlsx_workbook, yes_no
from greenfactory.core.localized import local_text


def _summary(inv: Inventory) -> Sheet:
    rows = [
        [_("Organisation"), f"{inv.organisation_name} ({inv.organisation_code})"],
        [_("Reporting period"), f"{inv.start.isoformat()} – {inv.end.isoformat()}"],
        [_("Consolidation approach"), choice_label(ConsolidationApproach, inv.consolidation)],
        [_("Total, scope 2 location-based (tCO2e)"), inv.total_tco2e],
        [_("Total, scope 2 market-based (tCO2e)"), inv.total_market_tco2e],
        [_("Combined uncertainty (± %)"), inv.combined_uncertainty_pct],
        [_("Months with KPIs"), inv.months_with_data],
        [_("Days with data"), inv.days_with_data],
        [_("Days in the year"), inv.days],
        [_("Complete year"), yes_no(inv.complete)],
        [
            _("Months without data for every day"),
            ", ".join(f"{m.month:%Y-%m} ({m.days_with_data}/{m.days})" for m in inv.incomplete_months),
        ],
    ]
    return Sheet(title=_("Summary"), header=[_("Item"), _("Value")], rows=rows)


def _boundary(inv: Inventory) -> Sheet:
    header = [_("Site"), pgettext("thing", "Name"), _("Included"), _("Share (%)"), _("Note")]
    rows = [[s.code, local_text(s), yes_no(s.included), s.share_pct, s.note] for s in inv.sites]
    return Sheet(title=_("Organisational boundary"), header=header, rows=rows)


def _categories(inv: Inventory) -> Sheet:
    header = [_("Category"), _("Included"), _("Emissions (tCO2e)"), _("Reported (tCO2e)"), _("Justification")]
    rows = [
        [
            str(CATEGORY_LABELS[str(c.category)]),
            yes_no(c.included),
            c.tco2e,
            c.reported_tco2e,
            c.justification,
        ]
        for c in inv.categories
    ]
    rows.append(
        [_("Scope 2, market-based (reported beside category 2)"), "", inv.scope2_market_tco2e, "", ""]
    )
    return Sheet(title=_("Categories"), header=header, rows=rows)


def _gases(inv: Inventory) -> Sheet:
    rows = [[str(CATEGORY_LABELS[str(c)]), *[inv.gases[c][g] for g in GASES]] for c in (1, 2)]
    components = sorted({k for r in inv.refrigerants for k in r.components})
    rows.append([_("Refrigerant"), _("kg"), _("GWP"), _("tCO2e"), *components])
    rows += [
        [r.gas, r.kg, r.gwp, r.tco2e, *[r.components.get(k) for k in components]] for r in inv.refrigerants
    ]
    return Sheet(title=_("Gases"), header=[_("Category"), *GASES], rows=rows)


def _factors(inv: Inventory) -> Sheet:
    header = [
        _("Factor set"),
        _("Version"),
        _("Key"),
        _("Year"),
        _("Value"),
        _("Unit"),
        _("Source"),
        _("Factor set name"),
        _("Factor"),
    ]
    rows = [
        [
            f.set_code,
            f.version,
            f.key,
            f.year,
            f.value,
            f.unit,
            local_text(f, "source"),
            local_text(f, "set_name"),
            f.key_label,
        ]
        for f in inv.factors
    ]
    return Sheet(title=_("Factors"), header=header, rows=rows)


def _uncertainty(inv: Inventory) -> Sheet:
    header = [
        _("Source"),
        _("Category"),
        _("Included"),
        _("Emissions (tCO2e)"),
        _("Uncertainty (± %)"),
        _("± tCO2e"),
        _("Basis"),
    ]
    rows = [
        [
            choice_label(EmissionSource, s.source),
            s.category,
            yes_no(s.included),
            s.tco2e,
            s.uncertainty_pct,
            s.uncertainty_tco2e,
            local_text(s, "basis"),
        ]
        for s in inv.sources
    ]
    rows.append(
        [_("Combined (IPCC approach 1)"), "", "", inv.total_tco2e, inv.combined_uncertainty_pct, "", ""]
    )
    return Sheet(title=_("Uncertainty"), header=header, rows=rows)


def _base_year(inv: Inventory) -> Sheet:
    base = inv.base_year
    rows = []
    if base:
        rows = [
            [_("Base year"), base.year, "", ""],
            [_("Base-year total (tCO2e)"), base.total_tco2e, "", ""],
            [_("Recalculation threshold (%)"), base.threshold_pct, "", ""],
            *[
                [e.date, choice_label(RecalculationKind, e.kind), e.effect_tco2e, e.reason]
                for e in base.events
            ],
            [_("Change (tCO2e)"), base.change_tco2e, _("Change (%)"), base.change_pct],
            [
                _("Recalculate"),
                yes_no(base.recalculate),
                _("Restated base year (tCO2e)"),
                base.restated_tco2e,
            ],
            *[
                [
                    choice_label(RecalculationKind, k.kind),
                    k.change_tco2e,
                    _("Share of the base year (%)"),
                    k.share_pct,
                ]
                for k in base.kinds
            ],
            [_("All kinds together (by size)"), "", _("Share of the base year (%)"), base.cumulative_pct],
            [
                _("Reaching the threshold"),
                "; ".join(map(recalculation_trigger_label, base.triggered_by)),
                "",
                "",
            ],
        ]
    return Sheet(title=_("Base year"), header=[_("Item"), _("Value"), "", ""], rows=rows)


SECTIONS = (_summary, _boundary, _categories, _gases, _factors, _uncertainty, _base_year)


def inventory_workbook(inv: Inventory) -> bytes:
    """The inventory as one workbook, one sheet per section of the report."""
    return xlsx_workbook(section(inv) for section in SECTIONS)


def inventory_export(inv: Inventory) -> HttpResponse:
    """The workbook as a download named after the organisation and year."""
    name = f"ghg-inventory-{inv.organisation_code}-{inv.year}"
    return xlsx_file_response(filename=name, content=inventory_workbook(inv))
