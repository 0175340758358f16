"""Filters of the obligations register."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Obligation, ObligationSource, ObligationStatus
from ..selectors.obligations import obligation_status_q


class ObligationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    source_type = django_filters.ChoiceFilter(choices=ObligationSource.choices, label=_("Source"))
    status = django_filters.ChoiceFilter(
        choices=ObligationStatus.choices, method="filter_status", label=_("Status")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("Owner"),
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("source_type", "source_type"),
            ("effective_on", "effective_on"),
            ("last_evaluated_on", "last_evaluated_on"),
        ),
        field_labels={
            "reference": _("Reference"),
            "title": _("Title"),
            "source_type": _("Source"),
            "effective_on": _("Effective from"),
            "last_evaluated_on": _("Last evaluated"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Obligation
        fields = ["q", "site", "source_type", "status", "owner", "sort"]

    def filter_q(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(issuer__icontains=value)
        )

    def filter_site(self, queryset, name, value: Site):
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()

    def filter_status(self, queryset, name, value: str):
        return queryset.filter(obligation_status_q(value, timezone.localdate()))
