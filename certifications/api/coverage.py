"""API of coverage: a standard's coverage at a site, and clauses marked not applicable."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from greenfactory.sites.models import Site

from ..models import Clause, ClauseExclusion, Standard
from ..selectors import coverage as coverage_selectors
from ..selectors import evidence as evidence_selectors
from ..services import evidence as evidence_services
from .evidence import EVIDENCE


class CoverageQuerySerializer(serializers.Serializer):
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all())
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())


class CoverageRowSerializer(serializers.Serializer):
    clause = serializers.CharField()
    clause_id = serializers.IntegerField()
    title = serializers.CharField()
    heading = serializers.BooleanField()
    state = serializers.CharField()
    certificate_lapsed = serializers.BooleanField()
    evidence = serializers.ListField(child=serializers.IntegerField())
    justification = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)  # one report, although the route is a list route
class CoverageSerializer(serializers.Serializer):
    standard = serializers.CharField()
    site = serializers.CharField()
    today = serializers.DateField()
    window_days = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField())
    covered_percent = serializers.IntegerField()
    lapsed_certificates = serializers.ListField(child=serializers.IntegerField())
    rows = CoverageRowSerializer(many=True)


class CoverageViewSet(viewsets.GenericViewSet):
    permission_classes = [EVIDENCE]
    serializer_class = CoverageQuerySerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Coverage of a standard at a site",
        parameters=[
            OpenApiParameter("standard", int, required=True, description="Standard id."),
            OpenApiParameter("site", str, required=True, description="Site code."),
        ],
        responses=CoverageSerializer,
    )
    def list(self, request, **kwargs):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = coverage_selectors.coverage_report(
            standard=query.validated_data["standard"], site=query.validated_data["site"]
        )
        return Response(
            {
                "standard": report.standard.label,
                "site": report.site.code,
                "today": report.today,
                "window_days": report.window_days,
                "totals": report.totals,
                "covered_percent": report.covered_percent,
                "lapsed_certificates": [c.pk for c in report.lapsed_certificates],
                "rows": [
                    {
                        "clause": row.clause.number,
                        "clause_id": row.clause.pk,
                        "title": row.clause.title,
                        "heading": row.is_heading,
                        "state": row.state,
                        "certificate_lapsed": row.certificate_lapsed,
                        "evidence": [e.pk for e in row.evidence],
                        "justification": row.exclusion.justification if row.exclusion else None,
                    }
                    for row in report.rows
                ],
            }
        )


class ClauseExclusionSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    clause = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ClauseExclusion
        fields = ["id", "clause", "site", "justification", "created_by", "created_at"]
        read_only_fields = ["created_at"]
        validators: list[Any] = []


@extend_schema_view(
    list=extend_schema(summary="Clauses marked not applicable"),
    create=extend_schema(summary="Mark a clause not applicable at a site"),
    destroy=extend_schema(summary="Make the clause applicable again"),
)
class ClauseExclusionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ClauseExclusionSerializer
    permission_classes = [EVIDENCE]
    filterset_fields = ["site", "clause"]

    def get_queryset(self):
        return evidence_selectors.clause_exclusion_list()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = evidence_services.clause_exclude(
            clause=data["clause"],
            site=data["site"],
            justification=data["justification"],
            by=self.request.user,
        )

    def perform_destroy(self, instance):
        evidence_services.clause_exclusion_remove(exclusion=instance, by=self.request.user)
