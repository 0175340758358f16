"""The meters API: meters, and their register resets and exchanges."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.sites.models import Site
from metering.filters.meters import MeterEventFilter, MeterFilter
from metering.models import Meter, MeterEvent
from metering.selectors import meters as selectors
from metering.services import meters


class MeterSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    parent = serializers.PrimaryKeyRelatedField(queryset=Meter.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Meter
        fields = ["id", "site", *meters.EDITABLE]
        validators = []  # uniqueness and cross-meter rules are the service's, answered as 409/400


@extend_schema_view(
    list=extend_schema(summary="List meters", description="Filter by site code, medium, kind and code."),
    create=extend_schema(summary="Register a meter (staff)"),
    partial_update=extend_schema(summary="Change a meter (staff)"),
)
class MeterViewSet(viewsets.ModelViewSet):
    serializer_class = MeterSerializer
    permission_classes = [capability_permission(read=Capability.METERS_READ, write=Capability.METERS_WRITE)]
    filterset_class = MeterFilter
    ordering_fields = ["code", "name", "medium"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.meter_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = meters.meter_create(site=data.pop("site"), by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        site = data.pop("site", serializer.instance.site)
        if site != serializer.instance.site:
            raise meters.MeterInvalid(_("A meter cannot move to another site."), field="site")
        serializer.instance = meters.meter_update(meter=serializer.instance, by=self.request.user, **data)


class MeterEventSerializer(serializers.ModelSerializer):
    meter = serializers.PrimaryKeyRelatedField(queryset=Meter.objects.all())
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = MeterEvent
        fields = [
            "id",
            "meter",
            "ts",
            "kind",
            "old_final_value",
            "new_start_value",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        validators = []

    def validate_old_final_value(self, value: float) -> float:
        return _finite_not_negative(value)

    def validate_new_start_value(self, value: float) -> float:
        return _finite_not_negative(value)


def _finite_not_negative(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise serializers.ValidationError(_lazy("A finite, non-negative number is required."))
    return value


@extend_schema_view(
    list=extend_schema(summary="List register resets and meter exchanges"),
    create=extend_schema(summary="Record a register reset or meter exchange (staff)"),
)
class MeterEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = MeterEventSerializer
    permission_classes = [capability_permission(read=Capability.METERS_READ, write=Capability.METERS_WRITE)]
    filterset_class = MeterEventFilter
    ordering_fields = ["ts"]

    def get_queryset(self):
        return selectors.meter_event_list()

    def perform_create(self, serializer):
        serializer.instance = meters.meter_event_create(by=self.request.user, **serializer.validated_data)
