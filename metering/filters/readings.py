import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.filters import IdFilter, UtcIsoDateTimeFilter
from greenfactory.sites.models import Site
from metering.choices import Medium, MeterKind, Quality, Source
from metering.models import Meter, MeterEvent, Reading


class MeterFilter(django_filters.FilterSet):
    """Shared by the meters page and the API."""

    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.all(), label=_("Site")
    )
    medium = django_filters.ChoiceFilter(choices=Medium.choices, label=_("Medium"))
    kind = django_filters.ChoiceFilter(choices=MeterKind.choices, label=_("Kind"))
    code = django_filters.CharFilter(lookup_expr="icontains", label=_("Code contains"))

    class Meta:
        model = Meter
        fields = ["site", "medium", "kind", "code"]


class MeterEventFilter(django_filters.FilterSet):
    meter = IdFilter(field_name="meter_id", label=_("Meter id"))

    class Meta:
        model = MeterEvent
        fields = ["meter"]


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
