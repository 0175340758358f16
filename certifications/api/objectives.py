"""API of the objectives register: objectives with their current value, its provenance and the
progress towards the target, and the progress entries of objectives recorded by hand."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.objectives import ObjectiveFilter
from ..models import (
    Clause,
    Direction,
    Evidence,
    Follows,
    KpiFigure,
    Objective,
    ObjectiveProgress,
    ObjectiveStatus,
    Standard,
)
from ..selectors import objectives as objective_selectors
from ..services import objectives as objective_services
from ._common import EditConflictSerializer, entry_changes, user_field, version_field
from .risks import REGISTERS

_DEC = {"max_digits": 18, "decimal_places": 6}
_DATE = {"validators": [validate_plausible_date]}


class ObjectiveUpdateVersionRequired(OpenApiSerializerExtension):
    target_class = "certifications.api.objectives.ObjectiveUpdateSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = ["version"]
        return schema


class CurrentValueSerializer(serializers.Serializer):
    """The objective's current value and where it comes from."""

    value = serializers.DecimalField(allow_null=True, coerce_to_string=True, **_DEC)
    source = serializers.ChoiceField(choices=Follows.choices)
    on = serializers.DateField(allow_null=True, help_text="The progress entry's date (manual).")
    start = serializers.DateField(allow_null=True, help_text="The KPI period's first day.")
    end = serializers.DateField(allow_null=True, help_text="The KPI period's last day.")
    days = serializers.IntegerField()
    days_with_data = serializers.IntegerField()
    factors = serializers.ListField(child=serializers.DictField(), help_text="Factor sets and factors used.")
    meters = serializers.DictField(
        child=serializers.FloatField(), help_text="Meters summed, with quantities."
    )
    percent = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, help_text="From baseline (0) to target (100)."
    )
    achieved = serializers.BooleanField(allow_null=True)


class ObjectiveSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    kpi_site = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kpi = serializers.ChoiceField(choices=KpiFigure.choices, allow_blank=True, read_only=True)
    standards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    clauses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "standards",
            "measure",
            "baseline",
            "target",
            "unit",
            "direction",
            "starts_on",
            "due_on",
            "status",
            "follows",
            "kpi",
            "kpi_site",
            "owner",
            "sites",
            "notes",
            "clauses",
            "evidence",
            "findings",
            "current",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CurrentValueSerializer)
    def get_current(self, obj: Objective) -> dict[str, Any]:
        values = self.context.get("current") or objective_selectors.current_values([obj])
        return CurrentValueSerializer(values[obj.pk]).data


class ObjectiveWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=300, help_text="The objective.")
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    standards = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), many=True, required=False)
    measure = serializers.CharField(max_length=300)
    baseline = serializers.DecimalField(required=False, allow_null=True, **_DEC)
    target = serializers.DecimalField(**_DEC)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    starts_on = serializers.DateField(**_DATE)
    due_on = serializers.DateField(**_DATE)
    status = serializers.ChoiceField(choices=ObjectiveStatus.choices, required=False)
    follows = serializers.ChoiceField(choices=Follows.choices, required=False)
    kpi = serializers.ChoiceField(choices=KpiFigure.choices, required=False, allow_blank=True)
    kpi_site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False, allow_null=True
    )
    owner = user_field()
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class ObjectiveUpdateSerializer(ObjectiveWriteSerializer):
    version = version_field(help_text="The version the change was made on.")


class ProgressSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ObjectiveProgress
        fields = ["id", "objective", "recorded_on", "value", "note", "recorded_by"]
        read_only_fields = fields


class ProgressCreateSerializer(serializers.Serializer):
    objective = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.all())
    recorded_on = serializers.DateField(**_DATE)
    value = serializers.DecimalField(**_DEC)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="List objectives with their current value",
        description="Filter by standard, status, follows, due year, site code, owner; search with q.",
    ),
    retrieve=extend_schema(summary="One objective, with its current value and provenance"),
)
class ObjectiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ObjectiveSerializer
    permission_classes = [REGISTERS]
    filterset_class = ObjectiveFilter

    def get_queryset(self):
        return objective_selectors.objective_list().prefetch_related("clauses", "evidence", "findings")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "current": objective_selectors.current_values(rows)}
        data = ObjectiveSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        objective = self.get_object()
        values = objective_selectors.current_values([objective], with_meters=True)
        return Response(ObjectiveSerializer(objective, context={"current": values}).data)

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        objective = self.get_queryset().get(pk=pk)
        values = objective_selectors.current_values([objective], with_meters=True)
        return Response(ObjectiveSerializer(objective, context={"current": values}).data, status=code)

    @extend_schema(
        summary="Record an objective",
        description="follows=kpi needs kpi and kpi_site; its value is then read from the site's KPIs.",
        request=ObjectiveWriteSerializer,
        responses={201: ObjectiveSerializer},
    )
    def create(self, request, **kwargs):
        payload = ObjectiveWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        objective = objective_services.objective_create(by=request.user, **payload.validated_data)
        return self._answer(objective.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an objective",
        description="Send the version it was read at; if it changed since, 409 and nothing is saved.",
        request=ObjectiveUpdateSerializer,
        responses={200: ObjectiveSerializer, 409: OpenApiResponse(EditConflictSerializer)},
    )
    def partial_update(self, request, pk=None, **kwargs):
        objective = self.get_object()
        version, data = entry_changes(request, ObjectiveUpdateSerializer)
        objective_services.objective_update(objective=objective, by=request.user, version=version, **data)
        return self._answer(objective.pk)


@extend_schema_view(
    list=extend_schema(summary="List progress entries", description="Filter by objective id."),
    retrieve=extend_schema(summary="One progress entry"),
    destroy=extend_schema(summary="Remove a progress entry"),
)
class ObjectiveProgressViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProgressSerializer
    permission_classes = [REGISTERS]
    filterset_fields = ["objective"]

    def get_queryset(self):
        return ObjectiveProgress.objects.select_related("recorded_by").order_by(
            "objective_id", "recorded_on", "pk"
        )

    @extend_schema(
        summary="Record progress of an objective kept by hand",
        description="An objective following a KPI takes its values from the KPI (400).",
        request=ProgressCreateSerializer,
        responses={201: ProgressSerializer},
    )
    def create(self, request, **kwargs):
        payload = ProgressCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = objective_services.progress_add(by=request.user, **payload.validated_data)
        return Response(ProgressSerializer(row).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        objective_services.progress_delete(row=instance, by=self.request.user)
