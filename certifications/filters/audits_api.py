"""Filters of the audits API: audit programmes, audits, their sessions and checklists."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.core.filters import IdFilter
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Site

from ..models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    AuditType,
    ChecklistItem,
    ChecklistResult,
    Standard,
)
from ..selectors import audits as audit_selectors

# A checklist item not yet assessed has an empty result; the filter names it "open".
RESULT_CHOICES = [("open" if value == "" else value, label) for value, label in ChecklistResult.choices]


class YearFilter(django_filters.NumberFilter):
    """A year between 1990 and 2100, or a clear 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        super().__init__(*args, **kwargs)


class ProgrammeFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=Site.objects.all(), label=_("Site")
    )
    year = YearFilter(label=_("Year"))

    class Meta:
        model = AuditProgramme
        fields = ["site", "year"]


class AuditFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="sites", to_field_name="code", queryset=Site.objects.all(), label=_("Site"), distinct=True
    )
    year = YearFilter(field_name="programme__year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=AuditStatus.choices, label=_("Status"))
    audit_type = django_filters.ChoiceFilter(choices=AuditType.choices, label=_("Type"))
    standard = django_filters.ModelChoiceFilter(
        field_name="standards", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Audit
        fields = ["site", "year", "status", "audit_type", "standard", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.filter(audit_selectors.audits_overdue_q(timezone.localdate()))
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class SessionFilter(django_filters.FilterSet):
    audit = IdFilter(field_name="audit", label=_("Audit"))

    class Meta:
        model = AuditSession
        fields = ["audit"]


class ChecklistItemFilter(django_filters.FilterSet):
    audit = IdFilter(field_name="audit", label=_("Audit"))
    result = django_filters.ChoiceFilter(choices=RESULT_CHOICES, method="filter_result", label=_("Result"))
    number = django_filters.CharFilter(label=_("Clause number"), max_length=20)

    class Meta:
        model = ChecklistItem
        fields = ["audit", "result", "number"]

    def filter_result(self, queryset, name, value):
        return queryset.filter(result="" if value == "open" else value)
