"""The incidents register through the API: list (filtered like the page), read, record, change from
a version (409 on a conflict), and move along reported -> under investigation -> closed. Each
incident answers with its effective grade: the one recorded, or the one its figures suggest."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.incidents import IncidentFilter
from ..models import Clause, Evidence, Incident, IncidentGrade, IncidentKind, IncidentStatus
from ..selectors import incidents as selectors
from ..services import incidents as services
from ._common import (
    MAX_VERSION,
    EditConflictSerializer,
    entry_changes,
    entry_created,
    user_field,
    version_field,
)
from .obligations import REGISTERS

_DATE = {"required": False, "allow_null": True, "validators": [validate_plausible_date]}


class EffectiveGradeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="local_name")
    counts_as_major = serializers.BooleanField(help_text="Whether it fails the green-factory gate.")


class IncidentSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    grade = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The grade recorded, if any."
    )
    effective_grade = serializers.SerializerMethodField()
    grade_recorded = serializers.SerializerMethodField()
    investigated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "kind",
            "occurred_at",
            "site",
            "grade",
            "effective_grade",
            "grade_recorded",
            "description",
            "deaths",
            "serious_injuries",
            "minor_injuries",
            "direct_loss_cny",
            "investigation",
            "root_cause",
            "investigated_by",
            "status",
            "closed_on",
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

    def _effective(self, obj: Incident) -> IncidentGrade | None:
        return selectors.incident_effective_grade(obj, self.context.get("grades"))

    @extend_schema_field(EffectiveGradeSerializer(allow_null=True))
    def get_effective_grade(self, obj: Incident) -> dict[str, Any] | None:
        """The recorded grade, or the one the figures suggest (null: no national grade applies)."""
        grade = self._effective(obj)
        return None if grade is None else dict(EffectiveGradeSerializer(grade).data)

    @extend_schema_field(serializers.BooleanField())
    def get_grade_recorded(self, obj: Incident) -> bool:
        """False when the effective grade is only suggested by the figures."""
        return obj.grade_id is not None


def _count(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_VERSION, required=False, **kwargs)


class IncidentWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Left out: the next INC-<year>-NNN."
    )
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    occurred_at = serializers.DateTimeField(
        validators=[validate_plausible_date], help_text="Not in the future."
    )
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    grade = serializers.SlugRelatedField(
        slug_field="code",
        queryset=IncidentGrade.objects.all(),
        required=False,
        allow_null=True,
        help_text="A grade of the kind's scheme; left out, the figures suggest one.",
    )
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    deaths = _count()
    serious_injuries = _count()
    minor_injuries = _count()
    direct_loss_cny = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="Direct economic loss."
    )
    owner = user_field(required=False, help_text="Left out: you.")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class IncidentUpdateSerializer(IncidentWriteSerializer):
    investigation = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    root_cause = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    investigated_by = user_field(required=False, allow_null=True)
    closed_on = serializers.DateField(**_DATE)
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


class IncidentTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=IncidentStatus.choices)
    closed_on = serializers.DateField(
        required=False, validators=[validate_plausible_date], help_text="When closing; left out: today."
    )


@extend_schema_view(
    list=extend_schema(
        summary="List incidents",
        description="Filter by site code, kind, status, grade code, owner and year; newest first.",
    ),
    retrieve=extend_schema(summary="One incident, with its effective grade"),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IncidentSerializer
    permission_classes = [REGISTERS]
    filterset_class = IncidentFilter

    def get_queryset(self):
        return selectors.incidents_for_list().prefetch_related("clauses", "evidence", "findings")

    def get_serializer_context(self) -> dict[str, Any]:
        # The grades are read once, whatever the number of incidents answered.
        return {**super().get_serializer_context(), "grades": list(IncidentGrade.objects.all())}

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        entry = self.get_queryset().get(pk=pk)
        return Response(IncidentSerializer(entry, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Record an incident",
        description="At one site; `occurred_at` not in the future; a grade must belong to the kind's scheme.",
        request=IncidentWriteSerializer,
        responses={201: IncidentSerializer},
    )
    def create(self, request, **kwargs):
        entry = entry_created(request, IncidentWriteSerializer, services.incident_create)
        return self._answer(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an incident (figures, grade, investigation)",
        description="From the version read; 409 with `current_version` when someone changed it since.",
        request=IncidentUpdateSerializer,
        responses={200: IncidentSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        entry = self.get_object()
        version, data = entry_changes(request, IncidentUpdateSerializer)
        services.incident_update(incident=entry, by=request.user, version=version, **data)
        return self._answer(entry.pk)

    @extend_schema(
        summary="Move an incident on: investigate, close or reopen",
        description="reported -> investigating or closed; investigating -> closed; closed -> investigating. "
        "Closing needs the investigation and its root cause (400); any other move answers 409.",
        request=IncidentTransitionSerializer,
        responses={200: IncidentSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def transition(self, request, pk=None, **kwargs):
        entry = self.get_object()
        payload = IncidentTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        extra = {"closed_on": data["closed_on"]} if "closed_on" in data else {}
        services.incident_transition(incident=entry, status=data["to"], by=request.user, **extra)
        return self._answer(entry.pk)
