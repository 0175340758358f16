"""Filters of data-quality findings: the page (dates of the site's zone) and the API (ISO instants)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.filters import IdFilter, UtcIsoDateTimeFilter
from greenfactory.sites.models import Site
from metering.models import FindingKind, FindingStatus, Meter, QualityFinding


class QualityFindingFilter(django_filters.FilterSet):
    """The API's filters: findings overlapping [start, end)."""

    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.all(), label=_("Site")
    )
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("Status"))
    meter = IdFilter(field_name="meter_id", label=_("Meter id"))
    gateway = IdFilter(field_name="gateway_id", label=_("Gateway id"))
    start = UtcIsoDateTimeFilter(field_name="end", lookup_expr="gt", label=_("From"))
    end = UtcIsoDateTimeFilter(field_name="start", lookup_expr="lt", label=_("Before"))

    class Meta:
        model = QualityFinding
        fields = ["site", "kind", "status", "meter", "gateway", "start", "end"]


class SiteQualityFindingFilter(django_filters.FilterSet):
    """The page's filters for one site: its meters, and days of its time zone (both inclusive)."""

    kind = django_filters.ChoiceFilter(choices=FindingKind.choices, label=_("Kind"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        choices=FindingStatus.choices, label=_("Status"), empty_label=_("All")
    )
    meter = django_filters.ModelChoiceFilter(
        field_name="meter", queryset=Meter.objects.none(), label=_("Meter"), empty_label=_("All")
    )
    start = django_filters.DateFilter(
        method="filter_from", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        method="filter_to", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = QualityFinding
        fields = ["kind", "status", "meter", "start", "end"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(site.time_zone)
        self.filters["meter"].queryset = Meter.objects.filter(site=site, is_virtual=False).order_by("code")

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.zone)

    # Days beyond these bounds restrict nothing (and never overflow once converted to UTC).
    FIRST, LAST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)

    def filter_from(self, queryset, name, value):
        if value < self.FIRST:
            return queryset
        return queryset.filter(end__gt=self._midnight(min(value, self.LAST)))

    def filter_to(self, queryset, name, value):
        if value > self.LAST:
            return queryset
        return queryset.filter(start__lt=self._midnight(max(value, self.FIRST) + dt.timedelta(days=1)))
