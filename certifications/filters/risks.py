"""Filters and sorting of the risks and opportunities register (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import RiskKind, RiskOpportunity, RiskSource, RiskStatus, Standard
from ..models.risks import risk_matrix


def _band_choices() -> list[tuple[str, str]]:
    return [(b.code, b.label) for b in risk_matrix().bands]


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=RiskKind.choices, label=_("Kind"))
    standard = django_filters.ModelChoiceFilter(
        field_name="standards", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    source = django_filters.ChoiceFilter(choices=RiskSource.choices, label=_("Source"))
    band = django_filters.ChoiceFilter(choices=_band_choices, label=_("Rating"))
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, label=_("Status"))
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
        fields=(
            ("reference", "reference"),
            ("score", "score"),
            ("title", "title"),
            ("review_on", "review_on"),
        ),
        field_labels={
            "reference": _("Reference"),
            "score": _("Rating"),
            "title": _("Title"),
            "review_on": _("Next review"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = RiskOpportunity
        fields = ["q", "kind", "standard", "source", "band", "status", "site", "owner", "sort"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(title_zh__icontains=value)
        )

    def filter_site(self, queryset, name, value: Site):
        """Entries of the site and entries that apply to every site."""
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()
