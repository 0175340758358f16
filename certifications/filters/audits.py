"""Filters of the audit list and the findings list."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Audit, AuditStatus, AuditType, Finding, FindingClass, FindingStatus, Standard
from ..selectors.findings import findings_overdue_q


class AuditFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    year = django_filters.NumberFilter(field_name="programme__year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=AuditStatus.choices, label=_("Status"))
    audit_type = django_filters.ChoiceFilter(choices=AuditType.choices, label=_("Type"))
    standard = django_filters.ModelChoiceFilter(
        field_name="standards", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("starts_on", "starts_on"),
            ("reference", "reference"),
            ("title", "title"),
            ("status", "status"),
            ("audit_type", "audit_type"),
        ),
        field_labels={
            "starts_on": _("Start date"),
            "reference": _("Reference"),
            "title": _("Title"),
            "status": _("Status"),
            "audit_type": _("Type"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Audit
        fields = ["site", "year", "status", "audit_type", "standard", "sort"]

    def filter_site(self, queryset, name, value: Site):
        return queryset.filter(Q(programme__site=value) | Q(sites=value)).distinct()


class FindingFilter(django_filters.FilterSet):
    audit = django_filters.ModelChoiceFilter(
        field_name="audit",
        to_field_name="reference",
        queryset=Audit.objects.order_by("-starts_on"),
        label=_("Audit"),
    )
    finding_class = django_filters.ChoiceFilter(choices=FindingClass.choices, label=_("Class"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(
        field_name="owner",
        to_field_name="username",
        queryset=User.objects.filter(findings_owned__isnull=False).distinct(),
        label=_("Owner"),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    standard = django_filters.ModelChoiceFilter(
        field_name="clauses__standard", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("raised_on", "raised_on"),
            ("due_on", "due_on"),
            ("reference", "reference"),
            ("finding_class", "finding_class"),
            ("status", "status"),
        ),
        field_labels={
            "raised_on": _("Raised on"),
            "due_on": _("Due on"),
            "reference": _("Reference"),
            "finding_class": _("Class"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Finding
        fields = ["audit", "finding_class", "status", "owner", "overdue", "standard", "sort"]

    def filter_overdue(self, queryset, name, value):
        q = findings_overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)
