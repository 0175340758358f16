"""Plausible dates and years: the one range every form, serializer and service checks against.

Business dates (activity data, baseline months, inventory years, API periods) lie between
1990-01-01 and 2100-12-31; anything outside is a typo (``0225``, ``20255``) rather than data.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
EARLIEST_YEAR, LATEST_YEAR = EARLIEST_DATE.year, LATEST_DATE.year
DATE_OUT_OF_RANGE = _("Give a date between 1990 and 2100.")
MONTH_OUT_OF_RANGE = _("Give a month between 1990 and 2100.")


def date_is_plausible(day: dt.date) -> bool:
    """Whether ``day`` (a date, or the date of an instant) lies in the plausible range."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return EARLIEST_DATE <= day <= LATEST_DATE


def year_is_plausible(year: int) -> bool:
    """Whether ``year`` lies in the plausible range."""
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def validate_plausible_date(value: dt.date) -> None:
    """A model or form field validator: ValidationError (code ``date_out_of_range``) outside the range."""
    if not date_is_plausible(value):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


def validate_plausible_year(value: int) -> None:
    """A model or form field validator for a year: ValidationError outside the range."""
    if not year_is_plausible(value):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
