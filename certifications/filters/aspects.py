"""Filters of the environmental aspects register."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Aspect, AspectCondition


class AspectFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    condition = django_filters.ChoiceFilter(choices=AspectCondition.choices, label=_("Condition"))
    significant = django_filters.BooleanFilter(field_name="significant", label=_("Significant"))
    owner = django_filters.ModelChoiceFilter(
        field_name="owner", to_field_name="username", queryset=User.objects.order_by("username"),
        label=_("Owner"),
    )  # fmt: skip
    sort = django_filters.OrderingFilter(
        fields=(("reference", "reference"), ("score", "score"), ("activity", "activity"), ("review_on", "review_on")),
        field_labels={
            "reference": _("Reference"), "score": _("Score"), "activity": _("Activity"), "review_on": _("Review on"),
        },
        label=_("Sort by"),
    )  # fmt: skip

    class Meta:
        model = Aspect
        fields = ["site", "condition", "significant", "owner", "sort"]

    def filter_site(self, queryset, name, value: Site):
        """Entries of the site and entries for every site (no site given)."""
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()
