"""Filters of the footprint studies register, shared by the page, its exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounting.models import FootprintStudy
from accounting.models.footprints import FootprintProduct, FootprintStatus, SystemBoundary
from greenfactory.sites.models import Site


class FootprintStudyFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    product = django_filters.ChoiceFilter(choices=FootprintProduct.choices, label=_("Product"))
    status = django_filters.ChoiceFilter(choices=FootprintStatus.choices, label=_("Status"))
    boundary = django_filters.ChoiceFilter(choices=SystemBoundary.choices, label=_("System boundary"))
    year = django_filters.NumberFilter(
        field_name="period_end", lookup_expr="year", label=_("Year"), min_value=2000, max_value=2100
    )

    class Meta:
        model = FootprintStudy
        fields = ["site", "product", "status", "boundary", "year"]
