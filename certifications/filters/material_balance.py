"""Filters of the material-balance API: by site code and by year."""

import django_filters
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import MaterialBalance
from .audits_api import YearFilter


class MaterialBalanceFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    year = YearFilter(field_name="period_start", lookup_expr="year", label=_("Year"))

    class Meta:
        model = MaterialBalance
        fields = ["site", "year"]
