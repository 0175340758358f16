"""Filters of the permits register."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Permit, PermitKind, PermitStatus
from ..selectors.permits import permits_with_status


class PermitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    kind = django_filters.ChoiceFilter(choices=PermitKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(
        choices=PermitStatus.choices, method="filter_status", label=_("Status")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("Owner"),
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("reference", "reference"),
            ("expires_on", "expires_on"),
            ("kind", "kind"),
            ("issuer", "issuer"),
        ),
        field_labels={
            "reference": _("Reference"),
            "expires_on": _("Expires on"),
            "kind": _("Kind"),
            "issuer": _("Issuer"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Permit
        fields = ["q", "site", "kind", "status", "owner", "sort"]

    def filter_q(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(number__icontains=value)
        )

    def filter_site(self, queryset, name, value: Site):
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()

    def filter_status(self, queryset, name, value: str):
        return permits_with_status(queryset, value, timezone.localdate())
