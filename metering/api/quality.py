"""The data-quality API: findings with filters, one finding, and the explain action."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from metering.filters.quality import QualityFindingFilter
from metering.models import QualityFinding
from metering.selectors import quality as quality_selectors
from metering.services import quality


class QualityFindingSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    meter = serializers.SerializerMethodField()
    gateway = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    description = serializers.SerializerMethodField()
    explained_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = QualityFinding
        fields = [
            "id",
            "site",
            "meter",
            "gateway",
            "kind",
            "kind_display",
            "start",
            "end",
            "magnitude",
            "details",
            "description",
            "detected",
            "status",
            "note",
            "explained_by",
            "explained_at",
        ]
        read_only_fields = fields

    def get_meter(self, obj) -> dict | None:
        return {"id": obj.meter_id, "code": obj.meter.code} if obj.meter_id else None

    def get_gateway(self, obj) -> dict | None:
        return {"id": obj.gateway_id, "name": obj.gateway.name} if obj.gateway_id else None

    def get_description(self, obj) -> str:
        return quality_selectors.finding_description(obj)


class ExplainSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, trim_whitespace=True)

    def validate_note(self, value):
        if "\x00" in value:
            raise serializers.ValidationError(_("The note cannot contain NUL characters."))
        return value


@extend_schema_view(
    list=extend_schema(
        summary="List data-quality findings",
        description=(
            "Gaps, spikes, flatlines, negative intervals, unexplained register decreases, stale gateways "
            "and energy-balance gaps. Filter by site code, kind, status, meter or gateway id, and by "
            "time: findings overlapping [start, end) (ISO 8601 with offset)."
        ),
    ),
    retrieve=extend_schema(summary="One data-quality finding"),
)
class QualityFindingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QualityFindingSerializer
    permission_classes = [capability_permission(read=Capability.KPIS_READ, write=Capability.QUALITY_WRITE)]
    filterset_class = QualityFindingFilter
    ordering_fields = ["start", "kind", "magnitude"]

    def get_queryset(self):
        return quality_selectors.finding_list()

    @extend_schema(
        summary="Mark a finding explained (staff)",
        description="Keeps the note, who and when; the finding stays explained after recomputation. "
        "409 when it is already explained.",
        request=ExplainSerializer,
        responses={200: QualityFindingSerializer},
    )
    @action(detail=True, methods=["post"])
    def explain(self, request, *args, **kwargs):
        finding = self.get_object()
        body = ExplainSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = quality.finding_explain(finding=finding, by=request.user, note=body.validated_data["note"])
        finding = quality_selectors.finding_list().get(pk=finding.pk)
        return Response(QualityFindingSerializer(finding).data)
