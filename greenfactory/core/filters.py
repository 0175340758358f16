"""Filters shared by every app's pages and API."""

import datetime as dt

import django_filters
from django import forms


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time filter that queries in UTC.

    Offsets that Python accepts but PostgreSQL refuses (beyond ±15:59) then never reach the database.
    """

    def filter(self, qs, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:  # beyond year 1 or 9999 once in UTC: the nearest representable time
                low = dt.datetime.min.replace(tzinfo=dt.UTC)
                value = low if value.year == 1 else dt.datetime.max.replace(tzinfo=dt.UTC)
        return super().filter(qs, value)


class IdFilter(django_filters.NumberFilter):
    """A filter on a row id: a whole number in the database's range, or a clear 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
