from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability

from . import selectors, services
from .filters import ProductionRecordFilter
from .models import Organisation, ProductionRecord, Site


class SiteSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())

    class Meta:
        model = Site
        fields = [
            "id",
            "organisation",
            "code",
            "name",
            "name_zh",
            "address",
            "time_zone",
            "land_area_m2",
            "floor_area_m2",
            "industry",
        ]


@extend_schema_view(
    list=extend_schema(summary="List sites"),
    retrieve=extend_schema(summary="One site"),
    create=extend_schema(summary="Create a site (administrators)"),
    update=extend_schema(summary="Replace a site (administrators)"),
    partial_update=extend_schema(summary="Change a site (administrators)"),
)
class SiteViewSet(viewsets.ModelViewSet):
    serializer_class = SiteSerializer
    permission_classes = [capability_permission(read=Capability.SITES_READ, write=Capability.SITES_WRITE)]
    lookup_field = "code"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return selectors.site_list()

    def perform_create(self, serializer):
        serializer.instance = services.site_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.site_update(
            site=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ProductionRecordSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ProductionRecord
        fields = [
            "id",
            "site",
            "period_start",
            "period_end",
            "material",
            "kind",
            "tonnes",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        # Uniqueness is the service's rule; it answers 409 with a clear message.
        validators = []

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": _("The period cannot end before it starts.")})
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="List production records", description="Filter by site code, kind, material and period."
    ),
    create=extend_schema(summary="Record production", responses={201: ProductionRecordSerializer}),
)
class ProductionRecordViewSet(viewsets.ModelViewSet):
    serializer_class = ProductionRecordSerializer
    permission_classes = [
        capability_permission(read=Capability.PRODUCTION_READ, write=Capability.PRODUCTION_WRITE)
    ]
    filterset_class = ProductionRecordFilter
    ordering_fields = ["period_start", "tonnes", "material"]

    def get_queryset(self):
        return selectors.production_record_list()

    def perform_create(self, serializer):
        serializer.instance = services.production_record_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.production_record_update(
            record=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def destroy(self, request, *args, **kwargs):
        services.production_record_delete(record=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
