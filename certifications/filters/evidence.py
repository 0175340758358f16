"""The evidence register's filter, shared by the page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User
from greenfactory.sites.models import Site

from ..models import Clause, Evidence, EvidenceStatus, Standard


class EvidenceFilter(django_filters.FilterSet):
    """Shared by the evidence register page and the API."""

    q = django_filters.CharFilter(method="filter_text", label=_("Title or description contains"))
    standard = django_filters.ModelChoiceFilter(
        field_name="clauses__standard", queryset=Standard.objects.all(), label=_("Standard"), distinct=True
    )
    # By id (links from the coverage page); hidden on the page, where people type a clause number.
    clause = django_filters.ModelChoiceFilter(
        field_name="clauses",
        queryset=Clause.objects.select_related("standard"),
        label=_("Clause"),
        distinct=True,
        widget=forms.HiddenInput,
    )
    clause_number = django_filters.CharFilter(method="filter_clause_number", label=_("Clause number"))
    site = django_filters.ModelChoiceFilter(
        method="filter_site", to_field_name="code", queryset=Site.objects.all(), label=_("Site")
    )
    owner = django_filters.ModelChoiceFilter(
        field_name="owner",
        to_field_name="username",
        queryset=User.objects.filter(evidence__isnull=False).distinct(),
        label=_("Owner"),
    )
    status = django_filters.ChoiceFilter(choices=EvidenceStatus.choices, label=_("Status"))
    expires_after = django_filters.DateFilter(
        field_name="expiry_date", lookup_expr="gte", label=_("Expires on or after")
    )
    expires_before = django_filters.DateFilter(
        field_name="expiry_date", lookup_expr="lte", label=_("Expires on or before")
    )

    class Meta:
        model = Evidence
        fields = [
            "q",
            "standard",
            "clause_number",
            "clause",
            "site",
            "owner",
            "status",
            "expires_after",
            "expires_before",
        ]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_clause_number(self, queryset, name, value: str):
        # With a standard chosen, the number must belong to that standard's clause.
        lookup = {"clauses__number": value.strip()}
        standard = self.form.cleaned_data.get("standard")
        if standard is not None:
            lookup["clauses__standard"] = standard
        return queryset.filter(**lookup).distinct()

    def filter_site(self, queryset, name, value: Site):
        # Evidence without sites applies to every site.
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True)).distinct()
