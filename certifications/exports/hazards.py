"""The OH&S hazards register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Hazard


def hazard_list_response(*, hazards: Iterable[Hazard], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"), _("Title"), _("Chinese title"), _("Hazard"), _("Activity"), _("Who is exposed"),
        _("Method"), _("Initial factors"), _("Initial score"), _("Initial band"), _("Residual factors"),
        _("Residual score"), _("Residual band"), _("Controls"), _("Review on"), _("Owner"),
    ]  # fmt: skip

    def factors(values: dict) -> str:
        return " ".join(f"{k}={v}" for k, v in values.items())

    rows = (
        [
            h.reference,
            h.title,
            h.title_zh,
            h.hazard,
            h.activity,
            h.exposed,
            h.method.code,
            factors(h.initial_factors),
            h.initial_score,
            h.initial_band.code if h.initial_band else "",
            factors(h.residual_factors),
            h.residual_score,
            h.residual_band.code if h.residual_band else "",
            "; ".join(f"{c.get_level_display()}: {c.description}" for c in h.controls.all()),
            h.review_on,
            h.owner.username,
        ]  # fmt: skip
        for h in hazards
    )
    return table_response(fmt=fmt, filename="hazards", sheet=_("Hazards"), header=header, rows=rows)
