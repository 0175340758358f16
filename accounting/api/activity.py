"""The activity-data API: refrigerant refills, fuel deliveries, green certificates and scope 3 activity."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounting.models import FuelDelivery, GreenCertificateRetirement, RefrigerantRefill, Scope3Activity
from accounting.selectors.activity import activity_list
from accounting.services import activity
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site


class _ActivitySerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        fields = ["id", "site", "date", "note", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"date": {"validators": [validate_plausible_date]}}


def _serializer(model, extra: list[str]):
    meta = type(
        "Meta",
        (_ActivitySerializer.Meta,),
        {"model": model, "fields": [*_ActivitySerializer.Meta.fields, *extra]},
    )
    return type(f"{model.__name__}Serializer", (_ActivitySerializer,), {"Meta": meta})


class _ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model = None
    permission_classes = [capability_permission(read=Capability.KPIS_READ, write=Capability.ACTIVITY_WRITE)]
    ordering_fields = ["date"]

    def get_queryset(self):
        return activity_list(model=self.model, site_code=self.request.query_params.get("site"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        site = data.pop("site")
        values = activity.activity_values(model=self.model, data=data)
        serializer.instance = activity.activity_create(site=site, values=values, by=self.request.user)

    def destroy(self, request, *args, **kwargs):
        activity.activity_delete(instance=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


_SITE = OpenApiParameter("site", str, description="Site code")


@extend_schema_view(list=extend_schema(parameters=[_SITE], summary="List refrigerant refills"))
class RefrigerantRefillViewSet(_ActivityViewSet):
    model = RefrigerantRefill
    serializer_class = _serializer(RefrigerantRefill, ["equipment", "gas", "kg"])


@extend_schema_view(list=extend_schema(parameters=[_SITE], summary="List fuel deliveries"))
class FuelDeliveryViewSet(_ActivityViewSet):
    model = FuelDelivery
    serializer_class = _serializer(FuelDelivery, ["fuel", "quantity", "unit"])


@extend_schema_view(list=extend_schema(parameters=[_SITE], summary="List green-certificate retirements"))
class GreenCertificateViewSet(_ActivityViewSet):
    model = GreenCertificateRetirement
    serializer_class = _serializer(GreenCertificateRetirement, ["certificate_ref", "kwh", "vintage"])


@extend_schema_view(list=extend_schema(parameters=[_SITE], summary="List scope 3 activity"))
class Scope3ActivityViewSet(_ActivityViewSet):
    model = Scope3Activity
    serializer_class = _serializer(
        Scope3Activity, ["category", "description", "quantity", "unit", "factor_kg_per_unit", "factor_source"]
    )
