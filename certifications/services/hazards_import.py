"""The OH&S hazards register as a spreadsheet: its columns for the generic register import
(``services.register_import``). ``method`` is a risk method's code; the factors are written as the
hazards export writes them ("L=3 E=6 C=40"; residual empty: not assessed); ``controls`` one per
line or separated by ";", each "level: description" with the level as its key or its English or
Chinese name ("Engineering controls: dust extraction"). Scores and bands are worked out again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError

from ..models.hazards import ControlLevel, Hazard, RiskMethod
from ..parsers import registers as cells
from ..parsers.registers import CellInvalid, Column, entry_columns, notes_column
from . import hazards as services
from .register_import import RegisterTable

_LEVEL = cells.choice(ControlLevel.choices)
_WORKED_OUT = ("initial_score", "initial_band", "residual_score", "residual_band")


def _method_of(code: str) -> RiskMethod:
    method = RiskMethod.objects.filter(code__iexact=code.strip()).first()
    if method is None:
        raise DomainError(_("No risk method has the code %(code)s.") % {"code": code}, field="method")
    return method


def _controls(value: object, lookups: cells.Lookups) -> list[tuple[str, str, bool]]:
    if cells.blank(value):
        return []
    found = []
    for part in str(value).replace("；", ";").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        level, separator, description = part.replace("：", ":").partition(":")
        if not separator or not description.strip():
            raise CellInvalid(_("Write each control as level: description."))
        found.append((_LEVEL(level, lookups), description.strip(), True))
    return found


def _controls_write(hazard: Hazard) -> str:
    return "; ".join(f"{c.get_level_display()}: {c.description}" for c in hazard.controls.all())


def _ignored(value: object, lookups: cells.Lookups) -> None:
    return None


def _save(*, values: dict[str, Any], existing: Hazard | None, by: User) -> Hazard:
    values = {k: v for k, v in values.items() if k not in _WORKED_OUT}
    if "method" in values:
        values["method"] = _method_of(values["method"])
    if values.get("owner") is None:
        values.pop("owner", None)
    if existing is not None:
        return services.hazard_update(entry=existing, by=by, version=None, **values)
    return services.hazard_create(by=by, **values)


def _factors_write(values: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in values.items())


HAZARD_TABLE = RegisterTable(
    model=Hazard,
    columns=(
        *entry_columns(),
        Column("hazard", gettext_lazy("Hazard"), cells.text(300), lambda e: e.hazard, required=True),
        Column("activity", gettext_lazy("Activity"), cells.text(300), lambda e: e.activity, required=True),
        Column("exposed", gettext_lazy("Who is exposed"), cells.text(300), lambda e: e.exposed),
        Column("method", gettext_lazy("Method"), cells.text(40), lambda e: e.method.code, required=True),
        Column(
            "initial_factors",
            gettext_lazy("Initial factors"),
            cells.code_values,
            lambda e: _factors_write(e.initial_factors),
            required=True,
        ),
        Column("initial_score", gettext_lazy("Initial score"), _ignored, lambda e: e.initial_score_label),
        Column("initial_band", gettext_lazy("Initial band"), _ignored, lambda e: e.initial_band or ""),
        Column(
            "residual_factors",
            gettext_lazy("Residual factors"),
            cells.code_values,
            lambda e: _factors_write(e.residual_factors),
        ),
        Column("residual_score", gettext_lazy("Residual score"), _ignored, lambda e: e.residual_score_label),
        Column("residual_band", gettext_lazy("Residual band"), _ignored, lambda e: e.residual_band or ""),
        Column("controls", gettext_lazy("Controls"), _controls, _controls_write),
        Column("review_on", gettext_lazy("Review on"), cells.date, lambda e: e.review_on),
        notes_column(),
    ),  # fmt: skip
    save=_save,
    filename="hazards",
    sheet=gettext_lazy("Hazards"),
)
