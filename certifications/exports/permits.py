"""The permits register as CSV or Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from greenfactory.core.exports import table_response

from ..models import Permit

EXPORT_FORMATS = ("csv", "xlsx")


def permit_rows(permits: Iterable[Permit]) -> Iterator[Sequence[Any]]:
    for p in permits:
        yield [
            p.reference,
            p.title_zh,
            p.title,
            p.get_kind_display(),
            p.number,
            p.issuer,
            p.scope,
            p.issued_on,
            p.expires_on,
            p.reminder_days,
            p.revoked_on,
            p.get_status_display(),
            ", ".join(s.code for s in p.sites.all()),
            str(p.owner),
        ]


def permit_list_response(*, permits: Iterable[Permit], fmt: str) -> HttpResponseBase:
    header = [
        _("Reference"),
        _("Chinese title"),
        _("Title"),
        _("Kind"),
        _("Permit number"),
        _("Issuer"),
        _("Scope"),
        _("Issued on"),
        _("Expires on"),
        _("Renewal reminder (days before expiry)"),
        _("Revoked on"),
        _("Status"),
        _("Sites"),
        _("Owner"),
    ]
    return table_response(
        fmt=fmt, filename="permits", sheet=_("Permits"), header=header, rows=permit_rows(permits)
    )
