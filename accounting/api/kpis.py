"""The KPI API, factor sets, and activity data (refrigerants, fuel, certificates, scope 3)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounting.models import (
    Factor,
    FactorSet,
    FuelDelivery,
    GreenCertificateRetirement,
    RefrigerantRefill,
    Scope3Activity,
)
from accounting.selectors import kpis as kpi_selectors
from accounting.services import activity, factors
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.time import Granularity
from greenfactory.sites.models import Site

MAX_BUCKETS = {Granularity.DAY: 800, Granularity.MONTH: 240, Granularity.YEAR: 50}


class KpiQuerySerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    start = serializers.DateField()
    end = serializers.DateField()
    granularity = serializers.ChoiceField(
        choices=[Granularity.DAY, Granularity.MONTH, Granularity.YEAR], default=Granularity.MONTH
    )

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The period cannot end before it starts.")]})
        days = (attrs["end"] - attrs["start"]).days + 1
        limit = MAX_BUCKETS[attrs["granularity"]]
        per_bucket = {Granularity.DAY: 1, Granularity.MONTH: 31, Granularity.YEAR: 366}[attrs["granularity"]]
        if (
            days > limit * per_bucket
            or attrs["start"] < dt.date(1900, 1, 1)
            or attrs["end"] > dt.date(2999, 12, 31)
        ):
            raise serializers.ValidationError(
                {"end": [_("Ask for at most %(n)s buckets at a time.") % {"n": limit}]}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="Energy and emission KPIs per bucket",
        description=(
            "Per day, month or year of the site's time zone (buckets whose first day lies in "
            "[start, end]): consumption per medium (KPI units: kWh, m3, kg for liquid fuels, GJ for "
            "heat and steam) and per meter (its medium's canonical unit), tce, scope 1, "
            "scope 2 location- and market-based, totals per ISO 14064-1 category, tonnes processed, "
            "intensities, renewable share, data-quality counts and the factor-set versions used. "
            "Figures are decimal strings in t, tCO2e, kWh, m3, kg, GJ."
        ),
        parameters=[
            OpenApiParameter("site", str, required=True, description="Site code"),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Inclusive"),
            OpenApiParameter("granularity", str, enum=["day", "month", "year"], description="Default month"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class KpiViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        series = kpi_selectors.kpi_series(
            site=data["site"], start=data["start"], end=data["end"], granularity=data["granularity"]
        )
        return Response(
            {
                "site": data["site"].code,
                "granularity": data["granularity"],
                "time_zone": data["site"].time_zone,
                "results": [bucket.as_dict() for bucket in series],
            }
        )


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


class _ActivitySerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        fields = ["id", "site", "date", "note", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]

    def validate_date(self, value):
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise serializers.ValidationError(_("Give a date between 2000 and 2100."))
        return value


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
        queryset = self.model.objects.select_related("site", "created_by").order_by("-date", "-id")
        code = self.request.query_params.get("site")
        return queryset.filter(site__code=code) if code else queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = activity.activity_create(
            model=self.model, site=data.pop("site"), by=self.request.user, **data
        )

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
