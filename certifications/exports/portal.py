"""The portal access log as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import PortalAccessLog

EXPORT_FORMATS = ("csv", "xlsx")


def access_log_rows(rows: Iterable[PortalAccessLog]) -> Iterator[Sequence[Any]]:
    for row in rows:
        yield [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.user.display_name,
            row.user.email,
            row.audit.reference if row.audit else "",
            row.invitation_id or "",
            row.get_action_display(),
            row.path,
            row.object_type,
            row.object_id or "",
            row.remote_address or "",
            row.note,
        ]


def access_log_response(*, rows: Iterable[PortalAccessLog], fmt: str) -> HttpResponseBase:
    header = [
        _("At"),
        _("Auditor"),
        _("E-mail address"),
        _("Audit"),
        _("Invitation"),
        _("Action"),
        _("Path"),
        _("Object type"),
        _("Object ID"),
        _("Address"),
        _("Note"),
    ]
    return table_response(
        fmt=fmt,
        filename="portal-access-log",
        sheet=_("Access log"),
        header=header,
        rows=access_log_rows(rows),
    )
