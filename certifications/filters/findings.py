"""Filters of findings, corrective actions and their planned actions."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.core.filters import IdFilter

from ..models import (
    CapaAction,
    CapaState,
    CorrectiveAction,
    Finding,
    FindingClass,
    FindingStatus,
    Standard,
)
from ..selectors import findings as finding_selectors


def _overdue(queryset, value, condition):
    overdue = condition(timezone.localdate())
    late = queryset.filter(overdue)
    return late if value else queryset.exclude(pk__in=late.values("pk"))


class FindingFilter(django_filters.FilterSet):
    audit = IdFilter(field_name="audit", label=_("Audit"))
    finding_class = django_filters.ChoiceFilter(choices=FindingClass.choices, label=_("Class"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(
        to_field_name="username", queryset=User.objects.all(), label=_("Owner")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    clause = IdFilter(field_name="clauses", label=_("Clause"), distinct=True)
    standard = django_filters.ModelChoiceFilter(
        field_name="clauses__standard", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )

    class Meta:
        model = Finding
        fields = ["audit", "finding_class", "status", "owner", "overdue", "clause", "standard"]

    def filter_overdue(self, queryset, name, value):
        return _overdue(queryset, value, finding_selectors.findings_overdue_q)


class CapaFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CapaState.choices, label=_("State"))
    owner = django_filters.ModelChoiceFilter(
        to_field_name="username", queryset=User.objects.all(), label=_("Owner")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    finding = IdFilter(field_name="finding", label=_("Finding"))

    class Meta:
        model = CorrectiveAction
        fields = ["state", "owner", "overdue", "finding"]

    def filter_overdue(self, queryset, name, value):
        return _overdue(queryset, value, finding_selectors.capa_overdue_q)


class CapaActionFilter(django_filters.FilterSet):
    capa = IdFilter(field_name="capa", label=_("Corrective action"))

    class Meta:
        model = CapaAction
        fields = ["capa"]
