"""The incidents register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Incident

EXPORT_FORMATS = ("csv", "xlsx")


def incident_list_response(*, incidents: Iterable[Incident], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"), _("Title"), _("Chinese title"), _("Kind"), _("Occurred at"), _("Site"), _("Grade"),
        _("Deaths"), _("Serious injuries"), _("Minor injuries"), _("Direct loss (CNY)"), _("Root cause"),
        _("Status"), _("Closed on"), _("Owner"),
    ]  # fmt: skip
    rows = (
        [
            i.reference,
            i.title,
            i.title_zh,
            i.get_kind_display(),
            timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M"),
            i.site.code,
            i.grade.local_name if i.grade else "",
            i.deaths,
            i.serious_injuries,
            i.minor_injuries,
            i.direct_loss_cny,
            i.root_cause,
            i.get_status_display(),
            i.closed_on,
            i.owner.username,
        ]  # fmt: skip
        for i in incidents
    )
    return table_response(fmt=fmt, filename="incidents", sheet=_("Incidents"), header=header, rows=rows)
