"""Material balances as Excel: the list with its rates and verdicts, and the import template (a
"Balance" sheet of field/value lines and an "Outputs" sheet of products)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from greenfactory.core.exports import Sheet, workbook_response

from ..models import MaterialBalance
from ..selectors.material_balance import balance_assessment, threshold_set_title, threshold_sets

RATE_COLUMNS = (
    "li_recovery",
    "ni_recovery",
    "co_recovery",
    "mn_recovery",
    "cu_recovery",
    "powder_recovery",
    "powder_al_impurity",
    "powder_cu_impurity",
    "water_recycling",
)
BALANCE_TEMPLATE_FIELDS = (
    "site",
    "month",
    "input_ncm_t",
    "input_lfp_t",
    "input_lco_t",
    "input_lmo_t",
    "input_other_t",
    "input_li_t",
    "input_ni_t",
    "input_co_t",
    "input_mn_t",
    "input_cu_t",
    "input_al_t",
    "powder_input_t",
    "powder_recovered_t",
    "powder_al_pct",
    "powder_cu_pct",
    "water_used_m3",
    "water_recycled_m3",
    "notes",
)
OUTPUT_TEMPLATE_COLUMNS = ("product", "tonnes", "li_t", "ni_t", "co_t", "mn_t", "cu_t", "al_t")


def rate_labels() -> dict[str, str]:
    return {
        "li_recovery": _("Li recovery (%)"),
        "ni_recovery": _("Ni recovery (%)"),
        "co_recovery": _("Co recovery (%)"),
        "mn_recovery": _("Mn recovery (%)"),
        "cu_recovery": _("Cu recovery (%)"),
        "al_recovery": _("Al recovery (%)"),
        "powder_recovery": _("Powder recovery (%)"),
        "powder_al_impurity": _("Al impurity in powder (%)"),
        "powder_cu_impurity": _("Cu impurity in powder (%)"),
        "water_recycling": _("Process water recycling (%)"),
    }


def rate_short_labels() -> dict[str, str]:
    """The list's column headers: the element or figure, the unit (%) said once above them."""
    return {
        "li_recovery": "Li",
        "ni_recovery": "Ni",
        "co_recovery": "Co",
        "mn_recovery": "Mn",
        "cu_recovery": "Cu",
        "al_recovery": "Al",
        "powder_recovery": _("Powder"),
        "powder_al_impurity": _("Al in powder"),
        "powder_cu_impurity": _("Cu in powder"),
        "water_recycling": _("Water"),
    }


def _verdict_word(passed: bool | None) -> str:
    if passed is None:
        return _("not computable")
    return _("pass") if passed else _("fail")


def _rows(balances: Iterable[MaterialBalance]) -> Iterator[Sequence[Any]]:
    for balance in balances:
        assessment = balance_assessment(balance)
        rates = [assessment.rates[m].value for m in RATE_COLUMNS]
        yield [
            balance.site.code,
            f"{balance.period_start:%Y-%m}",
            balance.input_total_t,
            *[None if r is None else r.quantize(Decimal("0.01")) for r in rates],
            *[_verdict_word(s.passed) for s in assessment.sets],
        ]


def material_balance_list_response(*, balances: Iterable[MaterialBalance]) -> HttpResponse:
    labels = rate_labels()
    header = [
        _("Site"),
        _("Month"),
        _("Batteries in (t)"),
        *[labels[m] for m in RATE_COLUMNS],
        *[threshold_set_title(s) for s in threshold_sets()],
    ]
    return workbook_response(
        filename="material-balances",
        sheets=[
            Sheet(
                title=_("Material balances"), header=header, rows=_rows(balances), text_columns=frozenset({1})
            )
        ],
    )


def material_balance_template_response() -> HttpResponse:
    example = {"site": "TJ-01", "month": "2026-01", "input_ncm_t": 600, "input_lfp_t": 300}
    return workbook_response(
        filename="material-balance-template",
        sheets=[
            Sheet(
                title="Balance",
                header=["field", "value"],
                rows=[[name, example.get(name)] for name in BALANCE_TEMPLATE_FIELDS],
                text_columns=frozenset({0}),
            ),
            Sheet(title="Outputs", header=list(OUTPUT_TEMPLATE_COLUMNS), rows=[]),
        ],
    )
