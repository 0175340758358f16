"""Filters of the OH&S hazards register."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Hazard, RiskMethod


class HazardFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    method = django_filters.ModelChoiceFilter(
        field_name="method", to_field_name="code", queryset=RiskMethod.objects.all(), label=_("Risk method")
    )
    band = django_filters.CharFilter(field_name="residual_band__code", label=_("Residual band (code)"))
    owner = django_filters.ModelChoiceFilter(
        field_name="owner", to_field_name="username", queryset=User.objects.order_by("username"),
        label=_("Owner"),
    )  # fmt: skip
    sort = django_filters.OrderingFilter(
        fields=(
            ("reference", "reference"), ("initial_score", "initial_score"),
            ("residual_score", "residual_score"), ("review_on", "review_on"),
        ),
        field_labels={
            "reference": _("Reference"), "initial_score": _("Initial score"),
            "residual_score": _("Residual score"), "review_on": _("Review on"),
        },
        label=_("Sort by"),
    )  # fmt: skip

    class Meta:
        model = Hazard
        fields = ["site", "method", "band", "owner", "sort"]

    def filter_site(self, queryset, name, value: Site):
        """Entries of the site and entries for every site (no site given)."""
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()
