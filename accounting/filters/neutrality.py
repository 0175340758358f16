"""Filters and sorting of the carbon-neutrality programmes register (page and API)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounting.models import NeutralityProgramme
from accounting.models.neutrality import NeutralitySubject
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Organisation


class YearFilter(django_filters.NumberFilter):
    """A plausible year, or a clear 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        super().__init__(*args, **kwargs)


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation",
        to_field_name="code",
        queryset=Organisation.objects.order_by("code"),
        label=_("Organisation"),
    )
    subject = django_filters.ChoiceFilter(choices=NeutralitySubject.choices, label=_("Subject"))
    target_year = YearFilter(field_name="target_date__year", label=_("Target year"))
    sort = django_filters.OrderingFilter(
        fields=(("reference", "reference"), ("target_date", "target_date"), ("base_year", "base_year")),
        field_labels={
            "reference": _("Reference"),
            "target_date": _("Target date"),
            "base_year": _("Base period"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = NeutralityProgramme
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(product_name__icontains=value)
        )
