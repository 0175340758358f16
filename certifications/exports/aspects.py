"""The environmental aspects register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response, yes_no

from ..models import Aspect


def aspect_list_response(*, aspects: Iterable[Aspect], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"), _("Title"), _("Chinese title"), _("Activity or process"), _("Aspect"), _("Impact"),
        _("Condition"), _("Method"), _("Scores"), _("Score"), _("Significant"), _("Operational controls"),
        _("Sites"), _("Owner"),
    ]  # fmt: skip
    rows = (
        [
            a.reference,
            a.title,
            a.title_zh,
            a.activity,
            a.aspect,
            a.impact,
            a.get_condition_display(),
            a.method.code,
            " ".join(f"{k}={v}" for k, v in a.scores.items()),
            a.score,
            yes_no(a.significant),
            a.operational_controls,
            ", ".join(s.code for s in a.sites.all()),
            a.owner.username,
        ]  # fmt: skip
        for a in aspects
    )
    return table_response(fmt=fmt, filename="aspects", sheet=_("Aspects"), header=header, rows=rows)
