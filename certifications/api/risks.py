"""API of the risks and opportunities register and of their actions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.risks import RiskFilter
from ..models import (
    Clause,
    Effectiveness,
    Evidence,
    RiskAction,
    RiskKind,
    RiskOpportunity,
    RiskSource,
    RiskStatus,
    Standard,
)
from ..selectors import risks as risk_selectors
from ..services import risks as risk_services
from ._common import EditConflictSerializer, entry_changes, user_field, version_field

REGISTERS = capability_permission(read=Capability.REGISTERS_READ, write=Capability.REGISTERS_WRITE)
_DATE = {"required": False, "allow_null": True, "validators": [validate_plausible_date]}


class RiskUpdateVersionRequired(OpenApiSerializerExtension):
    """A PATCH body is partial in the schema, but it must name the version it was made on."""

    target_class = "certifications.api.risks.RiskUpdateSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = ["version"]
        return schema


class RiskActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RiskAction
        fields = [
            "id",
            "entry",
            "action",
            "owner",
            "due_on",
            "done_on",
            "effectiveness",
            "evaluated_on",
            "notes",
        ]
        read_only_fields = fields


class RiskSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    standards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    clauses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    rating = serializers.CharField(source="band", read_only=True, help_text="The band of the matrix.")
    actions = RiskActionSerializer(many=True, read_only=True)

    class Meta:
        model = RiskOpportunity
        fields = [
            "id",
            "reference",
            "kind",
            "title",
            "title_zh",
            "standards",
            "source",
            "context",
            "description",
            "likelihood",
            "consequence",
            "score",
            "rating",
            "status",
            "owner",
            "sites",
            "review_on",
            "notes",
            "clauses",
            "evidence",
            "findings",
            "actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RiskWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    standards = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), many=True, required=False)
    source = serializers.ChoiceField(choices=RiskSource.choices)
    context = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    likelihood = serializers.IntegerField(min_value=1, max_value=100, help_text="A level of the matrix.")
    consequence = serializers.IntegerField(min_value=1, max_value=100, help_text="A level of the matrix.")
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    owner = user_field()
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    review_on = serializers.DateField(**_DATE)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class RiskUpdateSerializer(RiskWriteSerializer):
    version = version_field(help_text="The version the change was made on.")


class RiskActionWriteSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=5000)
    owner = user_field()
    due_on = serializers.DateField(**_DATE)
    done_on = serializers.DateField(**_DATE)
    effectiveness = serializers.ChoiceField(choices=Effectiveness.choices, required=False)
    evaluated_on = serializers.DateField(**_DATE)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RiskActionCreateSerializer(RiskActionWriteSerializer):
    entry = serializers.PrimaryKeyRelatedField(queryset=RiskOpportunity.objects.all())


@extend_schema_view(
    list=extend_schema(
        summary="List risks and opportunities",
        description="Filter by kind, standard, context, rating band, status, site code, owner; search with q.",
    ),
    retrieve=extend_schema(summary="One risk or opportunity, with its actions"),
)
class RiskOpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RiskSerializer
    permission_classes = [REGISTERS]
    filterset_class = RiskFilter

    def get_queryset(self):
        return risk_selectors.risk_list().prefetch_related(
            "clauses", "evidence", "findings", "actions__owner"
        )

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(RiskSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record a risk or an opportunity",
        description="Score and rating are worked out from the matrix (likelihood x consequence).",
        request=RiskWriteSerializer,
        responses={201: RiskSerializer},
    )
    def create(self, request, **kwargs):
        payload = RiskWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = risk_services.risk_create(by=request.user, **payload.validated_data)
        return self._answer(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a risk or an opportunity",
        description="Send the version it was read at; if it changed since, 409 and nothing is saved.",
        request=RiskUpdateSerializer,
        responses={200: RiskSerializer, 409: OpenApiResponse(EditConflictSerializer)},
    )
    def partial_update(self, request, pk=None, **kwargs):
        entry = self.get_object()
        version, data = entry_changes(request, RiskUpdateSerializer)
        risk_services.risk_update(entry=entry, by=request.user, version=version, **data)
        return self._answer(entry.pk)


@extend_schema_view(
    list=extend_schema(summary="List actions of risks and opportunities", description="Filter by entry id."),
    retrieve=extend_schema(summary="One action"),
    destroy=extend_schema(summary="Remove an action"),
)
class RiskActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = RiskActionSerializer
    permission_classes = [REGISTERS]
    filterset_fields = ["entry"]

    def get_queryset(self):
        return RiskAction.objects.select_related("owner").order_by("entry_id", "due_on", "pk")

    @extend_schema(
        summary="Add an action", request=RiskActionCreateSerializer, responses={201: RiskActionSerializer}
    )
    def create(self, request, **kwargs):
        payload = RiskActionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = risk_services.risk_action_add(by=request.user, **payload.validated_data)
        return Response(
            RiskActionSerializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change an action: done, and how effective it proved",
        request=RiskActionWriteSerializer,
        responses=RiskActionSerializer,
    )
    def partial_update(self, request, pk=None, **kwargs):
        row = self.get_object()
        payload = RiskActionWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        risk_services.risk_action_update(row=row, by=request.user, **payload.validated_data)
        return Response(RiskActionSerializer(self.get_queryset().get(pk=row.pk)).data)

    def perform_destroy(self, instance):
        risk_services.risk_action_delete(row=instance, by=self.request.user)
