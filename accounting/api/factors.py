"""The factor-set API: factor sets with their factors, and the correction of one factor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accounting.models import Factor, FactorSet
from accounting.services import factors
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability


class FactorSerializer(serializers.ModelSerializer):
    factor_set = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Factor
        fields = ["id", "factor_set", "key", "year", "value", "unit", "source"]
        read_only_fields = ["factor_set", "key", "year", "unit"]

    def validate_value(self, value):
        if value < 0:
            raise serializers.ValidationError(_("A factor cannot be negative."))
        return value


class FactorSetSerializer(serializers.ModelSerializer):
    factors = FactorSerializer(many=True, read_only=True)

    class Meta:
        model = FactorSet
        fields = ["id", "code", "name", "kind", "version", "updated_at", "factors"]


@extend_schema_view(list=extend_schema(summary="List factor sets with their factors"))
class FactorSetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FactorSetSerializer
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]
    ordering_fields = ["code"]

    def get_queryset(self):
        return FactorSet.objects.prefetch_related("factors").order_by("kind", "code")


@extend_schema_view(
    partial_update=extend_schema(
        summary="Correct a factor (admin)",
        description="Its set's version goes up and every site's KPIs are recomputed.",
    )
)
class FactorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = FactorSerializer
    permission_classes = [capability_permission(read=Capability.KPIS_READ, write=Capability.FACTORS_WRITE)]
    http_method_names = ["get", "patch", "head", "options"]
    ordering_fields = ["key", "year"]

    def get_queryset(self):
        return Factor.objects.select_related("factor_set").order_by("factor_set__code", "key", "year")

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = factors.factor_save(
            factor=serializer.instance,
            value=data.get("value", serializer.instance.value),
            source=data.get("source"),
            by=self.request.user,
        )
