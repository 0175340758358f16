"""The KPI API: a site's energy and emission KPIs per day, month or year."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounting.selectors import kpis as kpi_selectors
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.time import Granularity
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
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
        if days > limit * per_bucket:
            raise serializers.ValidationError(
                {"end": [_("Ask for at most %(n)s buckets at a time.") % {"n": limit}]}
            )
        implausible = {f: [DATE_OUT_OF_RANGE] for f in ("start", "end") if not date_is_plausible(attrs[f])}
        if implausible:
            raise serializers.ValidationError(implausible)
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
