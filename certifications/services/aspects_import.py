"""The environmental aspects register as a spreadsheet: its columns for the generic register import
(``services.register_import``). ``method`` is a significance method's code; ``scores`` holds one
score per criterion code, as the aspects export writes them ("scale=3 severity=4 probability=4
legal=1"); the score and the verdict the export adds are worked out again, not read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from greenfactory.accounts.models import User
from greenfactory.core.exceptions import DomainError

from ..models.aspects import Aspect, AspectCondition, SignificanceMethod
from ..parsers import registers as cells
from ..parsers.registers import Column, entry_columns, notes_column
from . import aspects as services
from .register_import import RegisterTable


def _method_of(code: str) -> SignificanceMethod:
    method = SignificanceMethod.objects.filter(code__iexact=code.strip()).first()
    if method is None:
        raise DomainError(_("No significance method has the code %(code)s.") % {"code": code}, field="method")
    return method


def _ignored(value: object, lookups: cells.Lookups) -> None:
    return None


def _save(*, values: dict[str, Any], existing: Aspect | None, by: User) -> Aspect:
    values = {k: v for k, v in values.items() if k not in ("score", "significant")}
    if "method" in values:
        values["method"] = _method_of(values["method"])
    if not values.get("condition"):
        values.pop("condition", None)
    if values.get("owner") is None:
        values.pop("owner", None)
    if existing is not None:
        return services.aspect_update(entry=existing, by=by, version=None, **values)
    return services.aspect_create(by=by, **values)


ASPECT_TABLE = RegisterTable(
    model=Aspect,
    columns=(
        *entry_columns(),
        Column(
            "activity",
            gettext_lazy("Activity or process"),
            cells.text(300),
            lambda e: e.activity,
            required=True,
        ),
        Column("aspect", gettext_lazy("Aspect"), cells.text(300), lambda e: e.aspect, required=True),
        Column("impact", gettext_lazy("Impact"), cells.text(300), lambda e: e.impact, required=True),
        Column(
            "condition",
            gettext_lazy("Condition"),
            cells.choice(AspectCondition.choices),
            lambda e: e.condition,
        ),
        Column("method", gettext_lazy("Method"), cells.text(40), lambda e: e.method.code, required=True),
        Column(
            "scores",
            gettext_lazy("Scores"),
            cells.code_values,
            lambda e: " ".join(f"{k}={v}" for k, v in e.scores.items()),
            required=True,
        ),
        Column("score", gettext_lazy("Score"), _ignored, lambda e: e.score),
        Column("significant", gettext_lazy("Significant"), _ignored, lambda e: e.significant),
        Column(
            "operational_controls",
            gettext_lazy("Operational controls"),
            cells.text(),
            lambda e: e.operational_controls,
        ),
        Column("objectives", gettext_lazy("Objectives"), cells.text(), lambda e: e.objectives),
        Column("review_on", gettext_lazy("Review on"), cells.date, lambda e: e.review_on),
        notes_column(),
    ),  # fmt: skip
    save=_save,
    filename="aspects",
    sheet=gettext_lazy("Aspects"),
)
