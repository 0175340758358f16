"""The OH&S hazards register through the API: list (filtered like the page), read, record, and
change from a version (409 on a conflict). The initial and residual risk scores and bands are worked
out by the hazard's risk method (LEC: D = L x E x C; or the 5 x 5 matrix) whenever it is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.hazards import HazardFilter
from ..models import Clause, ControlLevel, Evidence, Hazard, HazardControl, RiskMethod
from ..selectors import hazards as selectors
from ..services import hazards as services
from ._common import EditConflictSerializer, entry_changes, entry_created, user_field, version_field
from .obligations import REGISTERS


class HazardControlSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ControlLevel.choices, help_text="Its level in the hierarchy.")
    description = serializers.CharField(max_length=500)
    in_place = serializers.BooleanField(default=True)


def _band(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True, **kwargs)


def _factors(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(child=serializers.FloatField(), read_only=True, **kwargs)


class HazardSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    method = serializers.SlugRelatedField(slug_field="code", read_only=True)
    initial_factors = _factors(help_text="One value per factor of the method, before controls.")
    initial_score = serializers.DecimalField(
        max_digits=10, decimal_places=3, read_only=True, help_text="The product of the initial factors."
    )
    initial_band = _band(help_text="The band of the initial score.")
    residual_factors = _factors(help_text="After controls; empty when not assessed.")
    residual_score = serializers.DecimalField(
        max_digits=10, decimal_places=3, read_only=True, allow_null=True, help_text="The residual risk."
    )
    residual_band = _band(help_text="The band of the residual score.")
    controls = HazardControlSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "hazard",
            "activity",
            "exposed",
            "method",
            "initial_factors",
            "initial_score",
            "initial_band",
            "residual_factors",
            "residual_score",
            "residual_band",
            "controls",
            "review_on",
            "sites",
            "owner",
            "clauses",
            "evidence",
            "findings",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FactorsField(serializers.DictField):
    """Factor values by factor code, kept as JSON numbers (3 stays 3, 0.5 stays 0.5)."""

    child = serializers.DecimalField(max_digits=10, decimal_places=3)

    def to_internal_value(self, data: Any) -> dict[str, int | float]:
        values: dict[str, Decimal] = super().to_internal_value(data)
        return {code: int(v) if v == v.to_integral_value() else float(v) for code, v in values.items()}


class HazardWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Left out: the next HAZ-<year>-NNN."
    )
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    hazard = serializers.CharField(max_length=300)
    activity = serializers.CharField(max_length=300)
    exposed = serializers.CharField(max_length=300, required=False, allow_blank=True)
    method = serializers.SlugRelatedField(slug_field="code", queryset=RiskMethod.objects.all())
    initial_factors = FactorsField(help_text="One value per factor code, each a value of its scale.")
    residual_factors = FactorsField(required=False, help_text="After controls; empty: not assessed.")
    controls = HazardControlSerializer(
        many=True, required=False, help_text="Replaces them all; kept in the order of the hierarchy."
    )
    review_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    owner = user_field(required=False, help_text="Left out: you.")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)

    def validate_controls(self, value: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
        # A PATCH validates partially, where DRF leaves out the nested defaults: in_place is True
        # unless it is sent.
        return [(c["level"], c["description"], c.get("in_place", True)) for c in value]


class HazardUpdateSerializer(HazardWriteSerializer):
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


@extend_schema_view(
    list=extend_schema(
        summary="List OH&S hazards",
        description="Filter by site code, risk method code, residual band code and owner; sort by "
        "reference, initial or residual score, or review date.",
    ),
    retrieve=extend_schema(summary="One OH&S hazard, with its risk before and after controls"),
)
class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HazardSerializer
    permission_classes = [REGISTERS]
    filterset_class = HazardFilter

    def get_queryset(self):
        return selectors.hazards_for_list().prefetch_related(
            "sites",
            "clauses",
            "evidence",
            "findings",
            Prefetch("controls", queryset=HazardControl.objects.order_by("position", "pk")),
        )

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(HazardSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record an OH&S hazard",
        description="Scored by its risk method: the scores and bands are worked out, never sent.",
        request=HazardWriteSerializer,
        responses={201: HazardSerializer},
    )
    def create(self, request, **kwargs):
        entry = entry_created(request, HazardWriteSerializer, services.hazard_create)
        return self._answer(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an OH&S hazard",
        description="From the version read; 409 with `current_version` when someone changed it since. "
        "`controls`, when sent, replaces them all.",
        request=HazardUpdateSerializer,
        responses={200: HazardSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        entry = self.get_object()
        version, data = entry_changes(request, HazardUpdateSerializer)
        services.hazard_update(entry=entry, by=request.user, version=version, **data)
        return self._answer(entry.pk)
