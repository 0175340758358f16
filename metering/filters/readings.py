"""Filters of readings: the API (ISO instants) and a meter's readings table (dates)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.filters import IdFilter, UtcIsoDateTimeFilter
from metering.choices import Quality, Source
from metering.models import Reading


class ReadingFilter(django_filters.FilterSet):
    """Shared by a meter's readings table and the readings API."""

    meter = IdFilter(field_name="meter_id", label=_("Meter id"))
    start = UtcIsoDateTimeFilter(field_name="ts", lookup_expr="gte", label=_("From"))
    end = UtcIsoDateTimeFilter(field_name="ts", lookup_expr="lt", label=_("Before"))
    quality = django_filters.ChoiceFilter(choices=Quality.choices, label=_("Quality"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))

    class Meta:
        model = Reading
        fields = ["meter", "start", "end", "quality", "source"]


class MeterReadingFilter(ReadingFilter):
    """The readings table on a meter's page: the meter is in the URL, dates pick the period."""

    meter = None
    start = django_filters.DateFilter(
        field_name="ts",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        field_name="ts",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Reading
        fields = ["start", "end", "quality", "source"]
