"""The obligations register through the API: list (filtered like the page), read, record, change
from a version (409 on a conflict), and record an evaluation of compliance (a failed one raises its
finding)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.obligations import ObligationFilter
from ..models import (
    Clause,
    ComplianceEvaluation,
    EvaluationResult,
    Evidence,
    FindingClass,
    Obligation,
    ObligationSource,
    Permit,
)
from ..selectors import obligations as selectors
from ..services import obligations as services
from ._common import EditConflictSerializer, entry_changes, user_field, version_field

# The classes a failed evaluation's finding may take (both nonconformities: each needs its CAPA).
EVALUATION_FINDING_CLASSES = [FindingClass.MINOR.value, FindingClass.MAJOR.value]
REGISTERS = capability_permission(read=Capability.REGISTERS_READ, write=Capability.REGISTERS_WRITE)


class ObligationSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="in_force, repealed or superseded (derived).")
    last_evaluated_on = serializers.DateField(read_only=True, allow_null=True)
    next_evaluation_due = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "source_type",
            "issuer",
            "article",
            "effective_on",
            "repealed_on",
            "processes",
            "review_months",
            "superseded_by",
            "permit",
            "status",
            "sites",
            "owner",
            "clauses",
            "evidence",
            "findings",
            "notes",
            "last_evaluated_on",
            "next_evaluation_due",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_evaluation_due(self, obj: Obligation) -> str | None:
        """One review period after the last evaluation; null once no longer in force."""
        due = selectors.next_evaluation_due(obj)
        return due.isoformat() if due else None


class ObligationWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source_type = serializers.ChoiceField(choices=ObligationSource.choices)
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    article = serializers.CharField(max_length=200, required=False, allow_blank=True)
    effective_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )
    repealed_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    processes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    review_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    superseded_by = serializers.PrimaryKeyRelatedField(
        queryset=Obligation.objects.all(), required=False, allow_null=True
    )
    permit = serializers.PrimaryKeyRelatedField(
        queryset=Permit.objects.all(), required=False, allow_null=True
    )
    owner = user_field()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class ObligationUpdateSerializer(ObligationWriteSerializer):
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


class EvaluationSerializer(serializers.ModelSerializer):
    evaluated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComplianceEvaluation
        fields = [
            "id",
            "obligation",
            "evaluated_on",
            "result",
            "evaluated_by",
            "evidence",
            "notes",
            "finding",
        ]
        read_only_fields = fields


class EvaluationCreateSerializer(serializers.Serializer):
    evaluated_on = serializers.DateField(validators=[validate_plausible_date])
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)
    finding_statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    finding_class = serializers.ChoiceField(choices=EVALUATION_FINDING_CLASSES, required=False)
    finding_owner = user_field(required=False, allow_null=True, help_text="Required when not compliant.")
    finding_due_on = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validate_plausible_date],
        help_text="Required when not compliant.",
    )


class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ObligationSerializer
    permission_classes = [REGISTERS]
    filterset_class = ObligationFilter

    def get_queryset(self):
        return selectors.obligation_list().prefetch_related("clauses", "evidence", "findings")

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(ObligationSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record an obligation",
        request=ObligationWriteSerializer,
        responses={201: ObligationSerializer},
    )
    def create(self, request, **kwargs):
        payload = ObligationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ob = services.obligation_create(by=request.user, **payload.validated_data)
        return self._answer(ob.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an obligation",
        description="From the version read; 409 with `current_version` when someone changed it since.",
        request=ObligationUpdateSerializer,
        responses={200: ObligationSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        ob = self.get_object()
        version, data = entry_changes(request, ObligationUpdateSerializer)
        links = {name: data.pop(name, None) for name in ("sites", "clauses", "evidence")}
        services.obligation_update(obligation=ob, by=request.user, version=version, **links, **data)
        return self._answer(ob.pk)

    @extend_schema(
        summary="The evaluations of compliance of an obligation, newest first",
        responses=EvaluationSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def evaluations(self, request, pk=None, **kwargs):
        ob = self.get_object()
        rows = ob.evaluations.select_related("evaluated_by").prefetch_related("evidence")
        return Response(EvaluationSerializer(rows, many=True).data)

    @extend_schema(
        summary="Record an evaluation of compliance",
        description="When `result` is `not_compliant`, a finding (`EVAL-<reference>-<n>`, minor unless "
        "`finding_class` says major) is raised with its corrective action; `finding_owner` and "
        "`finding_due_on` are then required.",
        request=EvaluationCreateSerializer,
        responses={201: EvaluationSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def evaluate(self, request, pk=None, **kwargs):
        ob = self.get_object()
        payload = EvaluationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = {k: v for k, v in payload.validated_data.items() if v is not None}
        evaluation = services.evaluation_record(obligation=ob, by=request.user, **data)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
