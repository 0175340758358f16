"""The benchmark API: kgce per tonne processed or the EnPI of sites and periods, ranked, with the
reference levels in force; and the plant-entered reference levels (read by KPI readers, written by
those who define baselines and targets)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounting.models import BenchmarkMetric, ReferenceLevel
from accounting.selectors.benchmarks import (
    MAX_PERIODS,
    Benchmark,
    Reference,
    benchmark,
    benchmark_query,
)
from accounting.services import benchmarks as service
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Organisation, Site
from greenfactory.sites.selectors import site_list

_PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.BASELINES_WRITE)]
_DECIMAL = {"max_digits": 24, "decimal_places": 6, "coerce_to_string": True}


class BenchmarkRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="1 is the lowest value; null without one.")
    site = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.DecimalField(allow_null=True, help_text="In `unit`.", **_DECIMAL)
    tce = serializers.DecimalField(allow_null=True, **_DECIMAL)
    processed_t = serializers.DecimalField(allow_null=True, **_DECIMAL)
    days_with_data = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="Every day of the period has stored KPIs.")
    baseline = serializers.CharField(help_text="The baseline the EnPI comes from; empty for kgce_per_t.")
    enpi_months = serializers.IntegerField(help_text="Months of the period with an EnPI (EnPI only).")
    missing = serializers.CharField(help_text="Why there is no value; empty when there is one.")


class ReferenceLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The reference level's id; null for shipped data."
    )
    label = serializers.CharField()
    value = serializers.DecimalField(help_text="In the benchmark's unit.", **_DECIMAL)
    entered = serializers.DecimalField(help_text="As given, in `unit`.", **_DECIMAL)
    unit = serializers.CharField()
    source = serializers.CharField(allow_blank=True)
    origin = serializers.ChoiceField(choices=["shipped", "plant"])
    site = serializers.CharField(allow_blank=True, help_text="Empty: the whole organisation or shipped data.")
    valid_from = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text="Why a shipped level is not drawn.")


@extend_schema_serializer(many=False)  # one benchmark, although the route is a list route
class BenchmarkSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=BenchmarkMetric.choices)
    unit = serializers.CharField(allow_blank=True, help_text="kgce/t, or empty for the EnPI (a ratio).")
    period = serializers.ChoiceField(choices=["month", "year"])
    start = serializers.DateField()
    end = serializers.DateField()
    rows = BenchmarkRowSerializer(many=True)
    references = ReferenceLineSerializer(many=True)
    not_drawn = ReferenceLineSerializer(many=True)
    quota_note = serializers.CharField()


def _line(ref: Reference) -> dict:
    return {
        "id": ref.pk,
        "label": ref.label,
        "value": ref.value,
        "entered": ref.entered,
        "unit": ref.unit,
        "source": ref.source,
        "origin": ref.origin,
        "site": ref.site,
        "valid_from": ref.valid_from,
        "reason": ref.reason,
    }


def benchmark_data(bench: Benchmark) -> dict:
    return {
        "metric": bench.metric,
        "unit": bench.unit,
        "period": bench.granularity,
        "start": bench.periods[0].start,
        "end": bench.periods[-1].end,
        "rows": [
            {
                "rank": r.rank,
                "site": r.site.code,
                "period_start": r.period.start,
                "period_end": r.period.end,
                "value": r.value,
                "tce": r.tce,
                "processed_t": r.processed_t,
                "days_with_data": r.days_with_data,
                "complete": r.complete,
                "baseline": r.baseline,
                "enpi_months": r.enpi_months,
                "missing": r.missing,
            }
            for r in bench.rows
        ],
        "references": [_line(r) for r in bench.references],
        "not_drawn": [_line(r) for r in bench.not_drawn],
        "quota_note": bench.quota_note,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Energy per tonne or EnPI of sites and periods, ranked, with reference levels",
        description=(
            "kgce_per_t: comprehensive energy (tce, GB/T 2589) per tonne processed from the stored KPIs "
            "(equal to the KPI API's kgce_per_t); enpi: actual / expected energy of each site's "
            "whole-site energy baseline, summed over the period's months. Rows are ranked lowest "
            "first; rows without a value come last with the reason. `references`: the shipped levels "
            "of the metric and the plant-entered levels in force on the last period's last day."
        ),
        parameters=[
            OpenApiParameter("metric", str, enum=BenchmarkMetric.values, description="Default kgce_per_t"),
            OpenApiParameter("period", str, enum=["month", "year"], description="Default month"),
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="A day of the last period shown; default the last complete month",
            ),
            OpenApiParameter(
                "periods",
                int,
                description=f"How many periods up to it: 1 to {MAX_PERIODS['month']} months, "
                f"1 to {MAX_PERIODS['year']} years; default 1",
            ),
            OpenApiParameter(
                "site", {"type": "array", "items": {"type": "string"}}, description="Site codes; default all"
            ),
        ],
        responses={200: BenchmarkSerializer},
    )
)
class BenchmarkViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        params = request.query_params
        asked = benchmark_query(
            all_sites=list(site_list()),
            metric=params.get("metric"),
            granularity=params.get("period"),
            on=params.get("on"),
            count=params.get("periods"),
            codes=params.getlist("site"),
            strict=True,
        )
        bench = benchmark(sites=asked.sites, metric=asked.metric, periods=asked.periods)
        return Response(BenchmarkSerializer(benchmark_data(bench)).data)


class ReferenceLevelSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False, allow_null=True
    )
    organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    value = serializers.DecimalField(max_digits=18, decimal_places=6)
    unit = serializers.CharField(max_length=16, help_text="kgce/t or tce/t for kgce_per_t; ratio for enpi.")
    label = serializers.CharField(max_length=120)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    valid_from = serializers.DateField(validators=[validate_plausible_date])

    class Meta:
        model = ReferenceLevel
        fields = [
            "id",
            "site",
            "organisation",
            "metric",
            "value",
            "unit",
            "label",
            "source_note",
            "valid_from",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class ReferenceLevelUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=6, required=False)
    unit = serializers.CharField(max_length=16, required=False)
    label = serializers.CharField(max_length=120, required=False)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    valid_from = serializers.DateField(required=False, validators=[validate_plausible_date])


@extend_schema_view(
    list=extend_schema(
        summary="Plant-entered reference levels",
        parameters=[
            OpenApiParameter("metric", str, enum=BenchmarkMetric.values),
            OpenApiParameter("site", str, description="Site code: that site's own levels"),
        ],
    ),
    create=extend_schema(
        summary="Enter a reference level for a site or an organisation",
        description="Give exactly one of site and organisation. The value is greater than zero, in "
        "one of the metric's units; 400 naming the field otherwise.",
    ),
    partial_update=extend_schema(
        summary="Change a reference level's figure, unit, label, source or start",
        request=ReferenceLevelUpdateSerializer,
    ),
)
class ReferenceLevelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReferenceLevelSerializer
    permission_classes = _PERMISSION
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = ReferenceLevel.objects.select_related("site", "organisation")
        metric = self.request.query_params.get("metric")
        if metric:
            queryset = queryset.filter(metric=metric)
        code = self.request.query_params.get("site")
        if code:
            queryset = queryset.filter(site__code=code)
        return queryset.order_by("metric", "label", "-valid_from", "pk")

    def create(self, request, *args, **kwargs):
        serializer = ReferenceLevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        level = service.reference_level_create(
            site=data.get("site"),
            organisation=data.get("organisation"),
            metric=data["metric"],
            value=data["value"],
            unit=data["unit"],
            label=data["label"],
            source_note=data.get("source_note", ""),
            valid_from=data["valid_from"],
            by=request.user,
        )
        return Response(ReferenceLevelSerializer(level).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = ReferenceLevelUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        level = service.reference_level_update(
            level=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(ReferenceLevelSerializer(level).data)

    def destroy(self, request, *args, **kwargs):
        service.reference_level_delete(level=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
