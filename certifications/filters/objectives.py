"""Filters and sorting of the objectives register (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Follows, Objective, ObjectiveStatus, Standard
from .audits_api import YearFilter


class ObjectiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    standard = django_filters.ModelChoiceFilter(
        field_name="standards", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices, label=_("Status"))
    follows = django_filters.ChoiceFilter(choices=Follows.choices, label=_("Follows"))
    year = YearFilter(field_name="due_on__year", label=_("Due in year"))
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    owner = django_filters.ModelChoiceFilter(
        field_name="owner",
        to_field_name="username",
        queryset=User.objects.order_by("username"),
        label=_("Owner"),
    )
    sort = django_filters.OrderingFilter(
        fields=(("reference", "reference"), ("due_on", "due_on"), ("title", "title"), ("status", "status")),
        field_labels={
            "reference": _("Reference"),
            "due_on": _("Due"),
            "title": _("Objective"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Objective
        fields = ["q", "standard", "status", "follows", "year", "site", "owner", "sort"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(title_zh__icontains=value)
        )

    def filter_site(self, queryset, name, value: Site):
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True) | Q(kpi_site=value)).distinct()
