import django_filters
from django.forms import DateInput
from django.utils.translation import gettext_lazy as _

from .models import ProductionKind, ProductionRecord, Site


class ProductionRecordFilter(django_filters.FilterSet):
    """Shared by the production records page and the API."""

    site = django_filters.ModelChoiceFilter(
        field_name="site",
        to_field_name="code",
        queryset=Site.objects.all(),
        label=_("Site"),
        empty_label=_("All sites"),
    )
    kind = django_filters.ChoiceFilter(
        choices=ProductionKind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    material = django_filters.CharFilter(lookup_expr="icontains", label=_("Material contains"))
    start = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("From"), widget=DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=_("To"), widget=DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ProductionRecord
        fields = ["site", "kind", "material", "start", "end"]
