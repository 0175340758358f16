"""API of the standards library: standards and editions, clauses, the crosswalk, imports and exports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.uploads import refuse_oversized_body

from ..exceptions import FileTooLarge, ImportRejected
from ..exports.standards import FORMATS, standard_export
from ..files import XLSX
from ..models import Clause, ClauseMapping, MappingRelation, Standard
from ..parsers.standards import Problem, read_standard_file
from ..selectors import standards as standard_selectors
from ..services import standards as standard_services

STANDARDS = capability_permission(read=Capability.STANDARDS_READ, write=Capability.STANDARDS_WRITE)


class ClauseSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard.label", read_only=True)
    parent = serializers.CharField(source="parent.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Clause
        fields = ["id", "standard", "number", "title", "title_zh", "parent", "depth"]


class StandardSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    replaced_by = serializers.CharField(
        source="replaced_by.label", read_only=True, default=None, allow_null=True
    )
    clause_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "label",
            "code",
            "edition",
            "title",
            "title_zh",
            "status",
            "withdrawn_on",
            "replaced_by",
            "note",
            "note_zh",
            "clause_count",
        ]


class StandardImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A YAML (.yaml/.yml) or Excel (.xlsx) file.")
    carry_over_from = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(), required=False, allow_null=True, help_text="An earlier edition's id."
    )


class CarryOverSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(), help_text="The earlier edition's id."
    )


class ProblemSerializer(serializers.Serializer):
    location = serializers.CharField()
    message = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="List standards and editions"),
    retrieve=extend_schema(summary="One standard edition"),
)
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["code", "status"]
    ordering_fields = ["code", "edition"]

    def get_queryset(self):
        return standard_selectors.standard_list()

    @extend_schema(
        summary="Export a standard as YAML or Excel",
        parameters=[
            OpenApiParameter("as", str, enum=["yaml", "xlsx"], description="File format (default yaml).")
        ],
        description="YAML: the standard as a document in the import format; xlsx: the same as a workbook.",
        responses={(200, "application/yaml"): OpenApiTypes.OBJECT, (200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None, **kwargs):
        standard = self.get_object()
        fmt = request.query_params.get("as", "yaml")
        if fmt not in FORMATS:
            raise serializers.ValidationError({"as": [_("Use yaml or xlsx.")]})
        file = standard_export(standard=standard, fmt=fmt)
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return response

    @extend_schema(
        summary="Import a standard or a new edition",
        description="Nothing is written unless the whole file is valid; a 400 answer lists every problem "
        "with its line (YAML) or cell (Excel).",
        request={"multipart/form-data": StandardImportSerializer},
        responses={
            201: StandardSerializer,
            400: inline_serializer(
                "ImportRejected",
                fields={"detail": serializers.CharField(), "problems": ProblemSerializer(many=True)},
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request, **kwargs):
        refuse_oversized_body(request, limit=settings.EVIDENCE_UPLOAD_MAX_BYTES, error=FileTooLarge)
        payload = StandardImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, problems = read_standard_file(payload.validated_data["file"])
        if problems or data is None:
            return _rejected(problems)
        try:
            standard = standard_services.standard_import(
                data=data, carry_over_from=payload.validated_data.get("carry_over_from"), by=request.user
            )
        except ImportRejected as exc:
            return _rejected(exc.problems)
        return Response(
            StandardSerializer(standard_selectors.standard_list().get(pk=standard.pk)).data, status=201
        )

    @extend_schema(
        summary="Carry mappings and evidence links over from an earlier edition",
        request=CarryOverSerializer,
        responses=inline_serializer(
            "CarryOverResult",
            fields={"mappings": serializers.IntegerField(), "evidence_links": serializers.IntegerField()},
        ),
    )
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request, pk=None, **kwargs):
        payload = CarryOverSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        counts = standard_services.standard_carry_over(
            source=payload.validated_data["source"], target=self.get_object(), by=request.user
        )
        return Response(counts)


def _rejected(problems: Iterable[Problem]) -> Response:
    return Response(
        {
            "detail": _("The standard was not imported."),
            "problems": [{"location": p.location, "message": p.message} for p in problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class ClauseMappingSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    target = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    relation = serializers.ChoiceField(choices=MappingRelation.choices)
    target_label = serializers.SerializerMethodField()

    class Meta:
        model = ClauseMapping
        fields = ["id", "source", "target", "relation", "target_label"]
        validators: list[Any] = []

    def get_target_label(self, obj: ClauseMapping) -> str:
        return f"{obj.target.standard.label} {obj.target.number}"


@extend_schema_view(
    list=extend_schema(summary="List clauses", description="Filter by standard id."),
    retrieve=extend_schema(summary="One clause"),
)
class ClauseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClauseSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["standard", "number"]

    def get_queryset(self):
        return standard_selectors.clause_list().select_related("parent")

    @extend_schema(
        summary="The crosswalk's equivalents of a clause", responses=ClauseMappingSerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def equivalents(self, request, pk=None, **kwargs):
        mappings = standard_selectors.crosswalk_equivalents(clauses=[self.get_object()])
        return Response(ClauseMappingSerializer(mappings, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List crosswalk mappings"),
    create=extend_schema(summary="Map two clauses (stored both ways)"),
)
class ClauseMappingViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ClauseMappingSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["source", "target", "relation"]

    def get_queryset(self):
        return standard_selectors.clause_mapping_list()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = standard_services.clause_mapping_add(
            source=data["source"], target=data["target"], relation=data["relation"]
        )
