"""Filters of meters and meter events, shared by the meters page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from greenfactory.core.filters import IdFilter
from greenfactory.sites.models import Site
from metering.choices import Medium, MeterKind
from metering.models import Meter, MeterEvent


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
