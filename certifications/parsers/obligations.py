"""The obligations register's spreadsheet columns (import and export read the same table)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import ObligationSource
from .registers import Column, choice, date, entry_columns, integer, notes_column, text


def _iso(day) -> str:
    return day.isoformat() if day else ""


def obligation_columns() -> tuple[Column, ...]:
    return (
        *entry_columns(),
        Column(
            "source_type",
            _("Source"),
            choice(ObligationSource.choices),
            lambda o: o.source_type,
            required=True,
        ),
        Column("issuer", _("Issuer"), text(200), lambda o: o.issuer),
        Column("article", _("Article or clause"), text(200), lambda o: o.article),
        Column("effective_on", _("Effective from"), date, lambda o: _iso(o.effective_on)),
        Column("repealed_on", _("Repealed on"), date, lambda o: _iso(o.repealed_on)),
        Column("processes", _("Processes it applies to"), text(), lambda o: o.processes),
        Column("review_months", _("Review frequency (months)"), integer(1, 120), lambda o: o.review_months),
        notes_column(),
    )
