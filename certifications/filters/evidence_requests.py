"""Filters of an audit's evidence requests (the PBC list): status, clause and owner, the choices
narrowed to what the list holds."""

import django_filters
from django.utils.translation import gettext_lazy as _

from greenfactory.accounts.models import User

from ..models import Clause, EvidenceRequest, EvidenceRequestStatus


class EvidenceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EvidenceRequestStatus.choices, label=_("Status"))
    clause = django_filters.ModelChoiceFilter(queryset=Clause.objects.none(), label=_("Clause"))
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.none(), label=_("Owner"))

    class Meta:
        model = EvidenceRequest
        fields = ["status", "clause", "owner"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rows = self.queryset
        self.filters["clause"].queryset = (
            Clause.objects.filter(pk__in=rows.values("clause_id"))
            .select_related("standard")
            .order_by("standard__sort_key", "position", "pk")
        )
        self.filters["owner"].queryset = User.objects.filter(pk__in=rows.values("owner_id")).order_by(
            "username"
        )
