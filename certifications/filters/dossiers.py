"""Filters of the dossiers list, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from greenfactory.sites.models import Site

from ..models import Dossier, DossierKind, DossierLanguage, DossierStatus


class DossierFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DossierKind.choices, label=_("For"))
    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.order_by("code"), label=_("Site")
    )
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices, label=_("Status"))
    language = django_filters.ChoiceFilter(choices=DossierLanguage.choices, label=_("Language"))

    class Meta:
        model = Dossier
        fields = ["kind", "site", "status", "language"]
