"""Reporting periods of the KPI pages (a month, quarter, year or custom range) and the rule for
comparing two of them. Pure functions, shared by the dashboard, the API and the exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from greenfactory.core.time import Granularity, month_floor, months_add
from greenfactory.core.validators import date_is_plausible

PERIOD_KINDS = ("month", "quarter", "year", "custom")
MAX_CUSTOM_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def granularity(self) -> str:
        """Days for up to two months, months beyond."""
        return Granularity.DAY if (self.end - self.start).days < 62 else Granularity.MONTH

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == "custom":
            length = self.end - self.start + dt.timedelta(days=1)
            return Period(self.kind, self.start - length, self.start - dt.timedelta(days=1))
        return period_for(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        if self.kind == "custom":
            length = self.end - self.start + dt.timedelta(days=1)
            return Period(self.kind, self.end + dt.timedelta(days=1), self.end + length)
        return period_for(self.kind, self.end + dt.timedelta(days=1))

    def last_year(self) -> Period:
        def back(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)

        if self.kind == "custom":
            return Period(self.kind, back(self.start), back(self.end))
        return period_for(self.kind, back(self.start))


def period_for(kind: str, anchor: dt.date) -> Period:
    """The month, quarter or year holding ``anchor``."""
    if kind == "year":
        return Period(kind, dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31))
    first_month = anchor.month if kind == "month" else 3 * ((anchor.month - 1) // 3) + 1
    start = dt.date(anchor.year, first_month, 1)
    return Period(kind, start, months_add(start, 1 if kind == "month" else 3) - dt.timedelta(days=1))


def query_date(value: str | None) -> dt.date | None:
    """An ISO date from a query parameter, or None when absent, malformed or implausible."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and date_is_plausible(day) else None


def period_from_query(
    *,
    kind: str | None,
    on: str | None,
    start: str | None,
    end: str | None,
    default_anchor: Callable[[], dt.date],
) -> Period:
    """The period a page's query asks for: ``kind`` (default month) holding ``on`` (default
    ``default_anchor()``, asked only then), or for ``custom`` the days from ``start`` to ``end`` (swapped when reversed,
    at most MAX_CUSTOM_DAYS long)."""
    kind = kind if kind in PERIOD_KINDS else "month"
    anchor = query_date(on) or default_anchor()
    if kind != "custom":
        return period_for(kind, anchor)
    first = query_date(start) or month_floor(anchor)
    last = query_date(end) or anchor
    if last < first:
        first, last = last, first
    return Period(kind, first, min(last, first + dt.timedelta(days=MAX_CUSTOM_DAYS)))


def change(current: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Relative change in percent, or None when there is nothing to compare with."""
    if current is None or not before:
        return None
    return (current - before) / before * 100


def points(current: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Change of a share (a fraction of 1) in percentage points: 0.25 after 0.20 is +5 points, where
    a relative change would say +25 %."""
    if current is None or before is None:
        return None
    return (current - before) * 100


def comparable(days: int, other: int) -> bool:
    """Whether two periods have data for about the same number of days (within 10 %).

    A change between periods with data for very different numbers of days (a year against a month
    of data) measures the data, not the plant: it is not shown."""
    return days > 0 and other > 0 and abs(days - other) <= 0.1 * max(days, other)
