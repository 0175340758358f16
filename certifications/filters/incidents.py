"""Filters of the incidents register."""

import django_filters
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Incident, IncidentGrade, IncidentKind, IncidentStatus
from .audits_api import YearFilter


class IncidentFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    kind = django_filters.ChoiceFilter(choices=IncidentKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("Status"))
    grade = django_filters.ModelChoiceFilter(
        field_name="grade", to_field_name="code", queryset=IncidentGrade.objects.all(), label=_("Grade")
    )
    owner = django_filters.ModelChoiceFilter(
        field_name="owner", to_field_name="username", queryset=User.objects.order_by("username"),
        label=_("Owner"),
    )  # fmt: skip
    year = YearFilter(field_name="occurred_at__year", label=_("Year"))
    sort = django_filters.OrderingFilter(
        fields=(("occurred_at", "occurred_at"), ("reference", "reference"), ("kind", "kind"), ("status", "status")),
        field_labels={
            "occurred_at": _("Occurred at"), "reference": _("Reference"), "kind": _("Kind"), "status": _("Status"),
        },
        label=_("Sort by"),
    )  # fmt: skip

    class Meta:
        model = Incident
        fields = ["site", "kind", "status", "grade", "owner", "year", "sort"]
